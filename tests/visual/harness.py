"""The visual regression harness (issue 12, item 8; docs/DESIGN.md).

A fixed sample, each product in English, Arabic, Hindi and Simplified Chinese, one handout,
ISO paper (A4, A3, ID-1), is built in-process into a temporary folder, every page rendered at
40 dpi with pypdfium2 and compared with `tests/visual/refs/<lang>-<product>-p<page>.png`.

A page passes when both of these hold (a person would not see a difference):
  - the mean absolute difference of its RGB values is at most MAX_MEAN (0-255 scale), and
  - at most MAX_CHANGED of its pixels differ by more than PIXEL_THRESHOLD in any channel.
Otherwise the test fails naming the page and a diff image (reference | new | changes in red),
written to DIFF_DIR. A page added or removed, or a page of another size, fails too.

Re-approve after a deliberate change: `make approve-visuals` (= `python -m tests.visual.approve`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

PROJECT = Path(__file__).resolve().parents[2]
REFS = Path(__file__).resolve().parent / "refs"
DIFF_DIR = Path(tempfile.gettempdir()) / "net-visual-diffs"
HANDOUT = "carcinoid-syndrome"  # the one handout with every product (poster and card too)
LANGS = ("en", "ar", "hi", "zh_CN")
PRODUCTS = ("leaflet", "large-print", "poster", "card", "card-sheet", "trifold")
PAPER = "a4"  # the ISO family: A4 leaflets, A3 poster, ID-1 card
DPI = 40
MAX_MEAN = 0.8
MAX_CHANGED = 0.004
PIXEL_THRESHOLD = 40


@dataclass
class Result:
    name: str
    ok: bool
    mean: float = 0.0
    changed: float = 0.0
    message: str = ""
    diff: Path | None = None


def build_sample(out: Path) -> dict[str, Path]:
    """Build the sample; {'<lang>-<product>': pdf path}. Raises naming what failed or was left out."""
    from generator.build import Settings, build

    summary = build(Settings(PROJECT, out), langs=list(LANGS), handouts=[HANDOUT], products=list(PRODUCTS),
                    paper=PAPER, jobs=2, progress=None)
    problems = list(summary.failed) + [f"language {lang} left out: {'; '.join(p)[:200]}"
                                      for lang, p in summary.skipped_languages.items()]
    problems += [f"handout {h} left out" for h in summary.skipped_handouts]
    if problems:
        raise RuntimeError("the visual sample did not build: " + " | ".join(problems))
    pdfs = {}
    for lang in LANGS:
        for product in PRODUCTS:
            found = sorted((out / lang).glob(f"{HANDOUT}-{product}-*.pdf"))
            found = [p for p in found if p.stem.removeprefix(f"{HANDOUT}-{product}-") in ("a4", "a3", "id-1")]
            if len(found) != 1:
                raise RuntimeError(f"the visual sample has no single {lang} {product} PDF (found {len(found)})")
            pdfs[f"{lang}-{product}"] = found[0]
    return pdfs


def _palette() -> Image.Image:
    """A fixed 256-colour palette (the 216 web colours and 40 greys), the same for every page."""
    steps = (0, 51, 102, 153, 204, 255)
    colours = [c for r in steps for g in steps for b in steps for c in (r, g, b)]
    colours += [c for i in range(40) for c in (round(i * 255 / 39),) * 3]
    image = Image.new("P", (1, 1))
    image.putpalette(colours)
    return image


PALETTE = _palette()


def normalize(image: Image.Image) -> Image.Image:
    """A page as the references store it: every pixel mapped to the fixed palette, without dithering
    (deterministic, and about a quarter of the PNG size of full colour)."""
    return image.convert("RGB").quantize(palette=PALETTE, dither=Image.Dither.NONE)


def render_pages(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [normalize(page.render(scale=dpi / 72).to_pil()).convert("RGB") for page in doc]
    finally:
        doc.close()


def sample_images(out: Path) -> dict[str, Image.Image]:
    """{'<lang>-<product>-p<n>': image} for every page of the sample."""
    images = {}
    for key, pdf in build_sample(out).items():
        for n, image in enumerate(render_pages(pdf), 1):
            images[f"{key}-p{n}"] = image
    return images


def diff_image(ref: Image.Image, new: Image.Image, mask: Image.Image) -> Image.Image:
    """Reference | new | the new page faded with changed pixels in red."""
    w, h = ref.size
    sheet = Image.new("RGB", (3 * w + 20, h), "white")
    sheet.paste(ref, (0, 0))
    sheet.paste(new, (w + 10, 0))
    faded = Image.blend(new, Image.new("RGB", new.size, "white"), 0.7)
    faded.paste(Image.new("RGB", new.size, (220, 0, 0)), (0, 0), mask)
    sheet.paste(faded, (2 * w + 20, 0))
    return sheet


def compare(name: str, ref: Image.Image, new: Image.Image, diff_dir: Path = DIFF_DIR) -> Result:
    """Compare one page with its reference; on failure write the diff image and say where."""
    if ref.size != new.size:
        return Result(name, False, message=f"{name}: page size changed from {ref.size} to {new.size} pixels")
    delta = ImageChops.difference(ref.convert("RGB"), new.convert("RGB"))
    hist = delta.histogram()  # 3 x 256 bins
    pixels = ref.size[0] * ref.size[1]
    mean = sum(i * c for band in range(3) for i, c in enumerate(hist[band * 256:(band + 1) * 256])) / (3 * pixels)
    bands = [b.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0) for b in delta.split()]
    mask = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    changed = mask.histogram()[255] / pixels
    ok = mean <= MAX_MEAN and changed <= MAX_CHANGED
    if ok:
        return Result(name, True, mean, changed)
    diff_dir.mkdir(parents=True, exist_ok=True)
    path = diff_dir / f"{name}-diff.png"
    diff_image(ref.convert("RGB"), new.convert("RGB"), mask).save(path)
    return Result(name, False, mean, changed,
                  f"{name}: page changed (mean difference {mean:.2f} > {MAX_MEAN} or {changed:.2%} of pixels "
                  f"changed > {MAX_CHANGED:.1%}); diff: {path}", path)


def check_all(images: dict[str, Image.Image], refs: Path = REFS, diff_dir: Path = DIFF_DIR) -> list[str]:
    """Every problem, one line each: changed pages (with their diff), pages added or missing."""
    shutil.rmtree(diff_dir, ignore_errors=True)
    problems = []
    expected = {p.stem: p for p in refs.glob("*.png")}
    for name, image in sorted(images.items()):
        if name not in expected:
            problems.append(f"{name}: new page with no reference image; run `make approve-visuals` if intended")
            continue
        with Image.open(expected[name]) as ref:
            result = compare(name, ref.convert("RGB"), normalize(image).convert("RGB"), diff_dir)
        if not result.ok:
            problems.append(result.message)
    for name in sorted(set(expected) - set(images)):
        problems.append(f"{name}: reference page is no longer produced; run `make approve-visuals` if intended")
    return problems


def approve(images: dict[str, Image.Image], refs: Path = REFS) -> list[Path]:
    """Write the references: one 8-bit palette PNG per page (small in git), stale ones removed."""
    refs.mkdir(parents=True, exist_ok=True)
    for old in refs.glob("*.png"):
        old.unlink()
    written = []
    for name, image in sorted(images.items()):
        path = refs / f"{name}.png"
        normalize(image).save(path, optimize=True)
        written.append(path)
    return written
