"""What a session keeps in the plan file besides the assignments: the user's facts and statistics.

Both live in ``plan.settings`` (a free object in format version 1, which every reader
of that version accepts), so a reopened plan gives the same analysis in the window and
on the command line.

``settings["user_facts"]`` (:data:`USER_FACTS_SETTING`)
    A list of rows, each a fact that differs from the bundled data
    (``region, condition, detail, value, source, status``) or a bundled fact the user
    removed (``region, condition, detail, removed: true``). The bundled facts stay the
    data's; the overlay is re-applied on opening.
``settings["statistics"]`` (:data:`STATISTICS_SETTING`)
    The imported region x industry table: ``{"source": "<file it came from>",
    "values": {"<region>": {"<industry>": value, ...}, ...}}``, only non-zero cells
    (a region or an industry without data changes no location quotient, proximity or
    density, see :meth:`RegionIndustryTable.aligned`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

USER_FACTS_SETTING = "user_facts"
STATISTICS_SETTING = "statistics"


def user_fact_rows(conditions: Any, bundled: Any) -> list[dict[str, Any]]:
    """The overlay that turns the ``bundled`` facts into ``conditions``, as plan-setting rows.

    Facts that are new or differ from the bundled one with the same key become fact
    rows; bundled facts missing from ``conditions`` become ``removed`` rows. Sorted by key.
    """
    bundled_facts = {fact.key: fact for fact in bundled} if bundled is not None else {}
    rows: list[dict[str, Any]] = []
    for fact in conditions:
        if bundled_facts.get(fact.key) != fact:
            rows.append({**fact.to_row(), "value": float(fact.value)})
    for key in bundled_facts:
        if conditions.get(*key) is None:
            rows.append({"region": key[0], "condition": key[1], "detail": key[2], "removed": True})
    return sorted(rows, key=lambda row: (row["region"], row["condition"], row["detail"]))


def conditions_with_user_facts(bundled: Any, rows: Any) -> tuple[Any, list[str]]:
    """A copy of the ``bundled`` conditions with the plan's overlay ``rows`` applied.

    Returns the new ``LocalConditions`` and one message per row that could not be used
    (a hand-edited plan file may hold anything).
    """
    from cluster_planner.domain.conditions import Fact

    # A copy keeps the datasets' coverage: which missing conditions are known absent.
    conditions = bundled.copy()
    problems: list[str] = []
    for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        try:
            key = (str(row["region"]), str(row["condition"]), str(row.get("detail", "")))
            if row.get("removed"):
                conditions.apply(conditions.remove_fact(*key))
                continue
            fact = Fact(*key[:2], float(row["value"]), key[2], str(row.get("source", "")),
                        str(row.get("status") or "confirmed"))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append(f"user fact {number}: {error}")
            continue
        conditions.apply(conditions.set_fact(fact))
    return conditions, problems


def statistics_setting(table: Any) -> dict[str, Any] | None:
    """The plan-setting value of a ``RegionIndustryTable`` (``None`` for no table)."""
    if table is None:
        return None
    values: dict[str, dict[str, float]] = {}
    rows, columns = np.nonzero(table.values)
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        values.setdefault(table.regions[row], {})[table.industries[column]] = float(
            table.values[row, column]
        )
    return {"source": str(table.source), "values": values}


def statistics_from_setting(
    value: Any, region_codes: Any = None, industry_ids: Any = None
) -> tuple[Any, list[str]]:
    """The ``RegionIndustryTable`` saved in a plan setting, and the problems met reading it.

    Cells naming a region or an industry not in ``region_codes`` / ``industry_ids``
    (when given), or holding anything but a finite number >= 0, are left out and each
    reported; ``(None, problems)`` when nothing usable remains.
    """
    from cluster_planner.domain.statistics import table_from_cells

    if value is None:
        return None, []
    if not isinstance(value, dict) or not isinstance(value.get("values"), dict):
        return None, ["statistics: not an object with 'values'"]
    known_regions = None if region_codes is None else set(region_codes)
    known_industries = None if industry_ids is None else set(industry_ids)
    problems: list[str] = []
    cells: dict[tuple[str, str], float] = {}
    for region, row in value["values"].items():
        if known_regions is not None and region not in known_regions:
            problems.append(f"statistics: unknown region code {region}")
            continue
        if not isinstance(row, dict):
            problems.append(f"statistics: region {region} is not an object")
            continue
        for industry, number in row.items():
            if known_industries is not None and industry not in known_industries:
                problems.append(f"statistics: unknown industry id {industry}")
            elif (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
                or number < 0
            ):
                problems.append(f"statistics: {region} {industry} is not a number >= 0")
            else:
                cells[(region, industry)] = float(number)
    if not cells:
        return None, problems
    return table_from_cells(cells, str(value.get("source", ""))), problems
