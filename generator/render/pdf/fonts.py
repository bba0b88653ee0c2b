"""Fonts: static TrueType weights made from packaged variable fonts, cached by hash.

ReportLab draws a variable font at its default instance (Thin, for Noto Sans SC),
so each weight is instanced once with fontTools and kept in .cache/fonts. Every
language gets a font stack: its own script first, then Latin for names such as
"Ga-68 DOTATATE". A character no font in the stack has is an error, never a box.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UserError

RECIPE = "2"  # bump when the way fonts are prepared changes, to refresh the cache


@dataclass(frozen=True)
class FontSource:
    family: str          # name used in PDFs and in ReportLab
    package: str         # Python package that ships the font file
    file: str            # path inside that package
    unicodes: str        # which characters to keep (see _unicodes)
    italic_file: str | None = None


FAMILIES = {
    "latin": FontSource("NotoSans", "fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf", "latin",
                        "files/NotoSans-Italic[wdth,wght].ttf"),
    "arabic": FontSource("NotoSansArabic", "fontpkg_noto_sans_arabic", "files/NotoSansArabic[wdth,wght].ttf", "all"),
    "devanagari": FontSource("NotoSansDevanagari", "fontpkg_noto_sans_devanagari",
                             "files/NotoSansDevanagari[wdth,wght].ttf", "all"),
    "han": FontSource("NotoSansSC", "justmytype_intl_cjk", "fonts/ofl/notosanssc/NotoSansSC[wght].ttf", "han"),
}
WEIGHTS = {"regular": 400, "bold": 700}
SCRIPT_OF_LANGUAGE = {"ar": "arabic", "fa": "arabic", "ur": "arabic", "hi": "devanagari", "mr": "devanagari",
                      "ne": "devanagari", "zh": "han"}
SHAPED_SCRIPTS = {"arabic", "devanagari"}  # shaping Latin costs ~2.5x render time for nothing


def stack_for(lang: str) -> list[str]:
    """Script families to try, in order, for a language code such as 'ar' or 'zh_CN'."""
    script = SCRIPT_OF_LANGUAGE.get(lang.split("_")[0], "latin")
    return [script] if script == "latin" else [script, "latin"]


def _package_file(source: FontSource, rel: str) -> Path:
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"font package '{source.package}' is not installed; run `make fonts` (it installs "
                        f"the pinned dependencies into .venv)")
    path = Path(list(spec.submodule_search_locations)[0]) / rel
    if not path.is_file():
        raise UserError(f"font file {rel} is missing from package '{source.package}'; reinstall it with "
                        f"`rm -rf .venv && make fonts`")
    return path


def _unicodes(kind: str) -> list[int] | None:
    """Characters kept when subsetting before instancing (None: keep the whole font)."""
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF),
              (0x25A0, 0x25FF), (0x2600, 0x26FF)]
    if kind == "latin":  # Latin, Vietnamese, Greek, Cyrillic
        ranges += [(0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF)]
    elif kind == "han":  # GB 2312 (all of simplified Chinese in common use) and CJK punctuation
        ranges += [(0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2E80, 0x2EFF)]
        extra = set()
        for hi in range(0xA1, 0xF8):
            for lo in range(0xA1, 0xFF):
                try:
                    extra.add(ord(bytes([hi, lo]).decode("gb2312")))
                except UnicodeDecodeError:
                    pass
        return sorted(extra | {c for a, b in ranges for c in range(a, b + 1)})
    else:
        return None
    return sorted({c for a, b in ranges for c in range(a, b + 1)})


def cache_dir() -> Path:
    """Prepared fonts live with the installation (not the content project), once per machine checkout."""
    return Path(os.environ.get("NET_FONT_CACHE", Path(__file__).resolve().parents[3] / ".cache" / "fonts"))


def _target(source: FontSource, style: str, src: Path) -> Path:
    h = hashlib.sha256()
    h.update(f"{RECIPE}|{source.family}|{style}|{source.unicodes}|{src.stat().st_size}|{src.name}".encode())
    with open(src, "rb") as f:
        h.update(f.read(1 << 20))  # first MiB: enough to tell package versions apart
    return cache_dir() / f"{source.family}-{style}-{h.hexdigest()[:12]}.ttf"


def prepared_path(script: str, style: str) -> Path:
    """Where the static font for (script, style) is, preparing it if the cache lacks it."""
    source = FAMILIES[script]
    rel = source.italic_file if style == "italic" and source.italic_file else source.file
    src = _package_file(source, rel)
    target = _target(source, style, src)
    if not target.exists():
        _instance(src, target, WEIGHTS.get(style, 400), _unicodes(source.unicodes))
    return target


def _instance(src: Path, target: Path, weight: int, unicodes):
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(src)
    if unicodes is not None:  # subset first: instancing a 30,000-glyph CJK font is slow
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
    axes = {a.axisTag: a.defaultValue for a in font["fvar"].axes}
    axes["wght"] = weight
    if "wdth" in axes:
        axes["wdth"] = 100
    static = instancer.instantiateVariableFont(font, axes, updateFontNames=False)
    _rename(static, weight)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    static.save(tmp)
    os.replace(tmp, target)


def _rename(font, weight: int):
    """Give the instance an honest name (the variable font calls every instance by its default, e.g. Thin)."""
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1)
    style = "Bold" if weight >= 700 else "Regular"
    if font["post"].italicAngle:
        style = "Bold Italic" if weight >= 700 else "Italic"
    for rec_id, value in ((1, family), (2, style), (4, f"{family} {style}"), (6, f"{family}-{style}".replace(" ", ""))):
        name.setName(value, rec_id, 3, 1, 0x409)
    font["OS/2"].usWeightClass = weight


def font_files(lang: str) -> list[Path]:
    """The prepared files a language prints with (preparing any that are missing)."""
    return [prepared_path(script, style) for script in stack_for(lang) for style in ("regular", "bold", "italic")
            if style != "italic" or FAMILIES[script].italic_file]


def prepare_all(scripts=None) -> list[Path]:
    """Make every font the build may need (run by `make fonts`)."""
    out = []
    for script in scripts or FAMILIES:
        for style in ("regular", "bold", "italic"):
            if style == "italic" and not FAMILIES[script].italic_file:
                continue
            out.append(prepared_path(script, style))
    return out


# ---------------------------------------------------------------- ReportLab side

_registered: dict[str, dict] = {}


def register(script: str) -> dict:
    """Register a script's fonts with ReportLab once per process; return {style: font name}."""
    if script in _registered:
        return _registered[script]
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    source = FAMILIES[script]
    names = {}
    for style in ("regular", "bold", "italic"):
        if style == "italic" and not source.italic_file:
            names[style] = names["regular"]
            continue
        path = prepared_path(script, style)
        name = source.family + {"regular": "", "bold": "-Bold", "italic": "-Italic"}[style]
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (TTFError, OSError) as exc:
            raise UserError(f"font {path.name} cannot be used ({exc}); delete .cache/fonts and run `make fonts`") from None
        names[style] = name
    addMapping(source.family, 0, 0, names["regular"])
    addMapping(source.family, 1, 0, names["bold"])
    addMapping(source.family, 0, 1, names["italic"])
    addMapping(source.family, 1, 1, names["bold"])
    for n in set(names.values()):
        addMapping(n, 0, 0, names["regular"])
        addMapping(n, 1, 0, names["bold"])
        addMapping(n, 0, 1, names["italic"])
        addMapping(n, 1, 1, names["bold"])
    _registered[script] = names
    return names


