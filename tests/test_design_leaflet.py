"""Leaflets and large print, read back from the PDFs as a person would check them (issue 12, items 5 and 7).

A sample is built once (every handout in English, Arabic, Hindi, Simplified Chinese and Canadian French,
the longest Latin translation; both papers), then each page is rendered at 30 dpi with pypdfium2 and its
text read per page:
- leaflet: no page leaves a blank band (rows of paper colour only) taller than 25% of the page; the back
  holds more than references; the lists people act on (questions, what you can do) stay in one column;
- large print: the urgent box ("Emergency") is on page 1; every page but the last is at least two-thirds
  full (to its lowest ink, between the title band or top margin and the footer); no page holds a single
  line of text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.layout.theme import load_theme

LANGS = ("en", "ar", "hi", "zh_CN", "fr_CA")
DPI = 30
PAPER_WHITE = 245  # a row is empty when every pixel is lighter than this (grey 0-255)
INK = 200  # a pixel this dark or darker is ink (text, a box's border)


@pytest.fixture(scope="module")
def sample(tmp_path_factory, project) -> Path:
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("leaflets")
    summary = build(Settings(project, out), langs=list(LANGS), products=["leaflet", "large-print"], paper="all",
                    jobs=2, progress=None)
    assert not summary.failed, summary.failed
    assert not summary.skipped_languages, list(summary.skipped_languages)
    return out


def pdfs(sample: Path, product: str) -> list[Path]:
    found = sorted(sample.glob(f"*/*-{product}-*.pdf"))
    assert {p.parent.name for p in found} == set(LANGS), f"{product}: not built in every sample language"
    return found


def rows(page) -> tuple[list[bytes], float]:
    """The page as grey rows at DPI, and points per row."""
    image = page.render(scale=DPI / 72).to_pil().convert("L")
    w, h = image.size
    data = image.tobytes()
    return [data[y * w:(y + 1) * w] for y in range(h)], page.get_size()[1] / h


def largest_empty_band(page) -> float:
    """The tallest run of rows holding nothing but paper, as a share of the page height."""
    grey, _ = rows(page)
    best = run = 0
    for row in grey:
        run = run + 1 if min(row) > PAPER_WHITE else 0
        best = max(best, run)
    return best / len(grey)


def page_text(page, top: float | None = None, bottom: float = 0.0) -> str:
    """The page's text (between two heights in points, measured from the bottom, if given)."""
    text = page.get_textpage()
    if top is None:
        return text.get_text_range()
    return text.get_text_bounded(left=0, bottom=bottom, right=page.get_size()[0], top=top)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def letters(text: str) -> str:
    """Letters and digits only, in their base forms (Arabic presentation forms, harakat and marks dropped)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")


def name(path: Path, page: int | None = None) -> str:
    return f"{path.parent.name}/{path.name}" + (f" page {page}" if page else "")


# ---------------------------------------------------------------- leaflets

def test_no_leaflet_page_leaves_a_blank_band_taller_than_a_quarter(sample):
    problems = []
    for path in pdfs(sample, "leaflet"):
        doc = pdfium.PdfDocument(path)
        assert len(doc) == 2, f"{name(path)}: {len(doc)} pages, not one double-sided sheet"
        for i in range(len(doc)):
            band = largest_empty_band(doc[i])
            if band > 0.25:
                problems.append(f"{name(path, i + 1)}: a blank band of {band:.0%} of the page")
    assert not problems, "\n".join(problems)


def test_the_back_of_a_leaflet_holds_more_than_references(sample, workspace):
    """Page 2 carries reading text before its reference list: the words a reader came for, not a page of sources."""
    problems = []
    for path in pdfs(sample, "leaflet"):
        lang = path.parent.name
        heading = squeeze(str(workspace.localizer(lang).gettext("References")))
        back = squeeze(page_text(pdfium.PdfDocument(path)[1]))
        before = back.split(heading)[0] if heading in back else back
        # a few paragraphs at least: 400 letters, a Chinese character counting as three (it carries a word)
        weight = len(before) + 2 * len(re.findall(r"[\u3400-\u9fff]", before))
        if weight < 400:
            problems.append(f"{name(path)}: the back holds {len(before)} characters before the references")
    assert not problems, "\n".join(problems)


def test_lists_people_act_on_stay_together_in_one_column(sample, workspace, project):
    """A short list people act on (the questions to ask, what you can do) is never split across columns or pages:
    one column of one page holds every item of it."""
    from generator.layout import localized

    problems = []
    for path in pdfs(sample, "leaflet"):
        lang, handout = path.parent.name, path.name.rsplit("-leaflet-", 1)[0]
        view = localized(workspace.library.handouts[handout], workspace.localizer(lang), workspace.library)
        lists = [(s["role"], b["items"]) for s in view["sections"] if s["role"] in ("questions", "actions")
                 for b in s["blocks"] if b["items"] and len(b["items"]) > 1]
        assert any(role == "questions" for role, _ in lists), f"{handout}: no questions section"
        doc = pdfium.PdfDocument(path)
        columns = []
        for p in range(len(doc)):
            width, height = doc[p].get_size()
            for left, right in ((0, width / 2), (width / 2, width)):
                columns.append(letters(doc[p].get_textpage().get_text_bounded(left=left, bottom=0, right=right,
                                                                               top=height)))
        for role, items in lists:
            # every word of every item, in letters only (Arabic lines come back in visual word order; a word
            # with a lam-alef ligature is left out: pdfium reads the ligature back as alef alone)
            words = {letters(w) for item in items for w in re.findall(r"\w+", re.sub(r"<[^>]+>", "", str(item)))
                     if not re.search("ل[اأإآ]", w)} - {""}
            # one column holds them all: at least 90% of their words (an extractor may lose a word of Arabic; a
            # list split in two leaves each column well short of that)
            best = max(sum(w in column for w in words) for column in columns)
            if best < 0.9 * len(words):
                problems.append(f"{name(path)}: no one column holds the whole {role} list ({best} of {len(words)} words)")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- large print

def large_print_body(path: Path, index: int, page) -> tuple[float, float]:
    """The body's top and bottom on a large-print page, in points from the page's bottom (theme grid)."""
    grid = load_theme()["large-print"]["grid"]
    height = page.get_size()[1]
    top = height - (grid["band_h"] + grid["band_gap"] if index == 0 else grid["margin"])
    return top, grid["margin"] + grid["footer_h"]


def test_large_print_has_its_urgent_box_on_page_1(sample, workspace):
    problems = []
    for path in pdfs(sample, "large-print"):
        label = squeeze(str(workspace.localizer(path.parent.name).pgettext("callout label", "Emergency")))
        if label not in squeeze(page_text(pdfium.PdfDocument(path)[0])):
            problems.append(f"{name(path)}: the urgent box ({label}) is not on page 1")
    assert not problems, "\n".join(problems)


def test_large_print_pages_are_full_and_none_holds_a_single_line(sample):
    problems = []
    for path in pdfs(sample, "large-print"):
        doc = pdfium.PdfDocument(path)
        for i in range(len(doc)):
            page = doc[i]
            top, bottom = large_print_body(path, i, page)
            grey, per_row = rows(page)
            height = page.get_size()[1]
            # the lowest row with ink above the footer, from the bottom of the body upwards
            first_row, last_row = int((height - top) / per_row), int((height - bottom) / per_row) - 1
            lowest = next((y for y in range(last_row, first_row, -1) if min(grey[y]) < INK), first_row)
            full = (lowest - first_row) / (last_row - first_row)
            lines = [line for line in page_text(page, top, bottom).splitlines() if line.strip()]
            if i < len(doc) - 1 and full < 2 / 3:
                problems.append(f"{name(path, i + 1)}: {full:.0%} full (every page but the last: at least 2/3)")
            if len(lines) < 2:
                problems.append(f"{name(path, i + 1)}: holds {len(lines)} line of text")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def workspace(project):
    from generator.build import Settings, Workspace

    return Workspace(Settings(project, project / ".cache" / "test-design-leaflet"))


def test_the_renderer_reports_how_full_each_page_is():
    """Result.fill (docs/LAYOUT.md): per page, the mean over its frames of the share used; the build's spacing
    ladder chooses layouts by it."""
    from generator.render.pdf import render
    from generator.render.pdf.fonts import FontStack

    xml = """<document width="300" height="300" lang="en" title="t" author="a">
      <style name="body" size="10"/>
      <page-template id="p"><frame id="a" x="0" y="0" width="150" height="200"/>
        <frame id="b" x="150" y="0" width="150" height="200"/></page-template>
      <story><spacer height="200"/><spacer height="100"/><page-break/><spacer height="50"/></story></document>"""
    fill = render(xml, FontStack("en")).fill
    assert fill == pytest.approx((0.75, 0.125), abs=0.01)  # (1 + 0.5) / 2 columns; 0.25 / 2
