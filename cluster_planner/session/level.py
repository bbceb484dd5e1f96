"""What a plan needs from its region level: the layer, the bundled conditions, the fit.

Loading (:func:`load_level_data`) is plain Python, so the window may run it in a worker
thread for the county layer; every front end gets the same object from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster_planner.domain.errors import InputError


@dataclass
class LevelData:
    """Everything that depends on the region level (shared by every plan on it).

    Attributes
    ----------
    level : str
    layer : RegionLayer
    conditions : LocalConditions or None
        The bundled local conditions (never edited: a plan's facts go on a copy).
    context : AnalysisContext or None
        The fit on the bundled conditions; ``None`` when the analysis cannot run,
        ``problem`` then says why.
    problem : str
    """

    level: str
    layer: Any
    conditions: Any = None
    context: Any = None
    problem: str = ""


def load_level_data(level: str, catalog: Any) -> LevelData:
    """Load the region layer of ``level`` and what the analysis needs on it.

    A layer that cannot load raises; conditions that cannot load leave the plan
    editable without analysis.

    Raises
    ------
    cluster_planner.domain.errors.DataError
        The region layer is missing or corrupt.
    """
    from cluster_planner.analysis.fit import build_context
    from cluster_planner.domain.catalog import load_condition_types
    from cluster_planner.domain.conditions import load_conditions
    from cluster_planner.domain.regions import load_layer

    layer = load_layer(level)
    try:
        conditions = load_conditions(layer)
        context = build_context(layer, catalog, conditions, condition_types=load_condition_types())
    except InputError as error:
        return LevelData(level, layer, problem=error.one_line())
    return LevelData(level, layer, conditions, context)
