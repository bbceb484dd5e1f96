"""The optimiser benchmark runs end to end on the example draft (a smoke test, not a timed
assertion): the MIP and the greedy baseline both report, with the MIP's fewer changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_example_case_reports_the_mip_beside_greedy():
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "optimise_bench.py"), "--json", "--levels", "example"],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [case] = json.loads(result.stdout)["results"]
    assert case["case"] == "example"
    assert (case["mip"]["changes"], case["greedy"]["changes"]) == (3, 34)
    assert (case["mip"]["errors"], case["greedy"]["errors"]) == (0, 0)
    assert case["mip"]["fit"] >= case["greedy"]["fit"]
    assert case["mip"]["peak_mb"] > 0
