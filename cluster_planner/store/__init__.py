"""The shared plan store: plans on a PostgreSQL + PostGIS server (Qt-free).

Plan files stay the embedded default; a team that drafts one national plan together
points Cluster Planner at a database. The database, not the app, decides who may change
what (row-level security per province, see :mod:`cluster_planner.store.schema`).

* :mod:`~cluster_planner.store.admin`: ``init_store`` and ``grant``.
* :mod:`~cluster_planner.store.sync`: ``push``, ``pull_plan`` and ``read_history``.
* :mod:`~cluster_planner.store.shared`: ``SharedPlan`` (one plan, edited one assignment
  at a time with version checks) and ``ChangeListener`` (LISTEN/NOTIFY), for a window.
* :mod:`~cluster_planner.store.connection`: connecting, and messages without passwords.
"""
