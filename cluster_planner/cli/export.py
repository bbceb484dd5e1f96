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
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer
    from cluster_planner.io.export import export_plan, export_suffix
    from cluster_planner.io.planfile import load_plan

    out = Path(args.out)
    suffix = export_suffix(out)  # an unknown suffix fails before anything is loaded
    catalog = load_catalog()
    plan = load_plan(args.plan, catalog=catalog, layer=load_layer)
    layer = load_layer(plan.level)
    analysis = None if suffix == ".cplan" else _analyse(plan, layer, catalog, args.plan)
    export_plan(
        plan,
        out,
        layer=layer,
        catalog=catalog,
        analysis=analysis,
        language=args.language,
        colour_by=args.colour_by,
    )
    print_line(out)
    return 0


def _analyse(plan, layer, catalog, plan_path):
    """The plan's analysis on the bundled local conditions."""
    from cluster_planner.analysis.engine import analyze, build_context
    from cluster_planner.domain.catalog import load_condition_types
    from cluster_planner.domain.conditions import load_conditions

    context = build_context(
        layer, catalog, load_conditions(layer), condition_types=load_condition_types()
    )
    try:
        return analyze(plan, context)
    except ValueError as error:  # a setting saved in the plan is out of range
        raise InputError(plan_path, f"cannot analyse the plan: {error}") from None
