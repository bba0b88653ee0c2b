"""Gettext catalogues: extract, update, start a language, compile.

The same steps a translator knows from Sphinx or Babel, kept as named commands:
    extract  content + templates      -> locales/messages.pot   (extract.py)
    update   messages.pot             -> locales/<lang>/LC_MESSAGES/messages.po (all)
    init     messages.pot + a code    -> a new messages.po
    compile  messages.po              -> messages.mo (for tools that want .mo)
    pseudo   messages.pot             -> an accented, longer fake language (pseudo.py)
Babel drops header fields it does not know when it rewrites a file, so the
review-status fields (X-Review-Status, X-Reviewed-By) are carried over here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from generator.errors import UserError, where
from generator.build.output import write_atomic

REVIEW_HEADERS = ("X-Review-Status", "X-Reviewed-By")
REVIEW_STATUSES = ("unreviewed", "reviewed")


class Locales:
    """The locales/ folder: which languages exist and which are shipped (LINGUAS)."""

    def __init__(self, root: Path):
        self.root = root
        self.pot = root / "messages.pot"

    def po_path(self, lang: str) -> Path:
        return self.root / lang / "LC_MESSAGES" / "messages.po"

    def shipped(self) -> list[str]:
        """Languages listed in locales/LINGUAS (the gettext convention), in that order."""
        path = self.root / "LINGUAS"
        if not path.exists():
            return []
        words = re.sub(r"#.*", "", read_small_text(path)).split()
        return list(dict.fromkeys(words))

    def available(self) -> list[str]:
        return sorted(p.parent.parent.name for p in self.root.glob("*/LC_MESSAGES/messages.po"))

    def read(self, lang: str) -> tuple[Catalog, dict]:
        """Read a language's catalogue and its review headers, or raise UserError with file:line."""
        return read_catalog(self.po_path(lang), lang)


def read_small_text(path: Path, limit: int = 1 << 20) -> str:
    """A small UTF-8 text file the project keeps (LINGUAS, allow-lists), or UserError naming it."""
    import stat

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise UserError(f"expected a small text file (at most {limit >> 10} KB); restore it from git", where(path))
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start}); save it as UTF-8", where(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read it ({exc.strerror})", where(path)) from None


MAX_CATALOG_BYTES = 4 * 1024 * 1024  # the shipped catalogues are 50-80 KB; 19 languages of leaflets stay far below


def read_catalog(path: Path, lang: str | None = None) -> tuple[Catalog, dict]:
    """Read an untrusted .po file safely, or raise UserError with file:line and what to do.

    Before Babel sees it: a regular file under MAX_CATALOG_BYTES, UTF-8, one header entry
    declaring charset=utf-8, and (for a language) a Language matching the folder and a
    Plural-Forms with 1-6 forms and an expression our own parser accepts (Babel would
    allocate nplurals strings per plural message, and gettext.c2py evaluates code).
    """
    data = _read_limited(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"catalogue is not UTF-8 (byte {exc.start}); save it as UTF-8", where(path)) from None
    line, header = _header(text, path)
    _check_header(header, path, line, lang)
    try:
        from babel import UnknownLocaleError

        from generator.i18n import locale_for

        catalog = read_po(io.BytesIO(data), locale=locale_for(lang) if lang else None, abort_invalid=True)
    except PoFileError as exc:
        raise UserError(f"catalogue syntax error: {exc}; open it in Poedit to repair it", where(path, getattr(exc, "lineno", None))) from None
    except (ValueError, TypeError, UnknownLocaleError) as exc:
        raise UserError(f"catalogue header is invalid ({exc}); check Language and Plural-Forms", where(path, line)) from None
    return catalog, review_headers(text)


