"""Helpers shared by the headless commands."""

from __future__ import annotations

import json
import sys
from typing import Any


def add_format_argument(parser, choices=("text", "json"), default="text") -> None:
    parser.add_argument("--format", choices=choices, default=default, help="output format")


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
