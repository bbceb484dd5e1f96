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
    assert fresh.flags_panel.summary.text() == "1 个错误，55 个警告，33 条提示"
    assert " · 89 个问题" in fresh.counts_label.text()


def _select_flag(window, predicate):
    model = window.flags_panel.model
    for row in range(model.rowCount()):
        flag = model.flag_at(row)
        if predicate(flag):
            window.flags_panel.table.selectRow(row)
            window.flags_panel.table.setFocus()
            return flag
    raise AssertionError("no such flag shown")


def test_enter_or_a_double_click_on_a_flag_opens_why_this_fit_on_its_region_and_industry(qtbot, fresh):
    from PySide6.QtCore import Qt

    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    flag = _select_flag(fresh, lambda f: len(f.regions) == 1 and f.industry)
    assert fresh.canvas.map_figure.highlight == [fresh.document.layer.index_of[flag.regions[0]]]
    assert fresh.explain_fit_action.isEnabled()  # no region or industry chosen: the flag is enough
    qtbot.keyClick(fresh.flags_panel.table, Qt.Key.Key_Return)
    dialog = fresh.fits.dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.region, dialog.industry) == (flag.regions[0], flag.industry)
    dialog.close()

    table = fresh.flags_panel.table
    row = table.selectionModel().selectedRows()[0]
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(row).center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(row).center())
    assert dialog.isVisible() and (dialog.region, dialog.industry) == (flag.regions[0], flag.industry)
    dialog.close()


