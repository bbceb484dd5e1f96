"""The homogenization analysis: flags and plan-level figures for a plan.

:func:`analyze` is a pure function from a plan and its :class:`AnalysisContext` to an
:class:`Analysis`; :class:`Analyzer` gives the same result and keeps it up to date after
each edit, recomputing only what the edit touched. Each flag kind lives in one function:

``crowded-industry`` (:func:`crowded_industry_flag`)
    An industry is assigned to more regions than its cap,
    ``cap = max(crowding_min, ceil(crowding_share * n_regions), supported)``, where
    ``supported`` is the number of regions in the layer whose fit is at least
    ``fit_threshold``. Severity *warning*.
``one-size-fits-all`` (:func:`low_fit_flags`)
    An assignment in a crowded industry to a region whose fit is below
    ``fit_threshold``. Severity *error*: the failure the policy warns of.
``local-mismatch`` (:func:`low_fit_flags`)
    An assignment with fit below ``fit_threshold`` in an industry that is not crowded.
    Severity *warning*.
``similar-portfolios`` (:func:`similar_portfolio_flags`)
    Two regions, each with at least ``min_portfolio`` industries, whose portfolio
    vectors (lead 1, support 0.5) have cosine similarity (the structural similarity
    coefficient, 产业结构相似系数) of at least ``similarity_threshold``. Severity
    *warning* when they share a border, *info* otherwise. At most ``max_pair_flags``
    pairs are flagged one by one (neighbours first, then the most similar); one more
    flag summarises the rest.
``chain-gap`` (:func:`chain_gap_flags`)
    An industry in the plan has an upstream link (catalog ``upstream``) that no region
    covers, neither in the plan nor in its existing base. Severity *warning* when none
    of its upstream links is covered, *info* when some are.

Suggestions for a flagged region are its best-fitting industries (fit at least the
threshold, top three) that it does not already take and that have room under their
cap (``count < cap``), so that taking one does not crowd it.

Plan-level figures (``Analysis.summary``): the homogeneity index (mean pairwise cosine
similarity of the portfolios of regions with assignments; 0 with fewer than two such
regions), per-industry counts against caps, and per industry the black-black join
count on the adjacency graph against its expectation under random placement of the
same number of picks (non-free sampling, Cliff and Ord 1981, as in PySAL esda and
R spdep ``joincount.test``); an industry whose picks neighbour each other more than
chance (z >= 1.96) is reported as clustered among neighbours.

Settings come from ``plan.settings`` (saved with the plan) with defaults in
:data:`DEFAULT_SETTINGS`; ``analyze(plan, context, settings)`` overrides them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

import numpy as np
import scipy.sparse

from cluster_planner.analysis.fit import AnalysisContext, build_context, load_context
from cluster_planner.analysis.results import (
    CLUSTER_Z,
    DEFAULT_SETTINGS,
    FIXED_SEVERITY,
    FLAG_KINDS,
    ROLE_UNITS,
    SEVERITIES,
    SUGGESTION_COUNT,
    Analysis,
    AnalysisSettings,
    Flag,
    Suggestion,
)
from cluster_planner.analysis.rules import (
    _needs_reason,
    chain_gap_flags,
    crowded_industry_flag,
    crowding_caps,
    low_fit_flags,
    similar_portfolio_flags,
)
from cluster_planner.analysis.scope import Scope, plan_scope
from cluster_planner.analysis.similarity import (
    _PortfolioGroups,
    _SimilarPairs,
    homogeneity_index,
    join_counts,
)
from cluster_planner.domain.events import EventHub
from cluster_planner.domain.plan import Change, Plan
from cluster_planner.text.report import iter_report_lines

__all__ = [
    "DEFAULT_SETTINGS",
    "FLAG_KINDS",
    "SEVERITIES",
    "Analysis",
    "AnalysisContext",
    "AnalysisSettings",
    "Analyzer",
    "Flag",
    "Suggestion",
    "analyze",
    "build_context",
    "iter_report_lines",
    "join_counts",
    "load_context",
]


def analyze(
    plan: Plan, context: AnalysisContext, settings: Mapping[str, Any] | None = None
) -> Analysis:
    """Analyse ``plan`` on ``context``: flags and plan-level figures.

    Parameters
    ----------
    plan : Plan
    context : AnalysisContext
        The data of the plan's level, from :func:`build_context`.
    settings : mapping, optional
        Overrides of ``plan.settings`` (see :class:`AnalysisSettings`).

    Returns
    -------
    Analysis

    Raises
    ------
    ValueError
        A setting has a value of the wrong type or range.
    """
    return Analyzer(context, plan, settings).analysis


# ------------------------------------------------------------------------------ analyzer
_region_of, _industry_of, _role_of = attrgetter("region"), attrgetter("industry"), attrgetter("role")

class _ContextTexts:
    """What every analysis of one context reuses: codes, edges, reasons, suggestions.

    A context does not change once built, so these live as long as it does (in its
    ``memo``, see :func:`_texts_of`) and a fresh :class:`Analyzer` starts with them warm.
    """

    #: Suggestion tuples kept at most; past it the store starts again (it is a cache).
    MAX_SUGGESTION_TUPLES = 100_000

    def __init__(self, context: AnalysisContext):
        self.context = context
        self.code_list = [str(code) for code in context.codes]
        # One-element tuples shared by every flag naming one region.
        self.code_singletons = list(zip(self.code_list))
        self.name_singletons = list(zip(context.names))
        upper = scipy.sparse.triu(context.adjacency, k=1).tocoo()
        self.edges = (upper.row.astype(int), upper.col.astype(int))
        self.base_anywhere: np.ndarray = np.asarray(context.in_base.any(axis=0))
        self.adjacency = scipy.sparse.csr_matrix(context.adjacency, dtype=float)
        self._neighbours: list[frozenset[int]] | None = None
        self._reasons: dict[tuple[int, int], str] = {}
        self._suggestions: dict[int, tuple[Suggestion, ...]] = {}

    @property
    def neighbours(self) -> list[frozenset[int]]:
        """Each row's neighbours, as sets of rows."""
        if self._neighbours is None:
            adjacency = self.context.adjacency
            indices, indptr = adjacency.indices.tolist(), adjacency.indptr.tolist()
            self._neighbours = [frozenset(indices[indptr[i] : indptr[i + 1]]) for i in range(len(indptr) - 1)]
        return self._neighbours

    def reason(self, column: int, pattern: int) -> str:
        """Why a region with needs-met ``pattern`` lacks a basis for industry ``column``."""
        key = (column, pattern)
        reason = self._reasons.get(key)
        if reason is None:
            verdict = self.context.verdict_of(column, pattern)
            reason = self._reasons[key] = _needs_reason(self.context, verdict)
        return reason

    def suggestions(self, rows: np.ndarray, top: np.ndarray) -> list[tuple[Suggestion, ...]]:
        """The suggestions of each of ``rows`` whose best industries are ``top`` (-1: none)."""
        ctx = self.context
        # One integer per (row, top industries): the key of the suggestions it gives.
        base = ctx.n_industries + 1
        keys = rows.astype(np.int64)
        for rank in range(top.shape[1]):
            keys = keys * base + (top[:, rank] + 1)
        store = self._suggestions
        found: list[Any] = list(map(store.get, keys.tolist()))
        missing = [k for k, value in enumerate(found) if value is None]
        if len(store) + len(missing) > self.MAX_SUGGESTION_TUPLES:
            store.clear()
        for k in missing:
            row = int(rows[k])
            code, region, fits = self.code_list[row], ctx.names[row], ctx.fit_list[row]
            found[k] = store[int(keys[k])] = tuple(
                Suggestion(
                    "assign", code, ctx.industry_ids[column], fits[column], region, ctx.industry_names[column],
                    ctx.segment_of(row, column),
                )
                for column in top[k].tolist()
                if column >= 0
            )
        return found


