"""The planning session without Qt: commands and undo, typed events, facts and statistics saved with the plan."""

from __future__ import annotations

import json

import pytest

from cluster_planner.domain.conditions import Fact
from cluster_planner.domain.events import EventHub
from cluster_planner.domain.paths import resources_dir
from cluster_planner.session import PlanSession
from cluster_planner.session.events import (
    AnalysisUpdated,
    ConditionsChanged,
    PlanEdited,
    SelectionChanged,
    SessionEvent,
    ViewChanged,
)

ZHUZHOU, WUHAN, HEFEI = "430200", "420100", "340100"
SHIPBUILDING = "shipbuilding"  # needs a sea port or a waterway; Zhuzhou has neither
RAIL = "rail-transit-equipment"
HOMOGENIZED = resources_dir() / "examples" / "homogenized_2026.cplan"


@pytest.fixture(scope="module")
def catalog_and_level():
    session = PlanSession()
    return session.catalog, session.level_data_for("prefecture")


@pytest.fixture
def session(catalog_and_level):
    catalog, data = catalog_and_level
    session = PlanSession(catalog)
    session.new(data=data)
    return session


def test_the_hub_delivers_by_type_and_filter_and_unsubscribes():
    hub = EventHub()
    heard: list[object] = []
    stop = hub.subscribe(heard.append, SelectionChanged, filter=lambda e: len(e.codes) > 1)
    hub.subscribe(lambda e: heard.append("any"), SessionEvent)
    hub.emit(SelectionChanged(("1",)))
    hub.emit(SelectionChanged(("1", "2")))
    hub.emit(ViewChanged("colour_mode"))
    assert heard == ["any", SelectionChanged(("1", "2")), "any", "any"]
    stop()
    stop()
    hub.emit(SelectionChanged(("1", "2")))
    assert heard[-1] == "any" and len(hub) == 1


def test_assign_to_the_selection_is_one_undo_step_and_announces_the_edit(session):
    edits, analyses = [], []
    session.events.subscribe(edits.append, PlanEdited)
    session.events.subscribe(analyses.append, AnalysisUpdated)
    session.select([ZHUZHOU, WUHAN])
    session.select([HEFEI], "toggle")
    assert session.selection == (ZHUZHOU, WUHAN, HEFEI)
    assert session.assign(RAIL)
    assert sorted(a.region for a in session.plan.regions_with(RAIL)) == [HEFEI, WUHAN, ZHUZHOU]
    assert len(edits) == 1 and edits[0].change.keys == {(c, RAIL) for c in (ZHUZHOU, WUHAN, HEFEI)}
    assert len(analyses) == 1 and session.is_modified()
    assert not session.assign(RAIL)  # nothing to change: no step
    assert session.set_role(WUHAN, RAIL, "support")
    assert session.set_note(WUHAN, RAIL, "with Zhuzhou's suppliers")
    session.command_stack.undo()
    session.command_stack.undo()
    assert session.plan.get(WUHAN, RAIL).role == "lead"
    session.command_stack.undo()
    assert len(session.plan) == 0 and not session.is_modified()
    session.command_stack.redo()
    assert len(session.plan) == 3


def test_user_facts_and_statistics_are_saved_with_the_plan_and_reopen_with_the_same_analysis(
    session, tmp_path, catalog_and_level
):
    catalog, _ = catalog_and_level
    session.select([ZHUZHOU])
    session.assign(SHIPBUILDING)
    assert session.fit(ZHUZHOU, SHIPBUILDING) == 0.0
    changed: list[object] = []
    session.events.subscribe(changed.append, ConditionsChanged)
    session.edit_facts(session.conditions.set_fact(Fact(ZHUZHOU, "sea-port", 1.0, "", "example.gov.cn/a")))
    with_fact = session.fit(ZHUZHOU, SHIPBUILDING)
    assert with_fact > 0.0 and len(changed) == 1
    table = tmp_path / "output.csv"
    table.write_text(
        f"region,industry,value\n{ZHUZHOU},{SHIPBUILDING},90\n{ZHUZHOU},{RAIL},10\n"
        f"{WUHAN},{SHIPBUILDING},5\n{WUHAN},{RAIL},95\n",
        encoding="utf-8",
    )
    session.import_statistics_csv(table)
    assert session.fit(ZHUZHOU, SHIPBUILDING) == 1.0  # location quotient >= 1
    flags = [flag.to_json() for flag in session.analysis.flags]

    path = session.save(tmp_path / "plan.cplan")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["version"] == 2
    assert saved["settings"]["statistics"] == {
        "source": str(table),
        "values": {ZHUZHOU: {SHIPBUILDING: 90.0, RAIL: 10.0}, WUHAN: {SHIPBUILDING: 5.0, RAIL: 95.0}},
    }
    assert saved["settings"]["user_facts"][0]["source"] == "example.gov.cn/a"

    reopened = PlanSession.from_file(path, catalog=catalog)
    assert reopened.fit(ZHUZHOU, SHIPBUILDING) == 1.0
    assert reopened.statistics.source == str(table)
    assert [flag.to_json() for flag in reopened.analysis.flags] == flags
    assert reopened.saved_data_problems == []

    # Undo drops the statistics again, then the fact: the plan forgets them too.
    session.command_stack.undo()
    assert session.statistics is None and "statistics" not in session.plan.settings
    assert session.fit(ZHUZHOU, SHIPBUILDING) == with_fact
    session.command_stack.undo()
    assert session.fit(ZHUZHOU, SHIPBUILDING) == 0.0 and "user_facts" not in session.plan.settings


