"""Print production (issue 13): card sheets, tri-fold brochures and print packs, read back from the PDFs.

Positions are measured on the rendered pages with pdfium (text boxes and drawn paths), the way a
person would check a proof with a ruler: cards per side, each back behind its front after a long-edge
flip, crop marks outside the cards, panel widths and order of the tri-fold, the print pack's pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PROJECT

MM = 72 / 25.4
TOL = 0.5 * MM  # the tolerance for a back behind its front
ID1 = (85.6 * MM, 54 * MM)
CARD_BLEED = 2 * MM  # card-sheet.xml.j2: the card's band runs this far into the gutter


# ---------------------------------------------------------------- reading PDFs back

def _doc(path: Path):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(path))


def _unique_line(page) -> str:
    """The first line of text that occurs once on the page (a needle to find that page's copies)."""
    text = page.get_textpage().get_text_range()
    for line in (line.strip() for line in text.splitlines()):
        if len(line) >= 8 and len(_occurrences(page, line)) == 1:
            return line
    raise AssertionError("no line of text occurs only once on the page")


def _occurrences(page, needle: str) -> list[tuple[float, float]]:
    """Left and bottom of the first character of every occurrence of needle on the page."""
    tp = page.get_textpage()
    search = tp.search(needle, match_case=True)
    found = []
    while (hit := search.get_next()) is not None:
        left, bottom, _, _ = tp.get_charbox(hit[0])
        found.append((left, bottom))
    return found


def _paths(page) -> list[tuple[float, float, float, float]]:
    """Bounds of the paths drawn in dark neutral ink (marks are; a card's red band outline and white pictogram are not).
    Neutral within a few levels: a CMYK grey (K only) reads back from pdfium as, e.g., (108, 109, 112)."""
    import ctypes

    import pypdfium2.raw as raw

    def neutral(obj) -> bool:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        raw.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a)
        return max(r.value, g.value, b.value) - min(r.value, g.value, b.value) <= 8 and max(r.value, g.value, b.value) < 128

    return [obj.get_bounds() for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,)) if neutral(obj)]


def _marks(page, trim_origin=(0.0, 0.0)) -> tuple[list[float], list[float]]:
    """x of short thin vertical rules and y of short thin horizontal rules (crop and fold marks)."""
    ox, oy = trim_origin
    xs, ys = [], []
    for left, bottom, right, top in _paths(page):
        w, h = right - left, top - bottom
        if w < 1.6 and 2 < h < 25:
            xs.append((left + right) / 2 - ox)
        elif h < 1.6 and 2 < w < 25:
            ys.append((top + bottom) / 2 - oy)
    return xs, ys


def _near(values, target, tol=0.3) -> bool:
    return any(abs(v - target) <= tol for v in values)


# ---------------------------------------------------------------- builds

@pytest.fixture(scope="module")
def english(tmp_path_factory):
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("print-en")
    summary = build(Settings(PROJECT, out), langs=["en"], products=["card", "card-sheet", "trifold"],
                    paper="all", jobs=2, progress=None)
    assert not summary.failed, summary.failed
    return out


@pytest.fixture(scope="module")
def print_shop(tmp_path_factory):
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("print-shop")
    summary = build(Settings(PROJECT, out, print_shop=True), langs=["en"], products=["card", "card-sheet", "trifold"],
                    handouts=["carcinoid-syndrome"], paper="all", jobs=2, progress=None)
    assert not summary.failed, summary.failed
    return out


def _card_handouts():
    from generator.content.load import read_library

    library, _ = read_library(PROJECT / "content")
    return sorted(h.id for h in library.handouts.values() if "card" in h.products)


def _leaflet_handouts():
    from generator.content.load import read_library

    library, _ = read_library(PROJECT / "content")
    return sorted(h.id for h in library.handouts.values() if "leaflet" in h.products)


# ---------------------------------------------------------------- card sheet

def _card_origins(sheet_page, card_page, trim_origin=(0.0, 0.0), card_origin=(0.0, 0.0)) -> list[tuple[float, float]]:
    """Where each copy of a card page sits on the sheet (its trim box's lower-left corner), found by
    the card page's first line of text: its position on the sheet minus its position on the card."""
    needle = _unique_line(card_page)
    (cx, cy), = _occurrences(card_page, needle)
    cx, cy = cx - card_origin[0], cy - card_origin[1]
    return sorted((x - cx - trim_origin[0], y - cy - trim_origin[1]) for x, y in _occurrences(sheet_page, needle))


