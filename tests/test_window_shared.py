"""The window on a plan shared on a real PostgreSQL server (File > Open from server…)."""

from __future__ import annotations

import time

import psycopg
import pytest
from conftest import COORDINATOR, as_role, province_role
from store_plans import rows_of

pytest.importorskip("pytestqt")

from cluster_planner.domain.plan import Assignment, Plan  # noqa: E402
from cluster_planner.io.planfile import load_plan  # noqa: E402
from cluster_planner.qt.assignments_model import KEY_ROLE  # noqa: E402
from cluster_planner.store.shared import SharedPlan  # noqa: E402
from cluster_planner.store.sync import push_plan  # noqa: E402

pytestmark = [pytest.mark.db, pytest.mark.gui]

HUNAN = province_role("430000")
PLAN = "National 2026"


@pytest.fixture
def store(store_url):
    plan = Plan.from_assignments(
        [Assignment("430100", "new-materials", "lead", "start"),
         Assignment("430200", "rail-transit-equipment", "lead", "株洲"),
         Assignment("440100", "new-energy-vehicles", "lead", "start")],
        name=PLAN, level="prefecture")
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, plan)
    return store_url


@pytest.fixture
def shared_window(window, store):
    """The window with the store's plan open as the Hunan team."""
    assert window.server.open_shared(as_role(store, HUNAN), PLAN, ask_to_save=False)
    yield window
    window.server.close()
    box = getattr(window.server, "lost_box", None)
    if box is not None:
        box.close()
    window.document.undo_stack.setClean()
    window.session.new(data=window.session.level_data)


def tooltip_of(window, key: tuple[str, str]) -> str:
    proxy = window.assignments_proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(KEY_ROLE) == key:
            return proxy.index(row, 4).data(2 + 1)  # Qt.ToolTipRole
    raise AssertionError(f"{key} is not in the table")


def test_open_edit_and_see_another_members_edit_within_a_second(shared_window, store, qtbot):
    window = shared_window
    assert window.assignments_model.rowCount() == 3
    assert "National 2026" in window.windowTitle()
    assert window.server.status_label.text() == f"On server: “{PLAN}” as {HUNAN}"

    # An edit goes to the server and leaves nothing unsaved.
    window.selection.apply(["430200"])
    window.assign_to_selection("new-materials", "support")
    qtbot.waitUntil(lambda: ("430200", "new-materials") in rows_of(store, PLAN), timeout=2000)
    assert rows_of(store, PLAN)[("430200", "new-materials")] == ("support", "")
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=1000)
    assert tooltip_of(window, ("430200", "new-materials")).startswith(f"Changed by {HUNAN} at ")

    # The coordinator changes Changsha's note on another connection: it shows within 1 s.
    with SharedPlan.open(as_role(store, COORDINATOR), PLAN) as other:
        other.load()
        started = time.monotonic()
        other.put("430100", "new-materials",
                  Assignment("430100", "new-materials", "lead", "from Beijing"))
        qtbot.waitUntil(
            lambda: window.session.plan.get("430100", "new-materials").note == "from Beijing",
            timeout=1000)
        assert time.monotonic() - started < 1.0
    assert window.statusBar().currentMessage() == (
        f"{COORDINATOR} changed New materials in Changsha")
    assert tooltip_of(window, ("430100", "new-materials")).endswith(
        "(version 2)") and f"Changed by {COORDINATOR} at " in tooltip_of(
            window, ("430100", "new-materials"))
    assert not window.isWindowModified()


def test_a_refused_edit_and_a_conflict_are_reported_and_the_store_decides(
        shared_window, store, qtbot):
    window = shared_window
    # Guangzhou is not Hunan's: the server refuses, the window says so and takes it back.
    window.selection.apply(["440100"])
    window.assign_to_selection("photovoltaics", "lead")
    message = ("refused at Guangzhou (440100), photovoltaics: outside your province; "
               "your edit has lead")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == message, timeout=2000)
    assert window.session.plan.get("440100", "photovoltaics") is None
    assert ("440100", "photovoltaics") not in rows_of(store, PLAN)
    assert window.assignments_model.rowCount() == 3

    # The coordinator changed Changsha meanwhile: Hunan's edit of it is a conflict.
    with SharedPlan.open(as_role(store, COORDINATOR), PLAN) as other:
        other.load()
        other.put("430100", "new-materials",
                  Assignment("430100", "new-materials", "support", "from Beijing"))
    window.edit_note("430100", "new-materials", "from Changsha")
    qtbot.waitUntil(lambda: window.server.messages[-1].startswith("conflict at"), timeout=2000)
    assert window.server.messages[-1].startswith(
        "conflict at Changsha (430100), new-materials: the store has support, note "
        f"'from Beijing' (version 2), changed by {COORDINATOR} at ")
    assert window.server.messages[-1].endswith(
        "; your edit has lead, note 'from Changsha'. Refresh to see it, then redo your edit")
    assert window.session.plan.get("430100", "new-materials").note == "from Beijing"
    assert rows_of(store, PLAN)[("430100", "new-materials")] == ("support", "from Beijing")


