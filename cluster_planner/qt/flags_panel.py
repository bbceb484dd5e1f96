"""The analysis flags as a table (sortable by severity, filtered by kind) with details.

Selecting a flag asks the window to highlight its regions on the map. The table follows
the document's ``analysisUpdated`` signal, so it updates after every edit without a
button. Without analysis (the module missing or its data unusable) the panel says so.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.analysis.engine import FLAG_KINDS
from cluster_planner.qt.document import PlanDocument
from cluster_planner.qt.i18n import current_language, document_names, other_language
from cluster_planner.text.evidence import evidence_rows
from cluster_planner.text.messages import flag_message, kind_name, suggestion_text

FLAG_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# Industry and regions are in the message and the details below; the table stays narrow.
_COLUMNS = ("severity", "kind", "message")


def severity_name(severity: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {
        "info": QCoreApplication.translate("Severity", "info"),
        "warning": QCoreApplication.translate("Severity", "warning"),
        "error": QCoreApplication.translate("Severity", "error"),
    }
    return names.get(severity, severity)


def severity_count(severity: str, count: int) -> str:
    """``"17 warnings"``, ``"1 error"``: Qt's %n plural forms (English picks by count)."""
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    if severity == "error":
        return translate("Severity", "1 error") if count == 1 else translate("Severity", "%n errors", "", count)
    if severity == "warning":
        return translate("Severity", "1 warning") if count == 1 else translate("Severity", "%n warnings", "", count)
    return translate("Severity", "1 info") if count == 1 else translate("Severity", "%n info", "", count)


def _finding(flag: Any) -> tuple[Any, ...]:
    return (flag.kind, flag.industry, tuple(flag.regions))


