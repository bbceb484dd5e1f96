"""The homogenization analysis on small hand-built worlds: each flag kind both ways,
the plan-level figures, and incremental analysis equal to a full one."""

from __future__ import annotations

import copy
import itertools
import json
import random
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse
import shapely

from cluster_planner.analysis.engine import (
    FLAG_KINDS,
    AnalysisSettings,
    Analyzer,
    analyze,
    homogeneity_index,
    join_counts,
    load_context,
)
from cluster_planner.analysis.fit import AnalysisContext
from cluster_planner.domain.catalog import Catalog, Industry
from cluster_planner.domain.paths import resources_dir
from cluster_planner.domain.plan import Assignment, Batch, Plan, SetSetting
from cluster_planner.domain.regions import RegionLayer, shared_borders
from cluster_planner.io.planfile import load_plan

CONDITIONS = ("c1", "c2", "c3", "c4")
CATALOG = Catalog(
    [
        Industry("alpha", "甲", "Alpha", "emerging", needs=("c1", "c2")),
        Industry("beta", "乙", "Beta", "emerging", needs=("c1",), upstream=("alpha",)),
        Industry("gamma", "丙", "Gamma", "emerging", needs=("c3",)),
        Industry("delta", "丁", "Delta", "emerging", needs=("c2", "c3")),
        Industry("epsilon", "戊", "Epsilon", "emerging", needs=("c4",)),
        Industry("zeta", "己", "Zeta", "future", needs=("c4",), upstream=("alpha", "gamma")),
    ]
)


def grid_layer(columns: int, rows: int) -> RegionLayer:
    """A real region layer of unit boxes; row-major, neighbours share an edge."""
    boxes = [shapely.box(c, r, c + 1, r + 1) for r in range(rows) for c in range(columns)]
    n = len(boxes)
    codes = [f"{100000 + 100 * k}" for k in range(n)]
    frame = gpd.GeoDataFrame(
        {
            "adcode": codes,
            "province": codes,
            "name_zh": [f"区{k}" for k in range(n)],
            "name_en": [f"Region {k}" for k in range(n)],
            "level": "province",
        },
        geometry=boxes,
        crs=4326,
    )
    pairs = shared_borders(frame.geometry)
    i = np.concatenate([pairs["i"], pairs["j"]])
    j = np.concatenate([pairs["j"], pairs["i"]])
    km = np.concatenate([pairs["km"], pairs["km"]])
    adjacency = scipy.sparse.csr_matrix((np.ones(len(i), dtype=bool), (i, j)), shape=(n, n))
    border_km = scipy.sparse.csr_matrix((km, (i, j)), shape=(n, n))
    return RegionLayer("province", frame, adjacency, border_km, Path("grid"))


def make_context(layer, conditions=None, base=None, catalog=CATALOG) -> AnalysisContext:
    """``conditions``: row -> condition ids met; ``base``: row -> industry ids in its base."""
    n = len(layer.codes)
    matrix = np.zeros((n, len(CONDITIONS)))
    for row, met in (conditions or {}).items():
        for condition in met:
            matrix[row, CONDITIONS.index(condition)] = 1.0
    base_matrix = np.zeros((n, len(catalog.ids)), dtype=bool)
    for row, industries in (base or {}).items():
        for industry in industries:
            base_matrix[row, catalog.index_of[industry]] = True
    return AnalysisContext(
        region_codes=layer.codes,
        adjacency=layer.adjacency,
        catalog=catalog,
        conditions_matrix=matrix,
        condition_ids=CONDITIONS,
        base_matrix=base_matrix,
        region_names=list(layer.frame["name_en"]),
        level="province",
    )


LAYER = grid_layer(5, 2)  # rows 0-4 on top, 5-9 below; 0 and 4 are not neighbours
CODES = [str(code) for code in LAYER.codes]


def plan_of(*picks, **settings) -> Plan:
    """``picks``: (row, industry) or (row, industry, role)."""
    assignments = [Assignment(CODES[p[0]], p[1], *p[2:]) for p in picks]
    return Plan.from_assignments(assignments, level="province", settings=settings)


def kinds(analysis, kind):
    return [flag for flag in analysis.flags if flag.kind == kind]


