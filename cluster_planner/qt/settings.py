"""The app's persistent settings, kept with ``QSettings`` (organisation ``ClusterPlanner``).

Settings live in an INI file in the user's configuration folder. When the environment
variable ``CLUSTER_PLANNER_HOME`` is set (tests, screenshots, a portable install) the
file is ``$CLUSTER_PLANNER_HOME/settings.ini`` instead, so a test never touches the
user's own settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "ClusterPlanner"
APPLICATION = "Cluster Planner"
MAX_RECENT_FILES = 10
DEFAULT_LEVEL = "prefecture"
DEFAULT_AUTOSAVE_SECONDS = 30
LEVELS = ("province", "prefecture", "county")


def _open_qsettings() -> QSettings:
    home = os.environ.get("CLUSTER_PLANNER_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


class AppSettings:
    """Typed access to the settings the window keeps between sessions.

    Parameters
    ----------
    qsettings
        The store to use; by default the user's (or ``$CLUSTER_PLANNER_HOME``'s) file.
    """

    def __init__(self, qsettings: QSettings | None = None):
        self._store = qsettings if qsettings is not None else _open_qsettings()

    @property
    def file_name(self) -> str:
        return self._store.fileName()

    def sync(self) -> None:
        self._store.sync()

    # -- window ------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_geometry(self, geometry: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)

    def window_state(self) -> QByteArray | None:
        value = self._store.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_state(self, state: QByteArray) -> None:
        self._store.setValue("window/state", state)

    # -- map -----------------------------------------------------------------------
    def last_level(self) -> str:
        level = str(self._store.value("map/level", DEFAULT_LEVEL))
        return level if level in LEVELS else DEFAULT_LEVEL

    def set_last_level(self, level: str) -> None:
        if level in LEVELS:
            self._store.setValue("map/level", level)

    # -- files ---------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value: Any = self._store.value("files/recent", [])
        if isinstance(value, str):  # QSettings collapses a one-item list to a string
            value = [value] if value else []
        return [str(item) for item in (value or []) if str(item)][:MAX_RECENT_FILES]

    def set_recent_files(self, paths: list[str]) -> None:
        unique: list[str] = []
        for path in paths:
            if path and path not in unique:
                unique.append(path)
        self._store.setValue("files/recent", unique[:MAX_RECENT_FILES])

    def add_recent_file(self, path: str | Path) -> list[str]:
        """Put ``path`` first in the recent files (at most ten) and return the new list."""
        resolved = str(Path(path).resolve())
        recent = [resolved, *(p for p in self.recent_files() if p != resolved)]
        self.set_recent_files(recent)
        return self.recent_files()

    def remove_recent_file(self, path: str) -> list[str]:
        self.set_recent_files([p for p in self.recent_files() if p != path])
        return self.recent_files()

    def last_directory(self) -> str:
        return str(self._store.value("files/last_directory", ""))

    def set_last_directory(self, directory: str | Path) -> None:
        self._store.setValue("files/last_directory", str(directory))

    # -- autosave and language -------------------------------------------------------
    def autosave_seconds(self) -> int:
        try:
            seconds = int(cast(Any, self._store.value("autosave/interval_seconds", DEFAULT_AUTOSAVE_SECONDS)))
        except (TypeError, ValueError):
            return DEFAULT_AUTOSAVE_SECONDS
        return max(1, seconds)

    def set_autosave_seconds(self, seconds: int) -> None:
        self._store.setValue("autosave/interval_seconds", max(1, int(seconds)))

    def language(self) -> str:
        """The chosen interface language: ``system`` (the default), ``zh`` or ``en``."""
        value = str(self._store.value("ui/language", "system"))
        return value if value in ("system", "zh", "en") else "system"

    def set_language(self, language: str) -> None:
        self._store.setValue("ui/language", language)

    def theme(self) -> str:
        """The chosen palette: ``system`` (the default), ``light`` or ``dark``."""
        value = str(self._store.value("ui/theme", "system"))
        return value if value in ("system", "light", "dark") else "system"

    def set_theme(self, theme: str) -> None:
        self._store.setValue("ui/theme", theme)
