"""The Qt-free core: regions, catalog, local conditions, plans, analysis and plan files.

Nothing under this package imports Qt (see the import-linter contract in
pyproject.toml and tests/test_core_is_qt_free.py), so it can be scripted headless.
"""
