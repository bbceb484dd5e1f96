"""Compare two plans (scenarios): what one adds, removes and changes against the other.

:func:`diff_plans` matches assignments by ``(region, industry)``. With an analysis
context it also analyses both plans, so a reviewer sees whether draft B is more or less
homogenized than draft A (homogeneity index, flags by severity and kind).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cluster_planner.domain.plan import Assignment, Plan


@dataclass(frozen=True)
class AssignmentChange:
    """One assignment present in both plans with another role, note or level."""

    before: Assignment
    after: Assignment

    @property
    def key(self) -> tuple[str, str]:
        return self.before.key

    @property
    def fields(self) -> tuple[str, ...]:
        """Which of ``role``, ``note`` and ``level`` differ."""
        return tuple(
            name
            for name in ("role", "note", "level")
            if getattr(self.before, name) != getattr(self.after, name)
        )


@dataclass(frozen=True)
class PlanFigures:
    """The analysis figures of one plan, for a side-by-side comparison."""

    homogeneity_index: float
    flags_by_severity: dict[str, int]
    flags_by_kind: dict[str, int]
    crowded_industries: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "homogeneity_index": self.homogeneity_index,
            "flags_by_severity": dict(self.flags_by_severity),
            "flags_by_kind": dict(self.flags_by_kind),
            "crowded_industries": list(self.crowded_industries),
        }


@dataclass(frozen=True)
class PlanDiff:
    """What turns plan ``a`` into plan ``b``.

    Attributes
    ----------
    added, removed
        Assignments only in ``b`` / only in ``a``, sorted by region then industry.
    changed
        Assignments in both with another role, note or level.
    renamed
        ``(name_a, name_b)`` when the names differ, else ``None``.
    settings_changed
        Setting key to ``(value in a, value in b)``; ``None`` stands for "not set".
    figures_a, figures_b
        Analysis figures of each plan, when :func:`diff_plans` had a context.
    """

    name_a: str
    name_b: str
    level: str
    added: tuple[Assignment, ...] = ()
    removed: tuple[Assignment, ...] = ()
    changed: tuple[AssignmentChange, ...] = ()
    settings_changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    figures_a: PlanFigures | None = None
    figures_b: PlanFigures | None = None

    @property
    def renamed(self) -> tuple[str, str] | None:
        return None if self.name_a == self.name_b else (self.name_a, self.name_b)

    @property
    def is_empty(self) -> bool:
        """No assignment or setting differs (names and analysis aside)."""
        return not (self.added or self.removed or self.changed or self.settings_changed)

    @property
    def homogeneity_a(self) -> float | None:
        return None if self.figures_a is None else self.figures_a.homogeneity_index

    @property
    def homogeneity_b(self) -> float | None:
        return None if self.figures_b is None else self.figures_b.homogeneity_index

    @property
    def regions_touched(self) -> list[str]:
        """Regions whose assignments differ, sorted."""
        keys = [a.key for a in self.added + self.removed] + [c.key for c in self.changed]
        return sorted({region for region, _ in keys})

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (e.g. for a ``diff --format json`` command)."""

        def row(assignment: Assignment) -> dict[str, str]:
            return {
                "region": assignment.region,
                "industry": assignment.industry,
                "role": assignment.role,
                "note": assignment.note,
                "level": assignment.level,
            }

        return {
            "a": self.name_a,
            "b": self.name_b,
            "level": self.level,
            "added": [row(a) for a in self.added],
            "removed": [row(a) for a in self.removed],
            "changed": [
                {"before": row(c.before), "after": row(c.after), "fields": list(c.fields)}
                for c in self.changed
            ],
            "settings_changed": {
                key: {"a": old, "b": new} for key, (old, new) in self.settings_changed.items()
            },
            "figures": None
            if self.figures_a is None or self.figures_b is None
            else {"a": self.figures_a.to_json(), "b": self.figures_b.to_json()},
        }

    def summary_lines(self) -> list[str]:
        """A short plain-language account, one line per fact."""
        lines = [
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
            f" assignments in {len(self.regions_touched)} regions"
        ]
        if self.renamed:
            lines.append(f"renamed from {self.name_a!r} to {self.name_b!r}")
        for key, (old, new) in sorted(self.settings_changed.items()):
            lines.append(f"setting {key}: {_setting_text(old)} -> {_setting_text(new)}")
        if self.figures_a is not None and self.figures_b is not None:
            before, after = self.figures_a.homogeneity_index, self.figures_b.homogeneity_index
            trend = "more" if after > before else "less" if after < before else "equally"
            lines.append(f"homogeneity index {before:.3f} -> {after:.3f} ({trend} homogenized)")
            for severity in ("error", "warning", "info"):
                count_a = self.figures_a.flags_by_severity.get(severity, 0)
                count_b = self.figures_b.flags_by_severity.get(severity, 0)
                if count_a or count_b:
                    lines.append(f"{severity} flags: {count_a} -> {count_b}")
        return lines


