"""Posters, wallet cards, large print, print-shop output and clinic branding, read back."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pypdf import PdfReader

from generator.build import Settings, build
from generator.layout import MM, PAPERS

from .conftest import CLINIC, PROJECT, pdf_text

@pytest.fixture(scope="module")
def products(tmp_path_factory):
    out = tmp_path_factory.mktemp("products")
    clinic = out / "clinic.toml"
    clinic.write_text(CLINIC, encoding="utf-8")
    summary = build(Settings(PROJECT, out, clinic), langs=["en", "ar", "zh_CN"], paper="all", jobs=2,
                    progress=None)
    assert not summary.failed and not summary.skipped_languages, (summary.failed, summary.skipped_languages)
    return out


@pytest.fixture(scope="module")
def print_shop(tmp_path_factory):
    out = tmp_path_factory.mktemp("print")
    summary = build(Settings(PROJECT, out, print_shop=True), langs=["en"], handouts=["carcinoid-syndrome"],
                    paper="all", jobs=2, progress=None)
    assert not summary.failed
    return out


def size(box):
    return float(box.width), float(box.height)


def test_posters_one_page_exact_size_with_qr_to_resources(products):
    import pypdfium2 as pdfium
    import zxingcpp

    posters = sorted(products.glob("*/*-poster-*.pdf"))
    assert len([p for p in posters if p.parent.name == "en"]) >= 2 * 4  # at least four posters, two papers
    for path in posters:
        reader = PdfReader(path)
        assert len(reader.pages) == 1, path
        width, height = PAPERS[path.stem.rsplit("-", 1)[1]]
        assert size(reader.pages[0].mediabox) == pytest.approx((width, height), abs=0.5)
    image = pdfium.PdfDocument(products / "en" / "carcinoid-syndrome-poster-a3.pdf")[0].render(scale=2).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["https://www.example.org/net"]


def test_cards_are_id1_front_and_back_with_clinic_and_blank_fields(products):
    cards = sorted(products.glob("*/*-card-id-1.pdf"))
    assert {p.name for p in cards} >= {"carcinoid-syndrome-card-id-1.pdf", "pancreatic-nets-card-id-1.pdf"}
    for path in cards:
        reader = PdfReader(path)
        assert len(reader.pages) == 2, path
        assert size(reader.pages[0].mediabox) == pytest.approx((85.6 * MM, 54 * MM), abs=0.5)
    text = pdf_text(products / "en" / "carcinoid-syndrome-card-id-1.pdf")
    for words in ("Riverside NET Clinic", "+1 555 010 0000", "My name", "My NET team's phone", "For emergency staff",
                  "Written from the cited sources"):
        assert words in text


def test_clinic_name_and_phone_on_every_product(products):
    for path in products.glob("en/carcinoid-syndrome-*.pdf"):
        text = pdf_text(path)
        assert "Riverside NET Clinic" in text and "+1 555 010 0000" in text, path
        assert PdfReader(path).metadata.author == "Riverside NET Clinic"


def _font_sizes(path):
    sizes = []

    def visit(text, cm, tm, font, font_size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1
            sizes.append(font_size * scale)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_large_print_has_no_text_under_18_pt(products):
    paths = sorted(products.glob("*/*-large-print-*.pdf"))
    assert paths
    for path in paths:
        sizes = _font_sizes(path)
        assert sizes and min(sizes) >= 17.99, (path, min(sizes))
    assert min(_font_sizes(products / "en" / "carcinoid-syndrome-leaflet-a4.pdf")) < 18  # the test can fail


def test_print_shop_adds_bleed_crop_marks_trimbox_and_cmyk(print_shop):
    import pypdfium2 as pdfium

    bleed = 3 * MM
    for path in print_shop.glob("en/*.pdf"):
        page = PdfReader(path).pages[0]
        width, height = PAPERS[path.stem.rsplit("-", 1)[1] if "id-1" not in path.stem else "id-1"]
        if "-trifold-" in path.name:  # a tri-fold turns its paper to landscape
            width, height = height, width
        assert size(page.mediabox) == pytest.approx((width + 2 * bleed, height + 2 * bleed), abs=0.5), path
        trim = page.trimbox
        assert (float(trim.left), float(trim.bottom)) == pytest.approx((bleed, bleed), abs=0.01)
        assert size(trim) == pytest.approx((width, height), abs=0.5), path
        content = page.get_contents().get_data()
        assert b" k\n" in content or b" k " in content, path  # CMYK fills
        assert b" rg" not in content, path  # and no RGB ones
    # crop marks: ink in the bottom-left bleed corner (up to the trim corner), where the page is blank
    image = pdfium.PdfDocument(print_shop / "en" / "carcinoid-syndrome-leaflet-a4.pdf")[0].render(scale=4).to_pil()
    reach = int((bleed + 1) * 4)
    corner = image.convert("L").crop((0, image.height - reach, reach, image.height))
    assert corner.getextrema()[0] < 200  # a 0.25 pt hairline, anti-aliased


def test_translated_metadata(products):
    meta = PdfReader(products / "ar" / "carcinoid-syndrome-poster-a3.pdf").metadata
    assert meta.title and meta.subject and meta.keywords and meta.author == "Riverside NET Clinic"
    assert any("\u0600" <= ch <= "\u06ff" for ch in meta.title)


def test_an_overflowing_card_fails_naming_language_product_and_text(sandbox):
    """A card statement four times the English (the longest the catalogue checks allow) cannot fit
    the card even at 85% size: the build names the language, product and text, and writes nothing."""
    from babel.messages.pofile import read_po

    from generator.i18n.catalogs import _write

    po = sandbox / "locales" / "fr_CA" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale="fr_CA")
    statement = next(m for m in catalog if isinstance(m.id, str) and m.id.startswith("I have a neuroendocrine tumour")
                     and "carcinoid crisis" in m.id)
    statement.string = ((statement.string + " ") * 4).strip()
    _write(catalog, po, {"X-Review-Status": "unreviewed"}, sort_by_file=True)
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(sandbox), "build", "--lang", "fr_CA",
                             "--handout", "carcinoid-syndrome", "--product", "card", "--out", str(sandbox / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(l for l in result.stderr.splitlines() if l.startswith("failed:"))
    assert "fr_CA carcinoid-syndrome card id-1" in line and "even at 85% size" in line
    assert "first text that overflows: '" in line or "does not fit" in line
    assert not list((sandbox / "out").glob("fr_CA/*card*.pdf"))  # nothing half-written
