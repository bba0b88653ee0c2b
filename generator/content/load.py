"""Stage 1: load and validate content files (handouts, bibliography).

A handout is one YAML file in content/handouts/; docs/CONTENT.md describes the schema.
Validation collects every problem in one pass and reports each as file:line + what to do.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problems, where
from generator.content.yamlsource import Map, Seq, load_yaml

PRODUCTS = ("leaflet", "large-print", "poster", "card")
SEVERITIES = ("urgent", "warning", "info")
ROLES = ("get-help", "questions", "resources")
REQUIRED_ROLES = ("get-help", "questions")
ALLOWED_TAGS = ("b", "i")  # inline markup a content string (and its translation) may use
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# ---------------------------------------------------------------- data model

@dataclass
class Var:
    """A value formatted by Babel for the reader's locale: number, percent or plural count."""

    kind: str
    value: float
    one: "Msg | None" = None
    other: "Msg | None" = None


@dataclass
class Msg:
    """One translatable string, with where it came from and what a translator needs."""

    text: str
    file: str
    line: int
    context: str | None = None
    note: str | None = None
    vars: dict[str, Var] = field(default_factory=dict)


@dataclass
class Block:
    kind: str  # paragraph | bullets | callout
    line: int
    text: Msg | None = None
    items: list[Msg] = field(default_factory=list)
    title: Msg | None = None
    severity: str | None = None
    cite: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: Msg
    line: int
    role: str | None = None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Poster:
    headline: Msg
    symptoms: list[Msg]
    cite: list[str]
    callout: Block | None = None


@dataclass
class Card:
    title: Msg
    statement: Msg
    for_staff: list[Msg]
    cite: list[str]


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
    sections: list[Section]
    poster: Poster | None = None
    card: Card | None = None

    def messages(self):
        """Every translatable string, in reading order (for extraction and checks)."""
        yield self.title
        yield self.summary
        for section in self.sections:
            yield section.heading
            for block in section.blocks:
                yield from _block_messages(block)
        if self.poster:
            yield self.poster.headline
            yield from self.poster.symptoms
            if self.poster.callout:
                yield from _block_messages(self.poster.callout)
        if self.card:
            yield self.card.title
            yield self.card.statement
            yield from self.card.for_staff

    def citations(self) -> list[tuple[str, int]]:
        """(reference id, line) for every citation, in reading order."""
        out = []
        for section in self.sections:
            for block in section.blocks:
                out += [(ref, block.line) for ref in block.cite]
        for extra in (self.poster, self.card):
            if extra:
                out += [(ref, 0) for ref in extra.cite]
        return out


def _block_messages(block: Block):
    for m in (block.title, block.text, *block.items):
        if m is not None:
            yield m
            for var in m.vars.values():
                if var.one:
                    yield var.one
                    yield var.other


@dataclass
class Reference:
    id: str
    line: int
    fields: dict

    def vancouver(self) -> str:
        from generator.content.bibliography import vancouver

        return vancouver(self.fields)


@dataclass
class Library:
    """Everything content/ holds, validated."""

    handouts: dict[str, Handout]
    references: dict[str, Reference]


# ---------------------------------------------------------------- validation

