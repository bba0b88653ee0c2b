"""Hostile translations (issue 18, items 2 and 3): each case is the exact one line a translator or
maintainer sees, with no traceback, and one bad language never stops another.

The sandbox's translations are made complete with the pseudo-localiser (so these tests do not
depend on how far the real translators have got): `es` and `ru` are copies of the pseudo
catalogue with their own Language and Plural-Forms headers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from .conftest import PROJECT

ES = "locales/es/LC_MESSAGES/messages.po"
RU = "locales/ru/LC_MESSAGES/messages.po"
ES_PLURAL = "nplurals=2; plural=(n != 1);"
RU_PLURAL = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def cli(project, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout)


def check(project, timeout=120, langs=("es", "ru")):
    """The catalogue checks as a build runs them (a language with a problem is left out, the others build).
    A small build rather than `generator check`, which stops earlier at any content problem."""
    return cli(project, "build", *(f"--lang={lang}" for lang in langs), "--handout", "carcinoid-syndrome",
               "--product", "card", "--out", str(project / "out"), timeout=timeout)


def one_line(result, line):
    """The user sees exactly this line, and no traceback."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert line in result.stderr.splitlines(), f"wanted:\n{line}\ngot:\n" + "\n".join(
        result.stderr.splitlines()[:15])


def lineno(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, row in enumerate(lines, 1) if row == text)


def complete_catalogues(project, plural_forms: dict[str, str]):
    """Complete catalogues for these languages (pseudo-localised text with each language's own
    Language and Plural-Forms headers and number of plural forms), listed in LINGUAS."""
    from generator.i18n.pseudo import pseudo

    source = _with_web_addresses_kept(pseudo(project))
    for lang, plural in plural_forms.items():
        n = int(re.match(r"nplurals=(\d)", plural).group(1))
        text = source.replace('"Language: en\\n"', f'"Language: {lang}\\n"', 1)
        text = re.sub(r'"Plural-Forms: [^"]*\\n"', lambda m: f'"Plural-Forms: {plural}\\n"', text, count=1)
        text = re.sub(r'msgstr\[0\] "([^"]*)"\nmsgstr\[1\] "([^"]*)"\n',
                      lambda m: "".join(f'msgstr[{i}] "{m.group(1) if i == 0 else m.group(2)}"\n' for i in range(n)),
                      text)
        path = project / f"locales/{lang}/LC_MESSAGES/messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (project / "locales/LINGUAS").write_text(" ".join(plural_forms) + "\n", encoding="utf-8")
    return project


@pytest.fixture
def langs(sandbox):
    """es and ru, complete (pseudo-localised), as the only shipped languages."""
    return complete_catalogues(sandbox, {"es": ES_PLURAL, "ru": RU_PLURAL})


def _with_web_addresses_kept(path):
    """The pseudo-language accents web addresses (never shipped, so its checks allow that); a real
    language must keep them, so messages with one are 'translated' as the English in guillemets."""
    import io

    from babel.messages.pofile import read_po, write_po

    from generator.i18n.checks import URL

    with open(path, "rb") as f:
        catalog = read_po(f)
    for m in catalog:
        if m.id and isinstance(m.id, str) and URL.search(m.id):
            m.string = f"« {m.id} »"
    buf = io.BytesIO()
    write_po(buf, catalog, width=88)
    text = buf.getvalue().decode("utf-8")  # Babel drops header fields it does not know
    return re.sub(r'("Generated-By: [^"]*"\n)', lambda m: m.group(1) + '"X-Review-Status: unreviewed\\n"\n', text,
                  count=1)


def set_header(po, name, value):
    text = po.read_text(encoding="utf-8")
    new, n = re.subn(rf'"{name}: [^"]*\\n"', lambda m: f'"{name}: {value}\\n"', text, count=1)
    assert n == 1
    po.write_text(new, encoding="utf-8")


def set_msgstr(po, msgid, new):
    """Replace the whole msgstr (with its continuation lines) of a single-line msgid."""
    lines = po.read_text(encoding="utf-8").split("\n")
    i = lines.index(f'msgid "{msgid}"') + 1
    assert lines[i].startswith("msgstr ")
    end = i + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    lines[i:end] = [f'msgstr "{new}"']
    po.write_text("\n".join(lines), encoding="utf-8")


def at(po, msgid):
    """file:line of a single-line msgid, as a problem line names it."""
    return f"{ES}:{lineno(po, 'msgid ' + chr(34) + msgid + chr(34))}"


