from __future__ import annotations

import sys

from cluster_planner.cli import main

sys.exit(main())
