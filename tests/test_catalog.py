"""The industry catalog: contents, search, validation of bad files, the catalog command."""

from __future__ import annotations

import argparse
import json

import pytest

from cluster_planner.cli import catalog as catalog_command
from cluster_planner.domain.catalog import (
    PILLARS,
    Catalog,
    Industry,
    load_catalog,
    load_condition_types,
)
from cluster_planner.domain.errors import DataError

MUST_HAVE = (
    "steel",
    "petrochemicals",
    "shipbuilding",
    "textiles",
    "new-generation-it",
    "integrated-circuits",
    "new-energy-vehicles",
    "lithium-batteries",
    "photovoltaics",
    "high-end-equipment",
    "rail-transit-equipment",
    "new-materials",
    "rare-earth-materials",
    "biomedicine",
    "aerospace",
    "artificial-intelligence",
    "quantum-technology",
    "biomanufacturing",
    "embodied-intelligence",
    "6g",
    "commercial-aerospace",
    "low-altitude-economy",
    "hydrogen-energy",
    "producer-services",
    "computing-power-centres",
    "5g-networks",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_catalog_covers_the_five_pillars_with_at_least_30_industries(catalog):
    assert len(catalog) >= 30
    groups = catalog.by_pillar()
    assert list(groups) == list(PILLARS)
    assert all(groups[pillar] for pillar in PILLARS), "every pillar has industries"


def test_ids_are_unique_and_the_seed_industries_are_there(catalog):
    assert len(set(catalog.ids)) == len(catalog.ids)
    missing = [industry_id for industry_id in MUST_HAVE if industry_id not in catalog]
    assert not missing


def test_every_need_and_upstream_link_names_a_real_id(catalog):
    conditions = load_condition_types()
    for industry in catalog:
        assert industry.needs, industry.id
        assert set(industry.needs) <= set(conditions), industry.id
        assert set(industry.upstream) <= set(catalog.ids), industry.id
        assert industry.sources, f"{industry.id} says where it comes from"


def test_value_chains_link_the_seed_examples(catalog):
    assert "lithium-batteries" in catalog["new-energy-vehicles"].upstream
    assert "rare-earth-materials" in catalog["wind-power-equipment"].upstream
    assert "rare-earth-deposit" in catalog["rare-earth-materials"].needs
    assert "sea-port" in catalog["shipbuilding"].needs
    assert [i.id for i in catalog.downstream("lithium-batteries")] == [
        "new-energy-vehicles",
        "low-altitude-economy",
    ]


def test_lookups_agree(catalog):
    for position, industry in enumerate(catalog):
        assert catalog.index_of[industry.id] == position
        assert catalog.by_id[industry.id] is industry


@pytest.mark.parametrize(
    "text",
    [
        "新能源汽车",
        "new energy vehicles",
        "New Energy Vehicles",
        "xinnengyuan",
        "xny",
        "NEV",
        "新能源车",
    ],
)
def test_search_finds_new_energy_vehicles_first(catalog, text):
    assert catalog.search(text)[0].id == "new-energy-vehicles"


def test_search_by_keyword_and_pinyin(catalog):
    assert catalog.search("chips")[0].id == "integrated-circuits"
    assert catalog.search("liangzi")[0].id == "quantum-technology"
    assert catalog.search("稀土")[0].id == "rare-earth-materials"
    assert catalog.search("no such industry") == []
    assert len(catalog.search("")) == len(catalog)


def test_industry_pinyin_is_computed_from_the_chinese_name():
    industry = Industry("x", "钢铁", "Steel", "traditional", needs=("coal",))
    assert (industry.pinyin, industry.pinyin_initials) == ("gangtie", "gt")


# -- bad files ---------------------------------------------------------------------------

GOOD_CONDITIONS = {
    "format": "cluster-planner-conditions",
    "version": 1,
    "conditions": [
        {"id": "coal", "category": "resource", "name_zh": "煤炭", "name_en": "Coal"},
        {
            "id": "base",
            "category": "industrial-base",
            "name_zh": "基础",
            "name_en": "Base",
            "detail": "industry",
        },
    ],
}


def _industry(industry_id, **changes):
    entry = {
        "id": industry_id,
        "pillar": "traditional",
        "name_zh": "钢铁",
        "name_en": "Steel",
        "needs": ["coal"],
        "upstream": [],
        "sources": ["test"],
    }
    entry.update(changes)
    return entry


def _write(tmp_path, industries, conditions=GOOD_CONDITIONS):
    folder = tmp_path / "catalog"
    folder.mkdir(exist_ok=True)
    (folder / "conditions.json").write_text(json.dumps(conditions), encoding="utf-8")
    path = folder / "industries.json"
    payload = {"format": "cluster-planner-catalog", "version": 1, "industries": industries}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_small_good_file_loads(tmp_path):
    path = _write(tmp_path, [_industry("steel"), _industry("ships", upstream=["steel"])])
    catalog = load_catalog(path)
    assert catalog.ids == ("steel", "ships")
    assert catalog["ships"].upstream == ("steel",)


@pytest.mark.parametrize(
    ("industries", "expected"),
    [
        ([_industry("steel", pillar="heavy")], "unknown pillar 'heavy'"),
        ([_industry("steel"), _industry("steel")], "duplicate industry id 'steel'"),
        ([_industry("steel", upstream=["iron-ore"])], "unknown upstream industry 'iron-ore'"),
        ([_industry("steel", needs=["sea-port"])], "unknown condition 'sea-port'"),
        ([_industry("steel", needs=[])], "at least one condition"),
        ([_industry("Steel Industry")], "ids are lower-case slugs"),
        ([_industry("a", upstream=["b"]), _industry("b", upstream=["a"])], "cycle"),
    ],
)
def test_bad_catalogs_give_one_line_naming_the_file_and_the_id(tmp_path, industries, expected):
    path = _write(tmp_path, industries)
    with pytest.raises(DataError) as raised:
        load_catalog(path)
    message = str(raised.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_bad_condition_vocabulary_is_reported(tmp_path):
    conditions = {
        "conditions": [{"id": "coal", "category": "mineral", "name_zh": "煤", "name_en": "Coal"}]
    }
    path = _write(tmp_path, [_industry("steel")], conditions=conditions)
    with pytest.raises(DataError, match="unknown category 'mineral'"):
        load_catalog(path)


def test_unreadable_catalog_files(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_catalog(tmp_path / "missing.json")
    broken = tmp_path / "broken" / "industries.json"
    broken.parent.mkdir()
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON"):
        load_catalog(broken)


# -- the command ---------------------------------------------------------------------------


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    catalog_command.add_arguments(parser)
    status = catalog_command.run(parser.parse_args(argv))
    return status, capsys.readouterr().out


def test_catalog_command_prints_json(capsys, catalog):
    status, out = _run(["--format", "json"], capsys)
    assert status == 0
    payload = json.loads(out)
    assert [entry["id"] for entry in payload["industries"]] == list(catalog.ids)
    first = payload["industries"][0]
    assert {"id", "name_en", "name_zh", "pillar", "needs", "upstream"} <= set(first)


def test_catalog_command_prints_a_table_by_pillar(capsys):
    status, out = _run(["--format", "text"], capsys)
    assert status == 0
    positions = [
        out.index(heading)
        for heading in ("Traditional", "Emerging", "Future", "Services", "Infrastructure")
    ]
    assert positions == sorted(positions)
    assert "rail-transit-equipment" in out and "轨道交通装备" in out


def test_catalog_command_search(capsys):
    _, out = _run(["--format", "json", "--search", "xny"], capsys)
    assert json.loads(out)["industries"][0]["id"] == "new-energy-vehicles"
