"""Drawing a :class:`~cluster_planner.render.mapfigure.MapFigure` on screen at frame speed.

A full vector draw of a county layer (a quarter of a million vertices, with borders,
outlines, labels and the inset) takes 150-300 ms in Agg. The picture, though, only
changes in two ways: the view (pan, zoom, resize) or the colours. :class:`RasterView`
renders what depends on the view once per view, into three cached layers:

``codes``
    An *index raster*: for every pixel, which region (main map or inset) covers it,
    drawn with each region in a unique colour and antialiasing off. ``0`` is outside
    the axes, ``1`` the sea, ``2 + row`` region ``row``.
``static overlay``
    Everything that does not change with the colours, on a transparent background:
    region borders, province outlines, the maritime line, the inset's frame, the
    attribution. The borders' antialiasing hides the index raster's hard edges.
``labels overlay``
    The city markers and labels and the title (above the selection, as in the vector
    picture). Rebuilt when the view, the title or the language change.
``legend overlay``
    The legend, on top of everything. Pictures of the last few legends are kept, so an
    edit that adds a legend class and its undo cost no redraw.

A recolour is then ``lut[codes]`` (one numpy gather into the Agg buffer) plus the two
overlays blended in (only their non-transparent pixels), with the selection and
highlight outlines drawn by Agg in between: 5-15 ms for a 1200 x 800 canvas at any
level. Hit testing reads one pixel of ``codes`` and asks the geometry only near a
border or over the sea (sub-pixel islands are not in the raster).

The vector path (``figure.draw``) stays for exports (:func:`export_figure`) and as the
fallback: a :class:`RasterView` only draws on an Agg renderer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Protocol, cast

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.path import Path

from cluster_planner.render.borders import TRACE_BELOW_PX, trace_borders
from cluster_planner.render.lod import (
    INDEX_TOLERANCE_PX,
    INSET_TOLERANCE_PX,
    TOLERANCE_PX,
    PathPyramid,
    pyramid_of,
    rows_in_view,
)
from cluster_planner.render.navigation import SourceFrame, ViewGeometry, scaled_frame
from cluster_planner.render.sprites import LabelSprites

OUTSIDE = 0
SEA = 1
FIRST_REGION = 2
# Limits are compared at this precision (km) so float noise from the aspect
# adjustment does not count as a new view.
_VIEW_DECIMALS = 6
# Legend pictures kept per canvas size (each is a few thousand pixels).
LEGENDS_KEPT = 8


def _pack(rgba8: np.ndarray) -> np.ndarray:
    """(k, 4) uint8 RGBA as k uint32 in the byte order of an RGBA buffer."""
    return np.ascontiguousarray(rgba8, dtype=np.uint8).view(np.uint32).reshape(-1)


def _encode_codes(codes: np.ndarray) -> np.ndarray:
    """Float RGBA colours that Agg writes back as the 24-bit integers ``codes``.

    The low byte goes to red, so that a pixel read as a little-endian uint32 is the
    code plus the opaque alpha byte.
    """
    codes = np.asarray(codes, dtype=np.int64)
    rgb = np.column_stack([codes & 255, (codes >> 8) & 255, (codes >> 16) & 255]) / 255.0
    return np.column_stack([rgb, np.ones(len(codes))])


def _decode_codes(buffer: np.ndarray) -> np.ndarray:
    """The integers :func:`_encode_codes` drew, from an (h, w, 4) RGBA buffer."""
    pixels = np.ascontiguousarray(buffer).view("<u4")[..., 0]
    return pixels & 0x00FFFFFF


class _Overlay:
    """A transparent RGBA layer kept as its visible pixels only, ready to blend."""

    def __init__(self, rgba: np.ndarray, boxes: list[tuple[int, int, int, int]] | None = None):
        flat = rgba.reshape(-1, 4)
        if boxes is None:
            # One pass over the picture's words (alpha is a word's top byte: a fifth of
            # the time of reading every fourth byte), then over its inked pixels only.
            # int32 positions: half the memory of numpy's default for a few Mpx.
            words = np.ascontiguousarray(flat).view("<u4").reshape(-1)
            inked = np.flatnonzero(words >= 1 << 24).astype(np.int32)
            full = words[inked] >= 255 << 24
            self.opaque = inked[full]
            self.partial = inked[~full]
        else:  # only these boxes (row0, row1, column0, column1) can hold ink
            self.opaque, self.partial = _ink_in_boxes(rgba, boxes)
        self.opaque_colours = _pack(flat[self.opaque])
        partial = flat[self.partial].astype(np.uint16)
        part_alpha = partial[:, 3:4]
        # out = (over * a + under * (255 - a) + 127) // 255, the first term precomputed.
        self.premultiplied = partial[:, :3] * part_alpha + 127
        self.inverse_alpha = 255 - part_alpha

    def __len__(self) -> int:
        return len(self.opaque) + len(self.partial)

    def box(self, width: int, height: int) -> tuple[float, float, float, float] | None:
        """The display box (x0, y0, x1, y1, origin bottom left) of the visible pixels."""
        if not len(self):
            return None
        positions = np.concatenate([self.opaque, self.partial])
        rows, columns = np.divmod(positions, width)
        return (float(columns.min()), float(height - rows.max() - 1), float(columns.max() + 1),
                float(height - rows.min()))

    def blend_into(self, pixels: np.ndarray) -> None:
        """Blend onto ``pixels`` (the flat uint32 view of an opaque RGBA buffer)."""
        if len(self.partial):
            pixels[self.partial] = self.blended(pixels[self.partial])
        pixels[self.opaque] = self.opaque_colours

    def blended(self, under: np.ndarray, entries: np.ndarray | slice = slice(None)) -> np.ndarray:
        """The partial pixels ``entries`` blended over the opaque colours ``under`` (uint32)."""
        return _blend_over(under, self.premultiplied[entries], self.inverse_alpha[entries])


def _blend_over(under: np.ndarray, premultiplied: np.ndarray, inverse_alpha) -> np.ndarray:
    """Ink blended over the opaque uint32 colours ``under``, as opaque uint32 colours:
    ``(over * a + under * (255 - a) + 127) // 255`` with ``premultiplied`` holding
    ``over * a + 127`` and ``inverse_alpha`` ``255 - a`` (per pixel, or one for all)."""
    rgb = np.ascontiguousarray(under, dtype=np.uint32).view(np.uint8).reshape(-1, 4)[:, :3]
    rgb = rgb.astype(np.uint16)
    rgb *= inverse_alpha
    rgb += premultiplied
    rgb //= 255
    out = np.empty((len(rgb), 4), dtype=np.uint8)
    out[:, :3] = rgb
    out[:, 3] = 255
    return _pack(out)


def _ink_in_boxes(rgba: np.ndarray, boxes) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions of the opaque and the partly transparent pixels inside ``boxes``."""
    width = rgba.shape[1]
    opaque: list[np.ndarray] = []
    partial: list[np.ndarray] = []
    for row0, row1, column0, column1 in boxes:
        alpha = rgba[row0:row1, column0:column1, 3]
        for found, where in ((opaque, alpha == 255), (partial, (alpha > 0) & (alpha < 255))):
            rows, columns = np.nonzero(where)
            found.append((rows + row0) * width + columns + column0)
    opaque_at, partial_at = (np.unique(np.concatenate(found or [np.empty(0, dtype=np.int64)])).astype(np.int32)
                             for found in (opaque, partial))
    return opaque_at, partial_at


