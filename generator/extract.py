"""Babel extraction method for handout YAML files (see babel.cfg).

Every translatable string becomes a catalogue entry with its file:line, its
translator note as an extracted comment, its msgctxt when the content gives one,
and a plural entry (ngettext) for counted values such as "{n} months".
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError


def extract_handout(fileobj, keywords, comment_tags, options):
    from .content import load_handout

    handout, problems = load_handout(Path(fileobj.name))
    if problems:
        raise UserError(problems[0] + (f" (and {len(problems) - 1} more; run `python -m generator check`)" if len(problems) > 1 else ""))
    for m in handout.messages():
        comments = [m.note] if m.note else []
        plural = _plural_of(handout, m)
        if plural is not None:
            continue  # emitted with its singular, below
        singular_of = _is_singular(handout, m)
        if singular_of is not None:
            one, other = m, singular_of
            funcname, msgs = ("npgettext", (one.context, one.text, other.text, None)) if one.context else \
                ("ngettext", (one.text, other.text, None))
            yield m.line, funcname, msgs, comments or ["Plural: {n} is the count, formatted for your language."]
        elif m.context:
            yield m.line, "pgettext", (m.context, m.text), comments
        else:
            yield m.line, "_", m.text, comments


def _pairs(handout):
    for m in handout.messages():
        for var in m.vars.values():
            if var.one is not None:
                yield var.one, var.other


def _is_singular(handout, msg):
    return next((other for one, other in _pairs(handout) if one is msg), None)


def _plural_of(handout, msg):
    return next((one for one, other in _pairs(handout) if other is msg), None)