class _Checker:
    """Walks one parsed YAML document, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.file = str(path)
        self.problems: list[str] = []

    def fail(self, node_or_line, message: str):
        line = node_or_line if isinstance(node_or_line, int) else getattr(node_or_line, "line", None)
        self.problems.append(f"{where(self.path, line)}: {message}")

    def keys(self, m: Map, required: tuple, optional: tuple, what: str) -> bool:
        ok = True
        for key in m:
            if key not in required + optional + ("editorial",):
                allowed = ", ".join(required + optional)
                self.fail(m.key_lines[key], f"unknown key '{key}' in {what}; allowed: {allowed}")
                ok = False
        for key in required:
            if key not in m:
                self.fail(m, f"{what} is missing '{key}'")
                ok = False
        return ok

    def msg(self, value, what: str, implicit: dict | None = None) -> Msg | None:
        """A translatable string: plain text, or a map {text, note, context, vars}.

        `implicit` vars are given by the surrounding content (the {n} of a plural form)."""
        if isinstance(value, Map):
            if not self.keys(value, ("text",), ("note", "context", "vars"), what):
                return None
            text = value["text"]
            if not isinstance(text, str):
                self.fail(value, f"{what}: 'text' must be a string")
                return None
            msg = Msg(str(text), self.file, text.line, _opt_str(value.get("context")), _opt_str(value.get("note")))
            msg.vars = self.vars(value.get("vars", Map()), what) if "vars" in value else dict(implicit or {})
        elif isinstance(value, str):
            msg = Msg(str(value), self.file, value.line, vars=dict(implicit or {}))
        else:
            self.fail(value if hasattr(value, "line") else 0, f"{what} must be text")
            return None
        self.text_rules(msg, what)
        return msg

    def text_rules(self, msg: Msg, what: str):
        text = msg.text
        if not text.strip():
            self.fail(msg.line, f"{what} is empty")
        if text != text.strip():
            self.fail(msg.line, f"{what} has leading or trailing spaces; remove them")
        names = set(PLACEHOLDER.findall(text))
        if names != set(msg.vars):
            missing = sorted(names - set(msg.vars))
            unused = sorted(set(msg.vars) - names)
            if missing:
                self.fail(msg.line, f"{what}: placeholder {{{missing[0]}}} has no value under 'vars'")
            if unused:
                self.fail(msg.line, f"{what}: var '{unused[0]}' is not used as {{{unused[0]}}} in the text")
        from generator.markup import MarkupProblem, parse_inline

        try:
            parse_inline(text)
        except MarkupProblem as exc:
            self.fail(msg.line, f"{what}: {exc}")

    def vars(self, m, what: str) -> dict[str, Var]:
        out = {}
        if not isinstance(m, Map):
            self.fail(m if hasattr(m, "line") else 0, f"{what}: 'vars' must be a map of name: {{number|percent|count: ...}}")
            return out
        for name, spec in m.items():
            if not isinstance(spec, Map) or not spec:
                self.fail(m.key_lines[name], f"{what}: var '{name}' must be a map such as {{number: 6}}")
                continue
            if "count" in spec:
                if not self.keys(spec, ("count", "one", "other"), (), f"var '{name}'"):
                    continue
                count = spec["count"]
                if not isinstance(count, int) or isinstance(count, bool):
                    self.fail(spec, f"var '{name}': 'count' must be a whole number")
                    continue
                n = {"n": Var("number", count)}
                one = self.msg(spec["one"], f"var '{name}' singular", implicit=n)
                other = self.msg(spec["other"], f"var '{name}' plural", implicit=n)
                out[name] = Var("plural", count, one, other)
            elif len(spec) == 1 and next(iter(spec)) in ("number", "percent"):
                kind, value = next(iter(spec.items()))
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    self.fail(spec, f"var '{name}': {kind} must be a number")
                    continue
                if kind == "percent" and not 0 <= value <= 1:
                    self.fail(spec, f"var '{name}': percent is a fraction between 0 and 1 (58% is 0.58)")
                out[name] = Var(kind, value)
            else:
                self.fail(spec, f"var '{name}': use one of number, percent, or count with one/other")
        return out

    def msgs(self, value, what: str) -> list[Msg]:
        if not isinstance(value, Seq) or not value:
            self.fail(value if hasattr(value, "line") else 0, f"{what} must be a non-empty list")
            return []
        return [m for i, v in enumerate(value, 1) if (m := self.msg(v, f"{what} item {i}"))]

    def cite(self, m: Map, what: str) -> list[str]:
        value = m.get("cite", Seq())
        if not isinstance(value, Seq) or not all(isinstance(v, str) for v in value):
            self.fail(m, f"{what}: 'cite' must be a list of reference ids, such as [singh-2017]")
            return []
        return [str(v) for v in value]

    def block(self, m, what: str) -> Block | None:
        if not isinstance(m, Map):
            self.fail(m if hasattr(m, "line") else 0, f"{what} must be a map with paragraph, bullets or callout")
            return None
        kinds = [k for k in ("paragraph", "bullets", "callout") if k in m]
        if len(kinds) != 1:
            self.fail(m, f"{what} needs exactly one of paragraph, bullets, callout")
            return None
        kind = kinds[0]
        self.keys(m, (kind,), ("cite",), what)
        block = Block(kind, m.line, cite=self.cite(m, what))
        if kind == "paragraph":
            block.text = self.msg(m["paragraph"], f"{what} paragraph")
        elif kind == "bullets":
            block.items = self.msgs(m["bullets"], f"{what} bullets")
        else:
            callout = self.callout(m["callout"], what)
            if callout is None:
                return None
            block.title, block.text, block.items, block.severity = callout.title, callout.text, callout.items, callout.severity
        return block

    def callout(self, c, what: str) -> Block | None:
        """An urgent/warning/info box: severity, title, and text and/or items."""
        if not isinstance(c, Map):
            self.fail(c if hasattr(c, "line") else 0, f"{what}: callout must be a map with severity, title, text")
            return None
        self.keys(c, ("severity", "title"), ("text", "items"), f"{what} callout")
        block = Block("callout", c.line, severity=str(c.get("severity", "")))
        if block.severity not in SEVERITIES:
            self.fail(c, f"{what}: callout severity '{block.severity}' must be one of {', '.join(SEVERITIES)}")
        block.title = self.msg(c.get("title", ""), f"{what} callout title")
        block.text = self.msg(c["text"], f"{what} callout text") if "text" in c else None
        block.items = self.msgs(c["items"], f"{what} callout items") if "items" in c else []
        if "text" not in c and "items" not in c:
            self.fail(c, f"{what}: callout needs 'text' or 'items'")
        return block

    def date(self, m: Map, key: str):
        value = m.get(key)
        if not isinstance(value, dt.date):
            self.fail(m.key_lines.get(key, m.line), f"'{key}' must be a date written YYYY-MM-DD")
            return dt.date(1970, 1, 1)
        return value


def _opt_str(v):
    return None if v is None else str(v)


def load_handout(path: Path) -> tuple[Handout | None, list[str]]:
    """Parse and validate one handout file; returns (handout or None, problems)."""
    from generator.errors import UserError

    try:
        doc = load_yaml(path)
    except UserError as exc:
        return None, [str(exc)]
    c = _Checker(path)
    if not isinstance(doc, Map):
        c.fail(1, "a handout file must be a map (id, title, sections, ...)")
        return None, c.problems
    c.keys(doc, ("id", "title", "summary", "products", "published", "next_review", "version", "sections"),
           ("poster", "card"), "handout")
    hid = str(doc.get("id", path.stem))
    if not ID.match(hid):
        c.fail(doc.key_lines.get("id", 1), f"id '{hid}' must be lower-case words joined by hyphens")
    elif hid != path.stem:
        c.fail(doc.key_lines["id"], f"id '{hid}' must match the file name '{path.stem}'")
    products = doc.get("products", Seq())
    if not isinstance(products, Seq) or not products or any(p not in PRODUCTS for p in products):
        c.fail(doc.key_lines.get("products", 1), f"'products' must list some of: {', '.join(PRODUCTS)}")
        products = [p for p in products if p in PRODUCTS] if isinstance(products, Seq) else []
    published, next_review = c.date(doc, "published"), c.date(doc, "next_review")
    if next_review <= published:
        c.fail(doc.key_lines.get("next_review", 1), "'next_review' must be after 'published'")
    sections = []
    raw_sections = doc.get("sections")
    if not isinstance(raw_sections, Seq) or not raw_sections:
        c.fail(doc.key_lines.get("sections", 1), "'sections' must be a non-empty list")
        raw_sections = []
    for i, s in enumerate(raw_sections, 1):
        what = f"section {i}"
        if not isinstance(s, Map):
            c.fail(s if hasattr(s, "line") else doc, f"{what} must be a map with heading and blocks")
            continue
        c.keys(s, ("heading", "blocks"), ("role",), what)
        role = s.get("role")
        if role is not None and role not in ROLES:
            c.fail(s.key_lines["role"], f"{what}: role '{role}' must be one of {', '.join(ROLES)}")
        heading = c.msg(s.get("heading", ""), f"{what} heading")
        blocks_raw = s.get("blocks")
        if not isinstance(blocks_raw, Seq) or not blocks_raw:
            c.fail(s, f"{what}: 'blocks' must be a non-empty list")
            blocks_raw = []
        blocks = [blk for j, raw in enumerate(blocks_raw, 1) if (blk := c.block(raw, f"{what} block {j}"))]
        if heading:
            sections.append(Section(heading, s.line, str(role) if role else None, blocks))
    roles = {s.role for s in sections}
    for role in REQUIRED_ROLES:
        if role not in roles:
            c.fail(doc.key_lines.get("sections", 1), f"no section has role '{role}'; every handout needs one")

    poster = card = None
    if "poster" in doc:
        p = doc["poster"]
        if isinstance(p, Map) and c.keys(p, ("headline", "symptoms"), ("cite", "callout"), "poster"):
            callout = c.callout(p["callout"], "poster") if "callout" in p else None
            poster = Poster(c.msg(p["headline"], "poster headline"), c.msgs(p["symptoms"], "poster symptoms"),
                            c.cite(p, "poster"), callout)
    if "poster" in products and poster is None and "poster" not in doc:
        c.fail(doc.key_lines.get("products", 1), "products include 'poster' but there is no 'poster' section")
    if "card" in doc:
        k = doc["card"]
        if isinstance(k, Map) and c.keys(k, ("title", "statement", "for_staff"), ("cite",), "card"):
            card = Card(c.msg(k["title"], "card title"), c.msg(k["statement"], "card statement"),
                        c.msgs(k["for_staff"], "card for_staff"), c.cite(k, "card"))
    if "card" in products and card is None and "card" not in doc:
        c.fail(doc.key_lines.get("products", 1), "products include 'card' but there is no 'card' section")

    title = c.msg(doc.get("title", ""), "title")
    summary = c.msg(doc.get("summary", ""), "summary")
    if c.problems:
        return None, c.problems
    return Handout(hid, str(path), title, summary, list(map(str, products)), published, next_review,
                   str(doc["version"]), sections, poster, card), []


def load_library(root: Path) -> Library:
    """Load content/: every handout and the bibliography; raise Problems listing everything wrong."""
    from generator.content.bibliography import load_bibliography

    problems: list[str] = []
    references, ref_problems = load_bibliography(root / "bibliography.yaml")
    problems += ref_problems
    handouts: dict[str, Handout] = {}
    files = sorted((root / "handouts").glob("*.yaml"))
    if not files:
        problems.append(f"{where(root / 'handouts')}: no handout files (*.yaml) found")
    for path in files:
        handout, found = load_handout(path)
        problems += found
        if handout:
            handouts[handout.id] = handout
            for ref, line in handout.citations():
                if ref not in references:
                    problems.append(f"{where(path, line or None)}: unknown reference id '{ref}'; add it to "
                                    f"content/bibliography.yaml or fix the id")
    if problems:
        raise Problems(problems)
    return Library(handouts, references)