class FlagsModel(QAbstractTableModel):
    """The current analysis' flags, one row each, filtered by kind and sorted.

    The model filters and sorts itself rather than sitting behind a
    ``QSortFilterProxyModel``: a proxy re-sorts every row through ``data()`` on each
    reset, which at county level (about 14,000 flags) took most of a second per edit.
    The analysis already lists flags by severity, so the default order costs nothing,
    and other orders sort once in Python on precomputed keys.
    """

    def __init__(self, document: PlanDocument, parent: Any = None):
        super().__init__(parent)
        self._document = document
        self._flags: list[Any] = []  # the analysis' order (errors first)
        self._rows: list[Any] = []  # what the table shows: filtered and sorted
        self._kind = ""
        self._regions: frozenset[str] = frozenset()  # empty: flags of every region
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.DescendingOrder
        # Messages in the active language are formatted when shown, then kept here.
        self._messages: dict[int, str] = {}
        self._names: Any = None
        self._language = current_language()
        document.analysisUpdated.connect(self.reload)
        document.planReplaced.connect(self._forget_names)
        self.reload()

    def _forget_names(self) -> None:
        self._names = None

    @property
    def kind(self) -> str:
        """The kind shown (``""``: every kind)."""
        return self._kind

    def message(self, flag: Any) -> str:
        """The flag's message in the active language."""
        language = current_language()
        if language == "en":
            return str(flag.message)
        if language != self._language:
            self._messages.clear()
            self._language = language
        key = id(flag)
        text = self._messages.get(key)
        if text is None:
            text = self._messages[key] = flag_message(flag, language, self.names())
        return text

    def names(self) -> Any:
        if self._names is None:
            self._names = document_names(self._document)
        return self._names

    def retranslate(self) -> None:
        """Show the headers and messages in the language just installed."""
        self.beginResetModel()
        self._messages.clear()
        self._rows = self._arrange()
        self.endResetModel()

    def reload(self) -> None:
        analysis = self._document.analysis
        self.beginResetModel()
        self._flags = list(getattr(analysis, "flags", []) or [])
        # The analyzer reuses unchanged flags: keep their formatted messages.
        if self._messages:
            alive = {id(flag) for flag in self._flags}
            self._messages = {key: text for key, text in self._messages.items() if key in alive}
        self._rows = self._arrange()
        self.endResetModel()

    def set_kind(self, kind: str) -> None:
        """Show only flags of ``kind`` (``""``: all)."""
        if kind == self._kind:
            return
        self.beginResetModel()
        self._kind = kind
        self._rows = self._arrange()
        self.endResetModel()

    @property
    def regions(self) -> frozenset[str]:
        """The regions whose flags are shown (empty: every region's)."""
        return self._regions

    def set_regions(self, codes: Any) -> None:
        """Show only the flags about at least one of ``codes`` (empty: all)."""
        regions = frozenset(codes)
        if regions == self._regions:
            return
        self.beginResetModel()
        self._regions = regions
        self._rows = self._arrange()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102
        if not 0 <= column < len(_COLUMNS):
            return
        self.beginResetModel()
        self._sort_column, self._sort_order = column, order
        self._rows = self._arrange()
        self.endResetModel()

    def _arrange(self) -> list[Any]:
        kind = self._kind
        rows = [flag for flag in self._flags if flag.kind == kind] if kind else list(self._flags)
        if self._regions:
            regions = self._regions
            rows = [flag for flag in rows if not regions.isdisjoint(flag.regions)]
        column = _COLUMNS[self._sort_column]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if column == "severity":
            if descending:
                return rows  # the analysis' own order: errors, warnings, infos
            return sorted(rows, key=lambda flag: SEVERITY_RANK.get(flag.severity, 0))
        if column == "kind":
            language = current_language()
            names = {k: kind_name(k, language) for k in {flag.kind for flag in rows}}
            return sorted(rows, key=lambda flag: names[flag.kind], reverse=descending)
        return sorted(rows, key=lambda flag: " ".join(self.message(flag).split()), reverse=descending)

    def flag_at(self, row: int) -> Any:
        """The flag shown in ``row``."""
        return self._rows[row]

    def row_of(self, flag: Any) -> int:
        """The row showing ``flag``, or the same finding after an edit, or -1.

        The same finding is the same kind, industry and regions: its numbers and
        suggestions may have moved with the edit.
        """
        for row, shown in enumerate(self._rows):
            if shown is flag:
                return row
        key = _finding(flag)
        for row, shown in enumerate(self._rows):
            if _finding(shown) == key:
                return row
        return -1

    def all_flags(self) -> list[Any]:
        """Every flag of the analysis, whatever the filter."""
        return self._flags

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("Severity"), self.tr("Kind"), self.tr("Message"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        flag = self._rows[index.row()]
        column = _COLUMNS[index.column()]
        if role == FLAG_ROLE:
            return flag
        if role == KIND_ROLE:
            return flag.kind
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "severity":
                return severity_name(flag.severity)
            if column == "kind":
                return kind_name(flag.kind, current_language())
            if column == "message":
                return " ".join(self.message(flag).split())
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "message":
                return self.message(flag)
            if column == "kind":
                return kind_name(flag.kind, other_language(current_language()))
        return None


class FlagsPanel(QWidget):
    """Flags table, kind filter and the selected flag's details.

    Signals
    -------
    highlightRequested(list)
        Adcodes of the selected flag's regions (empty list: clear the highlight).
    """

    highlightRequested = Signal(list)

    def __init__(self, document: PlanDocument, parent: Any = None):
        super().__init__(parent)
        self._document = document
        self.setObjectName("flagsPanel")
        self.model = FlagsModel(document, self)

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("flagKindFilter")
        self.kind_filter.addItem(self.tr("All kinds"), "")
        for kind in FLAG_KINDS:
            self.kind_filter.addItem(kind_name(kind, current_language()), kind)
            self.kind_filter.setItemData(
                self.kind_filter.count() - 1, kind_name(kind, other_language(current_language())),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.kind_filter.currentIndexChanged.connect(
            lambda: self.model.set_kind(self.kind_filter.currentData())
        )
        self.summary = QLabel()
        self.summary.setObjectName("flagsSummary")

        self.table = QTableView()
        self.table.setObjectName("flagsTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 72)  # room for 严重程度 and the sort arrow
        header.resizeSection(1, 118)
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.details = QTextBrowser()
        self.details.setObjectName("flagDetails")
        self.details.setOpenLinks(False)

        self.unavailable = QLabel(
            self.tr(
                "Analysis not available: the plan can be drafted and saved, but no flags "
                "are computed."
            )
        )
        self.unavailable.setObjectName("analysisUnavailable")
        self.unavailable.setWordWrap(True)
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.unavailable)
        self._stack.addWidget(splitter)

        top = QHBoxLayout()
        self.kind_label = QLabel(self.tr("Kind:"))
        top.addWidget(self.kind_label)
        top.addWidget(self.kind_filter)
        top.addWidget(self.summary, 1)
        # "Showing flags of 2 regions · Show all": the table follows the selected regions.
        self.scope_bar = QWidget()
        self.scope_bar.setObjectName("flagsScopeBar")
        self.scope_label = QLabel()
        self.scope_label.setObjectName("flagsScopeLabel")
        self.show_all_button = QPushButton(self.tr("Show all"))
        self.show_all_button.setObjectName("flagsShowAll")
        self.show_all_button.clicked.connect(self.show_all)
        scope_layout = QHBoxLayout(self.scope_bar)
        scope_layout.setContentsMargins(0, 0, 0, 0)
        scope_layout.addWidget(self.scope_label, 1)
        scope_layout.addWidget(self.show_all_button)
        self.scope_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scope_bar)
        layout.addWidget(self._stack, 1)

        self._kept_flag: Any = None
        self._kept_scroll = 0
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._on_reset)
        self._on_reset()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "kind_label"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-set every text in the language just installed (the flags stay selected)."""
        language = current_language()
        self.kind_label.setText(self.tr("Kind:"))
        self.kind_filter.setItemText(0, self.tr("All kinds"))
        for index in range(1, self.kind_filter.count()):
            kind = str(self.kind_filter.itemData(index))
            self.kind_filter.setItemText(index, kind_name(kind, language))
            self.kind_filter.setItemData(
                index, kind_name(kind, other_language(language)), Qt.ItemDataRole.ToolTipRole
            )
        self.show_all_button.setText(self.tr("Show all"))
        self.model.retranslate()

    def filter_to_regions(self, codes: Any) -> None:
        """Show the flags of the selected regions ``codes`` (none selected: every flag)."""
        self.model.set_regions(codes)
        self._update_scope_bar()

    def show_all(self) -> None:
        """Every region's flags again (until the selection changes)."""
        self.model.set_regions(())
        self._update_scope_bar()

    def _update_scope_bar(self) -> None:
        count = len(self.model.regions)
        if not count:
            self.scope_bar.hide()
            return
        shown = self.model.rowCount()
        self.scope_label.setText(
            (
                self.tr("Showing the flags of 1 region")
                if count == 1
                else self.tr("Showing the flags of %n regions", "", count)
            )
            + (self.tr(" (1 flag)") if shown == 1 else self.tr(" (%n flags)", "", shown))
        )
        self.scope_bar.show()

    def selected_flag(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.data(rows[0], FLAG_ROLE)

    def _remember_selection(self) -> None:
        # Before the model resets (an edit, a filter, a sort, a language): the selected
        # flag and the scroll position, so that the reset does not lose the reader's place.
        self._kept_flag = self.selected_flag()
        self._kept_scroll = self.table.verticalScrollBar().value()

    def _on_reset(self) -> None:
        self._update_scope_bar()
        available = self._document.analysis_available
        self._stack.setCurrentIndex(1 if available else 0)
        self.kind_filter.setEnabled(available)
        if not available:
            self.summary.setText("")
            problem = self._document.analysis_problem
            text = self.tr(
                "Analysis not available: the plan can be drafted and saved, but no flags "
                "are computed."
            )
            self.unavailable.setText(f"{text}\n\n{problem}" if problem else text)
        else:
            counts = Counter(flag.severity for flag in self.model.all_flags())
            parts = [severity_count(s, counts[s]) for s in ("error", "warning", "info") if s in counts]
            self.summary.setText(self.tr(", ").join(parts) if parts else self.tr("No flags"))
        flag, self._kept_flag = self._kept_flag, None
        row = self.model.row_of(flag) if flag is not None and available else -1
        if row < 0:
            self.details.clear()
            self.highlightRequested.emit([])
            return
        # The same finding is still there (perhaps with new numbers): keep it selected
        # and in view.
        self.table.verticalScrollBar().setValue(self._kept_scroll)
        self.table.selectRow(row)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        flag = self.selected_flag()
        if flag is None:
            self.details.clear()
            self.highlightRequested.emit([])
            return
        self.details.setHtml(self._flag_html(flag))
        self.highlightRequested.emit(list(flag.regions))

    def _flag_html(self, flag: Any) -> str:
        document = self._document
        parts = [
            f"<p><b>{html.escape(severity_name(flag.severity))}</b> · "
            f"{html.escape(kind_name(flag.kind, current_language()))}</p>",
            f"<p>{html.escape(self.model.message(flag))}</p>",
        ]
        regions = ", ".join(html.escape(document.region_label(code)) for code in flag.regions)
        if regions:
            heading = self.tr("Regions:")  # lupdate finds tr() outside f-strings only
            parts.append(f"<p><b>{html.escape(heading)}</b> {regions}</p>")
        evidence = evidence_rows(flag, current_language(), self.model.names())
        if evidence:
            rows = "".join(
                f"<tr><td><i>{html.escape(term)}</i>&nbsp;&nbsp;</td><td>{html.escape(text)}</td></tr>"
                for term, text in evidence
            )
            heading = self.tr("Evidence")
            parts.append(f"<p><b>{html.escape(heading)}</b></p><table>{rows}</table>")
        suggestions = getattr(flag, "suggestions", None) or []
        if suggestions:
            items = "".join(f"<li>{html.escape(self._suggestion_text(s))}</li>" for s in suggestions)
            heading = self.tr("Suggestions")
            parts.append(f"<p><b>{html.escape(heading)}</b></p><ul>{items}</ul>")
        return "".join(parts)

    def _suggestion_text(self, suggestion: Any) -> str:
        if isinstance(suggestion, str):
            return suggestion
        if hasattr(suggestion, "action") and hasattr(suggestion, "text"):
            return suggestion_text(suggestion, current_language(), self.model.names())
        if isinstance(suggestion, dict) and suggestion.get("text"):
            return str(suggestion["text"])
        if isinstance(suggestion, dict):
            text = []
            if "region" in suggestion:
                text.append(self._document.region_label(str(suggestion["region"])))
            if "industry" in suggestion:
                text.append(self._document.industry_label(str(suggestion["industry"])))
            if "fit" in suggestion:
                text.append(self.tr("fit {fit:.2f}").format(fit=float(suggestion["fit"])))
            rest = {k: v for k, v in suggestion.items() if k not in ("region", "industry", "fit")}
            text.extend(f"{k}: {_short(v)}" for k, v in rest.items())
            return " · ".join(text)
        return str(suggestion)


def _short(value: Any, limit: int = 120) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
