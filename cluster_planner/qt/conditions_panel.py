"""The "Local conditions" dock: the selected region's facts, with Add, Edit and Remove.

Each row is one fact of the region: condition, value, detail, status and source (a link
when the source holds a web address; clicking opens it). Facts whose status is
``unconfirmed`` or ``unknown`` are greyed and marked "not counted": they are shown but
never raise a fit (see :mod:`cluster_planner.domain.conditions`).

Add, Edit and Remove build core fact edits (``SetFact``, ``RemoveFact``) and push them on
the document's undo stack as a session :class:`~cluster_planner.session.commands.FactCommand`,
the same stack as the plan edits, so Ctrl+Z undoes a condition edit like an assignment.

Where the edits are saved: local conditions belong to the data, but a plan's analysis
depends on them, so the user's edits and imports are saved with the plan in
``plan.settings["user_facts"]`` as an overlay on the bundled facts (rows that add or
change a fact, and rows that remove a bundled one). A reopened plan, or its autosave,
gives the same fit and flags; another plan starts from the bundled facts. See
:mod:`cluster_planner.qt.document`.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.qt.document import PlanDocument, RegionSelection
from cluster_planner.qt.fit_dialog import condition_label, open_address, source_html, status_name

#: The fact key ``(region, condition, detail)`` of a row.
FACT_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("condition", "value", "detail", "status", "source")
UNCOUNTED_GREY = QColor("#8a8a8a")


class FactDialog(QDialog):
    """Asks for one fact: condition, value, detail, source and status.

    Parameters
    ----------
    region_label
        The region's name, shown in the title.
    catalog
        The industry catalog (a ``base`` fact's detail is an industry id).
    fact
        The fact to edit, or ``None`` to add one.
    """

    def __init__(self, region_label: str, catalog: Any, fact: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        from cluster_planner.domain.catalog import BASE_CONDITION, load_condition_types
        from cluster_planner.domain.conditions import STATUSES

        self.setObjectName("factDialog")
        self._base = BASE_CONDITION
        self._catalog = catalog
        self.setWindowTitle(
            (self.tr("Edit local condition of {region}") if fact else self.tr("Add local condition to {region}"))
            .format(region=region_label)
        )
        self.condition_combo = QComboBox()
        self.condition_combo.setObjectName("factCondition")
        for condition in load_condition_types():
            self.condition_combo.addItem(f"{condition_label(condition)} ({condition})", condition)
        self.value_spin = QDoubleSpinBox()
        self.value_spin.setObjectName("factValue")
        self.value_spin.setRange(0.0, 1.0)
        self.value_spin.setSingleStep(0.1)
        self.value_spin.setDecimals(2)
        self.value_spin.setValue(1.0)
        self.detail_combo = QComboBox()
        self.detail_combo.setObjectName("factDetail")
        self.detail_combo.setEditable(True)
        self.source_edit = QLineEdit()
        self.source_edit.setObjectName("factSource")
        self.source_edit.setPlaceholderText(self.tr("Web address or document that states it (required)"))
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("factStatus")
        for status in STATUSES:
            self.status_combo.addItem(status_name(status), status)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("factProblem")
        self.problem_label.setStyleSheet("color: #c0392b")
        self.problem_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Condition:"), self.condition_combo)
        form.addRow(self.tr("Strength (0–1):"), self.value_spin)
        form.addRow(self.tr("Detail:"), self.detail_combo)
        form.addRow(self.tr("Source:"), self.source_edit)
        form.addRow(self.tr("Status:"), self.status_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

        self.condition_combo.currentIndexChanged.connect(self._fill_details)
        if fact is not None:
            self.condition_combo.setCurrentIndex(max(0, self.condition_combo.findData(fact.condition)))
            self.value_spin.setValue(float(fact.value))
            self.source_edit.setText(fact.source)
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(fact.status)))
        self._fill_details()
        if fact is not None:
            self.set_detail(fact.detail)

    def _fill_details(self) -> None:
        """A ``base`` fact's detail is an industry: offer the catalog; otherwise free text."""
        current = self.detail()
        self.detail_combo.clear()
        if self.condition_combo.currentData() == self._base:
            for industry in self._catalog.industries:
                self.detail_combo.addItem(f"{industry.name_zh} {industry.name_en}", industry.id)
            self.detail_combo.setEditable(False)
        else:
            self.detail_combo.setEditable(True)
            self.detail_combo.setEditText(current)

    def set_detail(self, detail: str) -> None:
        index = self.detail_combo.findData(detail)
        if index >= 0:
            self.detail_combo.setCurrentIndex(index)
        elif self.detail_combo.isEditable():
            self.detail_combo.setEditText(detail)

    def detail(self) -> str:
        if self.detail_combo.isEditable():
            return self.detail_combo.currentText().strip()
        return str(self.detail_combo.currentData() or "")

    def fact(self, region: str) -> Any:
        """The fact the dialog describes, for ``region``."""
        from cluster_planner.domain.conditions import Fact

        return Fact(
            region=region,
            condition=str(self.condition_combo.currentData()),
            value=round(self.value_spin.value(), 4),
            detail=self.detail(),
            source=" ".join(self.source_edit.text().split()),
            status=str(self.status_combo.currentData()),
        )

    def accept(self) -> None:
        if not " ".join(self.source_edit.text().split()):
            self.problem_label.setText(self.tr("Every fact needs its source: give a web address or a document."))
            self.source_edit.setFocus()
            return
        super().accept()


class ImportReportDialog(QDialog):
    """Says how many imported rows were applied and lists the bad ones by line number."""

    def __init__(self, summary: str, problems: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importReportDialog")
        self.setWindowTitle(self.tr("Import report"))
        self.summary = QLabel(summary)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.problems = QPlainTextEdit("\n".join(problems))
        self.problems.setObjectName("importProblems")
        self.problems.setReadOnly(True)
        self.problems.setVisible(bool(problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self.resize(640, 360 if problems else 140)


class ConditionsPanel(QWidget):
    """The selected region's local conditions, editable through the undo stack.

    Signals
    -------
    explainRequested(str, str)
        The user asked why the region fits an industry: ``(region, industry)``.
    """

    explainRequested = Signal(str, str)

    def __init__(
        self,
        document: PlanDocument,
        selection: RegionSelection,
        current_industry: Any = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("conditionsPanel")
        self._document = document
        self._selection = selection
        self._current_industry = current_industry or (lambda: "")
        self.region = ""

        self.heading = QLabel()
        self.heading.setObjectName("conditionsHeading")
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("conditionsTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("source"), QHeaderView.ResizeMode.Stretch)
        for column, width in (("condition", 130), ("value", 40), ("detail", 170), ("status", 100)):
            header.resizeSection(COLUMNS.index(column), width)
        self.table.itemSelectionChanged.connect(self.update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_selected())

        self.add_button = QPushButton()
        self.add_button.setObjectName("addFactButton")
        self.add_button.clicked.connect(lambda: self.add_fact())
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editFactButton")
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeFactButton")
        self.remove_button.clicked.connect(self.remove_selected)
        self.explain_button = QPushButton()
        self.explain_button.setObjectName("explainFitButton")
        self.explain_button.clicked.connect(self._explain)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.explain_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        selection.changed.connect(lambda _codes: self.refresh())
        document.planReplaced.connect(self.refresh)
        document.conditionsChanged.connect(self.refresh)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "explain_button"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-set every text in the language just installed."""
        self.table.setHorizontalHeaderLabels(
            [self.tr("Condition"), self.tr("Value"), self.tr("Detail"), self.tr("Status"), self.tr("Source")]
        )
        self.add_button.setText(self.tr("&Add…"))
        self.add_button.setToolTip(self.tr("Add a local condition to the selected region (with its source)"))
        self.edit_button.setText(self.tr("&Edit…"))
        self.remove_button.setText(self.tr("Remo&ve"))
        self.explain_button.setText(self.tr("Why this fit?"))
        self.explain_button.setToolTip(
            self.tr("Explain the fit of the chosen industry in the selected region")
        )
        self.refresh()

    # -- showing ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the facts of the selected region (the first one if several are selected)."""
        document = self._document
        codes = self._selection.codes
        self.region = codes[0] if codes and document.layer is not None else ""
        conditions = document.conditions
        key = self.selected_key()
        self.table.setRowCount(0)
        if not self.region:
            self.heading.setText(self.tr("Select a region on the map to see its local conditions."))
        elif conditions is None:
            self.heading.setText(
                self.tr("No local conditions loaded: {problem}").format(problem=document.analysis_problem)
            )
        else:
            facts = conditions.facts_for(self.region)
            counted = sum(1 for fact in facts if fact.counted)
            self.heading.setText(
                self.tr("{region} ({code}): {count} facts, {counted} counted for fit").format(
                    region=document.region_label(self.region), code=self.region,
                    count=len(facts), counted=counted,
                )
            )
            self.table.setRowCount(len(facts))
            for row, fact in enumerate(facts):
                self._fill_row(row, fact)
                if fact.key == key:
                    self.table.selectRow(row)
        self.update_buttons()

    def _fill_row(self, row: int, fact: Any) -> None:
        not_counted = self.tr("not counted: only confirmed, implied or derived facts raise the fit")
        texts = {
            "condition": condition_label(fact.condition),
            "value": f"{fact.value:g}",
            "detail": self._detail_text(fact),
            "status": status_name(fact.status),
            "source": "",
        }
        for column, name in enumerate(COLUMNS):
            item = QTableWidgetItem(texts[name])
            item.setData(FACT_KEY_ROLE, fact.key)
            tooltip = {"condition": fact.condition, "source": fact.source, "detail": fact.detail}.get(name, "")
            if not fact.counted:
                item.setForeground(QBrush(UNCOUNTED_GREY))
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
                tooltip = f"{tooltip}\n{not_counted}".strip()
            item.setToolTip(tooltip)
            self.table.setItem(row, column, item)
        link = QLabel(source_html(fact.source) or self.tr("(no source)"))
        link.setObjectName("factSourceLink")
        link.setTextFormat(Qt.TextFormat.RichText)
        link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        link.setToolTip(fact.source)
        link.linkActivated.connect(open_address)
        link.setContentsMargins(3, 0, 3, 0)
        if not fact.counted:
            link.setStyleSheet("color: #8a8a8a; font-style: italic")
        self.table.setCellWidget(row, COLUMNS.index("source"), link)

    def _detail_text(self, fact: Any) -> str:
        from cluster_planner.domain.catalog import BASE_CONDITION

        if fact.condition == BASE_CONDITION and fact.detail in self._document.catalog.by_id:
            return self._document.industry_label(fact.detail)
        return fact.detail

    def selected_key(self) -> tuple[str, str, str] | None:
        """The key of the selected fact, or ``None``."""
        items = self.table.selectedItems()
        if not items:
            return None
        key = items[0].data(FACT_KEY_ROLE)
        return tuple(key) if key else None

    def select_fact(self, condition: str, detail: str = "") -> bool:
        """Select the row of the region's fact ``(condition, detail)``; ``False`` if absent."""
        for row in range(self.table.rowCount()):
            key = cast(QTableWidgetItem, self.table.item(row, 0)).data(FACT_KEY_ROLE)
            if key and tuple(key)[1:] == (condition, detail):
                self.table.selectRow(row)
                return True
        return False

    def update_buttons(self) -> None:
        editable = bool(self.region) and self._document.conditions is not None
        self.add_button.setEnabled(editable)
        has_fact = editable and self.selected_key() is not None
        self.edit_button.setEnabled(has_fact)
        self.remove_button.setEnabled(has_fact)
        self.explain_button.setEnabled(bool(self.region) and bool(self._current_industry()))

    # -- editing ---------------------------------------------------------------------
    def add_fact(self, fact: Any = None) -> bool:
        """Add a fact to the selected region: ``fact`` as given, or asked in a dialog."""
        if not self.region or self._document.conditions is None:
            return False
        if fact is None:
            dialog = FactDialog(self._document.region_label(self.region), self._document.catalog, None, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            fact = dialog.fact(self.region)
        conditions = self._document.conditions
        self._document.push_fact_edit(conditions.set_fact(fact))
        self.select_fact(fact.condition, fact.detail)
        return True

    def edit_selected(self, fact: Any = None) -> bool:
        """Replace the selected fact with ``fact`` (or one asked in a dialog)."""
        key = self.selected_key()
        conditions = self._document.conditions
        if key is None or conditions is None:
            return False
        old = conditions.get(*key)
        if old is None:
            return False
        if fact is None:
            dialog = FactDialog(self._document.region_label(self.region), self._document.catalog, old, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            fact = dialog.fact(self.region)
        if fact == old:
            return False
        if fact.key == old.key:
            self._document.push_fact_edit(conditions.set_fact(fact))
        else:
            from cluster_planner.domain.conditions import FactBatch

            self._document.push_fact_edit(
                FactBatch((conditions.remove_fact(*old.key), conditions.set_fact(fact))),
                self.tr("Edit condition {condition} of {region}").format(
                    condition=fact.condition, region=self._document.region_label(self.region)
                ),
            )
        self.select_fact(fact.condition, fact.detail)
        return True

    def remove_selected(self) -> bool:
        """Remove the selected fact (one undo step)."""
        key = self.selected_key()
        conditions = self._document.conditions
        if key is None or conditions is None:
            return False
        self._document.push_fact_edit(conditions.remove_fact(*key))
        return True

    def _explain(self) -> None:
        industry = self._current_industry()
        if self.region and industry:
            self.explainRequested.emit(self.region, industry)