def _read_limited(path: Path) -> bytes:
    import stat

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UserError("catalogue is not a regular file; replace it with the .po file itself", where(path))
        if info.st_size > MAX_CATALOG_BYTES:
            raise UserError(f"catalogue is {info.st_size / 1e6:.1f} MB, more than the {MAX_CATALOG_BYTES >> 20} MB "
                            f"a catalogue may be; it is not a translation of these handouts", where(path))
        with open(path, "rb") as f:
            data = f.read(MAX_CATALOG_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read catalogue ({exc.strerror})", where(path)) from None
    if len(data) > MAX_CATALOG_BYTES:
        raise UserError(f"catalogue is more than {MAX_CATALOG_BYTES >> 20} MB", where(path))
    return data


_ENTRY_START = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(\".*)$")


def _header(text: str, path: Path) -> tuple[int | None, dict[str, str]]:
    """The fields of the catalogue's one real header entry (msgid "" with no context), with its line.

    Comments (including commented-out or obsolete entries) are not the header; a second
    header entry is refused, since Babel would silently let it override the first.
    """
    from babel.messages.pofile import unescape

    entries, current, key = [], None, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if current is not None and not line:
                current = None
            continue
        m = _ENTRY_START.match(line)
        if m:
            keyword, rest = m.groups()
            if keyword in ("msgctxt", "msgid") and (current is None or keyword in current
                                                     or any(k.startswith("msgstr") for k in current)):
                current = {"line": number}
                entries.append(current)
            if current is None:
                continue
            key = keyword
            current[key] = rest
        elif line.startswith('"') and current is not None and key:
            current[key] += "\n" + line
    headers = [e for e in entries if "msgctxt" not in e and "msgid_plural" not in e and "msgid" in e
               and _unquote(e["msgid"], unescape) == ""]
    if not headers:
        return None, {}
    if len(headers) > 1:
        raise UserError("a second header entry (msgid \"\") is here; keep only the first one at the top",
                        where(path, headers[1]["line"]))
    body = _unquote(headers[0].get("msgstr", '""'), unescape)
    fields = {}
    for row in body.split("\n"):
        name, colon, value = row.partition(":")
        if colon and name.strip():
            fields[name.strip().lower()] = value.strip()
    return headers[0]["line"], fields


def _unquote(lines: str, unescape) -> str:
    return "".join(unescape(part.strip()) for part in lines.split("\n") if part.strip().startswith('"'))


def _check_header(fields: dict[str, str], path: Path, line: int | None, lang: str | None):
    from generator.i18n.plurals import PluralFormsError, parse_plural_forms, suggestion

    content_type = fields.get("content-type", "text/plain; charset=utf-8")
    m = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
    charset = m.group(1) if m else "utf-8"
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UserError(f"header says charset={charset[:30]}; save the file as UTF-8 and set "
                        f"\"Content-Type: text/plain; charset=UTF-8\\n\"", where(path, line))
    if lang is None:
        return
    language = fields.get("language", "").replace("-", "_")
    if language and language != lang and not (lang == "pseudo" and language == "en"):
        raise UserError(f"header says Language: {language[:30]} but this is the catalogue for {lang}; "
                        f"set it to \"Language: {lang}\\n\"", where(path, line))
    try:
        if "plural-forms" not in fields:
            raise PluralFormsError("there is no Plural-Forms header")
        parse_plural_forms(fields["plural-forms"])
    except PluralFormsError as exc:
        fix = suggestion(lang)
        todo = f"set the header to \"Plural-Forms: {fix}\\n\"" if fix else "set Plural-Forms to the CLDR rules for " + lang
        raise UserError(f"[{lang}] Plural-Forms cannot be used ({exc}); {todo}", where(path, line)) from None


def review_headers(text: str) -> dict:
    """X-Review-Status and X-Reviewed-By from the catalogue's real header entry: the first entry,
    msgid "" with no msgctxt. Comments (even a commented-out header) are never read.

    Informational only: whether a page says "reviewed" is decided by the maintainers' record,
    reviews/<lang>.toml (generator/review), never by anything in a .po file."""
    from babel.messages.pofile import unescape

    lines = [line.strip() for line in text.splitlines()]
    i = 0
    while i < len(lines) and (not lines[i] or lines[i].startswith("#")):
        i += 1
    if i + 1 >= len(lines) or lines[i] != 'msgid ""' or not lines[i + 1].startswith("msgstr "):
        return {}
    body = [lines[i + 1][len("msgstr "):].strip()]
    i += 2
    while i < len(lines) and lines[i].startswith('"'):
        body.append(lines[i])
        i += 1
    try:
        header = "".join(unescape(part) for part in body)
    except Exception:  # noqa: BLE001  (a malformed header is read_catalog's to report)
        return {}
    found = {}
    for row in header.split("\n"):
        name, colon, value = row.partition(":")
        if colon and name.strip() in REVIEW_HEADERS:
            found[name.strip()] = value.strip()
    return found


def _write(catalog: Catalog, path: Path, headers: dict | None = None, **kwargs):
    buf = io.BytesIO()
    write_po(buf, catalog, width=88, **kwargs)
    text = buf.getvalue().decode("utf-8")
    if headers:
        extra = "".join(f'"{k}: {v}\\n"\n' for k, v in headers.items())
        text = re.sub(r'("Generated-By: [^"]*"\n)', lambda m: m.group(1) + extra, text, count=1)
    write_atomic(path, text.encode("utf-8"))


def _fixed_date():
    # A stable POT-Creation-Date keeps the .pot reproducible; SOURCE_DATE_EPOCH wins when set.
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc) if epoch else dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


