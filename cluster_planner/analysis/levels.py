"""How the three region levels nest, and how a plan across levels looks on one of them.

A plan may name provinces, prefectures and counties at once (each
:class:`~cluster_planner.domain.plan.Assignment` carries its level). On one level:

- an assignment made **on** the level is itself;
- an assignment made **below** it *rolls up* to the region containing it: a province
  takes every industry any of its cities takes, with the role of its strongest child
  (lead over support);
- an assignment made **above** it is *pushed down* onto every region inside it, for
  the map only (the analysis never invents assignments for cities a national draft did
  not name).

The nesting follows the GB/T 2260 codes, checked against the layers' own codes: a
region's province is ``code[:2] + "0000"``; its prefecture is the first of ``code``,
``code[:4] + "00"`` and ``code[:2] + "0000"`` that the prefecture layer holds. The four
municipalities (and Hong Kong, Macao, Taiwan) are one prefecture-level region keyed by
their province code, and the county-level cities directly under a province (Jiyuan,
Xiantao, Hainan's counties, Xinjiang's corps cities) are prefecture-level regions of
their own, as in ``data/regions/*.gpkg`` and
:func:`cluster_planner.domain.conditions.facts_for_level`.

This is the one place that maps between levels: the analysis
(:mod:`cluster_planner.analysis.across_levels`) and the map colours
(:mod:`cluster_planner.render.colouring`) both ask it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cluster_planner.analysis.results import Flag
from cluster_planner.domain.plan import LEVELS, ROLE_WEIGHT, Assignment, Plan

#: Levels coarse to fine, as numbers: a smaller rank is a coarser level.
RANK = {level: rank for rank, level in enumerate(LEVELS)}


class Nesting:
    """The codes of each level and which region of one level holds a region of another.

    Parameters
    ----------
    codes_of : callable ``level -> sequence of codes``
        Asked once per level, when the level is first needed (so a plan on two levels
        never loads the county layer).
    names_of : callable ``level -> mapping code -> English name``, optional
        For the wording of roll-up findings.
    """

    def __init__(
        self,
        codes_of: Callable[[str], Sequence[str]],
        names_of: Callable[[str], Mapping[str, str]] | None = None,
    ):
        self._codes_of = codes_of
        self._names_of = names_of
        self._codes: dict[str, frozenset[str]] = {}
        self._names: dict[str, Mapping[str, str]] = {}
        self._children: dict[tuple[str, str], dict[str, list[str]]] = {}

    @classmethod
    def from_layers(cls, layer_of: Callable[[str], Any]) -> Nesting:
        """The nesting of region layers (``layer_of(level)``, e.g. ``load_layer``)."""
        return cls(
            lambda level: [str(code) for code in layer_of(level).codes],
            lambda level: dict(
                zip(
                    (str(code) for code in layer_of(level).codes),
                    layer_of(level).frame["name_en"].astype(str),
                    strict=True,
                )
            ),
        )

    def codes(self, level: str) -> frozenset[str]:
        found = self._codes.get(level)
        if found is None:
            found = self._codes[level] = frozenset(self._codes_of(level))
        return found

    def name(self, code: str, level: str) -> str:
        if self._names_of is None:
            return code
        names = self._names.get(level)
        if names is None:
            names = self._names[level] = self._names_of(level)
        return names.get(code, code)

    def parent(self, code: str, level: str) -> str | None:
        """The region of ``level`` that holds ``code`` (a region of the same or a finer
        level), or ``None`` when ``level`` has none (a province on a finer level)."""
        known = self.codes(level)
        if level == "province":
            candidates: tuple[str, ...] = (code[:2] + "0000",)
        elif level == "prefecture":
            candidates = (code, code[:4] + "00", code[:2] + "0000")
        else:
            candidates = (code,)
        for candidate in candidates:
            if candidate in known:
                return candidate
        return None

    def children(self, code: str, code_level: str, level: str) -> list[str]:
        """The regions of the finer (or same) ``level`` inside ``code`` of ``code_level``."""
        if level == code_level:
            return [code] if code in self.codes(level) else []
        key = (code_level, level)
        table = self._children.get(key)
        if table is None:
            table = {}
            for child in sorted(self.codes(level)):
                parent = self.parent(child, code_level)
                if parent is not None:
                    table.setdefault(parent, []).append(child)
            self._children[key] = table
        return table.get(code, [])


@functools.cache
def bundled_nesting() -> Nesting:
    """The nesting of the bundled region layers (each loaded when first needed; one per
    process, as the layers are)."""
    from cluster_planner.domain.regions import load_layer

    return Nesting.from_layers(load_layer)


def _stronger(old: Assignment | None, new: Assignment) -> Assignment:
    if old is None or ROLE_WEIGHT[new.role] > ROLE_WEIGHT[old.role]:
        return new
    return old


def rolled_up(plan: Plan, level: str, nesting: Nesting) -> dict[tuple[str, str], Assignment]:
    """The assignments made below ``level``, each on the region of ``level`` holding it.

    One per ``(region, industry)``: the role of the strongest child, no note.
    """
    found: dict[tuple[str, str], Assignment] = {}
    for assignment in plan:
        if RANK[assignment.level] <= RANK[level]:
            continue
        parent = nesting.parent(assignment.region, level)
        if parent is None:
            continue
        key = (parent, assignment.industry)
        found[key] = _stronger(found.get(key), Assignment(parent, assignment.industry, assignment.role, "", level))
    return found


def pushed_down(plan: Plan, level: str, nesting: Nesting) -> dict[tuple[str, str], Assignment]:
    """The assignments made above ``level``, each on every region of ``level`` inside it."""
    found: dict[tuple[str, str], Assignment] = {}
    for assignment in plan:
        if RANK[assignment.level] >= RANK[level]:
            continue
        for child in nesting.children(assignment.region, assignment.level, level):
            key = (child, assignment.industry)
            found[key] = _stronger(found.get(key), Assignment(child, assignment.industry, assignment.role, "", level))
    return found


def _one_level_plan(plan: Plan, level: str, parts: Iterable[dict[tuple[str, str], Assignment]]) -> Plan:
    combined: dict[tuple[str, str], Assignment] = {}
    for part in parts:
        for key, assignment in part.items():
            combined[key] = _stronger(combined.get(key), assignment)
    # An assignment made on the level is what the planner said there: it wins.
    combined.update((a.key, a) for a in plan.at_level(level))
    return Plan.from_assignments(
        combined.values(), name=plan.name, level=level, settings=plan.settings, metadata=plan.metadata
    )


def analysed_plan(plan: Plan, level: str, nesting: Nesting) -> Plan:
    """``plan`` as the analysis judges it on ``level``: its own assignments there and
    the roll-ups of those below (settings shared with ``plan``)."""
    return _one_level_plan(plan, level, [rolled_up(plan, level, nesting)])


def shown_plan(plan: Plan, level: str, nesting: Nesting) -> Plan:
    """``plan`` as the map shows it on ``level``: its own assignments there, those
    above drawn on their children, and those below rolled up."""
    return _one_level_plan(plan, level, [pushed_down(plan, level, nesting), rolled_up(plan, level, nesting)])


def one_level(plan: Plan, level: str) -> bool:
    """Whether every assignment of ``plan`` is on ``level`` (nothing to map)."""
    return plan.on_one_level(level)


def roll_up_flags(
    plan: Plan,
    level: str,
    nesting: Nesting,
    industry_name: Callable[[str], str] = str,
    analysed: Mapping[str, Plan] | None = None,
) -> list[Flag]:
    """Regions of ``level`` whose every child on a finer level takes one industry.

    A province whose cities all take the same industry is itself homogenized: the
    finding is a ``crowded-industry`` warning naming the province (crowding within its
    own territory), with the children as evidence. A region with a single child (a
    municipality on the prefecture level) says nothing and is left out. ``analysed``
    may hold :func:`analysed_plan` results already made, by level.
    """
    flags: list[Flag] = []
    # The next finer level only (with the roll-ups from below it): all of a province's
    # counties taking an industry means all its cities do, one finding, not two.
    for child_level in LEVELS[RANK[level] + 1 : RANK[level] + 2]:
        if not any(RANK[a.level] >= RANK[child_level] for a in plan):
            continue
        taken = (analysed or {}).get(child_level) or analysed_plan(plan, child_level, nesting)
        by_industry: dict[str, set[str]] = {}
        for assignment in taken:
            by_industry.setdefault(assignment.industry, set()).add(assignment.region)
        for industry in sorted(by_industry):
            regions = by_industry[industry]
            parents = sorted({p for p in (nesting.parent(code, level) for code in regions) if p is not None})
            for parent in parents:
                children = nesting.children(parent, level, child_level)
                if len(children) < 2 or not all(child in regions for child in children):
                    continue
                name = nesting.name(parent, level)
                industry_text = industry_name(industry)
                flags.append(
                    Flag(
                        kind="crowded-industry",
                        severity="warning",
                        industry=industry,
                        regions=(parent,),
                        region_names=(name,),
                        message=(
                            f"{name}: all {len(children)} of its {child_level}-level regions take"
                            f" {industry_text}, so the {level} itself is homogenized in it"
                        ),
                        evidence={
                            "roll_up": True,
                            "level": level,
                            "child_level": child_level,
                            "children": len(children),
                            "child_regions": list(children),
                        },
                    )
                )
    return flags
