"""The hostile-input attack of issue 17, kept in CI: about 500 generated cases.

Plan files (truncated, bit-flipped, every field swapped for odd values, other encodings,
absurd shapes), settings (out of range, wrong types, 1e300, 2**63), CSV imports (every
encoding and delimiter Excel writes, broken quotes, ambiguous and overflowing numbers,
NULs, 5,000 columns, 21 MB), exports to odd targets (read-only files, links to device
nodes, pipes, folders, over-long and two-line names, plan names full of ``$`` and control
characters) and special files (named pipes, devices, sockets, loops) in every reader.

Each category runs in its own worker process (:mod:`hostile_cases`), all at once, each
case under an alarm, so a hang fails its case instead of freezing CI. Every case must be
clean: no traceback, no hang, one-line refusals naming the file, nothing saved lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import CATEGORIES, case_specs, read_results, table

WORKER = Path(__file__).with_name("hostile_cases.py")
WORKER_TIMEOUT = 300


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every category's results, by case id (the workers run in parallel)."""
    folder = tmp_path_factory.mktemp("hostile")
    env = {**os.environ, "MPLBACKEND": "Agg", "CLUSTER_PLANNER_HOME": str(folder / "home")}
    workers = {
        category: subprocess.Popen(
            [sys.executable, str(WORKER), category, str(folder / str(number))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for number, category in enumerate(CATEGORIES)
    }
    by_category: dict[str, dict[str, dict]] = {}
    for category, worker in workers.items():
        try:
            out, err = worker.communicate(timeout=WORKER_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, err = worker.communicate()
        rows = read_results(category, out, worker.returncode, err)
        by_category[category] = {row["id"]: row for row in rows}
    rows = {category: list(cases.values()) for category, cases in by_category.items()}
    print("\n" + table(rows))
    return by_category


CASES = [
    pytest.param(category, spec["id"], id=f"{category}: {spec['id']}")
    for category in CATEGORIES
    for spec in case_specs(category)
]


def test_the_attack_has_at_least_300_cases_in_every_category_named():
    counts = {category: len(case_specs(category)) for category in CATEGORIES}
    assert sum(counts.values()) >= 300
    assert min(counts.values()) >= 40


@pytest.mark.parametrize(("category", "case"), CASES)
def test_hostile_case_is_clean(results, category, case):
    row = results[category][case]
    assert row["outcome"] == "clean", row["detail"]
