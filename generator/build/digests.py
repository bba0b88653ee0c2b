"""Content hashes of everything a PDF depends on, so a rebuild renders only what changed.

A job's digest combines: the generator's code and pinned dependencies, the product's
template (and the shared macros), the handout file and the bibliography, the
language's catalogue, the fonts it prints with, the clinic file and logo, and the
build options. Timestamps play no part.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from generator.layout.theme import theme_files

PACKAGE = Path(__file__).resolve().parent.parent  # generator/


def _hash_files(*paths: Path) -> str:
    """Streamed, so a huge input (a hostile multi-gigabyte .po) costs time, never memory; the
    checks then refuse it. Anything that is not a regular file (a FIFO, a device) is not read."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.name).encode())
        if not path.is_file():
            h.update(b"<missing>")
            continue
        try:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()


@cache
def code() -> str:
    """The generator's own code, its pictograms (generator/pictograms/svg) and the pinned dependency versions."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob("*.svg")) + [PACKAGE.parent / "requirements.txt"]
    return _hash_files(*files)


@cache
def template(product: str) -> str:
    templates = PACKAGE / "layout" / "templates"
    shown = [templates / "card.xml.j2"] if product == "card-sheet" else []  # a card sheet shows the card
    return _hash_files(templates / f"{product}.xml.j2", *shown, *sorted(templates.glob("_*.j2")), *theme_files())


class Digests:
    """Digest per job, from per-input digests computed once per build."""

    def __init__(self, project: Path, clinic_path: Path | None, clinic_logo: str | None, options: dict):
        self.project = project
        self.clinic = _hash_files(clinic_path or project / "clinic.toml", *([Path(clinic_logo)] if clinic_logo else []))
        self.bibliography = _hash_files(project / "content" / "bibliography.yaml")
        self.options = repr(sorted(options.items())) + os.environ.get("SOURCE_DATE_EPOCH", "")
        self._langs: dict[str, str] = {}

    def language(self, lang: str) -> str:
        if lang not in self._langs:
            from generator.render.pdf.fonts import font_files

            po = self.project / "locales" / lang / "LC_MESSAGES" / "messages.po"
            fonts = "|".join(p.name for p in font_files(lang))  # names carry the fonts' own hashes
            # The review records decide the label a page prints (generator/review), so they are inputs too.
            reviews = _hash_files(self.project / "reviews" / "en.toml", self.project / "reviews" / f"{lang}.toml")
            self._langs[lang] = (_hash_files(po) + fonts if lang != "en" else "source" + fonts) + reviews
        return self._langs[lang]

    def job(self, handout_file: str, lang: str, product: str, paper: str) -> str:
        h = hashlib.sha256()
        for part in (code(), template(product), _hash_files(Path(handout_file)), self.bibliography,
                     self.language(lang), self.clinic, self.options, paper):
            h.update(part.encode())
        return h.hexdigest()
