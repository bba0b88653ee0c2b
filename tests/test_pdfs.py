"""Read the built PDFs back, as a person or a print shop would check them."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from pypdf import PdfReader

from generator.catalogs import Locales
from generator.content import load_library
from generator.i18n import Localizer
from generator.layout import PAPERS
from generator.markup import plain

from .conftest import PROJECT, pdf_text

LANGS = ["en", *Locales(PROJECT / "locales").shipped()]
LIBRARY = load_library(PROJECT / "content")


def localizer(lang):
    if lang == "en":
        return Localizer("en")
    catalog, headers = Locales(PROJECT / "locales").read(lang)
    return Localizer(lang, catalog, headers["X-Review-Status"])


def squash(text: str) -> str:
    """Compare text as a reader sees it: shaping forms folded, spaces and line breaks ignored."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def leaflets(built):
    return sorted(built.glob("*/*-leaflet-*.pdf"))


def test_every_language_and_both_papers_are_built(built):
    for lang in LANGS:
        for hid in LIBRARY.handouts:
            for paper in ("a4", "letter"):
                assert (built / lang / f"{hid}-leaflet-{paper}.pdf").is_file(), (lang, hid, paper)


def test_page_size_is_exact_and_a_leaflet_is_one_sheet(built):
    for path in leaflets(built):
        reader = PdfReader(path)
        width, height = PAPERS[path.stem.rsplit("-", 1)[1]]
        assert 1 <= len(reader.pages) <= 2, path
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - width) < 0.5, path
            assert abs(float(page.mediabox.height) - height) < 0.5, path


def test_every_font_is_embedded_and_subset(built):
    for path in leaflets(built):
        for page in PdfReader(path).pages:
            fonts = page["/Resources"]["/Font"]
            assert fonts, path
            for font in fonts.values():
                font = font.get_object()
                name = str(font["/BaseFont"])
                assert font["/Subtype"] == "/TrueType", (path, name)
                assert "/FontFile2" in font["/FontDescriptor"], (path, name)
                assert name[7] == "+", (path, name)  # "ABCDEF+NotoSans": a subset
                assert "Thin" not in name, (path, name)  # never a variable font's default instance


def test_title_and_language_metadata(built):
    for lang in LANGS:
        loc = localizer(lang)
        for hid, handout in LIBRARY.handouts.items():
            reader = PdfReader(built / lang / f"{hid}-leaflet-a4.pdf")
            assert reader.metadata.title == plain(str(loc.msg(handout.title)))
            assert reader.trailer["/Root"]["/Lang"] == lang.replace("_", "-")


@pytest.mark.parametrize("lang", LANGS)
def test_the_urgent_callout_and_body_text_are_on_the_page(built, lang):
    loc = localizer(lang)
    handout = LIBRARY.handouts["carcinoid-syndrome"]
    text = squash(pdf_text(built / lang / "carcinoid-syndrome-leaflet-a4.pdf"))
    callout = next(b for s in handout.sections for b in s.blocks if b.severity == "urgent")
    expected = [loc.pgettext("callout label", "Urgent"), loc.msg(callout.title), loc.msg(handout.sections[0].heading)]
    if not loc.rtl:  # pypdf gives right-to-left text in visual order; checked separately below
        for phrase in expected:
            assert squash(plain(str(phrase))) in text, (lang, str(phrase))
    else:
        for phrase in expected:
            words = [squash(w) for w in plain(str(phrase)).split()]
            assert all(w in text or w[::-1] in text for w in words), (lang, str(phrase))


def test_review_notice_is_printed_in_the_language(built):
    for lang in LANGS:
        if lang == "en":
            continue
        loc = localizer(lang)
        notice = squash(str(loc.gettext("This translation has not yet been reviewed by a health professional.")))
        text = squash(pdf_text(built / lang / "carcinoid-syndrome-leaflet-letter.pdf"))
        if not loc.rtl:
            assert notice in text, lang


def test_manifest_matches_the_files(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    files = {e["file"]: e for e in manifest["files"]}
    on_disk = {str(p.relative_to(built)) for p in built.glob("*/*.pdf")}
    assert set(files) == on_disk
    for name, entry in files.items():
        data = (built / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pages"] == len(PdfReader(built / name).pages)
        assert entry["review_status"] == "unreviewed"
        assert {"handout", "language", "product", "paper"} <= set(entry)
