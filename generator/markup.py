"""Inline markup allowed in content strings and translations, and nothing else.

Every string from content or a catalogue is untrusted text. It may carry only
<b>...</b> and <i>...</i> (properly nested, no attributes). Everything else (other
tags, entities, control characters, bidirectional overrides) is refused with a
message, and what passes is re-emitted by us, escaped, so no string can inject
layout markup, images, fonts or links (see CVE-2023-33733 for why this matters).
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

ALLOWED = ("b", "i")
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:.-]*)([^<>]*)>")
_LOOKS_LIKE_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


class MarkupProblem(ValueError):
    """Why a string's markup is refused, phrased for the person who wrote it."""


def parse_inline(text: str) -> list[tuple[str, str]]:
    """Split text into ('text', s) / ('open', tag) / ('close', tag) tokens, or raise MarkupProblem."""
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise MarkupProblem(f"bidirectional override character U+{ord(ch):04X} is not allowed; delete it")
        if unicodedata.category(ch) == "Cc" and ch != "\n":
            raise MarkupProblem(f"control character U+{ord(ch):04X} is not allowed; delete it")
    if m := _ENTITY.search(text):
        raise MarkupProblem(f"entity {m.group(0)} is not allowed; type the character itself")
    tokens: list[tuple[str, str]] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        tokens.append(("text", text[pos:m.start()]))
        closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
        if name not in ALLOWED:
            raise MarkupProblem(f"tag <{name}> is not allowed; only {', '.join(f'<{t}>' for t in ALLOWED)} may be used")
        if rest.strip():
            raise MarkupProblem(f"tag <{name}> may not have attributes ({rest.strip()[:30]})")
        if closing:
            if not stack or stack[-1] != name:
                expected = f"</{stack[-1]}>" if stack else "no closing tag"
                raise MarkupProblem(f"</{name}> closes nothing open here (expected {expected})")
            stack.pop()
            tokens.append(("close", name))
        else:
            if name in stack:
                raise MarkupProblem(f"<{name}> is nested inside another <{name}>")
            stack.append(name)
            tokens.append(("open", name))
        pos = m.end()
    tokens.append(("text", text[pos:]))
    if stack:
        raise MarkupProblem(f"<{stack[-1]}> is never closed; add </{stack[-1]}>")
    for kind, value in tokens:
        if kind == "text" and _LOOKS_LIKE_TAG.search(value):
            raise MarkupProblem("text contains something that looks like a tag; only <b> and <i> are allowed")
    return [t for t in tokens if t != ("text", "")]


def to_markup(text: str, fill=None) -> Markup:
    """Escape text and re-emit only the allowed tags; `fill` formats {placeholders} in text parts."""
    out = []
    for kind, value in parse_inline(text):
        if kind == "open":
            out.append(f"<{value}>")
        elif kind == "close":
            out.append(f"</{value}>")
        else:
            out.append(str(escape(fill(value) if fill else value)))
    return Markup("".join(out))


def plain(text: str) -> str:
    """The string without its inline tags (for readability, metadata and search)."""
    return "".join(v for k, v in parse_inline(text) if k == "text")
