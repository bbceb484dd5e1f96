"""The analysis as plain text (the ``check`` command's text format)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cluster_planner.analysis.results import Analysis


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
    scope = summary.get("scope") or {"kind": "national"}
    if scope["kind"] != "national":
        yield f"Scope: {scope['name']} ({scope['regions']} regions); crowding is judged there and nationally"
    for entry in summary["industries"]:
        state = "CROWDED" if entry["crowded"] else "ok"
        line = f"  {entry['name']}: {entry['count']} of cap {entry['cap']}"
        if scope["kind"] != "national":
            line += f", in {scope['name']} {entry['scope_count']} of cap {entry['scope_cap']}"
        line += f" ({state})"
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
    levels = summary.get("levels")  # a plan across levels: each level's own figures
    for level, figures in (levels or {}).items():
        level_counts = figures["flags"]
        yield (
            f"  {level} level: {figures['assignments']} assignments made there,"
            f" {figures['rolled_up']} rolled up from below, in {figures['regions_with_assignments']}"
            f" of {figures['regions']} regions; homogeneity index {figures['homogeneity_index']:.2f};"
            f" {level_counts['error']} errors, {level_counts['warning']} warnings,"
            f" {level_counts['info']} infos"
        )
    flag_levels = getattr(analysis, "flag_levels", None) if levels else None
    for k, flag in enumerate(analysis.flags):
        where = f" ({flag_levels[k]} level)" if flag_levels else ""
        yield f"[{flag.severity}] {flag.kind}{where}: {flag.message}"
        if flag.suggestions:
            yield "    suggestions: " + "; ".join(s.text for s in flag.suggestions)
