"""Issue 18, item 4 (the content schema part, owned by the content loader): a wrong type or a missing
key in a content file is one line with file:line, never a traceback and never printed wrongly
("S, i, n, g, h" for a string where a list of authors is expected). Written against the content
loader of schema 2; the messages are the loader's own, so these tests check the place (file:line),
the single line, and that nothing is built from the broken value."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import PROJECT

HANDOUT = "content/handouts/carcinoid-syndrome.yaml"
BIB = "content/bibliography.yaml"


def cli(project, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout)


def replace_line(path, old, new):
    """Replace the first line equal to `old` (stripped); returns its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.strip() == old.strip())
    indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
    lines[number] = indent + new.strip() if new else None
    path.write_text("\n".join(line for line in lines if line is not None), encoding="utf-8")
    return number + 1


CASES = [
    # (what, file, the line as it is, what to write instead, words the one line must contain)
    ("authors as a string", BIB, "authors: [Singh S, Granberg D, Wolin E, Warner R, Sissons M, Kolarova T, Goldstein G, "
                                 "Pavel M, Öberg K, Leyden J]", "authors: Singh S", "authors"),
    ("products as a string", HANDOUT, "products: [leaflet, large-print, poster, card]", "products: leaflet", "products"),
    ("title as a number", HANDOUT, "title: Carcinoid syndrome", "title: 42", "title"),
    ("title as a list", HANDOUT, "title: Carcinoid syndrome", "title: [a, b]", "title"),
    ("published not a date", HANDOUT, "published: 2026-11-25", "published: soon", "published"),
    ("published impossible", HANDOUT, "published: 2026-11-25", "published: 2026-02-30", "not a real date"),
    ("version as a number", HANDOUT, 'version: "2.0"', "version: 2.0", "version"),
    ("missing title", HANDOUT, "title: Carcinoid syndrome", "", "title"),
    ("cite as a string", HANDOUT, "cite: [pandit-2023, ncuk-carcinoid-crisis]", "cite: pandit-2023", "cite"),
    ("year as text", BIB, "year: 2017", "year: last year", "year"),
]


@pytest.mark.parametrize("what, file, old, new, words", CASES)
def test_wrong_type_or_missing_key_is_one_line_with_file_and_line(sandbox, what, file, old, new, words):
    line = replace_line(sandbox / file, old, new)
    result = cli(sandbox, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    ours = [row for row in result.stderr.splitlines() if row.startswith(f"{file}:")]
    assert ours, result.stderr[-2000:]
    near = [row for row in ours if re.match(rf"{re.escape(file)}:(\d+): ", row)
            and abs(int(re.match(rf"{re.escape(file)}:(\d+): ", row).group(1)) - line) <= 3 and words in row]
    if what == "missing title":  # reported at the handout, not at a line that no longer exists
        near = [row for row in ours if "title" in row]
    assert near, (line, ours)
    assert "S, i, n, g" not in result.stderr
