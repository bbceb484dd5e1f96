"""The pinyin stored in the catalog file: up to date, used, and not needed to search.

``data/catalog/build_pinyin.py`` writes the pinyin of each industry's Chinese texts
into ``industries.json`` so that loading the catalog does not import ``pypinyin``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from cluster_planner.domain.catalog import (
    default_catalog_path,
    default_conditions_path,
    load_catalog,
    read_catalog,
    read_condition_types,
)
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.paths import PROJECT_ROOT

BUILD_SCRIPT = PROJECT_ROOT / "data" / "catalog" / "build_pinyin.py"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_pinyin", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fold(text: str) -> str:
    return "".join(character for character in text.casefold() if character not in " -_'’.,/()（）")


def _bundled_entries() -> list[dict]:
    return json.loads(default_catalog_path().read_text(encoding="utf-8"))["industries"]


def test_stored_pinyin_is_what_the_build_script_writes():
    text = default_catalog_path().read_text(encoding="utf-8")
    assert _build_module().built_text(text) == text, (
        "data/catalog/industries.json has stale pinyin: run python data/catalog/build_pinyin.py"
    )


@pytest.mark.parametrize("entry", _bundled_entries(), ids=lambda entry: entry["id"])
def test_every_chinese_text_has_its_pinyin_stored(entry):
    chinese = [entry["name_zh"]] + [
        keyword for keyword in entry["keywords"] if any("\u4e00" <= c <= "\u9fff" for c in keyword)
    ]
    assert sorted(entry["pinyin"]) == sorted(chinese)
    for text in chinese:
        full = _fold("".join(lazy_pinyin(text)))
        initials = _fold("".join(lazy_pinyin(text, style=Style.FIRST_LETTER)))
        assert entry["pinyin"][text] == [full, initials], text


def test_known_spellings():
    catalog = load_catalog()
    vehicles = catalog["new-energy-vehicles"]
    assert (vehicles.pinyin, vehicles.pinyin_initials) == ("xinnengyuanqiche", "xnyqc")
    assert ("tegang", "tg") in catalog["steel"].keyword_pinyin
    assert (catalog["6g"].pinyin, catalog["6g"].pinyin_initials) == ("6g", "6g")


def test_loading_and_searching_the_catalog_does_not_import_pypinyin():
    script = (
        "import sys\n"
        "from cluster_planner.domain.catalog import load_catalog\n"
        "catalog = load_catalog()\n"
        "found = [catalog.search(t)[0].id for t in ('xny', 'xinnengyuan', 'tegang', '稀土', 'chips')]\n"
        "print(found, 'pypinyin' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == (
        "['new-energy-vehicles', 'new-energy-vehicles', 'steel', 'rare-earth-materials',"
        " 'integrated-circuits'] False"
    )


def _catalog_file(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "industries.json"
    payload = {"format": "cluster-planner-catalog", "version": 1, "industries": entries}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_catalog_without_stored_pinyin_searches_the_same(tmp_path):
    bundled = load_catalog()
    entries = [
        {key: value for key, value in entry.items() if key != "pinyin"}
        for entry in _bundled_entries()
    ]
    conditions = read_condition_types(default_conditions_path())
    computed = read_catalog(_catalog_file(tmp_path, entries), conditions)
    for industry in bundled:
        other = computed[industry.id]
        assert (other.pinyin, other.pinyin_initials, other.keyword_pinyin) == (
            industry.pinyin,
            industry.pinyin_initials,
            industry.keyword_pinyin,
        )
    for text in ("xny", "xinnengyuan", "liangzi", "tegang", "gcjx", "zhinengzhizao", "NEV", "稀土"):
        assert [i.id for i in computed.search(text)] == [i.id for i in bundled.search(text)], text


def test_a_renamed_industry_is_found_by_its_new_pinyin_despite_the_old_entry(tmp_path):
    entries = _bundled_entries()
    steel = next(entry for entry in entries if entry["id"] == "steel")
    steel["name_zh"] = "特种钢材"  # the stored pinyin still names 钢铁
    catalog = read_catalog(
        _catalog_file(tmp_path, entries), read_condition_types(default_conditions_path())
    )
    assert (catalog["steel"].pinyin, catalog["steel"].pinyin_initials) == ("tezhonggangcai", "tzgc")
    assert catalog.search("tzgc")[0].id == "steel"


@pytest.mark.parametrize("bad", [["gangtie"], "gangtie", ["gangtie", 7], ["gangtie", ""]])
def test_malformed_stored_pinyin_is_a_data_error(tmp_path, bad):
    entries = _bundled_entries()
    entries[0]["pinyin"]["钢铁"] = bad
    path = _catalog_file(tmp_path, entries)
    with pytest.raises(DataError) as caught:
        read_catalog(path, read_condition_types(default_conditions_path()))
    assert str(caught.value).startswith(str(path))
    assert "'steel'" in str(caught.value) and "pinyin" in str(caught.value)