def header_line(po):
    return lineno(po, 'msgid ""')


# ---------------------------------------------------------------- the shipped headers

@pytest.mark.parametrize("n, form, text", [(0, 0, "{n} شهر"), (1, 1, "{n} شهر"), (2, 2, "{n} شهرين"), (3, 3, "{n} أشهر"),
                                           (11, 4, "{n} شهرًا"), (54, 4, "{n} شهرًا"), (100, 5, "{n} شهر"),
                                           (102, 5, "{n} شهر")])
def test_shipped_arabic_plural_forms_follow_cldr(n, form, text):
    """The old header swapped 'many' (11-99) and 'other' (100-102): 8 PDFs printed "54 شهر"."""
    from babel import Locale

    from generator.i18n.catalogs import read_catalog
    from generator.i18n.plurals import compile_plural

    catalog, _ = read_catalog(PROJECT / "locales/ar/LC_MESSAGES/messages.po", "ar")
    assert compile_plural(catalog.plural_expr)(n) == form
    assert ["zero", "one", "two", "few", "many", "other"][form] == Locale.parse("ar").plural_form(n)
    message = catalog.get(("{n} month", "{n} months")) or catalog.obsolete.get("{n} month")
    if message is not None:
        assert message.string[form] == text


@pytest.mark.parametrize("lang", ["fr_CA", "es", "vi", "ru", "ar", "hi", "zh_CN"])
def test_every_shipped_plural_header_matches_cldr(lang):
    from generator.i18n.catalogs import read_catalog
    from generator.i18n.plurals import mismatch

    catalog, _ = read_catalog(PROJECT / f"locales/{lang}/LC_MESSAGES/messages.po", lang)
    assert mismatch(lang, catalog.num_plurals, catalog.plural_expr) is None


# ---------------------------------------------------------------- the .po file as a file

def test_a_huge_nplurals_is_one_line_and_does_not_eat_memory(langs):
    po = langs / ES
    set_header(po, "Plural-Forms", "nplurals=99999999999999999999; plural=0;")
    started = time.monotonic()
    result = check(langs, timeout=60)
    assert time.monotonic() - started < 30
    one_line(result, f'{ES}:{header_line(po)}: [es] Plural-Forms cannot be used (nplurals=99999999999999999999 is '
                     f'not a number from 1 to 6); set the header to "Plural-Forms: {ES_PLURAL}\\n"')


@pytest.mark.parametrize("expr, why", [
    ("(n > ", "the plural expression ends too early"),
    ("__import__('os').system('echo pwned')", "unexpected '__import__' in the plural expression"),
    ("n % 0", None),
    ("(" * 200 + "n" + ")" * 200, "the plural expression is nested too deeply"),
])
def test_a_malformed_plural_expression_is_one_line_and_others_still_build(langs, expr, why):
    po = langs / ES
    set_header(po, "Plural-Forms", f"nplurals=2; plural={expr};")
    result = check(langs)
    if why is None:  # parses, but divides by zero: found by evaluating the CLDR sample numbers
        one_line(result, f'{ES}: [es] Plural-Forms cannot be used: the plural expression divides by zero; set the '
                         f'header to "Plural-Forms: {ES_PLURAL}\\n"')
    else:
        one_line(result, f'{ES}:{header_line(po)}: [es] Plural-Forms cannot be used ({why}); set the header to '
                         f'"Plural-Forms: {ES_PLURAL}\\n"')
    assert not (langs / "pwned").exists()
    assert f"{RU}" not in result.stderr  # the other language is fine


def test_russian_plural_zero_is_caught_with_the_number_a_reader_sees(langs):
    """plural=0 printed "54 месяц": every number got the 'one' form."""
    po = langs / RU
    set_header(po, "Plural-Forms", "nplurals=3; plural=0;")
    result = check(langs)
    one_line(result, f"{RU}: [ru] Plural-Forms gives form 0 for 2, but CLDR puts 2 in form 1 ('few') for ru; set "
                     f'the header to "Plural-Forms: {RU_PLURAL}\\n"')


