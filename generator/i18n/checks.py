"""Checks a localisation team relies on, in the spirit of Weblate and translate-toolkit.

Each problem is one line: where (file:line), which message, what is wrong and what
to do. A language with any problem is left out of the build; the others still build.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.content import PLACEHOLDER
from generator.i18n.extract import required_messages
from generator.errors import UserError, where
from generator.i18n import locale_for
from generator.i18n.plurals import mismatch, suggestion
from generator.markup import MarkupProblem, parse_inline, plain

LETTERS = re.compile(r"[^\W\d_]+")
# Web addresses as the content writes them: with a scheme, www., or a bare domain (netrf.org, cancer.ca).
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+|(?<![A-Za-z0-9@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
                 r"(?:org|com|net|gov|edu|info|health|io|int|eu|ca|uk|us|au|nz|ie|fr|de|es|it|nl|in|cn|ru|vn|za|ae|sa|eg|mx|br|ph)"
                 r"(?:/[^\s<>\"'()\[\]]*)?(?![A-Za-z0-9-])", re.I)
# Phone-like: at least 7 digits, with spaces, dots, dashes or brackets between groups.
PHONE = re.compile(r"\+?\(?\d[\d\s().\-\u00a0]{5,}\d")
# A number: digits with at most one separator between digit groups (1,000 / 1 000 / 2.5 / 2,5).
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009'\u2019\u066b\u066c ]\d+)*")
MAX_RATIO, MIN_RATIO = 4.0, 0.1  # measured on the shipped catalogues: 0.07 (Chinese, a 2-character word) to 3.7


def load_allowlist(path: Path) -> set[str]:
    """Terms a translation may leave as in English (drug, test and organisation names)."""
    from generator.i18n.catalogs import read_small_text

    if not path.exists():
        return set()
    return {line.split("#")[0].strip() for line in read_small_text(path).splitlines()} - {""}


def load_numbers_ok(path: Path) -> dict[tuple[str, str], Counter]:
    """Translations a maintainer checked whose numbers are written differently on purpose.

    One line each: `language | the translation's numbers (space-separated, - for none) | English msgid`,
    e.g. Chinese writes "the 1980s" as 20世纪80年代 (20, 80). The exact numbers are recorded,
    so a later change to any number in that translation is caught again.
    """
    from generator.i18n.catalogs import read_small_text

    out = {}
    if not path.exists():
        return out
    for line in read_small_text(path).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) == 3:
            lang, numbers, msgid = parts
            out[(lang, msgid)] = Counter(n for n in numbers.split() if n != "-")
    return out


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
                  allowlist: set[str], fonts=None, numbers_ok: dict | None = None) -> list[str]:
    """Every problem in one language's catalogue, one line each."""
    from generator.i18n.catalogs import REVIEW_STATUSES

    problems: list[str] = []
    here = lambda m: where(po_path, getattr(m, "lineno", None))  # noqa: E731

    def report(m, msgid, what):
        short = msgid if len(msgid) <= 50 else msgid[:47] + "..."
        problems.append(f"{here(m)}: [{lang}] msgid {short!r}: {what}")

    wrong = mismatch(lang, catalog.num_plurals, catalog.plural_expr)
    if wrong:
        fix = suggestion(lang)
        todo = f"set the header to \"Plural-Forms: {fix}\\n\"" if fix else "make it follow CLDR's rules for " + lang
        problems.append(f"{where(po_path)}: [{lang}] Plural-Forms {wrong}; {todo}")
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
                         _string_problems(source, text, sources, allowlist, fonts,
                                          (numbers_ok or {}).get((lang, key)), facts=lang != "pseudo")]
    return problems


def _string_problems(source: str, text: str, sources: list[str], allowlist: set[str], fonts,
                     numbers_ok: Counter | None = None, facts: bool = True) -> list[str]:
    out = []
    longest = max(len(s) for s in sources)
    if len(text) > MAX_RATIO * longest + 40:
        # Checked first and alone: a runaway translation (1 MB) must fail here, not in a 200-second layout.
        return [f"translation is {len(text)} characters, the English {longest}; translate only this text"]
    if len(source) >= 40 and len(text) < MIN_RATIO * len(source):
        out.append(f"translation is {len(text)} characters, the English {len(source)}; it has lost text, "
                   f"translate all of it")
    try:
        parse_inline(text)
    except MarkupProblem as exc:
        return [f"translation markup: {exc}"]
    long_word = _unbreakable(text)
    if long_word:
        out.append(f"a word of {len(long_word)} characters ({long_word[:20]}...) cannot be broken across lines; "
                   f"use spaces between words")
    # Placeholders as a multiset: {providers}{providers} would print the number twice.
    wanted = Counter()
    for s in sources:
        wanted |= Counter(PLACEHOLDER.findall(s))
    found = Counter(PLACEHOLDER.findall(text))
    if found != wanted:
        missing, extra = sorted((wanted - found).elements()), sorted((found - wanted).elements())
        detail = "; ".join(filter(None, [f"missing {', '.join('{' + p + '}' for p in missing)}" if missing else "",
                                         f"extra {', '.join('{' + p + '}' for p in extra)}" if extra else ""]))
        out.append(f"placeholders differ from the English ({detail}); keep each {{name}} exactly as in the source, "
                   f"once each")
    if facts:  # (the pseudo-language accents web addresses on purpose; it is never shipped)
        out += _fact_problems(source, text, numbers_ok)
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


