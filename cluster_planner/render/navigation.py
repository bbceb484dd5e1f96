"""The first frame of a new view, made from the picture already on screen.

Zooming, panning or resizing changes the view; drawing the new view sharp takes tens of
milliseconds at county level (:mod:`cluster_planner.render.raster`). The first frame
after the change need not wait for it: :func:`scaled_frame` maps every pixel of the
new view's map area back to the pixel of the last sharp picture that showed the same
place (nearest neighbour: a zoom, a pan and a resize are all a scale and a shift of
each axis) and fills what the old picture did not show with sea. It takes a few
milliseconds at any level; the sharp picture follows.

No Qt here: the canvas (:mod:`cluster_planner.qt.map_canvas`) keeps the picture and
calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Masked boxes (the old legend, a vanished inset) reach this far past their edges.
FRAME_MARGIN_PX = 2.0
# A box in display pixels: x0, y0, x1, y1 (origin at the bottom left).
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class ViewGeometry:
    """Where a picture shows what: the main map's limits and boxes on the picture."""

    width: int
    height: int
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    box: Box
    inset_box: Box | None

    @classmethod
    def of(cls, mapfig, width: int, height: int) -> ViewGeometry:
        """The geometry of ``mapfig``'s current view on a ``width`` x ``height`` picture."""
        ax = mapfig.ax
        inset = mapfig.inset_ax
        left, right = map(float, ax.get_xlim())
        bottom, top = map(float, ax.get_ylim())
        x0, y0, x1, y1 = map(float, ax.bbox.extents)
        inset_box: Box | None = None
        if inset.get_visible():
            ix0, iy0, ix1, iy1 = map(float, inset.bbox.extents)
            inset_box = (ix0, iy0, ix1, iy1)
        return cls(int(width), int(height), (left, right), (bottom, top), (x0, y0, x1, y1), inset_box)


@dataclass
class SourceFrame:
    """A sharp picture (flat uint32 RGBA pixels, row-major) and the view it shows.

    ``hidden`` are boxes of the picture that do not move with the map (the legend):
    the scaled frame shows sea where they would land.
    """

    pixels: np.ndarray
    view: ViewGeometry
    hidden: tuple[Box, ...] = ()


def scaled_frame(source: SourceFrame, target: ViewGeometry, out: np.ndarray, sea: int) -> None:
    """Write the map area of ``target`` into ``out`` from ``source``'s picture.

    Parameters
    ----------
    source : SourceFrame
        The last sharp picture and its view.
    target : ViewGeometry
        The new view; ``out`` has its size.
    out : ndarray of uint32, shape (height * width,)
        The picture to write (only the pixels of the main map's box change).
    sea : int
        The packed RGBA colour shown where the old picture has nothing.
    """
    view = source.view
    if view.height * view.width != len(source.pixels) or target.height * target.width != len(out):
        raise ValueError("picture sizes do not match their views")
    columns = _pixel_range(target.box[0], target.box[2], target.width)
    rows = _pixel_range(target.height - target.box[3], target.height - target.box[1], target.height)
    if not len(columns) or not len(rows):
        return
    # Pixel centres of the new picture -> data -> display of the old one -> its pixels.
    data_x = _linear(columns + 0.5, target.box[0], target.box[2], *target.xlim)
    data_y = _linear(target.height - (rows + 0.5), target.box[1], target.box[3], *target.ylim)
    source_columns = np.floor(_linear(data_x, *view.xlim, view.box[0], view.box[2])).astype(np.int64)
    source_rows = np.floor(view.height - _linear(data_y, *view.ylim, view.box[1], view.box[3])).astype(np.int64)
    column_ok = _inside(source_columns, view.box[0], view.box[2], view.width)
    row_ok = _inside(source_rows, view.height - view.box[3], view.height - view.box[1], view.height)
    picture = source.pixels.reshape(view.height, view.width)
    # Rows, then columns: two 1-d gathers (a plain slice for a pan) instead of a 2-d one.
    block = _gather(_gather(picture, np.clip(source_rows, 0, view.height - 1), axis=0),
                    np.clip(source_columns, 0, view.width - 1), axis=1)
    block[~row_ok, :] = sea
    block[:, ~column_ok] = sea
    hidden = list(source.hidden)
    if view.inset_box is not None and target.inset_box is None:
        hidden.append(view.inset_box)  # the inset is gone from the new view
    for x0, y0, x1, y1 in hidden:
        # Two pixels more on every side: the frame's line is centred on the box's edge.
        x0, y0, x1, y1 = x0 - FRAME_MARGIN_PX, y0 - FRAME_MARGIN_PX, x1 + FRAME_MARGIN_PX, y1 + FRAME_MARGIN_PX
        in_rows = (source_rows >= np.floor(view.height - y1)) & (source_rows < np.ceil(view.height - y0))
        in_columns = (source_columns >= np.floor(x0)) & (source_columns < np.ceil(x1))
        if in_rows.any() and in_columns.any():
            block[np.ix_(in_rows, in_columns)] = sea
    out.reshape(target.height, target.width)[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1] = block


def _gather(picture: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    """``picture.take(indices, axis)``, as a slice copy when the indices run one by one."""
    if len(indices) and indices[-1] - indices[0] == len(indices) - 1 and (np.diff(indices) == 1).all():
        part = slice(int(indices[0]), int(indices[-1]) + 1)
        return (picture[part] if axis == 0 else picture[:, part]).copy()
    return picture.take(indices, axis=axis)


def _pixel_range(low: float, high: float, size: int) -> np.ndarray:
    """The pixels whose centres lie between ``low`` and ``high`` (clipped to the picture)."""
    first = max(0, int(np.ceil(low - 0.5)))
    last = min(size, int(np.ceil(high - 0.5)))
    return np.arange(first, last)


def _linear(values: np.ndarray, from0: float, from1: float, to0: float, to1: float) -> np.ndarray:
    scale = (to1 - to0) / (from1 - from0) if from1 != from0 else 0.0
    return to0 + (values - from0) * scale


def _inside(pixels: np.ndarray, low: float, high: float, size: int) -> np.ndarray:
    first = max(0, int(np.ceil(low - 0.5)))
    last = min(size, int(np.ceil(high - 0.5)))
    return (pixels >= first) & (pixels < last)
