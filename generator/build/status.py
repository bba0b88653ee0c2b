"""`python -m generator status`: translation progress per language, and PDFs built."""

from __future__ import annotations

import json
from pathlib import Path


def status_table(project: Path) -> str:
    from generator.i18n.catalogs import Locales
    from generator.i18n.extract import required_messages
    from generator.errors import UserError

    locales = Locales(project / "locales")
    required = [m for m in required_messages(project) if m.id]
    built: dict[str, int] = {}
    manifest = project / "output" / "manifest.json"
    if manifest.exists():
        for entry in json.loads(manifest.read_text(encoding="utf-8")).get("files", []):
            built[entry["language"]] = built.get(entry["language"], 0) + 1
    shipped = locales.shipped()
    rows = [("language", "shipped", "translated", "fuzzy", "untranslated", "review", "PDFs")]
    rows.append(("en", "source", str(len(required)), "0", "0", "unreviewed", str(built.get("en", 0))))
    for lang in sorted(set(shipped) | set(locales.available())):
        try:
            catalog, headers = locales.read(lang)
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
        untranslated = len(required) - translated - fuzzy
        rows.append((lang, "yes" if lang in shipped else "no", f"{translated} ({100 * translated // max(len(required), 1)}%)",
                     str(fuzzy), str(untranslated), headers.get("X-Review-Status", "?"), str(built.get(lang, 0))))
    return _table(rows) + "\n\n" + _readability(project)


def _table(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _readability(project: Path) -> str:
    """English reading grade per handout (Flesch-Kincaid; the bar is grade 8)."""
    from generator.content import load_library
    from generator.content.readability import MAX_GRADE, grade, patient_text

    library = load_library(project / "content")
    rows = [("handout", "reading grade", f"(at most {MAX_GRADE:.0f})")]
    for hid, handout in sorted(library.handouts.items()):
        g = grade(patient_text(handout))
        rows.append((hid, f"{g:.1f}", "ok" if g <= MAX_GRADE else "TOO HARD"))
    return _table(rows)
