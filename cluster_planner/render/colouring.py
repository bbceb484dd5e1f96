"""How regions are coloured: pure functions from per-region values to face colours.

Each function returns ``(facecolors, legend)``: an ``(n, 4)`` float RGBA array in row
order of the layer (ready for :meth:`MapFigure.recolour`) and a list of
``(label, rgba)`` legend entries. Labels are parameters so the window can pass
translated text; the defaults are English.

Palettes are colour-blind safe: the sequential one is ColorBrewer YlGnBu (ordered by
lightness, readable in grey), the categorical ones come from Okabe and Ito (2008).
"Nothing here" is always the same light grey, so an empty region never looks like the
lowest class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import to_rgba

LegendEntries = list[tuple[str, tuple[float, float, float, float]]]

NOTHING_GREY = "#e3e3e3"
# ColorBrewer YlGnBu without its two palest steps (too close to the grey of "none").
SEQUENTIAL = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
LEAD_COLOUR = "#0072b2"  # Okabe-Ito blue
SUPPORT_COLOUR = "#9fd3f2"  # a light tint of Okabe-Ito sky blue
SEVERITY_COLOURS = (NOTHING_GREY, "#56b4e9", "#e69f00", "#d55e00")  # none, info, warning, error


def default_count_label(low: int, high: int) -> str:
    """The legend text for regions with between ``low`` and ``high`` industries."""
    if low == high:
        return str(low)
    return f"{low}\u2013{high}"


def count_classes(max_count: int, n_colours: int = len(SEQUENTIAL)) -> list[tuple[int, int]]:
    """Split the counts 1..max_count into at most ``n_colours`` contiguous classes.

    Small counts get one class each, so "2 industries" reads off the legend exactly;
    larger ranges are cut into equal-width integer bins.
    """
    if max_count <= 0:
        return []
    if max_count <= n_colours:
        return [(k, k) for k in range(1, max_count + 1)]
    edges = np.unique(np.round(np.linspace(1, max_count + 1, n_colours + 1)).astype(int))
    return [(int(lo), int(hi) - 1) for lo, hi in zip(edges[:-1], edges[1:], strict=False)]


def _spread(palette: Sequence[str], k: int) -> list[str]:
    """Pick ``k`` colours spread over a sequential palette, light to dark."""
    if k <= 0:
        return []
    if k == 1:
        return [palette[len(palette) // 2]]
    picks = np.round(np.linspace(0, len(palette) - 1, k)).astype(int)
    return [palette[i] for i in picks]


def _rgba(colour: str) -> tuple[float, float, float, float]:
    red, green, blue, alpha = (float(c) for c in to_rgba(colour))
    return red, green, blue, alpha


def colour_by_count(counts, label: Callable[[int, int], str] = default_count_label,
                    ) -> tuple[np.ndarray, LegendEntries]:
    """Colour regions by how many industries each one takes.

    Parameters
    ----------
    counts : array_like of int, shape (n,)
        Number of industries assigned to each region, in layer row order.
    label : callable (low, high) -> str
        Legend text for a class; ``label(0, 0)`` is used for regions with none.

    Returns
    -------
    facecolors : ndarray, shape (n, 4)
    legend : list of (label, rgba)
        The "none" entry first, then one entry per class up to the largest count.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1:
        raise ValueError(f"counts must be one value per region, got shape {counts.shape}")
    counts = counts.astype(int)
    if (counts < 0).any():
        raise ValueError("counts must not be negative")
    facecolors = np.tile(_rgba(NOTHING_GREY), (len(counts), 1))
    legend: LegendEntries = [(label(0, 0), _rgba(NOTHING_GREY))]
    classes = count_classes(int(counts.max()) if len(counts) else 0)
    for (low, high), colour in zip(classes, _spread(SEQUENTIAL, len(classes)), strict=True):
        rgba = _rgba(colour)
        facecolors[(counts >= low) & (counts <= high)] = rgba
        legend.append((label(low, high), rgba))
    return facecolors, legend


