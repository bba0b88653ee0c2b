"""The content is the product: key facts from the sources are on the English leaflets,
every handout has its required sections, and the readability bar can fail."""

from __future__ import annotations

import re

import pytest

from generator.content import load_library
from generator.content.readability import grade, patient_text, readability_problems

from .conftest import PROJECT, pdf_text

LIBRARY = load_library(PROJECT / "content")

# (handout, phrases that must be on its English A4 leaflet; whitespace is ignored)
FACTS = [
    ("net-overview", ["6", "52 months", "58%", "metastases", "Key points", "Words to know"]),
    ("carcinoid-syndrome", ["Carcinoid syndrome", "Emergency", "Same day", "Next visit", "small bowel",
                            "spread to the liver", "octreotide", "lanreotide", "Carcinoid crisis"]),
    ("carcinoid-crisis-and-procedures", ["octreotide", "Anesthesia", "dental", "emergency number"]),
    ("lung-nets", ["25%"]),
    ("gep-nets", ["appendix", "MEN1"]),
    ("tests-and-diagnosis", ["Gallium-68 DOTATATE", "PET", "5-HIAA", "chromogranin A", "Ki-67", "biopsy"]),
    ("treatment-options", ["surgery", "octreotide", "lanreotide", "everolimus", "sunitinib", "PRRT",
                           "Embolization", "Chemotherapy"]),
    ("pancreatic-nets", ["gastrinoma", "insulinoma", "glucagonoma", "VIPoma", "life-threatening",
                         "fast sugar"]),
    ("living-with-a-net", ["Follow-up", "clinical trial", "Palliative care"]),
]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).lower()


@pytest.mark.parametrize("hid, phrases", FACTS, ids=[f[0] for f in FACTS])
def test_key_facts_are_on_the_english_leaflet(built, hid, phrases):
    text = flat(pdf_text(built / "en" / f"{hid}-leaflet-a4.pdf"))
    for phrase in phrases:
        assert flat(phrase) in text, (hid, phrase)


def test_every_handout_is_complete():
    assert len(LIBRARY.handouts) == 9 and "carcinoid-crisis-and-procedures" in LIBRARY.handouts
    for hid, handout in LIBRARY.handouts.items():
        roles = {s.role for s in handout.sections}
        assert {"actions", "get-help", "questions"} <= roles, hid
        assert handout.citations() and handout.key_points.items and handout.glossary, hid
        assert {"leaflet", "large-print"} <= set(handout.products), hid
    assert len({ref for h in LIBRARY.handouts.values() for ref, _ in h.citations()}) >= 15


def test_syndrome_is_same_day_and_crisis_is_the_emergency():
    """Version 1 sent flushing and diarrhea to the emergency department; they are same-day signs."""
    for handout in LIBRARY.handouts.values():
        for section in handout.sections:
            for block in section.blocks:
                items = " ".join(m.text.lower() for m in block.items)
                if block.level == "emergency":
                    assert "diarrhea" not in items or "dehydrat" in items or "dizzy" in items or "weak" in items, \
                        (handout.id, items)
                    assert not any(m.text.lower().startswith("flushing") for m in block.items), (handout.id, items)


def test_every_citation_resolves_and_the_reference_list_is_vancouver(built):
    for hid, handout in LIBRARY.handouts.items():
        for ref, _ in handout.citations():
            assert ref in LIBRARY.references, (hid, ref)
    text = flat(pdf_text(built / "en" / "net-overview-leaflet-a4.pdf"))
    assert flat("Singh S, Granberg D, Wolin E, Warner R, Sissons M, Kolarova T, et al. Patient-reported burden") in text
    assert "available from: https://" in text and "web pages read on november 25, 2026" in text
    assert "burdon" not in text  # the source's misspelling is corrected


def test_thirst_and_urination_are_signs_of_high_blood_sugar_not_low():
    """The source lists them under low blood sugar (insulinoma); they belong to high blood sugar."""
    found = 0
    for section in LIBRARY.handouts["pancreatic-nets"].sections:
        texts = [section.heading.text] + [m.text for b in section.blocks for m in (b.title, b.text, *b.items) if m]
        joined = " ".join(texts).lower()
        if "thirst" in joined:
            found += 1
            assert "high blood sugar" in joined or "glucagon" in joined, section.heading.text
            assert "insulinoma" not in section.heading.text.lower(), section.heading.text
    assert found


def test_english_is_at_or_below_grade_7():
    for hid, handout in LIBRARY.handouts.items():
        assert grade(patient_text(handout)) <= 7.0, hid
    assert readability_problems(LIBRARY.handouts.values()) == []


def test_the_readability_check_fails_a_hard_paragraph():
    import copy

    handout = copy.deepcopy(LIBRARY.handouts["carcinoid-syndrome"])
    hard = (
        "Neuroendocrine neoplasms demonstrate considerable heterogeneity regarding anatomical localization, "
        "hormonal functionality, histopathological differentiation, and corresponding therapeutic responsiveness, "
        "necessitating individualized multidisciplinary management incorporating somatostatin receptor imaging.")
    for section in handout.sections:  # every paragraph written like a journal abstract
        for block in section.blocks:
            if block.text:
                block.text.text = hard
    assert readability_problems([copy.deepcopy(LIBRARY.handouts["carcinoid-syndrome"])]) == []
    problems = readability_problems([handout])
    assert len(problems) == 1 and "reading grade" in problems[0] and "above 7" in problems[0]
