"""An edit in one window visible in a second window, both on a plan of the store.

    python benchmarks/db_window_bench.py [--url postgresql://postgres@127.0.0.1:PORT/postgres]
                                         [--level county] [--runs 20] [--json]

Two real ``MainWindow`` s (offscreen, in one process) open the same plan from the store
(File > Open from server…, as the coordinator role so that row-level security is paid
for). Each run changes one assignment's note in the first window and measures until the
second window's plan has it: the first window writes the edit to the server, the second
hears of it (LISTEN/NOTIFY in its listening thread), refreshes its copy, and its
analysis, table and map follow. Naive: the second window does not listen but re-reads the
plan every 0.5 s (what a window without notifications would do). Both windows share one
Qt main thread here, so each figure also holds the first window's own work after its edit.

Without ``--url`` it uses ``CLUSTER_PLANNER_TEST_DB``, else starts the throwaway server of
``scripts/postgres.sh``; it works in a scratch database and drops it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app's command does

from db_bench import (  # noqa: E402 (needs the path above)
    COORDINATOR,
    INDUSTRIES,
    county_plan,
    server_url,
    with_user_and_db,
)

POLL_SECONDS = 0.5
PLAN = "Shared"


def prefecture_plan(name: str, per_region: int = 5):
    from cluster_planner.domain.plan import Assignment, Plan
    from cluster_planner.domain.regions import load_layer

    codes = sorted(load_layer("prefecture").frame["adcode"])
    return Plan.from_assignments(
        [Assignment(code, INDUSTRIES[(i + k) % len(INDUSTRIES)], "lead" if k == 0 else "support",
                    f"note {i}-{k}") for i, code in enumerate(codes) for k in range(per_region)],
        name=name, level="prefecture")


def process_until(condition, timeout: float = 30.0) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the second window never showed the edit")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def open_window(home: Path, url: str):
    from PySide6.QtCore import QSettings

    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings

    settings = AppSettings(QSettings(str(home / f"{uuid.uuid4().hex}.ini"),
                                     QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(1400, 900)
    window.show()
    window.start()
    process_until(lambda: window.ready)
    assert window.server.open_shared(url, PLAN, ask_to_save=False)
    process_until(lambda: window.session.shared is not None and len(window.session.plan) > 0)
    return window


def edits_seen(first, second, key: tuple[str, str], runs: int, tag: str) -> list[float]:
    samples = []
    for i in range(runs):
        note = f"{tag} {i}"
        started = time.perf_counter()
        first.session.set_note(*key, note)
        process_until(lambda note=note: second.session.plan.get(*key).note == note)
        samples.append(time.perf_counter() - started)
        process_until(lambda: not first.session.shared.pending)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a superuser URL of the server (default: the test server)")
    parser.add_argument("--level", choices=["prefecture", "county"], default="county")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import psycopg

    os.environ["CLUSTER_PLANNER_HOME"] = home = tempfile.mkdtemp(prefix="cp-db-window-")
    import measure

    from cluster_planner.store.admin import grant, init_store
    from cluster_planner.store.sync import push_plan

    admin_url = server_url(args.url)
    database = f"cp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    windows = []
    try:
        store = with_user_and_db(admin_url, None, database)
        init_store(store)
        grant(store, COORDINATOR, coordinator=True)
        url = with_user_and_db(admin_url, COORDINATOR, database)
        plan = (county_plan if args.level == "county" else prefecture_plan)(PLAN)
        with psycopg.connect(url) as conn:
            push_plan(conn, url, plan)
        measure.qt_app()
        first, second = open_window(Path(home), url), open_window(Path(home), url)
        windows = [first, second]
        key = sorted(a.key for a in plan)[0]
        edits_seen(first, second, key, 2, "warm-up")
        listening = edits_seen(first, second, key, args.runs, "listen")

        from PySide6.QtCore import QTimer

        second.server.stop()  # no notifications: re-read every POLL_SECONDS instead
        poll = QTimer()
        poll.setInterval(int(POLL_SECONDS * 1000))
        poll.timeout.connect(second.server.refresh)
        poll.start()
        polling = edits_seen(first, second, key, max(5, args.runs // 2), "poll")
        poll.stop()
    finally:
        for window in windows:
            window.document.undo_stack.setClean()
            window.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    real, naive = statistics.median(listening) * 1000, statistics.median(polling) * 1000
    row = {"name": "edit visible in a second window", "level": args.level,
           "assignments": len(plan), "median_ms": round(real, 1),
           "max_ms": round(max(listening) * 1000, 1), "naive_median_ms": round(naive, 1),
           "ratio": round(naive / real, 1), "runs": len(listening), "naive_runs": len(polling),
           "naive": f"re-reading the plan every {POLL_SECONDS:g} s"}
    if args.json:
        print(json.dumps({"figures": [row]}, indent=2))
        return 0
    print(f"{'figure':<34}{'assignments':>12}{'median ms':>11}{'max ms':>9}{'naive ms':>10}"
          f"{'ratio':>7}  naive")
    print(f"{row['name']:<34}{row['assignments']:>12}{row['median_ms']:>11.1f}"
          f"{row['max_ms']:>9.1f}{row['naive_median_ms']:>10.1f}{row['ratio']:>6.1f}x  "
          f"{row['naive']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
