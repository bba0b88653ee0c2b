"""The design system (docs/DESIGN.md): pictograms and the theme, checked as a person would.

Pictograms: every file of the set follows the grid and draws; a layout's <pictogram> is a Figure
with its alternative text in the PDF, drawn where the layout put it, in the colour it asked for;
an unknown name is an error naming it. Theme: see the contrast tests below.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from generator.pictograms import GRID, NAMES, outline, parse_path
from generator.render.pdf import RenderError, render
from generator.render.pdf.fonts import FontStack

from tests.test_accessibility import elements

MM = 72 / 25.4
REQUIRED = ("flushing", "diarrhea", "breathing", "heartbeat", "low-blood-sugar", "high-blood-sugar", "dizziness",
            "stomach-pain", "tests", "medicine", "phone", "emergency", "questions")


def page(story: str, draw: str = "", lang: str = "en", direction: str = "ltr") -> str:
    return f"""<document width="300" height="300" lang="{lang}" dir="{direction}" title="t" author="Clinic">
      <style name="body" size="10"/>
      <page-template id="p"><frame id="a" x="10" y="10" width="280" height="200"/><draw>{draw}</draw></page-template>
      <story>{story}</story></document>"""


def test_the_set_has_every_pictogram_the_issue_names_and_each_stays_on_its_grid():
    assert set(REQUIRED) <= set(NAMES)
    for name in NAMES:
        shapes = outline(name)
        assert shapes, name
        coords = [c for s in shapes for op in s.ops for c in op[1:]]
        assert min(coords) >= 0.5 and max(coords) <= GRID - 0.5, f"{name} leaves the 24-unit grid's margin"


def test_path_subset_parses_relative_commands_and_refuses_arcs():
    assert parse_path("M2 2 h4 v4 l-4 0 z") == [("M", 2, 2), ("L", 6, 2), ("L", 6, 6), ("L", 2, 6), ("Z",)]
    with pytest.raises(ValueError, match="A"):
        parse_path("M2 2 A 3 3 0 0 1 8 8")


def test_pictogram_in_story_cell_and_drawing_is_a_figure_with_its_alt():
    xml = page(story='<row widths="20%,80%"><cell><pictogram name="phone" size="30" alt="Phone"/></cell>'
                     '<cell><para style="body">Call your care team</para></cell></row>'
                     '<pictogram name="flushing" size="40" color="#b3261e,0.1,0.95,0.95,0.1" alt="Flushing"/>',
               draw='<pictogram name="emergency" x="250" y="250" size="40" alt="Emergency department"/>'
                    '<pictogram name="info" x="10" y="250" size="20" tag="Artifact"/>')
    pdf = pikepdf.open(io.BytesIO(render(xml, FontStack("en")).pdf))
    figures = [el for role, el in elements(pdf.Root.StructTreeRoot) if role == "Figure"]
    assert sorted(str(f.Alt) for f in figures) == ["Emergency department", "Flushing", "Phone"]
    drawn = next(f for f in figures if str(f.Alt) == "Emergency department")
    assert [round(float(v)) for v in drawn.A.BBox] == [250, 250, 290, 290]
    content = pdf.pages[0].Contents.read_bytes().decode("latin-1")
    assert "/Figure" in content and ".701961 .14902 .117647 RG" in content  # #b3261e strokes the flushing face


def test_pictogram_prints_cmyk_in_print_shop_builds():
    xml = page('<pictogram name="flushing" size="40" color="#b3261e,0.1,0.95,0.95,0.1" alt="Flushing"/>')
    xml = xml.replace('author="Clinic"', 'author="Clinic" color-mode="cmyk"')
    pdf = pikepdf.open(io.BytesIO(render(xml, FontStack("en")).pdf))
    assert b".1 .95 .95 .1 K" in pdf.pages[0].Contents.read_bytes()


def test_unknown_pictogram_or_missing_alt_is_one_clear_error():
    with pytest.raises(RenderError, match="unknown pictogram 'fainting'; known: breathing"):
        render(page('<pictogram name="fainting" size="20" alt="x"/>'), FontStack("en"))
    with pytest.raises(RenderError, match="unknown pictogram 'fainting'"):
        render(page("<para style=\"body\">x</para>", draw='<pictogram name="fainting" x="0" y="0" size="20" alt="x"/>'), FontStack("en"))
    with pytest.raises(RenderError, match="needs alt text"):
        render(page('<pictogram name="phone" size="20"/>'), FontStack("en"))
