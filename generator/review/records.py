"""reviews/<lang>.toml: the maintainers' record of clinical sign-offs (reviews/en.toml for English).

The file is append-only and written only by `python -m generator approve`; maintainers see every
change to it in their pull requests. Each sign-off is one table:

    [[signoff]]
    handout = "carcinoid-syndrome"
    by = "Dr A. Name, oncology nurse"
    date = 2027-01-15
    catalogue = "<sha256 of the .po file signed off>"   # (not in en.toml)
    content = "<digest of every message pair listed below>"
    messages = [
      { source = "<digest of the English>", translation = "<digest of the translation>" },  # file:line "text"
    ]

A message is approved while some sign-off lists exactly its current (source, translation) pair.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UserError, where

SOURCE_LANGUAGE = "en"
_HEX = re.compile(r"^[0-9a-f]{16,64}$")


@dataclass(frozen=True)
class SignOff:
    handout: str
    by: str
    date: dt.date
    content: str
    catalogue: str
    pairs: frozenset  # {(source digest, translation digest or "")}
    index: int        # order in the file: later sign-offs win ties on the same date


@dataclass
class Record:
    lang: str
    path: Path
    signoffs: list[SignOff] = field(default_factory=list)

    def __post_init__(self):
        self._by_pair: dict[tuple[str, str], list[SignOff]] = {}
        for s in self.signoffs:
            for pair in s.pairs:
                self._by_pair.setdefault(pair, []).append(s)

    def approved(self, source: str, translation: str = "") -> bool:
        return (source, translation) in self._by_pair

    def signoffs_for(self, pairs) -> list[SignOff]:
        """Sign-offs that approved any of these pairs, newest first."""
        found = {s.index: s for pair in pairs for s in self._by_pair.get(pair, [])}
        return sorted(found.values(), key=lambda s: (s.date, s.index), reverse=True)


def record_path(project: Path, lang: str) -> Path:
    return project / "reviews" / f"{lang}.toml"


_CACHE: dict[str, tuple[bytes, Record]] = {}


def load_record(project: Path, lang: str) -> Record:
    """The language's record (empty when the file does not exist), or UserError naming file:line."""
    path = record_path(project, lang)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Record(lang, path)
    except OSError as exc:
        raise UserError(f"cannot read the review record ({exc.strerror})", where(path)) from None
    cached = _CACHE.get(str(path))
    if cached and cached[0] == data:
        return cached[1]
    record = _parse(data, lang, path)
    _CACHE[str(path)] = (data, record)
    return record


def _parse(data: bytes, lang: str, path: Path) -> Record:
    fix = "restore it from git (`git log -p reviews/`) and record sign-offs only with `python -m generator approve`"
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"review record is not UTF-8; {fix}", where(path)) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise UserError(f"review record is not valid TOML ({exc}); {fix}",
                        where(path, int(m.group(1)) if m else None)) from None
    if doc.get("language", lang) != lang:
        raise UserError(f"review record says language = {doc.get('language')!r} but is named {lang}.toml; {fix}",
                        where(path))
    signoffs = []
    for i, s in enumerate(doc.get("signoff", [])):
        what = f"sign-off {i + 1}"
        if not isinstance(s, dict):
            raise UserError(f"{what} is not a table; {fix}", where(path))
        handout, by, date = s.get("handout"), s.get("by"), s.get("date")
        if not isinstance(handout, str) or not isinstance(by, str) or not by.strip() or not isinstance(date, dt.date):
            raise UserError(f"{what} needs handout (text), by (text) and date (YYYY-MM-DD); {fix}", where(path))
        pairs = set()
        for m in s.get("messages", []):
            src = m.get("source") if isinstance(m, dict) else None
            tr = m.get("translation", "") if isinstance(m, dict) else None
            if not isinstance(src, str) or not _HEX.match(src) or not isinstance(tr, str) or (tr and not _HEX.match(tr)):
                raise UserError(f"{what} ({handout}) has a message that is not {{ source = \"<hex>\", "
                                f"translation = \"<hex>\" }}; {fix}", where(path))
            if lang != SOURCE_LANGUAGE and not tr:
                raise UserError(f"{what} ({handout}) has a message without a translation digest; {fix}", where(path))
            pairs.add((src, tr if lang != SOURCE_LANGUAGE else ""))
        signoffs.append(SignOff(handout, by.strip(), date if not isinstance(date, dt.datetime) else date.date(),
                                str(s.get("content", "")), str(s.get("catalogue", "")), frozenset(pairs), i))
    return Record(lang, path, signoffs)


# ---------------------------------------------------------------- writing

def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are all valid TOML; DEL is escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _comment(text: str, limit: int = 70) -> str:
    clean = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) and c != " " else c for c in text)
    clean = re.sub(r"\s+", " ", clean).strip()
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def header(lang: str) -> str:
    from babel import Locale

    try:
        name = Locale.parse(lang).english_name
    except Exception:  # an unknown code still gets a record; the name is only a comment
        name = lang
    what = "the English content (clinical review)" if lang == SOURCE_LANGUAGE else f"the {name} translation"
    return (f"# Review record for {what}: {lang}.\n"
            "# Maintainers own this file. It changes only through `python -m generator approve` (see\n"
            "# docs/TRANSLATING.md), in a pull request a maintainer reviews; never edit it by hand.\n"
            "# A message counts as approved while both of its digests still match the English and the\n"
            "# translation in use: any later change to either turns the handouts that print it back to\n"
            "# \"not yet reviewed\". No sign-off below means nothing has been reviewed.\n"
            f"language = {_toml_string(lang)}\n")


def signoff_text(handout: str, by: str, date: dt.date, content: str, catalogue: str, rows) -> str:
    """One [[signoff]] table; rows are (source digest, translation digest or "", comment)."""
    lines = ["", "[[signoff]]", f"handout = {_toml_string(handout)}", f"by = {_toml_string(by)}",
             f"date = {date.isoformat()}", f"content = {_toml_string(content)}"]
    if catalogue:
        lines.append(f"catalogue = {_toml_string(catalogue)}")
    lines.append("messages = [")
    for source, translation, comment in rows:
        entry = f"source = {_toml_string(source)}" + (f", translation = {_toml_string(translation)}" if translation else "")
        lines.append(f"  {{ {entry} }},  # {_comment(comment)}")
    lines.append("]")
    return "\n".join(lines) + "\n"


def append_signoffs(project: Path, lang: str, blocks: list[str]) -> Path:
    """Append sign-off tables to the record (created with its header if missing), atomically, and
    check that the result still reads back."""
    from generator.build.output import write_atomic

    path = record_path(project, lang)
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else header(lang)
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the review record ({exc})", where(path)) from None
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + "".join(blocks)
    _parse(new.encode("utf-8"), lang, path)  # never write a record that would not load
    try:
        write_atomic(path, new.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write the review record ({exc.strerror})", where(path)) from None
    return path


def file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
