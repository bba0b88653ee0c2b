"""Rendering a card sheet: the ordinary renderer plus one story element, <artifact>.

A card sheet holds eight copies of the same card on each side (generator/layout/cardsheet.py).
For a screen reader, or anyone copying the text, the sheet is one card: the first copy on each
page is tagged as the card is, and the other copies are page furniture. Their fixed texts say
tag="Artifact" (which the renderer already knows); their story goes inside <artifact>, whose
content is drawn as an /Artifact, lists, boxes and headings included, so it adds no structure
elements and no bookmarks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reportlab.platypus import Flowable

from generator.render.pdf.document import Renderer, Result, artifact


class ArtifactFlowable(Flowable):
    """Any flowable, drawn as an artifact; it wraps, splits and keeps with the next as the original."""

    def __init__(self, inner: Flowable):
        super().__init__()
        self.inner = inner
        self.keepWithNext = getattr(inner, "keepWithNext", 0)
        label = getattr(inner, "_net_label", None)
        if label:
            self._net_label = label  # an overflow still names the text

    def wrapOn(self, canv, aw, ah):
        self.canv = canv
        self.width, self.height = self.inner.wrapOn(canv, aw, ah)
        return self.width, self.height

    def wrap(self, aw, ah):
        self.width, self.height = self.inner.wrap(aw, ah)
        return self.width, self.height

    def split(self, aw, ah):
        return [ArtifactFlowable(part) for part in self.inner.split(aw, ah)]

    def splitOn(self, canv, aw, ah):
        return [ArtifactFlowable(part) for part in self.inner.splitOn(canv, aw, ah)]

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def drawOn(self, canvas, x, y, _sW=0):
        with artifact(canvas):
            self.inner.drawOn(canvas, x, y, _sW)


class SheetRenderer(Renderer):
    def flowable(self, el: ET.Element) -> list:
        if el.tag == "artifact":
            return [ArtifactFlowable(f) for f in self.flowables(el)]
        return super().flowable(el)


def render(xml: str, fonts, images: frozenset = frozenset()) -> Result:
    return SheetRenderer(xml, fonts, images).build()