def test_a_server_gone_mid_session_keeps_the_work_for_a_file(shared_window, store, qtbot,
                                                              tmp_path):
    window = shared_window
    with psycopg.connect(store, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE usename = %s", (HUNAN,))
    window.selection.apply(["430200"])
    window.assign_to_selection("lithium-batteries", "lead")
    qtbot.waitUntil(lambda: not window.session.shared.online, timeout=3000)
    lost = [m for m in window.server.messages if "lost the connection" in m]
    assert len(lost) == 1
    assert lost[0].startswith(f"{as_role(store, HUNAN)}: lost the connection to the server while ")
    assert lost[0].endswith("Your edits are kept in this window: save them to a file (File > "
                            "Save As…) and save that to the server when it is back (File > Save "
                            "to server…).")
    assert window.server.status_label.text() == f"Offline: “{PLAN}”, edits kept here"
    assert window.session.plan.get("430200", "lithium-batteries") is not None
    assert window.isWindowModified()
    # Another edit offline is kept too; then everything goes to a file.
    window.edit_note("430200", "lithium-batteries", "offline")
    assert window.save_to(tmp_path / "kept.cplan")
    kept = load_plan(tmp_path / "kept.cplan")
    assert kept.get("430200", "lithium-batteries") == Assignment(
        "430200", "lithium-batteries", "lead", "offline", "prefecture")
    assert len(kept) == 4
    assert ("430200", "lithium-batteries") not in rows_of(store, PLAN)
    # Back on the server (File > Save to server…): the file's edit goes in, as Hunan.
    assert window.server.push(as_role(store, HUNAN), PLAN)
    assert rows_of(store, PLAN)[("430200", "lithium-batteries")] == ("lead", "offline")
    assert window.session.shared.online and not window.isWindowModified()


def answer_modal(answers: list) -> None:
    """Answer the next modal dialogs in turn: each answer is called with the dialog."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        answers.pop(0)(dialog)
        if answers:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def test_open_from_server_asks_for_a_password_and_keeps_it_nowhere(window, store, qtbot,
                                                                   monkeypatch, home):
    secret = "s3cret ' \" ;--"
    with psycopg.connect(store, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS cp_pw_alice")
        conn.execute(f"CREATE ROLE cp_pw_alice LOGIN PASSWORD {psycopg.sql.quote(secret)}")
    from cluster_planner.store.admin import grant

    grant(store, "cp_pw_alice", province="430000")
    for name in ("PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(home / "no-pgpass"))
    url = as_role(store, "cp_pw_alice")
    with_password = url.replace("cp_pw_alice@", "cp_pw_alice:pw@")
    seen = {}

    def fill(dialog, url_text=with_password):
        dialog.url_edit.setText(url_text)
        dialog.name_edit.setText(PLAN)
        dialog.accept()
        seen.setdefault("problem", dialog.problem.text())
        if dialog.isVisible():  # refused: a URL holding a password
            dialog.url_edit.setText(url)
            dialog.accept()

    def type_password(dialog):
        seen["prompt"] = dialog.labelText()
        dialog.setTextValue(secret)
        dialog.accept()

    answer_modal([fill, type_password])
    window.server.open_from_server()
    try:
        assert seen["problem"] == ("The URL holds a password; put it in ~/.pgpass or "
                                   "PGPASSWORD instead, or leave it out to be asked for it")
        assert seen["prompt"] == f"Password for {url}:"
        assert window.server.status_label.text() == f"On server: “{PLAN}” as cp_pw_alice"
        assert len(window.session.plan) == 3
        # Edits go in as alice, through the listening connection's password too.
        window.selection.apply(["430200"])
        window.assign_to_selection("new-materials", "lead")
        qtbot.waitUntil(lambda: ("430200", "new-materials") in rows_of(store, PLAN), timeout=2000)
        window.settings.sync()
        settings_text = (home / "settings.ini").read_text(encoding="utf-8")
        assert f"url={url}" in settings_text or url in settings_text
        assert secret not in settings_text and ":pw@" not in settings_text
        assert not any(secret in message for message in window.server.messages)
    finally:
        window.server.close()
        window.document.undo_stack.setClean()
        window.session.new(data=window.session.level_data)