# --------------------------------------------------------------------- crowded industry
def test_industry_at_its_cap_is_not_crowded():
    # 10 regions: the cap is max(3, ceil(20% of 10) = 2, 2 supporting regions) = 3.
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    analysis = analyze(plan_of((0, "gamma"), (1, "gamma"), (2, "gamma")), context)
    assert kinds(analysis, "crowded-industry") == []
    gamma = analysis.industry_ids.index("gamma")
    assert (analysis.counts[gamma], analysis.caps[gamma]) == (3, 3)


def test_industry_over_its_cap_is_crowded_with_the_numbers():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    analysis = analyze(plan_of(*[(row, "gamma") for row in range(4)]), context)
    [flag] = kinds(analysis, "crowded-industry")
    assert flag.industry == "gamma"
    assert flag.severity == "warning"
    assert flag.regions == tuple(CODES[:4])
    assert flag.message.startswith("Gamma is crowded: nationally it is assigned to 4 of 10 regions against a cap of 3")
    assert "the 2 regions whose evidence supports it" in flag.message
    assert flag.evidence["count"] == 4 and flag.evidence["cap"] == 3
    assert flag.evidence["low_fit_assigned"] == 2
    # The way back under the cap: drop the worst-fitting pick.
    assert [(s.action, s.region) for s in flag.suggestions] == [("unassign", CODES[2])]


def test_cap_grows_with_the_regions_whose_conditions_support_it():
    supported = {row: {"c3"} for row in range(5)}
    analysis = analyze(plan_of(*[(row, "gamma") for row in range(5)]), make_context(LAYER, supported))
    assert [f for f in analysis.flags if f.kind != "similar-portfolios"] == []
    assert analysis.summary["industries"][0]["cap"] == 5


def test_crowding_settings_come_from_the_plan():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    picks = [(row, "gamma") for row in range(4)]
    assert kinds(analyze(plan_of(*picks), context), "crowded-industry")
    assert not kinds(analyze(plan_of(*picks, crowding_min=4), context), "crowded-industry")
    assert not kinds(analyze(plan_of(*picks), context, {"crowding_share": 0.4}), "crowded-industry")
    assert analyze(plan_of(*picks, crowding_min=4), context).summary["settings"]["crowding_min"] == 4


@pytest.mark.parametrize(
    "settings",
    [{"fit_threshold": 1.5}, {"crowding_min": "three"}, {"min_portfolio": True}, {"similarity_threshold": -1}],
)
def test_invalid_settings_are_refused_by_name(settings):
    with pytest.raises(ValueError, match=next(iter(settings))):
        analyze(plan_of(), make_context(LAYER), settings)


# ------------------------------------------------ one-size-fits-all and local mismatch
def test_low_fit_picks_in_a_crowded_industry_are_one_size_fits_all_errors():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    analysis = analyze(plan_of(*[(row, "gamma") for row in range(4)]), context)
    flags = kinds(analysis, "one-size-fits-all")
    assert [flag.regions for flag in flags] == [(CODES[2],), (CODES[3],)]
    assert {flag.severity for flag in flags} == {"error"}
    assert kinds(analysis, "local-mismatch") == []
    message = flags[0].message
    assert message.startswith("Region 2 takes Gamma (lead), one of 4 regions against a cap of 3")
    assert "fit it only 0.00 (threshold 0.50)" in message
    assert "it meets none of the 1 needs; complete lists show it lacks c3" in message
    assert flags[0].evidence["needs_missing"] == ("c3",)


def test_low_fit_pick_in_an_uncrowded_industry_is_a_local_mismatch():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    analysis = analyze(plan_of((0, "gamma"), (1, "gamma"), (2, "gamma", "support")), context)
    assert kinds(analysis, "one-size-fits-all") == []
    [flag] = kinds(analysis, "local-mismatch")
    assert (flag.regions, flag.severity) == ((CODES[2],), "warning")
    assert flag.message.startswith("Region 2 takes Gamma (support) but its local conditions fit it only 0.00")


def test_a_region_with_the_industry_in_its_base_fits_without_conditions():
    context = make_context(LAYER, base={2: {"gamma"}})
    analysis = analyze(plan_of((2, "gamma")), context)
    assert analysis.flags == []
    assert analysis.fit[2, CATALOG.index_of["gamma"]] == 1.0


