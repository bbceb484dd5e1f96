"""The text report comes from one table in both languages, so the two cannot drift apart."""

from __future__ import annotations

import re

import pytest

from cluster_planner.analysis.engine import analyze, load_context
from cluster_planner.domain.catalog import load_catalog, load_condition_types
from cluster_planner.domain.paths import resources_dir
from cluster_planner.domain.regions import load_layer
from cluster_planner.io.planfile import load_plan
from cluster_planner.text.messages import names_from
from cluster_planner.text.report import REPORT, report_lines


@pytest.fixture(scope="module")
def west():
    analysis = analyze(load_plan(resources_dir() / "examples" / "west_chips_2026.cplan"), load_context("province"))
    names = names_from(load_layer("province"), load_catalog(), load_condition_types())
    return analysis, names


def test_every_report_sentence_has_both_languages_with_the_same_fields():
    for key, (zh, en) in REPORT.items():
        assert zh and en, key
        fields = re.compile(r"\{(\w+)")
        assert sorted(set(fields.findall(zh))) == sorted(set(fields.findall(en))), key


def test_the_chinese_and_english_reports_say_the_same_lines(west):
    analysis, names = west
    english = list(report_lines(analysis, "en", names))
    chinese = list(report_lines(analysis, "zh", names))
    assert len(english) == len(chinese) == 5 + len(analysis.flags) + sum(
        bool(f.suggestions) + bool(f.evidence) for f in analysis.flags
    )
    assert english[2] == "Scope: the West (12 regions); crowding is judged there and nationally"
    assert chinese[2] == "范围：西部地区（12 个地区）；在该范围内和全国同时判断是否扎堆"
    assert chinese[3].startswith("  集成电路：12 个地区，上限 23，西部地区范围内 12 个，上限 6（扎堆）")
    assert english[4] == "Flags: 0 errors, 25 warnings, 33 infos"
    assert chinese[4] == "问题：错误 0 个，警告 25 个，提示 33 个"
