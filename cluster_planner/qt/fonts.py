"""The bundled CJK font (Noto Sans SC) for Qt widgets and for the map's matplotlib text.

A machine without CJK fonts would show Chinese names as empty boxes. Call
:func:`register_qt_font` once, right after the ``QApplication`` exists: it adds the
bundled file to ``QFontDatabase``, appends it to the application font's family list
(Qt then takes any glyph the system font lacks from Noto Sans SC, while Latin text
keeps the platform look), and registers the same file with matplotlib.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from cluster_planner.render.fonts import FONT_FAMILY, font_path, register_matplotlib_font

_registered_family: str | None = None


def register_qt_font() -> str:
    """Register the bundled font with Qt and matplotlib; return its Qt family name.

    Safe to call more than once. Requires a ``QApplication``.

    Returns
    -------
    str
        The family to use in ``QFont`` (normally ``"Noto Sans SC"``).

    Raises
    ------
    RuntimeError
        No ``QApplication`` exists yet.
    FileNotFoundError
        The font file is missing from ``resources/fonts``.
    """
    global _registered_family
    register_matplotlib_font()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("register_qt_font() needs a QApplication; create it first")
    if _registered_family is None:
        path = font_path()
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the bundled CJK font is missing")
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise FileNotFoundError(f"{path}: Qt cannot read the bundled CJK font")
        _registered_family = families[0]
    _add_fallback(app, _registered_family)
    return _registered_family


def _add_fallback(app: QApplication, family: str) -> None:
    font = QFont(app.font())
    families = list(font.families()) or [font.family()]
    if family not in families:
        font.setFamilies([*families, family])
        app.setFont(font)


def cjk_font(point_size: float | None = None) -> QFont:
    """A ``QFont`` of the bundled family (after :func:`register_qt_font`)."""
    font = QFont(_registered_family or FONT_FAMILY)
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font
