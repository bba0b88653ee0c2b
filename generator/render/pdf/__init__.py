"""PDF rendering with ReportLab: the layout XML a template wrote becomes a PDF.

document.py  the Platypus builder (layout vocabulary -> flowables -> pages)
fonts.py     static font weights from packaged variable fonts; per-language font stacks
bidi.py      right-to-left line order and Arabic letter forms
"""

from generator.render.pdf.document import Overflow, Renderer, RenderError, Result, render

__all__ = ["Overflow", "RenderError", "Renderer", "Result", "render"]
