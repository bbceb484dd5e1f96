"""The flag rules: each kind of flag in one function over the engine's current arrays.

See :mod:`cluster_planner.analysis.engine` for what each kind means and when it is raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cluster_planner.analysis.fit import AnalysisContext, SegmentVerdict
from cluster_planner.analysis.results import (
    ROLE_UNITS,
    SUGGESTION_COUNT,
    AnalysisSettings,
    Flag,
    Suggestion,
)
from cluster_planner.domain.catalog import SEGMENTS

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
    """The ``crowded-industry`` flag of one industry crowded within the scope or nationally."""
    ctx, s = view.context, view.settings
    rows = np.flatnonzero(view.weights[:, column])
    fits = ctx.fit[rows, column]
    count, cap, supported = len(rows), int(view.caps[column]), int(view.supported[column])
    share_cap = math.ceil(round(s.crowding_share * ctx.n_regions, 9))
    low_fit = int((fits < s.fit_threshold).sum())
    name = ctx.industry_names[column]
    scope = view.scope
    parts = []
    evidence: dict[str, Any] = {}
    excess = count - cap
    if not scope.national:
        scope_count, scope_cap = int(view.scope_counts[column]), int(view.scope_caps[column])
        scope_supported = int(view.scope_supported[column])
        scope_share_cap = math.ceil(round(s.crowding_share * scope.size, 9))
        scope_crowded = scope_count > scope_cap
        parts.append(
            f"within {scope.name_en} it is assigned to {scope_count} of {scope.size} regions "
            f"against a cap of {scope_cap} (the largest of the minimum {s.crowding_min}, "
            f"{s.crowding_share:.0%} of its regions = {scope_share_cap}, and the {scope_supported} "
            f"{_plural(scope_supported, 'region')} there whose evidence supports it)"
            + ("" if scope_crowded else ": not crowded there")
        )
        evidence.update({
            "scope": scope.to_json(),
            "scope_count": scope_count,
            "scope_cap": scope_cap,
            "scope_share_cap": scope_share_cap,
            "scope_supported": scope_supported,
            "scope_crowded": scope_crowded,
        })
        if scope_crowded:
            excess = max(excess, scope_count - scope_cap)
        rows_in_scope = scope.rows[rows] if scope.rows is not None else np.ones(len(rows), dtype=bool)
        # Within a scope, the scope's picks are the ones to thin out.
        order_rows = np.flatnonzero(rows_in_scope) if scope_crowded and count <= cap else np.arange(len(rows))
    else:
        order_rows = np.arange(len(rows))
    national_crowded = count > cap
    parts.append(
        f"nationally it is assigned to {count} of {ctx.n_regions} regions against a cap of {cap} "
        f"(the largest of the minimum {s.crowding_min}, {s.crowding_share:.0%} of regions = "
        f"{share_cap}, and the {supported} {_plural(supported, 'region')} whose evidence supports it)"
        + ("" if national_crowded else ": not crowded nationally")
    )
    message = (
        f"{name} is crowded: " + "; ".join(parts)
        + f"; {low_fit} of the {count} have a fit below {s.fit_threshold:.2f} on the evidence"
    )
    # Dropping the worst-fitting picks first brings the count back under the cap.
    order = order_rows[np.lexsort((rows[order_rows], fits[order_rows]))][: min(SUGGESTION_COUNT, max(excess, 1))]
    suggestions = tuple(
        Suggestion(
            "unassign", str(ctx.codes[rows[k]]), ctx.industry_ids[column], float(fits[k]),
            ctx.names[rows[k]], name,
        )
        for k in order
    )
    evidence.update({
        "count": count,
        "cap": cap,
        "regions_in_layer": ctx.n_regions,
        "crowding_min": s.crowding_min,
        "crowding_share": s.crowding_share,
        "share_cap": share_cap,
        "supported": supported,
        "national_crowded": national_crowded,
        "low_fit_assigned": low_fit,
        "fit_threshold": s.fit_threshold,
    })
    return Flag(
        kind="crowded-industry",
        severity="warning",
        industry=ctx.industry_ids[column],
        regions=view.codes_of(rows),
        region_names=view.names_of(rows),
        message=message,
        evidence=evidence,
        suggestions=suggestions,
    )


def low_fit_flags(view: _View, column: int) -> list[Flag]:
    """``one-size-fits-all`` (crowded industry) or ``local-mismatch`` flags of one industry.

    One flag per assignment of industry ``column`` to a region whose fit on the evidence
    is below the threshold. Where the missing conditions are known to be missing (even
    counting every unknown as met the fit stays below the threshold) the flag is an
    error (crowded) or a warning; where only unknowns keep the fit low it is an
    info-level *unverified* finding. Messages and evidence are written when first read
    (:class:`_LowFitText`).
    """
    ctx, s = view.context, view.settings
    low = (view.weights[:, column] > 0) & (ctx.fit[:, column] < s.fit_threshold)
    rows = np.flatnonzero(low)
    if len(rows) == 0:
        return []
    crowded = bool(view.crowded[column])
    kind = "one-size-fits-all" if crowded else "local-mismatch"
    known = ctx.fit_high[rows, column] < s.fit_threshold
    count, cap, binding = int(view.counts[column]), int(view.caps[column]), None
    if not view.scope.national and view.scope_counts[column] > view.scope_caps[column]:
        # Crowded within the plan's scope: that is the count and cap that bind.
        count, cap = int(view.scope_counts[column]), int(view.scope_caps[column])
        binding = (view.scope.name_zh, view.scope.name_en)
    texts = {
        (units, verified): _LowFitText(
            view.texts, column, role, crowded, count, cap, s.fit_threshold, verified, binding
        )
        for role, units in ROLE_UNITS.items()
        for verified in (True, False)
    }
    severity_of = {True: "error" if crowded else "warning", False: "info"}
    industry = ctx.industry_ids[column]
    codes, names, suggestions = view.texts.code_singletons, view.texts.name_singletons, view.row_suggestions
    # Flag's layout (see Flag) with the wording and the row in place of message and
    # evidence; tuple.__new__ spares fourteen thousand calls of Flag.__new__ at county.
    return [
        _new_tuple(
            Flag,
            (kind, severity_of[verified], industry, codes[row], suggestions[row], names[row],
             texts[units, verified], row),
        )
        for row, units, verified in zip(
            rows.tolist(), view.weights[rows, column].tolist(), known.tolist(), strict=True
        )
    ]


_new_tuple = tuple.__new__


class _LowFitText:
    """The wording shared by the low-fit flags of one industry, role and verdict.

    A flag's message is ``<region><head><fit><tail>``, where ``head`` depends on the
    industry, role and crowding and ``tail`` on the region's best segment and which of
    its needs are met, unknown or missing; the evidence comes from the same numbers.
    Everything that varies from region to region is read from the context, which does
    not change, so a flag needs only its row.
    """

    __slots__ = ("_key", "column", "count", "cap", "crowded", "head", "role", "texts", "threshold", "verified", "scope")

    def __init__(
        self, texts: _ContextTexts, column: int, role: str, crowded: bool, count: int, cap: int,
        threshold: float, verified: bool = True, scope: tuple[str, str] | None = None,
    ):
        self.texts = texts
        self.column = column
        self.role = role
        self.crowded = crowded
        self.count = count
        self.cap = cap
        self.threshold = threshold
        self.verified = verified
        #: ``(zh, en)`` names of the scope whose cap binds, or None for the national cap.
        self.scope = scope
        where = f" in {scope[1]}" if scope else ""
        industry = texts.context.industry_names[column]
        if crowded:
            middle = f", one of {count} regions{where} against a cap of {cap}, but "
        else:
            middle = " but "
        if verified:
            middle += "its local conditions fit it only "
        else:
            middle += "no evidence yet shows its conditions fit it: fit "
        self.head = f" takes {industry} ({role}){middle}"
        self._key = (texts.context, column, role, crowded, count, cap, threshold, verified, scope)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _LowFitText) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def message(self, row: int) -> str:
        ctx, column = self.texts.context, self.column
        fit = ctx.fit_list[row][column]
        reason = self.texts.reason(column, int(ctx.met_pattern[row, column]))
        if self.verified:
            message = f"{ctx.names[row]}{self.head}{fit:.2f} (threshold {self.threshold:.2f}): {reason}"
        else:
            high = float(ctx.fit_high[row, column])
            message = (
                f"{ctx.names[row]}{self.head}{fit:.2f} on the evidence, up to {high:.2f} if the "
                f"unknowns hold (threshold {self.threshold:.2f}): {reason}"
            )
        if ctx.density is not None:
            message += f"; relatedness density {float(ctx.density[row, column]):.2f}"
        return message

    def evidence(self, row: int) -> dict[str, Any]:
        ctx, column = self.texts.context, self.column
        verdict = ctx.verdict(row, column)
        evidence = {
            "verdict": "mismatch" if self.verified else "unverified",
            "fit": round(ctx.fit_list[row][column], 4),
            "fit_high": round(float(ctx.fit_high[row, column]), 4),
            "confidence": round(float(ctx.confidence[row, column]), 4),
            "fit_threshold": self.threshold,
            "role": self.role,
            "count": self.count,
            "cap": self.cap,
            "crowded": self.crowded,
            "crowded_in": self.scope[1] if self.scope else "",
            "crowded_in_zh": self.scope[0] if self.scope else "",
            "segment": verdict.segment,
            "needs_met": tuple("|".join(g) for g in verdict.met),
            "needs_unknown": tuple("|".join(g) for g in verdict.unknown),
            "needs_missing": tuple("|".join(g) for g in verdict.absent),
            "settled_by": ctx.settled_by(verdict.unknown),
            "in_base": bool(ctx.in_base[row, column]),
        }
        if ctx.density is not None and ctx.rca is not None:
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
        in_scope = np.ones(ctx.n_regions, dtype=bool) if view.scope.rows is None else view.scope.rows
        for u in missing:
            # Within the plan's scope first, the strongest evidence first (an industry
            # already in the base, then the fit); only where the evidence supports it.
            order = np.lexsort((np.arange(ctx.n_regions), -ctx.fit[:, u], ~ctx.in_base[:, u], ~in_scope))
            eligible = order[(ctx.fit[order, u] >= s.fit_threshold) & ctx.strong[order, u]]
            if len(eligible):
                best = int(eligible[0])
                suggestions.append(
                    Suggestion(
                        "assign", str(ctx.codes[best]), ctx.industry_ids[u], float(ctx.fit[best, u]),
                        ctx.names[best], ctx.industry_names[u],
                        ctx.segment_of(best, u),
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


def _needs_reason(ctx: AnalysisContext, verdict: SegmentVerdict) -> str:
    """Why a region lacks a basis for an industry, from its best segment's groups."""
    if verdict.groups == 0:
        return "the catalog lists no conditions for it and it is not in the region's industrial base"
    segment = "" if verdict.segment == "whole" else f" for its {SEGMENTS.get(verdict.segment, ('', verdict.segment))[1]}"
    parts = []
    if verdict.met:
        parts.append(f"it meets {len(verdict.met)} of {verdict.groups} needs{segment} "
                     f"({'; '.join(ctx.group_name(g) for g in verdict.met)})")
    else:
        parts.append(f"it meets none of the {verdict.groups} needs{segment}")
    if verdict.absent:
        parts.append(f"complete lists show it lacks {'; '.join(ctx.group_name(g) for g in verdict.absent)}")
    if verdict.unknown:
        settled = ctx.settled_by(verdict.unknown)
        parts.append(
            f"unknown: {'; '.join(ctx.group_name(g) for g in verdict.unknown)}"
            + (f" (would be settled by {'; '.join(settled)})" if settled else "")
        )
    return "; ".join(parts) + "; and it is not in the region's industrial base"


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
