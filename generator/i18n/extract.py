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
    if problems and options.get("skip_invalid"):
        return  # the build leaves this handout out and reports its problems itself
    if problems:
        raise UserError(problems[0] + (f" (and {len(problems) - 1} more; run `python -m generator check`)" if len(problems) > 1 else ""))
    pairs = handout.plurals()
    singular = {id(one): other for one, other in pairs}
    plural = {id(other) for _, other in pairs}
    for m in handout.messages():
        if id(m) in plural:
            continue  # emitted with its singular, below
        comments = [m.note] if m.note else []
        if id(m) in singular:
            other = singular[id(m)]
            funcname, msgs = ("npgettext", (m.context, m.text, other.text, None)) if m.context else \
                ("ngettext", (m.text, other.text, None))
            yield m.line, funcname, msgs, comments or ["Plural: {n} is the count, formatted for your language."]
        elif m.context:
            yield m.line, "pgettext", (m.context, m.text), comments
        else:
            yield m.line, "_", m.text, comments


def required_messages(project: Path) -> Catalog:
    """What every language must translate: extracted now from content and templates (not from a
    possibly stale .pot), so a new English string can never reach a page untranslated."""
    with open(project / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    for pattern, method in method_map:
        if method.endswith("extract_handout"):
            options_map[pattern] = {**options_map.get(pattern, {}), "skip_invalid": "yes"}
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
