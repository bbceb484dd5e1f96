"""``cluster-planner catalog``: the industry catalog, as JSON or a table by pillar."""

from __future__ import annotations

from cluster_planner.cli._output import add_format_argument, print_json, print_lines
from cluster_planner.domain.catalog import PILLAR_NAMES, Catalog, load_catalog, load_condition_types


def add_arguments(parser) -> None:
    """Add ``--format text|json`` and ``--search TEXT``."""
    add_format_argument(parser)
    parser.add_argument(
        "--search",
        metavar="TEXT",
        help="only industries matching TEXT (Chinese, English, pinyin or initials)",
    )


def run(args) -> int:
    """Print the catalog; returns 0 (an unusable catalog raises ``DataError``)."""
    catalog = load_catalog()
    industries = catalog.search(args.search) if getattr(args, "search", None) else list(catalog)
    if args.format == "json":
        print_json(catalog_report(catalog, industries))
    else:
        print_lines(format_text(catalog, industries))
    return 0


def catalog_report(catalog: Catalog, industries=None) -> dict:
    """The JSON report: ``{"industries": [...], "conditions": [...]}``.

    Each industry has ``id``, ``name_en``, ``name_zh``, ``pillar``, ``needs``,
    ``upstream``, ``keywords`` and ``sources``; each condition ``id``, ``name_en``,
    ``name_zh`` and ``category``.
    """
    industries = list(catalog) if industries is None else industries
    conditions = load_condition_types()
    return {
        "industries": [industry.to_dict() for industry in industries],
        "conditions": [
            {"id": c.id, "name_en": c.name_en, "name_zh": c.name_zh, "category": c.category}
            for c in conditions.values()
        ],
    }


def format_text(catalog: Catalog, industries=None) -> str:
    """A plain table, one section per pillar: id, names, needs and upstream."""
    shown = {industry.id for industry in (catalog if industries is None else industries)}
    lines: list[str] = []
    for pillar, members in catalog.by_pillar().items():
        members = [industry for industry in members if industry.id in shown]
        if not members:
            continue
        name_zh, name_en = PILLAR_NAMES[pillar]
        lines.append(f"{name_en} ({name_zh}), {len(members)}")
        id_width = max(len(industry.id) for industry in members)
        for industry in members:
            lines.append(f"  {industry.id:<{id_width}}  {industry.name_en} / {industry.name_zh}")
            lines.append(f"  {'':<{id_width}}  needs: {', '.join(industry.needs)}")
            if industry.upstream:
                lines.append(f"  {'':<{id_width}}  upstream: {', '.join(industry.upstream)}")
        lines.append("")
    lines.append(f"{len(shown)} of {len(catalog)} industries")
    return "\n".join(lines)