def test_partial_needs_name_what_is_met_and_what_is_missing():
    # Delta needs c2 and c3: meeting only c2 gives 0.5, which passes; raise the bar.
    context = make_context(LAYER, {4: {"c2"}})
    assert analyze(plan_of((4, "delta")), context).flags == []
    [flag] = analyze(plan_of((4, "delta"), fit_threshold=0.6), context).flags
    assert flag.kind == "local-mismatch"
    assert "it meets 1 of 2 needs (c2); complete lists show it lacks c3" in flag.message
    assert flag.evidence["needs_met"] == ("c2",) and flag.evidence["fit"] == 0.5


def test_suggestions_are_the_best_fitting_uncrowded_industries_not_taken():
    # Region 3 has c2, c3 and c4: gamma, delta, epsilon and zeta fit it fully, alpha half.
    context = make_context(LAYER, {3: {"c2", "c3", "c4"}})

    def beta_flag_in_region_3(picks):
        analysis = analyze(plan_of((3, "beta"), *picks), context)
        [flag] = [f for f in kinds(analysis, "local-mismatch") if f.regions == (CODES[3],)]
        return flag

    flag = beta_flag_in_region_3([(5, "epsilon"), (6, "epsilon")])
    assert [(s.industry, s.fit) for s in flag.suggestions] == [
        ("gamma", 1.0),
        ("delta", 1.0),
        ("epsilon", 1.0),
    ]
    # Epsilon with no room left under its cap (3) is no longer suggested; nor is an
    # industry the region already takes, nor alpha, which it fits only half (0.50 passes
    # the threshold but is no evidence strong enough to propose it).
    flag = beta_flag_in_region_3([(5, "epsilon"), (6, "epsilon"), (7, "epsilon"), (3, "gamma")])
    assert [s.industry for s in flag.suggestions] == ["delta", "zeta"]
    assert flag.suggestions[0].text == "take Delta in Region 3 (fit 1.00)"
    assert flag.suggestions[0].to_json()["action"] == "assign"


# --------------------------------------------------------------------- similar portfolios
def test_identical_neighbour_portfolios_are_a_warning():
    trio = ("alpha", "beta", "gamma")
    analysis = analyze(plan_of(*[(row, i) for row in (0, 1) for i in trio]), make_context(LAYER))
    [flag] = kinds(analysis, "similar-portfolios")
    assert (flag.regions, flag.severity) == ((CODES[0], CODES[1]), "warning")
    assert flag.evidence["similarity"] == 1.0 and flag.evidence["neighbours"] is True
    assert "they share a border" in flag.message
    assert "share 3 industries (Alpha, Beta, Gamma)" in flag.message


def test_similar_portfolios_far_apart_are_info():
    trio = ("alpha", "beta", "gamma")
    fitting = make_context(LAYER, {0: {"c1", "c2", "c3"}, 4: {"c1", "c2", "c3"}})
    analysis = analyze(plan_of(*[(row, i) for row in (0, 4) for i in trio]), fitting)
    [flag] = kinds(analysis, "similar-portfolios")
    assert (flag.regions, flag.severity) == ((CODES[0], CODES[4]), "info")
    assert not analysis.has_problems


def test_support_roles_weigh_half_in_the_similarity():
    # (1, 1, 1) against (1, 1, 0.5): cosine 2.5 / (sqrt(3) * 1.5) = 0.962.
    picks = [(0, "alpha"), (0, "beta"), (0, "gamma"), (1, "alpha"), (1, "beta"), (1, "gamma", "support")]
    [flag] = kinds(analyze(plan_of(*picks), make_context(LAYER)), "similar-portfolios")
    assert flag.evidence["similarity"] == pytest.approx(2.5 / (3**0.5 * 1.5), abs=1e-4)


def test_four_shared_of_five_is_exactly_at_the_threshold():
    first = ("alpha", "beta", "gamma", "delta", "epsilon")
    second = ("alpha", "beta", "gamma", "delta", "zeta")
    picks = [(0, i) for i in first] + [(4, i) for i in second]
    [flag] = kinds(analyze(plan_of(*picks), make_context(LAYER)), "similar-portfolios")
    assert flag.evidence["similarity"] == 0.8


def test_dissimilar_portfolios_are_not_flagged_and_small_identical_ones_are():
    dissimilar = [(0, "alpha"), (0, "beta"), (0, "gamma"), (1, "alpha"), (1, "beta"), (1, "delta")]
    assert not kinds(analyze(plan_of(*dissimilar), make_context(LAYER)), "similar-portfolios")
    # No cliff at three industries: two neighbours with the same two are flagged by
    # default, as two with the same three are; a plan may still set a minimum.
    pairs_of_two = [(0, "alpha"), (0, "beta"), (1, "alpha"), (1, "beta")]
    [flag] = kinds(analyze(plan_of(*pairs_of_two), make_context(LAYER)), "similar-portfolios")
    assert flag.evidence["similarity"] == 1.0 and flag.evidence["portfolio_sizes"] == (2, 2)
    assert not kinds(analyze(plan_of(*pairs_of_two, min_portfolio=3), make_context(LAYER)), "similar-portfolios")


