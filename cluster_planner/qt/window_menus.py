"""The window's actions, menus and map toolbar: names, shortcuts, texts in both languages.

Every action is an attribute of the window (``window.undo_action``, ``window.lead_action``,
``window.level_actions["county"]`` ...) whose slot is one call on the window or one of its
controllers; what the actions do lives there and in the planning session. Texts are
given as callables so they follow a change of language (``window._translated``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QToolBar

from cluster_planner.domain.plan import LEVELS
from cluster_planner.qt import dialogs
from cluster_planner.session.session import COLOUR_MODES

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow


class WindowMenus(QObject):
    """Builds and names the window's actions, menus and toolbar.

    Call :meth:`build_actions`, :meth:`build_menus` and :meth:`build_toolbar` once the
    docks exist (the View menu lists them); :meth:`name_toolbar_items` after a change of
    language.
    """

    def __init__(self, window: MainWindow):
        super().__init__(window)
        # The window gets its actions, menus and toolbars as attributes here (MainWindow
        # declares them); typed loosely so that this builder need not restate them.
        self.w: Any = window

    def _action(
        self,
        name: str,
        text: str | Callable[[], str],
        slot: Callable[..., Any] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | list | None = None,
        tip: str | Callable[[], str] = "",
    ) -> QAction:
        """A window action; ``text`` and ``tip`` given as callables follow language changes."""
        action = QAction(self.w)
        if callable(text):
            self.w._translated(action.setText, text)
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
            self.w._translated(action.setStatusTip, tip)
            self.w._translated(action.setToolTip, tip)
        elif tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        self.w.addAction(action)
        return action

    def build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.w.new_action = self._action("newAction", lambda: self.tr("&New plan"), self.w.files.new_plan, key.New)
        self.w.open_action = self._action("openAction", lambda: self.tr("&Open…"), self.w.files.open_plan, key.Open)
        self.w.save_action = self._action("saveAction", lambda: self.tr("&Save"), self.w.files.save, key.Save)
        self.w.save_as_action = self._action(
            "saveAsAction", lambda: self.tr("Save &As…"), self.w.files.save_as, QKeySequence("Ctrl+Shift+S")
        )
        self.w.open_server_action = self._action(
            "openServerAction", lambda: self.tr("Open from ser&ver…"), self.w.server.open_from_server,
            None, lambda: self.tr("Open a plan shared on a PostgreSQL server; edits go to the server"),
        )
        self.w.save_server_action = self._action(
            "saveServerAction", lambda: self.tr("Save to serve&r…"), self.w.server.save_to_server,
            None, lambda: self.tr("Put this plan on a PostgreSQL server (conflicts are listed, "
                                  "nothing is overwritten)"),
        )
        self.w.export_action = self._action(
            "exportAction", lambda: self.tr("&Export…"), self.w.files.export, QKeySequence("Ctrl+E"),
            lambda: self.tr("Export the plan as a map, table, GIS layer or report"),
        )
        self.w.compare_action = self._action(
            "compareAction", lambda: self.tr("&Compare with…"), self.w.data.compare_with, None,
            lambda: self.tr("Compare this plan with another plan file"),
        )
        self.w.import_conditions_action = self._action(
            "importConditionsAction", lambda: self.tr("Import &local conditions (CSV)…"),
            self.w.data.import_conditions, None,
            lambda: self.tr("Add your own local-condition facts: region, condition, value, source"),
        )
        self.w.import_statistics_action = self._action(
            "importStatisticsAction", lambda: self.tr("Import &statistics (CSV)…"),
            self.w.data.import_statistics, None,
            lambda: self.tr("A region × industry table: fit then uses location quotients and relatedness"),
        )
        self.w.explain_fit_action = self._action(
            "explainFitAction", lambda: self.tr("&Why this fit?"), self.w.fits.explain_current_fit,
            QKeySequence("Ctrl+I"),
            lambda: self.tr("Explain the fit of the chosen industry in the selected region"),
        )
        self.w.quit_action = self._action("quitAction", lambda: self.tr("&Quit"), self.w.close, key.Quit)
        self.w.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.w.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        stack = self.w.document.undo_stack
        self.w.undo_action = stack.createUndoAction(self.w)
        self.w.undo_action.setObjectName("undoAction")
        self.w.undo_action.setShortcuts(key.Undo)
        self.w.redo_action = stack.createRedoAction(self.w)
        self.w.redo_action.setObjectName("redoAction")
        self.w.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.w.addAction(self.w.undo_action)
        self.w.addAction(self.w.redo_action)
        # The stack fixes its "Undo" prefix when it makes the action, in the language of
        # that moment; connected after the stack's own slots, these re-set the text in the
        # language installed now, on every change of the command and on a language switch.
        stack.undoTextChanged.connect(self.retitle_undo_actions)
        stack.redoTextChanged.connect(self.retitle_undo_actions)
        self.w._retranslators.append(self.retitle_undo_actions)
        self.retitle_undo_actions()
        self.w.rename_action = self._action("renameAction", lambda: self.tr("Re&name plan…"), self.w.rename_plan)

        self.w.lead_action = self._action(
            "assignLeadAction", lambda: self.tr("Assign as &lead"),
            lambda: self.w.assign_to_selection(self.w.catalog_panel.current_industry(), "lead"),
            QKeySequence("Ctrl+L"),
        )
        self.w.support_action = self._action(
            "assignSupportAction", lambda: self.tr("Assign as &support"),
            lambda: self.w.assign_to_selection(self.w.catalog_panel.current_industry(), "support"),
            QKeySequence("Ctrl+Shift+L"),
        )
        self.w.unassign_action = self._action(
            "unassignAction", lambda: self.tr("&Remove industry from selection"),
            lambda: self.w.unassign_from_selection(self.w.catalog_panel.current_industry()),
            QKeySequence("Ctrl+Shift+Backspace"),
        )
        self.w.clear_selection_action = self._action(
            "clearSelectionAction", lambda: self.tr("&Clear selection"), self.w.selection.clear,
            QKeySequence("Ctrl+Shift+A"),
        )
        self.w.go_to_region_action = self._action(
            "goToRegionAction", lambda: self.tr("&Go to region…"), self.w.go_to_region, QKeySequence("Ctrl+G"),
            lambda: self.tr("Select a region by its name or code (the keyboard way to pick regions)"),
        )
        self.w.focus_map_action = self._action(
            "focusMapAction", lambda: self.tr("Focus the &map"), lambda: self.w.canvas.setFocus(),
            QKeySequence("F6"), lambda: self.tr("Keys on the map: arrows pan, + and - zoom, Home resets"),
        )
        self.w.find_industry_action = self._action(
            "findIndustryAction", lambda: self.tr("&Find industry"), self.w._focus_industry_search, key.Find
        )
        self.w.filter_assignments_action = self._action(
            "filterAssignmentsAction", lambda: self.tr("Filter &assignments"),
            self.w._focus_assignments_filter, QKeySequence("Ctrl+Shift+F"),
        )

        self.w.reset_view_action = self._action(
            "resetViewAction", lambda: self.tr("&Reset view"), lambda: self.w.canvas.reset_view(),
            QKeySequence("Ctrl+0"), lambda: self.tr("Show the whole country"),
        )
        self.w.zoom_in_action = self._action(
            "zoomInAction", lambda: self.tr("Zoom &in"), lambda: self.w.canvas.zoom(1.5), key.ZoomIn
        )
        self.w.zoom_out_action = self._action(
            "zoomOutAction", lambda: self.tr("Zoom &out"), lambda: self.w.canvas.zoom(1 / 1.5), key.ZoomOut
        )

        self.w.level_group = QActionGroup(self.w)
        self.w.level_actions = {}
        for number, level in enumerate(LEVELS, start=1):
            action = self._action(
                f"level{level.title()}Action", lambda level=level: dialogs.level_name(level).title(),  # type: ignore[misc]  # mypy infers no lambda with a default against str | Callable
                lambda level=level: self.w.request_level(level), QKeySequence(f"Ctrl+{number}"),
            )
            action.setCheckable(True)
            self.w.level_group.addAction(action)
            self.w.level_actions[level] = action

        self.w.colour_group = QActionGroup(self.w)
        self.w.colour_actions = {}
        for number, mode in enumerate(COLOUR_MODES, start=1):
            action = self._action(
                f"colourBy{mode.title()}Action", lambda mode=mode: self.colour_mode_name(mode),  # type: ignore[misc]  # mypy infers no lambda with a default against str | Callable
                lambda mode=mode: self.w.set_colour_mode(mode), QKeySequence(f"Ctrl+Alt+{number}"),
            )
            action.setCheckable(True)
            self.w.colour_group.addAction(action)
            self.w.colour_actions[mode] = action
        self.w.colour_actions["count"].setChecked(True)

        self.w.about_action = self._action("aboutAction", lambda: self.tr("&About Cluster Planner"), self.w.about)
        self.w.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.w.help_action = self._action(
            "helpAction", lambda: self.tr("Cluster Planner &Help"), self.w.show_help, key.HelpContents
        )

        # Language and theme: the names of the languages are written in themselves.
        self.w.language_group = QActionGroup(self.w)
        self.w.language_actions = {}
        for choice, text in (
            ("system", lambda: self.tr("&System language")), ("zh", lambda: "中文（简体）"), ("en", lambda: "English")
        ):
            action = self._action(
                f"language{choice.title()}Action", text, lambda choice=choice: self.w.set_language(choice)
            )
            action.setCheckable(True)
            self.w.language_group.addAction(action)
            self.w.language_actions[choice] = action
        self.w.language_actions[self.w.settings.language()].setChecked(True)
        self.w.theme_group = QActionGroup(self.w)
        self.w.theme_actions = {}
        for choice, text in (
            ("system", lambda: self.tr("Follow the &system")),
            ("light", lambda: self.tr("&Light")),
            ("dark", lambda: self.tr("&Dark")),
        ):
            action = self._action(f"theme{choice.title()}Action", text, lambda choice=choice: self.w.set_theme(choice))
            action.setCheckable(True)
            self.w.theme_group.addAction(action)
            self.w.theme_actions[choice] = action
        self.w.theme_actions[self.w.settings.theme()].setChecked(True)

    def colour_mode_name(self, mode: str) -> str:
        return {
            "count": self.tr("Number of industries"),
            "industry": self.tr("Chosen industry"),
            "severity": self.tr("Flag severity"),
        }[mode]

    def build_menus(self) -> None:
        bar = self.w.menuBar()
        file_menu = bar.addMenu("")
        self.w._translated(file_menu.setTitle, lambda: self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        file_menu.addAction(self.w.new_action)
        file_menu.addAction(self.w.open_action)
        self.w.recent_menu = QMenu(self.w)
        self.w._translated(self.w.recent_menu.setTitle, lambda: self.tr("Open &Recent"))
        self.w.recent_menu.setObjectName("recentMenu")
        self.w.recent_menu.aboutToShow.connect(self.w.files._fill_recent_menu)
        file_menu.addMenu(self.w.recent_menu)
        file_menu.addAction(self.w.save_action)
        file_menu.addAction(self.w.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.w.open_server_action)
        file_menu.addAction(self.w.save_server_action)
        file_menu.addSeparator()
        file_menu.addAction(self.w.export_action)
        file_menu.addAction(self.w.compare_action)
        file_menu.addSeparator()
        file_menu.addAction(self.w.import_conditions_action)
        file_menu.addAction(self.w.import_statistics_action)
        file_menu.addSeparator()
        file_menu.addAction(self.w.quit_action)

        self.w.edit_menu = bar.addMenu("")
        self.w._translated(self.w.edit_menu.setTitle, lambda: self.tr("&Edit"))
        self.w.edit_menu.setObjectName("editMenu")
        self.w.edit_menu.addAction(self.w.undo_action)
        self.w.edit_menu.addAction(self.w.redo_action)
        self.w.edit_menu.addSeparator()
        self.w.edit_menu.addAction(self.w.rename_action)
        self.w.edit_menu.addAction(self.w.go_to_region_action)
        self.w.edit_menu.addAction(self.w.clear_selection_action)
        self.w.edit_menu.addAction(self.w.find_industry_action)
        self.w.edit_menu.addAction(self.w.filter_assignments_action)

        plan_menu = bar.addMenu("")
        self.w._translated(plan_menu.setTitle, lambda: self.tr("&Plan"))
        plan_menu.setObjectName("planMenu")
        plan_menu.addAction(self.w.lead_action)
        plan_menu.addAction(self.w.support_action)
        plan_menu.addAction(self.w.unassign_action)
        plan_menu.addSeparator()
        plan_menu.addAction(self.w.explain_fit_action)
        plan_menu.addSeparator()
        self.w.propose_action = self._action(
            "proposeAction", lambda: self.tr("Propose &differentiated layout…"), self.w.propose_layout, None,
            lambda: self.tr("The smallest change to this draft that clears its homogenization"),
        )
        plan_menu.addAction(self.w.propose_action)

        view_menu = bar.addMenu("")
        self.w._translated(view_menu.setTitle, lambda: self.tr("&View"))
        view_menu.setObjectName("viewMenu")
        level_menu = view_menu.addMenu("")
        self.w._translated(level_menu.setTitle, lambda: self.tr("&Level"))
        for action in self.w.level_actions.values():
            level_menu.addAction(action)
        colour_menu = view_menu.addMenu("")
        self.w._translated(colour_menu.setTitle, lambda: self.tr("&Colour by"))
        for action in self.w.colour_actions.values():
            colour_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.w.focus_map_action)
        view_menu.addAction(self.w.reset_view_action)
        view_menu.addAction(self.w.zoom_in_action)
        view_menu.addAction(self.w.zoom_out_action)
        view_menu.addSeparator()
        for dock in (self.w.selection_dock, self.w.assignments_dock, self.w.flags_dock, self.w.conditions_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self.w.language_menu = view_menu.addMenu("")
        self.w.language_menu.setObjectName("languageMenu")
        self.w._translated(self.w.language_menu.setTitle, lambda: self.tr("Lan&guage"))
        for action in self.w.language_actions.values():
            self.w.language_menu.addAction(action)
        self.w.theme_menu = view_menu.addMenu("")
        self.w.theme_menu.setObjectName("themeMenu")
        self.w._translated(self.w.theme_menu.setTitle, lambda: self.tr("&Theme"))
        for action in self.w.theme_actions.values():
            self.w.theme_menu.addAction(action)

        help_menu = bar.addMenu("")
        self.w._translated(help_menu.setTitle, lambda: self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(self.w.help_action)
        help_menu.addAction(self.w.about_action)

    def build_toolbar(self) -> None:
        toolbar = QToolBar(self.w)
        self.w._translated(toolbar.setWindowTitle, lambda: self.tr("Map"))
        toolbar.setObjectName("mapToolBar")
        toolbar.setIconSize(QSize(16, 16))
        self.w.addToolBar(toolbar)
        level_label = QLabel()
        self.w._translated(level_label.setText, lambda: self.tr(" Level: "))
        toolbar.addWidget(level_label)
        self.w.level_combo = QComboBox()
        self.w.level_combo.setObjectName("levelCombo")
        for level in LEVELS:
            self.w.level_combo.addItem(dialogs.level_name(level).title(), level)
        self.w.level_combo.activated.connect(
            lambda index: self.w.request_level(self.w.level_combo.itemData(index))
        )
        toolbar.addWidget(self.w.level_combo)
        toolbar.addSeparator()
        colour_label = QLabel()
        self.w._translated(colour_label.setText, lambda: self.tr(" Colour by: "))
        toolbar.addWidget(colour_label)
        self.w.colour_combo = QComboBox()
        self.w.colour_combo.setObjectName("colourCombo")
        for mode in COLOUR_MODES:
            self.w.colour_combo.addItem(self.colour_mode_name(mode), mode)
        self.w.colour_combo.activated.connect(
            lambda index: self.w.set_colour_mode(self.w.colour_combo.itemData(index))
        )
        toolbar.addWidget(self.w.colour_combo)
        self.w.industry_combo = QComboBox()
        self.w.industry_combo.setObjectName("colourIndustryCombo")
        self.w._translated(self.w.industry_combo.setToolTip, lambda: self.tr("The industry the map shows"))
        self.w.industry_combo.setMinimumContentsLength(18)
        self.w.industry_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for industry in self.w.catalog.industries:
            self.w.industry_combo.addItem(industry.name_en, industry.id)
        self.w.industry_combo.activated.connect(
            lambda index: self.w.set_colour_industry(self.w.industry_combo.itemData(index))
        )
        self.w.session.set_colour_industry(str(self.w.industry_combo.itemData(0) or ""))
        toolbar.addWidget(self.w.industry_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.w.reset_view_action)
        toolbar.addAction(self.w.zoom_in_action)
        toolbar.addAction(self.w.zoom_out_action)
        self.name_toolbar_items()
        self.w._sync_colour_widgets()

    def name_toolbar_items(self) -> None:
        """Level, colour mode and industry names in the active language (other one as tooltip)."""
        from cluster_planner.qt.i18n import current_language, other_language

        for index in range(self.w.level_combo.count()):
            self.w.level_combo.setItemText(index, dialogs.level_name(self.w.level_combo.itemData(index)).title())
        for index in range(self.w.colour_combo.count()):
            self.w.colour_combo.setItemText(index, self.colour_mode_name(self.w.colour_combo.itemData(index)))
        language = current_language()
        for index in range(self.w.industry_combo.count()):
            industry = self.w.catalog.by_id.get(self.w.industry_combo.itemData(index))
            if industry is None:
                continue
            names = {"zh": industry.name_zh, "en": industry.name_en}
            self.w.industry_combo.setItemText(index, names[language])
            self.w.industry_combo.setItemData(index, names[other_language(language)], Qt.ItemDataRole.ToolTipRole)

    def retitle_undo_actions(self, *_args: Any) -> None:
        stack = self.w.document.undo_stack
        undo, redo = stack.undoText(), stack.redoText()
        self.w.undo_action.setText(self.tr("&Undo %1").replace("%1", undo) if undo else self.tr("&Undo"))
        self.w.redo_action.setText(self.tr("&Redo %1").replace("%1", redo) if redo else self.tr("&Redo"))
