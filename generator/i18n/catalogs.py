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
        words = re.sub(r"#.*", "", path.read_text(encoding="utf-8")).split()
        return list(dict.fromkeys(words))

    def available(self) -> list[str]:
        return sorted(p.parent.parent.name for p in self.root.glob("*/LC_MESSAGES/messages.po"))

    def read(self, lang: str) -> tuple[Catalog, dict]:
        """Read a language's catalogue and its review headers, or raise UserError with file:line."""
        return read_catalog(self.po_path(lang), lang)


def read_catalog(path: Path, lang: str | None = None) -> tuple[Catalog, dict]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read catalogue ({exc.strerror})", where(path)) from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"catalogue is not UTF-8 (byte {exc.start}); save it as UTF-8", where(path)) from None
    try:
        from generator.i18n import locale_for

        catalog = read_po(io.BytesIO(data), locale=locale_for(lang) if lang else None, abort_invalid=True)
    except PoFileError as exc:
        raise UserError(f"catalogue syntax error: {exc}; open it in Poedit to repair it", where(path, getattr(exc, "lineno", None))) from None
    except (ValueError, TypeError) as exc:
        raise UserError(f"catalogue header is invalid ({exc}); check Language and Plural-Forms", where(path)) from None
    return catalog, review_headers(data.decode("utf-8"))


def review_headers(text: str) -> dict:
    """X-Review-Status and X-Reviewed-By from a .po header (Babel does not keep them)."""
    head = text.split("\n\n", 1)[0]
    found = {}
    for name in REVIEW_HEADERS:
        m = re.search(rf'"{name}:\s*([^"\\]*)\\n"', head)
        if m:
            found[name] = m.group(1).strip()
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


def update(locales: Locales) -> list[str]:
    """Merge messages.pot into every language's catalogue, keeping translations and review headers."""
    template, _ = read_catalog(locales.pot)
    done = []
    for lang in locales.available():
        catalog, headers = locales.read(lang)
        catalog.update(template, update_header_comment=False)
        _write(catalog, locales.po_path(lang), headers, ignore_obsolete=True, sort_by_file=True)
        done.append(lang)
    return done


def init(locales: Locales, lang: str) -> Path:
    """Start a new language from messages.pot (refuses to overwrite an existing one)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise UserError(f"'{lang}' is not a locale Babel knows; use a code such as pt_BR or sw") from None
    path = locales.po_path(lang)
    if path.exists():
        raise UserError(f"{lang} already exists; run `make update` to refresh it", where(path))
    template, _ = read_catalog(locales.pot)
    catalog = Catalog(locale=lang, project="NET patient handouts", creation_date=_fixed_date(), fuzzy=False)
    catalog.update(template)
    _write(catalog, path, {"X-Review-Status": "unreviewed"}, sort_by_file=True)
    return path


def compile_all(locales: Locales) -> list[Path]:
    """Write messages.mo beside each catalogue (the build itself reads .po through Babel)."""
    out = []
    for lang in locales.available():
        catalog, _ = locales.read(lang)
        mo = locales.po_path(lang).with_suffix(".mo")
        with open(mo, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        out.append(mo)
    return out
