"""The twelve supply-chain ecosystem pilot cities, resolved onto the region layers.

``data/ecosystem_cities.csv`` is copied from the project's gathered facts
(``facts/ecosystem_cities.csv``: MIIT's first batch of 2022, each row with its source
and a status). The file holds points (city centres), never region codes: each city's
``province`` and ``prefecture`` adcodes come from a spatial join on the region layers,
so a rebuilt layer can never disagree with the cities.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from cluster_planner.domain import paths
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.regions import RegionLayer, load_layer

CITIES_FILE = "ecosystem_cities.csv"
COLUMNS = (
    "name_en",
    "name_zh",
    "province_en",
    "lon",
    "lat",
    "pilot_chain",
    "chain_status",
    "source",
)
CHAIN_STATUSES = ("confirmed", "implied", "unconfirmed", "unknown")

# A city centre on a simplified coastline may fall just outside its polygon; snapping
# to a region within ~5 km is safe, farther means the point itself is wrong.
SNAP_DISTANCE_DEG = 0.05
_KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class EcosystemCity:
    """One ecosystem pilot city.

    Attributes
    ----------
    name_en, name_zh : str
        The city's name.
    province_en : str
        The province as the source names it (checked against the spatial join).
    lon, lat : float
        City centre, degrees.
    chain : str
        The pilot chain (empty when unknown).
    chain_status : str
        ``confirmed``, ``implied``, ``unconfirmed`` or ``unknown``.
    source : str
        Where the chain is stated (empty when unknown).
    province, prefecture : str
        Adcodes found by the spatial join.
    located : str
        ``inside`` when the point lies in the prefecture polygon, ``nearest`` when it
        fell outside every polygon and was snapped to the nearest one.
    snap_km : float
        Distance to the snapped polygon (0.0 when ``inside``).
    """

    name_en: str
    name_zh: str
    province_en: str
    lon: float
    lat: float
    chain: str
    chain_status: str
    source: str
    province: str
    prefecture: str
    located: str = "inside"
    snap_km: float = 0.0


def cities_path(data_dir: str | Path | None = None) -> Path:
    """The ecosystem cities file."""
    return Path(data_dir if data_dir is not None else paths.data_dir()) / CITIES_FILE


def load_ecosystem_cities(data_dir: str | Path | None = None) -> list[EcosystemCity]:
    """Read the ecosystem cities and resolve each onto the province and prefecture layers.

    Parameters
    ----------
    data_dir : path, optional
        The folder holding ``ecosystem_cities.csv`` and ``regions/``; defaults to the
        bundled data (or ``CLUSTER_PLANNER_DATA``).

    Returns
    -------
    list of EcosystemCity
        In file order.

    Raises
    ------
    DataError
        The file is missing or malformed, a point lies in no region (even after
        snapping), or the province found disagrees with the file's ``province_en``.
    """
    path = cities_path(data_dir)
    rows = _read_rows(path)
    provinces = load_layer("province", data_dir)
    prefectures = load_layer("prefecture", data_dir)
    cities = []
    for line, row in rows:
        lon, lat = (
            _coordinate(path, line, row, "lon", -180, 180),
            _coordinate(path, line, row, "lat", -90, 90),
        )
        prefecture, located, snap_km = _resolve(prefectures, lon, lat)
        if prefecture is None:
            raise DataError(
                path,
                f"line {line}: {row['name_en']} ({lon}, {lat}) lies in no prefecture "
                f"within {SNAP_DISTANCE_DEG * _KM_PER_DEGREE:.0f} km",
            )
        province, _, _ = _resolve(provinces, lon, lat)
        parent = prefectures.frame.at[prefectures.index_of[prefecture], "province"]
        if province != parent:
            raise DataError(
                path,
                f"line {line}: {row['name_en']} lies in prefecture {prefecture} of {parent} "
                f"but in province {province}: the region layers do not nest",
            )
        province_name = provinces.name(str(province), "en")
        if row["province_en"] and row["province_en"] != province_name:
            raise DataError(
                path,
                f"line {line}: {row['name_en']} says province {row['province_en']!r} but its "
                f"point lies in {province_name} ({province})",
            )
        cities.append(
            EcosystemCity(
                name_en=row["name_en"],
                name_zh=row["name_zh"],
                province_en=row["province_en"],
                lon=lon,
                lat=lat,
                chain=row["pilot_chain"],
                chain_status=row["chain_status"],
                source=row["source"],
                province=str(province),
                prefecture=prefecture,
                located=located,
                snap_km=snap_km,
            )
        )
    return cities


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise DataError(path, f"missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    raise DataError(path, f"line {reader.line_num}: wrong number of fields")
                rows.append((reader.line_num, {key: value.strip() for key, value in row.items()}))
    except FileNotFoundError:
        raise DataError(path, "ecosystem cities file is missing") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(path, f"not a readable CSV file: {error}") from None
    if not rows:
        raise DataError(path, "no cities in the file")
    for line, row in rows:
        if not row["name_en"] or not row["name_zh"]:
            raise DataError(path, f"line {line}: a city needs name_en and name_zh")
        if row["chain_status"] not in CHAIN_STATUSES:
            raise DataError(
                path,
                f"line {line}: chain_status {row['chain_status']!r} is not one of "
                f"{', '.join(CHAIN_STATUSES)}",
            )
    return rows


def _coordinate(path: Path, line: int, row: dict, column: str, low: float, high: float) -> float:
    try:
        value = float(row[column])
    except ValueError:
        raise DataError(path, f"line {line}: {column} {row[column]!r} is not a number") from None
    if not (low <= value <= high) or math.isnan(value):
        raise DataError(path, f"line {line}: {column} {value} is out of range")
    return value


def _resolve(layer: RegionLayer, lon: float, lat: float) -> tuple[str | None, str, float]:
    code = layer.locate(lon, lat)
    if code is not None:
        return code, "inside", 0.0
    nearest = layer.nearest(lon, lat, SNAP_DISTANCE_DEG)
    if nearest is None:
        return None, "", math.inf
    code, distance = nearest
    return code, "nearest", round(distance * _KM_PER_DEGREE, 2)