def _texts_of(context: AnalysisContext) -> _ContextTexts:
    texts = context.memo.get(_ContextTexts)
    if texts is None:
        texts = context.memo[_ContextTexts] = _ContextTexts(context)
    return texts


class _View:
    """The current arrays the flag functions read (kept by the :class:`Analyzer`)."""

    context: AnalysisContext
    texts: _ContextTexts
    settings: AnalysisSettings
    weights: np.ndarray  # (n, m) int8 role units: 0 none, 1 support, 2 lead
    counts: np.ndarray
    caps: np.ndarray
    supported: np.ndarray
    crowded: np.ndarray
    sizes: np.ndarray
    top: np.ndarray  # (n, SUGGESTION_COUNT) industry columns, -1 where none
    row_suggestions: list[tuple[Suggestion, ...]]  # per row, from top
    scope: Scope
    scope_counts: np.ndarray  # per industry, regions in scope assigned it
    scope_caps: np.ndarray
    scope_supported: np.ndarray
    joins: tuple[np.ndarray, np.ndarray, np.ndarray]  # per industry, see join_counts

    @property
    def base_anywhere(self) -> np.ndarray:
        return self.texts.base_anywhere

    def codes_of(self, rows: np.ndarray) -> tuple[str, ...]:
        codes = self.texts.code_list
        return tuple([codes[row] for row in rows.tolist()])

    def names_of(self, rows: np.ndarray) -> tuple[str, ...]:
        names = self.context.names
        return tuple([names[row] for row in rows.tolist()])

    def suggestions_for(self, row: int) -> tuple[Suggestion, ...]:
        """Industries region ``row`` could take: the best fits with room that it lacks."""
        return self.row_suggestions[row]


