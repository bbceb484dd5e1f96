"""The plan store's speed, beside a naive way of doing the same, in one run.

    python benchmarks/db_bench.py [--url postgresql://postgres@127.0.0.1:PORT/postgres]
                                  [--runs 5] [--json]

Without ``--url`` it uses ``CLUSTER_PLANNER_TEST_DB``, else starts the throwaway server of
``scripts/postgres.sh``. It creates a scratch database, runs ``db init`` there, grants a
coordinator role and works as that role (so row-level security is paid for), then drops
the database. Figures (medians):

* ``push new``: a county-level plan (every county taking five industries, 14,375
  assignments) pushed as a new plan; naive: one INSERT statement per assignment.
* ``push 1% changed``: the pulled plan with 144 assignments changed pushed back (version
  checks, three-way merge); naive: per assignment, SELECT its version, then UPDATE it.
* ``pull``: the county plan read into a plan file; naive: one SELECT per region.
* ``edit seen elsewhere``: one assignment changed on one connection until a second
  connection, listening, has been told and has refreshed its copy; naive: the second
  connection polls the table every 0.5 s.

Each includes connecting, as a command or window would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cluster_planner.domain.plan import Assignment, Plan  # noqa: E402

INDUSTRIES = ("rail-transit-equipment", "new-materials", "lithium-batteries",
              "new-energy-vehicles", "biomedicine", "artificial-intelligence",
              "photovoltaics", "hydrogen-energy")
COORDINATOR = "cp_bench_coordinator"
POLL_SECONDS = 0.5


def server_url(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("CLUSTER_PLANNER_TEST_DB"):
        return os.environ["CLUSTER_PLANNER_TEST_DB"]
    started = subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "start"],
                             capture_output=True, text=True, check=True)
    return started.stdout.strip().split("=", 1)[1]


def with_user_and_db(url: str, user: str | None, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}@{host}" if user else parts.netloc
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


def county_plan(name: str, per_region: int = 5) -> Plan:
    from cluster_planner.domain.regions import load_layer

    codes = sorted(load_layer("county").frame["adcode"])
    return Plan.from_assignments(
        [Assignment(code, INDUSTRIES[(i + k) % len(INDUSTRIES)], "lead" if k == 0 else "support",
                    f"note {i}-{k}") for i, code in enumerate(codes) for k in range(per_region)],
        name=name, level="county")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def push_new(url: str, plan: Plan, name: str) -> float:
    import psycopg

    from cluster_planner.store.sync import push_plan

    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        result = push_plan(conn, url, plan, name)
    elapsed = time.perf_counter() - started
    assert result.inserted == len(plan), result
    return elapsed


def naive_push_new(url: str, plan: Plan, name: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        plan_id = conn.execute(
            "INSERT INTO cluster_planner.plans (name, level) VALUES (%s, %s) RETURNING id",
            (name, plan.level)).fetchone()[0]
        province = dict(conn.execute("SELECT code, province FROM cluster_planner.regions "
                                     "WHERE level = %s", (plan.level,)).fetchall())
        for a in plan:
            conn.execute("INSERT INTO cluster_planner.assignments (plan_id, region, industry, "
                         "role, note, province) VALUES (%s, %s, %s, %s, %s, %s)",
                         (plan_id, a.region, a.industry, a.role, a.note, province[a.region]))
    return time.perf_counter() - started


def changed_copy(plan: Plan, every: int = 100) -> Plan:
    rows = sorted(plan, key=lambda a: a.key)
    return Plan.from_assignments(
        [Assignment(a.region, a.industry, a.role, a.note + " (changed)") if i % every == 0 else a
         for i, a in enumerate(rows)],
        name=plan.name, level=plan.level, metadata=dict(plan.metadata))


def push_changes(url: str, name: str) -> tuple[float, float]:
    """(push of 1% changed, pull) both measured; the pull gives the base of the push."""
    import psycopg

    from cluster_planner.io.planfile import save_plan
    from cluster_planner.store.sync import pull_plan, push_plan

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            pulled = pull_plan(conn, url, name)
        save_plan(pulled, Path(folder) / "pulled.cplan")
        pull_elapsed = time.perf_counter() - started
    edited = changed_copy(pulled)
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        result = push_plan(conn, url, edited, name)
    push_elapsed = time.perf_counter() - started
    assert result.updated == (len(pulled) + 99) // 100 and not result.conflicts, result
    return push_elapsed, pull_elapsed


def naive_push_changes(url: str, name: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        plan_id = conn.execute("SELECT id FROM cluster_planner.plans WHERE name = %s",
                               (name,)).fetchone()[0]
        rows = conn.execute("SELECT region, industry, role, note FROM cluster_planner.assignments "
                            "WHERE plan_id = %s", (plan_id,)).fetchall()
    edited = changed_copy(Plan.from_assignments(
        [Assignment(*row) for row in rows], name=name, level="county"))
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for a in edited:
            version, role, note = conn.execute(
                "SELECT version, role, note FROM cluster_planner.assignments WHERE plan_id = %s "
                "AND region = %s AND industry = %s", (plan_id, a.region, a.industry)).fetchone()
            if (role, note) != (a.role, a.note):
                conn.execute("UPDATE cluster_planner.assignments SET role = %s, note = %s "
                             "WHERE plan_id = %s AND region = %s AND industry = %s "
                             "AND version = %s",
                             (a.role, a.note, plan_id, a.region, a.industry, version))
    return time.perf_counter() - started


def naive_pull(url: str, name: str) -> float:
    import psycopg

    from cluster_planner.io.planfile import save_plan

    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        plan_id, level = conn.execute(
            "SELECT id, level FROM cluster_planner.plans WHERE name = %s", (name,)).fetchone()
        codes = [row[0] for row in conn.execute(
            "SELECT code FROM cluster_planner.regions WHERE level = %s", (level,))]
        assignments = []
        for code in codes:
            for region, industry, role, note in conn.execute(
                "SELECT region, industry, role, note FROM cluster_planner.assignments "
                "WHERE plan_id = %s AND region = %s", (plan_id, code)):
                assignments.append(Assignment(region, industry, role, note))
    plan = Plan.from_assignments(assignments, name=name, level=level)
    with tempfile.TemporaryDirectory() as folder:
        save_plan(plan, Path(folder) / "pulled.cplan")
    return time.perf_counter() - started


def edit_seen_elsewhere(url: str, name: str, runs: int) -> list[float]:
    from cluster_planner.store.shared import ChangeListener, SharedPlan

    samples = []
    with SharedPlan.open(url, name) as editor, SharedPlan.open(url, name) as viewer, \
            ChangeListener(url, plan_name=name) as listener:
        editor.load()
        viewer.load()
        key = sorted(editor.rows)[0]
        for i in range(runs):
            started = time.perf_counter()
            editor.put(*key, Assignment(*key, "lead", f"edit {i}"))
            notices = listener.wait(timeout=5.0)
            changed = viewer.refresh()
            samples.append(time.perf_counter() - started)
            assert notices and changed[key].note == f"edit {i}"
    return samples


def _poll_until(viewer, name: str, key: tuple[str, str], note: str) -> None:
    """Re-read the whole plan every POLL_SECONDS until ``key`` has ``note``."""
    while True:
        rows = viewer.execute(
            "SELECT region, industry, note FROM cluster_planner.assignments a JOIN "
            "cluster_planner.plans p ON p.id = a.plan_id WHERE p.name = %s", (name,)).fetchall()
        if (key[0], key[1], note) in rows:
            return
        time.sleep(POLL_SECONDS)


def naive_edit_seen_elsewhere(url: str, name: str, runs: int) -> list[float]:
    """The second connection re-reads the plan every POLL_SECONDS."""
    import psycopg

    from cluster_planner.store.shared import SharedPlan

    samples = []
    with SharedPlan.open(url, name) as editor, psycopg.connect(url, autocommit=True) as viewer:
        editor.load()
        key = sorted(editor.rows)[0]
        for i in range(runs):
            note = f"naive {i}"
            poller = threading.Thread(target=_poll_until, args=(viewer, name, key, note))
            poller.start()
            time.sleep(POLL_SECONDS * (i % 5) / 5)  # edits land at any phase of the polling
            started = time.perf_counter()
            editor.put(*key, Assignment(*key, "lead", note))
            poller.join()
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a superuser URL of the server (default: the test server)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--per-region", type=int, default=5,
                        help="industries per county (5: 14,375 assignments)")
    args = parser.parse_args()
    import psycopg

    from cluster_planner.store.admin import grant, init_store

    admin_url = server_url(args.url)
    database = f"cp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        store = with_user_and_db(admin_url, None, database)
        init_store(store)
        grant(store, COORDINATOR, coordinator=True)
        url = with_user_and_db(admin_url, COORDINATOR, database)
        plan = county_plan("County", args.per_region)
        figures = []
        push_samples = [push_new(url, plan, f"County {i}") for i in range(args.runs)]
        naive_push = [naive_push_new(url, plan, f"Naive {i}") for i in range(max(2, args.runs // 2))]
        figures.append(("push new", len(plan), push_samples, naive_push,
                        "one INSERT per assignment"))
        change_samples, pull_samples = zip(*(push_changes(url, f"County {i}")
                                             for i in range(args.runs)), strict=True)
        naive_change = [naive_push_changes(url, f"Naive {i}") for i in range(max(2, args.runs // 2))]
        figures.append(("push 1% changed", len(plan), list(change_samples), naive_change,
                        "SELECT + UPDATE per assignment"))
        naive_pulls = [naive_pull(url, f"County {i % args.runs}") for i in range(max(2, args.runs // 2))]
        figures.append(("pull", len(plan), list(pull_samples), naive_pulls,
                        "one SELECT per region"))
        seen = edit_seen_elsewhere(url, "County 0", max(args.runs * 4, 10))
        naive_seen = naive_edit_seen_elsewhere(url, "County 0", max(args.runs, 5))
        figures.append(("edit seen elsewhere", len(plan), seen, naive_seen,
                        f"polling every {POLL_SECONDS:g} s"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    rows = [{"name": name, "assignments": size, "median_ms": round(median_ms(real), 1),
             "naive_median_ms": round(median_ms(naive), 1),
             "ratio": round(median_ms(naive) / median_ms(real), 1), "runs": len(real),
             "naive_runs": len(naive), "naive": how}
            for name, size, real, naive, how in figures]
    if args.json:
        print(json.dumps({"figures": rows}, indent=2))
        return 0
    print(f"{'figure':<22}{'assignments':>12}{'median ms':>11}{'naive ms':>10}{'ratio':>7}  naive")
    for row in rows:
        print(f"{row['name']:<22}{row['assignments']:>12}{row['median_ms']:>11.1f}"
              f"{row['naive_median_ms']:>10.1f}{row['ratio']:>6.1f}x  {row['naive']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
