"""The bundled CJK font (Noto Sans SC, SIL OFL 1.1), registered with matplotlib.

A fresh machine has no CJK fonts, so region names would render as boxes. The font ships
in ``resources/fonts/`` with its licence; :func:`register_matplotlib_font` adds it to
matplotlib's font manager once and puts it first in the sans-serif list. The Qt side
registers the same file with ``QFontDatabase`` (``cluster_planner.qt.fonts``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cluster_planner.domain.paths import resources_dir

FONT_FAMILY = "Noto Sans SC"


def font_path() -> Path:
    return resources_dir() / "fonts" / "NotoSansSC-Regular.ttf"


@cache
def register_matplotlib_font() -> str:
    """Register the bundled font with matplotlib and make it the default; returns its family."""
    import matplotlib
    from matplotlib import font_manager

    path = font_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the bundled CJK font is missing")
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.sans-serif"] = [family, *sans]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
