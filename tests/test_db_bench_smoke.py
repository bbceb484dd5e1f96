"""The plan-store benchmark runs end to end (a smoke test, not a timed assertion)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.db


def test_every_figure_is_reported_beside_its_naive_baseline(pg_url):
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "db_bench.py"), "--url", pg_url,
         "--runs", "1", "--per-region", "1", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)["figures"]
    assert [f["name"] for f in figures] == ["push new", "push 1% changed", "pull",
                                            "edit seen elsewhere"]
    for figure in figures:
        assert figure["assignments"] == 2875
        assert figure["median_ms"] > 0 and figure["naive_median_ms"] > 0
        assert figure["ratio"] == pytest.approx(
            figure["naive_median_ms"] / figure["median_ms"], rel=0.05)