def test_unusable_saved_statistics_are_reported_and_the_rest_is_used(tmp_path, catalog_and_level, capsys):
    catalog, _ = catalog_and_level
    path = tmp_path / "hand-edited.cplan"
    path.write_text(json.dumps({
        "format": "cluster-planner-plan", "version": 1, "name": "Hand edited", "level": "prefecture",
        "assignments": [], "metadata": {},
        "settings": {"statistics": {"source": "x.csv", "values": {
            ZHUZHOU: {SHIPBUILDING: 90, RAIL: -1}, "999999": {RAIL: 1}, WUHAN: {RAIL: 95}}}},
    }), encoding="utf-8")
    session = PlanSession.from_file(path, catalog=catalog)
    assert session.saved_data_problems == [
        f"statistics: {ZHUZHOU} {RAIL} is not a number >= 0",
        "statistics: unknown region code 999999",
    ]
    assert session.fit(ZHUZHOU, SHIPBUILDING) == 1.0
    # The command line says so too, on stderr, and analyses what is usable.
    from cluster_planner.cli import main

    main(["check", str(path), "--format", "json"])
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [
        f"{path}: statistics: {ZHUZHOU} {RAIL} is not a number >= 0 (left out)",
        f"{path}: statistics: unknown region code 999999 (left out)",
    ]
    assert json.loads(printed.out)["summary"]["plan"] == "Hand edited"


def test_view_state_and_colours_come_from_the_session(catalog_and_level):
    catalog, _ = catalog_and_level
    session = PlanSession.from_file(HOMOGENIZED, catalog=catalog)
    views: list[str] = []
    session.events.subscribe(lambda e: views.append(e.field), ViewChanged)
    beijing = "110000"
    row = session.layer.index_of[beijing]
    colours, legend = session.map_colours()
    assert legend[0][0] == "0"  # regions with no industry first
    count = len(session.plan.industries_of(beijing))
    assert count == 4
    assert any(label == str(count) and tuple(colours[row]) == rgba for label, rgba in legend)
    session.set_colour_mode("severity")
    colours, legend = session.map_colours()
    worst = session.analysis.region_severity().get(beijing, "")
    expected = {"": "No flag", "info": "Info", "warning": "Warning", "error": "Error"}[worst]
    assert dict((label, rgba) for label, rgba in legend)[expected] == tuple(colours[row])
    with pytest.raises(ValueError, match="colour mode"):
        session.set_colour_mode("rainbow")
    assert views == ["colour_mode"]


def test_export_and_diff_on_the_command_line_use_the_saved_facts_and_statistics(tmp_path, capsys):
    """``export`` writes the fit and ``diff`` the figures the window shows for the same file."""
    import csv

    from cluster_planner.cli import main

    session = PlanSession()
    session.new(level="prefecture")
    session.assign(SHIPBUILDING, codes=[ZHUZHOU])
    bare = session.save(tmp_path / "bare.cplan")
    session.edit_facts(session.conditions.set_facts([
        Fact(ZHUZHOU, "sea-port", 1.0, "", "example.gov.cn/port"),
        Fact(ZHUZHOU, "coastal", 1.0, "", "example.gov.cn/coast"),
    ]))
    with_facts = session.save(tmp_path / "with-facts.cplan")
    fit = session.fit(ZHUZHOU, SHIPBUILDING)
    assert fit is not None and fit > 0.5

    out = tmp_path / "assignments.csv"
    assert main(["export", str(with_facts), str(out), "--language", "en"]) == 0
    [row] = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert (row["Region code"], row["Fit"]) == (ZHUZHOU, f"{fit:.2f}")
    assert row["Flags"] == ""
    assert main(["export", str(bare), str(out), "--language", "en"]) == 0
    [row] = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert row["Fit"] == "0.00" and row["Flags"] != ""
    capsys.readouterr()

    # diff judges both plans on A's conditions: with A's facts Zhuzhou fits shipbuilding.
    assert main(["diff", str(with_facts), str(bare), "--format", "json"]) == 1
    figures = json.loads(capsys.readouterr().out)
    assert main(["diff", str(bare), str(with_facts), "--format", "json"]) == 1
    bare_figures = json.loads(capsys.readouterr().out)
    kinds = lambda payload, side: payload["figures"][side]["flags_by_kind"]  # noqa: E731
    assert kinds(figures, "a") == kinds(figures, "b") == {}  # A's facts: Zhuzhou fits
    assert kinds(bare_figures, "a") == kinds(bare_figures, "b") == {"local-mismatch": 1}
