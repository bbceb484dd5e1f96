"""The map widget, driven with real mouse and key events (pytest-qt, offscreen)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

from cluster_planner.domain.cities import load_ecosystem_cities  # noqa: E402
from cluster_planner.domain.regions import load_layer, load_sea_line  # noqa: E402
from cluster_planner.qt.fonts import register_qt_font  # noqa: E402
from cluster_planner.qt.map_canvas import MapCanvas  # noqa: E402
from cluster_planner.render.colouring import colour_by_count  # noqa: E402

ZHUZHOU = "430200"


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefecture")


@pytest.fixture(scope="module")
def map_data(prefectures):
    return prefectures, load_sea_line(), load_ecosystem_cities()


@pytest.fixture
def canvas(qtbot, map_data):
    register_qt_font()
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layer(*map_data)
    widget.figure_widget().draw()
    return widget


def _pixel_of(canvas: MapCanvas, code: str) -> QPoint:
    """The canvas pixel (logical) showing the most interior point of region ``code``.

    The centre of the largest inscribed circle keeps a whole pixel away from the
    neighbours even for a small region like Shenzhen.
    """
    geometry = canvas.map_figure.projected[canvas.layer.index_of[code]]
    x, y = shapely.get_coordinates(shapely.maximum_inscribed_circle(geometry))[0]
    return canvas.widget_pos_of(x, y)


def _sea_pixel(canvas: MapCanvas) -> QPoint:
    return canvas.widget_pos_of(*canvas.map_figure.lonlat_to_data(125.5, 29.0))


def _limits(canvas: MapCanvas) -> tuple[tuple[float, float], tuple[float, float]]:
    ax = canvas.map_figure.ax
    return tuple(map(float, ax.get_xlim())), tuple(map(float, ax.get_ylim()))


def _same_view(a, b) -> bool:
    return np.allclose(np.ravel(a), np.ravel(b), rtol=1e-9, atol=1e-6)


def test_click_selects_the_region_under_the_mouse(qtbot, canvas):
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, pos=_pixel_of(canvas, ZHUZHOU))
    assert blocker.args == [[ZHUZHOU], "replace"]
    for code in ("110000", "650100", "440300"):  # Beijing, Urumqi, Shenzhen
        with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
            qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, pos=_pixel_of(canvas, code))
        assert blocker.args == [[code], "replace"]


def test_click_on_the_sea_clears_and_ctrl_click_toggles(qtbot, canvas):
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, pos=_sea_pixel(canvas))
    assert blocker.args == [[], "replace"]
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, _pixel_of(canvas, ZHUZHOU))
    assert blocker.args == [[ZHUZHOU], "toggle"]


def test_clicking_an_island_in_the_inset_selects_sansha(qtbot, canvas):
    mapfig = canvas.map_figure
    sansha = canvas.layer.index_of["460300"]
    # A point of a Sansha island, shown only in the inset.
    x, y = mapfig.representative_points()[sansha]
    display = mapfig.inset_ax.transData.transform((x, y))
    ratio = canvas.figure_widget().device_pixel_ratio
    pos = QPoint(round(display[0] / ratio), round(canvas.figure_widget().height() - display[1] / ratio))
    assert canvas.region_at(pos) == "460300"


def test_shift_drag_selects_the_regions_in_the_box(qtbot, canvas):
    widget = canvas.figure_widget()
    mapfig = canvas.map_figure
    start = canvas.widget_pos_of(*mapfig.lonlat_to_data(112.8, 23.6))
    end = canvas.widget_pos_of(*mapfig.lonlat_to_data(114.6, 22.2))
    before = _limits(canvas)
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
        qtbot.mouseMove(widget, end)
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)
    codes, mode = blocker.args
    assert mode == "replace" and {"440100", "440300"} <= set(codes) and ZHUZHOU not in codes
    assert _limits(canvas) == before  # a box selection does not pan
    modifiers = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifiers, start)
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifiers, end)
    assert blocker.args[1] == "add" and set(blocker.args[0]) == set(codes)


def test_plain_drag_pans_without_selecting_and_draws_once(qtbot, canvas):
    widget = canvas.figure_widget()
    before = _limits(canvas)
    requested = []
    canvas.selectionRequested.connect(lambda codes, mode: requested.append((codes, mode)))
    draws = []
    widget.mpl_connect("draw_event", lambda event: draws.append(event))
    start = _pixel_of(canvas, ZHUZHOU)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(widget, start + QPoint(20 * step, 10 * step))
    QApplication.processEvents()
    assert draws == []  # while dragging, a shifted snapshot follows the mouse
    assert canvas.region_at(start + QPoint(100, 50)) == ZHUZHOU  # the map moved with the mouse
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=start + QPoint(100, 50))
    QApplication.processEvents()
    assert len(draws) == 1
    (x0, x1), (y0, y1) = _limits(canvas)
    # Dragging right and down moves the map with the mouse: the view goes west and north.
    assert x0 < before[0][0] and y0 > before[1][0]
    assert x1 - x0 == pytest.approx(before[0][1] - before[0][0])
    assert requested == []
    # The picture on screen is the new view: Zhuzhou's colour is under the release point.
    pos = start + QPoint(100, 50)
    ratio = widget.device_pixel_ratio
    pixels = np.asarray(widget.buffer_rgba())
    shown = pixels[int(pos.y() * ratio), int(pos.x() * ratio)][:3] / 255
    zhuzhou_fill = canvas.map_figure.facecolors[canvas.layer.index_of[ZHUZHOU]][:3]
    assert np.allclose(shown, zhuzhou_fill, atol=0.02)


def test_right_drag_pans_too(qtbot, canvas):
    widget = canvas.figure_widget()
    before = _limits(canvas)
    start = _pixel_of(canvas, ZHUZHOU)
    qtbot.mousePress(widget, Qt.MouseButton.RightButton, pos=start)
    qtbot.mouseMove(widget, start + QPoint(-40, 0))
    qtbot.mouseRelease(widget, Qt.MouseButton.RightButton, pos=start + QPoint(-40, 0))
    assert _limits(canvas)[0][0] > before[0][0]


def _wheel(canvas: MapCanvas, pos: QPoint, clicks: int) -> None:
    widget = canvas.figure_widget()
    event = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0),
                        QPoint(0, 120 * clicks), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_zooms_about_the_cursor_and_home_resets(qtbot, canvas):
    widget = canvas.figure_widget()
    home = _limits(canvas)
    pos = _pixel_of(canvas, ZHUZHOU)
    under_cursor = canvas.region_at(pos)
    _wheel(canvas, pos, 3)
    zoomed = _limits(canvas)
    assert zoomed[0][1] - zoomed[0][0] < 0.6 * (home[0][1] - home[0][0])
    assert canvas.region_at(pos) == under_cursor == ZHUZHOU  # the point under the cursor stays
    _wheel(canvas, pos, -1)
    assert _limits(canvas)[0][1] - _limits(canvas)[0][0] > zoomed[0][1] - zoomed[0][0]
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert _same_view(_limits(canvas), home)
    canvas.zoom(2.0)
    canvas.reset_view()
    assert _same_view(_limits(canvas), home)


def test_double_click_activates_a_region(qtbot, canvas):
    with qtbot.waitSignal(canvas.regionActivated, timeout=2000) as blocker:
        qtbot.mouseDClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, pos=_pixel_of(canvas, ZHUZHOU))
    assert blocker.args == [ZHUZHOU]


def test_hover_reports_the_region_and_shows_its_tooltip_without_redrawing(qtbot, canvas):
    widget = canvas.figure_widget()
    asked = []

    def provider(code: str) -> str:
        asked.append(code)
        return f"<b>{canvas.layer.name(code)}</b>"

    canvas.set_tooltip_provider(provider)
    draws = []
    widget.mpl_connect("draw_event", lambda event: draws.append(event))
    with qtbot.waitSignal(canvas.regionHovered, timeout=2000) as blocker:
        qtbot.mouseMove(widget, _pixel_of(canvas, ZHUZHOU))
    assert blocker.args == [ZHUZHOU]
    assert canvas.map_figure.hover == canvas.layer.index_of[ZHUZHOU]
    qtbot.waitUntil(lambda: asked == [ZHUZHOU], timeout=2000)
    assert "株洲" in QToolTip.text()
    with qtbot.waitSignal(canvas.regionHovered, timeout=2000) as blocker:
        qtbot.mouseMove(widget, _pixel_of(canvas, "440300"))
    assert blocker.args == ["440300"]
    with qtbot.waitSignal(canvas.regionHovered, timeout=2000) as blocker:
        qtbot.mouseMove(widget, _sea_pixel(canvas))
    assert blocker.args == [""]
    QApplication.processEvents()
    assert draws == []  # the hover outline is blitted; the figure is not redrawn


def test_set_colours_repaints_the_region(qtbot, canvas):
    widget = canvas.figure_widget()
    layer = canvas.layer
    counts = np.zeros(len(layer), dtype=int)
    counts[layer.index_of[ZHUZHOU]] = 5
    facecolors, legend = colour_by_count(counts)
    canvas.set_colours(facecolors, legend)
    qtbot.waitUntil(lambda: not widget.figure.stale, timeout=2000)
    pos = _pixel_of(canvas, ZHUZHOU)
    ratio = widget.device_pixel_ratio
    pixels = np.asarray(widget.buffer_rgba())
    shown = pixels[int(pos.y() * ratio), int(pos.x() * ratio)][:3] / 255
    assert np.allclose(shown, facecolors[layer.index_of[ZHUZHOU]][:3], atol=0.02)
    assert [label for label, _ in canvas.map_figure.legend_entries()][0] == "0"


def test_selection_by_code_ignores_codes_of_another_layer(canvas):
    canvas.set_selection([ZHUZHOU, "430000", "999999"])  # a province code is not a prefecture
    assert canvas.map_figure.selection == [canvas.layer.index_of[ZHUZHOU]]
    canvas.set_highlight(["440300"])
    assert canvas.map_figure.highlight == [canvas.layer.index_of["440300"]]


def test_set_language_switches_labels(canvas):
    canvas.set_language("en")
    assert "Zhuzhou" in {label.get_text() for label in canvas.map_figure.city_labels}
    assert canvas.map_figure.attribution.get_text().startswith("Boundaries:")
    canvas.set_language("zh")
    assert "株洲" in {label.get_text() for label in canvas.map_figure.city_labels}
    assert canvas.map_figure.attribution.get_text().startswith("边界数据")


def test_a_new_layer_replaces_the_old_one(qtbot, canvas):
    provinces = load_layer("province")
    canvas.set_layer(provinces)
    assert len(canvas.map_figure.collection.get_paths()) == len(provinces)
    canvas.figure_widget().draw()
    with qtbot.waitSignal(canvas.selectionRequested, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, pos=_pixel_of(canvas, "430000"))
    assert blocker.args == [["430000"], "replace"]


def test_the_bundled_font_is_the_application_fallback(qtbot):
    family = register_qt_font()
    assert family == "Noto Sans SC"
    assert family in QApplication.font().families()
