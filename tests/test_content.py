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
key_points:
  items: [Flushing can be a sign of carcinoid syndrome.]
  cite: [pandit-2023]
sections:
  - heading: What you can do
    role: actions
    blocks:
      - bullets: [Keep a symptom diary.]
        cite: [pandit-2023]
  - heading: When to get help
    role: get-help
    blocks:
      - callout: {level: emergency, title: Call your local emergency number, items: [You faint]}
        cite: [pandit-2023]
      - callout: {level: same-day, title: Call your care team today, items: [New flushing]}
        cite: [pandit-2023]
      - callout: {level: next-visit, title: Tell your care team at your next visit, items: [Tiredness]}
        cite: [pandit-2023]
  - heading: Questions to ask your care team
    role: questions
    blocks:
      - bullets: ["Is this urgent?"]
glossary:
  - {term: Flushing, meaning: Your face turns red and warm.}
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
    assert [s.role for s in handout.sections] == ["actions", "get-help", "questions"]
    assert [b.level for b in handout.sections[1].blocks] == ["emergency", "same-day", "next-visit"]
    roles = [m.role for m in handout.messages()]
    assert "callout item:emergency" in roles and "glossary meaning" in roles and "key point" in roles
    assert next(m for m in handout.messages() if m.text == "You faint").section == "When to get help"


@pytest.mark.parametrize("change, line, words", [
    (("version: \"1.0\"", "version: \"1.0\"\ncolour: red"), 8, "unknown key 'colour'"),
    (("level: emergency", "level: scary"), 20, "callout level 'scary' must be one of emergency, same-day, next-visit, info"),
    (("role: questions", "role: faq"), 27, "role 'faq' must be one of"),
    (("published: 2026-11-22", "published: soon"), 5, "'published' must be a date written YYYY-MM-DD"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"Is <u>this</u> urgent?\"]"), 29, "tag <u> is not allowed"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"Is <b>this urgent?\"]"), 29, "<b> is never closed"),
    (('- bullets: ["Is this urgent?"]', "- bullets: [\"About {n} times\"]"), 29, "placeholder {n} has no value"),
    (("title: A title", "title: A title\ntitle: Again"), 3, "duplicate key 'title' (first on line 2)"),
    (("      - bullets: [Keep a symptom diary.]\n        cite: [pandit-2023]\n", "      - bullets: [Keep a symptom diary.]\n"),
     15, "uncited bullets in a clinical section; add cite:"),
    (("version: \"1.0\"", "version: 1.0"), 7, "'version' must be text in quotes"),
])
def test_each_mistake_is_named_with_its_line(tmp_path, change, line, words):
    problems = problems_of(tmp_path, GOOD.replace(*change))
    assert any(f"sample.yaml:{line}:" in p and words in p for p in problems), problems


def test_missing_required_sections_are_reported(tmp_path):
    text = GOOD.replace("    role: questions\n", "")
    problems = problems_of(tmp_path, text)
    assert any("no section has role 'questions'" in p for p in problems), problems


def test_get_help_needs_the_three_levels_in_order(tmp_path):
    text = GOOD.replace("level: same-day", "level: next-visit").replace("level: next-visit, title: Tell", "level: same-day, title: Tell")
    problems = problems_of(tmp_path, text)
    assert any("sample.yaml:17:" in p and "emergency, same-day, next-visit in that order" in p
               and "(it has: emergency, next-visit, same-day)" in p for p in problems), problems


def test_a_section_marked_not_clinical_needs_a_reason(tmp_path):
    text = GOOD.replace("    role: actions\n", "    role: actions\n    clinical: false\n")
    assert any("'clinical: false' needs an editorial note" in p for p in problems_of(tmp_path, text))
    text = text.replace("    clinical: false\n", "    clinical: false\n    editorial: Practical tips, no medical facts.\n")
    assert problems_of(tmp_path, text.replace("        cite: [pandit-2023]\n  - heading: When", "  - heading: When")) == []


def test_yaml_syntax_error_names_the_line(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace("title: A title", "title: [unclosed"))
    assert len(problems) == 1 and "sample.yaml:" in problems[0] and "YAML syntax error" in problems[0]


def test_all_problems_in_one_run(tmp_path):
    text = GOOD.replace("level: emergency", "level: scary").replace("role: questions", "role: faq")
    assert len(problems_of(tmp_path, text)) >= 3  # both mistakes, and the missing questions section


def _sandbox_handout(sandbox, text=GOOD):
    for old in (sandbox / "content" / "handouts").glob("*.yaml"):
        old.unlink()
    write(sandbox / "content" / "handouts", text)


def test_unknown_citation_is_reported_against_the_library(sandbox):
    _sandbox_handout(sandbox, GOOD.replace("cite: [pandit-2023]", "cite: [nobody-1999]", 1))
    with pytest.raises(Problems) as info:
        load_library(sandbox / "content")
    assert any("unknown reference id 'nobody-1999'" in p and "sample.yaml:" in p for p in info.value.problems)


def test_every_reference_needs_an_address_and_an_access_date(sandbox):
    bib = sandbox / "content" / "bibliography.yaml"
    bib.write_text(bib.read_text(encoding="utf-8") + textwrap.dedent("""\
        - id: no-address
          type: webpage
          author: Somebody
          title: A page
          publisher: Somebody
        """), encoding="utf-8")
    with pytest.raises(Problems) as info:
        load_library(sandbox / "content")
    found = [p for p in info.value.problems if "'no-address'" in p]
    assert any("bibliography.yaml:" in p and "has no address; add url: (or doi: for an article)" in p for p in found)
    assert any("has no 'accessed:' date; add the date it was read" in p for p in found)


def test_authors_must_be_a_list(sandbox):
    bib = sandbox / "content" / "bibliography.yaml"
    bib.write_text(bib.read_text(encoding="utf-8").replace("authors: [Singh S", "authors: Singh S # [", 1),
                   encoding="utf-8")
    with pytest.raises(Problems) as info:
        load_library(sandbox / "content")
    assert any("'authors' of reference 'singh-2017' must be a list" in p for p in info.value.problems)


def test_a_sign_has_one_level_everywhere(sandbox):
    _sandbox_handout(sandbox)
    other = GOOD.replace("id: sample", "id: other").replace("items: [New flushing]", "items: [You faint]")
    other = other.replace("items: [You faint]}", "items: [Something else]}", 1)
    write(sandbox / "content" / "handouts", other, "other.yaml")
    with pytest.raises(Problems) as info:
        load_library(sandbox / "content")
    assert any("'You faint' is at level" in p and "a sign has one level everywhere" in p for p in info.value.problems)


def test_shipped_content_is_valid(project):
    library = load_library(project / "content")
    assert "carcinoid-syndrome" in library.handouts
    for handout in library.handouts.values():
        for ref, _ in handout.citations():
            assert library.references[ref].address
            assert library.references[ref].fields["accessed"]
