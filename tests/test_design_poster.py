"""Posters that work on a wall (issue 12, item 3), measured from the built PDFs, for every handout with a
poster, in English and every language of locales/LINGUAS (so the test grows with the languages), on A3 and
on Tabloid. The grid and its rules: generator/layout/theme/poster.toml.

Definitions used here (also in poster.toml):
- Cap height of the headline: the font size of each headline character as the PDF sets it (pdfium) times
  the CapHeight of its embedded font (the PDF FontDescriptor, which ReportLab copies from the font's OS/2
  sCapHeight). For scripts without capitals this is the height the font's designers aligned with Latin
  capitals: the headline bar of Devanagari (0.622 em in Noto Sans Devanagari), 0.733 em in Noto Sans SC/TC
  (less than a Han character's face, so a Han headline is larger than the rule needs). The headline is the
  text set at 45 pt or more (nothing else on a poster is).
- The footer: every character below the QR code's box (version, next review, review label, sources); the
  text beside the code (call to action, address, clinic block) is checked too.
- An empty band: a run of pixel rows of the page rendered at 24 dpi, each of one colour (its pixels
  within 6 levels of 255 of each other in every channel): white margins, gaps, or a plain stretch of
  a coloured box. No run may be taller than 10% of the page.
- The QR code: found and decoded by zxing-cpp on a 144 dpi rendering of its box; its width is the distance between
  its corners; its module is the width of the top-left finder pattern / 7; its quiet zone is the 4 modules
  around it, which must be white.
"""

from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4
HEADLINE_MIN_PT = 45        # only the headline is set this large
CAP_HEIGHT_MM = 20.0
FOOTER_MIN_PT = 24.0
QR_MIN_MM = 50.0
EMPTY_BAND_MAX = 0.10


def shipped_languages() -> list[str]:
    words = re.sub(r"#.*", "", (PROJECT / "locales" / "LINGUAS").read_text(encoding="utf-8")).split()
    return ["en", *dict.fromkeys(words)]


@pytest.fixture(scope="module")
def posters(tmp_path_factory):
    """Every poster, built once (both papers, two workers), with the project's own clinic.toml."""
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("posters")
    summary = build(Settings(PROJECT, out), langs=shipped_languages(), products=["poster"], paper="all", jobs=2,
                    progress=None)
    assert not summary.failed and not summary.skipped_languages, (summary.failed, summary.skipped_languages)
    files = sorted(out.glob("*/*-poster-*.pdf"))
    assert {p.parent.name for p in files} == set(shipped_languages())
    return files


@pytest.fixture(scope="module")
def workspace():
    from generator.build import Settings, Workspace

    return Workspace(Settings(PROJECT, PROJECT / "output"))


def label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def chars(path: Path):
    """(text, font size, font name, (left, bottom, right, top)) for every visible character of page 1."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    page = pdfium.PdfDocument(path)[0]
    textpage = page.get_textpage()
    buf, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    out = []
    for i in range(textpage.count_chars()):
        size = raw.FPDFText_GetFontSize(textpage.raw, i)
        if size < 2:  # the invisible text layer (ActualText helpers)
            continue
        raw.FPDFText_GetFontInfo(textpage.raw, i, buf, 256, ctypes.byref(flags))
        out.append((chr(raw.FPDFText_GetUnicode(textpage.raw, i)), size, buf.value.decode(), textpage.get_charbox(i)))
    return out


def cap_heights(path: Path) -> dict[str, float]:
    """CapHeight / 1000 of each embedded font, by its name without the subset prefix."""
    import pikepdf

    result = {}
    with pikepdf.open(path) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            result[str(font.BaseFont).split("+", 1)[-1]] = float(descriptor.CapHeight) / 1000
    return result


def figures(path: Path) -> list[tuple[str, list[float]]]:
    """(alternative text, bounding box) of every Figure in the structure tree, in reading order."""
    import pikepdf

    found = []

    def walk(el):
        if not isinstance(el, pikepdf.Dictionary):
            return
        if el.get("/S") == "/Figure":
            found.append((str(el.get("/Alt")), [float(v) for v in el.A.BBox] if "/A" in el else []))
        kids = el.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            walk(kid)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def render(path: Path, dpi: float):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(path)[0].render(scale=dpi / 72).to_pil().convert("RGB")


def qr_box(path: Path) -> list[float]:
    """The QR code's box: the only Figure wider than 100 pt (pictograms are about 50 pt)."""
    boxes = [box for _, box in figures(path) if box and box[2] - box[0] > 100]
    assert len(boxes) == 1, f"{label(path)}: expected one QR code figure, found {len(boxes)}"
    return boxes[0]


