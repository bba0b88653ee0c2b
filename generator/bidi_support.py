"""Right-to-left text for ReportLab from PyPI packages: line order and letter forms.

ReportLab 5.1 reorders the words of a right-to-left line only when it can import
`rlbidi` (published on ReportLab's own index, not PyPI), and only on its unshaped
path: with harfbuzz shaping on, words stay in logical order (measured: the first
word of an Arabic sentence lands at the left). So for Arabic we
  1. give each letter its contextual form (isolated, initial, medial, final, and
     the lam-alef ligatures) with arabic-reshaper, and turn ReportLab's shaping off;
  2. provide `rlbidi.log2vis`, the one function ReportLab calls, with the Unicode
     Bidirectional Algorithm (UAX #9) from python-bidi.
`install()` must run before reportlab.pdfgen.textobject is imported (generator/__init__).
"""

from __future__ import annotations

import sys
from functools import lru_cache


def log2vis(text, base_direction=None, clean=True, positions_V_to_L=None, **_ignored):
    """Logical to visual order for one line; fills positions_V_to_L as fribidi does."""
    from bidi import algorithm as uax9
    storage = uax9.get_empty_storage()
    direction = (base_direction or "").upper()
    if direction in ("RTL", "LTR"):
        base_level = uax9.PARAGRAPH_LEVELS["R" if direction == "RTL" else "L"]
    else:
        base_level = uax9.get_base_level(text)
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    uax9.get_embedding_levels(text, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["logical"] = index  # survives the reordering below, which moves these dicts
    uax9.explicit_embed_and_overrides(storage, False)
    uax9.resolve_weak_types(storage, False)
    uax9.resolve_neutral_types(storage, False)
    uax9.resolve_implicit_levels(storage, False)
    uax9.reorder_resolved_levels(storage, False)
    uax9.apply_mirroring(storage, False)
    chars = storage["chars"]
    if positions_V_to_L is not None:
        positions_V_to_L[:] = [c["logical"] for c in chars]
    return "".join(c["ch"] for c in chars)

@lru_cache(maxsize=1)
def _reshaper():
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper({"delete_harakat": False, "support_ligatures": True})


def contextual_forms(text: str) -> str:
    """Arabic letters in their joined presentation forms (logical order is kept)."""
    return _reshaper().reshape(text)


def install():
    """Make `import rlbidi` find this module."""
    sys.modules.setdefault("rlbidi", sys.modules[__name__])
