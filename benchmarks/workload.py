"""The data every benchmark runs on: the bundled layers and a plan that fills them.

The plan gives every region of a level five industries drawn at random (seeded, so
every run measures the same plan): the first as lead, the other four as support. That
is the heaviest realistic draft (a county plan has about 14,000 assignments) and it
raises thousands of flags, so the analysis and the files have real work to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cluster_planner.domain.plan import Assignment, Plan

INDUSTRIES_PER_REGION = 5
SEED = 2026


@dataclass
class LevelData:
    """One level's layer, its analysis context and the full five-per-region plan."""

    level: str
    layer: object
    context: object
    catalog: object
    plan: Plan


@cache
def level_data(level: str) -> LevelData:
    """Load ``level`` once per process (layer, catalog, conditions, context, plan)."""
    from cluster_planner.analysis.engine import build_context
    from cluster_planner.domain.catalog import load_catalog, load_condition_types
    from cluster_planner.domain.conditions import load_conditions
    from cluster_planner.domain.regions import load_layer

    layer = load_layer(level)
    catalog = load_catalog()
    context = build_context(layer, catalog, load_conditions(layer),
                            condition_types=load_condition_types())
    plan = five_per_region_plan(level, [str(code) for code in layer.codes],
                                [industry.id for industry in catalog.industries])
    return LevelData(level, layer, context, catalog, plan)


def five_per_region_plan(level: str, region_codes: list[str], industry_ids: list[str],
                         per_region: int = INDUSTRIES_PER_REGION, seed: int = SEED) -> Plan:
    """A plan assigning ``per_region`` distinct random industries to every region."""
    rng = np.random.default_rng(seed)
    assignments = []
    for code in region_codes:
        picks = rng.choice(len(industry_ids), size=per_region, replace=False)
        for k, column in enumerate(picks):
            assignments.append(Assignment(code, industry_ids[column], "lead" if k == 0 else "support"))
    return Plan.from_assignments(assignments, name=f"Benchmark: {per_region} industries per region",
                                 level=level)


def edit_sequence(plan: Plan, region_codes: list[str], industry_ids: list[str], count: int,
                  seed: int = SEED + 1):
    """``count`` edits as pairs: assign a new industry to a region, then take it away.

    Each edit changes that region's number of industries, so its colour on the map
    changes too; after an even number of edits the plan is back where it started.
    """
    rng = np.random.default_rng(seed)
    edits = []
    while len(edits) < count:
        region = region_codes[int(rng.integers(len(region_codes)))]
        taken = {assignment.industry for assignment in plan.industries_of(region)}
        free = [industry for industry in industry_ids if industry not in taken]
        industry = free[int(rng.integers(len(free)))]
        edits.append(plan.assign_industry(region, industry, "support"))
        edits.append(plan.unassign_industry(region, industry))
    return edits[:count]
