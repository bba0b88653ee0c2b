"""Fonts: static TrueType weights made from packaged variable fonts, cut to the characters we print.

ReportLab draws a variable font at its default instance (Thin, for Noto Sans SC), so each
weight is instanced once with fontTools and kept in .cache/fonts. Every language gets a font
stack: its own script first, then Latin for names such as "Ga-68 DOTATATE". A character no font
in the stack has is an error, never a box.

Preparing every font takes seconds, not half a minute (`python -m generator fonts` prints the
time per family):
- Chinese, Japanese and Korean fonts (17,000-30,000 glyphs) are first cut down (subset) to the
  characters the project prints: those the catalogues of the languages using the font, the content,
  the templates, the clinic files (*.toml in the project) and the review records use, Babel's month
  names and number signs for those languages, and CJK and Latin-1 punctuation; then instanced.
  The cache key of a prepared file is a hash of the source font, the recipe and that character
  set, so a new character in a catalogue prepares that font again, once (about a second), and
  everything else is reused. A character outside the prepared set (a clinic name in Chinese in a
  clinic file kept outside the project) is a MissingGlyph error naming it, never a box.
- Latin keeps fixed ranges (Latin, Vietnamese, Greek, Cyrillic: any name in them prints); the
  small scripts (Arabic, Devanagari, Bengali, Tamil) keep their whole font with its shaping rules.
- A weight that is the variable font's default instance (Noto Sans Regular and Italic) only
  loses its variation tables; other weights are instanced with fontTools.
- Families are prepared two at a time in separate processes; a lock file keeps two processes
  from preparing the same family at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.errors import UserError

RECIPE = "3"  # bump when the way fonts are prepared changes, to refresh the cache
PROJECT = Path(__file__).resolve().parents[3]

# Unicode ranges (first, last), inclusive.
# Latin (Western, Central European, Turkish, Vietnamese), Greek, Cyrillic, punctuation, arrows, shapes:
# any name in these alphabets prints.
LATIN = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF),
         (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x25A0, 0x25FF), (0x2600, 0x26FF))
PUNCTUATION = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F))
CJK_PUNCTUATION = ((0x3000, 0x303F), (0xFF00, 0xFFEF))
HAN = ((0x2E80, 0x2FDF), (0x3000, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
       (0x20000, 0x3FFFF))
HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))
OTHER = ((0x100, 0x58F), (0x1D00, 0x2BFF))  # what a CJK font may also print from a text (Greek, arrows)


@dataclass(frozen=True)
class FontSource:
    family: str          # name used in PDFs and in ReportLab
    package: str         # Python package that ships the font file
    file: str            # path inside that package
    keep: tuple | None   # ranges always kept (Latin letters for names, punctuation); None: the whole font
    used: tuple = ()     # ranges kept only for the characters the project's texts use (CJK ideographs)
    italic_file: str | None = None
    width: float = 100.0  # the wdth axis: Tamil is set condensed (at 100 it runs ~1.7x the English width;
    #                      measured: at 75 two Letter leaflets need a third page, at 70 all fit)
    layout: bool = True  # keep OpenType layout (shaping rules); unshaped CJK text does not need it
    script_name: str = ""  # the script, for messages ("Gurmukhi", "Han (Traditional)")


SOUTH_ASIA = "justmytype_intl_south_asia"
CJK = "justmytype_intl_cjk"
FAMILIES = {
    "latin": FontSource("NotoSans", "fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf", LATIN,
                        italic_file="files/NotoSans-Italic[wdth,wght].ttf", layout=False, script_name="Latin, Greek, Cyrillic"),
    "arabic": FontSource("NotoSansArabic", "fontpkg_noto_sans_arabic", "files/NotoSansArabic[wdth,wght].ttf", None,
                         script_name="Arabic"),
    "devanagari": FontSource("NotoSansDevanagari", "fontpkg_noto_sans_devanagari",
                             "files/NotoSansDevanagari[wdth,wght].ttf", None, script_name="Devanagari"),
    "bengali": FontSource("NotoSansBengali", SOUTH_ASIA, "fonts/ofl/notosansbengali/NotoSansBengali[wdth,wght].ttf", None,
                          script_name="Bengali"),
    "tamil": FontSource("NotoSansTamil", SOUTH_ASIA, "fonts/ofl/notosanstamil/NotoSansTamil[wdth,wght].ttf", None,
                        width=70.0, script_name="Tamil"),
    "han": FontSource("NotoSansSC", CJK, "fonts/ofl/notosanssc/NotoSansSC[wght].ttf", PUNCTUATION + CJK_PUNCTUATION,
                      HAN + OTHER, layout=False, script_name="Han (Simplified)"),
    "han_tc": FontSource("NotoSansTC", CJK, "fonts/ofl/notosanstc/NotoSansTC[wght].ttf",
                         PUNCTUATION + CJK_PUNCTUATION, HAN + OTHER, layout=False, script_name="Han (Traditional)"),
    "japanese": FontSource("NotoSansJP", CJK, "fonts/ofl/notosansjp/NotoSansJP[wght].ttf",
                           PUNCTUATION + CJK_PUNCTUATION + ((0x3040, 0x30FF), (0x31F0, 0x31FF)), HAN + OTHER,
                           layout=False, script_name="Japanese"),
    "hangul": FontSource("NotoSansKR", CJK, "fonts/ofl/notosanskr/NotoSansKR[wght].ttf",
                         PUNCTUATION + CJK_PUNCTUATION + ((0x3130, 0x318F),), HANGUL + HAN + OTHER, layout=False,
                         script_name="Hangul"),
}
WEIGHTS = {"regular": 400, "bold": 700}
# Which family prints each script (ISO 15924 code, from CLDR's likely subtags: pa -> pa_Guru_IN).
FAMILY_OF_SCRIPT = {"Latn": "latin", "Cyrl": "latin", "Grek": "latin", "Arab": "arabic", "Deva": "devanagari",
                    "Beng": "bengali", "Taml": "tamil", "Hans": "han", "Hant": "han_tc", "Jpan": "japanese",
                    "Kore": "hangul"}
# Languages written in the Nastaliq style of Arabic script: Noto Sans Arabic (Naskh) is the wrong style,
# and no Nastaliq font installs from PyPI (searched: fontpkg-*, justmytype-*, noto-* packages).
NASTALIQ = {"ur", "ks", "skr"}
SHAPED_SCRIPTS = {"arabic", "devanagari", "bengali", "tamil"}  # shaping Latin costs ~2.5x render time for nothing
# Scripts set with CJK line breaking (between any two characters, kinsoku rules: render/pdf/kinsoku.py).
# Korean is not: it breaks at spaces, like Latin, so a word is never split.
CJK_WRAP_SCRIPTS = {"han", "han_tc", "japanese"}


@lru_cache(maxsize=256)
def script_code(lang: str) -> str:
    """The ISO 15924 script a language code is written in (zh_TW: Hant, pa: Guru), from CLDR."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    parts = lang.replace("-", "_").split("_")
    if len(parts) > 1 and len(parts[1]) == 4:  # zh_Hant, sr_Latn
        return parts[1].title()
    full = likely.get(lang) or likely.get(parts[0]) or ""
    if len(parts) > 1 and parts[0] == "zh":  # zh_TW, zh_HK, zh_MO: Traditional; zh_CN, zh_SG: Simplified
        full = likely.get(f"und_{parts[1]}", "") if parts[1] != "CN" else full
        full = full if "_Han" in full else likely.get(parts[0], "")
    sub = full.split("_")
    return sub[1] if len(sub) > 2 else "Latn"


