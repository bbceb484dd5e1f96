"""The flag rules: each kind of flag in one function over the engine's current arrays.

See :mod:`cluster_planner.analysis.engine` for what each kind means and when it is raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cluster_planner.analysis.fit import AnalysisContext
from cluster_planner.analysis.results import (
    ROLE_UNITS,
    SUGGESTION_COUNT,
    AnalysisSettings,
    Flag,
    Suggestion,
)

if TYPE_CHECKING:
    from cluster_planner.analysis.engine import _ContextTexts, _View
    from cluster_planner.analysis.similarity import _SimilarPairs


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
