"""Zooming and panning the map: the figures ``zoom_first_frame``, ``zoom_sharp``,
``pan_first_frame`` and the QGIS peer row (see ``run.py`` and ``RESULTS.md``).

The real map canvas and one with fast drawing off (today's full vector redraw, the
naive way) get the same wheel steps and arrow keys, as Qt events, at the same size.
A planner's zoom into a province: :data:`ZOOM_STEPS` wheel steps in about Changsha
from the whole country, then as many out, repeated.

- ``zoom_first_frame``: the wheel event sent until the first picture of the new view
  is painted.
- ``zoom_sharp``: the wheel event sent until the sharp picture is painted, the event
  loop running in between as in the app.
- ``pan_first_frame``: an arrow key (a tenth of the view) until the picture is painted.

The naive figure of all three is the vector canvas's wheel step or key plus its draw
and paint. The peer: QGIS (``qgis_peer.py``, Debian's ``python3-qgis`` run by
``/usr/bin/python3``) renders the same layer, projected the same way, at the same
size, for every view of the zoom sequence.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from measure import CANVAS_SIZE, Figure, median_of, qt_app, timed

HERE = Path(__file__).resolve().parent
ZOOM_STEPS = 6
PAN_KEYS = ("right", "right", "down", "left", "left", "up")
SYSTEM_PYTHON = "/usr/bin/python3"
QGIS_INSTALL = "apt-get update && apt-get install -y python3-qgis"
# Where the wheel turns: Changsha (lon, lat).
ZOOM_AT = (112.94, 28.23)


class _Canvases:
    """The real canvas and the vector one, the same plan's colours on both."""

    def __init__(self, data):
        from cluster_planner.domain.cities import load_ecosystem_cities
        from cluster_planner.domain.regions import load_sea_line
        from cluster_planner.qt.map_canvas import MapCanvas
        from cluster_planner.render.colouring import colour_by_count

        self.app = qt_app()
        counts = np.zeros(len(data.layer.codes), dtype=int)
        for assignment in data.plan:
            counts[data.layer.index_of[assignment.region]] += 1
        colours, legend = colour_by_count(counts)
        self.colours = colours
        self.real, self.naive = MapCanvas(), MapCanvas()
        self.naive.set_fast_drawing(False)
        for canvas in (self.real, self.naive):
            canvas.resize(*CANVAS_SIZE)
            canvas.show()
            canvas.set_layer(data.layer, load_sea_line(), load_ecosystem_cities())
            canvas.set_colours(colours, legend)
            canvas.set_title(data.plan.name)
        self.app.processEvents()
        for canvas in (self.real, self.naive):
            self.settle(canvas)

    def settle(self, canvas) -> None:
        """Draw what is pending and run the event loop until the picture is sharp."""
        widget = canvas.figure_widget()
        widget.draw()
        deadline = time.perf_counter() + 30
        while not (widget.is_sharp() and (widget.raster is None or widget.raster.is_current())):
            self.app.processEvents()
            if time.perf_counter() > deadline:
                raise AssertionError("the map never became sharp")
        widget.draw()
        widget.repaint()

    def close(self) -> None:
        self.real.close()
        self.naive.close()


