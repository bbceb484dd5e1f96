"""The map figure on Agg (no Qt): one path per region, recolouring in place, hit testing,
the South China Sea inset, Chinese labels, picture export; and the colourings."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from cluster_planner.domain.cities import load_ecosystem_cities
from cluster_planner.domain.errors import InputError
from cluster_planner.domain.regions import load_layer, load_sea_line
from cluster_planner.render.colouring import (
    NOTHING_GREY,
    colour_by_count,
    colour_by_industry,
    colour_by_severity,
    count_classes,
)
from cluster_planner.render.fonts import font_path
from cluster_planner.render.mapfigure import MapFigure, export_figure
from cluster_planner.render.projection import lonlat_to_xy, xy_to_lonlat

# Yongshu Reef (Fiery Cross), Nansha Islands: in Sansha, Hainan; far south of the main map.
NANSHA_REEF = (112.89, 9.55)


def _figure(layer, **kwargs) -> tuple[MapFigure, FigureCanvasAgg]:
    figure = Figure(figsize=(10, 8), dpi=80)
    canvas = FigureCanvasAgg(figure)
    return MapFigure(figure, layer, **kwargs), canvas


@pytest.fixture(scope="module")
def prefectures():
    return load_layer("prefecture")


@pytest.fixture(scope="module")
def cities():
    return load_ecosystem_cities()


@pytest.fixture(scope="module")
def sea_line():
    return load_sea_line()


@pytest.fixture
def prefecture_map(prefectures, cities, sea_line):
    return _figure(prefectures, sea_line=sea_line, cities=cities)


def _artist_count(figure) -> int:
    return len(figure.findobj())


def test_one_path_per_region_in_row_order(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    paths = mapfig.collection.get_paths()
    assert len(paths) == len(prefectures.frame)
    # Path i covers exactly the projected extent of row i (so colour i lands on region i).
    for row in (0, prefectures.index_of["430200"], prefectures.index_of["460300"], len(paths) - 1):
        x0, y0, x1, y1 = shapely.bounds(mapfig.projected[row])
        extents = paths[row].get_extents()
        assert extents.x0 == pytest.approx(x0) and extents.y1 == pytest.approx(y1)
        assert extents.x1 == pytest.approx(x1) and extents.y0 == pytest.approx(y0)


class _SyntheticLayer:
    """A layer of two hand-made regions: a square with a hole, and two islands."""

    level = "prefecture"

    def __init__(self):
        import geopandas

        outer = shapely.Polygon([(110, 30), (112, 30), (112, 32), (110, 32)],
                                holes=[[(110.5, 30.5), (111.5, 30.5), (111.5, 31.5), (110.5, 31.5)]])
        islands = shapely.MultiPolygon([shapely.box(113, 30, 113.5, 30.5), shapely.box(114, 30, 114.5, 30.5)])
        self.frame = geopandas.GeoDataFrame(
            {"adcode": ["900100", "900200"], "province": ["900000", "900000"],
             "name_zh": ["环", "岛"], "name_en": ["Ring", "Islands"], "level": ["prefecture"] * 2},
            geometry=[outer, islands], crs="EPSG:4326")


def test_multipolygon_is_one_compound_path_and_holes_stay_open():
    mapfig, canvas = _figure(_SyntheticLayer())
    paths = mapfig.collection.get_paths()
    assert len(paths) == 2
    assert (paths[1].codes == paths[1].MOVETO).sum() == 2
    mapfig.recolour([(1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0)])
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())

    def pixel(lon, lat):
        x, y = mapfig.ax.transData.transform(mapfig.lonlat_to_data(lon, lat))
        return tuple(pixels[int(round(pixels.shape[0] - y)), int(round(x))][:3])

    assert pixel(110.2, 31.0) == (255, 0, 0)  # the ring is filled
    assert pixel(111.0, 31.0) != (255, 0, 0)  # the hole is not
    assert pixel(113.25, 30.25) == (0, 0, 255) and pixel(114.25, 30.25) == (0, 0, 255)
    assert mapfig.hit_test(*mapfig.lonlat_to_data(111.0, 31.0)) is None
    assert mapfig.hit_test(*mapfig.lonlat_to_data(114.25, 30.25)) == 1


def test_recolour_changes_exactly_one_region_and_adds_no_artists(prefecture_map, prefectures):
    mapfig, canvas = prefecture_map
    before = mapfig.collection.get_facecolor().copy()
    artists_before = _artist_count(mapfig.figure)
    zhuzhou = prefectures.index_of["430200"]
    colours = mapfig.facecolors
    colours[zhuzhou] = (0.8, 0.1, 0.1, 1.0)
    mapfig.recolour(colours)
    canvas.draw()
    after = mapfig.collection.get_facecolor()
    changed = np.flatnonzero(np.any(after != before, axis=1))
    assert changed.tolist() == [zhuzhou]
    assert _artist_count(mapfig.figure) == artists_before
    assert mapfig.collection in mapfig.ax.collections


def test_recolour_reaches_the_inset_copy(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    sansha = prefectures.index_of["460300"]
    beijing = prefectures.index_of["110000"]
    colours = mapfig.facecolors
    colours[sansha] = (0.0, 0.45, 0.7, 1.0)
    colours[beijing] = (0.9, 0.6, 0.0, 1.0)
    mapfig.recolour(colours)
    inset_colours = mapfig.inset_collection.get_facecolor()
    position = list(mapfig.inset_rows).index(sansha)
    assert tuple(inset_colours[position]) == (0.0, 0.45, 0.7, 1.0)
    assert beijing not in mapfig.inset_rows
    with pytest.raises(ValueError):
        mapfig.recolour(colours[:-1])


def test_hit_test_finds_the_region_at_its_representative_point(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    points = mapfig.representative_points()
    for code in ("430200", "110000", "460300", "650100", "440300", "710000"):
        row = prefectures.index_of[code]
        assert mapfig.hit_test(*points[row]) == row, code
    sea = lonlat_to_xy(125.0, 28.0)  # East China Sea
    assert mapfig.hit_test(*sea) is None


def test_hit_test_at_county_level_for_every_region():
    layer = load_layer("county")
    mapfig, _ = _figure(layer)
    points = mapfig.representative_points()
    found = np.array([mapfig.hit_test(x, y) for x, y in points])
    assert (found == np.arange(len(layer.frame))).all()


def test_hit_test_agrees_with_the_layer_locate(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    for city in load_ecosystem_cities():
        row = mapfig.hit_test(*mapfig.lonlat_to_data(city.lon, city.lat))
        assert row is not None and prefectures.codes[row] == city.prefecture, city.name_en


def test_hit_rect_selects_the_regions_inside_a_box(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    # A box around the Pearl River Delta.
    x0, y0 = mapfig.lonlat_to_data(112.8, 22.2)
    x1, y1 = mapfig.lonlat_to_data(114.6, 23.6)
    codes = {prefectures.codes[row] for row in mapfig.hit_rect(x0, y0, x1, y1)}
    assert {"440100", "440300"} <= codes  # Guangzhou, Shenzhen
    assert "110000" not in codes and "430200" not in codes
    assert mapfig.hit_rect(x1, y1, x0, y0) == mapfig.hit_rect(x0, y0, x1, y1)


def test_inset_shows_the_south_china_sea_islands_and_the_main_map_does_not(prefecture_map, prefectures):
    mapfig, _ = prefecture_map
    reef = mapfig.lonlat_to_data(*NANSHA_REEF)
    (ix0, ix1), (iy0, iy1) = mapfig.inset_ax.get_xlim(), mapfig.inset_ax.get_ylim()
    assert ix0 < reef[0] < ix1 and iy0 < reef[1] < iy1
    (mx0, mx1), (my0, my1) = mapfig.ax.get_xlim(), mapfig.ax.get_ylim()
    assert reef[1] < my0, "the main map should stop short of the Nansha Islands"
    sansha = prefectures.index_of["460300"]
    assert sansha in mapfig.inset_rows
    inset_paths = mapfig.inset_collection.get_paths()
    assert len(inset_paths) == len(mapfig.inset_rows) < len(prefectures.frame)
    # The maritime line is drawn in the inset.
    assert any(lines.axes is mapfig.inset_ax for lines in mapfig.sea_line_artists)
    # Hainan island itself is also on the main map.
    haikou = mapfig.representative_points()[prefectures.index_of["460100"]]
    assert mx0 < haikou[0] < mx1 and my0 < haikou[1] < my1


def test_inset_keeps_clear_of_land_on_the_main_map(prefecture_map):
    mapfig, canvas = prefecture_map
    canvas.draw()
    box = mapfig.inset_ax.get_window_extent()
    taipei = mapfig.ax.transData.transform(mapfig.lonlat_to_data(121.5, 25.05))
    ningde = mapfig.ax.transData.transform(mapfig.lonlat_to_data(119.5, 26.7))
    assert not box.contains(*taipei) and not box.contains(*ningde)


def test_city_labels_use_the_bundled_chinese_font(prefecture_map, cities):
    mapfig, canvas = prefecture_map
    labels = {label.get_text() for label in mapfig.city_labels}
    assert "株洲" in labels and len(labels) == len(cities)
    label = next(label for label in mapfig.city_labels if label.get_text() == "株洲")
    resolved = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
    assert resolved == str(font_path())
    assert font_manager.FontProperties(fname=resolved).get_name() == "Noto Sans SC"
    charmap = FT2Font(resolved).get_charmap()
    assert all(ord(ch) in charmap for label in mapfig.city_labels for ch in label.get_text())
    # Drawn, the label has the size of two CJK glyphs, not of missing-glyph boxes of zero width.
    canvas.draw()
    extent = label.get_window_extent(canvas.get_renderer())
    assert extent.width > 10


def test_set_language_switches_city_labels(prefecture_map):
    mapfig, _ = prefecture_map
    mapfig.set_language("en")
    assert "Zhuzhou" in {label.get_text() for label in mapfig.city_labels}
    mapfig.set_language("zh")
    assert "株洲" in {label.get_text() for label in mapfig.city_labels}
    with pytest.raises(ValueError):
        mapfig.set_language("fr")


def test_selection_and_highlight_outline_regions_in_both_axes(prefecture_map, prefectures):
    mapfig, canvas = prefecture_map
    artists = _artist_count(mapfig.figure)
    rows = [prefectures.index_of[c] for c in ("230100", "460300", "110000")]
    mapfig.set_selection(rows)
    assert len(mapfig.selection_overlay.get_paths()) == 3
    assert len(mapfig.inset_selection_overlay.get_paths()) == 1  # only Sansha is in the inset
    mapfig.set_highlight(rows[:1])
    assert len(mapfig.highlight_overlay.get_paths()) == 1
    mapfig.set_selection([])
    assert len(mapfig.selection_overlay.get_paths()) == 0
    canvas.draw()
    assert _artist_count(mapfig.figure) == artists
    with pytest.raises(IndexError):
        mapfig.set_selection([len(prefectures.frame)])


def test_legend_and_title(prefecture_map):
    mapfig, _ = prefecture_map
    facecolors, legend = colour_by_count(np.arange(len(mapfig)) % 3)
    mapfig.set_legend(legend, title="产业数")
    assert [label for label, _ in mapfig.legend_entries()] == ["0", "1", "2"]
    mapfig.set_legend(legend[:2])
    assert len(mapfig.legend_entries()) == 2
    mapfig.set_title("规划草案")
    assert mapfig.title.get_text() == "规划草案"


def test_zoom_keeps_the_centre_and_reset_restores_the_view(prefecture_map):
    mapfig, _ = prefecture_map
    home = (mapfig.ax.get_xlim(), mapfig.ax.get_ylim())
    center = mapfig.lonlat_to_data(113.13, 27.83)
    mapfig.zoom(4.0, center)
    (x0, x1), (y0, y1) = mapfig.ax.get_xlim(), mapfig.ax.get_ylim()
    assert (x1 - x0) == pytest.approx((home[0][1] - home[0][0]) / 4.0, rel=0.01)
    # The zoom centre keeps its place in the view.
    assert (center[0] - x0) / (x1 - x0) == pytest.approx(
        (center[0] - home[0][0]) / (home[0][1] - home[0][0]), abs=0.01)
    assert (center[1] - y0) / (y1 - y0) == pytest.approx(
        (center[1] - home[1][0]) / (home[1][1] - home[1][0]), abs=0.01)
    assert not mapfig.inset_ax.get_visible()
    mapfig.reset_view()
    assert mapfig.ax.get_xlim() == pytest.approx(home[0]) and mapfig.ax.get_ylim() == pytest.approx(home[1])
    assert mapfig.inset_ax.get_visible()


def test_projection_round_trips():
    lon, lat = np.array([73.5, 105.0, 113.13, 134.7]), np.array([39.0, 9.5, 27.83, 48.3])
    back_lon, back_lat = xy_to_lonlat(*lonlat_to_xy(lon, lat))
    assert np.allclose(back_lon, lon) and np.allclose(back_lat, lat)


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_export_writes_a_picture(tmp_path, prefectures, suffix):
    facecolors, legend = colour_by_severity(np.arange(len(prefectures.frame)) % 4)
    out = tmp_path / f"plan{suffix}"
    out.write_text("old")
    written = export_figure(prefectures, facecolors, legend, "检查结果", out, dpi=40, cities=())
    data = written.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary left behind


def test_export_refuses_unknown_formats_and_unwritable_places(tmp_path, prefectures):
    facecolors, legend = colour_by_count(np.zeros(len(prefectures.frame), dtype=int))
    with pytest.raises(InputError, match=r"map\.bmp.*\.png"):
        export_figure(prefectures, facecolors, legend, "", tmp_path / "map.bmp", sea_line=None, cities=())
    with pytest.raises(InputError, match="missing"):
        export_figure(prefectures, facecolors, legend, "", tmp_path / "missing" / "map.png",
                      sea_line=None, cities=())


# ---- colourings -----------------------------------------------------------------------
def _luminance(rgba) -> float:
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_count_colouring_greys_empty_regions_and_darkens_with_count():
    counts = np.array([0, 1, 2, 3, 0, 3])
    facecolors, legend = colour_by_count(counts, label=lambda lo, hi: f"{lo}-{hi}")
    grey = legend[0][1]
    assert legend[0][0] == "0-0" and np.allclose(facecolors[[0, 4]], grey)
    assert np.allclose(grey, np.array([int(NOTHING_GREY[i:i + 2], 16) / 255 for i in (1, 3, 5)] + [1]))
    lum = [_luminance(facecolors[i]) for i in (1, 2, 3)]
    assert lum[0] > lum[1] > lum[2]
    assert [label for label, _ in legend] == ["0-0", "1-1", "2-2", "3-3"]


def test_count_classes_cover_large_counts_without_gaps():
    classes = count_classes(20)
    assert classes[0][0] == 1 and classes[-1][1] == 20 and len(classes) <= 6
    assert all(b[0] == a[1] + 1 for a, b in zip(classes, classes[1:], strict=False))
    facecolors, legend = colour_by_count(np.arange(21))
    assert len({tuple(c) for c in facecolors}) == len(legend)


def test_industry_colouring_lead_dark_support_light():
    lead = np.array([True, False, False, True])
    support = np.array([False, True, False, True])
    facecolors, legend = colour_by_industry(lead, support, lead_label="主导", support_label="配套",
                                            none_label="未选")
    assert [label for label, _ in legend] == ["主导", "配套", "未选"]
    assert np.allclose(facecolors[3], facecolors[0])  # lead wins
    assert _luminance(facecolors[0]) < _luminance(facecolors[1]) < _luminance(facecolors[2]) + 0.2
    assert np.allclose(facecolors[2], legend[2][1])


def test_severity_colouring_distinguishes_every_level():
    facecolors, legend = colour_by_severity(np.array([0, 1, 2, 3]))
    assert len({tuple(c) for c in facecolors}) == 4
    assert [label for label, _ in legend] == ["Error", "Warning", "Info", "No flag"]
    with pytest.raises(ValueError):
        colour_by_severity(np.array([4]))


def test_render_modules_import_no_qt():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import cluster_planner.render.mapfigure, cluster_planner.render.colouring\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'cluster_planner.qt')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
