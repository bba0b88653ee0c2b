"""Hostile or broken content files (issue 18, item 4, the YAML part): one line with file:line and
no traceback, fast, for alias loops, "billion laughs", impossible dates, deep nesting, huge files,
control characters and numbers Python will not convert."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from .conftest import PROJECT

HANDOUT = "content/handouts/carcinoid-syndrome.yaml"
LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))


def cli(project, *args, timeout=60):
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout)


def append(path, text):
    """Add `text` at the end of the file; returns the line number it starts on."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


@pytest.mark.parametrize("name, text, offset, message", [
    ("alias loop", "extra: &loop [*loop]\n", 0,
     "YAML alias *loop is not allowed in content files; write the value out in full"),
    ("billion laughs", "l0: &l0 [lol]\n" + LAUGHS, 1,
     "YAML alias *l0 is not allowed in content files; write the value out in full"),
    ("merge key", "base: &base {a: 1}\nother:\n  <<: *base\n", 2,
     "YAML alias *base is not allowed in content files; write the value out in full"),
    ("impossible date", "when: 2026-02-30\n", 0,
     "2026-02-30 is not a real date (day is out of range for month); write a date that exists as YYYY-MM-DD"),
    ("month 13", "when: 2026-13-01\n", 0,
     "2026-13-01 is not a real date (month must be in 1..12); write a date that exists as YYYY-MM-DD"),
    ("deep nesting", "deep: " + "[" * 5000 + "]" * 5000 + "\n", 0,
     "nested more than 40 levels deep; content files are a few levels deep, check the indentation and brackets"),
    ("control character", "bell: \x07\n", 0, "character U+0007 is not allowed in YAML; delete it"),
    ("a 5000-digit number", "n: " + "9" * 5000 + "\n", 0, None),
])
def test_hostile_yaml_is_one_line_with_file_and_line(sandbox, name, text, offset, message):
    line = append(sandbox / HANDOUT, text) + offset
    if message is None:  # Python refuses int() of more than 4300 digits
        message = f"value '{'9' * 27}...' cannot be read as a number; put it in quotes if it is text"
    started = time.monotonic()
    result = cli(sandbox, "check")
    assert time.monotonic() - started < 30, name
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert f"{HANDOUT}:{line}: {message}" in result.stderr.splitlines(), result.stderr[-3000:]


def test_yaml_functions_directly():
    """The same protections without the CLI, including the cases the loader would stop earlier."""
    import tempfile

    from generator.content.yamlsource import load_yaml
    from generator.errors import UserError

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.yaml")
        for text, wanted in [
            ("a: &x [1]\nb: *x\n", "x.yaml:2: YAML alias *x is not allowed in content files; write the value out in full"),
            ("a: 2026-02-29\n", "x.yaml:1: 2026-02-29 is not a real date (day is out of range for month); write a "
                                "date that exists as YYYY-MM-DD"),
            ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)), "x.yaml:40: nested more than 40 levels deep; content files are a few levels "
                                                                        "deep, check the indentation and brackets"),
        ]:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            with pytest.raises(UserError) as err:
                load_yaml(path)
            assert str(err.value).endswith(wanted), str(err.value)
        with open(path, "w", encoding="utf-8") as f:
            f.write("a: 2028-02-29\nb: [x, 'y']\n")
        assert load_yaml(path) == {"a": __import__("datetime").date(2028, 2, 29), "b": ["x", "y"]}


def test_a_huge_or_special_content_file(tmp_path):
    from generator.content.yamlsource import load_yaml
    from generator.errors import UserError

    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (3 << 20) + "\n")
    with pytest.raises(UserError) as err:
        load_yaml(big)
    assert str(err.value).endswith("big.yaml: file is 3.1 MB, more than the 2 MB a content file may be")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(UserError) as err:
        load_yaml(fifo)  # would block forever if opened
    assert str(err.value).endswith("fifo.yaml: is not a regular file; replace it with the YAML file itself")
