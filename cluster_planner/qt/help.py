"""A short Help page: what the flags mean and how fit is computed (F1)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from cluster_planner.text.messages import KIND_NAMES


def help_html() -> str:
    """The Help page's HTML in the active language."""

    from cluster_planner.qt.i18n import current_language

    index = 0 if current_language() == "zh" else 1
    kinds = {
        "one-size-fits-all": QCoreApplication.translate("Help", "An industry is crowded (more regions than its cap) and this region takes it although its local conditions do not support it. The core of homogenized development."),
        "crowded-industry": QCoreApplication.translate("Help", "More regions take the industry than the cap: the largest of a minimum number, a share of all regions, and the number of regions whose conditions support it."),
        "local-mismatch": QCoreApplication.translate("Help", "A region takes an industry its conditions do not support (fit below the threshold), although the industry is not crowded."),
        "similar-portfolios": QCoreApplication.translate("Help", "Two regions have nearly the same set of industries (cosine similarity of their portfolios above the threshold). Neighbours that look alike compete for the same firms and funds."),
        "chain-gap": QCoreApplication.translate("Help", "An industry in the plan needs an upstream link that no region covers, neither in the plan nor in an existing industrial base."),
    }
    items = "".join(
        f"<dt><b>{KIND_NAMES[kind][index]}</b> <i>({kind})</i></dt><dd>{text}</dd>" for kind, text in kinds.items()
    )
    t = [
        QCoreApplication.translate("Help", "Cluster Planner help"),
        QCoreApplication.translate("Help", "Select regions on the map (click; Ctrl+click adds; Ctrl+G goes to a region by name), choose an industry in the catalog and assign it as lead (Ctrl+L) or support (Ctrl+Shift+L). Every edit can be undone (Ctrl+Z). The flags update after each edit."),
        QCoreApplication.translate("Help", "How fit is computed"),
        QCoreApplication.translate("Help", "Each industry in the catalog lists the local conditions it needs (resources, location, industrial base, research, infrastructure). A region fits an industry with 1.0 when the industry is already in its industrial base; otherwise the fit is the share of the needed conditions the region meets. Only confirmed and implied facts count. Below the threshold (0.50 by default) an assignment has no local basis."),
        QCoreApplication.translate("Help", "What the flags mean"),
        QCoreApplication.translate("Help", "Severity: an error is homogenized development to fix; a warning deserves a look; info is for context. Each flag lists the numbers behind it and suggestions: better-fitting industries for the region, or the worst-fitting regions to drop."),
    ]
    return (
        f"<h2>{t[0]}</h2>"
        f"<p>{t[1]}</p>"
        f"<h3>{t[2]}</h3>"
        f"<p>{t[3]}</p>"
        f"<h3>{t[4]}</h3><dl>{items}</dl>"
        f"<p>{t[5]}</p>"
    )


class HelpDialog(QDialog):
    """The Help page in a resizable window; follows language changes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 560)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "browser"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("Help", "Cluster Planner help"))
        self.browser.setHtml(help_html())
