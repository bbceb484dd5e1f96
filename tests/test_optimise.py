"""The optimiser on small hand-built worlds whose optimum is known by enumeration, and
its settings: division of labour, locks, exclusions, the most changes, conflicts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_analysis import grid_layer

from cluster_planner.analysis.engine import analyze
from cluster_planner.analysis.fit import AnalysisContext
from cluster_planner.analysis.optimise import (
    OptimiseSettings,
    SettingsConflict,
    parse_lock,
    propose,
)
from cluster_planner.analysis.optimise_model import _Model
from cluster_planner.analysis.optimise_types import LEAD_PENALTY, PENALTY
from cluster_planner.domain.catalog import Catalog, Industry, Segment
from cluster_planner.domain.plan import Assignment, Plan

CONDITIONS = ("c1", "c2", "c3", "c4")
CATALOG = Catalog(
    [
        # Two segments: materials needs c1, assembly needs c2; needs gamma upstream.
        Industry("alpha", "甲", "Alpha", "emerging", needs=("c1", "c2"), upstream=("gamma",),
                 segments=(Segment("materials", (("c1",),)), Segment("assembly", (("c2",),)))),
        Industry("beta", "乙", "Beta", "emerging", needs=("c3",)),
        Industry("gamma", "丙", "Gamma", "emerging", needs=("c4",)),
    ]
)
LAYER = grid_layer(3, 1)
CODES = [str(code) for code in LAYER.codes]


def context_of(conditions: dict[int, set[str]], complete=None, layer=LAYER, catalog=CATALOG) -> AnalysisContext:
    n = len(layer.codes)
    matrix = np.zeros((n, len(CONDITIONS)))
    for row, met in conditions.items():
        for condition in met:
            matrix[row, CONDITIONS.index(condition)] = 1.0
    return AnalysisContext(
        region_codes=layer.codes,
        adjacency=layer.adjacency,
        catalog=catalog,
        conditions_matrix=matrix,
        condition_ids=CONDITIONS,
        base_matrix=np.zeros((n, len(catalog.ids))),
        region_names=list(layer.frame["name_en"]),
        level="province",
        complete_conditions=complete,
    )


def plan_of(*picks, codes=CODES) -> Plan:
    return Plan.from_assignments([Assignment(codes[p[0]], p[1], *p[2:]) for p in picks], level="province")


def cells(plan: Plan) -> dict[tuple[str, str], str]:
    return {a.key: a.role for a in plan}


# ------------------------------------------------------------------ enumeration
def brute_force(ctx: AnalysisContext, plan: Plan, settings: OptimiseSettings, threshold=0.5):
    """The best objective over every layout, written from the module's definition.

    Returns the best value and the layouts (cell -> (role units, segment)) reaching it.
    """
    low, high, valid = ctx.segment_fits()
    n, m = ctx.n_regions, ctx.n_industries
    draft = {(ctx.index_of[a.region], ctx.industry_index[a.industry]): (2 if a.role == "lead" else 1) for a in plan}
    leads = [sum(1 for (r, _), role in draft.items() if r == row and role == 2) for row in range(n)]
    drafted = {r for r, _ in draft}
    low_leads = min(leads[r] for r in drafted)
    high_leads = max(max(leads[r] for r in drafted), 1)
    min_leads = low_leads if settings.min_leads is None else settings.min_leads
    max_leads = high_leads if settings.max_leads is None else settings.max_leads
    caps = np.maximum(3, (ctx.fit >= threshold).sum(axis=0))
    for industry, cap in settings.caps.items():
        caps[ctx.industry_index[industry]] = cap
    locks = {(ctx.index_of[r], ctx.industry_index[i]) for r, i in settings.locks}
    options = []
    keys = [(r, c) for r in range(n) for c in range(m)]
    for r, c in keys:
        segments = np.flatnonzero(valid[c])
        if (r, c) in draft or (r, c) in locks:
            bound = high if settings.keep_unverified else low
            ok = [s for s in segments if bound[r, c, s] >= threshold]
            if not ok:
                ok = [int(ctx.met_pattern[r, c] // 3**8)]
        else:
            ok = [s for s in segments if low[r, c, s] >= threshold]
        choices = [None] + [(role, s) for s in ok for role in (2, 1)]
        if (r, c) in locks:
            choices.remove(None)
        options.append(choices)
    best, layouts = -np.inf, []
    for pick in itertools.product(*options):
        layout = {key: choice for key, choice in zip(keys, pick, strict=True) if choice is not None}
        lead_counts = [sum(1 for (r, _), (role, _) in layout.items() if r == row and role == 2) for row in range(n)]
        if any(lead_counts[r] > max_leads for r in range(n)):
            continue
        missing_leads = sum(max(0, min_leads - lead_counts[r]) for r in drafted)
        changes = sum(1 for key in draft.keys() | layout.keys() if draft.get(key) != (layout.get(key) or (0,))[0])
        if settings.max_changes is not None and changes > settings.max_changes:
            continue
        value = 0.0
        for (r, c), (role, s) in layout.items():
            confidence = 1 - (high[r, c, s] - low[r, c, s])
            value += (1.0 if role == 2 else 0.5) * low[r, c, s] * confidence
            if (r, c) in draft and (r, c) not in locks and ctx.fit_high[r, c] < threshold:
                value -= PENALTY
        counts: dict[tuple[int, int], int] = {}
        for (_, c), (_, s) in layout.items():
            group = (c, s if settings.division_of_labour else 0)
            counts[group] = counts.get(group, 0) + 1
        value -= PENALTY * sum(max(0, count - caps[c]) for (c, _), count in counts.items())
        used = {c for _, c in layout}
        value -= settings.chain_weight * sum(1 for c in used for u in ctx.upstream[c] if u not in used)
        value -= settings.change_cost * changes + LEAD_PENALTY * missing_leads
        if value > best + 1e-9:
            best, layouts = value, [layout]
        elif value > best - 1e-9:
            layouts.append(layout)
    return best, layouts


def as_layout(proposal, ctx):
    low, _, valid = ctx.segment_fits()
    found = {}
    for a in proposal.plan:
        key = (ctx.index_of[a.region], ctx.industry_index[a.industry])
        segment = 0
        if "segment: " in a.note:
            name = a.note.split("segment: ")[1]
            segment = [s.id for s in CATALOG.industries[key[1]].segments].index(name)
        found[key] = (2 if a.role == "lead" else 1, segment)
    return found


WORLD = {0: {"c1", "c3"}, 1: {"c2", "c4"}, 2: {"c3"}}


@pytest.mark.parametrize(
    "picks, settings",
    [
        # Every region takes alpha; region 2 fits it on no segment (known mismatch).
        ([(0, "alpha"), (1, "alpha"), (2, "alpha"), (2, "beta", "support")], OptimiseSettings()),
        # The same with a cap of 1 on alpha: division of labour keeps two regions.
        ([(0, "alpha"), (1, "alpha"), (2, "alpha")], OptimiseSettings(caps={"alpha": 1})),
        ([(0, "alpha"), (1, "alpha"), (2, "alpha")], OptimiseSettings(caps={"alpha": 1}, division_of_labour=False)),
        # Beta everywhere against a cap of 1, at most two changes.
        ([(0, "beta"), (1, "beta"), (2, "beta")], OptimiseSettings(caps={"beta": 1}, max_changes=2)),
        # A lock on a mismatch, and room for two leads.
        ([(0, "beta"), (2, "alpha")], OptimiseSettings(locks=(("100200", "alpha"),), max_leads=2)),
    ],
)
def test_the_proposal_reaches_the_optimum_found_by_enumeration(picks, settings):
    ctx = context_of(WORLD)
    plan = plan_of(*picks)
    best, layouts = brute_force(ctx, plan, settings)
    proposal = propose(plan, ctx, settings)
    assert proposal.status in ("optimal", "unchanged")
    assert proposal.objective == pytest.approx(best, abs=1e-6)
    assert as_layout(proposal, ctx) in layouts
    # The full MIP (what runs when the relaxation is not integral) agrees.
    model = _Model(plan, ctx, settings)
    model.build()
    solution, status, objective, bound, gap = model._solve_mip(None, None)
    assert (status, gap) == ("optimal", 0.0)
    assert objective == pytest.approx(best, abs=1e-6) and bound == pytest.approx(best, abs=1e-6)


def test_a_known_mismatch_is_replaced_by_the_best_fit_with_its_reason():
    ctx = context_of(WORLD)
    plan = plan_of((0, "alpha"), (1, "alpha"), (2, "alpha"))
    proposal = propose(plan, ctx)
    actions = [(c.action, c.region, c.industry, c.role_after) for c in proposal.changes]
    # Region 2 (c3 only) lacks both segments of alpha; beta (needs c3) fits it fully.
    # Gamma covers alpha's upstream gap in region 1 (c4), as support (one lead per region).
    assert actions == [
        ("add", CODES[1], "gamma", "support"),
        ("drop", CODES[2], "alpha", None),
        ("add", CODES[2], "beta", "lead"),
    ]
    drop = proposal.changes[1]
    assert drop.reason.startswith("a known local mismatch: fit 0.00 on the evidence (threshold 0.50)")
    assert proposal.changes[2].reason.startswith("replaces Alpha so that Region 2 keeps 1 or more lead industries")
    assert proposal.changes[0].reason.startswith("covers the upstream link of Alpha that no region covered")
    # Kept and added assignments of a chain with several segments carry the segment.
    notes = {a.key: a.note for a in proposal.plan}
    assert notes[(CODES[0], "alpha")] == "segment: materials"
    assert notes[(CODES[1], "alpha")] == "segment: assembly"
    assert notes[(CODES[2], "beta")] == ""
    assert (proposal.draft_fit, proposal.proposal_fit) == (2.0, 4.0)
    assert proposal.unmet == ()


def test_division_of_labour_keeps_an_over_subscribed_industry_on_different_segments():
    ctx = context_of(WORLD)
    plan = plan_of((0, "alpha"), (1, "alpha"), (0, "beta", "support"), (1, "gamma", "support"))
    shared = propose(plan, ctx, OptimiseSettings(caps={"alpha": 1}))
    assert shared.changes == ()
    assert {a.note for a in shared.plan if a.industry == "alpha"} == {"segment: materials", "segment: assembly"}
    whole = propose(plan, ctx, OptimiseSettings(caps={"alpha": 1}, division_of_labour=False, min_leads=0))
    [change] = whole.changes
    assert (change.action, change.industry) == ("drop", "alpha")
    assert change.reason.startswith("Alpha is crowded (2 regions against a cap of 1)")


def test_an_unverified_draft_assignment_stays_unless_the_planner_asks_otherwise():
    # c2 has no complete list: region 2 may or may not meet it (unknown).
    ctx = context_of(WORLD, complete={"c1", "c3", "c4"})
    plan = plan_of((0, "alpha"), (2, "alpha"), (2, "beta", "support"), (1, "gamma"))
    kept = propose(plan, ctx)
    assert (CODES[2], "alpha") in cells(kept.plan)
    strict = propose(plan, ctx, OptimiseSettings(keep_unverified=False))
    drops = [c for c in strict.changes if c.action == "drop"]
    assert [(c.region, c.industry) for c in drops] == [(CODES[2], "alpha")]
    assert drops[0].reason.startswith("unverified: no evidence yet that its conditions fit it (fit 0.00, up to 1.00")


def test_the_most_changes_leave_a_partial_proposal_that_says_what_stays():
    ctx = context_of(WORLD)
    plan = plan_of((0, "beta"), (1, "beta"), (2, "beta"))
    proposal = propose(plan, ctx, OptimiseSettings(caps={"beta": 0}, max_changes=1, min_leads=0))
    assert len(proposal.changes) == 1
    assert proposal.unmet == ("Beta stays in 2 regions nationally against a cap of 0 (at most 1 change is allowed)",)


def test_a_locked_mismatch_stays_and_the_proposal_says_why():
    ctx = context_of(WORLD)
    plan = plan_of((0, "alpha"), (1, "alpha"), (2, "alpha"))
    proposal = propose(plan, ctx, OptimiseSettings(locks=((CODES[2], "alpha"),)))
    assert (CODES[2], "alpha") in cells(proposal.plan)
    assert "Region 2 keeps Alpha, a known mismatch, because it is locked" in proposal.unmet


@pytest.mark.parametrize(
    "settings, reason, zh",
    [
        (OptimiseSettings(locks=tuple((code, "beta") for code in CODES), caps={"beta": 2}),
         "3 regions lock Beta but its cap is 2", "有 3 个地区锁定了乙，但它的上限为 2"),
        (OptimiseSettings(locks=((CODES[0], "beta"),), excluded_regions=(CODES[0],)),
         "Region 0 is excluded but Region 0:beta is locked", "区0已被排除，但区0的乙被锁定"),
        (OptimiseSettings(min_leads=3, max_leads=2), "each region must keep at least 3 lead industries but may have at most 2",
         "每个地区至少要保留 3 个主导产业，但最多只能有 2 个"),
        (OptimiseSettings(locks=((CODES[1], "gamma"), (CODES[2], "beta")), max_changes=1),
         "2 locks add assignments: at least 2 changes, but at most 1 is allowed",
         "2 个锁定需要新增分配：至少需要改动 2 处，但最多只允许改动 1 处"),
        (OptimiseSettings(min_leads=3, max_leads=3),
         "Region 0 (100000) must keep at least 3 lead industries but only 2 can be kept or added there (and 1 more region)",
         "区0（100000）至少要保留 3 个主导产业，但那里只能保留或新增 2 个（另有 1 个地区也是如此）"),
    ],
)
def test_conflicting_settings_are_explained_in_words(settings, reason, zh):
    from cluster_planner.text.messages import names_from
    from cluster_planner.text.proposals import conflict_message

    ctx = context_of(WORLD)
    with pytest.raises(SettingsConflict) as raised:
        propose(plan_of((0, "alpha"), (1, "alpha")), ctx, settings)
    assert reason in raised.value.reasons
    # In Chinese from the conflict's facts; in English the optimiser's own message.
    message = conflict_message(raised.value, "zh", names_from(LAYER, CATALOG))
    assert message.startswith("设置相互冲突：") and zh in message.split("：", 1)[1].split("；")
    assert conflict_message(raised.value, "en") == str(raised.value)


def test_degenerate_inputs_give_a_plain_message():
    ctx = context_of(WORLD)
    empty = propose(Plan(level="province"), ctx)
    assert (empty.status, empty.changes) == ("empty", ())
    assert empty.messages == ("The plan has no assignments: there is nothing to differentiate.",)
    plan = plan_of((0, "alpha"), (2, "alpha"))
    locked = propose(plan, ctx, OptimiseSettings(locks=((CODES[0], "alpha"), (CODES[2], "alpha"))))
    assert locked.messages[0].startswith("All 2 assignments of the draft are locked")
    fine = propose(plan_of((0, "alpha"), (1, "gamma"), (2, "beta")), ctx)
    assert fine.status == "unchanged"
    assert fine.messages == ("The draft already meets the settings: no change is proposed.",)


def test_a_lock_naming_nothing_is_refused_by_name():
    with pytest.raises(ValueError, match="a lock is REGION:INDUSTRY"):
        parse_lock("340100")
    with pytest.raises(ValueError, match="no region 999999 on the province layer"):
        propose(plan_of((0, "alpha")), context_of(WORLD), OptimiseSettings(locks=(("999999", "alpha"),)))


def test_the_proposal_re_checked_has_no_error_flag():
    ctx = context_of(WORLD)
    plan = plan_of((0, "alpha"), (1, "alpha"), (2, "alpha"), (0, "beta"), (1, "beta"), (2, "beta"))
    plan.settings.update({"crowding_min": 1, "crowding_share": 0.0})  # caps: the 2 regions each fits
    # Both crowded: alpha in region 2 and beta in region 1 are known mismatches.
    assert analyze(plan, ctx).summary["flags"]["error"] == 2
    proposal = propose(plan, ctx)
    assert (proposal.errors_before, proposal.errors_after) == (2, 0)
    assert analyze(proposal.plan, ctx).summary["flags"]["error"] == 0
    # Every region has two leads in the draft; nothing else fits region 2, so it keeps one.
    assert "Region 2 has 1 lead industry, below the minimum of 2: no other industry its " \
        "evidence supports has room there" in proposal.unmet


def test_the_proposal_is_applied_as_edits_change_by_change_or_all_at_once():
    ctx = context_of(WORLD)
    draft = plan_of((0, "alpha"), (1, "alpha"), (2, "alpha"))
    proposal = propose(draft, ctx)
    one = draft.copy()
    undo = one.apply(proposal.edit_for(proposal.changes[1]))  # drop alpha in region 2
    assert (CODES[2], "alpha") not in one
    one.apply(undo)
    assert cells(one) == cells(draft)
    everything = draft.copy()
    everything.apply(proposal.edits(draft))
    assert {a.key: (a.role, a.note) for a in everything} == {a.key: (a.role, a.note) for a in proposal.plan}


@pytest.mark.slow
def test_cancel_before_a_first_proposal_keeps_the_draft_and_says_so():
    from cluster_planner.analysis.fit import load_context

    ctx = load_context("prefecture")  # big enough that HiGHS asks before it has a proposal
    rng = np.random.default_rng(7)
    plan = Plan.from_assignments(
        [Assignment(str(code), ctx.industry_ids[j]) for code in ctx.codes
         for j in rng.choice(ctx.n_industries, 3, replace=False)],
        level="prefecture",
    )
    seen = []
    proposal = propose(plan, ctx, progress=seen.append, should_stop=lambda: True)
    assert proposal.status == "cancelled"
    assert proposal.changes == ()
    assert proposal.messages[-1] == "Cancelled before a first proposal was found: the draft stands."
    assert proposal.lines()[-1] == "0 changes; total fit 157.50 -> 157.50; error flags 0 -> 0"
    assert cells(proposal.plan) == cells(plan)


def test_a_proposal_reads_in_chinese_from_the_facts_of_its_reasons():
    from cluster_planner.text.messages import names_from
    from cluster_planner.text.proposals import change_reason, render_reason

    names = names_from(LAYER, CATALOG)
    ctx = context_of(WORLD)
    proposal = propose(plan_of((0, "alpha"), (1, "alpha"), (2, "alpha")), ctx)
    upstream, mismatch, replaces = proposal.changes
    assert change_reason(replaces, "zh", names) == (
        "替换甲，使区2保持至少 1 个主导产业；在上限内仍有余地的产业中适配度最高（适配度 1.00，置信度 1.00）"
    )
    assert change_reason(upstream, "zh", names) == "补上甲的上游环节，此前没有任何地区覆盖（适配度 1.00，置信度 1.00）"
    assert change_reason(mismatch, "zh", names) == (
        "已知与当地条件不符：依据现有证据适配度 0.00（阈值 0.50）；其材料环节所需的 1 项条件具备 0 项；"
        "完整名录表明缺少c1；它也不在该地区的现有产业基础中"
    )
    whole = propose(
        plan_of((0, "alpha"), (1, "alpha"), (0, "beta", "support"), (1, "gamma", "support")), ctx,
        OptimiseSettings(caps={"alpha": 1}, division_of_labour=False, min_leads=0),
    )
    [crowded] = whole.changes
    assert change_reason(crowded, "zh", names) == (
        "甲布局拥挤（全国安排在 2 个地区，上限 1）；区0对它的适配度最低（适配度 1.00，置信度 1.00）"
    )
    # English is the optimiser's own sentence, and the tables' English side says the same.
    for change in (upstream, replaces, crowded):
        assert change_reason(change, "en", names) == change.reason
        assert render_reason(change.facts, "en", names) == change.reason
    assert change_reason(mismatch, "en", names) == mismatch.reason
    # The JSON keeps its reason and adds the facts.
    assert crowded.to_json()["reason"] == crowded.reason
    assert crowded.to_json()["reason_facts"]["why"] == "crowded"

