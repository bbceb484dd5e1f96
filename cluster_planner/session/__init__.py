"""The planning session: one Qt-free model under the window and every command.

:class:`~cluster_planner.session.session.PlanSession` owns the open plan, its level's
data, the local conditions with the user's facts, imported statistics, the analysis,
the selection and the view state, and performs what a user does (open, save, select,
assign, import, compare, export). The window adapts it to Qt; the commands ask it.
"""

from __future__ import annotations

from cluster_planner.session.level import LevelData, load_level_data
from cluster_planner.session.session import PlanSession

__all__ = ["LevelData", "PlanSession", "load_level_data"]
