"""Plan > Propose differentiated layout… in the real main window (offscreen): propose for
the example homogenized draft, accept one change (one undo step), undo it, accept all."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

pytestmark = pytest.mark.gui

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "examples" / "homogenized_2026.cplan"


@pytest.fixture(scope="module")
def window(qapp, home):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings

    settings = AppSettings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    settings.set_last_level("province")
    main = MainWindow(settings)
    main.start()
    assert main.open_path(EXAMPLE, ask_to_save=False)
    yield main
    main.document.undo_stack.setClean()
    main.close()
    QApplication.processEvents()


def assigned(window, region, industry):
    return window.document.plan.get(region, industry) is not None


def test_the_plan_menu_proposes_and_each_acceptance_is_one_undo_step(qtbot, window):
    action = window.propose_action
    assert action.text().replace("&", "") == "Propose differentiated layout…"
    action.trigger()
    dialog = window.propose_dialog
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.proposalReady, timeout=60_000) as ready:
        qtbot.mouseClick(dialog.propose_button, qtbot_left())
    proposal = ready.args[0]
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10_000)
    assert dialog.table.rowCount() == len(proposal.changes) == 3
    assert dialog.accept_all_button.isEnabled()
    assert "error flags 1 → 0" in dialog.summary.text()
    # Accept the drop of Hebei's artificial intelligence alone: one undo step.
    stack = window.document.undo_stack
    steps = stack.count()
    row = next(k for k, c in enumerate(proposal.changes) if c.action == "drop")
    assert (proposal.changes[row].region, proposal.changes[row].industry) == ("130000", "artificial-intelligence")
    dialog.table.selectRow(row)
    qtbot.mouseClick(dialog.accept_selected_button, qtbot_left())
    assert stack.count() == steps + 1
    assert not assigned(window, "130000", "artificial-intelligence")
    assert window.document.analysis.summary["flags"]["error"] == 0
    stack.undo()
    assert assigned(window, "130000", "artificial-intelligence")
    # Accept all: the whole proposal, segment notes too, as one more step.
    qtbot.mouseClick(dialog.accept_all_button, qtbot_left())
    assert stack.count() == steps + 1
    plan = window.document.plan
    assert {(a.key, a.role, a.note) for a in plan} == {(a.key, a.role, a.note) for a in proposal.plan}
    stack.undo()
    assert assigned(window, "130000", "artificial-intelligence")
    dialog.reject()


def test_a_malformed_lock_is_said_in_the_dialog_without_solving(qtbot, window):
    window.propose_action.trigger()
    dialog = window.propose_dialog
    dialog.locks.setText("130000")
    qtbot.mouseClick(dialog.propose_button, qtbot_left())
    assert not dialog.is_running()
    assert dialog.status.text().startswith("a lock is REGION:INDUSTRY")
    dialog.locks.setText("130000:steel, 140000:steel")
    dialog.caps.setText("steel=1")
    with qtbot.waitSignal(dialog.proposalReady, timeout=2_000, raising=False) as ready:
        qtbot.mouseClick(dialog.propose_button, qtbot_left())
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30_000)
    assert not ready.signal_triggered
    assert dialog.status.text() == "the settings conflict: 2 regions lock Steel but its cap is 1"
    dialog.reject()


def test_in_chinese_the_reasons_and_their_tooltips_are_chinese(qtbot, window):
    from PySide6.QtWidgets import QApplication

    from cluster_planner.qt.i18n import document_names
    from cluster_planner.text.proposals import change_reason

    assert window.set_language("zh") == "zh"
    QApplication.processEvents()
    try:
        window.propose_action.trigger()
        dialog = window.propose_dialog
        with qtbot.waitSignal(dialog.proposalReady, timeout=60_000) as ready:
            qtbot.mouseClick(dialog.propose_button, qtbot_left())
        proposal = ready.args[0]
        qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10_000)
        row = next(k for k, c in enumerate(proposal.changes) if c.action == "drop")
        drop = proposal.changes[row]
        reason = dialog.table.item(row, 4).text()
        assert reason == change_reason(drop, "zh", document_names(window.document)) != drop.reason
        assert reason.startswith("已知与当地条件不符：依据现有证据适配度")
        status = {"optimal": "最优", "time limit": "达到时间上限"}[proposal.status]
        assert dialog.status.text().startswith(f"{status}：目标值 ")
        assert "河北" in dialog.table.item(row, 1).text()
        tooltip = dialog.table.item(row, 1).toolTip()
        assert tooltip.startswith(reason) and tooltip.endswith(drop.reason)
        for k, change in enumerate(proposal.changes):
            if change.action == "add":
                assert dialog.table.item(k, 4).text() == change_reason(change, "zh", document_names(window.document))
                assert "适配度" in dialog.table.item(k, 4).text() and "fit" not in dialog.table.item(k, 4).text()
        dialog.reject()
        # Settings that conflict are said in Chinese too.
        window.propose_action.trigger()
        dialog = window.propose_dialog
        dialog.locks.setText("130000:steel, 140000:steel")
        dialog.caps.setText("steel=1")
        qtbot.mouseClick(dialog.propose_button, qtbot_left())
        qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30_000)
        assert dialog.status.text() == "设置相互冲突：有 2 个地区锁定了钢铁，但它的上限为 1"
        dialog.reject()
    finally:
        window.set_language("en")
        QApplication.processEvents()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
