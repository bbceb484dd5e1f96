"""The open plan as the window sees it: the plan, its level's data, its undo stack, its file.

:class:`PlanDocument` is the one object the panels listen to. It wraps every edit in an
:class:`~cluster_planner.qt.commands.EditCommand` on its ``QUndoStack`` (the stack's
clean state is the "unsaved changes" mark), re-announces the core plan's changes as Qt
signals, and keeps the analysis up to date after every edit. :class:`RegionSelection`
holds the regions the user has selected on the map or in a table.

Loading a level's data (:func:`load_level_data`) is plain Python so that the window can
run it in a worker thread for the county layer.

Local conditions the user edits or imports are saved with the plan, in
``plan.settings["user_facts"]`` (:data:`USER_FACTS_SETTING`): a list of rows, each a fact
that differs from the bundled data (``region, condition, detail, value, source, status``)
or a bundled fact the user removed (``region, condition, detail, removed: true``). The
bundled facts stay the data's; a reopened plan gives the same analysis because its
overlay is re-applied. A conditions edit is an :class:`~cluster_planner.qt.commands.
FactEditCommand` on the same undo stack as the plan edits: it applies the core fact edit
(``LocalConditions.apply``, which returns the inverse), records the overlay as a
``SetSetting`` on the plan, and the document rebuilds the fit matrix and re-runs the
analysis. Imported statistics live with the document only (not saved; import again).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoStack

from cluster_planner.domain.errors import InputError
from cluster_planner.domain.plan import Change, Edit, Plan, SetSetting
from cluster_planner.qt.commands import EditCommand, FactEditCommand

#: The plan setting holding the user's local-condition facts (see the module docstring).
USER_FACTS_SETTING = "user_facts"


@dataclass
class LevelData:
    """Everything that depends on the region level.

    Attributes
    ----------
    level : str
    layer : RegionLayer
    conditions : LocalConditions or None
    context : AnalysisContext or None
        ``None`` when the analysis cannot run; ``problem`` then says why.
    problem : str
    """

    level: str
    layer: Any
    conditions: Any = None
    context: Any = None
    problem: str = ""


def load_level_data(level: str, catalog: Any) -> LevelData:
    """Load the region layer of ``level`` and what the analysis needs on it.

    Runs without Qt, so a worker thread may call it. A layer that cannot load raises;
    conditions that cannot load leave the plan editable without analysis.

    Raises
    ------
    cluster_planner.domain.errors.DataError
        The region layer is missing or corrupt.
    """
    from cluster_planner.analysis.engine import build_context
    from cluster_planner.domain.catalog import load_condition_types
    from cluster_planner.domain.conditions import load_conditions
    from cluster_planner.domain.regions import load_layer

    layer = load_layer(level)
    try:
        conditions = load_conditions(layer)
        context = build_context(layer, catalog, conditions, condition_types=load_condition_types())
    except InputError as error:
        return LevelData(level, layer, problem=error.one_line())
    return LevelData(level, layer, conditions, context)


def user_fact_rows(conditions: Any, bundled: Any) -> list[dict[str, Any]]:
    """The overlay that turns the ``bundled`` facts into ``conditions``, as plan-setting rows.

    Facts that are new or differ from the bundled one with the same key become fact
    rows; bundled facts missing from ``conditions`` become ``removed`` rows. Sorted by key.
    """
    bundled_facts = {fact.key: fact for fact in bundled} if bundled is not None else {}
    rows: list[dict[str, Any]] = []
    for fact in conditions:
        if bundled_facts.get(fact.key) != fact:
            rows.append({**fact.to_row(), "value": float(fact.value)})
    for key in bundled_facts:
        if conditions.get(*key) is None:
            rows.append({"region": key[0], "condition": key[1], "detail": key[2], "removed": True})
    return sorted(rows, key=lambda row: (row["region"], row["condition"], row["detail"]))


def conditions_with_user_facts(bundled: Any, rows: Any) -> tuple[Any, list[str]]:
    """A copy of the ``bundled`` conditions with the plan's overlay ``rows`` applied.

    Returns the new ``LocalConditions`` and one message per row that could not be used
    (a hand-edited plan file may hold anything).
    """
    from cluster_planner.domain.conditions import Fact

    # A copy keeps the datasets' coverage: which missing conditions are known absent.
    conditions = bundled.copy()
    problems: list[str] = []
    for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        try:
            key = (str(row["region"]), str(row["condition"]), str(row.get("detail", "")))
            if row.get("removed"):
                conditions.apply(conditions.remove_fact(*key))
                continue
            fact = Fact(*key[:2], float(row["value"]), key[2], str(row.get("source", "")),
                        str(row.get("status") or "confirmed"))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append(f"user fact {number}: {error}")
            continue
        conditions.apply(conditions.set_fact(fact))
    return conditions, problems


def pillar_name(pillar: str) -> str:
    """The name of a pillar id in Chinese and (translated) English, e.g. "新兴产业 Emerging industries"."""
    from cluster_planner.domain.catalog import PILLAR_NAMES

    english = {
        "traditional": QCoreApplication.translate("Pillar", "Traditional industries"),
        "emerging": QCoreApplication.translate("Pillar", "Emerging industries"),
        "future": QCoreApplication.translate("Pillar", "Future industries"),
        "service": QCoreApplication.translate("Pillar", "Services"),
        "infrastructure": QCoreApplication.translate("Pillar", "Infrastructure"),
    }
    from cluster_planner.qt.i18n import current_language

    if current_language() == "zh":
        return PILLAR_NAMES.get(pillar, (pillar, ""))[0]
    return english.get(pillar, pillar)


class PlanDocument(QObject):
    """The open plan, its level data, its file path and its undo stack.

    Signals
    -------
    planReplaced()
        Another plan (or the same plan on another level) is now open.
    planEdited(object)
        An edit (or its undo) was applied; carries the core :class:`Change`.
    analysisUpdated()
        ``analysis`` was recomputed (after every edit while analysis is available).
    pathChanged()
        The file the plan is saved to changed.
    conditionsChanged()
        The local conditions or the imported statistics changed (the fit was rebuilt).
    """

    planReplaced = Signal()
    planEdited = Signal(object)
    analysisUpdated = Signal()
    pathChanged = Signal()
    conditionsChanged = Signal()

    def __init__(
        self,
        catalog: Any,
        level_data: LevelData | None = None,
        level: str = "prefecture",
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.catalog = catalog
        #: ``None`` until the window has loaded the first layer (it shows before that).
        self.level_data = level_data
        self.plan = Plan(level=level_data.level if level_data else level)
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.analysis: Any = None
        self._analyzer: Any = None
        # Built when first asked for (a tooltip), not on every edit: 7 ms at county level.
        self._flags_by_region: dict[str, list[Any]] | None = None
        #: The open plan's local conditions (bundled + the plan's user facts) and the fit
        #: built on them; the level's shared objects until the plan has its own facts.
        self.conditions: Any = None if level_data is None else level_data.conditions
        self.context: Any = None if level_data is None else level_data.context
        self.statistics: Any = None
        self.user_fact_problems: list[str] = []
        self._owns_conditions = False
        self._context_stale = False
        self._unsubscribe = self.plan.subscribe(self._on_plan_change)

    # -- names -------------------------------------------------------------------
    @property
    def layer(self) -> Any:
        return None if self.level_data is None else self.level_data.layer

    @property
    def level(self) -> str:
        return self.plan.level

    def region_name(self, code: str, lang: str = "en") -> str:
        if self.layer is None:
            return code
        try:
            return self.layer.name(code, lang)
        except (KeyError, ValueError):
            return code

    def region_label(self, code: str) -> str:
        """The region's name in the active language (``株洲市`` or ``Zhuzhou``)."""
        from cluster_planner.qt.i18n import current_language

        return self.region_name(code, current_language())

    def region_other_label(self, code: str) -> str:
        """The region's name in the other language, for tooltips."""
        from cluster_planner.qt.i18n import current_language, other_language

        return self.region_name(code, other_language(current_language()))

    def industry_name(self, industry_id: str, lang: str = "en") -> str:
        industry = self.catalog.by_id.get(industry_id)
        if industry is None:
            return industry_id
        return industry.name_zh if lang == "zh" else industry.name_en

    def industry_label(self, industry_id: str) -> str:
        """The industry's name in the active language."""
        from cluster_planner.qt.i18n import current_language

        return self.industry_name(industry_id, current_language())

    def industry_other_label(self, industry_id: str) -> str:
        """The industry's name in the other language, for tooltips."""
        from cluster_planner.qt.i18n import current_language, other_language

        return self.industry_name(industry_id, other_language(current_language()))

    def industry_pillar(self, industry_id: str) -> str:
        industry = self.catalog.by_id.get(industry_id)
        return "" if industry is None else industry.pillar

    def pillar_name(self, pillar: str) -> str:
        """The translated name of a pillar id (``traditional``, ``emerging`` ...)."""
        return pillar_name(pillar)

    def display_name(self) -> str:
        return self.plan.name or (self.path.stem if self.path else self.tr("Untitled plan"))

    # -- editing ------------------------------------------------------------------
    def push(self, edit: Edit, text: str | None = None) -> None:
        """Apply ``edit`` as one undo step."""
        self.undo_stack.push(EditCommand(self, edit, text))

    def retranslate_commands(self) -> None:
        """Name every step on the undo stack in the language just installed."""
        stack = self.undo_stack
        for index in range(stack.count()):
            command = stack.command(index)
            retranslate = getattr(command, "retranslate", None)
            if retranslate is not None:
                retranslate(self)

    def push_fact_edit(self, edit: Any, text: str | None = None) -> None:
        """Apply a core local-conditions edit as one undo step."""
        self.undo_stack.push(FactEditCommand(self, edit, text))

    def apply_fact_edit(self, edit: Any) -> Any:
        """Apply a fact edit to the plan's conditions, record it in the plan; return the inverse.

        Called by :class:`FactEditCommand` (redo and undo); the fit and the analysis are
        rebuilt once the plan announces the new ``user_facts`` setting.
        """
        if self.conditions is None:
            raise ValueError("no local conditions are loaded")
        if not self._owns_conditions:
            # Copy: the level's bundled conditions are shared by every plan on the level.
            self.conditions, _ = conditions_with_user_facts(self.level_data.conditions, [])
            self._owns_conditions = True
        inverse = self.conditions.apply(edit)
        rows = user_fact_rows(self.conditions, self.level_data.conditions)
        self._context_stale = True
        self.plan.apply(SetSetting(USER_FACTS_SETTING, rows or None))
        return inverse

    def set_statistics(self, table: Any) -> None:
        """Use an imported region x industry table (``None`` drops it) and re-run the analysis."""
        self.statistics = table
        self._rebuild_context()
        self._start_analysis()
        self.conditionsChanged.emit()
        self.analysisUpdated.emit()

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_plan(self, plan: Plan, level_data: LevelData, path: str | Path | None = None) -> None:
        """Open ``plan`` (on ``level_data``'s layer) in place of the current one.

        The undo history belongs to the old plan and is cleared.
        """
        if plan.level != level_data.level:
            raise ValueError(f"a {plan.level} plan cannot open on the {level_data.level} layer")
        self._unsubscribe()
        self.undo_stack.clear()
        level_changed = self.level_data is None or self.level_data.level != level_data.level
        self.plan = plan
        self.level_data = level_data
        self._unsubscribe = plan.subscribe(self._on_plan_change)
        if level_changed:
            self.statistics = None  # a table's codes belong to one level
        self._load_plan_conditions()
        self.set_path(path)
        self._start_analysis()
        self.planReplaced.emit()
        self.conditionsChanged.emit()
        self.analysisUpdated.emit()

    def set_path(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        self.pathChanged.emit()

    def mark_saved(self, path: str | Path) -> None:
        self.set_path(path)
        self.undo_stack.setClean()

    # -- analysis -----------------------------------------------------------------
    @property
    def analysis_available(self) -> bool:
        return self.analysis is not None

    @property
    def analysis_problem(self) -> str:
        """Why there is no analysis ("" when there is one)."""
        if self.level_data is None:
            return ""
        return self.level_data.problem

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
        return [
            flag
            for flag in self._region_flags().get(region, [])
            if industry is None or flag.industry == industry
        ]

    def _region_flags(self) -> dict[str, list[Any]]:
        if self._flags_by_region is None:
            self._flags_by_region = {} if self.analysis is None else self.analysis.flags_by_region()
        return self._flags_by_region

    def explain_fit(self, region: str, industry: str) -> Any:
        """Why ``region`` fits ``industry`` (a core ``FitExplanation``), or ``None``."""
        context = self.context
        if context is None:
            return None
        try:
            return context.explain_fit(region, industry)
        except KeyError:
            return None

    def suggestions_for(self, region: str) -> list[Any]:
        """The region's best-fitting industries it does not take and that have room (core ``Suggestion``)."""
        if self._analyzer is None or region not in self.context.index_of:
            return []
        return list(self._analyzer.suggestions_for(self.context.index_of[region]))

    def _load_plan_conditions(self) -> None:
        """The open plan's conditions: the level's, plus the plan's saved user facts."""
        data = self.level_data
        rows = self.plan.settings.get(USER_FACTS_SETTING)
        self.user_fact_problems = []
        self._owns_conditions = False
        self._context_stale = False
        self.conditions = data.conditions
        if data.conditions is not None and rows:
            self.conditions, self.user_fact_problems = conditions_with_user_facts(data.conditions, rows)
            self._owns_conditions = True
        if self._owns_conditions or self.statistics is not None:
            self._rebuild_context()
        else:
            self.context = data.context

    def _rebuild_context(self) -> None:
        from cluster_planner.analysis.engine import build_context
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
        self._analyzer = None
        self.analysis = None
        self._flags_by_region = None
        context = self.context
        if context is None:
            return
        from cluster_planner.analysis.engine import Analyzer

        self._analyzer = Analyzer(context, self.plan)
        self._set_analysis(self._analyzer.analysis)

    def _set_analysis(self, analysis: Any) -> None:
        self.analysis = analysis
        self._flags_by_region = None

    def _on_plan_change(self, change: Change) -> None:
        conditions_changed = self._context_stale
        if conditions_changed:
            # A conditions edit changes the fit matrix: rebuild it and re-run the analysis.
            self._context_stale = False
            self._rebuild_context()
            self._start_analysis()
        elif self._analyzer is not None:
            self._set_analysis(self._analyzer.update(change))
        self.planEdited.emit(change)
        if conditions_changed:
            self.conditionsChanged.emit()
        self.analysisUpdated.emit()


class RegionSelection(QObject):
    """The selected regions, in the order they were selected.

    Signals
    -------
    changed(list)
        The new list of selected adcodes.
    """

    changed = Signal(list)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._codes: list[str] = []

    @property
    def codes(self) -> list[str]:
        return list(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def apply(self, codes: list[str], mode: str = "replace") -> None:
        """Change the selection: ``replace`` it, ``add`` to it or ``toggle`` each code."""
        if mode == "replace":
            new = list(dict.fromkeys(codes))
        elif mode == "add":
            new = list(dict.fromkeys([*self._codes, *codes]))
        elif mode == "toggle":
            new = list(self._codes)
            for code in codes:
                if code in new:
                    new.remove(code)
                else:
                    new.append(code)
        else:
            raise ValueError(f"selection mode must be replace, add or toggle, not {mode!r}")
        if new != self._codes:
            self._codes = new
            self.changed.emit(self.codes)

    def clear(self) -> None:
        self.apply([], "replace")