def script_of(lang: str) -> str:
    """The font family a language prints with ('latin' also for a script that has no font here:
    the checks then name every character it cannot print; missing_font() says what to add)."""
    if lang in ("en", "pseudo") or lang.split("_")[0] in NASTALIQ:  # never Urdu in Naskh
        return "latin"
    return FAMILY_OF_SCRIPT.get(script_code(lang), "latin")


def stack_for(lang: str) -> list[str]:
    """Script families to try, in order, for a language code such as 'ar' or 'zh_CN'."""
    script = script_of(lang)
    return [script] if script == "latin" else [script, "latin"]


def missing_font(lang: str) -> str | None:
    """What to do when a language's script has no font here (Punjabi, Urdu...), or None."""
    from babel import Locale

    code = script_code(lang)
    if code in FAMILY_OF_SCRIPT and lang.split("_")[0] not in NASTALIQ:
        return None
    name = Locale("en").scripts.get(code, code)
    if lang.split("_")[0] in NASTALIQ:
        name = "Arabic in Nastaliq style"
    return (f"no font for script {name} ({lang}): add a font package for it to requirements.txt and "
            f"pyproject.toml, then a FontSource in generator/render/pdf/fonts.py FAMILIES and its script in "
            f"FAMILY_OF_SCRIPT; see docs/TRANSLATING.md, 'A language in a new script'")


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