def diff_plans(
    a: Plan,
    b: Plan,
    context: Any = None,
    settings: Mapping[str, Any] | None = None,
) -> PlanDiff:
    """Compare plan ``a`` (before) with plan ``b`` (after).

    Parameters
    ----------
    a, b
        Two plans on the same level.
    context
        An :class:`~cluster_planner.analysis.engine.AnalysisContext` of that level; when
        given, both plans are analysed (each with its own settings, overridden by
        ``settings``) and their figures compared.
    settings
        Analysis settings that override both plans' own, so both are judged alike.

    Returns
    -------
    PlanDiff

    Raises
    ------
    ValueError
        The plans are on different levels (their region codes cannot be matched).
    """
    if a.level != b.level:
        raise ValueError(
            f"cannot compare a {a.level} plan with a {b.level} plan: their regions differ"
        )
    before = {assignment.key: assignment for assignment in a}
    after = {assignment.key: assignment for assignment in b}
    added = tuple(after[key] for key in sorted(after.keys() - before.keys()))
    removed = tuple(before[key] for key in sorted(before.keys() - after.keys()))
    changed = tuple(
        AssignmentChange(before[key], after[key])
        for key in sorted(before.keys() & after.keys())
        if before[key] != after[key]
    )
    settings_changed = {
        key: (a.settings.get(key), b.settings.get(key))
        for key in sorted(set(a.settings) | set(b.settings))
        if a.settings.get(key) != b.settings.get(key)
    }
    figures_a = figures_b = None
    if context is not None:
        figures_a = plan_figures(a, context, settings)
        figures_b = plan_figures(b, context, settings)
    return PlanDiff(
        name_a=a.name,
        name_b=b.name,
        level=a.level,
        added=added,
        removed=removed,
        changed=changed,
        settings_changed=settings_changed,
        figures_a=figures_a,
        figures_b=figures_b,
    )


def plan_figures(
    plan: Plan, context: Any, settings: Mapping[str, Any] | None = None
) -> PlanFigures:
    """Analyse ``plan`` and keep the figures a comparison shows (on the level shown,
    with the assignments below it rolled up)."""
    from cluster_planner.analysis.engine import analyze
    from cluster_planner.analysis.levels import analysed_plan, bundled_nesting

    if not plan.on_one_level(plan.level):
        plan = analysed_plan(plan, plan.level, bundled_nesting())
    analysis = analyze(plan, context, settings)
    industry_ids = list(analysis.industry_ids)
    crowded = tuple(
        industry
        for industry, is_crowded in zip(industry_ids, analysis.crowded, strict=True)
        if is_crowded
    )
    return PlanFigures(
        homogeneity_index=float(analysis.homogeneity_index),
        flags_by_severity=dict(Counter(flag.severity for flag in analysis.flags)),
        flags_by_kind=dict(Counter(flag.kind for flag in analysis.flags)),
        crowded_industries=crowded,
    )


def _setting_text(value: Any) -> str:
    # Saved user facts and statistics are tables: name their size, not every cell.
    if isinstance(value, dict | list):
        rows = value.get("values", value) if isinstance(value, dict) else value
        count = len(rows) if isinstance(rows, dict | list) else 1
        return "1 row" if count == 1 else f"{count} rows"
    return "default" if value is None else repr(value)
