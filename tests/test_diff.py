"""Comparing two drafts: what changed, and whether the second is more homogenized."""

from __future__ import annotations

import numpy as np
import pytest

from cluster_planner.analysis.diff import diff_plans
from cluster_planner.domain.plan import Assignment, Plan


def plan(name: str, *assignments: Assignment, **settings) -> Plan:
    return Plan.from_assignments(assignments, name=name, level="province", settings=settings)


A = plan(
    "draft A",
    Assignment("430000", "rail-transit-equipment", "lead", "株洲"),
    Assignment("420000", "integrated-circuits", "lead"),
    Assignment("510000", "integrated-circuits", "support"),
    Assignment("150000", "rare-earth-materials", "lead"),
)
B = plan(
    "draft B",
    Assignment("430000", "rail-transit-equipment", "lead", "株洲, 中车"),  # note changed
    Assignment("420000", "integrated-circuits", "support"),  # role changed
    Assignment("150000", "rare-earth-materials", "lead"),  # unchanged
    Assignment("350000", "lithium-batteries", "lead"),  # added; 510000 removed
    fit_threshold=0.6,
)


def test_added_removed_and_changed_assignments():
    diff = diff_plans(A, B)
    assert [a.key for a in diff.added] == [("350000", "lithium-batteries")]
    assert [a.key for a in diff.removed] == [("510000", "integrated-circuits")]
    assert {c.key: c.fields for c in diff.changed} == {
        ("420000", "integrated-circuits"): ("role",),
        ("430000", "rail-transit-equipment"): ("note",),
    }
    assert diff.regions_touched == ["350000", "420000", "430000", "510000"]
    assert diff.renamed == ("draft A", "draft B")
    assert diff.settings_changed == {"fit_threshold": (None, 0.6)}
    assert not diff.is_empty
    assert diff.homogeneity_a is None  # no context, no analysis


def test_the_reverse_diff_swaps_added_and_removed():
    forward, backward = diff_plans(A, B), diff_plans(B, A)
    assert forward.added == backward.removed and forward.removed == backward.added
    assert [(c.before, c.after) for c in forward.changed] == [
        (c.after, c.before) for c in backward.changed
    ]


def test_a_plan_compared_with_its_copy_has_no_differences():
    diff = diff_plans(A, A.copy())
    assert diff.is_empty and diff.renamed is None
    assert diff.summary_lines()[0] == "0 added, 0 removed, 0 changed assignments in 0 regions"


def test_plans_on_different_levels_cannot_be_compared():
    county = Plan(name="county draft", level="county")
    with pytest.raises(ValueError, match="cannot compare a province plan with a county plan"):
        diff_plans(A, county)


def test_json_lists_every_difference():
    payload = diff_plans(A, B).to_json()
    assert payload["added"] == [
        {
            "region": "350000",
            "industry": "lithium-batteries",
            "role": "lead",
            "note": "",
            "level": "province",
        }
    ]
    assert payload["changed"][0]["fields"] == ["role"]
    assert payload["settings_changed"] == {"fit_threshold": {"a": None, "b": 0.6}}
    assert payload["figures"] is None


# -- with an analysis context: is the second draft more homogenized? ---------------------
@pytest.fixture(scope="module")
def province_context():
    from cluster_planner.analysis.engine import AnalysisContext
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer

    layer = load_layer("province")
    catalog = load_catalog()
    condition_ids = sorted({need for industry in catalog.industries for need in industry.needs})
    conditions = np.zeros((len(layer.codes), len(condition_ids)))
    base = np.zeros((len(layer.codes), len(catalog.industries)), dtype=bool)
    # Hunan has a rail-transit base; nobody else has any condition.
    base[layer.index_of["430000"], catalog.ids.index("rail-transit-equipment")] = True
    return AnalysisContext(
        region_codes=layer.codes,
        adjacency=layer.adjacency,
        catalog=catalog,
        conditions_matrix=conditions,
        condition_ids=condition_ids,
        base_matrix=base,
        level="province",
    )


def same_portfolio_everywhere(name: str, regions: list[str]) -> Plan:
    industries = ["integrated-circuits", "new-energy-vehicles", "artificial-intelligence"]
    return plan(name, *(Assignment(r, i) for r in regions for i in industries))


def test_a_copied_portfolio_spread_over_more_regions_raises_homogeneity(province_context):
    varied = plan(
        "varied",
        Assignment("430000", "rail-transit-equipment"),
        Assignment("430000", "new-materials", "support"),
        Assignment("430000", "integrated-circuits"),
        Assignment("420000", "integrated-circuits"),
        Assignment("420000", "biomedicine"),
        Assignment("420000", "optoelectronics", "support"),
    )
    # eight provinces: over the crowding cap of max(3, 20% of 34) = 7
    copied = same_portfolio_everywhere(
        "copied",
        ["430000", "420000", "440000", "320000", "330000", "510000", "370000", "350000"],
    )
    diff = diff_plans(varied, copied, province_context)
    assert diff.homogeneity_b == pytest.approx(1.0)
    assert diff.homogeneity_a < 0.5
    assert sum(diff.figures_b.flags_by_severity.values()) > sum(
        diff.figures_a.flags_by_severity.values()
    )
    assert "integrated-circuits" in diff.figures_b.crowded_industries
    assert any("more homogenized" in line for line in diff.summary_lines())
    assert diff.to_json()["figures"]["b"]["homogeneity_index"] == pytest.approx(1.0)


def test_saved_user_facts_and_statistics_are_summarised_by_size_in_the_text():
    facts = [{"region": "430000", "condition": "sea-port", "detail": "", "value": 1.0,
              "source": "example.gov.cn", "status": "confirmed"}]
    statistics = {"source": "output.csv", "values": {"430000": {"steel": 5.0}, "420000": {"steel": 1.0}}}
    with_data = plan("draft A", *A.assignments, user_facts=facts, statistics=statistics)
    lines = diff_plans(A, with_data).summary_lines()
    assert "setting statistics: default -> 2 rows" in lines
    assert "setting user_facts: default -> 1 row" in lines
