"""Hairline borders traced on an index raster instead of stroked as vectors.

At county level the regions' white borders are 0.15 pt wide, a fifth of a pixel:
Agg strokes a quarter of a million vertices (~40 ms for a 1200 x 800 map) to lay a
faint line along every edge of the index raster. :func:`trace_borders` finds those
edges in the raster itself (where a pixel's region differs from its right or lower
neighbour's) and paints one pixel there at the coverage the stroke would give, in a
few milliseconds. The provinces' outlines follow the same edges where the province
changes. Used by :class:`cluster_planner.render.raster.RasterView` when the borders
are thinner than :data:`TRACE_BELOW_PX`; thicker lines are stroked.
"""

from __future__ import annotations

import numpy as np

# Borders thinner than this (pixels) are traced.
TRACE_BELOW_PX = 0.3


def edge_pixels(labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Pixels whose label differs from a neighbour's (left, right, above or below).

    A vector line along an edge of the raster falls between two pixels and Agg
    spreads its coverage over both, so both sides are marked.

    Parameters
    ----------
    labels : (h, w) integer array
    keep : (h, w) bool array
        Only edges with a kept pixel on at least one side count (e.g. edges touching
        a region, not the sea meeting the outside of the map).
    """
    across = labels[:, :-1] != labels[:, 1:]
    across &= keep[:, :-1] | keep[:, 1:]
    down = labels[:-1, :] != labels[1:, :]
    down &= keep[:-1, :] | keep[1:, :]
    # Written, not zeroed then or-ed: a third of the time (no first pass over fresh pages).
    edges = np.empty(labels.shape, dtype=bool)
    edges[:, 0] = False
    edges[:, 1:] = across
    edges[:, :-1] |= across
    edges[1:, :] |= down
    edges[:-1, :] |= down
    return edges


def paint_lines(rgba: np.ndarray, where: np.ndarray, colour, alpha: float) -> tuple[np.ndarray, int]:
    """Paint ``colour`` at ``alpha`` on the transparent pixels of ``rgba`` at ``where``.

    ``rgba`` is a straight-alpha (h, w, 4) uint8 overlay; pixels something else is
    drawn on already (the maritime line, the inset) keep it: it lies above the borders.
    Returns the pixels painted (an (h, w) bool mask) and the RGBA word painted there.
    """
    # One word per pixel: one write instead of four, and alpha is the word's top byte.
    pixels = rgba.view("<u4")[..., 0]
    target = where & (pixels < 1 << 24)
    value = np.array([int(round(255 * channel)) for channel in colour[:3]]
                     + [int(round(255 * min(1.0, max(0.0, alpha))))], dtype=np.uint8).view("<u4")[0]
    np.copyto(pixels, value, where=target)
    return target, int(value)


def trace_borders(rgba: np.ndarray, codes: np.ndarray, first_region: int, *, border_colour,
                  border_px: float, skip: tuple[slice, slice] | None = None,
                  province_of: np.ndarray | None = None, province_colour=None,
                  province_px: float = 0.0) -> list[tuple[np.ndarray, int]]:
    """Paint the regions' borders (and the provinces' outlines) into the overlay ``rgba``.

    Returns each line's pixels (an (h, w) bool mask) and the one RGBA word painted on
    them: a picture can blend such a line by a table per colour instead of per pixel.

    Parameters
    ----------
    rgba : (h, w, 4) uint8
        The static overlay, straight alpha; changed in place.
    codes : (h, w) integer array
        The index raster: below ``first_region`` sea or outside, else ``first_region + row``.
    border_colour, border_px
        The borders' colour (RGBA floats) and width in pixels. A shared border is
        stroked once per region in the vector picture, so it gets that coverage twice.
    skip : (rows, columns), optional
        A box left alone (the inset, whose lines are drawn as vectors).
    province_of : (n,) integer array, optional
        Each region's province, to outline provinces ``province_px`` wide.
    """
    codes = codes if codes.dtype.itemsize <= 2 else codes.astype(np.int32)
    painted: list[tuple[np.ndarray, int]] = []
    is_region = codes >= first_region
    edges = edge_pixels(codes, is_region)
    if skip is not None:
        edges[skip] = False
    if province_of is not None and province_colour is not None:
        # Sea and outside are provinces of their own: the outline follows coasts too.
        province_codes = np.concatenate([np.arange(-first_region, 0), np.asarray(province_of)])
        # One byte a pixel where the provinces allow (sea and outside wrap to 254, 255).
        narrow = np.uint8 if int(np.max(province_of, initial=0)) < 256 - first_region else np.int16
        province_codes = province_codes.astype(narrow)
        provinces = province_codes.take(codes)
        outline = edge_pixels(provinces, is_region)
        if skip is not None:
            outline[skip] = False
        painted.append(paint_lines(rgba, outline, province_colour, min(province_px, 2.0) / 2))
        edges &= ~outline
    # Half the line's coverage on each side, twice over (once per region's outline).
    half = min(border_px, 2.0) / 2
    painted.append(paint_lines(rgba, edges, border_colour, 1.0 - (1.0 - half) ** 2))
    return painted
