"""The design theme: every colour, type size, grid and spacing a template uses (docs/DESIGN.md).

One TOML file per concern in generator/layout/theme/: `base.toml` (colour roles, type scale,
spacing shared by every product) and one file per product (`poster.toml`, `card.toml`, ...).
Templates read them as `theme.<file stem>.<key>`; they hold no numbers of their own.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent / "theme"


@cache
def load_theme() -> dict:
    """Every theme file, keyed by its stem ("base", "poster", ...)."""
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(THEME_DIR.glob("*.toml"))}


def theme_files() -> list[Path]:
    """The files a document's digest depends on."""
    return sorted(THEME_DIR.glob("*.toml"))
