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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse

from cluster_planner.analysis.fit import AnalysisContext, build_context, load_context
from cluster_planner.domain.events import EventHub
from cluster_planner.domain.plan import Change, Plan

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

FLAG_KINDS = (
    "crowded-industry",
    "one-size-fits-all",
    "local-mismatch",
    "similar-portfolios",
    "chain-gap",
)
SEVERITIES = ("info", "warning", "error")
#: The kinds whose severity never varies.
FIXED_SEVERITY = {"crowded-industry": "warning", "one-size-fits-all": "error", "local-mismatch": "warning"}
SUGGESTION_COUNT = 3
#: Cosines are compared with this slack so that an exact 0.8 (4 shared of 5) counts.
SIMILARITY_TOLERANCE = 1e-9
#: z-score of the join count above which picks are said to cluster among neighbours.
CLUSTER_Z = 1.96
#: Multiply-adds per matrix product below which OpenBLAS (in numpy's wheels) stays on the
#: calling thread. Above it wakes a second thread, and waiting for that thread on a busy
#: machine costs milliseconds per call, far more than the product.
SINGLE_THREAD_PRODUCTS = (1 << 19) - 1
#: Role weights in units of a support role, so that portfolio products are exact integers.
ROLE_UNITS = {"lead": 2, "support": 1}


# ----------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class AnalysisSettings:
    """The analysis settings, saved with the plan under these keys."""

    fit_threshold: float = 0.5
    crowding_share: float = 0.2
    crowding_min: int = 3
    similarity_threshold: float = 0.8
    min_portfolio: int = 3
    max_pair_flags: int = 50

    def __post_init__(self) -> None:
        for name in ("fit_threshold", "crowding_share", "similarity_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"setting {name} must be a number from 0 to 1, not {value!r}")
        for name in ("crowding_min", "min_portfolio", "max_pair_flags"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"setting {name} must be a whole number >= 0, not {value!r}")

    @classmethod
    def from_mappings(cls, *mappings: Mapping[str, Any] | None) -> AnalysisSettings:
        """Settings from plan settings and overrides, later ones winning.

        Keys that are not analysis settings are ignored (a plan may keep others);
        ``None`` values mean the default.

        Raises
        ------
        ValueError
            A setting has a value of the wrong type or range.
        """
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for mapping in mappings:
            for key, value in (mapping or {}).items():
                if key in names and value is not None:
                    if isinstance(value, float) and value.is_integer() and key in (
                        "crowding_min", "min_portfolio", "max_pair_flags"
                    ):
                        value = int(value)
                    values[key] = value
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_SETTINGS = AnalysisSettings().to_dict()


# ------------------------------------------------------------------------------- flags
class Suggestion(NamedTuple):
    """A better choice: ``action`` (``assign`` or ``unassign``) ``industry`` in ``region``."""

    action: str
    region: str
    industry: str
    fit: float
    region_name: str
    industry_name: str

    @property
    def text(self) -> str:
        verb = "take" if self.action == "assign" else "drop"
        return f"{verb} {self.industry_name} in {self.region_name} (fit {self.fit:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "region": self.region,
            "industry": self.industry,
            "fit": round(self.fit, 4),
            "text": self.text,
        }


class Flag(tuple):
    """One finding: its kind, severity, industry, regions, message, numbers, suggestions.

    ``regions`` are adcodes (``region_names`` their display names in the same order);
    ``evidence`` holds the numbers behind the message (JSON-ready; lists of ids are
    tuples); ``suggestions`` are :class:`Suggestion` tuples. A flag is immutable: the
    :class:`Analyzer` hands the same flag objects to successive analyses.

    A county plan raises some fourteen thousand low-fit flags and the window shows a few
    dozen at a time, so those flags keep what their sentence is made of (the shared
    wording of their industry and role, and the region's row) and write their message
    and evidence when first read. A flag is a tuple so that thousands are made at the
    speed of tuples; two flags are equal when they were built from equal parts, which
    gives them equal messages and evidence.
    """

    # Tuple layout: kind, severity, industry, regions, suggestions, region_names, then
    # either message and evidence, or a _LowFitText and the row it words.
    kind = property(itemgetter(0), doc="One of FLAG_KINDS.")
    severity = property(itemgetter(1), doc="One of SEVERITIES.")
    industry = property(itemgetter(2), doc="Industry id, or None.")
    regions = property(itemgetter(3), doc="Adcodes.")
    suggestions = property(itemgetter(4), doc="Better choices.")
    region_names = property(itemgetter(5), doc="Names of the regions.")

    def __new__(
        cls,
        kind: str,
        severity: str,
        industry: str | None,
        regions: tuple[str, ...],
        message: str,
        evidence: dict[str, Any],
        suggestions: tuple[Suggestion, ...] = (),
        region_names: tuple[str, ...] = (),
    ) -> Flag:
        return tuple.__new__(cls, (kind, severity, industry, regions, suggestions, region_names, message, evidence))

    @cached_property
    def message(self) -> str:
        """The finding in one English sentence."""
        text = self[6]
        return text.message(self[7]) if isinstance(text, _LowFitText) else text

    @cached_property
    def evidence(self) -> dict[str, Any]:
        """The numbers behind the message, JSON-ready."""
        text = self[6]
        return text.evidence(self[7]) if isinstance(text, _LowFitText) else self[7]

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Flag):
            return NotImplemented
        # Built from equal parts (the quick way), or saying the same in the same words.
        return tuple.__eq__(self, other) or (
            self[:6] == other[:6] and self.message == other.message and self.evidence == other.evidence
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # as before: the evidence is a dict

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Flag is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Flag is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles carry the words, not the context they were made from.
        return (Flag, tuple(getattr(self, name) for name in FLAG_FIELDS))

    def __repr__(self) -> str:
        return "Flag(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in FLAG_FIELDS) + ")"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "industry": self.industry,
            "regions": list(self.regions),
            "region_names": list(self.region_names),
            "message": self.message,
            "evidence": self.evidence,
            "suggestions": [suggestion.to_json() for suggestion in self.suggestions],
        }


