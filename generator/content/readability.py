"""Health-literacy check: English body text at or below US grade 7 (Flesch-Kincaid).

Computed with textstat on what a patient reads in the leaflet: title, summary, key
points, headings, paragraphs, bullets, key figures, callouts and the words explained
(not the references, nor the poster and card, which repeat the leaflet's words).
A bullet without a full stop counts as its own sentence, as a reader takes it.
"""

from __future__ import annotations

import re

from generator.content.model import Handout, block_messages
from generator.markup import plain

MAX_GRADE = 7.0


def _sentence(text: str) -> str:
    text = re.sub(r"\{[a-z_]+\}", "6", plain(text)).strip()  # a placeholder reads as a short number
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def patient_text(handout: Handout) -> str:
    """Everything a patient reads on the leaflet, in reading order."""
    parts = [handout.title, handout.summary, *handout.key_points.items]
    for section in handout.sections:
        parts.append(section.heading)
        for block in section.blocks:
            parts += [m for m in block_messages(block) if not m.role.endswith("(plural)")]
    for term in handout.glossary:
        parts += [term.term, term.meaning]
    return "\n".join(_sentence(m.text) for m in parts)


def words(handout: Handout) -> int:
    """How many words a patient reads on the leaflet (docs/CONTENT.md aims at 700-1,100)."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", patient_text(handout)))


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
