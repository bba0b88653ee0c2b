"""Incremental builds by content hash, and byte-identical output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from generator.build import Settings, build

from .conftest import PROJECT


def run_build(project, out, *args, env=None, code=PROJECT):
    """The CLI as a person runs it; `code` is the checkout whose generator package runs."""
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "build", "--out", str(out),
                             "--jobs", "2", *args], cwd=code, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr.strip().splitlines()[-1]  # "built N, unchanged M, ..."


def test_nothing_changed_means_nothing_rendered(tmp_path):
    out = tmp_path / "out"
    first = build(Settings(PROJECT, out), langs=["en", "fr_CA"], handouts=["carcinoid-syndrome"], paper="all",
                  progress=None)
    assert first.built > 0 and not first.failed
    again = build(Settings(PROJECT, out), langs=["en", "fr_CA"], handouts=["carcinoid-syndrome"], paper="all",
                  progress=None)
    assert (again.built, again.unchanged) == (0, first.built)


def test_one_translation_rebuilds_only_that_language(sandbox):
    out = sandbox / "out"
    args = ("--lang", "en", "--lang", "fr_CA", "--lang", "es", "--handout", "carcinoid-syndrome", "--paper", "a4")
    first = run_build(sandbox, out, *args)
    per_language = int(first.split()[1].rstrip(",")) // 3
    po = sandbox / "locales" / "fr_CA" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Références"' in text
    po.write_text(text.replace('msgstr "Références"', 'msgstr "Sources citées"', 1), encoding="utf-8")
    line = run_build(sandbox, out, *args)
    assert line.startswith(f"built {per_language}, unchanged {2 * per_language},"), line


def test_one_template_rebuilds_only_that_product(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(".venv", ".cache", "output", ".git", "__pycache__"))
    args = ("--lang", "en", "--handout", "carcinoid-syndrome", "--paper", "a4")
    out = copy / "output"
    first = run_build(copy, out, *args, code=copy)
    built = int(first.split()[1].rstrip(","))
    assert first.startswith("built ") and built >= 4
    template = copy / "generator" / "layout" / "templates" / "poster.xml.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{# a changed template #}\n", encoding="utf-8")
    assert run_build(copy, out, *args, code=copy).startswith(f"built 1, unchanged {built - 1},")


def test_two_clean_builds_are_byte_identical(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        summary = build(Settings(PROJECT, out), langs=["en", "ar", "zh_CN"], handouts=["carcinoid-syndrome"],
                        paper="all", progress=None)
        assert not summary.failed
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*.pdf"))
    assert files
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_source_date_epoch_sets_the_pdf_dates(tmp_path):
    from pypdf import PdfReader

    run_build(PROJECT, tmp_path, "--lang", "en", "--handout", "carcinoid-syndrome", "--product", "leaflet",
              "--paper", "a4", env={"SOURCE_DATE_EPOCH": "1700000000"})
    meta = PdfReader(tmp_path / "en" / "carcinoid-syndrome-leaflet-a4.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20231114")