def test_the_old_arabic_header_is_caught(langs):
    po = langs / ES
    text = po.read_text(encoding="utf-8").replace('"Language: es\\n"', '"Language: ar\\n"')
    ar = langs / "locales/ar/LC_MESSAGES/messages.po"
    ar.write_text(text, encoding="utf-8")
    set_header(ar, "Plural-Forms", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
                                   ": n%100>=0 && n%100<=2 ? 4 : 5);")
    (langs / "locales/LINGUAS").write_text("ar\n")
    result = check(langs, langs=["ar"])
    one_line(result, "locales/ar/LC_MESSAGES/messages.po: [ar] Plural-Forms gives form 5 for 11, but CLDR puts 11 "
                     "in form 4 ('many') for ar; set the header to \"Plural-Forms: nplurals=6; plural=((((n % 100) >= 3 "
                     "&& (n % 100) <= 10)) ? 3 : (((n % 100) >= 11 && (n % 100) <= 99)) ? 4 : ((n == 1)) ? 1 : ((n == "
                     "2)) ? 2 : ((n == 0)) ? 0 : 5);\\n\"")


def test_a_missing_plural_forms_header_is_one_line(langs):
    po = langs / ES
    text = po.read_text(encoding="utf-8")
    po.write_text(re.sub(r'"Plural-Forms: [^"]*\\n"\n', "", text, count=1), encoding="utf-8")
    one_line(check(langs), f'{ES}:{header_line(po)}: [es] Plural-Forms cannot be used (there is no '
                                  f'Plural-Forms header); set the header to "Plural-Forms: {ES_PLURAL}\\n"')


@pytest.mark.parametrize("charset", ["cp1252", "klingon-8"])
def test_only_utf8_catalogues_are_read(langs, charset):
    """cp1252 printed mojibake and passed; an unknown charset was a traceback."""
    po = langs / ES
    set_header(po, "Content-Type", f"text/plain; charset={charset}")
    one_line(check(langs), f'{ES}:{header_line(po)}: header says charset={charset}; save the file as UTF-8 '
                                  f'and set "Content-Type: text/plain; charset=UTF-8\\n"')


def test_bytes_that_are_not_utf8(langs):
    po = langs / ES
    data = po.read_bytes()
    at = data.index("[".encode()) if b"[" in data else 200
    po.write_bytes(data[:at] + b"\xe9" + data[at:])
    one_line(check(langs), f"{ES}: catalogue is not UTF-8 (byte {at}); save it as UTF-8")


def test_a_second_header_entry_cannot_override_the_first(langs):
    po = langs / ES
    text = po.read_text(encoding="utf-8")
    forged = '\nmsgid ""\nmsgstr ""\n"Plural-Forms: nplurals=99999999999999999999; plural=0;\\n"\n'
    po.write_text(text + forged, encoding="utf-8")
    line = len(text.splitlines()) + 2
    one_line(check(langs), f'{ES}:{line}: a second header entry (msgid "") is here; keep only the first one '
                                  f'at the top')


def test_a_commented_header_is_not_the_header(langs):
    """Comment lines that look like header fields are never read as the header."""
    po = langs / ES
    text = po.read_text(encoding="utf-8")
    po.write_text('# "Plural-Forms: nplurals=99999999999999999999; plural=0;\\n"\n'
                  '#~ msgid ""\n#~ msgstr "Plural-Forms: nplurals=0;\\n"\n' + text, encoding="utf-8")
    result = check(langs)
    assert "Traceback" not in result.stderr
    assert f"{ES}" not in result.stderr, result.stderr[-2000:]


def test_a_language_header_for_another_language(langs):
    po = langs / ES
    set_header(po, "Language", "de")
    one_line(check(langs), f'{ES}:{header_line(po)}: header says Language: de but this is the catalogue for '
                                  f'es; set it to "Language: es\\n"')


def test_an_enormous_catalogue_is_refused_before_it_is_read(langs):
    po = langs / ES
    with open(po, "a", encoding="utf-8") as f:
        f.write("# " + "x" * (5 << 20) + "\n")
    size = po.stat().st_size / 1e6
    one_line(check(langs), f"{ES}: catalogue is {size:.1f} MB, more than the 4 MB a catalogue may be; it is "
                                  f"not a translation of these handouts")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_catalogue_that_is_not_a_regular_file(langs, kind):
    po = langs / ES
    po.unlink()
    os.mkfifo(po) if kind == "fifo" else po.mkdir()
    result = check(langs, timeout=60)  # a FIFO would block a naive reader forever
    one_line(result, f"{ES}: catalogue is not a regular file; replace it with the .po file itself")


@pytest.mark.parametrize("code, why", [("xx", "'xx' is not a language Babel knows"),
                                       ("../../etc", "'../../etc' is not a language code")])
