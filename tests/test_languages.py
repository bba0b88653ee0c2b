"""Nineteen languages: fonts for every script, line breaking, digits, paper, and new languages.

Read back from the PDFs where a person would look: the lines as poppler's pdftotext gives them
(no Korean word split, no Japanese or Chinese line that starts with closing punctuation or ends
with an opening bracket), the digits a Persian page prints, the text Bengali copies as.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from generator.i18n.catalogs import Locales, init
from generator.i18n.localizer import Localizer
from generator.render.pdf import fonts, render
from generator.render.pdf.fonts import FontStack, MissingGlyph

PROJECT = Path(__file__).resolve().parent.parent
NEW = ["pt_BR", "pl", "tr", "tl", "so", "fa", "bn", "ta", "ko", "ja", "zh_TW"]
KINSOKU_START = set("、。，．：；？！）」』》〉】〕ー")
KINSOKU_END = set("（「『《〈【〔")


def shipped() -> list[str]:
    return Locales(PROJECT / "locales").shipped()


def pdftotext(pdf: bytes, *options: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not found: install Debian's poppler-utils (see README)")
    return subprocess.run([tool, *options, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def page(lang: str, text: str, width: float, size: float = 10, dir: str = "ltr", footer: bool = False,
         digits: str = "0123456789") -> bytes:
    late = ('<late><text late="yes" x="10" y="2" width="200" height="18" style="body">{page} / {pages}</text>'
            '</late>') if footer else ""
    xml = f"""<document width="{width + 20}" height="900" lang="{lang.replace('_', '-')}" dir="{dir}" title="t"
        author="a" subject="s" keywords="k" creator="c" digits="{digits}">
      <style name="body" size="{size}"/>
      <page-template id="p"><frame id="f" x="10" y="20" width="{width}" height="870"/></page-template>
      {late}
      <story><para style="body">{text}</para></story>
    </document>"""
    return render(xml, FontStack(lang)).pdf


# ---------------------------------------------------------------- shipped, fonts, tofu

def test_the_new_languages_are_shipped():
    assert set(NEW) <= set(shipped())
    assert len(shipped()) + 1 == 19  # and English


@pytest.mark.parametrize("lang", shipped())
def test_every_character_of_a_shipped_catalogue_is_in_its_fonts(lang):
    """The tofu check: every translation, Babel's dates and numbers for the language, in its font stack
    (regular and bold), or the build would refuse it."""
    catalog, _ = Locales(PROJECT / "locales").read(lang)
    text = "".join(s for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else [m.string]))
    loc = Localizer(lang)
    text += "".join(loc.date(datetime.date(2027, month, 28)) for month in range(1, 13))
    text += loc.number(1234567.5) + loc.percent(0.58) + loc.digits
    assert FontStack(lang).missing(text) == set()


def test_each_script_prints_with_its_own_font():
    expected = {"bn": "NotoSansBengali", "ta": "NotoSansTamil", "fa": "NotoSansArabic", "ko": "NotoSansKR",
                "ja": "NotoSansJP", "zh_TW": "NotoSansTC", "zh_CN": "NotoSansSC", "pt_BR": "NotoSans",
                "pl": "NotoSans", "tr": "NotoSans", "tl": "NotoSans", "so": "NotoSans"}
    for lang, family in expected.items():
        assert FontStack(lang).primary["regular"] == family, lang
        assert fonts.stack_for(lang)[-1] == "latin"  # names such as "Ga-68 DOTATATE"


def test_paper_follows_the_region():
    from generator.layout import paper_family

    assert {lang: paper_family(lang) for lang in ("tl", "fr_CA", "pt_BR", "pl", "ko", "ja", "zh_TW", "fa", "bn")} == {
        "tl": "us", "fr_CA": "us", "pt_BR": "iso", "pl": "iso", "ko": "iso", "ja": "iso", "zh_TW": "iso",
        "fa": "iso", "bn": "iso"}


# ---------------------------------------------------------------- digits, numbers, dates

def test_persian_and_bengali_numbers_dates_and_percentages_use_their_digits():
    fa, bn, ar, hi = Localizer("fa"), Localizer("bn"), Localizer("ar"), Localizer("hi")
    assert fa.number(54) == "۵۴" and fa.percent(0.58) == "۵۸٪" and fa.number(2.5) == "۲٫۵"
    assert "۲۰۲۷" in fa.date(datetime.date(2027, 1, 15)) and "ژانویه" in fa.date(datetime.date(2027, 1, 15))
    assert bn.number(54) == "৫৪" and "২০২৭" in bn.date(datetime.date(2027, 1, 15))
    assert fa.digits_of("2.0") == "۲.۰"  # a handout's version
    # Arabic and Hindi keep the Latin digits their CLDR locales default to
    assert ar.number(54) == "54" and hi.number(54) == "54" and Localizer("ta").number(54) == "54"


def test_a_persian_page_numbers_its_pages_in_persian_digits():
    fa = Localizer("fa")
    pdf = page("fa", "یک متن کوتاه.", 200, dir="rtl", footer=True, digits=fa.digits)
    text = pdftotext(pdf)
    assert "۱" in text and "1" not in text


# ---------------------------------------------------------------- line breaking

def bracketed(lang: str) -> str:
    """The catalogue's own sentences with brackets or quotes (the catalogues are what the fonts hold)."""
    catalog, _ = Locales(PROJECT / "locales").read(lang)
    found = [m.string for m in catalog if m.id and isinstance(m.string, str) and any(c in m.string for c in "（「")]
    return "".join(s for s in found if "<" not in s and "{" not in s)[:400]


