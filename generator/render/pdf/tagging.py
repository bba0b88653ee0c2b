"""Tagged PDF (PDF/UA-1) on ReportLab: structure tree, marked content, artifacts, language.

ReportLab has no tagging of its own. While a document is drawn, the renderer asks
the Tagger for structure elements (Document, H1, P, L/LI/Lbl/LBody, Figure, ...) and
marks what it draws for each with marked-content sequences with MCIDs
(`/P <</MCID 3>> BDC ... EMC`); page furniture is wrapped as `/Artifact`. When the
document is saved, the Tagger writes the structure tree (StructTreeRoot, one
StructElem per element, the ParentTree from (page, MCID) back to elements, a
RoleMap for the one non-standard role, Aside) and the renderer marks the catalog
(/MarkInfo, /StructTreeRoot) and the pages (/StructParents).

Reading order is the order elements are created: page by page, the fixed items of
a page first (the title band), then the flowing text frame by frame (templates put
the first frame on the right in right-to-left documents). Elements created for a
block that is split across columns or pages are shared by its parts.

A paragraph's text is marked run by run, inside its text object (TaggedText): each run
is a marked sequence with an MCID of the paragraph's element, and a run that needs more
carries it in its own property list, a sibling sequence, never a nested one:
- a run in another language: in a document not written in Latin letters (Arabic,
  Hindi, Chinese, Russian), a run of Latin letters such as "NET" or "Ga-68 DOTATATE"
  is `/Span <</MCID 7 /Lang (en)>> BDC`;
- a shaped letter with stacked marks (मुँ), or drawn with more glyphs than it has
  characters (Noto Sans Devanagari draws ई as इ and a mark), has /ActualText there:
  see textlayer.cluster_spans; every glyph also has the right text in the fonts'
  ToUnicode maps (textlayer.py).
Nesting a property-only span (`/Span <</Lang (en)>> BDC`) inside an MCID sequence is
valid PDF, but poppler (22.12) ends the MCID at the inner EMC: its structure text
lost the rest of the paragraph. Paragraph backgrounds are artifacts. Figures and list
labels are marked as a whole (`Tagger.marked`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

from reportlab.pdfbase.pdfdoc import PDFObject
from reportlab.pdfgen.textobject import PDFTextObject

from generator.render.pdf.textlayer import cluster_spans

ROLES = ("H1", "H2", "H3", "P", "Caption", "BibEntry", "Artifact")  # what a template's tag="..." may say
ROLE_MAP = {"Aside": "Div"}  # PDF 2.0's Aside, for PDF/UA-1 (PDF 1.7) readers
LATIN_RUN = re.compile(r"[A-Za-z\u00C0-\u024F](?:[A-Za-z\u00C0-\u024F0-9 \u00A0.,:'’/&+\-]*[A-Za-z\u00C0-\u024F0-9])?")
_HAS_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@lru_cache(maxsize=None)
def written_in_latin(lang: str) -> bool:
    """Is the language written in Latin letters (CLDR likely script)? 'fr' yes; 'ar', 'hi', 'zh-CN', 'ru' no."""
    from babel.core import get_global

    base = lang.replace("-", "_").split("_")[0]
    likely = get_global("likely_subtags").get(base, "")
    parts = likely.split("_")
    return len(parts) < 2 or parts[1] == "Latn"


def pdf_string(text: str) -> str:
    """A PDF text string: a literal for printable ASCII ("en", "note-1"), else UTF-16 in hex."""
    if all(" " <= ch <= "~" for ch in text):
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return pdf_text_hex(text)


def pdf_text_hex(text: str) -> str:
    """A PDF text string for a content stream: UTF-16BE with its byte order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class Node:
    """One structure element; kids are Nodes or (page index, MCID) pairs, in reading order."""

    __slots__ = ("role", "parent", "kids", "attrs")

    def __init__(self, role: str, parent: Node | None, attrs: dict | None = None):
        self.role, self.parent, self.kids, self.attrs = role, parent, [], dict(attrs or {})
        if parent is not None:
            parent.kids.append(self)

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def pages(self):
        return [k[0] for k in self.kids if not isinstance(k, Node)]


class Tag:
    """What a block of text is (its role and language), shared by the parts it is split into."""

    __slots__ = ("role", "lang", "node", "heading_text")

    def __init__(self, role: str = "P", lang: str | None = None, heading_text: str = ""):
        self.role, self.lang, self.node, self.heading_text = role, lang, None, heading_text


