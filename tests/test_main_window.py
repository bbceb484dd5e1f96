"""The real main window, offscreen: click the map, assign, undo, save, reopen, recover.

One window is built for the module (building it costs about a second); the tests run
in file order and each leaves the window with a clean, empty plan. Settings and
recovery files live in a temporary ``CLUSTER_PLANNER_HOME``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

pytestmark = pytest.mark.gui

ZHUZHOU, HEFEI, WUHAN = "430200", "340100", "420100"
NEV = "new-energy-vehicles"


@pytest.fixture
def fresh(window):
    """The module's window with an empty, clean plan and nothing selected."""
    window.document.undo_stack.setClean()
    window.new_plan()
    window.selection.clear()
    window.catalog_panel.search_box.clear()
    window.assignments_filter.clear()
    window.set_colour_mode("count")
    yield window
    window.document.undo_stack.setClean()


def facecolour(window, code):
    return window.canvas.map_figure.facecolors[window.document.layer.index_of[code]]


def click_region(qtbot, window, code, modifier=Qt.KeyboardModifier.NoModifier):
    """Click the pixel showing ``code``'s representative point on the map."""
    canvas = window.canvas
    row = window.document.layer.index_of[code]
    x, y = canvas.map_figure.representative_points()[row]
    pos = canvas.widget_pos_of(x, y)
    assert canvas.region_at(pos) == code, "the computed pixel must lie on the region"
    qtbot.mouseClick(canvas.figure_widget(), Qt.MouseButton.LeftButton, modifier, pos)


def answer_next_dialog(qtbot, button=None, found=None, text=None):
    """Click ``button`` of the next modal message box (or accept the dialog, typing ``text``)."""

    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, click)
            return
        if found is not None:
            found.append((box.objectName(), box.text() if isinstance(box, QMessageBox) else ""))
        if isinstance(box, QMessageBox):
            target = box.button(button) if button is not None else box.defaultButton()
            (target or box.buttons()[0]).click()
        else:
            if text is not None:
                box.setTextValue(text)
            box.accept()

    QTimer.singleShot(0, click)


