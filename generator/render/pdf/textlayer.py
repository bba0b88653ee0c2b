"""The text a PDF gives back when it is copied, searched or read aloud (its text layer).

ReportLab writes one ToUnicode entry per glyph: the one character the glyph was
picked for. That is right for Latin, Chinese and unshaped text, but not for:

- Devanagari, shaped by harfbuzz. A conjunct such as क्ष is one glyph with no
  character of its own, and the i-matra of कि is drawn before its consonant.
  ReportLab gives such glyphs private-use codes, in the order a *process* first
  meets them, so (1) copying Hindi gave "कासनॉइड" for "कार्सिनॉइड", and (2) the same
  document had different bytes in different build workers (issue 18, item 7).
- Arabic, drawn from arabic-reshaper's presentation forms in visual order
  (bidi.py). Here presentation forms map to their base letters (NFKC, e.g. U+FEDF
  -> U+0644), and every extractor measured (poppler's pdftotext, pypdf) puts a
  right-to-left line back in logical order itself. /ActualText with the logical
  line was tried and is wrong in poppler: it reverses the ActualText as if it
  were visual ("ةيواطرسلا" for "السرطاوية"). A lam-alef ligature (one glyph, two
  letters) would come back reversed in poppler and right in pypdf, so it is
  written as two codes in visual order: the ligature glyph standing for the alef
  and, after it, the font's empty zero-width-space glyph standing for the lam.

For shaped text, every glyph whose own character is not the text it stands for
gets a code point of its own for this document (a "virtual" character in the
supplementary private use area, U+F0000 upward), mapped in ToUnicode to exactly
the characters of its harfbuzz cluster, so that the glyphs, read in the order
they are drawn, spell the source text. A mark that harfbuzz places back over the
glyph before it (zero advance, negative x offset: the anusvara of एं, the e-matra
of के) gets, in the PDF, the width that brings it up to the next glyph, and the
same total advance: extractors otherwise saw a gap there and split the word. Virtual characters are numbered per
document in first-use order and forgotten when the document is finished, so a
document has the same bytes whatever else its process rendered before.
"""

from __future__ import annotations

import unicodedata

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import paragraph as _paragraph

VIRTUAL_BASE = 0xF0000
WORD_JOINER = "\u2060"  # for a glyph left over when a cluster has more glyphs than characters
LAM_ALEF = range(0xFEF5, 0xFEFD)  # arabic-reshaper's lam-alef ligatures
_ZERO_WIDTH = 0x200B  # zero width space: in Noto Sans Arabic an empty glyph of no width (ZWJ's has an outline)

_original_shape = ttfonts.shapeFragWord
_UNSHAPED = ttfonts._sdSimple.cluster


class _Document:
    """Virtual characters of the document being rendered."""

    def __init__(self):
        self.codes: dict[tuple[str, int, str, float], int] = {}  # (font, glyph, text, width) -> code point
        self.text: dict[int, str] = {}                      # code point -> text it stands for
        self.faces: dict[int, object] = {}                  # code point -> the font face it was added to

    def virtual(self, font, gid: int, text: str, width) -> str:
        key = (font.fontName, gid, text, width)
        code = self.codes.get(key)
        if code is None:
            code = VIRTUAL_BASE + len(self.codes)
            self.codes[key] = code
            self.text[code] = text
            self.faces[code] = font.face
            font.face.charToGlyph[code] = gid
            font.face.charWidths[code] = width
        return chr(code)

    def forget(self):
        for code, face in self.faces.items():
            face.charToGlyph.pop(code, None)
            face.charWidths.pop(code, None)
        self.codes.clear()
        self.text.clear()
        self.faces.clear()


_doc = _Document()


def begin_document():
    """Start numbering virtual characters afresh (called before each document is laid out)."""
    _doc.forget()


def end_document():
    _doc.forget()


def text_of(code: int) -> str:
    """The text a code point stands for in the PDF's text layer."""
    text = _doc.text.get(code)
    if text is not None:
        return text
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:  # Arabic presentation forms
        base = unicodedata.normalize("NFKC", chr(code))
        if code in LAM_ALEF:
            return base[1:]  # the alef; the lam is its companion's (lam_alef_companions)
        if base.strip():
            return base
    return chr(code)


def lam_alef_companions(text: str, font_name: str) -> str:
    """Visual-order Arabic text with a zero-width companion after each lam-alef ligature, standing
    for its lam (see the module's docstring)."""
    if not any(ord(ch) in LAM_ALEF for ch in text):
        return text
    font = pdfmetrics.getFont(font_name)
    gid = font.face.charToGlyph.get(_ZERO_WIDTH)
    if gid is None or font.face.glyphPos[gid + 1] != font.face.glyphPos[gid]:  # none, or not empty
        return text
    out = []
    for ch in text:
        out.append(ch)
        if ord(ch) in LAM_ALEF:
            out.append(_doc.virtual(font, gid, unicodedata.normalize("NFKC", ch)[0], 0))
    return "".join(out)


