"""The map stays legible (issue 16): outlines with a halo on any fill, city labels apart."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cluster_planner.domain.regions import load_layer
from cluster_planner.render.mapfigure import MapFigure


@pytest.fixture(scope="module")
def provinces_dark():
    layer = load_layer("province")
    figure = Figure(figsize=(8, 6), dpi=80)
    canvas = FigureCanvasAgg(figure)
    mapfig = MapFigure(figure, layer)
    mapfig.recolour(np.tile([0.03, 0.12, 0.36, 1.0], (len(layer), 1)))  # the darkest count colour
    return layer, mapfig, canvas


def _pixels(canvas) -> np.ndarray:
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int).copy()


@pytest.mark.parametrize("mark", ["set_selection", "set_highlight"])
def test_an_outline_shows_on_the_darkest_fill_through_its_halo(provinces_dark, mark):
    layer, mapfig, canvas = provinces_dark
    before = _pixels(canvas)
    getattr(mapfig, mark)([layer.index_of["430000"]])  # Hunan
    after = _pixels(canvas)
    getattr(mapfig, mark)([])
    changed = np.abs(after - before).sum(axis=2) > 60
    light = after.min(axis=2) > 200
    # A light ring where the outline runs: many pixels turn light that were dark navy.
    assert (changed & light).sum() > 150


@pytest.mark.parametrize("language", ["en", "zh"])
def test_city_labels_do_not_cover_each_other_at_the_default_view(language):
    from cluster_planner.domain.cities import load_ecosystem_cities

    layer = load_layer("prefecture")
    for size in ((10, 8), (8, 6)):
        figure = Figure(figsize=size, dpi=80)
        canvas = FigureCanvasAgg(figure)
        mapfig = MapFigure(figure, layer, cities=load_ecosystem_cities(), language=language)
        canvas.draw()
        renderer = canvas.get_renderer()
        boxes = [label.get_window_extent(renderer) for label in mapfig.city_labels]
        assert len(boxes) == 12
        names = [label.get_text() for label in mapfig.city_labels]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                assert not boxes[i].overlaps(boxes[j]), (names[i], names[j], size)
        # Guangzhou's label is not under Shenzhen's dot either
        dots = mapfig.ax.transData.transform(np.column_stack(mapfig.city_markers.get_offsets().T))
        for i, box in enumerate(boxes):
            for j, (x, y) in enumerate(dots):
                if i != j:
                    assert not box.padded(-0.5).contains(x, y), (names[i], names[j])
