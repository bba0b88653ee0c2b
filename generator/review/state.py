"""Review state per (language, handout), computed from the content, the catalogue and the record.

A handout is "reviewed" in English when every message it prints is approved in reviews/en.toml.
It is "reviewed" in a translation when, in addition, every message it prints has a finished
(translated, not fuzzy) translation whose (English, translation) digest pair is approved in
reviews/<lang>.toml. Nothing in a .po file can change this: the record is the authority.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date

from generator.review.printed import Printed, printed_messages, translation_digest
from generator.review.records import SOURCE_LANGUAGE, Record, SignOff, load_record


@dataclass(frozen=True)
class Entry:
    """A language's translation of one message, as the build would use it."""

    forms: tuple[str, ...]
    fuzzy: bool
    lineno: int | None

    @property
    def finished(self) -> bool:
        return not self.fuzzy and bool(self.forms) and all(self.forms)

    @property
    def digest(self) -> str:
        return translation_digest(self.forms)


_CATALOGUES: dict[str, tuple[bytes, dict]] = {}


def translations(project: Path, lang: str) -> dict[tuple[str | None, str], Entry]:
    """(msgctxt, msgid) -> Entry for a language's catalogue (read through the same reader as the
    build, so a catalogue the build refuses is refused here with the same line)."""
    from generator.i18n.catalogs import Locales

    locales = Locales(project / "locales")
    path = locales.po_path(lang)
    data = path.read_bytes() if path.is_file() else b""
    cached = _CATALOGUES.get(str(path))
    if cached and cached[0] == data:
        return cached[1]
    catalog, _ = locales.read(lang)
    found = {}
    for m in catalog:
        if not m.id:
            continue
        key = (m.context, m.id[0] if isinstance(m.id, (tuple, list)) else m.id)
        forms = tuple(m.string) if isinstance(m.string, (tuple, list)) else (m.string,)
        found[key] = Entry(tuple(f or "" for f in forms), m.fuzzy, m.lineno)
    _CATALOGUES[str(path)] = (data, found)
    return found


@dataclass(frozen=True)
class Signature:
    """Who signed off, and when: what a label prints."""

    by: str
    date: dt.date


@dataclass
class HandoutReview:
    lang: str
    handout: str
    messages: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    approved: int = 0          # approved in this language (for English: the English review)
    english_approved: int = 0
    source: Signature | None = None       # set when the English of every message is approved
    translation: Signature | None = None  # set when every translation is approved AND the English is
    content_digest: str = ""              # digest of every (English, translation) pair, in order
    blockers: list[str] = field(default_factory=list)

    @property
    def reviewed(self) -> bool:
        return self.source is not None and (self.lang == SOURCE_LANGUAGE or self.translation is not None)

    @property
    def label(self) -> str:
        return "reviewed" if self.reviewed else "unreviewed"


def _signature(record: Record, handout_id: str, pairs: list[tuple[str, str]]) -> Signature | None:
    """The newest sign-off of this handout that still approves some of its messages (or, failing
    that, of any handout approving them): whose name and date the label shows."""
    candidates: list[SignOff] = record.signoffs_for(pairs)
    own = [s for s in candidates if s.handout == handout_id]
    chosen = (own or candidates or [None])[0]
    return Signature(chosen.by, chosen.date) if chosen else None


