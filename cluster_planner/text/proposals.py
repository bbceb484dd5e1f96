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


# A settings conflict in Chinese. Its English is the optimiser's own sentence
# (SettingsConflict.reasons), whose plurals are worded there, so this table is Chinese only.
ZH_CONFLICTS: dict[str, str] = {
    "message": "设置相互冲突：{reasons}",
    "lead-range": "每个地区至少要保留 {min_leads} 个主导产业，但最多只能有 {max_leads} 个",
    "excluded-region-locked": "{region}已被排除，但{region}的{industry}被锁定",
    "excluded-industry-locked": "{industry}已被排除，但在{region}被锁定",
    "cap-locked": "{scope}有 {count} 个地区锁定了{industry}，但它的上限为 {cap}{segments}",
    "cap-locked-scope": "在{scope}范围内",
    "cap-locked-segments": "（{segments} 个链条环节各自计）",
    "min-leads-unreachable": "{region}（{code}）至少要保留 {min_leads} 个主导产业，但那里只能保留或新增 {possible} 个{more}",
    "min-leads-more": "（另有 {more} 个地区也是如此）",
    "max-changes": "{parts}：至少需要改动 {need} 处，但最多只允许改动 {max_changes} 处",
    "max-changes-adds": "{adds} 个锁定需要新增分配",
    "max-changes-drops": "草案中有 {drops} 项分配位于被排除的地区或产业",
    "infeasible": "{parts}无法同时满足",
    "infeasible-one": "{parts}无法满足",
    "infeasible-changes": "最多改动 {max_changes} 处",
    "infeasible-leads": "每个地区 {min_leads} 至 {max_leads} 个主导产业",
    "infeasible-locks": "{locks} 个锁定",
    "infeasible-exclusions": "排除项",
}


def conflict_message(conflict: Any, language: str = DEFAULT_LANGUAGE, names: Names | None = None) -> str:
    """A :class:`~cluster_planner.analysis.optimise_types.SettingsConflict` in ``language``.

    Each reason with facts is worded in Chinese; a reason without (an older caller) stays
    in English. English is the optimiser's own message.
    """
    if language != "zh":
        return str(conflict)
    names = names or Names()
    reasons = list(conflict.reasons)
    for k, facts in enumerate(getattr(conflict, "facts", ())[: len(reasons)]):
        try:
            reasons[k] = _conflict_reason(facts, names)
        except (KeyError, TypeError, ValueError):
            pass
    return ZH_CONFLICTS["message"].format(reasons="；".join(reasons))


def _conflict_reason(facts: Mapping[str, Any], names: Names) -> str:
    why = str(facts["why"])
    values: dict[str, Any] = {k: v for k, v in facts.items() if k != "why"}
    if "region" in facts:
        values["code"] = facts["region"]
        values["region"] = names.region(str(facts["region"]), "zh")
    if "industry" in facts:
        values["industry"] = names.industry(str(facts["industry"]), "zh")
    if why == "cap-locked":
        values["scope"] = ZH_CONFLICTS["cap-locked-scope"].format(scope=facts["scope_zh"]) if facts["scope_zh"] else ""
        values["segments"] = (
            ZH_CONFLICTS["cap-locked-segments"].format(segments=facts["segments"]) if facts["segments"] > 1 else ""
        )
    elif why == "min-leads-unreachable":
        values["more"] = ZH_CONFLICTS["min-leads-more"].format(more=facts["more"]) if facts["more"] else ""
    elif why == "max-changes":
        parts = [ZH_CONFLICTS[f"max-changes-{key}"].format(**{key: facts[key]})
                 for key in ("adds", "drops") if facts[key]]
        values["parts"], values["need"] = "，".join(parts), facts["adds"] + facts["drops"]
    elif why == "infeasible":
        parts = []
        if facts["max_changes"] is not None:
            parts.append(ZH_CONFLICTS["infeasible-changes"].format(max_changes=facts["max_changes"]))
        parts.append(ZH_CONFLICTS["infeasible-leads"].format(min_leads=facts["min_leads"],
                          max_leads=facts["max_leads"]))
        if facts["locks"]:
            parts.append(ZH_CONFLICTS["infeasible-locks"].format(locks=facts["locks"]))
        if facts["exclusions"]:
            parts.append(ZH_CONFLICTS["infeasible-exclusions"])
        values["parts"] = _join(parts, "zh")
        why = "infeasible" if len(parts) > 1 else "infeasible-one"
    return ZH_CONFLICTS[why].format(**values)
