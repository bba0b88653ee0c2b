"""Extraction: every translatable string of the content and the templates.

`extract_handout` is the Babel extraction method for handout YAML files (see babel.cfg);
`required_messages` is what every language must translate; `write_pot` writes the
template translators receive.

Every translatable string becomes a catalogue entry with its file:line, its
translator note as an extracted comment, its msgctxt when the content gives one,
and a plural entry (ngettext) for counted values such as "{n} months".
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from generator.errors import UserError

COMMENT_TAGS = ["Translators:"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


def extract_handout(fileobj, keywords, comment_tags, options):
    from generator.content import load_handout

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


def required_messages(project: Path) -> Catalog:
    """What every language must translate: extracted now from content and templates (not from a
    possibly stale .pot), so a new English string can never reach a page untranslated."""
    with open(project / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    catalog = Catalog(fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(project), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_pot(project: Path) -> Catalog:
    """Collect every translatable string into locales/messages.pot."""
    from generator.i18n.catalogs import _fixed_date, _write

    with open(project / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    catalog = Catalog(project="NET patient handouts", msgid_bugs_address="", charset="utf-8",
                      creation_date=_fixed_date(), fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(project), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    _write(catalog, project / "locales" / "messages.pot", omit_header=False, sort_by_file=True)
    return catalog