class Tagger:
    def __init__(self, lang: str | None):
        self.lang = lang or "en"
        self.foreign_latin = not written_in_latin(self.lang)
        self.root = Node("Document", None)
        self.parents = [self.root]
        self.page_mcids: dict[int, list[Node]] = {}
        self.artifact_depth = 0
        self.marked_depth = 0  # inside a sequence marked as a whole (a Figure, a list label)
        self.owner: Node | None = None  # the element whose text is being drawn, run by run
        self.rtl_runs = False  # the text being drawn is a right-to-left line, its runs in visual order
        self.outline: list[tuple[int, str, str, float, float]] = []  # page, key, title, left, top

    # -- structure ---------------------------------------------------------
    @property
    def parent(self) -> Node:
        return self.parents[-1]

    def node(self, role: str, parent: Node | None = None, **attrs) -> Node:
        attrs = {k: v for k, v in attrs.items() if v}
        if attrs.get("Lang") == self.lang:
            del attrs["Lang"]
        return Node(role, parent if parent is not None else self.parent, attrs)

    @contextmanager
    def inside(self, node: Node):
        self.parents.append(node)
        try:
            yield node
        finally:
            self.parents.pop()

    def node_for(self, tag: Tag, parent: Node | None = None) -> Node:
        """The element for a tagged block: made the first time one of its parts is drawn."""
        if tag.node is None:
            tag.node = self.node(tag.role, parent, Lang=tag.lang)
        return tag.node

    @property
    def in_artifact(self) -> bool:
        return self.artifact_depth > 0

    # -- marked content ------------------------------------------------------
    def mcid(self, canvas, node: Node) -> int:
        """A new MCID on the current page for content of node."""
        page = canvas._pageNumber - 1
        mcids = self.page_mcids.setdefault(page, [])
        mcids.append(node)
        node.kids.append((page, len(mcids) - 1))
        return len(mcids) - 1

    @property
    def bare(self) -> bool:
        """Drawing now would be outside any marked sequence (text runs are marked as they are drawn)."""
        return not self.artifact_depth and not self.marked_depth

    @contextmanager
    def marked(self, canvas, node: Node):
        """Draw content belonging to node as one marked sequence (an MCID), unless inside an artifact."""
        if not self.bare:
            yield
            return
        canvas._code.append(f"/{node.role} <</MCID {self.mcid(canvas, node)}>> BDC")
        self.marked_depth += 1
        try:
            yield
        finally:
            self.marked_depth -= 1
            canvas._code.append("EMC")

    @contextmanager
    def owning(self, node: Node):
        """Text drawn now belongs to node: each run is marked inside its text object (TaggedText)."""
        outer, self.owner = self.owner, node
        try:
            yield
        finally:
            self.owner = outer

    def mark_runs(self, canvas, pieces: list[tuple[str, dict | None]], draw) -> str:
        """Operators for text runs of the owner, each a marked sequence with an MCID of the owner's; a run
        that needs more says so in its own property list, a /Span with /Lang or /ActualText (no structure
        element of its own: a Chinese leaflet has a hundred "NET"s, and each element is an object of
        its own in a PDF 1.4 file). Right-to-left runs, drawn left to right, are listed in the
        structure from the right (reading order)."""
        owner = self.owner
        start = len(owner.kids)
        out = []
        for piece, attrs in pieces:
            if attrs:
                props = "".join(f"/{k} {pdf_string(v)}" for k, v in attrs.items() if v != self.lang)
                out.append(f"/Span <</MCID {self.mcid(canvas, owner)}{props}>> BDC {draw(piece)} EMC")
            else:
                out.append(f"/{owner.role} <</MCID {self.mcid(canvas, owner)}>> BDC {draw(piece)} EMC")
        if self.rtl_runs and len(pieces) > 1:
            owner.kids[start:] = owner.kids[start:][::-1]
        return " ".join(out)

    @contextmanager
    def artifact(self, canvas, kind: str | None = None):
        """Draw page furniture: backgrounds, rules, crop marks (Layout), running footers (Pagination)."""
        if not self.artifact_depth:
            canvas._code.append(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")
        self.artifact_depth += 1
        try:
            yield
        finally:
            self.artifact_depth -= 1
            if not self.artifact_depth:
                canvas._code.append("EMC")

    def bookmark(self, canvas, title: str, x: float, y: float):
        """An outline entry for a heading, written when the page is (see document.build)."""
        left, top = canvas.absolutePosition(x, y)
        page = canvas._pageNumber - 1
        self.outline.append((page, f"h{len(self.outline)}", title, left, top))

    # -- text runs -------------------------------------------------------------
    def spans(self, text: str) -> list[tuple[str, str | None]]:
        """text split into (piece, language or None): Latin runs in a non-Latin document are English."""
        plain = str(text)
        if not self.foreign_latin or not _HAS_LATIN.search(plain):
            return [(text, None)]
        out, last = [], 0
        for m in LATIN_RUN.finditer(plain):
            if m.start() > last:
                out.append((text[last:m.start()], None))
            out.append((text[m.start():m.end()], "en"))
            last = m.end()
        if last < len(plain):
            out.append((text[last:], None))
        return out

    # -- writing -----------------------------------------------------------------
    def write(self, doc, pages: int):
        """Add the structure tree to the PDF document; returns the StructTreeRoot reference.

        Elements are written as PDF text directly (_Raw), formatted once the document has numbered
        every object: a leaflet has a few hundred elements, and ReportLab's generic objects made
        writing them a tenth of the render time."""
        self._prune(self.root)
        nodes = list(self.root.walk())
        index = {id(n): i for i, n in enumerate(nodes)}
        number = lambda name: doc.idToObjectNumberAndVersion[name][0]  # noqa: E731
        for i, node in enumerate(nodes):
            doc.Reference(_Raw(lambda node=node: self._element(node, index, number)), f"NETStruct{i}")

        def parent_tree():
            ref = lambda n: "%d 0 R" % number("NETStruct%d" % index[id(n)])  # noqa: E731
            nums = " ".join("%d [%s]" % (page, " ".join(ref(n) for n in self.page_mcids.get(page, [])))
                            for page in range(pages))
            return f"<< /Nums [{nums}] >>"

        doc.Reference(_Raw(parent_tree), "NETParentTree")
        role_map = " ".join(f"/{k} /{v}" for k, v in ROLE_MAP.items())
        tree = _Raw(lambda: f"<< /Type /StructTreeRoot /K [{number('NETStruct0')} 0 R] "
                            f"/ParentTree {number('NETParentTree')} 0 R /ParentTreeNextKey {pages} "
                            f"/RoleMap << {role_map} >> >>")
        return doc.Reference(tree, "NETStructTreeRoot")

    def _prune(self, node: Node) -> bool:
        """Drop elements that drew nothing (e.g. an empty paragraph); True if node has content."""
        kept, content = [], False
        for kid in node.kids:
            if not isinstance(kid, Node):
                kept.append(kid)
                content = True
            elif self._prune(kid):
                kept.append(kid)
                content = True
        node.kids = kept
        return content

    def _element(self, node: Node, index: dict, number) -> str:
        """One StructElem, written tight: a leaflet has a few hundred of them as separate objects (PDF
        1.4 has no object streams), so /Type (optional) is left out, a single kid is not put in an
        array, and no space is written where PDF needs none. That kept a tagged Chinese leaflet, whose
        many "NET"s are each a Span, under the 150 KB a leaflet may weigh."""
        ref = lambda n: "%d 0 R" % number("NETStruct%d" % index[id(n)])  # noqa: E731
        page = lambda p: "%d 0 R" % number("Page%d" % (p + 1))  # noqa: E731
        own_pages = node.pages()
        home = own_pages[0] if own_pages else None
        parent = ref(node.parent) if node.parent is not None else f"{number('NETStructTreeRoot')} 0 R"
        parts = [f"/S/{node.role}/P {parent}"]
        if home is not None:
            parts.append(f"/Pg {page(home)}")
        kids = []
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(ref(kid))
            elif kid[0] == home:
                kids.append(str(kid[1]))
            else:
                kids.append(f"<</Type/MCR/Pg {page(kid[0])}/MCID {kid[1]}>>")
        parts.append(f"/K {kids[0]}" if len(kids) == 1 else f"/K[{' '.join(kids)}]")
        for key, value in node.attrs.items():
            if key == "A":
                attrs = "".join(f"/{k}/{v}" if isinstance(v, str) else f"/{k}[{' '.join(map(str, v))}]"
                                for k, v in value.items())
                parts.append(f"/A<<{attrs}>>")
            else:
                parts.append(f"/{key}{pdf_string(value)}")
        return f"<<{''.join(parts)}>>"


class _Raw(PDFObject):
    """A PDF object given as text, made when the document is formatted (object numbers are known)."""

    def __init__(self, make):
        self.make = make

    def format(self, document):
        return self.make().encode("latin-1")


class TaggedText(PDFTextObject):
    """A text object that marks each run of its owner's text (see the module's docstring)."""

    def _formatText(self, text):
        tagger = getattr(self._canvas, "_net_tagger", None)
        if tagger is None or tagger.owner is None or not tagger.bare or not str(text):
            return super()._formatText(text)  # untagged, or inside an artifact or a sequence marked whole
        pieces = []
        for piece, lang in tagger.spans(text):
            if lang:
                pieces.append((piece, {"Lang": lang}))
            else:
                pieces += _clusters(piece)
        return tagger.mark_runs(self._canvas, pieces, super()._formatText)


def _clusters(text) -> list[tuple[str, dict | None]]:
    """text split at shaped clusters that need /ActualText (textlayer.cluster_spans)."""
    spans = cluster_spans(text)
    if not spans:
        return [(text, None)]
    out, last = [], 0
    for start, end, actual in spans:
        if start > last:
            out.append((text[last:start], None))
        out.append((text[start:end], {"ActualText": actual}))
        last = end
    if last < len(text):
        out.append((text[last:], None))
    return out
