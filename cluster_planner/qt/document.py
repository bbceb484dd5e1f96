"""The open plan as the window sees it: a thin Qt adapter over the planning session.

:class:`PlanDocument` wraps a :class:`~cluster_planner.session.PlanSession` (which owns
the plan, the level data, the local conditions with the user's facts, the statistics,
the analysis, the selection and the view): it gives the session a ``QUndoStack`` as its
command stack (the stack's clean state is the "unsaved changes" mark), re-announces the
session's typed events as Qt signals, and names regions and industries in the active
language. :class:`RegionSelection` is the session's selection with a ``changed`` signal.
Every rule lives in the session; nothing here decides what a plan means.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoStack

from cluster_planner.domain.plan import Edit, Plan
from cluster_planner.qt.commands import UndoStackAdapter
from cluster_planner.session import events
from cluster_planner.session.level import LevelData, load_level_data
from cluster_planner.session.session import PlanSession, listen

__all__ = ["LevelData", "PlanDocument", "RegionSelection", "load_level_data"]


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
    """The open plan, its level data, its file path and its undo stack (from the session).

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
    viewChanged(str)
        The colour mode, the colour industry or the comparison changed.
    """

    planReplaced = Signal()
    planEdited = Signal(object)
    analysisUpdated = Signal()
    pathChanged = Signal()
    conditionsChanged = Signal()
    viewChanged = Signal(str)

    def __init__(
        self,
        catalog: Any,
        level_data: LevelData | None = None,
        level: str = "prefecture",
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.session = PlanSession(catalog, level_data.level if level_data else level)
        self.undo_stack = QUndoStack(self)
        self.session.command_stack = UndoStackAdapter(self.undo_stack, self)
        if level_data is not None:
            self.session.add_level(level_data)
        # The session outlives no window, but its listeners must not keep this QObject
        # alive (or reach it once Qt has deleted it): relay through a weak reference.
        this = weakref.ref(self)

        def relay(signal: str, *values: Callable[[Any], Any]) -> Callable[[Any], None]:
            def handler(event: Any) -> None:
                document = this()
                if document is not None:
                    getattr(document, signal).emit(*(value(event) for value in values))

            return handler

        self._unsubscribe = listen(self.session, {
            events.PlanReplaced: relay("planReplaced"),
            events.PlanEdited: relay("planEdited", lambda event: event.change),
            events.AnalysisUpdated: relay("analysisUpdated"),
            events.PathChanged: relay("pathChanged"),
            events.ConditionsChanged: relay("conditionsChanged"),
            events.ViewChanged: relay("viewChanged", lambda event: event.field),
        })
        self.destroyed.connect(self._unsubscribe)
        if level_data is not None:
            self.session.install(self.session.plan, level_data)

    # -- the session's state -----------------------------------------------------
    catalog = property(lambda self: self.session.catalog)
    plan = property(lambda self: self.session.plan)
    level_data = property(lambda self: self.session.level_data)
    layer = property(lambda self: self.session.layer)
    level = property(lambda self: self.session.level)
    path = property(lambda self: self.session.path)
    conditions = property(lambda self: self.session.conditions)
    statistics = property(lambda self: self.session.statistics)
    context = property(lambda self: self.session.context)
    analysis = property(lambda self: self.session.analysis)
    analysis_problem = property(lambda self: self.session.analysis_problem)

    @property
    def analysis_available(self) -> bool:
        return self.session.analysis is not None

    def fit(self, region: str, industry: str) -> float | None:
        return self.session.fit(region, industry)

    def flags_for(self, region: str, industry: str | None = None) -> list[Any]:
        return self.session.flags_for(region, industry)

    def explain_fit(self, region: str, industry: str) -> Any:
        return self.session.explain_fit(region, industry)

    def suggestions_for(self, region: str) -> list[Any]:
        return self.session.suggestions_for(region)

    # -- names -------------------------------------------------------------------
    def region_name(self, code: str, lang: str = "en") -> str:
        if self.layer is None:
            return code
        try:
            return self.layer.name(code, lang)
        except (KeyError, ValueError):
            return self.session.region_name(code, lang)  # a region on another level

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
        return self.session.display_name(self.tr("Untitled plan"))

    def file_label(self) -> str:
        """The file's name (``draft.cplan``) once the plan has one, else its display name."""
        return self.path.name if self.path is not None else self.display_name()

    # -- editing (every edit is a session command on the undo stack) ---------------
    def push(self, edit: Edit, text: str | None = None) -> None:
        """Apply ``edit`` as one undo step."""
        self.session.push(edit, text)

    def push_fact_edit(self, edit: Any, text: str | None = None) -> None:
        """Apply a core local-conditions edit as one undo step."""
        self.session.edit_facts(edit, text)

    def set_statistics(self, table: Any, text: str | None = None) -> None:
        """Use an imported region x industry table (``None`` drops it) as one undo step."""
        self.session.set_statistics(table, text)

    def retranslate_commands(self) -> None:
        """Name every step on the undo stack in the language just installed."""
        stack = self.undo_stack
        for index in range(stack.count()):
            command = stack.command(index)
            retranslate = getattr(command, "retranslate", None)
            if retranslate is not None:
                retranslate(self)

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_plan(self, plan: Plan, level_data: LevelData, path: str | Path | None = None) -> None:
        """Open ``plan`` (on ``level_data``'s layer); the undo history is cleared."""
        self.session.install(plan, level_data, path)

    def set_path(self, path: str | Path | None) -> None:
        self.session.set_path(path)

    def mark_saved(self, path: str | Path) -> None:
        self.session.set_path(path)
        self.undo_stack.setClean()


class RegionSelection(QObject):
    """The session's selected regions, in the order they were selected.

    Signals
    -------
    changed(list)
        The new list of selected adcodes.
    """

    changed = Signal(list)

    def __init__(self, session: PlanSession, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        this = weakref.ref(self)

        def relay(event: events.SelectionChanged) -> None:
            selection = this()
            if selection is not None:
                selection.changed.emit(list(event.codes))

        self.destroyed.connect(session.events.subscribe(relay, events.SelectionChanged))

    @property
    def codes(self) -> list[str]:
        return list(self._session.selection)

    def __len__(self) -> int:
        return len(self._session.selection)

    def __contains__(self, code: object) -> bool:
        return code in self._session.selection

    def apply(self, codes: list[str], mode: str = "replace") -> None:
        """Change the selection: ``replace`` it, ``add`` to it or ``toggle`` each code."""
        self._session.select(codes, mode)

    def clear(self) -> None:
        self._session.select([], "replace")
