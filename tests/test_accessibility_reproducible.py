"""Reproducible Hindi (issue 18, item 7): the same inputs give the same bytes whatever --jobs
and whatever a worker rendered before.

ReportLab gives shaped glyphs that have no character of their own (Devanagari conjuncts)
private-use codes in the order a process first meets them, and writes those codes into
the font's ToUnicode map: two workers that had rendered different documents wrote the same
document differently. The text layer now numbers its codes per document (textlayer.py).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from .conftest import PROJECT

OTHER = "क्षेत्र, ज्ञान, श्रम, द्वार, शुद्ध, स्वास्थ्य, प्रक्रिया, ट्रक, हृदय, कृपया, र्क, र्ट्र"

SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.test_accessibility import HI, make
for name in sys.argv[1:]:
    values = HI if name == "target" else dict(HI, p={other!r}, title="क्षेत्र ज्ञान", h2="द्वार")
    pdf = make(values)
    if name == "target":
        print(hashlib.sha256(pdf).hexdigest())
"""


def fresh_process(*order: str, seed: str) -> str:
    """sha256 of the Hindi document rendered in a new process, after rendering the others in `order`."""
    env = dict(os.environ, PYTHONHASHSEED=seed)
    run = subprocess.run([sys.executable, "-c", SCRIPT.format(root=str(PROJECT), other=OTHER), *order],
                         cwd=PROJECT, env=env, capture_output=True, text=True, check=True)
    return run.stdout.strip()


def test_a_document_is_the_same_bytes_whatever_was_rendered_before():
    alone = fresh_process("target", seed="1")
    after_other = fresh_process("other", "target", seed="2")
    assert len(alone) == 64
    assert alone == after_other


def test_the_word_cache_does_not_change_the_bytes():
    """Shaped words are kept per process (textlayer.shape_frag_word); a document is the same bytes with
    the cache empty, full of its own words, or full of another document's."""
    from generator.render.pdf import textlayer

    from .test_accessibility import HI, make

    textlayer.forget_words()
    cold = make(HI)
    assert make(HI) == cold
    textlayer.forget_words()
    make(dict(HI, p=OTHER, title="क्षेत्र ज्ञान"))
    assert make(HI) == cold


def cli_build(out, *args: str):
    """A build in a process of its own, as a person runs it (each starts with fresh ReportLab state)."""
    run = subprocess.run([sys.executable, "-m", "generator", "--project", str(PROJECT), "build", "--lang", "hi",
                          "--paper", "a4", "--out", str(out), *args], cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 0 and "languages left out 0" in run.stderr + run.stdout, run.stderr[-600:]


def test_hindi_builds_are_identical_across_jobs(tmp_path):
    one, two = tmp_path / "jobs1", tmp_path / "jobs2"
    cli_build(one, "--product", "leaflet", "--product", "card", "--jobs", "1")
    cli_build(two, "--product", "card", "--product", "leaflet", "--jobs", "2")
    files = sorted(p.relative_to(one) for p in one.glob("hi/*.pdf"))
    assert len(files) >= 2 and files == sorted(p.relative_to(two) for p in two.glob("hi/*.pdf"))
    differ = [str(f) for f in files
              if hashlib.sha256((one / f).read_bytes()).digest() != hashlib.sha256((two / f).read_bytes()).digest()]
    assert not differ, f"different bytes with --jobs 1 and --jobs 2: {differ}"