#: The public fields of a :class:`Flag`, in the order its constructor takes them.
FLAG_FIELDS = ("kind", "severity", "industry", "regions", "message", "evidence", "suggestions", "region_names")


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(eq=False)
class Analysis:
    """The result of analysing a plan.

    Attributes
    ----------
    flags : list of Flag
        Errors first, then warnings, then infos; within a severity by kind (in
        :data:`FLAG_KINDS` order), industry (catalog order) and region (layer order).
    summary : dict
        The plan-level figures (see the module docstring), JSON-ready.
    settings : AnalysisSettings
    industry_ids : tuple of str
        Catalog order; the columns of ``fit`` and the index of the arrays below.
    counts, caps, supported : numpy.ndarray
        Per industry: regions assigned, the crowding cap, regions whose fit passes.
    crowded : numpy.ndarray
        Per industry, bool.
    fit : numpy.ndarray
        ``(n_regions, n_industries)`` fit matrix of the context.
    homogeneity_index : float
    similar_pairs : int
        Pairs of regions with similar portfolios (all of them, not only those flagged).
    """

    flags: list[Flag]
    summary: dict[str, Any]
    settings: AnalysisSettings
    industry_ids: tuple[str, ...]
    counts: np.ndarray
    caps: np.ndarray
    supported: np.ndarray
    crowded: np.ndarray
    fit: np.ndarray
    homogeneity_index: float
    similar_pairs: int

    def to_json(self) -> dict[str, Any]:
        """The ``cluster-planner check --format json`` payload."""
        return {"summary": self.summary, "flags": [flag.to_json() for flag in self.flags]}

    @property
    def has_problems(self) -> bool:
        """Whether any flag is a warning or an error (the check command then exits 1)."""
        return any(flag.severity != "info" for flag in self.flags)

    def flags_of(self, kind: str | None = None, industry: str | None = None) -> list[Flag]:
        return [
            flag
            for flag in self.flags
            if (kind is None or flag.kind == kind) and (industry is None or flag.industry == industry)
        ]

    def flags_by_region(self) -> dict[str, list[Flag]]:
        """Adcode to the flags naming that region, in flag order."""
        by_region: dict[str, list[Flag]] = {}
        for flag in self.flags:
            for code in flag.regions:
                by_region.setdefault(code, []).append(flag)
        return by_region

    def region_severity(self) -> dict[str, str]:
        """Adcode to the most severe flag naming that region one by one.

        Flags listing many regions at once (a crowded industry, a chain gap, the
        summary of similar pairs) describe the plan rather than each region, so
        they are left out.
        """
        worst: dict[str, str] = {}
        for flag in self.flags:
            if flag.kind in ("crowded-industry", "chain-gap") or len(flag.regions) > 2:
                continue
            for code in flag.regions:
                if code not in worst or _SEVERITY_RANK[flag.severity] > _SEVERITY_RANK[worst[code]]:
                    worst[code] = flag.severity
        return worst


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


