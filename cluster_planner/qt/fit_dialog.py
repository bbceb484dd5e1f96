"""The "Why this fit?" dialog: why a region fits an industry, with the facts behind it.

It shows, for one ``(region, industry)``, the fit number, the industrial base (with the
facts that say so), the needed conditions met (each with its facts: detail, status and
source) and missing (with any fact that exists but is not counted), the imported
statistics (location quotient and relatedness density) when loaded, and the region's
best-fitting alternatives. Every source that holds an address is a link; clicking it
opens the address in the browser (``http://`` is added when the source omits it).

The numbers come from the core (``AnalysisContext.explain_fit`` and the analyzer's
suggestions, through :class:`~cluster_planner.qt.document.PlanDocument`); this module
only lays them out. The dialog follows the document: after an edit it shows the new fit.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from cluster_planner.qt.document import PlanDocument

# A web address inside a source text, with or without its scheme (e.g.
# "ppjjr.com/news/scyj/202103/27466.html; doi.org/10.19602/... (section 2.1.3)").
_ADDRESS = re.compile(
    r"(?<![\w/.@-])(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/[^\s;,()<>\"]*)?",
    re.IGNORECASE,
)


def source_addresses(source: str) -> list[str]:
    """The web addresses in a fact's source text, in order (empty when it names none)."""
    return [match.group(0).rstrip(".") for match in _ADDRESS.finditer(source or "")]


def address_url(address: str) -> QUrl:
    """The URL to open for an address; ``http://`` is added when it has no scheme."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", address, re.IGNORECASE):
        address = "http://" + address
    return QUrl(address)


def open_address(address: str | QUrl) -> bool:
    """Open a source address in the user's browser; ``False`` when the desktop cannot."""
    url = address if isinstance(address, QUrl) else address_url(address)
    return QDesktopServices.openUrl(url)


def source_html(source: str) -> str:
    """A source text as HTML with each address turned into a link."""
    source = source or ""
    parts: list[str] = []
    position = 0
    for match in _ADDRESS.finditer(source):
        address = match.group(0).rstrip(".")
        end = match.start() + len(address)
        parts.append(html.escape(source[position : match.start()]))
        href = html.escape(address_url(address).toString(), quote=True)
        parts.append(f'<a href="{href}">{html.escape(address)}</a>')
        position = end
    parts.append(html.escape(source[position:]))
    return "".join(parts)


def status_name(status: str) -> str:
    """The translated name of a fact status."""
    names = {
        "confirmed": QCoreApplication.translate("FactStatus", "confirmed"),
        "implied": QCoreApplication.translate("FactStatus", "implied"),
        "derived": QCoreApplication.translate("FactStatus", "derived"),
        "unconfirmed": QCoreApplication.translate("FactStatus", "unconfirmed (not counted)"),
        "unknown": QCoreApplication.translate("FactStatus", "unknown (not counted)"),
    }
    return names.get(status, status)


def condition_label(condition: str) -> str:
    """A condition id's name in the active language (the id when the vocabulary lacks it)."""
    from cluster_planner.domain.catalog import load_condition_types
    from cluster_planner.domain.errors import InputError
    from cluster_planner.qt.i18n import current_language

    try:
        kind = load_condition_types().get(condition)
    except InputError:
        kind = None
    if kind is None:
        return condition
    return kind.name_zh if current_language() == "zh" else kind.name_en


def segment_label(segment: str) -> str:
    """A chain segment's name in the active language."""
    from cluster_planner.domain.catalog import SEGMENTS
    from cluster_planner.qt.i18n import current_language

    names = SEGMENTS.get(segment)
    if names is None:
        return segment
    return names[0] if current_language() == "zh" else names[1]


