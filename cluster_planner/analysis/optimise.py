"""Propose a differentiated layout: the smallest change to a draft that clears its flags.

:func:`propose` turns a draft plan into a *proposal*: a changed copy that a
mixed-integer program finds, each change with its reason.

The model
---------
Decision: for each candidate ``(region, industry, segment, role)`` a binary ``x`` saying
whether the proposal has it; a cell ``(region, industry)`` takes at most one segment
and role. Candidates are the draft's assignments (on every segment whose needs are not
known to be missing), the locked cells, and every cell in the plan's scope whose
evidence supports the industry on some segment (``fit >= fit_threshold``): the
optimiser never proposes an assignment that is a known mismatch or unverified.

Objective (maximised)::

    sum  x * role_weight * fit_s * confidence_s      fit on the chosen segment, lead 1 / support 0.5
  - change_cost * changes                            an assignment added, dropped or given another role
  - PENALTY * (over-cap assignments + kept known mismatches)
  - LEAD_PENALTY * leads a region of the draft has short of the minimum
  - chain_weight * chain gaps                        an industry used whose upstream nobody covers

Hard constraints (each a setting the planner sees): locks, excluded regions and
industries, the most lead industries per region, the most changes. The caps (an
industry's crowding cap within the scope and nationally, defaults from the analysis)
and "no known mismatch" are what the proposal is *for*; they carry a large penalty
(``PENALTY`` per over-cap assignment or kept mismatch) instead of being hard, so that a
draft that cannot be cleared within the most changes allowed still gets the best
partial proposal, with a sentence for what stays (:attr:`Proposal.unmet`). The least
lead industries per region of the draft (default: the range of the draft's regions,
as is the most) costs ``LEAD_PENALTY`` per missing lead: a region keeps its number of
leads by replacement wherever something its evidence supports has room, and gives one
up rather than keep a mismatch or crowd a cap.

**Division of labour along the chain.** With ``division_of_labour`` (the default) the
caps apply per segment of the chain: an over-subscribed industry may stay in more
regions than its cap when they take different segments (materials here, assembly
there, R&D in a research centre). The chosen segment of a kept or added assignment of
an industry with several segments is written in its note (``segment: materials``):
plan files have no segment field yet, and ``check`` still counts crowding by industry.

**Unverified draft assignments** (``fit < threshold`` on the evidence, but no complete
list shows the conditions missing) are kept by default, on a segment whose needs are
not known to be missing: an unknown lowers a verdict's confidence, never its severity,
and the objective weights them by their low confidence, so they are the first to go
when a cap binds. ``keep_unverified=False`` makes them go unless locked.

Solver
------
HiGHS through ``highspy`` rather than ``scipy.optimize.milp`` (which runs the same
HiGHS): ``highspy`` exposes the MIP callbacks, so the window can show the incumbent,
the bound and the gap while it solves and stop it on Cancel (``cbMipInterrupt``),
keeping the best proposal found; ``milp`` offers only a time limit. The model is
passed as arrays (CSR rows), not built expression by expression, so a county model
of some hundred thousand columns is built in well under a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cluster_planner.analysis.fit import AnalysisContext
from cluster_planner.analysis.optimise_model import _Model, parse_cap, parse_lock
from cluster_planner.analysis.optimise_types import (
    OptimiseSettings,
    Progress,
    Proposal,
    ProposedChange,
    SettingsConflict,
    error_count,
    total_fit,
)
from cluster_planner.domain.plan import Plan

__all__ = [
    "OptimiseSettings",
    "Progress",
    "Proposal",
    "ProposedChange",
    "SettingsConflict",
    "error_count",
    "parse_cap",
    "parse_lock",
    "propose",
    "total_fit",
]


# ------------------------------------------------------------------------------- propose
def propose(
    plan: Plan,
    context: AnalysisContext,
    settings: OptimiseSettings | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Proposal:
    """The smallest change to ``plan`` that clears its homogenization (see the module).

    Parameters
    ----------
    plan : Plan
        The draft; it is not changed.
    context : AnalysisContext
        The data of the plan's level.
    settings : OptimiseSettings, optional
    progress : callable, optional
        Called with a :class:`Progress` while the solver runs (from the solver's thread).
    should_stop : callable, optional
        Polled while the solver runs; when it returns true the solver stops and the
        best proposal found so far is returned (status ``cancelled``).

    Raises
    ------
    SettingsConflict
        The settings cannot all hold at once (the reasons say which conflict).
    ValueError
        A lock or exclusion names a region or industry the context does not have.
    """
    settings = settings or OptimiseSettings()
    started = time.perf_counter()
    model = _Model(plan, context, settings)
    draft_fit = total_fit(plan, context)
    errors_before = model.draft_analysis.summary["flags"]["error"]
    if len(plan) == 0 and not settings.locks:
        return Proposal(
            plan.copy(), (), "empty", 0.0, 0.0, 0.0, time.perf_counter() - started, 0.0, 0.0, 0, 0,
            ("The plan has no assignments: there is nothing to differentiate.",), (), settings,
        )
    model.check_conflicts()
    model.build()
    solution, status, objective, bound, gap = model.solve(progress, should_stop)
    messages = list(model.messages)
    if solution is None:
        proposal_plan = plan.copy()
        changes: list[ProposedChange] = []
        unmet: list[str] = []
        messages.append(
            "Cancelled before a first proposal was found: the draft stands." if status == "cancelled"
            else f"No proposal was found within {settings.time_limit:g} s: the draft stands."
        )
    else:
        proposal_plan, changes = model.read(solution)
        unmet = model.unmet(solution)
    if not changes and solution is not None:
        messages.append(
            "No change is proposed within the settings." if unmet
            else "The draft already meets the settings: no change is proposed."
        )
    proposal = Proposal(
        plan=proposal_plan,
        changes=tuple(changes),
        status=status if changes or status != "optimal" else "unchanged",
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=time.perf_counter() - started,
        draft_fit=draft_fit,
        proposal_fit=total_fit(proposal_plan, context),
        errors_before=errors_before,
        errors_after=error_count(proposal_plan, context),
        messages=tuple(messages),
        unmet=tuple(unmet),
        settings=settings,
        lead_range=(model.min_leads, model.max_leads),
        columns=model.n_columns,
        rows=model.n_rows,
    )
    return proposal


