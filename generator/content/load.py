"""Load and validate content files (handouts, bibliography) into the model (model.py).

A handout is one YAML file in content/handouts/; docs/CONTENT.md describes the schema.
Validation collects every problem in one pass and reports each as file:line + what to do.
Clinical rules live here too: every block of a clinical section is cited, every cited
reference has an address and the date it was read, each handout says when to get help at
the three urgency levels, and a sign never sits at two levels in different places.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.content.model import (GET_HELP_LEVELS, LEVELS, NON_CLINICAL_ROLES, PLACEHOLDER, PRODUCTS,
                                     REQUIRED_ROLES, ROLES, Block, Card, Fact, Handout, ID, KeyPoints,
                                     Library, Msg, Poster, Section, Term, Var)
from generator.content.model import *  # noqa: F401,F403  (the model, for `from generator.content import ...`)
from generator.content.yamlsource import Map, Seq, load_yaml
from generator.errors import Problems, UserError, where
from generator.pictograms import NAMES as PICTOGRAMS


class _Checker:
    """Walks one parsed YAML document, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.file = str(path)
        self.problems: list[str] = []
        self.role = ""  # what the strings being read are on the page (Msg.role)
        self.section: str | None = None

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

    def pictogram(self, m: Map, what: str) -> str | None:
        """An optional `pictogram:` id (generator/pictograms/svg/<id>.svg); an unknown id is a problem."""
        if "pictogram" not in m:
            return None
        value, line = m["pictogram"], m.key_lines["pictogram"]
        if not isinstance(value, str) or str(value) not in PICTOGRAMS:
            self.fail(line, f"{what}: unknown pictogram '{value}'; use one of: {', '.join(PICTOGRAMS)} "
                            f"(or add generator/pictograms/svg/{value}.svg, see docs/DESIGN.md)")
            return None
        return str(value)

    def msg(self, value, what: str, role: str, implicit: dict | None = None, at: int | None = None,
            extra: tuple = ()) -> Msg | None:
        """A translatable string: plain text, or a map {text, note, context, vars}.

        `implicit` vars are given by the surrounding content (the {n} of a plural form); `at` is
        the line to name when the value carries none (a number, a missing key)."""
        self.role = role
        if value is _MISSING:
            return None  # the missing key is reported by keys()
        if isinstance(value, Map):
            if not self.keys(value, ("text",), ("note", "context", "vars", *extra), what):
                return None
            text = value["text"]
            if not isinstance(text, str):
                self.fail(value, f"{what}: 'text' must be a string")
                return None
            msg = Msg(str(text), self.file, text.line, _opt_str(value.get("context")), _opt_str(value.get("note")))
            msg.vars = self.vars(value.get("vars", Map()), what) if "vars" in value else dict(implicit or {})
        elif isinstance(value, str):
            msg = Msg(str(value), self.file, getattr(value, "line", None) or at or 0, vars=dict(implicit or {}))
        else:
            self.fail(_line(value) or at or 0, f"{what} must be text")
            return None
        msg.role, msg.section = role, self.section
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

    def var(self, name: str, spec, what: str, line_of) -> Var | None:
        """{number: 6}, {percent: 0.58} or {count: 54, one: "{n} month", other: "{n} months"}."""
        if not isinstance(spec, Map) or not spec:
            self.fail(line_of, f"{what}: '{name}' must be a map such as {{number: 6}}")
            return None
        if "count" in spec:
            if not self.keys(spec, ("count", "one", "other"), (), f"'{name}'"):
                return None
            count = spec["count"]
            if not isinstance(count, int) or isinstance(count, bool):
                self.fail(spec, f"'{name}': 'count' must be a whole number")
                return None
            n = {"n": Var("number", count)}
            role = f"{self.role} (plural)"
            one = self.msg(spec["one"], f"'{name}' singular", role, implicit=n)
            other = self.msg(spec["other"], f"'{name}' plural", role, implicit=n)
            return Var("plural", count, one, other) if one and other else None
        if len(spec) == 1 and next(iter(spec)) in ("number", "percent"):
            kind, value = next(iter(spec.items()))
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.fail(spec, f"'{name}': {kind} must be a number")
                return None
            if kind == "percent" and not 0 <= value <= 1:
                self.fail(spec, f"'{name}': percent is a fraction between 0 and 1 (58% is 0.58)")
            return Var(kind, value)
        self.fail(spec, f"'{name}': use one of number, percent, or count with one/other")
        return None

    def vars(self, m, what: str) -> dict[str, Var]:
        if not isinstance(m, Map):
            self.fail(_line(m), f"{what}: 'vars' must be a map of name: {{number|percent|count: ...}}")
            return {}
        out = {}
        for name, spec in m.items():
            var = self.var(name, spec, what, m.key_lines[name])
            if var:
                out[name] = var
        return out

    def msgs(self, value, what: str, role: str, most: int | None = None) -> list[Msg]:
        if not isinstance(value, Seq) or not value:
            self.fail(_line(value), f"{what} must be a non-empty list")
            return []
        if most and len(value) > most:
            self.fail(value, f"{what} has {len(value)} items; keep it to {most} at most")
        return [m for i, v in enumerate(value, 1) if (m := self.msg(v, f"{what} item {i}", role, at=value.line))]

    def cite(self, m: Map, what: str) -> list[str]:
        value = m.get("cite", Seq())
        if not isinstance(value, Seq) or not all(isinstance(v, str) for v in value):
            self.fail(m.key_lines.get("cite", m.line), f"{what}: 'cite' must be a list of reference ids, such as [singh-2017]")
            return []
        return [str(v) for v in value]

    def block(self, m, what: str, clinical: bool) -> Block | None:
        if not isinstance(m, Map):
            self.fail(_line(m), f"{what} must be a map with paragraph, bullets, facts or callout")
            return None
        kinds = [k for k in ("paragraph", "bullets", "facts", "callout") if k in m]
        if len(kinds) != 1:
            self.fail(m, f"{what} needs exactly one of paragraph, bullets, facts, callout")
            return None
        kind = kinds[0]
        self.keys(m, (kind,), ("cite",), what)
        block = Block(kind, m.line, cite=self.cite(m, what))
        if clinical and not block.cite:
            self.fail(m, f"{what}: uncited {kind} in a clinical section; add cite: [reference id] (every fact "
                         f"needs a source), or mark the section 'clinical: false' if it states no fact")
        if kind == "paragraph":
            block.text = self.msg(m["paragraph"], f"{what} paragraph", "paragraph", at=m.key_lines["paragraph"])
        elif kind == "bullets":
            block.items = self.msgs(m["bullets"], f"{what} bullets", "bullet")
        elif kind == "facts":
            block.facts = self.facts(m["facts"], what)
        else:
            callout = self.callout(m["callout"], what)
            if callout is None:
                return None
            block.title, block.text, block.items, block.level = callout.title, callout.text, callout.items, callout.level
            block.pictogram, block.item_pictograms = callout.pictogram, callout.item_pictograms
        return block

    def facts(self, value, what: str) -> list[Fact]:
        if not isinstance(value, Seq) or not 1 <= len(value) <= 4:
            self.fail(_line(value), f"{what}: 'facts' must be a list of 1 to 4 items with figure and label")
            return []
        out = []
        for i, item in enumerate(value, 1):
            if not isinstance(item, Map) or not self.keys(item, ("figure", "label"), (), f"{what} fact {i}"):
                if not isinstance(item, Map):
                    self.fail(_line(item), f"{what} fact {i} must be a map with figure and label")
                continue
            self.role = "key figure"
            figure = self.var("figure", item["figure"], f"{what} fact {i}", item.key_lines["figure"])
            label = self.msg(item["label"], f"{what} fact {i} label", "key figure label", at=item.key_lines["label"])
            if figure and label:
                out.append(Fact(figure, label))
        return out

    def callout(self, c, what: str, level: str | None = None) -> Block | None:
        """A box that is never split: level, title, and items and/or text."""
        if not isinstance(c, Map):
            self.fail(_line(c), f"{what}: callout must be a map with level, title, and items or text")
            return None
        required = ("title",) if level else ("level", "title")
        self.keys(c, required, ("items", "text", "pictogram"), f"{what} callout")
        block = Block("callout", c.line, level=level or str(c.get("level", "")))
        block.pictogram = self.pictogram(c, f"{what} callout")
        if block.level not in LEVELS:
            self.fail(c.key_lines.get("level", c.line),
                      f"{what}: callout level '{block.level}' must be one of {', '.join(LEVELS)}")
        role = lambda part: f"callout {part}:{block.level}"  # noqa: E731
        block.title = self.msg(c.get("title", _MISSING), f"{what} callout title", role("title"),
                               at=c.key_lines.get("title", c.line))
        if "items" in c:
            block.items, pictograms = self.labelled(c["items"], f"{what} callout items", role("item"))
            block.item_pictograms = pictograms if any(pictograms) else []
        block.text = (self.msg(c["text"], f"{what} callout text", role("text"), at=c.key_lines.get("text"))
                      if "text" in c else None)
        if "text" not in c and "items" not in c:
            self.fail(c, f"{what}: callout needs 'items' or 'text'")
        return block

    def date(self, m: Map, key: str):
        value = m.get(key)
        if not isinstance(value, dt.date):
            self.fail(m.key_lines.get(key, m.line), f"'{key}' must be a date written YYYY-MM-DD")
            return dt.date(1970, 1, 1)
        return value

    # -- the parts of a handout ------------------------------------------------
    def key_points(self, doc: Map) -> KeyPoints:
        k = doc.get("key_points")
        if not isinstance(k, Map) or not self.keys(k, ("items",), ("cite",), "key_points"):
            if "key_points" in doc and not isinstance(k, Map):
                self.fail(doc.key_lines["key_points"], "'key_points' must be a map with items and cite")
            return KeyPoints([], [], 0)
        points = KeyPoints(self.msgs(k["items"], "key_points", "key point", most=6), self.cite(k, "key_points"),
                           k.key_lines.get("cite", k.line))
        if not points.cite:
            self.fail(k, "key_points: add cite: [reference id] for the facts they sum up")
        return points

    def sections(self, doc: Map) -> list[Section]:
        raw = doc.get("sections")
        if not isinstance(raw, Seq) or not raw:
            self.fail(doc.key_lines.get("sections", 1), "'sections' must be a non-empty list")
            return []
        sections = []
        for i, s in enumerate(raw, 1):
            what = f"section {i}"
            if not isinstance(s, Map):
                self.fail(_line(s) or doc.line, f"{what} must be a map with heading and blocks")
                continue
            self.keys(s, ("heading", "blocks"), ("role", "clinical", "pictogram"), what)
            section_pictogram = self.pictogram(s, what)
            role = s.get("role")
            if role is not None and role not in ROLES:
                self.fail(s.key_lines["role"], f"{what}: role '{role}' must be one of {', '.join(ROLES)}")
            clinical = s.get("clinical", role not in NON_CLINICAL_ROLES)
            if not isinstance(clinical, bool):
                self.fail(s.key_lines["clinical"], f"{what}: 'clinical' must be true or false")
                clinical = True
            if not clinical and role not in NON_CLINICAL_ROLES and "editorial" not in s:
                self.fail(s.key_lines["clinical"], f"{what}: 'clinical: false' needs an editorial note saying "
                                                   f"why this section states no fact that needs a source")
            self.section = None
            heading = self.msg(s.get("heading", _MISSING), f"{what} heading", "heading", at=s.key_lines.get("heading", s.line))
            self.section = heading.text if heading else None
            blocks_raw = s.get("blocks")
            if not isinstance(blocks_raw, Seq) or not blocks_raw:
                self.fail(s, f"{what}: 'blocks' must be a non-empty list")
                blocks_raw = []
            blocks = [blk for j, raw_block in enumerate(blocks_raw, 1)
                      if (blk := self.block(raw_block, f"{what} block {j}", clinical))]
            self.section = None
            if heading:
                section = Section(heading, s.line, str(role) if role else None, clinical, blocks, section_pictogram)
                if section.role == "get-help":
                    self.get_help_levels(section, what)
                sections.append(section)
        for role in REQUIRED_ROLES:
            count = sum(s.role == role for s in sections)
            if count != 1:
                self.fail(doc.key_lines.get("sections", 1),
                          f"{'no section has' if not count else f'{count} sections have'} role '{role}'; "
                          f"every handout needs exactly one (docs/CONTENT.md)")
        return sections

    def get_help_levels(self, section: Section, what: str):
        """'When to get help' names all three levels, most urgent first (docs/CONTENT.md)."""
        levels = [b.level for b in section.blocks if b.kind == "callout"]
        if levels != list(GET_HELP_LEVELS):
            self.fail(section.line, f"{what} (role get-help) must have exactly three callouts, with levels "
                                    f"{', '.join(GET_HELP_LEVELS)} in that order (it has: {', '.join(levels) or 'none'})")

    def glossary(self, doc: Map) -> list[Term]:
        raw = doc.get("glossary")
        if not isinstance(raw, Seq) or not 1 <= len(raw) <= 8:
            self.fail(doc.key_lines.get("glossary", 1), "'glossary' must list 1 to 8 words explained "
                                                         "(term and meaning), the words a reader may not know")
            return []
        out = []
        for i, item in enumerate(raw, 1):
            if not isinstance(item, Map):
                self.fail(_line(item), f"glossary item {i} must be a map with term and meaning")
                continue
            if not self.keys(item, ("term", "meaning"), (), f"glossary item {i}"):
                continue
            term = self.msg(item["term"], f"glossary item {i} term", "glossary term", at=item.key_lines["term"])
            meaning = self.msg(item["meaning"], f"glossary item {i} meaning", "glossary meaning",
                               at=item.key_lines["meaning"])
            if term and meaning:
                out.append(Term(term, meaning))
        return out

    def poster(self, doc: Map) -> Poster | None:
        p = doc["poster"]
        if not isinstance(p, Map):
            self.fail(doc.key_lines["poster"], "'poster' must be a map with headline, symptoms and action")
            return None
        if not self.keys(p, ("headline", "symptoms", "action"), ("emergency", "cite"), "poster"):
            return None
        headline = self.msg(p["headline"], "poster headline", "poster headline", at=p.key_lines["headline"])
        symptoms, pictograms = self.labelled(p["symptoms"], "poster symptoms", "poster symptom", most=6)
        emergency = self.callout(p["emergency"], "poster emergency", level="emergency") if "emergency" in p else None
        action = self.msg(p["action"], "poster action", "poster action", at=p.key_lines["action"])
        cite = self.cite(p, "poster")
        if not cite:
            self.fail(p, "poster: add cite: [reference id] for its signs")
        if headline and action:
            return Poster(headline, symptoms, action, cite, emergency, pictograms)
        return None

    def labelled(self, value, what: str, role: str, most: int | None = None) -> tuple[list[Msg], list[str | None]]:
        """A list whose items are text, or maps {text, pictogram} (the text stays the message id, so
        naming a pictogram changes no translation). Every item names a pictogram, or none does."""
        if not isinstance(value, Seq) or not value:
            self.fail(_line(value), f"{what} must be a non-empty list")
            return [], []
        if most and len(value) > most:
            self.fail(value, f"{what} has {len(value)} items; keep it to {most} at most")
        msgs, pictograms, named = [], [], 0
        for i, v in enumerate(value, 1):
            m = self.msg(v, f"{what} item {i}", role, at=value.line, extra=("pictogram",))
            if m:
                msgs.append(m)
                pictograms.append(self.pictogram(v, f"{what} item {i}") if isinstance(v, Map) else None)
                named += isinstance(v, Map) and "pictogram" in v
        if named and named != len(msgs):
            self.fail(value, f"{what}: {named} of {len(msgs)} items name a pictogram; give every item "
                             f"one (text: ..., pictogram: ...) or none, so the list reads as one")
        return msgs, pictograms

    def card(self, doc: Map) -> Card | None:
        k = doc["card"]
        if not isinstance(k, Map):
            self.fail(doc.key_lines["card"], "'card' must be a map with title, statement, fields and for_staff")
            return None
        if not self.keys(k, ("title", "statement", "fields", "for_staff"), ("cite", "pictogram"), "card"):
            return None
        title = self.msg(k["title"], "card title", "card title", at=k.key_lines["title"])
        statement = self.msg(k["statement"], "card statement", "card statement", at=k.key_lines["statement"])
        fields = self.msgs(k["fields"], "card fields", "card field", most=6)
        for_staff = self.msgs(k["for_staff"], "card for_staff", "card for staff", most=6)
        cite = self.cite(k, "card")
        if not cite:
            self.fail(k, "card: add cite: [reference id] for what it tells emergency staff")
        if title and statement:
            return Card(title, statement, fields, for_staff, cite, self.pictogram(k, "card"))
        return None