class _UniformLine:
    """Pixels of one colour at one alpha over the region fills (a traced line): blended
    by a table of that colour over each code's fill, then one gather, instead of
    per-pixel arithmetic (a county view's borders are a tenth of the picture)."""

    def __init__(self, positions: np.ndarray, word: int, codes_flat: np.ndarray):
        self.positions = positions
        self.codes = codes_flat.take(positions)
        rgba = np.array([word], dtype="<u4").view(np.uint8).astype(np.uint16)
        alpha = int(rgba[3])
        self.premultiplied = rgba[:3] * alpha + 127  # see _blend_over
        self.inverse_alpha = 255 - alpha

    def blend_into(self, pixels: np.ndarray, table: np.ndarray) -> None:
        """Write the line over ``pixels`` (flat uint32, the fills of ``table``)."""
        pixels[self.positions] = _blend_over(table, self.premultiplied, self.inverse_alpha).take(self.codes)


class _Fills:
    """The regions' colours with the static overlay blended in: the picture's base.

    After a recolour only the regions whose colour changed are written, each within
    its bounding box on screen (a lookup over the index raster inside the box, then
    the overlay blended over the new colour there), so an edit costs in proportion to
    the regions it touches and no per-region pixel lists are kept.
    """

    # More changed regions than this, or boxes covering more than this share of the
    # picture: rewriting the whole picture is as quick.
    MAX_PICKED = 64
    MAX_SHARE = 0.25

    def __init__(self, codes: np.ndarray, static: _Overlay, static_rgba: np.ndarray, boxes,
                 lines: list[_UniformLine] | None = None, reuse: np.ndarray | None = None):
        self.codes = codes  # (h, w)
        self.static = static
        self.lines = lines or []  # traced lines, not in ``static``
        # A flat uint32 buffer the fills may write into (the retired fills' pixels).
        self.reuse = reuse if reuse is not None and reuse.size == codes.size else None
        self.static_rgba = static_rgba  # (h, w, 4) uint8, for the boxes
        self.boxes = boxes  # code -> list of (rows, columns) slices, or None for "anywhere"
        self.pixels: np.ndarray | None = None  # flat uint32
        self.table: np.ndarray | None = None

    def update(self, table: np.ndarray) -> np.ndarray:
        """Bring the pixels up to date with ``table`` (uint32 colour per code)."""
        if self.pixels is None:
            self._write_all(table)
        else:
            changed = np.flatnonzero(table != self.table)
            if len(changed) > self.MAX_PICKED or not self._write_codes(table, changed):
                self._write_all(table)
        self.table = table
        assert self.pixels is not None  # written above
        return self.pixels

    def _write_all(self, table: np.ndarray) -> None:
        # "raise" would buffer the output; the codes are all in the table.
        self.pixels = table.take(self.codes.reshape(-1), out=self.pixels if self.pixels is not None else self.reuse,
                                 mode="clip")
        for line in self.lines:
            line.blend_into(self.pixels, table)
        self.static.blend_into(self.pixels)

    def _write_codes(self, table: np.ndarray, changed: np.ndarray) -> bool:
        """Rewrite the pixels of ``changed`` codes; False if rewriting all is quicker."""
        height, width = self.codes.shape
        budget = self.MAX_SHARE * height * width
        boxes = []
        for code in changed.tolist():
            code_boxes = self.boxes(code)
            if code_boxes is None:
                return False
            budget -= sum((rows.stop - rows.start) * (columns.stop - columns.start)
                          for rows, columns in code_boxes)
            if budget < 0:
                return False
            boxes.append((code, code_boxes))
        assert self.pixels is not None  # only an update of written pixels gets here
        picture = self.pixels.reshape(height, width)
        for code, code_boxes in boxes:
            colour = table[code]
            colour_rgb = table[code:code + 1].view(np.uint8)[:3].astype(np.uint16)
            for rows, columns in code_boxes:
                inside = self.codes[rows, columns] == code
                box = picture[rows, columns]  # a view: writes go to the picture
                box[inside] = colour
                # Where the overlay has ink, blend it over the new colour.
                edge = inside & (self.static_rgba[rows, columns, 3] > 0)
                if not edge.any():
                    continue
                overlay = self.static_rgba[rows, columns][edge].astype(np.uint16)
                alpha = overlay[:, 3:4]
                out = np.empty((len(overlay), 4), dtype=np.uint8)
                out[:, :3] = (overlay[:, :3] * alpha + colour_rgb * (255 - alpha) + 127) // 255
                out[:, 3] = 255
                box[edge] = _pack(out)
        return True


