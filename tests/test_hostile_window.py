"""Issue 17 in the window: a plan the analysis cannot take is refused with a dialog, and
the plan that was open stays open (it used to raise out of ``open_path``)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

pytestmark = pytest.mark.gui


def close_next_box(found: list) -> None:
    def close():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, close)
            return
        found.append((box.objectName(), box.text() if isinstance(box, QMessageBox) else ""))
        box.close()

    QTimer.singleShot(0, close)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"fit_threshold": 2}, "settings: setting fit_threshold must be a number from 0 to 1, not 2"),
        ({"crowding_min": 1e300}, "settings: setting crowding_min must be a whole number"),
        ({"scope": "990000"}, "settings: scope '990000' is no province of the prefecture layer"),
    ],
)
def test_a_plan_the_analysis_refuses_shows_a_dialog_and_keeps_the_open_plan(
    qtbot, window, tmp_path, settings, problem
):
    window.document.undo_stack.setClean()
    window.new_plan()
    window.document.plan.apply(window.document.plan.assign_industry("430200", "steel"))
    before = window.document.plan
    path = tmp_path / "absurd.cplan"
    path.write_text(json.dumps({
        "format": "cluster-planner-plan", "version": 1, "name": "Absurd", "level": "prefecture",
        "assignments": [{"region": "420100", "industry": "steel", "role": "lead", "note": ""}],
        "settings": settings, "metadata": {},
    }))
    boxes: list = []
    close_next_box(boxes)
    assert window.open_path(path, ask_to_save=False) is False
    assert boxes and boxes[0][0] == "errorBox"
    assert boxes[0][1].startswith(f"{path}: {problem}")
    assert window.document.plan is before
    assert window.document.plan.get("430200", "steel") is not None
    assert QApplication.overrideCursor() is None
    window.document.undo_stack.setClean()


@pytest.mark.parametrize("name", ["Draft $x^2^3$", "Plan $\\foo$ and $", "$\\left($ 2026"])
@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_a_dollar_in_the_plan_name_exports_and_the_wait_cursor_goes(window, tmp_path, name, suffix):
    from cluster_planner.domain.plan import Rename

    window.document.undo_stack.setClean()
    window.new_plan()
    window.document.push(Rename(name))
    window.canvas.figure_widget().draw()
    out = tmp_path / f"map{suffix}"
    assert window.export_to(out) is True
    assert out.stat().st_size > 1000
    assert QApplication.overrideCursor() is None
    window.document.undo_stack.setClean()
