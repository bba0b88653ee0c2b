"""The figures of docs/DESIGN.md, made from real builds: `python -m tests.visual.figures`.

docs/design-overview.png: the English leaflet (both sides), poster and wallet card (front and back)
side by side at the same scale per row, and the Arabic leaflet's first side (mirrored).
docs/pictograms.png: every pictogram at 8 mm (a card) and 16 mm, with its id.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from tests.visual.harness import PROJECT, render_pages

DOCS = PROJECT / "docs"
MM = 72 / 25.4


def _build(out: Path):
    from generator.build import Settings, build

    summary = build(Settings(PROJECT, out), langs=["en", "ar"], handouts=["carcinoid-syndrome"],
                    products=["leaflet", "poster", "card"], paper="a4", jobs=2, progress=None)
    if summary.failed or summary.skipped_languages:
        raise SystemExit(f"figures: build failed: {summary.failed or summary.skipped_languages}")


def _height(image: Image.Image, h: int) -> Image.Image:
    return image.resize((round(image.width * h / image.height), h), Image.LANCZOS)


def overview(out: Path) -> Path:
    def pages(lang, product, paper):
        return render_pages(out / lang / f"carcinoid-syndrome-{product}-{paper}.pdf", dpi=60)

    leaflet, poster, card = pages("en", "leaflet", "a4"), pages("en", "poster", "a3"), pages("en", "card", "id-1")
    arabic = pages("ar", "leaflet", "a4")
    h = 420
    row = [_height(p, h) for p in leaflet] + [_height(poster[0], h), _height(arabic[0], h)]
    cards = [c.resize((round(c.width * 1.4), round(c.height * 1.4)), Image.LANCZOS) for c in card]
    gap = 14
    width = sum(i.width for i in row) + gap * (len(row) + 1)
    sheet = Image.new("RGB", (width, h + 2 * gap + cards[0].height + 24), (236, 236, 236))
    x = gap
    for image in row:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    x = gap
    for image in cards:
        sheet.paste(image, (x, h + 2 * gap))
        x += image.width + gap
    draw = ImageDraw.Draw(sheet)
    draw.text((x + 10, h + 2 * gap + 10), "Leaflet (A4, both sides) | Poster (A3) | Arabic leaflet, mirrored\n"
              "Wallet card (ID-1, front and back, shown larger)", fill=(26, 26, 26))
    path = DOCS / "design-overview.png"
    sheet.quantize(colors=128, dither=Image.Dither.NONE).save(path, optimize=True)
    return path


def pictogram_sheet() -> Path:
    from generator.pictograms import NAMES
    from generator.render.pdf import render
    from generator.render.pdf.fonts import FontStack

    per_row = 10
    rows = []
    for start in range(0, len(NAMES), per_row):
        names = NAMES[start:start + per_row] + ("",) * (per_row - len(NAMES[start:start + per_row]))
        cells = "".join(
            f'<cell><pictogram name="{n}" size="{16 * MM:.2f}" color="#0b5563,0.88,0.35,0.38,0.3" alt="{n}"/>'
            f'<spacer height="3"/><pictogram name="{n}" size="{8 * MM:.2f}" color="#1a1a1a,0,0,0,0.9" alt="{n}"/>'
            f'<para style="label">{n}</para></cell>' if n else "<cell/>" for n in names)
        rows.append(f'<row widths="{",".join(["10%"] * per_row)}" valign="top" space-after="8">{cells}</row>')
    width, height = 200 * MM, (12 + 34 * len(rows)) * MM
    xml = f"""<document width="{width:.2f}" height="{height:.2f}" lang="en" dir="ltr" title="Pictograms" author="NET">
      <style name="label" size="6.5" leading="8" align="center"/>
      <page-template id="p"><frame id="a" x="14" y="14" width="{width - 28:.2f}" height="{height - 28:.2f}"/></page-template>
      <story>{''.join(rows)}</story></document>"""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "pictograms.pdf"
        pdf.write_bytes(render(xml, FontStack("en")).pdf)
        image = render_pages(pdf, dpi=110)[0]
    path = DOCS / "pictograms.png"
    image.save(path, optimize=True)
    return path


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="net-figures-") as tmp:
        _build(Path(tmp) / "out")
        paths = [overview(Path(tmp) / "out"), pictogram_sheet()]
    for p in paths:
        print(f"{p.relative_to(PROJECT)}: {p.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
