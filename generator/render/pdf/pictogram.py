"""The <pictogram> layout element: one of the project's pictograms (generator/pictograms) as vectors.

Drawn from its outline (24-unit grid, y down) scaled to a square of `size` points, strokes 2/24 of
the side wide with round caps and joins, in one colour (RGB, or CMYK in print-shop builds). A
pictogram is a Figure with its alternative text for screen readers; tag="Artifact" when the
label beside it already says everything (docs/LAYOUT.md, docs/DESIGN.md).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from generator.pictograms import GRID, NAMES, STROKE, outline
from generator.render.pdf.document import RenderError, artifact, figure  # document.py imports this module lazily


def check_name(name: str | None) -> str:
    if not name or name not in NAMES:
        raise RenderError(f"layout: unknown pictogram '{name}'; known: {', '.join(NAMES)}")
    return name


def draw(canvas, name: str, x: float, y: float, size: float, color) -> None:
    """Draw pictogram `name` in the square whose lower-left corner is (x, y)."""
    scale = size / GRID
    canvas.saveState()
    canvas.translate(x, y + size)
    canvas.scale(scale, -scale)  # the outline's y points down, as in the SVG file
    canvas.setLineWidth(STROKE)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    canvas.setStrokeColor(color)
    canvas.setFillColor(color)
    # One path for the strokes and one for the dots: a pictogram is one object in the PDF (a stray
    # straight stroke on its own would look like a crop or fold mark to a prepress check).
    for filled in (False, True):
        shapes = [shape for shape in outline(name) if shape.fill == filled]
        if not shapes:
            continue
        p = canvas.beginPath()
        for shape in shapes:
            for op in shape.ops:
                if op[0] == "M":
                    p.moveTo(*op[1:])
                elif op[0] == "L":
                    p.lineTo(*op[1:])
                elif op[0] == "C":
                    p.curveTo(*op[1:])
                else:
                    p.close()
        canvas.drawPath(p, stroke=0 if filled else 1, fill=1 if filled else 0)
    canvas.restoreState()


def tagged(canvas, alt: str | None, box: tuple[float, float, float, float], decorative: bool):
    """The marked-content context: a Figure with its Alt, or an Artifact."""
    return artifact(canvas) if decorative else figure(canvas, alt or "", box)


def check_alt(alt: str | None, decorative: bool, name: str) -> None:
    if not decorative and not (alt or "").strip():
        raise RenderError(f"layout: <pictogram name='{name}'> needs alt text (or tag='Artifact' when its "
                          f"label says it all)")


class Pictogram(Flowable):
    """A pictogram in the story or in a <cell>: a square of `size` points, aligned start|center|end."""

    def __init__(self, name: str, size: float, color, alt: str | None, align: str = "center",
                 decorative: bool = False, rtl: bool = False):
        super().__init__()
        self.name, self.size, self.color, self.alt = check_name(name), size, color, alt
        self.decorative = decorative
        check_alt(alt, decorative, name)
        if align not in ("start", "center", "end"):
            raise RenderError(f"layout: <pictogram align='{align}'>: use start, center or end")
        if rtl and align != "center":
            align = "end" if align == "start" else "start"
        self.align = align

    def wrap(self, aw, ah):
        self._aw = aw
        return aw, self.size

    def draw(self):
        x = {"start": 0, "center": (self._aw - self.size) / 2, "end": self._aw - self.size}[self.align]
        with tagged(self.canv, self.alt, (x, 0, x + self.size, self.size), self.decorative):
            draw(self.canv, self.name, x, 0, self.size, self.color)
