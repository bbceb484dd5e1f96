"""Local conditions and fit in the real window: the conditions dock, CSV import, "Why this fit?".

One window for the module (the ``window`` fixture in ``conftest.py``); settings and recovery files
live in a temporary ``CLUSTER_PLANNER_HOME``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

pytestmark = pytest.mark.gui

ZHUZHOU = "430200"
SHIPBUILDING = "shipbuilding"  # needs sea-port, coastal, inland-waterway; Zhuzhou has none
RAIL = "rail-transit-equipment"


@pytest.fixture
def fresh(window):
    window.document.undo_stack.setClean()
    window.new_plan()
    window.selection.clear()
    yield window
    if window.import_report is not None:
        window.import_report.close()
    window.document.undo_stack.setClean()


def kinds(window, region, industry):
    return {flag.kind for flag in window.document.flags_for(region, industry)}


def fill_next_fact_dialog(condition, source):
    """Fill the next "Add local condition" dialog and press OK."""

    def fill():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "factDialog":
            QTimer.singleShot(20, fill)
            return
        dialog.condition_combo.setCurrentIndex(dialog.condition_combo.findData(condition))
        dialog.source_edit.setText(source)
        dialog.accept()

    QTimer.singleShot(0, fill)


def test_adding_conditions_in_the_dock_raises_the_fit_and_clears_the_flag_and_undo_restores_it(qtbot, fresh):
    from cluster_planner.domain.conditions import Fact

    document = fresh.document
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(SHIPBUILDING)
    fresh.assign_to_selection(SHIPBUILDING, "lead")
    assert document.fit(ZHUZHOU, SHIPBUILDING) == 0.0
    assert "local-mismatch" in kinds(fresh, ZHUZHOU, SHIPBUILDING)
    panel = fresh.conditions_panel
    rows_before = panel.table.rowCount()

    fill_next_fact_dialog("inland-waterway", "xiangjiang.example.cn/port")
    panel.add_button.click()
    assert panel.table.rowCount() == rows_before + 1
    panel.add_fact(Fact(ZHUZHOU, "sea-port", 1.0, "", "example.gov.cn/zhuzhou-port", "confirmed"))

    # Shipbuilding's assembly needs a port (sea or inland) and a coast or a manufacturing
    # base: the inland port beside Zhuzhou's rail cluster meets it.
    assert document.fit(ZHUZHOU, SHIPBUILDING) == 1.0
    assert "local-mismatch" not in kinds(fresh, ZHUZHOU, SHIPBUILDING)
    assert fresh.document.plan.settings["user_facts"], "the user's facts are saved with the plan"
    assert fresh.isWindowModified()

    fresh.document.undo_stack.undo()
    assert document.fit(ZHUZHOU, SHIPBUILDING) == 1.0  # the inland port alone still meets it
    fresh.document.undo_stack.undo()
    assert document.fit(ZHUZHOU, SHIPBUILDING) == 0.0
    assert panel.table.rowCount() == rows_before
    assert "user_facts" not in fresh.document.plan.settings
    # Another plan starts from the bundled facts: the edits never leak into the level's data.
    assert fresh.document.level_data.conditions.get(ZHUZHOU, "sea-port") is None


def test_an_unconfirmed_fact_is_listed_greyed_and_does_not_raise_the_fit(fresh):
    from cluster_planner.domain.conditions import Fact

    fresh.selection.apply([ZHUZHOU])
    before = fresh.document.fit(ZHUZHOU, SHIPBUILDING)
    fresh.conditions_panel.add_fact(Fact(ZHUZHOU, "sea-port", 1.0, "", "rumour.example.com", "unconfirmed"))
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == before
    panel = fresh.conditions_panel
    assert panel.select_fact("sea-port")
    row = panel.table.currentRow()
    assert "not counted" in panel.table.item(row, 3).text()
    assert "not counted" in panel.table.item(row, 0).toolTip()


def test_importing_a_csv_applies_the_good_rows_in_one_step_and_reports_the_bad_line(fresh, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "region,condition,value,source\n"
        f"{ZHUZHOU},sea-port,1,example.gov.cn/a\n"
        f"{ZHUZHOU},no-such-condition,1,example.gov.cn/b\n"
        f"{ZHUZHOU},coastal,0.8,example.gov.cn/c\n",
        encoding="utf-8",
    )
    fresh.selection.apply([ZHUZHOU])
    fresh.assign_to_selection(SHIPBUILDING, "lead")
    applied, problems = fresh.import_conditions_csv(path)

    assert applied == 2
    assert len(problems) == 1 and problems[0].startswith("line 3:")
    assert fresh.import_report is not None and fresh.import_report.isVisible()
    assert "line 3" in fresh.import_report.problems.toPlainText()
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 1.0
    fresh.document.undo_stack.undo()  # the whole import is one step
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 0.0


def test_user_facts_saved_with_the_plan_give_the_same_fit_after_reopening(fresh, tmp_path):
    from cluster_planner.domain.conditions import Fact

    fresh.selection.apply([ZHUZHOU])
    fresh.assign_to_selection(SHIPBUILDING, "lead")
    fresh.conditions_panel.add_fact(Fact(ZHUZHOU, "sea-port", 1.0, "", "example.gov.cn/a"))
    fit = fresh.document.fit(ZHUZHOU, SHIPBUILDING)
    path = tmp_path / "with-facts.cplan"
    assert fresh.save_to(path)
    fresh.new_plan()
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 0.0
    assert fresh.open_path(path)
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == pytest.approx(fit)
    assert fresh.document.conditions.get(ZHUZHOU, "sea-port").source == "example.gov.cn/a"


def test_why_this_fit_shows_the_base_fact_and_its_source_as_a_link(fresh):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(RAIL)
    fresh.conditions_panel.explain_button.click()
    dialog = fresh.fits.dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert "Fit 1.00" in text
    assert "Industrial base" in text
    assert "ppjjr.com/news/scyj/202103/27466.html" in text
    assert 'href="http://ppjjr.com/news/scyj/202103/27466.html"' in dialog.explanation_html()
    assert "Best-fitting alternatives" in text
    dialog.close()


def test_why_this_fit_says_what_is_unknown_and_which_list_would_settle_it(fresh):
    fresh.selection.apply([ZHUZHOU])
    fresh.catalog_panel.set_current_industry(SHIPBUILDING)
    fresh.conditions_panel.explain_button.click()
    text = fresh.fits.dialog.browser.toPlainText()
    assert "Fit 0.00 — unverified" in text
    assert "Unknown (no complete list says either way)" in text
    assert "Sea port or Inland waterway port" in text
    assert "Would be settled by:" in text and "major ports" in text.lower()
    fresh.fits.dialog.close()


def test_imported_statistics_feed_the_fit_and_the_status_bar(fresh, tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text(
        "region,industry,value\n"
        f"{ZHUZHOU},{SHIPBUILDING},90\n{ZHUZHOU},{RAIL},10\n"
        f"420100,{SHIPBUILDING},5\n420100,{RAIL},95\n",
        encoding="utf-8",
    )
    fresh.selection.apply([ZHUZHOU])
    assert fresh.import_statistics_csv(path)
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 1.0  # location quotient >= 1
    assert "stats.csv" in fresh.statistics_label.text()
    # The import is one undo step, saved with the plan: the plan now has unsaved changes.
    assert fresh.isWindowModified()
    assert fresh.document.undo_stack.undoText() == "Import statistics from stats.csv"
    fresh.document.undo_stack.undo()
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 0.0
    assert fresh.statistics_label.isHidden() and not fresh.isWindowModified()
    fresh.document.undo_stack.redo()
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 1.0 and fresh.statistics_label.isVisible()
    dialog = fresh.show_fit_dialog(ZHUZHOU, SHIPBUILDING)
    assert "Location quotient" in dialog.browser.toPlainText()
    dialog.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("region,industry,value\n430200,shipbuilding,lots\n", encoding="utf-8")
    assert not fresh.import_statistics_csv(bad)
    assert "line 2" in fresh.import_report.problems.toPlainText()
    fresh.document.set_statistics(None)
    assert fresh.document.fit(ZHUZHOU, SHIPBUILDING) == 0.0