def type_text(qtbot, widget, text):
    """Type ``text``; Chinese arrives at once, as an input method commits it."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def undo_text(window):
    return window.undo_action.text().replace("&", "")


def test_the_map_shows_the_layer_and_the_title_names_the_plan(fresh):
    assert len(fresh.canvas.map_figure) == len(fresh.document.layer) > 300
    assert fresh.windowTitle() == "Untitled plan[*] — Cluster Planner"
    assert not fresh.isWindowModified()


def test_clicking_a_region_selects_it_and_ctrl_click_adds_another(qtbot, fresh):
    click_region(qtbot, fresh, ZHUZHOU)
    assert fresh.selection.codes == [ZHUZHOU]
    assert fresh.canvas.map_figure.selection == [fresh.document.layer.index_of[ZHUZHOU]]
    assert "Zhuzhou" in fresh.region_panel.list.item(0).text()

    click_region(qtbot, fresh, HEFEI, Qt.KeyboardModifier.ControlModifier)
    assert fresh.selection.codes == [ZHUZHOU, HEFEI]


def test_catalog_search_finds_chinese_english_and_pinyin(qtbot, fresh):
    search = fresh.catalog_panel.search_box
    for text in ("新能源汽车", "new energy vehicles", "xinnengyuan"):
        search.clear()
        type_text(qtbot, search, text)
        visible = fresh.catalog_panel.visible_industries()
        assert NEV in visible, text
        assert len(visible) < len(fresh.catalog.industries)
        assert fresh.catalog_panel.current_industry() == NEV


def test_assigning_recolours_the_region_and_undo_redo_restore_it(qtbot, fresh):
    grey = facecolour(fresh, ZHUZHOU).copy()
    click_region(qtbot, fresh, ZHUZHOU)
    type_text(qtbot, fresh.catalog_panel.search_box, "新能源汽车")
    qtbot.mouseClick(fresh.catalog_panel.lead_button, Qt.MouseButton.LeftButton)

    assert fresh.document.plan.get(ZHUZHOU, NEV).role == "lead"
    assigned = facecolour(fresh, ZHUZHOU).copy()
    assert not np.allclose(assigned, grey)
    assert undo_text(fresh) == "Undo Assign New energy vehicles to Zhuzhou"
    assert fresh.isWindowModified()
    assert fresh.assignments_model.rowCount() == 1

    fresh.undo_action.trigger()
    assert len(fresh.document.plan) == 0
    assert np.allclose(facecolour(fresh, ZHUZHOU), grey)
    assert fresh.redo_action.text().replace("&", "") == "Redo Assign New energy vehicles to Zhuzhou"
    assert not fresh.isWindowModified()
    assert fresh.assignments_model.rowCount() == 0

    fresh.redo_action.trigger()
    assert np.allclose(facecolour(fresh, ZHUZHOU), assigned)


def test_one_click_assigns_to_every_selected_region_as_one_step(qtbot, fresh):
    fresh.selection.apply([ZHUZHOU, HEFEI, WUHAN])
    fresh.catalog_panel.set_current_industry(NEV)
    qtbot.mouseClick(fresh.catalog_panel.support_button, Qt.MouseButton.LeftButton)
    assert {a.region for a in fresh.document.plan.regions_with(NEV)} == {ZHUZHOU, HEFEI, WUHAN}
    assert undo_text(fresh) == "Undo Assign New energy vehicles to 3 regions as support"

    fresh.lead_action.trigger()  # Ctrl+L switches the role of all three at once
    assert {a.role for a in fresh.document.plan} == {"lead"}
    assert undo_text(fresh) == "Undo Change role of New energy vehicles in 3 regions to lead"
    fresh.undo_action.trigger()
    assert {a.role for a in fresh.document.plan} == {"support"}


def test_typing_a_note_is_one_undo_step(qtbot, fresh):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    editor = fresh.catalog_panel.note_editor
    assert editor.isEnabled()
    qtbot.keyClicks(editor, "rail hub")
    assert fresh.document.plan.get(ZHUZHOU, NEV).note == "rail hub"
    assert undo_text(fresh) == "Undo Edit note on New energy vehicles in Zhuzhou"
    fresh.undo_action.trigger()
    assert fresh.document.plan.get(ZHUZHOU, NEV).note == ""
    assert editor.toPlainText() == ""


def test_selecting_an_assignment_row_selects_its_region_on_the_map(qtbot, fresh):
    fresh.selection.apply([ZHUZHOU, HEFEI])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    fresh.selection.clear()

    table = fresh.assignments_table
    proxy = fresh.assignments_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == HEFEI)
    rect = table.visualRect(proxy.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fresh.selection.codes == [HEFEI]
    assert fresh.canvas.map_figure.selection == [fresh.document.layer.index_of[HEFEI]]

    fresh.assignments_filter.setText("Zhuzhou")
    assert proxy.rowCount() == 1


def low_fit_region(window, industry):
    """A region whose local conditions do not support ``industry`` (read from the data)."""
    layer = window.document.layer
    threshold = window.document.analysis.settings.fit_threshold
    return next(code for code in layer.codes if window.document.fit(code, industry) < threshold)


def test_flags_follow_every_edit_and_a_selected_flag_outlines_its_regions(qtbot, fresh):
    assert fresh.document.analysis is not None, fresh.document.analysis_problem
    panel = fresh.flags_panel
    assert panel.model.rowCount() == 0
    region = low_fit_region(fresh, "shipbuilding")
    fresh.selection.apply([region])
    fresh.catalog_panel.set_current_industry("shipbuilding")
    fresh.lead_action.trigger()

    kinds = [panel.model.flag_at(row).kind for row in range(panel.model.rowCount())]
    assert "local-mismatch" in kinds
    assert "Local mismatch" in fresh.assignments_proxy.index(0, 7).data()  # the kind, by its display name
    assert "fit" in fresh.region_tooltip(region) and "⚑" in fresh.region_tooltip(region)

    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("local-mismatch"))
    assert panel.model.rowCount() == kinds.count("local-mismatch")
    panel.table.selectRow(0)
    assert fresh.canvas.map_figure.highlight == [fresh.document.layer.index_of[region]]
    assert fresh.document.region_name(region) in panel.details.toPlainText()

    elsewhere = next(code for code in fresh.document.layer.codes if code != region)
    grey = facecolour(fresh, elsewhere).copy()
    fresh.set_colour_mode("severity")
    assert not np.allclose(facecolour(fresh, region), grey)

    fresh.undo_action.trigger()
    assert panel.model.rowCount() == 0
    assert np.allclose(facecolour(fresh, region), grey)
    assert fresh.canvas.map_figure.highlight == []
    panel.kind_filter.setCurrentIndex(0)


def test_flags_table_sorts_by_header_and_keeps_the_selected_flag_through_an_edit(qtbot, fresh):
    panel = fresh.flags_panel
    shipyard = low_fit_region(fresh, "shipbuilding")
    fresh.selection.apply([shipyard])
    fresh.catalog_panel.set_current_industry("shipbuilding")
    fresh.lead_action.trigger()
    fresh.selection.apply([ZHUZHOU, HEFEI])  # the same three industries: similar portfolios
    for industry in ("lithium-batteries", "robotics", NEV):
        fresh.catalog_panel.set_current_industry(industry)
        fresh.lead_action.trigger()
    panel.show_all_button.click()  # the table followed the selection: every region's flags again
    assert panel.model.rowCount() >= 2
    kinds = {panel.model.flag_at(row).kind for row in range(panel.model.rowCount())}
    assert len(kinds) >= 2, kinds

    # Clicking the Kind header sorts the rows by the kind's display name; again reverses.
    def kind_column():
        return [panel.table.model().index(row, 1).data() for row in range(panel.model.rowCount())]

    header = panel.table.horizontalHeader()
    centre = QPoint(header.sectionViewportPosition(1) + header.sectionSize(1) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    first = kind_column()
    assert first in (sorted(first), sorted(first, reverse=True))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert kind_column() == sorted(first, reverse=first == sorted(first))

    # Select the shipbuilding mismatch; an edit elsewhere keeps it selected and outlined.
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.flag_at(r).kind == "local-mismatch" and shipyard in panel.model.flag_at(r).regions)
    panel.table.selectRow(row)
    selected = panel.selected_flag()
    assert fresh.canvas.map_figure.highlight == [fresh.document.layer.index_of[shipyard]]
    # (selecting Wuhan would narrow the table to Wuhan's flags: edit it without selecting)
    fresh.session.assign(NEV, "support", [WUHAN])
    kept = panel.selected_flag()
    assert (kept.kind, kept.industry, kept.regions) == (selected.kind, selected.industry, selected.regions)
    assert fresh.canvas.map_figure.highlight == [fresh.document.layer.index_of[shipyard]]
    assert fresh.document.region_name(shipyard) in panel.details.toPlainText()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)


def test_compare_with_a_saved_draft_lists_and_colours_the_differences(qtbot, fresh, tmp_path):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    draft = tmp_path / "draft-a.cplan"
    assert fresh.save_to(draft)
    fresh.selection.apply([HEFEI])
    fresh.lead_action.trigger()  # this plan now has Hefei too; the draft does not

    unchanged = facecolour(fresh, "110000").copy()
    assert fresh.compare_path(draft)
    dialog = fresh.data.compare_dialog
    assert dialog.isVisible() and dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == HEFEI
    assert "Homogeneity index" in dialog.summary.text()
    assert fresh.comparison.removed[0].region == HEFEI
    assert not np.allclose(facecolour(fresh, HEFEI), unchanged)
    assert np.allclose(facecolour(fresh, ZHUZHOU), unchanged)

    dialog.table.selectRow(0)
    assert fresh.selection.codes == [HEFEI]
    dialog.reject()
    assert fresh.comparison is None
    assert not np.allclose(facecolour(fresh, ZHUZHOU), unchanged)  # back to industry counts


def test_export_writes_the_assignments_table(qtbot, fresh, tmp_path):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    out = tmp_path / "plan.csv"
    assert fresh.export_to(out)
    text = out.read_text("utf-8-sig")
    assert ZHUZHOU in text and NEV in text


def test_save_close_and_reopen_restore_the_same_assignments(qtbot, fresh, tmp_path):
    plan = fresh.document.plan
    fresh.selection.apply([ZHUZHOU, HEFEI])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    fresh.selection.apply([WUHAN])
    fresh.catalog_panel.set_current_industry("steel")
    fresh.support_action.trigger()
    fresh.edit_note(WUHAN, "steel", "江汉平原 river port")
    expected = sorted(plan.assignments, key=lambda a: a.key)

    path = tmp_path / "draft.cplan"
    assert fresh.save_to(path)
    assert not fresh.isWindowModified()
    assert fresh.windowTitle() == "draft.cplan[*] — Cluster Planner"
    assert str(path.resolve()) == fresh.settings.recent_files()[0]

    fresh.new_plan()  # clean: no question asked
    assert len(fresh.document.plan) == 0
    assert fresh.open_path(path)
    assert sorted(fresh.document.plan.assignments, key=lambda a: a.key) == expected
    assert fresh.document.path == path
    assert not fresh.isWindowModified()
    assert not np.allclose(facecolour(fresh, WUHAN), facecolour(fresh, "110000"))


def test_opening_a_corrupt_file_shows_the_error_and_keeps_the_plan(qtbot, fresh, tmp_path):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    before = fresh.document.plan
    broken = tmp_path / "broken.cplan"
    broken.write_text('{"format": "cluster-planner-plan", "version": 1, "assignments": [', "utf-8")

    boxes: list = []
    answer_next_dialog(qtbot, QMessageBox.StandardButton.Ok, boxes)
    assert not fresh.open_path(broken, ask_to_save=False)
    assert boxes and boxes[0][0] == "errorBox"
    assert str(broken) in boxes[0][1] and "\n" not in boxes[0][1]
    assert fresh.document.plan is before
    assert before.get(ZHUZHOU, NEV) is not None
    assert fresh.isWindowModified()


def test_recent_files_drop_a_missing_file_with_a_message(qtbot, fresh, tmp_path):
    gone = tmp_path / "gone.cplan"
    fresh.settings.set_recent_files([str(gone)])
    boxes: list = []
    answer_next_dialog(qtbot, found=boxes)
    fresh.open_recent(str(gone))
    assert boxes and "no longer exists" in boxes[0][1]
    assert fresh.settings.recent_files() == []


def test_switching_level_with_an_empty_plan_needs_no_question(qtbot, fresh):
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("province")
    assert fresh.document.level == "province"
    assert len(fresh.canvas.map_figure) == 34
    assert fresh.level_combo.currentData() == "province"
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.level_combo.activated.emit(fresh.level_combo.findData("prefecture"))
    assert fresh.document.level == "prefecture"


def test_switching_level_with_a_drafted_plan_keeps_it_and_draws_it_rolled_up(qtbot, fresh):
    from cluster_planner.render.colouring import NOTHING_GREY, _rgba

    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    plan = fresh.document.plan
    questions: list = []

    def refuse_any_question():  # a question would block; record and close it instead
        box = QApplication.activeModalWidget()
        if box is not None:
            questions.append(box.objectName())
            box.reject()

    for delay in (0, 100, 300):
        QTimer.singleShot(delay, refuse_any_question)
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("province")
    assert fresh.document.level == "province" and fresh.level_combo.currentData() == "province"
    assert fresh.document.plan is plan and plan.get(ZHUZHOU, NEV).level == "prefecture"
    assert fresh.isWindowModified()  # still the unsaved draft
    # Zhuzhou's choice is drawn on Hunan, rolled up, and on no other province.
    grey = _rgba(NOTHING_GREY)
    assert tuple(facecolour(fresh, "430000")) != grey
    assert sum(tuple(row) != grey for row in fresh.canvas.map_figure.facecolors) == 1
    # and the undo history still takes it back
    fresh.document.undo_stack.undo()
    assert plan.get(ZHUZHOU, NEV) is None
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("prefecture")
    qtbot.wait(350)
    assert questions == []


def test_a_plan_across_levels_opens_and_shows_on_each_level(qtbot, fresh):
    from cluster_planner.render.colouring import NOTHING_GREY, _rgba

    path = Path(__file__).parent / "data" / "plan_v2_mixed_levels.cplan"
    assert fresh.open_path(path, ask_to_save=False)
    assert fresh.document.level == "prefecture" and len(fresh.document.plan) == 3
    # Sichuan, a province, keeps its name in the table of a prefecture map.
    assert fresh.document.region_name("510000") == "Sichuan"
    fresh.set_colour_mode("count")  # a flagged plan opens coloured by its flags
    grey = _rgba(NOTHING_GREY)
    coloured = {code for code in fresh.document.layer.index_of if tuple(facecolour(fresh, code)) != grey}
    assert len(coloured) == 23 and {"320500", "320200", "510100"} <= coloured  # Sichuan's 21 cities
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("province")
    coloured = {code for code in fresh.document.layer.index_of if tuple(facecolour(fresh, code)) != grey}
    assert coloured == {"320000", "510000"}  # Jiangsu rolled up from its cities
    assert fresh.document.plan.get("320500", "integrated-circuits").level == "prefecture"
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("prefecture")


def test_autosave_writes_a_recovery_file_and_a_clean_save_removes_it(qtbot, fresh, tmp_path):
    from cluster_planner.io.recovery import recovery_dir

    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    written = fresh.autosave()
    assert written is not None and written.parent == recovery_dir() and written.is_file()
    assert NEV in written.read_text("utf-8")
    stamp = written.stat().st_mtime_ns
    assert fresh.autosave() == written and written.stat().st_mtime_ns == stamp  # nothing new
    fresh.edit_note(ZHUZHOU, NEV, "autosaved note")
    assert fresh.autosave() == written and "autosaved note" in written.read_text("utf-8")
    assert fresh.save_to(tmp_path / "saved.cplan")
    assert not written.exists()


def test_a_crashed_session_s_autosave_is_offered_and_restored(qtbot, fresh, home):
    """Another session autosaves and dies without cleaning up; this window offers its plan."""
    script = textwrap.dedent(
        f"""
        import os
        from cluster_planner.domain.plan import Plan
        from cluster_planner.io.recovery import write_recovery
        plan = Plan(name="Crashed draft", level="prefecture")
        plan.apply(plan.assign_industry({WUHAN!r}, "steel", "support"))
        write_recovery(plan)  # what the window's autosave timer calls
        os._exit(3)  # die without discarding it
        """
    )
    environment = dict(os.environ, CLUSTER_PLANNER_HOME=str(home))
    result = subprocess.run([sys.executable, "-c", script], env=environment, timeout=60)
    assert result.returncode == 3

    from cluster_planner.io.recovery import find_recoveries

    entries = find_recoveries()
    assert len(entries) == 1 and entries[0].assignments == 1

    found: list = []
    answer_next_dialog(qtbot, found=found)  # accept: restore the selected entry
    assert fresh.offer_recovery()
    assert found and found[0][0] == "recoveryDialog"
    assert fresh.document.plan.get(WUHAN, "steel").role == "support"
    assert fresh.windowTitle() == "Crashed draft[*] — Cluster Planner"
    assert fresh.isWindowModified()
    assert not entries[0].path.exists()
    assert find_recoveries() == []


def test_go_to_region_selects_by_name_or_code_without_the_mouse(qtbot, fresh):
    answer_next_dialog(qtbot, text="株洲")
    fresh.go_to_region_action.trigger()
    assert fresh.selection.codes == [ZHUZHOU]
    assert fresh.go_to_region("340100") and fresh.selection.codes == [HEFEI]
    assert fresh.go_to_region("wuhan") and fresh.selection.codes == [WUHAN]
    assert not fresh.go_to_region("Atlantis")
    assert fresh.selection.codes == [WUHAN]
    fresh.canvas.reset_view()


def test_the_county_layer_loads_in_a_worker_and_the_window_stays_responsive(qtbot, fresh):
    fresh.request_level("county")
    # Still the prefecture map, with a busy bar, until the worker is done.
    assert fresh.document.level == "prefecture"
    assert not fresh.progress.isHidden() and not fresh.level_combo.isEnabled()
    with qtbot.waitSignal(fresh.levelReady, timeout=30000) as blocker:
        fresh.selection.apply([ZHUZHOU])  # the GUI thread is free meanwhile
    assert blocker.args == ["county"]
    assert len(fresh.canvas.map_figure) == len(fresh.document.layer) > 2500
    assert fresh.progress.isHidden() and fresh.level_combo.isEnabled()
    assert fresh.selection.codes == []  # prefecture codes mean nothing on the county map
    with qtbot.waitSignal(fresh.levelReady, timeout=5000):
        fresh.request_level("prefecture")


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(qtbot, fresh):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(NEV)
    fresh.lead_action.trigger()
    boxes: list = []
    answer_next_dialog(qtbot, QMessageBox.StandardButton.Cancel, boxes)
    assert not fresh.close()
    assert boxes and boxes[0][0] == "saveChangesBox"
    assert fresh.isVisible()
    assert fresh.document.plan.get(ZHUZHOU, NEV) is not None

    answer_next_dialog(qtbot, QMessageBox.StandardButton.Discard)
    assert fresh.close()
    assert not fresh.isVisible()
    fresh.show()  # for the module fixture's own teardown
