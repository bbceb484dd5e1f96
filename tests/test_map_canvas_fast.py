"""The map widget's fast drawing looks like its vector drawing (pytest-qt, offscreen)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

pytest.importorskip("pytestqt")

from PySide6.QtGui import QImage  # noqa: E402

from cluster_planner.domain.cities import load_ecosystem_cities  # noqa: E402
from cluster_planner.domain.regions import load_layer, load_sea_line  # noqa: E402
from cluster_planner.qt.fonts import register_qt_font  # noqa: E402
from cluster_planner.qt.map_canvas import MapCanvas  # noqa: E402
from cluster_planner.render.colouring import colour_by_count  # noqa: E402


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
    counts = np.random.default_rng(3).integers(0, 6, len(prefectures))
    widget.set_colours(*colour_by_count(counts))
    widget.set_title("规划草案")
    widget.set_selection(["430200"])
    figure_widget = widget.figure_widget()
    figure_widget.draw()  # a new view: drawn as vectors, layers prepared once it rests
    qtbot.waitUntil(lambda: figure_widget.raster.is_current(), timeout=3000)
    figure_widget.draw()  # now from the layers
    return widget


def _grab(canvas: MapCanvas) -> np.ndarray:
    image = canvas.figure_widget().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3).astype(int)


def test_fast_and_vector_drawing_show_the_same_map(qtbot, canvas, prefectures):
    assert canvas.fast_drawing
    fast = _grab(canvas)
    canvas.set_fast_drawing(False)
    canvas.figure_widget().draw()
    vector = _grab(canvas)
    canvas.set_fast_drawing(True)
    assert fast.shape == vector.shape
    mapfig = canvas.map_figure
    circles = shapely.maximum_inscribed_circle(mapfig.projected)
    centres = shapely.get_coordinates(shapely.get_point(circles, 0))
    ratio = canvas.figure_widget().device_pixel_ratio  # grabs are in device pixels
    checked = 0
    for row in np.argsort(-shapely.length(circles))[:150]:  # the 150 roomiest regions
        pos = canvas.widget_pos_of(*centres[row])
        y, x = int(pos.y() * ratio), int(pos.x() * ratio)
        if 0 <= y < fast.shape[0] and 0 <= x < fast.shape[1]:
            assert np.abs(fast[y, x] - vector[y, x]).max() <= 2, prefectures.codes[row]
            checked += 1
    assert checked > 100
    assert (np.abs(fast - vector).max(axis=2) > 40).mean() < 0.02


def test_hover_and_clicks_find_the_region_drawn_there(qtbot, canvas, prefectures):
    widget = canvas.figure_widget()
    raster = widget.raster
    assert raster is not None and raster.codes is not None
    mapfig = canvas.map_figure
    points = mapfig.representative_points()
    found = 0
    for row, point in enumerate(points):
        pos = canvas.widget_pos_of(*point)
        display = (pos.x() * widget.device_pixel_ratio, (widget.height() - pos.y()) * widget.device_pixel_ratio)
        if mapfig.row_at_display(*display) == row:  # the rounded pixel is still inside
            assert canvas.region_at(pos) == prefectures.codes[row]
            found += 1
    assert found > 300
    renders = raster.view_renders
    counts = np.zeros(len(prefectures), dtype=int)
    counts[prefectures.index_of["430200"]] = 4
    canvas.set_colours(*colour_by_count(counts))
    widget.draw()
    assert raster.view_renders == renders  # recolouring renders no new view layers


def test_a_new_view_shows_at_once_scaled_then_sharp(qtbot, canvas, prefectures):
    widget = canvas.figure_widget()
    raster = widget.raster
    draws = []
    widget.mpl_connect("draw_event", lambda event: draws.append(event))
    renders = raster.view_renders
    canvas.zoom(2.0)
    widget.draw()
    # The first frame is the last picture scaled: nothing rendered, not sharp yet.
    assert len(draws) == 1 and raster.view_renders == renders
    assert not raster.is_current() and not widget.is_sharp()
    qtbot.waitUntil(widget.is_sharp, timeout=3000)
    assert raster.view_renders == renders + 1 and len(draws) == 2  # then the sharp one
    zhuzhou = prefectures.index_of["430200"]
    counts = np.zeros(len(prefectures), dtype=int)
    counts[zhuzhou] = 6
    facecolors, legend = colour_by_count(counts)
    canvas.set_colours(facecolors, legend)
    widget.draw()
    assert raster.view_renders == renders + 1 and len(draws) == 3
    pos = canvas.widget_pos_of(*canvas.map_figure.representative_points()[zhuzhou])
    ratio = widget.device_pixel_ratio
    shown = np.asarray(widget.buffer_rgba())[int(pos.y() * ratio), int(pos.x() * ratio), :3] / 255
    assert np.allclose(shown, facecolors[zhuzhou, :3], atol=0.02)
