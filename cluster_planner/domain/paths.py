"""Where the bundled data lives.

The repository keeps ``data/`` and ``resources/`` at its top level, beside the package
(the README installs it in editable mode). ``CLUSTER_PLANNER_DATA`` overrides the data
folder, e.g. for tests with a broken layer.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder holding ``regions/``, ``catalog/`` and ``conditions/``."""
    override = os.environ.get("CLUSTER_PLANNER_DATA")
    return Path(override) if override else PROJECT_ROOT / "data"


def resources_dir() -> Path:
    """The folder holding fonts, icons, translations and example plans."""
    return PROJECT_ROOT / "resources"
