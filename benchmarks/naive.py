"""The naive way of doing each benchmarked job, measured beside the real one.

Each baseline is what a competent first version would do with the same libraries, not
a strawman; it does the same job, and the benchmark checks that it gets the same
answer where the answer can be compared.

- repaint: re-plot the regions with ``GeoDataFrame.plot`` and redraw the canvas.
- analysis: a pandas table of assignments, a dense ``n x n`` cosine-similarity matrix
  of the portfolios, flags built row by row (the real analysis groups identical
  portfolios and keeps per-industry state instead).
- hit test: project the mouse point back to lon/lat and test it against every region
  polygon with ``GeoSeries.contains`` (no spatial index, no raster).
- plan files: ``json.dump`` of the plan as a dict (name, level, one object per
  assignment) and ``json.load``, every code and id checked against the layer and the
  catalog, a Plan rebuilt; no atomic replace, no backup, no version handling.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from cluster_planner.analysis.results import ROLE_UNITS, SIMILARITY_TOLERANCE, AnalysisSettings
from cluster_planner.domain.plan import Assignment, Plan


# ----------------------------------------------------------------------------- analysis
def naive_analysis(plan: Plan, context, settings: AnalysisSettings | None = None) -> dict:
    """Flags and plan figures the straightforward way; returns comparable counts.

    Returns
    -------
    dict
        ``crowded``, ``one_size``, ``mismatch``, ``similar_pairs``,
        ``similar_neighbour_pairs``, ``chain_gaps`` (counts), ``homogeneity`` (float)
        and ``flags`` (the flag dicts).
    """
    s = settings or AnalysisSettings.from_mappings(plan.settings)
    n, m = context.n_regions, context.n_industries
    table = pd.DataFrame([(a.region, a.industry, a.role) for a in plan],
                         columns=["region", "industry", "role"])
    table["row"] = table["region"].map(context.index_of)
    table["column"] = table["industry"].map(context.industry_index)
    table = table.dropna(subset=["row", "column"]).astype({"row": int, "column": int})
    table["units"] = table["role"].map(ROLE_UNITS)
    table["fit"] = context.fit[table["row"].to_numpy(), table["column"].to_numpy()]

    counts = table.groupby("column").size().reindex(range(m), fill_value=0).to_numpy()
    supported = (context.fit >= s.fit_threshold).sum(axis=0)
    caps = np.maximum(max(s.crowding_min, math.ceil(round(s.crowding_share * n, 9))), supported)
    crowded = counts > caps

    flags = []
    for column in np.flatnonzero(crowded):
        flags.append({"kind": "crowded-industry", "severity": "warning",
                      "industry": context.industry_ids[column],
                      "message": f"{context.industry_names[column]} is planned in {counts[column]} "
                                 f"regions against a cap of {caps[column]}"})
    one_size = mismatch = 0
    low = table[table["fit"] < s.fit_threshold]
    for row in low.itertuples(index=False):
        is_crowded = bool(crowded[row.column])
        one_size += is_crowded
        mismatch += not is_crowded
        flags.append({"kind": "one-size-fits-all" if is_crowded else "local-mismatch",
                      "severity": "error" if is_crowded else "warning",
                      "industry": row.industry, "regions": [row.region],
                      "message": f"{context.names[row.row]} takes {context.industry_names[row.column]} "
                                 f"({row.role}) with a fit of only {row.fit:.2f}"})

    weights = np.zeros((n, m))
    weights[table["row"].to_numpy(), table["column"].to_numpy()] = table["units"].to_numpy()
    sizes = (weights > 0).sum(axis=1)
    norms = np.sqrt((weights ** 2).sum(axis=1))
    safe = np.where(norms > 0, norms, 1.0)
    similarity = (weights @ weights.T) / np.outer(safe, safe)  # dense n x n
    eligible = sizes >= s.min_portfolio
    similar = np.triu(similarity >= s.similarity_threshold - SIMILARITY_TOLERANCE, k=1)
    similar &= eligible[:, None] & eligible[None, :]
    first, second = np.nonzero(similar)
    adjacency = context.adjacency.tocsr()
    picked = adjacency[first, second]
    neighbours = np.asarray(picked.toarray() if hasattr(picked, "toarray") else picked).ravel().astype(bool)
    order = np.lexsort((-similarity[first, second], ~neighbours))
    for k in order[:s.max_pair_flags]:
        a, b = first[k], second[k]
        flags.append({"kind": "similar-portfolios", "severity": "warning" if neighbours[k] else "info",
                      "regions": [str(context.codes[a]), str(context.codes[b])],
                      "message": f"{context.names[a]} and {context.names[b]} have similar portfolios "
                                 f"({similarity[a, b]:.2f})"})

    nonempty = np.flatnonzero(norms > 0)
    if len(nonempty) >= 2:
        block = similarity[np.ix_(nonempty, nonempty)]
        homogeneity = float((block.sum() - np.trace(block)) / (len(nonempty) * (len(nonempty) - 1)))
    else:
        homogeneity = 0.0

    covered = (counts > 0) | context.in_base.any(axis=0)
    chain_gaps = 0
    for column in np.flatnonzero(counts > 0):
        missing = [u for u in context.upstream[column] if not covered[u]]
        if missing:
            chain_gaps += 1
            flags.append({"kind": "chain-gap", "industry": context.industry_ids[column],
                          "message": f"{context.industry_names[column]} misses "
                                     + ", ".join(context.industry_names[u] for u in missing)})

    present = weights > 0
    joins = {}
    for column in np.flatnonzero(counts > 0):
        x = present[:, column].astype(float)
        joins[context.industry_ids[column]] = float(x @ (adjacency @ x)) / 2

    return {"crowded": int(crowded.sum()), "one_size": one_size, "mismatch": mismatch,
            "similar_pairs": len(first), "similar_neighbour_pairs": int(neighbours.sum()),
            "chain_gaps": chain_gaps, "homogeneity": homogeneity, "joins": joins, "flags": flags}


def summary_counts(analysis) -> dict:
    """The counts of a real :class:`~cluster_planner.analysis.engine.Analysis` that
    :func:`naive_analysis` also computes."""
    kinds = analysis.summary["flag_kinds"]
    return {"crowded": kinds["crowded-industry"], "one_size": kinds["one-size-fits-all"],
            "mismatch": kinds["local-mismatch"], "similar_pairs": analysis.similar_pairs,
            "similar_neighbour_pairs": analysis.summary["similar_neighbour_pairs"],
            "chain_gaps": kinds["chain-gap"]}


# --------------------------------------------------------------------------- plan files
def naive_save(plan: Plan, path: Path) -> None:
    """Write the plan with one ``json.dump`` (name, level, one object per assignment)."""
    document = {"name": plan.name, "level": plan.level,
                "assignments": [{"region": a.region, "industry": a.industry, "role": a.role, "note": a.note}
                                for a in plan]}
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False)


def naive_load(path: Path, layer, catalog) -> Plan:
    """Read :func:`naive_save`'s file with ``json.load``, check every code and id, rebuild the Plan."""
    with open(path, encoding="utf-8") as stream:
        document = json.load(stream)
    regions = set(layer.codes)
    industries = {industry.id for industry in catalog.industries}
    rows = document["assignments"]
    if any(row["region"] not in regions or row["industry"] not in industries for row in rows):
        raise ValueError(f"{path}: unknown regions or industries")
    assignments = [Assignment(row["region"], row["industry"], row["role"], row["note"]) for row in rows]
    return Plan.from_assignments(assignments, name=document["name"], level=document["level"])


# ------------------------------------------------------------------------------- hit test
def naive_hit(frame, lon: float, lat: float) -> int | None:
    """The first row whose polygon contains the point, testing every polygon."""
    import shapely

    inside = frame.geometry.contains(shapely.Point(lon, lat)).to_numpy()
    rows = np.flatnonzero(inside)
    return int(rows[0]) if len(rows) else None


# -------------------------------------------------------------------------------- repaint
def naive_plot(ax, frame, facecolors, linewidth: float) -> None:
    """Clear the axes and re-plot every region with ``GeoDataFrame.plot``."""
    ax.clear()
    frame.plot(ax=ax, color=facecolors, edgecolor="white", linewidth=linewidth)
    ax.set_axis_off()
