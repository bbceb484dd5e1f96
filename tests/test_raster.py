"""The on-screen fast path (cluster_planner.render.raster) draws what the vector path draws.

Pictures are compared on Agg without Qt: the same MapFigure drawn by ``figure.draw``
(the vector path, used for exports) and by a RasterView (index raster + cached
overlays) must show the same colour inside every region, the same outlines, legend,
title and labels, and stay right after recolours, selections and view changes.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cluster_planner.domain.cities import load_ecosystem_cities
from cluster_planner.domain.regions import load_layer, load_sea_line
from cluster_planner.render.colouring import colour_by_count
from cluster_planner.render.mapfigure import MapFigure
from cluster_planner.render.projection import lonlat_to_xy
from cluster_planner.render.raster import FIRST_REGION, RasterView

ZHUZHOU = "430200"
SIZE = (10, 7)
DPI = 100


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefecture")


@pytest.fixture(scope="module")
def decorations():
    return load_sea_line(), load_ecosystem_cities()


def _map(layer, decorations, **kwargs) -> tuple[MapFigure, FigureCanvasAgg]:
    figure = Figure(figsize=SIZE, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    sea_line, cities = decorations
    mapfig = MapFigure(figure, layer, sea_line=sea_line, cities=cities, **kwargs)
    return mapfig, canvas


def _style(mapfig: MapFigure, layer, seed: int = 1) -> None:
    counts = np.random.default_rng(seed).integers(0, 6, len(layer))
    facecolors, legend = colour_by_count(counts)
    mapfig.recolour(facecolors)
    mapfig.set_legend(legend, title="产业数")
    mapfig.set_title("规划草案 Draft")


def _vector_picture(canvas: FigureCanvasAgg) -> np.ndarray:
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int).copy()


def _raster_picture(view: RasterView, canvas: FigureCanvasAgg) -> np.ndarray:
    renderer = canvas.get_renderer()
    view.draw(renderer)
    return np.asarray(renderer.buffer_rgba())[..., :3].astype(int).copy()


def _interior_pixels(mapfig: MapFigure, height: int, min_radius_px: float = 3.0):
    """(row, column, region row) at the centre of each region's largest inscribed
    circle, for the regions whose circle is at least ``min_radius_px`` wide on screen."""
    to_display = mapfig.ax.transData
    pixels_per_km = abs(to_display.transform((1, 0))[0] - to_display.transform((0, 0))[0])
    circles = shapely.maximum_inscribed_circle(mapfig.projected)
    centres = shapely.get_coordinates(shapely.get_point(circles, 0))
    radii = shapely.length(circles) * pixels_per_km
    box = mapfig.ax.bbox
    inset = mapfig.inset_ax.bbox
    found = []
    for row in np.flatnonzero(radii >= min_radius_px):
        x, y = to_display.transform(centres[row])
        if box.contains(x, y) and not inset.contains(x, y):
            found.append((int(height - y), int(x), int(row)))
    return found


def test_fast_picture_matches_the_vector_picture(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    _style(mapfig, prefectures)
    mapfig.set_selection([prefectures.index_of[ZHUZHOU], prefectures.index_of["460300"]])
    mapfig.set_highlight([prefectures.index_of["440300"]])
    vector = _vector_picture(canvas)
    fast = _raster_picture(RasterView(mapfig), canvas)
    assert fast.shape == vector.shape
    interiors = _interior_pixels(mapfig, vector.shape[0])
    assert len(interiors) > 250
    for row, column, region in interiors:
        assert np.abs(fast[row, column] - vector[row, column]).max() <= 2, prefectures.codes[region]
    # Elsewhere only antialiased edges differ: a few percent of the pixels, slightly.
    difference = np.abs(fast - vector).max(axis=2)
    assert (difference > 40).mean() < 0.02
    assert (difference > 8).mean() < 0.06
    # The title, legend and attribution are where the vector picture has them.
    for rows, columns in ((slice(0, 60), slice(None)), (slice(-20, None), slice(-400, None))):
        assert np.abs(fast[rows, columns] - vector[rows, columns]).max(axis=2).mean() < 3


def test_recolour_updates_only_the_changed_region_and_equals_a_fresh_draw(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    _style(mapfig, prefectures)
    view = RasterView(mapfig)
    before = _raster_picture(view, canvas)
    renders = view.view_renders
    zhuzhou = prefectures.index_of[ZHUZHOU]
    colours = mapfig.facecolors
    colours[zhuzhou] = (0.8, 0.1, 0.1, 1.0)
    mapfig.recolour(colours)
    after = _raster_picture(view, canvas)
    assert view.view_renders == renders  # a recolour re-renders nothing
    changed_rows, changed_columns = np.nonzero(np.abs(after - before).max(axis=2))
    codes = view.codes[changed_rows, changed_columns].astype(int) - FIRST_REGION
    assert set(codes.tolist()) == {zhuzhou}
    assert (np.abs(after[changed_rows, changed_columns] - (204, 26, 26)).max(axis=1) <= 60).mean() > 0.8
    # The same picture as a view that draws everything from scratch.
    fresh = _raster_picture(RasterView(mapfig), canvas)
    assert np.array_equal(after, fresh)


def test_many_regions_recoloured_at_once_equal_a_fresh_draw(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    _style(mapfig, prefectures, seed=1)
    view = RasterView(mapfig)
    _raster_picture(view, canvas)
    for seed in (2, 3):  # every region changes, then a handful
        colours = mapfig.facecolors
        rows = np.random.default_rng(seed).choice(len(prefectures), 300 if seed == 2 else 5, replace=False)
        colours[rows] = np.random.default_rng(seed).random((len(rows), 4)) * 0.5 + 0.5
        mapfig.recolour(colours)
        assert np.array_equal(_raster_picture(view, canvas), _raster_picture(RasterView(mapfig), canvas))


def test_legend_and_selection_changes_show_without_new_view_renders(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    _style(mapfig, prefectures)
    view = RasterView(mapfig)
    _raster_picture(view, canvas)
    renders = view.view_renders
    first = mapfig.legend_signature
    _entries, legend = colour_by_count(np.arange(len(prefectures)) % 9)
    mapfig.set_legend(legend, title="产业数")
    mapfig.set_selection([prefectures.index_of[ZHUZHOU]])
    mapfig.set_language("en")
    mapfig.set_title("Plan B")
    shown = _raster_picture(view, canvas)
    assert view.view_renders == renders
    assert mapfig.legend_signature != first
    vector = _vector_picture(canvas)
    # The new title and the English city labels are drawn, where the vector picture has them.
    renderer = canvas.get_renderer()
    height = vector.shape[0]
    for text in [mapfig.title, *mapfig.city_labels]:
        extent = text.get_window_extent(renderer)
        area = (slice(int(height - extent.y1), int(height - extent.y0) + 1),
                slice(int(extent.x0), int(extent.x1) + 1))
        assert np.abs(shown[area] - vector[area]).max(axis=2).mean() < 6, text.get_text()
    legend_box = mapfig.legend.get_window_extent(renderer)
    rows = slice(int(height - legend_box.y1) + 2, int(height - legend_box.y0) - 2)
    columns = slice(int(legend_box.x0) + 2, int(legend_box.x1) - 2)
    assert np.abs(shown[rows, columns] - vector[rows, columns]).max(axis=2).mean() < 3
    # The selection outline is drawn around Zhuzhou in both pictures.
    outline = np.abs(shown - vector).max(axis=2)
    x0, y0, x1, y1 = mapfig.region_extents()[prefectures.index_of[ZHUZHOU]]
    (dx0, dy0), (dx1, dy1) = mapfig.ax.transData.transform([(x0, y0), (x1, y1)])
    around = outline[int(height - dy1) - 3:int(height - dy0) + 3, int(dx0) - 3:int(dx1) + 3]
    assert (around > 60).mean() < 0.05
    dark = (shown[int(height - dy1) - 3:int(height - dy0) + 3, int(dx0) - 3:int(dx1) + 3].max(axis=2) < 60)
    assert dark.sum() > 20  # the near-black outline is there


def test_view_change_renders_new_layers_and_hit_tests_follow(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    _style(mapfig, prefectures)
    view = RasterView(mapfig)
    _raster_picture(view, canvas)
    renders = view.view_renders
    zhuzhou = prefectures.index_of[ZHUZHOU]
    centre = mapfig.representative_points()[zhuzhou]
    mapfig.zoom(3.0, tuple(centre))
    zoomed = _raster_picture(view, canvas)
    assert view.view_renders == renders + 1
    x, y = mapfig.ax.transData.transform(centre)
    assert view.row_at_display(x, y) == zhuzhou == mapfig.row_at_display(x, y)
    colour = np.round(mapfig.facecolors[zhuzhou, :3] * 255)
    assert np.abs(zoomed[int(zoomed.shape[0] - y), int(x)] - colour).max() <= 2


def test_index_raster_hit_test_agrees_with_the_geometry(prefectures, decorations):
    mapfig, canvas = _map(prefectures, decorations)
    view = RasterView(mapfig)
    picture = _raster_picture(view, canvas)
    height, width = view.codes.shape
    assert view.codes.max() < len(prefectures) + FIRST_REGION
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(0, width, 3000), rng.uniform(0, height, 3000)])
    disagree = [(x, y) for x, y in points if view.row_at_display(x, y) != mapfig.row_at_display(x, y)]
    # A sliver thinner than a pixel inside another region (Xinjiang's interleaved
    # county-level cities) is not drawn; there the answer is the region shown.
    assert len(disagree) <= 3
    for x, y in disagree:
        row, column = int(height - y), int(x)
        shown = view.codes[row - 1:row + 2, column - 1:column + 2]
        assert (shown == view.codes[row, column]).all()
        assert view.row_at_display(x, y) == int(view.codes[row, column]) - FIRST_REGION
    # Sansha's reefs are smaller than a pixel in the inset: the geometry still finds
    # every one of them, also those with no pixel in the raster.
    sansha = prefectures.index_of["460300"]
    reefs = shapely.get_parts(prefectures.frame.geometry.iloc[sansha])
    lonlat = shapely.get_coordinates(shapely.point_on_surface(reefs))
    points = np.column_stack(lonlat_to_xy(lonlat[:, 0], lonlat[:, 1]))
    hidden = 0
    for x, y in mapfig.inset_ax.transData.transform(points):
        hidden += view.codes[int(height - y), int(x)] != sansha + FIRST_REGION
        assert view.row_at_display(x, y) == sansha
    assert len(reefs) > 20 and hidden > 0
    assert picture.shape[:2] == (height, width)


def test_inset_covers_the_main_map_lines_under_it(prefectures, decorations):
    # A maritime line drawn straight through the inset's rectangle: on the main map it
    # runs under the inset (hidden there by the inset's sea), in the inset it shows at
    # the inset's scale. Both pictures must agree inside the inset.
    _sea_line, cities = decorations
    probe, _canvas = _map(prefectures, decorations)
    x, y, width, inset_height = probe.inset_data_bounds
    lon0, lat0 = probe.data_to_lonlat(x + 0.1 * width, y + 0.5 * inset_height)
    lon1, lat1 = probe.data_to_lonlat(x + 0.9 * width, y + 0.6 * inset_height)
    crossing = shapely.LineString([(lon0, lat0), (lon1, lat1)])
    mapfig, canvas = _map(prefectures, (crossing, cities))
    _style(mapfig, prefectures)
    vector = _vector_picture(canvas)
    fast = _raster_picture(RasterView(mapfig), canvas)
    # Where the main map's line would run across the inset, both show the inset.
    height = vector.shape[0]
    box = mapfig.inset_ax.bbox
    along = np.linspace(0.0, 1.0, 400)
    line = mapfig.ax.transData.transform(np.column_stack([
        x + (0.1 + 0.8 * along) * width, y + (0.5 + 0.1 * along) * inset_height]))
    inside = [(int(height - py), int(px)) for px, py in line
              if box.x0 + 3 < px < box.x1 - 3 and box.y0 + 3 < py < box.y1 - 3]
    assert len(inside) > 100
    differ = [np.abs(fast[r, c] - vector[r, c]).max() > 40 for r, c in inside]
    assert np.mean(differ) < 0.05


def test_county_hairlines_are_traced_on_the_index_raster(decorations):
    counties = load_layer("county")
    mapfig, canvas = _map(counties, decorations)
    _style(mapfig, counties)
    vector = _vector_picture(canvas)
    view = RasterView(mapfig)
    assert view._traces_borders()  # 0.15 pt borders: a fifth of a pixel
    fast = _raster_picture(view, canvas)
    interiors = _interior_pixels(mapfig, vector.shape[0], min_radius_px=2.0)
    assert len(interiors) > 1000
    same = [np.abs(fast[row, column] - vector[row, column]).max() <= 2 for row, column, _region in interiors]
    assert np.mean(same) > 0.99
    # The borders are there: between two regions the picture is lighter than inside them.
    codes = view.codes.astype(int)
    between = (codes[:, :-2] >= FIRST_REGION) & (codes[:, 2:] >= FIRST_REGION) & (codes[:, :-2] != codes[:, 2:])
    rows, columns = np.nonzero(between)
    assert len(rows) > 5000
    brightness = fast.sum(axis=2)
    lighter = brightness[rows, columns + 1] > np.minimum(brightness[rows, columns], brightness[rows, columns + 2])
    assert lighter.mean() > 0.5
    difference = np.abs(fast - vector).max(axis=2)
    assert (difference > 40).mean() < 0.08


def test_a_county_recolour_with_traced_borders_equals_a_fresh_draw(decorations):
    # The traced borders and outlines are blended by a table per colour on a new view
    # and per pixel when an edit rewrites a few regions: the pictures must be equal.
    counties = load_layer("county")
    mapfig, canvas = _map(counties, decorations)
    _style(mapfig, counties)
    view = RasterView(mapfig)
    renderer = canvas.get_renderer()
    view.draw(renderer)
    assert len(view._fills.lines) == 2 and min(len(line.positions) for line in view._fills.lines) > 10_000
    counts = np.random.default_rng(1).integers(0, 6, len(counties))
    counts[[5, 100, 2000]] = (counts[[5, 100, 2000]] + 3) % 6
    facecolors, _legend = colour_by_count(counts)
    mapfig.recolour(facecolors)
    view.draw(renderer)
    edited = np.asarray(renderer.buffer_rgba()).copy()
    fresh = RasterView(mapfig)
    fresh.draw(renderer)
    assert np.array_equal(edited, np.asarray(renderer.buffer_rgba()))