def _check_sheet(sheet_path: Path, card_path: Path, trim_origin=(0.0, 0.0), card_origin=(0.0, 0.0)):
    sheet, card = _doc(sheet_path), _doc(card_path)
    assert len(sheet) == 2 and len(card) == 2
    width = sheet[0].get_size()[0] - 2 * trim_origin[0]
    fronts = _card_origins(sheet[0], card[0], trim_origin, card_origin)
    backs = _card_origins(sheet[1], card[1], trim_origin, card_origin)
    assert len(fronts) >= 8, f"{sheet_path.name}: {len(fronts)} card fronts on page 1"
    assert len(backs) == len(fronts), f"{sheet_path.name}: {len(fronts)} fronts but {len(backs)} backs"
    cw, ch = ID1
    # Long-edge duplex turns the sheet over about its vertical axis: a front at x has its back at W - x - w.
    expected = sorted((width - x - cw, y) for x, y in fronts)
    for (bx, by), (ex, ey) in zip(backs, expected, strict=True):
        assert abs(bx - ex) <= TOL and abs(by - ey) <= TOL, f"{sheet_path.name}: back at {bx:.1f},{by:.1f}, " \
                                                          f"its front needs it at {ex:.1f},{ey:.1f}"
    # Every card on the paper, with a gutter wide enough for the card's bleed on both sides.
    height = sheet[0].get_size()[1] - 2 * trim_origin[1]
    for x, y in fronts:
        assert 5 * MM <= x and x + cw <= width - 5 * MM and 5 * MM <= y and y + ch <= height - 5 * MM
    for i, (x1, y1) in enumerate(fronts):
        for x2, y2 in fronts[i + 1:]:
            gap = max(x2 - (x1 + cw), x1 - (x2 + cw), y2 - (y1 + ch), y1 - (y2 + ch))
            assert gap >= 2 * CARD_BLEED, f"{sheet_path.name}: cards {gap / MM:.1f} mm apart"
    return fronts, backs


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_card_sheet_holds_eight_cards_with_each_back_behind_its_front(english, paper):
    handouts = _card_handouts()
    assert handouts, "no handout has a wallet card"
    for hid in handouts:
        _check_sheet(english / "en" / f"{hid}-card-sheet-{paper}.pdf", english / "en" / f"{hid}-card-id-1.pdf")


def test_card_sheet_crop_marks_at_every_cut_outside_the_cards(english):
    hid = _card_handouts()[0]
    sheet = _doc(english / "en" / f"{hid}-card-sheet-a4.pdf")
    card = _doc(english / "en" / f"{hid}-card-id-1.pdf")
    cw, ch = ID1
    for page_no, card_page in ((0, card[0]), (1, card[1])):
        origins = _card_origins(sheet[page_no], card_page)
        xs, ys = _marks(sheet[page_no])
        cuts_x = {round(v, 1) for x, _ in origins for v in (x, x + cw)}
        cuts_y = {round(v, 1) for _, y in origins for v in (y, y + ch)}
        assert len(cuts_x) == 4 and len(cuts_y) == 8
        for cut in cuts_x:
            assert _near(xs, cut), f"page {page_no + 1}: no crop mark at the cut x={cut}"
        for cut in cuts_y:
            assert _near(ys, cut), f"page {page_no + 1}: no crop mark at the cut y={cut}"
        # No mark touches a card or its bleed.
        for left, bottom, right, top in _paths(sheet[page_no]):
            if (right - left < 1.6 and 2 < top - bottom < 25) or (top - bottom < 1.6 and 2 < right - left < 25):
                for x, y in origins:
                    inside = (left < x + cw + CARD_BLEED and right > x - CARD_BLEED
                              and bottom < y + ch + CARD_BLEED and top > y - CARD_BLEED)
                    assert not inside, f"page {page_no + 1}: a crop mark at {left:.0f},{bottom:.0f} is on a card"


def test_card_sheet_says_how_to_print_it(english):
    from tests.conftest import pdf_text

    hid = _card_handouts()[0]
    text = pdf_text(english / "en" / f"{hid}-card-sheet-letter.pdf")
    assert text.count("double-sided, flip on long edge") == 2  # on both sides of the sheet


