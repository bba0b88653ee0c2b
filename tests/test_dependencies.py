"""The two pinned lists: requirements.txt is what `make leaflets` installs, requirements-test.txt what
`make test` adds. The build must never need a test-only package, and every package the generator
imports must be in the runtime list."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pinned(name: str) -> dict[str, str]:
    """{normalised distribution name: version} of a requirements file; every line must be name==version."""
    found = {}
    for lineno, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line)
        assert m, f"{name}:{lineno}: not pinned as name==version: {line!r}"
        found[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return found


def generator_imports() -> dict[str, str]:
    """Top-level module -> 'file:line' of its first import under generator/."""
    seen = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                seen.setdefault(name.split(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return seen


def test_both_lists_pinned_and_disjoint():
    runtime, test = pinned("requirements.txt"), pinned("requirements-test.txt")
    assert runtime and test
    assert not set(runtime) & set(test), f"in both lists: {sorted(set(runtime) & set(test))}"


def test_generator_imports_only_runtime_packages():
    runtime, test = pinned("requirements.txt"), pinned("requirements-test.txt")
    dists = packages_distributions()
    for module, where in generator_imports().items():
        if module in sys.stdlib_module_names or module in ("generator", "__future__"):
            continue
        owners = {re.sub(r"[-_.]+", "-", d).lower() for d in dists.get(module, [])}
        assert owners, f"{where}: imports {module!r}, which no installed package provides"
        assert not owners & set(test), f"{where}: imports {module!r}, a test-only package ({sorted(owners)})"
        assert owners & set(runtime), f"{where}: imports {module!r} ({sorted(owners)}), missing from requirements.txt"
