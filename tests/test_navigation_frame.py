"""The first frame of a new view, made from the last picture (render.navigation, no Qt),
and the simplified paths the screen layers draw (render.lod)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.path import Path

from cluster_planner.render.lod import TOLERANCE_PX, PathPyramid, rows_in_view
from cluster_planner.render.navigation import SourceFrame, ViewGeometry, scaled_frame

WIDTH, HEIGHT, SEA = 120, 80, 7
WHOLE = (0.0, 0.0, float(WIDTH), float(HEIGHT))


def _view(xlim, ylim, box=WHOLE, inset=None) -> ViewGeometry:
    return ViewGeometry(WIDTH, HEIGHT, xlim, ylim, box, inset)


@pytest.fixture
def picture() -> np.ndarray:
    return np.arange(WIDTH * HEIGHT, dtype=np.uint32) + 100  # every pixel different


def _scaled(picture, source_view, target_view, hidden=()) -> np.ndarray:
    out = np.zeros(WIDTH * HEIGHT, dtype=np.uint32)
    scaled_frame(SourceFrame(picture, source_view, hidden), target_view, out, SEA)
    return out.reshape(HEIGHT, WIDTH)


def test_the_same_view_gives_the_same_picture(picture):
    view = _view((0.0, 120.0), (0.0, 80.0))
    assert np.array_equal(_scaled(picture, view, view), picture.reshape(HEIGHT, WIDTH))


def test_a_pan_shifts_the_picture_and_shows_sea_where_it_had_nothing(picture):
    before = _view((0.0, 120.0), (0.0, 80.0))
    after = _view((-10.0, 110.0), (5.0, 85.0))  # the view moves west and north
    frame, old = _scaled(picture, before, after), picture.reshape(HEIGHT, WIDTH)
    assert np.array_equal(frame[5:, 10:], old[:-5, :-10])  # the map moves east and down
    assert (frame[:, :10] == SEA).all() and (frame[:5, :] == SEA).all()


def test_a_zoom_shows_each_place_where_the_new_view_puts_it(picture):
    before = _view((0.0, 120.0), (0.0, 80.0))
    after = _view((30.0, 90.0), (20.0, 60.0))  # twice as close, about the middle
    frame, old = _scaled(picture, before, after), picture.reshape(HEIGHT, WIDTH)
    assert frame[0, 0] == old[20, 30] and frame[HEIGHT - 1, WIDTH - 1] == old[59, 89]
    assert frame[1, 1] == old[20, 30] and frame[2, 2] == old[21, 31]  # each old pixel, twice as big


def test_boxes_that_stay_put_and_a_vanished_inset_show_sea(picture):
    before = _view((0.0, 120.0), (0.0, 80.0), inset=(100.0, 0.0, 120.0, 20.0))
    after = _view((20.0, 140.0), (0.0, 80.0))  # pan east: the inset is gone from the new view
    legend = (40.0, 60.0, 60.0, 80.0)  # columns 40-60 at the top of the old picture
    frame = _scaled(picture, before, after, hidden=(legend,))
    assert (frame[:20, 20:40] == SEA).all()  # where the old legend lands
    assert (frame[60:, 80:100] == SEA).all()  # where the old inset lands
    assert frame[40, 40] == picture.reshape(HEIGHT, WIDTH)[40, 60]
    assert frame[10, 50] == picture.reshape(HEIGHT, WIDTH)[10, 70]


def test_only_the_map_box_is_written(picture):
    box = (10.0, 10.0, 110.0, 70.0)
    view = _view((0.0, 100.0), (0.0, 60.0), box=box)
    out = np.full(WIDTH * HEIGHT, 1, dtype=np.uint32)
    scaled_frame(SourceFrame(picture, view), view, out, SEA)
    out = out.reshape(HEIGHT, WIDTH)
    assert (out[:10] == 1).all() and (out[:, :10] == 1).all() and (out[70:] == 1).all()
    assert np.array_equal(out[10:70, 10:110], picture.reshape(HEIGHT, WIDTH)[10:70, 10:110])


def test_simplified_paths_stay_within_the_tolerance_and_close_views_get_the_originals():
    angles = np.linspace(0, 2 * np.pi, 2001)
    ring = np.column_stack([100 * np.cos(angles), 100 * np.sin(angles)])  # a 100 km circle
    island = np.array([[300.0, 0.0], [300.1, 0.0], [300.1, 0.1], [300.0, 0.0]])
    paths = [Path(np.vstack([ring, island]), [Path.MOVETO] + [Path.LINETO] * 2000
                  + [Path.MOVETO] + [Path.LINETO] * 3)]
    pyramid = PathPyramid(paths)
    assert pyramid.for_scale(0.5)[0] is paths[0]  # close up: the original path
    coarse = pyramid.for_scale(20.0)[0]  # 20 km a pixel: 5 km allowed
    assert len(coarse.vertices) < 100
    assert (coarse.codes == Path.MOVETO).sum() == 2  # the island is kept
    outline = shapely.LineString(ring)
    first = coarse.vertices[: np.flatnonzero(coarse.codes == Path.MOVETO)[1]]
    assert max(outline.distance(shapely.Point(point)) for point in first) < 1e-9  # vertices kept from the original
    assert shapely.LineString(first).hausdorff_distance(outline) <= TOLERANCE_PX * 20.0 * 1.01
    assert pyramid.for_scale(20.0)[0] is coarse  # built once per level


def test_rows_in_view_are_the_regions_whose_box_meets_it():
    extents = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [5, 5, 25, 25]], dtype=float)
    assert rows_in_view(extents, (11, 19), (11, 19)).tolist() == [2]
    assert rows_in_view(extents, (11, 19), (11, 19), margin=2).tolist() == [0, 1, 2]