def test_card_sheet_is_the_card_on_every_slot(english):
    """The text of the card, card by card: the sheet holds exactly the card product's words."""
    hid = _card_handouts()[0]
    sheet, card = _doc(english / "en" / f"{hid}-card-sheet-a4.pdf"), _doc(english / "en" / f"{hid}-card-id-1.pdf")
    for page_no in (0, 1):
        card_words = card[page_no].get_textpage().get_text_range().split()
        sheet_words = sheet[page_no].get_textpage().get_text_range().split()
        for word in set(card_words):
            assert sheet_words.count(word) >= 8 * card_words.count(word), word


def test_card_sheet_for_a_print_shop_has_bleed_trim_box_and_mirrored_backs(print_shop):
    from pypdf import PdfReader

    bleed = 3 * MM
    for paper, (w, h) in (("a4", (210 * MM, 297 * MM)), ("letter", (612, 792))):
        path = print_shop / "en" / f"carcinoid-syndrome-card-sheet-{paper}.pdf"
        page = PdfReader(path).pages[0]
        trim = [float(v) for v in page.trimbox]
        assert trim == pytest.approx([bleed, bleed, bleed + w, bleed + h], abs=0.05)
        assert float(page.mediabox.width) == pytest.approx(w + 2 * bleed, abs=0.05)
    # The sheet's own crop marks (at the trim corners, in the bleed) beside the cards' (at every cut),
    # and the backs still behind the fronts, measured from the trim box.
    sheet = _doc(print_shop / "en" / "carcinoid-syndrome-card-sheet-a4.pdf")
    xs, ys = _marks(sheet[0], (bleed, bleed))
    assert _near(xs, 0) and _near(xs, 210 * MM) and _near(ys, 0) and _near(ys, 297 * MM)
    _check_sheet(print_shop / "en" / "carcinoid-syndrome-card-sheet-a4.pdf",
                 print_shop / "en" / "carcinoid-syndrome-card-id-1.pdf", (bleed, bleed), (bleed, bleed))
    manifest = json.loads((print_shop / "manifest.json").read_text(encoding="utf-8"))
    products = {(e["product"], e["paper"]) for e in manifest["files"]}
    assert {("card-sheet", "a4"), ("card-sheet", "letter"), ("trifold", "a4"), ("trifold", "letter")} <= products


def test_card_sheets_only_for_handouts_with_a_card_and_trifolds_for_every_leaflet(english):
    made = {p.name for p in (english / "en").glob("*.pdf")}
    for hid in _card_handouts():
        assert {f"{hid}-card-sheet-a4.pdf", f"{hid}-card-sheet-letter.pdf"} <= made
    assert sum("-card-sheet-" in name for name in made) == 2 * len(_card_handouts())
    for hid in _leaflet_handouts():
        assert {f"{hid}-trifold-a4.pdf", f"{hid}-trifold-letter.pdf"} <= made


# ---------------------------------------------------------------- tri-fold

def _panels(width: float):
    """(panel width, flap width) for a sheet of this width: two full panels and a flap 2 mm narrower."""
    pw = (width + 2 * MM) / 3
    return pw, pw - 2 * MM


