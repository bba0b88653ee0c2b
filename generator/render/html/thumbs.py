"""A small picture of a leaflet's first page, rendered from the built PDF with pdfium."""

from __future__ import annotations

import io
from pathlib import Path

THUMB_WIDTH = 240  # pixels: sharp at 120 CSS pixels on a phone's 2x screen


def thumbnail(pdf: Path, width: int = THUMB_WIDTH) -> tuple[bytes, int, int]:
    """(WebP bytes, width, height) of the first page of `pdf`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=78, method=6)
    return buffer.getvalue(), image.width, image.height
