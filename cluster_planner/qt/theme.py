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


#: The colours of each theme, by palette role (RGB); ``Disabled`` greys the disabled texts.
_THEME_COLOURS: dict[str, dict[str, tuple[int, int, int]]] = {
    # Readable contrast: text 13:1 on the window colour.
    "dark": {
        "Window": (45, 45, 48), "WindowText": (230, 230, 230), "Base": (30, 30, 32),
        "AlternateBase": (40, 40, 43), "ToolTipBase": (60, 60, 64), "ToolTipText": (230, 230, 230),
        "PlaceholderText": (150, 150, 150), "Text": (230, 230, 230), "Button": (45, 45, 48),
        "ButtonText": (230, 230, 230), "BrightText": (255, 80, 80), "Link": (100, 170, 255),
        "Highlight": (38, 110, 190), "HighlightedText": (255, 255, 255), "Disabled": (120, 120, 120),
    },
    # Fusion's light palette, fixed (Fusion's standard palette follows the system scheme).
    "light": {
        "Window": (239, 239, 239), "WindowText": (20, 20, 20), "Base": (255, 255, 255),
        "AlternateBase": (247, 247, 247), "ToolTipBase": (255, 255, 220), "ToolTipText": (20, 20, 20),
        "PlaceholderText": (120, 120, 120), "Text": (20, 20, 20), "Button": (239, 239, 239),
        "ButtonText": (20, 20, 20), "BrightText": (200, 0, 0), "Link": (0, 90, 180),
        "Highlight": (48, 140, 198), "HighlightedText": (255, 255, 255), "Disabled": (150, 150, 150),
    },
}


def _palette(theme: str) -> QPalette:
    palette = QPalette()
    colours = _THEME_COLOURS[theme]
    for role, rgb in colours.items():
        if role != "Disabled":
            palette.setColor(getattr(QPalette.ColorRole, role), QColor(*rgb))
    for disabled in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, disabled, QColor(*colours["Disabled"]))
    return palette


def dark_palette() -> QPalette:
    """A dark Fusion palette with readable contrast (text 13:1 on the window colour)."""
    return _palette("dark")


def light_palette() -> QPalette:
    """Fusion's light palette, fixed (Fusion's standard palette follows the system scheme)."""
    return _palette("light")


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
