"""`python -m generator status`: translation and review progress per language and per handout,
what blocks each "reviewed" label, the PDFs built, and the English reading grade."""

from __future__ import annotations

import json
from pathlib import Path


def status_table(project: Path, langs: list[str] | None = None) -> str:
    from generator.content import load_library
    from generator.errors import UserError
    from generator.i18n.catalogs import Locales
    from generator.i18n.extract import required_messages
    from generator.review import handout_review

    locales = Locales(project / "locales")
    library = load_library(project / "content")  # content problems: one line each (Problems)
    required = [m for m in required_messages(project) if m.id]
    built: dict[str, int] = {}
    manifest = project / "output" / "manifest.json"
    if manifest.exists():
        try:
            for entry in json.loads(manifest.read_text(encoding="utf-8")).get("files", []):
                built[entry["language"]] = built.get(entry["language"], 0) + 1
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a damaged manifest: the next build rewrites it
    shipped = locales.shipped()
    every = ["en", *sorted(set(shipped) | set(locales.available()))]
    langs = [lang for lang in every if not langs or lang in langs]
    handouts = [library.handouts[h] for h in sorted(library.handouts)]

    rows = [("language", "shipped", "translated", "fuzzy", "untranslated", "handouts reviewed", "PDFs")]
    detail = [("language", "handout", "messages", "translated", "fuzzy", "approved", "English approved", "label",
               "blocked by")]
    for lang in langs:
        if lang == "en":
            counts = (str(len(required)), "0", "0")
        else:
            try:
                catalog, _ = locales.read(lang)
            except UserError as exc:
                rows.append((lang, "yes" if lang in shipped else "no", "-", "-", "-", f"unreadable: {exc}", "0"))
                continue
            translated = fuzzy = 0
            for src in required:
                m = catalog.get(src.id, context=src.context)
                if m is None:
                    continue
                forms = m.string if isinstance(m.string, (tuple, list)) else [m.string]
                if m.fuzzy:
                    fuzzy += 1
                elif all(forms):
                    translated += 1
            counts = (f"{translated} ({100 * translated // max(len(required), 1)}%)", str(fuzzy),
                      str(len(required) - translated - fuzzy))
        reviewed = 0
        for handout in handouts:
            s = handout_review(project, lang, handout)  # a broken review record: one line (UserError)
            reviewed += s.reviewed
            who = s.translation if lang != "en" else s.source
            label = f"reviewed ({who.by}, {who.date.isoformat()})" if s.reviewed and who else s.label
            detail.append((lang, handout.id, str(s.messages), str(s.translated), str(s.fuzzy), str(s.approved),
                           str(s.english_approved), label, "; ".join(s.blockers) or "-"))
        shipped_text = "source" if lang == "en" else ("yes" if lang in shipped else "no")
        rows.append((lang, shipped_text, *counts, f"{reviewed} of {len(handouts)}", str(built.get(lang, 0))))
    return (_table(rows) + "\n\nReview per handout (reviews/<lang>.toml is the record; see docs/TRANSLATING.md)\n"
            + _table(detail) + "\n\n" + _readability(library))


def _table(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _readability(library) -> str:
    """English reading grade (Flesch-Kincaid) and length per handout."""
    from generator.content.readability import MAX_GRADE, grade, patient_text, words

    rows = [("handout", "reading grade", f"(at most {MAX_GRADE:.0f})", "words")]
    for hid, handout in sorted(library.handouts.items()):
        g = grade(patient_text(handout))
        rows.append((hid, f"{g:.1f}", "ok" if g <= MAX_GRADE else "TOO HARD", str(words(handout))))
    return _table(rows)
