"""The wallet alert card (issue 12, item 4), read back from the built PDFs in every shipped language.

What a person checks on a proof with a ruler and a loupe: no type under 6.5 pt (after the shrink
ladder), nothing printed within 4 mm of the card's edge (on the single card and on the A4/Letter
card sheet), write-in lines long enough (40 mm) and far enough apart (7 mm) to write on, an urgent
band on both sides, the statement and the review label on the front, and on the back the
checklist for emergency staff and the leaflet to read for the sources, not a reference list.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import CLINIC, PROJECT

MM = 72 / 25.4
ID1 = (85.6 * MM, 54 * MM)
MIN_PT = 6.5
SAFE_MM = 4.0
DPI = 300
PX = 25.4 / DPI  # one pixel at DPI, in mm: anti-aliasing of ink placed exactly at 4 mm
BLANK = 235  # a pixel at least this light (0-255 grey) is paper


def _shipped() -> list[str]:
    text = (PROJECT / "locales" / "LINGUAS").read_text(encoding="utf-8")
    return ["en"] + [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    """Every shipped language's cards and card sheets, both papers, with a named clinic on the back."""
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("cards")
    clinic = out / "clinic.toml"
    clinic.write_text(CLINIC, encoding="utf-8")
    summary = build(Settings(PROJECT, out, clinic), langs=_shipped(), products=["card", "card-sheet"],
                    paper="all", jobs=2, progress=None)
    assert not summary.failed, summary.failed
    assert not summary.skipped_languages, summary.skipped_languages
    return out


def _card_pdfs(out: Path) -> list[Path]:
    paths = sorted(out.glob("*/*-card-id-1.pdf"))
    assert {p.parent.name for p in paths} == set(_shipped()), "a shipped language has no card"
    return paths


def _sheet_pdfs(out: Path) -> list[Path]:
    paths = sorted(out.glob("*/*-card-sheet-*.pdf"))
    assert {p.parent.name for p in paths} == set(_shipped())
    assert {p.stem.rsplit("-", 1)[1] for p in paths} == {"a4", "letter"}
    return paths


def _doc(path: Path):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(path))


def _render(page):
    return page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")


def _px(mm: float) -> int:
    return int(round(mm / PX))


# ---------------------------------------------------------------- type size

def _font_sizes(path: Path) -> list[list[float]]:
    """Each page's text sizes in points: the Tf size times the text and graphics matrices' scale."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(path).pages:
        sizes = []

        def visit(text, cm, tm, font, font_size, sizes=sizes):
            if text.strip():
                sizes.append(font_size * (abs(tm[3] * cm[3]) or 1))

        page.extract_text(visitor_text=visit)
        pages.append(sizes)
    return pages


def test_no_text_on_any_card_is_under_6_5_pt(cards):
    for path in _card_pdfs(cards) + _sheet_pdfs(cards):
        for n, sizes in enumerate(_font_sizes(path), 1):
            assert sizes, f"{path.parent.name}/{path.name} page {n}: no text found"
            assert min(sizes) >= MIN_PT - 0.01, f"{path.parent.name}/{path.name} page {n}: {min(sizes):.2f} pt text"
    # The measure sees the card's smallest type (the review label, 6.5 pt) and its largest (the title).
    front, _ = _font_sizes(cards / "en" / "carcinoid-syndrome-card-id-1.pdf")
    assert min(front) == pytest.approx(6.5, abs=0.01) and max(front) > 8.5


def test_the_shrink_floor_keeps_the_smallest_type_at_6_5_pt():
    """The card's sizes in the theme, times the build's shrink floor, clamped at the theme's minimum."""
    from generator.layout import SHRINK_LIMITS
    from generator.layout.theme import load_theme

    theme = load_theme()
    floor, minimum = SHRINK_LIMITS["card"], theme["base"]["type"]["minimum_card"]
    assert minimum >= MIN_PT and SHRINK_LIMITS["card-sheet"] == floor
    styles = {k: v for k, v in theme["card"]["type"].items() if isinstance(v, dict)}
    assert styles["notice"]["size"] >= MIN_PT  # the label is never scaled
    template = (PROJECT / "generator" / "layout" / "templates" / "card.xml.j2").read_text(encoding="utf-8")
    scaled = {name for name in styles if f"size(T.{name})" in template}
    assert scaled | {"notice"} == set(styles), "a card style is set without the clamp"
    assert "[t.size * s, floor]|max" in template


# ---------------------------------------------------------------- the 4 mm margin

