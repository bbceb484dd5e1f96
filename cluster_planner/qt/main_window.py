"""The main window: the map in the middle, the panels in docks, files, undo and autosave.

The window owns the widgets and turns each user action into one undoable command on the
document's ``QUndoStack``; it holds no planning rules. What it does with the plan's
level: a plan has one level. Switching level with an empty, unmodified plan simply
starts a new plan on the other level; otherwise the window asks whether to start a new
plan there (after the usual Save / Discard / Cancel), and "Cancel" keeps the plan and
the level as they were. Opening a plan switches the map to the plan's level.

The county layer (about 2,900 regions) is loaded in a worker thread with a busy bar in
the status bar, so the window stays responsive; the other levels load in a blink.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.domain.plan import LEVELS, Batch, Change, Plan, Rename
from cluster_planner.qt import dialogs
from cluster_planner.qt.assignments_model import KEY_ROLE, AssignmentsModel, AssignmentsProxy
from cluster_planner.qt.catalog_panel import CatalogPanel
from cluster_planner.qt.commands import role_name
from cluster_planner.qt.conditions_panel import ConditionsPanel, ImportReportDialog
from cluster_planner.qt.document import LevelData, PlanDocument, RegionSelection, load_level_data
from cluster_planner.qt.flags_panel import SEVERITY_RANK, FlagsPanel, severity_name
from cluster_planner.qt.i18n import current_language, document_names
from cluster_planner.qt.map_canvas import MapCanvas
from cluster_planner.qt.region_panel import RegionPanel
from cluster_planner.qt.settings import AppSettings
from cluster_planner.text.messages import flag_message

APP_TITLE = "Cluster Planner"
COLOUR_MODES = ("count", "industry", "severity")


def _load_plan_file(path: Path, catalog: Any, layer: Any) -> Plan:
    from cluster_planner.io.planfile import load_plan

    return load_plan(path, catalog, layer)


def _save_plan_file(plan: Plan, path: Path) -> None:
    from cluster_planner.io.planfile import save_plan

    save_plan(plan, path)


class _LevelLoader(QThread):
    """Loads one level's data off the GUI thread."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, level: str, catalog: Any, parent: Any = None):
        super().__init__(parent)
        self.level = level
        self._catalog = catalog

    def run(self) -> None:
        try:
            self.loaded.emit(load_level_data(self.level, self._catalog))
        except InputError as error:
            self.failed.emit(error.one_line())
        except Exception as error:  # a worker must report, never die silently
            self.failed.emit(f"{type(error).__name__}: {error}")


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

    def __init__(self, settings: AppSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else AppSettings()
        from cluster_planner.domain.catalog import load_catalog

        self.catalog = load_catalog()
        self._level_cache: dict[str, LevelData] = {}
        self._loaders: dict[str, _LevelLoader] = {}
        self._level_callbacks: dict[str, list[Callable[[LevelData], None]]] = {}
        self._sea_line: Any = None
        self._cities: Any = ()
        self._shared_loaded = False
        self._colour_mode = "count"
        self._colour_industry = ""
        self._hovered = ""
        self.last_recolour_seconds = 0.0
        self._recovery_path: Path | None = None
        self._edited_since_autosave = False
        self._comparison: Any = None
        self._comparison_plan: Plan | None = None
        self._comparison_path: Path | None = None
        self._compare_dialog: dialogs.CompareDialog | None = None
        # One recovery file per window: a new or opened plan replaces the previous one.
        self._recovery_slot = f"window-{id(self):x}"

        self._retranslators: list[Callable[[], None]] = []
        self.selection = RegionSelection(self)
        self.document = PlanDocument(self.catalog, level=self.settings.last_level(), parent=self)

        self._build_canvas()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()

        self._autosave_timer = QTimer(self)
        self._autosave_timer.setObjectName("autosaveTimer")
        self._autosave_timer.setInterval(self.settings.autosave_seconds() * 1000)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

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
        self._fit_dialog: Any = None
        self.import_report: ImportReportDialog | None = None

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

    def _action(
        self,
        name: str,
        text: str | Callable[[], str],
        slot: Callable[..., Any] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | list | None = None,
        tip: str | Callable[[], str] = "",
    ) -> QAction:
        """A window action; ``text`` and ``tip`` given as callables follow language changes."""
        action = QAction(self)
        if callable(text):
            self._translated(action.setText, text)
        else:
            action.setText(text)
        action.setObjectName(name)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            elif isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        if callable(tip):
            self._translated(action.setStatusTip, tip)
            self._translated(action.setToolTip, tip)
        elif tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action("newAction", lambda: self.tr("&New plan"), self.new_plan, key.New)
        self.open_action = self._action("openAction", lambda: self.tr("&Open…"), self.open_plan, key.Open)
        self.save_action = self._action("saveAction", lambda: self.tr("&Save"), self.save, key.Save)
        self.save_as_action = self._action(
            "saveAsAction", lambda: self.tr("Save &As…"), self.save_as, QKeySequence("Ctrl+Shift+S")
        )
        self.export_action = self._action(
            "exportAction", lambda: self.tr("&Export…"), self.export, QKeySequence("Ctrl+E"),
            lambda: self.tr("Export the plan as a map, table, GIS layer or report"),
        )
        self.compare_action = self._action(
            "compareAction", lambda: self.tr("&Compare with…"), self.compare_with, None,
            lambda: self.tr("Compare this plan with another plan file"),
        )
        self.import_conditions_action = self._action(
            "importConditionsAction", lambda: self.tr("Import &local conditions (CSV)…"),
            self.import_conditions, None,
            lambda: self.tr("Add your own local-condition facts: region, condition, value, source"),
        )
        self.import_statistics_action = self._action(
            "importStatisticsAction", lambda: self.tr("Import &statistics (CSV)…"),
            self.import_statistics, None,
            lambda: self.tr("A region × industry table: fit then uses location quotients and relatedness"),
        )
        self.explain_fit_action = self._action(
            "explainFitAction", lambda: self.tr("&Why this fit?"), self.explain_current_fit,
            QKeySequence("Ctrl+I"),
            lambda: self.tr("Explain the fit of the chosen industry in the selected region"),
        )
        self.quit_action = self._action("quitAction", lambda: self.tr("&Quit"), self.close, key.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        stack = self.document.undo_stack
        self.undo_action = stack.createUndoAction(self)
        self.undo_action.setObjectName("undoAction")
        self.undo_action.setShortcuts(key.Undo)
        self.redo_action = stack.createRedoAction(self)
        self.redo_action.setObjectName("redoAction")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        # The stack fixes its "Undo" prefix when it makes the action, in the language of
        # that moment; connected after the stack's own slots, these re-set the text in the
        # language installed now, on every change of the command and on a language switch.
        stack.undoTextChanged.connect(self._retitle_undo_actions)
        stack.redoTextChanged.connect(self._retitle_undo_actions)
        self._retranslators.append(self._retitle_undo_actions)
        self._retitle_undo_actions()
        self.rename_action = self._action("renameAction", lambda: self.tr("Re&name plan…"), self.rename_plan)

        self.lead_action = self._action(
            "assignLeadAction", lambda: self.tr("Assign as &lead"),
            lambda: self.assign_to_selection(self.catalog_panel.current_industry(), "lead"),
            QKeySequence("Ctrl+L"),
        )
        self.support_action = self._action(
            "assignSupportAction", lambda: self.tr("Assign as &support"),
            lambda: self.assign_to_selection(self.catalog_panel.current_industry(), "support"),
            QKeySequence("Ctrl+Shift+L"),
        )
        self.unassign_action = self._action(
            "unassignAction", lambda: self.tr("&Remove industry from selection"),
            lambda: self.unassign_from_selection(self.catalog_panel.current_industry()),
            QKeySequence("Ctrl+Shift+Backspace"),
        )
        self.clear_selection_action = self._action(
            "clearSelectionAction", lambda: self.tr("&Clear selection"), self.selection.clear,
            QKeySequence("Ctrl+Shift+A"),
        )
        self.go_to_region_action = self._action(
            "goToRegionAction", lambda: self.tr("&Go to region…"), self.go_to_region, QKeySequence("Ctrl+G"),
            lambda: self.tr("Select a region by its name or code (the keyboard way to pick regions)"),
        )
        self.focus_map_action = self._action(
            "focusMapAction", lambda: self.tr("Focus the &map"), lambda: self.canvas.setFocus(),
            QKeySequence("F6"), lambda: self.tr("Keys on the map: arrows pan, + and - zoom, Home resets"),
        )
        self.find_industry_action = self._action(
            "findIndustryAction", lambda: self.tr("&Find industry"), self._focus_industry_search, key.Find
        )
        self.filter_assignments_action = self._action(
            "filterAssignmentsAction", lambda: self.tr("Filter &assignments"),
            self._focus_assignments_filter, QKeySequence("Ctrl+Shift+F"),
        )

        self.reset_view_action = self._action(
            "resetViewAction", lambda: self.tr("&Reset view"), lambda: self.canvas.reset_view(),
            QKeySequence("Ctrl+0"), lambda: self.tr("Show the whole country"),
        )
        self.zoom_in_action = self._action(
            "zoomInAction", lambda: self.tr("Zoom &in"), lambda: self.canvas.zoom(1.5), key.ZoomIn
        )
        self.zoom_out_action = self._action(
            "zoomOutAction", lambda: self.tr("Zoom &out"), lambda: self.canvas.zoom(1 / 1.5), key.ZoomOut
        )

        self.level_group = QActionGroup(self)
        self.level_actions: dict[str, QAction] = {}
        for number, level in enumerate(LEVELS, start=1):
            action = self._action(
                f"level{level.title()}Action", lambda level=level: dialogs.level_name(level).title(),
                lambda level=level: self.request_level(level), QKeySequence(f"Ctrl+{number}"),
            )
            action.setCheckable(True)
            self.level_group.addAction(action)
            self.level_actions[level] = action

        self.colour_group = QActionGroup(self)
        self.colour_actions: dict[str, QAction] = {}
        for number, mode in enumerate(COLOUR_MODES, start=1):
            action = self._action(
                f"colourBy{mode.title()}Action", lambda mode=mode: self._colour_mode_name(mode),
                lambda mode=mode: self.set_colour_mode(mode), QKeySequence(f"Ctrl+Alt+{number}"),
            )
            action.setCheckable(True)
            self.colour_group.addAction(action)
            self.colour_actions[mode] = action
        self.colour_actions["count"].setChecked(True)

        self.about_action = self._action("aboutAction", lambda: self.tr("&About Cluster Planner"), self.about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.help_action = self._action(
            "helpAction", lambda: self.tr("Cluster Planner &Help"), self.show_help, key.HelpContents
        )

        # Language and theme: the names of the languages are written in themselves.
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for choice, text in (
            ("system", lambda: self.tr("&System language")), ("zh", lambda: "中文（简体）"), ("en", lambda: "English")
        ):
            action = self._action(
                f"language{choice.title()}Action", text, lambda choice=choice: self.set_language(choice)
            )
            action.setCheckable(True)
            self.language_group.addAction(action)
            self.language_actions[choice] = action
        self.language_actions[self.settings.language()].setChecked(True)
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for choice, text in (
            ("system", lambda: self.tr("Follow the &system")),
            ("light", lambda: self.tr("&Light")),
            ("dark", lambda: self.tr("&Dark")),
        ):
            action = self._action(f"theme{choice.title()}Action", text, lambda choice=choice: self.set_theme(choice))
            action.setCheckable(True)
            self.theme_group.addAction(action)
            self.theme_actions[choice] = action
        self.theme_actions[self.settings.theme()].setChecked(True)

    def _colour_mode_name(self, mode: str) -> str:
        return {
            "count": self.tr("Number of industries"),
            "industry": self.tr("Chosen industry"),
            "severity": self.tr("Flag severity"),
        }[mode]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("")
        self._translated(file_menu.setTitle, lambda: self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu(self)
        self._translated(self.recent_menu.setTitle, lambda: self.tr("Open &Recent"))
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.compare_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_conditions_action)
        file_menu.addAction(self.import_statistics_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        self.edit_menu = bar.addMenu("")
        self._translated(self.edit_menu.setTitle, lambda: self.tr("&Edit"))
        self.edit_menu.setObjectName("editMenu")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.rename_action)
        self.edit_menu.addAction(self.go_to_region_action)
        self.edit_menu.addAction(self.clear_selection_action)
        self.edit_menu.addAction(self.find_industry_action)
        self.edit_menu.addAction(self.filter_assignments_action)

        plan_menu = bar.addMenu("")
        self._translated(plan_menu.setTitle, lambda: self.tr("&Plan"))
        plan_menu.setObjectName("planMenu")
        plan_menu.addAction(self.lead_action)
        plan_menu.addAction(self.support_action)
        plan_menu.addAction(self.unassign_action)
        plan_menu.addSeparator()
        plan_menu.addAction(self.explain_fit_action)
        plan_menu.addSeparator()
        self.propose_action = plan_menu.addAction("", self.propose_layout)
        self.propose_action.setObjectName("proposeAction")
        self._translated(self.propose_action.setText, lambda: self.tr("Propose &differentiated layout…"))

        view_menu = bar.addMenu("")
        self._translated(view_menu.setTitle, lambda: self.tr("&View"))
        view_menu.setObjectName("viewMenu")
        level_menu = view_menu.addMenu("")
        self._translated(level_menu.setTitle, lambda: self.tr("&Level"))
        for action in self.level_actions.values():
            level_menu.addAction(action)
        colour_menu = view_menu.addMenu("")
        self._translated(colour_menu.setTitle, lambda: self.tr("&Colour by"))
        for action in self.colour_actions.values():
            colour_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.focus_map_action)
        view_menu.addAction(self.reset_view_action)
        view_menu.addAction(self.zoom_in_action)
        view_menu.addAction(self.zoom_out_action)
        view_menu.addSeparator()
        for dock in (self.selection_dock, self.assignments_dock, self.flags_dock, self.conditions_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self.language_menu = view_menu.addMenu("")
        self.language_menu.setObjectName("languageMenu")
        self._translated(self.language_menu.setTitle, lambda: self.tr("Lan&guage"))
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.theme_menu = view_menu.addMenu("")
        self.theme_menu.setObjectName("themeMenu")
        self._translated(self.theme_menu.setTitle, lambda: self.tr("&Theme"))
        for action in self.theme_actions.values():
            self.theme_menu.addAction(action)

        help_menu = bar.addMenu("")
        self._translated(help_menu.setTitle, lambda: self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self)
        self._translated(toolbar.setWindowTitle, lambda: self.tr("Map"))
        toolbar.setObjectName("mapToolBar")
        toolbar.setIconSize(QSize(16, 16))
        self.addToolBar(toolbar)
        level_label = QLabel()
        self._translated(level_label.setText, lambda: self.tr(" Level: "))
        toolbar.addWidget(level_label)
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("levelCombo")
        for level in LEVELS:
            self.level_combo.addItem(dialogs.level_name(level).title(), level)
        self.level_combo.activated.connect(
            lambda index: self.request_level(self.level_combo.itemData(index))
        )
        toolbar.addWidget(self.level_combo)
        toolbar.addSeparator()
        colour_label = QLabel()
        self._translated(colour_label.setText, lambda: self.tr(" Colour by: "))
        toolbar.addWidget(colour_label)
        self.colour_combo = QComboBox()
        self.colour_combo.setObjectName("colourCombo")
        for mode in COLOUR_MODES:
            self.colour_combo.addItem(self._colour_mode_name(mode), mode)
        self.colour_combo.activated.connect(
            lambda index: self.set_colour_mode(self.colour_combo.itemData(index))
        )
        toolbar.addWidget(self.colour_combo)
        self.industry_combo = QComboBox()
        self.industry_combo.setObjectName("colourIndustryCombo")
        self._translated(self.industry_combo.setToolTip, lambda: self.tr("The industry the map shows"))
        self.industry_combo.setMinimumContentsLength(18)
        self.industry_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for industry in self.catalog.industries:
            self.industry_combo.addItem(industry.name_en, industry.id)
        self.industry_combo.activated.connect(
            lambda index: self.set_colour_industry(self.industry_combo.itemData(index))
        )
        self._colour_industry = str(self.industry_combo.itemData(0) or "")
        toolbar.addWidget(self.industry_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.reset_view_action)
        toolbar.addAction(self.zoom_in_action)
        toolbar.addAction(self.zoom_out_action)
        self._name_toolbar_items()
        self._sync_colour_widgets()

    def _name_toolbar_items(self) -> None:
        """Level, colour mode and industry names in the active language (other one as tooltip)."""
        from cluster_planner.qt.i18n import current_language, other_language

        for index in range(self.level_combo.count()):
            self.level_combo.setItemText(index, dialogs.level_name(self.level_combo.itemData(index)).title())
        for index in range(self.colour_combo.count()):
            self.colour_combo.setItemText(index, self._colour_mode_name(self.colour_combo.itemData(index)))
        language = current_language()
        for index in range(self.industry_combo.count()):
            industry = self.catalog.by_id.get(self.industry_combo.itemData(index))
            if industry is None:
                continue
            names = {"zh": industry.name_zh, "en": industry.name_en}
            self.industry_combo.setItemText(index, names[language])
            self.industry_combo.setItemData(index, names[other_language(language)], Qt.ItemDataRole.ToolTipRole)

    def _plan_filter(self) -> str:
        """The file-type filter of the plan dialogs, in the language installed now."""
        # literal strings, so that lupdate sees each of them
        return ";;".join(
            (
                self.tr("Cluster Planner plans (*.cplan)"),
                self.tr("JSON (*.json)"),
                self.tr("All files (*)"),
            )
        )

    def _retitle_undo_actions(self, *_args: Any) -> None:
        stack = self.document.undo_stack
        undo, redo = stack.undoText(), stack.redoText()
        self.undo_action.setText(self.tr("&Undo %1").replace("%1", undo) if undo else self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo %1").replace("%1", redo) if redo else self.tr("&Redo"))

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
        self._name_toolbar_items()
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
        document.planReplaced.connect(self._update_title)
        document.planEdited.connect(self._on_plan_edited)
        document.analysisUpdated.connect(self._on_analysis_updated)
        document.pathChanged.connect(self._update_title)
        self.selection.changed.connect(self._on_selection_changed)
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
        document.conditionsChanged.connect(self._update_statistics_label)
        # "Why this fit?" is one click away from an assignment row and from a flag.
        self.assignments_table.doubleClicked.connect(self._on_assignment_double_clicked)
        for table in (self.assignments_table, self.flags_panel.table):
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.assignments_table.customContextMenuRequested.connect(self._assignment_context_menu)
        self.flags_panel.table.customContextMenuRequested.connect(self._flag_context_menu)

    # ------------------------------------------------------------------ start-up and levels
    def start(self) -> None:
        """Load the shared data and the last-used level, then show the empty plan on the map."""
        if not self._shared_loaded:
            self._load_shared_data()
        level = self.document.level
        self.with_level_data(level, lambda data: self._install(Plan(level=level), data, None))

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
        cached = self._level_cache.get(level)
        if cached is not None:
            then(cached)
            return
        self._level_callbacks.setdefault(level, []).append(then)
        if level in self._loaders:
            return
        if level != "county":
            try:
                data = load_level_data(level, self.catalog)
            except InputError as error:
                self._on_level_failed(level, error.one_line())
                return
            self._on_level_loaded(level, data)
            return
        loader = _LevelLoader(level, self.catalog, self)
        loader.loaded.connect(lambda data, level=level: self._on_level_loaded(level, data))
        loader.failed.connect(lambda message, level=level: self._on_level_failed(level, message))
        loader.finished.connect(lambda level=level: self._loaders.pop(level, None))
        self._loaders[level] = loader
        self.progress.show()
        self.statusBar().showMessage(
            self.tr("Loading the {level} layer…").format(level=dialogs.level_name(level))
        )
        self._set_level_widgets_enabled(False)
        loader.start()

    def _on_level_loaded(self, level: str, data: LevelData) -> None:
        self._level_cache[level] = data
        # The loader has delivered; its thread may not have returned yet, so stop waiting
        # for it here (the window owns the QThread, which keeps it alive until it ends).
        self._loaders.pop(level, None)
        self._finish_loading()
        for callback in self._level_callbacks.pop(level, []):
            callback(data)

    def _on_level_failed(self, level: str, message: str) -> None:
        self._level_callbacks.pop(level, None)
        self._loaders.pop(level, None)
        self._finish_loading()
        self._sync_level_widgets()
        dialogs.show_error(self, self.tr("Cannot load the {level} layer").format(
            level=dialogs.level_name(level)), message)

    def _finish_loading(self) -> None:
        if not self._loaders or all(loader.isFinished() for loader in self._loaders.values()):
            self.progress.hide()
            self.statusBar().clearMessage()
            self._set_level_widgets_enabled(True)

    def _set_level_widgets_enabled(self, enabled: bool) -> None:
        self.level_combo.setEnabled(enabled)
        for action in self.level_actions.values():
            action.setEnabled(enabled)

    def _install(self, plan: Plan, data: LevelData, path: Path | None) -> None:
        """Show ``plan`` on ``data``'s layer (switching the map's layer if needed)."""
        layer_changed = self.document.level_data is not data
        if self._compare_dialog is not None and self._compare_dialog.isVisible():
            self._compare_dialog.reject()  # it compared the plan being replaced
        if layer_changed:
            self.selection.clear()
            self.canvas.set_layer(data.layer, self._sea_line, self._cities)
        self.document.set_plan(plan, data, path)
        self.settings.set_last_level(data.level)
        self._sync_level_widgets()
        self._update_actions()
        self._update_counts()
        self.levelReady.emit(data.level)

    def request_level(self, level: str) -> None:
        """Switch the map to ``level`` (a plan has one level: see the module docstring)."""
        if level == self.document.level and self.ready:
            self._sync_level_widgets()
            return
        pristine = len(self.document.plan) == 0 and not self.document.is_modified()
        if not pristine:
            if not dialogs.ask_switch_level(self, self.document.level, level):
                self._sync_level_widgets()
                return
            if not self.maybe_save():
                self._sync_level_widgets()
                return
        self._discard_recovery()
        name = self.document.plan.name if pristine else Plan().name
        self.with_level_data(level, lambda data: self._install(Plan(name=name, level=level), data, None))

    def _sync_level_widgets(self) -> None:
        level = self.document.level
        self.level_combo.blockSignals(True)
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))
        self.level_combo.blockSignals(False)
        self.level_actions[level].setChecked(True)

    # ------------------------------------------------------------------ editing the plan
    def assign_to_selection(self, industry_id: str, role: str = "lead") -> None:
        """Assign ``industry_id`` with ``role`` to every selected region as one undo step."""
        plan = self.document.plan
        codes = self.selection.codes
        if not industry_id or not codes:
            self.statusBar().showMessage(self.tr("Select regions and an industry first"), 4000)
            return
        edits = []
        for code in codes:
            old = plan.get(code, industry_id)
            if old is None:
                edits.append(plan.assign_industry(code, industry_id, role))
            elif old.role != role:
                edits.append(plan.set_role(code, industry_id, role))
        if not edits:
            self.catalog_panel.refresh()  # undo a check box click that changed nothing
            return
        self.document.push(edits[0] if len(edits) == 1 else Batch(tuple(edits)))

    def unassign_from_selection(self, industry_id: str) -> None:
        """Remove ``industry_id`` from every selected region as one undo step."""
        plan = self.document.plan
        edits = [
            plan.unassign_industry(code, industry_id)
            for code in self.selection.codes
            if plan.get(code, industry_id) is not None
        ]
        if not edits:
            self.catalog_panel.refresh()
            return
        self.document.push(edits[0] if len(edits) == 1 else Batch(tuple(edits)))

    def edit_note(self, region: str, industry: str, note: str) -> None:
        plan = self.document.plan
        assignment = plan.get(region, industry)
        if assignment is None or assignment.note == note:
            return
        self.document.push(plan.set_note(region, industry, note))

    def rename_plan(self) -> None:
        name, accepted = QInputDialog.getText(
            self, self.tr("Rename plan"), self.tr("Plan name:"), text=self.document.plan.name
        )
        name = " ".join(name.split())
        if accepted and name and name != self.document.plan.name:
            self.document.push(Rename(name))

    # ------------------------------------------------------------------ reacting to changes
    def _on_plan_edited(self, change: Change) -> None:
        self._edited_since_autosave = True
        if change.name:
            self._update_title()
        # The counts follow in _on_analysis_updated, which every edit reaches next.
        if self._comparison is not None:
            self._update_comparison()

    def _on_analysis_updated(self) -> None:
        self.recolour()
        self._update_counts()

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)
        if clean:
            self._discard_recovery()

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
        for action in (self.save_action, self.save_as_action, self.new_action, self.open_action):
            action.setEnabled(self.ready)
        self.export_action.setEnabled(self.ready)
        self.compare_action.setEnabled(self.ready)
        self.import_conditions_action.setEnabled(self.ready)
        self.import_statistics_action.setEnabled(self.ready)
        self.explain_fit_action.setEnabled(has_selection and has_industry)

    def _update_title(self) -> None:
        self.setWindowTitle(
            self.tr("{name}[*] — Cluster Planner").format(name=self.document.display_name())
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
            text += self.tr(" · {flags} flags").format(flags=len(analysis.flags))
            index = _homogeneity_index(analysis)
            if index is not None:
                text += self.tr(" · homogeneity {index:.2f}").format(index=index)
        self.counts_label.setText(text)

    # ------------------------------------------------------------------ the map's colours
    def set_colour_mode(self, mode: str) -> None:
        """Colour the map by ``count`` (industries per region), ``industry`` or ``severity``."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"colour mode must be one of {COLOUR_MODES}, not {mode!r}")
        self._colour_mode = mode
        self._sync_colour_widgets()
        self.recolour()

    def set_colour_industry(self, industry_id: str, switch_mode: bool = True) -> None:
        """Choose the industry the map shows in ``industry`` mode."""
        if industry_id not in self.catalog.by_id:
            return
        self._colour_industry = industry_id
        if switch_mode:
            self._colour_mode = "industry"
        self._sync_colour_widgets()
        if switch_mode or self._colour_mode == "industry":
            self.recolour()

    @property
    def colour_mode(self) -> str:
        return self._colour_mode

    def _sync_colour_widgets(self) -> None:
        self.colour_combo.blockSignals(True)
        self.colour_combo.setCurrentIndex(self.colour_combo.findData(self._colour_mode))
        self.colour_combo.blockSignals(False)
        self.colour_actions[self._colour_mode].setChecked(True)
        self.industry_combo.blockSignals(True)
        self.industry_combo.setCurrentIndex(max(0, self.industry_combo.findData(self._colour_industry)))
        self.industry_combo.blockSignals(False)
        self.industry_combo.setEnabled(self._colour_mode == "industry")

    def recolour(self) -> None:
        """Recompute the regions' colours from the plan and hand them to the map."""
        layer = self.document.layer
        if layer is None:
            return
        started = time.perf_counter()
        from cluster_planner.render.colouring import (
            colour_by_count,
            colour_by_industry,
            colour_by_severity,
        )

        n = len(layer)
        index_of = layer.index_of
        plan = self.document.plan
        if self._comparison is not None:
            facecolors, legend = self._comparison_colours(n, index_of)
        elif self._colour_mode == "count":
            counts = np.zeros(n, dtype=int)
            for region, count in plan.region_counts().items():
                row = index_of.get(region)
                if row is not None:
                    counts[row] = count
            facecolors, legend = colour_by_count(counts, label=self._count_label)
        elif self._colour_mode == "industry":
            lead = np.zeros(n, dtype=bool)
            support = np.zeros(n, dtype=bool)
            for assignment in plan.regions_with(self._colour_industry):
                row = index_of.get(assignment.region)
                if row is not None:
                    (lead if assignment.role == "lead" else support)[row] = True
            facecolors, legend = colour_by_industry(
                lead, support,
                lead_label=self.tr("{industry}: lead").format(
                    industry=self.document.industry_name(self._colour_industry)
                ),
                support_label=self.tr("Support"),
                none_label=self.tr("Not chosen"),
            )
        else:
            levels = np.zeros(n, dtype=int)
            analysis = self.document.analysis
            worst = analysis.region_severity() if analysis is not None else {}
            for code, severity in worst.items():
                row = index_of.get(code)
                if row is not None:
                    levels[row] = SEVERITY_RANK.get(severity, 0)
            facecolors, legend = colour_by_severity(
                levels,
                labels=(self.tr("No flag"), self.tr("Info"), self.tr("Warning"), self.tr("Error")),
            )
        self.canvas.set_colours(facecolors, legend)
        self.last_recolour_seconds = time.perf_counter() - started

    def _comparison_colours(self, n: int, index_of: dict[str, int]) -> tuple[np.ndarray, list]:
        from matplotlib.colors import to_rgba

        from cluster_planner.render.colouring import NOTHING_GREY

        # Okabe-Ito: colour-blind safe, like the other map colourings.
        palette = {
            "same": to_rgba(NOTHING_GREY),
            "added": to_rgba("#009e73"),
            "removed": to_rgba("#d55e00"),
            "changed": to_rgba("#e69f00"),
        }
        state: dict[int, str] = {}
        diff = self._comparison
        for kind, keys in (
            ("added", [a.key for a in diff.added]),
            ("removed", [a.key for a in diff.removed]),
            ("changed", [c.key for c in diff.changed]),
        ):
            for region, _industry in keys:
                row = index_of.get(region)
                if row is not None:
                    state[row] = kind if state.get(row, kind) == kind else "changed"
        facecolors = np.tile(palette["same"], (n, 1))
        for row, kind in state.items():
            facecolors[row] = palette[kind]
        legend = [
            (self.tr("Only in the other plan"), palette["added"]),
            (self.tr("Only in this plan"), palette["removed"]),
            (self.tr("Changed"), palette["changed"]),
            (self.tr("Same"), palette["same"]),
        ]
        return facecolors, legend

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

    # ------------------------------------------------------------------ files
    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; ``False`` when the user cancels."""
        if not self.document.is_modified():
            return True
        answer = dialogs.ask_save_changes(self, self.document.display_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_plan(self) -> None:
        if not self.ready or not self.maybe_save():
            return
        self._discard_recovery()
        level = self.document.level
        self.with_level_data(level, lambda data: self._install(Plan(level=level), data, None))

    def open_plan(self) -> None:
        if not self.ready or not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open plan"), self._dialog_directory(), self._plan_filter()
        )
        if path:
            self.open_path(path, ask_to_save=False)

    def propose_layout(self) -> None:
        """Plan > Propose differentiated layout…: the optimiser's dialog on the open plan."""
        from cluster_planner.qt.propose_dialog import ProposeDialog

        self.propose_dialog = ProposeDialog(self.document, self)
        self.propose_dialog.show()

    def open_path(self, path: str | Path, ask_to_save: bool = True) -> bool:
        """Open the plan file ``path``; on error show it and keep the open plan.

        Returns ``True`` when the plan was read (for the county level it then appears
        once the layer has loaded).
        """
        path = Path(path)
        if ask_to_save and not self.maybe_save():
            return False
        try:
            # Read once without a layer to learn the plan's level, so that the county
            # layer can load in the worker before the codes are checked against it.
            level = _load_plan_file(path, self.catalog, None).level
        except PlanFileError as error:
            dialogs.show_error(self, self.tr("Cannot open the plan"), error.one_line())
            return False
        outcome: dict[str, bool] = {}

        def install(data: LevelData) -> None:
            try:
                plan = _load_plan_file(path, self.catalog, data.layer)
            except PlanFileError as error:
                dialogs.show_error(self, self.tr("Cannot open the plan"), error.one_line())
                outcome["ok"] = False
                return
            self._discard_recovery()
            self._install(plan, data, path)
            self._remember_file(path)
            outcome["ok"] = True

        self.with_level_data(level, install)
        return outcome.get("ok", True)

    def save(self) -> bool:
        """Save to the plan's file (asking for one if it has none); ``False`` on failure."""
        if self.document.path is None:
            return self.save_as()
        return self.save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = self.document.path or Path(self._dialog_directory()) / (
            _safe_file_stem(self.document.plan.name) + ".cplan"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save plan as"), str(suggested), self._plan_filter()
        )
        if not path:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".cplan")
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the plan to ``path`` atomically; the stack becomes clean on success."""
        path = Path(path)
        try:
            _save_plan_file(self.document.plan, path)
        except PlanFileError as error:
            dialogs.show_error(self, self.tr("Cannot save the plan"), error.one_line())
            return False
        self._discard_recovery()
        self.document.mark_saved(path)
        self._remember_file(path)
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 4000)
        return True

    def _remember_file(self, path: Path) -> None:
        self.settings.add_recent_file(path)
        self.settings.set_last_directory(path.resolve().parent)

    def _dialog_directory(self) -> str:
        if self.document.path is not None:
            return str(self.document.path.parent)
        return self.settings.last_directory() or str(Path.home())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            label = f"&{number % 10} {Path(path).name}  —  {Path(path).parent}"
            action = self.recent_menu.addAction(label)
            action.setObjectName(f"recentFileAction{number}")
            action.setData(path)
            action.triggered.connect(lambda _checked=False, path=path: self.open_recent(path))
        if not recent:
            empty = self.recent_menu.addAction(self.tr("No recent plans"))
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction(self.tr("Clear recent plans"))
            clear.triggered.connect(lambda: self.settings.set_recent_files([]))

    def open_recent(self, path: str) -> None:
        """Open a recent file; a file that no longer exists is removed from the list."""
        if not Path(path).is_file():
            self.settings.remove_recent_file(path)
            dialogs.show_information(
                self, self.tr("Plan not found"),
                self.tr("{path} no longer exists; it was removed from the recent plans.").format(
                    path=path
                ),
            )
            return
        self.open_path(path)

    def export(self) -> None:
        """Ask for a file and export the plan by its suffix (map, table, GIS layer, report)."""
        if not self.ready:
            return
        filters = [
            self.tr("Map picture (*.png)"),
            self.tr("Map as vector graphics (*.svg)"),
            self.tr("Map as PDF (*.pdf)"),
            self.tr("Report (*.html)"),
            self.tr("Assignments table (*.csv)"),
            self.tr("GIS layer, GeoPackage (*.gpkg)"),
            self.tr("GIS layer, GeoJSON (*.geojson)"),
            self.tr("Plan, normalised (*.cplan)"),
        ]
        stem = self.document.path.stem if self.document.path else _safe_file_stem(
            self.document.plan.name
        )
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export plan"), str(Path(self._dialog_directory()) / f"{stem}.png"),
            ";;".join(filters),
        )
        if not path:
            return
        path = Path(path)
        if not path.suffix and "(*." in chosen:
            path = path.with_suffix(chosen[chosen.index("(*.") + 2 : -1])
        self.export_to(path)

    def export_to(self, path: str | Path) -> bool:
        """Export the open plan to ``path`` (its suffix picks the format); ``False`` on error."""
        from cluster_planner.io.export import export_plan

        path = Path(path)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_plan(
                self.document.plan,
                path,
                layer=self.document.layer,
                catalog=self.catalog,
                analysis=self.document.analysis,
                language=current_language(),
                colour_by="flags" if self._colour_mode == "severity" else "industries",
            )
        except InputError as error:
            QApplication.restoreOverrideCursor()
            dialogs.show_error(self, self.tr("Cannot export the plan"), error.one_line())
            return False
        QApplication.restoreOverrideCursor()
        self.settings.set_last_directory(path.resolve().parent)
        self.statusBar().showMessage(self.tr("Exported {path}").format(path=path), 6000)
        return True

    def compare_with(self) -> None:
        """Ask for another plan file and compare the open plan with it."""
        if not self.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Compare with plan"), self._dialog_directory(), self._plan_filter()
        )
        if path:
            self.compare_path(path)

    def compare_path(self, path: str | Path) -> bool:
        """Compare the open plan (before) with the plan file ``path`` (after).

        The map shows what the other plan adds, removes and changes until the comparison
        dialog is closed. Returns ``False`` (after showing why) when the file cannot be
        compared.
        """
        path = Path(path)
        try:
            other = _load_plan_file(path, self.catalog, None)
            if other.level != self.document.level:
                raise PlanFileError(
                    path,
                    f"the plan is on the {other.level} level; the open plan is on the "
                    f"{self.document.level} level",
                )
            other = _load_plan_file(path, self.catalog, self.document.layer)
        except PlanFileError as error:
            dialogs.show_error(self, self.tr("Cannot compare the plans"), error.one_line())
            return False
        self._comparison_plan = other
        self._comparison_path = path
        if self._compare_dialog is None:
            self._compare_dialog = dialogs.CompareDialog(
                self.document.region_label, self.document.industry_label, self
            )
            self._compare_dialog.regionsSelected.connect(
                lambda codes: self.selection.apply(codes, "replace") if codes else None
            )
            self._compare_dialog.finished.connect(self._end_comparison)
        self._update_comparison()
        self._compare_dialog.show()
        self._compare_dialog.raise_()
        return True

    def _update_comparison(self) -> None:
        if self._comparison_plan is None or self._compare_dialog is None:
            return
        from cluster_planner.analysis.diff import diff_plans

        context = self.document.context
        self._comparison = diff_plans(self.document.plan, self._comparison_plan, context)
        self._compare_dialog.show_diff(self._comparison, str(self._comparison_path))
        self.recolour()

    def _end_comparison(self) -> None:
        self._comparison = None
        self._comparison_plan = None
        self.recolour()

    @property
    def comparison(self) -> Any:
        """The core ``PlanDiff`` the map shows, or ``None``."""
        return self._comparison

    # ------------------------------------------------------------------ fit and local conditions
    def show_fit_dialog(self, region: str, industry: str) -> Any:
        """Open (or bring up) the "Why this fit?" dialog for ``industry`` in ``region``."""
        from cluster_planner.qt.fit_dialog import FitDialog

        if self._fit_dialog is None:
            self._fit_dialog = FitDialog(self.document, self)
            self._fit_dialog.assignRequested.connect(self._assign_suggestion)
        self._fit_dialog.show_fit(region, industry)
        return self._fit_dialog

    def explain_current_fit(self) -> None:
        """Explain the chosen industry in the first selected region."""
        codes = self.selection.codes
        industry = self.catalog_panel.current_industry()
        if codes and industry:
            self.show_fit_dialog(codes[0], industry)
        else:
            self.statusBar().showMessage(self.tr("Select a region and an industry first"), 4000)

    def _assign_suggestion(self, region: str, industry: str) -> None:
        plan = self.document.plan
        if plan.get(region, industry) is None:
            self.document.push(plan.assign_industry(region, industry, "lead"))

    def _assignment_key(self, index: Any) -> tuple[str, str] | None:
        key = self.assignments_proxy.data(index, KEY_ROLE) if index.isValid() else None
        return tuple(key) if key else None

    def _on_assignment_double_clicked(self, index: Any) -> None:
        from cluster_planner.qt.assignments_model import COLUMNS as ASSIGNMENT_COLUMNS

        key = self._assignment_key(index)
        if key and ASSIGNMENT_COLUMNS[index.column()] != "note":  # the note column edits
            self.show_fit_dialog(*key)

    def _assignment_context_menu(self, position: Any) -> None:
        key = self._assignment_key(self.assignments_table.indexAt(position))
        if key:
            self._fit_menu([key], self.assignments_table.viewport().mapToGlobal(position))

    def _flag_context_menu(self, position: Any) -> None:
        table = self.flags_panel.table
        index = table.indexAt(position)
        if not index.isValid():
            return
        table.selectRow(index.row())
        flag = self.flags_panel.selected_flag()
        if flag is None or not flag.industry:
            return
        keys = [(region, flag.industry) for region in flag.regions[:8]]
        self._fit_menu(keys, table.viewport().mapToGlobal(position))

    def _fit_menu(self, keys: list[tuple[str, str]], global_position: Any) -> None:
        menu = QMenu(self)
        menu.setObjectName("fitMenu")
        for region, industry in keys:
            action = menu.addAction(
                self.tr("Why this fit? {industry} in {region}").format(
                    industry=self.document.industry_label(industry), region=self.document.region_label(region)
                )
            )
            action.triggered.connect(
                lambda _checked=False, region=region, industry=industry: self.show_fit_dialog(region, industry)
            )
        menu.popup(global_position)

    def import_conditions(self) -> None:
        """Ask for a CSV of local-condition facts and import it (see :meth:`import_conditions_csv`)."""
        if not self.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import local conditions"), self._dialog_directory(),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if path:
            self.import_conditions_csv(path)

    def import_conditions_csv(self, path: str | Path) -> tuple[int, list[str]]:
        """Apply the good rows of a facts CSV as one undo step and report the bad ones.

        Returns the number of facts applied and the problems (``"line N: ..."``); a file
        that cannot be read at all is shown as an error and applies nothing.
        """
        conditions = self.document.conditions
        if conditions is None:
            dialogs.show_error(
                self, self.tr("Cannot import local conditions"),
                self.document.analysis_problem or self.tr("No local conditions are loaded."),
            )
            return 0, []
        try:
            facts, problems = conditions.import_csv(path)
        except InputError as error:
            dialogs.show_error(self, self.tr("Cannot import local conditions"), error.one_line())
            return 0, []
        if facts:
            self.document.push_fact_edit(
                conditions.set_facts(facts),
                self.tr("Import local conditions from {file}").format(file=Path(path).name),
            )
        summary = self.tr("{file}: {good} facts applied (one undo step), {bad} rows skipped.").format(
            file=Path(path).name, good=len(facts), bad=len(problems)
        )
        self.statusBar().showMessage(summary, 8000)
        if problems:
            self._show_import_report(summary, problems)
        return len(facts), problems

    def import_statistics(self) -> None:
        """Ask for a region × industry CSV and use it for fit (see :meth:`import_statistics_csv`)."""
        if not self.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import statistics"), self._dialog_directory(),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if path:
            self.import_statistics_csv(path)

    def import_statistics_csv(self, path: str | Path) -> bool:
        """Load a region × industry table into the analysis; problems are shown by line number."""
        from cluster_planner.domain.statistics import load_statistics

        layer = self.document.layer
        if layer is None:
            return False
        try:
            table = load_statistics(path, [str(code) for code in layer.codes], self.catalog.ids)
        except InputError as error:
            self._show_import_report(
                self.tr("Cannot import statistics; nothing changed."), error.one_line().split("; ")
            )
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.document.set_statistics(table)
        finally:
            QApplication.restoreOverrideCursor()
        return True

    def _show_import_report(self, summary: str, problems: list[str]) -> None:
        if self.import_report is not None:
            self.import_report.close()
        self.import_report = ImportReportDialog(summary, problems, self)
        self.import_report.show()

    def _update_statistics_label(self) -> None:
        table = self.document.statistics
        self.statistics_label.setVisible(table is not None)
        if table is not None:
            name = Path(table.source).name if table.source else ""
            self.statistics_label.setText(self.tr("Statistics loaded: {file}").format(file=name))
            self.statistics_label.setToolTip(table.source)
        if self.document.user_fact_problems:
            self.statusBar().showMessage(
                self.tr("Some saved local conditions could not be used: {problem}").format(
                    problem=self.document.user_fact_problems[0]
                ),
                10000,
            )

    # ------------------------------------------------------------------ autosave
    def autosave(self) -> Path | None:
        """Write a recovery file while there are unsaved changes (called by a timer).

        Returns the file written, or ``None`` when there was nothing to save.
        """
        if not self.ready or not self.document.is_modified():
            return None
        if self._recovery_path is not None and not self._edited_since_autosave:
            return self._recovery_path  # nothing new since the last autosave
        from cluster_planner.io.recovery import write_recovery

        try:
            self._recovery_path = write_recovery(
                self.document.plan, self.document.path, slot=self._recovery_slot
            )
            self._edited_since_autosave = False
        except PlanFileError as error:
            self.statusBar().showMessage(
                self.tr("Autosave failed: {problem}").format(problem=error.one_line()), 10000
            )
            return None
        return self._recovery_path

    def _discard_recovery(self) -> None:
        """Remove the open plan's recovery file (after a save, a discard or a clean close)."""
        if self._recovery_path is None:
            return
        from cluster_planner.io.recovery import discard_recovery

        try:
            discard_recovery(self._recovery_path)
        except PlanFileError as error:
            self.statusBar().showMessage(error.one_line(), 10000)
        self._recovery_path = None

    def offer_recovery(self) -> bool:
        """Offer the plans autosaved by sessions that did not close cleanly.

        Returns ``True`` when a plan was restored.
        """
        from cluster_planner.io.recovery import discard_recovery, find_recoveries

        entries = find_recoveries()
        if not entries:
            return False
        choices = [(self._recovery_label(entry), entry) for entry in entries]
        dialog = dialogs.RecoveryDialog(choices, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.discard_all:
            for entry in entries:
                try:
                    discard_recovery(entry)
                except PlanFileError as error:
                    self.statusBar().showMessage(error.one_line(), 10000)
            return False
        entry = dialog.chosen()
        if not accepted or entry is None:
            return False
        return self.restore_recovery(entry)

    def restore_recovery(self, entry: Any) -> bool:
        """Open the plan of a recovery file as an unsaved plan, then delete that file."""
        from cluster_planner.io.recovery import discard_recovery, load_recovery

        if entry.problem:
            dialogs.show_error(self, self.tr("Cannot restore the plan"), f"{entry.path}: {entry.problem}")
            return False
        if not self.maybe_save():
            return False
        level = entry.level if entry.level in LEVELS else self.document.level
        outcome: dict[str, bool] = {}

        def install(data: LevelData) -> None:
            try:
                plan = load_recovery(entry, self.catalog, data.layer)
            except PlanFileError as error:
                dialogs.show_error(self, self.tr("Cannot restore the plan"), error.one_line())
                outcome["ok"] = False
                return
            self._discard_recovery()
            self._install(plan, data, entry.source_path)
            # The restored plan is not saved anywhere yet: the stack must not read clean.
            self.document.undo_stack.resetClean()
            self.setWindowModified(True)
            try:
                discard_recovery(entry)
            except PlanFileError as error:
                self.statusBar().showMessage(error.one_line(), 10000)
            self.autosave()
            outcome["ok"] = True

        self.with_level_data(level, install)
        return outcome.get("ok", True)

    def _recovery_label(self, entry: Any) -> str:
        when = entry.saved_at.astimezone().strftime("%Y-%m-%d %H:%M") if entry.saved_at else "?"
        if entry.problem:
            return self.tr("{file}: cannot be restored ({problem})").format(
                file=entry.path.name, problem=entry.problem
            )
        source = str(entry.source_path) if entry.source_path else self.tr("never saved")
        label = self.tr(
            "{name} — {level}, {count} assignments\nautosaved {when} — {source}"
        ).format(
            name=entry.plan_name or self.tr("Untitled plan"),
            level=dialogs.level_name(entry.level),
            count=entry.assignments,
            when=when,
            source=source,
        )
        if entry.source_is_newer:
            label += self.tr(" (the plan file changed since)")
        return label

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
        return language

    def set_theme(self, choice: str) -> str:
        """Use the ``system``, ``light`` or ``dark`` palette and remember it; returns the scheme."""
        from cluster_planner.qt.theme import apply_theme

        self.settings.set_theme(choice)
        self.theme_actions[choice].setChecked(True)
        return apply_theme(choice)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        for loader in list(self._loaders.values()):
            loader.wait()
        self._autosave_timer.stop()
        self._discard_recovery()
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


def _safe_file_stem(name: str) -> str:
    stem = "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip()
    return stem or "plan"


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
