"""Loading a region level's data for the window: at once, or in a worker thread for the county layer.

The data itself comes from :func:`cluster_planner.session.level.load_level_data` (plain
Python) and is kept by the planning session (``session.add_level``), so each level loads
once per window. The county layer (about 2,900 regions) loads in a ``QThread`` while the
window stays responsive; :class:`LevelLoader` says when it is busy so the window can show
a busy bar and disable the level switches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from cluster_planner.domain.errors import InputError
from cluster_planner.session.level import LevelData, load_level_data

#: Levels loaded in a worker thread (the others load in a blink).
SLOW_LEVELS = ("county",)


class _LevelThread(QThread):
    """Loads one level's data off the GUI thread."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, level: str, catalog: Any, parent: Any = None):
        super().__init__(parent)
        self.level = level
        self._catalog = catalog

    def run(self) -> None:
        try:
            self.loaded.emit(load_level_data(self.level, self._catalog))
        except InputError as error:
            self.failed.emit(error.one_line())
        except Exception as error:  # a worker must report, never die silently
            self.failed.emit(f"{type(error).__name__}: {error}")


class LevelLoader(QObject):
    """Hands out each level's data once it is loaded, into the session's cache.

    Signals
    -------
    busy(str)
        A level started loading in a worker (its id).
    idle()
        No worker is loading any more.
    failed(str, str)
        A level (its id) could not be loaded: the one-line reason.
    """

    busy = Signal(str)
    idle = Signal()
    failed = Signal(str, str)

    def __init__(self, session: Any, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self._threads: dict[str, _LevelThread] = {}
        self._waiting: dict[str, list[Callable[[LevelData], None]]] = {}

    def with_level_data(self, level: str, then: Callable[[LevelData], None]) -> None:
        """Call ``then(level_data)`` once ``level``'s data is loaded (now, or from a worker)."""
        cached = self._session.cached_level(level)
        if cached is not None:
            then(cached)
            return
        self._waiting.setdefault(level, []).append(then)
        if level in self._threads:
            return
        if level not in SLOW_LEVELS:
            try:
                data = load_level_data(level, self._session.catalog)
            except InputError as error:
                self._on_failed(level, error.one_line())
                return
            self._on_loaded(level, data)
            return
        thread = _LevelThread(level, self._session.catalog, self)
        thread.loaded.connect(lambda data, level=level: self._on_loaded(level, data))
        thread.failed.connect(lambda message, level=level: self._on_failed(level, message))
        thread.finished.connect(lambda level=level: self._threads.pop(level, None))
        self._threads[level] = thread
        self.busy.emit(level)
        thread.start()

    def wait(self) -> None:
        """Wait for every worker to end (before the window closes)."""
        for thread in list(self._threads.values()):
            thread.wait()

    def _on_loaded(self, level: str, data: LevelData) -> None:
        self._session.add_level(data)
        # The worker has delivered; its thread may not have returned yet, so stop waiting
        # for it here (this object owns the QThread, which keeps it alive until it ends).
        self._threads.pop(level, None)
        self._maybe_idle()
        for callback in self._waiting.pop(level, []):
            callback(data)

    def _on_failed(self, level: str, message: str) -> None:
        self._waiting.pop(level, None)
        self._threads.pop(level, None)
        self._maybe_idle()
        self.failed.emit(level, message)

    def _maybe_idle(self) -> None:
        if all(thread.isFinished() for thread in self._threads.values()):
            self.idle.emit()
