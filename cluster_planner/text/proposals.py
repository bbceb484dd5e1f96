"""The optimiser's change reasons in Chinese and English (Qt-free).

Like a flag, a proposed change carries the English sentence the CLI and the JSON print
(``ProposedChange.reason``) and the facts behind it (``ProposedChange.facts``: which
reason, its numbers and ids). The other language is rendered here, lazily, from those
facts; each sentence is a ``(zh, en)`` pair whose English side is the optimiser's own
wording, so both languages say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cluster_planner.domain.catalog import SEGMENTS
from cluster_planner.text.messages import (
    _ZH_SEGMENTS,
    DEFAULT_LANGUAGE,
    Names,
    _join,
    _zh_reason,
    fill,
)

REASONS: dict[str, tuple[str, str]] = {
    # Why a draft assignment is dropped.
    "excluded-region": ("设置中排除了{region}", "{region} is excluded by the settings"),
    "excluded-industry": ("设置中排除了{industry}", "{industry} is excluded by the settings"),
    "mismatch": (
        "已知与当地条件不符：依据现有证据适配度 {fit:.2f}（阈值 {threshold:.2f}）；{needs}",
        "a known local mismatch: fit {fit:.2f} on the evidence (threshold {threshold:.2f}); {needs}",
    ),
    "unverified": (
        "尚未核实：还没有证据表明当地条件适合它（适配度 {fit:.2f}，若未知条件都成立最高可达 {fit_high:.2f}）",
        "unverified: no evidence yet that its conditions fit it (fit {fit:.2f}, up to {fit_high:.2f} if the "
        "unknowns hold)",
    ),
    "crowded": (
        "{industry}布局拥挤（{numbers}{per}）；{region}对它的适配度最低（适配度 {fit:.2f}，置信度 {confidence:.2f}）",
        "{industry} is crowded ({numbers}{per}); {region} fits it least (fit {fit:.2f}, confidence {confidence:.2f})",
    ),
    "crowded-national": ("全国安排在 {count} 个地区，上限 {cap}", "{count} regions against a cap of {cap}"),
    "crowded-scope": (
        "{scope}范围内安排在 {count} 个地区，上限 {cap}", "{count} regions within {scope} against a cap of {cap}"
    ),
    "crowded-per-segment": ("，按同一链条环节计", " on the same segment"),
    "room": ("为{added}腾出位置，使主导产业不超过 {max_leads} 个", "makes room for {added} within {max_leads} lead industries"),
    "trade": ("在设置允许的范围内，适配度与改动数量的最佳权衡", "the best trade of fit against changes within the settings"),
    # Why an assignment is added; {where} is "add-where".
    "add-where": ("适配度 {fit:.2f}，置信度 {confidence:.2f}{segment}", "fit {fit:.2f}, confidence {confidence:.2f}{segment}"),
    "add-segment": ("，{segment}环节", ", on its {segment} segment"),
    "locked": ("由规划人员锁定（{where}）", "locked by the planner ({where})"),
    "upstream": (
        "补上{downstream}的上游环节，此前没有任何地区覆盖（{where}）",
        "covers the upstream link of {downstream} that no region covered ({where})",
    ),
    "replaces": (
        "替换{dropped}，使{region}保持至少 {min_leads} 个主导产业；在上限内仍有余地的产业中适配度最高（{where}）",
        "replaces {dropped} so that {region} keeps {min_leads} or more lead industries; the best fit with room "
        "under its caps ({where})",
    ),
    "best-fit": ("在上限内仍有余地的产业中适配度最高（{where}）", "the best fit with room under its caps ({where})"),
    # Why a role changes.
    "max-leads": ("使{region}的主导产业不超过 {max_leads} 个", "keeps {region} within {max_leads} lead industries"),
    "min-leads": ("使{region}保持至少 {min_leads} 个主导产业", "keeps {region} at {min_leads} lead industries at least"),
}


def change_reason(change: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None) -> str:
    """Why the optimiser proposes ``change``, in ``language`` (the optimiser's own sentence for English).

    Parameters
    ----------
    change : cluster_planner.analysis.optimise_types.ProposedChange
        The change (its ``reason`` and ``facts`` are read).
    language : {'en', 'zh'}
    names : Names, optional
        Where Chinese names come from; without it ids stand in for names.
    """
    if language != "zh":
        return str(change.reason)
    try:
        return render_reason(change.facts, "zh", names or Names())
    except (AttributeError, KeyError, TypeError, ValueError):
        # Facts from an older or foreign proposal: the English sentence is still right.
        return str(change.reason)


def render_reason(facts: Mapping[str, Any], language: str, names: Names) -> str:
    """A change's reason from its ``facts`` alone (KeyError on facts it cannot word).

    The English of a ``mismatch`` needs the optimiser's sentence (its needs are worded
    there): :func:`change_reason` gives it.
    """
    why = str(facts["why"])
    pair = REASONS[why]
    values: dict[str, Any] = dict(facts)
    values.pop("why")
    if "region" in facts:
        values["region"] = names.region(str(facts["region"]), language)
    if "industry" in facts:
        values["industry"] = names.industry(str(facts["industry"]), language)
    for key in ("added", "dropped", "downstream"):
        if key in facts:
            values[key] = _join([names.industry(str(i), language) for i in facts[key]], language)
    if why == "mismatch":
        if language != "zh":
            raise KeyError("needs")  # worded by the optimiser only
        values["needs"] = _zh_reason(facts, names)
    elif why == "crowded":
        if facts.get("scope_zh") or facts.get("scope_en"):
            scope = facts["scope_zh"] if language == "zh" else facts["scope_en"]
            values["numbers"] = fill(REASONS["crowded-scope"], language, count=facts["count"], cap=facts["cap"],
                                     scope=scope)
        else:
            values["numbers"] = fill(REASONS["crowded-national"], language, count=facts["count"], cap=facts["cap"])
        values["per"] = fill(REASONS["crowded-per-segment"], language) if facts.get("per_segment") else ""
    elif "confidence" in facts:  # an added assignment: its fit, confidence and segment
        segment = str(facts.get("segment") or "")
        segment_name = (_ZH_SEGMENTS if language == "zh" else {k: v[1] for k, v in SEGMENTS.items()}).get(
            segment, segment
        )
        values["where"] = fill(
            REASONS["add-where"], language, fit=facts["fit"], confidence=facts["confidence"],
            segment=fill(REASONS["add-segment"], language, segment=segment_name) if segment else "",
        )
    return fill(pair, language, **values)
