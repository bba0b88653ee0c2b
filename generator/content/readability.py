"""Health-literacy check: English body text at or below US grade 8 (Flesch-Kincaid).

Computed with textstat on what a patient reads in the leaflet: headings, paragraphs,
bullets and callouts (not the references). A bullet without a full stop counts as
its own sentence, as a reader takes it.
"""

from __future__ import annotations

import re

from generator.content import Handout
from generator.markup import plain

MAX_GRADE = 8.0


def _sentence(text: str) -> str:
    text = re.sub(r"\{[a-z_]+\}", "6", plain(text)).strip()  # a placeholder reads as a short number
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def patient_text(handout: Handout) -> str:
    """Everything a patient reads on the leaflet, in reading order."""
    parts = [_sentence(handout.title.text), _sentence(handout.summary.text)]
    for section in handout.sections:
        parts.append(_sentence(section.heading.text))
        for block in section.blocks:
            for m in (block.title, block.text, *block.items):
                if m is not None:
                    parts.append(_sentence(m.text))
    return "\n".join(parts)


def grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def readability_problems(handouts) -> list[str]:
    from generator.errors import where

    problems = []
    for h in handouts:
        g = grade(patient_text(h))
        if g > MAX_GRADE:
            problems.append(f"{where(h.file)}: reading grade {g:.1f} is above {MAX_GRADE:.0f} (Flesch-Kincaid); "
                            f"use shorter sentences and everyday words")
    return problems