class MissingGlyph(Exception):
    def __init__(self, char: str, fonts: list[str]):
        super().__init__(f"character {char!r} (U+{ord(char):04X}) has no glyph in {', '.join(fonts)}")
        self.char = char


_NEUTRAL = {" ", "\u00a0", "\u202f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2009"}


class FontStack:
    """The fonts one language prints with, and which of them prints each character."""

    def __init__(self, lang: str):
        self.scripts = stack_for(lang)
        self.names = [register(s) for s in self.scripts]
        self.primary = self.names[0]
        self.shaped = self.scripts[0] in SHAPED_SCRIPTS
        from reportlab.pdfbase import pdfmetrics

        self._cmaps = [set(pdfmetrics.getFont(n["regular"]).face.charToGlyph) for n in self.names]
        self._bold_cmaps = [set(pdfmetrics.getFont(n["bold"]).face.charToGlyph) for n in self.names]

    def runs(self, text: str, bold: bool = False) -> list[tuple[int, str]]:
        """Split text into (font index in the stack, substring); raise MissingGlyph for a character none has."""
        cmaps = self._bold_cmaps if bold else self._cmaps
        out: list[tuple[int, str]] = []
        current = 0
        for ch in text:
            if ch in _NEUTRAL or ch == "\n":
                index = current
            else:
                code = ord(ch)
                index = next((i for i, cmap in enumerate(cmaps) if code in cmap), None)
                if index is None:
                    raise MissingGlyph(ch, [n["bold" if bold else "regular"] for n in self.names])
            if out and out[-1][0] == index:
                out[-1] = (index, out[-1][1] + ch)
            else:
                out.append((index, ch))
            current = index
        return out

    def missing(self, text: str) -> set[str]:
        """Characters of text that no font in the stack can print (regular or bold)."""
        missing = set()
        for ch in set(text):
            code = ord(ch)
            if ch in _NEUTRAL or ch == "\n":
                continue
            if not any(code in c for c in self._cmaps) or not any(code in c for c in self._bold_cmaps):
                missing.add(ch)
        return missing
