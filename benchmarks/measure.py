"""The measurements behind ``benchmarks/run.py``: one function per figure.

Every function times the real code path and the naive one (:mod:`naive`) in the same
process run, and returns a :class:`Figure` with the medians. The Qt figures draw into
offscreen widgets of a fixed size (:data:`CANVAS_SIZE`), so numbers do not depend on the
machine's screen.
"""

from __future__ import annotations

import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The map widget's size: about what the map gets in a maximised window on a 1080p screen.
CANVAS_SIZE = (1200, 800)
# The offscreen "screen" for the cold start, so the window opens at its normal size.
SCREEN_SIZE = (1600, 1000)
IMPORT_FLOOR = "import geopandas, matplotlib.pyplot, PySide6.QtWidgets"


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    level: str
    median: float
    naive_median: float
    runs: int
    naive_runs: int
    unit: str = "ms"
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times the naive way takes longer (or uses more)."""
        return self.naive_median / self.median if self.median > 0 else float("inf")

    def to_json(self) -> dict:
        value_key = "mb" if self.unit == "MB" else "median_ms"
        naive_key = "naive_mb" if self.unit == "MB" else "naive_median_ms"
        missing = self.naive_median != self.naive_median  # NaN: no naive figure (a peer not installed)
        data = {"name": self.name, "level": self.level, value_key: _rounded(self.median),
                naive_key: None if missing else _rounded(self.naive_median),
                "ratio": None if missing else round(self.ratio, 2),
                "runs": self.runs, "naive_runs": self.naive_runs}
        if self.note:
            data["note"] = self.note
        data.update(self.extra)
        return data


def _rounded(value: float) -> float:
    """Milliseconds to the microsecond, and small figures to four significant digits."""
    return round(value, 3) if value >= 1 else float(f"{value:.4g}")


def timed(function: Callable[[], object]) -> float:
    """Milliseconds one call of ``function`` takes, with the garbage collector paused.

    As :mod:`timeit` does: a collection that happens to fall inside one sample would
    time the whole heap rather than the work. (An earlier version ran ``gc.collect()``
    before every sample instead; that walks the whole heap and leaves the CPU caches
    cold, which added 2-3 ms to every small figure, real and naive alike, and is not
    what happens between two edits in a planner's session.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        function()
        return (time.perf_counter() - started) * 1000.0
    finally:
        if enabled:
            gc.enable()


def median_of(samples: list[float]) -> float:
    return float(statistics.median(samples))


# --------------------------------------------------------------------------------- Qt
_APP = None


def qt_app():
    """The process's QApplication (offscreen unless QT_QPA_PLATFORM says otherwise)."""
    global _APP
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from cluster_planner.qt.fonts import register_qt_font

    _APP = QApplication.instance() or QApplication([sys.argv[0]])
    register_qt_font()
    return _APP


@dataclass
class _MapWidgets:
    canvas: object
    naive_widget: object
    naive_axes: object


def _map_widgets(data, naive: bool = True) -> _MapWidgets:
    """The real map canvas and (if ``naive``) a plain matplotlib Qt canvas of the same size."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure as MplFigure

    from cluster_planner.domain.cities import load_ecosystem_cities
    from cluster_planner.domain.regions import load_sea_line
    from cluster_planner.qt.map_canvas import MapCanvas

    app = qt_app()
    canvas = MapCanvas()
    canvas.resize(*CANVAS_SIZE)
    canvas.show()
    canvas.set_layer(data.layer, load_sea_line(), load_ecosystem_cities())
    if not naive:
        app.processEvents()
        return _MapWidgets(canvas, None, None)
    naive_figure = MplFigure(figsize=(CANVAS_SIZE[0] / 100, CANVAS_SIZE[1] / 100), dpi=100)
    naive_widget = FigureCanvasQTAgg(naive_figure)
    naive_widget.resize(*CANVAS_SIZE)
    naive_widget.show()
    app.processEvents()
    return _MapWidgets(canvas, naive_widget, naive_figure.add_axes((0, 0, 1, 1)))


def _repaint(widget) -> None:
    """Draw what is pending and paint the widget now (not at the next event loop turn)."""
    widget.draw()
    widget.repaint()


# ------------------------------------------------------------------------- edit -> map
def edit_repaint(level: str, runs: int, naive_runs: int) -> Figure:
    """One edit -> analysis updated -> map recoloured and painted on screen.

    The real way: the incremental ``Analyzer`` follows the plan, the touched regions'
    counts give the new colours, ``MapCanvas.set_colours`` recolours in place. The naive
    way: ``analyze`` from scratch and ``GeoDataFrame.plot`` of every region.
    """
    from naive import naive_plot
    from workload import edit_sequence, level_data

    from cluster_planner.analysis.engine import Analyzer, analyze
    from cluster_planner.render.colouring import colour_by_count
    from cluster_planner.render.mapfigure import BOUNDARY_WIDTH

    data = level_data(level)
    plan = data.plan.copy()
    codes = [str(code) for code in data.layer.codes]
    index_of = data.layer.index_of
    industry_ids = [industry.id for industry in data.catalog.industries]
    widgets = _map_widgets(data)
    figure_widget = widgets.canvas.figure_widget()
    analyzer = Analyzer(data.context, plan)
    analyzer.follow()
    counts = np.zeros(len(codes), dtype=int)
    for assignment in plan:
        counts[index_of[assignment.region]] += 1
    facecolors, legend = colour_by_count(counts)
    widgets.canvas.set_colours(facecolors, legend)
    _repaint(figure_widget)

    def edit_and_repaint(edit) -> None:
        plan.apply(edit)  # the analyzer updates itself (it follows the plan)
        counts[index_of[edit.region]] = len(plan.industries_of(edit.region))
        colours, entries = colour_by_count(counts)
        widgets.canvas.set_colours(colours, entries)
        _repaint(figure_widget)

    warmup = 2
    edits = edit_sequence(plan, codes, industry_ids, warmup + runs)
    samples = [timed(lambda edit=edit: edit_and_repaint(edit)) for edit in edits][warmup:]
    final = analyzer.analysis

    naive_plan = plan.copy()
    naive_counts = counts.copy()
    frame = data.layer.frame
    width = BOUNDARY_WIDTH.get(level, 0.3)

    def naive_edit_and_repaint(edit) -> None:
        naive_plan.apply(edit)
        analyze(naive_plan, data.context)
        naive_counts[index_of[edit.region]] = len(naive_plan.industries_of(edit.region))
        colours, _entries = colour_by_count(naive_counts)
        naive_plot(widgets.naive_axes, frame, colours, width)
        _repaint(widgets.naive_widget)

    naive_edits = edit_sequence(naive_plan, codes, industry_ids, naive_runs + 1, seed=7)
    naive_samples = [timed(lambda edit=edit: naive_edit_and_repaint(edit)) for edit in naive_edits]
    naive_samples = naive_samples[1:] if len(naive_samples) > 1 else naive_samples
    if len(analyze(plan, data.context).flags) != len(final.flags):
        raise AssertionError("the incremental analysis drifted from a full run")
    widgets.canvas.close()
    widgets.naive_widget.close()
    return Figure("edit_repaint", level, median_of(samples), median_of(naive_samples),
                  len(samples), len(naive_samples))


# ----------------------------------------------------------------------- full analysis
def analysis_full(level: str, runs: int, naive_runs: int) -> Figure:
    """``analyze`` of the five-industries-per-region plan, against the textbook way."""
    from naive import naive_analysis, summary_counts
    from workload import level_data

    from cluster_planner.analysis.engine import analyze

    data = level_data(level)
    analyze(data.plan, data.context)  # warm caches (reason texts, suggestions) as a window would
    samples = [timed(lambda: analyze(data.plan, data.context)) for _ in range(runs)]
    naive_samples = [timed(lambda: naive_analysis(data.plan, data.context)) for _ in range(naive_runs)]
    real = summary_counts(analyze(data.plan, data.context))
    naive = naive_analysis(data.plan, data.context)
    different = {key: (value, naive[key]) for key, value in real.items() if naive[key] != value}
    if different:
        raise AssertionError(f"naive analysis disagrees at {level}: {different}")
    return Figure("analysis_full", level, median_of(samples), median_of(naive_samples), runs,
                  naive_runs, extra={"assignments": len(data.plan),
                                     "flags": sum(real[key] for key in ("crowded", "one_size", "mismatch"))})


# ---------------------------------------------------------------------------- hit test
def hover_hit(level: str, runs: int, naive_runs: int) -> Figure:
    """The region under the mouse: ``MapCanvas.region_at`` against testing every polygon.

    Each sample asks for the regions under a grid of points over the whole map (land
    and sea); the figure is the time per point.
    """
    from naive import naive_hit
    from PySide6.QtCore import QPoint
    from workload import level_data

    from cluster_planner.render.projection import xy_to_lonlat

    data = level_data(level)
    widgets = _map_widgets(data)
    canvas = widgets.canvas
    _repaint(canvas.figure_widget())  # a new view is drawn as vectors first,
    _repaint(canvas.figure_widget())  # then from its cached layers (index raster)
    if not canvas.figure_widget().raster.is_current():
        raise AssertionError("the map canvas did not prepare its index raster")
    width, height = CANVAS_SIZE
    points = [QPoint(int(x), int(y)) for y in np.linspace(20, height - 20, 20)
              for x in np.linspace(20, width - 20, 30)]
    samples = [timed(lambda: [canvas.region_at(point) for point in points]) / len(points)
               for _ in range(runs)]
    fast_answers = [canvas.region_at(point) for point in points]

    mapfig = canvas.map_figure
    widget = canvas.figure_widget()
    frame = data.layer.frame
    few = points[:: max(1, len(points) // 60)]

    def naive_lookups() -> list:
        answers = []
        for point in few:
            display = (point.x(), widget.height() - point.y())
            x, y = mapfig.ax.transData.inverted().transform(display)
            lon, lat = xy_to_lonlat(x, y)
            row = naive_hit(frame, float(lon), float(lat))
            answers.append(None if row is None else str(data.layer.codes[row]))
        return answers

    naive_samples = [timed(naive_lookups) / len(few) for _ in range(naive_runs)]
    # The naive test ignores the South China Sea inset, so compare outside it only.
    naive_answers = naive_lookups()
    inset = mapfig.inset_ax.bbox
    comparable = [(fast_answers[points.index(point)], answer) for point, answer in zip(few, naive_answers, strict=True)
                  if not inset.contains(point.x(), widget.height() - point.y())]
    agreement = sum(a == b for a, b in comparable) / max(1, len(comparable))
    canvas.close()
    widgets.naive_widget.close()
    return Figure("hover_hit", level, median_of(samples), median_of(naive_samples), runs, naive_runs,
                  extra={"agreement": round(agreement, 3)})


# -------------------------------------------------------------------------- plan files
def save_load(level: str, runs: int, naive_runs: int) -> Figure:
    """``save_plan`` + ``load_plan`` of the full plan, against json's plain dump and load."""
    from naive import naive_load, naive_save
    from workload import level_data

    from cluster_planner.io.planfile import load_plan, save_plan

    data = level_data(level)
    with tempfile.TemporaryDirectory(prefix="cp-bench-") as folder:
        path = Path(folder) / "plan.cplan"
        naive_path = Path(folder) / "plan.json"

        def real() -> object:
            save_plan(data.plan, path)
            return load_plan(path, data.catalog, data.layer)

        def naive() -> object:
            naive_save(data.plan, naive_path)
            return naive_load(naive_path, data.layer, data.catalog)

        real()
        samples = [timed(real) for _ in range(runs)]
        naive_samples = [timed(naive) for _ in range(naive_runs)]
        for loaded in (real(), naive()):
            if {a.key: a for a in loaded} != {a.key: a for a in data.plan}:
                raise AssertionError("a plan did not survive its save and load")
        size_kb = path.stat().st_size / 1024
    return Figure("save_load", level, median_of(samples), median_of(naive_samples), runs, naive_runs,
                  extra={"assignments": len(data.plan), "file_kb": round(size_kb, 1)})


# -------------------------------------------------------------------------- cold start
_MAP_SHOWN = re.compile(r"map shown .*?unix time ([0-9.]+)")


def _offscreen_environment(folder: Path) -> dict:
    config = folder / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "benchmark", "x": 0, "y": 0, "width": SCREEN_SIZE[0], "height": SCREEN_SIZE[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    return env


def _one_cold_start(folder: Path, run: int) -> tuple[float, bool]:
    home = folder / f"home{run}"
    env = _offscreen_environment(folder)
    env["CLUSTER_PLANNER_HOME"] = str(home)  # fresh settings: default level, nothing to recover
    env["CLUSTER_PLANNER_SCREENSHOT"] = str(folder / f"shot{run}.png")
    started = time.time()
    result = subprocess.run([sys.executable, "-m", "cluster_planner"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    ended = time.time()
    if result.returncode != 0:
        raise RuntimeError(f"the app failed to start: {result.stderr.strip()[-500:]}")
    shown = _MAP_SHOWN.search(result.stderr)
    # Without the app's own report, the whole run (up to its exit) is the honest bound.
    return ((float(shown.group(1)) if shown else ended) - started) * 1000.0, shown is not None


def _one_import_floor() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORT_FLOOR], check=True, capture_output=True, timeout=120)
    return (time.perf_counter() - started) * 1000.0


def cold_start(runs: int, naive_runs: int) -> Figure:
    """Process start to the main window shown with the map drawn, against the import floor.

    The app runs with ``CLUSTER_PLANNER_SCREENSHOT`` (it prints the moment the map is
    on screen, grabs the window and quits) on an offscreen screen of
    :data:`SCREEN_SIZE`, with fresh settings each time. The floor is a process that only
    imports geopandas, matplotlib.pyplot and PySide6.QtWidgets.
    """
    with tempfile.TemporaryDirectory(prefix="cp-cold-") as name:
        folder = Path(name)
        _one_cold_start(folder, -1)  # the first start after a build also compiles bytecode
        starts = [_one_cold_start(folder, run) for run in range(runs)]
    _one_import_floor()
    naive_samples = [_one_import_floor() for _ in range(naive_runs)]
    floor = median_of(naive_samples)
    samples = [milliseconds for milliseconds, _ in starts]
    note = "naive = the import floor; ratio < 1 is expected"
    if not all(exact for _, exact in starts):
        note += "; measured to the app's exit (it printed no map-shown time)"
    return Figure("cold_start", "prefecture", median_of(samples), floor, runs, naive_runs, note=note,
                  extra={"over_floor_ms": round(median_of(samples) - floor, 1)})


# ------------------------------------------------------------------------ peak memory
def _probe(level: str, mode: str) -> dict:
    env = _offscreen_environment(Path(tempfile.gettempdir()))
    result = subprocess.run([sys.executable, str(HERE / "memory_probe.py"), level, mode],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"memory probe failed: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_memory(level: str) -> Figure:
    """Peak resident memory of a process that loads ``level``, draws it and analyses a plan.

    The figure is the probe's ``ru_maxrss``, or its own ``VmHWM`` where that is lower:
    ``ru_maxrss`` includes the parent's high-water mark at fork (see memory_probe.py).
    """
    real, naive = _probe(level, "real"), _probe(level, "naive")

    def peak(probe: dict) -> float:
        return min(v for v in (probe["maxrss_mb"], probe.get("vmhwm_mb")) if v is not None)

    return Figure("peak_memory", level, peak(real), peak(naive), 1, 1, unit="MB",
                  extra={"maxrss_mb": round(real["maxrss_mb"], 1)})
