"""Peak memory of one level, in a process of its own: ``memory_probe.py LEVEL real|naive``.

``real``: load the layer and its analysis context, build the map canvas and draw it,
analyse the five-industries-per-region plan, apply one edit and repaint. ``naive``: read
the layer with plain geopandas, plot it with ``GeoDataFrame.plot`` and run the same
analysis from scratch. Prints ``{"maxrss_mb": ..., "vmhwm_mb": ...}``: the process's
``ru_maxrss`` and, on Linux, the peak of its own memory map (``VmHWM``). On Linux
``ru_maxrss`` carries the parent's high-water mark through fork and exec, so
``run.py`` starts these probes before it loads anything itself.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _vmhwm_mb() -> float | None:
    """The peak resident size of this process's own memory map (Linux), in MB.

    Unlike ``ru_maxrss`` it does not inherit the parent's high-water mark through
    fork and exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main(level: str, mode: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from measure import CANVAS_SIZE, qt_app
    from workload import level_data

    app = qt_app()
    data = level_data(level)
    if mode == "real":
        from measure import _map_widgets, _repaint

        from cluster_planner.analysis.engine import Analyzer
        from cluster_planner.render.colouring import colour_by_count

        widgets = _map_widgets(data, naive=False)
        analyzer = Analyzer(data.context, data.plan)
        analyzer.follow()
        counts = [len(data.plan.industries_of(str(code))) for code in data.layer.codes]
        widgets.canvas.set_colours(*colour_by_count(counts))
        _repaint(widgets.canvas.figure_widget())
        region = str(data.layer.codes[0])
        taken = {a.industry for a in data.plan.industries_of(region)}
        industry = next(i.id for i in data.catalog.industries if i.id not in taken)
        data.plan.apply(data.plan.assign_industry(region, industry))
        counts[0] += 1
        widgets.canvas.set_colours(*colour_by_count(counts))
        _repaint(widgets.canvas.figure_widget())
    else:
        import geopandas
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from cluster_planner.analysis.engine import analyze
        from cluster_planner.render.colouring import colour_by_count

        frame = geopandas.read_file(data.layer.path, layer="regions")
        figure = Figure(figsize=(CANVAS_SIZE[0] / 100, CANVAS_SIZE[1] / 100), dpi=100)
        widget = FigureCanvasQTAgg(figure)
        widget.resize(*CANVAS_SIZE)
        widget.show()
        counts = [len(data.plan.industries_of(str(code))) for code in data.layer.codes]
        colours, _legend = colour_by_count(counts)
        frame.plot(ax=figure.add_axes((0, 0, 1, 1)), color=colours, edgecolor="white", linewidth=0.2)
        widget.draw()
        widget.repaint()
        analyze(data.plan, data.context)
    app.processEvents()
    print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "vmhwm_mb": _vmhwm_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
