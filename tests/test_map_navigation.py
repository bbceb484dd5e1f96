"""Zooming and panning the map: the new view shows at once, sharp soon after (pytest-qt).

A wheel step shows the last picture scaled about the cursor straight away; the sharp
picture follows once the event loop runs, and a burst of wheel steps gets one sharp
render. The region under the mouse is right throughout.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from cluster_planner.domain.cities import load_ecosystem_cities  # noqa: E402
from cluster_planner.domain.regions import load_layer, load_sea_line  # noqa: E402
from cluster_planner.qt.fonts import register_qt_font  # noqa: E402
from cluster_planner.qt.map_canvas import MapCanvas  # noqa: E402
from cluster_planner.render.colouring import colour_by_count  # noqa: E402

ZHUZHOU, CHANGSHA, XIANGTAN = "430200", "430100", "430300"


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefecture")


@pytest.fixture
def canvas(qtbot, prefectures):
    register_qt_font()
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layer(prefectures, load_sea_line(), load_ecosystem_cities())
    counts = np.arange(len(prefectures)) % 6  # neighbours mostly differ
    counts[prefectures.index_of[ZHUZHOU]] = 5
    counts[prefectures.index_of[CHANGSHA]] = 1
    counts[prefectures.index_of[XIANGTAN]] = 3
    widget.set_colours(*colour_by_count(counts))
    figure_widget = widget.figure_widget()
    figure_widget.draw()
    qtbot.waitUntil(lambda: figure_widget.raster.is_current(), timeout=5000)
    figure_widget.draw()
    return widget


def _wheel(canvas: MapCanvas, pos: QPoint, clicks: int) -> None:
    widget = canvas.figure_widget()
    event = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0),
                        QPoint(0, 120 * clicks), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _inside(canvas: MapCanvas, code: str) -> QPoint:
    """The widget point at the centre of the region's largest inscribed circle."""
    geometry = canvas.map_figure.projected[canvas.layer.index_of[code]]
    x, y = shapely.get_coordinates(shapely.maximum_inscribed_circle(geometry))[0]
    return canvas.widget_pos_of(x, y)


def _shown(canvas: MapCanvas, pos: QPoint) -> np.ndarray:
    widget = canvas.figure_widget()
    ratio = widget.device_pixel_ratio
    return np.asarray(widget.buffer_rgba())[int(pos.y() * ratio), int(pos.x() * ratio), :3] / 255


def _fill(canvas: MapCanvas, code: str) -> np.ndarray:
    return canvas.map_figure.facecolors[canvas.layer.index_of[code], :3]


def test_a_wheel_zoom_shows_the_zoomed_picture_at_once_and_the_sharp_one_after(qtbot, canvas):
    widget = canvas.figure_widget()
    raster = widget.raster
    renders = raster.view_renders
    before = canvas.map_figure.ax.get_xlim()
    _wheel(canvas, _inside(canvas, ZHUZHOU), 4)
    widget.draw()  # what the idle draw after the wheel event does
    after = canvas.map_figure.ax.get_xlim()
    assert after[1] - after[0] == pytest.approx((before[1] - before[0]) / 1.25 ** 4)
    # Changsha and Xiangtan have moved away from Zhuzhou on screen: the picture shows
    # them where the new view puts them, before anything is rendered.
    assert not widget.is_sharp() and raster.view_renders == renders
    for code in (CHANGSHA, XIANGTAN, ZHUZHOU):
        assert np.allclose(_shown(canvas, _inside(canvas, code)), _fill(canvas, code), atol=0.02), code
    scaled = np.asarray(widget.buffer_rgba()).copy()
    qtbot.waitUntil(widget.is_sharp, timeout=5000)
    assert raster.view_renders == renders + 1 and raster.is_current()
    for code in (CHANGSHA, XIANGTAN, ZHUZHOU):
        assert np.allclose(_shown(canvas, _inside(canvas, code)), _fill(canvas, code), atol=0.02), code
    sharp = np.asarray(widget.buffer_rgba())
    # The sharp picture is a new one: its borders and labels are drawn at the new scale.
    assert (np.abs(sharp.astype(int) - scaled.astype(int)).max(axis=2) > 40).mean() > 0.005


def test_hover_after_a_zoom_reports_the_region_under_the_mouse(qtbot, canvas):
    widget = canvas.figure_widget()
    _wheel(canvas, _inside(canvas, ZHUZHOU), 3)
    widget.draw()
    assert not widget.is_sharp()
    for code in (CHANGSHA, XIANGTAN, ZHUZHOU):  # while the scaled picture shows
        with qtbot.waitSignal(canvas.regionHovered, timeout=2000) as blocker:
            qtbot.mouseMove(widget, _inside(canvas, code))
        assert blocker.args == [code]
        assert canvas.region_at(_inside(canvas, code)) == code
    qtbot.waitUntil(widget.is_sharp, timeout=5000)
    for code in (XIANGTAN, CHANGSHA):  # and once the sharp one does
        with qtbot.waitSignal(canvas.regionHovered, timeout=2000) as blocker:
            qtbot.mouseMove(widget, _inside(canvas, code))
        assert blocker.args == [code]
    # A click selects what the mouse is over.
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=_inside(canvas, XIANGTAN))
    assert blocker.args == [[XIANGTAN], "replace"]


def test_consecutive_wheel_steps_coalesce_into_one_sharp_render(qtbot, canvas):
    widget = canvas.figure_widget()
    raster = widget.raster
    renders, sharp_renders = raster.view_renders, widget.sharp_renders
    pos = _inside(canvas, ZHUZHOU)
    for _step in range(3):
        _wheel(canvas, pos, 1)
        widget.draw()  # each step gets its first frame at once
        assert not widget.is_sharp()
    # The event loop runs one turn (a step of the sharp render starts), then two more
    # wheel steps: the started render is dropped, not finished.
    QApplication.processEvents()
    for _step in range(2):
        _wheel(canvas, pos, 1)
        widget.draw()
    qtbot.waitUntil(widget.is_sharp, timeout=5000)
    assert widget.sharp_renders == sharp_renders + 1
    assert raster.view_renders == renders + 1
    assert canvas.region_at(pos) == ZHUZHOU


def test_key_pan_and_resize_show_a_shifted_picture_first(qtbot, canvas):
    widget = canvas.figure_widget()
    raster = widget.raster
    renders = raster.view_renders
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    widget.draw()
    assert not widget.is_sharp() and raster.view_renders == renders
    for code in (CHANGSHA, ZHUZHOU):
        assert np.allclose(_shown(canvas, _inside(canvas, code)), _fill(canvas, code), atol=0.02), code
    qtbot.waitUntil(widget.is_sharp, timeout=5000)
    canvas.resize(700, 500)
    qtbot.waitUntil(lambda: widget.get_width_height() == (700, 500), timeout=2000)
    widget.draw()
    assert np.allclose(_shown(canvas, _inside(canvas, ZHUZHOU)), _fill(canvas, ZHUZHOU), atol=0.02)
    qtbot.waitUntil(widget.is_sharp, timeout=5000)
    assert canvas.region_at(_inside(canvas, ZHUZHOU)) == ZHUZHOU