_MISSING = object()  # a key that is not there (keys() reports it once)


def _line(node) -> int:
    return getattr(node, "line", 0)


def _opt_str(v):
    return None if v is None else str(v)


def load_handout(path: Path) -> tuple[Handout | None, list[str]]:
    """Parse and validate one handout file; returns (handout or None, problems)."""
    try:
        doc = load_yaml(path)
    except UserError as exc:
        return None, [str(exc)]
    c = _Checker(path)
    if not isinstance(doc, Map):
        c.fail(1, "a handout file must be a map (id, title, sections, ...)")
        return None, c.problems
    c.keys(doc, ("id", "title", "summary", "products", "published", "next_review", "version", "key_points",
                 "sections", "glossary"), ("poster", "card"), "handout")
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
    version = doc.get("version")
    if not isinstance(version, str):
        c.fail(doc.key_lines.get("version", 1), "'version' must be text in quotes, such as \"2.0\"")
    title = c.msg(doc.get("title", _MISSING), "title", "title", at=doc.key_lines.get("title", 1))
    summary = c.msg(doc.get("summary", _MISSING), "summary", "summary", at=doc.key_lines.get("summary", 1))
    key_points = c.key_points(doc)
    sections = c.sections(doc)
    glossary = c.glossary(doc)
    poster = c.poster(doc) if "poster" in doc else None
    card = c.card(doc) if "card" in doc else None
    for name in ("poster", "card"):
        if name in products and name not in doc:
            c.fail(doc.key_lines.get("products", 1), f"products include '{name}' but there is no '{name}' section")
    if c.problems:
        return None, c.problems
    return Handout(hid, str(path), title, summary, list(map(str, products)), published, next_review,
                   str(version), key_points, sections, glossary, poster, card), []


