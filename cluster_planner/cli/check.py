"""``cluster-planner check PLAN``: analyse a plan and print its flags.

Exit status: 0 when no flag is a warning or an error, 1 when some are, 2 when the plan
(or a statistics file) is unusable: one line on stderr naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path

from cluster_planner.cli._output import add_format_argument, print_json
from cluster_planner.core.errors import InputError, PlanFileError
from cluster_planner.core.plan import LEVELS


def add_arguments(parser) -> None:
    """Add ``PLAN``, ``--format text|json``, ``--level`` and ``--statistics``."""
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.cplan)")
    add_format_argument(parser)
    parser.add_argument(
        "--level",
        choices=LEVELS,
        help="analyse on this region level instead of the one saved in the plan "
        "(for an old plan that did not record its level)",
    )
    parser.add_argument(
        "--statistics",
        metavar="CSV",
        help="a region x industry table (region,industry,value) whose location quotients "
        "and relatedness density add to fit",
    )


def run(args) -> int:
    """Analyse the plan and print the result; 1 if any flag is a warning or an error."""
    # Imported here so that `cluster-planner --help` stays quick.
    from cluster_planner.core.analysis import analyze, iter_report_lines, load_context
    from cluster_planner.core.catalog import load_catalog
    from cluster_planner.core.planfile import load_plan
    from cluster_planner.core.regions import load_layer
    from cluster_planner.core.statistics import load_statistics

    catalog = load_catalog()
    if args.level is None:
        plan = load_plan(args.plan, catalog=catalog, layer=load_layer)
    else:
        plan = load_plan(args.plan, catalog=catalog)
        plan.level = args.level
        _check_regions(plan, load_layer(args.level), args.plan)
    statistics = None
    if args.statistics:
        layer = load_layer(plan.level)
        statistics = load_statistics(args.statistics, layer.codes, catalog.ids)
    context = load_context(plan.level, statistics)
    try:
        analysis = analyze(plan, context)
    except ValueError as error:  # a setting saved in the plan is out of range
        raise InputError(args.plan, f"cannot analyse the plan: {error}") from None
    if args.format == "json":
        print_json(analysis.to_json())
    else:
        for line in iter_report_lines(analysis):
            print(line)
    return 1 if analysis.has_problems else 0


def _check_regions(plan, layer, path: str | Path) -> None:
    unknown = [code for code in plan.regions if code not in layer.index_of]
    if unknown:
        listed = ", ".join(unknown[:12]) + (f" and {len(unknown) - 12} more" if len(unknown) > 12 else "")
        noun = "code" if len(unknown) == 1 else "codes"
        raise PlanFileError(path, f"{len(unknown)} unknown region {noun} for the {plan.level} layer: {listed}")
