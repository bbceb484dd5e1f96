"""Region paths simplified for the screen's scale, and the regions a view can show.

A county layer has a quarter of a million vertices; seen whole on a 1200 px map one
pixel is ~5 km and most of them fall within a pixel of their neighbours. Agg still
transforms, clips and strokes every one. :class:`PathPyramid` keeps the paths
simplified (Douglas-Peucker) at tolerances doubling from :data:`FINEST_KM`, built when
a scale first needs them, and hands out the coarsest level whose tolerance stays under
:data:`TOLERANCE_PX` of a pixel, so the picture does not change visibly. Zoomed in, few
regions are in view: :func:`rows_in_view` leaves the others out of the draw.

Only the cached screen layers of :mod:`cluster_planner.render.raster` use these; the
vector picture and exports draw the full paths.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
import shapely
from matplotlib.path import Path

# Simplified vertices move by at most this share of a pixel.
TOLERANCE_PX = 0.25
# The index raster (fills without antialiasing, under traced or stroked borders) takes
# paths simplified to a whole pixel, as QGIS draws by default: a fill's edge moves by
# at most one pixel, which its border covers, and the hit test asks the geometry itself
# near a border. A county view then draws a third of the vertices.
INDEX_TOLERANCE_PX = 1.0
# The inset's outlines too: a mesh of hairlines a few pixels apart, where a whole pixel
# of simplification shows no more than in a fill and strokes 5,000 vertices, not 14,000.
INSET_TOLERANCE_PX = 1.0
# The finest simplification kept; below it the original paths are drawn.
FINEST_KM = 0.25


class PathPyramid:
    """The paths of one layer at several simplification tolerances.

    Parameters
    ----------
    paths : list of matplotlib.path.Path
        Compound paths of MOVETO/LINETO codes (each part starts with a MOVETO).
    """

    def __init__(self, paths: list[Path]):
        self.paths = list(paths)
        self._levels: dict[int, list[Path]] = {}
        self._parts: tuple[np.ndarray, np.ndarray] | None = None  # (linestrings, path index of each part), built on first use

    def for_scale(self, km_per_pixel: float, tolerance_px: float = TOLERANCE_PX) -> list[Path]:
        """The paths to draw at ``km_per_pixel`` (the original ones when zoomed close),
        each vertex within ``tolerance_px`` of a pixel of the original path."""
        tolerance = tolerance_px * km_per_pixel
        if not math.isfinite(tolerance) or tolerance < FINEST_KM or not self.paths:
            return self.paths
        level = int(math.floor(math.log2(tolerance / FINEST_KM)))
        paths = self._levels.get(level)
        if paths is None:
            paths = self._levels[level] = self._simplified(FINEST_KM * 2.0 ** level)
        return paths

    def _simplified(self, tolerance: float) -> list[Path]:
        if self._parts is None:
            self._parts = _parts_of(self.paths)
        lines, owner = self._parts
        simple = shapely.simplify(lines, tolerance, preserve_topology=False)
        # A part simplified to a point keeps its ends (a tiny island stays visible).
        collapsed = shapely.get_num_coordinates(simple) < 2
        simple[collapsed] = lines[collapsed]
        coords, index = shapely.get_coordinates(simple, return_index=True)
        first = np.ones(len(index), dtype=bool)
        first[1:] = index[1:] != index[:-1]
        codes = np.where(first, Path.MOVETO, Path.LINETO).astype(Path.code_type)
        bounds = np.searchsorted(owner[index], np.arange(len(self.paths) + 1))
        return [Path(coords[a:b], codes[a:b]) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def _parts_of(paths: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """Every part (MOVETO to the next) of ``paths`` as a linestring, and its path index."""
    vertices = np.concatenate([path.vertices for path in paths]) if paths else np.empty((0, 2))
    codes = np.concatenate([path.codes if path.codes is not None else _one_part(len(path.vertices))  # type: ignore[arg-type]  # matplotlib's stub: Path.vertices is an ndarray, not ArrayLike
                            for path in paths]) if paths else np.empty(0)
    owner_of_vertex = np.repeat(np.arange(len(paths)), [len(path.vertices) for path in paths])  # type: ignore[arg-type]  # matplotlib's stub: Path.vertices is an ndarray, not ArrayLike
    starts = codes == Path.MOVETO
    owner = owner_of_vertex[starts]
    part_of_vertex = np.cumsum(starts) - 1
    # A part of one vertex cannot be a line: repeat the vertex (it draws as nothing).
    counts = np.bincount(part_of_vertex, minlength=int(starts.sum()))
    single = np.flatnonzero(counts == 1)
    if len(single):
        at = np.flatnonzero(starts)[single]
        vertices = np.insert(vertices, at, vertices[at], axis=0)
        part_of_vertex = np.insert(part_of_vertex, at, part_of_vertex[at])
    lines = shapely.linestrings(vertices, indices=part_of_vertex)
    return np.asarray(lines, dtype=object), owner


def _one_part(length: int) -> np.ndarray:
    codes = np.full(length, Path.LINETO, dtype=Path.code_type)
    if length:
        codes[0] = Path.MOVETO
    return codes


_PYRAMIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def pyramid_of(owner, name: str, paths: list[Path]) -> PathPyramid:
    """The pyramid of ``paths`` called ``name``, kept as long as ``owner`` lives.

    ``owner`` is what the paths belong to (a layer's shared geometry), so every map of
    a layer shares its simplified paths.
    """
    pyramids = _PYRAMIDS.setdefault(owner, {})
    pyramid = pyramids.get(name)
    if pyramid is None or len(pyramid.paths) != len(paths) or (paths and pyramid.paths[0] is not paths[0]):
        pyramid = pyramids[name] = PathPyramid(paths)
    return pyramid


def rows_in_view(extents: np.ndarray, xlim: tuple[float, float], ylim: tuple[float, float],
                 margin: float = 0.0) -> np.ndarray:
    """Rows whose bounding box ``x0, y0, x1, y1`` meets the view (widened by ``margin``)."""
    x0, x1 = sorted(xlim)
    y0, y1 = sorted(ylim)
    inside = ((extents[:, 2] >= x0 - margin) & (extents[:, 0] <= x1 + margin)
              & (extents[:, 3] >= y0 - margin) & (extents[:, 1] <= y1 + margin))
    return np.flatnonzero(inside)