def _check_trifold(path: Path, rtl: bool, trim_origin=(0.0, 0.0)):
    doc = _doc(path)
    assert len(doc) == 2
    ox, oy = trim_origin
    width, height = (v - 2 * o for v, o in zip(doc[0].get_size(), trim_origin))
    assert width > height, "a tri-fold is landscape"
    pw, fw = _panels(width)
    marks_outside, marks_inside = _marks(doc[0], trim_origin)[0], _marks(doc[1], trim_origin)[0]
    if trim_origin != (0.0, 0.0):  # a print-shop build: crop marks at the trim corners
        assert _near(marks_outside, 0) and _near(marks_outside, width) and _near(marks_inside, width)
    folds_outside = sorted(x for x in marks_outside if not _near([0, width], x))
    folds_inside = sorted(x for x in marks_inside if not _near([0, width], x))
    # Letter fold: outside = flap face | back | cover; inside = behind the cover | middle | flap.
    outside = (fw, fw + pw) if not rtl else (pw, 2 * pw)
    inside = (pw, 2 * pw) if not rtl else (fw, fw + pw)
    for folds, expected, side in ((folds_outside, outside, "outside"), (folds_inside, inside, "inside")):
        for fold in expected:
            assert _near(folds, fold, 0.3), f"{path.name}: no {side} fold at {fold / MM:.1f} mm ({folds})"
        assert all(_near(expected, f, 0.3) for f in folds), f"{path.name}: {side} fold marks {folds}"
    # Panel widths from the folds: the flap is 2 mm narrower than the others.
    edges = [0, *outside, width]
    widths = [b - a for a, b in zip(edges, edges[1:])]
    assert min(widths) == pytest.approx(max(widths) - 2 * MM, abs=0.3)
    assert widths.index(min(widths)) == (0 if not rtl else 2)  # the flap: outside left (right in RTL)
    # The cover: the coloured band at the top of the outside right panel (left in RTL), full panel width.
    bands = [(l - ox, r - ox) for l, b, r, t in _paths(doc[0]) if t - oy >= height - 0.5 and r - l >= pw - 1]
    assert bands, f"{path.name}: no cover band"
    left, right = bands[0]
    cover_left = width - pw if not rtl else 0
    assert max(left, 0) == pytest.approx(cover_left, abs=0.5) and min(right, width) == pytest.approx(
        cover_left + pw, abs=0.5)
    return doc, pw, fw, width


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_trifold_panels_for_a_letter_fold(english, paper):
    for hid in _leaflet_handouts():
        doc, pw, fw, width = _check_trifold(english / "en" / f"{hid}-trifold-{paper}.pdf", rtl=False)
        # Reading order: the cover's key points, then the flap face (when to get help), then inside.
        (kx, _), = _occurrences(doc[0], "Key points")[:1]
        assert kx > width - pw, "the key points are on the cover panel"
        emergency = _occurrences(doc[0], "Emergency")
        assert emergency and all(x < fw for x, _ in emergency), "the get-help boxes are on the flap's face"
        assert _occurrences(doc[1], "References"), "references close the inside"


def test_trifold_for_a_print_shop_keeps_the_panels_inside_the_trim(print_shop):
    bleed = 3 * MM
    for paper in ("a4", "letter"):
        _check_trifold(print_shop / "en" / f"carcinoid-syndrome-trifold-{paper}.pdf", rtl=False,
                       trim_origin=(bleed, bleed))


def test_arabic_trifold_folds_right_to_left(tmp_path):
    from generator.build import Settings, build

    summary = build(Settings(PROJECT, tmp_path), langs=["ar"], products=["trifold"], handouts=["net-overview"],
                    paper="all", jobs=2, progress=None)
    assert not summary.failed and not summary.skipped_languages, (summary.failed, summary.skipped_languages)
    for paper in ("a4", "letter"):
        _check_trifold(tmp_path / "ar" / f"net-overview-trifold-{paper}.pdf", rtl=True)


def test_trifold_that_does_not_fit_fails_naming_handout_language_and_text():
    """A translation far longer than the English: never clipped, the build says what did not fit."""
    import generator.build as b
    from generator.build import Job, Settings, Workspace
    from generator.i18n.localizer import Localizer

    class Long(Localizer):  # every sentence-long string three times as long (English, as a translation)
        def _lookup(self, msgid, context):
            return " ".join([msgid] * 3) if len(msgid) > 80 and "{" not in msgid else msgid

    ws = Workspace(Settings(PROJECT, PROJECT / "output"))
    ws._localizers["en"] = Long("en")
    b._WORKSPACE = ws
    try:
        job, pdf, _, error = b._run(Job("net-overview", "en", "trifold", "a4"))
    finally:
        b._WORKSPACE = None
    assert pdf is None
    assert error.startswith("en net-overview trifold a4: ")
    assert "does not fit on 2 page(s)" in error and "first text that overflows: '" in error
    assert "line spacing at 86%" in error


# ---------------------------------------------------------------- print pack

@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    from generator.build import Settings
    from generator.build.printpack import print_packs

    out = tmp_path_factory.mktemp("packs")
    result, summary = print_packs(Settings(PROJECT, out), ["en"], "all", jobs=2, progress=None)
    assert not result.problems and not summary.failed, (result.problems, summary.failed)
    return out, result


