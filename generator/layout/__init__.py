"""Stage 3: fill a product's Jinja2 template with one handout in one language.

The template (generator/templates/<product>.xml.j2) owns the layout; this module
hands it localized, escaped data and the page size. Autoescaping is on, so any
text that is not our own Markup is escaped: a translation cannot add elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.content.bibliography import vancouver
from generator.content.model import Block, Handout, Library
from generator.i18n import Localizer
from generator.clinic import Clinic
from generator.markup import plain
from generator.layout.theme import load_theme

TEMPLATES = Path(__file__).parent / "templates"
MM = 72 / 25.4

# Trim sizes in points (1/72 in).
PAPERS = {
    "a4": (210 * MM, 297 * MM),
    "letter": (8.5 * 72, 11 * 72),
    "a3": (297 * MM, 420 * MM),
    "tabloid": (11 * 72, 17 * 72),
    "id-1": (85.6 * MM, 54 * MM),
}
# Which paper each product uses in the ISO and the US paper families.
PRODUCT_PAPERS = {
    "leaflet": {"iso": "a4", "us": "letter"},
    "large-print": {"iso": "a4", "us": "letter"},
    "poster": {"iso": "a3", "us": "tabloid"},
    "card": {"iso": "id-1", "us": "id-1"},
    "card-sheet": {"iso": "a4", "us": "letter"},  # cards imposed on office paper (docs/PRINTING.md)
    "trifold": {"iso": "a4", "us": "letter"},  # turned to landscape by its template
}
# Fixed-size products shrink a text that does not fit, down to this scale, then the build fails.
SHRINK_LIMITS = {"poster": 0.8, "card": 0.85, "card-sheet": 0.85}
# Leaflets never shrink their type (12 pt, 18 pt): a long translation gets tighter line and
# paragraph spacing, down to this factor, then the build fails.
SPACING_LIMITS = {"leaflet": 0.86, "large-print": 0.9, "trifold": 0.86}
# CLDR supplemental data, measurementData/paperSize: the territories that use US Letter.
LETTER_TERRITORIES = {"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"}


def paper_family(lang: str) -> str:
    """'us' for Letter territories, else 'iso', from the locale's (likely) territory."""
    from babel import Locale
    from babel.core import get_global

    from generator.i18n import locale_for

    locale = locale_for(lang)
    territory = locale.territory or Locale.parse(get_global("likely_subtags").get(locale.language, lang)).territory
    return "us" if territory in LETTER_TERRITORIES else "iso"


FAMILY_OF_PAPER = {"a4": "iso", "a3": "iso", "letter": "us", "tabloid": "us"}
PAPER_CHOICES = ("auto", "all", *PAPERS)


def papers_for(product: str, lang: str, requested: str) -> list[str]:
    """Papers to build: 'auto' follows the region, 'all' gives both families, a paper name forces
    that family (--paper a4 also makes posters A3); 'id-1' only concerns the card."""
    choices = PRODUCT_PAPERS[product]
    if requested == "auto":
        return [choices[paper_family(lang)]]
    if requested == "all":
        return list(dict.fromkeys(choices.values()))
    if requested == "id-1":
        return ["id-1"] if product == "card" else []
    return [choices[FAMILY_OF_PAPER[requested]]]


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plain"] = lambda m: plain(str(m)) if isinstance(m, Markup) or isinstance(m, Item) else str(m)
    env.filters["pt"] = lambda v: f"{float(v):.2f}"
    return env


ENV = _environment()


def cite_numbers(handout: Handout) -> dict[str, int]:
    """Vancouver numbering: references numbered in order of first citation in this handout."""
    numbers: dict[str, int] = {}
    for ref, _ in handout.citations():
        numbers.setdefault(ref, len(numbers) + 1)
    return numbers


def _cites(ids: list[str], numbers: dict[str, int]) -> str:
    return ",".join(str(n) for n in sorted({numbers[i] for i in ids}))


class Item(dict):
    """A labelled item {"text": Markup, "pictogram": id or None} (docs/CONTENT.md) that still prints as its
    text where a template writes {{ item }}."""

    def __html__(self):
        return self["text"].__html__()

    def __str__(self):
        return str(self["text"])


def _block(block: Block, loc: Localizer, numbers: dict[str, int]) -> dict:
    return {"kind": block.kind, "level": block.level, "title": loc.msg(block.title),
            "text": loc.msg(block.text) if block.text else None,
            "items": [Item(text=loc.msg(m), pictogram=pic)
                      for m, pic in zip(block.items, block.item_pictograms or [None] * len(block.items), strict=True)],
            "facts": [{"figure": loc.value(f.figure), "label": loc.msg(f.label)} for f in block.facts],
            "cites": _cites(block.cite, numbers), "pictogram": block.pictogram}


