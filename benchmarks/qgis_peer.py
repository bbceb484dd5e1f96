#!/usr/bin/python3
"""QGIS renders a region layer, for the benchmark's peer row (``benchmarks/run.py``).

Run by Debian's system Python with ``python3-qgis`` installed
(``apt-get install -y python3-qgis``), never by the project's venv::

    /usr/bin/python3 benchmarks/qgis_peer.py LAYER.gpkg WIDTH HEIGHT RUNS EXTENTS_JSON

The GeoPackage holds the layer ``regions`` (a ``colour`` column: each region's fill
as ``#rrggbb``) and, below province level, ``provinces`` (the provinces' outlines).
``EXTENTS_JSON`` is a list of views ``[x0, y0, x1, y1]`` in the layers' own
coordinates (the benchmark writes them already projected, so QGIS transforms
nothing). Each view is rendered ``RUNS`` times offscreen with
``QgsMapRendererParallelJob`` into a ``WIDTH`` x ``HEIGHT`` image as the planner's map
draws it: each region filled in its colour with a hairline white border, the
provinces outlined in grey, on the sea colour. QGIS keeps its defaults otherwise
(its on-the-fly simplification included). Prints one JSON line: the milliseconds of
every render, by view (``ms``), and of the same renders with
``QgsMapRendererSequentialJob`` in one thread (``sequential_ms``), for reference.
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
        QgsLineSymbol,
        QgsMapRendererParallelJob,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsProperty,
        QgsRectangle,
        QgsSingleSymbolRenderer,
        QgsSymbolLayer,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(f"{path}|layername=regions", "regions", "ogr")
    if not layer.isValid():
        print(f"{path}: QGIS cannot read its layer 'regions'", file=sys.stderr)
        return 2
    border_px, outline_px = argv[6] if len(argv) > 6 else "0.21", argv[7] if len(argv) > 7 else "0.97"
    symbol = QgsFillSymbol.createSimple({"color": "190,190,190,255", "outline_color": "255,255,255,255",
                                         "outline_width": border_px, "outline_width_unit": "Pixel"})
    symbol.symbolLayer(0).setDataDefinedProperty(QgsSymbolLayer.PropertyFillColor, QgsProperty.fromField("colour"))
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layers = [layer]
    provinces = QgsVectorLayer(f"{path}|layername=provinces", "provinces", "ogr")
    if provinces.isValid():
        line = QgsLineSymbol.createSimple({"line_color": "143,143,143,255", "line_width": outline_px,
                                           "line_width_unit": "Pixel"})
        provinces.setRenderer(QgsSingleSymbolRenderer(line))
        layers.insert(0, provinces)  # drawn last, over the regions
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(width, height))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(244, 248, 251))

    def render(extent, job_type=QgsMapRendererParallelJob) -> float:
        settings.setExtent(QgsRectangle(*extent))
        job = job_type(settings)
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
    # For reference: the same views in one thread, as our canvas draws.
    sequential = [[render(extent, QgsMapRendererSequentialJob) for _ in range(runs)] for extent in extents]
    from qgis.core import Qgis

    print(json.dumps({"qgis": Qgis.QGIS_VERSION, "ms": timings, "sequential_ms": sequential}), flush=True)
    # QGIS 3.22's Python bindings crash while the interpreter tears them down; the
    # figures are out, so leave without the teardown.
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
