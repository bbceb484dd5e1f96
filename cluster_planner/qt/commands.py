"""One generic ``QUndoCommand`` for every session command.

The core builds the commands (:mod:`cluster_planner.session.commands`: plan edits,
local-conditions edits, statistics) and knows how to invert them; this module only
wraps them for a ``QUndoStack`` (Orange3's owpaintdata style): ``redo`` applies the
command and keeps the inverse the core returns, ``undo`` applies that inverse.
:class:`UndoStackAdapter` gives the stack the session's ``command_stack.do(cmd)``
shape. Consecutive note edits to the same assignment merge into one undo step, so
typing a note is undone in one go.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from cluster_planner.domain.plan import Batch, Edit, Put, Rename, SetSetting

#: ``QUndoCommand.id`` of note edits; commands with the same id may merge.
NOTE_MERGE_ID = 0x4E4F7465


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditCommand", text)


def _puts(edit: Edit) -> list[Put]:
    if isinstance(edit, Put):
        return [edit]
    if isinstance(edit, Batch):
        return [put for sub_edit in edit.edits for put in _puts(sub_edit)]
    return []


def describe_edit(
    edit: Edit,
    region_name: Callable[[str], str] = str,
    industry_name: Callable[[str], str] = str,
) -> str:
    """The undo text naming what ``edit`` does, e.g. "Assign New energy vehicles to Zhuzhou".

    Parameters
    ----------
    edit
        A core plan edit.
    region_name, industry_name
        Turn a region code and an industry id into the names shown to the user.
    """
    if isinstance(edit, Rename):
        return QCoreApplication.translate("EditCommand", "Rename plan to “{name}”").format(name=edit.name)
    if isinstance(edit, SetSetting):
        return QCoreApplication.translate("EditCommand", "Change setting {key}").format(key=edit.key)
    puts = _puts(edit)
    if not puts:
        return QCoreApplication.translate("EditCommand", "Edit plan")
    industries = {put.industry for put in puts}
    regions = {put.region for put in puts}
    industry = (
        industry_name(next(iter(industries)))
        if len(industries) == 1
        else QCoreApplication.translate("EditCommand", "{count} industries").format(count=len(industries))
    )
    region = (
        region_name(next(iter(regions)))
        if len(regions) == 1
        else QCoreApplication.translate("EditCommand", "{count} regions").format(count=len(regions))
    )
    kinds = {put.kind for put in puts}
    roles = {put.value.role for put in puts if put.value is not None}
    if kinds == {"unassign"}:
        return QCoreApplication.translate("EditCommand", "Remove {industry} from {region}").format(industry=industry, region=region)
    if kinds == {"note"}:
        return QCoreApplication.translate("EditCommand", "Edit note on {industry} in {region}").format(industry=industry, region=region)
    if kinds == {"role"} and len(roles) == 1:
        return QCoreApplication.translate("EditCommand", "Change role of {industry} in {region} to {role}").format(
            industry=industry, region=region, role=role_name(next(iter(roles)))
        )
    if roles == {"support"}:
        return QCoreApplication.translate("EditCommand", "Assign {industry} to {region} as support").format(
            industry=industry, region=region
        )
    return QCoreApplication.translate("EditCommand", "Assign {industry} to {region}").format(industry=industry, region=region)


def role_name(role: str) -> str:
    """The translated name of a role (``lead`` or ``support``)."""
    return {"lead": QCoreApplication.translate("EditCommand", "lead"), "support": QCoreApplication.translate("EditCommand", "support")}.get(role, role)


def describe_fact_edit(edit: Any, region_name: Callable[[str], str] = str) -> str:
    """The undo text of a local-conditions edit, e.g. "Add condition sea-port to Zhuzhou"."""
    from cluster_planner.domain.conditions import FactBatch, RemoveFact, SetFact

    if isinstance(edit, SetFact):
        return _tr("Set condition {condition} of {region}").format(
            condition=edit.fact.condition, region=region_name(edit.fact.region)
        )
    if isinstance(edit, RemoveFact):
        return _tr("Remove condition {condition} from {region}").format(
            condition=edit.condition, region=region_name(edit.region)
        )
    if isinstance(edit, FactBatch):
        return _tr("Import {count} local conditions").format(count=len(edit.edits))
    return _tr("Edit local conditions")


def describe_command(command: Any, document: Any) -> str:
    """The undo text of a session command, with the document's names in the active language."""
    from cluster_planner.session.commands import FactCommand, PlanCommand, StatisticsCommand

    if isinstance(command, PlanCommand):
        return describe_edit(command.edit, document.region_label, document.industry_label)
    if isinstance(command, FactCommand):
        return describe_fact_edit(command.edit, document.region_label)
    if isinstance(command, StatisticsCommand):
        if command.table is None:
            return QCoreApplication.translate("EditCommand", "Drop the imported statistics")
        return QCoreApplication.translate("EditCommand", "Import statistics from {file}").format(
            file=Path(command.table.source).name
        )
    return _tr("Edit plan")


