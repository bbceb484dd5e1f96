"""The dialogs of a plan store: where the server is, which plan, and a password when asked.

:class:`ServerDialog` asks for a ``postgresql://`` URL without a password and a plan
name (File > Open from server…, File > Save to server…). A URL that spells out a password
is refused with the reason: passwords come from libpq's environment (``PGPASSWORD``),
``~/.pgpass`` or :func:`ask_password`, whose answer is used for one connection and kept
nowhere.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.store.connection import redact_url, url_has_password


class ServerDialog(QDialog):
    """Asks for a store URL and a plan name.

    Parameters
    ----------
    title
        The window title (what the dialog is for).
    url, name
        The values to start from (the last URL used, the plan's name).
    """

    def __init__(self, title: str, url: str = "", name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(title)
        self.url_edit = QLineEdit(url)
        self.url_edit.setObjectName("serverUrlEdit")
        self.url_edit.setPlaceholderText("postgresql://hunan@dbhost/plans")
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("planNameEdit")
        self.problem = QLabel()
        self.problem.setObjectName("serverProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        hint = QLabel(self.tr("The password comes from ~/.pgpass or PGPASSWORD, or you are asked for it; it is never saved."))
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Server URL:"), self.url_edit)
        form.addRow(self.tr("Plan name:"), self.name_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def url(self) -> str:
        return self.url_edit.text().strip()

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def check(self) -> str:
        """Why the entries cannot be used ("" when they can)."""
        if not self.url():
            return self.tr("Give the server's URL, e.g. postgresql://hunan@dbhost/plans")
        if url_has_password(self.url()):
            return self.tr("The URL holds a password; put it in ~/.pgpass or PGPASSWORD instead, or leave it out to be asked for it")
        if not self.name():
            return self.tr("Give the plan's name on the server")
        return ""

    def accept(self) -> None:
        problem = self.check()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()


def ask_password(parent: QWidget | None, url: str) -> str | None:
    """Ask for the password of ``url``'s role; ``None`` when cancelled. Kept nowhere."""
    password, accepted = QInputDialog.getText(
        parent, QCoreApplication.translate("ServerDialog", "Password"),
        QCoreApplication.translate("ServerDialog", "Password for {url}:").format(url=redact_url(url)),
        QLineEdit.EchoMode.Password)
    return password if accepted else None
