"""Web fonts for the site: WOFF2 subsets of the fonts the PDFs print with.

For each language, each font of its stack (render/pdf/fonts.py: the script's font first, Latin
second) is cut down to the characters that language's pages show and that this font is the first
in the stack to have, so a page renders the same offline as in print, from files beside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from generator.render.html.cache import store
from generator.render.pdf import fonts as pdf_fonts

# Characters every subset keeps: spaces, joiners and marks a shaper needs whatever the script.
_ALWAYS = {0x20, 0xA0, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x25CC}
STYLES = {"regular": ("normal", 400), "bold": ("normal", 700), "italic": ("italic", 400)}


@dataclass(frozen=True)
class WebFont:
    family: str   # CSS font-family name, e.g. "net-ar-arabic"
    style: str    # "regular", "bold", "italic"
    file: str     # file name inside fonts/
    data: bytes   # WOFF2

    @property
    def css_style(self) -> str:
        return STYLES[self.style][0]

    @property
    def css_weight(self) -> int:
        return STYLES[self.style][1]


@cache
def _cmap(script: str, style: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(pdf_fonts.prepared_path(script, style), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _styles(script: str, italic: bool) -> list[str]:
    has_italic = bool(pdf_fonts.FAMILIES[script].italic_file)
    return ["regular", "bold"] + (["italic"] if italic and has_italic else [])


RECIPE = "2"  # bump when the subsetting options change


def _subset(script: str, style: str, codepoints: set[int]) -> bytes:
    """The WOFF2 subset, from the cache beside the prepared fonts when the same font and characters
    were subset before (a rebuild of the site reuses every font whose text did not change)."""
    import hashlib

    source = pdf_fonts.prepared_path(script, style)
    key = hashlib.sha256(f"{RECIPE}|{source.name}|{','.join(map(str, sorted(codepoints)))}".encode()).hexdigest()
    cached = pdf_fonts.cache_dir() / "web" / f"{source.stem}-{key[:16]}.woff2"
    if cached.is_file():
        return cached.read_bytes()
    data = _make_subset(source, codepoints)
    store(cached, data)
    return data


def _make_subset(source, codepoints: set[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Arabic joining, Devanagari conjuncts, CJK punctuation widths
    options.hinting = False
    options.name_IDs = [1, 2, 3, 4, 6]
    options.notdef_outline = True
    options.drop_tables += ["meta"]  # font metadata a browser does not use (fontTools cannot subset it)
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    return buffer.getvalue()


# Bidi-mirrored pairs (Unicode BidiMirroring.txt, the ones our texts use): in a right-to-left line the
# browser draws the partner's glyph ("›" points left in Arabic), so a subset needs both.
MIRRORS = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))


def with_mirrors(text: str) -> str:
    """`text` and the mirrored partners of its characters, for a right-to-left language's subsets."""
    return text + "".join({MIRRORS[ch] for ch in set(text) if ch in MIRRORS})


def family_names(lang: str) -> list[str]:
    """CSS font-family names for a language, in stack order."""
    return [f"net-{lang}-{script}" for script in pdf_fonts.stack_for(lang)]


def webfonts(lang: str, text: str, italic: bool = False) -> list[WebFont]:
    """The WOFF2 subsets a language's pages need to show `text` (every character of its pages)."""
    wanted = {ord(ch) for ch in text if not ch.isspace() or ch == "\u00a0"}
    done: set[int] = set()
    out = []
    for script, family in zip(pdf_fonts.stack_for(lang), family_names(lang), strict=True):
        for style in _styles(script, italic):
            cmap = _cmap(script, style)
            mine = {c for c in wanted - done if c in cmap} | (_ALWAYS & cmap)
            if not mine - _ALWAYS:
                continue
            out.append(WebFont(family, style, f"{lang}-{script}-{style}.woff2", _subset(script, style, mine)))
        done |= {c for c in wanted if c in _cmap(script, "regular")}
    return out


def missing(lang: str, text: str) -> set[str]:
    """Characters no font of the language's stack has (the PDFs would refuse them too)."""
    scripts = pdf_fonts.stack_for(lang)
    return {ch for ch in set(text) if not ch.isspace() and ch not in "\u200b\u200c\u200d\u200e\u200f"
            and not any(ord(ch) in _cmap(s, "regular") for s in scripts)}
