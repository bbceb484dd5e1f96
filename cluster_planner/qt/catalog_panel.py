"""The industry catalog as a tree grouped by pillar, with search, assign buttons and a note.

The panel shows, for the selected regions, which industries they take (a check box per
industry: checked when every selected region takes it, partly when some do). It never
edits the plan itself: it asks the window through its signals, and the window turns
each request into one undoable command.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.domain.plan import MAX_NOTE_LENGTH, Change
from cluster_planner.qt.commands import role_name
from cluster_planner.qt.document import PlanDocument, RegionSelection

PILLAR_ORDER = ("traditional", "emerging", "future", "service", "infrastructure")
INDUSTRY_ROLE = Qt.ItemDataRole.UserRole + 1


class CatalogPanel(QWidget):
    """Industry tree, search box, Lead / Support / Remove buttons and the note editor.

    Signals
    -------
    assignRequested(str, str)
        Assign the industry (id) to every selected region with the role.
    unassignRequested(str)
        Remove the industry from every selected region.
    noteEdited(str, str, str)
        The note of ``(region, industry)`` was typed.
    currentIndustryChanged(str)
        The highlighted industry (id, or "" for none).
    """

    assignRequested = Signal(str, str)
    unassignRequested = Signal(str)
    noteEdited = Signal(str, str, str)
    currentIndustryChanged = Signal(str)

    def __init__(self, document: PlanDocument, selection: RegionSelection, parent: Any = None):
        super().__init__(parent)
        self._document = document
        self._selection = selection
        self._items: dict[str, QTreeWidgetItem] = {}
        self._pillar_items: dict[str, QTreeWidgetItem] = {}
        self._refreshing = False
        self.setObjectName("catalogPanel")

        self.search_box = QLineEdit()
        self.search_box.setObjectName("industrySearch")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._apply_search)

        self.tree = QTreeWidget()
        self.tree.setObjectName("industryTree")
        self.tree.setColumnCount(2)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._on_current_changed)

        self.lead_button = QPushButton()
        self.lead_button.setObjectName("assignLeadButton")
        self.support_button = QPushButton()
        self.support_button.setObjectName("assignSupportButton")
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("unassignButton")
        self.lead_button.clicked.connect(lambda: self._request_assign("lead"))
        self.support_button.clicked.connect(lambda: self._request_assign("support"))
        self.remove_button.clicked.connect(self._request_unassign)

        self.note_label = QLabel()
        self.note_label.setObjectName("noteLabel")
        self.note_label.setWordWrap(True)
        self.note_editor = QPlainTextEdit()
        self.note_editor.setObjectName("noteEditor")
        self.note_editor.setMaximumHeight(90)
        self.note_editor.setTabChangesFocus(True)
        self.note_editor.textChanged.connect(self._on_note_typed)
        self._note_key: tuple[str, str] | None = None

        buttons = QHBoxLayout()
        buttons.addWidget(self.lead_button)
        buttons.addWidget(self.support_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note_editor)

        selection.changed.connect(self.refresh)
        document.planReplaced.connect(self.refresh)
        document.planEdited.connect(self._on_plan_edited)
        self._retranslate_fixed_texts()
        self._build_tree()
        self.refresh()

    def _retranslate_fixed_texts(self) -> None:
        self.search_box.setPlaceholderText(self.tr("Search industries: 中文, English or pinyin"))
        self.tree.setHeaderLabels([self.tr("Industry"), self.tr("Role")])
        self.lead_button.setText(self.tr("Lead"))
        self.lead_button.setToolTip(self.tr("Assign the industry to the selected regions as lead (Ctrl+L)"))
        self.support_button.setText(self.tr("Support"))
        self.support_button.setToolTip(
            self.tr("Assign the industry to the selected regions as support (Ctrl+Shift+L)")
        )
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the industry from the selected regions (Del)"))
        self.note_editor.setPlaceholderText(self.tr("Why this region takes this industry…"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "note_editor"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-set every text in the language just installed (current industry kept)."""
        self._retranslate_fixed_texts()
        self._name_items()
        self.refresh()

    def _name_items(self) -> None:
        """Industry names in the active language, the other language in the tooltip."""
        from cluster_planner.qt.i18n import current_language, other_language

        language = current_language()
        refreshing, self._refreshing = self._refreshing, True  # renaming is not checking
        try:
            self._rename_items(language, other_language)
        finally:
            self._refreshing = refreshing

    def _rename_items(self, language: str, other_language: Any) -> None:
        for pillar, pillar_item in self._pillar_items.items():
            pillar_item.setText(0, self._document.pillar_name(pillar))
        for industry in self._document.catalog.industries:
            item = self._items.get(industry.id)
            if item is not None:
                item.setText(0, industry.name_zh if language == "zh" else industry.name_en)
                other = industry.name_zh if other_language(language) == "zh" else industry.name_en
                item.setToolTip(0, f"{other}\n{industry.id}")

    # -- public --------------------------------------------------------------------
    def current_industry(self) -> str:
        item = self.tree.currentItem()
        return "" if item is None else str(item.data(0, INDUSTRY_ROLE) or "")

    def set_current_industry(self, industry_id: str) -> None:
        item = self._items.get(industry_id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def visible_industries(self) -> list[str]:
        """Ids of the industries the search leaves visible, in tree order."""
        return [iid for iid, item in self._items.items() if not item.isHidden()]

    # -- building and refreshing -----------------------------------------------------
    def _build_tree(self) -> None:
        self.tree.clear()
        catalog = self._document.catalog
        pillars = [p for p in PILLAR_ORDER if any(i.pillar == p for i in catalog.industries)]
        pillars += sorted({i.pillar for i in catalog.industries} - set(pillars))
        for pillar in pillars:
            pillar_item = QTreeWidgetItem([self._document.pillar_name(pillar), ""])
            pillar_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = pillar_item.font(0)
            font.setBold(True)
            pillar_item.setFont(0, font)
            self.tree.addTopLevelItem(pillar_item)
            self._pillar_items[pillar] = pillar_item
        for industry in catalog.industries:
            item = QTreeWidgetItem([f"{industry.name_zh}  {industry.name_en}", ""])
            item.setData(0, INDUSTRY_ROLE, industry.id)
            item.setToolTip(0, f"{industry.name_zh}\n{industry.name_en}\n{industry.id}")
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(0, Qt.CheckState.Unchecked)
            self._pillar_items[industry.pillar].addChild(item)
            self._items[industry.id] = item
        self._name_items()
        self.tree.expandAll()

    def refresh(self) -> None:
        """Show the selected regions' industries and enable what applies."""
        codes = self._selection.codes
        plan = self._document.plan
        self._refreshing = True
        try:
            for industry_id, item in self._items.items():
                roles = [a.role for code in codes if (a := plan.get(code, industry_id))]
                if not codes or not roles:
                    state = Qt.CheckState.Unchecked
                elif len(roles) == len(codes):
                    state = Qt.CheckState.Checked
                else:
                    state = Qt.CheckState.PartiallyChecked
                # Without a selection there is nothing to check: the box would lie.
                flags = item.flags()
                if codes:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                else:
                    flags &= ~Qt.ItemFlag.ItemIsUserCheckable
                item.setFlags(flags)
                item.setCheckState(0, state)
                item.setText(1, self._roles_text(roles, len(codes)))
        finally:
            self._refreshing = False
        self._update_buttons()
        self._update_note()

    def _roles_text(self, roles: list[str], selected: int) -> str:
        if not roles:
            return ""
        if selected == 1:
            return role_name(roles[0])
        leads, supports = roles.count("lead"), roles.count("support")
        parts = []
        if leads:
            parts.append(self.tr("{count} lead").format(count=leads))
        if supports:
            parts.append(self.tr("{count} support").format(count=supports))
        return ", ".join(parts)

    def _update_buttons(self) -> None:
        enabled = bool(self._selection.codes) and bool(self.current_industry())
        for button in (self.lead_button, self.support_button, self.remove_button):
            button.setEnabled(enabled)

    def _update_note(self) -> None:
        codes = self._selection.codes
        industry_id = self.current_industry()
        assignment = (
            self._document.plan.get(codes[0], industry_id)
            if len(codes) == 1 and industry_id
            else None
        )
        if assignment is None:
            self._note_key = None
            self.note_label.setText(
                self.tr("Note: select one region and one of its industries")
            )
            self.note_editor.setEnabled(False)
            if self.note_editor.toPlainText():
                self.note_editor.blockSignals(True)
                self.note_editor.setPlainText("")
                self.note_editor.blockSignals(False)
            return
        self._note_key = assignment.key
        self.note_label.setText(
            self.tr("Note on {industry} in {region}").format(
                industry=self._document.industry_name(industry_id),
                region=self._document.region_label(codes[0]),
            )
        )
        self.note_editor.setEnabled(True)
        if self.note_editor.toPlainText() != assignment.note:
            # Only when the plan's note differs (undo, another row): typing never resets the cursor.
            self.note_editor.blockSignals(True)
            self.note_editor.setPlainText(assignment.note)
            self.note_editor.blockSignals(False)

    # -- user actions ----------------------------------------------------------------
    def _apply_search(self, text: str) -> None:
        text = text.strip()
        ranked = [hit.id for hit in self._document.catalog.search(text)] if text else list(self._items)
        found = set(ranked)
        for industry_id, item in self._items.items():
            item.setHidden(industry_id not in found)
        for pillar_item in self._pillar_items.values():
            children = [cast(QTreeWidgetItem, pillar_item.child(i)) for i in range(pillar_item.childCount())]
            pillar_item.setHidden(all(child.isHidden() for child in children))
        if text and ranked and self.current_industry() != ranked[0]:
            self.set_current_industry(ranked[0])  # the best match, ready for Ctrl+L

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._refreshing or column != 0:
            return
        industry_id = item.data(0, INDUSTRY_ROLE)
        if not industry_id or not self._selection.codes:
            return
        if item.checkState(0) == Qt.CheckState.Checked:
            self.assignRequested.emit(industry_id, "lead")
        else:
            self.unassignRequested.emit(industry_id)

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        self._update_buttons()
        self._update_note()
        self.currentIndustryChanged.emit(self.current_industry())

    def _request_assign(self, role: str) -> None:
        industry_id = self.current_industry()
        if industry_id and self._selection.codes:
            self.assignRequested.emit(industry_id, role)

    def _request_unassign(self) -> None:
        industry_id = self.current_industry()
        if industry_id and self._selection.codes:
            self.unassignRequested.emit(industry_id)

    def _on_note_typed(self) -> None:
        if self._note_key is None:
            return
        text = self.note_editor.toPlainText()
        if len(text) > MAX_NOTE_LENGTH:
            self.note_editor.blockSignals(True)
            self.note_editor.setPlainText(text[:MAX_NOTE_LENGTH])
            self.note_editor.blockSignals(False)
            text = text[:MAX_NOTE_LENGTH]
        region, industry = self._note_key
        self.noteEdited.emit(region, industry, text)

    def _on_plan_edited(self, change: Change) -> None:
        if change.regions & set(self._selection.codes):
            self.refresh()
