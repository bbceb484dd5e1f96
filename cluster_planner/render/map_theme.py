"""The map's colours for a light or a dark window (Qt-free).

The window's theme (:mod:`cluster_planner.qt.theme`) switches the palette of the
widgets; :func:`apply_map_theme` gives the map the matching paper, sea, title and
legend colours, so a dark window does not hold a white map. Exported pictures keep the
light colours (they are printed).
"""

from __future__ import annotations

from typing import Any

#: Colours per scheme: the paper around the map, the sea, text, and the legend's frame.
MAP_THEMES: dict[str, dict[str, str]] = {
    "light": {"paper": "#ffffff", "sea": "#f4f8fb", "text": "#1a1a1a", "muted": "#555555",
              "legend": "#ffffff", "legend_edge": "#cccccc"},
    "dark": {"paper": "#2d2d30", "sea": "#1f2a33", "text": "#e6e6e6", "muted": "#b0b0b0",
             "legend": "#3a3a3e", "legend_edge": "#6a6a6a"},
}


def apply_map_theme(map_figure: Any, scheme: str) -> bool:
    """Colour ``map_figure`` (a :class:`~cluster_planner.render.mapfigure.MapFigure`) for ``scheme``.

    Returns ``False`` (and touches nothing, so no cached picture is thrown away) when the
    map and its current legend have these colours already.
    """
    colours = MAP_THEMES.get(scheme, MAP_THEMES["light"])
    legend = map_figure.legend
    legend_done = legend is None or getattr(legend, "_cluster_planner_theme", "light") == scheme
    if getattr(map_figure, "theme", "light") == scheme and legend_done:
        return False
    map_figure.figure.set_facecolor(colours["paper"])
    map_figure.ax.set_facecolor(colours["sea"])
    map_figure.inset_ax.set_facecolor(colours["sea"])
    map_figure.title.set_color(colours["text"])
    map_figure.attribution.set_color(colours["muted"])
    for legend in [map_figure.legend, *getattr(map_figure, "_legends", {}).values()]:
        if legend is None:
            continue
        frame = legend.get_frame()
        frame.set_facecolor(colours["legend"])
        frame.set_edgecolor(colours["legend_edge"])
        legend.get_title().set_color(colours["text"])
        for text in legend.get_texts():
            text.set_color(colours["text"])
        legend._cluster_planner_theme = scheme
    map_figure.theme = scheme
    # Cached pictures of the decorations (title, legend, labels) are keyed on this.
    map_figure.decoration_version += 1
    map_figure.figure.stale = True
    return True
