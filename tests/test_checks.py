"""Each catalogue check rejects its fault with a message naming language, message and problem."""

from __future__ import annotations

import io
import textwrap

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from generator.i18n.checks import check_catalog
from generator.render.pdf.fonts import FontStack

HEADER = """\
msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Review-Status: unreviewed\\n"

"""
PLURALS = {"fr": "nplurals=2; plural=(n > 1);", "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 "
           "&& n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", "zh_CN": "nplurals=1; plural=0;"}


def required(*entries) -> Catalog:
    catalog = Catalog(fuzzy=False)
    for msgid, context in entries:
        catalog.add(msgid, context=context)
    return catalog


def run(po_body: str, lang="fr", plural=None, req=None, allow=frozenset({"NET", "DOTATATE", "Ga"})):
    text = HEADER.format(lang=lang, plural=plural or PLURALS[lang]) + textwrap.dedent(po_body)
    catalog = read_po(io.BytesIO(text.encode()), locale=lang)
    headers = {"X-Review-Status": "unreviewed"}
    req = req or required(*[(m.id, m.context) for m in catalog if m.id])
    return check_catalog(lang, "locales/x.po", catalog, headers, req, set(allow), FontStack(lang))


def test_a_clean_catalogue_passes():
    assert run('msgid "Severe diarrhea"\nmsgstr "Diarrhée sévère"\n') == []


@pytest.mark.parametrize("body, words", [
    ('msgid "Severe diarrhea"\nmsgstr ""\n', "is not translated"),
    ('#, fuzzy\nmsgid "Severe diarrhea"\nmsgstr "Diarrhée"\n', "is marked fuzzy"),
    ('msgid "Phone: {phone}"\nmsgstr "Téléphone : {telephone}"\n', "placeholders differ"),
    ('msgid "Phone: {phone}"\nmsgstr "Téléphone"\n', "missing {phone}"),
    ('msgid "<b>Flushing</b>: red face"\nmsgstr "Bouffées : visage rouge"\n', "inline tags differ"),
    ('msgid "<b>Flushing</b>: red face"\nmsgstr "<i>Bouffées</i> : visage rouge"\n', "inline tags differ"),
    ('msgid "<b>Flushing</b>"\nmsgstr "<b><i>Bouffées</i></b>"\n', "inline tags differ"),
    ('msgid "Flushing"\nmsgstr "<img src=\\"/etc/passwd\\"/>"\n', "tag <img> is not allowed"),
    ('msgid "Flushing"\nmsgstr "<font name=\\"x\\">Bouffées</font>"\n', "tag <font> is not allowed"),
    ('msgid "Flushing"\nmsgstr "<b>Bouffées"\n', "<b> is never closed"),
    ('msgid "Flushing"\nmsgstr "Bouffées &amp; rougeurs"\n', "entity &amp; is not allowed"),
    ('msgid "Flushing"\nmsgstr "Bouffées\u202e"\n', "bidirectional override"),
    ('msgid "Flushing"\nmsgstr " Bouffées"\n', "leading or trailing spaces"),
    ('msgid "Flushing"\nmsgstr "Bouffées\\n"\n', "newlines differ"),
    ('msgid "Severe diarrhea"\nmsgstr "Severe diarrhea"\n', "is identical to the English"),
    ('msgid "Flushing"\nmsgstr "Bouffées 𓀀"\n', "no font for"),
])
def test_each_fault_is_rejected_with_its_message(body, words):
    problems = run(body)
    assert problems, body
    assert any(words in p and "[fr]" in p and "locales/x.po:" in p for p in problems), problems


def test_identical_allowed_for_allowlisted_names():
    assert run('msgid "Ga-68 DOTATATE"\nmsgstr "Ga-68 DOTATATE"\n') == []


def test_plural_forms_must_match_the_language():
    body = 'msgid "{n} month"\nmsgid_plural "{n} months"\nmsgstr[0] "{n} месяц"\nmsgstr[1] "{n} месяцев"\n'
    problems = run(body, lang="ru", plural="nplurals=2; plural=(n != 1);")
    assert any("Plural-Forms says nplurals=2" in p and "has 3 plural forms" in p for p in problems), problems


def test_a_message_missing_from_the_catalogue_is_reported():
    req = required(("Severe diarrhea", None), ("A new sentence", None))
    problems = run('msgid "Severe diarrhea"\nmsgstr "Diarrhée sévère"\n', req=req)
    assert any("'A new sentence' is missing; run `make update`" in p for p in problems), problems


def test_review_status_header_is_required():
    text = HEADER.format(lang="fr", plural=PLURALS["fr"]).replace('"X-Review-Status: unreviewed\\n"\n', "")
    catalog = read_po(io.BytesIO(text.encode()), locale="fr")
    problems = check_catalog("fr", "x.po", catalog, {}, required(), set(), None)
    assert any("X-Review-Status" in p for p in problems), problems


def test_shipped_catalogues_pass_every_check(project):
    from generator.i18n.catalogs import Locales
    from generator.i18n.checks import check_languages

    langs = Locales(project / "locales").shipped()
    assert set(langs) >= {"fr_CA", "es", "vi", "ru", "ar", "hi", "zh_CN"}
    for lang, problems in check_languages(project, langs).items():
        assert problems == [], (lang, problems[:5])