def _blank_ring(img, box_px, inside_px, outside_px, where):
    """No ink in the ring from `outside_px` outside the box to `inside_px` inside it."""
    left, top, right, bottom = box_px
    strips = {"top": (left - outside_px, top - outside_px, right + outside_px, top + inside_px),
              "bottom": (left - outside_px, bottom - inside_px, right + outside_px, bottom + outside_px),
              "left": (left - outside_px, top - outside_px, left + inside_px, bottom + outside_px),
              "right": (right - inside_px, top - outside_px, right + outside_px, bottom + outside_px)}
    for side, strip in strips.items():
        darkest = img.crop(strip).getextrema()[0]
        assert darkest >= BLANK, f"{where}: ink within {SAFE_MM} mm of the {side} edge (grey {darkest})"


def test_nothing_printed_within_4_mm_of_the_card_edge(cards):
    inside = _px(SAFE_MM - PX)
    for path in _card_pdfs(cards):
        doc = _doc(path)
        for n in range(len(doc)):
            img = _render(doc[n])
            _blank_ring(img, (0, 0, img.width, img.height), inside, 0, f"{path.parent.name}/{path.name} page {n + 1}")
    # The check can see ink: the alert band starts right at the 4 mm line, on both sides.
    doc = _doc(cards / "en" / "carcinoid-syndrome-card-id-1.pdf")
    for n in range(2):
        img = _render(doc[n])
        assert img.getpixel((_px(SAFE_MM + 0.5), _px(SAFE_MM + 1.5))) < 150, f"page {n + 1}: no band at the 4 mm line"


def _cuts(page) -> tuple[list[float], list[float]]:
    """The sheet's cut lines, from its crop marks (thin ink rules 5 mm long; not a band's red outline),
    x and y in points from bottom-left."""
    import ctypes

    import pypdfium2.raw as raw

    xs, ys = set(), set()
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,)):
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        raw.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a)
        if not r.value == g.value == b.value < 128:  # ink: grey or black, not red, not a white pictogram
            continue
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if w < 1.6 and abs(h - 5 * MM) < 1:
            xs.add(round((left + right) / 2, 1))
        elif h < 1.6 and abs(w - 5 * MM) < 1:
            ys.add(round((top + bottom) / 2, 1))
    return sorted(xs), sorted(ys)


def test_card_sheet_cards_keep_their_4_mm_margin_and_the_gutters_stay_blank(cards):
    inside, outside = _px(SAFE_MM - PX), _px(2.0)  # 2 mm into the 6 mm gutter (the marks start 3 mm out)
    for path in _sheet_pdfs(cards):
        doc = _doc(path)
        for n in range(len(doc)):
            page = doc[n]
            xs, ys = _cuts(page)
            assert len(xs) == 4 and len(ys) == 8, f"{path.name}: cuts {xs} {ys}"
            height = page.get_size()[1]
            img = _render(page)
            for x0, x1 in zip(xs[::2], xs[1::2]):
                for y0, y1 in zip(ys[::2], ys[1::2]):
                    assert (x1 - x0, y1 - y0) == pytest.approx(ID1, abs=0.5)
                    box = (_px((x0) / MM), _px((height - y1) / MM), _px(x1 / MM), _px((height - y0) / MM))
                    _blank_ring(img, box, inside, outside,
                                f"{path.parent.name}/{path.name} page {n + 1} card at {x0 / MM:.0f},{y0 / MM:.0f} mm")


# ---------------------------------------------------------------- lines to write on

def _write_in_lines(page) -> list[tuple[float, float, float]]:
    """Horizontal rules longer than 20 mm: (left, y, length) in points, top to bottom."""
    import pypdfium2.raw as raw

    lines = []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom < 1.5 and right - left > 20 * MM:
            lines.append((left, (top + bottom) / 2, right - left))
    return sorted(lines, key=lambda line: -line[1])


def _fields(handout: str) -> int:
    from generator.content.load import read_library

    library, _ = read_library(PROJECT / "content")
    return len(library.handouts[handout].card.fields)


def test_write_in_lines_are_40_mm_long_and_7_mm_apart(cards):
    for path in _card_pdfs(cards):
        doc = _doc(path)
        handout = path.name.removesuffix("-card-id-1.pdf")
        lines = _write_in_lines(doc[0])
        where = f"{path.parent.name}/{path.name}"
        assert len(lines) == _fields(handout), f"{where}: {len(lines)} lines to write on"
        for left, y, length in lines:
            assert length >= 40 * MM - 0.1, f"{where}: a line {length / MM:.1f} mm long"
            assert left >= SAFE_MM * MM and left + length <= ID1[0] - SAFE_MM * MM + 0.5, where
        for (_, upper, _), (_, lower, _) in zip(lines, lines[1:]):
            assert upper - lower >= 7 * MM - 0.05, f"{where}: lines {(upper - lower) / MM:.2f} mm apart"
        assert not _write_in_lines(doc[1]), f"{where}: the back is for emergency staff, not for writing"
    for path in _sheet_pdfs(cards):
        handout = path.name.rsplit("-card-sheet-", 1)[0]
        lines = _write_in_lines(_doc(path)[0])
        assert len(lines) == 8 * _fields(handout), f"{path.parent.name}/{path.name}: {len(lines)} lines"
        assert min(length for _, _, length in lines) >= 40 * MM - 0.1