MAX_WORD = 45  # measured: the longest word in the shipped catalogues is 21 characters (Hindi), English 17
# Scripts written without spaces between words (line breaking does not need them).
_NO_SPACES = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u0f00-\u0fff\u3040-\u30ff\u3400-\u9fff"
                        "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _unbreakable(text: str) -> str | None:
    """A word longer than MAX_WORD (web addresses and placeholders aside) in a script that uses
    spaces: it cannot be wrapped, so a box that must hold it grows past its column or card."""
    try:
        words = plain(text)
    except MarkupProblem:
        return None
    for word in re.split(r"[\s/\u2014\u2013-]+", URL.sub(" ", PLACEHOLDER.sub(" ", words))):
        if len(word) > MAX_WORD and not _NO_SPACES.search(word) and LETTERS.search(word):
            return word
    return None


def _native_digits(text: str) -> str:
    """Any script's decimal digits as ASCII (٢٤ and २४ are 24); everything else unchanged."""
    return "".join(str(unicodedata.digit(c)) if not c.isascii() and unicodedata.digit(c, None) is not None else c
                   for c in text)


def _fact_problems(source: str, text: str, numbers_ok: Counter | None = None) -> list[str]:
    """Web addresses and phone numbers kept exactly; every other number kept (in any script's digits)."""
    out = []
    source_plain = PLACEHOLDER.sub(" ", source)
    text_plain = PLACEHOLDER.sub(" ", text)
    urls = [u.rstrip(".,;:") for u in URL.findall(source_plain)]
    lost = [u for u in urls if _count(text_plain, u) < urls.count(u)]
    if lost:
        out.append(f"web address {lost[0]} is missing or changed; copy it exactly as in the English")
    phones = [p.strip() for p in PHONE.findall(URL.sub(" ", source_plain)) if sum(c.isdigit() for c in p) >= 7]
    changed = [p for p in phones if p not in text_plain]
    if changed:
        out.append(f"phone number {changed[0]} is missing or changed; copy it exactly as in the English")
    for u in urls:
        source_plain = source_plain.replace(u, " ")
        text_plain = text_plain.replace(u, " ")
    for ph in phones:
        source_plain = source_plain.replace(ph, " ")
        text_plain = text_plain.replace(ph, " ")
    want = Counter(_number_key(n) for n in NUMBER.findall(source_plain))
    have = Counter(_number_key(n) for n in NUMBER.findall(_native_digits(text_plain)))
    if want != have and have != numbers_ok and not lost and not changed:
        english, translation = _numbers(want), _numbers(have)
        out.append(f"numbers differ from the English (English: {english}; translation: {translation}); "
                   f"keep every number, in figures (a maintainer can accept a deliberate difference in "
                   f"locales/numbers-ok.txt)")
    return out


def _numbers(found: Counter) -> str:
    """The numbers for a message line: sorted, each at most 12 digits shown, at most 8 of them."""
    shown = [n if len(n) <= 12 else n[:12] + "..." for n in sorted(found.elements())]
    return (", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")) or "none"


def _count(text: str, needle: str) -> int:
    return len(re.findall(r"(?<![A-Za-z0-9.-])" + re.escape(needle) + r"(?![A-Za-z0-9-])", text, re.I))


def _number_key(number: str) -> str:
    """1,000 and 1 000 are the same number; so are 2.5 and 2,5 (separators are the locale's)."""
    return re.sub(r"\D", "", number)


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})*\Z")


def language_problem(lang: str) -> str | None:
    """Why `lang` cannot be a language of this build (not a code, or unknown to Babel), or None."""
    from babel import UnknownLocaleError

    if lang in ("en", "pseudo"):
        return None
    shown = lang if len(lang) <= 20 else lang[:17] + "..."
    if not LANGUAGE_CODE.match(lang):
        return f"{shown!r} is not a language code; use a code such as fr, pt_BR or zh_CN"
    try:
        locale_for(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return f"{shown!r} is not a language Babel knows; use a code such as fr, pt_BR or zh_CN"
    return None


def check_languages(project: Path, langs: list[str]) -> dict[str, list[str]]:
    """{lang: problems} for each language (English, the source, has no catalogue)."""
    from generator.i18n.catalogs import Locales
    from generator.render.pdf.fonts import FontStack

    locales = Locales(project / "locales")
    required = required_messages(project)
    allowlist = load_allowlist(project / "locales" / "identical-ok.txt")
    numbers_ok = load_numbers_ok(project / "locales" / "numbers-ok.txt")
    result = {}
    for lang in langs:
        if lang == "en":
            result[lang] = []
            continue
        bad = language_problem(lang)
        if bad:
            result[lang] = [f"{where(locales.root / 'LINGUAS')}: {bad}, or remove it"]
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
        result[lang] = check_catalog(lang, path, catalog, headers, required, allowlist, FontStack(lang), numbers_ok)
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