def stand_in(drawn: str, meant: str, font_name: str) -> str:
    """The glyph of `drawn` standing for `meant` in the text layer: a bracket mirrored for right-to-left
    reading is drawn as its mirror image, but is still the bracket the text has (extractors reverse
    the line and do not mirror it back: ")وتسمى(" came out of poppler and pypdf)."""
    font = pdfmetrics.getFont(font_name)
    gid = font.face.charToGlyph.get(ord(drawn))
    if gid is None:
        return drawn
    return _doc.virtual(font, gid, meant, font.face.charWidths.get(ord(drawn), 0))


def cluster_spans(text) -> list[tuple[int, int, str]] | None:
    """(start, end, text) of the stretches of a shaped run that get /ActualText (tagging.py): a base
    glyph with the zero-advance glyphs after it, when those are two marks or more (मुँ: poppler reads
    marks drawn at almost the same place as duplicates and breaks the word there) or include a glyph
    left over from a cluster with more glyphs than characters (ई is drawn as इ and a mark; the mark
    stands for an invisible word joiner in ToUnicode)."""
    data = getattr(text, "__shapeData__", None)
    if not data:
        return None
    codes = [ord(ch) for ch in text]
    # zero advance from harfbuzz; ReportLab's filler for unshaped characters (a space joined to a
    # shaped word) has cluster 0x7fffffff and no advance of its own
    mark = [sd.x_advance == 0 and sd.cluster != _UNSHAPED for sd in data]
    spans, i = _reordered_clusters(codes, data), 1
    covered = {k for start, end, _ in spans for k in range(start, end)}
    while i < len(codes):
        if i in covered:
            i += 1
            continue
        if not mark[i]:
            i += 1
            continue
        j = i
        while j < len(codes) and mark[j]:
            j += 1
        if (j - i >= 2 or any(_doc.text.get(c) == WORD_JOINER for c in codes[i:j])) \
                and not covered & set(range(i - 1, j)):
            spans.append((i - 1, j, "".join(text_of(c) for c in codes[i - 1:j]).replace(WORD_JOINER, "")))
        i = j + 1
    return sorted(spans) or None


def _reordered_clusters(codes: list[int], data) -> list[tuple[int, int, str]]:
    """Whole harfbuzz clusters of three glyphs or more with a zero-advance glyph among them: a reph
    with a pre-base vowel (Bengali র্সি is drawn ি, an empty mark, স, the reph above it). Read glyph by
    glyph, poppler moved the marks ("কারসি্ নয়েড" for "কার্সিনয়েড"); /ActualText gives the cluster whole."""
    spans, i = [], 0
    while i < len(codes):
        j = i + 1
        while j < len(codes) and data[j].cluster == data[i].cluster and data[i].cluster != _UNSHAPED:
            j += 1
        if j - i >= 3 and any(sd.x_advance == 0 for sd in data[i:j]):
            spans.append((i, j, "".join(text_of(c) for c in codes[i:j]).replace(WORD_JOINER, "")))
        i = j
    return spans


def _pieces(text: str, clusters: list[int]) -> list[str]:
    """The characters of `text` each glyph stands for, from harfbuzz's cluster values (one per
    glyph, in drawing order). Glyphs of one cluster share its characters: read in drawing order
    they spell it (the i-matra glyph of कि, drawn first, stands for क and the consonant glyph for ि)."""
    ends = [*clusters[1:], len(text)]
    if all(a < b for a, b in zip(clusters, ends)):  # the usual case: one glyph per cluster, in order
        return [text[a:b] for a, b in zip(clusters, ends)]
    starts = sorted(set(clusters))
    end_of = {c: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, c in enumerate(starts)}
    count: dict[int, int] = {}
    for c in clusters:
        count[c] = count.get(c, 0) + 1
    seen: dict[int, int] = {}
    out = []
    for c in clusters:
        piece = text[c:end_of[c]]
        m, k = count[c], seen.get(c, 0)
        seen[c] = k + 1
        if m == 1:
            out.append(piece)
        elif m <= len(piece):
            head = len(piece) - m + 1
            out.append(piece[:head] if k == 0 else piece[head + k - 1])
        else:  # more glyphs than characters: one character each, then invisible joiners
            out.append(piece[k] if k < len(piece) else WORD_JOINER)
    return out


_WORDS: dict = {}  # a one-frag word's shaping and text plan, by font, size, text (kept per process)
_UNCHANGED = object()


def forget_words():
    """Empty the process's word cache (the benchmark measures documents without it)."""
    _WORDS.clear()


