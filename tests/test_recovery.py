"""Recovery files: what a crashed session leaves is found, restored and discarded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.recovery import (
    RECOVERY_SUFFIX,
    discard_recovery,
    discard_session_recoveries,
    find_recoveries,
    load_recovery,
    recovery_dir,
    write_recovery,
)

# A session that autosaves its plan and then dies without cleaning up.
CRASHING_SESSION = textwrap.dedent(
    """
    import os, signal, sys
    from cluster_planner.domain.plan import Assignment, Plan
    from cluster_planner.io.recovery import write_recovery
    plan = Plan.from_assignments(
        [Assignment("430200", "rail-transit-equipment", "lead", "株洲"),
         Assignment("420100", "integrated-circuits", "support", "")],
        name=sys.argv[1])
    write_recovery(plan, sys.argv[2] or None)
    print("written", flush=True)
    if sys.argv[3] == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.readline()  # stays alive, like a second copy of the app still open
    """
)


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CLUSTER_PLANNER_HOME", str(home))
    return home


def crashed_session(name: str, source: str = "") -> None:
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, name, source, "crash"],
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "written", result.stderr


def unsaved_plan(name: str = "unsaved") -> Plan:
    return Plan.from_assignments(
        [Assignment("110000", "artificial-intelligence", "lead", "北京")], name=name
    )


def test_the_recovery_folder_follows_the_app_home(app_home):
    assert recovery_dir() == app_home / "recovery"


def test_a_crashed_sessions_plan_is_found_and_restored(tmp_path):
    source = tmp_path / "草案.cplan"
    crashed_session("草案 draft", str(source))
    [entry] = find_recoveries()
    assert entry.plan_name == "草案 draft"
    assert entry.source_path == source
    assert entry.assignments == 2 and entry.level == "prefecture"
    assert entry.problem is None and entry.saved_at is not None
    plan = load_recovery(entry)
    assert plan.get("430200", "rail-transit-equipment") == Assignment(
        "430200", "rail-transit-equipment", "lead", "株洲", "prefecture"
    )
    assert len(plan) == 2
    discard_recovery(entry)
    assert find_recoveries() == []


def test_an_unsaved_plan_without_a_file_is_recovered_too():
    crashed_session("never saved")
    [entry] = find_recoveries()
    assert entry.source_path is None
    assert load_recovery(entry).name == "never saved"


def test_this_sessions_own_files_are_not_offered_back():
    path = write_recovery(unsaved_plan())
    assert path.is_file()
    assert find_recoveries() == []


def test_two_open_plans_in_one_session_keep_separate_files():
    first, second = unsaved_plan("first"), unsaved_plan("second")
    first_path = write_recovery(first)
    second_path = write_recovery(second)
    assert first_path != second_path
    assert load_recovery(first_path).name == "first"
    assert load_recovery(second_path).name == "second"
    # A later autosave of the same plan replaces its own file only.
    first.apply(first.assign_industry("310000", "integrated-circuits"))
    assert write_recovery(first) == first_path
    assert len(load_recovery(first_path)) == 2
    assert len(list(recovery_dir().glob(f"*{RECOVERY_SUFFIX}"))) == 2
    discard_session_recoveries()
    assert list(recovery_dir().iterdir()) == []


def test_a_second_copy_of_the_app_still_running_is_left_alone():
    running = subprocess.Popen(
        [sys.executable, "-c", CRASHING_SESSION, "open elsewhere", "", "stay"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert running.stdout.readline().strip() == "written"
        assert find_recoveries() == []
        [entry] = find_recoveries(include_running=True)
        assert entry.plan_name == "open elsewhere"
    finally:
        running.stdin.close()
        running.wait()
        running.stdout.close()
    # once it has ended without discarding its file, the file is a recovery
    assert [e.plan_name for e in find_recoveries()] == ["open elsewhere"]


def test_recoveries_are_listed_newest_first():
    for name in ("oldest", "middle", "newest"):
        crashed_session(name)
    assert [entry.plan_name for entry in find_recoveries()] == ["newest", "middle", "oldest"]


def test_a_damaged_recovery_file_is_listed_with_its_problem_and_can_be_discarded():
    folder = recovery_dir()
    folder.mkdir(parents=True)
    damaged = folder / f"999999-deadbeef-1{RECOVERY_SUFFIX}"
    damaged.write_text('{"format": "cluster-planner-recovery", "version": 1, "sav')
    [entry] = find_recoveries()
    assert entry.path == damaged
    assert "not valid JSON" in entry.problem
    with pytest.raises(PlanFileError, match="not valid JSON"):
        load_recovery(entry)
    discard_recovery(entry)
    assert not damaged.exists()


def test_a_recovered_plan_is_validated_like_a_plan_file():
    crashed_session("draft")
    [entry] = find_recoveries()
    wrapper = json.loads(entry.path.read_text(encoding="utf-8"))
    wrapper["plan"]["assignments"][0]["role"] = "boss"
    entry.path.write_text(json.dumps(wrapper), encoding="utf-8")
    with pytest.raises(PlanFileError, match="'role' must be 'lead' or 'support', not 'boss'"):
        load_recovery(entry)


def test_a_recovery_file_reads_as_a_plan_file_wrapped_with_its_session():
    path = write_recovery(unsaved_plan("wrapped"), "/tmp/somewhere.cplan")
    wrapper = json.loads(path.read_text(encoding="utf-8"))
    assert wrapper["format"] == "cluster-planner-recovery"
    assert wrapper["pid"] == os.getpid()
    assert wrapper["source_path"] == "/tmp/somewhere.cplan"
    assert wrapper["plan"]["format"] == "cluster-planner-plan"
    assert wrapper["plan"]["name"] == "wrapped"


def test_the_source_being_saved_after_the_recovery_is_flagged(tmp_path):
    source = tmp_path / "draft.cplan"
    crashed_session("draft", str(source))
    [entry] = find_recoveries()
    assert not entry.source_is_newer  # no file yet
    source.write_text("{}")
    later = entry.saved_at.timestamp() + 60
    os.utime(source, (later, later))
    assert entry.source_is_newer


def test_discarding_only_deletes_recovery_files(tmp_path):
    precious = tmp_path / "plan.cplan"
    precious.write_text("{}")
    with pytest.raises(ValueError, match="not a recovery file"):
        discard_recovery(precious)
    assert precious.exists()
    discard_recovery(Path(tmp_path / f"gone{RECOVERY_SUFFIX}"))  # already gone: fine
    discard_recovery(None)


def test_an_unwritable_recovery_folder_is_a_plan_file_error(app_home):
    app_home.parent.mkdir(exist_ok=True)
    app_home.write_text("a file where the folder should be")
    with pytest.raises(PlanFileError, match="cannot create the recovery folder"):
        write_recovery(unsaved_plan())
