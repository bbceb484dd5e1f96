"""The window's dialogs: unsaved changes, errors, level switch, recovery, plan comparison.

Each question is one function returning the user's answer as a plain value, so the
window's logic reads as ``if ask_save_changes(...) == "cancel": return`` and tests can
answer a dialog by replacing one function.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.qt.commands import role_name
from cluster_planner.qt.flags_panel import severity_name


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def ask_save_changes(parent: QWidget | None, plan_name: str) -> str:
    """Ask whether to save ``plan_name`` first: ``"save"``, ``"discard"`` or ``"cancel"``."""
    box = QMessageBox(parent)
    box.setObjectName("saveChangesBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Dialogs", "Unsaved changes"))
    box.setText(QCoreApplication.translate("Dialogs", "The plan “{name}” has unsaved changes.").format(name=plan_name))
    box.setInformativeText(QCoreApplication.translate("Dialogs", "Do you want to save them?"))
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Show a one-line error (e.g. a ``PlanFileError``) in a modal box."""
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


def show_information(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(parent)
    box.setObjectName("informationBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(message)
    box.exec()


def level_name(level: str) -> str:
    """The translated name of a region level."""
    return {
        "province": QCoreApplication.translate("Dialogs", "province"),
        "prefecture": QCoreApplication.translate("Dialogs", "prefecture"),
        "county": QCoreApplication.translate("Dialogs", "county"),
    }.get(level, level)


def ask_region(parent: QWidget | None, labels: Sequence[str]) -> str | None:
    """Let the user type part of a region's name or code and pick it; the chosen label."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("goToRegionDialog")
    dialog.setWindowTitle(QCoreApplication.translate("Dialogs", "Go to region"))
    dialog.setLabelText(QCoreApplication.translate("Dialogs", "Region (Chinese or English name, or code):"))
    dialog.setComboBoxItems(list(labels))
    dialog.setComboBoxEditable(True)
    dialog.setTextValue("")
    combo = dialog.findChild(QComboBox)
    if combo is not None:
        completer = QCompleter(list(labels), dialog)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        combo.setCompleter(completer)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue().strip() or None


class RecoveryDialog(QDialog):
    """Offers the plans recovered from autosave files after a crash.

    Parameters
    ----------
    entries
        ``(label, value)`` pairs: the text shown for each recovery file and what
        :meth:`chosen` returns for it.
    """

    def __init__(self, entries: Sequence[tuple[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(QCoreApplication.translate("Dialogs", "Recover unsaved plans"))
        self.discard_all = False
        text = QLabel(
            QCoreApplication.translate("Dialogs",
                "Cluster Planner did not close cleanly. These plans had unsaved changes "
                "that were saved automatically:"
            )
        )
        text.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("recoveryList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for label, value in entries:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(
            QCoreApplication.translate("Dialogs", "Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.discard_button = buttons.addButton(
            QCoreApplication.translate("Dialogs", "Discard all"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = buttons.addButton(QCoreApplication.translate("Dialogs", "Later"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setObjectName("restoreButton")
        self.discard_button.setObjectName("discardRecoveriesButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.discard_button.clicked.connect(self._discard_all)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def _discard_all(self) -> None:
        self.discard_all = True
        self.reject()

    def chosen(self) -> Any:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class CompareDialog(QDialog):
    """Lists what another plan adds, removes and changes, with both plans' figures.

    Non-modal: while it is open the window colours the map by the comparison.
    Selecting rows asks the window to select their regions (``regionsSelected``).

    Parameters
    ----------
    region_label, industry_label
        Turn a code or an id into the names shown.
    """

    regionsSelected = Signal(list)

    def __init__(
        self,
        region_label: Callable[[str], str],
        industry_label: Callable[[str], str],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(QCoreApplication.translate("Dialogs", "Compare plans"))
        self._region_label = region_label
        self._industry_label = industry_label
        self.summary = QLabel()
        self.summary.setObjectName("compareSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(
            [QCoreApplication.translate("Dialogs", "Change"), QCoreApplication.translate("Dialogs", "Code"), QCoreApplication.translate("Dialogs", "Region"), QCoreApplication.translate("Dialogs", "Industry"), QCoreApplication.translate("Dialogs", "This plan"), QCoreApplication.translate("Dialogs", "Other plan")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.itemSelectionChanged.connect(self._on_rows_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def show_diff(self, diff: Any, other_path: str) -> None:
        """Fill the dialog from a core ``PlanDiff`` (this plan is ``a``, the file ``b``)."""
        lines = [
            QCoreApplication.translate("Dialogs", "<b>This plan:</b> {a} &nbsp; <b>Other plan:</b> {b} ({path})").format(
                a=html.escape(diff.name_a), b=html.escape(diff.name_b), path=html.escape(other_path)
            ),
            html.escape(
                QCoreApplication.translate("Dialogs", "{added} added, {removed} removed, {changed} changed in {regions} regions").format(
                    added=len(diff.added),
                    removed=len(diff.removed),
                    changed=len(diff.changed),
                    regions=len(diff.regions_touched),
                )
            ),
        ]
        if diff.figures_a is not None and diff.figures_b is not None:
            lines.append(
                html.escape(
                    QCoreApplication.translate("Dialogs", "Homogeneity index: this plan {a:.3f}, other plan {b:.3f}").format(
                        a=diff.homogeneity_a, b=diff.homogeneity_b
                    )
                )
            )
            for severity in ("error", "warning", "info"):
                count_a = diff.figures_a.flags_by_severity.get(severity, 0)
                count_b = diff.figures_b.flags_by_severity.get(severity, 0)
                if count_a or count_b:
                    lines.append(
                        html.escape(
                            QCoreApplication.translate("Dialogs", "{severity} flags: this plan {a}, other plan {b}").format(
                                severity=severity_name(severity), a=count_a, b=count_b
                            )
                        )
                    )
        self.summary.setText("<br>".join(lines))
        rows: list[tuple[str, str, str, str, str]] = []
        for assignment in diff.added:
            rows.append((QCoreApplication.translate("Dialogs", "added"), assignment.region, assignment.industry, "", role_name(assignment.role)))
        for assignment in diff.removed:
            rows.append((QCoreApplication.translate("Dialogs", "removed"), assignment.region, assignment.industry, role_name(assignment.role), ""))
        for change in diff.changed:
            before, after = change.before, change.after
            rows.append(
                (
                    QCoreApplication.translate("Dialogs", "changed"),
                    before.region,
                    before.industry,
                    _assignment_text(before, change.fields),
                    _assignment_text(after, change.fields),
                )
            )
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for row, (kind, region, industry, before, after) in enumerate(rows):
            cells = (kind, region, self._region_label(region), self._industry_label(industry), before, after)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, region)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()

    def _on_rows_selected(self) -> None:
        regions = {
            cast(QTableWidgetItem, self.table.item(index.row(), 0)).data(Qt.ItemDataRole.UserRole)
            for index in self.table.selectionModel().selectedRows()
        }
        self.regionsSelected.emit(sorted(regions))


def _assignment_text(assignment: Any, fields: Sequence[str]) -> str:
    text = role_name(assignment.role)
    if "note" in fields:
        text += f" · {assignment.note or '—'}"
    return text
