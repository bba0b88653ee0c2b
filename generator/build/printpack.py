"""Print packs: one PDF per language and paper family, everything to print in one file.

`python -m generator print-pack --lang L` builds (or reuses) every product of the language through
the ordinary build, then joins them behind a cover page (print-pack-cover.xml.j2) that lists each
part: its pages in the pack, handout, product, paper and printer settings, and the review status of
the translation. Parts come in print order, grouped so that a printer's settings change as seldom as
possible: duplex portrait sheets first, then tri-folds (short-edge duplex), card sheets (100%), and
the single-sided posters on the larger paper last.

The pack's page count is the cover's plus every part's, nothing added or dropped. It is a file to
print from and to read: render/pdf/join.py joins the parts with pikepdf, page for page, and their
structure trees into one (each part a Part element in its own language), so the pack is tagged too.
The single ID-1 card is not in the pack: its front and back are on the card sheet, exactly.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UserError

# Print order (see the module docstring) and which products a pack holds.
PACK_PRODUCTS = ("leaflet", "large-print", "trifold", "card-sheet", "poster")
# A pack per paper family, named after its sheet paper; posters use the family's larger paper.
FAMILIES = {"a4": ("a4", "a3"), "letter": ("letter", "tabloid")}


@dataclass
class Pack:
    lang: str
    paper: str
    file: str
    pages: int
    parts: list[dict] = field(default_factory=list)


@dataclass
class PackResult:
    packs: list[Pack] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: what is missing and why


def _pack_papers(lang: str, requested: str) -> list[str]:
    from generator.layout import paper_family

    if requested == "auto":
        return ["letter" if paper_family(lang) == "us" else "a4"]
    if requested == "all":
        return ["a4", "letter"]
    if requested in ("a4", "a3"):
        return ["a4"]
    if requested in ("letter", "tabloid"):
        return ["letter"]
    raise UserError(f"--paper {requested}: a print pack is made for a4, letter, auto or all")


def print_packs(settings, langs=None, paper: str = "auto", jobs=None, progress=sys.stderr) -> tuple[PackResult, object]:
    """Build what the packs need, then write output/<lang>/print-pack-<paper>.pdf for every language
    whose parts all built. Returns the packs and problems, and the build's summary."""
    from generator.build import Workspace, build, plan
    from generator.build.output import Manifest

    if paper not in ("auto", "all", "a4", "a3", "letter", "tabloid"):
        _pack_papers("", paper)
    import generator.build as b

    summary = build(settings, langs, None, list(PACK_PRODUCTS), "all" if paper == "all" else paper, jobs, progress)
    ws = b._WORKSPACE or Workspace(settings)  # the build's own: content, catalogues and fonts already loaded
    langs = langs or ["en", *ws.locales.shipped()]
    result = PackResult()
    manifest = Manifest(settings.out)
    handouts = sorted(ws.library.handouts)
    for lang in langs:
        if lang in summary.skipped_languages:
            result.problems.append(f"{lang}: no print pack: the language was left out of the build (see above)")
            continue
        for pack_paper in _pack_papers(lang, paper):
            family = FAMILIES[pack_paper]
            wanted = [job for job in plan(ws, [lang], handouts, list(PACK_PRODUCTS), "all") if job.paper in family]
            wanted.sort(key=lambda j: (PACK_PRODUCTS.index(j.product), handouts.index(j.handout)))
            missing = [job for job in wanted if job.file not in manifest.entries]
            if missing:
                result.problems.append(f"{lang}: no {pack_paper} print pack: {len(missing)} part(s) did not build, "
                                       f"first {missing[0].label()} (see the messages above)")
                continue
            if summary.skipped_handouts:
                result.problems.append(f"{lang}: the {pack_paper} print pack leaves out handout(s) "
                                       f"{', '.join(sorted(summary.skipped_handouts))} (content problems above)")
            result.packs.append(_write_pack(settings, ws, manifest, lang, pack_paper, wanted))
    manifest.save()
    return result, summary