def test_an_unknown_code_in_linguas_is_one_line_and_the_others_build(langs, code, why):
    (langs / "locales/LINGUAS").write_text(f"es {code}\n")
    result = cli(langs, "build", "--handout", "carcinoid-syndrome", "--product", "card", "--out", str(langs / "out"))
    assert (langs / "out/es/carcinoid-syndrome-card-id-1.pdf").is_file(), result.stderr[-2000:]
    one_line(result, f"locales/LINGUAS: {why}; use a code such as fr, pt_BR or zh_CN, or remove it")


def test_an_unknown_language_on_the_command_line(langs):
    result = cli(langs, "build", "--lang", "../x", "--out", str(langs / "out"))
    assert result.returncode == 1
    one_line(result, "error: --lang '../x' is not a language code; use a code such as fr, pt_BR or zh_CN")
    assert not (langs / "out").exists()


# ---------------------------------------------------------------- meaning checks

def problems_for(langs, msgid):
    result = check(langs)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if f"msgid {msgid[:50]!r}" in line]


def test_a_placeholder_twice_is_caught(langs):
    """{providers}{providers} printed "66": placeholders are compared as a multiset."""
    po = langs / ES
    set_msgstr(po, "Phone: {phone}", "Teléfono: {phone} {phone}")
    one_line(check(langs), f"{at(po, 'Phone: {phone}')}: [es] msgid 'Phone: {{phone}}': "
                                  f"placeholders differ from the English (extra {{phone}}); keep each {{name}} exactly "
                                  f"as in the source, once each")


def _msgid_with(po, pattern):
    for row in po.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r'msgid "(.*)"', row)
        if m and re.search(pattern, m.group(1)):
            return m.group(1)
    raise AssertionError(f"no single-line msgid matching {pattern} in the content any more; pick another")


def test_a_changed_number_is_caught(langs):
    po = langs / ES
    msgid = _msgid_with(po, r"\b24\b")
    set_msgstr(po, msgid, msgid.replace("24", "48"))
    english = ", ".join(sorted(re.findall(r"\d+", msgid)))
    translated = ", ".join(sorted(re.findall(r"\d+", msgid.replace("24", "48"))))
    one_line(check(langs), f"{at(po, msgid)}: [es] msgid {msgid[:50]!r}: numbers "
                                  f"differ from the English (English: {english}; translation: {translated}); keep "
                                  f"every number, in figures (a maintainer can accept a deliberate difference in "
                                  f"locales/numbers-ok.txt)")


def test_native_digits_are_the_same_number():
    """A translation may write ٢٤ (Arabic-Indic), ۲۴ (Persian) or २४ (Devanagari) for 24, but not ٢٥."""
    from generator.i18n.checks import _fact_problems

    source = "The 24-hour urine test (5-HIAA)"
    for text in ("اختبار البول على مدى ٢٤ ساعة (5-HIAA)", "آزمایش ادرار ۲۴ ساعته (۵-HIAA)", "२४ घंटे का मूत्र परीक्षण (5-HIAA)"):
        assert _fact_problems(source, text) == [], text
    assert _fact_problems(source, "اختبار البول على مدى ٢٥ ساعة (5-HIAA)") == [
        "numbers differ from the English (English: 24, 5; translation: 25, 5); keep every number, in figures (a "
        "maintainer can accept a deliberate difference in locales/numbers-ok.txt)"]


def test_a_changed_web_address_is_caught(langs):
    po = langs / ES
    msgid = _msgid_with(po, r"\(netrf\.org\)")
    set_msgstr(po, msgid, msgid.replace("netrf.org", "netrf.com"))
    one_line(check(langs), f"{at(po, msgid)}: [es] msgid {msgid[:50]!r}: web address "
                                  f"netrf.org is missing or changed; copy it exactly as in the English")


def test_phone_numbers_and_urls_kept_exactly():
    from generator.i18n.checks import _fact_problems

    source = "Call 1-800-555-0199 or see https://example.org/help, 24 hours a day."
    assert _fact_problems(source, "Appelez le 1-800-555-0199 ou https://example.org/help, 24 h sur 24.") == [
        "numbers differ from the English (English: 24; translation: 24, 24); keep every number, in figures (a "
        "maintainer can accept a deliberate difference in locales/numbers-ok.txt)"]
    assert _fact_problems(source, "Appelez le 1-800-555-0198 ou https://example.org/help, 24 heures par jour.") == [
        "phone number 1-800-555-0199 is missing or changed; copy it exactly as in the English"]
    assert _fact_problems(source, "Appelez le 1-800-555-0199 ou https://evil.example/help, 24 heures par jour.") == [
        "web address https://example.org/help is missing or changed; copy it exactly as in the English"]
    assert _fact_problems(source, "اتصل بالرقم 1-800-555-0199 أو https://example.org/help، ٢٤ ساعة.") == []


