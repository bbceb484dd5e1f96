"""Start the desktop app: ``cluster-planner [PLAN]``.

The window appears before the map data is read: the region layer, the plan given on the
command line and the offer to restore autosaved plans all follow from the event loop
(``QTimer.singleShot(0, ...)``), so the user sees the window at once.

``CLUSTER_PLANNER_SCREENSHOT=<path.png>`` makes the app grab its window to that file
once the map is drawn and quit (for the README's screenshot and for timing a cold
start); the time from launch to the map on screen is printed on stderr.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

_LAUNCHED = time.perf_counter()


def run_app(plan_path: str | None = None) -> int:
    """Open the main window (on ``plan_path`` if given) and run the event loop.

    Parameters
    ----------
    plan_path
        A plan file to open. If it cannot be read, the error is shown in a dialog and
        the window keeps an empty plan.

    Returns
    -------
    int
        The exit status of the event loop (0 normally).
    """
    _import_qt_free_modules()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cluster_planner import __version__
    from cluster_planner.qt.settings import APPLICATION, ORGANISATION

    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)  # the window needs a widget application
    application.setApplicationName(APPLICATION)
    application.setApplicationDisplayName(APPLICATION)
    application.setOrganizationName(ORGANISATION)
    application.setApplicationVersion(__version__)

    from cluster_planner.qt.fonts import register_qt_font
    from cluster_planner.render.fonts import register_matplotlib_font

    register_qt_font()
    register_matplotlib_font()

    from cluster_planner.qt.i18n import install_language
    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings
    from cluster_planner.qt.theme import apply_theme

    settings = AppSettings()
    # ``CLUSTER_PLANNER_LANGUAGE`` (zh, en) overrides the setting for one run (screenshots).
    install_language(os.environ.get("CLUSTER_PLANNER_LANGUAGE") or settings.language())
    apply_theme(settings.theme())
    window = MainWindow(settings)
    screenshot = os.environ.get("CLUSTER_PLANNER_SCREENSHOT")

    def after_start() -> None:
        if plan_path:
            window.open_path(plan_path, ask_to_save=False)
        if screenshot:
            # Let the canvas paint the map before grabbing the window.
            QTimer.singleShot(300, lambda: _grab_and_quit(window, Path(screenshot)))
        else:
            window.offer_recovery()

    def start() -> None:
        window.levelReady.connect(_print_first_map_time_once(window))
        window.start()
        QTimer.singleShot(0, after_start)

    window.show()
    QTimer.singleShot(0, start)
    return int(application.exec())


def _import_qt_free_modules() -> None:
    """Import the libraries and app modules the first map needs, before any Qt module.

    Once PySide6 is imported, its import hook (for ``from __feature__ import ...``) reads
    the source of every module imported after it, looking for "PySide6": some 850 files
    for numpy, pandas, geopandas, matplotlib and scipy, about 0.2 s of the start.
    Imported first, they skip that.
    """
    import geopandas  # noqa: F401  (pyogrio reads the layers into GeoDataFrames)
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import pyogrio  # noqa: F401

    import cluster_planner.analysis.engine  # noqa: F401
    import cluster_planner.domain.cities  # noqa: F401
    import cluster_planner.domain.conditions  # noqa: F401
    import cluster_planner.render.mapfigure  # noqa: F401
    import cluster_planner.render.raster  # noqa: F401


def _print_first_map_time_once(window):
    """A slot printing the launch-to-map time when the first layer is shown (screenshot runs)."""
    done = []

    def report(_level: str) -> None:
        if done or not os.environ.get("CLUSTER_PLANNER_SCREENSHOT"):
            return
        done.append(True)
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        window.canvas.repaint()
        elapsed = time.perf_counter() - _LAUNCHED
        print(
            f"cluster-planner: map shown {elapsed:.2f} s after the app module loaded"
            f" (at unix time {time.time():.3f})",
            file=sys.stderr,
        )

    return report


def _grab_and_quit(window, path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    window.repaint()
    QApplication.processEvents()
    if not window.grab().save(str(path)):
        print(f"cluster-planner: cannot write the screenshot {path}", file=sys.stderr)
    window.document.undo_stack.setClean()  # a screenshot run never asks to save
    window.close()
    QApplication.quit()
