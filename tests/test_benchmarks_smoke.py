"""The benchmark harness runs end to end (a smoke test, not a timed assertion).

``python benchmarks/run.py --quick --json`` runs every figure once; the test checks the
JSON shape and that every figure is there with positive numbers. The county level is
left out to keep the test short (its figures are the same code on a bigger layer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NAMES = {"edit_repaint", "analysis_full", "hover_hit", "zoom_first_frame", "zoom_sharp", "pan_first_frame",
         "qgis_peer", "save_load", "cold_start", "peak_memory"}
PER_LEVEL = {"edit_repaint", "analysis_full", "hover_hit", "zoom_first_frame", "zoom_sharp", "pan_first_frame"}
LEVELS = ("province", "prefecture")


@pytest.fixture(scope="module")
def quick_run() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json", "--levels", ",".join(LEVELS)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_every_figure_is_reported_with_positive_numbers(quick_run):
    figures = quick_run["figures"]
    assert {figure["name"] for figure in figures} == NAMES
    for name in PER_LEVEL:
        assert {f["level"] for f in figures if f["name"] == name} == set(LEVELS)
    for figure in figures:
        if figure["name"] == "qgis_peer" and figure["naive_median_ms"] is None:
            # Where python3-qgis is not installed the row says so (and how to install it).
            assert "not installed" in figure["note"] and figure["median_ms"] > 0 and figure["ratio"] is None
            continue
        value, naive = ("mb", "naive_mb") if figure["name"] == "peak_memory" else ("median_ms", "naive_median_ms")
        for key in (value, naive, "ratio"):
            assert isinstance(figure[key], int | float) and figure[key] > 0, (figure["name"], key, figure)
        assert figure["ratio"] == pytest.approx(figure[naive] / figure[value], rel=0.01, abs=0.01)
        assert figure["level"] in ("province", "prefecture", "county")


def test_the_finest_level_asked_for_is_used_for_files_and_memory(quick_run):
    by_name = {figure["name"]: figure for figure in quick_run["figures"]}
    assert by_name["save_load"]["level"] == by_name["peak_memory"]["level"] == "prefecture"
    assert by_name["qgis_peer"]["level"] == "prefecture"
    assert quick_run["quick"] is True


def test_the_table_and_the_markdown_file(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import run
        from measure import Figure
    finally:
        sys.path.pop(0)
    figures = [Figure("edit_repaint", "county", 12.0, 400.0, 3, 3),
               Figure("peak_memory", "county", 380.0, 390.0, 1, 1, unit="MB"),
               Figure("cold_start", "prefecture", 1400.0, 1000.0, 3, 3)]
    table = run.format_table(figures)
    lines = table.splitlines()
    assert lines[0].split()[:5] == ["figure", "level", "median", "naive", "ratio"]
    assert "33.3x" in lines[2] and "yes" in lines[2]
    assert "380 MB" in lines[3]
    markdown = run.format_table(figures, markdown=True)
    assert markdown.startswith("| figure | level |") and markdown.count("\n") == len(figures) + 1
    peers = [Figure("qgis_peer", "county", 40.0, 120.0, 3, 3), Figure("qgis_peer", "county", 40.0, float("nan"), 0, 0)]
    present, missing = run.format_table(peers).splitlines()[2:]
    assert "3.0x" in present and ">= 2x" in present and present.rstrip().endswith("yes")
    assert "not installed" in missing and missing.rstrip().endswith("-")
    assert peers[1].to_json()["naive_median_ms"] is None
