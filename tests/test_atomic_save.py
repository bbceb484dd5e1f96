"""Saving never loses work: killed mid-save, out of space or in a read-only folder,
the plan on disk is always a complete plan, old or new."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import (
    STALE_TEMP_SECONDS,
    backup_path,
    load_plan,
    save_plan,
)

KILL_RUNS = 50

# Saves two large plans in turn, forever, until it is killed.
SAVING_LOOP = """
import sys
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import save_plan

def large_plan(name, role, count):
    return Plan.from_assignments(
        [Assignment(f"{100000 + i // 5:06d}", f"industry-{i % 5}", role, name * 1500)
         for i in range(count)], name=name)

# Long notes: most of a save's time goes to writing bytes, not to building the text.
plans = [large_plan("A", "lead", 2000), large_plan("B", "support", 1500)]
target = sys.argv[1]
save_plan(plans[0], target, region_data="test")
print("ready", flush=True)
turn = 1
while True:
    save_plan(plans[turn % 2], target, region_data="test")
    turn += 1
"""
EXPECTED_SIZE = {"A": 2000, "B": 1500}


def small_plan(name: str = "small", count: int = 3) -> Plan:
    return Plan.from_assignments(
        [Assignment(f"{430200 + n:06d}", "steel") for n in range(count)], name=name
    )


def test_a_save_killed_at_any_moment_leaves_a_complete_plan(tmp_path):
    target = tmp_path / "plan.cplan"
    rng = random.Random(20260305)
    killed_mid_save = 0
    started = time.monotonic()
    for _ in range(KILL_RUNS):
        before = set(tmp_path.iterdir())
        writer = subprocess.Popen(
            [sys.executable, "-c", SAVING_LOOP, str(target)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.1))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()

        for path in (target, backup_path(target)):
            if path == target or path.exists():
                plan = load_plan(path)  # raises if the file is torn
                assert plan.name in EXPECTED_SIZE
                assert len(plan) == EXPECTED_SIZE[plan.name]
        killed_mid_save += any(p.name.endswith(".saving") for p in set(tmp_path.iterdir()) - before)
    # The kills really landed inside saves (their temp folders were left behind)...
    # (About a quarter do here; the rest land while the text is built or between saves.)
    assert killed_mid_save >= 3, f"only {killed_mid_save} of {KILL_RUNS} kills landed mid-write"
    # ...and only temp folders, never a half-written plan, are what such kills leave.
    assert {p.name for p in tmp_path.iterdir() if not p.name.endswith(".saving")} == {
        "plan.cplan",
        "plan.cplan.bak",
    }
    assert time.monotonic() - started < 30


def test_the_previous_version_is_kept_as_bak(tmp_path):
    path = tmp_path / "plan.cplan"
    save_plan(small_plan("first"), path)
    first = path.read_bytes()
    save_plan(small_plan("second"), path)
    assert backup_path(path).read_bytes() == first
    assert load_plan(path).name == "second"
    save_plan(small_plan("third"), path, keep_backup=False)
    assert load_plan(backup_path(path)).name == "first"


def test_a_save_leaves_no_temporary_files(tmp_path):
    save_plan(small_plan(), tmp_path / "plan.cplan")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.cplan"]


def test_temporary_folders_of_a_long_dead_save_are_cleared_but_recent_ones_kept(tmp_path):
    stale = tmp_path / ".plan.cplan.abc123.saving"
    recent = tmp_path / ".plan.cplan.def456.saving"
    for folder in (stale, recent):
        folder.mkdir()
        (folder / "plan.cplan").write_text("{half a pl")
    long_ago = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))
    save_plan(small_plan(), tmp_path / "plan.cplan")
    assert not stale.exists()
    assert recent.exists()  # may belong to a save still running in another window


def test_saving_keeps_the_files_permissions_and_a_new_file_gets_the_usual_ones(tmp_path):
    private = tmp_path / "private.cplan"
    save_plan(small_plan(), private)
    private.chmod(0o600)
    save_plan(small_plan("again"), private)
    assert private.stat().st_mode & 0o777 == 0o600
    umask = os.umask(0o022)
    try:
        fresh = save_plan(small_plan(), tmp_path / "fresh.cplan")
    finally:
        os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o644


def test_saving_through_a_symbolic_link_updates_the_linked_file(tmp_path):
    real = tmp_path / "real.cplan"
    save_plan(small_plan("old"), real)
    link = tmp_path / "link.cplan"
    link.symlink_to(real)
    save_plan(small_plan("new"), link)
    assert link.is_symlink()
    assert load_plan(real).name == "new"


def test_a_folder_that_does_not_exist(tmp_path):
    target = tmp_path / "missing" / "plan.cplan"
    with pytest.raises(
        PlanFileError, match=r"plan\.cplan: cannot save: the folder .* does not exist"
    ):
        save_plan(small_plan(), target)
    assert not target.parent.exists()


def test_a_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    with pytest.raises(PlanFileError, match="is a file, not a folder"):
        save_plan(small_plan(), blocker / "plan.cplan")
    assert blocker.read_text() == "not a folder"


def test_a_target_that_is_a_folder(tmp_path):
    (tmp_path / "plan.cplan").mkdir()
    with pytest.raises(PlanFileError, match="is a folder; choose a file name"):
        save_plan(small_plan(), tmp_path / "plan.cplan")


@pytest.fixture
def open_folder():
    """A folder every user may enter (pytest's tmp folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="cluster-planner-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_folder_leaves_the_old_file_untouched(open_folder):
    target = open_folder / "plan.cplan"
    save_plan(small_plan("old"), target)
    before = target.read_bytes()
    open_folder.chmod(0o555)

    def save_new() -> str:
        try:
            save_plan(small_plan("new", 50), target)
        except PlanFileError as error:
            return str(error)
        return "saved"

    assert run_as_unprivileged_user(save_new) == f"{target}: cannot save: permission denied"
    assert target.read_bytes() == before
    assert sorted(p.name for p in open_folder.iterdir()) == ["plan.cplan"]


def test_a_file_the_user_may_not_read(open_folder):
    path = open_folder / "secret.cplan"
    save_plan(small_plan(), path)
    path.chmod(0o000)

    def load() -> str:
        try:
            load_plan(path)
        except PlanFileError as error:
            return str(error)
        return "loaded"

    assert run_as_unprivileged_user(load) == f"{path}: permission denied"


def test_running_out_of_space_midway_leaves_the_old_file_and_no_temp_files(tmp_path):
    target = tmp_path / "plan.cplan"
    save_plan(small_plan("old"), target)
    before = target.read_bytes()
    large = Plan.from_assignments(
        [Assignment(f"{100000 + n:06d}", "steel", "lead", "x" * 100) for n in range(2000)],
        name="new",
    )

    def save_with_little_space() -> str:
        # The kernel refuses writes past 64 KB, as a full disk refuses any more.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            save_plan(large, target)
        except PlanFileError as error:
            return str(error)
        return "saved"

    assert run_in_child(save_with_little_space) == (
        f"{target}: cannot save: the file is too large for this disk or account"
    )
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.cplan"]


def run_in_child(action, drop_to_user: int | None = None) -> str:
    """Run ``action`` in a forked child (optionally as another user); return its result."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_end)
            if drop_to_user is not None:
                os.setgid(drop_to_user)
                os.setuid(drop_to_user)
            result = str(action())
        except BaseException as error:  # report anything, never return into pytest
            result = f"child failed: {error!r}"
        os.write(write_end, result.encode("utf-8"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        result = pipe.read().decode("utf-8")
    os.waitpid(child, 0)
    return result


def run_as_unprivileged_user(action) -> str:
    """Run ``action`` as user ``nobody``: tests run as root in CI, where permission
    bits do not apply; a child that dropped to an ordinary user meets them."""
    if os.geteuid() != 0:
        return action()
    return run_in_child(action, drop_to_user=65534)
