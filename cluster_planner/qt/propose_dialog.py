# PySide6 sets Qt properties given as keyword arguments (objectName=..., enabled=...);
# its stubs list only the constructors' own parameters.
# mypy: disable-error-code="call-overload,call-arg"
"""Plan > Propose differentiated layout…: the optimiser's settings, progress and result.

The dialog declares its edges at the top: it reads the open plan and its analysis
context from a :class:`~cluster_planner.qt.document.PlanDocument`, runs
:func:`cluster_planner.analysis.optimise.propose` on a copy of the plan in a worker
thread (progress from the solver's callbacks, Cancel stops it and keeps the best
proposal found), shows the result against the draft, and applies accepted changes
through ``document.push``: each accepted change is one undo step, "Accept all" one step.
No planning rule lives here.

Run on its own (``python -m cluster_planner.qt.propose_dialog PLAN``) to preview it.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.analysis.optimise import (
    OptimiseSettings,
    Progress,
    Proposal,
    SettingsConflict,
    parse_cap,
    parse_lock,
    propose,
)
from cluster_planner.qt.i18n import current_language, document_names, other_language
from cluster_planner.text.proposals import change_reason, conflict_message


def _items(field: QLineEdit) -> list[str]:
    """The comma- or semicolon-separated entries of a line edit."""
    return [text.strip() for text in field.text().replace(";", ",").split(",") if text.strip()]


class _SolveThread(QThread):
    """Runs one proposal; ``progressed`` and ``solved`` / ``failed`` reach the dialog queued."""

    progressed = Signal(object)
    solved = Signal(object)
    failed = Signal(object)  # the SettingsConflict or ValueError, worded by the dialog

    def __init__(self, plan: Any, context: Any, settings: OptimiseSettings, parent: Any = None):
        super().__init__(parent)
        self.plan, self.context, self.settings = plan, context, settings
        self.stop_requested = threading.Event()

    def run(self) -> None:
        try:
            proposal = propose(
                self.plan, self.context, self.settings,
                progress=self.progressed.emit, should_stop=self.stop_requested.is_set,
            )
        except (SettingsConflict, ValueError) as error:
            self.failed.emit(error)
            return
        self.solved.emit(proposal)


class ProposeDialog(QDialog):
    """Settings, progress and Cancel; then the changes against the draft, to accept.

    Signals
    -------
    proposalReady(object)
        A :class:`Proposal` is shown (also after Cancel, with the best one found).
    """

    proposalReady = Signal(object)

    def __init__(self, document: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("proposeDialog")
        self.setWindowTitle(self.tr("Propose differentiated layout"))
        self.document = document
        self.proposal: Proposal | None = None
        self._draft: Any = None
        self._thread: _SolveThread | None = None
        # -- settings
        self.max_changes = QSpinBox(objectName="maxChanges", minimum=-1, maximum=1_000_000, value=-1)
        self.max_changes.setSpecialValueText(self.tr("no limit"))
        self.min_leads = QSpinBox(objectName="minLeads", minimum=-1, maximum=100, value=-1)
        self.min_leads.setSpecialValueText(self.tr("as in the draft"))
        self.max_leads = QSpinBox(objectName="maxLeads", minimum=-1, maximum=100, value=-1)
        self.max_leads.setSpecialValueText(self.tr("as in the draft"))
        self.locks = QLineEdit(objectName="locks")
        self.locks.setPlaceholderText(self.tr("REGION:INDUSTRY, e.g. 340100:new-energy-vehicles"))
        self.caps = QLineEdit(objectName="caps")
        self.caps.setPlaceholderText(self.tr("INDUSTRY=N, e.g. integrated-circuits=8 (default: the analysis' caps)"))
        self.excluded_regions = QLineEdit(objectName="excludedRegions")
        self.excluded_regions.setPlaceholderText(self.tr("region codes, e.g. 540000, 650000"))
        self.excluded_industries = QLineEdit(objectName="excludedIndustries")
        self.excluded_industries.setPlaceholderText(self.tr("industry ids, e.g. steel, coal-chemicals"))
        self.division = QCheckBox(self.tr("Division of labour: caps apply per segment of the chain"),
                                  objectName="divisionOfLabour", checked=True)
        self.unverified = QCheckBox(self.tr("Keep unverified assignments of the draft"),
                                    objectName="keepUnverified", checked=True)
        self.time_limit = QDoubleSpinBox(objectName="timeLimit", minimum=1.0, maximum=600.0, value=30.0)
        self.time_limit.setSuffix(self.tr(" s"))
        form = QFormLayout()
        form.addRow(self.tr("Most changes:"), self.max_changes)
        form.addRow(self.tr("Lead industries per region, at least:"), self.min_leads)
        form.addRow(self.tr("Lead industries per region, at most:"), self.max_leads)
        form.addRow(self.tr("Locked assignments:"), self.locks)
        form.addRow(self.tr("Caps:"), self.caps)
        form.addRow(self.tr("Excluded regions:"), self.excluded_regions)
        form.addRow(self.tr("Excluded industries:"), self.excluded_industries)
        form.addRow(self.division)
        form.addRow(self.unverified)
        form.addRow(self.tr("Time limit:"), self.time_limit)
        # -- progress and result
        self.progress = QProgressBar(objectName="proposeProgress", minimum=0, maximum=1, value=0)
        self.status = QLabel(objectName="proposeStatus", wordWrap=True)
        self.summary = QLabel(objectName="proposeSummary", wordWrap=True)
        self.table = QTableWidget(0, 5, objectName="proposeTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Change"), self.tr("Region"), self.tr("Industry"), self.tr("Role"), self.tr("Reason")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.propose_button = QPushButton(self.tr("&Propose"), objectName="proposeButton")
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="cancelButton", enabled=False)
        self.accept_selected_button = QPushButton(self.tr("Accept &selected"), objectName="acceptSelected", enabled=False)
        self.accept_all_button = QPushButton(self.tr("Accept &all"), objectName="acceptAll", enabled=False)
        self.close_button = QPushButton(self.tr("Close"), objectName="closeButton")
        self.propose_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.accept_selected_button.clicked.connect(self.accept_selected)
        self.accept_all_button.clicked.connect(self.accept_all)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.propose_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.accept_selected_button, self.accept_all_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 620)

    # -- settings ------------------------------------------------------------------
    def settings(self) -> OptimiseSettings:
        """The settings as the planner set them (ValueError on a malformed lock)."""
        locks = tuple(parse_lock(text) for text in _items(self.locks))
        return OptimiseSettings(
            caps=dict(parse_cap(text) for text in _items(self.caps)),
            excluded_regions=tuple(_items(self.excluded_regions)),
            excluded_industries=tuple(_items(self.excluded_industries)),
            max_changes=None if self.max_changes.value() < 0 else self.max_changes.value(),
            min_leads=None if self.min_leads.value() < 0 else self.min_leads.value(),
            max_leads=None if self.max_leads.value() < 0 else self.max_leads.value(),
            locks=locks,
            division_of_labour=self.division.isChecked(),
            keep_unverified=self.unverified.isChecked(),
            time_limit=self.time_limit.value(),
        )

    # -- solving -----------------------------------------------------------------
    def start(self) -> None:
        """Propose for the open plan in a worker thread."""
        if self._thread is not None:
            return
        context = self.document.context
        if context is None:
            self.status.setText(self.tr("The plan cannot be analysed yet: its layer is still loading."))
            return
        try:
            settings = self.settings()
        except ValueError as error:
            self.status.setText(str(error))
            return
        self._draft = self.document.plan.copy()
        self._show_running(True)
        self.status.setText(self.tr("Solving…"))
        thread = self._thread = _SolveThread(self._draft, context, settings, self)
        thread.progressed.connect(self._on_progress)
        thread.solved.connect(self._on_solved)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(self._on_thread_finished)
        thread.start()

    def cancel(self) -> None:
        """Stop the solver; the best proposal found so far is shown."""
        if self._thread is not None:
            self._thread.stop_requested.set()
            self.status.setText(self.tr("Stopping…"))

    def is_running(self) -> bool:
        return self._thread is not None

    def _show_running(self, running: bool) -> None:
        self.progress.setMaximum(0 if running else 1)
        self.progress.setValue(0 if running else 1)
        self.propose_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.accept_all_button.setEnabled(False)
        self.accept_selected_button.setEnabled(False)

    def _on_progress(self, progress: Progress) -> None:
        self.status.setText(
            self.tr("Solving… {seconds:.1f} s: best {objective:.2f}, bound {bound:.2f}, gap {gap:.2%}").format(
                seconds=progress.seconds, objective=progress.objective, bound=progress.bound,
                gap=progress.gap if progress.gap == progress.gap else 0.0,
            )
        )

    def _on_failed(self, error: Exception) -> None:
        if isinstance(error, SettingsConflict):
            self.status.setText(conflict_message(error, current_language(), document_names(self.document)))
        else:
            self.status.setText(str(error))

    def _on_thread_finished(self) -> None:
        self._thread = None
        self._show_running(False)
        if self.proposal is not None:
            self.accept_all_button.setEnabled(bool(self.proposal.changes))
            self.accept_selected_button.setEnabled(bool(self.proposal.changes))

    def _on_solved(self, proposal: Proposal) -> None:
        self.proposal = proposal
        statuses = {"optimal": self.tr("optimal"), "time limit": self.tr("time limit reached"),
                    "cancelled": self.tr("cancelled"), "unchanged": self.tr("no change needed"),
                    "empty": self.tr("empty plan")}
        self.status.setText(
            self.tr("{status}: objective {objective:.2f}, bound {bound:.2f}, gap {gap:.2%}, {seconds:.1f} s").format(
                status=statuses.get(proposal.status, proposal.status), objective=proposal.objective,
                bound=proposal.bound,
                gap=proposal.gap, seconds=proposal.seconds,
            )
        )
        lines = list(proposal.messages)
        lines.append(
            self.tr("{changes} changes; error flags {before} → {after}; total fit {fit_a:.2f} → {fit_b:.2f}").format(
                changes=len(proposal.changes), before=proposal.errors_before, after=proposal.errors_after,
                fit_a=proposal.draft_fit, fit_b=proposal.proposal_fit,
            )
        )
        lines.extend(self.tr("Not cleared: {what}").format(what=sentence) for sentence in proposal.unmet)
        self.summary.setText("\n".join(lines))
        actions = {"add": self.tr("add"), "drop": self.tr("drop"), "role": self.tr("role")}
        # The reason in the window's language; its tooltip adds the other language, as the flags do.
        language, names = current_language(), document_names(self.document)
        self.table.setRowCount(len(proposal.changes))
        for row, change in enumerate(proposal.changes):
            reason = change_reason(change, language, names)
            other = change_reason(change, other_language(language), names)
            tooltip = reason if other == reason else f"{reason}\n\n{other}"
            role = " → ".join(
                self._role(role) for role in (change.role_before, change.role_after) if role
            ) if change.action == "role" else self._role(change.role_after or change.role_before)
            cells = (
                actions[change.action], self.document.region_label(change.region),
                self.document.industry_label(change.industry), role, reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.proposalReady.emit(proposal)

    def _role(self, role: str | None) -> str:
        return {"lead": self.tr("lead"), "support": self.tr("support")}.get(role or "", "")

    # -- accepting ---------------------------------------------------------------
    def accept_selected(self) -> None:
        """Apply the selected changes, each as its own undo step."""
        if self.proposal is None:
            return
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        for row in rows:
            item = self.table.item(row, 0)
            if item is None or item.flags() == Qt.ItemFlag.NoItemFlags:  # accepted already
                continue
            change = self.proposal.changes[row]
            self.document.push(self.proposal.edit_for(change), self.tr("Proposal: {change}").format(change=change.text))
            self._mark_accepted(row)

    def accept_all(self) -> None:
        """Apply the whole proposal (segment notes too) as one undo step."""
        if self.proposal is None or self._draft is None:
            return
        self.document.push(self.proposal.edits(self._draft), self.tr("Accept the proposed layout"))
        for row in range(self.table.rowCount()):
            self._mark_accepted(row)
        self.accept_all_button.setEnabled(False)
        self.accept_selected_button.setEnabled(False)

    def _mark_accepted(self, row: int) -> None:
        for column in range(self.table.columnCount()):
            item = self.table.item(row, column)
            if item is not None:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # greyed: accepted

    def reject(self) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.wait()
        super().reject()


if __name__ == "__main__":  # a preview: python -m cluster_planner.qt.propose_dialog PLAN
    import sys

    from PySide6.QtWidgets import QApplication

    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.io.planfile import load_plan
    from cluster_planner.qt.document import PlanDocument, load_level_data

    app = QApplication(sys.argv)
    catalog = load_catalog()
    plan = load_plan(sys.argv[1], catalog=catalog)
    document = PlanDocument(catalog, load_level_data(plan.level, catalog))
    document.set_plan(plan, document.level_data)
    dialog = ProposeDialog(document)
    dialog.show()
    sys.exit(app.exec())
