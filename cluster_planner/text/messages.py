"""Flag messages, suggestions and a few labels in English and Simplified Chinese (Qt-free).

The analysis builds each flag's English sentence as it finds the flag (``Flag.message``),
because that is what the CLI and the JSON output print. The other language is rendered
here, lazily, from the flag's ``evidence``: the window formats only the flags it shows,
so the analysis stays as fast as before however many flags a county plan raises.

Names (regions, industries, conditions) come from a :class:`Names` book, which knows
both languages; without one, the English names recorded in the flag are used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

KIND_NAMES = {
    "one-size-fits-all": ("一刀切", "One size fits all"),
    "crowded-industry": ("产业扎堆", "Crowded industry"),
    "local-mismatch": ("脱离当地条件", "Local mismatch"),
    "similar-portfolios": ("产业结构雷同", "Similar portfolios"),
    "chain-gap": ("产业链缺环", "Chain gap"),
}
SEVERITY_NAMES = {
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
}
ROLE_NAMES = {"lead": ("主导", "lead"), "support": ("配套", "support")}

# Labels the exports use (CSV headers, report headings), keyed by id.
LABELS: dict[str, tuple[str, str]] = {
    "region": ("地区", "Region"),
    "region_code": ("地区代码", "Region code"),
    "region_zh": ("地区（中文）", "Region (Chinese)"),
    "region_en": ("地区（英文）", "Region (English)"),
    "industry": ("产业", "Industry"),
    "industry_id": ("产业代码", "Industry id"),
    "industry_zh": ("产业（中文）", "Industry (Chinese)"),
    "industry_en": ("产业（英文）", "Industry (English)"),
    "pillar": ("产业类别", "Pillar"),
    "role": ("角色", "Role"),
    "note": ("备注", "Note"),
    "fit": ("适配度", "Fit"),
    "flags": ("问题", "Flags"),
    "severity": ("严重程度", "Severity"),
    "worst_severity": ("最高严重程度", "Worst severity"),
    "kind": ("类型", "Kind"),
    "message": ("说明", "Message"),
    "suggestions": ("建议", "Suggestions"),
    "evidence": ("依据", "Evidence"),
    "summary": ("概要", "Summary"),
    "assignments": ("产业布局", "Assignments"),
    "level": ("层级", "Level"),
    "plan": ("规划", "Plan"),
    "map": ("地图", "Map"),
    "homogeneity_index": ("同质化指数", "Homogeneity index"),
    "no_flags": ("没有发现问题。", "No flags."),
}


def check_language(language: str) -> str:
    """Return ``language`` if it is ``en`` or ``zh``; raise ``ValueError`` otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return language


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "zh" else pair[1]


def fill(pair: tuple[str, str], language: str, **values: Any) -> str:
    """A ``(zh, en)`` sentence template in ``language`` with ``values`` filled in: what every
    table of sentences (reports, evidence, export and picture texts) reads through."""
    return _pick(pair, language).format(**values)


