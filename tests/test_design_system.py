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
    with pytest.raises(RenderError, match="unknown pictogram 'fainting'; known: .*breathing"):
        render(page('<pictogram name="fainting" size="20" alt="x"/>'), FontStack("en"))
    with pytest.raises(RenderError, match="unknown pictogram 'fainting'"):
        render(page("<para style=\"body\">x</para>", draw='<pictogram name="fainting" x="0" y="0" size="20" alt="x"/>'), FontStack("en"))
    with pytest.raises(RenderError, match="needs alt text"):
        render(page('<pictogram name="phone" size="20"/>'), FontStack("en"))


# ---------------------------------------------------------------- content names pictograms by id

def test_content_pictogram_ids_reach_the_templates(project):
    from generator.content import load_library
    from generator.i18n import Localizer
    from generator.layout import localized

    library = load_library(project / "content")
    h = library.handouts["carcinoid-syndrome"]
    assert h.poster.pictograms[0] == "flushing" and h.card.pictogram
    view = localized(h, Localizer("en"), library)
    first = view["poster"]["symptoms"][0]
    assert first["pictogram"] == "flushing" and str(first) == str(first["text"])  # prints as its text too
    assert any(s["pictogram"] == "questions" for s in view["sections"])
    assert all("pictogram" in b for s in view["sections"] for b in s["blocks"])


