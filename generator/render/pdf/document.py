"""Stage 4: render a layout document (XML written by a Jinja2 template) with ReportLab.

Templates own the layout: page size, frames, styles, colours, what goes where.
This module only knows a small vocabulary (docs/LAYOUT.md) and turns it into
Platypus flowables. It never evaluates anything, never loads a file the template
did not name from the project, and refuses a document that does not fit the
pages it is allowed (so fixed-size products never clip text silently).
"""

from __future__ import annotations

import io
import re
from contextlib import nullcontext
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError
from xml.sax.saxutils import escape

from generator.render.pdf import _reportlab_fixes  # noqa: F401  (an upstream bug with Arabic marks)
from generator.render.pdf import metadata, optical, textlayer, widows
from generator.render.pdf.bidi import contextual_forms, visual_line, visual_runs
from generator.render.pdf.fonts import FontStack, MissingGlyph
from generator.render.pdf.tagging import LATIN_RUN, ROLES, Tag, TaggedText, Tagger

INLINE = {"b", "i", "cite", "br"}


class RenderError(Exception):
    """Something a person must fix (text does not fit, a glyph is missing); names the text."""

    def __str__(self):
        # ReportLab prefixes errors raised while drawing a page ("handle_pageBegin args=() ...").
        return re.sub(r"^\s*handle_\w+ args=\(.*?\)\s*", "", super().__str__())


class Overflow(RenderError):
    """Text does not fit the space or the pages it is allowed."""


@dataclass
class Result:
    pdf: bytes
    pages: int
    # How full each page is: per page, the mean over its frames (columns, panels) of the share of the
    # frame's height above the lowest text or box placed in it (0 for an empty frame or page).
    # The build uses it to choose, within a product's spacing limits, a layout without near-empty
    # pages (docs/LAYOUT.md, "fill").
    fill: tuple[float, ...] = ()


# ---------------------------------------------------------------- inline text

class _Inline:
    """Turns an XML element's mixed content into ReportLab paragraph markup with font runs.

    Right-to-left text keeps its runs (bold, superscript citations) like any other: its Arabic
    letters get their joined forms before wrapping, and RTLParagraph draws each line's runs in
    visual order (bidi.visual_runs)."""

    def __init__(self, fonts: FontStack, rtl: bool = False, inline_cites: bool = False, optical: float = 1.0):
        self.fonts = fonts
        self.rtl = rtl
        self.inline_cites = inline_cites  # large print: "[1]" at full size instead of a small superscript
        self.optical = optical  # the script's size factor (optical.py): Latin runs are drawn without it

    def convert(self, el: ET.Element, bold: bool = False, size: float = 12.0) -> str:
        out = [self._text(el.text or "", bold, size)]
        for child in el:
            tag = child.tag
            if tag not in INLINE:
                raise RenderError(f"layout: <{tag}> cannot appear inside text")
            if tag == "br":
                out.append("<br/>")
            elif tag == "cite" and self.inline_cites:
                out.append(f" [{self.convert(child, bold, size)}]")
            elif tag == "cite":
                # a small, low superscript, so it never touches the line above
                out.append(f'<super rise="{size * 0.3:.1f}" size="{size * 0.62:.1f}">'
                           f'{self.convert(child, bold, size * 0.62)}</super>')
            else:
                out.append(f"<{tag}>{self.convert(child, bold or tag == 'b', size)}</{tag}>")
            out.append(self._text(child.tail or "", bold, size))
        return "".join(out)

    def _text(self, text: str, bold: bool, size: float = 0.0) -> str:
        if not text:
            return ""
        # ReportLab breaks lines at U+202F (Babel's French "58 %" uses it) but not at U+00A0.
        text = text.replace("\u202f", "\u00a0")
        if self.rtl:  # Arabic letters in their joined forms (each run is reshaped on its own: bidi.py)
            text = contextual_forms(text)
        parts = []
        for index, run in self.fonts.runs(text, bold):
            if index == 0 and self.optical != 1.0 and size and LATIN_RUN.search(run):
                # Latin inside Arabic ("NET", a web address) is drawn at the size Latin has everywhere
                parts.append(LATIN_RUN.sub(lambda m: f'<font size="{size / self.optical:.2f}">{m.group(0)}</font>',
                                           escape(run)))
            elif index == 0:
                parts.append(escape(run))
            elif self.optical != 1.0 and size:  # a Latin name in Arabic: the size Latin has everywhere
                parts.append(f'<font name="{self.fonts.names[index]["regular"]}" size="{size / self.optical:.2f}">'
                             f'{escape(run)}</font>')
            else:
                parts.append(f'<font name="{self.fonts.names[index]["regular"]}">{escape(run)}</font>')
        return "".join(parts)


def plain_text(el: ET.Element) -> str:
    return "".join(el.itertext()).strip()


# ---------------------------------------------------------------- flowables

