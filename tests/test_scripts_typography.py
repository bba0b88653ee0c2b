"""Scripts read back from the PDFs (issue 12, item 6 and the widow rule of item 7):

- Arabic keeps inline bold (the words in <b> print in Noto Sans Arabic Bold) and prints citations as
  small raised numbers, never "[1]";
- Arabic is set larger than the Latin of the same template (its letters' bodies come close to the
  Latin x-height), Devanagari with more line spacing (render/pdf/optical.py);
- no paragraph or list item ends with a line holding one word or a citation alone (Chinese: one
  character with its punctuation), in a sample of leaflets (render/pdf/widows.py).

Text, fonts, sizes and positions come from poppler's pdftohtml -xml and pdftotext -bbox-layout.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

import generator.render.pdf as pdf_module
from generator.build import Job, Settings, Workspace

from .conftest import PROJECT
from .test_accessibility import poppler

ZOOM = 4  # pdftohtml's sizes and positions are whole pixels: at zoom 4, a quarter point
CITATION = re.compile(r"^[\[(]?[\d\u0660-\u0669\u0966-\u096f,\u060c\u2013\-]+[\])]?[.,;:\u06d4\u0964。]*$")
SAMPLE = [("carcinoid-syndrome", lang) for lang in ("en", "fr_CA", "zh_CN", "hi", "ar")] + \
         [("net-overview", lang) for lang in ("en", "zh_CN", "hi", "ar")]
LARGE_PRINT = [("carcinoid-syndrome", lang) for lang in ("en", "zh_CN")]  # citations inline: "[1,3]"


@dataclass
class Text:
    page: int
    top: float
    left: float
    width: float
    height: float
    size: float
    bold: bool
    color: str
    text: str

    @property
    def bottom(self) -> float:
        return self.top + self.height


@pytest.fixture(scope="module")
def leaflets(tmp_path_factory) -> dict:
    """(handout, lang[, product]) -> (pdf path, layout XML root) of the A4 leaflet (and of a few large
    prints), as the build renders them."""
    ws = Workspace(Settings(PROJECT, tmp_path_factory.mktemp("out")))
    folder = tmp_path_factory.mktemp("leaflets")
    out = {}
    for handout, lang, product in [(h, lang, "leaflet") for h, lang in SAMPLE] + \
            [(h, lang, "large-print") for h, lang in LARGE_PRINT]:
        seen = []
        original = pdf_module.render

        def spy(xml, *args, **kwargs):
            seen.append(xml)
            return original(xml, *args, **kwargs)

        pdf_module.render = spy
        try:
            pdf, _ = ws.render(Job(handout, lang, product, "a4"))
        finally:
            pdf_module.render = original
        path = folder / f"{handout}-{lang}-{product}.pdf"
        path.write_bytes(pdf)
        out[(handout, lang) if product == "leaflet" else (handout, lang, product)] = (path, ET.fromstring(seen[-1]))
    return out


def texts(pdf: Path) -> list[Text]:
    """Every text run poppler sees: its box, size (pt), weight and colour."""
    run = subprocess.run([poppler("pdftohtml"), "-xml", "-i", "-stdout", "-q", "-zoom", str(ZOOM), str(pdf)],
                         capture_output=True, check=True)
    root = ET.fromstring(run.stdout.decode("utf-8"))
    out, fonts = [], {}
    for page in root.iter("page"):
        fonts.update((f.get("id"), f) for f in page.iter("fontspec"))  # ids hold for the whole document
        for t in page.iter("text"):
            font = fonts[t.get("font")]
            out.append(Text(int(page.get("number")), *(float(t.get(k)) / ZOOM for k in ("top", "left", "width", "height")),
                            float(font.get("size")) / ZOOM, t.find("b") is not None or "Bold" in font.get("family", ""),
                            font.get("color", ""), "".join(t.itertext())))
    return out


def body_size(runs: list[Text]) -> float:
    """The size most of the text is set in (by characters)."""
    sizes: dict[float, int] = {}
    for r in runs:
        sizes[r.size] = sizes.get(r.size, 0) + len(r.text)
    return max(sizes, key=sizes.get)


def letters(text: str) -> str:
    """Base letters only (presentation forms folded, marks, tatweel and joiners dropped)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] in "LN" and c != "\u0640")


# ---------------------------------------------------------------- Arabic: bold and citations

def test_arabic_words_in_b_print_bold(leaflets):
    """The words a translator put in <b> (key terms, organisation names) are bold in body text."""
    path, root = leaflets[("net-overview", "ar")]
    wanted = {letters(w) for b in root.find("story").iter("b") for w in "".join(b.itertext()).split()}
    wanted = {w for w in wanted if len(w) >= 3}
    assert len(wanted) >= 10, wanted
    runs = texts(path)
    size = body_size(runs)
    bold_body = set()
    for r in runs:  # poppler gives a right-to-left run in visual order: Arabic words come reversed
        if r.bold and size * 0.75 <= r.size <= size + 0.5:  # body text (Latin names are set a little smaller)
            for w in r.text.split():
                bold_body |= {letters(w), letters(w)[::-1]}
    missing = sorted(w for w in wanted if w not in bold_body)
    assert len(missing) <= len(wanted) * 0.1, f"not bold in the Arabic leaflet: {missing}"