def test_print_pack_page_count_is_the_cover_plus_every_part(packs):
    from pypdf import PdfReader

    out, result = packs
    assert sorted(p.paper for p in result.packs) == ["a4", "letter"]
    manifest = {e["file"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    for pack in result.packs:
        reader = PdfReader(out / pack.file)
        entry = manifest[pack.file]
        parts = [PdfReader(out / part["file"]) for part in entry["parts"]]
        assert entry["product"] == "print-pack" and entry["pages"] == len(reader.pages)
        assert len(reader.pages) == entry["cover_pages"] + sum(len(p.pages) for p in parts)
        # Every product of the language on this paper family, each once.
        products = {json.dumps([manifest[p["file"]]["product"], manifest[p["file"]]["handout"]]) for p in entry["parts"]}
        assert len(products) == len(entry["parts"])
        expected = {"leaflet", "large-print", "trifold", "card-sheet", "poster"}
        assert {manifest[p["file"]]["product"] for p in entry["parts"]} == expected
        family = {"a4": {"a4", "a3"}, "letter": {"letter", "tabloid"}}[pack.paper]
        assert {manifest[p["file"]]["paper"] for p in entry["parts"]} == family
        # Each part starts where the cover says, with its own first page.
        for part, doc in zip(entry["parts"], parts, strict=True):
            page = reader.pages[part["first_page"] - 1]
            assert page.extract_text() == doc.pages[0].extract_text(), part["file"]
            assert [float(v) for v in page.mediabox] == [float(v) for v in doc.pages[0].mediabox]


def test_print_pack_cover_lists_pages_paper_and_duplex_settings(packs):
    from pypdf import PdfReader

    out, result = packs
    manifest = {e["file"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    pack = next(p for p in result.packs if p.paper == "letter")
    entry = manifest[pack.file]
    reader = PdfReader(out / pack.file)
    cover = " ".join(reader.pages[i].extract_text() for i in range(entry["cover_pages"]))
    cover = " ".join(cover.split())
    assert "Print pack: English" in cover and "not yet reviewed by a health professional" in cover.lower()
    for part in entry["parts"]:
        last = part["first_page"] + part["pages"] - 1
        pages = str(part["first_page"]) if last == part["first_page"] else f"{part['first_page']}–{last}"
        assert pages in cover, pages
    for words in ("Double-sided, flip on long edge", "Landscape, double-sided, flip on short edge",
                  "Actual size (100%), double-sided, flip on long edge", "Single-sided", "US Letter", "Tabloid"):
        assert words in cover, words
    # Print order: the same settings together, the single-sided posters on larger paper last.
    order = [manifest[p["file"]]["product"] for p in entry["parts"]]
    assert order == sorted(order, key=["leaflet", "large-print", "trifold", "card-sheet", "poster"].index)


def test_print_pack_is_reproducible(sandbox, tmp_path):
    """Same inputs, same bytes (a copy of the project, so edits in the checkout cannot interfere)."""
    from generator.build import Settings
    from generator.build.printpack import print_packs

    made = []
    for name in ("one", "two"):
        result, _ = print_packs(Settings(sandbox, tmp_path / name), ["en"], "a4", jobs=2, progress=None)
        made.append((tmp_path / name / result.packs[0].file).read_bytes())
    assert made[0] == made[1]


def test_print_pack_command_line(sandbox, tmp_path):
    import subprocess
    import sys

    # Basque: a language Babel knows, with no catalogue in this project.
    run = subprocess.run([sys.executable, "-m", "generator", "--project", str(sandbox), "print-pack", "--lang", "eu",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "[eu] no catalogue" in run.stderr and "print-pack: eu: no print pack" in run.stderr
    run = subprocess.run([sys.executable, "-m", "generator", "print-pack", "--paper", "a3"],
                         capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 2 and "invalid choice: 'a3'" in run.stderr


def test_print_pack_is_one_tagged_document_with_a_part_per_file(packs):
    import pikepdf
    from pdfua import validate

    out, result = packs
    manifest = {e["file"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    pack = next(p for p in result.packs if p.paper == "a4")
    entry = manifest[pack.file]
    report = validate(str(out / pack.file))
    assert not report.findings, [(f.rule_id, f.message) for f in report.findings]
    with pikepdf.open(out / pack.file) as pdf:
        assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en"
        document, = pdf.Root.StructTreeRoot.K
        assert document.S == "/Document"
        assert [str(k.S) for k in document.K] == ["/Part"] * (1 + len(entry["parts"]))
        # Every page's marked content resolves to elements, and every element's page is in the file.
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        assert {int(p.obj.StructParents) for p in pdf.pages} == keys
        stack, ids = list(document.K), []
        while stack:
            el = stack.pop()
            if isinstance(el, pikepdf.Array):
                stack += list(el)
            elif isinstance(el, pikepdf.Dictionary) and "/S" in el:
                if "/Pg" in el:
                    assert el.Pg.objgen in pages
                if "/ID" in el:
                    ids.append(str(el.ID))
                if "/K" in el:
                    stack.append(el.K)
        assert len(ids) == len(set(ids)), "Note IDs must stay unique in the pack"
        # A bookmark per part, at its first page.
        with pdf.open_outline() as outline:
            targets = [pages[item.destination[0].objgen] + 1 for item in outline.root]
        assert targets == [1] + [p["first_page"] for p in entry["parts"]]


class _Longer:
    """A localizer whose sentences run about 30% longer (English words repeated), as a translation might."""

    @staticmethod
    def make(lang="en"):
        from generator.i18n.localizer import Localizer

        class Longer(Localizer):
            def _lookup(self, msgid, context):
                if "{" in msgid or "<" in msgid or len(msgid) < 20:
                    return msgid
                words = msgid.split()
                return " ".join(words + words[: int(len(words) * 0.3 + 0.5)])

        return Longer(lang)


def test_card_sheet_shrinks_with_the_card_and_stays_the_card(tmp_path, monkeypatch):
    """A longer text makes the card shrink (down to 85%); the sheet shrinks the same way, so every
    slot still holds exactly the card product, fronts and backs aligned."""
    import generator.render.pdf as pdf_module
    from generator.build import Job, Settings, Workspace

    import generator.render.pdf.sheet as sheet_module

    scales = []

    def spy(original):
        def render(xml, *args, **kwargs):
            import re

            scales.append(re.search(r'name="statement" font="bold" size="([0-9.]+)"', xml).group(1))
            return original(xml, *args, **kwargs)
        return render

    monkeypatch.setattr(pdf_module, "render", spy(pdf_module.render))
    monkeypatch.setattr(sheet_module, "render", spy(sheet_module.render))
    ws = Workspace(Settings(PROJECT, tmp_path))
    ws._localizers["en"] = _Longer.make()
    hid = _card_handouts()[0]
    card, _ = ws.render(Job(hid, "en", "card", "id-1"))
    card_tries = len(scales)
    sheet, pages = ws.render(Job(hid, "en", "card-sheet", "letter"))
    assert card_tries > 1, "the longer card should have needed to shrink"
    assert len(scales) > card_tries and scales[card_tries - 1] == scales[-1], \
        "the sheet's cards are set at the card's own size"
    (tmp_path / "card.pdf").write_bytes(card)
    (tmp_path / "sheet.pdf").write_bytes(sheet)
    _check_sheet(tmp_path / "sheet.pdf", tmp_path / "card.pdf")


def test_card_sheet_and_trifold_are_tagged_pdf_ua(english):
    import subprocess

    from pdfua import validate

    for name in (f"{_card_handouts()[0]}-card-sheet-a4.pdf", "net-overview-trifold-letter.pdf"):
        report = validate(str(english / "en" / name))
        assert not report.findings, (name, [(f.rule_id, f.message) for f in report.findings])
        info = subprocess.run(["pdfinfo", str(english / "en" / name)], capture_output=True, text=True).stdout
        assert "Tagged:          yes" in info, name


def test_card_sheet_page_two_flipped_lies_on_page_one(english):
    """What a person does with a proof: flip the backs' page left to right, lay it on the fronts' page,
    and look: every inked pixel of a back falls inside a card on the fronts' page."""
    from PIL import ImageOps

    hid = _card_handouts()[0]
    sheet = _doc(english / "en" / f"{hid}-card-sheet-a4.pdf")
    card = _doc(english / "en" / f"{hid}-card-id-1.pdf")
    scale = 2
    fronts = _card_origins(sheet[0], card[0])
    height = sheet[0].get_size()[1]
    cw, ch = ID1
    boxes = [((x - CARD_BLEED) * scale, (height - y - ch - CARD_BLEED) * scale,
              (x + cw + CARD_BLEED) * scale, (height - y + CARD_BLEED) * scale) for x, y in fronts]
    top = min(b[1] for b in boxes) - 1  # above the cards: the print instruction and crop marks
    bottom = max(b[3] for b in boxes) + 1
    left, right = min(b[0] for b in boxes) - 1, max(b[2] for b in boxes) + 1
    back = ImageOps.mirror(sheet[1].render(scale=scale).to_pil().convert("L"))
    width, _ = back.size
    pixels = back.load()
    stray = 0
    for py in range(int(top), int(bottom)):
        for px in range(int(left), int(right)):
            if pixels[px, py] < 160 and not any(b[0] <= px <= b[2] and b[1] <= py <= b[3] for b in boxes):
                stray += 1
    assert stray == 0, f"{stray} inked pixels of the flipped backs fall outside the fronts' cards"
    # and the backs are really there: ink inside every card box
    for b in boxes:
        crop = back.crop(tuple(int(v) for v in b))
        assert crop.getextrema()[0] < 100


def test_no_print_pack_when_a_part_did_not_build(tmp_path, monkeypatch):
    """A pack says it holds everything: if one part fails, the language gets no pack and one line says why."""
    import generator.build as b
    from generator.build import Settings
    from generator.build.printpack import print_packs
    from generator.render.pdf import Overflow

    real = b.Workspace.render

    def render(self, job):
        if job.product == "trifold" and job.handout == "lung-nets":
            raise Overflow("does not fit on 2 page(s) (needs 3); first text that overflows: 'Lung NETs'")
        return real(self, job)

    monkeypatch.setattr(b.Workspace, "render", render)
    result, summary = print_packs(Settings(PROJECT, tmp_path), ["en"], "a4", jobs=1, progress=None)
    assert result.packs == []
    assert any("en lung-nets trifold a4" in line for line in summary.failed)
    assert result.problems == ["en: no a4 print pack: 1 part(s) did not build, first en lung-nets trifold a4 "
                               "(see the messages above)"]
    assert not (tmp_path / "en" / "print-pack-a4.pdf").exists()


def test_every_language_gets_its_card_sheets_and_trifolds(tmp_path):
    """`make leaflets` builds the new products for every shipped language, on both papers."""
    from generator.build import Settings, build
    from generator.i18n.catalogs import Locales

    langs = ["en", *Locales(PROJECT / "locales").shipped()]
    summary = build(Settings(PROJECT, tmp_path), langs=langs, products=["card-sheet", "trifold"], paper="all",
                    jobs=4, progress=None)
    assert not summary.failed and not summary.skipped_languages, (summary.failed, list(summary.skipped_languages))
    for lang in langs:
        made = {p.name for p in (tmp_path / lang).glob("*.pdf")}
        assert len(made) == 2 * (len(_card_handouts()) + len(_leaflet_handouts())), lang


def test_card_sheet_reads_as_one_card(english):
    """Tagged like the card: a screen reader (or copying the text) gets the card once per side and the
    print instruction; the other seven copies on each side are artifacts."""
    import subprocess

    def struct(path):
        out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
        return [line.strip() for line in out.stdout.splitlines() if line.strip()]

    hid = _card_handouts()[0]
    sheet = struct(english / "en" / f"{hid}-card-sheet-a4.pdf")
    card = struct(english / "en" / f"{hid}-card-id-1.pdf")
    instruction = '"Print at 100% (actual size), double-sided, flip on long edge. Cut along the marks."'
    assert sheet.count(instruction) == 2
    # Without the instruction's P elements (its "P (block)" line and its text), the sheet is the card.
    drop = {i for i, line in enumerate(sheet) if line == instruction}
    drop |= {i - 1 for i in drop if sheet[i - 1] == "P (block)"}
    assert len(drop) == 4
    assert [line for i, line in enumerate(sheet) if i not in drop] == card


def test_print_pack_keeps_the_output_folder_guard(tmp_path):
    """Like build: a folder that is not ours is refused with one line, and --force builds into it."""
    import subprocess
    import sys

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    cmd = [sys.executable, "-m", "generator", "print-pack", "--lang", "en", "--paper", "a4", "--out", str(tmp_path)]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "--force" in run.stderr
    run = subprocess.run(cmd + ["--force"], capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 0, run.stderr[-500:]
    assert (tmp_path / "en" / "print-pack-a4.pdf").is_file() and (tmp_path / "notes.txt").read_text() == "mine"
