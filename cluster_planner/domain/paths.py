"""Where the bundled data lives.

The repository keeps ``data/`` and ``resources/`` at its top level, beside the package;
a wheel carries them inside the package as ``cluster_planner/_data`` and
``cluster_planner/_resources`` (a build mapping in ``pyproject.toml``). Both are found
through :mod:`importlib.resources`: the packaged copy when it is there (an installed
wheel), else the repository's (a checkout or an editable install).
``CLUSTER_PLANNER_DATA`` overrides the data folder, e.g. for tests with a broken layer.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=2)
def _bundled(packaged: str, top_level: str) -> Path:
    """The packaged folder ``packaged`` of the installed package, else ``top_level``."""
    candidate = resources.files("cluster_planner").joinpath(packaged)
    if candidate.is_dir():
        return Path(str(candidate))
    return PROJECT_ROOT / top_level


def data_dir() -> Path:
    """The folder holding ``regions/``, ``catalog/``, ``conditions/`` and ``evidence/``."""
    override = os.environ.get("CLUSTER_PLANNER_DATA")
    return Path(override) if override else _bundled("_data", "data")


def resources_dir() -> Path:
    """The folder holding fonts, icons, translations and example plans."""
    return _bundled("_resources", "resources")
