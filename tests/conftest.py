"""Shared test set-up: Qt runs offscreen, matplotlib on Agg, user folders in tmp."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A temporary ``CLUSTER_PLANNER_HOME`` (settings, recovery files) for one test module."""
    folder = tmp_path_factory.mktemp("cluster-planner-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLUSTER_PLANNER_HOME", str(folder))
        yield folder


@pytest.fixture(scope="module")
def window(qapp, home):
    """The real main window, offscreen, on the prefecture layer; one per test module."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cluster_planner.qt.fonts import register_qt_font
    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings

    register_qt_font()
    settings = AppSettings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    settings.set_last_level("prefecture")
    main = MainWindow(settings)
    main.resize(1400, 900)
    main.show()
    main.start()
    assert main.ready
    QApplication.processEvents()
    main.canvas.figure_widget().draw()
    yield main
    main.document.undo_stack.setClean()
    main.close()
