"""A flag's evidence in plain words: a small table of terms and sentences, in Chinese or English.

The analysis keeps each flag's numbers under machine keys (``fit_threshold``,
``needs_missing``, ``in_base``...), which the JSON output prints as they are. Everywhere
a person reads them (the window's flag details, ``check --format text``, the HTML and PDF
reports, the CSV) they come from :func:`evidence_rows`, one catalogue with both languages
side by side in :data:`EVIDENCE`, so the two cannot drift apart
(``tests/test_evidence_text.py`` checks every key has both and that no machine key
leaks into either language).

Like :mod:`cluster_planner.text.report`, this reads a flag by duck typing (its ``kind``,
``industry``, ``regions`` and ``evidence``) and needs nothing from the layers above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cluster_planner.text.messages import DEFAULT_LANGUAGE, Names, dataset_title, fill, role_name

#: Terms and sentence templates: key -> (Chinese, English).
EVIDENCE: dict[str, tuple[str, str]] = {
    # terms (the left column)
    "t_fit": ("适配度", "Fit"),
    "t_verdict": ("结论", "Verdict"),
    "t_confidence": ("可信度", "Confidence"),
    "t_segment": ("判断依据的环节", "Segment judged"),
    "t_met": ("具备的条件", "Conditions met"),
    "t_missing": ("缺少的条件", "Conditions missing"),
    "t_unknown": ("未知的条件", "Conditions unknown"),
    "t_settled_by": ("可据以确定的数据", "Data that would settle it"),
    "t_base": ("现有产业基础", "Industrial base"),
    "t_role": ("角色", "Role"),
    "t_assigned": ("承接地区", "Assigned to"),
    "t_related": ("关联密度", "Relatedness"),
    "t_cap": ("上限", "Cap"),
    "t_nationally": ("全国", "Nationally"),
    "t_scope": ("{scope}范围内", "Within {scope}"),
    "t_low_fit": ("适配度偏低", "Low fit"),
    "t_similarity": ("结构相似度", "Structural similarity"),
    "t_border": ("是否接壤", "Border"),
    "t_shared": ("共有产业", "Shared industries"),
    "t_sizes": ("产业数量", "Portfolio sizes"),
    "t_pairs": ("相似地区对", "Similar pairs"),
    "t_listed": ("逐一标出", "Listed one by one"),
    "t_summarised": ("在此汇总", "Summarised here"),
    "t_upstream": ("上游环节", "Upstream links"),
    "t_missing_upstream": ("无人覆盖的上游", "Upstream nobody covers"),
    "t_covered_upstream": ("已覆盖的上游", "Upstream covered"),
    # sentences (the right column)
    "fit": ("依据现有证据为 {fit:.2f}（阈值 {threshold:.2f}）", "{fit:.2f} on the evidence (threshold {threshold:.2f})"),
    "fit_high": ("；若未知条件都成立，最高可达 {high:.2f}", "; up to {high:.2f} if the unknown conditions hold"),
    "mismatch": ("当地条件已知不足", "The region is known to lack the conditions"),
    "unverified": ("尚未核实：部分条件未知", "Not verified: some conditions are unknown"),
    "confidence": ("{share:.0%} 的所需数据已知", "{share:.0%} of the data it needs is known"),
    "in_base": ("该产业已在当地的现有产业基础中", "The industry is already in the region's base"),
    "not_in_base": ("该产业不在当地的现有产业基础中", "The industry is not in the region's base"),
    "assigned": ("{count} 个地区（上限 {cap}）", "{count} regions (cap {cap})"),
    "crowded_in": ("；在{where}范围内扎堆", "; crowded within {where}"),
    "crowded_nationally": ("；全国扎堆", "; crowded nationally"),
    "related": ("{density:.2f}；区位商 {rca:.2f}", "{density:.2f}; location quotient {rca:.2f}"),
    "count_of": ("{count} 个地区（共 {total} 个）", "{count} of {total} regions"),
    "cap": (
        "{cap}：取最低值 {minimum}、{share:.0%} 的地区数 {share_cap}、有证据支持它的 {supported} 个地区三者中的最大者",
        "{cap}: the largest of the minimum {minimum}, {share:.0%} of the regions ({share_cap}) and the "
        "{supported} regions whose evidence supports it",
    ),
    "scope_count": ("{count} 个地区（共 {total} 个），上限 {cap}", "{count} of {total} regions, cap {cap}"),
    "crowded": ("，扎堆", ", crowded"),
    "not_crowded": ("，不拥挤", ", not crowded"),
    "low_fit": ("{low} 个（共 {count} 个）的适配度低于 {threshold:.2f}", "{low} of the {count} have a fit below {threshold:.2f}"),
    "similarity": ("{similarity:.2f}（阈值 {threshold:.2f}）", "{similarity:.2f} (threshold {threshold:.2f})"),
    "neighbours": ("两地接壤", "They share a border"),
    "not_neighbours": ("两地并不接壤", "They do not share a border"),
    "sizes": ("分别为 {a} 个和 {b} 个产业", "{a} and {b} industries"),
    "pairs": ("{pairs} 对，其中 {neighbours} 对接壤", "{pairs}, {neighbours} of them neighbours"),
    "summarised": ("{count} 对，其中 {neighbours} 对接壤", "{count}, {neighbours} of them neighbours"),
    "none": ("无", "none"),
    "or": ("或", " or "),
    "base_need": ("已有{industry}产业基础", "an existing {industry} base"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}

#: Segments of an industry's chain (see analysis.fit), in both languages.
SEGMENTS: dict[str, tuple[str, str]] = {
    "resources": ("资源开采", "resources"),
    "materials": ("材料", "materials"),
    "components": ("零部件与器件", "components"),
    "assembly": ("整机与系统集成", "assembly and systems"),
    "rnd": ("研发设计", "research and design"),
    "services": ("服务", "services"),
    "operation": ("运营", "operation"),
}


def phrase(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """One entry of :data:`EVIDENCE` in ``language``, filled with ``values``."""
    return fill(EVIDENCE[key], language, **values)


def _join(items: Iterable[str], language: str) -> str:
    items = list(items)
    if not items:
        return phrase("none", language)
    return "、".join(items) if language == "zh" else ", ".join(items)


def _need(token: str, language: str, names: Names) -> str:
    if token.startswith("base:"):
        return phrase("base_need", language, industry=names.industry(token[5:], language))
    return names.condition(token, language)


def _groups(groups: Iterable[str], language: str, names: Names) -> str:
    glue = phrase("or", language)
    return _join((glue.join(_need(t, language, names) for t in str(g).split("|")) for g in groups), language)


def _low_fit(flag: Any, ev: Mapping[str, Any], language: str, names: Names) -> list[tuple[str, str]]:
    def p(key: str, **values: Any) -> str:
        return phrase(key, language, **values)

    fit = p("fit", fit=float(ev["fit"]), threshold=float(ev["fit_threshold"]))
    if ev.get("verdict") == "unverified" and "fit_high" in ev:
        fit += p("fit_high", high=float(ev["fit_high"]))
    rows = [(p("t_fit"), fit)]
    if ev.get("verdict") in ("mismatch", "unverified"):
        rows.append((p("t_verdict"), p(str(ev["verdict"]))))
    if "confidence" in ev:
        rows.append((p("t_confidence"), p("confidence", share=float(ev["confidence"]))))
    segment = SEGMENTS.get(str(ev.get("segment", "")))
    if segment:
        rows.append((p("t_segment"), segment[0] if language == "zh" else segment[1]))
    for key, term in (("needs_met", "t_met"), ("needs_missing", "t_missing"), ("needs_unknown", "t_unknown")):
        if ev.get(key):
            rows.append((p(term), _groups(ev[key], language, names)))
    if ev.get("settled_by"):
        rows.append((p("t_settled_by"), _join([dataset_title(str(title), language) for title in ev["settled_by"]],
                                              language)))
    if "in_base" in ev:
        rows.append((p("t_base"), p("in_base" if ev["in_base"] else "not_in_base")))
    if ev.get("role"):
        rows.append((p("t_role"), role_name(str(ev["role"]), language)))
    if "count" in ev and "cap" in ev:
        assigned = p("assigned", count=ev["count"], cap=ev["cap"])
        where = ev.get("crowded_in_zh" if language == "zh" else "crowded_in")
        if ev.get("crowded") and where:
            assigned += p("crowded_in", where=where)
        elif ev.get("crowded"):
            assigned += p("crowded_nationally")
        rows.append((p("t_assigned"), assigned))
    if "density" in ev:
        rows.append((p("t_related"), p("related", density=float(ev["density"]), rca=float(ev.get("rca", 0.0)))))
    return rows


def _crowded(flag: Any, ev: Mapping[str, Any], language: str, names: Names) -> list[tuple[str, str]]:
    def p(key: str, **values: Any) -> str:
        return phrase(key, language, **values)

    state = p("crowded" if ev.get("national_crowded", True) else "not_crowded")
    rows = [
        (p("t_nationally"), p("count_of", count=ev["count"], total=ev["regions_in_layer"]) + state),
        (
            p("t_cap"),
            p("cap", cap=ev["cap"], minimum=ev["crowding_min"], share=float(ev["crowding_share"]),
              share_cap=ev["share_cap"], supported=ev["supported"]),
        ),
    ]
    scope = ev.get("scope")
    if scope:
        name = (scope.get("name_zh") if language == "zh" else None) or scope.get("name") or scope.get("name_en", "")
        rows.append((
            p("t_scope", scope=name),
            p("scope_count", count=ev["scope_count"], total=scope.get("regions", "?"), cap=ev["scope_cap"])
            + p("crowded" if ev.get("scope_crowded") else "not_crowded"),
        ))
    rows.append((
        p("t_low_fit"),
        p("low_fit", low=ev["low_fit_assigned"], count=ev["count"], threshold=float(ev["fit_threshold"])),
    ))
    return rows


def _similar(flag: Any, ev: Mapping[str, Any], language: str, names: Names) -> list[tuple[str, str]]:
    def p(key: str, **values: Any) -> str:
        return phrase(key, language, **values)

    if "pairs" in ev:
        return [
            (p("t_pairs"), p("pairs", pairs=ev["pairs"], neighbours=ev["neighbour_pairs"])),
            (p("t_similarity"), f"≥ {float(ev['similarity_threshold']):.2f}"),
            (p("t_listed"), str(ev["reported_pairs"])),
            (p("t_summarised"), p("summarised", count=ev["unreported_pairs"], neighbours=ev["unreported_neighbour_pairs"])),
        ]
    rows = [
        (p("t_similarity"), p("similarity", similarity=float(ev["similarity"]), threshold=float(ev["similarity_threshold"]))),
        (p("t_border"), p("neighbours" if ev.get("neighbours") else "not_neighbours")),
        (p("t_shared"), _join((names.industry(i, language) for i in ev.get("shared_industries", ())), language)),
    ]
    sizes = ev.get("portfolio_sizes")
    if sizes and len(sizes) == 2:
        rows.append((p("t_sizes"), p("sizes", a=sizes[0], b=sizes[1])))
    return rows


def _chain_gap(flag: Any, ev: Mapping[str, Any], language: str, names: Names) -> list[tuple[str, str]]:
    def industries(key: str) -> str:
        return _join((names.industry(i, language) for i in ev.get(key, ())), language)

    return [
        (phrase("t_upstream", language), industries("upstream")),
        (phrase("t_missing_upstream", language), industries("missing_upstream")),
        (phrase("t_covered_upstream", language), industries("covered_upstream")),
    ]


_RENDERERS: dict[str, Callable[[Any, Mapping[str, Any], str, Names], list[tuple[str, str]]]] = {
    "one-size-fits-all": _low_fit,
    "local-mismatch": _low_fit,
    "crowded-industry": _crowded,
    "similar-portfolios": _similar,
    "chain-gap": _chain_gap,
}


def _plain_value(value: Any, language: str) -> str:
    if isinstance(value, bool):
        return phrase("yes" if value else "no", language)
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return _join((_plain_value(v, language) for v in value), language)
    return str(value)


def evidence_rows(flag: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None) -> list[tuple[str, str]]:
    """The flag's evidence as (term, plain words) rows in ``language``.

    A flag of a kind this catalogue does not know, or with evidence from an older
    analysis, still reads as rows: its keys with their values in words.
    """
    names = names or Names()
    evidence = getattr(flag, "evidence", None) or {}
    renderer = _RENDERERS.get(getattr(flag, "kind", ""))
    if renderer is not None:
        try:
            return renderer(flag, evidence, language, names)
        except (KeyError, TypeError, ValueError, IndexError):
            pass
    return [(str(key).replace("_", " "), _plain_value(value, language)) for key, value in evidence.items()]


def evidence_sentence(flag: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None) -> str:
    """The evidence rows on one line ("Fit: 0.12 ...; Verdict: ..."), for the CSV and plain text."""
    colon, separator = ("：", "；") if language == "zh" else (": ", "; ")
    return separator.join(f"{term}{colon}{text}" for term, text in evidence_rows(flag, language, names))
