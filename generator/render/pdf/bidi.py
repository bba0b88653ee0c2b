"""Right-to-left text for ReportLab, from PyPI packages: letter forms and line order.

ReportLab 5.1 does not put the words of a shaped right-to-left line in visual order
(measured: the first word of an Arabic sentence lands at the left), and its optional
bidi support (`rlbidi`, on ReportLab's own index, not PyPI) reorders the whole
paragraph before breaking lines, which scrambles words that mix directions such as
"(incalliance.org).". The Unicode Bidirectional Algorithm (UAX #9) reorders each
line after line breaking. So for Arabic:
  1. letters get their contextual forms (initial, medial, final, lam-alef) from
     arabic-reshaper, and ReportLab's harfbuzz shaping is off;
  2. ReportLab wraps the words in logical order;
  3. render.RTLParagraph draws each line in visual order from `visual_line`, which
     applies UAX #9 from python-bidi to that line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


_LRM = "\u200e"
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def _fence_latin_brackets(text: str) -> str:
    """UAX #9 rule N0 for the case we meet: a bracket pair whose content starts with a
    left-to-right letter, e.g. "(netrf.org)" in Arabic, belongs to that Latin run. The
    pure-Python UAX #9 in python-bidi predates N0, so we fence such pairs with LRM marks."""
    def fence(m):
        first_strong = next((unicodedata.bidirectional(c) for c in m.group(1)
                             if unicodedata.bidirectional(c) in ("L", "R", "AL")), None)
        return f"{_LRM}{m.group(0)}{_LRM}" if first_strong == "L" else m.group(0)
    return _BRACKETED.sub(fence, text)


def visual_line(words: list[str], mirrored=None) -> list[str]:
    """The words of one right-to-left line, left to right as they are drawn (brackets mirrored).

    mirrored(drawn, meant), when given, returns what to draw for a mirrored bracket around
    right-to-left words: the text layer gives it the bracket it stands for (textlayer.stand_in),
    because text extractors (poppler, pypdf) reverse such a run without mirroring it back. A
    bracket around a number, "[1]", is left alone: extractors keep that run as drawn."""
    fenced = _fence_latin_brackets(" ".join(words))
    order: list[int] = []
    visual = log2vis(fenced, "RTL", positions_V_to_L=order)
    if mirrored is not None:
        around_rtl = {i for m in _BRACKETED.finditer(fenced) if _first_strong(m.group(1)) in ("R", "AL")
                      for i in (m.start(), m.end() - 1)}
        visual = "".join(mirrored(ch, fenced[i]) if ch != fenced[i] and i in around_rtl else ch
                         for ch, i in zip(visual, order))
    return visual.replace(_LRM, "").split(" ")


def visual_runs(texts: list[str], mirrored=None) -> list[tuple[int, str]]:
    """A right-to-left line made of several style runs (bold, a superscript citation, a Latin name),
    in visual order: (index of the run in `texts`, what to draw), left to right. Each character keeps
    its run, so a bold word stays bold and a citation stays raised wherever UAX #9 moves it; a run
    that the reordering splits (a Latin name at a line's end) comes back as several pieces.

    mirrored(drawn, meant, run) is visual_line's, told which run the bracket belongs to (its font)."""
    text = "".join(texts)
    owner = [i for i, t in enumerate(texts) for _ in t]
    fenced, source = _fenced_with_sources(text)
    order: list[int] = []
    visual = log2vis(fenced, "RTL", positions_V_to_L=order)
    around_rtl = set()
    if mirrored is not None:
        around_rtl = {i for m in _BRACKETED.finditer(fenced) if _first_strong(m.group(1)) in ("R", "AL")
                      for i in (m.start(), m.end() - 1)}
    out: list[tuple[int, list[str]]] = []
    for ch, i in zip(visual, order):
        j = source[i]
        if j < 0 or ch == _LRM:  # an LRM fence, or a mark in the text (a format character: never drawn)
            continue
        run = owner[j]
        if mirrored is not None and ch != fenced[i] and i in around_rtl:
            ch = mirrored(ch, fenced[i], run)
        if out and out[-1][0] == run:
            out[-1][1].append(ch)
        else:
            out.append((run, [ch]))
    return [(run, "".join(chars)) for run, chars in out]


def _fenced_with_sources(text: str) -> tuple[str, list[int]]:
    """_fence_latin_brackets(text), and for each of its characters the index it came from (-1: a fence)."""
    fenced = _fence_latin_brackets(text)
    if len(fenced) == len(text):
        return fenced, list(range(len(text)))
    source, j = [], 0
    for ch in fenced:
        if ch == _LRM and (j >= len(text) or text[j] != _LRM):
            source.append(-1)
        else:
            source.append(j)
            j += 1
    return fenced, source


def _first_strong(text: str) -> str | None:
    return next((unicodedata.bidirectional(c) for c in text if unicodedata.bidirectional(c) in ("L", "R", "AL")),
                None)


def log2vis(text, base_direction=None, clean=True, positions_V_to_L=None, **_ignored):
    """Logical to visual order for one line (UAX #9); fills positions_V_to_L as fribidi does."""
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


@lru_cache(maxsize=8192)
def contextual_forms(text: str) -> str:
    """Arabic letters in their joined presentation forms (logical order is kept). Kept per process:
    arabic-reshaper reads its settings on every call, a tenth of an Arabic leaflet's render time when
    every style run (bold, a citation's neighbours) is reshaped on its own."""
    return _reshaper().reshape(text)

