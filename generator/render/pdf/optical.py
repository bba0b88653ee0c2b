"""Optical size: Arabic and Devanagari set so that they look as large as the Latin beside them.

A template gives one size per style (18 pt in large print). At the same point size the letters of
Noto Sans Arabic are much smaller than those of Noto Sans, and Devanagari's marks above and below
need more room between lines than Latin has. The factors are measured from the prepared fonts
(the files fonts.py registers), once per process:

- Latin x-height: OS/2 sxHeight of Noto Sans (536/1000 em: the top of x, n, o).
- Arabic letter body: the median top (yMax, in em) of the dotless letters that carry no ascender,
  in the forms text uses (initial, medial, final, isolated): the teeth of seen and sad, the bowls
  of ain, heh, meem and hah, and dal, reh, waw. Measured 0.369 em (the packaged Noto Sans Arabic),
  so at the same size the letters' bodies are 0.69 of the Latin x-height: the size factor that
  matches them is 1.45. That factor cannot be used as it is: at 145% an Arabic leaflet needs about
  twice the area of the English one and no longer fits its sheet. The factor used is capped
  (ARABIC_CAP, 1.2: bodies at 0.83 of the x-height). A document that does not fit at 1.2 gets the
  size back in steps (render(), before the build tightens line spacing; posters and cards then
  shrink as before). Measured on the 18 Arabic leaflets (9 handouts, A4 and Letter): 8 at 1.2,
  5 at 1.15, 4 at 1.1, 1 at 1.05 (net-overview, Letter).
- Devanagari letter body: the top of the headline (shirorekha) of the bare consonants (0.622 em),
  taller than the Latin x-height: its size factor would be below 1, and no script is set smaller
  than its template says, so Devanagari keeps its size (factor 1).
- Devanagari line spacing: its marks reach from the lowest below-base vowel sign (u, uu, vocalic r,
  virama: -0.274 em) to the highest above-base sign (i, ii, e, ai, candrabindu: 0.896 em), 1.17 em,
  where Latin reaches from p's descender (-0.24 em) to d's ascender (0.76 em), 1.0 em. To keep the
  same white gap between lines as a Latin paragraph set at 130% (0.3 em), Devanagari leading is
  (1.17 + 0.3) / (1.0 + 0.3) = 1.13 times the template's.

The size factor applies to the style (size and leading) of any text whose language is written in
that script; Latin runs inside it (names, "NET", web addresses) are drawn at the template's size,
so they match the Latin of the other languages. `docs/LAYOUT.md` ("Optical size") says the same.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import lru_cache

ARABIC_CAP = 1.2
LATIN_GAP = 0.3  # the white between lines of a Latin paragraph set at 130%, in em

# Dotless Arabic letter forms without ascenders or descenders above the body (presentation forms,
# which is what bidi.contextual_forms draws): seen, sad (initial, medial), ain, heh, meem, hah
# (initial, medial), dal, reh, waw (isolated).
ARABIC_BODIES = ("\ufeb3\ufeb4\ufebb\ufebc\ufecb\ufecc\ufeeb\ufeec\ufee3\ufee4\ufea3\ufea4"
                 "\u062f\u0631\u0648\u0647")
DEVANAGARI_CONSONANTS = "कखगघचजटडतदनपबमयरलवसह"
DEVANAGARI_ABOVE = "िीेैँ"  # vowel signs and candrabindu drawn above the headline
DEVANAGARI_BELOW = "ुूृ्"  # vowel signs and virama drawn below the baseline
LATIN_ASCENDER, LATIN_DESCENDER = "d", "p"


@dataclass(frozen=True)
class Factors:
    size: float      # multiply a style's size and leading by this
    leading: float   # and its leading by this as well
    measured: float  # the size factor the metrics alone give (before the cap / floor at 1)


NONE = Factors(1.0, 1.0, 1.0)


def _bounds(font, chars: str) -> list[tuple[float, float]]:
    """(yMin, yMax) in em of each character's glyph that the font has."""
    from fontTools.pens.boundsPen import BoundsPen

    cmap, glyphs, upm = font.getBestCmap(), font.getGlyphSet(), font["head"].unitsPerEm
    out = []
    for ch in chars:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        if pen.bounds:
            out.append((pen.bounds[1] / upm, pen.bounds[3] / upm))
    return out


@lru_cache(maxsize=1)
def _latin():
    from fontTools.ttLib import TTFont

    from generator.render.pdf.fonts import prepared_path

    font = TTFont(prepared_path("latin", "regular"), lazy=True)
    x_height = font["OS/2"].sxHeight / font["head"].unitsPerEm
    (_, top), = _bounds(font, LATIN_ASCENDER)
    (bottom, _), = _bounds(font, LATIN_DESCENDER)
    return x_height, top - bottom


@lru_cache(maxsize=8)
def factors(script: str) -> Factors:
    """The optical factors for text in a script (NONE for Latin, Chinese and the others)."""
    if script not in ("arabic", "devanagari"):
        return NONE
    from fontTools.ttLib import TTFont

    from generator.render.pdf.fonts import prepared_path

    x_height, latin_extent = _latin()
    font = TTFont(prepared_path(script, "regular"), lazy=True)
    if script == "arabic":
        body = statistics.median(top for _, top in _bounds(font, ARABIC_BODIES))
        measured = x_height / body
        return Factors(round(min(max(measured, 1.0), ARABIC_CAP), 3), 1.0, round(measured, 3))
    body = statistics.median(top for _, top in _bounds(font, DEVANAGARI_CONSONANTS))
    measured = x_height / body
    top = max(t for _, t in _bounds(font, DEVANAGARI_ABOVE))
    bottom = min(b for b, _ in _bounds(font, DEVANAGARI_BELOW))
    leading = (top - bottom + LATIN_GAP) / (latin_extent + LATIN_GAP)
    return Factors(round(min(max(measured, 1.0), ARABIC_CAP), 3), round(max(leading, 1.0), 3), round(measured, 3))


def fallbacks(given: Factors) -> list[Factors]:
    """What to try, in order, when a document does not fit at its optical factors: the size given back
    in steps of 0.05 (1.2 -> 1.15 -> 1.1 -> 1.05 -> 1.0), then the extra leading in two halves (1.131 -> 1.066
    -> 1.0)."""
    steps, size, leading = [], given.size, given.leading
    while size > 1.0 + 1e-9:
        size = max(1.0, round(size - 0.05, 3))
        steps.append(Factors(size, leading, given.measured))
    if leading > 1.0 + 1e-9:
        half = round(1.0 + (leading - 1.0) / 2, 3)
        steps += [Factors(size, half, given.measured), Factors(size, 1.0, given.measured)]
    return steps