def colour_by_industry(lead_mask, support_mask, lead_label: str = "Lead",
                       support_label: str = "Support", none_label: str = "Not chosen",
                       ) -> tuple[np.ndarray, LegendEntries]:
    """Colour the regions that chose one industry: lead dark, support light.

    Parameters
    ----------
    lead_mask, support_mask : array_like of bool, shape (n,)
        Which regions take the industry as lead and as support. A region in both
        shows as lead.
    lead_label, support_label, none_label : str
        Legend text.

    Returns
    -------
    facecolors : ndarray, shape (n, 4)
    legend : list of (label, rgba)
    """
    lead = np.asarray(lead_mask, dtype=bool)
    support = np.asarray(support_mask, dtype=bool)
    if lead.shape != support.shape or lead.ndim != 1:
        raise ValueError(f"masks must both be one value per region, got {lead.shape} and {support.shape}")
    facecolors = np.tile(_rgba(NOTHING_GREY), (len(lead), 1))
    facecolors[support] = _rgba(SUPPORT_COLOUR)
    facecolors[lead] = _rgba(LEAD_COLOUR)
    legend = [(lead_label, _rgba(LEAD_COLOUR)), (support_label, _rgba(SUPPORT_COLOUR)),
              (none_label, _rgba(NOTHING_GREY))]
    return facecolors, legend


def colour_by_severity(levels, labels: Sequence[str] = ("No flag", "Info", "Warning", "Error"),
                       ) -> tuple[np.ndarray, LegendEntries]:
    """Colour regions by the most severe flag that touches them.

    Parameters
    ----------
    levels : array_like of int, shape (n,)
        0 no flag, 1 info, 2 warning, 3 error.
    labels : sequence of four str
        Legend text for the levels 0 to 3.

    Returns
    -------
    facecolors : ndarray, shape (n, 4)
    legend : list of (label, rgba)
        Most severe first, as a reader scans for errors.
    """
    levels = np.asarray(levels)
    if levels.ndim != 1:
        raise ValueError(f"levels must be one value per region, got shape {levels.shape}")
    if len(labels) != len(SEVERITY_COLOURS):
        raise ValueError(f"need {len(SEVERITY_COLOURS)} severity labels, got {len(labels)}")
    levels = levels.astype(int)
    if len(levels) and (levels.min() < 0 or levels.max() >= len(SEVERITY_COLOURS)):
        raise ValueError("severity levels must be 0 (none), 1 (info), 2 (warning) or 3 (error)")
    palette = np.array([_rgba(c) for c in SEVERITY_COLOURS])
    legend = [(labels[k], _rgba(SEVERITY_COLOURS[k])) for k in reversed(range(len(SEVERITY_COLOURS)))]
    return palette[levels], legend


# --------------------------------------------------------------------------- a plan's map
def _on_level(plan, level: str, nesting):
    """``plan`` as one level's map shows it (itself when it is all on that level)."""
    if plan.on_one_level(level):
        return plan
    from cluster_planner.analysis.levels import bundled_nesting, shown_plan

    return shown_plan(plan, level, nesting if nesting is not None else bundled_nesting())



#: Severity of a region's worst flag as a level of :func:`colour_by_severity`.
SEVERITY_LEVEL = {"info": 1, "warning": 2, "error": 3}
#: Okabe-Ito colours of a comparison: what the other plan adds, removes, changes.
COMPARISON_COLOURS = {"same": NOTHING_GREY, "added": "#009e73", "removed": "#d55e00",
                      "changed": "#e69f00"}


@dataclass(frozen=True)
class ColourLabels:
    """The legend texts of a plan's map (the window passes translated ones).

    ``lead`` is formatted with ``industry`` (the industry's name); ``comparison``
    names, in order, what only the other plan has, what only this plan has, what
    changed and what is the same.
    """

    count: Callable[[int, int], str] = default_count_label
    lead: str = "{industry}: lead"
    support: str = "Support"
    not_chosen: str = "Not chosen"
    severity: Sequence[str] = ("No flag", "Info", "Warning", "Error")
    comparison: Sequence[str] = ("Only in the other plan", "Only in this plan", "Changed", "Same")
    industry_name: Callable[[str], str] = str


