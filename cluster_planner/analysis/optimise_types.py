"""What the optimiser takes and gives: its settings and their conflicts, the changes, the
progress and the proposal (see :mod:`cluster_planner.analysis.optimise`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cluster_planner.analysis.engine import Analyzer
from cluster_planner.analysis.fit import AnalysisContext
from cluster_planner.domain.plan import Batch, Plan, Put

#: The weight of what the proposal is for (caps, no known mismatch) against one change.
PENALTY = 100.0
#: The cost of each lead a region of the draft has short of the minimum: more than any
#: replacement costs (two changes), less than a kept mismatch or an over-cap assignment.
LEAD_PENALTY = 10.0
#: Models with more columns than this are solved without HiGHS's presolve (see solve).
PRESOLVE_COLUMNS = 30_000
ROLE_NAME = {2: "lead", 1: "support"}
_SEGMENT_NOTE = re.compile(r"(?:;\s*)?segment:\s*[a-z-]+")



class SettingsConflict(ValueError):
    """The settings cannot all hold at once; ``reasons`` says which conflict, in words.

    ``facts`` (one mapping per reason, when known) are what each reason says as data, for
    :func:`cluster_planner.text.proposals.conflict_message` to word in Chinese.
    """

    def __init__(self, reasons: Iterable[str], facts: Iterable[Mapping[str, Any]] = ()):
        self.reasons = tuple(reasons)
        self.facts = tuple(facts)
        super().__init__("the settings conflict: " + "; ".join(self.reasons))


@dataclass(frozen=True)
class OptimiseSettings:
    """What the planner can set for a proposal (every field has a working default).

    ``caps`` / ``scope_caps`` override the analysis' crowding caps per industry id;
    ``min_leads`` / ``max_leads`` bound each region's lead industries (default: the
    smallest and largest number among the draft's regions; regions the draft leaves
    empty get no minimum); ``locks`` are ``(region code, industry id)`` pairs the
    proposal must contain; excluded regions and industries get no assignment.
    """

    max_changes: int | None = None
    locks: tuple[tuple[str, str], ...] = ()
    excluded_regions: tuple[str, ...] = ()
    excluded_industries: tuple[str, ...] = ()
    caps: Mapping[str, int] = field(default_factory=dict)
    scope_caps: Mapping[str, int] = field(default_factory=dict)
    min_leads: int | None = None
    max_leads: int | None = None
    division_of_labour: bool = True
    keep_unverified: bool = True
    change_cost: float = 1.5
    chain_weight: float = 2.0
    time_limit: float = 30.0
    mip_rel_gap: float = 1e-4

    def __post_init__(self) -> None:
        for name in ("max_changes", "min_leads", "max_leads"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{name.replace('_', ' ')} must be a whole number >= 0, not {value!r}")
        for name in ("caps", "scope_caps"):
            for industry, value in getattr(self, name).items():
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"the cap of {industry} must be a whole number >= 0, not {value!r}")
        if not self.time_limit > 0:
            raise ValueError(f"the time limit must be above 0 seconds, not {self.time_limit!r}")
        if self.change_cost < 0 or self.chain_weight < 0:
            raise ValueError("the change cost and the chain weight must be >= 0")


@dataclass(frozen=True)
class ProposedChange:
    """One change from the draft: ``add``, ``drop`` or ``role``, with its reason.

    ``reason`` is the English sentence the CLI and the JSON print; ``facts`` are what it
    says as data (``{"why": "crowded", "count": 2, "cap": 1, ...}``: the kind of reason,
    its numbers and ids), from which :func:`cluster_planner.text.messages.change_reason`
    words it in the other language.
    """

    action: str
    region: str
    industry: str
    region_name: str
    industry_name: str
    role_before: str | None
    role_after: str | None
    segment: str
    fit: float
    confidence: float
    reason: str
    facts: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        if self.action == "add":
            what = f"add {self.industry_name} ({self.role_after}) in {self.region_name}"
        elif self.action == "drop":
            what = f"drop {self.industry_name} ({self.role_before}) in {self.region_name}"
        else:
            what = f"{self.industry_name} in {self.region_name}: {self.role_before} -> {self.role_after}"
        return f"{what}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "region": self.region,
            "industry": self.industry,
            "role_before": self.role_before,
            "role_after": self.role_after,
            "segment": self.segment,
            "fit": round(self.fit, 4),
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
            "reason_facts": dict(self.facts),
            "text": self.text,
        }


@dataclass(frozen=True)
class Progress:
    """Where the solver stands: seconds, the best objective found, the bound, the gap."""

    seconds: float
    objective: float
    bound: float
    gap: float


@dataclass
class Proposal:
    """A proposed plan and how it was found.

    ``status`` is ``optimal`` (proven within ``mip_rel_gap``), ``time limit``,
    ``cancelled`` (the best found so far), ``unchanged`` (nothing to change) or
    ``empty`` (the draft has no assignments). ``objective``, ``bound`` and ``gap`` are
    the solver's (the bound is what no proposal can beat). ``messages`` explain
    degenerate inputs; ``unmet`` what the proposal could not clear within the settings.
    """

    plan: Plan
    changes: tuple[ProposedChange, ...]
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    draft_fit: float
    proposal_fit: float
    errors_before: int
    errors_after: int
    messages: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()
    settings: OptimiseSettings = field(default_factory=OptimiseSettings)
    lead_range: tuple[int, int] = (0, 0)
    columns: int = 0
    rows: int = 0

    @property
    def clears_errors(self) -> bool:
        return self.errors_after == 0

    def edit_for(self, change: ProposedChange) -> Put:
        """The plan edit that makes one change (the assignment as proposed, note included)."""
        after = self.plan.get(change.region, change.industry)
        kind = {"add": "assign", "drop": "unassign", "role": "role"}[change.action]
        return Put(change.region, change.industry, after, kind)

    def edits(self, draft: Plan) -> Batch:
        """Every edit that turns ``draft`` into the proposal (segment notes too), as one step."""
        keys = sorted({a.key for a in draft} | {a.key for a in self.plan})
        return Batch(tuple(
            Put(region, industry, self.plan.get(region, industry),
                "unassign" if self.plan.get(region, industry) is None else "assign")
            for region, industry in keys
            if draft.get(region, industry) != self.plan.get(region, industry)
        ))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": _round(self.objective),
            "bound": _round(self.bound),
            "gap": _round(self.gap),
            "seconds": round(self.seconds, 3),
            "changes": [change.to_json() for change in self.changes],
            "changed_assignments": len(self.changes),
            "total_fit": {"draft": round(self.draft_fit, 4), "proposal": round(self.proposal_fit, 4)},
            "errors": {"draft": self.errors_before, "proposal": self.errors_after},
            "lead_range": list(self.lead_range),
            "messages": list(self.messages),
            "unmet": list(self.unmet),
            "model": {"columns": self.columns, "rows": self.rows},
        }

    def lines(self) -> list[str]:
        """The proposal in plain words, one point per line."""
        lines = list(self.messages)
        noun = "change" if len(self.changes) == 1 else "changes"
        lines.append(
            f"{len(self.changes)} {noun}; total fit {self.draft_fit:.2f} -> {self.proposal_fit:.2f}; "
            f"error flags {self.errors_before} -> {self.errors_after}"
        )
        lines.extend(f"  {change.text}" for change in self.changes)
        lines.extend(f"Not cleared: {sentence}" for sentence in self.unmet)
        if self.status not in ("empty", "unchanged") and math.isfinite(self.objective):
            lines.append(
                f"Objective {self.objective:.3f}, bound {self.bound:.3f}, gap {self.gap:.2%} "
                f"({self.status}, {self.seconds:.2f} s)"
            )
        return lines


def _round(value: float) -> float | None:
    return None if not math.isfinite(value) else round(value, 4)


def total_fit(plan: Plan, context: AnalysisContext) -> float:
    """The sum of fit on the evidence over a plan's assignments (unknown codes count 0)."""
    total = 0.0
    for assignment in plan:
        row = context.index_of.get(assignment.region)
        column = context.industry_index.get(assignment.industry)
        if row is not None and column is not None:
            total += float(context.fit[row, column])
    return total


def error_count(plan: Plan, context: AnalysisContext) -> int:
    """How many error-level flags ``check`` raises on ``plan``."""
    return Analyzer(context, plan).analysis.summary["flags"]["error"]


