"""Planner-grade usability in the real window, offscreen: which file am I in, plurals,
from a flag to its reason, flags of the selected regions (issue 16)."""

from __future__ import annotations

from collections import Counter

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from cluster_planner.domain.paths import resources_dir  # noqa: E402

pytestmark = pytest.mark.gui

HOMOGENIZED = resources_dir() / "examples" / "homogenized_2026.cplan"


@pytest.fixture
def fresh(window):
    window.document.undo_stack.setClean()
    window.new_plan()
    window.selection.clear()
    yield window
    window.document.undo_stack.setClean()
    if window.set_language("en") != "en":  # pragma: no cover - the catalogue is bundled
        raise AssertionError("English must install")


def test_the_title_names_the_file_with_the_modified_mark_and_the_save_prompt_too(qtbot, fresh, tmp_path):
    target = tmp_path / "hunan-draft.cplan"
    fresh.selection.apply(["430200"], "replace")
    fresh.assign_to_selection("steel", "lead")
    assert fresh.save_to(target)
    assert fresh.windowTitle() == "hunan-draft.cplan[*] — Cluster Planner"
    assert fresh.windowFilePath() == str(target)
    assert not fresh.isWindowModified()
    fresh.assign_to_selection("rail-transit-equipment", "lead")
    assert fresh.isWindowModified()

    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert not fresh.files.maybe_save()
    assert seen == ["The plan “hunan-draft.cplan” has unsaved changes."]

    fresh.document.undo_stack.setClean()
    fresh.new_plan()
    assert fresh.windowTitle() == "Untitled plan[*] — Cluster Planner"
    assert fresh.windowFilePath() == ""


def test_flag_counts_are_plural_in_english_and_counted_in_chinese(fresh):
    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    counts = Counter(flag.severity for flag in fresh.document.analysis.flags)
    assert (counts["error"], counts["warning"], counts["info"]) == (1, 55, 33)
    assert fresh.flags_panel.summary.text() == "1 error, 55 warnings, 33 info"
    assert " · 89 flags" in fresh.counts_label.text()

    assert fresh.set_language("zh") == "zh"
    QApplication.processEvents()
    assert fresh.flags_panel.summary.text() == "1 个错误, 55 个警告, 33 条提示"
    assert " · 89 个问题" in fresh.counts_label.text()