def pairs_digest(pairs: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for source, translation in pairs:
        h.update(f"{source}:{translation}\n".encode())
    return h.hexdigest()[:32]


def evaluate(project: Path, lang: str, handout, items: list[Printed] | None = None) -> HandoutReview:
    items = items if items is not None else printed_messages(project, handout)
    english = load_record(project, SOURCE_LANGUAGE)
    state = HandoutReview(lang, handout.id, messages=len(items))
    source_pairs = [(m.digest, "") for m in items]
    state.english_approved = sum(english.approved(*p) for p in source_pairs)
    if state.english_approved == len(items):
        state.source = _signature(english, handout.id, source_pairs)
    else:
        state.blockers.append(f"English: {len(items) - state.english_approved} of {len(items)} message(s) not "
                              f"approved (`approve --lang en`)")
    if lang == SOURCE_LANGUAGE:
        state.translated, state.approved = len(items), state.english_approved
        state.content_digest = pairs_digest(source_pairs)
        return state
    record = load_record(project, lang)
    entries = translations(project, lang)
    pairs = []
    for m in items:
        entry = entries.get(m.key)
        if entry is None or not any(entry.forms):
            state.untranslated += 1
            pairs.append((m.digest, ""))
        elif entry.fuzzy:
            state.fuzzy += 1
            pairs.append((m.digest, ""))
        elif not entry.finished:
            state.untranslated += 1
            pairs.append((m.digest, ""))
        else:
            state.translated += 1
            pairs.append((m.digest, entry.digest))
            state.approved += record.approved(m.digest, entry.digest)
    state.content_digest = pairs_digest(pairs)
    if state.fuzzy:
        state.blockers.append(f"{state.fuzzy} fuzzy (a translator must confirm them)")
    if state.untranslated:
        state.blockers.append(f"{state.untranslated} untranslated")
    if state.approved < state.translated or state.translated < len(items):
        waiting = len(items) - state.approved
        state.blockers.append(f"translation: {waiting} of {len(items)} message(s) not approved (`approve --lang {lang}`)")
    elif state.source is not None:
        state.translation = _signature(record, handout.id, [p for p in pairs if p[1]])
    return state


def handout_review(project: Path, lang: str, handout) -> HandoutReview:
    """The review state of one handout in one language (records and catalogues are cached per
    process while their bytes are unchanged, so this is cheap to call per document)."""
    return evaluate(project, lang, handout)


def project_of(handout) -> Path:
    """The project folder a loaded handout comes from (<project>/content/handouts/<id>.yaml)."""
    return Path(handout.file).resolve().parent.parent.parent


def template_context(handout, loc) -> dict:
    """The `review` value templates get: what the honest label needs, in the reader's language."""
    state = handout_review(project_of(handout), loc.lang, handout)

    def sign(s: Signature | None) -> dict:
        # The label is one footer line: the reviewer's name (the role stays in the record, the manifest
        # and `generator status`) and a medium-length date ("Oct 15, 2026", "15 oct. 2026").
        return {"reviewed": s is not None, "by": s.by if s else "", "name": s.by.split(",")[0].strip() if s else "",
                "date": format_date(s.date, "medium", locale=loc.locale).replace(" ", "\u00a0") if s else "",
                "iso_date": s.date.isoformat() if s else ""}

    return {"reviewed": state.reviewed, "source": sign(state.source),
            "translation": sign(state.translation) if loc.lang != SOURCE_LANGUAGE else None}


def summary_context(project: Path, loc, handouts) -> dict:
    """The `review` value for a page about several handouts (a print pack's cover): reviewed only when
    every one of them is; the names of everyone who signed off and the latest date."""
    states = [handout_review(project, loc.lang, h) for h in handouts]

    def sign(signatures: list[Signature | None]) -> dict:
        if not signatures or any(s is None for s in signatures):
            return {"reviewed": False, "by": "", "name": "", "date": "", "iso_date": ""}
        names = list(dict.fromkeys(s.by.split(",")[0].strip() for s in signatures))
        latest = max(s.date for s in signatures)
        return {"reviewed": True, "by": "; ".join(dict.fromkeys(s.by for s in signatures)), "name": "; ".join(names),
                "date": format_date(latest, "medium", locale=loc.locale).replace(" ", "\u00a0"),
                "iso_date": latest.isoformat()}

    source = sign([s.source for s in states])
    return {"reviewed": bool(states) and all(s.reviewed for s in states), "source": source,
            "translation": sign([s.translation for s in states]) if loc.lang != SOURCE_LANGUAGE else None}


def manifest_status(project: Path, lang: str, handout) -> dict:
    """The per-file review status output/manifest.json carries (the same as `generator status`)."""
    s = handout_review(project, lang, handout)
    out = {"label": s.label,
           "english": {"approved": s.english_approved, "of": s.messages,
                       "by": s.source.by if s.source else None,
                       "date": s.source.date.isoformat() if s.source else None}}
    if lang != SOURCE_LANGUAGE:
        out["translation"] = {"approved": s.approved, "of": s.messages, "fuzzy": s.fuzzy,
                              "untranslated": s.untranslated,
                              "by": s.translation.by if s.translation else None,
                              "date": s.translation.date.isoformat() if s.translation else None}
    out["blocked_by"] = list(s.blockers)
    return out