@pytest.mark.parametrize("lang", ["ja", "zh_TW", "zh_CN"])
@pytest.mark.parametrize("runs", ["one style", "several styles"])  # ReportLab's two CJK wrapping paths
def test_no_cjk_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket(lang, runs):
    text = bracketed(lang)
    assert text.count("（") + text.count("「") >= 5
    markup = text if runs == "one style" else f"<b>{text[:12]}</b>{text[12:]}"
    checked = 0
    for width in range(60, 240, 11):  # every width moves the breaks
        lines = [line.strip() for line in pdftotext(page(lang, markup, width)).splitlines() if line.strip()]
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width  # nothing lost or added
        for before, after in zip(lines, lines[1:]):
            assert after[0] not in KINSOKU_START, (width, before, after)
            assert before[-1] not in KINSOKU_END, (width, before, after)
            checked += 1
    assert checked > 100


def test_kinsoku_keeps_the_frame_no_punctuation_hangs_out():
    from generator.render.pdf.kinsoku import _split

    text = "あいうえお。かきくけこ、「さしすせそ」たちつてと（なにぬねの）"
    for width in range(20, 120, 10):
        for start, end, extra, used, _ in _split(text, [10] * len(text), [width]):
            assert used <= width + 0.01 or end - start == 1, (width, text[start:end])


KO = ("카르시노이드 증후군은 신경내분비종양이 만드는 호르몬 때문에 생기는 증상입니다. 얼굴이 붉어지고 설사를 하며 "
      "숨이 차는 증상이 있을 수 있습니다. 이런 증상이 있으면 바로 의료진에게 연락하세요.")


def test_korean_breaks_only_between_words():
    words = set(KO.split())
    for width in range(100, 300, 23):  # the longest word, 신경내분비종양이, fits every line
        lines = [line.strip() for line in pdftotext(page("ko", KO, width)).splitlines() if line.strip()]
        assert len(lines) > 1
        for line in lines:
            assert set(line.split()) <= words, (width, line)  # every piece is a whole word


# ---------------------------------------------------------------- shaping

def test_bengali_and_tamil_are_shaped_and_copy_as_their_text():
    import uharfbuzz as hb

    for lang, word in (("bn", "ক্ষতি"), ("ta", "க்ஷேத்திரம்")):
        blob = hb.Blob.from_file_path(str(fonts.prepared_path(fonts.script_of(lang), "regular")))
        font = hb.Font(hb.Face(blob))
        buf = hb.Buffer()
        buf.add_str(word)
        buf.guess_segment_properties()
        hb.shape(font, buf)
        assert len(buf.glyph_infos) < len(word)  # conjuncts and vowel signs are joined by the font's rules
        text = pdftotext(page(lang, f"{word} (NET) {word}", 200))
        assert text.split() == [word, "(NET)", word], text