def test_arabic_citations_are_small_and_raised(leaflets):
    path, root = leaflets[("carcinoid-syndrome", "ar")]
    assert root.find("story").find(".//cite") is not None
    runs = texts(path)
    size = body_size(runs)
    cites = [r for r in runs if re.fullmatch(r"\d+(,\d+)*", r.text.strip()) and r.size < size * 0.75]
    assert len(cites) >= 8, "citations are not printed as small numbers"
    for cite in cites:  # raised: its foot above the foot of the text just beside it, on its line
        line = [r for r in runs if r.page == cite.page and abs(r.size - size) < 0.5
                and 0 <= r.bottom - cite.bottom < size * 0.6]
        assert line, f"citation {cite.text!r} on page {cite.page} has no text beside it"
        beside = min(line, key=lambda r: min(abs(r.left - (cite.left + cite.width)), abs(cite.left - (r.left + r.width))))
        assert cite.bottom < beside.bottom - size * 0.1, f"citation {cite.text!r} is not raised above {beside.text!r}"
    body = " ".join(r.text for r in runs)
    assert not re.search(r"\[\d+(,\d+)*\]", body), "an Arabic leaflet prints a citation as [1]"


# ---------------------------------------------------------------- optical size

def test_arabic_is_set_to_look_as_large_as_latin(leaflets):
    """Same template, same style: Arabic body text is set at least 10% larger than English, so its
    letters' bodies (0.37 em in Noto Sans Arabic) reach at least 0.75 of the Latin x-height (0.536 em).
    At the same size they reached 0.69."""
    from generator.render.pdf import optical

    en = body_size(texts(leaflets[("carcinoid-syndrome", "en")][0]))
    ar = body_size(texts(leaflets[("carcinoid-syndrome", "ar")][0]))
    assert ar >= en * 1.1, (ar, en)
    x_height, _ = optical._latin()
    body = x_height / optical.factors("arabic").measured  # the Arabic letter body, in em
    assert ar * body >= 0.75 * en * x_height, (ar * body, en * x_height)


def test_devanagari_gets_more_line_spacing(leaflets):
    """Lines of a Hindi paragraph are further apart, for their size, than lines of an English one."""
    def pitch(path):
        runs = texts(path)
        size = body_size(runs)
        tops = sorted({(r.page, round(r.left), r.top) for r in runs if abs(r.size - size) < 0.3})
        gaps = [b[2] - a[2] for a, b in zip(tops, tops[1:]) if a[:2] == b[:2] and 0 < b[2] - a[2] < size * 2]
        return statistics.median(gaps) / size

    en, hi = pitch(leaflets[("carcinoid-syndrome", "en")][0]), pitch(leaflets[("carcinoid-syndrome", "hi")][0])
    assert hi >= en * 1.06, (hi, en)


# ---------------------------------------------------------------- widows

def paragraphs(pdf: Path):
    """Lines grouped into paragraphs: within a poppler block, a line follows the previous one at the
    paragraph's line pitch and size; a bullet, a wider gap or a new size starts another."""
    run = subprocess.run([poppler("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, check=True)
    root = ET.fromstring(re.sub(r'xmlns="[^"]+"', "", run.stdout.decode("utf-8")))
    for number, page in enumerate(root.iter("page"), 1):
        for block in page.iter("block"):
            lines = [(float(li.get("yMin")), float(li.get("yMax")), [w.text or "" for w in li.iter("word")])
                     for li in block.iter("line")]
            para, pitch = [], None
            for line in lines:
                if para:
                    gap, prev = line[0] - para[-1][0], para[-1]
                    bullet = line[2][:1] in (["•"], ["☐"]) or line[2][-1:] == ["•"]
                    if bullet or gap <= 0 or (pitch is not None and gap > pitch + 1.5) \
                            or abs((line[1] - line[0]) - (prev[1] - prev[0])) > 1.5:
                        yield number, para
                        para, pitch = [], None
                    elif pitch is None:
                        pitch = gap
                para.append(line)
            if para:
                yield number, para


def lone_last_lines(pdf: Path, cjk: bool) -> list[str]:
    out = []
    for page, para in paragraphs(pdf):
        if len(para) < 2:
            continue
        words = [w for w in para[-1][2] if w not in ("•", "☐") and not CITATION.match(w)]
        if any("/" in w or "www" in w for w in words):
            continue  # a web address broken inside itself (references): no word to move
        count = sum(1 for w in words for c in w if unicodedata.category(c)[0] in "LN") if cjk else len(words)
        before = [w for w in para[-2][2] if w not in ("•", "☐")]
        if len(before) <= 1 and not cjk:
            continue  # a stacked figure ("52" over "months"), not a paragraph of words
        if count <= 1:
            out.append(f"page {page}: ...{' '.join(para[-2][2])[-40:]} / {' '.join(para[-1][2])}")
    return out


@pytest.mark.parametrize("handout,lang", SAMPLE)
def test_no_word_or_citation_alone_on_a_last_line(leaflets, handout, lang):
    path, _ = leaflets[(handout, lang)]
    lone = lone_last_lines(path, lang.startswith("zh"))
    assert not lone, f"{handout} {lang}: " + "; ".join(lone)


@pytest.mark.parametrize("handout,lang", LARGE_PRINT)
def test_no_word_or_citation_alone_on_a_last_line_in_large_print(leaflets, handout, lang):
    path, _ = leaflets[(handout, lang, "large-print")]
    lone = lone_last_lines(path, lang.startswith("zh"))
    assert not lone, f"{handout} {lang} large print: " + "; ".join(lone)
