"""Plan files in the window: new, open, save, save as, recent plans, exports, autosave and recovery.

The window's menu items and its tests call these; each is a dialog (when one is needed)
around one call into the planning session (``session.read_plan_file``, ``session.save``,
``session.export``) or :mod:`cluster_planner.io.recovery`. Errors are shown as one line
naming the file, and the open plan stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.domain.plan import LEVELS
from cluster_planner.qt import dialogs
from cluster_planner.qt.i18n import current_language
from cluster_planner.session.level import LevelData

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow


class FileController(QObject):
    """What the File menu does, for one window.

    Parameters
    ----------
    window
        The main window: its session, settings, status bar and level loader.
    """

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self._recovery_path: Path | None = None
        self._edited_since_autosave = False
        # One recovery file per window: a new or opened plan replaces the previous one.
        self._recovery_slot = f"window-{id(window):x}"
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setObjectName("autosaveTimer")
        self.autosave_timer.setInterval(window.settings.autosave_seconds() * 1000)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        window.document.planEdited.connect(self._on_plan_edited)
        window.document.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_plan_edited(self, _change: Any) -> None:
        self._edited_since_autosave = True

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            self._discard_recovery()

    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; ``False`` when the user cancels."""
        if not self.w.document.is_modified():
            return True
        answer = dialogs.ask_save_changes(self.w, self.w.document.file_label())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_plan(self) -> None:
        if not self.w.ready or not self.maybe_save():
            return
        self._discard_recovery()
        self.w.with_level_data(self.w.session.level, lambda data: self.w.session.new(data=data))

    def open_plan(self) -> None:
        if not self.w.ready or not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, self.tr("Open plan"), self._dialog_directory(), self._plan_filter()
        )
        if path:
            self.open_path(path, ask_to_save=False)

    def open_path(self, path: str | Path, ask_to_save: bool = True) -> bool:
        """Open the plan file ``path``; on error show it and keep the open plan.

        Returns ``True`` when the plan was read (for the county level it then appears
        once the layer has loaded).
        """
        path = Path(path)
        if ask_to_save and not self.maybe_save():
            return False
        try:
            # The level first, so that the county layer loads in the worker.
            level = self.w.session.read_level(path)
        except PlanFileError as error:
            dialogs.show_error(self.w, self.tr("Cannot open the plan"), error.one_line())
            return False
        outcome: dict[str, bool] = {}

        def install(data: LevelData) -> None:
            outcome["ok"] = self._replace_plan(
                lambda: self.w.session.open(path, data), self.tr("Cannot open the plan")
            )
            if outcome["ok"]:
                self._remember_file(path)
                self._colour_by_flags_if_flagged()

        self.w.with_level_data(level, install)
        return outcome.get("ok", True)

    def _colour_by_flags_if_flagged(self) -> None:
        """A freshly opened plan with warnings or errors is coloured by its flags: where
        the problems are is the first thing to see (one click back to the counts)."""
        analysis = self.w.document.analysis
        flags = getattr(analysis, "flags", None) or ()
        if any(flag.severity in ("warning", "error") for flag in flags):
            self.w.set_colour_mode("severity")

    def _replace_plan(self, replace: Callable[[], None], failure: str) -> bool:
        """Run ``replace`` (a session call opening another plan); on error say ``failure``."""
        try:
            replace()
        except PlanFileError as error:
            dialogs.show_error(self.w, failure, error.one_line())
            return False
        self._discard_recovery()
        return True

    def save(self) -> bool:
        """Save to the plan's file (asking for one if it has none); ``False`` on failure."""
        if self.w.document.path is None:
            return self.save_as()
        return self.save_to(self.w.document.path)

    def save_as(self) -> bool:
        suggested = self.w.document.path or Path(self._dialog_directory()) / (
            safe_file_stem(self.w.document.plan.name) + ".cplan"
        )
        name, _ = QFileDialog.getSaveFileName(
            self.w, self.tr("Save plan as"), str(suggested), self._plan_filter()
        )
        if not name:
            return False
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".cplan")
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the plan to ``path`` atomically; the stack becomes clean on success."""
        try:
            path = self.w.session.save(path)
        except PlanFileError as error:
            dialogs.show_error(self.w, self.tr("Cannot save the plan"), error.one_line())
            return False
        self._discard_recovery()
        self._remember_file(path)
        self.w.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 4000)
        return True

    def _remember_file(self, path: Path) -> None:
        self.w.settings.add_recent_file(path)
        self.w.settings.set_last_directory(path.resolve().parent)

    def _dialog_directory(self) -> str:
        if self.w.document.path is not None:
            return str(self.w.document.path.parent)
        return self.w.settings.last_directory() or str(Path.home())

    def _fill_recent_menu(self) -> None:
        self.w.recent_menu.clear()
        recent = self.w.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            label = f"&{number % 10} {Path(path).name}  —  {Path(path).parent}"
            action = self.w.recent_menu.addAction(label)
            action.setObjectName(f"recentFileAction{number}")
            action.setData(path)
            action.triggered.connect(lambda _checked=False, path=path: self.open_recent(path))
        if not recent:
            empty = self.w.recent_menu.addAction(self.tr("No recent plans"))
            empty.setEnabled(False)
        else:
            self.w.recent_menu.addSeparator()
            clear = self.w.recent_menu.addAction(self.tr("Clear recent plans"))
            clear.triggered.connect(lambda: self.w.settings.set_recent_files([]))

    def open_recent(self, path: str) -> None:
        """Open a recent file; a file that no longer exists is removed from the list."""
        if not Path(path).is_file():
            self.w.settings.remove_recent_file(path)
            dialogs.show_information(
                self.w, self.tr("Plan not found"),
                self.tr("{path} no longer exists; it was removed from the recent plans.").format(
                    path=path
                ),
            )
            return
        self.open_path(path)

    def export(self) -> None:
        """Ask for a file and export the plan by its suffix (map, table, GIS layer, report)."""
        if not self.w.ready:
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
        stem = self.w.document.path.stem if self.w.document.path else safe_file_stem(
            self.w.document.plan.name
        )
        name, chosen = QFileDialog.getSaveFileName(
            self.w, self.tr("Export plan"), str(Path(self._dialog_directory()) / f"{stem}.png"),
            ";;".join(filters),
        )
        if not name:
            return
        path = Path(name)
        if not path.suffix and "(*." in chosen:
            path = path.with_suffix(chosen[chosen.index("(*.") + 2 : -1])
        self.export_to(path)

    def export_to(self, path: str | Path) -> bool:
        """Export the open plan to ``path`` (its suffix picks the format); ``False`` on error."""
        path = Path(path)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.w.session.export(
                path, current_language(),
                "flags" if self.w.session.colour_mode == "severity" else "industries",
            )
        except InputError as error:
            QApplication.restoreOverrideCursor()
            dialogs.show_error(self.w, self.tr("Cannot export the plan"), error.one_line())
            return False
        QApplication.restoreOverrideCursor()
        self.w.settings.set_last_directory(path.resolve().parent)
        self.w.statusBar().showMessage(self.tr("Exported {path}").format(path=path), 6000)
        return True

    def autosave(self) -> Path | None:
        """Write a recovery file while there are unsaved changes (called by a timer).

        Returns the file written, or ``None`` when there was nothing to save.
        """
        if not self.w.ready or not self.w.document.is_modified():
            return None
        if self._recovery_path is not None and not self._edited_since_autosave:
            return self._recovery_path  # nothing new since the last autosave
        from cluster_planner.io.recovery import write_recovery

        try:
            self._recovery_path = write_recovery(
                self.w.document.plan, self.w.document.path, slot=self._recovery_slot
            )
            self._edited_since_autosave = False
        except PlanFileError as error:
            self.w.statusBar().showMessage(
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
            self.w.statusBar().showMessage(error.one_line(), 10000)
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
        dialog = dialogs.RecoveryDialog(choices, self.w)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.discard_all:
            for entry in entries:
                try:
                    discard_recovery(entry)
                except PlanFileError as error:
                    self.w.statusBar().showMessage(error.one_line(), 10000)
            return False
        entry = dialog.chosen()
        if not accepted or entry is None:
            return False
        return self.restore_recovery(entry)

    def restore_recovery(self, entry: Any) -> bool:
        """Open the plan of a recovery file as an unsaved plan, then delete that file."""
        from cluster_planner.io.recovery import discard_recovery

        if entry.problem:
            dialogs.show_error(self.w, self.tr("Cannot restore the plan"), f"{entry.path}: {entry.problem}")
            return False
        if not self.maybe_save():
            return False
        level = entry.level if entry.level in LEVELS else self.w.document.level
        outcome: dict[str, bool] = {}

        def install(data: LevelData) -> None:
            # The session opens it as never saved: the stack does not read clean.
            outcome["ok"] = self._replace_plan(
                lambda: self.w.session.load_recovery(entry, data), self.tr("Cannot restore the plan")
            )
            if not outcome["ok"]:
                return
            try:
                discard_recovery(entry)
            except PlanFileError as error:
                self.w.statusBar().showMessage(error.one_line(), 10000)
            self.autosave()

        self.w.with_level_data(level, install)
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


def safe_file_stem(name: str) -> str:
    """``name`` without the characters a file name cannot hold ("plan" if nothing is left)."""
    stem = "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip()
    return stem or "plan"