def test_unknown_pictogram_id_is_a_content_error_with_file_line_and_the_known_ids(project, tmp_path):
    from generator.content import load_handout

    text = (project / "content/handouts/carcinoid-syndrome.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    bad = next(i for i, line in enumerate(lines) if line.strip() == "pictogram: heartbeat")
    lines[bad] = lines[bad].replace("heartbeat", "palpitations")
    path = tmp_path / "carcinoid-syndrome.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    handout, problems = load_handout(path)
    assert handout is None and len(problems) == 1
    assert f"carcinoid-syndrome.yaml:{bad + 1}:" in problems[0]
    assert "unknown pictogram 'palpitations'" in problems[0] and "heartbeat" in problems[0]


# ---------------------------------------------------------------- the theme: colour roles and contrast

def relative_luminance(rgb: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour "#rrggbb"."""
    channels = [int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def theme_pairs():
    from generator.layout.theme import load_theme

    base = load_theme()["base"]
    return [(p["text"], p["on"], contrast(base["color"][p["text"]]["rgb"], base["color"][p["on"]]["rgb"]), p["where"])
            for p in base["contrast"]["pairs"]]


def test_contrast_helper_matches_wcag_reference_values():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-failing grey


@pytest.mark.parametrize("text,on,ratio,where", theme_pairs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_text_background_pair_of_the_theme_reaches_wcag_aa(text, on, ratio, where):
    assert ratio >= 4.5, f"{text} on {on} ({where}) has contrast {ratio:.2f}:1, under 4.5:1"


def test_every_role_has_rgb_and_cmyk_and_a_level_uses_its_own_role_and_a_known_pictogram():
    from generator.content.model import LEVELS
    from generator.layout.theme import load_theme

    base = load_theme()["base"]
    for name, c in base["color"].items():
        assert len(c["rgb"]) == 7 and len(c["cmyk"]) == 4 and all(0 <= v <= 1 for v in c["cmyk"]), name
    assert set(base["levels"]) == set(LEVELS)
    for spec in base["levels"].values():
        assert spec["role"] in base["color"] and spec["role"] + "_light" in base["color"]
        assert spec["pictogram"] in NAMES
    pairs = {(t, on) for t, on, _, _ in theme_pairs()}
    for spec in base["levels"].values():  # each level's label colour on its own tint is a checked pair
        assert (spec["role"], spec["role"] + "_light") in pairs


def test_callout_label_and_pictogram_print_in_the_level_colour(project):
    """Item 7: each callout's label and pictogram are in its level's own colour role (a same-day box is
    amber-brown on amber, never urgent red), in every product that prints callouts."""
    import xml.etree.ElementTree as ET

    from generator.clinic import load_clinic
    from generator.content import load_library
    from generator.i18n import Localizer
    from generator.layout import layout_xml
    from generator.layout.theme import load_theme

    colors = {name: c["rgb"] for name, c in load_theme()["base"]["color"].items()}
    library = load_library(project / "content")
    clinic = load_clinic(project)
    seen = set()
    for product, paper in (("leaflet", "a4"), ("large-print", "a4"), ("trifold", "a4"), ("poster", "a3")):
        xml = layout_xml(product, paper, library.handouts["carcinoid-syndrome"], Localizer("en"), library, clinic)
        for box in ET.fromstring(xml).iter("callout"):
            label = next((p for p in box.iter("para") if p.get("color")), None)
            if label is None:
                continue  # key points, notes, contact: no level
            border = box.get("border").split(",")[0]
            assert label.get("color").split(",")[0] == border, f"{product}: label colour differs from its box"
            icon = box.find(".//pictogram")
            assert icon is not None and icon.get("color").split(",")[0] == border and icon.get("alt")
            seen.add(border)
    assert {colors["urgent"], colors["warning"], colors["info"]} <= seen


def test_one_wording_standard_in_every_printed_english_string(project):
    """Issue 12, item 6: "health care provider" everywhere (the leaflets' wording), never "healthcare"."""
    from babel.messages.pofile import read_po

    with open(project / "locales" / "messages.pot", "rb") as f:
        catalog = read_po(f)
    ids = [m.id if isinstance(m.id, str) else " ".join(m.id) for m in catalog if m.id]
    assert ids, "messages.pot is empty"
    offenders = [i for i in ids if "healthcare" in i.lower() or "health-care" in i.lower()]
    assert not offenders, f"say 'health care' (docs/CONTENT.md, Style): {offenders}"


def test_products_use_only_theme_colours_and_their_boxed_text_reaches_aa(project):
    """Every colour a product's layout writes is a theme role (no stray hex in a template), and the text
    in every box (callout), and every fixed text on its band or on paper, has at least 4.5:1 against
    its background, as the layout says."""
    import xml.etree.ElementTree as ET

    from generator.clinic import load_clinic
    from generator.content import load_library
    from generator.i18n import Localizer
    from generator.layout import layout_xml
    from generator.layout.theme import load_theme

    roles = {f'{c["rgb"]},{",".join(str(v) for v in c["cmyk"])}' for c in load_theme()["base"]["color"].values()}
    library = load_library(project / "content")
    clinic = load_clinic(project)
    for product, paper in (("leaflet", "a4"), ("large-print", "a4"), ("trifold", "a4"), ("poster", "a3"),
                           ("card", "id-1"), ("card-sheet", "a4")):
        root = ET.fromstring(layout_xml(product, paper, library.handouts["carcinoid-syndrome"], Localizer("en"),
                                        library, clinic))
        stray = {f"<{el.tag} {k}='{el.get(k)}'>" for el in root.iter() for k in ("color", "fill", "border", "background")
                 if el.get(k) and el.get(k) not in roles}
        assert not stray, f"{product}: colours outside the theme's roles (generator/layout/theme/base.toml): {stray}"
        style_color = {s.get("name"): s.get("color") for s in root.iter("style")}
        for box in root.iter("callout"):
            background = (box.get("background") or "#ffffff,0,0,0,0").split(",")[0]
            for el in box.iter():
                if el.tag not in ("para", "list", "lines") or not el.get("style"):
                    continue
                text = (el.get("color") if el.tag == "para" and el.get("color") else style_color.get(el.get("style")))
                if text:
                    ratio = contrast(text.split(",")[0], background)
                    assert ratio >= 4.5, f"{product}: style {el.get('style')} {text} on {background}: {ratio:.2f}:1"
        # Fixed texts (title bands, footers): on the last band drawn under the text's middle, else on paper.
        for draw in [*root.iter("draw"), *root.iter("late")]:
            bands = [el for el in draw if el.tag == "rect"]
            for el in draw.iter("text"):
                color = el.get("color") or style_color.get(el.get("style"))
                if not color:
                    continue
                cx = float(el.get("x")) + float(el.get("width")) / 2
                cy = float(el.get("y")) + float(el.get("height", "0")) / 2
                under = [r for r in bands if float(r.get("x")) <= cx <= float(r.get("x")) + float(r.get("width"))
                         and float(r.get("y")) <= cy <= float(r.get("y")) + float(r.get("height"))]
                background = under[-1].get("fill").split(",")[0] if under else "#ffffff"
                ratio = contrast(color.split(",")[0], background)
                assert ratio >= 4.5, f"{product}: fixed text {el.get('style')} {color} on {background}: {ratio:.2f}:1"


def test_signs_in_a_list_name_a_pictogram_each_or_none(project, tmp_path):
    from generator.content import load_handout

    lines = (project / "content/handouts/carcinoid-syndrome.yaml").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip() == "- text: Severe trouble breathing")
    assert lines[first + 1].strip() == "pictogram: breathing"
    lines[first:first + 2] = [lines[first].replace("- text: ", "- ")]  # one sign without its pictogram
    path = tmp_path / "carcinoid-syndrome.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    handout, problems = load_handout(path)
    assert handout is None and len(problems) == 1
    assert "4 of 5 items name a pictogram; give every item one" in problems[0] and "carcinoid-syndrome.yaml:" in problems[0]


def test_emergency_signs_are_pictogram_rows_with_alt_in_the_level_colour(project):
    import xml.etree.ElementTree as ET

    from generator.clinic import load_clinic
    from generator.content import load_library
    from generator.i18n import Localizer
    from generator.layout import layout_xml

    library = load_library(project / "content")
    xml = layout_xml("leaflet", "a4", library.handouts["carcinoid-syndrome"], Localizer("en"), library,
                     load_clinic(project))
    emergency = next(box for box in ET.fromstring(xml).iter("callout") if box.find(".//para[@color]") is not None
                     and "Emergency" in "".join(box.find(".//para[@color]").itertext()))
    signs = [(p.get("name"), p.get("alt"), p.get("color")) for p in emergency.iter("pictogram")][1:]  # after the label's
    assert [name for name, _, _ in signs] == ["flushing", "breathing", "heartbeat", "confusion", "diarrhea"]
    assert signs[1][1] == "Severe trouble breathing" and {c for _, _, c in signs} == {emergency.get("border")}
