"""Helpers shared by the headless commands: every line they print goes through here.

User text is cleaned by :func:`cluster_planner.domain.safe_text.terminal_safe`, characters
the terminal's encoding lacks (an emoji on a GBK console) are written as escapes, and a
failing output (a full disk, a closed pipe) ends the command with one line, not a
traceback (see :func:`cluster_planner.cli.main`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from cluster_planner.domain.safe_text import json_safe, terminal_safe


def add_format_argument(parser, choices=("text", "json"), default="text") -> None:
    parser.add_argument("--format", choices=choices, default=default, help="output format")


def print_json(payload: Any) -> None:
    sys.stdout.write(json_safe(json.dumps(payload, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def print_line(text: Any = "") -> None:
    """Print one line of text with user text made safe for the terminal."""
    sys.stdout.write(terminal_safe(str(text)) + "\n")


def print_lines(text: str) -> None:
    """Print text of several lines, each made safe for the terminal."""
    for line in str(text).split("\n"):
        print_line(line)


def tolerate_unencodable_output() -> None:
    """Write characters the console's encoding lacks as escapes instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
