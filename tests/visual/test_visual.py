"""Visual regression (issue 12, item 8): the fixed sample still looks like its committed references.

A failure names the page and writes a diff image (reference | new | changes in red) to
/tmp/net-visual-diffs/. After a deliberate change: `make approve-visuals`, look, commit the refs.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from tests.visual import harness


def test_the_sample_matches_its_references(tmp_path):
    images = harness.sample_images(tmp_path / "out")
    assert len(images) >= len(harness.LANGS) * len(harness.PRODUCTS)
    problems = harness.check_all(images)
    assert not problems, "\n".join(problems)


def _page(text_at: int) -> Image.Image:
    """A stand-in page: a title band and lines of 'text'."""
    image = Image.new("RGB", (330, 470), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 330, 60), fill=(11, 85, 99))
    for y in range(text_at, 440, 14):
        draw.rectangle((20, y, 300, y + 6), fill=(26, 26, 26))
    return image


def test_harness_passes_identical_pages_and_fails_a_moved_layout_with_a_diff(tmp_path):
    same = harness.compare("en-leaflet-p1", _page(80), _page(80), tmp_path)
    assert same.ok and same.mean == 0 and same.changed == 0
    moved = harness.compare("en-leaflet-p1", _page(80), _page(86), tmp_path)  # the text moved down 6 px
    assert not moved.ok
    assert moved.message.startswith("en-leaflet-p1: page changed") and str(moved.diff) in moved.message
    with Image.open(moved.diff) as diff:
        assert diff.size == (3 * 330 + 20, 470)
        assert diff.getpixel((2 * 330 + 20 + 25, 83)) == (220, 0, 0)  # a changed pixel, in red


def test_harness_tolerates_a_barely_visible_change_and_names_missing_and_new_pages(tmp_path):
    ref = _page(80)
    touched = ref.copy()
    touched.putpixel((5, 100), (0, 0, 0))  # one stray pixel: within tolerance
    assert harness.compare("en-card-p1", ref, touched, tmp_path).ok
    refs = tmp_path / "refs"
    harness.approve({"en-card-p1": ref, "en-card-p2": ref}, refs)
    problems = harness.check_all({"en-card-p1": ref, "en-card-p3": ref}, refs, tmp_path / "diffs")
    assert problems == ["en-card-p3: new page with no reference image; run `make approve-visuals` if intended",
                        "en-card-p2: reference page is no longer produced; run `make approve-visuals` if intended"]
    resized = harness.compare("en-card-p1", ref, ref.resize((300, 470)), tmp_path)
    assert not resized.ok and "page size changed" in resized.message