class Bulleted(Flowable):
    """A paragraph with a bullet on its starting side (left, or right in right-to-left text)."""

    def __init__(self, para: Paragraph, bullet: str, indent: float, rtl: bool, first: bool = True,
                 list_tag: ListTag | None = None, item: ItemTag | None = None):
        super().__init__()
        self.para, self.bullet, self.indent, self.rtl, self.first = para, bullet, indent, rtl, first
        self.list_tag = list_tag or ListTag(numbered=bullet[:1].isdigit())  # the list's L element, shared
        self.item = item or ItemTag()  # this item's LI, Lbl and LBody, shared by its split parts

    def wrap(self, aw, ah):
        self._aw = aw
        w, h = self.para.wrap(aw - self.indent, ah)
        self.width, self.height = aw, h
        return aw, h

    def split(self, aw, ah):
        parts = self.para.split(aw - self.indent, ah)
        return [Bulleted(p, self.bullet, self.indent, self.rtl, first=(i == 0 and self.first),
                         list_tag=self.list_tag, item=self.item)
                for i, p in enumerate(parts)]

    def getSpaceBefore(self):
        return self.para.getSpaceBefore()

    def getSpaceAfter(self):
        return self.para.getSpaceAfter()

    def draw(self):
        label = self._tagged_label()
        x = 0 if self.rtl else self.indent
        self.para.drawOn(self.canv, x, 0)
        if self.first:
            with label:  # the bullet, number or box is the item's Lbl
                style = self.para.style
                self.canv.setFont(style.fontName, style.fontSize)
                self.canv.setFillColor(style.textColor)
                y = self.height - style.fontSize * 1.0 - (style.leading - style.fontSize) / 2 + 1
                if self.bullet == "box":  # a checklist square, drawn (no font has it in every script)
                    side = min(style.fontSize * 0.72, self.indent * 0.6)  # clear of the text when the script is set larger (optical.py)
                    x = self.width - self.indent * 0.3 - side if self.rtl else self.indent * 0.3
                    self.canv.setStrokeColor(style.textColor)
                    self.canv.setLineWidth(0.6)
                    self.canv.rect(x, y - style.fontSize * 0.02, side, side, stroke=1, fill=0)
                elif self.rtl:
                    self.canv.drawRightString(self.width - self.indent * 0.3, y, self.bullet)
                else:
                    self.canv.drawString(self.indent * 0.3, y, self.bullet)

    def _tagged_label(self):
        """L > LI > (Lbl, LBody), made when the item's first part is drawn. The item's paragraph is
        the LBody's content (or, with a role or language of its own, e.g. BibEntry, its child)."""
        tagger = getattr(self.canv, "_net_tagger", None)
        if tagger is None or tagger.in_artifact:
            return nullcontext()
        item = self.item
        if item.li is None:
            lst = self.list_tag
            if lst.node is None:
                lst.node = tagger.node("L", A={"O": "List", "ListNumbering": "Decimal" if lst.numbered else "Disc"})
            item.li = tagger.node("LI", lst.node)
            item.lbl = tagger.node("Lbl", item.li, ActualText="\u2610" if self.bullet == "box" else None)
            item.lbody = tagger.node("LBody", item.li)
            tag = getattr(self.para, "_tag", None)
            if tag is not None and tag.node is None:
                if tag.role == "P" and not tag.lang:
                    tag.node = item.lbody
                else:
                    tagger.node_for(tag, item.lbody)
        return tagger.marked(self.canv, item.lbl)


def artifact(canvas, kind: str | None = None):
    """Draw page furniture (rules, backgrounds, crop marks) as an /Artifact, when the canvas is tagged."""
    tagger = getattr(canvas, "_net_tagger", None)
    return tagger.artifact(canvas, kind) if tagger is not None else nullcontext()


def figure(canvas, alt: str, box: tuple[float, float, float, float]):
    """Draw a picture (QR code, logo, pictogram) as a Figure with its alternative text and bounding box."""
    tagger = getattr(canvas, "_net_tagger", None)
    if tagger is None or tagger.in_artifact:
        return nullcontext()
    (x0, y0), (x1, y1) = canvas.absolutePosition(box[0], box[1]), canvas.absolutePosition(box[2], box[3])
    bbox = [round(min(x0, x1), 2), round(min(y0, y1), 2), round(max(x0, x1), 2), round(max(y0, y1), 2)]
    return tagger.marked(canvas, tagger.node("Figure", Alt=alt, A={"O": "Layout", "BBox": bbox}))


class ListTag:
    """A <list>: its L element, shared by its items."""

    def __init__(self, numbered: bool = False):
        self.numbered, self.node = numbered, None


class ItemTag:
    """One list item's LI, Lbl and LBody elements, shared by the parts it is split into."""

    def __init__(self):
        self.li = self.lbl = self.lbody = None


class WriteIn(Flowable):
    """A label and lines to write on: the line runs on from the label (inline) or sits below it.

    Each line is `gap` points below the previous one, so handwriting has room."""

    def __init__(self, label: Paragraph, gap: float, count: int, color, inline: bool, rtl: bool):
        super().__init__()
        self.label, self.gap, self.count, self.color, self.inline, self.rtl = label, gap, count, color, inline, rtl

    def wrap(self, aw, ah):
        self.width = aw
        self._label_w = aw
        lw, lh = self.label.wrap(aw, ah)
        if self.inline:  # the label keeps its natural width (at most 60%); the line takes the rest
            natural = max(self.label.getActualLineWidths0() or [aw])
            self._label_w = min(natural + 1, aw * 0.6)
            lw, lh = self.label.wrap(self._label_w, ah)
        self._label_h = lh
        below = self.count - (1 if self.inline else 0)
        self.height = max(lh, self.gap) + below * self.gap + (0 if self.inline else 3)
        return aw, self.height

    def draw(self):
        c = self.canv
        top = self.height
        self.label.drawOn(c, 0 if not self.rtl else self.width - self._label_w, top - self._label_h)
        rules = artifact(c)  # the label is text (P); the lines to write on are furniture
        rules.__enter__()
        c.saveState()
        c.setStrokeColor(self.color)
        c.setLineWidth(0.6)
        baseline = top - self._label_h + (self.label.style.leading - self.label.style.fontSize) / 2 + 1
        y = baseline
        if self.inline:
            x0, x1 = (self._label_w + 3, self.width) if not self.rtl else (0, self.width - self._label_w - 3)
            c.line(x0, y, x1, y)
            lines = self.count - 1
        else:
            lines = self.count
        for _ in range(lines):
            y -= self.gap
            c.line(0, y, self.width, y)
        c.restoreState()
        rules.__exit__(None, None, None)


