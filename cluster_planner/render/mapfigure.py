"""The map figure: one region layer drawn once in matplotlib and recoloured in place.

Why one module of about 900 lines: the main map, the South China Sea inset, the city
labels and the legend share one projection and one view state, and the window's raster
view reads them all; split apart, each piece would need the others' internals.

No Qt here: the window (``cluster_planner.qt.map_canvas``) and the picture exports
(:func:`export_figure`) draw the same :class:`MapFigure`.

What is drawn
-------------
- The regions as ONE polygon collection (a ``PathCollection``, the sibling of
  ``PolyCollection`` that takes compound paths as they are, so the paths are built
  once and shared with the inset and overlays) built from the projected rings: a
  multipolygon region is one compound path, and path ``i`` of the collection is row
  ``i`` of ``layer.frame``. Edits recolour it with :meth:`MapFigure.recolour`; nothing
  is ever re-plotted.
- Albers equal-area conic (25N/47N, 105E) in kilometres, see
  :mod:`cluster_planner.render.projection`. ``data`` coordinates below mean these.
- As on the official standard map, the main map stops short of the far south seas and
  an inset at the lower right shows the South China Sea islands (105-125E, 2-25N) with
  the maritime line. The inset is a second collection over the same paths (only the
  regions that reach into it), recoloured together with the main one. It is hidden
  while the main view is zoomed in, where it would cover the map.
- The ecosystem cities as labelled markers (Chinese or English names), a legend, a
  title and the attribution of the boundaries.

Overlays are small separate collections: the selection (thick dark outline), the
highlight (flagged regions, a reddish-purple outline) and the hover outline, which is
``animated`` so a canvas can blit it without redrawing the figure.

The projected paths, the spatial index (on the layer's own lon/lat geometries) and
the province outlines are built once per layer and shared by every map of it. On
screen, :class:`cluster_planner.render.raster.RasterView` draws the figure from
cached view layers instead of its vectors; pictures (:func:`export_figure`) always
draw the vectors.

Run ``python -m cluster_planner.render.mapfigure`` to save a preview to
``/tmp/map_preview.png``.
"""

from __future__ import annotations

import os
import re
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path as FilePath
from typing import cast

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba_array
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.path import Path

from cluster_planner.domain.errors import InputError
from cluster_planner.domain.regions import BOUNDARY_ATTRIBUTIONS
from cluster_planner.render.colouring import NOTHING_GREY, LegendEntries
from cluster_planner.render.fonts import FONT_FAMILY, register_matplotlib_font
from cluster_planner.render.projection import (
    lonlat_to_xy,
    project_coordinates,
    project_geometries,
    projected_bounds,
    xy_to_lonlat,
)

# The South China Sea inset, as on the official standard map.
INSET_LONLAT_BOX = (105.0, 2.0, 125.0, 25.0)
# South of this the main map shows only sea and islands, which the inset covers.
MAIN_MAP_SOUTH_LIMIT = 17.8
# The inset's height as a share of the main map's (the standard map shows it at about
# half the main scale).
INSET_HEIGHT_SHARE = 0.34
# Zoomed in further than this, the inset would hide the map the user is looking at.
INSET_HIDDEN_ABOVE_ZOOM = 1.6
# The closest zoom: about a county's width across the window.
MIN_VIEW_WIDTH_KM = 20.0
SEA_COLOUR = "#f4f8fb"
BOUNDARY_COLOUR = "#ffffff"
PROVINCE_OUTLINE_COLOUR = "#8f8f8f"
BOUNDARY_WIDTH = {"province": 0.6, "prefecture": 0.35, "county": 0.15}
# In the inset the islands are smaller than a pixel; a dark outline keeps them visible.
INSET_EDGE_COLOUR = "#7a7a7a"
SELECTION_COLOUR = "#1a1a1a"
HIGHLIGHT_COLOUR = "#cc79a7"  # Okabe-Ito reddish purple: apart from every fill colour
HOVER_COLOUR = "#000000"
OUTLINE_HALO_COLOUR = "#ffffff"
OUTLINE_HALO_WIDTH = 2.4  # points added to an outline's width for its halo
SEA_LINE_COLOUR = "#4d4d4d"
CITY_COLOUR = "#1a1a1a"
PICTURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
# Legends kept (hidden) for reuse, see MapFigure.set_legend.
LEGENDS_KEPT = 8
_AUTO = object()


def region_paths(geometries) -> tuple[list[Path], np.ndarray]:
    """Projected compound paths, one per region, and the projected geometries.

    Parameters
    ----------
    geometries : array_like of shapely (Multi)Polygons in EPSG:4326

    Returns
    -------
    paths : list of matplotlib.path.Path
        ``paths[i]`` holds every ring of region ``i`` (each starting with MOVETO and
        ending on its first vertex); exteriors run counter-clockwise and holes
        clockwise, so the non-zero fill rule leaves the holes open.
    projected : ndarray of shapely geometries in map kilometres
    """
    geometries = np.asarray(geometries, dtype=object)
    paths, *_rest = _projected_paths(geometries)
    return paths, project_geometries(geometries)