class Analyzer(_View):
    """Keeps the analysis of one plan up to date, edit by edit.

    ``Analyzer(context, plan).analysis`` equals ``analyze(plan, context)``; after
    ``plan.apply(edit)``, ``update(change)`` (or :meth:`follow`, which subscribes to the
    plan) recomputes only the touched portfolio rows, the touched industries' counts
    and flags, the suggestions that changed and the similarity of the touched
    portfolios, then assembles the same :class:`Analysis` a full run gives.

    Parameters
    ----------
    context : AnalysisContext
    plan : Plan
    settings : mapping, optional
        Overrides of ``plan.settings``.
    """

    def __init__(self, context: AnalysisContext, plan: Plan, settings: Mapping[str, Any] | None = None):
        self.context = context
        self.plan = plan
        self.overrides = dict(settings or {})
        #: Announces each new :class:`Analysis` (see :meth:`subscribe`).
        self.events = EventHub()
        self.texts = _texts_of(context)
        self.reset()

    # -- public ------------------------------------------------------------------
    @property
    def analysis(self) -> Analysis:
        return self._analysis

    def reset(self) -> Analysis:
        """Recompute everything from the plan (also after a settings change)."""
        ctx = self.context
        self.settings = AnalysisSettings.from_mappings(self.plan.settings, self.overrides)
        n, m = ctx.n_regions, ctx.n_industries
        self.weights = np.zeros((n, m), dtype=np.int8)
        assignments = self.plan.assignments
        rows: list[Any] = list(map(ctx.index_of.get, map(_region_of, assignments)))
        columns: list[Any] = list(map(ctx.industry_index.get, map(_industry_of, assignments)))
        units = list(map(ROLE_UNITS.__getitem__, map(_role_of, assignments)))
        self.unknown: dict[tuple[str, str], Any] = {}
        if None in rows or None in columns:
            known = [row is not None and column is not None for row, column in zip(rows, columns, strict=True)]
            self.unknown = {a.key: a for a, ok in zip(assignments, known, strict=True) if not ok}
            rows, columns, units = ([v for v, ok in zip(values, known, strict=True) if ok] for values in (rows, columns, units))
        self.weights[rows, columns] = units
        self.caps, self.supported = crowding_caps(ctx.fit, self.settings)
        present = self.weights > 0
        self.counts = present.sum(axis=0)
        self.sizes = present.sum(axis=1)
        self.scope = self._current_scope()
        if self.scope.national:
            self.scope_caps, self.scope_supported = self.caps, self.supported
            self.scope_counts = self.counts
        else:
            self.scope_caps, self.scope_supported = crowding_caps(ctx.fit[self.scope.rows], self.settings)
            self.scope_counts = present[self.scope.rows].sum(axis=0)
        self.crowded = (self.counts > self.caps) | (self.scope_counts > self.scope_caps)
        self.joins = join_counts(present, self.texts.adjacency)
        self.top = self._top_suggestions(np.arange(n))
        self.row_suggestions = self.texts.suggestions(np.arange(n), self.top)
        self._low_fit_flags = [low_fit_flags(self, column) for column in range(m)]
        self._crowded_flags = [self._build_crowded_flag(column) for column in range(m)]
        self.groups = _PortfolioGroups(n, m, self.settings.similarity_threshold)
        self._pair_flags: dict[tuple[int, int, float, bool], Flag] = {}
        self.groups.build(self.weights, self.sizes >= self.settings.min_portfolio)
        self._analysis = self._assemble()
        return self._analysis

    def update(self, change: Change) -> Analysis:
        """Bring the analysis up to date after ``change`` was applied to the plan."""
        if change.settings:
            return self._notify(self.reset())
        ctx = self.context
        rows: set[int] = set()
        columns: set[int] = set()
        for key in change.keys:
            position = self._store(key, self.plan.get(*key))
            if position is not None:
                rows.add(position[0])
                columns.add(position[1])
        if not rows:
            self._analysis = self._assemble()
            return self._notify(self._analysis)
        row_list = np.array(sorted(rows), dtype=int)
        column_list = np.array(sorted(columns), dtype=int)
        self.sizes[row_list] = (self.weights[row_list] > 0).sum(axis=1)
        if self._current_scope().key != self.scope.key:
            # The edit moved the plan's scope (a first city in another province): every
            # scope count and cap changes.
            return self._notify(self.reset())
        old_room = self._room()
        self.counts[column_list] = (self.weights[:, column_list] > 0).sum(axis=0)
        if not self.scope.national:
            self.scope_counts[column_list] = (self.weights[self.scope.rows][:, column_list] > 0).sum(axis=0)
        self.crowded[column_list] = (self.counts[column_list] > self.caps[column_list]) | (
            self.scope_counts[column_list] > self.scope_caps[column_list]
        )
        # Join counts are per industry: only the touched ones change.
        touched_joins = join_counts(self.weights[:, column_list] > 0, self.texts.adjacency)
        for joins, touched in zip(self.joins, touched_joins, strict=True):
            joins[column_list] = touched
        # Suggestions depend on the room left under each cap: if it changed anywhere,
        # every region's suggestions may change; otherwise only the touched regions'.
        if np.array_equal(old_room, self._room()):
            candidates = row_list
        else:
            candidates = np.arange(ctx.n_regions)
        new_top = self._top_suggestions(candidates)
        changed = candidates[(new_top != self.top[candidates]).any(axis=1)]
        self.top[candidates] = new_top
        for row, suggestions in zip(changed.tolist(), self.texts.suggestions(changed, self.top[changed]), strict=True):
            self.row_suggestions[row] = suggestions
        # A pair's flag words both portfolios and both regions' suggestions.
        stale = rows.union(changed.tolist())
        self._pair_flags = {
            pair: flag for pair, flag in self._pair_flags.items() if pair[0] not in stale and pair[1] not in stale
        }
        rebuild = set(columns)
        if len(changed):
            low_fit = (self.weights[changed] > 0) & (ctx.fit[changed] < self.settings.fit_threshold)
            rebuild.update(int(c) for c in np.flatnonzero(low_fit.any(axis=0)))
        for column in sorted(rebuild):
            self._low_fit_flags[column] = low_fit_flags(self, column)
        for column in columns:
            self._crowded_flags[column] = self._build_crowded_flag(column)
        eligible = self.sizes >= self.settings.min_portfolio
        for row in row_list:
            self.groups.remove(int(row))
            if eligible[row]:
                self.groups.add(int(row), self.weights[row].copy())
        self._analysis = self._assemble()
        return self._notify(self._analysis)

    def follow(self) -> Callable[[], None]:
        """Update after every edit applied to the plan; returns an unsubscriber."""
        def update(change: Change) -> None:
            self.update(change)

        return self.plan.subscribe(update)

    def subscribe(self, listener: Callable[[Analysis], None]) -> Callable[[], None]:
        """Call ``listener(analysis)`` after every update; returns an unsubscriber."""
        return self.events.subscribe(listener, Analysis)

    # -- state -------------------------------------------------------------------
    def _store(self, key: tuple[str, str], assignment: Any) -> tuple[int, int] | None:
        ctx = self.context
        row = ctx.index_of.get(key[0])
        column = ctx.industry_index.get(key[1])
        if row is None or column is None:
            if assignment is None:
                self.unknown.pop(key, None)
            else:
                self.unknown[key] = assignment
            return None
        self.weights[row, column] = 0 if assignment is None else ROLE_UNITS[assignment.role]
        return row, column

    def _current_scope(self) -> Scope:
        ctx = self.context
        # The regions with an assignment are those whose portfolio is not empty.
        return plan_scope(ctx.codes, ctx.level, self.sizes > 0, self.settings.scope, ctx.province_names)

    def _room(self) -> np.ndarray:
        """Per industry: whether one more region may take it, within the scope and nationally."""
        return np.asarray((self.counts < self.caps) & (self.scope_counts < self.scope_caps))

    def _top_suggestions(self, rows: np.ndarray) -> np.ndarray:
        """The best-fitting industries with room that each region does not take yet.

        Only industries the region's evidence supports (fit on the evidence at least the
        threshold) and with room under every cap, so that taking one is itself flagged
        neither as a mismatch nor as crowding.
        """
        fit = self.context.fit[rows]
        candidate = (
            (self.weights[rows] == 0)
            & (fit >= self.settings.fit_threshold)
            & self.context.strong[rows]
            & self._room()[None, :]
        )
        # The strongest evidence first: an industry already in the base, then the fit.
        score = np.where(candidate, fit + self.context.in_base[rows].astype(float), -1.0)
        top = np.full((len(rows), SUGGESTION_COUNT), -1, dtype=int)
        every_row = np.arange(len(rows))
        for rank in range(min(SUGGESTION_COUNT, score.shape[1])):
            # argmax takes the first of equal fits: catalog order breaks ties.
            best = score.argmax(axis=1)
            found = score[every_row, best] >= 0
            top[found, rank] = best[found]
            score[every_row, best] = -1.0
        return top


    def _build_crowded_flag(self, column: int) -> Flag | None:
        return crowded_industry_flag(self, column) if self.crowded[column] else None

    def _similar_pairs(self) -> _SimilarPairs:
        s = self.settings
        groups = self.groups
        a, b = self.texts.edges
        # The groups hold every portfolio that is eligible, and which of them are similar.
        both = (groups.row_slot[a] >= 0) & (groups.row_slot[b] >= 0)
        a, b = a[both], b[both]
        similarity = groups.pair_similarity(a, b)
        similar = similarity >= groups.threshold
        a, b, similarity = a[similar], b[similar], similarity[similar]
        order = np.lexsort((b, a, -similarity))
        reported = [
            (int(a[k]), int(b[k]), float(similarity[k]), True) for k in order[: s.max_pair_flags]
        ]
        needed = s.max_pair_flags - len(reported)
        if needed > 0:
            reported.extend(self._non_neighbour_pairs(needed))
        return _SimilarPairs(groups.total_pairs(), len(a), reported, groups.involved())

    def _non_neighbour_pairs(self, needed: int) -> list[tuple[int, int, float, bool]]:
        """The most similar pairs that are not neighbours, by similarity then row."""
        neighbours = self.texts.neighbours
        groups = self.groups
        found: list[tuple[int, int, float, bool]] = []
        for value, partner_groups in groups.levels():
            level_rows = sorted(r for key in partner_groups for r in groups.members[key])
            for i in level_rows:
                key = groups.key_of[i]
                near = neighbours[i]
                candidates = sorted(
                    j for other in partner_groups[key] for j in groups.members[other] if j > i and j not in near
                )
                for j in candidates[: needed - len(found)]:
                    found.append((i, j, value, False))
                if len(found) >= needed:
                    return found
        return found

    # -- assembling the result -------------------------------------------------------
    def _assemble(self) -> Analysis:
        ctx, s = self.context, self.settings
        pairs = self._similar_pairs()
        # Each industry's low-fit flags share one kind; their severity says whether the
        # mismatch is known (error or warning) or unverified (info).
        one_size: list[Flag] = []
        mismatch: list[Flag] = []
        for column_flags in self._low_fit_flags:
            if column_flags:
                (one_size if column_flags[0].kind == "one-size-fits-all" else mismatch).extend(column_flags)
        by_kind: dict[str, list[Flag]] = {
            "crowded-industry": [f for f in self._crowded_flags if f is not None],
            "one-size-fits-all": one_size,
            "local-mismatch": mismatch,
            "similar-portfolios": similar_portfolio_flags(self, pairs, self._pair_flags),
            "chain-gap": chain_gap_flags(self),
        }
        self._pair_flags = dict(zip(pairs.reported, by_kind["similar-portfolios"], strict=False))
        flags: list[Flag] = []
        for severity in reversed(SEVERITIES):
            for kind in FLAG_KINDS:
                if kind not in FIXED_SEVERITY:
                    flags.extend(f for f in by_kind[kind] if f.severity == severity)
                elif FIXED_SEVERITY[kind] == severity:
                    flags.extend(by_kind[kind])
        homogeneity = homogeneity_index(self.weights)
        summary = self._summary(by_kind, homogeneity, pairs)
        return Analysis(
            flags=flags,
            summary=summary,
            settings=s,
            industry_ids=ctx.industry_ids,
            counts=self.counts.copy(),
            caps=self.caps.copy(),
            supported=self.supported.copy(),
            crowded=self.crowded.copy(),
            fit=ctx.fit,
            homogeneity_index=homogeneity,
            similar_pairs=pairs.total,
        )

    def _summary(
        self, by_kind: dict[str, list[Flag]], homogeneity: float, pairs: _SimilarPairs
    ) -> dict[str, Any]:
        ctx = self.context
        present = self.weights > 0
        used = np.flatnonzero(self.counts > 0)
        observed, expected, variance = (joins[used] for joins in self.joins)
        leads = (self.weights == ROLE_UNITS["lead"]).sum(axis=0)
        industries: list[dict[str, Any]] = []
        for k, column in enumerate(used):
            z = (observed[k] - expected[k]) / math.sqrt(variance[k]) if variance[k] > 0 else 0.0
            industries.append(
                {
                    "industry": ctx.industry_ids[column],
                    "name": ctx.industry_names[column],
                    "count": int(self.counts[column]),
                    "lead": int(leads[column]),
                    "support": int(self.counts[column] - leads[column]),
                    "cap": int(self.caps[column]),
                    "supported": int(self.supported[column]),
                    "scope_count": int(self.scope_counts[column]),
                    "scope_cap": int(self.scope_caps[column]),
                    "scope_supported": int(self.scope_supported[column]),
                    "crowded": bool(self.crowded[column]),
                    "joins": {
                        "observed": int(observed[k]),
                        "expected": round(float(expected[k]), 4),
                        "z": round(float(z), 4),
                        "clustered": bool(z >= CLUSTER_Z and observed[k] > 0),
                    },
                }
            )
        severities = {severity: 0 for severity in reversed(SEVERITIES)}
        kinds = {kind: 0 for kind in FLAG_KINDS}
        for kind, kind_flags in by_kind.items():
            kinds[kind] = len(kind_flags)
            if kind in FIXED_SEVERITY:
                severities[FIXED_SEVERITY[kind]] += len(kind_flags)
            else:
                for flag in kind_flags:
                    severities[flag.severity] += 1
        return {
            "plan": self.plan.name,
            "level": self.plan.level,
            "regions": ctx.n_regions,
            "assignments": len(self.plan),
            "regions_with_assignments": int(present.any(axis=1).sum()),
            "industries_used": len(used),
            "scope": self.scope.to_json(),
            "homogeneity_index": round(homogeneity, 4),
            "similar_pairs": pairs.total,
            "similar_neighbour_pairs": pairs.neighbour_total,
            "crowded_industries": [ctx.industry_ids[c] for c in used if self.crowded[c]],
            "clustered_industries": [entry["industry"] for entry in industries if entry["joins"]["clustered"]],
            "flags": severities,
            "flag_kinds": kinds,
            "industries": industries,
            "unknown_assignments": [
                {"region": region, "industry": industry} for region, industry in sorted(self.unknown)
            ],
            "settings": self.settings.to_dict(),
        }

    def _notify(self, analysis: Analysis) -> Analysis:
        self.events.emit(analysis)
        return analysis