class QR(QrCode):
    """ReportLab's own QR code, drawn as plain rectangles in the palette's black (no Drawing,
    whose default state would reference an unembedded Helvetica and an RGB colour)."""

    def __init__(self, value: str, size: float, align: str, color=colors.black, alt: str | None = None):
        super().__init__(value, width=size, height=size, qrLevel="M")
        self.align, self.color = align, color
        self.alt = alt or value  # a Figure's alternative text; the address itself when the layout gives none

    def wrap(self, aw, ah):
        self._aw = aw
        return aw, self.height

    def draw(self):
        x = {"start": 0, "center": (self._aw - self.width) / 2, "end": self._aw - self.width}[self.align]
        with figure(self.canv, self.alt, (x, 0, x + self.width, self.height)):
            self.canv.saveState()
            self.canv.translate(x, 0)
            self.canv.setFillColor(self.color)
            super().draw()
            self.canv.restoreState()


class TaggedParagraph(Paragraph):
    """A paragraph drawn as the content of its structure element (P, H1, H2, BibEntry, ...), or as an
    Artifact. Its Tag (role, language) is shared by the parts it is split into, so a paragraph
    continued in the next column is one element; a heading's first part adds an outline entry."""

    _tag: Tag | None = None

    def breakLines(self, width):  # no single word or citation alone on the last line (widows.py)
        return self._no_widow(super().breakLines, width, False)

    def breakLinesCJK(self, maxWidths):
        return self._no_widow(super().breakLinesCJK, maxWidths, True)

    def _no_widow(self, breaker, width, cjk: bool):
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        return widows.rebreak(breaker, widths, cjk, self.__dict__.setdefault("_net_widows", {}))

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part._tag = self._tag
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        tagger, tag = getattr(canvas, "_net_tagger", None), self._tag
        if tagger is None or tag is None:
            return super().drawOn(canvas, x, y, _sW)
        if tag.role == "Artifact" or tagger.in_artifact:
            with tagger.artifact(canvas):
                return super().drawOn(canvas, x, y, _sW)
        node = tagger.node_for(tag)
        if tag.heading_text:
            tagger.bookmark(canvas, tag.heading_text, x, y + self.height)
            tag.heading_text = ""
        with tagger.owning(node):  # its text is marked run by run (tagging.TaggedText)
            return super().drawOn(canvas, x, y, _sW)


class RTLParagraph(TaggedParagraph):
    """A right-to-left paragraph: wrapped in logical order, each line drawn in visual order.

    Reordering happens only while drawing, so a paragraph split across columns or pages
    keeps its words in logical order (bidi_support.py says why this is done here). A
    lam-alef ligature gets a zero-width companion for its text layer (textlayer.py)."""

    def draw(self):
        bl = self.blPara
        if bl.kind != 0:  # several style runs (bold, a superscript citation): bidi.visual_runs
            return self._draw_runs(bl)
        logical = bl.lines
        font = self.style.fontName
        mirrored = lambda drawn, meant: textlayer.stand_in(drawn, meant, font)  # noqa: E731
        bl.lines = [(extra, [textlayer.lam_alef_companions(w, font) for w in visual_line(words, mirrored)])
                    for extra, words in logical]
        tagger = getattr(self.canv, "_net_tagger", None)
        if tagger is not None:
            tagger.rtl_runs = True  # a line's runs are drawn left to right; the structure lists them from the right
        try:
            super().draw()
        finally:
            bl.lines = logical
            if tagger is not None:
                tagger.rtl_runs = False

    def _draw_runs(self, bl):
        """Lines of several style runs: each line's runs cut and put in visual order (bidi.visual_runs),
        each piece keeping its font (bold) and rise (a citation). The structure lists a line's runs
        from the right (reading order): a zero-width marker at each line's start tells where it begins."""
        logical = [(line, line.words) for line in bl.lines]
        tagger = getattr(self.canv, "_net_tagger", None)
        starts: list[int] = []

        def line_start(canvas, kind, label):
            owner = tagger.owner if tagger is not None else None
            if owner is not None:
                _reverse_line(owner, starts)
                starts.append(len(owner.kids))

        self.canv.setNamedCB("net_rtl_line", line_start)
        for line, words in logical:
            texts = [w for w in words if not hasattr(w, "cbDefn") and w.text]
            mirrored = lambda drawn, meant, run: textlayer.stand_in(drawn, meant, texts[run].fontName)  # noqa: E731
            visual = [texts[run].clone(text=textlayer.lam_alef_companions(text, texts[run].fontName))
                      for run, text in visual_runs([w.text for w in texts], mirrored)]
            line.words = [_LineStart(), *visual] if tagger is not None else visual
        try:
            super().draw()
            if tagger is not None and tagger.owner is not None:
                _reverse_line(tagger.owner, starts)
        finally:
            for line, words in logical:
                line.words = words


class _LineStart:
    """A zero-width inline callback (ReportLab's onDraw) at the start of a right-to-left line."""
    text = ""

    class cbDefn:  # noqa: N801  (the attribute ReportLab looks for)
        kind, name, label = "onDraw", "net_rtl_line", None


