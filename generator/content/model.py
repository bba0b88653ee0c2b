"""The content model every later stage reads: handouts, their messages, the bibliography.

Plain data only. Loading and validation live in load.py; formatting references in
bibliography.py. Nothing here imports another stage.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

PRODUCTS = ("leaflet", "large-print", "poster", "card", "card-sheet", "trifold")
# Print products made from another product's content (a handout's `products:` need not list them):
# a card sheet for every handout with a wallet card, a tri-fold brochure for every handout with a leaflet.
DERIVED_PRODUCTS = {"card-sheet": "card", "trifold": "leaflet"}
# Urgency levels, the same everywhere (docs/CONTENT.md): call the emergency number now;
# call the care team the same day; mention it at the next visit; plain information.
LEVELS = ("emergency", "same-day", "next-visit", "info")
GET_HELP_LEVELS = ("emergency", "same-day", "next-visit")
ROLES = ("about", "actions", "get-help", "questions", "support")
REQUIRED_ROLES = ("actions", "get-help", "questions")
NON_CLINICAL_ROLES = ("questions",)  # a question to ask states no fact, so it needs no citation
ALLOWED_TAGS = ("b", "i")  # inline markup a content string (and its translation) may use
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Var:
    """A value formatted by Babel for the reader's locale: number, percent or plural count."""

    kind: str
    value: float
    one: "Msg | None" = None
    other: "Msg | None" = None


@dataclass
class Msg:
    """One translatable string, with where it came from and what a translator or reviewer needs.

    `role` says what the string is on the page ("heading", "callout item:emergency", ...) and
    `section` the heading of the section it sits in, so review packs can show its context."""

    text: str
    file: str
    line: int
    context: str | None = None
    note: str | None = None
    vars: dict[str, Var] = field(default_factory=dict)
    role: str = ""
    section: str | None = None


@dataclass
class Fact:
    """One key figure: a big formatted value ("58%", "54 months") above a short label."""

    figure: Var
    label: Msg


@dataclass
class Block:
    kind: str  # paragraph | bullets | facts | callout
    line: int
    text: Msg | None = None
    items: list[Msg] = field(default_factory=list)
    title: Msg | None = None
    level: str | None = None
    facts: list[Fact] = field(default_factory=list)
    cite: list[str] = field(default_factory=list)
    pictogram: str | None = None  # a callout's own pictogram id (else its level's, docs/DESIGN.md)
    item_pictograms: list[str] = field(default_factory=list)  # one per item of a callout, or none


@dataclass
class Section:
    heading: Msg
    line: int
    role: str | None = None
    clinical: bool = True
    blocks: list[Block] = field(default_factory=list)
    pictogram: str | None = None  # shown beside the heading where a product has room


@dataclass
class Term:
    term: Msg
    meaning: Msg


@dataclass
class KeyPoints:
    items: list[Msg]
    cite: list[str]
    line: int


@dataclass
class Poster:
    headline: Msg
    symptoms: list[Msg]
    action: Msg
    cite: list[str]
    emergency: Block | None = None  # the "get help now" panel, always before routine advice
    pictograms: list[str | None] = field(default_factory=list)  # one per symptom (None: none named)


@dataclass
class Card:
    title: Msg
    statement: Msg
    fields: list[Msg]
    for_staff: list[Msg]
    cite: list[str]
    pictogram: str | None = None  # the card front's pictogram


@dataclass
class Handout:
    id: str
    file: str
    title: Msg
    summary: Msg
    products: list[str]
    published: dt.date
    next_review: dt.date
    version: str
    key_points: KeyPoints
    sections: list[Section]
    glossary: list[Term] = field(default_factory=list)
    poster: Poster | None = None
    card: Card | None = None

    def messages(self):
        """Every translatable string, in reading order (for extraction, checks and review)."""
        yield self.title
        yield self.summary
        yield from self.key_points.items
        for section in self.sections:
            yield section.heading
            for block in section.blocks:
                yield from block_messages(block)
        for term in self.glossary:
            yield term.term
            yield term.meaning
        if self.poster:
            yield self.poster.headline
            yield from self.poster.symptoms
            if self.poster.emergency:
                yield from block_messages(self.poster.emergency)
            yield self.poster.action
        if self.card:
            yield self.card.title
            yield self.card.statement
            yield from self.card.fields
            yield from self.card.for_staff

    def plurals(self) -> list[tuple[Msg, Msg]]:
        """(singular, plural) pairs of counted values such as "{n} month" / "{n} months"."""
        vars_ = [v for m in self.messages() for v in m.vars.values()]
        vars_ += [f.figure for s in self.sections for b in s.blocks for f in b.facts]
        return [(v.one, v.other) for v in vars_ if v.one]

    def citations(self) -> list[tuple[str, int]]:
        """(reference id, line) for every citation, in reading order of the leaflet."""
        out = [(ref, self.key_points.line) for ref in self.key_points.cite]
        for section in self.sections:
            for block in section.blocks:
                out += [(ref, block.line) for ref in block.cite]
        for extra in (self.poster, self.card):
            if extra:
                out += [(ref, 0) for ref in extra.cite]
        return out


def block_messages(block: Block):
    """A block's messages in reading order, plural forms after the string that uses them."""
    for m in (block.title, block.text, *block.items):
        if m is not None:
            yield m
            yield from _plural_forms(m.vars)
    for fact in block.facts:
        yield from _plural_forms({"figure": fact.figure})
        yield fact.label
        yield from _plural_forms(fact.label.vars)


def _plural_forms(variables: dict):
    for var in variables.values():
        if var.one:
            yield var.one
            yield var.other


@dataclass
class Reference:
    id: str
    line: int
    fields: dict

    @property
    def address(self) -> str | None:
        """The reference's web address or DOI: where a reader (or reviewer) can check it."""
        return self.fields.get("url") or self.fields.get("doi")


@dataclass
class Library:
    """Everything content/ holds, validated."""

    handouts: dict[str, Handout]
    references: dict[str, Reference]
