"""Every user edit as a command object, applied and inverted by the core.

A command's :meth:`apply` changes the session and returns the command that undoes it
(Orange3's owpaintdata shape); front ends never change a plan any other way. The
session runs commands through its ``command_stack`` (glue's ``command_stack.do(cmd)``):
:class:`CommandStack` here for scripts and the command line, a ``QUndoStack`` adapter in
the window (:mod:`cluster_planner.qt.commands`), which wraps each one in a generic
``QUndoCommand``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from cluster_planner.domain.plan import Edit, Put

if TYPE_CHECKING:
    from cluster_planner.session.session import PlanSession


class Command(Protocol):
    """An edit of the session that returns its own inverse when applied."""

    def apply(self, session: PlanSession) -> Command: ...


@dataclass(frozen=True)
class PlanCommand:
    """A plan edit (:mod:`cluster_planner.domain.plan`: assign, unassign, role, note, rename, batch)."""

    edit: Edit

    def apply(self, session: PlanSession) -> PlanCommand:
        return PlanCommand(session.plan.apply(self.edit))

    @property
    def note_key(self) -> tuple[str, str] | None:
        """The assignment whose note this edits (consecutive note edits merge), else ``None``."""
        edit = self.edit
        if isinstance(edit, Put) and edit.kind == "note":
            return (edit.region, edit.industry)
        return None


@dataclass(frozen=True)
class FactCommand:
    """A local-conditions edit (``SetFact``, ``RemoveFact``, ``FactBatch``), kept with the plan."""

    edit: Any

    def apply(self, session: PlanSession) -> FactCommand:
        return FactCommand(session.apply_fact_edit(self.edit))


@dataclass(frozen=True)
class StatisticsCommand:
    """Use an imported region x industry table (``None`` drops it), kept with the plan."""

    table: Any

    def apply(self, session: PlanSession) -> StatisticsCommand:
        return StatisticsCommand(session.apply_statistics(self.table))


class CommandStack:
    """A plain undo stack: :meth:`do`, :meth:`undo`, :meth:`redo` and a clean mark.

    Parameters
    ----------
    session
        The session the commands apply to.
    """

    def __init__(self, session: PlanSession):
        self._session = session
        self._done: list[tuple[Command, Command]] = []  # (command, its inverse)
        self._undone: list[Command] = []
        self._clean_at: int | None = 0

    def do(self, command: Command, text: str | None = None) -> None:  # noqa: ARG002 (same shape as the Qt stack)
        """Apply ``command`` as one undo step (``text`` names it where a front end shows it)."""
        inverse = command.apply(self._session)
        self._done.append((command, inverse))
        self._undone.clear()
        if self._clean_at is not None and self._clean_at >= len(self._done):
            self._clean_at = None

    def undo(self) -> None:
        if self._done:
            command, inverse = self._done.pop()
            inverse.apply(self._session)
            self._undone.append(command)

    def redo(self) -> None:
        if self._undone:
            command = self._undone.pop()
            self._done.append((command, command.apply(self._session)))

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._clean_at = 0

    def is_clean(self) -> bool:
        return self._clean_at == len(self._done)

    def set_clean(self) -> None:
        self._clean_at = len(self._done)

    def reset_clean(self) -> None:
        """Never clean again until :meth:`set_clean` (a restored, never-saved plan)."""
        self._clean_at = None
