"""The map widget: a :class:`~cluster_planner.render.mapfigure.MapFigure` in a Qt canvas.

The widget shows state and reports what the user asked for; it never changes the plan
or the selection itself. The window listens to its signals and calls its setters.

API (the main window codes against exactly this)
-------------------------------------------------
``MapCanvas(parent=None)``
    An empty map until :meth:`MapCanvas.set_layer`.
``set_layer(layer, sea_line=None, cities=())``
    Draw a region layer (builds the figure once per layer; colours reset to grey).
``set_colours(facecolors, legend, legend_title=None)``
    Recolour in place: ``(n, 4)`` RGBA in layer row order and ``(label, rgba)``
    legend entries, as returned by :mod:`cluster_planner.render.colouring`.
``set_selection(codes)`` / ``set_highlight(codes)``
    Outline regions by adcode (unknown codes are ignored).
``set_tooltip_provider(provider)``
    ``provider(code) -> str`` (rich text allowed) for the hover tooltip.
``reset_view()``, ``zoom(factor, center=None)``
    Whole country; zoom the main map (``factor > 1`` zooms in) about a data point
    (the view centre by default).
``set_language(lang)``
    ``'zh'`` or ``'en'`` city labels (and the default tooltip).
``set_title(text)``
    The title above the map.
``figure_widget()``
    The ``FigureCanvasQTAgg`` (to grab a picture, or to send it mouse events).
``fast_drawing``, ``set_fast_drawing(enabled)``
    Draw from cached view layers (the default, see below) or as vectors every time
    (to compare, or as a fallback).
``map_figure``, ``layer``
    The current ``MapFigure`` and layer (None before ``set_layer``).

Signals
    ``selectionRequested(list, str)``: adcodes and a mode, ``'replace'``, ``'toggle'``
    or ``'add'``. ``regionHovered(str)``: the adcode under the mouse, ``''`` when it
    leaves the regions. ``regionActivated(str)``: a region was double-clicked.

Mouse and keys (also in the widget's status tip)
------------------------------------------------
- click a region: select it (``replace``); click the sea: clear the selection;
- Ctrl+click: add or remove one region (``toggle``);
- Shift+drag: select the regions inside the box (``replace``); Ctrl+Shift+drag adds
  them (``add``); a region is inside when its representative point is;
- drag (left, middle or right button): pan; wheel: zoom about the cursor;
- double-click a region: ``regionActivated``;
- Home: whole country; + / -: zoom; arrow keys: pan.

Drawing stays cheap: edits recolour the one polygon collection and ask for
``draw_idle`` (several edits in one event cost one draw). A draw does not redraw the
vectors: :class:`~cluster_planner.render.raster.RasterView` keeps an index raster of
the view (which region covers each pixel) and pictures of the borders, labels and
legend, so a recolour is a colour lookup per pixel plus the outlines (5-15 ms at any
level instead of 100-300 ms). A new view (wheel, keys, drag, resize) shows at once
from the last picture, scaled and shifted, and the sharp picture follows, rendered in
steps between input events (see :class:`_MapFigureCanvas`). The hover outline is blitted over a cached
background, so moving the mouse never redraws the figure, and the region under the
mouse is read from the index raster; a drag moves a snapshot of the map and draws the
new view once, on release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backend_bases import DrawEvent
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QRubberBand, QToolTip, QVBoxLayout, QWidget

from cluster_planner.qt.index_painter import QtIndexPainter
from cluster_planner.render.fonts import register_matplotlib_font
from cluster_planner.render.mapfigure import SEA_COLOUR, MapFigure
from cluster_planner.render.navigation import SourceFrame, ViewGeometry
from cluster_planner.render.raster import RasterView

WHEEL_ZOOM_STEP = 1.25
KEY_ZOOM_STEP = 1.5
KEY_PAN_SHARE = 0.1
TOOLTIP_DELAY_MS = 250
# A view drawn as vectors (a layer's first) gets its cached layers once it has rested
# this long; a scaled first frame gets its sharp picture at once.
SETTLE_MS = 200


# The hover background of a picture with no outline on it: copied on the first hover.
_COPY_WHEN_NEEDED = object()


class _PanPreview(QWidget):
    """While the map is dragged: the last picture, shifted, instead of redrawing.

    Drawing a county layer takes 100-200 ms, too slow to follow the mouse. During a
    drag this overlay shows a snapshot of the canvas with the map area moved by the
    drag offset; the title, attribution and legend stay put. Releasing the mouse draws
    the real view once and hides the overlay.
    """

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        self._snapshot: QPixmap | None = None
        self._map_rect = QRect()
        self._fixed_rects: list[QRect] = []
        self._offset = QPoint()
        self._sea = QColor(SEA_COLOUR)

    def start(self, snapshot: QPixmap, map_rect: QRect, fixed_rects: list[QRect]) -> None:
        self._snapshot = snapshot
        self._map_rect = map_rect
        self._fixed_rects = fixed_rects
        self._offset = QPoint()
        parent = self.parentWidget()
        assert parent is not None  # made with one
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def move_to(self, offset: QPoint) -> None:
        self._offset = offset
        self.update()

    def stop(self) -> None:
        self.hide()
        self._snapshot = None

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        if self._snapshot is None:
            return
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._snapshot)
        painter.setClipRect(self._map_rect)
        painter.fillRect(self._map_rect, self._sea)
        painter.drawPixmap(self._map_rect.translated(self._offset), self._snapshot,
                           self._snapshot_rect(self._map_rect))
        for rect in self._fixed_rects:
            painter.drawPixmap(rect, self._snapshot, self._snapshot_rect(rect))
        painter.end()

    def _snapshot_rect(self, rect: QRect) -> QRect:
        assert self._snapshot is not None  # painted while panning
        ratio = self._snapshot.devicePixelRatio()
        return QRect(round(rect.x() * ratio), round(rect.y() * ratio),
                     round(rect.width() * ratio), round(rect.height() * ratio))


class _MapFigureCanvas(FigureCanvasQTAgg):
    """The Qt Agg canvas, drawing through a :class:`RasterView` when it has one.

    A draw of an unchanged view composes the cached layers (colours, outlines,
    labels) into the Agg buffer (see :mod:`cluster_planner.render.raster`). A new view
    (wheel, keys, drag, resize) is first shown from the last sharp picture, scaled and
    shifted (:meth:`RasterView.draw_scaled`, a few ms); then the sharp picture is
    rendered in steps, one per turn of the event loop (:meth:`RasterView.prepare_steps`),
    so input is handled in between; a step that finds the view changed again starts
    over, so a burst of wheel steps costs one sharp render. The first view of a layer,
    with nothing to scale, is drawn as vectors and gets its layers once it has rested
    for :data:`SETTLE_MS`. Every draw fires one ``draw_event``,
    so blitting and listeners work as with the plain canvas.
    """

    def __init__(self, figure: Figure):
        super().__init__(figure)
        self._raster: RasterView | None = None
        self._vector_view: tuple | None = None
        self._shown: ViewGeometry | None = None  # what the buffer shows sharp
        self._shown_key: tuple | None = None
        self._source: SourceFrame | None = None  # that picture, while a scaled one is shown
        self._steps: Iterator[None] | None = None
        self._steps_key: tuple | None = None
        self.sharp_renders = 0  # sharp pictures of new views (one per burst of steps)
        self._sharp_timer = QTimer(self)
        self._sharp_timer.setSingleShot(True)
        self._sharp_timer.timeout.connect(self._sharp_step)

    @property
    def raster(self) -> RasterView | None:
        return self._raster

    @raster.setter
    def raster(self, raster: RasterView | None) -> None:
        self._raster = raster
        self._vector_view = None
        self._shown = None
        self._shown_key = None
        self._source = None
        self._steps = None
        self._sharp_timer.stop()

    def is_sharp(self) -> bool:
        """Whether the picture shows the current view sharp (not a scaled first frame)."""
        raster = self._raster
        if raster is None:
            return not self.figure.stale
        return self._source is None and not self.figure.stale and (
            raster.is_current() or raster.view_key() == self._vector_view)

    def draw(self) -> None:
        raster = self._raster
        if raster is None:
            super().draw()
            return
        if getattr(self, "_is_drawing", False):
            return
        self._draw_pending = False  # this draw is the one an idle draw would do
        if not raster.is_current():
            # A view other than the one shown: first from the last picture, scaled.
            if raster.view_key() != self._shown_key and self._draw_scaled(raster):
                self._sharp_timer.start(0)
                return
            if raster.view_key() != self._vector_view:
                super().draw()
                self._vector_view = raster.view_key()  # after the draw's aspect adjustment
                self._remember_shown()
                # The picture is sharp already: prepare the layers once the view rests.
                self._sharp_timer.start(SETTLE_MS)
                return
        self._is_drawing = True
        try:
            self.renderer = self.get_renderer()
            raster.draw(self.renderer)
            DrawEvent("draw_event", self, self.renderer)._process()  # type: ignore[attr-defined]  # private in matplotlib, absent from its stub
        finally:
            self._is_drawing = False
        self._remember_shown()
        self.update()

    def _remember_shown(self) -> None:
        self._source = None
        assert self._raster is not None  # after a draw through it
        key = self._raster.view_key()
        if key == self._shown_key and self._shown is not None:
            return  # an edit's redraw: the same view as before
        width, height = self.get_width_height(physical=True)
        self._shown = self._raster.view_geometry(width, height)
        self._shown_key = key

    def _draw_scaled(self, raster: RasterView) -> bool:
        """Show the new view from the last sharp picture; False if there is none."""
        old = getattr(self, "renderer", None)
        if self._source is None:
            if self._shown is None or old is None:
                return False
            buffer = np.asarray(old.buffer_rgba())
            if buffer.shape[:2] != (self._shown.height, self._shown.width):
                return False
            self._source = raster.source_frame(buffer, self._shown)
        self._is_drawing = True
        try:
            self.renderer = self.get_renderer()
            raster.draw_scaled(self.renderer, self._source)
            self.figure.stale = False
            DrawEvent("draw_event", self, self.renderer)._process()  # type: ignore[attr-defined]  # private in matplotlib, absent from its stub
        finally:
            self._is_drawing = False
        self.update()
        return True

    def _sharp_step(self) -> None:
        """One step of rendering the current view's layers; the last one shows them."""
        raster = self._raster
        if raster is None or getattr(self, "_is_drawing", False):
            return
        if raster.is_current():
            if self._source is not None:
                self.draw()
            return
        key = raster.view_key()
        if self._steps is None or self._steps_key != key:
            width, height = self.get_width_height(physical=True)
            self._steps = raster.prepare_steps(RendererAgg(width, height, self.figure.dpi))
            self._steps_key = key
        try:
            next(self._steps)
        except StopIteration:
            self._steps = None
            if raster.is_current():
                # A scaled frame is replaced by the sharp one; a view drawn as vectors
                # is sharp already and has its layers for the next draw.
                if self._source is not None:
                    self.sharp_renders += 1
                    self.draw()
                return
        self._sharp_timer.start(0)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # As FigureCanvasQTAgg's, but painting straight from the Agg buffer instead of
        # a copy of it (4 MB less to copy per frame on a 1200 x 800 canvas).
        self._draw_idle()
        renderer = getattr(self, "renderer", None)
        if renderer is None:
            return
        buffer = renderer.buffer_rgba()
        height, width = buffer.shape[:2]
        image = QImage(buffer, width, height, QImage.Format.Format_RGBA8888)
        ratio = self.device_pixel_ratio
        rect = event.rect()
        source = QRectF(rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio)
        painter = QPainter(self)
        try:
            if self._raster is None:  # the raster picture is opaque: nothing to erase
                painter.eraseRect(rect)
            painter.drawImage(QRectF(rect), image, source)
            self._draw_rect_callback(painter)
        finally:
            painter.end()


