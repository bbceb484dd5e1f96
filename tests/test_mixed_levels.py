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
