"""The Qt window (PySide6): widgets, item models, undo over core edits, dialogs.

Only this package imports Qt. It holds no planning rules: widgets turn user actions into
core edits and show the core's state. The map is ``map_canvas.MapCanvas`` over the
Qt-free ``cluster_planner.render.mapfigure.MapFigure``; call
``fonts.register_qt_font()`` once after the ``QApplication`` exists so Chinese text
renders on machines without CJK fonts.
"""