PROJECT_NAME = "NET patient handouts"


def update(locales: Locales) -> list[str]:
    """Merge messages.pot into every language's catalogue, keeping translations and review headers.

    A message whose English changed becomes fuzzy, so it never reaches a page until a translator
    confirms it, and keeps the previous English as `#| msgid` (kept across later updates while it
    stays fuzzy), so Poedit and Weblate show what changed. Its review approval lapses by itself:
    reviews/<lang>.toml approves digests of the English and the translation (generator/review).
    Header fields still holding Babel's template placeholders are filled in (see _complete_header)."""
    template, _ = read_catalog(locales.pot)
    done = []
    for lang in locales.available():
        catalog, headers = locales.read(lang)
        previous = {}
        for message in [*catalog, *catalog.obsolete.values()]:
            _previous_from_comments(message)
            if message.id and message.fuzzy and message.previous_id:
                previous[_key(message)] = list(message.previous_id)
        catalog.update(template, update_header_comment=False)
        for message in catalog:
            if message.id and message.fuzzy and not message.previous_id and _key(message) in previous:
                message.previous_id = previous[_key(message)]
        _note_approvals(catalog, locales.root.parent, lang)
        _complete_header(catalog, lang)
        _write_with_previous(catalog, locales.po_path(lang), headers)
        done.append(lang)
    return done


def _write_with_previous(catalog: Catalog, path: Path, headers: dict):
    """Write the catalogue with each fuzzy message's previous English as proper `#| msgid` lines.

    Babel writes a long previous msgid as one re-wrapped comment whose quoted strings break across
    lines, which gettext tools cannot read; so short tokens go through Babel and are replaced here
    by the previous msgid formatted like any msgid, one quoted string per `#|` line."""
    from babel.messages.pofile import normalize

    previous: dict[str, str] = {}
    for i, message in enumerate(catalog):
        if message.id and message.previous_id:
            tokens = [f"@@previous-{i}-{k}@@" for k in range(len(message.previous_id))]
            previous.update(zip(tokens, message.previous_id, strict=True))
            message.previous_id = tokens
    _write(catalog, path, headers, ignore_obsolete=True, sort_by_file=True, include_previous=bool(previous))
    if not previous:
        return

    def lines(match) -> str:
        keyword, token = match.group(1), match.group(2)
        quoted = normalize(previous[token], width=86).split("\n")
        return "\n".join([f"#| {keyword} {quoted[0]}", *(f"#| {q}" for q in quoted[1:])])

    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^#\| (msgid|msgid_plural) "(@@previous-\d+-\d+@@)"$', lines, text, flags=re.M)
    write_atomic(path, text.encode("utf-8"))


APPROVED_NOTE = "Reviewed: approved by "


def _note_approvals(catalog: Catalog, project: Path, lang: str):
    """Show translators which messages a health professional approved, as an extracted comment
    Poedit and Weblate display ("Reviewed: approved by NAME, ROLE, DATE."; any change needs a new review).
    Informational only, rewritten at each update: reviews/<lang>.toml stays the authority."""
    from generator.review.printed import source_digest, translation_digest
    from generator.review.records import load_record

    record = load_record(project, lang)
    if not record.signoffs:
        return
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        forms = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(strings):
            continue
        pair = (source_digest(message.context, forms), translation_digest(tuple(strings)))
        signed = record.signoffs_for([pair])
        if signed:
            message.auto_comments = [c for c in message.auto_comments if not c.startswith(APPROVED_NOTE)] + [
                f"{APPROVED_NOTE}{signed[0].by}, {signed[0].date.isoformat()}."]


def _key(message) -> tuple:
    return (message.context, message.id[0] if isinstance(message.id, (tuple, list)) else message.id)