class SessionCommand(QUndoCommand):
    """Apply one session command as one undo step, named after what it does.

    Parameters
    ----------
    document
        The open document: its ``session`` applies the command; its names describe it.
    command
        A :mod:`cluster_planner.session.commands` command.
    text
        The undo text, kept as it is; by default :func:`describe_command`, named again
        when the language changes (:meth:`retranslate`).
    """

    def __init__(self, document: Any, command: Any, text: str | None = None):
        super().__init__()
        self._session = document.session
        self._command = command
        self._inverse: Any = None
        self._describes_itself = text is None
        self.setText(describe_command(command, document) if text is None else text)

    @property
    def command(self) -> Any:
        return self._command

    def retranslate(self, document: Any) -> None:
        """Describe the command again in the language just installed (if this one did)."""
        if self._describes_itself:
            self.setText(describe_command(self._command, document))

    def redo(self) -> None:
        self._inverse = self._command.apply(self._session)

    def undo(self) -> None:
        if self._inverse is not None:
            self._inverse.apply(self._session)

    def id(self) -> int:
        return NOTE_MERGE_ID if getattr(self._command, "note_key", None) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Fold a later note edit to the same assignment into this one."""
        if not isinstance(other, SessionCommand) or other.id() != NOTE_MERGE_ID:
            return False
        if other._session is not self._session or other._command.note_key != self._command.note_key:
            return False
        # ``other`` is already applied; our inverse still restores the note before typing.
        self._command = other._command
        self.setText(other.text())
        self._describes_itself = other._describes_itself
        inverse = getattr(self._inverse, "edit", None)
        if isinstance(inverse, Put) and inverse.value == other._command.edit.value:
            self.setObsolete(True)  # typed back to the original note: nothing to undo
        return True


class EditCommand(SessionCommand):
    """A plan edit (possibly a :class:`Batch`) as one undo step; build it with ``plan.assign_industry``..."""

    def __init__(self, document: Any, edit: Edit, text: str | None = None):
        from cluster_planner.session.commands import PlanCommand

        super().__init__(document, PlanCommand(edit), text)


class UndoStackAdapter:
    """A ``QUndoStack`` in the shape of the session's ``command_stack`` (``do``, ``undo``...).

    The stack's clean state stays the "unsaved changes" mark.
    """

    def __init__(self, stack: QUndoStack, document: Any):
        self.stack = stack
        self._document = weakref.ref(document)  # the document owns the session that owns us

    def do(self, command: Any, text: str | None = None) -> None:
        self.stack.push(SessionCommand(self._document(), command, text))

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    def clear(self) -> None:
        self.stack.clear()

    def is_clean(self) -> bool:
        return self.stack.isClean()

    def set_clean(self) -> None:
        self.stack.setClean()

    def reset_clean(self) -> None:
        self.stack.resetClean()
