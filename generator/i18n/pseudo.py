"""Pseudo-localisation: an accented, ~35% longer fake language to see where layouts break."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.i18n.catalogs import _fixed_date, _write
from generator.i18n.extract import required_messages

PSEUDO = "pseudo"  # a language code for layout testing; formatted as English, never shipped
_ACCENTS = str.maketrans("aeiouyAEIOUYcnsztgCNSZTG", "àéîõüýÀÉÎÕÜÝçñšžţğÇÑŠŽŢĞ")


def pseudo_text(text: str, growth: float = 0.35) -> str:
    """Accent every letter and pad about 35% so layouts that break with longer text show it.

    Placeholders and inline tags are kept exactly, so the result passes every check."""
    from generator.markup import parse_inline

    out = []
    for kind, value in parse_inline(text):
        if kind == "text":
            parts = re.split(r"(\{[a-z_]+\})", value)
            out.append("".join(p if p.startswith("{") else p.translate(_ACCENTS) for p in parts))
        else:
            out.append(f"<{'/' if kind == 'close' else ''}{value}>")
    body = "".join(out)
    letters = len(re.sub(r"<[^>]+>|\{\w+\}", "", text))
    pad = "·" * max(1, round(letters * growth) - 2)
    return f"[{body} {pad}]"


def pseudo(project: Path) -> Path:
    """Write locales/pseudo/LC_MESSAGES/messages.po from messages.pot (git ignores it)."""
    catalog = Catalog(locale="en", project="NET patient handouts (pseudo-localised)", fuzzy=False,
                      creation_date=_fixed_date())
    for m in required_messages(project):
        if not m.id:
            continue
        string = tuple(pseudo_text(s) for s in m.id) if isinstance(m.id, tuple) else pseudo_text(m.id)
        catalog.add(m.id, string, m.locations, context=m.context)
    path = project / "locales" / PSEUDO / "LC_MESSAGES" / "messages.po"
    _write(catalog, path, {"X-Review-Status": "unreviewed"})
    return path