def _in(code: int, ranges) -> bool:
    return any(a <= code <= b for a, b in ranges)


# ---------------------------------------------------------------- which characters

def _text_files(project: Path) -> list[Path]:
    files = sorted((project / "locales").glob("*/LC_MESSAGES/messages.po"))
    files += sorted((project / "content").rglob("*.yaml"))
    files += sorted((Path(__file__).resolve().parents[2] / "layout" / "templates").glob("*"))
    files += sorted(project.glob("*.toml")) + sorted((project / "reviews").glob("*.toml"))
    return [f for f in files if f.is_file()]


def _babel_text(lang: str) -> str:
    """What Babel prints in a language besides the catalogue: month and day names, date patterns,
    number signs, digits, the language's own name."""
    try:
        from generator.i18n.localizer import digits_for, locale_for, numbering_system
        loc = locale_for(lang)
    except Exception:  # noqa: BLE001  (an unknown code: the checks report it)
        return ""
    parts = [digits_for(loc), loc.display_name or "", loc.language_name or ""]
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            parts += loc.months.get(context, {}).get(width, {}).values()
            parts += loc.days.get(context, {}).get(width, {}).values()
    parts += [str(getattr(f, "pattern", f)) for f in loc.date_formats.values()]
    parts += loc.number_symbols.get(numbering_system(loc), {}).values()
    return "".join(p for p in parts if isinstance(p, str))


@lru_cache(maxsize=4)
def text_characters(project: Path = PROJECT) -> dict[str, frozenset[int]]:
    """Per language (and '' for text every language prints: content, templates, clinic files,
    review records), the characters the project's texts use. Only the fonts cut to the characters
    they print (CJK) read this."""
    subset_by_text = {s for s, source in FAMILIES.items() if source.used}
    out: dict[str, set[int]] = {"": set()}
    for f in _text_files(project):
        if f.name == "messages.po":
            lang = f.parent.parent.name
            if subset_by_text & set(stack_for(lang)):
                out[lang] = {ord(c) for c in f.read_text(encoding="utf-8", errors="replace") + _babel_text(lang)}
        else:
            out[""] |= {ord(c) for c in f.read_text(encoding="utf-8", errors="replace")}
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=32)
def charset(script: str, project: Path = PROJECT) -> list[int]:
    """The characters kept for a script's font: its `keep` ranges, and the characters in its `used`
    ranges that the languages printing with this font use (Latin: every language)."""
    source = FAMILIES[script]
    if source.keep is None:
        return []
    chars = {c for a, b in source.keep for c in range(a, b + 1)}
    if source.used:
        for lang, used in text_characters(project).items():
            if lang == "" or script in stack_for(lang):
                chars |= {c for c in used - chars if _in(c, source.used)}
    return sorted(chars)


