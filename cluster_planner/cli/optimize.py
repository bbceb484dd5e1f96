"""``cluster-planner optimize PLAN OUT``: propose the smallest change that clears a draft.

Writes the proposed plan to OUT (a plan file) and prints each change with its reason,
the objective, the bound and the gap (see :mod:`cluster_planner.analysis.optimise`).
The chosen segment of a kept or added assignment is written in its note.

Exit status: 0 when the proposal has no error-level flag in ``check``, 1 when it
improves the draft but cannot clear every error within the settings, 2 when the plan
or the settings are unusable (one line on stderr naming the file and the problem;
settings that cannot all hold are named in words).
"""

from __future__ import annotations

from cluster_planner.cli._output import add_format_argument, print_json
from cluster_planner.domain.errors import InputError


def add_arguments(parser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the draft plan file (.cplan)")
    parser.add_argument("out", metavar="OUT", help="where to write the proposed plan (.cplan)")
    parser.add_argument("--max-changes", type=int, metavar="N", help="change at most N assignments")
    parser.add_argument(
        "--lock", action="append", default=[], metavar="REGION:INDUSTRY",
        help="an assignment the proposal must keep (or add), e.g. 340100:new-energy-vehicles; repeatable",
    )
    parser.add_argument("--exclude-region", action="append", default=[], metavar="CODE",
                        help="a region that gets no assignment; repeatable")
    parser.add_argument("--exclude-industry", action="append", default=[], metavar="ID",
                        help="an industry that is assigned nowhere; repeatable")
    parser.add_argument("--cap", action="append", default=[], metavar="INDUSTRY=N",
                        help="the national cap of an industry (default: the analysis' crowding cap); repeatable")
    parser.add_argument("--scope-cap", action="append", default=[], metavar="INDUSTRY=N",
                        help="the cap of an industry within the plan's scope; repeatable")
    parser.add_argument("--min-leads", type=int, metavar="N",
                        help="lead industries each region of the draft keeps at least "
                        "(default: the fewest any region of the draft has)")
    parser.add_argument("--max-leads", type=int, metavar="N",
                        help="lead industries a region may have at most (default: the most any region of the draft has)")
    parser.add_argument("--no-division-of-labour", action="store_true",
                        help="apply each industry's cap to the whole industry, not to each segment of its chain")
    parser.add_argument("--no-unverified", action="store_true",
                        help="also drop the draft's unverified assignments (no evidence either way) unless locked")
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="S",
                        help="stop the solver after S seconds with the best proposal found (default: 30)")
    add_format_argument(parser)


def run(args) -> int:
    from cluster_planner.analysis.fit import load_context
    from cluster_planner.analysis.optimise import (
        OptimiseSettings,
        SettingsConflict,
        parse_cap,
        parse_lock,
        propose,
    )
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer
    from cluster_planner.io.planfile import load_plan, save_plan

    catalog = load_catalog()
    plan = load_plan(args.plan, catalog=catalog, layer=load_layer)
    try:
        locks = tuple(parse_lock(text) for text in args.lock)
        settings = OptimiseSettings(
            max_changes=args.max_changes,
            locks=locks,
            excluded_regions=tuple(args.exclude_region),
            excluded_industries=tuple(args.exclude_industry),
            caps=dict(parse_cap(text) for text in args.cap),
            scope_caps=dict(parse_cap(text) for text in args.scope_cap),
            min_leads=args.min_leads,
            max_leads=args.max_leads,
            division_of_labour=not args.no_division_of_labour,
            keep_unverified=not args.no_unverified,
            time_limit=args.time_limit,
        )
    except ValueError as error:
        raise InputError(args.plan, str(error)) from None
    context = load_context(plan.level)
    try:
        proposal = propose(plan, context, settings)
    except SettingsConflict as conflict:
        raise InputError(args.plan, str(conflict)) from None
    except ValueError as error:  # a lock or exclusion naming nothing, a setting out of range
        raise InputError(args.plan, str(error)) from None
    proposal.plan.name = f"{plan.name} (proposal)"
    written = save_plan(proposal.plan, args.out)
    if args.format == "json":
        payload = proposal.to_json()
        payload["out"] = str(written)
        print_json(payload)
    else:
        for line in proposal.lines():
            print(line)
        print(f"Proposal written to {written}")
    return 0 if proposal.clears_errors else 1
