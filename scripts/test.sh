#!/usr/bin/env bash
# Set up a virtual environment with the project and its test tools, then run every check.
# The plan-store tests need a PostgreSQL + PostGIS server: scripts/postgres.sh installs
# (as root) and starts a throwaway one and its URL reaches the tests as
# CLUSTER_PLANNER_TEST_DB. Where it cannot start, those tests skip with the reason, except
# in CI (CI=true), where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
if [ -z "${CLUSTER_PLANNER_TEST_DB:-}" ]; then
    was_running="$(bash scripts/postgres.sh url 2>/dev/null || true)"
    messages="$(mktemp)"
    if server="$(bash scripts/postgres.sh start 2>"$messages")"; then
        cat "$messages" >&2
        eval "$server"
        [ -z "$was_running" ] && trap 'bash scripts/postgres.sh stop' EXIT
    else
        cat "$messages" >&2
        CLUSTER_PLANNER_TEST_DB_MISSING="$(tail -n 1 "$messages")"
        export CLUSTER_PLANNER_TEST_DB_MISSING="${CLUSTER_PLANNER_TEST_DB_MISSING:-scripts/postgres.sh could not start a PostgreSQL + PostGIS server}"
    fi
    rm -f "$messages"
fi
.venv/bin/python -m pytest "$@"
