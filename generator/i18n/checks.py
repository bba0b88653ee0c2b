"""Checks a localisation team relies on, in the spirit of Weblate and translate-toolkit.

Each problem is one line: where (file:line), which message, what is wrong and what
to do. A language with any problem is left out of the build; the others still build.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from generator.content import PLACEHOLDER
from generator.i18n.extract import required_messages
from generator.errors import UserError, where
from generator.i18n import locale_for
from generator.markup import MarkupProblem, parse_inline

LETTERS = re.compile(r"[^\W\d_]+")


def load_allowlist(path: Path) -> set[str]:
    """Terms a translation may leave as in English (drug, test and organisation names)."""
    if not path.exists():
        return set()
    return {line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()} - {""}


def _skeleton(text: str) -> Counter:
    """Tags with their nesting path, e.g. {'b': 1, 'b/i': 1}: order may change, structure may not."""
    paths, stack = Counter(), []
    for kind, value in parse_inline(text):
        if kind == "open":
            stack.append(value)
            paths["/".join(stack)] += 1
        elif kind == "close":
            stack.pop()
    return paths


def _edges(text: str) -> tuple[str, str]:
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return lead, trail


def check_catalog(lang: str, po_path: Path, catalog: Catalog, headers: dict, required: Catalog,
                  allowlist: set[str], fonts=None) -> list[str]:
    """Every problem in one language's catalogue, one line each."""
    from generator.i18n.catalogs import REVIEW_STATUSES

    problems: list[str] = []
    here = lambda m: where(po_path, getattr(m, "lineno", None))  # noqa: E731

    def report(m, msgid, what):
        short = msgid if len(msgid) <= 50 else msgid[:47] + "..."
        problems.append(f"{here(m)}: [{lang}] msgid {short!r}: {what}")

    expected = get_plural(locale_for(lang))
    if catalog.num_plurals != expected.num_plurals:
        problems.append(f"{where(po_path)}: [{lang}] Plural-Forms says nplurals={catalog.num_plurals} but {lang} "
                        f"has {expected.num_plurals} plural forms; set the header to: {expected.plural_forms}")
    status = headers.get("X-Review-Status")
    if status not in REVIEW_STATUSES:
        problems.append(f"{where(po_path)}: [{lang}] header X-Review-Status is {status!r}; set it to "
                        f"'unreviewed', or to 'reviewed' with X-Reviewed-By naming the health professional")
    elif status == "reviewed" and not headers.get("X-Reviewed-By"):
        problems.append(f"{where(po_path)}: [{lang}] X-Review-Status is 'reviewed' but X-Reviewed-By is empty")

    for src in required:
        if not src.id:
            continue
        key = src.id[0] if isinstance(src.id, tuple) else src.id
        m = catalog.get(src.id, context=src.context)
        if m is None:
            problems.append(f"{where(po_path)}: [{lang}] msgid {key[:50]!r} is missing; run `make update`, then translate it")
            continue
        forms = list(m.string) if isinstance(m.string, (tuple, list)) else [m.string]
        if m.fuzzy:
            report(m, key, "is marked fuzzy; check the translation and remove the fuzzy flag")
            continue
        if not all(forms):
            report(m, key, "is not translated")
            continue
        sources = list(src.id) if isinstance(src.id, tuple) else [src.id]
        if isinstance(src.id, tuple) and len(forms) != catalog.num_plurals:
            report(m, key, f"has {len(forms)} plural forms; {lang} needs {catalog.num_plurals}")
        for i, text in enumerate(forms):
            source = sources[min(i, len(sources) - 1)] if len(sources) > 1 else sources[0]
            problems += [f"{here(m)}: [{lang}] msgid {key[:50]!r}: {p}" for p in
                         _string_problems(source, text, sources, allowlist, fonts)]
    return problems


def _string_problems(source: str, text: str, sources: list[str], allowlist: set[str], fonts) -> list[str]:
    out = []
    try:
        parse_inline(text)
    except MarkupProblem as exc:
        return [f"translation markup: {exc}"]
    wanted = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
    found = set(PLACEHOLDER.findall(text))
    if found != wanted:
        missing, extra = sorted(wanted - found), sorted(found - wanted)
        detail = "; ".join(filter(None, [f"missing {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                                         f"unknown {', '.join('{' + p + '}' for p in extra)}" if extra else ""]))
        out.append(f"placeholders differ from the English ({detail}); keep each {{name}} exactly as in the source")
    if _skeleton(text) != _skeleton(source):
        out.append("inline tags differ from the English (tags or nesting); use the same <b>/<i> as the source")
    if _edges(text) != _edges(source):
        out.append("leading or trailing spaces or newlines differ from the English")
    if text == source and LETTERS.search(source):
        words = set(LETTERS.findall(re.sub(r"<[^>]+>|\{\w+\}", " ", source)))
        if not words <= allowlist:
            out.append("is identical to the English; translate it (or add the term to locales/identical-ok.txt "
                       "if it is a name that stays the same)")
    if fonts is not None:
        missing = fonts.missing(text)
        if missing:
            chars = ", ".join(f"{c!r} U+{ord(c):04X}" for c in sorted(missing))
            out.append(f"no font for {chars}; use another character or add a font for it")
    return out


def check_languages(project: Path, langs: list[str]) -> dict[str, list[str]]:
    """{lang: problems} for each language (English, the source, has no catalogue)."""
    from generator.i18n.catalogs import Locales
    from generator.render.pdf.fonts import FontStack

    locales = Locales(project / "locales")
    required = required_messages(project)
    allowlist = load_allowlist(project / "locales" / "identical-ok.txt")
    result = {}
    for lang in langs:
        if lang == "en":
            result[lang] = []
            continue
        path = locales.po_path(lang)
        if not path.exists():
            result[lang] = [f"{where(path)}: [{lang}] no catalogue; start it with `make new-language L={lang}`"]
            continue
        try:
            catalog, headers = locales.read(lang)
        except UserError as exc:
            result[lang] = [str(exc)]
            continue
        result[lang] = check_catalog(lang, path, catalog, headers, required, allowlist, FontStack(lang))
    return result


def pot_is_current(project: Path) -> list[str]:
    """The .pot translators receive must match the content and templates."""
    from babel.messages.pofile import read_po

    pot = project / "locales" / "messages.pot"
    if not pot.exists():
        return [f"{where(pot)}: missing; run `make extract`"]
    with open(pot, "rb") as f:
        have = {(m.id, m.context) for m in read_po(f) if m.id}
    want = {(m.id, m.context) for m in required_messages(project) if m.id}
    if have != want:
        n_new, n_old = len(want - have), len(have - want)
        return [f"{where(pot)}: out of date ({n_new} new, {n_old} removed messages); run `make update`"]
    return []