def _references(numbers: dict[str, int], library: Library, loc: Localizer) -> dict:
    """The numbered reference list. When every online source was read on the same day, the date
    is said once ("read on ...") instead of "[cited ...]" in each entry: shorter, same facts."""
    refs = [library.references[ref].fields for ref in numbers]
    dates = {f["accessed"] for f in refs if f.get("accessed") and (f.get("url") and not f.get("doi"))}
    once = len(dates) == 1
    return {"references": [(n, vancouver(f, cited=not once)) for n, f in zip(numbers.values(), refs, strict=True)],
            "references_read": loc.date(dates.pop()) if once else None}


def localized(handout: Handout, loc: Localizer, library: Library) -> dict:
    """The handout as a template sees it: translated Markup, citation numbers, references."""
    numbers = cite_numbers(handout)
    view = {
        "id": handout.id, "title": loc.msg(handout.title), "summary": loc.msg(handout.summary),
        "version": loc.digits_of(str(handout.version)), "published": loc.date(handout.published),
        "published_iso": handout.published.isoformat(), "next_review": loc.date(handout.next_review),
        "key_points": {"items": [loc.msg(m) for m in handout.key_points.items],
                       "cites": _cites(handout.key_points.cite, numbers)},
        "sections": [{"heading": loc.msg(s.heading), "role": s.role, "pictogram": s.pictogram,
                      "blocks": [_block(b, loc, numbers) for b in s.blocks]} for s in handout.sections],
        "glossary": [{"term": loc.msg(t.term), "meaning": loc.msg(t.meaning)} for t in handout.glossary],
        **_references(numbers, library, loc),
        "poster": None, "card": None,
    }
    if handout.poster:
        p = handout.poster
        view["poster"] = {"headline": loc.msg(p.headline),
                          "symptoms": [Item(text=loc.msg(m), pictogram=pic)
                                       for m, pic in zip(p.symptoms, p.pictograms or [None] * len(p.symptoms),
                                                         strict=True)],
                          "action": loc.msg(p.action), "cites": _cites(p.cite, numbers),
                          "emergency": _block(p.emergency, loc, numbers) if p.emergency else None}
    if handout.card:
        c = handout.card
        view["card"] = {"title": loc.msg(c.title), "statement": loc.msg(c.statement), "pictogram": c.pictogram,
                        "fields": [loc.msg(m) for m in c.fields], "for_staff": [loc.msg(m) for m in c.for_staff]}
    return view


def layout_xml(product: str, paper: str, handout: Handout, loc: Localizer, library: Library, clinic: Clinic,
               options: dict | None = None) -> str:
    """Render the product's template to layout XML (see docs/LAYOUT.md)."""
    from generator.review import template_context  # reviews/<lang>.toml decides what the review label says

    width, height = PAPERS[paper]
    digits = loc.digits  # the locale's own digits (Persian ۰۱۲۳, Bengali ০১২৩), for page numbers
    context = {
        "product": product, "paper": paper, "page": {"width": width, "height": height},
        "lang": loc.lang.replace("_", "-"), "rtl": loc.rtl, "dir": "rtl" if loc.rtl else "ltr",
        "h": localized(handout, loc, library), "clinic": clinic, "digits": digits,
        "review_status": loc.review_status, "source_language": loc.lang == "en",
        "review": template_context(handout, loc),
        "_": loc.gettext, "gettext": loc.gettext, "pgettext": loc.pgettext, "ngettext": loc.ngettext,
        "options": {"bleed": 0, "crop_marks": False, "cmyk": False, "scale": 1.0, "spacing": 1.0, **(options or {})},
        "mm": MM, "theme": load_theme(), "qr_url": qr_url(clinic, loc.lang, handout.id),
    }
    return ENV.get_template(f"{product}.xml.j2").render(context)


def site_page(lang: str, handout_id: str) -> str:
    """Where a handout's page is in the web edition (generator/build/site.py), relative to the site."""
    return f"{lang}/{handout_id}.html"


def qr_url(clinic: Clinic, lang: str, handout_id: str) -> str:
    """What a poster's QR code opens: the handout's web page in the poster's language when the clinic
    publishes the site (clinic.toml site_url), else the clinic's resources page."""
    site = getattr(clinic, "site_url", "")
    return f"{site.rstrip('/')}/{site_page(lang, handout_id)}" if site else clinic.resources_url
