"""Verdicts a planner can trust, on real cases and the bundled evidence.

- Well-known national industry centres (``tests/data/national_centres.csv``, each with a
  source) are never called a mismatch, and "Why this fit?" shows the evidence for each.
- Drafts homogenized within part of the country (one province's cities, one macro-region)
  are flagged as crowded there, by ``check`` (exit 1) and in the window.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_planner.analysis.engine import analyze, load_context
from cluster_planner.domain.catalog import load_catalog
from cluster_planner.domain.paths import resources_dir
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.domain.regions import load_layer
from cluster_planner.io.planfile import load_plan

CENTRES = Path(__file__).parent / "data" / "national_centres.csv"
EXAMPLES = resources_dir() / "examples"
GUANGDONG = EXAMPLES / "guangdong_same_two_2026.cplan"
WEST = EXAMPLES / "west_chips_2026.cplan"
LOW_FIT = ("local-mismatch", "one-size-fits-all")
EVIDENCE = Path(__file__).resolve().parents[1] / "data" / "evidence"


@pytest.fixture(scope="module")
def prefecture_context():
    return load_context("prefecture")


@pytest.fixture(scope="module")
def centres():
    layer = load_layer("prefecture")
    code_of = dict(zip(layer.frame["name_zh"], (str(code) for code in layer.codes), strict=True))
    rows = list(csv.DictReader(CENTRES.open(encoding="utf-8")))
    return [(code_of[row["place_zh"]], row["industry"], row) for row in rows]


def test_the_centres_set_is_large_sourced_and_on_the_catalog(centres):
    catalog = load_catalog()
    assert len(centres) >= 60
    assert all(row["source"] for _, _, row in centres)
    assert {industry for _, industry, _ in centres} <= set(catalog.ids)
    assert len({code[:2] for code, _, _ in centres}) >= 20  # provinces covered


def test_national_centres_are_never_called_a_mismatch(centres, prefecture_context):
    plan = Plan.from_assignments(
        [Assignment(code, industry) for code, industry, _ in centres], name="centres", level="prefecture"
    )
    analysis = analyze(plan, prefecture_context)
    name_of = {code: row["place_zh"] for code, _, row in centres}
    low_fit = [(name_of[flag.regions[0]], flag.industry, flag.severity)
               for flag in analysis.flags if flag.kind in LOW_FIT]
    # Not even an info-level "unverified": a published list names every one of them.
    assert low_fit == []


def test_the_last_six_centres_rest_on_the_lists_that_name_them(centres, prefecture_context):
    # The six centres that were "unverified" until these lists were gathered (the
    # closing notes of issue 11): each now has a base fact from its own list.
    expected = {
        ("泉州市", "textiles"): "textile_industry_cluster_pilots",
        ("珠海市", "home-appliances"): "smart_factories",
        ("柳州市", "construction-machinery"): "smart_factories",
        ("宜宾市", "lithium-batteries"): "light_industry_characteristic_regions",
        ("酒泉市", "wind-power-equipment"): "most_high_tech_industrialization_bases",
        ("齐齐哈尔市", "high-end-equipment"): "torch_industry_bases",
    }
    code_of = {(row["place_zh"], industry): code for code, industry, row in centres}
    for (place, industry), dataset in expected.items():
        rows = json.loads((EVIDENCE / f"{dataset}.json").read_text(encoding="utf-8"))["rows"]
        listed = {row["source"] for row in rows if row["place_zh"] == place and industry in row["industries"]}
        explanation = prefecture_context.explain_fit(code_of[place, industry], industry)
        assert explanation.in_base and explanation.fit == 1.0, (place, industry)
        shown = " ".join(fact.source for fact in explanation.base_facts)
        assert listed and all(source in shown for source in listed), (place, industry)


def test_every_centre_shows_its_evidence_in_why_this_fit(centres, prefecture_context):
    for code, industry, row in centres:
        explanation = prefecture_context.explain_fit(code, industry)
        evidence = explanation.base_facts or explanation.met
        assert explanation.fit >= 0.5 and evidence, (row["place_zh"], industry)
        assert any("source" in line for line in explanation.lines()), (row["place_zh"], industry)


def test_a_province_whose_cities_all_take_the_same_two_is_crowded_within_it(prefecture_context):
    plan = load_plan(GUANGDONG)
    analysis = analyze(plan, prefecture_context)
    summary = analysis.summary
    assert summary["scope"]["kind"] == "province" and summary["scope"]["regions"] == 21
    assert summary["homogeneity_index"] == 1.0
    crowded = {flag.industry: flag for flag in analysis.flags if flag.kind == "crowded-industry"}
    assert set(crowded) == {"new-energy-vehicles", "artificial-intelligence"}
    for flag in crowded.values():
        evidence = flag.evidence
        assert evidence["scope_crowded"] and not evidence["national_crowded"]
        assert evidence["scope_count"] == 21 and evidence["scope_cap"] < 21
        assert "within Guangdong it is assigned to 21 of 21 regions" in flag.message


def test_a_macro_region_all_on_one_industry_is_crowded_within_it():
    analysis = analyze(load_plan(WEST), load_context("province"))
    assert analysis.summary["scope"] == {
        "kind": "macro", "id": "west", "name": "the West", "name_zh": "西部地区", "regions": 12,
    }
    [flag] = [flag for flag in analysis.flags if flag.kind == "crowded-industry"]
    assert flag.industry == "integrated-circuits"
    assert flag.evidence["scope_count"] == 12 and flag.evidence["scope_cap"] < 12


def test_a_homogeneity_near_one_never_comes_without_findings(prefecture_context):
    # Three cities that share no border, each on the same single industry: under every
    # cap, and yet identical portfolios are findings.
    picks = [("440100", "biomedicine"), ("510100", "biomedicine"), ("610100", "biomedicine")]
    analysis = analyze(Plan.from_assignments([Assignment(c, i) for c, i in picks]), prefecture_context)
    assert analysis.summary["homogeneity_index"] == 1.0
    assert [f.kind for f in analysis.flags if f.kind == "similar-portfolios"]


def test_a_third_industry_adds_no_cliff_of_similar_portfolio_flags(prefecture_context):
    codes = ["440100", "440300", "440600"]  # Guangzhou, Shenzhen, Foshan

    def similar(industries):
        plan = Plan.from_assignments([Assignment(c, i) for c in codes for i in industries], level="prefecture")
        return sum(f.kind == "similar-portfolios" for f in analyze(plan, prefecture_context).flags)

    two = similar(("new-energy-vehicles", "artificial-intelligence"))
    three = similar(("new-energy-vehicles", "artificial-intelligence", "biomedicine"))
    assert two == three == 3


@pytest.mark.parametrize("plan", [GUANGDONG, WEST])
def test_check_flags_partial_scope_drafts_and_exits_1(plan):
    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "check", str(plan), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    payload = json.loads(result.stdout)
    assert payload["summary"]["scope"]["kind"] in ("province", "macro")
    assert any(flag["kind"] == "crowded-industry" for flag in payload["flags"])


@pytest.mark.gui
def test_the_window_flags_a_partial_scope_draft(window):
    window.document.undo_stack.setClean()
    assert window.open_path(GUANGDONG)
    analysis = window.document.analysis
    assert analysis is not None and analysis.summary["scope"]["name"] == "Guangdong"
    crowded = {flag.industry for flag in analysis.flags if flag.kind == "crowded-industry"}
    assert crowded == {"new-energy-vehicles", "artificial-intelligence"}
    window.document.undo_stack.setClean()
    window.new_plan()


@pytest.mark.gui
def test_the_window_and_check_agree_on_unverified_findings(window, tmp_path):
    # The user's facts make the window copy the bundled conditions: the copy must keep
    # which lists are complete, or the window would call unknowns absent.
    from cluster_planner.domain.conditions import Fact

    window.document.undo_stack.setClean()
    window.new_plan()
    window.selection.apply(["440200"])  # Shaoguan
    window.assign_to_selection("integrated-circuits", "lead")
    window.conditions_panel.add_fact(Fact("440200", "coastal", 1.0, "", "example.gov.cn/x", "confirmed"))
    path = tmp_path / "facts.cplan"
    assert window.save_to(path)
    in_window = sorted((f.kind, f.severity, f.regions) for f in window.document.analysis.flags)
    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "check", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    on_cli = sorted((f["kind"], f["severity"], tuple(f["regions"])) for f in json.loads(result.stdout)["flags"])
    assert in_window == on_cli
    assert ("local-mismatch", "info", ("440200",)) in in_window
    window.document.undo_stack.setClean()
    window.new_plan()


def test_clusters_are_mapped_to_the_industries_they_are(prefecture_context):
    # Weifang's 动力装备 cluster makes engines (Weichai), which no catalog industry is;
    # Changsha's is secure computing (信创), not video surveillance.
    base = prefecture_context.in_base
    column = prefecture_context.industry_index
    weifang, changsha = prefecture_context.index_of["370700"], prefecture_context.index_of["430100"]
    assert not base[weifang, column["power-equipment"]]
    assert not base[changsha, column["digital-security"]]
    assert base[changsha, column["new-generation-it"]]


def test_an_unverified_verdict_in_chinese_names_the_lists_in_chinese(prefecture_context):
    from cluster_planner.domain.conditions import load_condition_types
    from cluster_planner.text.messages import flag_message, names_from

    plan = Plan.from_assignments([Assignment("622900", "integrated-circuits")], name="Linxia", level="prefecture")
    flag = next(flag for flag in analyze(plan, prefecture_context).flags if flag.kind == "local-mismatch")
    assert flag.severity == "info" and flag.evidence["verdict"] == "unverified"
    assert "National advanced manufacturing clusters (MIIT), 2022 list of 45 and 2024 list of 35 (partial)" in (
        flag.evidence["settled_by"])
    zh = flag_message(flag, "zh", names_from(load_layer("prefecture"), load_catalog(), load_condition_types()))
    assert "可据以确定的数据：国家先进制造业集群（2022年45个、2024年35个，部分）；" in zh
    assert "National" not in zh
