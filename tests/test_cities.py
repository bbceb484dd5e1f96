"""The ecosystem cities resolve onto the region layers by spatial join."""

from __future__ import annotations

import csv
import re

import pytest
import shapely

from cluster_planner.domain import paths
from cluster_planner.domain.cities import COLUMNS, cities_path, load_ecosystem_cities
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.regions import load_layer, regions_dir

# The true prefectures and provinces, known here and nowhere in the data.
EXPECTED = {
    "Zhuzhou": ("430200", "430000"),
    "Hangzhou": ("330100", "330000"),
    "Wuhan": ("420100", "420000"),
    "Chengdu": ("510100", "510000"),
    "Ningde": ("350900", "350000"),
    "Weifang": ("370700", "370000"),
    "Nantong": ("320600", "320000"),
    "Hefei": ("340100", "340000"),
    "Guangzhou": ("440100", "440000"),
    "Shenzhen": ("440300", "440000"),
    "Baotou": ("150200", "150000"),
    "Qiqihar": ("230200", "230000"),
}


def test_the_twelve_cities_resolve_to_their_true_regions():
    cities = load_ecosystem_cities()
    assert {city.name_en: (city.prefecture, city.province) for city in cities} == EXPECTED
    assert all(city.located == "inside" and city.snap_km == 0.0 for city in cities)
    zhuzhou = next(city for city in cities if city.name_en == "Zhuzhou")
    assert zhuzhou.name_zh == "株洲"
    assert zhuzhou.chain == "rail transit equipment"
    assert zhuzhou.chain_status == "confirmed"
    assert zhuzhou.source


def test_the_data_file_holds_no_region_codes():
    with cities_path().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        assert tuple(rows[0]) == COLUMNS
    for row in rows:
        for column, value in row.items():
            if column != "source":  # a source address may hold any digits
                assert not re.search(r"\d{6}", value), (column, value)
    text = cities_path().read_text(encoding="utf-8")
    for prefecture, province in EXPECTED.values():
        assert prefecture not in text and province not in text


def _data_dir_with(tmp_path, rows):
    """A data folder using the shipped layers and the given city rows."""
    (tmp_path / "regions").symlink_to(regions_dir(paths.data_dir()), target_is_directory=True)
    with (tmp_path / "ecosystem_cities.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return tmp_path


def _row(name="Test", province="Hunan", lon="113.13", lat="27.83", status="unknown"):
    return [name, "测试", province, lon, lat, "", status, ""]


def test_a_point_just_off_the_coast_snaps_to_the_nearest_region(tmp_path):
    hainan = load_layer("province").frame.geometry[load_layer("province").index_of["460000"]]
    main_island = max(shapely.get_parts(hainan), key=lambda part: part.area)
    # 2 km south of Hainan island's southernmost point, in the sea.
    southernmost = min(main_island.exterior.coords, key=lambda xy: xy[1])
    lon, lat = southernmost[0], southernmost[1] - 0.018
    assert load_layer("prefecture").locate(lon, lat) is None
    data_dir = _data_dir_with(tmp_path, [_row("Offshore", "Hainan", str(lon), str(lat))])
    (city,) = load_ecosystem_cities(data_dir)
    assert city.located == "nearest"
    assert 1.0 < city.snap_km < 3.0
    assert city.province == "460000"
    assert city.prefecture.startswith("46")


def test_a_point_far_at_sea_is_an_error_naming_the_line(tmp_path):
    data_dir = _data_dir_with(tmp_path, [_row(), _row("Atlantis", "Hunan", "150.0", "30.0")])
    with pytest.raises(DataError, match=r"ecosystem_cities\.csv: line 3: Atlantis"):
        load_ecosystem_cities(data_dir)


def test_a_province_that_disagrees_with_the_point_is_an_error(tmp_path):
    data_dir = _data_dir_with(tmp_path, [_row("Zhuzhou", "Hubei")])
    with pytest.raises(DataError, match="says province 'Hubei' but its point lies in Hunan"):
        load_ecosystem_cities(data_dir)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_row(lon="east"), "lon 'east' is not a number"),
        (_row(lat="95"), "lat 95.0 is out of range"),
        (_row(status="rumoured"), "chain_status 'rumoured'"),
    ],
)
def test_bad_rows_are_reported_by_line(tmp_path, row, problem):
    data_dir = _data_dir_with(tmp_path, [row])
    with pytest.raises(DataError, match=f"line 2: {problem}"):
        load_ecosystem_cities(data_dir)


def test_missing_file_or_column(tmp_path):
    with pytest.raises(DataError, match="ecosystem_cities.csv: ecosystem cities file is missing"):
        load_ecosystem_cities(tmp_path)
    (tmp_path / "ecosystem_cities.csv").write_text("name_en,lon,lat\nZhuzhou,113,27\n")
    with pytest.raises(DataError, match="missing column"):
        load_ecosystem_cities(tmp_path)
