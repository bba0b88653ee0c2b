"""User-facing errors: one line each, naming the place and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in input a person controls (content, catalogue, config, command line).

    The CLI prints it as one line and exits non-zero; `--debug` shows the traceback.
    """

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Problems(UserError):
    """Several independent problems found in one pass (so an editor fixes them all at once)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)


def where(path, line: int | None = None) -> str:
    """`file:line` relative to the working directory when possible."""
    from pathlib import Path

    p = Path(path)
    try:
        p = p.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return f"{p}:{line}" if line else str(p)
