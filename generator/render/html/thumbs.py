"""A small picture of a leaflet's first page, rendered from the built PDF with pdfium."""

from __future__ import annotations

import io
from pathlib import Path

from generator.render.html.cache import store

THUMB_WIDTH = 240  # pixels: sharp at 120 CSS pixels on a phone's 2x screen


def thumbnail(pdf: Path, width: int = THUMB_WIDTH, digest: str | None = None) -> tuple[bytes, int, int]:
    """(WebP bytes, width, height) of the first page of `pdf`. With the PDF's SHA-256 (`digest`, from the
    manifest) the picture is kept in the font cache's folder and reused while the PDF is unchanged."""
    from generator.render.pdf.fonts import cache_dir

    cached = cache_dir().parent / "thumbs" / f"{digest}-{width}.webp" if digest else None
    if cached and cached.is_file():
        from PIL import Image

        data = cached.read_bytes()
        with Image.open(io.BytesIO(data)) as im:
            return data, im.width, im.height
    data, w, h = _render(pdf, width)
    if cached:
        store(cached, data)
    return data, w, h


def _render(pdf: Path, width: int) -> tuple[bytes, int, int]:
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
