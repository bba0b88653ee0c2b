"""Stage 2: translate and format for one language.

A Localizer turns content messages and template strings into safe markup for one
locale: the catalogue's translation (never a fuzzy one), placeholders filled with
numbers, percentages and plurals formatted by Babel, inline markup re-emitted by
markup.to_markup so nothing from a catalogue can inject layout markup.
"""

from __future__ import annotations

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from generator.content import PLACEHOLDER, Msg, Var
from generator.errors import UserError
from generator.i18n.plurals import PluralFormsError, compile_plural
from generator.markup import to_markup

SOURCE_LANGUAGE = "en"


class MissingTranslation(Exception):
    def __init__(self, lang: str, msgid: str):
        super().__init__(f"{lang}: message {msgid[:60]!r} is not translated")


# The zero of each decimal numbering system a shipped locale may default to (CLDR numberingSystems).
NUMBERING_ZERO = {"latn": "0", "arab": "\u0660", "arabext": "\u06f0", "beng": "\u09e6", "deva": "\u0966",
                  "tamldec": "\u0be6", "gujr": "\u0ae6", "guru": "\u0a66", "mymr": "\u1040", "thai": "\u0e50"}


def numbering_system(locale: Locale) -> str:
    """The locale's own numbering system (CLDR: Persian 'arabext' ۱۲۳, Bengali 'beng' ১২৩; most 'latn')."""
    system = locale.default_numbering_system
    return system if system in NUMBERING_ZERO else "latn"


def digits_for(locale: Locale) -> str:
    """The ten digits the locale writes numbers with, 0 to 9."""
    zero = ord(NUMBERING_ZERO[numbering_system(locale)])
    return "".join(chr(zero + i) for i in range(10))


def locale_for(lang: str) -> Locale:
    """Babel's locale for a language code; the pseudo-language is formatted as English."""
    return Locale.parse("en" if lang == "pseudo" else lang)


class Localizer:
    """Everything a template needs to speak one language."""

    def __init__(self, lang: str, catalog=None, review_status: str = "unreviewed"):
        self.lang = lang
        self.locale = locale_for(lang)
        self.rtl = self.locale.character_order == "right-to-left"
        # Numbers, percentages, dates and page numbers in the locale's own digits (Babel formats
        # with the numbering system's separators but always writes Latin digits).
        self.numbering = numbering_system(self.locale)
        self.digits = digits_for(self.locale)
        self._native = str.maketrans("0123456789", self.digits)
        self.review_status = review_status
        self._strings: dict[tuple[str | None, str], object] = {}
        self._plural = lambda n: int(n != 1)
        if catalog is not None:
            # Our own bounded parser, never gettext.c2py's eval: the header comes from a contributor.
            self._plural = compile_plural(catalog.plural_expr)
            for m in catalog:
                if m.id and not m.fuzzy and m.string and all(m.string if isinstance(m.string, tuple) else [m.string]):
                    key = m.id[0] if isinstance(m.id, tuple) else m.id
                    self._strings[(m.context, key)] = m.string

    # -- lookups -----------------------------------------------------------
    def _lookup(self, msgid: str, context: str | None) -> str:
        if self.lang == SOURCE_LANGUAGE:
            return msgid
        try:
            found = self._strings[(context, msgid)]
        except KeyError:
            raise MissingTranslation(self.lang, msgid) from None
        return found[0] if isinstance(found, tuple) else found

    def _lookup_plural(self, one: str, other: str, n: int, context: str | None) -> str:
        if self.lang == SOURCE_LANGUAGE:
            return one if n == 1 else other
        try:
            forms = self._strings[(context, one)]
        except KeyError:
            raise MissingTranslation(self.lang, one) from None
        if not isinstance(forms, tuple):
            return forms
        try:
            index = self._plural(n)
        except PluralFormsError as exc:
            raise UserError(f"{self.lang}: Plural-Forms fails for {n} ({exc}); run `python -m generator check`") from None
        if not 0 <= index < len(forms):
            raise UserError(f"{self.lang}: Plural-Forms gives form {index} for {n} but {one!r} has {len(forms)} "
                            f"forms; run `python -m generator check`")
        return forms[index]

    # -- formatting --------------------------------------------------------
    def number(self, value) -> str:
        return format_decimal(value, locale=self.locale, numbering_system=self.numbering).translate(self._native)

    def digits_of(self, text: str) -> str:
        """Text (a version such as "2.0") with its digits in the locale's own ("۲.۰" in Persian)."""
        return text.translate(self._native)

    def percent(self, value) -> str:
        text = format_percent(value, locale=self.locale, numbering_system=self.numbering).translate(self._native)
        if self.numbering == "latn":
            return text
        sign = self.locale.number_symbols.get(self.numbering, {}).get("percentSign", "%")
        return text.replace("%", sign.strip("\u200e\u200f\u061c"))  # Persian ٪

    def date(self, value) -> str:
        """A long date ("22 ноября 2027 г."), held together on one line with no-break spaces."""
        return format_date(value, format="long", locale=self.locale).translate(self._native).replace(" ", "\u00a0")

    def _format_var(self, var: Var) -> str:
        if var.kind == "number":
            return self.number(var.value)
        if var.kind == "percent":
            return self.percent(var.value)
        form = self._lookup_plural(var.one.text, var.other.text, var.value, var.one.context)
        return _fill(form, {"n": self.number(var.value)})

    # -- what templates call -------------------------------------------------
    def value(self, var: Var) -> Markup:
        """A key figure on its own ("58 %", "54 месяца"), formatted for the locale."""
        return to_markup(self._format_var(var))

    def msg(self, m: Msg | None) -> Markup:
        """A content message, translated and formatted."""
        if m is None:
            return Markup("")
        text = self._lookup(m.text, m.context)
        values = {name: self._format_var(var) for name, var in m.vars.items()}
        return to_markup(text, lambda s: _fill(s, values))

    def gettext(self, msgid: str, **values) -> Markup:
        return self.pgettext(None, msgid, **values)

    def pgettext(self, context: str | None, msgid: str, **values) -> Markup:
        text = self._lookup(msgid, context)
        shown = {k: _as_text(v) for k, v in values.items()}
        return to_markup(text, lambda s: _fill(s, shown))

    def ngettext(self, one: str, other: str, n: int, **values) -> Markup:
        text = self._lookup_plural(one, other, n, None)
        shown = {"n": self.number(n), **{k: _as_text(v) for k, v in values.items()}}
        return to_markup(text, lambda s: _fill(s, shown))


def _as_text(value) -> str:
    """A value for a {placeholder}: plain text. An already translated, escaped Markup (a handout
    title in "see the leaflet “{title}”") gives its text, not its entities (&#39;), which
    to_markup would refuse; to_markup escapes the result again."""
    return value.striptags() if isinstance(value, Markup) else str(value)


def _fill(text: str, values: dict) -> str:
    """Replace {name} placeholders; anything else in braces is left as it is."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