# ---------------------------------------------------------------- preparing

def cache_dir() -> Path:
    """Prepared fonts live with the installation (not the content project), once per machine checkout."""
    return Path(os.environ.get("NET_FONT_CACHE", PROJECT / ".cache" / "fonts"))


def _styles(script: str) -> list[str]:
    return ["regular", "bold"] + (["italic"] if FAMILIES[script].italic_file else [])


@lru_cache(maxsize=64)
def _source_digest(src: Path, size: int, mtime: float) -> str:
    h = hashlib.sha256(f"{src.name}|{size}".encode())
    with open(src, "rb") as f:
        h.update(f.read(1 << 20))  # first MiB: enough to tell package versions apart
    return h.hexdigest()


def _target(script: str, style: str, src: Path) -> Path:
    source = FAMILIES[script]
    st = src.stat()
    chars = charset(script)
    h = hashlib.sha256()
    h.update(f"{RECIPE}|{source.family}|{style}|{source.width}|{source.layout}|{_source_digest(src, st.st_size, st.st_mtime)}|"
             .encode())
    h.update(",".join(map(str, chars)).encode())
    return cache_dir() / f"{source.family}-{style}-{h.hexdigest()[:12]}.ttf"


def _source_file(script: str, style: str) -> Path:
    source = FAMILIES[script]
    rel = source.italic_file if style == "italic" and source.italic_file else source.file
    return _package_file(source, rel)


def prepared_path(script: str, style: str) -> Path:
    """Where the static font for (script, style) is, preparing it (all its family's weights) if missing."""
    target = _target(script, style, _source_file(script, style))
    if not target.exists():
        _prepare_family(script)
    return target


def _prepare_family(script: str) -> dict[str, float]:
    """Prepare every missing weight of one family; return CPU seconds spent per style (0 when cached).

    The upright weights share one subset of the variable font; a lock file keeps two processes
    (two helpers' builds, two workers) from preparing the same family at once."""
    import fcntl

    timings: dict[str, float] = {}
    targets = {style: _target(script, style, _source_file(script, style)) for style in _styles(script)}
    if all(t.exists() for t in targets.values()):
        return {style: 0.0 for style in targets}
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / f".{FAMILIES[script].family}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subsets: dict[Path, bytes] = {}
        for style, target in targets.items():
            start = time.process_time()
            if not target.exists():
                src = _source_file(script, style)
                if style == "italic":  # the default instance of the italic font: whole (no subsetting to pay for)
                    subsets[src] = src.read_bytes()
                elif src not in subsets:
                    subsets[src] = _subset(script, src)
                _instance(script, subsets[src], target, WEIGHTS.get(style, 400))
            timings[style] = time.process_time() - start
    return timings