# ----------------------------------------------------------------------- the flag kinds
def crowding_caps(
    fit: np.ndarray, settings: AnalysisSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Per industry: the crowding cap and the number of regions whose fit passes."""
    n_regions = fit.shape[0]
    supported = (fit >= settings.fit_threshold).sum(axis=0)
    share_cap = math.ceil(round(settings.crowding_share * n_regions, 9))
    caps = np.maximum(max(settings.crowding_min, share_cap), supported)
    return caps, supported


def crowded_industry_flag(view: _View, column: int) -> Flag:
    """The ``crowded-industry`` flag of one crowded industry."""
    ctx, s = view.context, view.settings
    rows = np.flatnonzero(view.weights[:, column])
    fits = ctx.fit[rows, column]
    count, cap, supported = len(rows), int(view.caps[column]), int(view.supported[column])
    share_cap = math.ceil(round(s.crowding_share * ctx.n_regions, 9))
    low_fit = int((fits < s.fit_threshold).sum())
    name = ctx.industry_names[column]
    message = (
        f"{name} is assigned to {count} of {ctx.n_regions} regions; the cap is {cap} "
        f"(the largest of the minimum {s.crowding_min}, {s.crowding_share:.0%} of regions "
        f"= {share_cap}, and the {supported} {_plural(supported, 'region')} whose "
        f"conditions support it); {low_fit} of the {count} have a fit below "
        f"{s.fit_threshold:.2f}"
    )
    # Dropping the worst-fitting picks first brings the count back under the cap.
    order = np.lexsort((rows, fits))[: min(SUGGESTION_COUNT, count - cap)]
    suggestions = tuple(
        Suggestion(
            "unassign", str(ctx.codes[rows[k]]), ctx.industry_ids[column], float(fits[k]),
            ctx.names[rows[k]], name,
        )
        for k in order
    )
    return Flag(
        kind="crowded-industry",
        severity="warning",
        industry=ctx.industry_ids[column],
        regions=view.codes_of(rows),
        region_names=view.names_of(rows),
        message=message,
        evidence={
            "count": count,
            "cap": cap,
            "regions_in_layer": ctx.n_regions,
            "crowding_min": s.crowding_min,
            "crowding_share": s.crowding_share,
            "share_cap": share_cap,
            "supported": supported,
            "low_fit_assigned": low_fit,
            "fit_threshold": s.fit_threshold,
        },
        suggestions=suggestions,
    )


def low_fit_flags(view: _View, column: int) -> list[Flag]:
    """``one-size-fits-all`` (crowded industry) or ``local-mismatch`` flags of one industry.

    One flag per assignment of industry ``column`` to a region whose fit is below the
    threshold. Their messages and evidence are written when first read
    (:class:`_LowFitText`).
    """
    ctx, s = view.context, view.settings
    rows = np.flatnonzero((view.weights[:, column] > 0) & (ctx.fit[:, column] < s.fit_threshold))
    if len(rows) == 0:
        return []
    crowded = bool(view.crowded[column])
    kind, severity = ("one-size-fits-all", "error") if crowded else ("local-mismatch", "warning")
    count, cap = int(view.counts[column]), int(view.caps[column])
    texts = {
        units: _LowFitText(view.texts, column, role, crowded, count, cap, s.fit_threshold)
        for role, units in ROLE_UNITS.items()
    }
    industry = ctx.industry_ids[column]
    codes, names, suggestions = view.texts.code_singletons, view.texts.name_singletons, view.row_suggestions
    # Flag's layout (see Flag) with the wording and the row in place of message and
    # evidence; tuple.__new__ spares fourteen thousand calls of Flag.__new__ at county.
    return [
        _new_tuple(Flag, (kind, severity, industry, codes[row], suggestions[row], names[row], texts[units], row))
        for row, units in zip(rows.tolist(), view.weights[rows, column].tolist(), strict=True)
    ]


_new_tuple = tuple.__new__


class _LowFitText:
    """The wording shared by the low-fit flags of one industry and role.

    A flag's message is ``<region><head><fit><tail>``, where ``head`` depends on the
    industry, role and crowding and ``tail`` on which needs the region meets; the
    evidence comes from the same numbers. Everything that varies from region to region
    is read from the context, which does not change, so a flag needs only its row.
    """

    __slots__ = ("_key", "column", "count", "cap", "crowded", "head", "role", "texts", "threshold")

    def __init__(
        self, texts: _ContextTexts, column: int, role: str, crowded: bool, count: int, cap: int, threshold: float
    ):
        self.texts = texts
        self.column = column
        self.role = role
        self.crowded = crowded
        self.count = count
        self.cap = cap
        self.threshold = threshold
        industry = texts.context.industry_names[column]
        if crowded:
            middle = f", one of {count} regions against a cap of {cap}, but its local conditions fit it only "
        else:
            middle = " with a fit of only "
        self.head = f" takes {industry} ({role}){middle}"
        self._key = (texts.context, column, role, crowded, count, cap, threshold)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _LowFitText) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def message(self, row: int) -> str:
        ctx, column = self.texts.context, self.column
        fit = ctx.fit_list[row][column]
        reason = self.texts.reason(column, int(ctx.met_pattern[row, column]))
        message = f"{ctx.names[row]}{self.head}{fit:.2f} (threshold {self.threshold:.2f}): {reason}"
        if ctx.density is not None:
            message += f"; relatedness density {float(ctx.density[row, column]):.2f}"
        return message

    def evidence(self, row: int) -> dict[str, Any]:
        ctx, column = self.texts.context, self.column
        met, missing = ctx.needs_met(row, column)
        evidence = {
            "fit": round(ctx.fit_list[row][column], 4),
            "fit_threshold": self.threshold,
            "role": self.role,
            "count": self.count,
            "cap": self.cap,
            "crowded": self.crowded,
            "needs_met": met,
            "needs_missing": missing,
            "in_base": bool(ctx.in_base[row, column]),
        }
        if ctx.density is not None:
            evidence["density"] = round(float(ctx.density[row, column]), 4)
            evidence["rca"] = round(float(ctx.rca[row, column]), 4)
        return evidence


def similar_portfolio_flags(
    view: _View, pairs: _SimilarPairs, known: Mapping[tuple[int, int, float, bool], Flag] | None = None
) -> list[Flag]:
    """``similar-portfolios`` flags: the reported pairs, then a summary of the others.

    ``known`` maps reported pairs ``(a, b, similarity, neighbours)`` to their flags from
    an earlier analysis in which neither region's portfolio nor suggestions differ; those
    flags are handed on as they are.
    """
    s = view.settings
    known = known or {}
    flags = [known.get(pair) or similar_pair_flag(view, *pair) for pair in pairs.reported]
    unreported = pairs.total - len(pairs.reported)
    if unreported > 0:
        reported_neighbours = sum(1 for pair in pairs.reported if pair[3])
        unreported_neighbours = pairs.neighbour_total - reported_neighbours
        rows = pairs.involved
        message = (
            f"In all {pairs.total} pairs of regions have similar portfolios (structural "
            f"similarity >= {s.similarity_threshold:.2f}), {pairs.neighbour_total} of them "
            f"neighbours; {len(pairs.reported)} are flagged one by one, the other "
            f"{unreported} ({unreported_neighbours} of them neighbours) are summarised here; "
            f"{len(rows)} regions are involved"
        )
        flags.append(
            Flag(
                kind="similar-portfolios",
                severity="warning" if unreported_neighbours else "info",
                industry=None,
                regions=view.codes_of(rows),
                region_names=view.names_of(rows),
                message=message,
                evidence={
                    "pairs": pairs.total,
                    "neighbour_pairs": pairs.neighbour_total,
                    "reported_pairs": len(pairs.reported),
                    "unreported_pairs": unreported,
                    "unreported_neighbour_pairs": unreported_neighbours,
                    "similarity_threshold": s.similarity_threshold,
                },
            )
        )
    return flags


def similar_pair_flag(view: _View, a: int, b: int, similarity: float, neighbours: bool) -> Flag:
    """The ``similar-portfolios`` flag of regions ``a`` and ``b``."""
    ctx, s = view.context, view.settings
    shared = np.flatnonzero((view.weights[a] > 0) & (view.weights[b] > 0))
    shared_names = [ctx.industry_names[c] for c in shared]
    border = (
        "they share a border and would compete head-on for the same firms and funds"
        if neighbours
        else "they do not share a border"
    )
    message = (
        f"{ctx.names[a]} and {ctx.names[b]} have similar industry portfolios (structural "
        f"similarity {similarity:.2f}, threshold {s.similarity_threshold:.2f}); they "
        f"share {len(shared)} {_plural(len(shared), 'industry')} ({', '.join(shared_names)}); {border}"
    )
    return Flag(
        kind="similar-portfolios",
        severity="warning" if neighbours else "info",
        industry=None,
        regions=(str(ctx.codes[a]), str(ctx.codes[b])),
        region_names=(ctx.names[a], ctx.names[b]),
        message=message,
        evidence={
            "similarity": round(similarity, 4),
            "similarity_threshold": s.similarity_threshold,
            "neighbours": neighbours,
            "shared_industries": tuple(ctx.industry_ids[c] for c in shared),
            "portfolio_sizes": (int(view.sizes[a]), int(view.sizes[b])),
        },
        suggestions=_pair_suggestions(view, a, b) + _pair_suggestions(view, b, a),
    )


def chain_gap_flags(view: _View) -> list[Flag]:
    """``chain-gap`` flags: industries in the plan with an upstream link nobody covers."""
    ctx, s = view.context, view.settings
    covered = (view.counts > 0) | view.base_anywhere
    flags = []
    for column in np.flatnonzero(view.counts > 0):
        upstream = ctx.upstream[column]
        missing = [u for u in upstream if not covered[u]]
        if not missing:
            continue
        rows = np.flatnonzero(view.weights[:, column])
        missing_names = [ctx.industry_names[u] for u in missing]
        links = "link" if len(missing) == 1 else "links"
        verb = "is" if len(missing) == 1 else "are"
        message = (
            f"{ctx.industry_names[column]} is planned in {len(rows)} "
            f"{_plural(len(rows), 'region')}, but its upstream {links} "
            f"{', '.join(missing_names)} {verb} covered by no region, neither in the plan "
            f"nor in an existing industrial base ({len(upstream) - len(missing)} of "
            f"{len(upstream)} upstream links covered)"
        )
        suggestions = []
        for u in missing:
            best = int(np.lexsort((np.arange(ctx.n_regions), -ctx.fit[:, u]))[0])
            if ctx.fit[best, u] >= s.fit_threshold:
                suggestions.append(
                    Suggestion(
                        "assign", str(ctx.codes[best]), ctx.industry_ids[u], float(ctx.fit[best, u]),
                        ctx.names[best], ctx.industry_names[u],
                    )
                )
        flags.append(
            Flag(
                kind="chain-gap",
                severity="warning" if len(missing) == len(upstream) else "info",
                industry=ctx.industry_ids[column],
                regions=view.codes_of(rows),
                region_names=view.names_of(rows),
                message=message,
                evidence={
                    "upstream": tuple(ctx.industry_ids[u] for u in upstream),
                    "missing_upstream": tuple(ctx.industry_ids[u] for u in missing),
                    "covered_upstream": tuple(ctx.industry_ids[u] for u in upstream if covered[u]),
                },
                suggestions=tuple(suggestions[:SUGGESTION_COUNT]),
            )
        )
    return flags


def _needs_reason(ctx: AnalysisContext, met: tuple[str, ...], missing: tuple[str, ...]) -> str:
    total = len(met) + len(missing)
    if total == 0:
        return "the catalog lists no conditions for it and it is not in the region's industrial base"
    missing_names = ", ".join(ctx.condition_name(c) for c in missing)
    if not met:
        return (
            f"none of its {total} needed {_plural(total, 'condition')} ({missing_names}) is met "
            "and it is not in the region's industrial base"
        )
    met_names = ", ".join(ctx.condition_name(c) for c in met)
    return f"it meets {len(met)} of {total} needed conditions ({met_names}) but lacks {missing_names}"


def _pair_suggestions(view: _View, row: int, other: int) -> tuple[Suggestion, ...]:
    """Suggestions for ``row`` that ``other`` does not take: ways to tell them apart."""
    taken_by_other = view.weights[other]
    index = view.context.industry_index
    chosen = [s for s in view.suggestions_for(row) if not taken_by_other[index[s.industry]]]
    return tuple(chosen[:2])


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


# ---------------------------------------------------------------------- plan-level figures
def join_counts(
    present: np.ndarray, adjacency: scipy.sparse.spmatrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Black-black join counts per column and their moments under random placement.

    Parameters
    ----------
    present : numpy.ndarray
        ``(n_regions, n_columns)`` bool: which regions picked each industry.
    adjacency : scipy.sparse matrix
        Symmetric binary contiguity.

    Returns
    -------
    observed, expected, variance : numpy.ndarray
        Per column: the number of neighbouring pairs that both picked it, and its mean
        and variance when the same number of picks is placed at random (non-free
        sampling; Cliff and Ord 1981; the formula of spdep ``joincount.test``).
    """
    x = np.asarray(present, dtype=float)
    n = x.shape[0]
    w = scipy.sparse.csr_matrix(adjacency, dtype=float)
    observed = 0.5 * (x * (w @ x)).sum(axis=0)
    degrees = np.asarray(w.sum(axis=1)).ravel()
    s0 = degrees.sum()  # 2 x number of joins
    s1 = 2.0 * s0
    s2 = float((4.0 * degrees**2).sum())
    k = x.sum(axis=0)
    expected = np.zeros_like(k)
    variance = np.zeros_like(k)
    if n >= 4:
        k2 = k * (k - 1) / (n * (n - 1))
        k3 = k2 * (k - 2) / (n - 2)
        k4 = k3 * (k - 3) / (n - 3)
        expected = s0 * k2 / 2.0
        variance = 0.25 * (s1 * k2 + (s2 - 2 * s1) * k3 + (s0**2 + s1 - s2) * k4) - expected**2
        variance = np.maximum(variance, 0.0)
    return observed, expected, variance


def homogeneity_index(weights: np.ndarray) -> float:
    """Mean pairwise cosine similarity of the non-empty rows (0 with fewer than two)."""
    units = weights.astype(float)
    norms = np.sqrt((units**2).sum(axis=1))
    rows = np.flatnonzero(norms > 0)
    k = len(rows)
    if k < 2:
        return 0.0
    unit = units[rows] / norms[rows, None]
    total = unit.sum(axis=0)
    # The sum over all ordered pairs i != j of u_i . u_j is |sum u|^2 - k.
    return float((total @ total - k) / (k * (k - 1)))


# ---------------------------------------------------------------------- similar portfolios
@dataclass
class _SimilarPairs:
    total: int
    neighbour_total: int
    reported: list[tuple[int, int, float, bool]]
    involved: np.ndarray


class _PortfolioGroups:
    """Regions grouped by identical portfolio, and which groups are similar.

    Grouping keeps the work proportional to the number of distinct portfolios: a
    homogenized county plan has millions of similar pairs but few distinct portfolios.
    Similarities are computed from integer role units (lead 2, support 1), so every
    dot product is exact and the full and incremental paths give identical numbers.
    ``linked`` holds the groups that take part in a similar pair (two or more members,
    or a similar group), so the figures below cost as much as there are similar pairs,
    not as there are portfolios: a varied county plan has thousands of groups but few
    similar ones.
    """

    def __init__(self, n_rows: int, n_industries: int, threshold: float):
        self.threshold = threshold - SIMILARITY_TOLERANCE
        self.key_of: dict[int, bytes] = {}
        self.row_slot = np.full(n_rows, -1)  # each row's group slot, -1 when not grouped
        self.members: dict[bytes, set[int]] = {}
        self.slot_of: dict[bytes, int] = {}
        self.partners: dict[bytes, dict[bytes, float]] = {}
        self.linked: set[bytes] = set()
        self.rows = np.zeros((16, n_industries))
        self.norm_sq = np.zeros(16)
        self.active = np.zeros(16, dtype=bool)
        self.key_at: list[bytes | None] = [None] * 16
        self.free: list[int] = list(range(15, -1, -1))

    @staticmethod
    def similarity(dot: np.ndarray, norm_sq_a: np.ndarray, norm_sq_b: np.ndarray) -> np.ndarray:
        return dot / np.sqrt(norm_sq_a * norm_sq_b)

    def build(self, weights: np.ndarray, eligible: np.ndarray) -> None:
        """Group all eligible rows and find every similar pair of groups at once."""
        rows = np.flatnonzero(eligible).tolist()
        slot_of: dict[bytes, int] = {}
        first_rows: list[int] = []
        slots: list[int] = []
        for row in rows:
            key = weights[row].tobytes()
            self.key_of[row] = key
            slot = slot_of.get(key)
            if slot is None:
                slot = slot_of[key] = len(first_rows)
                first_rows.append(row)
                self.members[key] = set()
                self.partners[key] = {}
            self.members[key].add(row)
            slots.append(slot)
        self.row_slot[rows] = slots
        keys = list(slot_of)
        count = len(keys)
        if count == 0:
            return
        capacity = max(16, 2 * count)
        self.rows = np.zeros((capacity, weights.shape[1]))
        unique = self.rows[:count]
        unique[:] = weights[first_rows]
        norm_sq = np.einsum("ij,ij->i", unique, unique)
        self.norm_sq = np.zeros(capacity)
        self.norm_sq[:count] = norm_sq
        self.active = np.zeros(capacity, dtype=bool)
        self.active[:count] = True
        self.key_at = [*keys, *([None] * (capacity - count))]
        self.slot_of = slot_of
        self.free = list(range(capacity - 1, count - 1, -1))
        # Single-precision cosines of unit rows find the candidates fast; the exact
        # integer formula then decides, as it does for one added portfolio.
        unit = unique.astype(np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):  # an empty portfolio is similar to none
            unit /= np.sqrt(norm_sq).astype(np.float32)[:, None]
        # Blocks of rows against the rows from the block on (the upper triangle), in
        # buffers kept for the whole loop: fresh megabyte arrays each block cost more
        # in page faults than the products themselves. Each block is filled tile by
        # tile, every tile one BLAS call small enough to run on the calling thread.
        block = 128
        tile = max(1, SINGLE_THREAD_PRODUCTS // (block * max(1, unit.shape[1])))
        products = np.empty(min(block, count) * count, dtype=np.float32)
        passes = np.empty(len(products), dtype=bool)
        for start in range(0, count, block):
            stop = min(start + block, count)
            shape = (stop - start, count - start)
            approximate = products[: shape[0] * shape[1]].reshape(shape)
            left = unit[start:stop]
            for column in range(start, count, tile):
                end = min(column + tile, count)
                np.matmul(left, unit[column:end].T, out=approximate[:, column - start : end - start])
            # flatnonzero on the flat block is far quicker than a 2-D nonzero.
            passed = passes[: approximate.size]
            np.greater_equal(approximate.ravel(), self.threshold - 1e-4, out=passed)
            a_index, b_index = np.divmod(np.flatnonzero(passed), shape[1])
            a_index = a_index + start
            b_index = b_index + start
            keep = b_index > a_index
            a_index, b_index = a_index[keep], b_index[keep]
            dot = (unique[a_index] * unique[b_index]).sum(axis=1)
            similarity = self.similarity(dot, norm_sq[a_index], norm_sq[b_index])
            similar = similarity >= self.threshold
            for a, b, value in zip(
                a_index[similar].tolist(), b_index[similar].tolist(), similarity[similar].tolist(), strict=True
            ):
                self.partners[keys[a]][keys[b]] = value
                self.partners[keys[b]][keys[a]] = value
        self.linked = {key for key in keys if len(self.members[key]) > 1 or self.partners[key]}

    def _relink(self, key: bytes) -> None:
        if len(self.members[key]) > 1 or self.partners[key]:
            self.linked.add(key)
        else:
            self.linked.discard(key)

    def _new_slot(self, key: bytes, row: np.ndarray) -> int:
        if not self.free:
            old = len(self.active)
            self.rows = np.vstack([self.rows, np.zeros_like(self.rows)])
            self.norm_sq = np.concatenate([self.norm_sq, np.zeros(old)])
            self.active = np.concatenate([self.active, np.zeros(old, dtype=bool)])
            self.key_at.extend([None] * old)
            self.free = list(range(2 * old - 1, old - 1, -1))
        slot = self.free.pop()
        self.rows[slot] = row
        self.norm_sq[slot] = float((row.astype(float) ** 2).sum())
        self.active[slot] = True
        self.key_at[slot] = key
        self.slot_of[key] = slot
        self.members[key] = set()
        self.partners[key] = {}
        return slot

    def remove(self, row: int) -> None:
        key = self.key_of.pop(row, None)
        if key is None:
            return
        self.row_slot[row] = -1
        members = self.members[key]
        members.discard(row)
        if members:
            self._relink(key)
            return
        for other in self.partners.pop(key):
            self.partners[other].pop(key, None)
            self._relink(other)
        del self.members[key]
        self.linked.discard(key)
        slot = self.slot_of.pop(key)
        self.active[slot] = False
        self.key_at[slot] = None
        self.free.append(slot)

    def add(self, row: int, weights_row: np.ndarray) -> None:
        key = weights_row.tobytes()
        self.key_of[row] = key
        if key in self.members:
            self.members[key].add(row)
            self.row_slot[row] = self.slot_of[key]
            self._relink(key)
            return
        # Compare the new portfolio with every existing one before taking a slot, on its
        # few industries only (element-wise: a matrix-vector product would wake BLAS
        # threads, which stall on a busy machine, for a fraction of a millisecond of work).
        slots = np.flatnonzero(self.active)
        taken = np.flatnonzero(weights_row)
        new_units = weights_row[taken].astype(float)
        new_norm_sq = float((new_units**2).sum())
        dot = (self.rows[np.ix_(slots, taken)] * new_units).sum(axis=1)
        similarity = self.similarity(dot, self.norm_sq[slots], new_norm_sq)
        self.row_slot[row] = self._new_slot(key, weights_row)
        self.members[key].add(row)
        for slot, value in zip(slots[similarity >= self.threshold], similarity[similarity >= self.threshold], strict=True):
            other = self.key_at[slot]
            self.partners[key][other] = float(value)
            self.partners[other][key] = float(value)
            self.linked.add(other)
        self._relink(key)

    def pair_similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Similarity of the grouped rows ``a[k]`` and ``b[k]``, NaN where they are not similar.

        The same numbers as computing each pair afresh: two rows of one group have
        similarity exactly 1 (unless their portfolio is empty), and two similar groups
        keep the value computed when they met.
        """
        slot_a, slot_b = self.row_slot[a], self.row_slot[b]
        capacity = len(self.active)
        table: dict[int, float] = {}
        slot_of = self.slot_of
        for key in self.linked:
            base = slot_of[key] * capacity
            for other, value in self.partners[key].items():
                table[base + slot_of[other]] = value
        similarity = np.full(len(a), np.nan)
        similarity[(slot_a == slot_b) & (self.norm_sq[slot_a] > 0)] = 1.0
        if table:
            codes = np.fromiter(table, dtype=np.int64, count=len(table))
            values = np.fromiter(table.values(), dtype=float, count=len(table))
            order = np.argsort(codes)
            codes, values = codes[order], values[order]
            query = slot_a.astype(np.int64) * capacity + slot_b
            at = np.minimum(np.searchsorted(codes, query), len(codes) - 1)
            found = codes[at] == query
            similarity[found] = values[at[found]]
        return similarity

    def total_pairs(self) -> int:
        """Similar pairs of regions: within each group, and across similar groups."""
        within = 0
        across = 0
        members = self.members
        for key in self.linked:
            size = len(members[key])
            within += size * (size - 1) // 2
            across += size * sum(len(members[other]) for other in self.partners[key])
        # Each pair of distinct groups was counted from both sides.
        return within + across // 2

    def involved(self) -> np.ndarray:
        """The rows in any similar pair, in row order."""
        rows: list[int] = []
        for key in self.linked:
            rows.extend(self.members[key])
        return np.array(sorted(rows), dtype=int)

    def levels(self) -> list[tuple[float, dict[bytes, list[bytes]]]]:
        """Similar group pairs by similarity, highest first: (similarity, group -> groups)."""
        by_value: dict[float, dict[bytes, list[bytes]]] = {}
        for key in self.linked:
            if len(self.members[key]) > 1:
                by_value.setdefault(1.0, {}).setdefault(key, []).append(key)
            for other, value in self.partners[key].items():
                by_value.setdefault(value, {}).setdefault(key, []).append(other)
        return sorted(by_value.items(), key=lambda item: -item[0])


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
        self.base_anywhere = context.in_base.any(axis=0)
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
            met, missing = self.context._needs_by_pattern(column, pattern)
            reason = self._reasons[key] = _needs_reason(self.context, met, missing)
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
        found = list(map(store.get, keys.tolist()))
        missing = [k for k, value in enumerate(found) if value is None]
        if len(store) + len(missing) > self.MAX_SUGGESTION_TUPLES:
            store.clear()
        for k in missing:
            row = int(rows[k])
            code, region, fits = self.code_list[row], ctx.names[row], ctx.fit_list[row]
            found[k] = store[int(keys[k])] = tuple(
                Suggestion("assign", code, ctx.industry_ids[column], fits[column], region, ctx.industry_names[column])
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
        rows = list(map(ctx.index_of.get, map(_region_of, assignments)))
        columns = list(map(ctx.industry_index.get, map(_industry_of, assignments)))
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
        self.crowded = self.counts > self.caps
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
        old_room = self.counts < self.caps
        self.counts[column_list] = (self.weights[:, column_list] > 0).sum(axis=0)
        self.sizes[row_list] = (self.weights[row_list] > 0).sum(axis=1)
        self.crowded[column_list] = self.counts[column_list] > self.caps[column_list]
        # Join counts are per industry: only the touched ones change.
        touched_joins = join_counts(self.weights[:, column_list] > 0, self.texts.adjacency)
        for joins, touched in zip(self.joins, touched_joins, strict=True):
            joins[column_list] = touched
        # Suggestions depend on the room left under each cap: if it changed anywhere,
        # every region's suggestions may change; otherwise only the touched regions'.
        if np.array_equal(old_room, self.counts < self.caps):
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
        return self.plan.subscribe(self.update)

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

    def _top_suggestions(self, rows: np.ndarray) -> np.ndarray:
        """The best-fitting industries with room that each region does not take yet."""
        fit = self.context.fit[rows]
        candidate = (
            (self.weights[rows] == 0)
            & (fit >= self.settings.fit_threshold)
            & (self.counts < self.caps)[None, :]
        )
        score = np.where(candidate, fit, -1.0)
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
        # Each industry's low-fit flags share one kind (and so one severity).
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
        industries = []
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


def iter_report_lines(analysis: Analysis) -> Iterable[str]:
    """The analysis as plain text lines (the ``check`` command's text format)."""
    summary = analysis.summary
    yield (
        f"{summary['plan']} ({summary['level']} level): {summary['assignments']} assignments "
        f"in {summary['regions_with_assignments']} of {summary['regions']} regions, "
        f"{summary['industries_used']} industries"
    )
    yield (
        f"Homogeneity index {summary['homogeneity_index']:.2f} (mean structural similarity of "
        f"the regions' portfolios); {summary['similar_pairs']} similar pairs, "
        f"{summary['similar_neighbour_pairs']} of them neighbours"
    )
    for entry in summary["industries"]:
        state = "CROWDED" if entry["crowded"] else "ok"
        line = f"  {entry['name']}: {entry['count']} of cap {entry['cap']} ({state})"
        joins = entry["joins"]
        if entry["count"] >= 2:
            line += (
                f"; {joins['observed']} neighbouring pairs vs {joins['expected']:.1f} expected "
                f"at random (z {joins['z']:.2f})"
            )
            if joins["clustered"]:
                line += ": the picks cluster among neighbours"
        yield line
    counts = summary["flags"]
    yield (
        f"Flags: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos"
    )
    for flag in analysis.flags:
        yield f"[{flag.severity}] {flag.kind}: {flag.message}"
        if flag.suggestions:
            yield "    suggestions: " + "; ".join(s.text for s in flag.suggestions)
