"""Chinese and English: the committed translation is complete and up to date, and
switching language retranslates the window without losing the open plan."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS_FILE = ROOT / "resources" / "translations" / "cluster_planner_zh_CN.ts"
EXAMPLE = ROOT / "resources" / "examples" / "homogenized_2026.cplan"


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def test_every_string_in_the_committed_ts_has_a_chinese_translation():
    untranslated = []
    for (context, source), message in _messages(TS_FILE).items():
        translation = message.find("translation")
        forms = [form.text for form in translation.iter("numerusform")] or [translation.text]
        if translation.get("type") in ("unfinished", "obsolete", "vanished") or not all(
            (form or "").strip() for form in forms
        ):
            untranslated.append(f"{context}: {source}")
    assert untranslated == []


def test_the_committed_ts_covers_every_tr_string_in_the_code(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_translations
    finally:
        sys.path.pop(0)
    fresh = tmp_path / "fresh.ts"
    build_translations.lupdate(fresh)
    committed = set(_messages(TS_FILE))
    missing = sorted(f"{c}: {s}" for c, s in set(_messages(fresh)) - committed)
    assert missing == [], "run scripts/build_translations.py and translate the new strings"


def test_flag_messages_in_chinese_carry_the_numbers_and_chinese_names():
    from cluster_planner.analysis.engine import analyze
    from cluster_planner.analysis.fit import build_context
    from cluster_planner.domain.catalog import load_catalog, load_condition_types
    from cluster_planner.domain.conditions import load_conditions
    from cluster_planner.domain.regions import load_layer
    from cluster_planner.io.planfile import load_plan
    from cluster_planner.text.messages import flag_message, names_from

    catalog = load_catalog()
    layer = load_layer("province")
    types = load_condition_types()
    plan = load_plan(EXAMPLE, catalog, layer)
    analysis = analyze(plan, build_context(layer, catalog, load_conditions(layer), condition_types=types))
    names = names_from(layer, catalog, types)
    crowded = analysis.flags_of("crowded-industry")[0]
    chinese = flag_message(crowded, "zh", names)
    assert catalog.by_id[crowded.industry].name_zh in chinese
    assert f"{crowded.evidence['count']} 个地区" in chinese
    assert flag_message(crowded, "en", names) == crowded.message
    for flag in analysis.flags:
        text = flag_message(flag, "zh", names)
        assert text != flag.message and not any(word in text for word in (" takes ", " regions", "the cap"))


@pytest.fixture
def window(qapp, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cluster_planner.qt.i18n import install_language
    from cluster_planner.qt.main_window import MainWindow
    from cluster_planner.qt.settings import AppSettings

    monkeypatch.setenv("CLUSTER_PLANNER_HOME", str(tmp_path))
    install_language("en")
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set_last_level("province")
    main = MainWindow(settings)
    main.start()
    yield main
    install_language("en")
    main.document.undo_stack.setClean()
    main.close()
    QApplication.processEvents()


def test_switching_to_chinese_retranslates_menus_panels_and_flags_and_keeps_the_plan(window):
    from PySide6.QtWidgets import QApplication

    assert window.open_path(EXAMPLE, ask_to_save=False)
    window.selection.apply(["430000"], "replace")
    window.assign_to_selection("steel", "support")  # one edit on the undo stack
    undo_count = window.document.undo_stack.count()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[0] == "&File"

    assert window.set_language("zh") == "zh"
    QApplication.processEvents()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:5] == ["文件(&F)", "编辑(&E)", "规划(&P)", "视图(&V)", "帮助(&H)"]
    assert window.flags_dock.windowTitle() == "问题"
    assert window.assignments_dock.windowTitle() == "产业布局"
    model = window.flags_panel.model
    messages = [model.data(model.index(row, 2)) for row in range(model.rowCount())]
    assert any("承接" in text and "适配度" in text for text in messages)
    assert model.data(model.index(0, 1)) in ("一刀切", "产业扎堆", "脱离当地条件", "产业结构雷同", "产业链缺环")
    assert window.catalog_panel.lead_button.text() == "主导"
    window.flags_panel.table.selectRow(0)  # the details' headings are Chinese too
    details = window.flags_panel.details.toPlainText()
    assert "涉及地区：" in details and "依据" in details and "Evidence" not in details
    window.flags_panel.table.clearSelection()
    # The plan is the same plan: path, selection and undo history survive the switch.
    assert window.document.path == EXAMPLE
    assert window.selection.codes == ["430000"]
    assert window.document.undo_stack.count() == undo_count
    assert window.document.plan.get("430000", "steel").role == "support"
    assert window.settings.language() == "zh"

    assert window.set_language("en") == "en"
    QApplication.processEvents()
    assert window.menuBar().actions()[0].text() == "&File"
    assert window.flags_dock.windowTitle() == "Flags"


def test_undo_redo_items_and_the_plan_file_filter_follow_the_language(window):
    from PySide6.QtWidgets import QApplication

    assert window.open_path(EXAMPLE, ask_to_save=False)
    window.selection.apply(["430000"], "replace")
    window.assign_to_selection("steel", "support")
    command = window.document.undo_stack.undoText()
    assert command and window.undo_action.text() == f"&Undo {command}"
    assert window.redo_action.text() == "&Redo"
    assert window._plan_filter().startswith("Cluster Planner plans (*.cplan)")

    assert window.set_language("zh") == "zh"
    QApplication.processEvents()
    assert window.undo_action.text().startswith("撤销(&U) ")
    # The step made in English is named in Chinese now, with the names in Chinese.
    assert "钢铁" in window.undo_action.text() and "湖南" in window.undo_action.text()
    assert "Steel" not in window.undo_action.text()
    assert window.redo_action.text() == "重做(&R)"
    assert window._plan_filter().startswith("Cluster Planner 规划文件 (*.cplan)")
    window.undo_action.trigger()  # the text follows the stack in the new language too
    assert window.undo_action.text() == "撤销(&U)"
    assert window.redo_action.text().startswith("重做(&R) ")

    assert window.set_language("en") == "en"
    QApplication.processEvents()
    assert window.redo_action.text().startswith("&Redo ")
    assert "Steel" in window.redo_action.text()
    assert window.undo_action.text() == "&Undo"
