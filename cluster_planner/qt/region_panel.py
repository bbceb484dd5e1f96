"""The list of selected regions (Chinese and English names, adcode, industries taken)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.domain.plan import Change
from cluster_planner.qt.document import PlanDocument, RegionSelection

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class RegionPanel(QWidget):
    """Shows the selection; double-clicking a region asks the window to centre on it.

    Signals
    -------
    regionActivated(str)
        The user double-clicked (or pressed Enter on) a region.
    """

    regionActivated = Signal(str)

    def __init__(self, document: PlanDocument, selection: RegionSelection, parent: Any = None):
        super().__init__(parent)
        self._document = document
        self._selection = selection
        self.setObjectName("regionPanel")

        self._summary = QLabel()
        self._summary.setObjectName("selectionSummary")
        self._clear_button = QPushButton()
        self._clear_button.setObjectName("clearSelectionButton")
        self._clear_button.clicked.connect(selection.clear)
        self.list = QListWidget()
        self.list.setObjectName("selectedRegionsList")
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(
            lambda item: self.regionActivated.emit(item.data(CODE_ROLE))
        )

        header = QHBoxLayout()
        header.addWidget(self._summary, 1)
        header.addWidget(self._clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.list)

        selection.changed.connect(self.refresh)
        document.planReplaced.connect(self.refresh)
        document.planEdited.connect(self._on_plan_edited)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_clear_button"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-set every text in the language just installed."""
        self._clear_button.setText(self.tr("Clear"))
        self._clear_button.setToolTip(self.tr("Clear the selection (Esc on the map)"))
        self.refresh()

    def refresh(self) -> None:
        codes = self._selection.codes
        self.list.clear()
        ready = self._document.layer is not None
        for code in codes:
            taken = len(self._document.plan.industries_of(code))
            label = self._document.region_label(code) if ready else code
            text = (
                self.tr("{name} ({code}) · 1 industry")
                if taken == 1
                else self.tr("{name} ({code}) · %n industries", "", taken)
            ).format(name=label, code=code)
            item = QListWidgetItem(text)
            item.setData(CODE_ROLE, code)
            self.list.addItem(item)
        if not codes:
            self._summary.setText(self.tr("No region selected: click the map (Ctrl+click adds)"))
        else:
            self._summary.setText(self.tr("{count} selected").format(count=len(codes)))
        self._clear_button.setEnabled(bool(codes))

    def _on_plan_edited(self, change: Change) -> None:
        if change.regions & set(self._selection.codes):
            self.refresh()
