"""The messages a handout prints, in reading order: its content, then the template strings of
its products (the product templates and the shared _*.j2 macros), each once.

Each message is identified as the catalogue identifies it, (msgctxt, msgid), and carries a
digest of its English: the context and every English form (singular and plural), so any
change to what a reader would see changes the digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIGEST_CHARS = 32  # 128 bits of SHA-256: short enough for a readable record, far beyond forging


def digest(value) -> str:
    """SHA-256 (first 128 bits, hex) of a JSON-encoded value: the canonical form of a message."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


@lru_cache(maxsize=16384)
def source_digest(context: str | None, forms: tuple[str, ...]) -> str:
    return digest(["source", context, list(forms)])


@lru_cache(maxsize=16384)
def translation_digest(forms: tuple[str, ...]) -> str:
    return digest(["translation", list(forms)])


@dataclass(frozen=True)
class Printed:
    """One message a handout prints."""

    context: str | None
    forms: tuple[str, ...]     # the English: (msgid,) or (singular, plural)
    origin: str                # "content" or "template"
    where: str                 # file:line, relative to the project
    section: str | None = None  # the heading of the section it sits in (content)
    role: str = ""             # what it is on the page: "heading", "callout item:emergency", ...
    note: str | None = None    # the author's note to translators

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.forms[0])

    @property
    def digest(self) -> str:
        return source_digest(self.context, self.forms)


@lru_cache(maxsize=1024)
def _relative_str(path: str, project: str) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path(project).resolve()))
    except ValueError:
        return str(p)


def _relative(path, project: Path) -> str:
    return _relative_str(str(path), str(project))


def _plural_pairs(handout) -> list:
    if hasattr(handout, "plurals"):
        return list(handout.plurals())
    return [(v.one, v.other) for m in handout.messages() for v in m.vars.values() if v.one is not None]


def content_messages(project: Path, handout) -> list[Printed]:
    """The handout's own strings in reading order; a plural pair is one message (as in the .po)."""
    pairs = _plural_pairs(handout)
    singular = {id(one): other for one, other in pairs}
    plural = {id(other) for _, other in pairs}
    out: list[Printed] = []
    for m in handout.messages():
        if id(m) in plural:
            continue
        forms = (m.text, singular[id(m)].text) if id(m) in singular else (m.text,)
        out.append(Printed(m.context, forms, "content", f"{_relative(m.file, project)}:{m.line}",
                           getattr(m, "section", None), getattr(m, "role", "") or "", getattr(m, "note", None)))
    return out


_TEMPLATE_CACHE: dict = {}


def template_messages(project: Path) -> dict[str, list[Printed]]:
    """Every template's strings by template file name, extracted as `make extract` does (babel.cfg's
    Jinja2 mapping). Cached per process for unchanged template files."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    from generator.i18n.extract import COMMENT_TAGS, KEYWORDS

    cfg = project / "babel.cfg"
    with open(cfg, encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    method_map = [(pattern, method) for pattern, method in method_map if method == "jinja2"]
    files = sorted(p for pattern, _ in method_map for p in project.glob(pattern.replace("**.", "**/*.")))
    key = (str(project.resolve()), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if key in _TEMPLATE_CACHE:
        return _TEMPLATE_CACHE[key]
    found: dict[str, list[Printed]] = {}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(project), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        forms = tuple(message) if isinstance(message, (tuple, list)) else (message,)
        forms = tuple(f for f in forms if f is not None)
        name = Path(filename).name
        found.setdefault(name, []).append(
            Printed(context, forms, "template", f"{filename}:{lineno}", None, f"template {name}",
                    " ".join(comments) or None))
    _TEMPLATE_CACHE.clear()
    _TEMPLATE_CACHE[key] = found
    return found


def product_templates(products) -> list[str]:
    return [f"{product}.xml.j2" for product in products]


def printed_messages(project: Path, handout) -> list[Printed]:
    """Everything a handout's pages print, each message once, in reading order: its content, then the
    template strings of its products' templates and of the shared macros (_*.j2)."""
    templates = template_messages(project)
    names = product_templates(handout.products) + sorted(n for n in templates if n.startswith("_"))
    out: list[Printed] = []
    seen: set = set()
    for m in content_messages(project, handout) + [m for name in names for m in templates.get(name, [])]:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out