def test_many_similar_pairs_are_capped_and_summarised():
    trio = ("alpha", "beta", "gamma")
    picks = [(row, i) for row in range(5) for i in trio]  # 10 pairs, 4 of them neighbours
    analysis = analyze(plan_of(*picks, max_pair_flags=5), make_context(LAYER))
    flags = kinds(analysis, "similar-portfolios")
    assert len(flags) == 6
    single, summary = flags[:5], flags[5]
    # Neighbours first (warnings come first anyway), then by region order.
    assert [f.regions for f in single if f.severity == "warning"] == [
        (CODES[0], CODES[1]), (CODES[1], CODES[2]), (CODES[2], CODES[3]), (CODES[3], CODES[4])
    ]
    assert summary.evidence["pairs"] == 10 and summary.evidence["unreported_pairs"] == 5
    assert summary.severity == "info" and len(summary.regions) == 5
    assert analysis.summary["similar_pairs"] == 10
    assert analysis.summary["similar_neighbour_pairs"] == 4


# ----------------------------------------------------------------------------- chain gap
def test_an_upstream_link_nobody_covers_is_a_chain_gap():
    analysis = analyze(plan_of((0, "beta")), make_context(LAYER, {0: {"c1"}}))
    [flag] = kinds(analysis, "chain-gap")
    assert (flag.industry, flag.severity, flag.regions) == ("beta", "warning", (CODES[0],))
    assert flag.evidence["missing_upstream"] == ("alpha",)
    assert "its upstream link Alpha is covered by no region" in flag.message


def test_an_upstream_link_in_the_plan_or_in_a_base_closes_the_gap():
    context = make_context(LAYER, {0: {"c1"}, 9: {"c1", "c2"}})
    assert not kinds(analyze(plan_of((0, "beta"), (9, "alpha")), context), "chain-gap")
    with_base = make_context(LAYER, {0: {"c1"}}, base={7: {"alpha"}})
    assert not kinds(analyze(plan_of((0, "beta")), with_base), "chain-gap")


def test_a_partly_covered_chain_is_info_and_suggests_where_the_link_fits():
    context = make_context(LAYER, {0: {"c4"}, 1: {"c3"}, 6: {"c1", "c2"}})
    analysis = analyze(plan_of((0, "zeta"), (1, "gamma")), context)
    [flag] = kinds(analysis, "chain-gap")
    assert flag.severity == "info"
    assert flag.evidence["missing_upstream"] == ("alpha",)
    assert flag.evidence["covered_upstream"] == ("gamma",)
    assert [(s.region, s.industry) for s in flag.suggestions] == [(CODES[6], "alpha")]


# ------------------------------------------------------------------- plan-level figures
def test_homogeneity_index_is_the_mean_pairwise_cosine():
    # {x}, {x}, {y}: pairs 1, 0, 0.
    picks = [(0, "alpha"), (1, "alpha"), (2, "beta")]
    assert analyze(plan_of(*picks), make_context(LAYER)).homogeneity_index == pytest.approx(1 / 3)
    assert analyze(plan_of((0, "alpha")), make_context(LAYER)).homogeneity_index == 0.0
    weights = np.array([[2, 0], [1, 1], [0, 0]])
    assert homogeneity_index(weights) == pytest.approx(2 / (2 * 2**0.5))


def test_join_count_moments_match_exact_enumeration():
    layer = grid_layer(3, 3)
    n = 9
    edges = scipy.sparse.triu(layer.adjacency, k=1).tocoo()
    for k in (2, 3, 4):
        counts = []
        for chosen in itertools.combinations(range(n), k):
            picked = np.zeros(n, dtype=bool)
            picked[list(chosen)] = True
            counts.append(int((picked[edges.row] & picked[edges.col]).sum()))
        present = np.zeros((n, 1), dtype=bool)
        present[:k] = True
        observed, expected, variance = join_counts(present, layer.adjacency)
        assert expected[0] == pytest.approx(np.mean(counts))
        assert variance[0] == pytest.approx(np.var(counts))


