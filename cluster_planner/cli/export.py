"""``cluster-planner export PLAN OUT``: write a plan as another file, chosen by OUT's suffix.

``.cplan`` (the plan, normalised), ``.geojson`` / ``.gpkg`` (regions with their
assignments and flags), ``.csv`` (assignments), ``.html`` (a report), ``.png`` /
``.svg`` / ``.pdf`` (the map). OUT is replaced atomically: an existing file is never
left half-written. Exit 0 when written, 2 (one line on stderr) when not.
"""

from __future__ import annotations

from pathlib import Path

from cluster_planner.cli._output import print_line
from cluster_planner.domain.errors import InputError


def add_arguments(parser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.cplan)")
    parser.add_argument(
        "out",
        metavar="OUT",
        help="the file to write: .cplan .geojson .gpkg .csv .html .png .svg .pdf",
    )
    parser.add_argument(
        "--language",
        choices=("zh", "en"),
        default="zh",
        help="language of what a person reads: CSV headers and values, the text columns"
        " of a GIS layer, the report, the map's title and legend (default: zh)",
    )
    parser.add_argument(
        "--colour-by",
        choices=("industries", "flags"),
        default="industries",
        help="map colours: number of industries per region, flagged regions outlined"
        " (default), or the worst flag of each region",
    )


def run(args) -> int:
    # Heavy imports (geopandas, matplotlib) only once the command runs, so that
    # `cluster-planner --help` and the other commands stay quick.
    from cluster_planner.io.export import export_suffix
    from cluster_planner.session import PlanSession

    out = Path(args.out)
    suffix = export_suffix(out)  # an unknown suffix fails before anything is loaded
    # The session analyses the plan as the window does (with its user facts and statistics).
    session = PlanSession.from_file(args.plan)
    if suffix != ".cplan" and session.analysis is None:
        raise InputError(args.plan, session.analysis_problem or "cannot analyse the plan")
    session.export(out, language=args.language, colour_by=args.colour_by)
    print_line(out)
    return 0
