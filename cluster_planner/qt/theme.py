"""Light and dark palettes that follow the system (Qt 6.5+ ``QStyleHints.colorScheme``).

``apply_theme("system")`` lets the platform style choose and follows its changes;
``light`` and ``dark`` force a scheme with ``QStyleHints.setColorScheme`` (Qt 6.8+) and,
where the platform ignores that (offscreen, some X11 styles), a Fusion palette.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

CHOICES = ("system", "light", "dark")
_state: dict[str, object] = {}


def system_scheme() -> str:
    """``dark`` or ``light``: what the platform reports (``light`` when it does not say)."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def dark_palette() -> QPalette:
    """A dark Fusion palette with readable contrast (text 13:1 on the window colour)."""
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(40, 40, 43))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64))
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.BrightText, QColor(255, 80, 80))
    palette.setColor(QPalette.ColorRole.Link, QColor(100, 170, 255))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(38, 110, 190))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))
    return palette


def light_palette() -> QPalette:
    """Fusion's light palette, fixed (Fusion's standard palette follows the system scheme)."""
    palette = QPalette()
    window, base, text = QColor(239, 239, 239), QColor(255, 255, 255), QColor(20, 20, 20)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(247, 247, 247))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(255, 255, 220))
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(120, 120, 120))
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.BrightText, QColor(200, 0, 0))
    palette.setColor(QPalette.ColorRole.Link, QColor(0, 90, 180))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(48, 140, 198))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(150, 150, 150))
    return palette


# Fusion outlines an unticked box with the window colour darkened, which vanishes on a
# dark window: draw the empty box with a light border (ticked boxes stay Fusion's).
DARK_STYLE_SHEET = (
    "QCheckBox::indicator:unchecked, QAbstractItemView::indicator:unchecked, "
    "QGroupBox::indicator:unchecked { border: 1px solid #a0a0a0; border-radius: 2px; "
    "background: #1e1e20; width: 12px; height: 12px; }"
)


def apply_theme(choice: str) -> str:
    """Apply ``choice`` (``system``, ``light``, ``dark``) and return the scheme in use."""
    application = QApplication.instance()
    if not isinstance(application, QApplication):
        return "light"
    if "style" not in _state:
        _state["style"] = application.style().name()
        _state["palette"] = QPalette(application.palette())
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(choice, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted)
    scheme = choice if choice in ("light", "dark") else system_scheme()
    drawn = bool(_state.get("drawn"))
    if choice == "system":
        application.setStyle(QStyleFactory.create(str(_state["style"])))
        application.setPalette(_state["palette"])  # type: ignore[arg-type]
        drawn = False
    elif drawn or system_scheme() != scheme or application.style().name().lower() != "fusion":
        # The platform ignored the request, or an earlier choice was drawn by us (then
        # Light after Dark must replace the dark palette): draw the scheme ourselves.
        application.setStyle(QStyleFactory.create("Fusion"))
        application.setPalette(dark_palette() if scheme == "dark" else light_palette())
        drawn = True
    _state["drawn"] = drawn
    application.setStyleSheet(DARK_STYLE_SHEET if scheme == "dark" else "")
    _state["scheme"] = scheme
    return scheme


def current_scheme() -> str:
    """The scheme applied last (``light`` or ``dark``)."""
    return str(_state.get("scheme", system_scheme()))
