"""The analysis as a plain-text report, in Chinese or English, from one table of sentences.

``check --format text`` prints it. Each line is a template with both languages side by
side in :data:`REPORT`, so the two reports cannot drift apart: a line added in one
language is added in the other (``tests/test_report_text.py`` checks that every key has
both and that the two reports have the same lines).

The report reads an analysis by duck typing (its ``summary`` dict and its ``flags``),
so this layer needs nothing from the analysis layer above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cluster_planner.text.evidence import evidence_sentence
from cluster_planner.text.messages import (
    Names,
    fill,
    flag_message,
    kind_name,
    severity_name,
    suggestion_text,
)

#: Line templates: key -> (Chinese, English).
REPORT: dict[str, tuple[str, str]] = {
    "head": (
        "{plan}（{level}）：{regions} 个地区中的 {regions_with_assignments} 个共有 {assignments} 项产业安排，"
        "涉及 {industries_used} 个产业",
        "{plan} ({level} level): {assignments} assignments in {regions_with_assignments} of "
        "{regions} regions, {industries_used} industries",
    ),
    "homogeneity": (
        "同质化指数 {homogeneity_index:.2f}（各地区产业组合结构相似度的平均值）；"
        "{similar_pairs} 对地区结构相似，其中 {similar_neighbour_pairs} 对彼此接壤",
        "Homogeneity index {homogeneity_index:.2f} (mean structural similarity of the regions' "
        "portfolios); {similar_pairs} similar pairs, {similar_neighbour_pairs} of them neighbours",
    ),
    "scope": (
        "范围：{name}（{regions} 个地区）；在该范围内和全国同时判断是否扎堆",
        "Scope: {name} ({regions} regions); crowding is judged there and nationally",
    ),
    "industry": ("  {name}：{count} 个地区，上限 {cap}", "  {name}: {count} of cap {cap}"),
    "industry_scope": ("，{scope}范围内 {scope_count} 个，上限 {scope_cap}", ", in {scope} {scope_count} of cap {scope_cap}"),
    "crowded": ("（扎堆）", " (CROWDED)"),
    "not_crowded": ("（正常）", " (ok)"),
    "joins": (
        "；相邻地区对 {observed} 个，随机期望 {expected:.1f} 个（z {z:.2f}）",
        "; {observed} neighbouring pairs vs {expected:.1f} expected at random (z {z:.2f})",
    ),
    "clustered": ("：选择集中在相邻地区", ": the picks cluster among neighbours"),
    "counts": (
        "问题：错误 {error} 个，警告 {warning} 个，提示 {info} 个",
        "Flags: {error} errors, {warning} warnings, {info} infos",
    ),
    "level": (
        "  {level}：本级安排 {assignments} 项，由下级汇总 {rolled_up} 项，涉及 {regions} 个地区中的 "
        "{regions_with_assignments} 个；同质化指数 {homogeneity_index:.2f}；错误 {error} 个，警告 {warning} 个，提示 {info} 个",
        "  {level} level: {assignments} assignments made there, {rolled_up} rolled up from below, in "
        "{regions_with_assignments} of {regions} regions; homogeneity index {homogeneity_index:.2f}; "
        "{error} errors, {warning} warnings, {info} infos",
    ),
    "flag_level": ("（{level}）", " ({level} level)"),
    "flag": ("[{severity}] {kind}{where}：{message}", "[{severity}] {kind}{where}: {message}"),
    "evidence": ("    依据：{items}", "    evidence: {items}"),
    "suggestions": ("    建议：{items}", "    suggestions: {items}"),
    "separator": ("；", "; "),
}
LEVEL_NAMES = {"province": ("省级", "province"), "prefecture": ("地级", "prefecture"), "county": ("县级", "county")}


def text(key: str, language: str, **values: Any) -> str:
    """One report line (or part of one) in ``language`` with ``values`` filled in."""
    return fill(REPORT[key], language, **values)


def report_lines(analysis: Any, language: str = "en", names: Names | None = None) -> Iterator[str]:
    """The report of ``analysis`` line by line.

    Parameters
    ----------
    analysis
        An :class:`~cluster_planner.analysis.results.Analysis` (its ``summary`` and
        ``flags`` are read).
    language : {'en', 'zh'}
    names : Names, optional
        Region, industry and condition names; Chinese names need them.
    """
    names = names or Names()
    zh = language == "zh"
    summary = dict(analysis.summary)
    summary["level"] = LEVEL_NAMES.get(summary["level"], (summary["level"],) * 2)[0 if zh else 1]
    yield text("head", language, **summary)
    yield text("homogeneity", language, **summary)
    scope = summary.get("scope") or {"kind": "national"}
    scoped = scope["kind"] != "national"
    scope_name = (scope.get("name_zh") if zh else scope.get("name")) or ""
    if scoped:
        yield text("scope", language, name=scope_name, regions=scope["regions"])
    for entry in summary["industries"]:
        name = names.industry(entry["industry"], "zh") if zh else entry["name"]
        line = text("industry", language, name=name, count=entry["count"], cap=entry["cap"])
        if scoped:
            line += text("industry_scope", language, scope=scope_name, scope_count=entry["scope_count"],
                         scope_cap=entry["scope_cap"])
        line += text("crowded" if entry["crowded"] else "not_crowded", language)
        joins = entry["joins"]
        if entry["count"] >= 2:
            line += text("joins", language, **joins)
            if joins["clustered"]:
                line += text("clustered", language)
        yield line
    yield text("counts", language, **summary["flags"])
    levels = summary.get("levels")  # a plan across levels: each level's own figures
    for level, figures in (levels or {}).items():
        yield text("level", language, **{**figures, **figures["flags"], "level": _level_name(level, zh)})
    flag_levels = getattr(analysis, "flag_levels", None) if levels else None
    for k, flag in enumerate(analysis.flags):
        severity = severity_name(flag.severity, "zh") if zh else flag.severity
        kind = kind_name(flag.kind, "zh") if zh else flag.kind
        where = text("flag_level", language, level=_level_name(flag_levels[k], zh)) if flag_levels else ""
        yield text(
            "flag", language, severity=severity, kind=kind, where=where, message=flag_message(flag, language, names)
        )
        if flag.evidence:
            yield text("evidence", language, items=evidence_sentence(flag, language, names))
        if flag.suggestions:
            items = text("separator", language).join(suggestion_text(s, language, names) for s in flag.suggestions)
            yield text("suggestions", language, items=items)


def _level_name(level: str, zh: bool) -> str:
    return LEVEL_NAMES.get(level, (level, level))[0 if zh else 1]


def iter_report_lines(analysis: Any) -> Iterable[str]:
    """The English report (kept for scripts that call it by this name)."""
    return report_lines(analysis, "en")
