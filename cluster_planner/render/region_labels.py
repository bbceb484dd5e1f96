"""Region names on the map, sized to the zoom and placed without collisions (Qt-free).

At the whole-country view only regions wide enough for their name are named (Xinjiang,
Inner Mongolia...); zooming in names more of them, in a font that grows with the
region's width on screen (6.5 to 11 pt). Names are placed largest region first and
skipped where they would cover a name already placed, a city's label or its dot. The
names are ordinary matplotlib texts in the main axes, so the window's cached picture of
a view (``render.raster``'s static layer) and exported pictures draw them like the
borders.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import patheffects

from cluster_planner.render.labels import CANDIDATES, text_size

MIN_POINTS, MAX_POINTS = 6.5, 11.0
#: Never more names than this at once (a county view stays readable).
MAX_NAMES = 90
NAME_COLOUR = "#202020"


class RegionLabels:
    """The region names of one :class:`~cluster_planner.render.mapfigure.MapFigure`."""

    def __init__(self, mapfig: Any, language: str = "zh"):
        self.mapfig = mapfig
        self.language = language
        points = np.asarray(mapfig.representative_points(), dtype=float)
        self._points = points
        self._extents = np.asarray(mapfig.region_extents(), dtype=float)
        halo = [patheffects.withStroke(linewidth=2.0, foreground="white")]
        self.texts = [
            mapfig.ax.text(x, y, "", ha="center", va="center", fontsize=MIN_POINTS, color=NAME_COLOUR,
                           zorder=4.5, clip_on=True, visible=False, path_effects=halo)
            for x, y in points
        ]
        self.set_language(language)
        self._connection = mapfig.ax.callbacks.connect("xlim_changed", lambda _ax: self.update())
        self.update()

    def set_language(self, language: str) -> None:
        """Name the regions in ``language`` (``zh`` or ``en``) and place them again."""
        self.language = language
        layer = self.mapfig.layer
        for code, text in zip(layer.codes, self.texts, strict=True):
            text.set_text(str(layer.name(code, language)))
        self.update()

    def shown(self) -> list[Any]:
        """The texts on the map now."""
        return [text for text in self.texts if text.get_visible()]

    def _city_boxes(self, to_px, px_per_pt: float) -> list[tuple[float, float, float, float]]:
        boxes = []
        for label in getattr(self.mapfig, "city_labels", []):
            x, y = to_px(label.xy)
            width, height = text_size(label.get_text(), label.get_fontsize())
            dx, dy = label.xyann
            ha, va = label.get_horizontalalignment(), label.get_verticalalignment()
            candidate = next((c for c in CANDIDATES if c[2:] == (ha, va)), CANDIDATES[0])
            left = x + dx * px_per_pt - {"left": 0, "right": width, "center": width / 2}[candidate[2]] * px_per_pt
            bottom = y + dy * px_per_pt - {"bottom": 0, "baseline": 0.2 * height, "top": height,
                                           "center": height / 2}[candidate[3]] * px_per_pt
            boxes.append((left, bottom, left + width * px_per_pt, bottom + height * px_per_pt))
            boxes.append((x - 4, y - 4, x + 4, y + 4))  # the dot
        return boxes

    def update(self) -> None:
        """Choose, size and place the names for the current view."""
        ax = self.mapfig.ax
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        box = ax.bbox
        if x1 <= x0 or box.width <= 0:
            return
        scale = box.width / (x1 - x0)  # display pixels per kilometre
        px_per_pt = self.mapfig.figure.dpi / 72.0
        points, extents = self._points, self._extents
        inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)
        widths = (extents[:, 2] - extents[:, 0]) * scale
        heights = (extents[:, 3] - extents[:, 1]) * scale
        to_px = ax.transData.transform
        placed = self._city_boxes(to_px, px_per_pt)
        shown = 0
        for row in np.argsort(-(widths * heights)):
            text = self.texts[row]
            name = text.get_text()
            visible = False
            if inside[row] and shown < MAX_NAMES and name:
                # The name fills at most ~70% of the region's width on screen.
                unit_width, unit_height = text_size(name, 1.0)
                size = min(MAX_POINTS, 0.7 * widths[row] / (unit_width * px_per_pt),
                           0.8 * heights[row] / (unit_height * px_per_pt))
                if size >= MIN_POINTS:
                    width, height = text_size(name, size)
                    cx, cy = to_px(points[row])
                    half_w, half_h = width * px_per_pt / 2, height * px_per_pt / 2
                    candidate = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
                    if not any(candidate[0] < o[2] and o[0] < candidate[2] and candidate[1] < o[3]
                               and o[1] < candidate[3] for o in placed):
                        placed.append(candidate)
                        text.set_fontsize(round(size * 2) / 2)
                        visible = True
                        shown += 1
            if text.get_visible() != visible:
                text.set_visible(visible)
