"""The main window: wiring of the map, the docks, the menus and their controllers to one planning session.

Every rule and every piece of state lives in the session
(:class:`~cluster_planner.session.PlanSession`, reached as ``window.session``); the
window's :class:`~cluster_planner.qt.document.PlanDocument` adapts it to Qt (signals and
the ``QUndoStack``). A user action is one call: ``assign_to_selection`` is
``session.assign``, the map's colours are ``session.map_colours``. What the window
does beside that lives in controllers beside it: files, exports, autosave and recovery
(:mod:`~cluster_planner.qt.file_controller`), imports and comparing
(:mod:`~cluster_planner.qt.data_controller`), "Why this fit?"
(:mod:`~cluster_planner.qt.fit_controller`), loading a level in a worker
(:mod:`~cluster_planner.qt.level_loader`), actions, menus and toolbar
(:mod:`~cluster_planner.qt.window_menus`).

The window owns the widgets and turns each user action into one undoable command on the
document's ``QUndoStack``; it holds no planning rules. What it does with the plan's
level: a plan holds assignments on any level, and the map shows one. Switching level
keeps the plan and its undo history (``PlanSession.show_level``): assignments above the
level shown are drawn on their children, those below rolled up, new ones are made on
the level shown. Opening a plan switches the map to the level it was saved on.

A plan has one level. Switching level with an empty, unmodified plan simply starts a
new plan on the other level; otherwise the window asks whether to start a new plan
there (after the usual Save / Discard / Cancel), and "Cancel" keeps the plan and the
level as they were. Opening a plan switches the map to the plan's level.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.domain.errors import InputError
from cluster_planner.domain.plan import Change
from cluster_planner.qt import dialogs
from cluster_planner.qt.assignments_model import KEY_ROLE, AssignmentsModel, AssignmentsProxy
from cluster_planner.qt.catalog_panel import CatalogPanel
from cluster_planner.qt.commands import role_name
from cluster_planner.qt.conditions_panel import ConditionsPanel
from cluster_planner.qt.data_controller import DataController
from cluster_planner.qt.document import LevelData, PlanDocument, RegionSelection
from cluster_planner.qt.file_controller import FileController
from cluster_planner.qt.fit_controller import FitController
from cluster_planner.qt.flags_panel import FlagsPanel, severity_name
from cluster_planner.qt.i18n import current_language, document_names
from cluster_planner.qt.level_loader import LevelLoader
from cluster_planner.qt.map_canvas import MapCanvas
from cluster_planner.qt.region_panel import RegionPanel
from cluster_planner.qt.server_controller import ServerController
from cluster_planner.qt.settings import AppSettings
from cluster_planner.qt.window_menus import WindowMenus
from cluster_planner.text.messages import flag_message

APP_TITLE = "Cluster Planner"


class MainWindow(QMainWindow):
    """Cluster Planner's main window.

    Parameters
    ----------
    settings
        Where to keep window state, recent files and preferences; the user's by default.

    Signals
    -------
    levelReady(str)
        A level's data is loaded and the plan is shown on its map.
    """

    levelReady = Signal(str)

    # Actions, menus and toolbar combos: WindowMenus (qt/window_menus.py) assigns them.
    new_action: QAction
    open_action: QAction
    save_action: QAction
    save_as_action: QAction
    export_action: QAction
    compare_action: QAction
    import_conditions_action: QAction
    import_statistics_action: QAction
    explain_fit_action: QAction
    open_server_action: QAction
    save_server_action: QAction
    propose_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    rename_action: QAction
    lead_action: QAction
    support_action: QAction
    unassign_action: QAction
    clear_selection_action: QAction
    go_to_region_action: QAction
    focus_map_action: QAction
    find_industry_action: QAction
    filter_assignments_action: QAction
    reset_view_action: QAction
    zoom_in_action: QAction
    zoom_out_action: QAction
    about_action: QAction
    help_action: QAction
    level_group: QActionGroup
    level_actions: dict[str, QAction]
    colour_group: QActionGroup
    colour_actions: dict[str, QAction]
    language_group: QActionGroup
    language_actions: dict[str, QAction]
    theme_group: QActionGroup
    theme_actions: dict[str, QAction]
    recent_menu: QMenu
    edit_menu: QMenu
    language_menu: QMenu
    theme_menu: QMenu
    level_combo: QComboBox
    colour_combo: QComboBox
    industry_combo: QComboBox

    def __init__(self, settings: AppSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else AppSettings()
        from cluster_planner.domain.catalog import load_catalog

        self.catalog = load_catalog()
        self._sea_line: Any = None
        self._cities: Any = ()
        self._shared_loaded = False
        self._hovered = ""
        self.last_recolour_seconds = 0.0

        self._retranslators: list[Callable[[], None]] = []
        # Before the document: children go in the order they came, and the menus listen
        # to the undo stack, which must not announce anything to them as it goes.
        self.menus = WindowMenus(self)
        self.document = PlanDocument(self.catalog, level=self.settings.last_level(), parent=self)
        # The planning session under the window: every rule and every state lives there.
        self.session = self.document.session
        self.selection = RegionSelection(self.session, self)
        # First of all the listeners: the map must show the new plan's layer before the
        # panels and the analysis recolour it.
        self._shown_layer: Any = None
        self.document.planReplaced.connect(self._on_plan_replaced)
        self.levels = LevelLoader(self.session, self)
        self.files = FileController(self)
        self.data = DataController(self)
        self.fits = FitController(self)
        self.region_names: Any = None  # the map's region names, once a layer is shown

        self._build_canvas()
        self._build_docks()
        self.server = ServerController(self)
        self.menus.build_actions()
        self.menus.build_menus()
        self.menus.build_toolbar()
        self._build_status_bar()
        self._connect()

        screen = QApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if available is not None and available.width() > 600:
            self.resize(min(1500, int(available.width() * 0.95)), min(950, int(available.height() * 0.95)))
        else:
            self.resize(1400, 900)
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is None or not self.restoreState(state):
            self.resizeDocks(
                [self.selection_dock, self.flags_dock], [340, 440], Qt.Orientation.Horizontal
            )
            self.resizeDocks([self.assignments_dock], [200], Qt.Orientation.Vertical)
            self.resizeDocks(
                [self.assignments_dock, self.conditions_dock], [760, 620], Qt.Orientation.Horizontal
            )
        from cluster_planner.qt.window_layout import LayoutKeeper, make_shrinkable

        for dock in (self.selection_dock, self.flags_dock, self.conditions_dock):
            make_shrinkable(dock)
        self.layout_keeper = LayoutKeeper(
            self, {self.selection_dock: 340, self.flags_dock: 440}, {self.assignments_dock: 200}
        )
        self._update_title()
        self._update_actions()

    # ------------------------------------------------------------------ construction
    def _build_canvas(self) -> None:
        self.canvas = MapCanvas(self)
        self.canvas.setObjectName("mapCanvas")
        self.canvas.set_tooltip_provider(self.region_tooltip)
        from cluster_planner.qt.i18n import current_language

        self.canvas.set_language(current_language())
        self.setCentralWidget(self.canvas)

    def _build_docks(self) -> None:
        self.region_panel = RegionPanel(self.document, self.selection)
        self.catalog_panel = CatalogPanel(self.document, self.selection)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.region_panel)
        splitter.addWidget(self.catalog_panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        self.selection_dock = self._dock(
            "selectionDock", lambda: self.tr("Selection && industries"), splitter,
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )

        self.assignments_model = AssignmentsModel(self.document, self)
        self.assignments_proxy = AssignmentsProxy(self)
        self.assignments_proxy.setSourceModel(self.assignments_model)
        self.assignments_filter = QLineEdit()
        self.assignments_filter.setObjectName("assignmentsFilter")
        self._translated(
            self.assignments_filter.setPlaceholderText,
            lambda: self.tr("Filter assignments (region, industry, role, note…)"),
        )
        self.assignments_filter.setClearButtonEnabled(True)
        self.assignments_filter.textChanged.connect(self.assignments_proxy.setFilterFixedString)
        self.assignments_table = QTableView()
        self.assignments_table.setObjectName("assignmentsTable")
        self.assignments_table.setModel(self.assignments_proxy)
        self.assignments_table.setSortingEnabled(True)
        self.assignments_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.assignments_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.assignments_table.verticalHeader().hide()
        header = self.assignments_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 150), (2, 200), (3, 170), (4, 70), (6, 50), (7, 160)):
            header.resizeSection(column, width)
        self.assignments_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.assignments_filter)
        layout.addWidget(self.assignments_table)
        self.assignments_dock = self._dock(
            "assignmentsDock", lambda: self.tr("Assignments"), holder, Qt.DockWidgetArea.BottomDockWidgetArea
        )

        self.flags_panel = FlagsPanel(self.document)
        self.flags_dock = self._dock(
            "flagsDock", lambda: self.tr("Flags"), self.flags_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.conditions_panel = ConditionsPanel(
            self.document, self.selection, lambda: self.catalog_panel.current_industry()
        )
        self.conditions_dock = self._dock(
            "conditionsDock", lambda: self.tr("Local conditions"), self.conditions_panel,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        # Beside the assignments: the bottom area is wide enough for the source column.
        self.splitDockWidget(self.assignments_dock, self.conditions_dock, Qt.Orientation.Horizontal)

    def _translated(self, setter: Callable[[str], Any], text: Callable[[], str]) -> None:
        """Call ``setter(text())`` now and again after every language change."""
        setter(text())
        self._retranslators.append(lambda: setter(text()))

    def _dock(
        self, name: str, title: str | Callable[[], str], widget: QWidget, area: Qt.DockWidgetArea
    ) -> QDockWidget:
        dock = QDockWidget(self)
        if callable(title):
            self._translated(dock.setWindowTitle, title)
        else:
            dock.setWindowTitle(title)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "counts_label"):
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Re-set every text the window owns in the language just installed.

        The panels retranslate themselves (each gets its own ``LanguageChange``); the
        plan, its undo stack, the selection and the file path are untouched.
        """
        # The undo steps first: retitling the Undo and Redo items reads their texts.
        self.document.retranslate_commands()
        for retranslate in self._retranslators:
            retranslate()
        self.menus.name_toolbar_items()
        self.assignments_model.retranslate()
        self._update_title()
        self._update_counts()
        self._on_region_hovered(self._hovered)
        self.recolour()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.hover_label = QLabel()
        self.hover_label.setObjectName("hoverLabel")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.statistics_label = QLabel()
        self.statistics_label.setObjectName("statisticsLabel")
        self.statistics_label.hide()
        status.addWidget(self.hover_label, 1)
        status.addPermanentWidget(self.statistics_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.counts_label)

    def _connect(self) -> None:
        document = self.document
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)
        document.planEdited.connect(self._on_plan_edited)
        document.analysisUpdated.connect(self._on_analysis_updated)
        document.pathChanged.connect(self._update_title)
        self.selection.changed.connect(self._on_selection_changed)
        self.levels.busy.connect(self._on_level_busy)
        self.levels.idle.connect(self._on_levels_idle)
        self.levels.failed.connect(self._on_level_failed)
        self.canvas.selectionRequested.connect(self.selection.apply)
        self.canvas.regionHovered.connect(self._on_region_hovered)
        self.canvas.regionActivated.connect(self._on_region_activated)
        self.catalog_panel.assignRequested.connect(self.assign_to_selection)
        self.catalog_panel.unassignRequested.connect(self.unassign_from_selection)
        self.catalog_panel.noteEdited.connect(self.edit_note)
        self.catalog_panel.currentIndustryChanged.connect(self._on_current_industry_changed)
        self.region_panel.regionActivated.connect(self._on_region_activated)
        self.flags_panel.highlightRequested.connect(self.canvas.set_highlight)
        self.assignments_table.selectionModel().selectionChanged.connect(
            self._on_assignment_rows_selected
        )
        self.conditions_panel.explainRequested.connect(self.show_fit_dialog)
        self.catalog_panel.currentIndustryChanged.connect(lambda _id: self.conditions_panel.update_buttons())
        # "Why this fit?" is one click away from an assignment row and from a flag.
        self.fits.connect_tables()

    # ------------------------------------------------------------------ start-up and levels
    def start(self) -> None:
        """Load the shared data and the last-used level, then show the empty plan on the map."""
        if not self._shared_loaded:
            self._load_shared_data()
        self.with_level_data(self.session.level, lambda data: self.session.new(data=data))

    def _load_shared_data(self) -> None:
        """The sea line and the ecosystem cities; the map still works without them."""
        from cluster_planner.domain.cities import load_ecosystem_cities
        from cluster_planner.domain.regions import load_sea_line

        self._shared_loaded = True
        try:
            self._sea_line = load_sea_line()
        except InputError as error:
            self.statusBar().showMessage(error.one_line(), 10000)
        try:
            self._cities = load_ecosystem_cities()
        except InputError as error:
            self._cities = []
            self.statusBar().showMessage(error.one_line(), 10000)

    @property
    def ready(self) -> bool:
        """Whether a layer is loaded and the plan is on the map."""
        return self.document.layer is not None

    def with_level_data(self, level: str, then: Callable[[LevelData], None]) -> None:
        """Call ``then(level_data)`` once ``level``'s data is loaded (now, or from a worker)."""
        self.levels.with_level_data(level, then)

    def _on_level_busy(self, level: str) -> None:
        self.progress.show()
        self.statusBar().showMessage(
            self.tr("Loading the {level} layer…").format(level=dialogs.level_name(level))
        )
        self._set_level_widgets_enabled(False)

    def _on_levels_idle(self) -> None:
        self.progress.hide()
        self.statusBar().clearMessage()
        self._set_level_widgets_enabled(True)

    def _on_level_failed(self, level: str, message: str) -> None:
        self._sync_level_widgets()
        dialogs.show_error(self, self.tr("Cannot load the {level} layer").format(
            level=dialogs.level_name(level)), message)

    def _set_level_widgets_enabled(self, enabled: bool) -> None:
        self.level_combo.setEnabled(enabled)
        for action in self.level_actions.values():
            action.setEnabled(enabled)

    def _on_plan_replaced(self) -> None:
        """Another plan is open: show its layer (before anything recolours the map)."""
        layer = self.session.layer
        if layer is not self._shown_layer:
            self._shown_layer = layer
            self.canvas.set_layer(layer, self._sea_line, self._cities)
            self._name_regions()
        compare_dialog = self.data.compare_dialog
        if compare_dialog is not None and compare_dialog.isVisible():
            compare_dialog.reject()  # it compared the plan being replaced
        self.settings.set_last_level(self.session.level)
        self._sync_level_widgets()
        self._update_title()
        self._update_actions()
        self._update_counts()
        self.levelReady.emit(self.session.level)

    def request_level(self, level: str) -> None:
        """Show the plan on ``level``'s map; the plan stays (see the module docstring)."""
        if level == self.document.level and self.ready:
            self._sync_level_widgets()
            return
        self.with_level_data(level, self._show_level)

    def _show_level(self, data: LevelData) -> None:
        self.canvas.set_layer(data.layer, self._sea_line, self._cities)
        self.session.show_level(data.level, data)
        self.settings.set_last_level(data.level)
        self._sync_level_widgets()
        self._update_actions()
        self._update_counts()
        self.levelReady.emit(data.level)

    def _sync_level_widgets(self) -> None:
        level = self.document.level
        self.level_combo.blockSignals(True)
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))
        self.level_combo.blockSignals(False)
        self.level_actions[level].setChecked(True)

    # ------------------------------------------------------------------ editing the plan
    def assign_to_selection(self, industry_id: str, role: str = "lead") -> None:
        """Assign ``industry_id`` with ``role`` to every selected region as one undo step."""
        if not industry_id or not self.session.selection:
            self.statusBar().showMessage(self.tr("Select regions and an industry first"), 4000)
        elif not self.session.assign(industry_id, role):
            self.catalog_panel.refresh()  # undo a check box click that changed nothing

    def unassign_from_selection(self, industry_id: str) -> None:
        """Remove ``industry_id`` from every selected region as one undo step."""
        if not self.session.unassign(industry_id):
            self.catalog_panel.refresh()

    def edit_note(self, region: str, industry: str, note: str) -> None:
        self.session.set_note(region, industry, note)

    def rename_plan(self) -> None:
        name, accepted = QInputDialog.getText(
            self, self.tr("Rename plan"), self.tr("Plan name:"), text=self.document.plan.name
        )
        if accepted:
            self.session.rename(name)

    # ------------------------------------------------------------------ reacting to changes
    def _on_plan_edited(self, change: Change) -> None:
        if change.name:
            self._update_title()
        # The counts follow in _on_analysis_updated, which every edit reaches next; the
        # session has compared again already (see _on_view_changed).

    def _on_analysis_updated(self) -> None:
        self.recolour()
        self._update_counts()

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _on_selection_changed(self, codes: list[str]) -> None:
        self.canvas.set_selection(codes)
        self._update_actions()

    def _on_region_hovered(self, code: str) -> None:
        self._hovered = code
        if not code or not self.ready:
            self.hover_label.setText("")
            return
        # The map's mouse help is a temporary message that hides this label: a region
        # under the mouse matters more.
        self.statusBar().clearMessage()
        taken = self.document.plan.industries_of(code)
        self.hover_label.setText(
            (
                self.tr("{region} ({code}) · 1 industry")
                if len(taken) == 1
                else self.tr("{region} ({code}) · %n industries", "", len(taken))
            ).format(region=self.document.region_label(code), code=code)
        )

    def _on_region_activated(self, code: str) -> None:
        if code:
            self.selection.apply([code], "replace")
            self._focus_industry_search()

    def _on_current_industry_changed(self, industry_id: str) -> None:
        self._update_actions()
        if industry_id:
            self.set_colour_industry(industry_id, switch_mode=False)

    def _on_assignment_rows_selected(self, *_args: Any) -> None:
        rows = self.assignments_table.selectionModel().selectedRows()
        keys = [self.assignments_proxy.data(index, KEY_ROLE) for index in rows]
        keys = [key for key in keys if key]
        if not keys:
            return
        self.selection.apply(list(dict.fromkeys(region for region, _ in keys)), "replace")
        industries = {industry for _, industry in keys}
        if len(industries) == 1:
            self.catalog_panel.set_current_industry(next(iter(industries)))

    def _update_actions(self) -> None:
        has_selection = bool(self.selection.codes) and self.ready
        has_industry = bool(self.catalog_panel.current_industry())
        for action in (self.lead_action, self.support_action, self.unassign_action):
            action.setEnabled(has_selection and has_industry)
        self.clear_selection_action.setEnabled(has_selection)
        for action in (self.save_action, self.save_as_action, self.new_action, self.open_action,
                       self.open_server_action, self.save_server_action):
            action.setEnabled(self.ready)
        self.export_action.setEnabled(self.ready)
        self.compare_action.setEnabled(self.ready)
        self.import_conditions_action.setEnabled(self.ready)
        self.import_statistics_action.setEnabled(self.ready)
        self.explain_fit_action.setEnabled(self.ready and self.fits.can_explain())

    def _update_title(self) -> None:
        # The file's name, as a desktop names a document window ("plan.cplan — Cluster
        # Planner", with the platform's modified mark); an unsaved plan shows its name.
        path = self.document.path
        self.setWindowFilePath(str(path) if path is not None else "")
        self.setWindowTitle(
            self.tr("{name}[*] — Cluster Planner").format(name=self.document.file_label())
        )
        self.setWindowModified(self.document.is_modified())

    def _update_counts(self) -> None:
        plan = self.document.plan
        # English plurals without a translation file: pick the string by the count.
        text = (
            self.tr("1 assignment") if len(plan) == 1 else self.tr("%n assignments", "", len(plan))
        ) + (
            self.tr(" in 1 region")
            if plan.region_total == 1
            else self.tr(" in %n regions", "", plan.region_total)
        )
        analysis = self.document.analysis
        if analysis is not None:
            flags = len(analysis.flags)
            text += self.tr(" · 1 flag") if flags == 1 else self.tr(" · %n flags", "", flags)
            index = _homogeneity_index(analysis)
            if index is not None:
                text += self.tr(" · homogeneity {index:.2f}").format(index=index)
        self.counts_label.setText(text)

    # ------------------------------------------------------------------ the map's colours
    def set_colour_mode(self, mode: str) -> None:
        """Colour the map by ``count`` (industries per region), ``industry`` or ``severity``."""
        self.session.set_colour_mode(mode)
        self._sync_colour_widgets()
        self.recolour()

    def set_colour_industry(self, industry_id: str, switch_mode: bool = True) -> None:
        """Choose the industry the map shows in ``industry`` mode."""
        if not self.session.set_colour_industry(industry_id):
            return
        if switch_mode:
            self.session.set_colour_mode("industry")
        self._sync_colour_widgets()
        if switch_mode or self.session.colour_mode == "industry":
            self.recolour()

    @property
    def colour_mode(self) -> str:
        return self.session.colour_mode

    def _sync_colour_widgets(self) -> None:
        mode = self.session.colour_mode
        self.colour_combo.blockSignals(True)
        self.colour_combo.setCurrentIndex(self.colour_combo.findData(mode))
        self.colour_combo.blockSignals(False)
        self.colour_actions[mode].setChecked(True)
        self.industry_combo.blockSignals(True)
        self.industry_combo.setCurrentIndex(max(0, self.industry_combo.findData(self.session.colour_industry)))
        self.industry_combo.blockSignals(False)
        self.industry_combo.setEnabled(mode == "industry")

    def recolour(self) -> None:
        """Hand the map the colours the session derives for the current view."""
        if self.document.layer is None:
            return
        started = time.perf_counter()
        self.canvas.set_colours(*self.session.map_colours(self._colour_labels()))
        self.follow_theme()  # a new legend takes the window's scheme
        self.last_recolour_seconds = time.perf_counter() - started

    def _colour_labels(self) -> Any:
        from cluster_planner.render.colouring import ColourLabels

        return ColourLabels(
            count=self._count_label,
            lead=self.tr("{industry}: lead"),
            support=self.tr("Support"),
            not_chosen=self.tr("Not chosen"),
            severity=(self.tr("No flag"), self.tr("Info"), self.tr("Warning"), self.tr("Error")),
            comparison=(self.tr("Only in the other plan"), self.tr("Only in this plan"),
                        self.tr("Changed"), self.tr("Same")),
            industry_name=self.document.industry_name,
        )

    def _count_label(self, low: int, high: int) -> str:
        if high == 0:
            return self.tr("No industry")
        if low == high:
            return self.tr("1 industry") if low == 1 else self.tr("%n industries", "", low)
        return self.tr("{low}–{high} industries").format(low=low, high=high)

    def region_tooltip(self, code: str) -> str:
        """The map's tooltip: names, code, industries with roles, fit and flags."""
        document = self.document
        if not code or document.layer is None or code not in document.layer.index_of:
            return ""
        lines = [
            f"{document.region_name(code, 'zh')}  {document.region_name(code, 'en')}",
            self.tr("Code {code}").format(code=code),
        ]
        for assignment in sorted(document.plan.industries_of(code), key=lambda a: a.role):
            line = f"• {document.industry_label(assignment.industry)} ({role_name(assignment.role)})"
            fit = document.fit(code, assignment.industry)
            if fit is not None:
                line += self.tr(", fit {fit:.2f}").format(fit=fit)
            lines.append(line)
        for flag in document.flags_for(code):
            message = flag_message(flag, current_language(), document_names(document))
            lines.append(f"⚑ {severity_name(flag.severity)}: {' '.join(message.split())}")
        return "\n".join(lines)

    @property
    def comparison(self) -> Any:
        """The core ``PlanDiff`` the map shows, or ``None``."""
        return self.session.comparison

    # ------------------------------------------------------------------ files (see FileController)
    def new_plan(self) -> None:
        self.files.new_plan()

    def open_path(self, path: str | Path, ask_to_save: bool = True) -> bool:
        """Open the plan file ``path`` (see :meth:`FileController.open_path`)."""
        return self.files.open_path(path, ask_to_save)

    def save_to(self, path: str | Path) -> bool:
        return self.files.save_to(path)

    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def open_recent(self, path: str) -> None:
        self.files.open_recent(path)

    def export_to(self, path: str | Path) -> bool:
        return self.files.export_to(path)

    def autosave(self) -> Path | None:
        return self.files.autosave()

    def offer_recovery(self) -> bool:
        return self.files.offer_recovery()

    def _plan_filter(self) -> str:
        return self.files._plan_filter()

    # ------------------------------------------------------------------ imports and comparing (DataController)
    def import_conditions_csv(self, path: str | Path) -> tuple[int, list[str]]:
        return self.data.import_conditions_csv(path)

    def import_statistics_csv(self, path: str | Path) -> bool:
        return self.data.import_statistics_csv(path)

    def compare_path(self, path: str | Path) -> bool:
        return self.data.compare_path(path)

    @property
    def import_report(self) -> Any:
        return self.data.import_report

    # ------------------------------------------------------------------ fit (see FitController)
    def propose_layout(self) -> None:
        """Plan > Propose differentiated layout…: the optimiser's dialog on the open plan."""
        from cluster_planner.qt.propose_dialog import ProposeDialog

        self.propose_dialog = ProposeDialog(self.document, self)
        self.propose_dialog.show()

    def show_fit_dialog(self, region: str, industry: str) -> Any:
        """Open (or bring up) the "Why this fit?" dialog for ``industry`` in ``region``."""
        return self.fits.show_fit_dialog(region, industry)

    # ------------------------------------------------------------------ misc
    def go_to_region(self, text: str | None = None) -> bool:
        """Select a region by name or code (asked in a dialog when ``text`` is None) and zoom to it."""
        layer = self.document.layer
        if layer is None:
            return False
        # Both names, so a region is found by either whatever the interface language.
        labels = [
            f"{self.document.region_label(code)} {self.document.region_other_label(code)} ({code})"
            for code in layer.codes
        ]
        if text is None:
            text = dialogs.ask_region(self, labels)
            if not text:
                return False
        code = self._region_from_text(text, labels)
        if code is None:
            self.statusBar().showMessage(self.tr("No region matches “{text}”").format(text=text), 5000)
            return False
        self.selection.apply([code], "replace")
        figure = self.canvas.map_figure
        if figure is not None:
            x, y = figure.representative_points()[layer.index_of[code]]
            self.canvas.reset_view()
            self.canvas.zoom(2.0 if self.document.level == "province" else 4.0, (x, y))
        return True

    def _region_from_text(self, text: str, labels: list[str]) -> str | None:
        text = text.strip()
        codes = self.document.layer.codes
        if text in self.document.layer.index_of:
            return text
        if text.endswith(")") and text[-7:-1] in self.document.layer.index_of:
            return text[-7:-1]
        folded = text.casefold()
        matches = [code for code, label in zip(codes, labels, strict=True) if folded in label.casefold()]
        return str(matches[0]) if len(matches) >= 1 else None

    def _focus_industry_search(self) -> None:
        self.selection_dock.show()
        self.selection_dock.raise_()
        self.catalog_panel.search_box.setFocus()
        self.catalog_panel.search_box.selectAll()

    def _focus_assignments_filter(self) -> None:
        self.assignments_dock.show()
        self.assignments_dock.raise_()
        self.assignments_filter.setFocus()
        self.assignments_filter.selectAll()

    def about(self) -> None:
        """Show the About box (version, data attribution, licences)."""
        from cluster_planner.qt.about import show_about

        show_about(self)

    def show_help(self) -> None:
        """Show the Help page (what the flags mean, how fit is computed)."""
        from cluster_planner.qt.help import HelpDialog

        if getattr(self, "_help_dialog", None) is None:
            self._help_dialog = HelpDialog(self)
        self._help_dialog.show()
        self._help_dialog.raise_()

    def set_language(self, choice: str) -> str:
        """Switch the interface to ``choice`` (``system``, ``zh``, ``en``) and remember it.

        The plan, its undo stack, the selection and the file stay as they are; every
        widget retranslates itself. Returns the language now in use.
        """
        from cluster_planner.qt.i18n import install_language

        self.settings.set_language(choice)
        language = install_language(choice)
        self.language_actions[choice].setChecked(True)
        self.canvas.set_language(language)
        if self.region_names is not None:
            self.region_names.set_language(language)
            if self.canvas.map_figure is not None:
                self.canvas.map_figure.decoration_version += 1
            self.canvas.figure_widget().draw_idle()
        return language

    def _name_regions(self) -> None:
        """Region names on the map, sized to the zoom (:mod:`cluster_planner.render.region_labels`)."""
        from cluster_planner.qt.i18n import current_language
        from cluster_planner.render.region_labels import RegionLabels

        map_figure = self.canvas.map_figure
        self.region_names = RegionLabels(map_figure, current_language()) if map_figure is not None else None

    def set_theme(self, choice: str) -> str:
        """Use the ``system``, ``light`` or ``dark`` palette and remember it; returns the scheme."""
        from cluster_planner.qt.theme import apply_theme

        self.settings.set_theme(choice)
        self.theme_actions[choice].setChecked(True)
        scheme = apply_theme(choice)
        self.follow_theme()
        return scheme

    def follow_theme(self) -> None:
        """Give the map the colours of the window's scheme (after a theme switch, a new legend or level)."""
        from cluster_planner.qt.theme import current_scheme
        from cluster_planner.render.map_theme import apply_map_theme

        map_figure = self.canvas.map_figure
        if map_figure is not None and apply_map_theme(map_figure, current_scheme()):
            self.canvas.figure_widget().draw_idle()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.levels.wait()
        self.server.close()
        self.files.autosave_timer.stop()
        self.files._discard_recovery()
        self.settings.set_window_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        self.settings.sync()
        event.accept()


def _homogeneity_index(analysis: Any) -> float | None:
    summary = getattr(analysis, "summary", None)
    value = summary.get("homogeneity_index") if isinstance(summary, dict) else getattr(
        summary, "homogeneity_index", None
    )
    return None if value is None else float(value)


def main_window_for_preview() -> MainWindow:  # pragma: no cover - manual preview
    """Build and start a window (``python -m cluster_planner.qt.main_window``)."""
    window = MainWindow()
    window.show()
    QTimer.singleShot(0, window.start)
    return window


if __name__ == "__main__":  # pragma: no cover
    import sys

    application = QApplication(sys.argv)
    preview = main_window_for_preview()
    sys.exit(application.exec())
