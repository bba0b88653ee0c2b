"""The card sheet: the wallet card imposed on office paper, rendered natively (one PDF, tagged, each
font subset once), not pasted in as pictures of finished card PDFs.

card-sheet.xml.j2 owns the sheet (paper, slots, gutter, crop marks, print instruction) and lists
its slots in an <imposition> element; card.xml.j2 owns the card. This module only joins the two
layout documents: for every slot it copies the card page's frames and drawings, moved to the slot,
and repeats that page's part of the card's story once per slot, each copy ending with a frame break.
The card's geometry, styles and text are not changed, so a card on the sheet is the card product.
Only the first copy on each page is tagged; the others are artifacts (<artifact>, tag="Artifact"),
so the sheet reads as one card. Render it with generator.render.pdf.sheet.render.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from generator.render.pdf import RenderError
from generator.render.pdf.document import substitute_text

# Attributes that are positions on the page (docs/LAYOUT.md); everything else is copied as is.
X_ATTRS = ("x", "x1", "x2", "cx")
Y_ATTRS = ("y", "y1", "y2", "cy")
# A frame break: CondPageBreak moves to the next frame when less than this height is left.
_NEXT_FRAME = "100000"


def card_sheet_xml(product: str, paper: str, handout, loc, library, clinic, options: dict | None = None) -> str:
    """Layout XML for a card sheet; same signature as layout.layout_xml, so the build's shrink loop
    (options['scale'], SHRINK_LIMITS) applies to the cards on the sheet exactly as to the card."""
    from generator.layout import layout_xml

    options = dict(options or {})
    sheet = ET.fromstring(layout_xml(product, paper, handout, loc, library, clinic, options))
    imposition = sheet.find("imposition")
    if imposition is None:
        raise RenderError("layout: card-sheet.xml.j2 has no <imposition>")
    card_options = {**options, "bleed": float(imposition.get("card-bleed", "0")), "crop_marks": False}
    card = ET.fromstring(layout_xml("card", "id-1", handout, loc, library, clinic, card_options))
    return ET.tostring(compose(sheet, card), encoding="unicode")


def _card_pages(card: ET.Element) -> list[tuple[str, list[ET.Element]]]:
    """The card's pages as (page-template id, that page's story elements), following the story's
    <next-template> and <page-break> the way ReportLab does (the first page uses the first template)."""
    templates = [pt.get("id") for pt in card.iter("page-template")]
    current, pending = templates[0], None
    pages = [(current, [])]
    for el in card.find("story"):
        if el.tag == "next-template":
            pending = el.get("id")
        elif el.tag == "page-break":
            current, pending = pending or current, None
            pages.append((current, []))
        else:
            pages[-1][1].append(el)
    return pages


def _moved(el: ET.Element, dx: float, dy: float) -> ET.Element:
    out = copy.deepcopy(el)
    for names, d in ((X_ATTRS, dx), (Y_ATTRS, dy)):
        for name in names:
            if out.get(name) is not None:
                out.set(name, f"{float(out.get(name)) + d:.2f}")
    return out


def compose(sheet: ET.Element, card: ET.Element) -> ET.Element:
    """Put the card into every slot of the sheet (both parsed layout documents; the sheet is changed)."""
    imposition = sheet.find("imposition")
    sheet.remove(imposition)
    sheet_pages = imposition.findall("sheet-page")
    card_pages = _card_pages(card)
    if len(sheet_pages) != len(card_pages):
        raise RenderError(f"layout: the card has {len(card_pages)} page(s), the card sheet {len(sheet_pages)}")
    templates = {pt.get("id"): pt for pt in card.iter("page-template")}
    sheet_templates = {pt.get("id"): pt for pt in sheet.iter("page-template")}

    # The card's styles (names must not clash with the sheet's own).
    own = {s.get("name") for s in sheet.iter("style")}
    styles = [s for s in card.findall("style")]
    clash = sorted(own & {s.get("name") for s in styles})
    if clash:
        raise RenderError(f"layout: card-sheet.xml.j2 and card.xml.j2 both define style(s) {', '.join(clash)}")
    for i, style in enumerate(styles):
        sheet.insert(i, copy.deepcopy(style))
    for name in ("cite-style",):
        if card.get(name) is not None:
            sheet.set(name, card.get(name))
    sheet.set("max-pages", str(len(card_pages)))

    # Items the card draws once the page count is known ({page} of {pages}) become fixed drawings:
    # the card's page count is known here.
    digits = card.get("digits", "0123456789")
    number = lambda n: "".join(digits[int(d)] for d in str(n))  # noqa: E731
    late = card.findall("late/*")

    story = sheet.find("story")
    if story is None:
        story = ET.SubElement(sheet, "story")
    for page_no, (sheet_page, (card_template_id, elements)) in enumerate(zip(sheet_pages, card_pages), 1):
        target = sheet_templates.get(sheet_page.get("template"))
        card_template = templates.get(card_template_id)
        if target is None or card_template is None:
            raise RenderError(f"layout: page template '{sheet_page.get('template')}' or card page template "
                              f"'{card_template_id}' is missing")
        frames = card_template.findall("frame")
        if len(frames) != 1:
            raise RenderError(f"layout: the card sheet needs one frame per card page; card page template "
                              f"'{card_template_id}' has {len(frames)}")
        draw = target.find("draw")
        if draw is None:
            draw = ET.SubElement(target, "draw")
        card_draw = list(card_template.find("draw") if card_template.find("draw") is not None else [])
        page_late = [substitute_text(item, {"{page}": number(page_no), "{pages}": number(len(card_pages))})
                     for item in late]
        for item in page_late:
            item.attrib.pop("late", None)
        slots = sheet_page.findall("slot")
        card_items = []
        for n, slot in enumerate(slots, 1):
            dx, dy = float(slot.get("x")), float(slot.get("y"))
            frame = _moved(frames[0], dx, dy)
            frame.set("id", f"{frames[0].get('id')}-{n}")
            target.insert(list(target).index(draw), frame)
            moved = [_moved(item, dx, dy) for item in card_draw + page_late]
            copies = [copy.deepcopy(el) for el in elements]
            if n > 1:  # one card per page is read; the other copies are furniture (render/pdf/sheet.py)
                for item in moved:
                    if item.tag in ("text", "image"):
                        item.set("tag", "Artifact")
                wrapper = ET.Element("artifact")
                wrapper.extend(copies)
                copies = [wrapper]
            card_items += moved
            story.extend(copies)
            if n < len(slots):
                story.append(ET.Element("cond-break", height=_NEXT_FRAME))
        # After the sheet's own marks and instruction, which are read first (nothing overlaps).
        draw.extend(card_items)
        if page_no < len(card_pages):  # the first page uses the sheet's first page template
            story.append(ET.Element("next-template", id=sheet_pages[page_no].get("template")))
            story.append(ET.Element("page-break"))
    return sheet
