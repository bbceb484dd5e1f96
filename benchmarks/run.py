#!/usr/bin/env python
"""Cluster Planner benchmarks: ``python benchmarks/run.py [--json] [--quick] [--levels ...]``.

Prints one line per figure: the median of repeated runs of the real code path, the
median of the naive way of doing the same work measured in the same run, their ratio
(naive / real, so higher is better; for the cold start the naive figure is the import
floor and the ratio is below 1), and the target from the performance issue.

Figures: ``edit_repaint``, ``analysis_full``, ``hover_hit``, ``zoom_first_frame``,
``zoom_sharp`` and ``pan_first_frame`` per level; ``qgis_peer`` (QGIS rendering the
same views, where Debian's ``python3-qgis`` is installed), ``save_load`` and
``peak_memory`` (key ``mb``) at the finest level asked for (county by default);
``cold_start`` at the app's default level. ``--quick`` runs everything once
(the CI smoke test); the full run takes a few minutes. See ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# As the app's command does (cluster_planner.cli), before numpy loads: one BLAS thread,
# for the real code and the naive baselines alike.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import measure  # noqa: E402 (needs the path above)
import navigate  # noqa: E402

LEVELS = ("province", "prefecture", "county")
NAMES = ("edit_repaint", "analysis_full", "hover_hit", "zoom_first_frame", "zoom_sharp", "pan_first_frame",
         "qgis_peer", "save_load", "cold_start", "peak_memory")
NAVIGATION = ("zoom_first_frame", "zoom_sharp", "pan_first_frame", "qgis_peer")
# (name, level) -> the most milliseconds (or MB) allowed, from the performance issue.
TARGETS = {
    ("edit_repaint", "prefecture"): 16.0,
    ("edit_repaint", "county"): 50.0,
    ("analysis_full", "prefecture"): 20.0,
    ("analysis_full", "county"): 100.0,
    ("zoom_first_frame", "county"): 16.0,
    ("pan_first_frame", "county"): 16.0,
    ("zoom_sharp", "county"): 60.0,
    ("save_load", "county"): 40.0,
    ("peak_memory", "county"): 400.0,
}
# The naive way over the real one; for qgis_peer, QGIS's render over our sharp picture.
MIN_RATIO = {"edit_repaint": 15.0, "save_load": 1.5, "qgis_peer": 2.0}
COLD_START_TARGET_MS = 1500.0
COLD_START_OVER_FLOOR_MS = 700.0
# (real runs, naive runs) in a full run; --quick runs each once.
REPEATS = {
    "edit_repaint": (31, 5),
    "analysis_full": (21, 5),
    "hover_hit": (11, 3),
    "save_load": (11, 5),
    # Real: four rounds of six wheel steps in and six out; naive: one round (the same views).
    "navigation": (24, 12),
    "cold_start": (7, 7),
}


def _target(figure: measure.Figure) -> tuple[str, bool | None]:
    """The target text and whether the figure meets it (None when there is none)."""
    if figure.name == "qgis_peer" and figure.naive_median != figure.naive_median:  # NaN: no QGIS
        return f">= {MIN_RATIO['qgis_peer']:g}x", None
    if figure.name == "cold_start":
        over = figure.median - figure.naive_median
        met = figure.median <= COLD_START_TARGET_MS or over <= COLD_START_OVER_FLOOR_MS
        return f"<= {COLD_START_TARGET_MS:.0f} ms or floor + {COLD_START_OVER_FLOOR_MS:.0f}", met
    parts, met = [], None
    limit = TARGETS.get((figure.name, figure.level))
    if limit is not None:
        parts.append(f"<= {limit:g} {figure.unit}")
        met = figure.median <= limit
    ratio = MIN_RATIO.get(figure.name)
    if ratio is not None:
        parts.append(f">= {ratio:g}x")
        met = (met is not False) and figure.ratio >= ratio
    return ", ".join(parts), met


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.3f}"


def format_table(figures: list[measure.Figure], markdown: bool = False) -> str:
    """The figures as an aligned text table (or a Markdown table)."""
    header = ["figure", "level", "median", "naive", "ratio", "target", "met"]
    rows = []
    for figure in figures:
        target, met = _target(figure)
        missing = figure.naive_median != figure.naive_median  # NaN: the peer is not installed
        rows.append([figure.name, figure.level, f"{_number(figure.median)} {figure.unit}",
                     "not installed" if missing else f"{_number(figure.naive_median)} {figure.unit}",
                     "-" if missing else f"{figure.ratio:.1f}x",
                     target or "-", {True: "yes", False: "NO", None: "-"}[met]])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(row[k])) for row in [header, *rows]) for k in range(len(header))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def run(levels: list[str], quick: bool, only: set[str] | None, progress) -> list[measure.Figure]:
    """Measure every figure asked for, in a fixed order."""

    def repeats(name: str) -> tuple[int, int]:
        return (1, 1) if quick else REPEATS[name]

    def wanted(name: str) -> bool:
        return only is None or name in only

    figures = []
    finest = levels[-1]
    steps = []
    # First, while this process is small: a child's ru_maxrss starts from the parent's.
    if wanted("peak_memory"):
        steps.append(("peak_memory", finest, lambda: measure.peak_memory(finest)))
    for name, function in (("edit_repaint", measure.edit_repaint), ("analysis_full", measure.analysis_full),
                           ("hover_hit", measure.hover_hit)):
        if wanted(name):
            steps += [(name, level, lambda f=function, n=name, lv=level: f(lv, *repeats(n)))
                      for level in levels]
    if any(wanted(name) for name in NAVIGATION):
        steps += [("navigation", level, lambda lv=level: navigate.navigation(
            lv, *repeats("navigation"), peer=wanted("qgis_peer") and lv == finest)) for level in levels]
    if wanted("save_load"):
        steps.append(("save_load", finest, lambda: measure.save_load(finest, *repeats("save_load"))))
    if wanted("cold_start"):
        steps.append(("cold_start", "prefecture", lambda: measure.cold_start(*repeats("cold_start"))))
    for _name, level, step in steps:
        started = time.perf_counter()
        result = step()
        for figure in result if isinstance(result, list) else [result]:
            if not wanted(figure.name):
                continue
            figures.append(figure)
            progress(f"{figure.name} ({level}): {_number(figure.median)} {figure.unit} vs naive "
                     f"{_number(figure.naive_median)} {figure.unit} [{time.perf_counter() - started:.1f} s]")
    return sorted(figures, key=lambda figure: (NAMES.index(figure.name), LEVELS.index(figure.level)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="run everything once (CI smoke test)")
    parser.add_argument("--levels", default=",".join(LEVELS),
                        help="comma-separated levels, coarse to fine (default: all three)")
    parser.add_argument("--only", help="comma-separated figure names to run (default: all)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table to FILE (Markdown)")
    args = parser.parse_args(argv)
    levels = [level.strip() for level in args.levels.split(",") if level.strip()]
    unknown = [level for level in levels if level not in LEVELS]
    if unknown or not levels:
        parser.error(f"levels must be among {', '.join(LEVELS)}")
    levels = sorted(set(levels), key=LEVELS.index)
    only = {name.strip() for name in args.only.split(",")} if args.only else None

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    quiet = args.json

    def progress(text: str) -> None:
        print(text, file=sys.stderr if quiet else sys.stdout, flush=True)

    figures = run(levels, args.quick, only, progress)
    if args.json:
        print(json.dumps({"figures": [figure.to_json() for figure in figures],
                          "machine": _machine(), "quick": args.quick}, ensure_ascii=False))
    else:
        print()
        print(format_table(figures))
        print(f"\nmachine: {_machine()}")
    if args.markdown:
        Path(args.markdown).write_text(format_table(figures, markdown=True) + "\n", encoding="utf-8")
    return 0


def _machine() -> dict:
    # The load average says how much else ran on the machine: on a shared 2-core VM
    # every median moves with it, real and naive alike.
    load = [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_average": load}


if __name__ == "__main__":
    raise SystemExit(main())
