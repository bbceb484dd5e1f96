"""Fit of regions for industries: base, needs met, statistics, and the explanation."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse
import shapely

from cluster_planner.analysis.fit import DENSITY_WEIGHT, AnalysisContext, build_context
from cluster_planner.domain.catalog import Catalog, ConditionType, Industry
from cluster_planner.domain.conditions import Fact, LocalConditions
from cluster_planner.domain.regions import RegionLayer
from cluster_planner.domain.statistics import RegionIndustryTable

CODES = ["110000", "120000", "130000", "140000"]
CONDITION_TYPES = {
    "sea-port": ConditionType("sea-port", "海港", "Sea port", "location"),
    "coal": ConditionType("coal", "煤炭", "Coal", "resource"),
    "national-lab": ConditionType("national-lab", "国家实验室", "National laboratory", "research"),
    "base": ConditionType("base", "产业基础", "Industry already in the base", "industrial-base", detail="industry"),
}
CATALOG = Catalog(
    [
        Industry("steel", "钢铁", "Steel", "traditional", needs=("sea-port", "coal", "national-lab")),
        Industry("coal-chemicals", "煤化工", "Coal chemicals", "traditional", needs=("coal",)),
        Industry("shipbuilding", "船舶", "Shipbuilding", "traditional", needs=("sea-port",), upstream=("steel",)),
    ]
)
SOURCE = "example.org/facts"


def strip_layer() -> RegionLayer:
    """Four boxes in a row: 0-1-2-3."""
    boxes = [shapely.box(k, 0, k + 1, 1) for k in range(4)]
    frame = gpd.GeoDataFrame(
        {
            "adcode": CODES,
            "province": CODES,
            "name_zh": ["甲", "乙", "丙", "丁"],
            "name_en": ["Jia", "Yi", "Bing", "Ding"],
            "level": "province",
        },
        geometry=boxes,
        crs=4326,
    )
    edges = scipy.sparse.diags([np.ones(3), np.ones(3)], [1, -1], shape=(4, 4))
    return RegionLayer("province", frame, edges.astype(bool).tocsr(), edges.tocsr(), Path("strip"))


def context_with(facts, statistics=None):
    layer = strip_layer()
    conditions = LocalConditions(facts, codes=CODES, level="province")
    return build_context(layer, CATALOG, conditions, statistics, condition_types=CONDITION_TYPES)


def fact(region, condition, value=1.0, detail="", status="confirmed"):
    return Fact(CODES[region], condition, value, detail or f"{condition} in {region}", SOURCE, status)


def fit_of(context, region, industry):
    return context.fit[region, CATALOG.index_of[industry]]


def test_fit_is_the_share_of_needs_met():
    context = context_with([fact(0, "sea-port"), fact(0, "coal"), fact(1, "coal")])
    assert fit_of(context, 0, "steel") == pytest.approx(2 / 3)
    assert fit_of(context, 1, "steel") == pytest.approx(1 / 3)
    assert fit_of(context, 2, "steel") == 0.0
    assert fit_of(context, 1, "coal-chemicals") == 1.0


def test_a_weaker_fact_counts_for_its_strength():
    context = context_with([fact(0, "coal", value=0.5)])
    assert fit_of(context, 0, "coal-chemicals") == 0.5
    assert fit_of(context, 0, "steel") == pytest.approx(0.5 / 3)


def test_unconfirmed_facts_do_not_raise_fit():
    context = context_with([fact(0, "coal", status="unconfirmed")])
    assert fit_of(context, 0, "coal-chemicals") == 0.0
    explanation = context.explain_fit(CODES[0], "coal-chemicals")
    assert [condition for condition, _ in explanation.missing] == ["coal"]


def test_the_industry_in_the_base_fits_without_its_needs():
    context = context_with([fact(3, "base", detail="shipbuilding")])
    assert fit_of(context, 3, "shipbuilding") == 1.0
    assert fit_of(context, 3, "steel") == 0.0
    explanation = context.explain_fit(CODES[3], "shipbuilding")
    assert explanation.in_base and explanation.fit == 1.0
    assert [f.detail for f in explanation.base_facts] == ["shipbuilding"]
    assert "Fits fully: the industry is already in the region's industrial base." in explanation.lines()


def test_explanation_lists_needs_met_with_their_sources_and_needs_missing():
    context = context_with([fact(0, "sea-port", detail="deep-water port"), fact(0, "coal")])
    explanation = context.explain_fit(CODES[0], "steel")
    assert explanation.region_name == "Jia" and explanation.industry_name == "Steel"
    assert [need.condition for need in explanation.met] == ["sea-port", "coal"]
    assert explanation.met[0].facts[0].source == SOURCE
    assert explanation.missing == (("national-lab", "National laboratory"),)
    text = "\n".join(explanation.lines())
    assert "Meets 2 of 3 needs (share 0.67)" in text
    assert f"deep-water port [confirmed] (source: {SOURCE})" in text
    assert "missing: National laboratory" in text
    assert explanation.to_dict()["needs_missing"] == ["national-lab"]


def test_statistics_make_a_base_and_add_relatedness():
    # Regions 0 and 1 specialise in steel and coal chemicals together; region 2 in
    # steel only: coal chemicals is related to steel, so it gains around region 2.
    values = np.array([[5.0, 5.0, 0.0], [5.0, 5.0, 0.0], [5.0, 0.0, 0.0], [0.0, 0.0, 9.0]])
    table = RegionIndustryTable(tuple(CODES), CATALOG.ids, values, "stats.csv")
    context = context_with([], statistics=table)
    assert fit_of(context, 2, "steel") == 1.0  # RCA >= 1 counts as a base
    density = table.density[2, CATALOG.index_of["coal-chemicals"]]
    assert density > 0
    assert fit_of(context, 2, "coal-chemicals") == pytest.approx(DENSITY_WEIGHT * density)
    assert fit_of(context, 3, "coal-chemicals") == 0.0
    explanation = context.explain_fit(CODES[2], "coal-chemicals")
    assert explanation.density == pytest.approx(density)
    assert any("Relatedness density" in line for line in explanation.lines())


def test_unknown_region_or_industry_is_a_key_error():
    context = context_with([])
    with pytest.raises(KeyError):
        context.explain_fit("999999", "steel")
    with pytest.raises(KeyError):
        context.explain_fit(CODES[0], "unobtainium")


def test_mis_shaped_arrays_are_refused():
    layer = strip_layer()
    conditions = LocalConditions([], codes=CODES)
    with pytest.raises(ValueError, match="names"):
        AnalysisContext(
            CODES, layer.adjacency, CATALOG, conditions.matrix(CODES, ["coal"]), ["coal"],
            np.zeros((4, 3)), region_names=["a"],
        )