@dataclass
class _Press:
    """A mouse button held down on the map, until it is released."""

    button: int
    display_xy: tuple[float, float]
    widget_pos: QPointF
    ctrl: bool
    mode: str  # 'click' until it moves, then 'pan'; or 'band'
    limits: tuple[tuple[float, float], tuple[float, float]]


class MapCanvas(QWidget):
    """The interactive map of one region layer (see the module docstring)."""

    selectionRequested = Signal(list, str)
    regionHovered = Signal(str)
    regionActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        register_matplotlib_font()
        self._figure = Figure(figsize=(8, 6), dpi=100)
        self._canvas = _MapFigureCanvas(self._figure)
        self._canvas.setParent(self)
        self._canvas.setObjectName("mapFigureCanvas")
        self._canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._canvas.setMouseTracking(True)
        self.setFocusProxy(self._canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._canvas)
        self._rubber_band = QRubberBand(QRubberBand.Shape.Rectangle, self._canvas)
        self._pan_preview = _PanPreview(self._canvas)

        self._retranslate()

        self._map: MapFigure | None = None
        self._fast_drawing = True
        # One per map: it keeps the regions' Qt paths of the scales drawn lately.
        self._index_painter = QtIndexPainter()
        self._layer: Any = None
        self._language = "zh"
        self._tooltip_provider: Callable[[str], str] | None = None
        self._background: Any = None
        self._press: _Press | None = None
        self._hover_row: int | None = None
        self._skip_release = False
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setSingleShot(True)
        self._tooltip_timer.setInterval(TOOLTIP_DELAY_MS)
        self._tooltip_timer.timeout.connect(self._show_tooltip)

        self._canvas.mpl_connect("draw_event", self._on_draw)
        self._canvas.mpl_connect("button_press_event", self._on_press)
        self._canvas.mpl_connect("motion_notify_event", self._on_motion)
        self._canvas.mpl_connect("button_release_event", self._on_release)
        self._canvas.mpl_connect("scroll_event", self._on_scroll)
        self._canvas.mpl_connect("figure_leave_event", self._on_leave)
        self._canvas.mpl_connect("key_press_event", self._on_key)

    def _retranslate(self) -> None:
        help_text = self.tr(
            "Click a region to select it; Ctrl+click adds or removes it; "
            "Shift+drag selects the regions in a box (Ctrl+Shift+drag adds them); "
            "drag to pan; wheel to zoom; Home shows the whole country; "
            "double-click opens a region."
        )
        self.setStatusTip(help_text)
        self._canvas.setStatusTip(help_text)
        self.setWhatsThis(help_text)
        self._canvas.setAccessibleName(self.tr("Map of regions"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_canvas"):
            self._retranslate()
        super().changeEvent(event)

    # ---- API --------------------------------------------------------------------------
    def figure_widget(self) -> FigureCanvasQTAgg:
        """The matplotlib canvas widget inside this one."""
        return self._canvas

    @property
    def map_figure(self) -> MapFigure | None:
        return self._map

    @property
    def layer(self):
        return self._layer

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(800, 600)

    def set_layer(self, layer, sea_line=None, cities: Iterable = ()) -> None:
        """Draw ``layer`` (a RegionLayer), replacing what was shown.

        Parameters
        ----------
        layer : RegionLayer
        sea_line : geometry or GeoDataFrame, optional
            The South China Sea maritime line (drawn on the map and in the inset).
        cities : iterable of EcosystemCity
        """
        self._end_hover(emit=self._hover_row is not None)
        self._press = None
        self._rubber_band.hide()
        self._pan_preview.stop()
        if self._map is not None:
            self._map.detach()
        self._figure.clear()
        self._background = None
        self._layer = layer
        self._map = MapFigure(self._figure, layer, sea_line=sea_line, cities=cities,
                              language=self._language)
        self._canvas.raster = self._raster_view()
        self._canvas.draw_idle()

    @property
    def fast_drawing(self) -> bool:
        """Whether the map is drawn from cached layers (True) or as vectors each time."""
        return self._fast_drawing

    def set_fast_drawing(self, enabled: bool) -> None:
        """Draw from cached layers (the default) or, for comparison, as vectors each time."""
        self._fast_drawing = bool(enabled)
        if self._map is not None:
            self._canvas.raster = self._raster_view()
            self._background = None
            self._canvas.draw_idle()

    def _raster_view(self) -> RasterView | None:
        """The cached layers of the map (None when fast drawing is off); Qt fills their
        index raster (:mod:`cluster_planner.qt.index_painter`), twice as fast as Agg."""
        if not self._fast_drawing or self._map is None:
            return None
        view = RasterView(self._map)
        view.index_painter = self._index_painter
        return view

    def set_colours(self, facecolors, legend, legend_title: str | None = None) -> None:
        """Recolour the regions in place and replace the legend.

        Parameters
        ----------
        facecolors : array_like, shape (n, 4)
            RGBA per region in layer row order.
        legend : list of (label, rgba)
        legend_title : str, optional
        """
        if self._map is None:
            return
        self._map.recolour(facecolors)
        entries = [(label, tuple(rgba)) for label, rgba in legend]
        if entries != self._map.legend_entries() or legend_title is not None:
            self._map.set_legend(entries, title=legend_title)
        self._canvas.draw_idle()

    def set_selection(self, codes: Iterable[str]) -> None:
        """Outline the selected regions (adcodes; codes not in the layer are ignored)."""
        if self._map is None:
            return
        self._map.set_selection(self._rows(codes))
        self._canvas.draw_idle()

    def set_highlight(self, codes: Iterable[str]) -> None:
        """Outline the regions of a flag (adcodes; codes not in the layer are ignored)."""
        if self._map is None:
            return
        self._map.set_highlight(self._rows(codes))
        self._canvas.draw_idle()

    def set_tooltip_provider(self, provider: Callable[[str], str] | None) -> None:
        """Use ``provider(code) -> str`` for hover tooltips (None: the region's name)."""
        self._tooltip_provider = provider

    def set_language(self, lang: str) -> None:
        """Show city labels (and default tooltips) in ``'zh'`` or ``'en'``."""
        if lang not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', got {lang!r}")
        self._language = lang
        if self._map is not None:
            self._map.set_language(lang)
            self._canvas.draw_idle()

    def set_title(self, text: str) -> None:
        """Show ``text`` above the map."""
        if self._map is not None:
            self._map.set_title(text)
            self._canvas.draw_idle()

    def reset_view(self) -> None:
        """Show the whole country."""
        if self._map is not None:
            self._map.reset_view()
            self._canvas.draw_idle()

    def zoom(self, factor: float, center: tuple[float, float] | None = None) -> None:
        """Zoom the main map by ``factor`` (> 1 in) about ``center`` (data coordinates)."""
        if self._map is not None:
            self._map.zoom(factor, center)
            self._canvas.draw_idle()

    def pan_by_share(self, dx_share: float, dy_share: float) -> None:
        """Pan by a share of the visible width and height (keyboard panning)."""
        if self._map is None:
            return
        (x0, x1), (y0, y1) = self._map.ax.get_xlim(), self._map.ax.get_ylim()
        self._map.pan(dx_share * (x1 - x0), dy_share * (y1 - y0))
        self._canvas.draw_idle()

    def region_at(self, pos: QPoint | QPointF) -> str | None:
        """The adcode of the region under a point of :meth:`figure_widget` (logical px)."""
        row = self._row_at_display(*self._display_xy(pos))
        return None if row is None else self._code(row)

    def widget_pos_of(self, x: float, y: float) -> QPoint:
        """The point of :meth:`figure_widget` (logical px) showing data point ``(x, y)``."""
        assert self._map is not None  # asked with a map shown
        display = self._map.ax.transData.transform((x, y))
        ratio = self._canvas.device_pixel_ratio
        height = self._canvas.height()
        return QPoint(round(display[0] / ratio), round(height - display[1] / ratio))

    # ---- helpers ----------------------------------------------------------------------
    def _rows(self, codes: Iterable[str]) -> list[int]:
        index_of = self._layer.index_of
        return [index_of[code] for code in codes if code in index_of]

    def _display_xy(self, pos: QPoint | QPointF) -> tuple[float, float]:
        ratio = self._canvas.device_pixel_ratio
        return pos.x() * ratio, (self._canvas.height() - pos.y()) * ratio

    def _row_at_display(self, x: float, y: float) -> int | None:
        """The region under a display point: the inset first (it lies on top)."""
        if self._map is None:
            return None
        raster = self._canvas.raster
        if raster is not None and not self._canvas.figure.stale:
            return raster.row_at_display(x, y)
        return self._map.row_at_display(x, y)

    def _code(self, row: int | None) -> str:
        return "" if row is None or self._map is None else str(self._map.codes[row])

    @staticmethod
    def _modifiers(event) -> Qt.KeyboardModifier:
        gui = getattr(event, "guiEvent", None)
        if gui is not None and hasattr(gui, "modifiers"):
            return gui.modifiers()
        return QApplication.keyboardModifiers()

    def _default_tooltip(self, code: str) -> str:
        return f"{self._layer.name(code, self._language)} ({code})" if hasattr(
            self._layer, "name") else code

    # ---- drawing ----------------------------------------------------------------------
    def _on_draw(self, _event) -> None:
        # A full draw leaves the animated hover outline out: keep the picture without
        # it for blitting, then paint the outline on top before Qt shows the buffer.
        if self._map is None:
            return
        if self._map.hover is None:
            # Nothing animated on the picture: it is its own background until a hover
            # outline is drawn, so copy it then, not on every edit's redraw (a 4 MB copy).
            self._background = _COPY_WHEN_NEEDED
            return
        self._background = self._canvas.copy_from_bbox(self._figure.bbox)
        self._map.draw_animated()

    def _blit_hover(self) -> None:
        if self._background is None or self._canvas.figure.stale:
            self._canvas.draw_idle()
            return
        if self._background is _COPY_WHEN_NEEDED:
            self._background = self._canvas.copy_from_bbox(self._figure.bbox)
        self._canvas.restore_region(self._background)
        assert self._map is not None  # a background comes from a drawn map
        self._map.draw_animated()
        self._canvas.blit(self._figure.bbox)

    # ---- hover ------------------------------------------------------------------------
    def _set_hover(self, row: int | None) -> None:
        if self._map is None or not self._map.set_hover(row):
            return
        self._hover_row = row
        self._blit_hover()
        QToolTip.hideText()
        if row is None:
            self._tooltip_timer.stop()
        else:
            self._tooltip_timer.start()
        self.regionHovered.emit(self._code(row))

    def _end_hover(self, emit: bool = True) -> None:
        self._tooltip_timer.stop()
        QToolTip.hideText()
        if self._map is not None and self._map.set_hover(None):
            self._blit_hover()
        if self._hover_row is not None:
            self._hover_row = None
            if emit:
                self.regionHovered.emit("")

    def _show_tooltip(self) -> None:
        if self._hover_row is None or self._map is None:
            return
        code = self._code(self._hover_row)
        provider = self._tooltip_provider or self._default_tooltip
        text = provider(code)
        if text:
            QToolTip.showText(QCursor.pos(), text, self._canvas)

    def _on_leave(self, _event) -> None:
        if self._press is None:
            self._end_hover()

    # ---- mouse ------------------------------------------------------------------------
    def _on_press(self, event) -> None:
        if self._map is None or event.button is None:
            return
        gui = event.guiEvent
        widget_pos = gui.position() if gui is not None else QPointF(event.x, self._canvas.height() - event.y)
        modifiers = self._modifiers(event)
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if event.dblclick:
            self._press = None
            self._skip_release = True
            row = self._row_at_display(event.x, event.y)
            if row is not None and int(event.button) == 1:
                self.regionActivated.emit(self._code(row))
            return
        self._skip_release = False
        self._tooltip_timer.stop()
        QToolTip.hideText()
        button = int(event.button)
        mode = "band" if button == 1 and shift else ("click" if button == 1 else "pan")
        self._press = _Press(button, (event.x, event.y), widget_pos, ctrl, mode,
                             (self._map.ax.get_xlim(), self._map.ax.get_ylim()))
        if mode == "band":
            self._rubber_band.setGeometry(QRect(widget_pos.toPoint(), QSize()))
            self._rubber_band.show()
        elif mode == "pan":
            self._start_pan()

    def _on_motion(self, event) -> None:
        if self._map is None:
            return
        press = self._press
        if press is None:
            self._set_hover(self._row_at_display(event.x, event.y))
            return
        if press.mode == "band":
            gui = event.guiEvent
            if gui is not None:
                rect = QRect(press.widget_pos.toPoint(), gui.position().toPoint()).normalized()
                self._rubber_band.setGeometry(rect)
            return
        dx, dy = event.x - press.display_xy[0], event.y - press.display_xy[1]
        if press.mode == "click":
            threshold = QApplication.startDragDistance() * self._canvas.device_pixel_ratio
            if abs(dx) + abs(dy) < threshold:
                return
            press.mode = "pan"
            self._start_pan()
        # Only the limits move now (no draw); the preview shows the shifted picture.
        (x0, x1), (y0, y1) = press.limits
        box = self._map.ax.bbox
        shift_x = dx * (x1 - x0) / box.width
        shift_y = dy * (y1 - y0) / box.height
        self._map.set_view((x0 - shift_x, x1 - shift_x), (y0 - shift_y, y1 - shift_y))
        ratio = self._canvas.device_pixel_ratio
        self._pan_preview.move_to(QPoint(round(dx / ratio), round(-dy / ratio)))

    def _on_release(self, event) -> None:
        press, self._press = self._press, None
        if self._map is None or press is None or self._skip_release:
            self._skip_release = False
            return
        if press.mode == "band":
            self._rubber_band.hide()
            inverse = self._map.ax.transData.inverted()
            x0, y0 = inverse.transform(press.display_xy)
            x1, y1 = inverse.transform((event.x, event.y))
            rows = self._map.hit_rect(x0, y0, x1, y1)
            codes = [self._code(row) for row in rows]
            if codes or not press.ctrl:
                self.selectionRequested.emit(codes, "add" if press.ctrl else "replace")
            return
        if press.mode == "pan":
            self._finish_pan()
            self._set_hover(self._row_at_display(event.x, event.y))
            return
        row = self._row_at_display(event.x, event.y)
        if press.ctrl:
            if row is not None:
                self.selectionRequested.emit([self._code(row)], "toggle")
        else:
            self.selectionRequested.emit([] if row is None else [self._code(row)], "replace")

    def _start_pan(self) -> None:
        self._end_hover()
        self._canvas.setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._canvas.figure.stale:
            self._canvas.draw()  # the snapshot must show the current state
        assert self._map is not None  # a pan starts on a map
        self._pan_preview.start(self._canvas.grab(), self._widget_rect(self._map.ax.bbox),
                                self._fixed_rects())

    def _finish_pan(self) -> None:
        self._canvas.unsetCursor()
        # Draw the new view before lifting the preview, so nothing flickers.
        self._canvas.draw()
        self._pan_preview.stop()
        self._canvas.update()

    def _widget_rect(self, bbox) -> QRect:
        """A display bbox (physical px, origin bottom left) as a widget rect (logical px)."""
        ratio = self._canvas.device_pixel_ratio
        height = self._canvas.height()
        return QRect(round(bbox.x0 / ratio), round(height - bbox.y1 / ratio),
                     round(bbox.width / ratio), round(bbox.height / ratio))

    def _fixed_rects(self) -> list[QRect]:
        """Parts of the map area that do not move with the map (the legend)."""
        assert self._map is not None  # a pan starts on a map
        legend = self._map.legend
        if legend is None or not legend.get_visible():
            return []
        box = self._widget_rect(legend.get_window_extent(self._canvas.get_renderer()))
        return [box.adjusted(-1, -1, 1, 1)]  # the frame's antialiased edge

    def _on_scroll(self, event) -> None:
        if self._map is None or not event.step or self._press is not None:
            return
        center = self._map.ax.transData.inverted().transform((event.x, event.y))
        self._map.zoom(WHEEL_ZOOM_STEP ** float(event.step), (float(center[0]), float(center[1])))
        self._canvas.draw_idle()

    # ---- keys -------------------------------------------------------------------------
    def _on_key(self, event) -> None:
        key = event.key or ""
        if key == "home":
            self.reset_view()
        elif key in ("+", "="):
            self.zoom(KEY_ZOOM_STEP)
        elif key in ("-", "_"):
            self.zoom(1 / KEY_ZOOM_STEP)
        elif key in ("left", "right", "up", "down"):
            dx = {"left": -KEY_PAN_SHARE, "right": KEY_PAN_SHARE}.get(key, 0.0)
            dy = {"down": -KEY_PAN_SHARE, "up": KEY_PAN_SHARE}.get(key, 0.0)
            self.pan_by_share(dx, dy)
        elif key == "escape":
            self._end_hover()


def _preview() -> int:
    """Show the prefecture map in a window (``python -m cluster_planner.qt.map_canvas``)."""
    import sys

    from cluster_planner.domain.regions import load_layer, load_sea_line
    from cluster_planner.qt.fonts import register_qt_font

    app = QApplication.instance() or QApplication(sys.argv)
    register_qt_font()
    canvas = MapCanvas()
    level = sys.argv[1] if len(sys.argv) > 1 else "prefecture"
    cities: Iterable = ()
    try:
        from cluster_planner.domain.cities import load_ecosystem_cities

        cities = load_ecosystem_cities()
    except ImportError:
        pass
    canvas.set_layer(load_layer(level), load_sea_line(), cities)
    selection: list[str] = []

    def select(codes: list[str], mode: str) -> None:
        if mode == "replace":
            selection[:] = codes
        elif mode == "add":
            selection.extend(code for code in codes if code not in selection)
        else:
            for code in codes:
                selection.remove(code) if code in selection else selection.append(code)
        canvas.set_selection(selection)

    canvas.selectionRequested.connect(select)
    canvas.resize(1000, 800)
    canvas.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(_preview())