def test_headline_cap_height_at_least_20_mm(posters):
    """Readable from 3 m: every headline character's cap height is at least 20 mm, on A3 and Tabloid."""
    short = []
    for path in posters:
        ratios = cap_heights(path)
        headline = [(c, size, font) for c, size, font, _ in chars(path) if size >= HEADLINE_MIN_PT and not c.isspace()]
        assert len(headline) >= 5, f"{label(path)}: no headline set at {HEADLINE_MIN_PT} pt or more"
        cap = min(size * ratios[font] for _, size, font in headline) / MM
        if cap < CAP_HEIGHT_MM - 1e-6:
            short.append(f"{label(path)}: {cap:.1f} mm")
    assert not short, ("headline cap height under 20 mm (a headline too long for the poster: shorten it, or its "
                       f"translation): {short}")


def test_footer_and_the_address_beside_the_code_at_least_24_pt(posters, workspace):
    """The footer (version, next review, review label, sources: everything below the QR code) and the
    address printed beside the code are 24 pt or larger."""
    from generator.layout import qr_url

    for path in posters:
        lang, handout = path.parent.name, path.stem.rsplit("-poster-", 1)[0]
        _, bottom, _, _ = qr_box(path)
        page = chars(path)
        below = [size for c, size, _, box in page if box[3] <= bottom + 1 and not c.isspace()]
        assert len(below) >= 20, f"{label(path)}: no footer under the QR code"
        assert min(below) >= FOOTER_MIN_PT - 0.01, f"{label(path)}: footer text at {min(below):.1f} pt"
        url = qr_url(workspace.clinic, lang, handout)
        text = "".join(c for c, *_ in page)
        at = text.find(url)
        assert at >= 0, f"{label(path)}: the address {url} is not printed"
        sizes = [size for _, size, _, _ in page[at:at + len(url)]]
        assert min(sizes) >= FOOTER_MIN_PT - 0.01, f"{label(path)}: the address at {min(sizes):.1f} pt"


def test_qr_code_50_mm_with_quiet_zone_decodes_to_the_printed_address(posters, workspace):
    import zxingcpp

    from generator.layout import qr_url

    dpi = 144
    for path in posters:
        lang, handout = path.parent.name, path.stem.rsplit("-poster-", 1)[0]
        # Only the code's box and 30 pt around it, at 144 dpi (the whole page would take seconds per poster).
        import pypdfium2 as pdfium

        page = pdfium.PdfDocument(path)[0]
        width, height = page.get_size()
        left, bottom, right, top = qr_box(path)
        crop = (max(0, left - 30), max(0, bottom - 30), max(0, width - right - 30), max(0, height - top - 30))
        image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("RGB")
        codes = zxingcpp.read_barcodes(image)
        assert len(codes) == 1, f"{label(path)}: {len(codes)} QR codes decoded"
        code = codes[0]
        expected = qr_url(workspace.clinic, lang, handout)
        assert code.text == expected, f"{label(path)}: QR opens {code.text!r}"
        p = code.position
        width_px = math.dist((p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y))
        assert width_px / dpi * 25.4 >= QR_MIN_MM, f"{label(path)}: QR code {width_px / dpi * 25.4:.1f} mm wide"
        # One module: the top-left finder pattern is 7 modules of dark, scanned along its middle row.
        x0, y0 = int(min(p.top_left.x, p.bottom_left.x)), int(min(p.top_left.y, p.top_right.y))
        gray = image.convert("L")
        y_mid, x = y0 + 3, x0 - 3
        while gray.getpixel((x, y_mid)) >= 128 and x < x0 + 6:  # zxing's corner may sit a pixel or two off
            x += 1
        run = 0
        while gray.getpixel((x + run, y_mid)) < 128:
            run += 1
        module = run / 7
        assert module > 2, f"{label(path)}: finder pattern not found"
        quiet = math.floor(4 * module) - 1
        x1, y1 = int(max(p.top_right.x, p.bottom_right.x)), int(max(p.bottom_left.y, p.bottom_right.y))
        ring = [gray.getpixel((x, y)) for x in range(x0 - quiet, x1 + quiet + 1)
                for y in list(range(y0 - quiet, y0 - 1)) + list(range(y1 + 2, y1 + quiet + 1))]
        ring += [gray.getpixel((x, y)) for y in range(y0 - quiet, y1 + quiet + 1)
                 for x in list(range(x0 - quiet, x0 - 1)) + list(range(x1 + 2, x1 + quiet + 1))]
        assert min(ring) > 200, f"{label(path)}: something printed inside the QR code's 4-module quiet zone"


