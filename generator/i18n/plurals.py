"""Plural-Forms from an untrusted .po header: parsed safely, checked against CLDR.

A catalogue's `Plural-Forms: nplurals=N; plural=EXPR;` decides which msgstr[i] a
number gets. It comes from outside contributors, so:
- nothing is `eval`ed: EXPR is parsed here by a small recursive-descent parser for
  the C subset gettext allows (n, integers, ! * / % + - < <= > >= == != && || ?: and
  parentheses), bounded in length, nesting and literal size, compiled to closures;
- nplurals must be 1..6 (CLDR has at most six categories: zero one two few many other);
- the expression is evaluated for the whole numbers 0..1099 (every n % 10 and n % 100
  pattern the CLDR rules test) and must give, for each, the form of that number's CLDR
  category, categories numbered in CLDR order among those whole numbers reach
  (Russian: one=0 few=1 many=2; Arabic: zero=0 one=1 two=2 few=3 many=4 other=5).
"""

from __future__ import annotations

import re
from functools import cache

MAX_PLURALS = 6
MAX_EXPRESSION = 1000  # characters; the longest CLDR-derived expression is about 400
MAX_DEPTH = 60
SAMPLES = range(0, 1100)
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


class PluralFormsError(ValueError):
    """The header's Plural-Forms cannot be used; the message says what is wrong."""


_TOKEN = re.compile(r"\s*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[<>!?:()+\-*/%]))")


def _tokenize(expr: str) -> list[str]:
    tokens, pos = [], 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            bad = expr[pos:].strip()[:10]
            raise PluralFormsError(f"unexpected {bad!r} in the plural expression")
        number, var, op = m.groups()
        if number is not None and len(number) > 9:
            raise PluralFormsError(f"number {number[:12]}... in the plural expression is too large")
        tokens.append(number or var or op)
        pos = m.end()
    return tokens


