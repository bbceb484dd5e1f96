"""The "Why this fit?" dialog in the window: the dialog, and the ways to it from the tables and the menus.

The explanation is the session's (``session.explain_fit``, ``session.suggestions_for``);
this module opens :class:`~cluster_planner.qt.fit_dialog.FitDialog` on it from the Plan
menu, a double click on an assignment, or the context menu of an assignment or a flag,
and assigns a suggested industry when the dialog asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu

from cluster_planner.qt.assignments_model import KEY_ROLE

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow


#: The most regions a flag's "Why this fit?" menu offers (a crowded industry may name 30).
_MENU_REGIONS = 12


class FitController(QObject):
    """Opens the "Why this fit?" dialog (one per window, kept as :attr:`dialog`)."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.dialog: Any = None
        self.menu: QMenu | None = None  # the last "Why this fit?" menu offered

    def connect_tables(self) -> None:
        """The assignments table and the flags table open the dialog (double click, context menu)."""
        window = self.w
        window.assignments_table.doubleClicked.connect(self.on_assignment_double_clicked)
        for table in (window.assignments_table, window.flags_panel.table):
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.assignments_table.customContextMenuRequested.connect(self.assignment_context_menu)
        window.flags_panel.table.customContextMenuRequested.connect(self.flag_context_menu)
        # A flag is a starting point: a double click or Enter opens its explanation, and
        # selecting regions narrows the flags to theirs.
        flags_table = window.flags_panel.table
        flags_table.doubleClicked.connect(lambda _index: self.explain_selected_flag())
        flags_table.installEventFilter(self)
        flags_table.selectionModel().selectionChanged.connect(lambda *_args: window._update_actions())
        window.flags_panel.model.modelReset.connect(window._update_actions)
        window.selection.changed.connect(window.flags_panel.filter_to_regions)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Enter on the flags table explains the selected flag."""
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
            and watched is self.w.flags_panel.table
            and self.w.flags_panel.selected_flag() is not None
        ):
            self.explain_selected_flag()
            return True
        return super().eventFilter(watched, event)

    def show_fit_dialog(self, region: str, industry: str) -> Any:
        """Open (or bring up) the "Why this fit?" dialog for ``industry`` in ``region``."""
        from cluster_planner.qt.fit_dialog import FitDialog

        if self.dialog is None:
            self.dialog = FitDialog(self.w.document, self.w)
            self.dialog.assignRequested.connect(self._assign_suggestion)
        self.dialog.show_fit(region, industry)
        return self.dialog

    def can_explain(self) -> bool:
        """Whether Plan > "Why this fit?" has something to explain (a flag, or a region and an industry)."""
        flag = self.w.flags_panel.selected_flag()
        if flag is not None and flag.industry and flag.regions:
            return True
        return bool(self.w.selection.codes) and bool(self.w.catalog_panel.current_industry())

    def explain_current_fit(self) -> None:
        """Explain the selected flag (when the flags have the focus, or nothing else is chosen),
        else the chosen industry in the first selected region."""
        codes = self.w.selection.codes
        industry = self.w.catalog_panel.current_industry()
        flag = self.w.flags_panel.selected_flag()
        focus = self.w.focusWidget()
        in_flags = focus is not None and self.w.flags_panel.isAncestorOf(focus)
        if flag is not None and flag.industry and flag.regions and (in_flags or not (codes and industry)):
            self.explain_flag(flag)
        elif codes and industry:
            self.show_fit_dialog(codes[0], industry)
        else:
            self.w.statusBar().showMessage(self.tr("Select a region and an industry first"), 4000)

    def explain_selected_flag(self) -> None:
        flag = self.w.flags_panel.selected_flag()
        if flag is not None:
            self.explain_flag(flag)

    def explain_flag(self, flag: Any) -> None:
        """Open "Why this fit?" on the flag's region and industry; a flag about several
        regions offers them (a menu beside its row)."""
        if not flag.industry or not flag.regions:
            self.w.statusBar().showMessage(
                self.tr("This flag is not about one industry in a region: its details list the evidence"), 5000
            )
            return
        if len(flag.regions) == 1:
            self.show_fit_dialog(flag.regions[0], flag.industry)
            return
        table = self.w.flags_panel.table
        row = table.selectionModel().selectedRows()
        rect = table.visualRect(row[0]) if row else table.viewport().rect()
        self._fit_menu(
            [(region, flag.industry) for region in flag.regions[:_MENU_REGIONS]],
            table.viewport().mapToGlobal(QPoint(rect.left() + 24, rect.bottom())),
        )

    def _assign_suggestion(self, region: str, industry: str) -> None:
        if self.w.session.plan.get(region, industry) is None:
            self.w.session.assign(industry, "lead", [region])

    def _assignment_key(self, index: Any) -> tuple[str, str] | None:
        key = self.w.assignments_proxy.data(index, KEY_ROLE) if index.isValid() else None
        return tuple(key) if key else None

    def on_assignment_double_clicked(self, index: Any) -> None:
        from cluster_planner.qt.assignments_model import COLUMNS as ASSIGNMENT_COLUMNS

        key = self._assignment_key(index)
        if key and ASSIGNMENT_COLUMNS[index.column()] != "note":  # the note column edits
            self.show_fit_dialog(*key)

    def assignment_context_menu(self, position: Any) -> None:
        key = self._assignment_key(self.w.assignments_table.indexAt(position))
        if key:
            self._fit_menu([key], self.w.assignments_table.viewport().mapToGlobal(position))

    def flag_context_menu(self, position: Any) -> None:
        table = self.w.flags_panel.table
        index = table.indexAt(position)
        if not index.isValid():
            return
        table.selectRow(index.row())
        flag = self.w.flags_panel.selected_flag()
        if flag is None or not flag.industry:
            return
        keys = [(region, flag.industry) for region in flag.regions[:_MENU_REGIONS]]
        self._fit_menu(keys, table.viewport().mapToGlobal(position))

    def _fit_menu(self, keys: list[tuple[str, str]], global_position: Any) -> None:
        menu = QMenu(self.w)
        menu.setObjectName("fitMenu")
        for region, industry in keys:
            action = menu.addAction(
                self.tr("Why this fit? {industry} in {region}").format(
                    industry=self.w.document.industry_label(industry), region=self.w.document.region_label(region)
                )
            )
            action.triggered.connect(
                lambda _checked=False, region=region, industry=industry: self.show_fit_dialog(region, industry)
            )
        self.menu = menu
        menu.popup(global_position)