class FitDialog(QDialog):
    """Explains the fit of one region for one industry (non-modal; reused by the window).

    Signals
    -------
    assignRequested(str, str)
        The user clicked a suggested alternative: ``(region, industry)``.
    """

    assignRequested = Signal(str, str)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fitDialog")
        self._document = document
        self.region = ""
        self.industry = ""
        self.browser = QTextBrowser()
        self.browser.setObjectName("fitExplanation")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 560)
        document.analysisUpdated.connect(self._on_analysis_updated)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "browser"):
            self.refresh()
        super().changeEvent(event)

    def show_fit(self, region: str, industry: str) -> None:
        """Explain ``industry`` in ``region`` and bring the dialog to the front."""
        self.region, self.industry = region, industry
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()

    def _on_analysis_updated(self) -> None:
        if self.isVisible():
            self.refresh()

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "assign":
            region, _, industry = url.path().strip("/").partition("/")
            self.assignRequested.emit(region, industry)
            return
        if url.scheme() == "explain":
            region, _, industry = url.path().strip("/").partition("/")
            self.show_fit(region, industry)
            return
        open_address(url)

    def refresh(self) -> None:
        """Lay out the explanation of the current region and industry again."""
        document = self._document
        if not self.region or not self.industry:
            return
        region_name = document.region_label(self.region)
        industry_name = document.industry_label(self.industry)
        self.setWindowTitle(
            self.tr("Why this fit? {industry} in {region}").format(industry=industry_name, region=region_name)
        )
        self.browser.setHtml(self.explanation_html())

    def explanation_html(self) -> str:
        """The explanation as HTML (what the dialog shows)."""
        document = self._document
        region, industry = self.region, self.industry
        esc = html.escape
        region_name = esc(f"{document.region_label(region)} ({region})")
        industry_name = esc(document.industry_label(industry))
        explanation = document.explain_fit(region, industry)
        parts = [f"<h3>{industry_name} — {region_name}</h3>"]
        if explanation is None:
            problem = document.analysis_problem or self.tr("The fit cannot be computed for this region.")
            parts.append(f"<p>{esc(problem)}</p>")
            return "".join(parts)
        threshold = self._fit_threshold()
        fit_high = explanation.fit if explanation.fit_high is None else explanation.fit_high
        if explanation.fit >= threshold:
            verdict = self.tr("fits on the evidence (at least the threshold {threshold:.2f})")
        elif fit_high >= threshold:
            verdict = self.tr(
                "unverified: below the threshold {threshold:.2f} on the evidence, but the data "
                "that would settle it is incomplete"
            )
        else:
            verdict = self.tr("does not fit (below the threshold {threshold:.2f}, and complete lists show why)")
        parts.append(
            "<p><b>" + esc(self.tr("Fit {fit:.2f}").format(fit=explanation.fit)) + "</b> — "
            + esc(verdict.format(threshold=threshold)) + "</p>"
        )
        if fit_high > explanation.fit:
            parts.append("<p>" + esc(
                self.tr("Up to {high:.2f} if every unknown holds; confidence {confidence:.2f}.").format(
                    high=fit_high, confidence=explanation.confidence
                )
            ) + "</p>")
        if explanation.in_base:
            parts.append("<h4>" + esc(self.tr("Industrial base")) + "</h4>")
            parts.append("<p>" + esc(self.tr("The industry is already in the region's industrial base.")) + "</p>")
            parts.append(self._facts_list(explanation.base_facts))
        met = len(explanation.met) if explanation.groups_met is None else explanation.groups_met
        total = met + len(explanation.missing) + len(explanation.unknown)
        heading = self.tr("Needed conditions")
        if explanation.segment_name:
            heading = self.tr("Needed conditions of the best segment: {segment}").format(
                segment=segment_label(explanation.segment)
            )
        parts.append("<h4>" + esc(heading) + "</h4>")
        if total:
            parts.append(
                "<p>" + esc(
                    self.tr("Meets {met} of {total} (share {share:.2f}).").format(
                        met=met, total=total, share=explanation.need_share
                    )
                ) + "</p>"
            )
        else:
            parts.append("<p>" + esc(self.tr("The catalog lists no needed conditions for this industry.")) + "</p>")
        if explanation.met:
            parts.append("<p><b>" + esc(self.tr("Met")) + "</b></p><ul>")
            for need in explanation.met:
                parts.append(
                    "<li>✔ " + esc(self._need_label(need.condition)) + " "
                    + esc(self.tr("(strength {strength:.2f})").format(strength=need.strength))
                    + self._facts_list(need.facts) + "</li>"
                )
            parts.append("</ul>")
        if explanation.unknown:
            parts.append("<p><b>" + esc(self.tr("Unknown (no complete list says either way)")) + "</b></p><ul>")
            for group, _name in explanation.unknown:
                parts.append("<li>? " + esc(self._group_label(group)) + "</li>")
            parts.append("</ul>")
            if explanation.settled_by:
                from cluster_planner.qt.i18n import current_language
                from cluster_planner.text.messages import dataset_title

                titles = [dataset_title(title, current_language()) for title in explanation.settled_by]
                parts.append("<p>" + esc(self.tr("Would be settled by: {datasets}.").format(
                    datasets="; ".join(titles))) + "</p>")
        if explanation.missing:
            parts.append("<p><b>" + esc(self.tr("Missing (a complete list has no entry for the region)")) + "</b></p><ul>")
            conditions = document.conditions
            for group, _name in explanation.missing:
                uncounted = [
                    fact for fact in (conditions.facts_for(region) if conditions is not None else [])
                    if fact.condition in group.split("|")
                ]
                parts.append("<li>✘ " + esc(self._group_label(group)) + self._facts_list(uncounted) + "</li>")
            parts.append("</ul>")
        parts.append(self._statistics_html(explanation))
        parts.append(self._alternatives_html(region, industry))
        return "".join(parts)

    def _need_label(self, token: str) -> str:
        """One alternative need: a condition, or another industry already in the base."""
        if token.startswith("base:"):
            return self.tr("{industry} already in the base").format(industry=self._document.industry_label(token[5:]))
        return condition_label(token)

    def _group_label(self, group: str) -> str:
        """A group of alternatives, written ``a|b`` by the analysis."""
        return self.tr(" or ").join(self._need_label(token) for token in group.split("|"))

    def _fit_threshold(self) -> float:
        settings = getattr(self._document.session.analyzer, "settings", None)
        return float(getattr(settings, "fit_threshold", 0.5))

    def _facts_list(self, facts: Any) -> str:
        facts = list(facts)
        if not facts:
            return ""
        items = []
        source_label = html.escape(self.tr("source:"))
        for fact in facts:
            counted = getattr(fact, "counted", True)
            detail = fact.detail
            if fact.condition == "base" and detail in self._document.catalog.by_id:
                detail = self._document.industry_label(detail)
            detail = html.escape(detail)
            status = html.escape(status_name(fact.status))
            source = source_html(fact.source) or html.escape(self.tr("no source given"))
            text = (f"{detail} · " if detail else "") + f"<i>{status}</i> · {source_label} {source}"
            if not counted:
                text = f'<span style="color:#888">{text}</span>'
            items.append(f"<li>{text}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _statistics_html(self, explanation: Any) -> str:
        esc = html.escape
        if explanation.rca is None and explanation.density is None:
            return "<p><i>" + esc(
                self.tr("No statistics imported (File > Import statistics adds location quotients "
                        "and relatedness density).")
            ) + "</i></p>"
        lines = ["<h4>" + esc(self.tr("Statistics")) + "</h4><ul>"]
        if explanation.rca is not None:
            lines.append("<li>" + esc(self.tr("Location quotient (RCA) {rca:.2f}{base}").format(
                rca=explanation.rca, base=self.tr(" — at least 1: counts as base") if explanation.rca >= 1 else ""
            )) + "</li>")
        if explanation.density is not None:
            lines.append("<li>" + esc(self.tr("Relatedness density {density:.2f}, adds {added:.2f}").format(
                density=explanation.density, added=explanation.density_weight * explanation.density
            )) + "</li>")
        table = self._document.statistics
        if table is not None and getattr(table, "source", None):
            lines.append("<li>" + esc(self.tr("from {source}").format(source=table.source)) + "</li>")
        lines.append("</ul>")
        return "".join(lines)

    def _alternatives_html(self, region: str, industry: str) -> str:
        esc = html.escape
        document = self._document
        suggestions = [s for s in document.suggestions_for(region) if s.industry != industry]
        title = "<h4>" + esc(self.tr("Best-fitting alternatives for this region")) + "</h4>"
        if not suggestions:
            return title + "<p>" + esc(
                self.tr("None: no other industry fits this region and has room under its cap.")
            ) + "</p>"
        items = []
        # (outside the f-strings: lupdate finds tr() there only, so these get translated)
        why_text, assign_text = esc(self.tr("why?")), esc(self.tr("assign"))
        for suggestion in suggestions:
            name = esc(document.industry_label(suggestion.industry))
            why = f'<a href="explain:/{region}/{suggestion.industry}">{why_text}</a>'
            take = f'<a href="assign:/{region}/{suggestion.industry}">{assign_text}</a>'
            items.append(
                f"<li>{name} — " + esc(self.tr("fit {fit:.2f}").format(fit=suggestion.fit))
                + f" ({why} · {take})</li>"
            )
        return title + "<ul>" + "".join(items) + "</ul>"