class IndexPainter(Protocol):
    """Fills regions into an index raster faster than Agg (the window gives
    :class:`cluster_planner.qt.index_painter.QtIndexPainter`; without one, Agg fills)."""

    def fill(self, pixels: np.ndarray, paths: list[Path], rows: np.ndarray,
             transform: tuple[float, float, float, float], clip: tuple[int, int, int, int],
             first: int) -> None:
        """Fill ``paths[row]`` with ``first + row`` in the low 24 bits of ``pixels``
        ((h, w) uint32) for each of ``rows``, antialiasing off; ``(x, y)`` lands on
        pixel ``(a x + e, d y + f)`` for ``transform = (a, e, d, f)``; only pixels inside
        ``clip`` (x0, y0, x1, y1) change."""


class RasterView:
    """The cached layers of one :class:`MapFigure`, drawn onto an Agg renderer.

    Parameters
    ----------
    mapfig : MapFigure
        The figure to draw; its canvas must be Agg-based (Agg, QtAgg, ...).
    """

    def __init__(self, mapfig):
        self.mapfig = mapfig
        self._region_codes = _encode_codes(np.arange(len(mapfig)) + FIRST_REGION)
        self.codes: np.ndarray | None = None
        self._codes_flat: np.ndarray | None = None
        self._static: _Overlay | None = None
        self._fills: _Fills | None = None
        self._labels: _Overlay | None = None
        self._legends: dict[tuple, _Overlay] = {}
        self._view_key = None
        self._labels_key = None
        self._inset_slice: tuple[slice, slice] | None = None
        self._boxes: list[list[tuple[slice, slice]]] | None = None
        self.view_renders = 0
        self._own_pyramids: dict[str, PathPyramid] = {}
        self._province_index: np.ndarray | None = None
        #: Fills the index raster instead of Agg when set (see :class:`IndexPainter`).
        self.index_painter: IndexPainter | None = None
        self._index_words: np.ndarray | None = None  # what the painter fills
        self._retired: _Fills | None = None  # the layers before the current ones (their buffers are reused)
        self._merged_paths: tuple[list, np.ndarray, Path] | None = None  # see _merged
        self._sprites = LabelSprites(mapfig, self._render, self._only_layer)

    # ---- drawing ----------------------------------------------------------------------
    def draw(self, renderer) -> None:
        """Draw the figure into ``renderer`` (a ``RendererAgg`` of the figure's size).

        Re-renders the cached layers if the view changed, then composes the current
        colours, selection and highlight. Fires no ``draw_event``: the canvas does.
        """
        self.prepare(renderer)
        self._compose(renderer, self._legend_overlay(renderer))
        self.mapfig.figure.stale = False

    def prepare(self, renderer) -> None:
        """Render the cached layers of the current view if they are out of date.

        ``renderer`` only serves as a scratch buffer: a canvas can prepare the layers
        in a spare renderer while its own buffer keeps showing the picture.
        """
        for _step in self.prepare_steps(renderer):
            pass

    def prepare_steps(self, renderer) -> Iterator[None]:
        """:meth:`prepare` in steps: a generator that yields between its renders.

        Each step takes a fraction of the whole (at county level the index raster,
        the overlay and the labels are 15-40 ms each), so a canvas can run one step per
        turn of its event loop and handle input in between. If the view changes
        between two steps the generator stops without keeping anything; the layers
        are only replaced once all of them are rendered.
        """
        if not self.is_current():
            if self.index_painter is not None:
                codes = self._painted_codes(renderer.width, renderer.height)
            else:
                codes = self._narrow(_decode_codes(self._render(renderer, self._index_layer)))
            # The aspect adjustment runs during the draw; key the layers by the view drawn.
            key = self.view_key()
            yield
            if self.view_key() != key:
                return
            inset_slice = self._inset_pixels(renderer) if self.mapfig.inset_ax.get_visible() else None
            self._inset_slice = inset_slice
            # Into the static buffer the layers before the current ones used, if any: a
            # fresh picture-sized array costs its first touch of every page.
            spare = None if self._retired is None else self._retired.static_rgba
            static_rgba = self._render(renderer, self._static_layer, out=spare)
            # The overlay before the trace: the traced lines only paint where nothing
            # else is, and are blended apart (see _UniformLine).
            static = _Overlay(static_rgba)
            lines = self._trace(static_rgba, codes, inset_slice) if self._traces_borders() else []
            yield
            if self.view_key() != key:
                return
            self._commit_view_layers(codes, static_rgba, static, inset_slice, key, lines)
        labels_key = (self._view_key, self.mapfig.decoration_version)
        if self._labels is None or self._labels_key != labels_key:
            picture = self._sprites.picture(renderer)
            self._labels = _Overlay(picture, self._sprites.boxes)
            self._labels_key = labels_key

    def view_geometry(self, width: int, height: int) -> ViewGeometry:
        """Where the current view puts the map on a picture of this size."""
        _place_axes(self.mapfig)
        return ViewGeometry.of(self.mapfig, width, height)

    def source_frame(self, buffer: np.ndarray, view: ViewGeometry) -> SourceFrame:
        """A copy of ``buffer`` (the (h, w, 4) picture showing ``view``) to make the
        first frames of the next views from (see :meth:`draw_scaled`)."""
        height, width = buffer.shape[:2]
        pixels = np.ascontiguousarray(buffer).view(np.uint32).reshape(-1).copy()
        legend = next(reversed(self._legends.values()), None) if self._legends else None
        box = legend.box(width, height) if legend is not None and self.mapfig.legend is not None else None
        return SourceFrame(pixels, view, () if box is None else (box,))

    def draw_scaled(self, renderer, source: SourceFrame) -> None:
        """Draw the current view into ``renderer`` from an earlier picture, scaled and
        shifted (:func:`cluster_planner.render.navigation.scaled_frame`), with the
        legend on top: a first frame in a few milliseconds, not sharp."""
        target = self.view_geometry(renderer.width, renderer.height)
        # First: a legend not pictured yet at this size is rendered in ``renderer``.
        legend = self._legend_overlay(renderer)
        pixels = np.asarray(renderer.buffer_rgba()).reshape(-1, 4).view(np.uint32).reshape(-1)
        outside, sea = _pack(np.round(np.array([to_rgba(self.mapfig.figure.get_facecolor()),
                                                 to_rgba(self.mapfig.ax.get_facecolor())]) * 255).astype(np.uint8))
        if (source.view.width, source.view.height) != (target.width, target.height):
            pixels[:] = outside  # a new size: nothing of the old picture is in place
        scaled_frame(source, target, pixels, int(sea))
        if legend is not None:
            legend.blend_into(pixels)

    def is_current(self) -> bool:
        """Whether the cached layers show the figure's current view."""
        return self._view_key is not None and self._view_key == self.view_key()

    def _legend_overlay(self, renderer) -> _Overlay | None:
        mapfig = self.mapfig
        if mapfig.legend is None or not mapfig.legend.get_visible():
            return None
        key = (renderer.width, renderer.height, mapfig.figure.dpi, mapfig.ax.bbox.bounds,
               mapfig.legend_signature)
        overlay = self._legends.pop(key, None)
        if overlay is None:
            overlay = _Overlay(self._render(renderer, self._legend_layer))
        self._legends[key] = overlay  # most recently used last
        while len(self._legends) > LEGENDS_KEPT:
            self._legends.pop(next(iter(self._legends)))
        return overlay

    def invalidate(self) -> None:
        """Forget the cached layers (the next :meth:`draw` renders them again)."""
        self._view_key = None
        self._labels_key = None
        self._legends.clear()

    def view_key(self) -> tuple:
        """What the cached layers depend on: pixel size, limits, inset, axes position.

        Cheap (~8 us): hit tests ask it on every mouse move.
        """
        mapfig = self.mapfig
        width, height = mapfig.figure.bbox.size
        limits = tuple(round(value, _VIEW_DECIMALS) for value in mapfig.ax.viewLim.bounds)
        return (int(width), int(height), mapfig.figure.dpi, limits, mapfig.inset_ax.get_visible(),
                mapfig.ax.bbox.bounds)

    def _narrow(self, codes: np.ndarray) -> np.ndarray:
        return codes.astype(self._narrow_type())

    def _narrow_type(self) -> type:
        # The smallest type that holds the codes: a recolour reads the whole raster.
        return next(t for t in (np.uint8, np.uint16, np.int32)
                    if len(self.mapfig) + FIRST_REGION <= np.iinfo(t).max)

    def _commit_view_layers(self, codes: np.ndarray, static_rgba: np.ndarray, static: _Overlay, inset_slice,
                            key, lines: list[tuple[np.ndarray, int]]) -> None:
        """Make the view's layers current. ``static`` is the static overlay without the
        traced ``lines`` (their pixels and RGBA word, see
        :func:`~cluster_planner.render.borders.trace_borders`), which are blended by a
        table per colour; ``static_rgba`` holds both."""
        self.codes = codes
        self._codes_flat = self.codes.reshape(-1)
        self._inset_slice = inset_slice
        uniform = [_UniformLine(np.flatnonzero(mask).astype(np.int32), word, self._codes_flat)
                   for mask, word in lines]
        self._static = static
        self._boxes = None
        # The retired layers' buffers are written by the next ones (fills) and the
        # view after (static overlay).
        self._retired = self._fills
        self._fills = _Fills(self.codes, self._static, static_rgba, self._boxes_of, uniform,
                             reuse=None if self._retired is None else self._retired.pixels)
        self._islands: np.ndarray | None = None  # built at the first hit test over the sea (~15 ms at county)
        self._view_key = key
        self.view_renders += 1

    def _render(self, renderer, configure, out: np.ndarray | None = None) -> np.ndarray:
        """Draw the figure with ``configure(stack)``'s temporary changes; a copy of the
        buffer (into ``out`` when it has the buffer's shape)."""
        figure = self.mapfig.figure
        # The temporary changes and their undoing mark the figure stale; what is on
        # screen is as up to date (or not) as before.
        was_stale = figure.stale
        with figure.canvas.callbacks.blocked(signal="draw_event"), ExitStack() as stack:
            extra = configure(stack)
            renderer.clear()
            figure.draw(renderer)
            if extra is not None:
                extra(renderer)
            buffer = np.asarray(renderer.buffer_rgba())
            if out is not None and out.shape == buffer.shape:
                np.copyto(out, buffer)
                picture = out
            else:
                picture = np.array(buffer, copy=True)
        figure.stale = was_stale
        return picture

    # ---- the layers -------------------------------------------------------------------
    def _containers(self) -> tuple:
        mapfig = self.mapfig
        return (mapfig.figure, mapfig.ax, mapfig.inset_ax)

    def _show_only(self, stack: ExitStack, keep: set) -> None:
        """Hide every artist of the figure and both axes except ``keep`` and the axes."""
        containers = self._containers()
        for container in containers:
            for child in container.get_children():
                if child not in keep and child not in containers and child.get_visible():
                    _hide(stack, child)

    def _view_paths(self, tolerance_px: float) -> list[tuple]:
        """``(axes, paths, rows)`` for the main map and, when shown, the inset: the
        layer's paths simplified to the axes' scale (``tolerance_px`` of a pixel) and
        the rows to draw (in the main map only the regions in view; see
        :mod:`cluster_planner.render.lod`; the inset at least
        :data:`~cluster_planner.render.lod.INSET_TOLERANCE_PX`). Places both axes as the
        next draw will."""
        mapfig = self.mapfig
        regions = self._pyramid("regions", mapfig.paths)
        ax = mapfig.ax
        _place_axes(mapfig)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        km_per_pixel = abs(x1 - x0) / max(ax.bbox.width, 1.0)
        rows = rows_in_view(mapfig.region_extents(), (x0, x1), (y0, y1), margin=4 * km_per_pixel)
        views = [(ax, regions.for_scale(km_per_pixel, tolerance_px), rows)]
        inset = mapfig.inset_ax
        if inset.get_visible():
            inset_scale = abs(np.diff(inset.get_xlim())[0]) / max(inset.bbox.width, 1.0)
            views.append((inset, regions.for_scale(inset_scale, max(tolerance_px, INSET_TOLERANCE_PX)),
                          np.asarray(mapfig.inset_rows, dtype=int)))
        return views

    def _paths_for_view(self, stack: ExitStack, colours: np.ndarray | None) -> list:
        """Give the region collections (and the province outlines) the paths this view
        needs (see :meth:`_view_paths`). Returns each region collection with its share
        of ``colours`` (per layer row; None leaves the colours alone)."""
        mapfig = self.mapfig
        # The index raster's fills take paths simplified to a pixel, lines a quarter.
        views = self._view_paths(TOLERANCE_PX if colours is None else INDEX_TOLERANCE_PX)
        (_ax, paths, rows), *inset_view = views
        _swap_paths(stack, mapfig.collection, [paths[row] for row in rows.tolist()])
        swapped = [(mapfig.collection, None if colours is None else colours[rows])]
        if inset_view:
            _inset, inset_paths, inset_rows = inset_view[0]
            if colours is None and len(set(map(tuple, mapfig.inset_collection.get_edgecolor()))) <= 1:
                # Outlines only, all alike: one compound path strokes them in one call
                # instead of one per region (a tenth of a county view's render).
                _swap_paths(stack, mapfig.inset_collection, [self._merged(inset_paths, inset_rows)])
            else:
                _swap_paths(stack, mapfig.inset_collection, [inset_paths[row] for row in inset_rows.tolist()])
            swapped.append((mapfig.inset_collection, None if colours is None else colours[inset_rows]))
        outlines = mapfig.province_outlines
        if outlines is not None and outlines.get_visible():
            km_per_pixel = abs(np.diff(mapfig.ax.get_xlim())[0]) / max(mapfig.ax.bbox.width, 1.0)
            pyramid = self._pyramid("provinces", list(outlines.get_paths()))
            _swap_paths(stack, outlines, pyramid.for_scale(km_per_pixel))
        return swapped

    def _painted_codes(self, width: int, height: int) -> np.ndarray:
        """The index raster filled by :attr:`index_painter`, narrowed (see
        :meth:`_narrow`): what :meth:`_index_layer` draws with Agg (outside, the sea of
        each axes, each region's code)."""
        assert self.index_painter is not None
        views = self._view_paths(INDEX_TOLERANCE_PX)
        pixels = self._index_words
        if pixels is None or pixels.shape != (height, width):
            pixels = self._index_words = np.empty((height, width), dtype=np.uint32)
        pixels.fill(OUTSIDE)  # kept from view to view: no first touch of its pages
        for ax, paths, rows in views:
            rows_px, columns_px = _pixels_inside(ax.bbox, width, height)
            pixels[rows_px, columns_px] = SEA
            # Data to display (y up), then to the picture's pixels (y down).
            matrix = ax.transData.get_affine().get_matrix()
            transform = (float(matrix[0, 0]), float(matrix[0, 2]), -float(matrix[1, 1]),
                         height - float(matrix[1, 2]))
            clip = (columns_px.start, rows_px.start, columns_px.stop, rows_px.stop)
            self.index_painter.fill(pixels, paths, rows, transform, clip, FIRST_REGION)
        # The painter's words are 0xFF000000 + code: the narrow type's cast keeps the code.
        narrow = self._narrow_type()
        codes = pixels.astype(narrow) if narrow is not np.int32 else (pixels & 0x00FFFFFF).astype(narrow)
        _close_gaps(codes)
        return codes

    def _merged(self, paths: list, rows: np.ndarray) -> Path:
        """``paths[rows]`` as one compound path, kept while ``paths`` (a simplification
        level of the layer's pyramid) is the one asked for."""
        kept = self._merged_paths
        if kept is None or kept[0] is not paths or not np.array_equal(kept[1], rows):
            merged = Path.make_compound_path(*(paths[row] for row in rows.tolist())) if len(rows) else Path(np.empty((0, 2)))
            kept = self._merged_paths = (paths, rows, merged)
        return kept[2]

    def _pyramid(self, name: str, paths: list) -> PathPyramid:
        try:  # shared by every map of the layer
            return pyramid_of(self.mapfig.layer, name, paths)
        except TypeError:  # a layer that cannot be weakly referenced: this view keeps its own
            pyramid = self._own_pyramids.get(name)
            if pyramid is None:
                pyramid = self._own_pyramids[name] = PathPyramid(paths)
            return pyramid

    def _index_layer(self, stack: ExitStack):
        mapfig = self.mapfig
        keep = {mapfig.figure.patch, mapfig.ax.patch, mapfig.inset_ax.patch,
                mapfig.collection, mapfig.inset_collection}
        self._show_only(stack, keep)
        outside, sea = _encode_codes(np.array([OUTSIDE, SEA]))
        _restyle(stack, mapfig.figure.patch, facecolor=outside, antialiased=False)
        for ax in (mapfig.ax, mapfig.inset_ax):
            _restyle(stack, ax.patch, facecolor=sea, antialiased=False)
        for collection, colours in self._paths_for_view(stack, self._region_codes):
            _restyle_collection(stack, collection, facecolor=colours, edgecolor="none",
                                linewidth=0.0, antialiased=False)
        return None

    def _static_layer(self, stack: ExitStack):
        mapfig = self.mapfig
        for patch in (mapfig.figure.patch, mapfig.ax.patch, mapfig.inset_ax.patch):
            _hide(stack, patch)
        for artist in (*self._mark_artists(), *self._label_artists(), *self._legend_artists(),
                       mapfig.hover_overlay,
                       mapfig.inset_hover_overlay):
            if artist.get_visible():
                _hide(stack, artist)
        for collection, _colours in self._paths_for_view(stack, None):
            _restyle_collection(stack, collection, facecolor="none")
        if self._traces_borders():  # traced on the index raster instead (see _trace)
            for artist in (mapfig.collection, mapfig.province_outlines):
                if artist is not None and artist.get_visible():
                    _hide(stack, artist)
        inset = mapfig.inset_ax
        if not inset.get_visible():
            return None
        # The inset's sea hides the main map's lines under it: draw the main axes
        # without the inset, clear the inset's rectangle, then draw the inset alone.
        _hide(stack, inset)
        assert self._inset_slice is not None  # prepare_steps sets it when the inset shows
        rows, columns = self._inset_slice

        def draw_inset(renderer) -> None:
            np.asarray(renderer.buffer_rgba())[rows, columns] = 0
            inset.set_visible(True)
            inset.draw(renderer)

        return draw_inset

    def _traces_borders(self) -> bool:
        """Whether the region borders are hairlines traced on the index raster
        (:mod:`cluster_planner.render.borders`) rather than stroked."""
        widths = self.mapfig.collection.get_linewidth()
        return len(widths) > 0 and float(np.max(widths)) * self.mapfig.figure.dpi / 72.0 < TRACE_BELOW_PX

    def _trace(self, static_rgba: np.ndarray, codes: np.ndarray, inset_slice) -> list[tuple[np.ndarray, int]]:
        mapfig = self.mapfig
        to_px = mapfig.figure.dpi / 72.0
        outlines = mapfig.province_outlines
        provinces = None
        if outlines is not None and outlines.get_visible() and "province" in mapfig.layer.frame.columns:
            if self._province_index is None:
                _names, self._province_index = np.unique(mapfig.layer.frame["province"].to_numpy(dtype=str),
                                                         return_inverse=True)
            provinces = self._province_index
        return trace_borders(static_rgba, codes, FIRST_REGION,
                      border_colour=mapfig.collection.get_edgecolor()[0],
                      border_px=float(np.max(mapfig.collection.get_linewidth())) * to_px, skip=inset_slice,
                      province_of=provinces,
                      province_colour=None if provinces is None else outlines.get_edgecolor()[0],
                      province_px=0.0 if provinces is None else float(np.max(outlines.get_linewidth())) * to_px)

    def _only_layer(self, stack: ExitStack, artists: list) -> None:
        """Show only ``artists`` (on a transparent background)."""
        mapfig = self.mapfig
        self._show_only(stack, set(artists))
        for patch in (mapfig.figure.patch, mapfig.ax.patch):
            _hide(stack, patch)
        if mapfig.inset_ax.get_visible():
            _hide(stack, mapfig.inset_ax)

    def _labels_layer(self, stack: ExitStack):
        self._only_layer(stack, self._label_artists())

    def _legend_layer(self, stack: ExitStack):
        self._only_layer(stack, self._legend_artists())

    def _label_artists(self) -> list:
        mapfig = self.mapfig
        artists = [mapfig.title, mapfig.attribution, *mapfig.city_labels]
        if mapfig.city_markers is not None:
            artists.append(mapfig.city_markers)
        return artists

    def _legend_artists(self) -> list:
        legend = self.mapfig.legend
        return [] if legend is None else [legend]

    def _mark_artists(self) -> list:
        mapfig = self.mapfig
        return [mapfig.highlight_overlay, mapfig.selection_overlay,
                mapfig.inset_highlight_overlay, mapfig.inset_selection_overlay]

    def _boxes_of(self, code: int) -> list[tuple[slice, slice]] | None:
        """Where region ``code`` can be on screen: its bounding boxes in the main map
        and the inset, in buffer rows and columns (None for the sea and the outside)."""
        if code < FIRST_REGION:
            return None
        if self._boxes is None:
            self._boxes = self._all_boxes()
        return self._boxes[code - FIRST_REGION]

    def _all_boxes(self) -> list[list[tuple[slice, slice]]]:
        # Every region's boxes in one go per view: a recolour asks for many of them
        # (all of them when the legend's classes move), and one transform per region
        # cost more than writing its pixels at province level.
        mapfig = self.mapfig
        extents = np.asarray(mapfig.region_extents(), dtype=float)
        assert self.codes is not None  # asked for after a render
        height, width = self.codes.shape
        boxes: list[list[tuple[slice, slice]]] = [[] for _ in range(len(extents))]
        axes = [(mapfig.ax, np.arange(len(extents)))]
        if self._inset_slice is not None:
            axes.append((mapfig.inset_ax, np.asarray(mapfig.inset_rows, dtype=int)))
        for ax, rows in axes:
            if not len(rows):
                continue
            low = ax.transData.transform(extents[rows, :2])
            high = ax.transData.transform(extents[rows, 2:])
            # Two pixels of slack: simplification moves vertices by up to 1/9 px.
            column0 = np.maximum(0, np.floor(low[:, 0]).astype(int) - 2)
            column1 = np.minimum(width, np.ceil(high[:, 0]).astype(int) + 2)
            row0 = np.maximum(0, np.floor(height - high[:, 1]).astype(int) - 2)
            row1 = np.minimum(height, np.ceil(height - low[:, 1]).astype(int) + 2)
            for row, c0, c1, r0, r1 in zip(rows.tolist(), column0.tolist(), column1.tolist(),
                                           row0.tolist(), row1.tolist(), strict=True):
                if c0 < c1 and r0 < r1:
                    boxes[row].append((slice(r0, r1), slice(c0, c1)))
        return boxes

    def _tiny_region_pixels(self) -> np.ndarray:
        """Where the sea may hide a region too small to cover a pixel's centre.

        The index raster leaves out a reef smaller than a pixel, though the vector
        outline shows it; hit tests over these pixels of sea ask the geometry.
        """
        mapfig = self.mapfig
        assert self.codes is not None  # asked for after a render
        height, width = self.codes.shape
        near = np.zeros((height, width), dtype=bool)
        extents, owners = mapfig.part_extents()
        axes = [(mapfig.ax, np.arange(len(extents)))]
        if self._inset_slice is not None:
            axes.append((mapfig.inset_ax, np.flatnonzero(np.isin(owners, mapfig.inset_rows))))
        for ax, parts in axes:
            if not len(parts):
                continue
            low = ax.transData.transform(extents[parts, :2])
            high = ax.transData.transform(extents[parts, 2:])
            tiny = ((high - low) < 3.0).any(axis=1)
            for (x0, y0), (x1, y1) in zip(low[tiny], high[tiny], strict=True):
                columns = slice(max(0, int(x0) - 2), max(0, min(width, int(x1) + 3)))
                rows_ = slice(max(0, int(height - y1) - 2), max(0, min(height, int(height - y0) + 3)))
                near[rows_, columns] = True
        return near

    def _inset_pixels(self, renderer) -> tuple[slice, slice]:
        """The buffer rows and columns whose centres lie inside the inset's frame."""
        return _pixels_inside(self.mapfig.inset_ax.bbox, renderer.width, renderer.height)

    # ---- composing ----------------------------------------------------------------------
    def colour_table(self) -> np.ndarray:
        """uint32 RGBA per code: outside, sea, then each region blended over the sea."""
        mapfig = self.mapfig
        sea = np.array(to_rgba(mapfig.ax.get_facecolor()))
        outside = np.array(to_rgba(mapfig.figure.get_facecolor()))
        fills = mapfig.facecolors
        alpha = fills[:, 3:4]
        fills = np.column_stack([fills[:, :3] * alpha + sea[:3] * (1 - alpha), np.ones(len(fills))])
        table = np.vstack([outside, sea, fills])
        table[:, 3] = 1.0  # an opaque picture: the canvas paints it without erasing first
        return _pack(np.round(np.clip(table, 0, 1) * 255).astype(np.uint8))

    def _compose(self, renderer, legend: _Overlay | None) -> None:
        mapfig = self.mapfig
        assert self._fills is not None and self._labels is not None  # prepare() built them
        buffer = np.asarray(renderer.buffer_rgba())
        pixels = buffer.reshape(-1, 4).view(np.uint32).reshape(-1)
        np.copyto(pixels, self._fills.update(self.colour_table()))
        main_marks = [a for a in (mapfig.highlight_overlay, mapfig.selection_overlay)
                      if a.get_visible() and len(a.get_paths())]
        inset_marks = [a for a in (mapfig.inset_highlight_overlay, mapfig.inset_selection_overlay)
                       if a.get_visible() and len(a.get_paths())]
        # The inset lies over sea only (MapFigure._layout keeps land from under it), so
        # the main map's outlines never reach into it.
        for artist in main_marks:
            mapfig.ax.draw_artist(artist)
        if self._inset_slice is not None:
            for artist in inset_marks:
                mapfig.inset_ax.draw_artist(artist)
        self._labels.blend_into(pixels)
        if legend is not None:
            legend.blend_into(pixels)

    # ---- hit testing --------------------------------------------------------------------
    def row_at_display(self, x: float, y: float) -> int | None:
        """The region at display point ``(x, y)`` (pixels, origin bottom left), or None.

        Inside a region, away from its border, one pixel of the index raster answers;
        near a border, over the sea, or before the first draw the geometry does.
        """
        codes = self.codes
        if codes is None or not self.is_current():
            return self.mapfig.row_at_display(x, y)
        height, width = codes.shape
        column, row = int(np.floor(x)), int(np.floor(height - y))
        if not (0 <= row < height and 0 <= column < width):
            return self.mapfig.row_at_display(x, y)
        code = int(codes[row, column])
        if code == SEA:
            # A sea pixel beside the land may hold a sliver of the coast (its centre is
            # at sea): there the geometry answers.
            if (codes[max(0, row - 1):row + 2, max(0, column - 1):column + 2] >= FIRST_REGION).any():
                return self.mapfig.row_at_display(x, y)
            if self._islands is None:
                self._islands = self._tiny_region_pixels()
        if code == OUTSIDE or (code == SEA and not cast(np.ndarray, self._islands)[row, column]):
            return None
        if code >= FIRST_REGION and 0 < row < height - 1 and 0 < column < width - 1:
            block = codes[row - 1:row + 2, column - 1:column + 2]
            if (block == code).all():
                return code - FIRST_REGION
        return self.mapfig.row_at_display(x, y)