def test_ctrl_i_on_a_flag_about_several_regions_offers_them(qtbot, fresh):
    from PySide6.QtCore import Qt

    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    flag = _select_flag(fresh, lambda f: f.kind == "crowded-industry")
    fresh.activateWindow()
    qtbot.waitUntil(fresh.isActiveWindow, timeout=2000)  # shortcuts reach the active window
    qtbot.keyClick(fresh.flags_panel.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    menu = fresh.fits.menu
    assert menu is not None and menu.isVisible()
    actions = menu.actions()
    assert len(actions) == min(12, len(flag.regions)) > 1
    second = fresh.document.region_label(flag.regions[1])
    assert second in actions[1].text()
    actions[1].trigger()
    menu.close()
    dialog = fresh.fits.dialog
    assert (dialog.region, dialog.industry) == (flag.regions[1], flag.industry)
    dialog.close()


def test_selecting_regions_filters_the_flags_with_a_show_all_switch(qtbot, fresh):
    from PySide6.QtCore import Qt

    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    panel = fresh.flags_panel
    every = panel.model.rowCount()
    assert every == 89 and not panel.scope_bar.isVisible()
    picked = ["430000", "440000"]  # Hunan, Guangdong
    fresh.selection.apply(picked, "replace")
    about = [f for f in fresh.document.analysis.flags if set(f.regions) & set(picked)]
    assert 0 < panel.model.rowCount() == len(about) < every
    assert panel.scope_bar.isVisible()
    assert panel.scope_label.text() == f"Showing the flags of 2 regions ({len(about)} flags)"
    qtbot.mouseClick(panel.show_all_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == every and not panel.scope_bar.isVisible()
    fresh.selection.apply(["430000"], "replace")
    assert panel.scope_label.text().startswith("Showing the flags of 1 region")
    fresh.selection.clear()
    assert panel.model.rowCount() == every and not panel.scope_bar.isVisible()


def _lightness(colour) -> int:
    return colour.lightness()


def test_themes_switch_both_ways_with_visible_checkboxes_and_the_map_following(qtbot, fresh):
    from matplotlib.colors import to_hex
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QCheckBox

    def window_colour():
        return QApplication.palette().color(QPalette.ColorRole.Window)

    def empty_box_contrast() -> int:
        box = QCheckBox("x", fresh)
        box.setChecked(False)
        box.resize(60, 30)
        box.show()
        QApplication.processEvents()
        image = box.grab().toImage()
        box.deleteLater()
        back = window_colour().lightness()
        return max(
            abs(QColor(image.pixel(x, y)).lightness() - back) for x in range(18) for y in range(image.height())
        )

    try:
        assert fresh.set_theme("dark") == "dark"
        QApplication.processEvents()
        assert window_colour().lightness() < 80
        assert empty_box_contrast() > 40  # the unticked box's border shows on the dark window
        figure = fresh.canvas.map_figure
        assert to_hex(figure.figure.get_facecolor()) == "#2d2d30"
        assert to_hex(figure.ax.get_facecolor()) == "#1f2a33"

        assert fresh.set_theme("light") == "light"
        QApplication.processEvents()
        assert window_colour().lightness() > 200  # Light after Dark is light again
        assert QApplication.palette().color(QPalette.ColorRole.Base) == QColor(255, 255, 255)
        assert empty_box_contrast() > 40
        assert to_hex(figure.figure.get_facecolor()) == "#ffffff"
        assert to_hex(figure.ax.get_facecolor()) == "#f4f8fb"
    finally:
        fresh.set_theme("system")


def test_at_800_by_600_the_map_keeps_priority_and_the_docks_recover(qtbot, fresh):
    from cluster_planner.qt.window_layout import MINIMUM_SIZE

    def settle(width, height):
        fresh.resize(width, height)
        QApplication.processEvents()
        qtbot.wait(30)
        QApplication.processEvents()

    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    try:
        settle(800, 600)
        canvas = fresh.canvas
        assert canvas.width() >= 380 and canvas.height() >= 340  # was 10 x 358
        assert fresh.selection_dock.width() <= 200 and fresh.flags_dock.width() <= 240
        fresh.canvas.figure_widget().draw()
        legend = fresh.canvas.map_figure.legend
        box = legend.get_window_extent()
        axes = fresh.canvas.map_figure.ax.get_window_extent()
        assert box.width * box.height <= 0.25 * axes.width * axes.height  # a corner, not half the map
        assert box.x0 <= axes.x0 + 0.02 * axes.width and box.y0 <= axes.y0 + 0.02 * axes.height

        settle(1400, 900)
        assert (fresh.selection_dock.width(), fresh.flags_dock.width()) == (340, 440)
        assert fresh.assignments_dock.height() == 200

        settle(500, 400)
        assert fresh.size() == MINIMUM_SIZE == fresh.minimumSize()
    finally:
        settle(1400, 900)


def test_a_freshly_opened_flagged_plan_is_coloured_by_its_flags(fresh):
    from cluster_planner.domain.paths import resources_dir

    fresh.set_colour_mode("count")
    assert fresh.open_path(resources_dir() / "examples" / "local_conditions_2026.cplan", ask_to_save=False)
    assert not any(f.severity in ("warning", "error") for f in fresh.document.analysis.flags)
    assert fresh.colour_mode == "count"  # nothing to point at: the counts stay
    assert fresh.open_path(HOMOGENIZED, ask_to_save=False)
    assert fresh.colour_mode == "severity"
    legend = [label for label, _ in fresh.canvas.map_figure.legend_entries()]
    assert legend == ["Error", "Warning", "Info", "No flag"]
    fresh.set_colour_mode("count")


def test_why_this_fit_links_are_in_chinese_too(fresh):
    assert fresh.set_language("zh") == "zh"
    dialog = fresh.show_fit_dialog("130000", "artificial-intelligence")  # Hebei
    html = dialog.browser.toHtml()
    assert ">为什么？<" in html and ">布局<" in html and ">why?<" not in html
    dialog.close()


def test_region_names_grow_with_the_zoom_without_covering_each_other_or_the_cities(qtbot, fresh):
    names = fresh.region_names
    canvas = fresh.canvas
    canvas.map_figure.reset_view()
    canvas.figure_widget().draw()
    renderer = canvas.map_figure.figure.canvas.get_renderer()

    def boxes(texts):
        return [text.get_window_extent(renderer) for text in texts]

    home = names.shown()
    assert 5 <= len(home) < 60  # at the whole country only the large regions are named
    shown = boxes(home)
    cities = boxes(canvas.map_figure.city_labels)
    for i, box in enumerate(shown):
        assert not any(box.overlaps(other) for other in shown[i + 1:] + cities), home[i].get_text()
    canvas.map_figure.zoom(4.0)
    zoomed = names.shown()
    assert len(zoomed) > len(home) or max(t.get_fontsize() for t in zoomed) > max(t.get_fontsize() for t in home)
    canvas.map_figure.reset_view()
