"""The map's index raster filled by QPainter instead of Agg.

A new view's index raster (every pixel's region, see
:mod:`cluster_planner.render.raster`) is a fill of every region in view in its own
value, antialiasing off. Agg, through matplotlib, spends most of a county view's
sharp picture on it (about 13 ms for 2,900 regions); Qt's raster engine fills the same
paths in about 6 ms. :class:`QtIndexPainter` is the window's
:class:`~cluster_planner.render.raster.IndexPainter`: the core stays free of Qt and
keeps Agg for scripts, exports and tests.

Each region's ``QPainterPath`` is built once per simplification level of the layer
(its rings copied into ``QPolygonF`` memory from numpy, not point by point) and
drawn through the view's transform, so a new view converts no coordinates in Python.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from matplotlib.path import Path
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPolygonF, QTransform

# Paths of the levels asked for lately (a level is one simplification of the layer).
LEVELS_KEPT = 6


class QtIndexPainter:
    """Fills region paths into a uint32 index raster with QPainter (no antialiasing)."""

    def __init__(self) -> None:
        # id(a level's path list) -> (that list, kept alive here, and its QPainterPaths by row).
        self._levels: dict[int, tuple[list, dict[int, QPainterPath]]] = {}
        self._brushes: list[QBrush] = []  # the brush of each value from _brushes_first on
        self._brushes_first = -1

    def fill(self, pixels: np.ndarray, paths: list[Path], rows: np.ndarray,
             transform: tuple[float, float, float, float], clip: tuple[int, int, int, int],
             first: int) -> None:
        """Fill ``paths[row]`` with the value ``first + row`` for each of ``rows``.

        ``pixels`` is a C-contiguous (h, w) uint32 array, written as Qt's RGB32 (the
        value in the low 24 bits, 0xFF above them). ``transform`` is ``(a, e, d, f)``:
        a path's point ``(x, y)`` lands on pixel coordinates ``(a x + e, d y + f)``
        (y down). Only pixels inside ``clip`` (x0, y0, x1, y1; ends excluded) change.
        """
        height, width = pixels.shape
        if not (pixels.dtype == np.uint32 and pixels.flags.c_contiguous and pixels.flags.writeable):
            raise ValueError("the index raster must be a writable C-contiguous uint32 array")
        image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_RGB32)
        built = self._paths_of(paths)
        a, e, d, f = transform
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(Qt.PenStyle.NoPen)
            x0, y0, x1, y1 = clip
            painter.setClipRect(QRect(x0, y0, max(0, x1 - x0), max(0, y1 - y0)))
            painter.setTransform(QTransform(a, 0.0, 0.0, d, e, f))
            brushes, fill_path = self._brushes_for(first, len(paths)), painter.fillPath
            for row in rows.tolist():
                path = built.get(row)
                if path is None:
                    path = built[row] = _qt_path(paths[row])
                fill_path(path, brushes[row])
        finally:
            painter.end()

    def _paths_of(self, paths: list[Path]) -> dict[int, QPainterPath]:
        key = id(paths)
        kept = self._levels.get(key)
        if kept is not None and kept[0] is paths:
            return kept[1]
        built: dict[int, QPainterPath] = {}
        self._levels[key] = (paths, built)
        while len(self._levels) > LEVELS_KEPT:
            del self._levels[next(iter(self._levels))]
        return built

    def _brushes_for(self, first: int, count: int) -> list[QBrush]:
        """The brush of each row's value ``first + row``, for rows ``0 .. count - 1``."""
        if self._brushes_first != first or len(self._brushes) < count:
            values = range(first, first + count)
            self._brushes = [QBrush(QColor((value >> 16) & 255, (value >> 8) & 255, value & 255)) for value in values]
            self._brushes_first = first
        return self._brushes


def _qt_path(path: Path) -> QPainterPath:
    """``path`` (rings, each starting with MOVETO) as a QPainterPath filled by the
    nonzero rule, as Agg fills matplotlib's paths."""
    result = QPainterPath()
    result.setFillRule(Qt.FillRule.WindingFill)
    vertices = np.ascontiguousarray(path.vertices, dtype=np.float64)
    codes = path.codes
    starts = [0] if codes is None else np.flatnonzero(codes == Path.MOVETO).tolist()
    ends = [*starts[1:], len(vertices)]
    for start, end in zip(starts, ends, strict=True):
        if end - start >= 3:
            result.addPolygon(_polygon(vertices[start:end]))
    return result


def _polygon(points: np.ndarray) -> QPolygonF:
    """A QPolygonF of ``points`` ((n, 2) float64), copied in one go into its memory."""
    polygon = QPolygonF()
    polygon.resize(len(points))
    # PySide6's stubs do not know VoidPtr(object, size, writable) nor its buffer.
    memory = shiboken6.VoidPtr(polygon.data(), points.nbytes, True)  # type: ignore[call-arg, arg-type]
    np.frombuffer(memory, dtype=np.float64)[:] = points.reshape(-1)  # type: ignore[call-overload]
    return polygon
