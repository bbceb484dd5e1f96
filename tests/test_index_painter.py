"""The window fills the index raster with Qt (cluster_planner.qt.index_painter); the
picture it gives must be Agg's, region for region.

The same county map, whole and zoomed, is given its index raster by Agg (the core's
way) and by QtIndexPainter: every region's interior pixel has the same code, the two
disagree only along edges, and the Qt raster has no more sea specks inside the land
than Agg's.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from cluster_planner.domain.cities import load_ecosystem_cities
from cluster_planner.domain.regions import load_layer, load_sea_line
from cluster_planner.qt.index_painter import QtIndexPainter
from cluster_planner.render.mapfigure import MapFigure
from cluster_planner.render.projection import lonlat_to_xy
from cluster_planner.render.raster import FIRST_REGION, SEA, RasterView, _decode_codes

WIDTH, HEIGHT, DPI = 1200, 800, 100
CHANGSHA = (112.94, 28.23)


@pytest.fixture(scope="module")
def county_view(qapp):
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    mapfig = MapFigure(figure, load_layer("county"), sea_line=load_sea_line(), cities=load_ecosystem_cities())
    return mapfig, RasterView(mapfig)


def _both(view: RasterView) -> tuple[np.ndarray, np.ndarray]:
    view.index_painter = None
    agg = _decode_codes(view._render(RendererAgg(WIDTH, HEIGHT, DPI), view._index_layer)).astype(np.int64)
    view.index_painter = QtIndexPainter()
    qt = view._painted_codes(WIDTH, HEIGHT).astype(np.int64)
    return agg, qt


def _interior_codes(mapfig: MapFigure) -> list[tuple[int, int, int]]:
    """(row, column, code) at the centre of each region's largest inscribed circle at
    least 3 px wide in the main map, outside the inset."""
    to_display = mapfig.ax.transData
    pixels_per_km = abs(to_display.transform((1, 0))[0] - to_display.transform((0, 0))[0])
    circles = shapely.maximum_inscribed_circle(mapfig.projected)
    centres = shapely.get_coordinates(shapely.get_point(circles, 0))
    radii = shapely.length(circles) * pixels_per_km
    found = []
    for row in np.flatnonzero(radii >= 3.0):
        x, y = to_display.transform(centres[row])
        if mapfig.ax.bbox.contains(x, y) and not (mapfig.inset_ax.get_visible() and mapfig.inset_ax.bbox.contains(x, y)):
            found.append((int(HEIGHT - y), int(x), FIRST_REGION + int(row)))
    return found


def _sea_specks(codes: np.ndarray) -> int:
    """Sea pixels with land on at least three of their four sides."""
    land = codes >= FIRST_REGION
    around = np.zeros(codes.shape, dtype=np.int8)
    around[1:, :] += land[:-1, :]
    around[:-1, :] += land[1:, :]
    around[:, 1:] += land[:, :-1]
    around[:, :-1] += land[:, 1:]
    return int(((codes == SEA) & (around >= 3)).sum())


@pytest.mark.parametrize("zoom", [1.0, 4.0])
def test_the_qt_index_raster_is_aggs_region_for_region(county_view, zoom):
    mapfig, view = county_view
    mapfig.reset_view()
    if zoom != 1.0:
        mapfig.zoom(zoom, center=lonlat_to_xy(*CHANGSHA))
    agg, qt = _both(view)
    interiors = _interior_codes(mapfig)
    assert len(interiors) > (900 if zoom == 1.0 else 300)
    assert [(row, column, qt[row, column]) for row, column, _ in interiors] == interiors
    assert [(row, column, agg[row, column]) for row, column, _ in interiors] == interiors
    # Along edges a pixel may go to either neighbour: a few percent of the picture.
    assert (agg != qt).mean() < 0.06
    assert abs(int((qt >= FIRST_REGION).sum()) - int((agg >= FIRST_REGION).sum())) < 0.02 * (agg >= FIRST_REGION).sum()
    assert _sea_specks(qt) <= _sea_specks(agg)


def test_a_new_view_through_the_window_uses_the_qt_painter(qapp):
    from cluster_planner.qt.map_canvas import MapCanvas

    canvas = MapCanvas()
    canvas.resize(WIDTH, HEIGHT)
    canvas.set_layer(load_layer("prefecture"), load_sea_line(), load_ecosystem_cities())
    raster = canvas.figure_widget().raster
    assert isinstance(raster.index_painter, QtIndexPainter)
    canvas.close()


def test_hover_over_the_qt_index_raster_finds_the_region_the_geometry_finds(county_view):
    mapfig, view = county_view
    mapfig.reset_view()
    view.index_painter = QtIndexPainter()
    view.invalidate()
    for _ in view.prepare_steps(RendererAgg(WIDTH, HEIGHT, DPI)):
        pass
    assert view.is_current()
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(0, WIDTH, 4000), rng.uniform(0, HEIGHT, 4000)])
    disagree = [(x, y) for x, y in points if view.row_at_display(x, y) != mapfig.row_at_display(x, y)]
    # As with Agg's raster (3 of these points): only slivers thinner than a pixel
    # inside another region, where the answer is the region the map shows.
    assert len(disagree) <= 4
    for x, y in disagree:
        row, column = int(HEIGHT - y), int(x)
        code = view.codes[row, column]
        assert code >= FIRST_REGION and (view.codes[row - 1:row + 2, column - 1:column + 2] == code).all()