def test_call_to_action_and_clinic_block_beside_the_code(posters, workspace):
    import pypdfium2 as pdfium

    from generator.markup import plain

    from generator.render.pdf.fonts import SHAPED_SCRIPTS, script_of

    for path in posters:
        lang = path.parent.name
        if script_of(lang) in SHAPED_SCRIPTS:  # read back as shaped glyphs, not their text: seen on the PNGs
            continue
        loc = workspace.localizer(lang)
        page = pdfium.PdfDocument(path)[0]
        text = re.sub(r"\s", "", page.get_textpage().get_text_range())
        for words in (loc.gettext("Scan the code for more information and support."), loc.gettext("Your care team"),
                      loc.gettext("Phone: {phone}", phone="")):
            wanted = re.sub(r"\s", "", plain(str(words)))
            assert wanted in text, f"{label(path)}: {wanted!r} is not printed"


def test_no_empty_band_taller_than_10_percent(posters):
    """No horizontal band of the page taller than 10% of its height is left empty, in any language."""
    worst = []
    for path in posters:
        image = render(path, 24)
        width, height = image.size
        run = longest = 0
        for y in range(height):
            spread = image.crop((0, y, width, y + 1)).getextrema()
            empty = all(high - low <= 6 for low, high in spread)
            run = run + 1 if empty else 0
            longest = max(longest, run)
        if longest / height > EMPTY_BAND_MAX:
            worst.append(f"{label(path)}: {longest / height:.0%}")
    assert not worst, f"empty bands taller than 10% of the page: {worst}"


def test_urgent_panel_before_the_signs_and_signs_as_a_pictogram_grid(posters, workspace):
    """The "get help now" panel (its pictogram) is above every sign; the signs are a grid of pictogram +
    label in 2 columns, starting on the right in right-to-left languages."""
    from generator.layout import localized
    from generator.markup import plain

    for path in posters:
        lang, handout = path.parent.name, path.stem.rsplit("-poster-", 1)[0]
        view = localized(workspace.library.handouts[handout], workspace.localizer(lang), workspace.library)["poster"]
        signs = [plain(str(s["text"])) for s in view["symptoms"]]
        found = figures(path)
        urgent = [box for alt, box in found if alt not in signs and box and box[2] - box[0] <= 100]
        cells = [box for alt, box in found if alt in signs]
        assert len(cells) == len(signs), f"{label(path)}: {len(cells)} sign pictograms for {len(signs)} signs"
        assert view["emergency"] and urgent, f"{label(path)}: no urgent panel pictogram"
        assert min(box[1] for box in urgent) > max(box[3] for box in cells), \
            f"{label(path)}: the urgent panel is not above the signs"
        columns = sorted({round(box[0]) for box in cells})
        assert len(columns) in (2, 3), f"{label(path)}: signs in {len(columns)} columns"
        first, second = cells[0][0], cells[1][0]
        rtl = lang in ("ar", "fa")
        assert (first > second) if rtl else (first < second), f"{label(path)}: grid not in reading direction"


def test_long_translation_tightens_the_layout_before_the_type(workspace, monkeypatch):
    """The fitting ladder: 100% type at each compact step first, then smaller type at the tightest layout,
    never under 80%; the longest poster text (French, carcinoid syndrome) ends above the floor."""
    import generator.layout as layout
    from generator.layout.theme import load_theme

    tried = []
    original = layout.layout_xml

    def spy(product, paper, handout, loc, library, clinic, options=None):
        tried.append((options["scale"], options["compact"], options.get("slack", 0)))
        return original(product, paper, handout, loc, library, clinic, options)

    monkeypatch.setattr(layout, "layout_xml", spy)
    from generator.build import Job

    workspace.render(Job("carcinoid-syndrome", "fr_CA", "poster", "a3"))
    ladder = [(s, c) for s, c, slack in tried if not slack]
    assert ladder[0] == (1.0, 0)
    first_smaller = next((i for i, (s, _) in enumerate(ladder) if s < 1.0), None)
    if first_smaller is not None:
        compacts = [c for s, c in ladder[:first_smaller]]
        tightest = len(load_theme()["poster"]["compact"]["space"]) - 1
        assert compacts == sorted(compacts) and compacts[-1] == tightest, f"type shrank before the layout: {ladder}"
    assert min(s for s, _ in ladder) >= 0.8
