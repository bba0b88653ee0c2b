"""Extraction round trip and Babel formatting in several locales."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from generator.i18n.extract import write_pot as extract
from generator.content import Msg, Var
from generator.i18n import Localizer


def test_a_string_added_to_content_appears_in_the_pot(sandbox):
    path = sandbox / "content" / "handouts" / "carcinoid-syndrome.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "  - heading: What is carcinoid syndrome?\n    blocks:\n"
    assert anchor in text
    added = anchor + ("      - paragraph:\n          text: A brand new sentence for the test.\n"
                      "          note: Say it plainly.\n          context: test context\n        cite: [pandit-2023]\n")
    path.write_text(text.replace(anchor, added), encoding="utf-8")
    extract(sandbox)
    with open(sandbox / "locales" / "messages.pot", "rb") as f:
        pot = read_po(f)
    message = pot.get("A brand new sentence for the test.", context="test context")
    assert message is not None
    assert message.auto_comments == ["Say it plainly."]
    assert any(file == "content/handouts/carcinoid-syndrome.yaml" for file, _ in message.locations)
    # template strings are extracted too, with the context that tells a label from other uses
    assert pot.get("Emergency", context="callout label") is not None
    assert pot.get(("{n} month", "{n} months")) is not None


def test_babel_formats_numbers_and_percentages_per_locale():
    assert Localizer("en").percent(0.58) == "58%"
    assert Localizer("fr").percent(0.58).replace("\u202f", " ").replace("\xa0", " ") == "58 %"
    assert Localizer("de").number(1234.5) == "1.234,5"
    assert Localizer("ar").rtl and not Localizer("fr").rtl


def _catalog(lang, plural_forms):
    catalog = Catalog(locale=lang)
    catalog.add(("{n} month", "{n} months"), plural_forms)
    return catalog


def _months(loc, n):
    var = Var("plural", n, Msg("{n} month", "x", 1, vars={"n": Var("number", n)}),
              Msg("{n} months", "x", 1, vars={"n": Var("number", n)}))
    return loc._format_var(var)


def test_plurals_follow_each_languages_rules():
    ru = Localizer("ru", _catalog("ru", ("{n} месяц", "{n} месяца", "{n} месяцев")))
    assert [_months(ru, n) for n in (1, 3, 54, 21)] == ["1 месяц", "3 месяца", "54 месяца", "21 месяц"]
    assert _months(Localizer("en"), 1) == "1 month" and _months(Localizer("en"), 54) == "54 months"
    fr = Localizer("fr", _catalog("fr", ("{n} mois", "{n} mois")))
    assert _months(fr, 54) == "54 mois"


def test_dates_are_written_the_local_way():
    import datetime as dt

    day = dt.date(2026, 11, 22)
    assert Localizer("en").date(day) == "November\u00a022,\u00a02026"  # never split across lines
    assert Localizer("fr").date(day) == "22\u00a0novembre\u00a02026"


def test_a_new_language_starts_with_plural_forms_that_agree_with_cldr(sandbox):
    """Babel's gettext table gives Turkish, Persian, Bengali and Filipino wrong Plural-Forms;
    `make new-language` must start each with a header the plural check accepts."""
    from generator.i18n.catalogs import Locales, init
    from generator.i18n.checks import check_languages

    for lang in ("tr", "fa", "bn", "tl", "pl"):
        path = sandbox / "locales" / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            path.unlink()
        init(Locales(sandbox / "locales"), lang)
        problems = check_languages(sandbox, [lang])[lang]
        assert problems and not [p for p in problems if "Plural-Forms" in p], (lang, problems[:2])


def test_a_translated_title_with_an_apostrophe_fills_a_placeholder():
    """Turkish and Somali write apostrophes (NET'iniz, su'aal): a translated title placed in
    another message must come out as text, never as a refused entity (&#39;)."""
    from markupsafe import Markup

    from generator.i18n import Localizer

    title = Localizer("en").msg(Msg("NET'iniz & <b>siz</b>", "x.yaml", 1))
    assert isinstance(title, Markup)
    out = Localizer("en").gettext("Sources: see the leaflet “{title}”.", title=title)
    assert str(out) == "Sources: see the leaflet “NET&#39;iniz &amp; siz”."
