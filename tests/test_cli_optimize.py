"""``cluster-planner optimize``: the proposal for the example homogenized draft, re-checked
and compared with the greedy baseline; exit status 0 / 1 / 2 as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_planner.analysis.fit import load_context
from cluster_planner.analysis.optimise import total_fit
from cluster_planner.domain.paths import resources_dir
from cluster_planner.io.planfile import load_plan

HOMOGENIZED = resources_dir() / "examples" / "homogenized_2026.cplan"
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cluster_planner", *map(str, args)],
        capture_output=True, text=True, timeout=180,
    )


@pytest.fixture(scope="module")
def proposed(tmp_path_factory):
    out = tmp_path_factory.mktemp("optimize") / "proposal.cplan"
    result = run("optimize", HOMOGENIZED, out, "--format", "json")
    return result, out


def test_the_proposal_clears_every_error_with_fewer_changes_than_greedy(proposed):
    result, out = proposed
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "optimal" and payload["gap"] == 0.0
    assert payload["errors"] == {"draft": 1, "proposal": 0}
    # Re-checked as a user would: no error-level flag left.
    check = run("check", out, "--format", "json")
    flags = json.loads(check.stdout)["flags"]
    assert [f for f in flags if f["severity"] == "error"] == []
    # Against the greedy baseline (follow the flags' suggestions one by one).
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from optimise_bench import changed_assignments, greedy_fix
    finally:
        sys.path.remove(str(BENCHMARKS))
    draft = load_plan(HOMOGENIZED)
    context = load_context(draft.level)
    greedy, _ = greedy_fix(draft, context)
    proposal = load_plan(out)
    assert changed_assignments(draft, proposal) == payload["changed_assignments"] == 3
    assert changed_assignments(draft, greedy) == 34
    assert total_fit(proposal, context) == payload["total_fit"]["proposal"] == 93.0
    assert total_fit(greedy, context) == 92.0
    # Hebei drops artificial intelligence (its known mismatch) and takes what fits it.
    hebei = [(c["action"], c["industry"]) for c in payload["changes"] if c["region"] == "130000"]
    assert ("drop", "artificial-intelligence") in hebei
    # The segments chosen are in the notes, as plan files have no segment field yet.
    notes = {(a.region, a.industry): a.note for a in proposal}
    assert notes[("110000", "integrated-circuits")].startswith("segment: ")


def test_the_text_output_gives_each_change_with_its_reason_and_the_bound(tmp_path):
    out = tmp_path / "p.cplan"
    result = run("optimize", HOMOGENIZED, out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "3 changes; total fit 91.00 -> 93.00; error flags 1 -> 0"
    assert lines[1].startswith("  drop Artificial intelligence (lead) in Hebei: a known local mismatch: fit 0.00")
    assert any(line.startswith("Objective ") and ", bound " in line and ", gap 0.00% (optimal" in line for line in lines)
    assert lines[-1] == f"Proposal written to {out}"


def test_a_lock_on_the_mismatch_leaves_an_error_and_exits_1(tmp_path):
    out = tmp_path / "p.cplan"
    result = run("optimize", HOMOGENIZED, out, "--lock", "130000:artificial-intelligence")
    assert result.returncode == 1, result.stderr
    assert "Not cleared: Hebei keeps Artificial intelligence, a known mismatch, because it is locked" in result.stdout
    assert out.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lock", "999999:steel"], "no region 999999 on the province layer"),
        (["--lock", "130000"], "a lock is REGION:INDUSTRY"),
        (["--lock", "130000:steel", "--max-changes", "0"],
         "the settings conflict: 1 lock adds an assignment: at least 1 change, but at most 0 are allowed"),
        (["--cap", "artificial-intelligence=two"], "a cap is INDUSTRY=N"),
        (["--cap", "steel=1", "--lock", "130000:steel", "--lock", "140000:steel"],
         "the settings conflict: 2 regions lock Steel but its cap is 1"),
        (["--min-leads", "5", "--max-leads", "4"],
         "the settings conflict: each region must keep at least 5 lead industries but may have at most 4"),
    ],
)
def test_unusable_settings_exit_2_with_one_line_naming_the_file(tmp_path, args, message):
    out = tmp_path / "p.cplan"
    result = run("optimize", HOMOGENIZED, out, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"cluster-planner optimize: {HOMOGENIZED}: ")
    assert message in line
    assert not out.exists()


def test_an_unreadable_plan_exits_2(tmp_path):
    bad = tmp_path / "bad.cplan"
    bad.write_text("{not json", encoding="utf-8")
    result = run("optimize", bad, tmp_path / "out.cplan")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert str(bad) in line


def test_an_empty_plan_is_written_back_with_a_plain_message(tmp_path):
    empty = tmp_path / "empty.cplan"
    empty.write_text(json.dumps({"format": "cluster-planner-plan", "version": 1, "name": "Empty",
                                 "level": "province", "assignments": [], "settings": {}, "metadata": {}}))
    out = tmp_path / "out.cplan"
    result = run("optimize", empty, out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "The plan has no assignments: there is nothing to differentiate."
    assert len(load_plan(out)) == 0
