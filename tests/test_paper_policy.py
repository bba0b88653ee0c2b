"""Paper follows each language's region unless the clinic (clinic.toml `paper`) or --paper says
otherwise (PRODUCT.md). Read back as a person would: which files exist, and the page size inside."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from .conftest import PROJECT

LETTER, A4 = (612, 792), (595, 842)  # points, rounded


def build(project, out, *args):
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "build", "--out", str(out),
                             "--lang", "en", "--lang", "ru", "--handout", "carcinoid-syndrome", "--product", "leaflet",
                             "--jobs", "2", *args], cwd=PROJECT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    return result


def sizes(out) -> dict[str, tuple[int, int]]:
    """file -> page size in points, from each PDF's first page."""
    from pypdf import PdfReader

    files = [e["file"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]]
    found = {}
    for name in files:
        box = PdfReader(out / name).pages[0].mediabox
        found[name] = (round(float(box.width)), round(float(box.height)))
    return found


def clinic_project(tmp_path, paper: str):
    project = tmp_path / "project"
    for name in ("content", "locales", "reviews"):
        shutil.copytree(PROJECT / name, project / name)
    shutil.copy(PROJECT / "babel.cfg", project / "babel.cfg")
    text = (PROJECT / "clinic.toml").read_text(encoding="utf-8")
    assert '\npaper = ""' in text  # the shipped default: each language's region
    (project / "clinic.toml").write_text(text.replace('\npaper = ""', f'\npaper = "{paper}"'), encoding="utf-8")
    return project


def test_default_is_each_languages_region(tmp_path):
    result = build(PROJECT, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    # English has no territory: its likely region is the US, so Letter; Russian: A4
    assert sizes(tmp_path / "out") == {"en/carcinoid-syndrome-leaflet-letter.pdf": LETTER,
                                       "ru/carcinoid-syndrome-leaflet-a4.pdf": A4}


def test_clinic_paper_applies_to_every_language_and_paper_all_still_gives_both(tmp_path):
    project = clinic_project(tmp_path, "a4")
    result = build(project, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert sizes(tmp_path / "out") == {"en/carcinoid-syndrome-leaflet-a4.pdf": A4,
                                       "ru/carcinoid-syndrome-leaflet-a4.pdf": A4}
    result = build(project, tmp_path / "both", "--paper", "all")  # the command line wins over the clinic
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(sizes(tmp_path / "both").values()) == sorted([A4, A4, LETTER, LETTER])


def test_clinic_paper_letter_for_everyone(tmp_path):
    result = build(clinic_project(tmp_path, "letter"), tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(sizes(tmp_path / "out").values()) == {LETTER}


def test_unknown_clinic_paper_is_one_line_naming_file_and_line(tmp_path):
    project = clinic_project(tmp_path, "A5")
    result = build(project, tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line_no = next(n for n, t in enumerate((project / "clinic.toml").read_text().splitlines(), 1) if t.startswith("paper"))
    assert lines[0].startswith(f"error: clinic.toml:{line_no}: paper 'A5'"), lines[0]
    assert '"a4"' in lines[0] and '"letter"' in lines[0]
