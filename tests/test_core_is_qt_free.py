"""Everything below the window runs headless: importing every module of the Qt-free
layers (domain, analysis, text, render, io, session, cli's commands) pulls in no Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import cluster_planner

QT_FREE_LAYERS = ("domain", "analysis", "text", "render", "io", "session")


def test_importing_every_qt_free_module_loads_no_qt():
    modules = []
    for layer in QT_FREE_LAYERS:
        package = __import__(f"cluster_planner.{layer}", fromlist=["_"])
        path = getattr(package, "__path__", None)
        modules.append(f"cluster_planner.{layer}")
        if path is not None:
            modules += [f"cluster_planner.{layer}.{info.name}" for info in pkgutil.iter_modules(path)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'cluster_planner.qt')))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"a Qt-free layer imported Qt: {result.stdout}"
    assert len(modules) >= 20
    assert cluster_planner.__name__ == "cluster_planner"
