"""Every flag's evidence reads as plain words in both languages, from one catalogue (issue 16)."""

from __future__ import annotations

import re

import pytest

from cluster_planner.analysis.engine import analyze, load_context
from cluster_planner.domain.catalog import load_catalog, load_condition_types
from cluster_planner.domain.paths import resources_dir
from cluster_planner.domain.regions import load_layer
from cluster_planner.io.planfile import load_plan
from cluster_planner.text.evidence import EVIDENCE, evidence_rows, evidence_sentence
from cluster_planner.text.messages import names_from

EXAMPLES = resources_dir() / "examples"
#: What leaked before: machine keys, Python reprs, booleans.
INTERNALS = re.compile(r"fit_threshold|needs_|in_base|settled_by|crowded_in|\bTrue\b|\bFalse\b|\('|[a-z]+-[a-z]+-[a-z]+")


@pytest.fixture(scope="module")
def flags():
    names = names_from(load_layer("province"), load_catalog(), load_condition_types())
    found = []
    for example in ("homogenized_2026", "west_chips_2026"):
        found += analyze(load_plan(EXAMPLES / f"{example}.cplan"), load_context("province")).flags
    return found, names


def test_every_entry_has_both_languages_with_the_same_fields():
    fields = re.compile(r"\{(\w+)")
    for key, (zh, en) in EVIDENCE.items():
        assert zh and en, key
        assert sorted(set(fields.findall(zh))) == sorted(set(fields.findall(en))), key


def test_no_machine_key_or_python_value_reaches_a_reader_in_either_language(flags):
    found, names = flags
    assert {flag.kind for flag in found} == {
        "crowded-industry", "one-size-fits-all", "similar-portfolios", "chain-gap",
    }
    for flag in found:
        for language in ("en", "zh"):
            rows = evidence_rows(flag, language, names)
            assert rows, flag.kind
            for term, text in rows:
                assert not INTERNALS.search(term + " " + text), (flag.kind, language, term, text)
        assert len(evidence_rows(flag, "en", names)) == len(evidence_rows(flag, "zh", names))


def test_an_unverified_one_size_fits_all_reads_as_sentences(flags):
    found, names = flags
    flag = next(
        f for f in found
        if f.kind == "one-size-fits-all" and f.evidence["verdict"] == "unverified" and f.evidence["crowded_in"]
    )
    english = dict(evidence_rows(flag, "en", names))
    chinese = dict(evidence_rows(flag, "zh", names))
    assert english["Fit"] == "0.00 on the evidence (threshold 0.50); up to 1.00 if the unknown conditions hold"
    assert english["Verdict"] == "Not verified: some conditions are unknown"
    assert english["Conditions unknown"] == "National laboratory or science centre or Laboratory in the field"
    assert english["Industrial base"] == "The industry is not in the region's base"
    assert english["Assigned to"] == "12 regions (cap 6); crowded within the West"
    assert chinese["适配度"] == "依据现有证据为 0.00（阈值 0.50）；若未知条件都成立，最高可达 1.00"
    assert chinese["未知的条件"] == "国家实验室/综合性国家科学中心或本领域重点实验室"
    assert chinese["承接地区"] == "12 个地区（上限 6）；在西部地区范围内扎堆"
    assert evidence_sentence(flag, "zh", names).startswith("适配度：依据现有证据为 0.00")


def test_a_scoped_crowded_industry_names_its_scope(flags):
    found, names = flags
    flag = next(f for f in found if f.kind == "crowded-industry" and "scope" in f.evidence)
    assert evidence_rows(flag, "en", names)[2] == ("Within the West", "12 of 12 regions, cap 6, crowded")
    assert evidence_rows(flag, "zh", names)[2] == ("西部地区范围内", "12 个地区（共 12 个），上限 6，扎堆")
