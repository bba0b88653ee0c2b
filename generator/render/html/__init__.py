"""Stage 4, second builder: the web edition. Fills the HTML templates with the same localized
handout a PDF template gets (generator.layout.localized) and returns HTML text.

The templates (generator/layout/templates/html/*.html.j2) own the page: what goes where, the
CSS and its colours (from the theme). This module only hands them data. Autoescaping is on: text
from a catalogue arrives as escaped Markup (only <b>/<i> survive, generator/markup.py), and any
plain string (a reference, the clinic's name) is escaped here. Nothing from a catalogue is ever
marked safe unescaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.layout import ENV as LAYOUT_ENV
from generator.layout import TEMPLATES

_URL = re.compile(r"https?://[^\s<>\"]+")
_DOI = re.compile(r"\bdoi:(10\.[0-9]{4,9}/[^\s<>\"]+)")


def linkify(text) -> Markup:
    """A reference as HTML: escaped text, its web address and DOI as links (no trailing dot)."""
    html = str(escape(text))

    def link(url: str, label: str) -> str:
        tail = ""
        while url and url[-1] in ".,;:)":
            tail = url[-1] + tail
            url = url[:-1]
            label = label[:-1]
        return f'<a href="{url}">{label}</a>{tail}'

    html = _URL.sub(lambda m: link(m.group(0), m.group(0)), html)
    html = _DOI.sub(lambda m: "doi:" + link("https://doi.org/" + m.group(1), m.group(1)), html)
    return Markup(html)


def cite_links(numbers: str, prefix: str = "ref-") -> Markup:
    """'1,3' -> superscript links to the reference list (the PDF's <cite>1,3</cite>)."""
    if not numbers:
        return Markup("")
    links = ",".join(f'<a href="#{prefix}{int(n)}">{int(n)}</a>' for n in str(numbers).split(","))
    return Markup(f'<sup class="cite">{links}</sup>')


_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_ATTRS = {"d", "cx", "cy", "r", "x", "y", "width", "height", "rx", "x1", "y1", "x2", "y2", "points", "fill",
              "transform"}


@cache
def pictogram_svg(name: str) -> Markup:
    """One of the project's pictograms (generator/pictograms/svg) as inline SVG, hidden from screen
    readers (a text label is always beside it). Only the drawing subset the pictogram module
    accepts is copied, so the page shows what the PDF draws. Empty if the set or the id is missing."""
    try:
        from generator.pictograms import NAMES, outline, path
    except ImportError:
        return Markup("")
    if name not in NAMES:
        return Markup("")
    outline(name)  # raises PictogramError naming the file for anything outside the subset
    root = ET.fromstring(path(name).read_text(encoding="utf-8"))
    parts = []
    for el in root.iter():
        tag = el.tag.replace("{%s}" % _SVG_NS, "")
        if tag in ("svg", "title"):
            continue
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in sorted(el.attrib.items()) if k in _SVG_ATTRS)
        parts.append(f"<{tag}{attrs}/>")
    return Markup('<svg class="picto" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" '
                  'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
                  + "".join(parts) + "</svg>")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["linkify"] = linkify
    env.filters["cites"] = cite_links
    env.globals["pictogram"] = pictogram_svg
    for name, function in LAYOUT_ENV.filters.items():  # _common.j2's own filters (pt, plain, ...)
        env.filters.setdefault(name, function)
    return env


ENV = _environment()


def render_page(template: str, context: dict) -> str:
    """One page of the site: html/<template>.html.j2 filled with `context`."""
    return ENV.get_template(f"html/{template}.html.j2").render(context)


def visible_text(html: str) -> str:
    """The characters a page shows (for font subsetting): text outside tags, entities decoded."""
    import html as html_module

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", body)
    # alt and aria-label text is read aloud, and shown when an image is missing
    attrs = " ".join(re.findall(r'\b(?:alt|aria-label|title)="([^"]*)"', body))
    return html_module.unescape(text + " " + attrs)


__all__ = ["render_page", "linkify", "cite_links", "pictogram_svg", "visible_text"]
