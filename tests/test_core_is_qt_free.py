"""The core must run headless: importing every core module pulls in no Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import cluster_planner.core


def test_importing_every_core_module_loads_no_qt():
    modules = [
        f"cluster_planner.core.{info.name}"
        for info in pkgutil.iter_modules(cluster_planner.core.__path__)
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'cluster_planner.qt')))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"core imported Qt: {result.stdout}"
    assert len(modules) >= 3