def _reverse_line(owner, starts: list[int]):
    """Put the runs of the line that started at starts[-1] back in reading order (right to left)."""
    if starts:
        owner.kids[starts[-1]:] = owner.kids[starts[-1]:][::-1]
        starts.pop()


def _chained(flowables: list) -> list:
    """Keep flowables together (and with a heading before them) by chaining keepWithNext:
    ReportLab will not join a KeepTogether to the heading above it."""
    for f in flowables[:-1]:
        f.keepWithNext = 1
    return flowables


CALLOUT_ROLES = ("Aside", "Note", "Div", "Sect")


def _role(value: str | None, where: str) -> str:
    if value is None:
        return "P"
    if value not in ROLES:
        raise RenderError(f"layout: {where} has tag '{value}'; use one of {', '.join(ROLES)}")
    return value


def _table_tagging(role: str | None, rtl: bool):
    """A Table's render callback: its backgrounds and borders are artifacts; with a role (a callout's
    Aside) its content is inside that element; in a right-to-left row, whose cells are drawn from the
    left, the cells' elements are put back in reading order (start to end)."""
    state: dict = {}

    def callback(table, event, *args):
        canvas = table.canv
        tagger = getattr(canvas, "_net_tagger", None)
        if tagger is None:
            return
        if event in ("startBG", "startLines"):
            state["artifact"] = tagger.artifact(canvas)
            state["artifact"].__enter__()
        elif event in ("endBG", "endLines"):
            state.pop("artifact").__exit__(None, None, None)
        elif event == "startTable":
            node = None
            if role and not tagger.in_artifact:
                node = tagger.node(role, ID=_note_id(tagger) if role == "Note" else None)
                tagger.parents.append(node)
            state["node"], state["cells"] = node, []
        elif event == "startCell":
            state["cells"].append(len(tagger.parent.kids))
        elif event == "endTable":
            cells = state["cells"]
            if rtl and len(cells) > 1:
                kids = tagger.parent.kids
                ends = cells[1:] + [len(kids)]
                kids[cells[0]:] = [k for start, end in reversed(list(zip(cells, ends))) for k in kids[start:end]]
            if state["node"] is not None:
                tagger.parents.pop()
    return callback


def _note_id(tagger) -> str:
    """PDF/UA-1 (7.9) wants an ID on every Note; numbered in reading order, so builds stay identical."""
    return f"note-{sum(1 for n in tagger.root.walk() if n.role == 'Note') + 1}"


def labelled(flowable: Flowable, text: str) -> Flowable:
    """Remember the text a flowable shows, so an overflow can name it."""
    flowable._net_label = text
    return flowable


# ---------------------------------------------------------------- the document

def _num(el, name, default=None):
    value = el.get(name)
    if value is None:
        if default is None:
            raise RenderError(f"layout: <{el.tag}> needs '{name}'")
        return default
    return float(value)


def _color(value: str | None, cmyk: bool):
    if not value:
        return None
    if "," in value:  # "#rrggbb,c,m,y,k": the palette gives both; print-shop mode uses CMYK
        rgb, *k = value.split(",")
        if cmyk:
            c, m, y, kk = (float(v) for v in k)
            return colors.CMYKColor(c, m, y, kk)
        value = rgb
    return colors.HexColor(value)


class _Doc(BaseDocTemplate):
    def __init__(self, buf, **kw):
        super().__init__(buf, **kw)
        self.placed: list[tuple[int, str]] = []
        self.frames_of: dict[int, list] = {}  # page -> its frames
        self.lowest: dict[tuple[int, str], float] = {}  # (page, frame id) -> lowest y used in that frame

    def afterFlowable(self, flowable):
        label = getattr(flowable, "_net_label", None)
        if label:
            self.placed.append((self.page, label))
        if self.frame is None or not self.pageTemplate.frames:
            return
        self.frames_of[self.page] = self.pageTemplate.frames
        key = (self.page, self.frame.id)
        self.lowest[key] = min(self.lowest.get(key, self.frame._y), self.frame._y)

    def fill(self) -> tuple[float, ...]:
        """Per page, the mean over its frames of each frame's share above the lowest thing placed in it."""
        out = []
        for page in range(1, self.page + 1):
            shares = [max(0.0, min(1.0, (f._y2 - self.lowest.get((page, f.id), f._y2)) / (f._y2 - f._y1)))
                      for f in self.frames_of.get(page, []) if f._y2 > f._y1]
            out.append(round(sum(shares) / len(shares), 4) if shares else 0.0)
        return tuple(out)


