"""``cluster-planner check PLAN``: analyse a plan and print its flags.

``--language zh`` prints the text report, and the ``message`` of each flag and the
``text`` of each suggestion in the JSON, in Chinese (industry ``name`` in the summary
too); the JSON keeps its shape and its ids (kinds, severities, codes) in every language.

Exit status: 0 when no flag is a warning or an error, 1 when some are, 2 when the plan
(or a statistics file) is unusable: one line on stderr naming the file and the problem.
"""

from __future__ import annotations

import sys

from cluster_planner.cli._output import add_format_argument, print_json, print_line
from cluster_planner.domain.errors import InputError
from cluster_planner.domain.plan import LEVELS
from cluster_planner.text.messages import LANGUAGES


def add_arguments(parser) -> None:
    """Add ``PLAN``, ``--format text|json``, ``--language``, ``--level`` and ``--statistics``."""
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.cplan)")
    add_format_argument(parser)
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="language of the messages and suggestions (default: en)",
    )
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
    """Analyse the plan and print the result; 1 if any flag is a warning or an error.

    The plan is opened in a :class:`~cluster_planner.session.PlanSession`, as the window
    opens it: its saved user facts and statistics count; ``--statistics`` replaces the
    saved table for this run.
    """
    # Imported here so that `cluster-planner --help` stays quick.
    from cluster_planner.session import PlanSession
    from cluster_planner.text.report import report_lines

    session = PlanSession.from_file(args.plan, level=args.level)
    for problem in session.saved_data_problems:  # the window shows these in its status bar
        print(f"{args.plan}: {problem} (left out)", file=sys.stderr)
    if args.statistics:
        session.apply_statistics(session.read_statistics(args.statistics))
    analysis = session.analysis
    if analysis is None:
        raise InputError(args.plan, session.analysis_problem or "cannot analyse the plan")
    plan, catalog = session.plan, session.catalog
    language = getattr(args, "language", "en")
    if language == "en":
        payload = analysis.to_json()
        # The evidence names industries and conditions in words (regions are named already).
        lines = (
            report_lines(analysis, "en", _names(plan.levels or [plan.level], plan.level, catalog))
            if args.format != "json" else ()
        )
    else:
        names = _names(plan.levels or [plan.level], plan.level, catalog)
        payload = localised_json(analysis, language, names)
        lines = report_lines(analysis, language, names)
    if args.format == "json":
        print_json(payload)
    else:
        for line in lines:
            print_line(line)
    return 1 if analysis.has_problems else 0


def _names(levels, shown: str, catalog):
    """Names of the regions of the level shown and of every level the plan names."""
    from cluster_planner.domain.catalog import load_condition_types
    from cluster_planner.domain.regions import load_layer
    from cluster_planner.text.messages import names_from

    layers = [load_layer(level) for level in dict.fromkeys([shown, *levels])]
    if len(layers) == 1:
        return names_from(layers[0], catalog, load_condition_types())

    class _Layers:  # the first layer that knows a code names it (codes are unique)
        @staticmethod
        def name(code: str, language: str) -> str:
            for layer in layers:
                if code in layer.index_of:
                    return layer.name(code, language)
            raise KeyError(code)

    return names_from(_Layers(), catalog, load_condition_types())


def localised_json(analysis, language: str, names) -> dict:
    """``analysis.to_json()`` with messages, suggestion texts and industry names in ``language``.

    Only human text changes: keys, ids, numbers and the order of everything stay as in
    the English payload, so a tool reading the JSON works in either language.
    """
    from cluster_planner.text.messages import flag_message, suggestion_text

    payload = analysis.to_json()
    for flag, entry in zip(analysis.flags, payload["flags"], strict=True):
        entry["message"] = flag_message(flag, language, names)
        entry["region_names"] = [names.region(code, language) for code in flag.regions]
        for suggestion, item in zip(flag.suggestions, entry["suggestions"], strict=True):
            item["text"] = suggestion_text(suggestion, language, names)
    for entry in payload["summary"].get("industries", []):
        entry["name"] = names.industry(entry["industry"], language)
    return payload