def _previous_from_comments(message):
    """Babel reads `#| msgid "..."` lines as translator comments ("| msgid ..."): turn them back into
    the message's previous msgid, so they are written as `#|` again, not as a comment."""
    from babel.messages.pofile import unescape

    rows = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    if not rows:
        return
    message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    parts: dict[str, list[str]] = {"msgid": [], "msgid_plural": []}
    key = None
    for row in rows:
        for keyword in ("msgid_plural", "msgid", "msgctxt"):
            if row.startswith(keyword + " "):
                key, row = (keyword if keyword != "msgctxt" else None), row[len(keyword):].strip()
                break
        if key and row.startswith('"') and row.endswith('"'):
            try:
                parts[key].append(unescape(row))
            except Exception:  # noqa: BLE001  (an unreadable old msgid is only a hint; drop it)
                return
    if parts["msgid"]:
        message.previous_id = ["".join(parts["msgid"])] + (["".join(parts["msgid_plural"])] if parts["msgid_plural"] else [])


def _placeholder(value) -> bool:
    return not isinstance(value, str) or any(p in value for p in ("VERSION", "YEAR", "EMAIL@ADDRESS", "FULL NAME",
                                                                   "LL@li.org", "ORGANIZATION", "FIRST AUTHOR"))


def _now() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else \
        dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def _complete_header(catalog: Catalog, lang: str):
    """The header a translator's tool shows: project name and version, revision date, language team,
    and no template placeholder ("VERSION", "YEAR-MO-DA", "EMAIL@ADDRESS") left. Values a translator
    or their tool set are kept; only placeholders are replaced."""
    from babel import Locale

    from generator import __version__

    name = Locale.parse(lang).english_name
    catalog.project, catalog.version = PROJECT_NAME, __version__
    if _placeholder(catalog.msgid_bugs_address):
        catalog.msgid_bugs_address = "the maintainers (docs/TRANSLATING.md)"
    if isinstance(catalog.revision_date, str):  # still "YEAR-MO-DA HO:MI+ZONE"
        catalog.revision_date = _now()
    if _placeholder(catalog.last_translator):
        catalog.last_translator = "none yet (the first translator puts their name here)"
    if _placeholder(catalog.language_team) or not catalog.language_team.strip():
        catalog.language_team = name
    year = catalog.revision_date.year if hasattr(catalog.revision_date, "year") else _fixed_date().year
    if _placeholder(catalog.header_comment) or "translations for" not in catalog.header_comment:
        catalog.header_comment = (f"# {name} translations for {PROJECT_NAME}.\n"
                                  f"# Copyright (C) {year} the {PROJECT_NAME} contributors.\n"
                                  "# It is distributed under the same license as the project (MIT).\n#")


def init(locales: Locales, lang: str) -> Path:
    """Start a new language from messages.pot (refuses to overwrite an existing one)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise UserError(f"'{lang}' is not a locale Babel knows; use a code such as pt_BR or sw") from None
    from generator.render.pdf.fonts import missing_font

    no_font = missing_font(lang)  # a catalogue nobody can check or print: add the script's font first
    if no_font:
        raise UserError(no_font)
    path = locales.po_path(lang)
    if path.exists():
        raise UserError(f"{lang} already exists; run `make update` to refresh it", where(path))
    template, _ = read_catalog(locales.pot)
    catalog = Catalog(locale=lang, project=PROJECT_NAME, creation_date=_fixed_date(), fuzzy=False)
    catalog.update(template)
    _complete_header(catalog, lang)
    _cldr_plural_forms(catalog, lang)
    # X-Review-Status is informational (the checks expect it); reviews/<lang>.toml is the authority.
    _write(catalog, path, {"X-Review-Status": "unreviewed"}, sort_by_file=True)
    return path


def _cldr_plural_forms(catalog: Catalog, lang: str):
    """Start a language with Plural-Forms that agree with CLDR (checks.py refuses any other):
    Babel's gettext table is wrong for some (tr, fa, bn, tl), its CLDR rules are not."""
    from generator.i18n.plurals import parse_plural_forms, suggestion

    forms = suggestion(lang)
    if forms:
        catalog._num_plurals, catalog._plural_expr = parse_plural_forms(forms.rstrip(";"))


def compile_all(locales: Locales) -> list[Path]:
    """Write messages.mo beside each catalogue (the build itself reads .po through Babel).

    A catalogue that cannot be read is one line and is skipped; the others are still compiled."""
    from generator.errors import Problems

    out, problems = [], []
    for lang in locales.available():
        try:
            catalog, _ = locales.read(lang)
        except UserError as exc:
            problems.append(str(exc))
            continue
        mo = locales.po_path(lang).with_suffix(".mo")
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        write_atomic(mo, buf.getvalue())
        out.append(mo)
    if problems:
        raise Problems(problems + [f"compiled {len(out)} other catalogue(s)"])
    return out
