"""Property-based tests: random text and markup through the checks and the renderer.

Whatever comes in, the only outcomes are a clear error or a page, and no tag outside
the allowed set ever reaches the layout.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.i18n.checks import _string_problems
from generator.content import load_library
from generator.i18n import Localizer
from generator.layout import Clinic, layout_xml
from generator.markup import MarkupProblem, to_markup
from generator.render.pdf import RenderError, render

from .conftest import PROJECT

PIECES = st.sampled_from(["<b>", "</b>", "<i>", "</i>", "<img src='x'>", "<font name='Courier'>", "</font>",
                          "<a href='http://x'>", "&amp;", "&#60;", "<", ">", "&", '"', "{phone}", "{n}", "{",
                          "}", "\u202e", "\x00", "\n", " ", "<para>", "<evalString>1+1</evalString>",
                          "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", "&e;"])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=12).map("".join)
LAYOUT_TAGS = {"b", "i", "cite", "br"}


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_checks_give_a_verdict_never_a_crash(text):
    problems = _string_problems("Phone: {phone}", text, ["Phone: {phone}"], set(), None)
    assert all(isinstance(p, str) and p for p in problems)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_markup_either_refuses_or_emits_only_allowed_tags(text):
    try:
        out = str(to_markup(text))
    except MarkupProblem as exc:
        assert str(exc)
        return
    root = ET.fromstring(f"<p>{out}</p>")  # well-formed, no entities beyond the XML five
    assert {el.tag for el in root.iter()} <= {"p", "b", "i"}


LIBRARY = load_library(PROJECT / "content")
HANDOUT = LIBRARY.handouts["carcinoid-syndrome"]


class Hostile(Localizer):
    """English formatting, but every message is the hostile text (as a translation would be)."""

    def __init__(self, text):
        super().__init__("en")
        self.text = text

    def _lookup(self, msgid, context):
        return self.text

    def _lookup_plural(self, one, other, n, context):
        return self.text


@given(TEXT)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_renderer_gives_a_page_or_a_clear_error(text):
    from generator.render.pdf.fonts import FontStack

    clinic = Clinic("", "", "", "", None, generic=True)
    try:
        xml = layout_xml("card", "id-1", HANDOUT, Hostile(text), LIBRARY, clinic)
    except MarkupProblem:
        return  # refused before layout: the checks name it for the translator
    story = ET.fromstring(xml)
    for para in story.iter("para"):
        assert {el.tag for el in para.iter()} - {"para"} <= LAYOUT_TAGS
    try:
        result = render(xml, FontStack("en"))
    except RenderError as exc:
        assert str(exc)
        return
    assert result.pdf.startswith(b"%PDF") and result.pages >= 1
