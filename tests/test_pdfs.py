"""Read the built PDFs back, as a person or a print shop would check them."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from pypdf import PdfReader

from generator.i18n.catalogs import Locales
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


def found(phrase: str, text: str, lang: str) -> bool:
    """Is the phrase in the PDF's text layer? ReportLab writes shaped Devanagari clusters
    (conjuncts with a virama, the reordered i-matra) as private-use codes, so for Hindi
    the words without those must all be there; right-to-left text comes back in visual order."""
    words = [squash(w) for w in plain(str(phrase)).split()]
    if lang.split("_")[0] in ("hi", "bn", "ta"):  # shaped Indic scripts
        text = text.replace("\u2060", "")  # pypdf's invisible word joiner for a split vowel (README)
        return all(_matches_with_clusters(w, text) for w in words)
    if lang.split("_")[0] in ("ar", "fa"):  # right to left
        return all(w in text or w[::-1] in text for w in words)
    return squash(plain(str(phrase))) in text


def _matches_with_clusters(word: str, text: str) -> bool:
    """word occurs in text, where a private-use code in text stands for a shaped cluster of
    1 to 3 characters of word and every other character must match exactly, in order."""
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def match(wi: int, ti: int) -> bool:
        if wi == len(word):
            return True
        if ti == len(text):
            return False
        ch = text[ti]
        if "\ue000" <= ch <= "\uf8ff":
            return any(match(wi + k, ti + 1) for k in (1, 2, 3) if wi + k <= len(word))
        return ch == word[wi] and match(wi + 1, ti + 1)

    starts = [i for i, ch in enumerate(text) if ch == word[0] or "\ue000" <= ch <= "\uf8ff"]
    return any(match(0, i) for i in starts)


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


def test_every_font_is_embedded_and_subset(built, tmp_path):
    from generator.build import Settings, build

    build(Settings(PROJECT, tmp_path), langs=["en", "ar", "hi", "zh_CN"], handouts=["carcinoid-syndrome"],
          paper="auto", progress=None)
    others = sorted(tmp_path.glob("*/*.pdf"))
    for product in ("leaflet", "large-print", "poster", "card"):
        assert any(f"-{product}-" in p.name for p in others), product
    for path in leaflets(built) + others:
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
    callout = next(b for s in handout.sections for b in s.blocks if b.level == "emergency")
    expected = [loc.pgettext("callout label", "Emergency"), loc.msg(callout.title), loc.msg(handout.sections[0].heading)]
    for phrase in expected:
        assert found(phrase, text, lang), (lang, str(phrase))


def test_review_notice_is_printed_in_the_language(built):
    for lang in LANGS:
        if lang == "en":
            continue
        loc = localizer(lang)
        notice = loc.gettext("English text and translation not yet reviewed by a health professional.")
        text = squash(pdf_text(built / lang / "carcinoid-syndrome-leaflet-letter.pdf"))
        assert found(notice, text, lang), lang


def test_manifest_matches_the_files(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    files = {e["file"]: e for e in manifest["files"]}
    on_disk = {str(p.relative_to(built)) for p in built.glob("*/*.pdf")}
    assert set(files) == on_disk
    for name, entry in files.items():
        data = (built / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pages"] == len(PdfReader(built / name).pages)
        assert entry["review_status"]["label"] == "unreviewed"  # reviews/<lang>.toml: nobody has reviewed
        assert {"handout", "language", "product", "paper"} <= set(entry)