def _projected_paths(geometries: np.ndarray) -> tuple[list[Path], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The paths of :func:`region_paths`, their vertices (one array), the vertices'
    latitudes, and each polygon part's projected bounding box and region.

    Works on the coordinate arrays alone (``shapely.to_ragged_array``), so no projected
    copy of the geometries is made: at county level that copy would hold ~30 MB.
    """
    n = len(geometries)
    if n == 0:
        return [], np.empty((0, 2)), np.empty(0), np.empty((0, 4)), np.empty(0, dtype=int)
    kind, lonlat, offsets = shapely.to_ragged_array(geometries, include_z=False)
    if kind == shapely.GeometryType.POLYGON:
        (ring_offsets, polygon_offsets), region_offsets = offsets, np.arange(n + 1)
    else:
        ring_offsets, polygon_offsets, region_offsets = offsets
    vertices = project_coordinates(lonlat)
    ring_starts, ring_ends = ring_offsets[:-1], ring_offsets[1:]
    # Exteriors counter-clockwise, holes clockwise (shoelace sums per ring; the term
    # joining one ring to the next is taken out again).
    x, y = vertices[:, 0], vertices[:, 1]
    cross = np.append(x[:-1] * y[1:] - x[1:] * y[:-1], 0.0)
    twice_area = np.add.reduceat(cross, ring_starts) - cross[ring_ends - 1]
    is_exterior = np.zeros(len(ring_starts), dtype=bool)
    is_exterior[polygon_offsets[:-1][np.diff(polygon_offsets) > 0]] = True
    flip = np.flatnonzero((twice_area > 0) != is_exterior)
    if len(flip):
        order = np.arange(len(vertices))
        for ring in flip.tolist():
            order[ring_starts[ring]:ring_ends[ring]] = order[ring_starts[ring]:ring_ends[ring]][::-1]
        vertices, lonlat = vertices[order], lonlat[order]

    codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
    codes[ring_starts] = Path.MOVETO
    # No CLOSEPOLY: shapely rings already end on their first vertex, and Agg draws
    # paths of MOVETO/LINETO codes only about a third faster (measured on the county
    # and prefecture layers; the picture is the same).
    splits = ring_offsets[polygon_offsets[region_offsets[1:-1]]]
    paths = [Path(v, c, readonly=True)
             for v, c in zip(np.split(vertices, splits), np.split(codes, splits), strict=True)]
    # A part's exterior ring bounds it (holes lie inside).
    exteriors = polygon_offsets[:-1][np.diff(polygon_offsets) > 0]
    part_starts = ring_offsets[exteriors]
    part_extents = np.column_stack([np.minimum.reduceat(vertices, part_starts),
                                    np.maximum.reduceat(vertices, part_starts)]) if len(part_starts) else np.empty((0, 4))
    # reduceat runs to the next start; cut each part at its exterior's end instead.
    if len(part_starts):
        ends = ring_offsets[exteriors + 1]
        for k in np.flatnonzero(np.append(part_starts[1:], len(vertices)) != ends).tolist():
            part = vertices[part_starts[k]:ends[k]]
            part_extents[k] = (*part.min(axis=0), *part.max(axis=0))
    region_of_polygon = np.repeat(np.arange(n), np.diff(region_offsets))
    part_region = region_of_polygon[np.flatnonzero(np.diff(polygon_offsets) > 0)]
    return paths, vertices, lonlat[:, 1].copy(), part_extents, part_region


def lines_path(lines) -> Path | None:
    """One projected path (MOVETO/LINETO) through every line of an array of lon/lat lines."""
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    if len(coords) == 0:
        return None
    coords = project_coordinates(coords)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[0] = Path.MOVETO
    codes[np.flatnonzero(np.diff(owner)) + 1] = Path.MOVETO
    return Path(coords, codes, readonly=True)


class _LayerGeometry:
    """What a map needs from a layer's geometry, built once per layer and shared.

    Layers are loaded once per level and read-only, so maps of the same layer (the
    window's, after switching levels back, and every exported picture) reuse the
    projected paths, the spatial index and the province outlines.
    """

    def __init__(self, layer, level: str):
        frame = layer.frame
        # The layer's own lon/lat geometries serve hit tests and unions; the map keeps
        # only the projected vertices (in the paths), never a projected copy of them.
        self.lonlat = np.asarray(frame.geometry.to_numpy(), dtype=object)
        (self.paths, self.vertices, self.latitudes, self.part_extents,
         self.part_region) = _projected_paths(self.lonlat)
        self.tree = shapely.STRtree(self.lonlat)
        self._provinces = (frame["province"].to_numpy(dtype=str)
                           if level != "province" and "province" in frame.columns and len(frame)
                           else None)
        self._outline: Path | None = None
        self._projected: np.ndarray | None = None
        self._points: np.ndarray | None = None
        self._extents: np.ndarray | None = None

    def extents(self) -> np.ndarray:
        """``(n, 4)`` projected bounding boxes ``x0, y0, x1, y1`` of the regions."""
        if self._extents is None:
            starts: np.ndarray = np.cumsum([0] + [len(path.vertices) for path in self.paths[:-1]])  # type: ignore[arg-type]  # matplotlib's stub: Path.vertices is an ndarray, not ArrayLike
            vertices = self.vertices
            extents = np.zeros((len(self.paths), 4))
            if len(vertices):
                nonempty = np.array([len(path.vertices) > 0 for path in self.paths])  # type: ignore[arg-type]  # matplotlib's stub: Path.vertices is an ndarray, not ArrayLike
                lows = np.minimum.reduceat(vertices, starts[nonempty])
                highs = np.maximum.reduceat(vertices, starts[nonempty])
                extents[nonempty] = np.column_stack([lows, highs])
            self._extents = extents
        return self._extents

    @property
    def projected(self) -> np.ndarray:
        """The regions as shapely geometries in map kilometres (built on first use)."""
        if self._projected is None:
            self._projected = project_geometries(self.lonlat)
        return self._projected

    def representative_points(self) -> np.ndarray:
        """One projected point inside each region, ``(n, 2)``.

        Found in lon/lat and projected: the projection maps a region's inside onto
        the inside of its projected shape.
        """
        if self._points is None:
            self._points = project_coordinates(shapely.get_coordinates(shapely.point_on_surface(self.lonlat)))
        return self._points

    def province_outline(self) -> Path | None:
        """The provinces' outlines as one path (None at province level).

        Each outline is the union of a province's regions (a coverage union, so it
        follows the regions' own shared vertices exactly; ~20-50 ms once per layer).
        """
        if self._provinces is None:
            return None
        if self._outline is None:
            provinces = self._provinces
            outlines = [shapely.boundary(shapely.coverage_union_all(self.lonlat[provinces == code]))
                        for code in np.unique(provinces)]
            self._outline = lines_path(shapely.get_parts(np.asarray(outlines, dtype=object)))
        return self._outline


_GEOMETRY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _layer_geometry(layer, level: str) -> _LayerGeometry:
    try:
        cached = _GEOMETRY.get(layer)
    except TypeError:  # a layer that cannot be weakly referenced: nothing is kept
        return _LayerGeometry(layer, level)
    if cached is None or len(cached.paths) != len(layer.frame):
        cached = _GEOMETRY[layer] = _LayerGeometry(layer, level)
    return cached


def _line_segments(geometry) -> list[np.ndarray]:
    """Projected vertex arrays of every line in a sea-line object (geometry or frame)."""
    if geometry is None:
        return []
    if hasattr(geometry, "geometry"):  # GeoDataFrame
        geometry = geometry.geometry
    geoms = np.atleast_1d(np.asarray(geometry, dtype=object))
    parts = shapely.get_parts(geoms)
    lines = []
    for part in parts:
        if part is None or part.is_empty:
            continue
        if part.geom_type == "Polygon":
            part = part.exterior
        lines.append(np.asarray(project_geometries([part])[0].coords)[:, :2])
    return lines


class MapFigure:
    """A region layer drawn into a matplotlib figure, recoloured in place.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure (any canvas: Agg, Qt, SVG, PDF).
    layer : RegionLayer
        Anything with a ``frame`` GeoDataFrame (EPSG:4326, RangeIndex, columns
        ``adcode``, ``name_zh``, ``name_en``, ``geometry``) and, optionally, ``level``.
    sea_line : shapely geometry, GeoSeries or GeoDataFrame, optional
        The South China Sea maritime line.
    cities : iterable of objects with ``name_zh``, ``name_en``, ``lon``, ``lat``
        The ecosystem cities to mark.
    language : {'zh', 'en'}
        Language of the city labels.
    """

    def __init__(self, figure, layer, sea_line=None, cities: Iterable = (), language: str = "zh"):
        register_matplotlib_font()
        self.figure = figure
        self.layer = layer
        frame = layer.frame
        self.codes = frame["adcode"].to_numpy(dtype=str)
        self.level = str(getattr(layer, "level", "") or (frame["level"].iloc[0] if len(frame) else ""))
        self._geometry = _layer_geometry(layer, self.level)
        self.paths = self._geometry.paths
        self._tree = self._geometry.tree
        self.cities = list(cities)
        self.language = language
        self._facecolors = np.tile(to_rgba_array(NOTHING_GREY), (len(self.paths), 1))
        self._selection: np.ndarray = np.empty(0, dtype=int)
        self._highlight: np.ndarray = np.empty(0, dtype=int)
        self._hover: int | None = None
        # Cached pictures of the title and labels (cluster_planner.render.raster) key
        # on this counter, bumped when they change; pictures of the legend key on
        # ``legend_signature``.
        self.decoration_version = 0
        self.legend_signature: tuple = ()
        self._legends: dict[tuple, Legend] = {}

        self._layout()
        self._build_axes()
        self._sea_segments = _line_segments(sea_line)
        self._draw_regions()
        self._draw_province_outlines()
        self._draw_sea_line()
        self._draw_cities()
        self.legend: Legend | None = None
        # A fixed position (not matplotlib's automatic one, which moves the title above
        # whatever it finds at the top of the axes) puts it in the same place in every
        # picture, including the partial ones of cluster_planner.render.raster.
        # User text (a plan's name) is plain text: a "$" must not start math mode.
        self.title = self.ax.set_title("", fontsize=13, family=FONT_FAMILY, y=1.0,
                                       parse_math=False)
        self.attribution = figure.text(0.995, 0.005, _attribution(language),
                                       ha="right", va="bottom",
                                       fontsize=6.5, color="0.35", family=FONT_FAMILY)
        self.reset_view()
        self.ax.callbacks.connect("xlim_changed", self._on_view_changed)
        self._resize_connection = figure.canvas.mpl_connect("resize_event", self.fit_to_axes)

    # ---- building -------------------------------------------------------------------
    def _layout(self) -> None:
        """Place the main map's home extent and the inset, both in data coordinates.

        The home extent is everything north of the far south seas. The inset sits at
        its lower right, scaled to a fixed share of the map's height, and the extent
        grows eastwards until no land (Taiwan, the east coast) lies under the inset.
        Anchoring the inset in data coordinates keeps that true for any window shape.
        """
        projected = self._geometry.vertices
        land = projected[self._geometry.latitudes >= MAIN_MAP_SOUTH_LIMIT]
        if len(land) == 0:
            land = projected if len(projected) else np.array([[-1.0, -1.0], [1.0, 1.0]])
        x0, y0 = land.min(axis=0)
        x1, y1 = land.max(axis=0)
        width, height = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        gap = 0.015 * max(width, height)

        inset_x0, inset_y0, inset_x1, inset_y1 = projected_bounds(*INSET_LONLAT_BOX)
        inset_height = INSET_HEIGHT_SHARE * height
        inset_width = inset_height * (inset_x1 - inset_x0) / (inset_y1 - inset_y0)
        below_inset_top = land[land[:, 1] <= y0 + inset_height + gap]
        east_of_land = below_inset_top[:, 0].max() if len(below_inset_top) else x0
        inset_left = max(east_of_land + gap, x1 - inset_width)
        x1 = max(x1, inset_left + inset_width)

        self.inset_data_bounds = (float(inset_left), float(y0), float(inset_width), float(inset_height))
        self.inset_view = ((inset_x0, inset_x1), (inset_y0, inset_y1))
        self.home_limits = ((float(x0 - gap), float(x1 + gap)), (float(y0 - gap), float(y1 + gap)))

    def _build_axes(self) -> None:
        fig = self.figure
        fig.set_facecolor("white")
        self.ax = fig.add_axes((0.01, 0.03, 0.98, 0.9))
        self.ax.set_aspect("equal", adjustable="datalim")
        self.ax.set_facecolor(SEA_COLOUR)
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        # No ticks, no labels: hidden axes draw nothing, and cost nothing per draw.
        self.ax.xaxis.set_visible(False)
        self.ax.yaxis.set_visible(False)
        for spine in self.ax.spines.values():
            spine.set_visible(False)
        self.inset_ax = self.ax.inset_axes(self.inset_data_bounds, transform=self.ax.transData,
                                           zorder=6)
        (x0, x1), (y0, y1) = self.inset_view
        self.inset_ax.set_xlim(x0, x1)
        self.inset_ax.set_ylim(y0, y1)
        self.inset_ax.set_aspect("equal", adjustable="box", anchor="SE")
        self.inset_ax.set_facecolor(SEA_COLOUR)
        self.inset_ax.set_xticks([])
        self.inset_ax.set_yticks([])
        self.inset_ax.xaxis.set_visible(False)
        self.inset_ax.yaxis.set_visible(False)
        for spine in self.inset_ax.spines.values():
            spine.set_linewidth(0.8)
            spine.set_edgecolor("0.3")
        # The inset's rectangle is curved in lon/lat: trace its edges back.
        t = np.linspace(0.0, 1.0, 32)
        edge_x = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t, np.full_like(t, x0)])
        edge_y = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 - (y1 - y0) * t])
        inset_area = shapely.Polygon(np.column_stack(xy_to_lonlat(edge_x, edge_y)))
        self.inset_rows = np.sort(self._tree.query(inset_area, predicate="intersects"))

    def _region_collection(self, rows: np.ndarray | None, **style) -> PathCollection:
        paths = self.paths if rows is None else [self.paths[i] for i in rows]
        return PathCollection(paths, **style)

    def _overlay(self, ax, colour: str, width: float, zorder: float, animated: bool = False,
                 linestyle: str = "solid") -> PathCollection:
        overlay = PathCollection([], facecolors="none", edgecolors=colour, linewidths=width,
                                 linestyles=linestyle, zorder=zorder, animated=animated)
        # A light halo under the line: the outline shows on the darkest fill and the lightest.
        overlay.set_path_effects([patheffects.Stroke(linewidth=width + OUTLINE_HALO_WIDTH, foreground=OUTLINE_HALO_COLOUR),
                                  patheffects.Normal()])
        ax.add_collection(overlay, autolim=False)
        return overlay

    def _draw_regions(self) -> None:
        width = BOUNDARY_WIDTH.get(self.level, 0.3)
        # Bevel joins: on sub-pixel borders they look like round ones and draw ~15% faster.
        self.collection = self._region_collection(
            None, facecolors=self._facecolors, edgecolors=BOUNDARY_COLOUR, linewidths=width,
            zorder=1, joinstyle="bevel")
        self.ax.add_collection(self.collection, autolim=False)
        self.inset_collection = self._region_collection(
            self.inset_rows, facecolors=self._facecolors[self.inset_rows],
            edgecolors=INSET_EDGE_COLOUR, linewidths=0.35, zorder=1, joinstyle="bevel")
        self.inset_ax.add_collection(self.inset_collection, autolim=False)
        # The inset shows a subset of rows; this maps a layer row to its inset position.
        self._inset_position = np.full(len(self.paths), -1)
        self._inset_position[self.inset_rows] = np.arange(len(self.inset_rows))

        self.highlight_overlay = self._overlay(self.ax, HIGHLIGHT_COLOUR, 1.8, 2.5)
        self.selection_overlay = self._overlay(self.ax, SELECTION_COLOUR, 1.6, 3)
        self.hover_overlay = self._overlay(self.ax, HOVER_COLOUR, 1.2, 4, animated=True)
        self.inset_highlight_overlay = self._overlay(self.inset_ax, HIGHLIGHT_COLOUR, 1.4, 2.5)
        self.inset_selection_overlay = self._overlay(self.inset_ax, SELECTION_COLOUR, 1.2, 3)
        self.inset_hover_overlay = self._overlay(self.inset_ax, HOVER_COLOUR, 1.0, 4, animated=True)

    def _draw_province_outlines(self) -> None:
        """Below province level, draw the provinces' outlines over the finer regions."""
        self.province_outlines = None
        outline = self._geometry.province_outline()
        if outline is None:
            return
        self.province_outlines = PathCollection([outline], facecolors="none",
                                                edgecolors=PROVINCE_OUTLINE_COLOUR, linewidths=0.7,
                                                zorder=1.5, capstyle="butt", joinstyle="bevel")
        self.ax.add_collection(self.province_outlines, autolim=False)

    def _draw_sea_line(self) -> None:
        self.sea_line_artists = []
        if not self._sea_segments:
            return
        for ax, width in ((self.ax, 0.9), (self.inset_ax, 0.9)):
            lines = LineCollection(self._sea_segments, colors=SEA_LINE_COLOUR, linewidths=width,
                                   zorder=2, capstyle="butt")
            ax.add_collection(lines, autolim=False)
            self.sea_line_artists.append(lines)

    def _draw_cities(self) -> None:
        self.city_labels = []
        self.city_markers = None
        if not self.cities:
            return
        x, y = lonlat_to_xy(np.array([c.lon for c in self.cities], dtype=float),
                            np.array([c.lat for c in self.cities], dtype=float))
        # White dots ringed in near-black read on every fill colour, including the
        # severity oranges.
        self.city_markers = self.ax.scatter(x, y, s=18, marker="o", c="white",
                                            edgecolors=CITY_COLOUR, linewidths=1.1, zorder=5)
        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        for city, cx, cy in zip(self.cities, x, y, strict=True):
            label = self.ax.annotate(
                self._city_name(city), (cx, cy), xytext=(4, 3), textcoords="offset points",
                fontsize=8, family=FONT_FAMILY, color="#222222", zorder=5,
                path_effects=halo, annotation_clip=True)
            self.city_labels.append(label)
        self._place_city_labels()

    def _place_city_labels(self) -> None:
        """Move city labels apart where they would cover each other at the whole-country
        view (Shenzhen's used to cover Guangzhou's); zoomed in they only spread further."""
        from cluster_planner.render.labels import place_labels, text_size

        if not self.city_labels:
            return
        (x0, x1), (y0, y1) = self.home_limits
        box = self.ax.get_position(original=True).transformed(self.figure.transFigure)
        # Kilometres to points at the home view (the axes keep km square).
        scale = min(box.width / (x1 - x0), box.height / (y1 - y0)) * 72.0 / self.figure.dpi
        points = [(label.xy[0] * scale, label.xy[1] * scale) for label in self.city_labels]
        sizes = [text_size(label.get_text(), label.get_fontsize()) for label in self.city_labels]
        changed = False
        for label, placement in zip(self.city_labels, place_labels(points, sizes), strict=True):
            wanted = ((placement.dx, placement.dy), placement.ha, placement.va)
            if (tuple(label.xyann), label.get_horizontalalignment(), label.get_verticalalignment()) != wanted:
                label.xyann = wanted[0]
                label.set_horizontalalignment(placement.ha)
                label.set_verticalalignment(placement.va)
                changed = True
        if changed and hasattr(self, "title"):  # (built already: pictures of the labels are stale)
            self.decoration_version += 1

    def _city_name(self, city) -> str:
        return city.name_zh if self.language == "zh" else city.name_en

    # ---- state ----------------------------------------------------------------------
    @property
    def facecolors(self) -> np.ndarray:
        """The current face colours, ``(n, 4)`` in layer row order (a copy)."""
        return self._facecolors.copy()

    def __len__(self) -> int:
        return len(self.paths)

    def recolour(self, facecolors) -> None:
        """Set every region's fill colour in place (main map and inset).

        Parameters
        ----------
        facecolors : array_like, shape (n, 4) or (n, 3)
            RGBA (or RGB) in 0..1, in layer row order.
        """
        colours = np.asarray(facecolors, dtype=float)
        if colours.ndim != 2 or colours.shape[0] != len(self.paths) or colours.shape[1] not in (3, 4):
            raise ValueError(f"need ({len(self.paths)}, 4) face colours, got shape {colours.shape}")
        if colours.shape[1] == 3:
            colours = np.column_stack([colours, np.ones(len(colours))])
        self._facecolors = colours
        self.collection.set_facecolor(colours)  # type: ignore[arg-type]  # matplotlib's stub: an (n, 4) array is a colour list
        self.inset_collection.set_facecolor(colours[self.inset_rows])

    def _rows(self, indices) -> np.ndarray:
        rows = np.unique(np.asarray(list(indices), dtype=int))
        if len(rows) and (rows[0] < 0 or rows[-1] >= len(self.paths)):
            raise IndexError(f"region rows must lie in 0..{len(self.paths) - 1}")
        return rows

    def _set_overlay(self, main: PathCollection, inset: PathCollection, rows: np.ndarray) -> None:
        main.set_paths([self.paths[i] for i in rows])
        in_inset = rows[self._inset_position[rows] >= 0] if len(rows) else rows
        inset.set_paths([self.paths[i] for i in in_inset])

    def set_selection(self, indices: Iterable[int]) -> None:
        """Outline the selected regions (layer rows)."""
        self._selection = self._rows(indices)
        self._set_overlay(self.selection_overlay, self.inset_selection_overlay, self._selection)

    @property
    def selection(self) -> list[int]:
        return self._selection.tolist()

    def set_highlight(self, indices: Iterable[int]) -> None:
        """Outline flagged regions (layer rows) in the highlight colour."""
        self._highlight = self._rows(indices)
        self._set_overlay(self.highlight_overlay, self.inset_highlight_overlay, self._highlight)

    @property
    def highlight(self) -> list[int]:
        return self._highlight.tolist()

    def set_hover(self, index: int | None) -> bool:
        """Move the hover outline to region ``index`` (or hide it); True if it changed.

        The hover overlays are animated: a full draw skips them, and the canvas blits
        them with :meth:`draw_animated`.
        """
        if index == self._hover:
            return False
        self._hover = index
        rows = np.empty(0, dtype=int) if index is None else np.array([index])
        self._set_overlay(self.hover_overlay, self.inset_hover_overlay, rows)
        return True

    @property
    def hover(self) -> int | None:
        return self._hover

    def draw_animated(self) -> None:
        """Draw the animated hover outlines onto the canvas's current renderer."""
        if self._hover is None:
            return
        self.ax.draw_artist(self.hover_overlay)
        if self.inset_ax.get_visible():
            self.inset_ax.draw_artist(self.inset_hover_overlay)

    def set_legend(self, entries: Sequence[tuple[str, Sequence[float]]], title: str | None = None) -> None:
        """Replace the legend (lower left) with ``(label, rgba)`` entries.

        The last few legends stay in the axes, hidden, so that going back to one (an
        edit adds a class to the counts, its undo removes it) builds nothing new.
        """
        signature = (tuple((str(label), tuple(map(float, rgba))) for label, rgba in entries), title)
        self.legend_signature = signature
        if self.legend is not None:
            self.legend.set_visible(False)
            self.legend = None
        if not entries:
            return
        legend = self._legends.pop(signature, None)
        if legend is None:
            handles = [Patch(facecolor=rgba, edgecolor="0.55", linewidth=0.5, label=label)  # type: ignore[arg-type]  # matplotlib's stub: any RGBA sequence is a colour
                       for label, rgba in entries]
            legend = Legend(self.ax, handles, [label for label, _ in entries], loc="lower left",
                            title=title, fontsize=8, title_fontsize=8.5, frameon=True,
                            framealpha=0.9, edgecolor="0.8", prop={"family": FONT_FAMILY, "size": 8})
            legend.set_zorder(7)
            self.ax.add_artist(legend)
        legend.set_visible(True)
        self._legends[signature] = legend  # most recently used last
        while len(self._legends) > LEGENDS_KEPT:
            self._legends.pop(next(iter(self._legends))).remove()
        self.legend = legend

    def legend_entries(self) -> LegendEntries:
        """The legend as shown: ``(label, rgba)`` pairs."""
        if self.legend is None:
            return []
        return [(text.get_text(), cast(tuple[float, float, float, float], tuple(patch.get_facecolor())))
                for text, patch in zip(self.legend.get_texts(), self.legend.get_patches(), strict=True)]

    def set_title(self, text: str) -> None:
        """Set the title above the map (plain text, one line, at most
        :data:`MAX_TITLE_CHARACTERS` characters)."""
        text = picture_text(text)
        if text != self.title.get_text():
            self.decoration_version += 1
        self.title.set_text(text)

    def set_language(self, language: str) -> None:
        """Show city labels and the attribution in Chinese (``'zh'``) or English (``'en'``)."""
        if language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', got {language!r}")
        self.language = language
        self.decoration_version += 1
        self.attribution.set_text(BOUNDARY_ATTRIBUTIONS[language])
        for city, label in zip(self.cities, self.city_labels, strict=True):
            label.set_text(self._city_name(city))
        self._place_city_labels()

    # ---- coordinates and hit testing ------------------------------------------------
    @staticmethod
    def data_to_lonlat(x: float, y: float) -> tuple[float, float]:
        """Map kilometres (data coordinates of both axes) to longitude and latitude."""
        lon, lat = xy_to_lonlat(x, y)
        return float(lon), float(lat)

    @staticmethod
    def lonlat_to_data(lon: float, lat: float) -> tuple[float, float]:
        """Longitude and latitude to the data coordinates of both axes."""
        x, y = lonlat_to_xy(lon, lat)
        return float(x), float(y)

    def hit_test(self, x: float, y: float) -> int | None:
        """The layer row of the region at data point ``(x, y)``, or None over the sea.

        A point on a shared border belongs to the lower row, so the answer is stable.
        """
        if x is None or y is None or not (np.isfinite(x) and np.isfinite(y)):
            return None
        lon, lat = xy_to_lonlat(x, y)
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return int(hits.min()) if len(hits) else None

    def row_at_display(self, x: float, y: float) -> int | None:
        """The layer row of the region at a display point (pixels, origin bottom left).

        The inset is tested first (it lies on top); outside both axes there is none.
        """
        axes = [self.inset_ax, self.ax] if self.inset_ax.get_visible() else [self.ax]
        for ax in axes:
            if ax.bbox.contains(x, y):
                data_x, data_y = ax.transData.inverted().transform((x, y))
                return self.hit_test(data_x, data_y)
        return None

    def representative_points(self) -> np.ndarray:
        """One data point inside each region, ``(n, 2)``; computed on first use."""
        return self._geometry.representative_points()

    def region_extents(self) -> np.ndarray:
        """``(n, 4)`` bounding boxes ``x0, y0, x1, y1`` of the regions (data coordinates)."""
        return self._geometry.extents()

    def part_extents(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounding boxes ``x0, y0, x1, y1`` of every polygon part (islands apart), and
        the layer row each part belongs to."""
        return self._geometry.part_extents, self._geometry.part_region

    def in_inset(self, row: int) -> bool:
        """Whether region ``row`` is drawn in the South China Sea inset too."""
        return bool(self._inset_position[row] >= 0)

    @property
    def projected(self) -> np.ndarray:
        """The regions as shapely geometries in data coordinates (built on first use)."""
        return self._geometry.projected

    def hit_rect(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        """Rows of the regions inside a data rectangle (for the rubber band).

        A region counts as inside when its representative point is, so a box drawn
        around a group of cities does not also catch every neighbour it grazes.
        """
        points = self.representative_points()
        xlo, xhi = sorted((x0, x1))
        ylo, yhi = sorted((y0, y1))
        inside = ((points[:, 0] >= xlo) & (points[:, 0] <= xhi)
                  & (points[:, 1] >= ylo) & (points[:, 1] <= yhi))
        return np.flatnonzero(inside).tolist()

    # ---- view -----------------------------------------------------------------------
    def set_view(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        """Show at least ``xlim`` x ``ylim``, widened to the axes' shape so km stay square.

        Fitting here (rather than leaving it to matplotlib's ``datalim`` adjustment at
        draw time) keeps the requested area fully visible, e.g. Hainan at the bottom.
        """
        (x0, x1), (y0, y1) = map(float, xlim), map(float, ylim)
        self._requested_view = ((x0, x1), (y0, y1))
        box = self.ax.get_position(original=True).transformed(self.figure.transFigure)
        if box.width > 0 and box.height > 0:
            pixel_ratio = box.height / box.width
            width, height = x1 - x0, y1 - y0
            if height / width < pixel_ratio:
                grow = (width * pixel_ratio - height) / 2
                y0, y1 = y0 - grow, y1 + grow
            else:
                grow = (height / pixel_ratio - width) / 2
                x0, x1 = x0 - grow, x1 + grow
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)

    def detach(self) -> None:
        """Stop following the canvas's size (before the figure is cleared for a new map)."""
        self.figure.canvas.mpl_disconnect(self._resize_connection)

    def fit_to_axes(self, _event=None) -> None:
        """Refit the last requested view to the axes' shape (after the figure resized)."""
        self.set_view(*self._requested_view)
        self._place_city_labels()  # the whole-country view is another size now

    def reset_view(self) -> None:
        """Show the whole main map (the far south seas stay in the inset)."""
        self.set_view(*self.home_limits)

    def zoom(self, factor: float, center: tuple[float, float] | None = None) -> None:
        """Zoom the main map by ``factor`` (> 1 in) keeping ``center`` (data) in place."""
        if factor <= 0:
            raise ValueError("zoom factor must be positive")
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        cx, cy = center if center is not None else ((x0 + x1) / 2, (y0 + y1) / 2)
        home_width = self.home_limits[0][1] - self.home_limits[0][0]
        width = x1 - x0
        # Keep the zoom between a county seen close up and twice the whole country.
        factor = float(np.clip(factor, width / (2.0 * home_width), width / MIN_VIEW_WIDTH_KM))
        self.set_view((cx + (x0 - cx) / factor, cx + (x1 - cx) / factor),
                       (cy + (y0 - cy) / factor, cy + (y1 - cy) / factor))

    def pan(self, dx: float, dy: float) -> None:
        """Shift the main map's view by ``(dx, dy)`` data units."""
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        self.set_view((x0 + dx, x1 + dx), (y0 + dy, y1 + dy))

    def zoom_level(self) -> float:
        """How far the view is zoomed in: the home width over the current width."""
        x0, x1 = self.ax.get_xlim()
        return (self.home_limits[0][1] - self.home_limits[0][0]) / max(x1 - x0, 1e-9)

    def _on_view_changed(self, _ax=None) -> None:
        self.inset_ax.set_visible(self.zoom_level() <= INSET_HIDDEN_ABOVE_ZOOM)


def _default_sea_line():
    from cluster_planner.domain.regions import load_sea_line

    return load_sea_line()


def _default_cities():
    from cluster_planner.domain.cities import load_ecosystem_cities

    return load_ecosystem_cities()


def export_figure(layer, facecolors, legend: LegendEntries, title: str, path, dpi: int = 200, *,
                  sea_line=_AUTO, cities=_AUTO, language: str = "zh", legend_title: str | None = None,
                  selection: Iterable[int] = (), highlight: Iterable[int] = (),
                  size_inches: tuple[float, float] = (10.0, 8.0)) -> FilePath:
    """Save the map as a picture (png, svg or pdf by the suffix of ``path``).

    The file is written beside ``path`` under a temporary name and then moved over it,
    so an existing file is never left half-written.

    Parameters
    ----------
    layer : RegionLayer
    facecolors : array_like, shape (n, 4)
        From :mod:`cluster_planner.render.colouring`.
    legend : list of (label, rgba)
    title : str
    path : str or Path
        Output file; ``.png``, ``.svg`` or ``.pdf``.
    dpi : int
        Resolution of a png (and of anything rasterised in pdf/svg).
    sea_line, cities
        Default to the bundled maritime line and ecosystem cities; pass None or ``()``
        to leave them out.
    language : {'zh', 'en'}
        City labels and the attribution line.
    legend_title : str, optional
    selection, highlight : iterable of int
        Layer rows to outline.
    size_inches : (float, float)

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InputError
        Unsupported suffix, or the file cannot be written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = FilePath(path)
    fmt = PICTURE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"cannot draw a map as {path.suffix or 'a file without suffix'}; "
                               "use .png, .svg or .pdf")
    if sea_line is _AUTO:
        sea_line = _default_sea_line()
    if cities is _AUTO:
        cities = _default_cities()
    figure = Figure(figsize=size_inches, dpi=dpi)
    FigureCanvasAgg(figure)
    mapfig = MapFigure(figure, layer, sea_line=sea_line, cities=cities or (), language=language)
    mapfig.recolour(facecolors)
    mapfig.set_legend(legend, title=legend_title)
    mapfig.set_title(title)
    mapfig.set_selection(selection)
    mapfig.set_highlight(highlight)

    folder = path.parent if str(path.parent) else FilePath(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix,
                                             dir=folder)
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            figure.savefig(stream, format=fmt, dpi=dpi, metadata=_metadata(fmt, title, language))
        os.replace(temp_name, path)
    except OSError as error:
        FilePath(temp_name).unlink(missing_ok=True)
        raise InputError(path, f"cannot write the picture: {error.strerror or error}") from error
    except BaseException:
        FilePath(temp_name).unlink(missing_ok=True)
        raise
    return path


#: A plan's name is drawn in full up to this length; longer ones end in an ellipsis (a
#: megabyte of text would overflow FreeType and never fit a picture anyway).
MAX_TITLE_CHARACTERS = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def picture_text(text: str, limit: int = MAX_TITLE_CHARACTERS) -> str:
    """User text as a picture shows it: control characters and line breaks become one
    space, and text beyond ``limit`` characters is cut with an ellipsis."""
    text = _CONTROL.sub(" ", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attribution(language: str) -> str:
    return BOUNDARY_ATTRIBUTIONS.get(language, BOUNDARY_ATTRIBUTIONS["en"])


def _metadata(fmt: str, title: str, language: str = "en") -> dict:
    attribution = _attribution(language)
    title = picture_text(title)
    if fmt == "png":
        return {"Title": title, "Source": attribution}
    if fmt == "pdf":
        return {"Title": title, "Subject": attribution}
    return {"Title": title, "Description": attribution}


def _preview(argv: Sequence[str] | None = None) -> int:
    """Draw the bundled layer coloured by ecosystem cities per region; save a png."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m cluster_planner.render.mapfigure",
                                     description=_preview.__doc__)
    parser.add_argument("--level", default="prefecture", choices=["province", "prefecture", "county"])
    parser.add_argument("--language", default="zh", choices=["zh", "en"])
    parser.add_argument("--out", default="/tmp/map_preview.png")
    args = parser.parse_args(argv)

    from cluster_planner.domain.cities import load_ecosystem_cities
    from cluster_planner.domain.regions import load_layer, load_sea_line
    from cluster_planner.render.colouring import colour_by_count

    started = time.perf_counter()
    layer = load_layer(args.level)
    cities = load_ecosystem_cities()
    counts = np.zeros(len(layer.frame), dtype=int)
    for city in cities:
        code = layer.locate(city.lon, city.lat)
        if code is not None:
            counts[layer.index_of[code]] += 1
    facecolors, legend = colour_by_count(counts)
    title = {"zh": "产业链供应链生态体系建设试点城市", "en": "Supply-chain ecosystem pilot cities"}
    export_figure(layer, facecolors, legend, title[args.language], args.out, dpi=120,
                  sea_line=load_sea_line(), cities=cities, language=args.language,
                  legend_title="生态城市" if args.language == "zh" else "Ecosystem cities",
                  highlight=[layer.index_of[c] for c in ("430000", "430200") if c in layer.index_of])
    print(f"{args.out}: {len(layer.frame)} regions ({args.level}), "
          f"{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(_preview())