def _close_gaps(codes: np.ndarray) -> None:
    """Give a sea pixel between two region pixels (left and right, or above and below)
    the region on its left (or above), in place.

    Neighbouring regions simplified each on its own no longer share their border
    exactly; a fill that takes a pixel only when its centre is inside (Qt's) leaves
    one-pixel slivers of sea between them, which Agg covers by taking every pixel a
    region touches. Measured on county views, this leaves fewer sea specks inside the
    land than Agg's picture has (``tests/test_index_painter.py``).
    """
    for middle, before, after in ((codes[:, 1:-1], codes[:, :-2], codes[:, 2:]),
                                  (codes[1:-1, :], codes[:-2, :], codes[2:, :])):
        gap = (middle == SEA) & (before >= FIRST_REGION) & (after >= FIRST_REGION)
        np.copyto(middle, before, where=gap)


def _pixels_inside(box, width: int, height: int) -> tuple[slice, slice]:
    """The rows and columns of a ``width`` x ``height`` picture whose pixel centres lie
    inside ``box`` (display coordinates, origin at the bottom left)."""
    column0 = max(0, int(np.ceil(box.x0 - 0.5)))
    column1 = min(width, int(np.ceil(box.x1 - 0.5)))
    row0 = max(0, int(np.ceil(height - box.y1 - 0.5)))
    row1 = min(height, int(np.ceil(height - box.y0 - 0.5)))
    return slice(row0, row1), slice(column0, column1)


