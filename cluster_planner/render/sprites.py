"""The city labels, markers and title as small pictures placed per view.

Drawing the twelve city labels with their white halo is 10-30 ms of text layout and
glyph paths per view. They never change shape when the view moves, only place: each
label and marker is pictured once (per language, title and size) by
:class:`LabelSprites`, and a view pastes them at the pixel where its cities fall. The
rules are the vector picture's: a label shows while its city is inside the map
(matplotlib's ``annotation_clip``), markers are clipped to the map, the title and the
boundary data's attribution stay.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np


@dataclass
class Sprite:
    """A straight-alpha RGBA picture and where it sat on its reference frame."""

    rgba: np.ndarray  # (h, w, 4) uint8
    row: int
    column: int
    anchor: tuple[float, float] | None  # display point it follows (None: fixed)


def crop(picture: np.ndarray, anchor: tuple[float, float] | None) -> Sprite | None:
    """The visible part of a full-frame ``picture`` as a sprite (None when blank)."""
    rows = np.flatnonzero(picture[..., 3].any(axis=1))
    if not len(rows):
        return None
    columns = np.flatnonzero(picture[rows[0]:rows[-1] + 1, :, 3].any(axis=0))
    block = picture[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1].copy()
    return Sprite(block, int(rows[0]), int(columns[0]), anchor)


def paste(canvas: np.ndarray, sprite: Sprite, row: int, column: int,
          clip: tuple[int, int, int, int] | None = None) -> tuple[int, int, int, int] | None:
    """Composite ``sprite`` over ``canvas`` (straight alpha) with its corner at (row, column).

    ``clip`` (row0, row1, column0, column1) limits where it may land. Returns the box
    written (row0, row1, column0, column1), None if nothing.
    """
    height, width = canvas.shape[:2]
    row0, row1, column0, column1 = clip if clip is not None else (0, height, 0, width)
    top, left = max(row, row0, 0), max(column, column0, 0)
    bottom = min(row + sprite.rgba.shape[0], row1, height)
    right = min(column + sprite.rgba.shape[1], column1, width)
    if top >= bottom or left >= right:
        return None
    over = sprite.rgba[top - row:bottom - row, left - column:right - column].astype(np.float32) / 255
    under = canvas[top:bottom, left:right].astype(np.float32) / 255
    over_alpha, under_alpha = over[..., 3:4], under[..., 3:4]
    alpha = over_alpha + under_alpha * (1 - over_alpha)
    rgb = over[..., :3] * over_alpha + under[..., :3] * under_alpha * (1 - over_alpha)
    rgb = np.divide(rgb, alpha, out=np.zeros_like(rgb), where=alpha > 0)
    canvas[top:bottom, left:right, :3] = np.round(rgb * 255)
    canvas[top:bottom, left:right, 3:4] = np.round(alpha * 255)
    return top, bottom, left, right


class LabelSprites:
    """The labels layer of a :class:`~cluster_planner.render.mapfigure.MapFigure`, pasted.

    Parameters
    ----------
    mapfig : MapFigure
    render : callable
        ``render(renderer, configure) -> (h, w, 4) uint8``: the figure drawn in
        ``renderer`` with only what ``configure(stack)`` leaves visible
        (``RasterView._render``).
    show_only : callable
        ``show_only(stack, artists)``: hide everything but ``artists``.
    """

    def __init__(self, mapfig, render: Callable, show_only: Callable):
        self.mapfig = mapfig
        self._render = render
        self._show_only = show_only
        self._key: tuple | None = None
        self._fixed: list[Sprite] = []  # the title and the attribution
        self.boxes: list[tuple[int, int, int, int]] = []  # where the last picture has ink
        self._labels: list[Sprite | None] = []
        self._markers: list[Sprite | None] = []
        self.pictured = 0  # how many times the sprites were drawn (tests)

    def picture(self, renderer) -> np.ndarray:
        """The labels layer of the current view: (height, width, 4) straight RGBA.

        ``renderer`` (of the figure's size) serves as a scratch buffer when the
        sprites are pictured.
        """
        mapfig = self.mapfig
        width, height = int(renderer.width), int(renderer.height)
        key = (width, height, mapfig.figure.dpi, mapfig.ax.bbox.bounds, mapfig.decoration_version)
        if key != self._key:
            self._picture_sprites(renderer)
            self._key = key
        canvas = np.zeros((height, width, 4), dtype=np.uint8)
        self.boxes = []
        box = mapfig.ax.bbox
        clip = (int(np.ceil(height - box.y1 - 0.5)), int(np.ceil(height - box.y0 - 0.5)),
                int(np.ceil(box.x0 - 0.5)), int(np.ceil(box.x1 - 0.5)))
        to_display = mapfig.ax.transData
        markers = mapfig.city_markers
        if markers is not None and markers.get_visible():
            for sprite, point in zip(self._markers, to_display.transform(markers.get_offsets()), strict=False):
                if sprite is not None:
                    self._place(canvas, sprite, point, height, clip)
        for label, sprite in zip(mapfig.city_labels, self._labels, strict=True):
            if sprite is None or not label.get_visible():
                continue
            x, y = to_display.transform(label.xy)
            if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1:  # as annotation_clip
                self._place(canvas, sprite, (x, y), height, None)
        for sprite in self._fixed:
            self._note(paste(canvas, sprite, sprite.row, sprite.column))
        return canvas

    def _place(self, canvas, sprite: Sprite, point, height: int, clip) -> None:
        assert sprite.anchor is not None  # only anchored sprites are placed
        shift_x = round(point[0] - sprite.anchor[0])
        shift_y = round(point[1] - sprite.anchor[1])
        self._note(paste(canvas, sprite, sprite.row - shift_y, sprite.column + shift_x, clip))

    def _note(self, box) -> None:
        if box is not None:
            self.boxes.append(box)

    def _picture_sprites(self, renderer) -> None:
        """Picture the title, the attribution, and each city's label and marker alone, at the city's
        place on this view (the map's middle for a city outside it): pasted back on
        this view, they land exactly where the vector picture draws them."""
        mapfig = self.mapfig
        ax = mapfig.ax
        self.pictured += 1
        self._fixed = []
        for artist in (mapfig.title, mapfig.attribution):
            if artist.get_visible():

                def alone(stack: ExitStack, artist=artist) -> None:
                    self._show_only(stack, [artist])

                sprite = crop(self._render(renderer, alone), None)
                if sprite is not None:
                    self._fixed.append(sprite)
        box = ax.bbox
        middle = tuple(ax.transData.inverted().transform(box.get_points().mean(axis=0)))
        self._labels, self._markers = [], []
        markers = mapfig.city_markers
        offsets = markers.get_offsets().copy() if markers is not None else np.empty((0, 2))
        for k, label in enumerate(mapfig.city_labels):
            place = tuple(map(float, label.xy))
            x, y = ax.transData.transform(place)
            if not (box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1):
                place = middle
            anchor = tuple(ax.transData.transform(place))

            def one_label(stack: ExitStack, label=label, place=place) -> None:
                self._show_only(stack, [label])
                stack.callback(setattr, label, "xy", label.xy)
                label.xy = place

            self._labels.append(crop(self._render(renderer, one_label), anchor))
            if markers is None or k >= len(offsets):
                continue

            def one_marker(stack: ExitStack, k=k, place=place) -> None:
                self._show_only(stack, [markers])
                stack.callback(markers.set_offsets, offsets)
                markers.set_offsets([place])

            self._markers.append(crop(self._render(renderer, one_marker), anchor))
