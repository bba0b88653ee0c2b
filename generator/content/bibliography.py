"""The shared bibliography (content/bibliography.yaml) and Vancouver formatting.

References stay in their original language on every leaflet, as is usual in
medical publishing; only the heading above them is translated. Every reference a
handout cites carries an address (url or doi) and the date it was read (accessed),
so a reader or reviewer can check the fact (load.py enforces it for cited ones).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.content.model import ID, Reference
from generator.content.yamlsource import Map, Seq, load_yaml
from generator.errors import UserError, where

COMMON = ("url", "accessed")
TYPES = {
    "article": (("title", "journal", "year"), ("authors", "month", "volume", "issue", "pages", "doi", *COMMON)),
    "chapter": (("authors", "title", "book", "place", "publisher", "year"), ("updated", "doi", *COMMON)),
    "webpage": (("author", "title", "publisher"), ("place", "year", "updated", *COMMON)),
}
TEXT_FIELDS = ("title", "journal", "author", "book", "place", "publisher", "month", "pages", "updated", "url", "doi")


def load_bibliography(path: Path):
    """Return ({id: Reference}, problems)."""
    try:
        doc = load_yaml(path)
    except UserError as exc:
        return {}, [str(exc)]
    if not isinstance(doc, Seq):
        return {}, [f"{where(path, 1)}: the bibliography must be a list of references"]
    refs, problems = {}, []
    for entry in doc:
        if not isinstance(entry, Map):
            problems.append(f"{where(path, getattr(entry, 'line', None))}: each reference must be a map")
            continue
        rid, kind = str(entry.get("id", "")), str(entry.get("type", ""))
        if not ID.match(rid):
            problems.append(f"{where(path, entry.line)}: reference needs an 'id' such as singh-2017")
            continue
        if rid in refs:
            problems.append(f"{where(path, entry.line)}: duplicate reference id '{rid}' (first on line {refs[rid].line})")
            continue
        if kind not in TYPES:
            problems.append(f"{where(path, entry.line)}: reference '{rid}' needs 'type': {', '.join(TYPES)}")
            continue
        found = _entry_problems(path, entry, rid, kind)
        problems += found
        if not found:
            refs[rid] = Reference(rid, entry.line, {k: v for k, v in entry.items() if k != "editorial"})
    return refs, problems


def _entry_problems(path: Path, entry: Map, rid: str, kind: str) -> list[str]:
    """Unknown or missing keys and wrong types, each as file:line."""
    out = []
    at = lambda key: where(path, entry.key_lines.get(key, entry.line))  # noqa: E731
    required, optional = TYPES[kind]
    for key in entry:
        if key not in required + optional + ("id", "type", "editorial"):
            out.append(f"{at(key)}: unknown key '{key}' in {kind} reference '{rid}'; allowed: "
                       f"{', '.join(required + optional)}")
    for key in required:
        if key not in entry:
            out.append(f"{where(path, entry.line)}: {kind} reference '{rid}' is missing '{key}'")
    if not (entry.get("url") or entry.get("doi")):
        out.append(f"{where(path, entry.line)}: reference '{rid}' has no address; add url: (or doi: for an article), "
                   f"so a reader can check it")
    if "accessed" not in entry:
        out.append(f"{where(path, entry.line)}: reference '{rid}' has no 'accessed:' date; add the date it was read")
    for key in TEXT_FIELDS:
        if key in entry and not isinstance(entry[key], (str, int)):
            out.append(f"{at(key)}: '{key}' of reference '{rid}' must be text")
    if "authors" in entry:
        authors = entry["authors"]
        if not isinstance(authors, Seq) or not authors or not all(isinstance(a, str) for a in authors):
            out.append(f"{at('authors')}: 'authors' of reference '{rid}' must be a list such as "
                       f"[Singh S, Granberg D]")
    year = entry.get("year")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and 1800 < year < 2200
                                 or isinstance(year, str) and re.match(r"^(18|19|20|21)\d\d\b", year)):
        out.append(f"{at('year')}: 'year' of reference '{rid}' must be a year such as 2017 (or \"2023 Jan-\")")
    if "accessed" in entry and not isinstance(entry["accessed"], dt.date):
        out.append(f"{at('accessed')}: 'accessed' of reference '{rid}' must be the date it was read, YYYY-MM-DD")
    if "url" in entry and not str(entry["url"]).startswith(("https://", "http://")):
        out.append(f"{at('url')}: 'url' of reference '{rid}' must start with https://")
    return out


def _authors(names) -> str:
    names = [str(n) for n in names]
    # Vancouver: list the first six authors, then "et al."
    return ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")


def _cited(f: dict, cited: bool = True) -> str:
    """Vancouver's "[cited 2026 Nov 25]" and "Available from: <url>" for online sources."""
    s = ""
    if cited and f.get("accessed"):
        s += f" [cited {f['accessed'].strftime('%Y %b %d').replace(' 0', ' ')}]."
    if f.get("url"):
        s += f" Available from: {f['url']}"
    return s


def vancouver(f: dict, cited: bool = True) -> str:
    """One reference in Vancouver (NLM) style. `cited=False` leaves out "[cited date]", for a list
    that states once the date all its pages were read."""
    kind = f["type"]
    if kind == "article":
        s = f"{_authors(f['authors'])}. " if f.get("authors") else ""
        s += f"{f['title']}. {f['journal']}. {f['year']}"
        if f.get("month"):
            s += f" {f['month']}"
        if f.get("volume"):
            s += f";{f['volume']}"
            if f.get("issue"):
                s += f"({f['issue']})"
        if f.get("pages"):
            s += f":{f['pages']}"
        s += "."
        if f.get("doi"):
            s += f" doi:{f['doi']}"
        elif f.get("url"):
            s += _cited(f, cited)
        return s
    if kind == "chapter":
        s = f"{_authors(f['authors'])}. {f['title']}."
        if f.get("updated"):
            s += f" [Updated {f['updated']}]."
        s += f" In: {f['book']}. {f['place']}: {f['publisher']}; {f['year']}."
        return s + _cited(f, cited)
    s = f"{f['author']}. {f['title']} [Internet]."
    place = f"{f['place']}: " if f.get("place") else ""
    s += f" {place}{f['publisher']}"
    s += f"; {f['year']}." if f.get("year") else "."
    if f.get("updated"):
        s += f" [updated {f['updated']}]."
    return s + _cited(f, cited)
