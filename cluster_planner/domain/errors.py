"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations

import os
from pathlib import Path

from cluster_planner.domain.safe_text import terminal_safe

MAX_PROBLEM_LENGTH = 400


def _clip(text: str) -> str:
    """Keep a message one readable line even when it quotes a huge bad value."""
    if len(text) <= MAX_PROBLEM_LENGTH:
        return text
    return text[: MAX_PROBLEM_LENGTH - 1] + "…"


class InputError(Exception):
    """Unusable input: a file that is missing, corrupt or invalid.

    ``str(error)`` is a single line: ``<path>: <problem>``. The command line prints
    it and exits with status 2; the app shows it in a dialog.
    """

    def __init__(self, path: str | os.PathLike[str] | None, problem: str):
        self.path = None if path is None else Path(path)
        self.problem = _clip(" ".join(str(problem).split()))
        super().__init__(self.one_line())

    def one_line(self) -> str:
        if self.path is None:
            return self.problem
        # A file name may hold a newline or an ESC: shown as escapes, it stays one line.
        return f"{terminal_safe(str(self.path))}: {self.problem}"


class DataError(InputError):
    """A bundled or imported data file (region layer, catalog, conditions) is unusable."""


class PlanFileError(InputError):
    """A plan file cannot be read or written."""
