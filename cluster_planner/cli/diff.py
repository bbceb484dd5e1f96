"""``cluster-planner diff A B``: what turns plan A into plan B, and which is more homogenized.

Prints the assignments B adds, removes and changes against A (region and industry by
name and code), the settings that differ, and both plans' analysis figures side by side
(homogeneity index, flags by severity, crowded industries), both judged with A's
settings unless ``--own-settings``. ``--format json`` prints
:meth:`cluster_planner.analysis.diff.PlanDiff.to_json`.

Exit status, as diff(1): 0 when the assignments and settings are the same, 1 when they
differ, 2 when a plan is unusable or the two are on different region levels.
"""

from __future__ import annotations

from cluster_planner.cli._output import add_format_argument, print_json, print_line
from cluster_planner.domain.errors import InputError
from cluster_planner.text.messages import LANGUAGES

_ROLE_ZH = {"lead": "主导", "support": "配套"}


def add_arguments(parser) -> None:
    """Add ``A``, ``B``, ``--format``, ``--language`` and ``--own-settings``."""
    parser.add_argument("a", metavar="A", help="the plan before (.cplan)")
    parser.add_argument("b", metavar="B", help="the plan after (.cplan)")
    add_format_argument(parser)
    parser.add_argument("--language", choices=LANGUAGES, default="en",
                        help="language of the names in the text report (default: en)")
    parser.add_argument("--own-settings", action="store_true",
                        help="analyse each plan with its own settings (default: both with A's, "
                        "so that the figures compare like with like)")


def run(args) -> int:
    """Compare the two plans and print the result; 1 if they differ."""
    from cluster_planner.session import PlanSession

    # A's session judges both plans on A's local conditions and statistics, as the
    # window's "Compare with" does.
    session = PlanSession.from_file(args.a)
    after = session.read_plan_file(args.b)
    if after.level != session.level:
        raise InputError(args.b, f"is a {after.level} plan and {args.a} a {session.level} plan: "
                                 "their regions cannot be matched")
    after = session.read_other_plan(args.b)
    settings = None if args.own_settings else dict(session.plan.settings)
    try:
        difference = session.diff(after, settings)
    except ValueError as error:  # a setting saved in a plan is out of range
        raise InputError(args.a, f"cannot analyse the plans: {error}") from None
    if args.format == "json":
        print_json(difference.to_json())
    else:
        for line in report_lines(difference, session.layer, session.catalog, args.language):
            print_line(line)
    return 0 if difference.is_empty else 1


def report_lines(difference, layer, catalog, language: str = "en") -> list[str]:
    """The text report: the summary, then one line per added, removed and changed assignment."""

    def region(code: str) -> str:
        try:
            return f"{layer.name(code, language)} ({code})"
        except (KeyError, ValueError):
            return code

    def industry(industry_id: str) -> str:
        entry = catalog.by_id.get(industry_id)
        if entry is None:
            return industry_id
        return entry.name_zh if language == "zh" else entry.name_en

    def role(name: str) -> str:
        return _ROLE_ZH.get(name, name) if language == "zh" else name

    lines = [f"{difference.name_a} -> {difference.name_b} ({difference.level})"]
    lines += [f"  {line}" for line in difference.summary_lines()]
    for assignment in difference.added:
        lines.append(f"+ {region(assignment.region)}: {industry(assignment.industry)} "
                     f"[{role(assignment.role)}]")
    for assignment in difference.removed:
        lines.append(f"- {region(assignment.region)}: {industry(assignment.industry)} "
                     f"[{role(assignment.role)}]")
    for change in difference.changed:
        was, now = change.before, change.after
        parts = []
        if "role" in change.fields:
            parts.append(f"{role(was.role)} -> {role(now.role)}")
        if "note" in change.fields:
            parts.append(f"note {was.note!r} -> {now.note!r}")
        if "level" in change.fields:
            parts.append(f"level {was.level} -> {now.level}")
        lines.append(f"~ {region(was.region)}: {industry(was.industry)} {'; '.join(parts)}")
    for label, figures in (("A", difference.figures_a), ("B", difference.figures_b)):
        if figures is not None and figures.crowded_industries:
            crowded = ", ".join(industry(i) for i in figures.crowded_industries)
            lines.append(f"  crowded in {label}: {crowded}")
    return lines
