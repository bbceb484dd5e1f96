"""The analysis of a plan across levels: each level judged on its own layer, with roll-ups.

A plan whose assignments are all on the level shown is analysed as before, by one
:class:`~cluster_planner.analysis.engine.Analyzer`. A plan across levels is judged on
every level it names and on the level shown:

- on each level, the assignments made there and the roll-ups of those below it
  (:func:`cluster_planner.analysis.levels.analysed_plan`) are analysed on that level's
  layer and conditions, with the plan's settings;
- a region whose every child takes one industry is itself homogenized
  (:func:`cluster_planner.analysis.levels.roll_up_flags`);
- the result is one :class:`LevelsAnalysis` for the level shown: its arrays (fit,
  counts, caps) are that level's, its flags are every level's (each with its level),
  and ``summary["levels"]`` gives each level's figures.

Edits re-run the whole analysis (a mixed plan is a draft of a few hundred assignments;
the incremental engine stays for the one-level plans that reach county scale).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from cluster_planner.analysis.engine import Analyzer
from cluster_planner.analysis.levels import (
    RANK,
    Nesting,
    analysed_plan,
    one_level,
    roll_up_flags,
)
from cluster_planner.analysis.results import FLAG_KINDS, SEVERITIES, Analysis, Flag
from cluster_planner.domain.plan import Change, Plan

ContextOf = Callable[[str], Any]  # level -> AnalysisContext (or None when unavailable)


@dataclass(eq=False)
class LevelsAnalysis(Analysis):
    """An :class:`Analysis` of a plan across levels, for the level shown.

    ``flag_levels[k]`` is the level of ``flags[k]``; ``levels`` holds each level's own
    analysis (on its roll-up plan).
    """

    flag_levels: list[str] = field(default_factory=list)
    levels: dict[str, Analysis] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        payload = super().to_json()
        for entry, level in zip(payload["flags"], self.flag_levels, strict=True):
            entry["level"] = level
        return payload

    def level_of(self, flag: Flag) -> str:
        """The level whose regions ``flag`` names."""
        for candidate, level in zip(self.flags, self.flag_levels, strict=True):
            if candidate is flag:
                return level
        return str(self.summary.get("level", ""))


def needs_levels(plan: Plan) -> bool:
    """Whether ``plan`` has assignments off the level shown (and so needs this module)."""
    return not one_level(plan, plan.level)


class LevelsAnalyzer:
    """The analysis of a plan across levels, kept up to date by re-running it.

    Has the parts of :class:`Analyzer` the session uses: ``analysis``, ``update``,
    ``settings``, ``suggestions_for`` (rows of the level shown) and ``plan``.

    Parameters
    ----------
    context : AnalysisContext
        The level shown (the plan's statistics and user facts are in it).
    plan : Plan
    context_of : callable ``level -> AnalysisContext``
        The other levels' contexts (the bundled conditions).
    nesting : Nesting
    industry_name : callable, optional
        English industry names for the roll-up findings.
    """

    def __init__(
        self,
        context: Any,
        plan: Plan,
        context_of: ContextOf,
        nesting: Nesting,
        industry_name: Callable[[str], str] | None = None,
        settings: Mapping[str, Any] | None = None,
    ):
        self.context = context
        self.plan = plan
        self.context_of = context_of
        self.nesting = nesting
        self.industry_name = industry_name or _names_of(context)
        self.overrides = dict(settings or {})
        self.reset()

    @property
    def analysis(self) -> LevelsAnalysis:
        return self._analysis

    def reset(self) -> LevelsAnalysis:
        plan, shown = self.plan, self.plan.level
        levels = sorted({*plan.levels, shown}, key=RANK.__getitem__)
        analyzers: dict[str, Analyzer] = {}
        analysed: dict[str, Plan] = {}
        for level in levels:
            context = self.context if level == shown else self.context_of(level)
            if context is None:
                continue
            analysed[level] = analysed_plan(plan, level, self.nesting)
            analyzers[level] = Analyzer(context, analysed[level], self.overrides)
        self._shown = analyzers[shown]
        self.settings = self._shown.settings
        tagged: list[tuple[str, Flag]] = []
        for level, analyzer in analyzers.items():
            tagged += [(level, flag) for flag in analyzer.analysis.flags]
            tagged += [
                (level, flag)
                for flag in roll_up_flags(plan, level, self.nesting, self.industry_name, analysed)
            ]
        severity_rank = {severity: rank for rank, severity in enumerate(SEVERITIES)}
        # Errors first, then warnings, then infos (as in one level); coarse levels first.
        tagged.sort(key=lambda item: (-severity_rank[item[1].severity], RANK[item[0]]))
        base = self._shown.analysis
        summary = dict(base.summary)
        summary["assignments"] = len(plan)
        severities = _count(flag.severity for _, flag in tagged)
        summary["flags"] = {severity: severities.get(severity, 0) for severity in reversed(SEVERITIES)}
        kinds = _count(flag.kind for _, flag in tagged)
        summary["flag_kinds"] = {kind: kinds.get(kind, 0) for kind in FLAG_KINDS}
        summary["levels"] = {
            level: _level_summary(plan, level, analyzer.analysis, [f for lv, f in tagged if lv == level])
            for level, analyzer in analyzers.items()
        }
        values = {f.name: getattr(base, f.name) for f in fields(Analysis)}
        values.update(flags=[flag for _, flag in tagged], summary=summary)
        self._analysis = LevelsAnalysis(
            **values,
            flag_levels=[level for level, _ in tagged],
            levels={level: analyzer.analysis for level, analyzer in analyzers.items()},
        )
        return self._analysis

    def update(self, change: Change) -> LevelsAnalysis:
        """Bring the analysis up to date after ``change`` (re-runs it)."""
        return self.reset()

    def suggestions_for(self, row: int) -> Any:
        return self._shown.suggestions_for(row)


def make_analyzer(
    context: Any,
    plan: Plan,
    context_of: ContextOf,
    nesting: Nesting | None = None,
) -> Analyzer | LevelsAnalyzer:
    """The analyzer ``plan`` needs: the incremental one on one level, else across levels."""
    if not needs_levels(plan):
        return Analyzer(context, plan)
    if nesting is None:
        from cluster_planner.analysis.levels import bundled_nesting

        nesting = bundled_nesting()
    return LevelsAnalyzer(context, plan, context_of, nesting)


def _names_of(context: Any) -> Callable[[str], str]:
    names = dict(zip(context.industry_ids, context.industry_names, strict=True))
    return lambda industry: names.get(industry, industry)


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _level_summary(plan: Plan, level: str, analysis: Analysis, flags: list[Flag]) -> dict[str, Any]:
    """One level's figures: its own and rolled-up assignments, homogeneity, flags."""
    summary = analysis.summary
    own = len(plan.at_level(level))
    severities = _count(flag.severity for flag in flags)
    return {
        "assignments": own,
        "rolled_up": int(summary["assignments"]) - own,
        "regions": summary["regions"],
        "regions_with_assignments": summary["regions_with_assignments"],
        "homogeneity_index": summary["homogeneity_index"],
        "crowded_industries": summary["crowded_industries"],
        "flags": {severity: severities.get(severity, 0) for severity in reversed(SEVERITIES)},
    }


__all__ = ["LevelsAnalysis", "LevelsAnalyzer", "make_analyzer", "needs_levels"]