def _hide(stack: ExitStack, artist) -> None:
    stack.callback(artist.set_visible, artist.get_visible())
    artist.set_visible(False)


def _place_axes(mapfig) -> None:
    """Place the main map and the inset as the next draw will (their limits and boxes
    follow their aspect), leaving the figure as stale as it was: applying an aspect
    marks it stale, changed or not, and a stale figure is redrawn whole."""
    figure = mapfig.figure
    was_stale = figure.stale
    _apply_aspect(mapfig.ax)
    _apply_aspect(mapfig.inset_ax)
    figure.stale = was_stale


def _apply_aspect(ax) -> None:
    """Place ``ax`` as its next draw will (an inset follows its locator first)."""
    locator = ax.get_axes_locator()
    ax.apply_aspect(locator(ax, None) if locator else None)


def _swap_paths(stack: ExitStack, collection, paths: list) -> None:
    stack.callback(collection.set_paths, collection.get_paths())
    collection.set_paths(paths)


def _restyle(stack: ExitStack, patch, facecolor, antialiased: bool) -> None:
    stack.callback(patch.set_antialiased, patch.get_antialiased())
    stack.callback(patch.set_facecolor, patch.get_facecolor())
    patch.set_facecolor(facecolor)
    patch.set_antialiased(antialiased)


def _restyle_collection(stack: ExitStack, collection, facecolor, edgecolor=None,
                        linewidth: float | None = None, antialiased: bool | None = None) -> None:
    stack.callback(collection.set_facecolor, collection.get_facecolor().copy())
    collection.set_facecolor(facecolor)
    if edgecolor is not None:
        stack.callback(collection.set_edgecolor, collection.get_edgecolor().copy())
        collection.set_edgecolor(edgecolor)
    if linewidth is not None:
        stack.callback(collection.set_linewidth, np.array(collection.get_linewidth(), copy=True))
        collection.set_linewidth(linewidth)
    if antialiased is not None:
        # Collections have no public getter; the map's collections are antialiased.
        stack.callback(collection.set_antialiased, True)
        collection.set_antialiased(antialiased)