def _subset(script: str, src: Path) -> bytes:
    """The variable font cut down to the script's characters (before instancing: instancing a
    30,000-glyph CJK font takes seconds, a few thousand glyphs a fraction of one)."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = FAMILIES[script]
    if source.keep is None:  # a small script: its whole font (subsetting would cost more than it saves)
        return src.read_bytes()
    font = TTFont(src)
    # Tables ReportLab never reads (vertical metrics, layout rules of unshaped CJK text) cost time to
    # subset and instance; advance widths come from gvar's phantom points without HVAR.
    for tag in ("HVAR", "VVAR", "vhea", "vmtx", "VORG", "STAT", "BASE") + (() if source.layout else ("GSUB", "GPOS", "GDEF")):
        if tag in font:
            del font[tag]
    options = subset.Options()
    if not source.layout:
        options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset(script))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _instance(script: str, subset_font: bytes, target: Path, weight: int):
    import io

    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(io.BytesIO(subset_font))
    defaults = {a.axisTag: a.defaultValue for a in font["fvar"].axes}
    axes = dict(defaults, wght=weight)
    if "wdth" in axes:
        axes["wdth"] = FAMILIES[script].width
    if axes == defaults:
        # The font's default instance is this weight (Noto Sans Regular, Italic): its outlines and
        # metrics are the static font already; only the variation tables go.
        for tag in ("fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT"):
            if tag in font:
                del font[tag]
        static = font
    else:
        static = instancer.instantiateVariableFont(font, axes, inplace=True, updateFontNames=False)
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
    return [prepared_path(script, style) for script in stack_for(lang) for style in _styles(script)]


# The order to prepare families in: the slowest first, so two processes finish together.
_COST = ["latin", "hangul", "han", "japanese", "han_tc", "tamil", "devanagari", "bengali", "arabic"]


def _worker_signals():
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the command line's handler is for the main process


def _prepare_one(script: str) -> tuple[str, dict[str, float]]:
    return script, _prepare_family(script)


def prepare_all(scripts=None, jobs: int = 2, report=None) -> list[Path]:
    """Make every font the build may need (run by `make fonts`), `jobs` families at a time.
    report(script, {style: seconds}) is called as each family is done."""
    scripts = sorted(scripts or FAMILIES, key=lambda s: _COST.index(s) if s in _COST else len(_COST))
    text_characters.cache_clear()
    charset.cache_clear()
    todo = [s for s in scripts if not all(prepared_path_exists(s, st) for st in _styles(s))]
    done = {s: {st: 0.0 for st in _styles(s)} for s in scripts if s not in todo}
    if len(todo) > 1 and jobs > 1:
        import multiprocessing

        from fontTools import subset  # noqa: F401  (imported once, before the workers fork)
        from fontTools.varLib import instancer  # noqa: F401

        pool = multiprocessing.get_context("fork").Pool(min(jobs, len(todo)), initializer=_worker_signals)
        try:
            for script, timing in pool.imap_unordered(_prepare_one, todo):
                done[script] = timing
                if report:
                    report(script, timing)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
    else:
        for script in todo:
            done[script] = _prepare_family(script)
            if report:
                report(script, done[script])
    _prune(scripts)
    return [prepared_path(s, st) for s in scripts for st in _styles(s)]


def prepared_path_exists(script: str, style: str) -> bool:
    return _target(script, style, _source_file(script, style)).exists()


def _prune(scripts):
    """Remove earlier preparations of these fonts (another character set or recipe), a minute old or more."""
    keep = {_target(s, st, _source_file(s, st)).name for s in scripts for st in _styles(s)}
    families = {FAMILIES[s].family for s in scripts}
    now = time.time()
    for f in cache_dir().glob("*.ttf"):
        if f.name not in keep and f.name.rsplit("-", 2)[0] in families and now - f.stat().st_mtime > 60:
            try:
                f.unlink()
            except OSError:
                pass


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
    def __init__(self, char: str, fonts: list[str], hint: str = ""):
        super().__init__(f"character {char!r} (U+{ord(char):04X}) has no glyph in {', '.join(fonts)}{hint}")
        self.char = char


# For a font cut to the project's characters (CJK): where a new character must be for it to be prepared.
SUBSET_HINT = (" (this font holds the characters of the project's catalogues, content, clinic files *.toml "
               "and review records: put the text in one of them, e.g. a clinic file in the project folder)")


_NEUTRAL = {" ", "\u00a0", "\u202f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2009"}


class FontStack:
    """The fonts one language prints with, and which of them prints each character."""

    def __init__(self, lang: str):
        self.scripts = stack_for(lang)
        self.names = [register(s) for s in self.scripts]
        self.primary = self.names[0]
        self.shaped = self.scripts[0] in SHAPED_SCRIPTS
        self.cjk_wrap = self.scripts[0] in CJK_WRAP_SCRIPTS  # break between characters, with kinsoku rules
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
                    hint = SUBSET_HINT if FAMILIES[self.scripts[0]].used else ""
                    raise MissingGlyph(ch, [n["bold" if bold else "regular"] for n in self.names], hint)
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