def load_library(root: Path) -> Library:
    """Load content/: every handout and the bibliography; raise Problems listing everything wrong."""
    library, problems = read_library(root)
    found = [line for lines in problems.values() for line in lines]
    if found:
        raise Problems(list(dict.fromkeys(found)))
    return library


def read_library(root: Path) -> tuple[Library, dict[str, list[str]]]:
    """Every valid handout, and the problems of the others ({handout id or "": problems}), so one
    broken handout never stops the rest from building ("" holds problems shared by all)."""
    from generator.content.bibliography import load_bibliography

    problems: dict[str, list[str]] = {}
    bib_path = root / "bibliography.yaml"
    references, ref_problems = load_bibliography(bib_path)
    if ref_problems:
        problems[""] = ref_problems
    handouts: dict[str, Handout] = {}
    files = sorted((root / "handouts").glob("*.yaml"))
    if not files:
        problems.setdefault("", []).append(f"{where(root / 'handouts')}: no handout files (*.yaml) found")
    for path in files:
        handout, found = load_handout(path)
        if handout:
            found += _citation_problems(handout, references, bib_path)
        if found:
            problems[path.stem] = found
        else:
            handouts[handout.id] = handout
    for hid, line in _level_conflicts(handouts.values()):
        problems.setdefault(hid, []).append(line)
    for hid in problems:
        handouts.pop(hid, None)
    return Library(handouts, references), problems


