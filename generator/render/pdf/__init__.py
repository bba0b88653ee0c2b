"""PDF rendering with ReportLab: the layout XML a template wrote becomes a PDF.

document.py  the Platypus builder (layout vocabulary -> flowables -> pages)
fonts.py     static font weights from packaged variable fonts; per-language font stacks
bidi.py      right-to-left line order and Arabic letter forms
tagging.py   tagged PDF (PDF/UA-1): structure tree, marked content, artifacts, /Lang (docs/ACCESSIBILITY.md)
textlayer.py what copying and searching give back: ToUnicode per shaped cluster, Arabic base letters
metadata.py  the PDF's dates and its XMP packet (PDF/UA identification)
"""

from generator.render.pdf.document import Overflow, Renderer, RenderError, Result, render

__all__ = ["Overflow", "RenderError", "Renderer", "Result", "render"]
