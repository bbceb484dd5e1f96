#!/usr/bin/env bash
# Set up a virtual environment with the project, then start Cluster Planner on the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/cluster-planner "$@"
