"""Many hands at once: concurrent writers, a killed push, a server that goes away."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg
import pytest
from conftest import COORDINATOR, as_role, province_role
from store_plans import INDUSTRIES, as_rows, county_plan, prefecture_plan, rows_of

from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import load_plan, save_plan
from cluster_planner.store.connection import ConnectionLost
from cluster_planner.store.shared import ChangeListener, ConflictError, SharedPlan
from cluster_planner.store.sync import push_plan

pytestmark = pytest.mark.db

#: Four provinces, three prefectures each; two writers per province compete for them.
REGIONS = {
    "430000": ("430100", "430200", "430300"),
    "420000": ("420100", "420200", "420300"),
    "440000": ("440100", "440300", "440400"),
    "330000": ("330100", "330200", "330300"),
}
WRITE_SECONDS = 3.0


def starting_plan() -> Plan:
    return Plan.from_assignments(
        [Assignment(region, industry, "lead", "start")
         for regions in REGIONS.values() for region in regions for industry in INDUSTRIES[:2]],
        name="Busy", level="prefecture")


def test_concurrent_writers_lose_no_accepted_edit_and_report_every_rejected_one(store_url):
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, starting_plan())
    writers = [(province, n) for province in REGIONS for n in range(2)] + [("coordinator", 0)]
    accepted: list[tuple[str, str, tuple[str, str], str | None, int | None]] = []
    rejected: list[tuple[str, str, tuple[str, str], str | None, str]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(writers))

    def write(province: str, number: int) -> None:
        role = COORDINATOR if province == "coordinator" else province_role(province)
        keys = [(region, industry)
                for p, regions in REGIONS.items() if province in (p, "coordinator")
                for region in regions for industry in INDUSTRIES[:4]]
        rng = random.Random(f"{province}-{number}")
        try:
            with SharedPlan.open(as_role(store_url, role), "Busy") as shared:
                shared.load()
                start.wait()
                deadline = time.monotonic() + WRITE_SECONDS
                count = 0
                while time.monotonic() < deadline:
                    key = rng.choice(keys)
                    count += 1
                    note = f"{province}/{number}/{count}"
                    present = shared.version(*key) is not None
                    value = (None if present and rng.random() < 0.25 else
                             Assignment(*key, rng.choice(("lead", "support")), note))
                    kind = "delete" if value is None else "write"
                    try:
                        version = shared.put(*key, value)
                    except ConflictError as conflict:
                        assert conflict.conflict.reason == "conflict"
                        assert f"({key[0]}), {key[1]}: " in str(conflict)
                        with lock:
                            rejected.append((role, kind, key, note, str(conflict)))
                        shared.refresh()
                    else:
                        with lock:
                            accepted.append((role, kind, key, None if value is None else note,
                                             version))
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=writer) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WRITE_SECONDS + 60)
    assert not failures, failures
    assert len(accepted) > 100 and len(rejected) > 10, (len(accepted), len(rejected))

    with psycopg.connect(store_url) as conn:
        history = conn.execute(
            "SELECT seq, who, action, region, industry, before, after FROM cluster_planner.history "
            "WHERE plan_id = (SELECT id FROM cluster_planner.plans WHERE name = 'Busy') "
            "ORDER BY seq").fetchall()
    by_note = Counter(after["note"] for *_, after in history if after is not None)
    for role, kind, key, note, version in accepted:
        if kind == "write":
            assert by_note[note] == 1, (note, by_note[note])
            assert any(h[1] == role and (h[3], h[4]) == key and h[6] is not None
                       and h[6]["note"] == note and h[6]["version"] == version for h in history)
    for _, kind, _, note, message in rejected:
        if kind == "write":
            assert by_note[note] == 0, message
    deletes = Counter(h[1] for h in history if h[2] == "delete")
    assert deletes == Counter(role for role, kind, *_ in accepted if kind == "delete")
    writes = Counter(h[1] for h in history if h[2] != "delete" and h[6]["note"] != "start")
    assert writes == Counter(role for role, kind, *_ in accepted if kind == "write")

    # Replaying the history gives the plan as it stands: no change happened unrecorded.
    replayed: dict[tuple[str, str], tuple[str, str]] = {}
    for _, _, action, region, industry, _, after in history:
        if action == "delete":
            del replayed[(region, industry)]
        else:
            replayed[(region, industry)] = (after["role"], after["note"])
    assert replayed == rows_of(store_url, "Busy")


def test_a_second_connection_hears_an_edit_and_sees_who_made_it(store_url):
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, starting_plan())
    hunan = SharedPlan.open(as_role(store_url, province_role("430000")), "Busy")
    watcher = SharedPlan.open(as_role(store_url, province_role("420000")), "Busy")
    listener = ChangeListener(as_role(store_url, province_role("420000")), plan_name="Busy")
    try:
        hunan.load()
        watcher.load()
        hunan.put("430200", "new-materials", Assignment("430200", "new-materials", "support", "n"))
        notices = listener.wait(timeout=5.0)
        assert [(n.plan, n.count, n.who) for n in notices] == [
            ("Busy", 1, province_role("430000"))]
        changed = watcher.refresh()
        assert list(changed) == [("430200", "new-materials")]
        row = watcher.last_change("430200", "new-materials")
        assert (row.role, row.note, row.version, row.changed_by) == (
            "support", "n", 2, province_role("430000"))
        # The watcher's stale edit of it is a conflict no more: it has refreshed.
        assert watcher.version("430200", "new-materials") == 2
    finally:
        listener.close()
        hunan.close()
        watcher.close()


def test_a_stale_edit_is_a_conflict_naming_the_other_change(store_url):
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, starting_plan())
    first = SharedPlan.open(as_role(store_url, province_role("430000")), "Busy")
    second = SharedPlan.open(as_role(store_url, COORDINATOR), "Busy")
    try:
        first.load()
        second.load()
        second.put("430200", "new-materials", Assignment("430200", "new-materials", "lead", "b"))
        with pytest.raises(ConflictError) as conflict:
            first.put("430200", "new-materials",
                      Assignment("430200", "new-materials", "support", "a"))
        text = str(conflict.value)
        assert text.startswith("conflict at Zhuzhou (430200), new-materials: the store has lead, "
                               "note 'b' (version 2), changed by cp_test_coordinator at ")
        assert text.endswith("; your edit has support, note 'a'. Refresh to see it, then redo "
                             "your edit")
        assert rows_of(store_url, "Busy")[("430200", "new-materials")] == ("lead", "b")
    finally:
        first.close()
        second.close()


def _push_process(path, url) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cluster_planner", "db", "push", str(path), url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_gone(url: str, pid_filter: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cluster-planner' "
                "AND datname = current_database() AND " + pid_filter).fetchone()[0] == 0:
                return
            time.sleep(0.02)
    raise AssertionError("the killed client's session did not end")


def test_a_push_killed_while_writing_leaves_the_plan_as_before(store_url, tmp_path):
    coordinator = as_role(store_url, COORDINATOR)
    plan = prefecture_plan(per_province=3)
    with psycopg.connect(coordinator) as conn:
        push_plan(conn, store_url, plan)
    from cluster_planner.store.sync import pull_plan

    with psycopg.connect(coordinator) as conn:
        pulled = pull_plan(conn, store_url, "National draft")
    # Remove a third, change a third, add as many again: deletes, updates and inserts.
    edited = Plan.from_assignments(
        [Assignment(a.region, a.industry, a.role, f"changed {a.note}")
         for i, a in enumerate(sorted(pulled, key=lambda a: a.key)) if i % 3 != 0]
        + [Assignment(a.region, "photovoltaics", "support", "new") for a in pulled
           if a.industry == INDUSTRIES[0]],
        name=pulled.name, level=pulled.level, metadata=pulled.metadata)
    path = save_plan(edited, tmp_path / "edited.cplan")
    before = rows_of(store_url, "National draft")
    blocked_key = sorted(a.key for a in edited if a.note.startswith("changed"))[0]

    with psycopg.connect(store_url) as holder:  # holds one row the push must update
        holder.execute("SELECT 1 FROM cluster_planner.assignments WHERE region = %s AND "
                       "industry = %s FOR UPDATE", blocked_key)
        process = _push_process(path, coordinator)
        deadline = time.monotonic() + 60
        with psycopg.connect(store_url, autocommit=True) as watch:
            while True:
                waiting = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    "'cluster-planner' AND datname = current_database() AND wait_event_type = "
                    "'Lock'").fetchone()[0]
                if waiting:
                    break
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the push never reached the locked row"
                time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        holder.rollback()
    _wait_until_gone(store_url, "true")
    assert rows_of(store_url, "National draft") == before
    # The file is untouched too, and pushing it afterwards gives exactly the edited plan.
    assert as_rows(load_plan(path)) == as_rows(edited)
    finished = _push_process(path, coordinator)
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    assert rows_of(store_url, "National draft") == as_rows(edited)


def test_a_county_push_killed_once_it_has_written_leaves_nothing_behind(store_url, tmp_path):
    plan = county_plan()
    path = save_plan(plan, tmp_path / "county.cplan")
    after = as_rows(plan)
    killed_mid_write = 0
    with psycopg.connect(store_url, autocommit=True) as watch:
        for _ in range(3):
            process = _push_process(path, as_role(store_url, COORDINATOR))
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline:
                # A transaction id is assigned at the push's first write.
                writing = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    "'cluster-planner' AND datname = current_database() "
                    "AND backend_xid IS NOT NULL").fetchone()[0]
                if writing:
                    os.kill(process.pid, signal.SIGKILL)
                    killed_mid_write += 1
                    break
                time.sleep(0.002)
            process.wait()
            _wait_until_gone(store_url, "true")
            now = rows_of(store_url, "County draft")
            assert now in ({}, after), f"half a push: {len(now)} of {len(after)} assignments"
            with psycopg.connect(store_url) as conn:
                plans = conn.execute("SELECT count(*) FROM cluster_planner.plans").fetchone()[0]
            assert plans == (1 if now else 0)
            if now:
                break
    assert killed_mid_write >= 1


def test_a_server_that_goes_away_gives_a_clear_message(store_url):
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, starting_plan())
    url = as_role(store_url, province_role("430000"))
    shared = SharedPlan.open(url, "Busy")
    try:
        shared.load()
        with psycopg.connect(store_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE usename = %s AND datname = current_database()",
                          (province_role("430000"),))
        with pytest.raises(ConnectionLost) as lost:
            shared.put("430200", "new-materials",
                       Assignment("430200", "new-materials", "support", "unsaved"))
        text = str(lost.value)
        assert text.startswith(f"{url}: lost the connection to the server while saving an edit: ")
        assert text.endswith("; nothing of this command was saved in the store")
        assert "\n" not in text
    finally:
        shared.close()
    assert rows_of(store_url, "Busy")[("430200", "new-materials")] == ("lead", "start")


def test_two_pushes_creating_the_same_plan_at_once_both_land(store_url):
    url = as_role(store_url, COORDINATOR)
    halves = [Plan.from_assignments([Assignment(region, INDUSTRIES[0], "lead", f"half {i}")
                                     for region in REGIONS[province]], name="Race",
                                    level="prefecture")
              for i, province in enumerate(("430000", "420000"))]
    for attempt in range(3):
        name = f"Race {attempt}"
        start = threading.Barrier(2)
        results = []

        def push(half: Plan, name: str = name, start: threading.Barrier = start,
                 results: list = results) -> None:
            with psycopg.connect(url) as conn:
                start.wait()
                results.append(push_plan(conn, url, half, name))

        threads = [threading.Thread(target=push, args=(half,)) for half in halves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(r.created for r in results) == [False, True]
        assert all(r.written and r.inserted == 3 for r in results)
        assert rows_of(store_url, name) == {**as_rows(halves[0]), **as_rows(halves[1])}