def shape_frag_word(w, *args, **kwargs):
    """ReportLab's shapeFragWord, then each glyph given the text it stands for (and a mark its width).

    Shaping reads only the font, the size and the text, and a worker renders many documents in the
    same language: a one-frag word's shaping and plan are kept for the process and reused. The plan
    is applied afresh in every document (virtual characters are numbered per document, in the order
    words are shaped, which the cache does not change), so the bytes do not depend on the cache."""
    if len(w) == 2 and not isinstance(w, ttfonts.ShapedFragWord) and type(w[1][1]) is str \
            and not hasattr(w[1][0], "cbDefn"):
        f = w[1][0]
        key = (type(w), f.fontName, f.fontSize, w[1][1], repr(args) if args else "",
               repr(sorted(kwargs.items())) if kwargs else "")
        entry = _WORDS.get(key)
        if entry is None:
            if len(_WORDS) > 200_000:
                _WORDS.clear()
            new = _original_shape(w, *args, **kwargs)
            entry = _WORDS[key] = _UNCHANGED if new is w else (new.__class__, new[0], _plan(w, new))
        if entry is _UNCHANGED:
            return w
        cls, width, plan = entry
        return cls([width, *((f, s) for s in _apply(plan, f.fontName))])
    new = _original_shape(w, *args, **kwargs)
    if new is w or len(new) < 2:
        return new
    shaped = [i for i, item in enumerate(new[1:], 1) if _is_shaped(item)]
    strings = _apply(_plan(w, new), None, [new[i][0].fontName for i in shaped])
    for i, string in zip(shaped, strings):
        new[i] = (new[i][0], string)
    return new


def _is_shaped(item) -> bool:
    return not hasattr(item[0], "cbDefn") and getattr(item[1], "__shapeData__", None) is not None


def _plan(w, new) -> list[tuple[str, list, list]]:
    """For each shaped string of `new`: its characters, its shape data (marks' widths set) and the
    glyphs that need a virtual character: (position, glyph id, text, width)."""
    text = w[1][1] if len(w) == 2 else "".join(s for f, s in w[1:] if not hasattr(f, "cbDefn"))
    n = len(text)
    items = [(item[0], item[1], item[1].__shapeData__) for item in new[1:] if _is_shaped(item)]
    if len(items) == 1:
        data = items[0][2]
        clusters = [sd.cluster for sd in data]
        marks = any(sd.x_offset < 0 and sd.x_advance == 0 for sd in data)
        drawn = str(items[0][1])
    else:
        clusters = [sd.cluster for _, _, data in items for sd in data]
        marks = any(sd.x_offset < 0 and sd.x_advance == 0 for _, _, data in items for sd in data)
        drawn = "".join(str(s) for _, s, _ in items)
    if not clusters or min(clusters) < 0 or max(clusters) >= n \
            or (not marks and drawn == text and clusters == list(range(n))):
        # nothing to do: one glyph per character, each the character it stands for
        return [(str(s), data, []) for _, s, data in items]
    pieces = _pieces(text, clusters)
    plan, at = [], 0
    for frag, s, data in items:
        chars, data, recipe = str(s), list(data), []
        face = None
        for j, (ch, piece, sd) in enumerate(zip(chars, pieces[at:at + len(data)], data)):
            mark = sd.x_offset < 0 and sd.x_advance == 0  # a mark over the glyph before it
            if ch == piece and not mark:
                continue
            if face is None:
                face = pdfmetrics.getFont(frag.fontName).face
            gid = face.charToGlyph.get(ord(ch))
            if gid is None:
                continue
            # The glyph's own advance (ReportLab's width for a private-use code is the advance harfbuzz
            # gave where the process first met the glyph, which differs between workers).
            width = -sd.x_offset if mark else face._pdfScale(face.hmetrics[gid][0])
            data[j] = sd._replace(width=width)
            recipe.append((j, gid, piece, width))
        at += len(data)
        plan.append((chars, data, recipe))
    return plan


def _apply(plan, font_name, font_names=None) -> list:
    """The shaped strings of a plan, with this document's virtual characters."""
    out = []
    for k, (chars, data, recipe) in enumerate(plan):
        if recipe:
            font = pdfmetrics.getFont(font_name or font_names[k])
            letters = list(chars)
            for j, gid, piece, width in recipe:
                letters[j] = _doc.virtual(font, gid, piece, width)
            chars = "".join(letters)
        out.append(ttfonts.ShapedStr(chars, shapeData=list(data)))
    return out


def _to_unicode_cmap(fontname, subset):
    """ReportLab's ToUnicode CMap, with each code's text from text_of (several characters where a
    glyph stands for a cluster; UTF-16, so code points beyond the BMP are right), 100 a block."""
    head = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
            "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname, "/Supplement 0", ">> def",
            "/CMapName /%s def" % fontname, "/CMapType 2 def", "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1), "endcodespacerange"]
    special = _doc.text
    entries = ["<%02X> <%04X>" % (i, code) if code < 0xFB50 and code not in special else
               "<%02X> <%s>" % (i, text_of(code).encode("utf-16-be").hex().upper())
               for i, code in enumerate(subset)]
    body = []
    for start in range(0, len(entries), 100):
        block = entries[start:start + 100]
        body += ["%d beginbfchar" % len(block), *block, "endbfchar"]
    tail = ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(head + body + tail)


ttfonts.shapeFragWord = shape_frag_word
_paragraph.shapeFragWord = shape_frag_word
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
