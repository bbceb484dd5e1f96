"""The plan model: every edit applies, notifies, and its inverse restores the plan exactly."""

from __future__ import annotations

import random

import pytest

from cluster_planner.domain.plan import Assignment, Batch, Plan, Rename, SetSetting


def snapshot(plan: Plan):
    return (plan.name, dict(plan.settings), sorted(plan.assignments, key=lambda a: a.key))


def test_assign_then_inverse_removes_it_and_listeners_hear_both():
    plan = Plan(level="prefecture")
    heard = []
    plan.subscribe(heard.append)
    inverse = plan.apply(plan.assign_industry("430200", "rail-transit-equipment", "lead"))
    assert plan.get("430200", "rail-transit-equipment").role == "lead"
    plan.apply(inverse)
    assert len(plan) == 0
    assert [c.keys for c in heard] == [frozenset({("430200", "rail-transit-equipment")})] * 2


def test_role_and_note_edits_keep_the_other_field():
    plan = Plan.from_assignments([Assignment("320600", "shipbuilding", "lead", "Yangtze mouth")])
    plan.apply(plan.set_role("320600", "shipbuilding", "support"))
    assert plan.get("320600", "shipbuilding") == Assignment(
        "320600", "shipbuilding", "support", "Yangtze mouth", "prefecture"
    )
    plan.apply(plan.set_note("320600", "shipbuilding", "offshore engineering too"))
    assert plan.get("320600", "shipbuilding").role == "support"


def test_bad_role_and_unknown_assignment_are_refused():
    plan = Plan()
    with pytest.raises(ValueError):
        plan.assign_industry("430200", "steel", "chief")
    with pytest.raises(KeyError):
        plan.set_role("430200", "steel", "support")
    with pytest.raises(ValueError):
        Plan(level="galaxy")


def test_batch_is_one_notification_and_undoes_in_reverse():
    plan = Plan.from_assignments([Assignment("350900", "lithium-batteries")])
    before = snapshot(plan)
    heard = []
    plan.subscribe(heard.append)
    batch = Batch(
        (
            plan.assign_industry("350900", "new-energy-vehicles", "support"),
            plan.unassign_industry("350900", "lithium-batteries"),
            Rename("Fujian draft"),
            SetSetting("fit_threshold", 0.6),
        )
    )
    inverse = plan.apply(batch)
    assert len(heard) == 1 and heard[0].settings and heard[0].name
    assert plan.regions_with("lithium-batteries") == []
    plan.apply(inverse)
    assert snapshot(plan) == before


def test_random_edit_sequences_undo_back_to_the_start():
    rng = random.Random(7)
    regions = [f"{code}0000" for code in range(11, 20)]
    industries = ["steel", "textiles", "biomedicine", "shipbuilding"]
    plan = Plan()
    before = snapshot(plan)
    undo_stack = []
    for _ in range(300):
        region, industry = rng.choice(regions), rng.choice(industries)
        if plan.get(region, industry) and rng.random() < 0.5:
            edit = rng.choice(
                [
                    plan.unassign_industry(region, industry),
                    plan.set_role(region, industry, rng.choice(["lead", "support"])),
                    plan.set_note(region, industry, f"note {rng.random():.3f}"),
                ]
            )
        else:
            edit = plan.assign_industry(region, industry, rng.choice(["lead", "support"]))
        undo_stack.append(plan.apply(edit))
        assert_by_region_agrees(plan)
    assert len(plan) > 0
    for inverse in reversed(undo_stack):
        plan.apply(inverse)
        assert_by_region_agrees(plan)
    assert snapshot(plan) == before
    assert plan.region_total == 0 and plan.industries_of(regions[0]) == []


def assert_by_region_agrees(plan: Plan) -> None:
    """What the plan says per region matches its list of assignments, after any edit."""
    everything = plan.assignments
    regions = sorted({a.region for a in everything})
    assert plan.regions == regions and plan.region_total == len(regions)
    assert plan.region_counts() == {r: sum(a.region == r for a in everything) for r in regions}
    for region in regions:
        assert plan.industries_of(region) == [a for a in everything if a.region == region]
        assert plan.count_of(region) == len(plan.industries_of(region))


def test_unsubscribed_listener_hears_nothing():
    plan = Plan()
    heard = []
    unsubscribe = plan.subscribe(heard.append)
    unsubscribe()
    plan.apply(plan.assign_industry("110000", "artificial-intelligence"))
    assert heard == []
