"""Data the user brings into the window: local-condition facts, statistics, another plan to compare.

Each action is a file dialog around one call into the planning session
(``import_conditions_csv``, ``read_statistics`` + ``set_statistics``, ``compare``); the
session keeps what was imported with the plan and re-runs the analysis. Bad rows are
listed by line number in an :class:`ImportReportDialog`; the comparison shows in a
:class:`~cluster_planner.qt.dialogs.CompareDialog` and on the map until it is closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.qt import dialogs
from cluster_planner.qt.conditions_panel import ImportReportDialog

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow


class DataController(QObject):
    """Imports and comparisons for one window.

    Attributes
    ----------
    import_report : ImportReportDialog or None
        The last import's report of bad rows (shown when there were some).
    compare_dialog : CompareDialog or None
        The comparison's dialog, once a comparison was started.
    """

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.import_report: ImportReportDialog | None = None
        self.compare_dialog: dialogs.CompareDialog | None = None
        window.document.viewChanged.connect(self._on_view_changed)
        window.document.conditionsChanged.connect(self._update_statistics_label)

    def compare_with(self) -> None:
        """Ask for another plan file and compare the open plan with it."""
        if not self.w.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, self.tr("Compare with plan"), self.w.files._dialog_directory(), self.w._plan_filter()
        )
        if path:
            self.compare_path(path)

    def compare_path(self, path: str | Path) -> bool:
        """Compare the open plan (before) with the plan file ``path`` (after).

        The map shows what the other plan adds, removes and changes until the comparison
        dialog is closed. Returns ``False`` (after showing why) when the file cannot be
        compared.
        """
        try:
            self.w.session.compare(path)
        except PlanFileError as error:
            dialogs.show_error(self.w, self.tr("Cannot compare the plans"), error.one_line())
            return False
        if self.compare_dialog is None:
            self.compare_dialog = dialogs.CompareDialog(
                self.w.document.region_label, self.w.document.industry_label, self.w
            )
            self.compare_dialog.regionsSelected.connect(
                lambda codes: self.w.selection.apply(codes, "replace") if codes else None
            )
            self.compare_dialog.finished.connect(lambda _result: self.w.session.end_comparison())
        self.compare_dialog.show()
        self.compare_dialog.raise_()
        self._on_view_changed("comparison")
        return True

    def _on_view_changed(self, field: str) -> None:
        if field != "comparison":
            return
        diff = self.w.session.comparison
        if diff is not None and self.compare_dialog is not None:
            self.compare_dialog.show_diff(diff, str(self.w.session.comparison_path))
        self.w.recolour()

    def import_conditions(self) -> None:
        """Ask for a CSV of local-condition facts and import it (see :meth:`import_conditions_csv`)."""
        if not self.w.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, self.tr("Import local conditions"), self.w.files._dialog_directory(),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if path:
            self.import_conditions_csv(path)

    def import_conditions_csv(self, path: str | Path) -> tuple[int, list[str]]:
        """Apply the good rows of a facts CSV as one undo step and report the bad ones.

        Returns the number of facts applied and the problems (``"line N: ..."``); a file
        that cannot be read at all is shown as an error and applies nothing.
        """
        try:
            good, problems = self.w.session.import_conditions_csv(
                path, self.tr("Import local conditions from {file}").format(file=Path(path).name)
            )
        except InputError as error:
            dialogs.show_error(self.w, self.tr("Cannot import local conditions"), error.one_line())
            return 0, []
        summary = self.tr("{file}: {good} facts applied (one undo step), {bad} rows skipped.").format(
            file=Path(path).name, good=good, bad=len(problems)
        )
        self.w.statusBar().showMessage(summary, 8000)
        if problems:
            self._show_import_report(summary, problems)
        return good, problems

    def import_statistics(self) -> None:
        """Ask for a region × industry CSV and use it for fit (see :meth:`import_statistics_csv`)."""
        if not self.w.ready:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, self.tr("Import statistics"), self.w.files._dialog_directory(),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if path:
            self.import_statistics_csv(path)

    def import_statistics_csv(self, path: str | Path) -> bool:
        """Load a region × industry table into the analysis; problems are shown by line number."""
        if self.w.document.layer is None:
            return False
        try:
            table = self.w.session.read_statistics(path)
        except InputError as error:
            self._show_import_report(
                self.tr("Cannot import statistics; nothing changed."), error.one_line().split("; ")
            )
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.w.session.set_statistics(table)
        finally:
            QApplication.restoreOverrideCursor()
        return True

    def _show_import_report(self, summary: str, problems: list[str]) -> None:
        if self.import_report is not None:
            self.import_report.close()
        self.import_report = ImportReportDialog(summary, problems, self.w)
        self.import_report.show()

    def _update_statistics_label(self) -> None:
        table = self.w.document.statistics
        self.w.statistics_label.setVisible(table is not None)
        if table is not None:
            name = Path(table.source).name if table.source else ""
            self.w.statistics_label.setText(self.tr("Statistics loaded: {file}").format(file=name))
            self.w.statistics_label.setToolTip(table.source)
        if self.w.session.saved_data_problems:
            self.w.statusBar().showMessage(
                self.tr("Some saved local conditions or statistics could not be used: {problem}").format(
                    problem=self.w.session.saved_data_problems[0]
                ),
                10000,
            )
