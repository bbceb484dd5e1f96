"""A table model over the open plan's assignments (napari-style adapter of a core list).

One row per assignment; the model follows the plan through the document's signals and
updates only the rows an edit touched. Columns: region code, region, industry, pillar,
role, note, fit and flags. The note column is editable (an undoable note edit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from cluster_planner.domain.plan import Change
from cluster_planner.qt.commands import role_name
from cluster_planner.qt.document import PlanDocument
from cluster_planner.qt.i18n import current_language, document_names
from cluster_planner.text.messages import flag_message, kind_name

#: The value to sort by (numbers for fit and flags, text otherwise).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: The ``(region, industry)`` key of the row.
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("code", "region", "industry", "pillar", "role", "note", "fit", "flags")
_SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}

AnyIndex = QModelIndex | QPersistentModelIndex


class AssignmentsModel(QAbstractTableModel):
    """The plan's assignments as a table.

    Parameters
    ----------
    document
        The open document; the model listens to its signals.
    """

    def __init__(self, document: PlanDocument, parent: Any = None):
        super().__init__(parent)
        self._document = document
        self._keys: list[tuple[str, str]] = []
        self._row_of: dict[tuple[str, str], int] = {}
        # A line added to every row's tooltip (who changed a shared plan's assignment
        # last), or None.
        self.tooltip_extra: Callable[[tuple[str, str]], str] | None = None
        document.planReplaced.connect(self._reload)
        document.planEdited.connect(self._on_plan_edited)
        document.analysisUpdated.connect(self._on_analysis_updated)
        self._reload()

    # -- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._header(COLUMNS[section])
        return None

    def _header(self, column: str) -> str:
        # Looked up on every call, so the headers follow a language change.
        return {
            "code": self.tr("Code"),
            "region": self.tr("Region"),
            "industry": self.tr("Industry"),
            "pillar": self.tr("Pillar"),
            "role": self.tr("Role"),
            "note": self.tr("Note"),
            "fit": self.tr("Fit"),
            "flags": self.tr("Flags"),
        }[column]

    def retranslate(self) -> None:
        """Show names, roles and headers in the language just installed."""
        self.beginResetModel()
        self.endResetModel()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and COLUMNS[index.column()] == "note":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._keys):
            return None
        key = self._keys[index.row()]
        column = COLUMNS[index.column()]
        if role == KEY_ROLE:
            return key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(key, column, editing=role == Qt.ItemDataRole.EditRole)
        if role == SORT_ROLE:
            return self._sort_value(key, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(key, column)
            extra = self.tooltip_extra(key) if self.tooltip_extra is not None else ""
            return "\n".join(text for text in (tip, extra) if text) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("fit", "flags"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if COLUMNS[index.column()] != "note":
            return False
        region, industry = self._keys[index.row()]
        plan = self._document.plan
        assignment = plan.get(region, industry)
        note = str(value)
        if assignment is None or assignment.note == note:
            return False
        try:
            edit = plan.set_note(region, industry, note)
        except ValueError:
            return False
        self._document.push(edit)
        return True

    # -- helpers --------------------------------------------------------------------
    def _tooltip(self, key: tuple[str, str], column: str) -> str:
        if column in ("note", "flags"):
            return self._display(key, column, editing=True, full=True) or ""
        if column == "region":
            return self._document.region_other_label(key[0])
        if column == "industry":
            return self._document.industry_other_label(key[1])
        return ""

    def key_at(self, row: int) -> tuple[str, str]:
        return self._keys[row]

    def row_of(self, key: tuple[str, str]) -> int | None:
        return self._row_of.get(key)

    def _display(self, key: tuple[str, str], column: str, editing: bool = False, full: bool = False) -> Any:
        region, industry = key
        document = self._document
        assignment = document.plan.get(region, industry)
        if assignment is None:
            return None
        if column == "code":
            return region
        if column == "region":
            return document.region_label(region)
        if column == "industry":
            return document.industry_label(industry)
        if column == "pillar":
            return document.pillar_name(document.industry_pillar(industry))
        if column == "role":
            return role_name(assignment.role)
        if column == "note":
            if editing:
                return assignment.note
            return " ".join(assignment.note.split())
        if column == "fit":
            fit = document.fit(region, industry)
            return "" if fit is None else f"{fit:.2f}"
        if column == "flags":
            flags = document.flags_for(region, industry)
            language = current_language()
            if full:
                names = document_names(document)
                return "\n".join(flag_message(flag, language, names) for flag in flags)
            return ", ".join(sorted({kind_name(str(getattr(flag, "kind", "")), language) for flag in flags}))
        return None

    def _sort_value(self, key: tuple[str, str], column: str) -> Any:
        region, industry = key
        if column == "fit":
            fit = self._document.fit(region, industry)
            return -1.0 if fit is None else float(fit)
        if column == "flags":
            flags = self._document.flags_for(region, industry)
            worst = max((_SEVERITY_RANK.get(getattr(f, "severity", ""), 0) for f in flags), default=0)
            return worst * 1000 + len(flags)
        return str(self._display(key, column) or "")

    # -- following the plan --------------------------------------------------------------
    def _reload(self) -> None:
        self.beginResetModel()
        self._keys = sorted(a.key for a in self._document.plan)
        self._row_of = {key: row for row, key in enumerate(self._keys)}
        self.endResetModel()

    def _on_plan_edited(self, change: Change) -> None:
        plan = self._document.plan
        removed = sorted(
            (self._row_of[key] for key in change.keys if key in self._row_of and key not in plan),
            reverse=True,
        )
        for row in removed:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._keys[row]
            self.endRemoveRows()
        if removed:
            self._row_of = {key: row for row, key in enumerate(self._keys)}
        added = sorted(key for key in change.keys if key in plan and key not in self._row_of)
        if added:
            first = len(self._keys)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._keys.extend(added)
            for offset, key in enumerate(added):
                self._row_of[key] = first + offset
            self.endInsertRows()
        for key in change.keys:
            changed = self._row_of.get(key)
            if changed is not None and key not in added:
                self.dataChanged.emit(self.index(changed, 0), self.index(changed, len(COLUMNS) - 1))

    def _on_analysis_updated(self) -> None:
        if self._keys:
            first, last = COLUMNS.index("fit"), COLUMNS.index("flags")
            self.dataChanged.emit(self.index(0, first), self.index(len(self._keys) - 1, last))


class AssignmentsProxy(QSortFilterProxyModel):
    """Sorts by each column's natural value and filters on every column's text."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
