#!/usr/bin/python3
"""QGIS renders a region layer, for the benchmark's peer row (``benchmarks/run.py``).

Run by Debian's system Python with ``python3-qgis`` installed
(``apt-get install -y python3-qgis``), never by the project's venv::

    /usr/bin/python3 benchmarks/qgis_peer.py LAYER.gpkg WIDTH HEIGHT RUNS EXTENTS_JSON

``EXTENTS_JSON`` is a list of views ``[x0, y0, x1, y1]`` in the layer's own
coordinates (the benchmark writes the layer already projected, so QGIS transforms
nothing). Each view is rendered ``RUNS`` times offscreen with
``QgsMapRendererParallelJob`` into a ``WIDTH`` x ``HEIGHT`` image: grey fills with a
thin white outline, as the planner's map. Prints one JSON line: the milliseconds of
every render, by view.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    path, width, height, runs, extents = argv[1], int(argv[2]), int(argv[3]), int(argv[4]), json.loads(argv[5])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsFillSymbol,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsRectangle,
        QgsSingleSymbolRenderer,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(path, "regions", "ogr")
    if not layer.isValid():
        print(f"{path}: QGIS cannot read this layer", file=sys.stderr)
        return 2
    symbol = QgsFillSymbol.createSimple({"color": "190,190,190,255", "outline_color": "255,255,255,255",
                                         "outline_width": "0.15", "outline_width_unit": "Pixel"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(width, height))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(244, 248, 251))

    def render(extent) -> float:
        settings.setExtent(QgsRectangle(*extent))
        job = QgsMapRendererParallelJob(settings)
        started = time.perf_counter()
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        elapsed = (time.perf_counter() - started) * 1000.0
        if image.isNull():
            raise RuntimeError("QGIS rendered no image")
        return elapsed

    render(extents[0])  # the first render opens the file and builds QGIS's caches
    timings = [[render(extent) for _ in range(runs)] for extent in extents]
    from qgis.core import Qgis

    print(json.dumps({"qgis": Qgis.QGIS_VERSION, "ms": timings}), flush=True)
    # QGIS 3.22's Python bindings crash while the interpreter tears them down; the
    # figures are out, so leave without the teardown.
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