def test_a_bengali_reph_over_a_pre_base_vowel_copies_in_order():
    """কার্সিনয়েড: the i-matra is drawn first and the reph last, above স; poppler read it "কারসি্ নয়েড"
    until the cluster got /ActualText (textlayer.cluster_spans)."""
    text = "কার্সিনয়েড সিনড্রোম, ধর্ম"
    assert pdftotext(page("bn", text, 300)).split() == text.split()
    assert pdftotext(page("bn", f"<b>{text}</b>", 300)).split() == text.split()


def test_tamil_is_set_condensed():
    from fontTools.ttLib import TTFont

    letter = ord("க")
    source = TTFont(fonts._source_file("tamil", "regular"))  # its default instance: normal width
    prepared = TTFont(fonts.prepared_path("tamil", "regular"))
    normal = source["hmtx"][source.getBestCmap()[letter]][0]
    condensed = prepared["hmtx"][prepared.getBestCmap()[letter]][0]
    assert condensed < normal * 0.9


# ---------------------------------------------------------------- preparing fonts

def test_cjk_fonts_hold_the_characters_of_the_project_and_name_any_other():
    from fontTools.ttLib import TTFont

    unused = "鰻"  # in Noto Sans JP, in no catalogue
    assert unused not in "".join(p.read_text(encoding="utf-8") for p in (PROJECT / "locales").rglob("*.po"))
    assert ord(unused) in TTFont(fonts._source_file("japanese", "regular"), lazy=True).getBestCmap()
    with pytest.raises(MissingGlyph, match=r"U\+9C3B\) has no glyph in NotoSansJP, NotoSans \(.*clinic file"):
        FontStack("ja").runs(f"クリニック{unused}")


def test_a_clinic_file_in_the_project_adds_its_characters(tmp_path):
    (tmp_path / "locales" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locales" / "ja" / "LC_MESSAGES" / "messages.po").write_text('msgstr "病院"\n', encoding="utf-8")
    (tmp_path / "other-clinic.toml").write_text('name = "鬱金クリニック"\n', encoding="utf-8")
    chars = fonts.charset("japanese", tmp_path)
    assert {ord(c) for c in "病院鬱金"} <= set(chars)
    assert fonts.charset("latin", tmp_path) == fonts.charset("latin")  # fixed ranges: never prepared again


def test_prepared_fonts_are_reused_and_report_their_time():
    fonts.prepare_all()
    start = time.perf_counter()
    reported = []
    paths = fonts.prepare_all(report=lambda script, timing: reported.append(script))
    assert time.perf_counter() - start < 5  # all cached: nothing is prepared again
    assert reported == [] and len(paths) == 19 and all(p.is_file() for p in paths)


# ---------------------------------------------------------------- a language whose script has no font

@pytest.mark.parametrize("lang,script", [("pa", "Gurmukhi"), ("ur", "Arabic in Nastaliq style")])
def test_new_language_without_a_font_says_what_to_add(tmp_path, lang, script):
    from generator.errors import UserError

    shutil.copytree(PROJECT / "locales", tmp_path / "locales")
    with pytest.raises(UserError) as err:
        init(Locales(tmp_path / "locales"), lang)
    message = str(err.value)
    assert f"no font for script {script} ({lang})" in message
    assert "requirements.txt" in message and "FontSource" in message and "docs/TRANSLATING.md" in message
    assert not (tmp_path / "locales" / lang).exists()
    assert fonts.stack_for(lang) == ["latin"]  # never printed in another script's font or style


def test_a_clinic_name_outside_the_prepared_characters_is_one_clear_line(tmp_path):
    """A clinic file kept outside the project, naming the clinic in a character no catalogue uses:
    the Japanese card is refused with one line naming the character and where to put it."""
    import os
    import sys

    clinic = tmp_path / "clinic.toml"
    clinic.write_text((PROJECT / "clinic.toml").read_text(encoding="utf-8").replace('name = ""', 'name = "鰻クリニック"', 1),
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--lang", "ja", "--handout",
                             "carcinoid-syndrome", "--product", "card", "--clinic", str(clinic), "--out",
                             str(tmp_path / "out")], cwd=PROJECT, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any("'鰻' (U+9C3B) has no glyph in NotoSansJP" in line and "clinic file in the project folder" in line
               for line in result.stderr.splitlines()), result.stderr[-800:]
