"""The shared bibliography (content/bibliography.yaml) and Vancouver formatting.

References stay in their original language on every leaflet, as is usual in
medical publishing; only the heading above them is translated.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import UserError, where
from generator.content.yamlsource import Map, Seq, load_yaml

TYPES = {
    "article": (("title", "journal", "year"), ("authors", "month", "volume", "issue", "pages", "doi")),
    "chapter": (("authors", "title", "book", "place", "publisher", "year"), ("updated", "doi")),
    "webpage": (("author", "title", "publisher"), ("place", "year", "url")),
}


def load_bibliography(path: Path):
    """Return ({id: Reference}, problems)."""
    from generator.content import ID, Reference

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
        required, optional = TYPES[kind]
        for key in entry:
            if key not in required + optional + ("id", "type", "editorial"):
                problems.append(f"{where(path, entry.key_lines[key])}: unknown key '{key}' in {kind} reference '{rid}'")
        for key in required:
            if key not in entry:
                problems.append(f"{where(path, entry.line)}: {kind} reference '{rid}' is missing '{key}'")
        fields = {k: v for k, v in entry.items() if k != "editorial"}
        refs[rid] = Reference(rid, entry.line, fields)
    return refs, problems


def _authors(names) -> str:
    names = [str(n) for n in names]
    # Vancouver: list the first six authors, then "et al."
    return ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")


def vancouver(f: dict) -> str:
    """One reference in Vancouver (NLM) style."""
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
        return s
    if kind == "chapter":
        s = f"{_authors(f['authors'])}. {f['title']}."
        if f.get("updated"):
            s += f" [Updated {f['updated']}]."
        s += f" In: {f['book']}. {f['place']}: {f['publisher']}; {f['year']}."
        return s
    s = f"{f['author']}. {f['title']} [Internet]."
    place = f"{f['place']}: " if f.get("place") else ""
    s += f" {place}{f['publisher']}"
    s += f"; {f['year']}." if f.get("year") else "."
    if f.get("url"):
        s += f" Available from: {f['url']}"
    return s