def _write_pack(settings, ws, manifest, lang: str, pack_paper: str, jobs) -> Pack:
    from generator.build.output import sha256, write_atomic
    from generator.markup import plain
    from generator.render.pdf.join import join

    loc = ws.localizer(lang)
    parts = []
    for job in jobs:
        entry = manifest.entries[job.file]
        parts.append({"file": job.file, "pages": entry["pages"], "handout": job.handout, "product": job.product,
                      "paper": job.paper, "reviewed": entry.get("review_status", {}).get("label") == "reviewed",
                      "title": loc.msg(ws.library.handouts[job.handout].title)})
    cover, cover_pages = _cover(settings, ws, lang, pack_paper, parts)

    product_names = _product_names(loc)
    title = plain(str(loc.gettext("Print pack: {language}", language=_language_name(lang))))
    outline = [title] + [f"{plain(str(p['title']))} · {product_names[p['product']]}" for p in parts]
    data, pages = join([cover] + [settings.out / p["file"] for p in parts], outline, title, lang.replace("_", "-"))
    expected = cover_pages + sum(p["pages"] for p in parts)
    if pages != expected:  # a guard, not a user's mistake
        raise RuntimeError(f"print pack {lang} {pack_paper}: {pages} pages, expected {expected}")
    name = f"{lang}/print-pack-{pack_paper}.pdf"
    first = cover_pages + 1
    listed = []
    for part in parts:
        listed.append({"file": part["file"], "first_page": first, "pages": part["pages"]})
        first += part["pages"]
    reviewed = all(p["reviewed"] for p in parts)
    manifest.add({"file": name, "handout": None, "language": lang, "product": "print-pack", "paper": pack_paper,
                  "pages": pages, "bytes": len(data), "sha256": sha256(data),
                  "review_status": {"label": "reviewed" if reviewed else "unreviewed"},
                  "cover_pages": cover_pages, "parts": listed})
    write_atomic(settings.out / name, data)
    return Pack(lang, pack_paper, name, pages, listed)


def _cover(settings, ws, lang: str, pack_paper: str, parts: list[dict]) -> tuple[bytes, int]:
    """The cover, rendered until the page numbers it lists agree with its own length."""
    from generator.layout import ENV, MM, PAPERS
    from generator.layout.theme import load_theme
    from generator.render.pdf import render
    from generator.review import summary_context

    loc = ws.localizer(lang)
    width, height = PAPERS[pack_paper]
    digits = loc.digits  # the locale's own digits, for page numbers
    reviewed_parts = sum(p["reviewed"] for p in parts)
    # The review records decide (generator/review): the pack is reviewed only when every handout in it is.
    handouts = [ws.library.handouts[h] for h in dict.fromkeys(p["handout"] for p in parts)]
    review = summary_context(settings.project, loc, handouts)
    cover_pages = 1
    for _ in range(4):
        first, rows = cover_pages + 1, []
        for p in parts:
            last = first + p["pages"] - 1
            rows.append({**p, "first": loc.number(first), "last": loc.number(last)})
            first = last + 1
        context = {
            "page": {"width": width, "height": height}, "lang": lang.replace("_", "-"), "rtl": loc.rtl,
            "dir": "rtl" if loc.rtl else "ltr", "clinic": ws.clinic, "digits": digits,
            "review_status": "reviewed" if review["reviewed"] else "unreviewed", "review": review,
            "source_language": lang == "en", "_": loc.gettext, "gettext": loc.gettext, "pgettext": loc.pgettext,
            "ngettext": loc.ngettext, "options": {"bleed": 0, "crop_marks": False, "cmyk": False, **ws.options},
            "mm": MM, "parts": rows, "pack_paper": pack_paper, "language_name": _language_name(lang),
            "reviewed_parts": reviewed_parts, "theme": load_theme(),
        }
        xml = ENV.get_template("print-pack-cover.xml.j2").render(context)
        logo = frozenset([ws.clinic.logo]) if ws.clinic.logo else frozenset()
        result = render(xml, ws.fonts(lang), logo)
        if result.pages == cover_pages:
            return result.pdf, result.pages
        cover_pages = result.pages
    raise RuntimeError("print pack cover: page count does not settle")


def _language_name(lang: str) -> str:
    """The language's own name for itself ("العربية", "français (Canada)"), from CLDR via Babel."""
    from generator.i18n import locale_for

    locale = locale_for(lang)
    name = locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:] if locale.language not in ("ar", "hi", "zh") else name


def _product_names(loc) -> dict[str, str]:
    """Product names for the pack's bookmarks, the same words as on its cover."""
    from generator.markup import plain

    names = {"leaflet": "Leaflet", "large-print": "Large-print leaflet", "trifold": "Tri-fold brochure",
             "card-sheet": "Wallet card sheet", "poster": "Poster"}
    return {k: plain(str(loc.pgettext("product", v))) for k, v in names.items()}