def test_a_megabyte_translation_fails_fast_and_the_other_language_builds(langs):
    """A 1 MB msgstr took 220 s to lay out; now the check refuses it before any layout."""
    po = langs / ES
    set_msgstr(po, "Phone: {phone}", "{phone} " + "x" * 1_000_000)
    started = time.monotonic()
    result = cli(langs, "build", "--lang", "es", "--lang", "ru", "--handout", "carcinoid-syndrome", "--product",
                 "leaflet", "--paper", "a4", "--out", str(langs / "out"), timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    one_line(result, f"{at(po, 'Phone: {phone}')}: [es] msgid 'Phone: {{phone}}': translation is "
                     f"1000008 characters, the English 14; translate only this text")
    one_line(result, "language es: left out of this build (1 problem(s) above)")
    assert (langs / "out/ru/carcinoid-syndrome-leaflet-a4.pdf").is_file()


def test_a_translation_that_lost_its_text(langs):
    po = langs / ES
    msgid = _msgid_with(po, r"^.{60,}$")
    set_msgstr(po, msgid, "Sí.")
    one_line(check(langs), f"{at(po, msgid)}: [es] msgid {msgid[:50]!r}: translation "
                                  f"is 3 characters, the English {len(msgid)}; it has lost text, translate all of it")


def test_numbers_ok_accepts_exactly_the_recorded_numbers(langs):
    po = langs / ES
    msgid = _msgid_with(po, r"\b24\b")
    others = sorted(re.findall(r"\d+", msgid.replace("24", "")))
    set_msgstr(po, msgid, msgid.replace("24", "veinticuatro"))
    (langs / "locales/numbers-ok.txt").write_text(f"es | {' '.join(others) or '-'} | {msgid}\n", encoding="utf-8")
    assert problems_for(langs, msgid) == []
    set_msgstr(po, msgid, msgid.replace("24", "veinticuatro 9"))
    assert len(problems_for(langs, msgid)) == 1


# ---------------------------------------------------------------- the parser itself

@pytest.mark.parametrize("expr", ["n", "(n != 1)", "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
                                  "n%100>=20) ? 1 : 2", "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
                                  ": n%100>=11 ? 4 : 5", "(!(n == 1)) + n * 0 / 1", "n > 1"])
def test_the_safe_parser_agrees_with_gettext(expr):
    import gettext

    from generator.i18n.plurals import compile_plural

    ours, theirs = compile_plural(expr), gettext.c2py(expr)
    assert [ours(n) for n in range(300)] == [theirs(n) for n in range(300)]


def test_every_babel_plural_table_parses_and_cldr_suggestions_exist():
    from babel.messages.plurals import PLURALS

    from generator.i18n.plurals import compile_plural, suggestion

    for _, expr in PLURALS.values():
        compile_plural(expr)
    for lang in ("ar", "ru", "pl", "fr", "hi", "zh", "ja", "ko", "he", "cy", "ga", "tr", "fa", "bn", "ta", "so",
                 "tl", "pt_BR", "zh_Hant"):
        assert suggestion(lang), lang


def test_an_unbreakable_word_is_caught(langs):
    """A 300-letter word cannot wrap: it made an urgent callout taller than a page (a ReportLab LayoutError)."""
    po = langs / ES
    msgid = "Severe watery diarrhea and you feel dizzy, very weak or pee very little"
    set_msgstr(po, msgid, "Diarrea" + "x" * 300)
    one_line(check(langs), f"{at(po, msgid)}: [es] msgid {msgid[:50]!r}: a word of 307 characters (Diarreaxxxxxxxxxxxxx...) "
                           f"cannot be broken across lines; use spaces between words")


def test_long_words_that_are_fine():
    from generator.i18n.checks import _unbreakable

    assert _unbreakable("See https://www.example.org/" + "a" * 80 + " for more.") is None  # an address
    assert _unbreakable("嫌铬粒蛋白A（CgA）是其中一种标志物。患NET时它常常会升高，但并非总是如此。某些抑制胃酸的药物也会使它升高。") is None
    assert _unbreakable("न्यूरोफ़ाइब्रोमैटोसिस and anesthésiologiste") is None
    assert _unbreakable("<b>" + "x" * 46 + "</b>") == "x" * 46