class _Parser:
    """C precedence: ?: < || < && < == != < < <= > >= < + - < * / % < unary !."""

    _BINARY = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"))

    def __init__(self, tokens: list[str]):
        self.tokens, self.pos, self.depth = tokens, 0, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, want=None):
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            got = "the end" if tok is None else repr(tok)
            raise PluralFormsError(f"expected {want!r} but found {got} in the plural expression" if want else
                                   "the plural expression ends too early")
        self.pos += 1
        return tok

    def parse(self):
        if not self.tokens:
            raise PluralFormsError("the plural expression is empty")
        fn = self.ternary()
        if self.peek() is not None:
            raise PluralFormsError(f"unexpected {self.peek()!r} in the plural expression")
        return fn

    def _enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise PluralFormsError("the plural expression is nested too deeply")

    def ternary(self):
        self._enter()
        cond = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            self.depth -= 1
            return lambda n: yes(n) if cond(n) else no(n)
        self.depth -= 1
        return cond

    def binary(self, level: int):
        if level == len(self._BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self._BINARY[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = _combine(op, left, right)
        return left

    def unary(self):
        tok = self.peek()
        if tok == "!":  # gettext's grammar has no unary minus or plus
            self.take()
            self._enter()
            inner = self.unary()
            self.depth -= 1
            return lambda n: int(not inner(n))
        if tok == "(":
            self.take("(")
            inner = self.ternary()
            self.take(")")
            return inner
        if tok == "n":
            self.take()
            return lambda n: n
        if tok is not None and tok.isdigit():
            value = int(self.take())
            return lambda n: value
        self.take()  # raises "ends too early" at the end of input
        raise PluralFormsError(f"unexpected {tok!r} in the plural expression")


def _div(a: int, b: int) -> int:
    if b == 0:
        raise PluralFormsError("the plural expression divides by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q  # C truncates toward zero


def _mod(a: int, b: int) -> int:
    return a - b * _div(a, b)


def _combine(op, left, right):
    ops = {
        "||": lambda n: int(bool(left(n)) or bool(right(n))),
        "&&": lambda n: int(bool(left(n)) and bool(right(n))),
        "==": lambda n: int(left(n) == right(n)), "!=": lambda n: int(left(n) != right(n)),
        "<": lambda n: int(left(n) < right(n)), "<=": lambda n: int(left(n) <= right(n)),
        ">": lambda n: int(left(n) > right(n)), ">=": lambda n: int(left(n) >= right(n)),
        "+": lambda n: left(n) + right(n), "-": lambda n: left(n) - right(n),
        "*": lambda n: _bounded(left(n) * right(n)),
        "/": lambda n: _div(left(n), right(n)), "%": lambda n: _mod(left(n), right(n)),
    }
    return ops[op]


def _bounded(value: int) -> int:
    if abs(value) > 10**30:
        raise PluralFormsError("the plural expression computes an absurdly large number")
    return value


def compile_plural(expr: str):
    """A function n -> form index from a gettext plural expression, or PluralFormsError."""
    if len(expr) > MAX_EXPRESSION:
        raise PluralFormsError(f"the plural expression is {len(expr)} characters long (at most {MAX_EXPRESSION})")
    return _Parser(_tokenize(expr)).parse()


def parse_plural_forms(value: str) -> tuple[int, str]:
    """(nplurals, expression) from a Plural-Forms header value, bounded; or PluralFormsError."""
    fields = {}
    for part in value.split(";"):
        name, eq, val = part.partition("=")
        if eq:
            fields[name.strip().lower()] = val.strip()
    raw = fields.get("nplurals")
    if raw is None:
        raise PluralFormsError("Plural-Forms has no nplurals=")
    if not raw.isdigit() or len(raw) > 2 or not 1 <= int(raw) <= MAX_PLURALS:
        raise PluralFormsError(f"nplurals={raw[:20]} is not a number from 1 to {MAX_PLURALS}")
    if "plural" not in fields:
        raise PluralFormsError("Plural-Forms has no plural=")
    expr = fields["plural"]
    compile_plural(expr)
    return int(raw), expr


@cache
def cldr_forms(lang: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(categories in form order, expected form for each n in SAMPLES) from Babel's CLDR rules."""
    from generator.i18n.localizer import locale_for

    rule = locale_for(lang).plural_form
    cats = [rule(n) for n in SAMPLES]
    order = tuple(c for c in CLDR_ORDER if c in cats)
    return order, tuple(order.index(c) for c in cats)


def mismatch(lang: str, nplurals: int, expr: str) -> str | None:
    """None if (nplurals, expr) gives every sample number its CLDR form; else what is wrong, in words."""
    order, expected = cldr_forms(lang)
    if nplurals != len(order):
        return f"says nplurals={nplurals} but {lang} has {len(order)} plural forms ({', '.join(order)}) in CLDR"
    try:
        fn = compile_plural(expr)
        for n in _TELLING + [n for n in SAMPLES if n not in _TELLING]:
            got, want = fn(n), expected[n]
            if got != want:
                return (f"gives form {got} for {n}, but CLDR puts {n} in form {want} ('{order[want]}') for {lang}")
    except PluralFormsError as exc:
        return f"cannot be used: {exc}"
    return None


_TELLING = [1, 2, 3, 4, 5, 11, 21, 22, 54, 100, 101, 102, 0]  # reported first: the numbers a reader recognises


@cache
def suggestion(lang: str) -> str | None:
    """A correct `nplurals=..; plural=..;` for the language: Babel's gettext table, else Babel's CLDR one."""
    from babel.messages.plurals import get_plural
    from babel.plural import to_gettext

    from generator.i18n.localizer import locale_for

    locale = locale_for(lang)
    for candidate in (get_plural(locale).plural_forms, to_gettext(locale.plural_form)):
        try:
            nplurals, expr = parse_plural_forms(candidate.rstrip().rstrip(";"))
        except PluralFormsError:
            continue
        if mismatch(lang, nplurals, expr) is None:
            return f"nplurals={nplurals}; plural={expr};"
    return None
