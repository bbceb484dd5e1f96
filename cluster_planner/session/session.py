"""The planning session: the open plan and everything a user does with it, without Qt.

napari's ``ViewerModel`` shape: the session owns the state and wires its own listeners;
a front end only calls it. The window (through :mod:`cluster_planner.qt.document`) and
every command (``check``, ``diff``, ``export``) build a :class:`PlanSession` and ask it,
so they give the same answer by construction: the local conditions are the level's
bundled facts plus the plan's user facts, the fit adds the plan's imported statistics,
and the analysis runs on that (see :mod:`cluster_planner.session.saved`).

Edits go through :attr:`PlanSession.command_stack` as command objects
(:mod:`cluster_planner.session.commands`); the session announces what changed as typed
events on :attr:`PlanSession.events` (:mod:`cluster_planner.session.events`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.domain.events import EventHub
from cluster_planner.domain.plan import Batch, Change, Edit, Plan, Rename, SetSetting
from cluster_planner.session.commands import (
    CommandStack,
    FactCommand,
    PlanCommand,
    StatisticsCommand,
)
from cluster_planner.session.events import (
    AnalysisUpdated,
    ConditionsChanged,
    PathChanged,
    PlanEdited,
    PlanReplaced,
    SelectionChanged,
    ViewChanged,
)
from cluster_planner.session.level import LevelData, load_level_data
from cluster_planner.session.saved import (
    STATISTICS_SETTING,
    USER_FACTS_SETTING,
    conditions_with_user_facts,
    statistics_from_setting,
    statistics_setting,
    user_fact_rows,
)

COLOUR_MODES = ("count", "industry", "severity")
SELECTION_MODES = ("replace", "add", "toggle")


class PlanSession:
    """The open plan, its level's data, conditions, statistics, analysis, selection and view.

    Parameters
    ----------
    catalog
        The industry catalog (the bundled one by default).
    level
        The level of the first, empty plan (no level data is loaded until asked).
    """

    def __init__(self, catalog: Any = None, level: str = "prefecture"):
        if catalog is None:
            from cluster_planner.domain.catalog import load_catalog

            catalog = load_catalog()
        self.catalog = catalog
        self.events = EventHub()
        #: Where edits go; the window replaces it with its ``QUndoStack`` adapter.
        self.command_stack: Any = CommandStack(self)
        self.plan = Plan(level=level)
        self.level_data: LevelData | None = None
        self.path: Path | None = None
        #: The plan's local conditions (bundled + its user facts) and the fit built on
        #: them with its statistics; the level's shared objects while the plan adds nothing.
        self.conditions: Any = None
        self.statistics: Any = None
        self.context: Any = None
        self.analyzer: Any = None
        self.analysis: Any = None
        #: What in the saved user facts and statistics could not be used, one line each.
        self.saved_data_problems: list[str] = []
        self._analysis_problem = ""
        self.selection: tuple[str, ...] = ()
        self.colour_mode = "count"
        self.colour_industry = ""
        #: The comparison the map shows (a core ``PlanDiff``), its other plan and file.
        self.comparison: Any = None
        self.comparison_plan: Plan | None = None
        self.comparison_path: Path | None = None
        self._levels: dict[str, LevelData] = {}
        self._owns_conditions = False
        self._context_stale = False
        self._flags_by_region: dict[str, list[Any]] | None = None
        #: The link to a plan store while the open plan is a store's plan (see
        #: :mod:`cluster_planner.session.shared`), else ``None``.
        self.shared: Any = None
        self._unsubscribe = self.plan.subscribe(self._on_plan_change)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_file(
        cls, path: str | Path, *, level: str | None = None, catalog: Any = None
    ) -> PlanSession:
        """A session with the plan file ``path`` open (what every command starts from).

        ``level`` reads the plan on that level instead of the one it records.

        Raises
        ------
        InputError
            The file or the level's data is unusable (one line naming the file).
        """
        session = cls(catalog)
        session.open(path, level=level)
        return session

    # ------------------------------------------------------------------ levels
    @property
    def layer(self) -> Any:
        return None if self.level_data is None else self.level_data.layer

    @property
    def level(self) -> str:
        return self.plan.level

    def cached_level(self, level: str) -> LevelData | None:
        """The level's data if it is already loaded."""
        return self._levels.get(level)

    def add_level(self, data: LevelData) -> LevelData:
        """Keep ``data`` (loaded elsewhere, e.g. in a worker thread) for later plans on its level."""
        self._levels[data.level] = data
        return data

    def level_data_for(self, level: str) -> LevelData:
        """The level's data, loaded now if it is not yet.

        Raises
        ------
        DataError
            The region layer is missing or corrupt.
        """
        cached = self._levels.get(level)
        return cached if cached is not None else self.add_level(load_level_data(level, self.catalog))

    # ------------------------------------------------------------------ files
    def new(self, level: str | None = None, name: str | None = None, data: LevelData | None = None) -> None:
        """Start a new, empty plan on ``level`` (the current one by default)."""
        level = level or (data.level if data is not None else self.level)
        plan = Plan(level=level) if name is None else Plan(name=name, level=level)
        self.install(plan, data if data is not None else self.level_data_for(level), None)

    def read_plan_file(self, path: str | Path, layer: Any = None) -> Plan:
        """A plan file read against the catalog (and ``layer``'s codes when given)."""
        from cluster_planner.io.planfile import load_plan

        return load_plan(path, self.catalog, layer)

    def read_level(self, path: str | Path) -> str:
        """The level a plan file records (read without checking its codes)."""
        return self.read_plan_file(path).level

    def open(self, path: str | Path, data: LevelData | None = None, level: str | None = None) -> None:
        """Open the plan file ``path`` (on ``data``'s level when given, which must be its level).

        ``level`` reads the plan on that level instead of the one it records (for an
        old plan that did not record it).

        Raises
        ------
        PlanFileError, DataError
            The plan or the level's data is unusable; the open plan stays.
        """
        from cluster_planner.io.planfile import load_plan

        path = Path(path)
        if level is not None:
            plan = load_plan(path, self.catalog)
            data = data if data is not None else self.level_data_for(level)
            if len(plan.levels) <= 1:  # one level: read its assignments on ``level``
                plan = plan.on_level(level)
                _check_regions(plan, data.layer, path)
            else:  # across levels: each assignment keeps its own; ``level`` is shown
                plan = load_plan(path, self.catalog, _layers_of(self, level, data))
                plan.level = level
        else:
            if data is None:
                data = self.level_data_for(self.read_level(path))
            plan = load_plan(path, self.catalog, data.layer)
        self.install(plan, data, path)

    def open_shared(self, url: str, name: str, *, password: str | None = None,
                    data: LevelData | None = None) -> Any:
        """Open the plan ``name`` of the plan store at ``url``; edits then go to the store.

        Returns the :class:`~cluster_planner.session.shared.SharedLink` (``self.shared``).
        ``password`` is used for this connection only and kept nowhere.

        Raises
        ------
        StoreError
            The store or the plan cannot be reached (one line, never a password).
        """
        from cluster_planner.session.shared import connect_shared, open_shared

        shared = connect_shared(url, name, password)
        try:
            return open_shared(self, shared, data)
        except BaseException:
            shared.close()
            raise

    def push_to_store(self, url: str, name: str | None = None,
                      password: str | None = None) -> Any:
        """Push the open plan into the store at ``url`` as ``name`` (a three-way merge).

        Returns the store's ``PushResult``: written, or its conflicts listed and nothing
        written. A written push makes the plan remember the store's change numbers (as
        ``cluster-planner db push`` does with the file).

        Raises
        ------
        StoreError
            The store cannot be reached or the plan cannot go there (one line).
        """
        from cluster_planner.store.connection import session as store_session
        from cluster_planner.store.sync import push, remember_changes

        with store_session(url, "pushing", password=password) as conn:
            result = push(conn, url, self.plan, name)
        if result.written:
            remember_changes(self.plan, result)
        return result

    def attach_shared(self, link: Any) -> None:
        """Make ``link`` the open plan's store (called by :func:`session.shared.open_shared`)."""
        self.shared = link

    def load_recovery(self, entry: Any, data: LevelData) -> None:
        """Open the plan of an autosaved recovery ``entry`` as an unsaved plan.

        Raises
        ------
        PlanFileError
            The recovery file cannot be read.
        """
        from cluster_planner.io.recovery import load_recovery

        plan = load_recovery(entry, self.catalog, data.layer)
        self.install(plan, data, entry.source_path)
        self.command_stack.reset_clean()  # not saved anywhere yet

    def save(self, path: str | Path | None = None) -> Path:
        """Write the plan (with its user facts and statistics) to ``path`` atomically.

        Raises
        ------
        PlanFileError
            The file cannot be written; the one on disk is unchanged.
        """
        from cluster_planner.io.planfile import save_plan

        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the plan has no file yet: give a path")
        save_plan(self.plan, target)
        self.set_path(target)
        self.command_stack.set_clean()
        return target

    def install(self, plan: Plan, data: LevelData, path: str | Path | None = None) -> None:
        """Make ``plan`` (on ``data``'s layer) the open plan; the undo history is cleared."""
        if plan.level != data.level:
            raise ValueError(f"a {plan.level} plan cannot open on the {data.level} layer")
        self._unsubscribe()
        if self.shared is not None:  # another plan: this one's store link ends here
            self.shared.close()
            self.shared = None
        self.command_stack.clear()
        level_changed = self.level_data is not data
        self.add_level(data)
        self.plan = plan
        self.level_data = data
        self._unsubscribe = plan.subscribe(self._on_plan_change)
        self.end_comparison(announce=False)
        self._load_saved_data()
        self.path = None if path is None else Path(path)
        self._start_analysis()
        if level_changed and self.selection:
            self.selection = ()
            self.events.emit(SelectionChanged(()))
        self.events.emit(PathChanged())
        self.events.emit(PlanReplaced())
        self.events.emit(ConditionsChanged())
        self.events.emit(AnalysisUpdated())

    def show_level(self, level: str, data: LevelData | None = None) -> None:
        """Show the open plan on ``level`` (``data``: that level's, loaded elsewhere).

        The plan stays, with its undo history: each assignment keeps its own level,
        those above ``level`` are drawn on their children and those below rolled up;
        new assignments are made on ``level``. The level shown is a view, so this does
        not mark the plan modified (it is saved with the plan's next save).

        Raises
        ------
        DataError
            The level's region layer cannot load; the plan stays on its level.
        """
        data = data if data is not None else self.level_data_for(level)
        if data is self.level_data:
            return
        self.add_level(data)
        self.plan.level = data.level
        self.level_data = data
        self.end_comparison(announce=False)
        self._load_saved_data()
        self._start_analysis()
        if self.selection:  # codes of another level mean nothing on this map
            self.selection = ()
            self.events.emit(SelectionChanged(()))
        self.events.emit(PlanReplaced())
        self.events.emit(ConditionsChanged())
        self.events.emit(AnalysisUpdated())

    def set_path(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        self.events.emit(PathChanged())

    def is_modified(self) -> bool:
        return not self.command_stack.is_clean()

    def display_name(self, untitled: str = "Untitled plan") -> str:
        return self.plan.name or (self.path.stem if self.path else untitled)

    # ------------------------------------------------------------------ selection and view
    def select(self, codes: Iterable[str], mode: str = "replace") -> None:
        """Change the selection: ``replace`` it, ``add`` to it or ``toggle`` each code."""
        codes = list(codes)
        if mode == "replace":
            new = list(dict.fromkeys(codes))
        elif mode == "add":
            new = list(dict.fromkeys([*self.selection, *codes]))
        elif mode == "toggle":
            new = list(self.selection)
            for code in codes:
                if code in new:
                    new.remove(code)
                else:
                    new.append(code)
        else:
            raise ValueError(f"selection mode must be one of {SELECTION_MODES}, not {mode!r}")
        if tuple(new) != self.selection:
            self.selection = tuple(new)
            self.events.emit(SelectionChanged(self.selection))

    def set_colour_mode(self, mode: str) -> None:
        """Colour the map by ``count`` (industries per region), ``industry`` or ``severity``."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"colour mode must be one of {COLOUR_MODES}, not {mode!r}")
        if mode != self.colour_mode:
            self.colour_mode = mode
            self.events.emit(ViewChanged("colour_mode"))

    def set_colour_industry(self, industry_id: str) -> bool:
        """Choose the industry the ``industry`` colouring shows; ``False`` for an unknown id."""
        if industry_id not in self.catalog.by_id:
            return False
        if industry_id != self.colour_industry:
            self.colour_industry = industry_id
            self.events.emit(ViewChanged("colour_industry"))
        return True

    def map_colours(self, labels: Any = None) -> tuple[Any, list[Any]]:
        """The regions' face colours and the legend for the current view (see :mod:`render.colouring`)."""
        from cluster_planner.render.colouring import ColourLabels, plan_colours

        layer = self.layer
        if layer is None:
            raise ValueError("no region layer is loaded")
        mode = "comparison" if self.comparison is not None else self.colour_mode
        return plan_colours(
            mode, self.plan, layer.index_of, analysis=self.analysis,
            industry=self.colour_industry, comparison=self.comparison,
            labels=labels if labels is not None else ColourLabels(),
        )

    # ------------------------------------------------------------------ editing
    def do(self, command: Any, text: str | None = None) -> None:
        """Run ``command`` as one undo step on the command stack."""
        self.command_stack.do(command, text)

    def push(self, edit: Edit, text: str | None = None) -> None:
        """Apply the plan ``edit`` as one undo step."""
        self.do(PlanCommand(edit), text)

    def assign(self, industry: str, role: str = "lead", codes: Iterable[str] | None = None) -> bool:
        """Assign ``industry`` with ``role`` to ``codes`` (the selection) as one undo step.

        Regions that take it already change role if needed. ``False`` when nothing changed.
        """
        plan = self.plan
        edits: list[Edit] = []
        for code in self.selection if codes is None else codes:
            old = plan.get(code, industry)
            if old is None:
                edits.append(plan.assign_industry(code, industry, role))
            elif old.role != role:
                edits.append(plan.set_role(code, industry, role))
        return self._push_all(edits)

    def unassign(self, industry: str, codes: Iterable[str] | None = None) -> bool:
        """Remove ``industry`` from ``codes`` (the selection) as one undo step."""
        plan = self.plan
        edits = [
            plan.unassign_industry(code, industry)
            for code in (self.selection if codes is None else codes)
            if plan.get(code, industry) is not None
        ]
        return self._push_all(edits)

    def set_role(self, region: str, industry: str, role: str) -> bool:
        assignment = self.plan.get(region, industry)
        if assignment is None or assignment.role == role:
            return False
        self.push(self.plan.set_role(region, industry, role))
        return True

    def set_note(self, region: str, industry: str, note: str) -> bool:
        assignment = self.plan.get(region, industry)
        if assignment is None or assignment.note == note:
            return False
        self.push(self.plan.set_note(region, industry, note))
        return True

    def rename(self, name: str) -> bool:
        name = " ".join(name.split())
        if not name or name == self.plan.name:
            return False
        self.push(Rename(name))
        return True

    def _push_all(self, edits: Sequence[Edit]) -> bool:
        if not edits:
            return False
        self.push(edits[0] if len(edits) == 1 else Batch(tuple(edits)))
        return True

    # ------------------------------------------------------------------ conditions and statistics
    def edit_facts(self, edit: Any, text: str | None = None) -> None:
        """Apply a core local-conditions edit as one undo step (kept with the plan)."""
        self.do(FactCommand(edit), text)

    def import_conditions_csv(self, path: str | Path, text: str | None = None) -> tuple[int, list[str]]:
        """Apply the good rows of a facts CSV as one undo step.

        Returns the number of facts applied and the problems (``"line N: ..."``).

        Raises
        ------
        InputError
            No local conditions are loaded, or the file cannot be read at all.
        """
        conditions = self.conditions
        if conditions is None:
            raise InputError(path, self.analysis_problem or "no local conditions are loaded")
        facts, problems = conditions.import_csv(path)
        if facts:
            self.edit_facts(conditions.set_facts(facts), text)
        return len(facts), problems

    def read_statistics(self, path: str | Path) -> Any:
        """Read a region x industry CSV against this level's regions and the catalog.

        Raises
        ------
        DataError
            The file is unusable (the first problems with their line numbers).
        """
        from cluster_planner.domain.statistics import load_statistics

        if self.layer is None:
            raise ValueError("no region layer is loaded")
        return load_statistics(path, [str(code) for code in self.layer.codes], self.catalog.ids)

    def import_statistics_csv(self, path: str | Path, text: str | None = None) -> Any:
        """Use the table in ``path`` for fit, as one undo step (kept with the plan); returns it."""
        table = self.read_statistics(path)
        self.set_statistics(table, text)
        return table

    def set_statistics(self, table: Any, text: str | None = None) -> None:
        """Use ``table`` (``None`` drops it) as one undo step."""
        self.do(StatisticsCommand(table), text)

    def apply_fact_edit(self, edit: Any) -> Any:
        """Apply a fact edit to the plan's conditions and record it in the plan; return the inverse."""
        if self.conditions is None:
            raise ValueError("no local conditions are loaded")
        assert self.level_data is not None  # conditions come with a level
        bundled = self.level_data.conditions
        if not self._owns_conditions:
            # Copy: the level's bundled conditions are shared by every plan on the level.
            self.conditions, _ = conditions_with_user_facts(bundled, [])
            self._owns_conditions = True
        inverse = self.conditions.apply(edit)
        rows = user_fact_rows(self.conditions, bundled)
        self._context_stale = True
        self.plan.apply(SetSetting(USER_FACTS_SETTING, rows or None))
        return inverse

    def apply_statistics(self, table: Any) -> Any:
        """Use ``table`` and record it in the plan; return the table it replaces."""
        previous = self.statistics
        self.statistics = table
        self._context_stale = True
        self.plan.apply(SetSetting(STATISTICS_SETTING, statistics_setting(table)))
        return previous

    # ------------------------------------------------------------------ analysis
    @property
    def analysis_problem(self) -> str:
        """Why there is no analysis ("" when there is one)."""
        if self._analysis_problem:
            return self._analysis_problem
        return "" if self.level_data is None else self.level_data.problem

    def fit(self, region: str, industry: str) -> float | None:
        """The fit of ``industry`` in ``region``, or ``None`` without analysis."""
        context = self.context
        if context is None:
            return None
        row = context.index_of.get(region)
        column = context.industry_index.get(industry)
        if row is None or column is None:
            return None
        return float(context.fit[row, column])

    def flags_for(self, region: str, industry: str | None = None) -> list[Any]:
        """The flags naming ``region`` (and ``industry`` when given)."""
        if self.analysis is None:
            return []
        if self._flags_by_region is None:
            # Built when first asked for (a tooltip), not on every edit: 7 ms at county level.
            self._flags_by_region = self.analysis.flags_by_region()
        return [
            flag
            for flag in self._flags_by_region.get(region, [])
            if industry is None or flag.industry == industry
        ]

    def explain_fit(self, region: str, industry: str) -> Any:
        """Why ``region`` fits ``industry`` (a core ``FitExplanation``), or ``None``."""
        if self.context is None:
            return None
        try:
            return self.context.explain_fit(region, industry)
        except KeyError:
            return None

    def suggestions_for(self, region: str) -> list[Any]:
        """The region's best-fitting industries it does not take and that have room."""
        if self.analyzer is None or region not in self.context.index_of:
            return []
        return list(self.analyzer.suggestions_for(self.context.index_of[region]))

    # ------------------------------------------------------------------ comparing and exporting
    def read_other_plan(self, path: str | Path) -> Plan:
        """The plan file ``path``, which must be on this plan's level.

        Raises
        ------
        PlanFileError
            Unreadable, or on another level.
        """
        path = Path(path)
        other = self.read_plan_file(path)
        if other.level != self.level:
            raise PlanFileError(
                path,
                f"the plan is on the {other.level} level; the open plan is on the {self.level} level",
            )
        return self.read_plan_file(path, self.layer)

    def diff(self, other: Plan, settings: dict[str, Any] | None = None) -> Any:
        """The core ``PlanDiff`` from this plan (before) to ``other`` (after), on this session's fit.

        ``settings`` judges both plans with those analysis settings (``None``: each its own).
        """
        from cluster_planner.analysis.diff import diff_plans

        return diff_plans(self.plan, other, self.context, settings)

    def compare(self, path: str | Path) -> Any:
        """Show the comparison with the plan file ``path`` on the map until :meth:`end_comparison`.

        Raises
        ------
        PlanFileError
            The file cannot be compared.
        """
        self.comparison_plan = self.read_other_plan(path)
        self.comparison_path = Path(path)
        return self.update_comparison()

    def update_comparison(self) -> Any:
        """Compare again after an edit; returns the ``PlanDiff`` (or ``None`` when not comparing)."""
        if self.comparison_plan is None:
            return None
        self.comparison = self.diff(self.comparison_plan)
        self.events.emit(ViewChanged("comparison"))
        return self.comparison

    def end_comparison(self, announce: bool = True) -> None:
        had = self.comparison is not None
        self.comparison = None
        self.comparison_plan = None
        self.comparison_path = None
        if had and announce:
            self.events.emit(ViewChanged("comparison"))

    def export(self, out: str | Path, language: str = "zh", colour_by: str = "industries") -> Path:
        """Write the plan to ``out`` in the format its suffix names (see :mod:`io.export`)."""
        from cluster_planner.io.export import export_plan

        return export_plan(
            self.plan, out, layer=self.layer, catalog=self.catalog, analysis=self.analysis,
            language=language, colour_by=colour_by,
        )

    # ------------------------------------------------------------------ internals
    def _load_saved_data(self) -> None:
        """The open plan's conditions and statistics: the level's, plus what the plan saved."""
        data = self.level_data
        assert data is not None  # called after install()
        self.saved_data_problems = []
        self._owns_conditions = False
        self._context_stale = False
        self.conditions = data.conditions
        self.statistics = None
        rows = self.plan.settings.get(USER_FACTS_SETTING)
        if data.conditions is not None and rows:
            self.conditions, problems = conditions_with_user_facts(data.conditions, rows)
            self.saved_data_problems += problems
            self._owns_conditions = True
        saved = self.plan.settings.get(STATISTICS_SETTING)
        if saved is not None:
            self.statistics, problems = statistics_from_setting(
                saved, [str(code) for code in data.layer.codes], self.catalog.ids
            )
            self.saved_data_problems += problems
        if self._owns_conditions or self.statistics is not None:
            self._rebuild_context()
        else:
            self.context = data.context

    def _rebuild_context(self) -> None:
        from cluster_planner.analysis.fit import build_context
        from cluster_planner.domain.catalog import load_condition_types

        data = self.level_data
        if data is None or self.conditions is None:
            self.context = None if data is None else data.context
            return
        self.context = build_context(
            data.layer, self.catalog, self.conditions, self.statistics,
            condition_types=load_condition_types(),
        )

    def _start_analysis(self) -> None:
        from cluster_planner.analysis.across_levels import make_analyzer

        self.analyzer = None
        self.analysis = None
        self._analysis_problem = ""
        self._flags_by_region = None
        if self.context is None:
            return
        try:
            # One level: the incremental engine; across levels: each level judged on its own.
            self.analyzer = make_analyzer(self.context, self.plan, self._other_level_context)
        except ValueError as error:  # a setting saved in the plan is out of range
            self._analysis_problem = f"cannot analyse the plan: {error}"
            return
        self.analysis = self.analyzer.analysis

    def region_name(self, code: str, language: str = "en") -> str:
        """The name of ``code`` on the level shown, else on a level the plan names it at
        (the code itself when no layer knows it)."""
        from cluster_planner.domain.regions import load_layer

        layers = [self.layer] if self.layer is not None else []
        layers += [load_layer(level) for level in self.plan.levels if level != self.level]
        for layer in layers:
            if code in layer.index_of:
                return str(layer.name(code, language))
        return code

    def _other_level_context(self, level: str) -> Any:
        """The analysis context of another level than the one shown (bundled conditions)."""
        return self.level_data_for(level).context

    def _on_plan_change(self, change: Change) -> None:
        conditions_changed = self._context_stale
        if conditions_changed:
            # A conditions or statistics edit changes the fit matrix: rebuild, re-run.
            self._context_stale = False
            self._rebuild_context()
            self._start_analysis()
        elif self.analyzer is not None and _levels_changed(self.analyzer, self.plan, change):
            self._start_analysis()  # the edit took the plan onto, or off, another level
        elif self.analyzer is not None:
            try:
                self.analysis = self.analyzer.update(change)
            except ValueError as error:  # a setting edited out of range
                self.analyzer, self.analysis = None, None
                self._analysis_problem = f"cannot analyse the plan: {error}"
            self._flags_by_region = None
        elif change.settings:
            self._start_analysis()  # a setting back in range
        if self.comparison_plan is not None:
            self.update_comparison()
        self.events.emit(PlanEdited(change))
        if conditions_changed:
            self.events.emit(ConditionsChanged())
        self.events.emit(AnalysisUpdated())


def _levels_changed(analyzer: Any, plan: Plan, change: Change) -> bool:
    """Whether ``change`` took a one-level plan across levels, or back."""
    from cluster_planner.analysis.across_levels import LevelsAnalyzer, needs_levels

    if isinstance(analyzer, LevelsAnalyzer):
        return not needs_levels(plan)
    touched = (plan.get(*key) for key in change.keys)  # only these can be on another level
    return any(a is not None and a.level != plan.level for a in touched)


def _layers_of(session: PlanSession, level: str, data: LevelData) -> Callable[[str], Any]:
    """The layer of each level: ``data``'s for ``level``, the session's for the others."""
    return lambda wanted: data.layer if wanted == level else session.level_data_for(wanted).layer


def _check_regions(plan: Plan, layer: Any, path: str | Path) -> None:
    unknown = [code for code in plan.regions if code not in layer.index_of]
    if unknown:
        listed = ", ".join(unknown[:12]) + (f" and {len(unknown) - 12} more" if len(unknown) > 12 else "")
        noun = "code" if len(unknown) == 1 else "codes"
        raise PlanFileError(path, f"{len(unknown)} unknown region {noun} for the {plan.level} layer: {listed}")


def listen(session: PlanSession, handlers: dict[type, Callable[[Any], None]]) -> Callable[[], None]:
    """Subscribe each handler to its event type; returns one function that unsubscribes all."""
    unsubscribers = [session.events.subscribe(handler, kind) for kind, handler in handlers.items()]

    def unsubscribe() -> None:
        for unsubscriber in unsubscribers:
            unsubscriber()

    return unsubscribe
