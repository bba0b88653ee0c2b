"""Content validation: every problem reported as file:line with what to do, all in one run."""

from __future__ import annotations

import textwrap

import pytest

from generator.content import load_handout, load_library
from generator.errors import Problems

GOOD = """\
id: sample
title: A title
summary: A summary
products: [leaflet]
published: 2026-11-22
next_review: 2027-11-22
version: "1.0"
sections:
  - heading: When to get help now
    role: get-help
    blocks:
      - callout: {severity: urgent, title: Get help now, text: Go to the emergency department.}
        cite: [pandit-2023]
  - heading: Questions to ask your care team
    role: questions
    blocks:
      - bullets: ["Is this urgent?"]
"""


def write(tmp_path, text, name="sample.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path, text):
    handout, problems = load_handout(write(tmp_path, text))
    return problems


def test_good_handout_loads(tmp_path):
    handout, problems = load_handout(write(tmp_path, GOOD))
    assert problems == []
    assert handout.title.text == "A title"
    assert [s.role for s in handout.sections] == ["get-help", "questions"]


@pytest.mark.parametrize("change, line, words", [
    (("version: \"1.0\"", "version: \"1.0\"\ncolour: red"), 8, "unknown key 'colour'"),
    (("severity: urgent", "severity: scary"), 12, "severity 'scary' must be one of urgent, warning, info"),
    (("role: questions", "role: faq"), 15, "role 'faq' must be one of"),
    (("published: 2026-11-22", "published: soon"), 5, "'published' must be a date written YYYY-MM-DD"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"Is <u>this</u> urgent?\"]"), 17, "tag <u> is not allowed"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"Is <b>this urgent?\"]"), 17, "<b> is never closed"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"About {n} times\"]"), 17, "placeholder {n} has no value"),
    (("title: A title", "title: A title\ntitle: Again"), 3, "duplicate key 'title' (first on line 2)"),
])
def test_each_mistake_is_named_with_its_line(tmp_path, change, line, words):
    problems = problems_of(tmp_path, GOOD.replace(*change))
    assert any(f"sample.yaml:{line}:" in p and words in p for p in problems), problems


def test_missing_required_sections_are_reported(tmp_path):
    text = GOOD.replace("    role: questions\n", "")
    problems = problems_of(tmp_path, text)
    assert any("no section has role 'questions'" in p for p in problems), problems


def test_yaml_syntax_error_names_the_line(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("title: A title", "title: [unclosed"))
    assert len(problems) == 1 and "sample.yaml:" in problems[0] and "YAML syntax error" in problems[0]


def test_all_problems_in_one_run(tmp_path):
    text = GOOD.replace("severity: urgent", "severity: scary").replace("role: questions", "role: faq")
    assert len(problems_of(tmp_path, text)) >= 3  # both mistakes, and the missing questions section


def test_unknown_citation_is_reported_against_the_library(sandbox):
    path = sandbox / "content" / "handouts" / "carcinoid-syndrome.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("cite: [pandit-2023]", "cite: [nobody-1999]", 1),
                    encoding="utf-8")
    with pytest.raises(Problems) as info:
        load_library(sandbox / "content")
    assert any("unknown reference id 'nobody-1999'" in p and "carcinoid-syndrome.yaml:" in p
               for p in info.value.problems)


def test_shipped_content_is_valid(project):
    library = load_library(project / "content")
    assert "carcinoid-syndrome" in library.handouts
    for handout in library.handouts.values():
        for ref, _ in handout.citations():
            assert ref in library.references
