"""Edit -> repainted map through the whole main window: ``python benchmarks/window_edit.py LEVEL``.

Not one of ``run.py``'s figures (those measure the analysis and the map through their
own APIs); this runs the same five-industries-per-region plan in the real
``MainWindow`` (opened from a saved plan file, offscreen) and times an edit pushed on
the undo stack until the map is painted, so everything that listens to an edit (flag
table, assignment table, counts, colours) is included. ``--profile`` prints where the
time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app's command does

import measure  # noqa: E402 (needs the path above)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/window_edit.py", description=__doc__.splitlines()[0])
    parser.add_argument("level", choices=["province", "prefecture", "county"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    os.environ["CLUSTER_PLANNER_HOME"] = tempfile.mkdtemp(prefix="cp-window-")
    app = measure.qt_app()

    from PySide6.QtCore import QEventLoop, QTimer
    from workload import edit_sequence, level_data

    from cluster_planner.io.planfile import save_plan
    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings

    def wait(milliseconds: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(milliseconds, loop.quit)
        loop.exec()

    data = level_data(args.level)
    path = Path(tempfile.mkdtemp(prefix="cp-window-")) / "plan.cplan"
    save_plan(data.plan, path)
    window = MainWindow(AppSettings())
    window.resize(1500, 950)
    window.show()
    window.start()
    window.open_path(str(path), ask_to_save=False)
    for _ in range(300):  # the county layer loads in a worker thread
        wait(100)
        if window.document.level == args.level and len(window.document.plan) == len(data.plan):
            break
    else:
        print(f"the {args.level} plan did not open", file=sys.stderr)
        return 1
    wait(500)
    plan = window.document.plan
    edits = edit_sequence(plan, [str(code) for code in data.layer.codes],
                          [industry.id for industry in data.catalog.industries], args.runs + 4)
    widget = window.canvas.figure_widget()
    samples: list[float] = []

    def run_edits() -> None:
        for edit in edits:
            started = time.perf_counter()
            window.document.push(edit)
            widget.draw()
            widget.repaint()
            samples.append((time.perf_counter() - started) * 1000.0)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run_edits)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        run_edits()
    print(f"{args.level}: window edit -> repainted map, median {statistics.median(samples[4:]):.1f} ms "
          f"over {len(samples) - 4} edits (map {widget.width()}x{widget.height()} px)")
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