def _citation_problems(handout: Handout, references: dict, bib_path: Path) -> list[str]:
    """Every citation resolves to a reference with an address and the date it was read."""
    out = []
    for ref, line in handout.citations():
        here = where(handout.file, line or None)
        if ref not in references:
            out.append(f"{here}: unknown reference id '{ref}'; add it to content/bibliography.yaml or fix the id")
            continue
        r = references[ref]
        if not r.address or "accessed" not in r.fields:
            missing = " and ".join(m for m, ok in (("a web address (url) or DOI", r.address),
                                                    ("the date it was read (accessed)", "accessed" in r.fields)) if not ok)
            out.append(f"{here}: cites '{ref}', which lacks {missing} in {where(bib_path, r.line)}; "
                       f"add it, so a reader can check the fact")
    return list(dict.fromkeys(out))


def _level_conflicts(handouts) -> list[tuple[str, str]]:
    """(handout id, problem): the same sign must not sit at two urgency levels in different places."""
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for h in handouts:
        blocks = [b for s in h.sections for b in s.blocks if b.kind == "callout" and b.level in GET_HELP_LEVELS]
        if h.poster and h.poster.emergency:
            blocks.append(h.poster.emergency)
        for block in blocks:
            for item in block.items:
                key = " ".join(item.text.lower().split()).rstrip(".")
                if key in seen and seen[key][0] != block.level:
                    level, place = seen[key]
                    problems.append((h.id, f"{where(item.file, item.line)}: '{item.text[:50]}' is at level "
                                           f"{block.level} here but at level {level} in {place}; a sign has one "
                                           f"level everywhere"))
                seen.setdefault(key, (block.level, where(item.file, item.line)))
    return problems
