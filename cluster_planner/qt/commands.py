"""One ``QUndoCommand`` for every plan edit.

The core builds the edits (:mod:`cluster_planner.domain.plan`) and knows how to invert
them; this module only wraps them for a ``QUndoStack`` (Orange3's owpaintdata style):
``redo`` applies the edit and keeps the inverse the core returns, ``undo`` applies that
inverse. Consecutive note edits to the same assignment merge into one undo step, so
typing a note is undone in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from cluster_planner.domain.plan import Batch, Edit, Plan, Put, Rename, SetSetting

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


class _DescribedCommand(QUndoCommand):
    """An undo step named after its edit, and named again when the language changes.

    A text given by the caller is kept as it is.
    """

    def __init__(self, document: Any, edit: Any, text: str | None):
        super().__init__()
        self._edit = edit
        self._describes_itself = text is None
        self.setText(self.describe(document) if text is None else text)

    @property
    def edit(self) -> Any:
        return self._edit

    def describe(self, document: Any) -> str:
        """The undo text of the edit, with the document's names in the active language."""
        raise NotImplementedError

    def retranslate(self, document: Any) -> None:
        """Describe the edit again in the language just installed (if this command did)."""
        if self._describes_itself:
            self.setText(self.describe(document))


class EditCommand(_DescribedCommand):
    """Apply one core edit (possibly a :class:`Batch`) as one undo step.

    Parameters
    ----------
    document
        The open document; its ``plan`` at construction time is the plan this command
        edits (the stack is cleared whenever the document gets another plan).
    edit
        The edit to apply; build it with ``plan.assign_industry`` and friends.
    text
        The undo text; by default :func:`describe_edit` with the document's names.
    """

    def __init__(self, document: Any, edit: Edit, text: str | None = None):
        super().__init__(document, edit, text)
        self._plan: Plan = document.plan
        self._inverse: Edit | None = None

    def describe(self, document: Any) -> str:  # noqa: D102
        return describe_edit(self._edit, document.region_label, document.industry_label)

    def redo(self) -> None:
        self._inverse = self._plan.apply(self._edit)

    def undo(self) -> None:
        if self._inverse is not None:
            self._plan.apply(self._inverse)

    def id(self) -> int:
        edit = self._edit
        return NOTE_MERGE_ID if isinstance(edit, Put) and edit.kind == "note" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Fold a later note edit to the same assignment into this one."""
        if not isinstance(other, EditCommand) or other.id() != NOTE_MERGE_ID:
            return False
        mine, theirs = self._edit, other._edit
        if not (isinstance(mine, Put) and isinstance(theirs, Put)):
            return False
        if other._plan is not self._plan or (mine.region, mine.industry) != (
            theirs.region,
            theirs.industry,
        ):
            return False
        # ``other`` is already applied; our inverse still restores the note before typing.
        self._edit = theirs
        self.setText(other.text())
        self._describes_itself = other._describes_itself
        inverse = self._inverse
        if isinstance(inverse, Put) and inverse.value == theirs.value:
            self.setObsolete(True)  # typed back to the original note: nothing to undo
        return True


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


class FactEditCommand(_DescribedCommand):
    """Apply one core local-conditions edit (``SetFact``, ``RemoveFact``, ``FactBatch``) as one undo step.

    The document applies it (``LocalConditions.apply`` returns the inverse), records the
    plan's user facts and re-runs the analysis; ``undo`` applies the inverse the same way.

    Parameters
    ----------
    document
        The open document (``apply_fact_edit``).
    edit
        The core fact edit.
    text
        The undo text; by default :func:`describe_fact_edit`.
    """

    def __init__(self, document: Any, edit: Any, text: str | None = None):
        super().__init__(document, edit, text)
        self._document = document
        self._inverse: Any = None

    def describe(self, document: Any) -> str:  # noqa: D102
        return describe_fact_edit(self._edit, document.region_label)

    def redo(self) -> None:
        self._inverse = self._document.apply_fact_edit(self._edit)

    def undo(self) -> None:
        if self._inverse is not None:
            self._document.apply_fact_edit(self._inverse)
