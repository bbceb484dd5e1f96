"""Shared test set-up: Qt runs offscreen, matplotlib on Agg, user folders in tmp."""

from __future__ import annotations

import os
from contextlib import contextmanager

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


# ----------------------------------------------------------------- plan store (PostgreSQL)
#: The 31 provinces of the mainland, each with its provincial team's role in the tests.
MAINLAND_PROVINCES = (
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000",
    "310000", "320000", "330000", "340000", "350000", "360000", "370000", "410000",
    "420000", "430000", "440000", "450000", "460000", "500000", "510000", "520000",
    "530000", "540000", "610000", "620000", "630000", "640000", "650000",
)
COORDINATOR = "cp_test_coordinator"


def province_role(province: str) -> str:
    return f"cp_test_{province}"


def as_role(url: str, role: str) -> str:
    """``url`` connecting as ``role`` (the test server trusts local connections)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, ""))


def with_database(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


@pytest.fixture(scope="session")
def pg_url():
    """The superuser URL of the test server started by scripts/postgres.sh.

    Without one the plan-store tests skip with the reason, except in CI, where they fail.
    """
    url = os.environ.get("CLUSTER_PLANNER_TEST_DB")
    if not url:
        reason = os.environ.get(
            "CLUSTER_PLANNER_TEST_DB_MISSING",
            "no PostgreSQL + PostGIS server: run the tests with scripts/test.sh, or set "
            "CLUSTER_PLANNER_TEST_DB after `eval $(bash scripts/postgres.sh start)`",
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI needs the plan-store server: {reason}", pytrace=False)
        pytest.skip(reason)
    return url


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def store_template(pg_url):
    """A database holding an initialised store with the 31 provincial teams and a
    coordinator, used as the template of each test's fresh store."""
    from cluster_planner.store.admin import grant, init_store

    name = f"cp_template_{os.getpid()}"
    with _admin(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(pg_url, name)
    init_store(url)
    for province in MAINLAND_PROVINCES:
        grant(url, province_role(province), province=province)
    grant(url, COORDINATOR, coordinator=True)
    yield name
    with _admin(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_store_counter = iter(range(1_000_000))


@contextmanager
def _scratch_database(pg_url: str, prefix: str, template: str | None = None):
    """A new database (a copy of ``template``) for one test, dropped after it."""
    name = f"{prefix}_{os.getpid()}_{next(_store_counter)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with _admin(pg_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield with_database(pg_url, name)
    finally:
        with _admin(pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store_url(pg_url, store_template):
    """The superuser URL of a fresh store (a copy of the template) for one test."""
    with _scratch_database(pg_url, "cp_test", store_template) as url:
        yield url


@pytest.fixture
def empty_database(pg_url):
    """The superuser URL of an empty database for one test."""
    with _scratch_database(pg_url, "cp_empty") as url:
        yield url
