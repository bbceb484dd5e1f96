"""The open plan as the window sees it: the plan, its level's data, its undo stack, its file.

:class:`PlanDocument` is the one object the panels listen to. It wraps every edit in an
:class:`~cluster_planner.qt.commands.EditCommand` on its ``QUndoStack`` (the stack's
clean state is the "unsaved changes" mark), re-announces the core plan's changes as Qt
signals, and keeps the analysis up to date after every edit. :class:`RegionSelection`
holds the regions the user has selected on the map or in a table.

Loading a level's data (:func:`load_level_data`) is plain Python so that the window can
run it in a worker thread for the county layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoStack

from cluster_planner.core.errors import InputError
from cluster_planner.core.plan import Change, Edit, Plan
from cluster_planner.qt.commands import EditCommand


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
    cluster_planner.core.errors.DataError
        The region layer is missing or corrupt.
    """
    from cluster_planner.core.analysis import build_context
    from cluster_planner.core.catalog import load_condition_types
    from cluster_planner.core.conditions import load_conditions
    from cluster_planner.core.regions import load_layer

    layer = load_layer(level)
    try:
        conditions = load_conditions(layer)
        context = build_context(layer, catalog, conditions, condition_types=load_condition_types())
    except InputError as error:
        return LevelData(level, layer, problem=error.one_line())
    return LevelData(level, layer, conditions, context)


def pillar_name(pillar: str) -> str:
    """The name of a pillar id in Chinese and (translated) English, e.g. "新兴产业 Emerging industries"."""
    from cluster_planner.core.catalog import PILLAR_NAMES

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
    """

    planReplaced = Signal()
    planEdited = Signal(object)
    analysisUpdated = Signal()
    pathChanged = Signal()

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
        self._flags_by_region: dict[str, list[Any]] = {}
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
        self.plan = plan
        self.level_data = level_data
        self._unsubscribe = plan.subscribe(self._on_plan_change)
        self.set_path(path)
        self._start_analysis()
        self.planReplaced.emit()
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
        context = None if self.level_data is None else self.level_data.context
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
            for flag in self._flags_by_region.get(region, [])
            if industry is None or flag.industry == industry
        ]

    def explain_fit(self, region: str, industry: str) -> Any:
        """Why ``region`` fits ``industry`` (a core ``FitExplanation``), or ``None``."""
        context = None if self.level_data is None else self.level_data.context
        if context is None:
            return None
        try:
            return context.explain_fit(region, industry)
        except KeyError:
            return None

    def _start_analysis(self) -> None:
        self._analyzer = None
        self.analysis = None
        self._flags_by_region = {}
        context = None if self.level_data is None else self.level_data.context
        if context is None:
            return
        from cluster_planner.core.analysis import Analyzer

        self._analyzer = Analyzer(context, self.plan)
        self._set_analysis(self._analyzer.analysis)

    def _set_analysis(self, analysis: Any) -> None:
        self.analysis = analysis
        self._flags_by_region = analysis.flags_by_region()

    def _on_plan_change(self, change: Change) -> None:
        if self._analyzer is not None:
            self._set_analysis(self._analyzer.update(change))
        self.planEdited.emit(change)
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