def label(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """An export label (``LABELS``) in ``language``; the key itself when unknown."""
    pair = LABELS.get(key)
    return key if pair is None else _pick(pair, language)


def kind_name(kind: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The display name of a flag kind, e.g. ``一刀切`` / ``One size fits all``."""
    pair = KIND_NAMES.get(kind)
    return kind if pair is None else _pick(pair, language)


def severity_name(severity: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The display name of a severity (``error``, ``warning``, ``info``)."""
    pair = SEVERITY_NAMES.get(severity)
    return severity if pair is None else _pick(pair, language)


def role_name(role: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The display name of an assignment role (``lead``, ``support``)."""
    pair = ROLE_NAMES.get(role)
    return role if pair is None else _pick(pair, language)


class Names:
    """Region, industry and condition names in both languages.

    Parameters
    ----------
    region, industry, condition
        Callables ``(id, language) -> str``; each may be ``None`` (the id is used).
    """

    def __init__(
        self,
        region: Callable[[str, str], str] | None = None,
        industry: Callable[[str, str], str] | None = None,
        condition: Callable[[str, str], str] | None = None,
    ):
        self._region = region
        self._industry = industry
        self._condition = condition

    @staticmethod
    def _call(lookup: Callable[[str, str], str] | None, key: str, language: str) -> str:
        if lookup is None:
            return key
        try:
            return str(lookup(key, language) or key)
        except (KeyError, ValueError):
            return key

    def region(self, code: str, language: str) -> str:
        return self._call(self._region, code, language)

    def industry(self, industry_id: str, language: str) -> str:
        return self._call(self._industry, industry_id, language)

    def condition(self, condition_id: str, language: str) -> str:
        return self._call(self._condition, condition_id, language)


def names_from(
    layer: Any = None, catalog: Any = None, condition_types: Mapping[str, Any] | None = None
) -> Names:
    """A :class:`Names` book over a region layer, a catalog and condition types."""

    def region(code: str, language: str) -> str:
        return layer.name(code, language)

    def industry(industry_id: str, language: str) -> str:
        entry = catalog.by_id[industry_id]
        return entry.name_zh if language == "zh" else entry.name_en

    def condition(condition_id: str, language: str) -> str:
        entry = (condition_types or {})[condition_id]
        return entry.name_zh if language == "zh" else entry.name_en

    return Names(
        region if layer is not None else None,
        industry if catalog is not None else None,
        condition if condition_types else None,
    )


def dataset_title(title: str, language: str) -> str:
    """A dataset's title in ``language``, from the English title the analysis records
    (``settled_by``); a title no bundled dataset has is returned as it is."""
    if language != "zh":
        return title
    return _dataset_titles_zh().get(title, title)


@cache
def _dataset_titles_zh() -> dict[str, str]:
    from cluster_planner.domain.conditions import read_coverage
    from cluster_planner.domain.errors import DataError

    try:
        conditions = read_coverage()
    except DataError:  # no data folder: the English titles stay
        return {}
    return {
        str(dataset["title_en"]): str(dataset["title_zh"])
        for entry in conditions.values() if isinstance(entry, dict)
        for dataset in entry.get("datasets", ()) if dataset.get("title_en") and dataset.get("title_zh")
    }


def _join(items: list[str], language: str) -> str:
    return "、".join(items) if language == "zh" else ", ".join(items)


def flag_message(flag: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None) -> str:
    """The flag's message in ``language`` (the analysis' own sentence for English).

    Parameters
    ----------
    flag : cluster_planner.analysis.engine.Flag
        The flag (its ``kind``, ``industry``, ``regions`` and ``evidence`` are read).
    language : {'en', 'zh'}
    names : Names, optional
        Where Chinese names come from; without it ids stand in for names.
    """
    if language != "zh":
        return str(flag.message)
    renderer = _ZH_RENDERERS.get(flag.kind)
    if renderer is None:
        return str(flag.message)
    try:
        return renderer(flag, flag.evidence, names or Names())
    except (KeyError, TypeError, ValueError, IndexError):
        # Evidence from an older or foreign analysis: the English sentence is still right.
        return str(flag.message)


def suggestion_text(
    suggestion: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None
) -> str:
    """A suggestion (``assign``/``unassign`` an industry in a region) as a sentence."""
    if language != "zh":
        return str(suggestion.text)
    names = names or Names()
    region = names.region(suggestion.region, "zh")
    industry = names.industry(suggestion.industry, "zh")
    verb = "发展" if suggestion.action == "assign" else "撤出"
    segment = getattr(suggestion, "segment", "")
    segment = f"的{_ZH_SEGMENTS[segment]}环节" if segment in _ZH_SEGMENTS and suggestion.action == "assign" else ""
    return f"在{region}{verb}{industry}{segment}（适配度 {suggestion.fit:.2f}）"


_LEVEL_ZH = {"province": "省", "prefecture": "地级", "county": "县级"}


def _zh_crowded(flag: Any, ev: Mapping[str, Any], names: Names) -> str:
    industry = names.industry(flag.industry, "zh")
    if ev.get("roll_up"):  # every child of one region takes the industry
        region = names.region(flag.regions[0], "zh")
        child = _LEVEL_ZH.get(ev["child_level"], ev["child_level"])
        whole = _LEVEL_ZH.get(ev["level"], ev["level"])
        return (
            f"{region}下辖的全部 {ev['children']} 个{child}地区都承接{industry}，"
            f"这个{whole}本身在该产业上已经同质化"
        )
    parts = []
    scope = ev.get("scope")
    if scope:
        state = "" if ev["scope_crowded"] else "，在该范围内并不拥挤"
        parts.append(
            f"在{scope['name_zh']}范围内安排在 {ev['scope_count']} 个地区（共 {scope['regions']} 个），"
            f"上限为 {ev['scope_cap']}（取最低值 {ev['crowding_min']}、{ev['crowding_share']:.0%} 的地区数 "
            f"{ev['scope_share_cap']}、该范围内有证据支持它的 {ev['scope_supported']} 个地区三者中的最大者）{state}"
        )
    state = "" if ev.get("national_crowded", True) else "，在全国并不拥挤"
    parts.append(
        f"全国安排在 {ev['count']} 个地区（共 {ev['regions_in_layer']} 个），上限为 {ev['cap']}（取最低值 "
        f"{ev['crowding_min']}、{ev['crowding_share']:.0%} 的地区数 {ev['share_cap']}、有证据支持它的 "
        f"{ev['supported']} 个地区三者中的最大者）{state}"
    )
    return (
        f"{industry}布局拥挤：" + "；".join(parts)
        + f"；其中 {ev['low_fit_assigned']} 个地区依据现有证据的适配度低于 {ev['fit_threshold']:.2f}"
    )


def _zh_need(token: str, names: Names) -> str:
    if token.startswith("base:"):
        return f"已有{names.industry(token[5:], 'zh')}产业基础"
    return names.condition(token, "zh")


def _zh_group(group: str, names: Names) -> str:
    return "或".join(_zh_need(token, names) for token in group.split("|"))


_ZH_SEGMENTS = {
    "resources": "资源开采", "materials": "材料", "components": "零部件与器件",
    "assembly": "整机与系统集成", "rnd": "研发设计", "services": "服务", "operation": "运营",
}


def _zh_reason(ev: Mapping[str, Any], names: Names) -> str:
    met = [_zh_group(g, names) for g in ev.get("needs_met", ())]
    unknown = [_zh_group(g, names) for g in ev.get("needs_unknown", ())]
    missing = [_zh_group(g, names) for g in ev.get("needs_missing", ())]
    total = len(met) + len(unknown) + len(missing)
    if total == 0:
        return "产业目录没有列出它所需的条件，它也不在该地区的现有产业基础中"
    segment = _ZH_SEGMENTS.get(str(ev.get("segment", "")))
    where = f"其{segment}环节" if segment else "它"
    parts = [
        f"{where}所需的 {total} 项条件具备 {len(met)} 项" + (f"（{_join(met, 'zh')}）" if met else "")
    ]
    if missing:
        parts.append(f"完整名录表明缺少{_join(missing, 'zh')}")
    if unknown:
        settled = [dataset_title(str(title), "zh") for title in ev.get("settled_by") or ()]
        parts.append(
            f"未知：{_join(unknown, 'zh')}" + (f"（可据以确定的数据：{'；'.join(settled)}）" if settled else "")
        )
    return "；".join(parts) + "；它也不在该地区的现有产业基础中"


def _zh_low_fit(flag: Any, ev: Mapping[str, Any], names: Names) -> str:
    region = names.region(flag.regions[0], "zh")
    industry = names.industry(flag.industry, "zh")
    role = role_name(ev["role"], "zh")
    where = f"{ev['crowded_in_zh']}范围内" if ev.get("crowded_in_zh") else ""
    middle = (
        f"，是{where} {ev['count']} 个承接地区之一（上限 {ev['cap']}），但" if flag.kind == "one-size-fits-all" else "，但"
    )
    if ev.get("verdict") == "unverified":
        message = (
            f"{region}以{role}角色承接{industry}{middle}尚无证据表明当地条件适合它：依据现有证据适配度 "
            f"{ev['fit']:.2f}，若未知条件都成立最高可达 {ev['fit_high']:.2f}（阈值 {ev['fit_threshold']:.2f}）："
            f"{_zh_reason(ev, names)}"
        )
    else:
        message = (
            f"{region}以{role}角色承接{industry}{middle}当地条件对它的适配度只有 {ev['fit']:.2f}"
            f"（阈值 {ev['fit_threshold']:.2f}）：{_zh_reason(ev, names)}"
        )
    if "density" in ev:
        message += f"；关联密度 {ev['density']:.2f}"
    return message


def _zh_similar(flag: Any, ev: Mapping[str, Any], names: Names) -> str:
    if "pairs" in ev:
        return (
            f"共有 {ev['pairs']} 对地区产业结构相似（结构相似度 ≥ {ev['similarity_threshold']:.2f}），"
            f"其中 {ev['neighbour_pairs']} 对彼此接壤；{ev['reported_pairs']} 对已逐一标出，其余 "
            f"{ev['unreported_pairs']} 对（其中 {ev['unreported_neighbour_pairs']} 对接壤）在此汇总；"
            f"共涉及 {len(flag.regions)} 个地区"
        )
    a, b = (names.region(code, "zh") for code in flag.regions)
    shared = [names.industry(i, "zh") for i in ev["shared_industries"]]
    border = "两地接壤，会在同一批企业和资金上正面竞争" if ev["neighbours"] else "两地并不接壤"
    return (
        f"{a}与{b}的产业结构相似（结构相似度 {ev['similarity']:.2f}，阈值 "
        f"{ev['similarity_threshold']:.2f}）；两地共有 {len(shared)} 个产业（{_join(shared, 'zh')}）；{border}"
    )


def _zh_chain_gap(flag: Any, ev: Mapping[str, Any], names: Names) -> str:
    industry = names.industry(flag.industry, "zh")
    missing = [names.industry(i, "zh") for i in ev["missing_upstream"]]
    upstream = len(ev["upstream"])
    return (
        f"{industry}规划在 {len(flag.regions)} 个地区，但其上游环节{_join(missing, 'zh')}"
        f"在规划和现有产业基础中都没有任何地区覆盖（{upstream} 个上游环节中已覆盖 "
        f"{upstream - len(missing)} 个）"
    )


_ZH_RENDERERS: dict[str, Callable[[Any, Mapping[str, Any], Names], str]] = {
    "crowded-industry": _zh_crowded,
    "one-size-fits-all": _zh_low_fit,
    "local-mismatch": _zh_low_fit,
    "similar-portfolios": _zh_similar,
    "chain-gap": _zh_chain_gap,
}