def region_counts(plan, index_of) -> np.ndarray:
    """How many industries each region of the layer (row order of ``index_of``) takes."""
    counts = np.zeros(len(index_of), dtype=int)
    for region, count in plan.region_counts().items():
        row = index_of.get(region)
        if row is not None:
            counts[row] = count
    return counts


def industry_masks(plan, industry: str, index_of) -> tuple[np.ndarray, np.ndarray]:
    """Which regions take ``industry`` as lead, and which as support."""
    lead = np.zeros(len(index_of), dtype=bool)
    support = np.zeros(len(index_of), dtype=bool)
    for assignment in plan.regions_with(industry):
        row = index_of.get(assignment.region)
        if row is not None:
            (lead if assignment.role == "lead" else support)[row] = True
    return lead, support


def severity_levels(analysis, index_of) -> np.ndarray:
    """Each region's worst flag of its own, 0 (none) to 3 (error); all 0 without analysis."""
    levels = np.zeros(len(index_of), dtype=int)
    worst = analysis.region_severity() if analysis is not None else {}
    for code, severity in worst.items():
        row = index_of.get(code)
        if row is not None:
            levels[row] = SEVERITY_LEVEL.get(severity, 0)
    return levels


def colour_by_comparison(comparison, index_of, labels: Sequence[str] = ColourLabels.comparison,
                         ) -> tuple[np.ndarray, LegendEntries]:
    """Colour what the other plan of a ``PlanDiff`` adds, removes and changes, region by region.

    A region with several kinds of difference shows as changed.
    """
    palette = {kind: _rgba(colour) for kind, colour in COMPARISON_COLOURS.items()}
    state: dict[int, str] = {}
    for kind, keys in (
        ("added", [a.key for a in comparison.added]),
        ("removed", [a.key for a in comparison.removed]),
        ("changed", [c.key for c in comparison.changed]),
    ):
        for region, _industry in keys:
            row = index_of.get(region)
            if row is not None:
                state[row] = kind if state.get(row, kind) == kind else "changed"
    facecolors = np.tile(palette["same"], (len(index_of), 1))
    for row, kind in state.items():
        facecolors[row] = palette[kind]
    kinds = ("added", "removed", "changed", "same")
    return facecolors, [(label, palette[kind]) for label, kind in zip(labels, kinds, strict=True)]


def plan_colours(mode: str, plan, index_of, *, analysis=None, industry: str = "",
                 comparison=None, labels: ColourLabels = ColourLabels(), level: str | None = None,
                 nesting=None) -> tuple[np.ndarray, LegendEntries]:
    """The face colours and legend of a plan's map: the one place the window and exports ask.

    Parameters
    ----------
    mode : str
        ``count`` (industries per region), ``industry`` (who takes ``industry``, lead or
        support), ``severity`` (worst flag of ``analysis``) or ``comparison`` (what
        ``comparison``, a ``PlanDiff``, adds, removes and changes).
    plan : Plan
    index_of : mapping of region code to row
        The layer's rows.
    level : str, optional
        The layer's level (``plan.level``, the level shown, by default). Assignments
        made above it are drawn on their children and those below it rolled up
        (:func:`cluster_planner.analysis.levels.shown_plan`).
    nesting : Nesting, optional
        How the levels nest (the bundled layers' by default); only asked for a plan
        with assignments off ``level``.
    """
    plan = _on_level(plan, level or plan.level, nesting)
    if mode == "count":
        return colour_by_count(region_counts(plan, index_of), label=labels.count)
    if mode == "industry":
        lead, support = industry_masks(plan, industry, index_of)
        return colour_by_industry(
            lead, support, lead_label=labels.lead.format(industry=labels.industry_name(industry)),
            support_label=labels.support, none_label=labels.not_chosen,
        )
    if mode == "severity":
        return colour_by_severity(severity_levels(analysis, index_of), labels=labels.severity)
    if mode == "comparison":
        return colour_by_comparison(comparison, index_of, labels.comparison)
    raise ValueError(f"colour mode must be count, industry, severity or comparison, not {mode!r}")
