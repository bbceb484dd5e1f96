"""The window and ``cluster-planner check`` judge a saved plan the same way.

A plan with the user's own local-condition facts and imported statistics, drafted and
saved in the real window, then opened again in the window and checked on the command
line (a subprocess, as a user runs it), gives the same flags (kind, severity, industry,
regions), the same numbers and the same homogeneity index: both ask one planning
session, which re-applies the facts and the statistics saved with the plan.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from cluster_planner.domain.paths import resources_dir  # noqa: E402

pytestmark = pytest.mark.gui

SHANXI, SHANGHAI = "140000", "310000"
SHIPBUILDING = "shipbuilding"  # needs a sea port and a coast; Shanxi has neither


def check_json(path) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "check", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def as_printed(payload: dict) -> dict:
    """The analysis JSON as the command prints it (tuples become lists)."""
    return json.loads(json.dumps(payload))


def flag_keys(payload: dict) -> list[tuple]:
    return [(f["kind"], f["severity"], f["industry"], tuple(f["regions"])) for f in payload["flags"]]


def test_a_plan_with_user_facts_and_statistics_gets_the_same_analysis_in_the_window_and_the_cli(
    qtbot, window, tmp_path
):
    draft = tmp_path / "draft.cplan"
    shutil.copy(resources_dir() / "examples" / "homogenized_2026.cplan", draft)
    window.document.undo_stack.setClean()
    assert window.open_path(draft, ask_to_save=False)
    qtbot.waitUntil(lambda: window.document.level == "province" and len(window.document.plan) > 0)
    bundled_only = window.document.analysis.to_json()
    assert flag_keys(bundled_only) == flag_keys(check_json(draft)[1])

    window.selection.apply([SHANXI])
    window.assign_to_selection(SHIPBUILDING, "lead")
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "region,condition,value,source\n"
        f"{SHANXI},sea-port,1,example.gov.cn/port\n{SHANXI},coastal,1,example.gov.cn/coast\n",
        encoding="utf-8",
    )
    assert window.import_conditions_csv(facts) == (2, [])
    statistics = tmp_path / "output.csv"
    statistics.write_text(
        "region,industry,value\n"
        f"{SHANXI},integrated-circuits,50\n{SHANXI},steel,50\n"
        f"{SHANGHAI},integrated-circuits,10\n{SHANGHAI},steel,90\n",
        encoding="utf-8",
    )
    assert window.import_statistics_csv(statistics)
    drafted = window.document.analysis.to_json()
    path = tmp_path / "with-facts-and-statistics.cplan"
    assert window.save_to(path)

    window.new_plan()
    assert window.open_path(path, ask_to_save=False)
    reopened = window.document.analysis.to_json()
    status, checked = check_json(path)

    # What the user sees: the facts cleared Shanxi's local mismatch, the statistics
    # made integrated circuits fit there (one fewer one-size-fits-all flag, a lower index).
    shanxi_low_fit = {
        flag["industry"] for flag in checked["flags"]
        if flag["regions"] == [SHANXI] and flag["kind"] in ("local-mismatch", "one-size-fits-all")
    }
    assert SHIPBUILDING not in shanxi_low_fit and "integrated-circuits" not in shanxi_low_fit
    assert len(checked["flags"]) < len(bundled_only["flags"])
    assert "local-mismatch" not in {flag["kind"] for flag in checked["flags"]}
    assert checked["summary"]["homogeneity_index"] == pytest.approx(0.9932, abs=5e-5)
    assert status == 1  # the homogenized draft still has warnings
    # The same flags, numbers and index everywhere.
    assert flag_keys(checked) == flag_keys(reopened) == flag_keys(drafted)
    assert checked == as_printed(reopened) == as_printed(drafted)
    assert window.counts_label.text().endswith(
        f"· {len(checked['flags'])} flags · homogeneity {checked['summary']['homogeneity_index']:.2f}"
    )
    # And they differ from the bundled data's verdict, so the test sees the facts and statistics.
    assert flag_keys(checked) != flag_keys(bundled_only)
    window.document.undo_stack.setClean()

