"""One plan across levels: Sichuan at province level, Suzhou and Wuxi at prefecture level.

The plan saves as version 2 with each assignment's level, loads back, is analysed on
each level (with the cities rolled up to Jiangsu at province level) and shows on each
level (the province's choice drawn on its cities, the cities' rolled up to Jiangsu);
version-1 files still load and re-save as version 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import CURRENT_VERSION, dumps_plan, load_plan, save_plan

DATA = Path(__file__).parent / "data"
SICHUAN, JIANGSU, SUZHOU, WUXI, CHENGDU = "510000", "320000", "320500", "320200", "510100"


def mixed_plan() -> Plan:
    """Sichuan leads integrated circuits (province); Suzhou leads, Wuxi supports them."""
    return Plan.from_assignments(
        [
            Assignment(SICHUAN, "integrated-circuits", "lead", "四川", "province"),
            Assignment(SUZHOU, "integrated-circuits", "lead", "", "prefecture"),
            Assignment(WUXI, "integrated-circuits", "support", "", "prefecture"),
        ],
        name="Mixed levels",
        level="prefecture",
    )


def same_plan(a: Plan, b: Plan) -> bool:
    """Same name, level shown and assignments (with their levels); metadata aside."""
    return (a.name, a.level, sorted(a.assignments, key=lambda x: x.key)) == (
        b.name, b.level, sorted(b.assignments, key=lambda x: x.key)
    )


# -- the plan file ------------------------------------------------------------------------
def test_a_mixed_plan_saves_as_version_2_with_each_assignments_level(tmp_path):
    path = save_plan(mixed_plan(), tmp_path / "mixed.cplan")
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == CURRENT_VERSION == 2
    assert data["level"] == "prefecture"
    assert [(row["region"], row["level"]) for row in data["assignments"]] == [
        (WUXI, "prefecture"),
        (SUZHOU, "prefecture"),
        (SICHUAN, "province"),
    ]


def test_a_mixed_plan_loads_back_with_its_levels_checked_on_each_layer(tmp_path):
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer

    path = save_plan(mixed_plan(), tmp_path / "mixed.cplan")
    # The prefecture layer checks the cities, the province layer Sichuan.
    loaded = load_plan(path, load_catalog(), load_layer("prefecture"))
    assert same_plan(loaded, mixed_plan())
    assert loaded.levels == ["province", "prefecture"]
    assert loaded.get(SICHUAN, "integrated-circuits").level == "province"
    assert loaded.get(SUZHOU, "integrated-circuits").level == "prefecture"
    assert same_plan(load_plan(path, load_catalog(), load_layer), loaded)


def test_a_code_unknown_on_its_own_level_is_named_in_one_line(tmp_path):
    from cluster_planner.domain.regions import load_layer

    plan = mixed_plan()
    # Suzhou is a city, not a province: on the province level its code is unknown.
    plan.apply(plan.assign_industry(SUZHOU, "steel", level="province"))
    path = save_plan(plan, tmp_path / "wrong.cplan")
    with pytest.raises(PlanFileError) as caught:
        load_plan(path, layer=load_layer("prefecture"))
    assert str(caught.value) == (
        f"{path}: 1 unknown region code for the province layer: {SUZHOU}"
    )


def test_a_version_1_file_loads_with_every_assignment_on_its_level_and_resaves_as_version_2(
    tmp_path,
):
    plan = load_plan(DATA / "plan_v1_bom_crlf.cplan")
    assert plan.level == "province" and plan.levels == ["province"]
    again = tmp_path / "again.cplan"
    save_plan(plan, again)
    data = json.loads(again.read_text("utf-8"))
    assert data["version"] == 2
    assert {row["level"] for row in data["assignments"]} == {"province"}
    assert same_plan(load_plan(again), plan)


def test_the_version_2_example_keeps_loading():
    plan = load_plan(DATA / "plan_v2_mixed_levels.cplan")
    assert same_plan(plan, mixed_plan())
    # and it is the normalised text the app writes
    text = (DATA / "plan_v2_mixed_levels.cplan").read_text("utf-8")
    assert dumps_plan(plan, region_data=plan.metadata["region_data"]).splitlines()[:9] == (
        text.splitlines()[:9]
    )


def test_edits_keep_each_assignments_level_and_undo_restores_it():
    plan = mixed_plan()
    inverse = plan.apply(plan.set_role(SICHUAN, "integrated-circuits", "support"))
    assert plan.get(SICHUAN, "integrated-circuits").level == "province"
    plan.apply(inverse)
    assert plan.get(SICHUAN, "integrated-circuits") == Assignment(
        SICHUAN, "integrated-circuits", "lead", "四川", "province"
    )
    # a new assignment is on the level shown unless it says otherwise
    plan.apply(plan.assign_industry(CHENGDU, "aerospace"))
    assert plan.get(CHENGDU, "aerospace").level == "prefecture"
    plan.level = "province"  # showing another level changes no assignment
    assert plan.get(CHENGDU, "aerospace").level == "prefecture"


# -- the analysis ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """``cluster-planner check --format json`` of the mixed plan, and its exit status."""
    import contextlib
    import io

    from cluster_planner.cli import main

    path = save_plan(mixed_plan(), tmp_path_factory.mktemp("mixed") / "mixed.cplan")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["check", str(path), "--format", "json"])
    return status, json.loads(out.getvalue())


def test_check_judges_each_level_and_names_its_regions_at_their_level(checked):
    _status, payload = checked
    summary = payload["summary"]
    assert summary["level"] == "prefecture" and summary["assignments"] == 3
    levels = summary["levels"]
    assert list(levels) == ["province", "prefecture"]
    # Province level: Sichuan's own assignment and Jiangsu's, rolled up from its cities.
    assert (levels["province"]["assignments"], levels["province"]["rolled_up"]) == (1, 1)
    assert levels["province"]["regions_with_assignments"] == 2
    assert (levels["prefecture"]["assignments"], levels["prefecture"]["rolled_up"]) == (2, 0)
    flagged = {(flag["level"], code) for flag in payload["flags"] for code in flag["regions"]}
    assert {level for level, _ in flagged} == {"province", "prefecture"}
    # Each flag names regions of its own level only (Sichuan is never a city).
    for flag in payload["flags"]:
        assert all(
            (code in (SICHUAN, JIANGSU)) == (flag["level"] == "province") for code in flag["regions"]
        ), flag
    # Jiangsu and Sichuan share their one industry: similar portfolios at province level.
    similar = [f for f in payload["flags"] if f["kind"] == "similar-portfolios" and f["level"] == "province"]
    assert [sorted(f["regions"]) for f in similar] == [[JIANGSU, SICHUAN]]
    assert sorted(similar[0]["region_names"]) == ["Jiangsu", "Sichuan"]
    # and Suzhou and Wuxi, neighbours with the same industry, at prefecture level
    similar = [f for f in payload["flags"] if f["kind"] == "similar-portfolios" and f["level"] == "prefecture"]
    assert [sorted(f["regions"]) for f in similar] == [[WUXI, SUZHOU]]
    counted = sum(levels[level]["flags"][severity] for level in levels for severity in ("error", "warning", "info"))
    assert counted == len(payload["flags"]) == sum(summary["flags"].values())


def test_a_province_whose_cities_all_take_one_industry_is_itself_homogenized():
    from cluster_planner.analysis.levels import bundled_nesting, roll_up_flags

    nesting = bundled_nesting()
    cities = nesting.children(JIANGSU, "province", "prefecture")
    assert len(cities) == 13 and SUZHOU in cities
    plan = mixed_plan()
    for city in cities:
        plan.apply(plan.assign_industry(city, "integrated-circuits", level="prefecture"))
    [flag] = roll_up_flags(plan, "province", nesting)
    assert (flag.kind, flag.severity, flag.industry, flag.regions) == (
        "crowded-industry", "warning", "integrated-circuits", (JIANGSU,)
    )
    assert flag.message == (
        "Jiangsu: all 13 of its prefecture-level regions take integrated-circuits,"
        " so the province itself is homogenized in it"
    )
    assert flag.evidence["child_regions"] == cities
    from cluster_planner.text.messages import flag_message

    assert flag_message(flag, "zh") == (
        "320000下辖的全部 13 个地级地区都承接integrated-circuits，这个省本身在该产业上已经同质化"
    )
    # One city without it: no finding.
    plan.apply(plan.unassign_industry(WUXI, "integrated-circuits"))
    assert roll_up_flags(plan, "province", nesting) == []


def test_the_session_judges_the_roll_up_and_shows_it_in_the_flags(tmp_path):
    from cluster_planner.session import PlanSession

    plan = mixed_plan()
    session = PlanSession()
    session.install(plan, session.level_data_for("prefecture"))
    cities = session.layer.frame.loc[session.layer.frame["province"] == JIANGSU, "adcode"].tolist()
    session.select(cities)
    assert session.assign("integrated-circuits")
    rolled = [
        flag for flag in session.analysis.flags
        if flag.evidence.get("roll_up") and flag.regions == (JIANGSU,)
    ]
    assert len(rolled) == 1
    assert session.analysis.level_of(rolled[0]) == "province"
    session.command_stack.undo()
    assert not any(flag.evidence.get("roll_up") for flag in session.analysis.flags)


def test_check_text_reports_each_level(tmp_path, capsys):
    from cluster_planner.cli import main

    assert main(["check", str(DATA / "plan_v2_mixed_levels.cplan")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "  province level: 1 assignments made there, 1 rolled up from below, in 2 of 34 regions;"
        " homogeneity index 1.00; 0 errors, 0 warnings, 1 infos"
    ) in lines
    assert any(line.startswith("[info] similar-portfolios (province level): Jiangsu and Sichuan") for line in lines)
    assert any(line.startswith("[warning] similar-portfolios (prefecture level): Wuxi and Suzhou") for line in lines)
    assert main(["check", str(DATA / "plan_v2_mixed_levels.cplan"), "--language", "zh"]) == 1
    assert "江苏省与四川省的产业结构相似" in capsys.readouterr().out


# -- the map ----------------------------------------------------------------------------------
@pytest.mark.parametrize("level", ["province", "prefecture"])
def test_each_levels_colours_include_the_other_levels_assignments(level):
    import numpy as np

    from cluster_planner.domain.regions import load_layer
    from cluster_planner.render.colouring import LEAD_COLOUR, SUPPORT_COLOUR, _rgba, plan_colours

    layer = load_layer(level)
    plan = mixed_plan()
    plan.level = level  # the level shown
    colours, _legend = plan_colours("industry", plan, layer.index_of, industry="integrated-circuits")
    lead = {str(code) for code, row in zip(layer.codes, colours, strict=True) if np.allclose(row, _rgba(LEAD_COLOUR))}
    support = {
        str(code) for code, row in zip(layer.codes, colours, strict=True) if np.allclose(row, _rgba(SUPPORT_COLOUR))
    }
    if level == "province":
        # Sichuan its own; Jiangsu rolled up from Suzhou (lead, the stronger of its cities).
        assert (lead, support) == ({SICHUAN, JIANGSU}, set())
    else:
        # Sichuan's 21 cities drawn with its choice; Suzhou and Wuxi their own.
        sichuan = {str(code) for code in layer.codes if str(code).startswith("51")}
        assert len(sichuan) == 21
        assert (lead, support) == (sichuan | {SUZHOU}, {WUXI})
    counts, _ = plan_colours("count", plan, layer.index_of)
    grey = sum(np.allclose(row, counts[0]) for row in counts)  # Beijing (row 0) takes nothing
    assert len(layer.codes) - grey == (2 if level == "province" else 23)


def test_the_session_shows_another_level_without_losing_the_plan():
    from cluster_planner.session import PlanSession

    session = PlanSession()
    session.install(mixed_plan(), session.level_data_for("prefecture"))
    session.set_colour_mode("industry")
    session.set_colour_industry("integrated-circuits")
    before = sorted(session.plan.assignments, key=lambda a: a.key)
    session.show_level("province")
    assert session.level == "province" and session.layer.level == "province"
    assert sorted(session.plan.assignments, key=lambda a: a.key) == before
    colours, _ = session.map_colours()
    assert len(colours) == 34
    assert session.analysis.summary["level"] == "province"
    assert not session.is_modified()  # a view: saved with the plan's next save
    # an edit made now is on the province level
    session.select([JIANGSU])
    session.assign("steel")
    assert session.plan.get(JIANGSU, "steel").level == "province"


def test_a_diff_names_an_assignment_moved_to_another_level():
    from cluster_planner.analysis.diff import diff_plans

    # Beijing is one region on the province and the prefecture layers (code 110000).
    before = mixed_plan()
    before.apply(before.assign_industry("110000", "artificial-intelligence", level="province"))
    after = mixed_plan()
    after.apply(after.assign_industry("110000", "artificial-intelligence", level="prefecture"))
    difference = diff_plans(before, after)
    assert (difference.added, difference.removed) == ((), ())
    [change] = difference.changed
    assert (change.key, change.fields) == (("110000", "artificial-intelligence"), ("level",))
    assert difference.to_json()["changed"][0]["after"]["level"] == "prefecture"


def test_a_spreadsheet_of_a_mixed_plan_names_each_region_at_its_level(tmp_path, capsys):
    import csv

    from cluster_planner.cli import main

    out = tmp_path / "mixed.csv"
    assert main(["export", str(DATA / "plan_v2_mixed_levels.cplan"), str(out), "--language", "en"]) == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = {row["Region code"]: row for row in csv.DictReader(handle)}
    assert [(code, rows[code]["Region"], rows[code]["Region (Chinese)"]) for code in sorted(rows)] == [
        (WUXI, "Wuxi", "无锡市"), (SUZHOU, "Suzhou", "苏州市"), (SICHUAN, "Sichuan", "四川省"),
    ]


def test_the_three_levels_nest_as_the_layers_do():
    from cluster_planner.analysis.levels import bundled_nesting, shown_plan

    nesting = bundled_nesting()
    # A municipality is one prefecture-level region keyed by its province code; its
    # districts are its counties. A county-level city under a province is its own prefecture.
    assert nesting.parent("110101", "prefecture") == "110000"
    assert nesting.children("110000", "province", "prefecture") == ["110000"]
    assert len(nesting.children("110000", "prefecture", "county")) == 16
    assert nesting.parent("429004", "prefecture") == "429004"  # Xiantao
    assert nesting.parent("429004", "province") == "420000"
    assert nesting.parent("320583", "prefecture") == SUZHOU  # Kunshan
    assert nesting.parent(SICHUAN, "prefecture") is None  # a province is not inside a city
    plan = Plan.from_assignments(
        [
            Assignment("320583", "new-materials", "support", "", "county"),
            Assignment("110000", "artificial-intelligence", "lead", "", "province"),
        ],
        level="prefecture",
    )
    on_prefectures = shown_plan(plan, "prefecture", nesting)
    assert sorted((a.region, a.industry, a.role) for a in on_prefectures) == [
        ("110000", "artificial-intelligence", "lead"),
        (SUZHOU, "new-materials", "support"),
    ]
    on_counties = shown_plan(plan, "county", nesting)
    assert len(on_counties) == 17 and on_counties.get("110105", "artificial-intelligence").role == "lead"
    on_provinces = shown_plan(plan, "province", nesting)
    assert sorted(a.region for a in on_provinces) == ["110000", JIANGSU]
