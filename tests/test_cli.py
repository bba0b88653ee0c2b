"""What a person sees at the command line: one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from .conftest import PROJECT


def run(*args, cwd=PROJECT):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_unknown_handout_is_one_line(tmp_path):
    result = run("build", "--handout", "nope", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: unknown handout 'nope'; choose from: {', '.join(sorted(p.stem for p in (PROJECT / 'content' / 'handouts').glob('*.yaml')))}"]


def test_broken_content_lists_each_problem_with_file_and_line(sandbox):
    path = sandbox / "content" / "handouts" / "carcinoid-syndrome.yaml"
    text = path.read_text(encoding="utf-8").replace("level: emergency", "level: scary", 1)
    path.write_text(text.replace("\nversion:", "\nauthor: me\nversion:", 1), encoding="utf-8")
    result = run("--project", str(sandbox), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("content/handouts/carcinoid-syndrome.yaml:") and "unknown key 'author'" in line
               for line in lines), lines
    assert any("level 'scary'" in line for line in lines), lines


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "build", "--handout", "nope", "--out", str(tmp_path))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_bad_option_value_is_refused_by_argparse():
    result = run("build", "--paper", "a5")
    assert result.returncode == 2 and "invalid choice: 'a5'" in result.stderr