class Renderer:
    """One layout XML document -> PDF bytes."""

    def __init__(self, xml: str, fonts: FontStack, images: frozenset = frozenset(), factors=None):
        try:
            self.root = ET.fromstring(xml)
        except ET.ParseError as exc:  # a template bug, not a user's: keep the position for the developer
            raise RenderError(f"layout XML is malformed ({exc})") from None
        self.fonts = fonts
        self.images = images  # the only image files a template may draw (the validated clinic logo)
        r = self.root
        self.rtl = r.get("dir") == "rtl"
        self.optical = optical.factors(fonts.scripts[0])  # Arabic, Devanagari: optical.py
        if factors is not None:  # between the template's size and spacing and the optical ones (render())
            self.optical = factors
        self.inline = _Inline(fonts, self.rtl, r.get("cite-style") == "inline", self.optical.size)
        self.cmyk = r.get("color-mode") == "cmyk"
        self.cjk = fonts.cjk_wrap  # Chinese, Japanese: break between characters (kinsoku.py); Korean at spaces
        self.black = colors.CMYKColor(0, 0, 0, 1) if self.cmyk else colors.black
        self.width, self.height = _num(r, "width"), _num(r, "height")
        self.bleed = _num(r, "bleed", 0.0)
        self.max_pages = int(r.get("max-pages", "0")) or None
        self.styles = {s.get("name"): self._style(s) for s in r.iter("style")}
        self.ltr_styles = {s.get("name") for s in r.iter("style") if self.rtl and s.get("dir") == "ltr"}
        self.tags = {s.get("name"): self._style_tag(s) for s in r.iter("style")}

    # -- styles ----------------------------------------------------------
    def _style(self, s: ET.Element) -> ParagraphStyle:
        role = s.get("font", "regular")
        align = s.get("align", "start")
        alignment = {"start": TA_RIGHT if self.rtl else TA_LEFT, "end": TA_LEFT if self.rtl else TA_RIGHT,
                     "center": TA_CENTER, "justify": TA_JUSTIFY}[align]
        size = _num(s, "size")
        leading = _num(s, "leading", size * 1.3)
        if not (self.rtl and s.get("dir") == "ltr"):  # the script's optical size (not the English references)
            size, leading = size * self.optical.size, leading * self.optical.size * self.optical.leading
        style = ParagraphStyle(
            s.get("name"), fontName=self.fonts.primary[role], fontSize=size,
            leading=leading, textColor=_color(s.get("color", "#000000"), self.cmyk),
            alignment=alignment, spaceBefore=_num(s, "space-before", 0.0), spaceAfter=_num(s, "space-after", 0.0),
            leftIndent=_num(s, "indent", 0.0) if not self.rtl else 0, rightIndent=_num(s, "indent", 0.0) if self.rtl else 0,
            allowWidows=0, allowOrphans=0, splitLongWords=1,
            backColor=_color(s.get("background"), self.cmyk), borderPadding=_num(s, "padding", 0.0),
        )
        if s.get("keep-with-next") == "yes":
            style.keepWithNext = 1
        if self.rtl and s.get("dir") == "ltr":  # e.g. English references inside an Arabic leaflet
            style.alignment = TA_LEFT if alignment == TA_RIGHT else alignment
            style.rtl = False
        elif self.rtl:
            style.rtl = True  # RTLParagraph puts each line in visual order (not ReportLab's wordWrap="RTL")
        elif self.cjk:
            style.wordWrap = "CJK"
        style.shaping = 1 if self.fonts.shaped and not self.rtl else 0  # Arabic: see bidi_support.py
        style.uriWasteReduce = 0
        return style

    def _style_tag(self, s: ET.Element) -> tuple[str, str | None]:
        """A style's structure role (tag="H2", default P) and language: a style kept left-to-right
        in a right-to-left document (the references) is English unless it says lang="..."."""
        role = _role(s.get("tag"), f"style '{s.get('name')}'")
        lang = s.get("lang") or ("en" if self.rtl and s.get("dir") == "ltr" else None)
        return role, lang

    def style(self, name: str) -> ParagraphStyle:
        try:
            return self.styles[name]
        except KeyError:
            raise RenderError(f"layout: style '{name}' is not defined") from None

    def para(self, el: ET.Element, style_name: str | None = None, scale: float = 1.0) -> Paragraph:
        style_name = style_name or el.get("style", "body")
        style = self.style(style_name)
        if scale != 1.0:  # a fixed text given back part of its script's optical size (_draw_text)
            style = ParagraphStyle(f"{style.name}-{scale:.3f}", parent=style, fontSize=style.fontSize * scale,
                                   leading=style.leading * scale)
        # the factor this style's size carries (none in a left-to-right style: the English references),
        # so Latin runs inside it are drawn at the template's size
        self.inline.optical = (1.0 if style_name in self.ltr_styles else self.optical.size) * scale
        try:
            markup = self.inline.convert(el, style.fontName == self.fonts.primary["bold"], style.fontSize)
        except MissingGlyph as exc:
            raise RenderError(f"{exc}, in text: {plain_text(el)[:70]!r}") from None
        if el.get("color"):  # e.g. a callout label in its level's colour
            style = ParagraphStyle(f"{style.name}-{el.get('color')}", parent=style,
                                   textColor=_color(el.get("color"), self.cmyk))
        para = (RTLParagraph if getattr(style, "rtl", False) else TaggedParagraph)(markup, style)
        role, lang = self.tags[style_name]
        role = _role(el.get("tag"), f"<{el.tag}>") if el.get("tag") else role
        para._tag = Tag(role, el.get("lang") or lang, heading_text=plain_text(el) if role == "H2" else "")
        return para

    # -- story -----------------------------------------------------------
    def flowables(self, parent: ET.Element) -> list:
        out = []
        for el in parent:
            out += self.flowable(el)
        for f in out:  # a <row> is layout only: its cells' content is tagged, read from the starting side
            if isinstance(f, Table) and not getattr(f, "_renderCB", None):
                f._renderCB = _table_tagging(None, self.rtl)
        return out

    def flowable(self, el: ET.Element) -> list:
        tag = el.tag
        if tag == "para":
            return [labelled(self.para(el), plain_text(el))]
        if tag == "list":
            style = el.get("style", "body")
            indent = _num(el, "indent", 14.0)
            out = []
            list_tag = ListTag(numbered=el.get("numbered") == "yes")  # one L element for the list's items
            for i, item in enumerate(el.findall("item"), 1):
                bullet = f"{i}." if el.get("numbered") == "yes" else el.get("bullet", "•")
                para = self.para(item, style)
                entry = Bulleted(para, bullet, indent, getattr(para.style, "rtl", False), list_tag=list_tag)
                if el.get("keep-items") == "yes":  # e.g. a reference is never split across pages
                    entry = KeepTogether([entry])
                out.append(labelled(entry, plain_text(item)))
            if el.get("keep") == "yes":  # a short list stays in one column, with its heading
                return _chained(out)
            return out
        if tag == "row":
            return [self.row(el)]
        if tag == "lines":
            return [labelled(self.lines(el), plain_text(el))]
        if tag == "callout":
            return [labelled(self.callout(el), plain_text(el))]
        if tag == "keep":
            return _chained(self.flowables(el))
        if tag == "spacer":
            return [Spacer(1, _num(el, "height"))]
        if tag == "cond-break":
            return [CondPageBreak(_num(el, "height"))]
        if tag == "page-break":
            return [PageBreak()]
        if tag == "next-template":
            return [NextPageTemplate(el.get("id"))]
        if tag == "qr":
            return [QR(el.get("value", ""), _num(el, "size"), el.get("align", "center"), self.black, el.get("alt"))]
        if tag == "pictogram":  # generator/pictograms, drawn by render/pdf/pictogram.py
            from generator.render.pdf.pictogram import Pictogram

            return [Pictogram(el.get("name"), _num(el, "size"), _color(el.get("color"), self.cmyk) or self.black,
                              el.get("alt"), el.get("align", "center"), el.get("tag") == "Artifact", self.rtl)]
        raise RenderError(f"layout: unknown element <{tag}>")

    def row(self, el: ET.Element) -> Flowable:
        """Cells side by side (start to end in the reading direction); a row never splits."""
        cells = [self.flowables(cell) for cell in el.findall("cell")]
        widths = [w.strip() for w in el.get("widths", "").split(",") if w.strip()] or None
        if widths:  # "34%", "*" (the rest) or points ("24")
            widths = [float(w) if re.fullmatch(r"\d+(\.\d+)?", w) else w for w in widths]
        if widths and len(widths) != len(cells):
            raise RenderError("layout: <row> needs one width per <cell>")
        if self.rtl:
            cells, widths = cells[::-1], (widths[::-1] if widths else None)
        gap = _num(el, "gap", 6.0)
        style = [("VALIGN", (0, 0), (-1, -1), el.get("valign", "middle").upper()),
                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                 ("RIGHTPADDING", (-1, 0), (-1, 0), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                 ("FONTNAME", (0, 0), (-1, -1), self.fonts.primary["regular"]),
                 ("TEXTCOLOR", (0, 0), (-1, -1), self.black)]  # else an RGB black in print-shop (CMYK) builds
        table = Table([cells], colWidths=widths, style=TableStyle(style))
        table.spaceBefore, table.spaceAfter = _num(el, "space-before", 0.0), _num(el, "space-after", 0.0)
        return table

    def lines(self, el: ET.Element) -> Flowable:
        """A label with lines to write on: beside it (inline="yes") or below it (count lines)."""
        label = self.para(el)
        color = _color(el.get("color", "#808080"), self.cmyk)
        return WriteIn(label, _num(el, "gap", 20.0), int(el.get("count", "1")), color,
                       el.get("inline") == "yes", self.rtl)

    def callout(self, el: ET.Element) -> Flowable:
        """A box that is never split across a page or column (a one-cell table cannot split)."""
        inner = self.flowables(el)
        border = _color(el.get("border", "#000000"), self.cmyk)
        background = _color(el.get("background"), self.cmyk)
        width = _num(el, "border-width", 3.0)
        pad = _num(el, "padding", 8.0)
        side_x = -1 if self.rtl else 0
        style = [("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                 ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                 ("BOX", (0, 0), (-1, -1), 1, border),
                 ("FONTNAME", (0, 0), (-1, -1), self.fonts.primary["regular"]),  # else Helvetica is referenced
                 ("TEXTCOLOR", (0, 0), (-1, -1), self.black),
                 ("LINEBEFORE" if not self.rtl else "LINEAFTER", (side_x, 0), (side_x, 0), width, border)]
        if background is not None:
            style.append(("BACKGROUND", (0, 0), (-1, -1), background))
        table = Table([[inner]], colWidths=["100%"], style=TableStyle(style))
        table.spaceBefore, table.spaceAfter = _num(el, "space-before", 6.0), _num(el, "space-after", 8.0)
        role = el.get("tag", "Aside")
        if role not in CALLOUT_ROLES:
            raise RenderError(f"layout: <callout tag='{role}'>: use one of {', '.join(CALLOUT_ROLES)}")
        table._renderCB = _table_tagging(role, False)  # the box's content is inside an Aside (or Note)
        return table

    # -- pages -----------------------------------------------------------
    def _page_templates(self) -> list[PageTemplate]:
        templates = []
        for pt in self.root.iter("page-template"):
            frames = [Frame(_num(f, "x") + self.bleed, _num(f, "y") + self.bleed, _num(f, "width"), _num(f, "height"),
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=f.get("id"),
                            showBoundary=0)
                      for f in pt.findall("frame")]
            templates.append(PageTemplate(id=pt.get("id"), frames=frames, onPage=self._draw_static(pt),
                                          pagesize=(self.width + 2 * self.bleed, self.height + 2 * self.bleed)))
        if not templates:
            raise RenderError("layout: no <page-template>")
        return templates

    def _draw_static(self, pt: ET.Element):
        items = list(pt.find("draw") if pt.find("draw") is not None else [])

        def draw(canvas, doc):
            canvas.saveState()
            canvas.translate(self.bleed, self.bleed)
            for item in items:
                self._draw_item(canvas, item, doc.page)
            canvas.restoreState()
        return draw

    def _draw_item(self, canvas, item: ET.Element, page: int, pages: int | None = None):
        tag = item.tag
        if tag == "rect":
            with artifact(canvas, "Layout"):  # bands and backgrounds
                canvas.setFillColor(_color(item.get("fill", "#000000"), self.cmyk))
                x, y, w, h = (_num(item, k) for k in ("x", "y", "width", "height"))
                canvas.rect(x, y, w, h, stroke=0, fill=1)
        elif tag == "line":
            with artifact(canvas, "Layout"):  # decorative rules
                canvas.setStrokeColor(_color(item.get("color", "#000000"), self.cmyk))
                canvas.setLineWidth(_num(item, "width", 0.5))
                canvas.line(*(_num(item, k) for k in ("x1", "y1", "x2", "y2")))
        elif tag == "text":
            if pages is None and (item.get("late") == "yes"):
                return  # drawn once the page count is known
            self._draw_text(canvas, item, page, pages)
        elif tag == "image":
            self._draw_image(canvas, item)
        elif tag == "qr":
            q = QR(item.get("value", ""), _num(item, "size"), "start", self.black, item.get("alt"))
            q.wrap(_num(item, "size"), _num(item, "size"))
            q.drawOn(canvas, _num(item, "x"), _num(item, "y"))
        elif tag == "pictogram":
            from generator.render.pdf import pictogram

            name, size, decorative = pictogram.check_name(item.get("name")), _num(item, "size"), item.get("tag") == "Artifact"
            pictogram.check_alt(item.get("alt"), decorative, name)
            x, y = _num(item, "x"), _num(item, "y")
            with pictogram.tagged(canvas, item.get("alt"), (x, y, x + size, y + size), decorative):
                pictogram.draw(canvas, name, x, y, size, _color(item.get("color"), self.cmyk) or self.black)
        else:
            raise RenderError(f"layout: unknown drawing element <{tag}>")

    def _draw_image(self, canvas, item: ET.Element):
        """The clinic logo, scaled into its box keeping its proportions, aligned to the box's end."""
        from reportlab.lib.utils import ImageReader

        path = item.get("path", "")
        if path not in self.images:
            raise RenderError(f"layout: image {path!r} is not an allowed file")
        image = ImageReader(path)
        iw, ih = image.getSize()
        x, y, w, h = (_num(item, k) for k in ("x", "y", "width", "height"))
        scale = min(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        dx = x if (item.get("align", "end") == "start") != self.rtl else x + w - dw
        # A Figure with its alternative text (the clinic's name when the layout gives none); tag="Artifact"
        # for a purely decorative picture.
        alt = item.get("alt") or self.root.get("author", "")
        box = (dx, y + (h - dh) / 2, dx + dw, y + (h + dh) / 2)
        drawing = artifact(canvas) if item.get("tag") == "Artifact" or not alt else figure(canvas, alt, box)
        with drawing:
            canvas.drawImage(image, dx, y + (h - dh) / 2, dw, dh, mask="auto")

    def _draw_text(self, canvas, item: ET.Element, page: int, pages: int | None):
        """A paragraph in a fixed box; it must fit (top-aligned at y + height, or bottom-aligned)."""
        el = item
        if pages is not None:
            el = substitute_text(item, {"{page}": self._number(page), "{pages}": self._number(pages)})
        x, y, w = _num(item, "x"), _num(item, "y"), _num(item, "width")
        box_h = _num(item, "height", 10_000.0)
        # A script set larger for its optical size (optical.py) gives some of it back, in 4% steps, when
        # a fixed box is too small for it; never below the template's size.
        factor = 1.0 if item.get("style", "body") in self.ltr_styles else self.optical.size
        scales = [1.0] + [s for s in (1 - 0.04 * k for k in range(1, 10)) if s * factor > 1.0 - 1e-9]
        for scale in scales:
            para = self.para(el, scale=scale)
            h = para.wrap(w, box_h)[1]
            if h <= box_h + 0.5:
                break
        else:
            raise Overflow(f"text does not fit its {box_h:.0f} pt box: {plain_text(el)[:70]!r}")
        top = y + box_h if item.get("valign", "top") == "top" else y + h
        para.drawOn(canvas, x, top - h)

    def _number(self, n: int) -> str:
        """Page numbers in the locale's digits (the template passes them, from Babel)."""
        digits = self.root.get("digits", "0123456789")
        return "".join(digits[int(d)] for d in str(n))

    def _late(self, canvas, page: int, pages: int):
        with artifact(canvas, "Pagination"):  # running footers, page numbers, crop marks
            canvas.saveState()
            canvas.translate(self.bleed, self.bleed)
            for item in self.root.findall("late/*"):
                self._draw_item(canvas, item, page, pages)
            if self.root.get("crop-marks") == "yes":
                self._crop_marks(canvas)
            canvas.restoreState()

    def _crop_marks(self, canvas):
        """Trim marks outside the trim box, in the bleed area (registration black)."""
        b, w, h = self.bleed, self.width, self.height
        canvas.setStrokeColor(colors.CMYKColor(1, 1, 1, 1) if self.cmyk else colors.black)
        canvas.setLineWidth(0.25)
        length = max(b - 1, 1)
        for x in (0, w):
            for y in (0, h):
                dy = -1 if y == 0 else 1
                dx = -1 if x == 0 else 1
                canvas.line(x, y + dy * 1, x, y + dy * (1 + length))  # vertical, away from the page
                canvas.line(x + dx * 1, y, x + dx * (1 + length), y)

    # -- build -----------------------------------------------------------
    def build(self) -> Result:
        r = self.root
        buf = io.BytesIO()
        late = self._late
        max_pages = self.max_pages
        bleed, width, height = self.bleed, self.width, self.height
        first_font = self.fonts.primary["regular"]
        tagger = self.tagger = Tagger(r.get("lang"))
        textlayer.begin_document()

        class PagedCanvas(Canvas):
            """Draws page-count-dependent items ("page 1 of 2") once the count is known; tagged (tagging.py)."""

            def __init__(self, *args, **kwargs):
                kwargs.update(initialFontName=first_font, invariant=1, lang=r.get("lang"), pageCompression=1)
                super().__init__(*args, **kwargs)
                self._saved = []
                self._net_tagger = tagger
                stated = metadata.document_time(r.get("published"))
                if stated is not None:
                    self._doc._timeStamp = stated

            def beginText(self, x=0, y=0, direction=None):
                return TaggedText(self, x, y, direction=direction)

            # What a paragraph paints besides its text (a background, an underline) is furniture.
            def rect(self, *args, **kwargs):
                with _furniture(self):
                    return super().rect(*args, **kwargs)

            def roundRect(self, *args, **kwargs):
                with _furniture(self):
                    return super().roundRect(*args, **kwargs)

            def line(self, *args, **kwargs):
                with _furniture(self):
                    return super().line(*args, **kwargs)

            def _setAnnotations(self, page):
                super()._setAnnotations(page)
                page.__NoDefault__ = [*page.__NoDefault__, "StructParents"]
                page.StructParents = self._pageNumber - 1  # its key in the ParentTree

            def showPage(self):
                self._saved.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._saved)
                if max_pages and total > max_pages:  # build() raises Overflow: no footers, no PDF to write
                    return
                for state in self._saved:
                    self.__dict__.update(state)
                    late(self, self._pageNumber, total)
                    if bleed:
                        self.setTrimBox((bleed, bleed, bleed + width, bleed + height))
                        self.setBleedBox((0, 0, width + 2 * bleed, height + 2 * bleed))
                    for page, key, _title, left, top in tagger.outline:  # headings on this page
                        if page == self._pageNumber - 1:
                            self.bookmarkPage(key, fit="XYZ", left=left, top=top, zoom=0)
                    Canvas.showPage(self)
                for _page, key, title, _left, _top in tagger.outline:
                    self.addOutlineEntry(title, key, level=0)
                _finish(self, tagger, total, r)
                Canvas.save(self)

        doc = _Doc(buf, pagesize=(width + 2 * bleed, height + 2 * bleed), title=r.get("title", ""),
                   author=r.get("author", ""), subject=r.get("subject", ""), keywords=r.get("keywords", ""),
                   creator=r.get("creator", ""), producer=r.get("creator", ""), lang=r.get("lang"),
                   leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0, allowSplitting=1,
                   displayDocTitle=1)
        doc.addPageTemplates(self._page_templates())
        story = self.flowables(r.find("story"))
        try:
            doc.build(story, canvasmaker=PagedCanvas)
        except LayoutError as exc:
            raise Overflow(f"a block is too large for any column or page: {str(exc)[:120]}") from None
        finally:
            textlayer.end_document()
        pages = doc.page
        if self.max_pages and pages > self.max_pages:
            overflow = next((label for page, label in doc.placed if page > self.max_pages), "")
            raise Overflow(f"does not fit on {self.max_pages} page(s) (needs {pages}); first text that "
                              f"overflows: {overflow[:70]!r}")
        return Result(buf.getvalue(), pages, doc.fill())


def _furniture(canvas):
    """An Artifact for painting done while a paragraph's text is being drawn (its runs are marked one by
    one, so anything else it paints would be outside any marked sequence)."""
    tagger = canvas._net_tagger
    return tagger.artifact(canvas) if tagger.owner is not None and tagger.bare else nullcontext()


def _finish(canvas, tagger: Tagger, pages: int, root: ET.Element):
    """The catalog entries of a tagged PDF/UA-1 document: structure tree, /MarkInfo, XMP metadata."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream

    doc = canvas._doc
    doc.Catalog.StructTreeRoot = tagger.write(doc, pages)
    doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    packet = metadata.xmp(title=root.get("title", ""), lang=root.get("lang") or "en", author=root.get("author", ""),
                          subject=root.get("subject", ""), keywords=root.get("keywords", ""),
                          producer=doc.info.producer, creator_tool=root.get("creator", ""),
                          seconds=doc._timeStamp.t)
    stream = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), packet)
    doc.Catalog.Metadata = doc.Reference(stream, "NETMetadata")


def substitute_text(el: ET.Element, values: dict) -> ET.Element:
    """A copy of el with each key of values replaced in its text ("{page}" -> "2")."""
    copy = ET.fromstring(ET.tostring(el))
    for node in copy.iter():
        for attr in ("text", "tail"):
            value = getattr(node, attr)
            if value:
                for k, v in values.items():
                    value = value.replace(k, v)
                setattr(node, attr, value)
    return copy


def render(xml: str, fonts: FontStack, images: frozenset = frozenset()) -> Result:
    """The document, its script set at its optical size and leading (optical.py); when that does not fit,
    they are given back in steps (optical.fallbacks) down to the template's before the document fails,
    so a layout gives up the optical bonus before the build tightens line spacing or shrinks the type."""
    renderer = Renderer(xml, fonts, images)
    try:
        return renderer.build()
    except Overflow as first:
        for factors in optical.fallbacks(renderer.optical):
            try:
                return Renderer(xml, fonts, images, factors).build()
            except Overflow:
                continue
        raise first from None
