"""The events a :class:`~cluster_planner.session.session.PlanSession` announces.

Subscribe once per event type, optionally with a filter (glue's hub)::

    session.events.subscribe(on_edit, PlanEdited, filter=lambda e: bool(e.change.keys))

The window's adapter turns each into a Qt signal; a command-line run listens to none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster_planner.domain.events import EventHub

__all__ = [
    "AnalysisUpdated",
    "ConditionsChanged",
    "EventHub",
    "PathChanged",
    "PlanEdited",
    "PlanReplaced",
    "SelectionChanged",
    "SessionEvent",
    "ViewChanged",
]


class SessionEvent:
    """The base of every session event (subscribe to it to hear them all)."""


@dataclass(frozen=True)
class PlanReplaced(SessionEvent):
    """Another plan (or the same plan on another level) is now open."""


@dataclass(frozen=True)
class PlanEdited(SessionEvent):
    """An edit (or its undo) was applied; ``change`` is the plan's core ``Change``."""

    change: Any


@dataclass(frozen=True)
class AnalysisUpdated(SessionEvent):
    """``session.analysis`` was recomputed (or dropped)."""


@dataclass(frozen=True)
class ConditionsChanged(SessionEvent):
    """The local conditions or the imported statistics changed (the fit was rebuilt)."""


@dataclass(frozen=True)
class PathChanged(SessionEvent):
    """The file the plan is saved to changed."""


@dataclass(frozen=True)
class SelectionChanged(SessionEvent):
    """The selected regions, in the order they were selected."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class ViewChanged(SessionEvent):
    """A view setting changed: ``field`` is ``colour_mode``, ``colour_industry`` or ``comparison``."""

    field: str