# ---------------------------------------------------------------- what each side says

def _squash(text: str) -> str:
    """Letters and digits only, for a containment check: PDF text of a right-to-left line may mirror
    its brackets or move a final vowel mark past the full stop, and lines break anywhere."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _page_text(page) -> str:
    return _squash(page.get_textpage().get_text_range())


def test_front_has_band_statement_labels_and_review_label_back_has_checklist_and_leaflet(cards):
    from generator.build import Settings, Workspace
    from markupsafe import Markup

    from generator.layout import localized

    def plain(text) -> str:  # what the reader sees: no markup, entities as characters
        return Markup(text).striptags() if isinstance(text, Markup) else str(text)

    labels = ["Written from the cited sources. Not yet reviewed by a health professional.",
              "Written from the cited sources. Reviewed by a health professional ({reviewer}, {date}).",
              "English text reviewed by a health professional ({reviewer}, {date}); translation not yet reviewed.",
              "Reviewed by health professionals: English text ({reviewer}, {date}); translation "
              "({translation_reviewer}, {translation_date}).",
              "English text and translation not yet reviewed by a health professional."]
    work = Workspace(Settings(PROJECT, cards))
    for path in _card_pdfs(cards):
        lang, handout = path.parent.name, path.name.removesuffix("-card-id-1.pdf")
        loc = work.localizer(lang)
        view = localized(work.library.handouts[handout], loc, work.library)
        card = view["card"]
        doc = _doc(path)
        front, back = _page_text(doc[0]), _page_text(doc[1])
        where = f"{lang}/{path.name}"
        for text in [card["title"], card["statement"], *card["fields"]]:
            assert _squash(plain(text)) in front, f"{where}: front lacks {plain(text)!r}"
        prefixes = [_squash(plain(loc.gettext(label)).split("{")[0])[:30] for label in labels]
        assert any(p and p in front for p in prefixes), f"{where}: no review label on the front"
        assert any(p and p in back for p in prefixes), f"{where}: no review label on the back"
        for text in [loc.gettext("For emergency staff"), *card["for_staff"], view["title"], "RiversideNETClinic"]:
            assert _squash(plain(text)) in back, f"{where}: back lacks {plain(text)!r}"
        for reference_mark in ("doi", "http", "[cited", "PMID"):
            assert reference_mark not in back, f"{where}: the back prints a reference ({reference_mark})"


def test_both_sides_carry_the_urgent_band(cards):
    """An urgent-red band across the top of the live area, on the front and on the back."""
    import pypdfium2 as pdfium

    from generator.layout.theme import load_theme

    red = load_theme()["base"]["color"]["urgent"]["rgb"]
    want = tuple(int(red[i:i + 2], 16) for i in (1, 3, 5))
    for lang in ("en", "ar"):
        doc = pdfium.PdfDocument(str(cards / lang / "pancreatic-nets-card-id-1.pdf"))
        for n in range(2):
            img = doc[n].render(scale=DPI / 72).to_pil().convert("RGB")
            row = _px(SAFE_MM + 0.4)
            samples = [img.getpixel((_px(x), row)) for x in (20, 40, 60, 80)]
            for got in samples:
                assert all(abs(a - b) <= 6 for a, b in zip(got, want)), f"{lang} page {n + 1}: {got} is not {red}"


def test_a_right_to_left_back_prints_the_clinic_phone_number_in_order(cards):
    """On an Arabic back the number's digit groups read left to right, as dialled ('+1 555 010 0000',
    not '0000 010 555 1+'), and nothing is drawn for the mark that keeps them so."""
    doc = _doc(cards / "ar" / "pancreatic-nets-card-id-1.pdf")
    tp = doc[1].get_textpage()
    chars = [(tp.get_charbox(i), tp.get_text_range(i, 1)) for i in range(tp.count_chars())]
    digits = sorted((box[0], ch) for box, ch in chars if ch in "+0123456789")
    assert "".join(ch for _, ch in digits) == "+15550100000"
    assert "\u200e" not in tp.get_text_range()
