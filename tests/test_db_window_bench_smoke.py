"""The two-window benchmark runs end to end (a smoke test, not a timed assertion)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.db, pytest.mark.gui]


def test_the_second_window_figure_is_reported_beside_polling(pg_url):
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "db_window_bench.py"), "--url", pg_url,
         "--level", "prefecture", "--runs", "2", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    (figure,) = json.loads(result.stdout)["figures"]
    assert figure["name"] == "edit visible in a second window"
    assert figure["assignments"] == 1850 and figure["runs"] == 2 and figure["naive_runs"] == 5
    assert figure["median_ms"] > 0 and figure["naive_median_ms"] > 0