def test_picks_bunched_among_neighbours_are_reported_as_clustered():
    layer = grid_layer(5, 4)
    codes = [str(code) for code in layer.codes]
    context = make_context(layer)
    block = [0, 1, 2, 5, 6, 7]  # a 3 x 2 block: 7 shared borders
    scattered = [0, 2, 4, 11, 13, 15]  # no two neighbours
    for rows, clustered in ((block, True), (scattered, False)):
        plan = Plan.from_assignments([Assignment(codes[r], "gamma") for r in rows], level="province")
        [entry] = analyze(plan, context).summary["industries"]
        assert entry["joins"]["clustered"] is clustered
        assert entry["joins"]["observed"] == (7 if clustered else 0)
        assert entry["joins"]["expected"] == pytest.approx(31 * 6 * 5 / (20 * 19), abs=1e-4)


def test_summary_and_json_have_the_check_shape():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    picks = [(row, "gamma") for row in range(4)] + [(0, "beta"), (0, "delta")]
    plan = plan_of(*picks)
    plan.apply(plan.assign_industry("999999", "gamma"))
    payload = json.loads(json.dumps(analyze(plan, context).to_json()))
    summary = payload["summary"]
    assert summary["regions"] == 10
    assert summary["assignments"] == 7
    assert summary["regions_with_assignments"] == 4
    assert summary["unknown_assignments"] == [{"region": "999999", "industry": "gamma"}]
    assert summary["crowded_industries"] == ["gamma"]
    # Errors: the two low-fit gamma picks of a crowded gamma. Warnings: gamma crowded,
    # beta's chain gap, delta's mismatch in region 0, and regions 1-2 and 2-3, which
    # share a border and take gamma alone. Info: regions 1 and 3 (not neighbours).
    assert summary["flags"] == {"error": 2, "warning": 5, "info": 1}
    for flag in payload["flags"]:
        assert set(flag) >= {"kind", "severity", "industry", "regions", "message", "evidence", "suggestions"}
        assert flag["kind"] in FLAG_KINDS
    severities = [flag["severity"] for flag in payload["flags"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_an_empty_plan_has_no_flags():
    analysis = analyze(plan_of(), make_context(LAYER))
    assert analysis.flags == [] and not analysis.has_problems
    assert analysis.summary["assignments"] == 0 and analysis.summary["homogeneity_index"] == 0.0


# ------------------------------------------------------------------------- incremental
def random_world(seed: int, columns: int = 8, rows: int = 6):
    rng = np.random.default_rng(seed)
    layer = grid_layer(columns, rows)
    conditions = {
        row: {c for c in CONDITIONS if rng.random() < 0.3} for row in range(len(layer.codes))
    }
    base = {row: {"gamma"} for row in range(len(layer.codes)) if rng.random() < 0.1}
    return layer, make_context(layer, conditions, base)


def random_edit(plan: Plan, codes: list[str], rng: random.Random):
    industries = list(CATALOG.ids[:4])  # few industries: many crowded, many similar pairs
    roll = rng.random()
    if roll < 0.05:
        return SetSetting(rng.choice(["crowding_min", "min_portfolio"]), rng.choice([None, 2, 3, 4]))
    if roll < 0.15:
        region = rng.choice(codes)
        return Batch(tuple(plan.assign_industry(region, i) for i in industries[:3]))
    if roll < 0.2:
        return plan.assign_industry("999999", rng.choice(industries))
    region, industry = rng.choice(codes), rng.choice(industries)
    existing = plan.get(region, industry)
    if existing is None:
        return plan.assign_industry(region, industry, rng.choice(["lead", "support"]))
    if rng.random() < 0.4:
        return plan.set_role(region, industry, "support" if existing.role == "lead" else "lead")
    return plan.unassign_industry(region, industry)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_analysis_equals_a_full_one_after_every_edit(seed):
    layer, context = random_world(seed)
    codes = [str(code) for code in layer.codes]
    plan = Plan(level="province", settings={"max_pair_flags": 6})
    analyzer = Analyzer(context, plan)
    analyzer.follow()
    rng = random.Random(seed)
    undo: list = []
    kinds_seen = set()
    for step in range(150):
        if undo and rng.random() < 0.15:
            plan.apply(undo.pop())
        else:
            undo.append(plan.apply(random_edit(plan, codes, rng)))
        full = analyze(plan.copy(), context)
        assert analyzer.analysis.flags == full.flags, f"step {step}"
        assert analyzer.analysis.to_json() == full.to_json(), f"step {step}"
        kinds_seen.update(flag.kind for flag in full.flags)
    # The edits went through every kind the random world can produce.
    assert kinds_seen >= {"crowded-industry", "one-size-fits-all", "local-mismatch", "similar-portfolios"}


def test_a_flag_read_after_later_edits_still_words_the_plan_it_was_raised_on():
    # Low-fit flags write their message when first read: what they say must not follow
    # the plan (or the analyzer) as it changes afterwards.
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    plan = plan_of((0, "gamma"), (1, "gamma"), (2, "gamma", "support"))
    before = plan.copy()
    analyzer = Analyzer(context, plan)
    analyzer.follow()
    [mismatch] = kinds(analyzer.analysis, "local-mismatch")
    for row in (3, 4, 5):  # gamma becomes crowded: its low-fit picks turn into errors
        plan.apply(plan.assign_industry(CODES[row], "gamma"))
    plan.apply(plan.set_role(CODES[2], "gamma", "lead"))
    assert kinds(analyzer.analysis, "local-mismatch") == []
    [expected] = kinds(analyze(before, context), "local-mismatch")
    assert mismatch.message == expected.message
    assert mismatch.message.startswith("Region 2 takes Gamma (support) but its local conditions fit it only 0.00")
    assert mismatch.evidence == expected.evidence
    assert (mismatch.evidence["role"], mismatch.evidence["count"], mismatch.evidence["crowded"]) == (
        "support", 3, False
    )


def test_flags_are_immutable_values_that_copy_with_their_words():
    context = make_context(LAYER, {0: {"c3"}, 1: {"c3"}})
    analysis = analyze(plan_of(*[(row, "gamma") for row in range(4)], (5, "alpha")), context)
    assert {flag.kind for flag in analysis.flags} >= {"crowded-industry", "one-size-fits-all", "local-mismatch"}
    for flag in analysis.flags:
        for copied in (copy.copy(flag), copy.deepcopy(flag)):
            assert copied == flag and not copied != flag
            assert copied.to_json() == flag.to_json()
        with pytest.raises(AttributeError):
            flag.message = "something else"
        with pytest.raises(AttributeError):
            flag.severity = "info"
        with pytest.raises(TypeError):
            hash(flag)
        assert flag.message in repr(flag)
    first, second = kinds(analysis, "one-size-fits-all")
    assert first != second and not first == second
    # A flag equals the same finding from another run, word for word.
    assert analyze(plan_of(*[(row, "gamma") for row in range(4)], (5, "alpha")), context).flags == analysis.flags


def test_analyzer_tells_its_listeners():
    plan = plan_of()
    analyzer = Analyzer(make_context(LAYER), plan)
    stop = analyzer.follow()
    seen = []
    analyzer.subscribe(seen.append)
    plan.apply(plan.assign_industry(CODES[0], "alpha"))
    assert len(seen) == 1 and seen[0].summary["assignments"] == 1
    stop()
    plan.apply(plan.assign_industry(CODES[1], "alpha"))
    assert len(seen) == 1


def test_settings_default_when_the_plan_has_none():
    assert AnalysisSettings.from_mappings({}, None).to_dict() == {
        "fit_threshold": 0.5,
        "crowding_share": 0.2,
        "crowding_min": 3,
        "similarity_threshold": 0.8,
        "min_portfolio": 1,
        "max_pair_flags": 50,
        "scope": "auto",
    }
    assert AnalysisSettings.from_mappings({"crowding_min": 4.0, "other": "kept"}).crowding_min == 4


# ---------------------------------------------------------------- with the bundled data
FOUR_EVERYWHERE = ("new-energy-vehicles", "integrated-circuits", "artificial-intelligence", "biomedicine")
LOCAL_PICKS = [
    ("430200", "rail-transit-equipment"),  # Zhuzhou
    ("320600", "shipbuilding"),  # Nantong
    ("350900", "lithium-batteries"),  # Ningde
    ("150200", "rare-earth-materials"),  # Baotou
]


@pytest.fixture(scope="module")
def province_context():
    return load_context("province")


@pytest.fixture(scope="module")
def prefecture_context():
    return load_context("prefecture")


def test_the_same_four_industries_in_most_provinces_are_crowded_and_one_size_fits_all(province_context):
    mainland = [str(c) for c in province_context.codes if c not in ("710000", "810000", "820000")]
    plan = Plan.from_assignments(
        [Assignment(code, industry) for code in mainland for industry in FOUR_EVERYWHERE], level="province"
    )
    analysis = analyze(plan, province_context)
    assert {f.industry for f in kinds(analysis, "crowded-industry")} == set(FOUR_EVERYWHERE)
    assert {f.industry for f in kinds(analysis, "one-size-fits-all")} == set(FOUR_EVERYWHERE)
    assert analysis.summary["homogeneity_index"] == 1.0
    # The regions whose conditions support an industry are not blamed for taking it.
    for flag in kinds(analysis, "one-size-fits-all"):
        assert flag.evidence["fit"] < 0.5


def test_local_strengths_are_not_mismatches_even_amid_a_national_rush(prefecture_context):
    codes = [str(c) for c in prefecture_context.codes]
    rush = [Assignment(code, industry) for code in codes for industry in (*FOUR_EVERYWHERE, "rail-transit-equipment")]
    plan = Plan.from_assignments(
        [*rush, *(Assignment(code, industry) for code, industry in LOCAL_PICKS)], level="prefecture"
    )
    analysis = analyze(plan, prefecture_context)
    assert {f.industry for f in kinds(analysis, "crowded-industry")} == {*FOUR_EVERYWHERE, "rail-transit-equipment"}
    flagged = {
        (flag.regions[0], flag.industry)
        for flag in analysis.flags
        if flag.kind in ("one-size-fits-all", "local-mismatch")
    }
    # Rail transit equipment everywhere is flagged almost everywhere, but not in Zhuzhou.
    rail_flags = [f for f in kinds(analysis, "one-size-fits-all") if f.industry == "rail-transit-equipment"]
    assert len(rail_flags) > 300
    for pick in LOCAL_PICKS:
        assert pick not in flagged, pick


def test_the_bundled_local_conditions_example_has_no_mismatch(prefecture_context):
    plan = load_plan(resources_dir() / "examples" / "local_conditions_2026.cplan")
    analysis = analyze(plan, prefecture_context)
    assert set(LOCAL_PICKS) <= {(a.region, a.industry) for a in plan}
    assert not kinds(analysis, "one-size-fits-all") and not kinds(analysis, "local-mismatch")
    assert not kinds(analysis, "crowded-industry")


def test_incremental_analysis_of_a_full_prefecture_plan_equals_a_full_one(prefecture_context):
    # Every prefecture takes five industries; then regions are emptied, copied from a
    # neighbour (similar pairs appear) and re-roled, with a full analysis to compare.
    rng = random.Random(7)
    codes = [str(code) for code in prefecture_context.codes]
    industries = list(prefecture_context.industry_ids)
    plan = Plan.from_assignments(
        [
            Assignment(code, industry, "lead" if k == 0 else "support")
            for code in codes
            for k, industry in enumerate(rng.sample(industries, 5))
        ],
        level="prefecture",
        settings={"max_pair_flags": 10},
    )
    analyzer = Analyzer(prefecture_context, plan)
    analyzer.follow()
    seen_pairs = 0
    for step in range(30):
        region = rng.choice(codes)
        taken = plan.industries_of(region)
        roll = rng.random()
        if roll < 0.3:
            edit = Batch(tuple(plan.unassign_industry(region, a.industry) for a in taken))
        elif roll < 0.7:
            row = prefecture_context.index_of[region]
            neighbours = prefecture_context.adjacency[row].indices
            source = codes[int(neighbours[0])] if len(neighbours) else rng.choice(codes)
            edit = Batch(
                tuple(plan.unassign_industry(region, a.industry) for a in taken)
                + tuple(plan.assign_industry(region, a.industry, a.role) for a in plan.industries_of(source))
            )
        elif taken:
            pick = rng.choice(taken)
            edit = plan.set_role(region, pick.industry, "support" if pick.role == "lead" else "lead")
        else:
            edit = plan.assign_industry(region, rng.choice(industries))
        plan.apply(edit)
        full = analyze(plan.copy(), prefecture_context)
        assert analyzer.analysis.flags == full.flags, f"step {step}"
        assert analyzer.analysis.to_json() == full.to_json(), f"step {step}"
        seen_pairs = max(seen_pairs, full.similar_pairs)
    assert seen_pairs > 10