def _wheel(widget, pos, clicks: int) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    event = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120 * clicks),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _key(widget, name: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    key = {"left": Qt.Key.Key_Left, "right": Qt.Key.Key_Right, "up": Qt.Key.Key_Up, "down": Qt.Key.Key_Down}[name]
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def _first_frame(widget, act) -> float:
    def step() -> None:
        act()
        widget.draw()
        widget.repaint()

    return timed(step)


def _until_sharp(app, widget, act) -> float:
    def step() -> None:
        act()
        widget.draw()
        widget.repaint()  # the first frame, as the app's next paint would show it
        while not widget.is_sharp():
            app.processEvents()
        widget.repaint()

    return timed(step)


def _zoom_sequence(runs: int) -> list[int]:
    """Wheel clicks: :data:`ZOOM_STEPS` in and as many out, repeated to ``runs`` steps
    (a quick run: one step in and one out)."""
    if runs < 2 * ZOOM_STEPS:
        steps = max(1, runs // 2)
        return [1] * steps + [-1] * steps
    rounds = math.ceil(runs / (2 * ZOOM_STEPS))
    return ([1] * ZOOM_STEPS + [-1] * ZOOM_STEPS) * rounds


def navigation(level: str, runs: int, naive_runs: int, peer: bool = True) -> list[Figure]:
    """``zoom_first_frame``, ``zoom_sharp`` and ``pan_first_frame`` at ``level``, and the
    QGIS row (at the level it is asked for) when ``peer``."""
    from workload import level_data

    data = level_data(level)
    canvases = _Canvases(data)
    app = canvases.app
    real, naive = canvases.real.figure_widget(), canvases.naive.figure_widget()
    pos = canvases.real.widget_pos_of(*canvases.real.map_figure.lonlat_to_data(*ZOOM_AT))
    clicks = _zoom_sequence(runs)

    first, sharp, views = [], [], []
    for step in clicks:
        first.append(_first_frame(real, lambda s=step: _wheel(real, pos, s)))
        canvases.settle(canvases.real)
        # Back one step, then the same step timed to its sharp picture.
        _wheel(real, pos, -step)
        canvases.settle(canvases.real)
        sharp.append(_until_sharp(app, real, lambda s=step: _wheel(real, pos, s)))
        ax = canvases.real.map_figure.ax
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        views.append([x0, y0, x1, y1])
    naive_clicks = clicks[: max(naive_runs, 1)] if naive_runs < len(clicks) else clicks
    naive_zoom = [_first_frame(naive, lambda s=step: _wheel(naive, pos, s)) for step in naive_clicks]
    canvases.real.reset_view()
    canvases.naive.reset_view()
    canvases.settle(canvases.real)
    canvases.settle(canvases.naive)

    keys = (list(PAN_KEYS) * max(1, math.ceil(runs / len(PAN_KEYS))))[: max(runs, 2)]
    pan = []
    for key in keys:
        pan.append(_first_frame(real, lambda k=key: _key(real, k)))
        canvases.settle(canvases.real)
    naive_pan = [_first_frame(naive, lambda k=key: _key(naive, k)) for key in keys[: max(naive_runs, 1)]]
    canvases.close()

    naive_zoom_ms = median_of(naive_zoom)
    figures = [
        Figure("zoom_first_frame", level, median_of(first), naive_zoom_ms, len(first), len(naive_zoom),
               extra={"max_ms": round(max(first), 3)}),
        Figure("zoom_sharp", level, median_of(sharp), naive_zoom_ms, len(sharp), len(naive_zoom),
               extra={"max_ms": round(max(sharp), 3)}),
        Figure("pan_first_frame", level, median_of(pan), median_of(naive_pan), len(pan), len(naive_pan)),
    ]
    if peer:
        figures.append(qgis_peer(data, canvases.colours, views, median_of(sharp), 1 if runs <= 1 else 3))
    return figures


def qgis_peer(data, colours, views: list[list[float]], sharp_ms: float, runs: int) -> Figure:
    """QGIS rendering the same layer and views at the same size, beside our sharp picture.

    QGIS draws what our map draws of the layer: each region in its colour
    (``colours``, RGBA per row) with hairline white borders, and the provinces'
    outlines below province level (see ``qgis_peer.py``).

    The ratio is QGIS's median over ours. Where QGIS is not installed the figure has no
    naive number and its note says how to install it.
    """
    level = data.level
    if not _has_qgis():
        return Figure("qgis_peer", level, sharp_ms, float("nan"), 0, 0,
                      note=f"QGIS not installed ({QGIS_INSTALL})")
    from matplotlib.colors import to_hex

    from cluster_planner.render.mapfigure import BOUNDARY_WIDTH
    from cluster_planner.render.projection import ALBERS_CHINA

    with tempfile.TemporaryDirectory(prefix="cp-qgis-") as folder:
        path = Path(folder) / f"{level}.gpkg"
        frame = data.layer.frame[["adcode", "province", "geometry"]].copy()
        frame["colour"] = [to_hex(colour[:3]) for colour in colours]
        frame = frame.to_crs(ALBERS_CHINA)
        frame[["adcode", "colour", "geometry"]].to_file(path, driver="GPKG", layer="regions")
        if level != "province":
            outlines = frame.dissolve(by="province").boundary.to_frame("geometry")
            outlines.to_file(path, driver="GPKG", layer="provinces")
        border_px = BOUNDARY_WIDTH.get(level, 0.3) * 100 / 72  # points at the canvas's 100 dpi
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env.pop("PYTHONPATH", None)
        width, height = CANVAS_SIZE
        result = subprocess.run([SYSTEM_PYTHON, str(HERE / "qgis_peer.py"), str(path), str(width), str(height),
                                 str(runs), json.dumps(views), f"{border_px:.3f}", f"{0.7 * 100 / 72:.3f}"],
                                env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not result.stdout.strip():
        return Figure("qgis_peer", level, sharp_ms, float("nan"), 0, 0,
                      note=f"QGIS failed: {result.stderr.strip().splitlines()[-1:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    timings = report["ms"]
    samples = [ms for view in timings for ms in view]
    return Figure("qgis_peer", level, sharp_ms, median_of(samples), len(samples), len(samples),
                  note="median = our zoom_sharp; naive = QGIS QgsMapRendererParallelJob, same views and size",
                  extra={"qgis_views": len(timings), "qgis_version": report.get("qgis", ""),
                         "qgis_sequential_ms": round(median_of(
                             [ms for view in report.get("sequential_ms", []) for ms in view] or [float("nan")]), 3)})


def _has_qgis() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60,
                           env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"})
    return probe.returncode == 0
