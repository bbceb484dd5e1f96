"""The window's small dialogs: unsaved changes, errors, level switch, recovery, comparison.

Each question is one function returning the user's answer as a plain value, so the
window's logic reads as ``if ask_save_changes(...) == "cancel": return`` and tests can
answer a dialog by replacing one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def ask_save_changes(parent: QWidget | None, plan_name: str) -> str:
    """Ask whether to save ``plan_name`` first: ``"save"``, ``"discard"`` or ``"cancel"``."""
    box = QMessageBox(parent)
    box.setObjectName("saveChangesBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Unsaved changes"))
    box.setText(_tr("The plan “{name}” has unsaved changes.").format(name=plan_name))
    box.setInformativeText(_tr("Do you want to save them?"))
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
    QMessageBox.information(parent, title, message)


def ask_switch_level(parent: QWidget | None, current: str, new: str) -> bool:
    """A plan has one level: ask whether to start a new plan at ``new``."""
    box = QMessageBox(parent)
    box.setObjectName("switchLevelBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_tr("Switch level"))
    box.setText(
        _tr("This plan is drawn on the {current} level; a plan has one level.").format(
            current=level_name(current)
        )
    )
    box.setInformativeText(
        _tr("Start a new, empty plan on the {new} level? (You can save this one first.)").format(
            new=level_name(new)
        )
    )
    new_button = box.addButton(_tr("New plan"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(new_button)
    box.exec()
    return box.clickedButton() is new_button


def level_name(level: str) -> str:
    """The translated name of a region level."""
    return {
        "province": _tr("province"),
        "prefecture": _tr("prefecture"),
        "county": _tr("county"),
    }.get(level, level)


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
        self.setWindowTitle(_tr("Recover unsaved plans"))
        self.discard_all = False
        text = QLabel(
            _tr(
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
            _tr("Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.discard_button = buttons.addButton(
            _tr("Discard all"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = buttons.addButton(_tr("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setObjectName("restoreButton")
        self.discard_button.setObjectName("discardRecoveriesButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.discard_button.clicked.connect(self._discard_all)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def _discard_all(self) -> None:
        self.discard_all = True
        self.reject()

    def chosen(self) -> Any:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
