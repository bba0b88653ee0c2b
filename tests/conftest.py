"""Shared fixtures: one real build of the shipped content into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# A clinic file with every field filled, for tests of what a named clinic prints.
CLINIC = """\
[clinic]
name = "Riverside NET Clinic"
phone = "+1 555 010 0000"
website = "https://www.example.org"
address = "1 River Road"
resources_url = "https://www.example.org/net"
"""


@pytest.fixture(scope="session")
def project() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every shipped language's leaflets, both paper families, as `make leaflets PAPER=all` makes them."""
    from generator.build import Settings, build

    out = tmp_path_factory.mktemp("out")
    summary = build(Settings(PROJECT, out), products=["leaflet"], paper="all", jobs=2, progress=None)
    assert not summary.failed, summary.failed
    assert not summary.skipped_languages, summary.skipped_languages
    return out


@pytest.fixture
def sandbox(tmp_path) -> Path:
    """A copy of the project's inputs (content, locales, templates config) to break safely."""
    for name in ("content", "locales"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    shutil.copy(PROJECT / "babel.cfg", tmp_path / "babel.cfg")
    shutil.copytree(PROJECT / "generator" / "layout" / "templates", tmp_path / "generator" / "layout" / "templates")
    return tmp_path


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
