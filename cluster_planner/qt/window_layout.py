"""The window's layout as it is resized: the map keeps priority, the docks recover.

At 800 x 600 the side panels used to keep their full widths (the selection panel would
not go below 363 px) and the map shrank to a sliver; after enlarging again the panels
stayed narrow. :class:`LayoutKeeper` gives the side docks at most a share of the
window's width (and the bottom docks a share of its height) while the window is small,
wraps the wide panels in scroll areas so that they can be narrower than their content,
gives the docks back the widths the user chose once there is room, and enforces the
window's declared minimum size, :data:`MINIMUM_SIZE`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow

#: The smallest window the layout is made for.
MINIMUM_SIZE = QSize(800, 600)
#: While the window is small, each side dock takes at most this share of its width...
SIDE_SHARE = 0.2
#: ... and the bottom docks at most this share of its height.
BOTTOM_SHARE = 0.2
#: A dock is never made narrower (or lower) than this by the keeper.
SIDE_FLOOR, BOTTOM_FLOOR = 170, 110


def make_shrinkable(dock: QDockWidget) -> QScrollArea:
    """Put ``dock``'s widget in a scroll area, so the dock can be narrower than its content."""
    inner = dock.widget()
    scroll = QScrollArea()
    scroll.setObjectName(f"{dock.objectName()}Scroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    dock.setWidget(scroll)
    return scroll


class LayoutKeeper(QObject):
    """Keeps the map first as the window shrinks and restores the docks as it grows."""

    def __init__(self, window: MainWindow, preferred: dict[QDockWidget, int], bottom: dict[QDockWidget, int]):
        super().__init__(window)
        self.w = window
        self.side_preferred = dict(preferred)  # the widths the user wants with room to spare
        self.bottom_preferred = dict(bottom)
        self._fitting = False
        self._window_size = window.size()
        for dock in (*self.side_preferred, *self.bottom_preferred):
            dock.installEventFilter(self)
        window.setMinimumSize(MINIMUM_SIZE)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            if watched is self.w:
                QTimer.singleShot(0, self.fit)
            elif not self._fitting and self.w.size() == self._window_size and self.w.isVisible():
                # The user dragged a separator: remember the new width (or height).
                if watched in self.side_preferred and self.w.width() >= 1200:
                    self.side_preferred[watched] = watched.width()
                elif watched in self.bottom_preferred and self.w.height() >= 800:
                    self.bottom_preferred[watched] = watched.height()
        return super().eventFilter(watched, event)

    def _docked(self, docks: dict[QDockWidget, int]) -> list[QDockWidget]:
        return [dock for dock in docks if dock.isVisible() and not dock.isFloating()]

    def fit(self) -> None:
        """Size the docks for the window's size now."""
        width, height = self.w.width(), self.w.height()
        self._fitting = True
        try:
            sides = self._docked(self.side_preferred)
            if sides:
                cap = max(SIDE_FLOOR, int(width * SIDE_SHARE)) if width < 1200 else width
                self.w.resizeDocks(
                    sides, [min(self.side_preferred[d], cap) for d in sides], Qt.Orientation.Horizontal
                )
            bottoms = self._docked(self.bottom_preferred)
            if bottoms:
                cap = max(BOTTOM_FLOOR, int(height * BOTTOM_SHARE)) if height < 800 else height
                first = bottoms[0]
                self.w.resizeDocks([first], [min(self.bottom_preferred[first], cap)], Qt.Orientation.Vertical)
        finally:
            self._fitting = False
            self._window_size = self.w.size()
