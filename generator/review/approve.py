"""`python -m generator approve --lang L --by "NAME, ROLE" [--handout H]`: record a sign-off.

A sign-off covers whole handouts: every message the handout prints, as it is now. A handout with
an untranslated or fuzzy message cannot be signed off (the reviewer could not have read it), and
`--expect` ties the sign-off to the review pack the reviewer actually read: if anything changed
since that pack was made, nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from generator.errors import Problems, UserError, where
from generator.markup import BIDI_CONTROLS
from generator.review.printed import printed_messages
from generator.review.records import SOURCE_LANGUAGE, append_signoffs, file_sha256, signoff_text
from generator.review.state import evaluate, translations

MAX_BY = 200


def check_reviewer(by: str) -> str:
    """'NAME, ROLE': one line, a name and a role, nothing a label or the record could be broken by."""
    by = (by or "").strip()
    if not by:
        raise UserError('--by is empty; give the reviewer as "NAME, ROLE", e.g. --by "Dr A. Name, oncology nurse"')
    bad = next((c for c in by if unicodedata.category(c).startswith("C") or c in BIDI_CONTROLS or c in "<>&{}"), None)
    if bad is not None:
        raise UserError(f"--by contains {bad!r} (U+{ord(bad):04X}); use plain text: \"NAME, ROLE\"")
    if len(by) > MAX_BY:
        raise UserError(f"--by is {len(by)} characters long; keep it to a name and a role (at most {MAX_BY})")
    name, _, role = by.partition(",")
    if not name.strip() or not role.strip():
        raise UserError(f'--by "{by}" needs a name and a role separated by a comma, e.g. "Dr A. Name, oncology nurse"')
    return re.sub(r"\s+", " ", by)


def parse_date(value: str | None) -> dt.date:
    if not value:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"--date {value!r} is not a date; write YYYY-MM-DD, e.g. 2027-01-15") from None
    if date > dt.date.today() + dt.timedelta(days=1):
        raise UserError(f"--date {value} is in the future; give the day the review was done")
    return date


def approve(project: Path, lang: str, by: str, handouts: list[str] | None = None, date: str | None = None,
            expect: str | None = None) -> list[tuple[str, int, int]]:
    """Append one sign-off per handout to reviews/<lang>.toml. Returns (handout, messages, newly approved)."""
    from generator.content import load_library
    from generator.i18n.catalogs import Locales

    by = check_reviewer(by)
    when = parse_date(date)
    library = load_library(project / "content")
    locales = Locales(project / "locales")
    if lang != SOURCE_LANGUAGE and lang not in locales.available():
        known = ", ".join([SOURCE_LANGUAGE, *locales.available()])
        raise UserError(f"no catalogue for '{lang}' ({where(locales.po_path(lang))}); choose from: {known}")
    chosen = handouts or sorted(library.handouts)
    for hid in chosen:
        if hid not in library.handouts:
            raise UserError(f"unknown handout '{hid}'; choose from: {', '.join(sorted(library.handouts))}")
    if expect is not None and len(chosen) != 1:
        raise UserError("--expect checks one review pack: give the --handout it was made for")
    entries = translations(project, lang) if lang != SOURCE_LANGUAGE else {}
    po = locales.po_path(lang)
    catalogue = file_sha256(po) if lang != SOURCE_LANGUAGE else ""
    problems, blocks, done = [], [], []
    for hid in chosen:
        handout = library.handouts[hid]
        items = printed_messages(project, handout)
        state = evaluate(project, lang, handout, items)
        if expect is not None:
            wanted = expect.strip().lower()
            if len(wanted) < 12 or not state.content_digest.startswith(wanted):
                problems.append(f"{lang} {hid}: the messages are not those of the review pack with digest {expect} "
                                f"(now {state.content_digest}); make a new pack with `python -m generator review-pack "
                                f"--lang {lang} --handout {hid}` and have it reviewed")
                continue
        rows, unfinished = [], []
        for m in items:
            entry = entries.get(m.key)
            if lang == SOURCE_LANGUAGE:
                rows.append((m.digest, "", f"{m.where} {m.forms[0]!r}"))
            elif entry is None or not entry.finished:
                unfinished.append((m, entry))
            else:
                rows.append((m.digest, entry.digest, f"{m.where} {m.forms[0]!r}"))
        if unfinished:
            m, entry = unfinished[0]
            what = "fuzzy" if entry is not None and entry.fuzzy else "untranslated"
            problems.append(f"{where(po, entry.lineno if entry else None)}: [{lang}] {hid}: {len(unfinished)} message(s) "
                            f"are untranslated or fuzzy (first, {what}: {m.forms[0][:50]!r}); finish the translation and "
                            f"make a new review pack before signing off")
            continue
        blocks.append(signoff_text(hid, by, when, state.content_digest, catalogue, rows))
        done.append((hid, len(items), len(items) - state.approved if lang != SOURCE_LANGUAGE
                     else len(items) - state.english_approved))
    if problems:
        raise Problems(problems[:-1] + [problems[-1] + " (nothing was recorded)"])
    append_signoffs(project, lang, blocks)
    return done
