"""Imported region x industry statistics and the measures built on them.

A user may import a table of one economic quantity (output, employment, firms...) per
region and industry. From it the app computes, following Hidalgo et al. (2007),
"The Product Space Conditions the Development of Nations", *Science* 317:482-487:

- the location quotient, or revealed comparative advantage (Balassa),
  ``RCA[r, i] = (X[r, i] / X[r, :].sum()) / (X[:, i].sum() / X.sum())``;
  a region with no data, or an industry no region reports, has ``RCA = 0``;
- the presence matrix ``M[r, i] = RCA[r, i] >= 1`` (the region specialises in i);
- the proximity of two industries, the smaller of the two conditional probabilities
  of a region specialising in one given that it specialises in the other,
  ``phi[i, j] = min(P(M_i | M_j), P(M_j | M_i)) = (M_i . M_j) / max(u_i, u_j)`` where
  ``u_i = M[:, i].sum()`` is the ubiquity of i; ``phi[i, i]`` is set to 0 so that an
  industry is related to a region only through the *other* industries it has;
- the relatedness density of industry i around region r, the share of i's proximity
  that r already holds, ``density[r, i] = sum_j M[r, j] phi[i, j] / sum_j phi[i, j]``
  (0 when i is related to nothing).

The table file is CSV (UTF-8, GB18030/GBK or UTF-16; comma, semicolon or tab separated,
see :func:`cluster_planner.domain.files.read_table`; at most 20 MB) in one of two shapes, chosen by its header:

- *long*: columns ``region,industry,value`` (any order, extra columns ignored), one
  row per region and industry; a repeated pair is an error;
- *wide*: first column ``region``, every other column an industry id, one row per
  region; an empty cell counts as 0.

Regions are 6-digit adcodes, industries catalog ids; values are finite numbers >= 0.
Every problem is reported with its line number as a :class:`DataError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cluster_planner.domain.errors import DataError
from cluster_planner.domain.files import parse_number, read_table

LONG_COLUMNS = ("region", "industry", "value")
#: No quantity of one region and industry comes near this; larger ones would overflow
#: the sums behind the location quotients.
MAX_VALUE = 1e15
MAX_PROBLEMS_LISTED = 3


def location_quotients(values: np.ndarray) -> np.ndarray:
    """Revealed comparative advantage (location quotient) of every region and industry.

    Parameters
    ----------
    values : numpy.ndarray
        ``(n_regions, n_industries)`` non-negative quantities.

    Returns
    -------
    numpy.ndarray
        ``(n_regions, n_industries)`` float array; 0 where a region or an industry
        has no data at all.
    """
    values = np.asarray(values, dtype=float)
    total = values.sum()
    if total <= 0:
        return np.zeros_like(values)
    region_totals = values.sum(axis=1, keepdims=True)
    industry_shares = values.sum(axis=0, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        rca = (values / region_totals) / industry_shares
    return np.where(np.isfinite(rca), rca, 0.0)


def presence_matrix(rca: np.ndarray) -> np.ndarray:
    """``M[r, i] = RCA[r, i] >= 1``: the industries each region specialises in."""
    return np.asarray(rca) >= 1.0


def proximity(presence: np.ndarray) -> np.ndarray:
    """Proximity ``phi`` between industries (Hidalgo et al. 2007), zero on the diagonal.

    Parameters
    ----------
    presence : numpy.ndarray
        ``(n_regions, n_industries)`` bool presence matrix ``M``.

    Returns
    -------
    numpy.ndarray
        ``(n_industries, n_industries)`` symmetric array in [0, 1].
    """
    m = np.asarray(presence, dtype=float)
    co_occurrence = m.T @ m
    ubiquity = np.diag(co_occurrence).copy()
    larger_ubiquity = np.maximum(ubiquity[:, None], ubiquity[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(larger_ubiquity > 0, co_occurrence / larger_ubiquity, 0.0)
    np.fill_diagonal(phi, 0.0)
    return phi


def relatedness_density(presence: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Relatedness density of every industry around every region, in [0, 1].

    Parameters
    ----------
    presence : numpy.ndarray
        ``(n_regions, n_industries)`` bool presence matrix ``M``.
    phi : numpy.ndarray
        ``(n_industries, n_industries)`` proximity from :func:`proximity`.

    Returns
    -------
    numpy.ndarray
        ``(n_regions, n_industries)``; 0 for an industry related to nothing.
    """
    m = np.asarray(presence, dtype=float)
    related_total = phi.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = (m @ phi) / related_total[None, :]
    return np.where(related_total[None, :] > 0, density, 0.0)


@dataclass(frozen=True, eq=False)
class RegionIndustryTable:
    """A region x industry table of one quantity, with RCA, proximity and density.

    Attributes
    ----------
    regions : tuple of str
        Region adcodes, one per row of ``values``.
    industries : tuple of str
        Industry ids, one per column of ``values``.
    values : numpy.ndarray
        ``(len(regions), len(industries))`` non-negative floats.
    source : str
        Where the table came from (a file path), shown beside the numbers it yields.
    """

    regions: tuple[str, ...]
    industries: tuple[str, ...]
    values: np.ndarray
    source: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        shape = (len(self.regions), len(self.industries))
        if self.values.shape != shape:
            raise ValueError(f"values has shape {self.values.shape}, expected {shape}")

    def _cached(self, name, compute):
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    @property
    def rca(self) -> np.ndarray:
        """Location quotients, see :func:`location_quotients`."""
        return self._cached("rca", lambda: location_quotients(self.values))

    @property
    def presence(self) -> np.ndarray:
        """``RCA >= 1``, see :func:`presence_matrix`."""
        return self._cached("presence", lambda: presence_matrix(self.rca))

    @property
    def proximity(self) -> np.ndarray:
        """Industry proximity ``phi``, see :func:`proximity`."""
        return self._cached("proximity", lambda: proximity(self.presence))

    @property
    def density(self) -> np.ndarray:
        """Relatedness density, see :func:`relatedness_density`."""
        return self._cached("density", lambda: relatedness_density(self.presence, self.proximity))

    def aligned(self, region_codes: Iterable[str], industry_ids: Iterable[str]) -> RegionIndustryTable:
        """The same table laid out on the given rows and columns, zero where absent.

        Zero rows and columns leave every RCA, proximity and density of the table's
        own regions and industries unchanged, so aligning before or after computing
        gives the same numbers.
        """
        region_codes = tuple(region_codes)
        industry_ids = tuple(industry_ids)
        row_of = {code: row for row, code in enumerate(self.regions)}
        column_of = {industry: column for column, industry in enumerate(self.industries)}
        rows = np.array([row_of.get(code, -1) for code in region_codes], dtype=int)
        columns = np.array([column_of.get(i, -1) for i in industry_ids], dtype=int)
        values = np.zeros((len(region_codes), len(industry_ids)))
        target_rows = np.flatnonzero(rows >= 0)
        target_columns = np.flatnonzero(columns >= 0)
        values[np.ix_(target_rows, target_columns)] = self.values[
            np.ix_(rows[target_rows], columns[target_columns])
        ]
        return RegionIndustryTable(region_codes, industry_ids, values, self.source)


def load_statistics(
    path: str | Path,
    region_codes: Iterable[str] | None = None,
    industry_ids: Iterable[str] | None = None,
) -> RegionIndustryTable:
    """Read a region x industry table from a CSV file (long or wide, see module doc).

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, a byte-order mark is accepted).
    region_codes, industry_ids : iterable of str, optional
        The known region adcodes and industry ids; when given, any other is an error.

    Returns
    -------
    RegionIndustryTable

    Raises
    ------
    DataError
        The file cannot be read, or rows are invalid; the message names the file and
        the first problems with their line numbers.
    """
    path = Path(path)
    table = read_table(path, what="a statistics table")
    known_regions = None if region_codes is None else set(region_codes)
    known_industries = None if industry_ids is None else set(industry_ids)
    numbered = table.rows
    # Where cells are separated by semicolons or tabs, a comma in a number is most likely
    # a decimal comma (1,500 = 1.5 in much of Europe): never read it as thousands.
    grouping = table.delimiter == ","
    if not numbered:
        raise DataError(path, "the table is empty")
    header_line, header = numbered[0]
    header = [cell.strip() for cell in header]
    lowered = [cell.lower() for cell in header]
    problems: list[str] = []
    if all(column in lowered for column in LONG_COLUMNS):
        cells = _read_long(numbered[1:], lowered, known_regions, known_industries, problems, grouping)
    elif lowered and lowered[0] == "region" and len(header) > 1:
        cells = _read_wide(
            numbered[1:], header, header_line, known_regions, known_industries, problems, grouping
        )
    else:
        raise DataError(
            path,
            f"line {header_line}: the header must be 'region,industry,value' (long) "
            "or 'region,<industry id>,...' (wide); read as "
            f"{table.encoding} separated by {table.delimiter_name}s, it is "
            f"{_short_header(header)}",
        )
    if problems:
        more = len(problems) - MAX_PROBLEMS_LISTED
        listed = "; ".join(problems[:MAX_PROBLEMS_LISTED])
        raise DataError(path, listed + (f"; and {more} more problems" if more > 0 else ""))
    if not cells:
        raise DataError(path, "the table has a header but no data rows")
    return table_from_cells(cells, str(path))


def table_from_cells(cells: dict[tuple[str, str], float], source: str = "") -> RegionIndustryTable:
    """The table of ``{(region, industry): value}``, rows and columns in order of appearance."""
    regions = tuple(dict.fromkeys(region for region, _ in cells))
    industries = tuple(dict.fromkeys(industry for _, industry in cells))
    row_of = {code: row for row, code in enumerate(regions)}
    column_of = {industry: column for column, industry in enumerate(industries)}
    values = np.zeros((len(regions), len(industries)))
    for (region, industry), value in cells.items():
        values[row_of[region], column_of[industry]] = value
    return RegionIndustryTable(regions, industries, values, source)


def _short_header(header: list[str]) -> str:
    text = " | ".join(header)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _read_long(numbered_rows, lowered_header, known_regions, known_industries, problems, grouping=True):
    region_at, industry_at, value_at = (lowered_header.index(c) for c in LONG_COLUMNS)
    width = max(region_at, industry_at, value_at) + 1
    cells: dict[tuple[str, str], float] = {}
    first_line: dict[tuple[str, str], int] = {}
    for number, row in numbered_rows:
        if len(row) < width:
            problems.append(f"line {number}: expected {width} columns, found {len(row)}")
            continue
        region, industry = row[region_at].strip(), row[industry_at].strip()
        ok = _check_region(number, region, known_regions, problems)
        ok = _check_industry(number, industry, known_industries, problems) and ok
        value = _parse_value(number, row[value_at], problems, empty_is_zero=False, grouping=grouping)
        if not ok or value is None:
            continue
        key = (region, industry)
        if key in cells:
            problems.append(
                f"line {number}: region {region} and industry {industry} "
                f"were already given on line {first_line[key]}"
            )
            continue
        cells[key] = value
        first_line[key] = number
    return cells


def _read_wide(
    numbered_rows, header, header_line, known_regions, known_industries, problems, grouping=True
):
    industries = header[1:]
    for column, industry in enumerate(industries, start=2):
        if not industry:
            problems.append(f"line {header_line}: column {column} has no industry id")
        elif industries.index(industry) != column - 2:
            problems.append(f"line {header_line}: industry {industry} is given twice")
        else:
            _check_industry(header_line, industry, known_industries, problems)
    cells: dict[tuple[str, str], float] = {}
    first_line: dict[str, int] = {}
    for number, row in numbered_rows:
        if len(row) != len(header):
            problems.append(f"line {number}: expected {len(header)} columns, found {len(row)}")
            continue
        region = row[0].strip()
        if not _check_region(number, region, known_regions, problems):
            continue
        if region in first_line:
            problems.append(f"line {number}: region {region} was already given on line {first_line[region]}")
            continue
        first_line[region] = number
        for industry, text in zip(industries, row[1:], strict=True):
            value = _parse_value(
                number, text, problems, empty_is_zero=True, column=industry, grouping=grouping
            )
            if value is not None and industry:
                cells[(region, industry)] = value
    return cells


def _check_region(number, region, known_regions, problems) -> bool:
    if not (len(region) == 6 and region.isdigit()):
        problems.append(f"line {number}: region {region!r} is not a 6-digit adcode")
        return False
    if known_regions is not None and region not in known_regions:
        problems.append(f"line {number}: unknown region code {region}")
        return False
    return True


def _check_industry(number, industry, known_industries, problems) -> bool:
    if not industry:
        problems.append(f"line {number}: the industry is empty")
        return False
    if known_industries is not None and industry not in known_industries:
        problems.append(f"line {number}: unknown industry id {industry!r}")
        return False
    return True


def _parse_value(number, text, problems, *, empty_is_zero, column=None, grouping=True):
    where = f"line {number}" + (f", column {column}" if column else "")
    text = text.strip()
    if not text:
        if empty_is_zero:
            return 0.0
        problems.append(f"{where}: the value is empty")
        return None
    try:
        value = parse_number(text, maximum=MAX_VALUE, grouping=grouping)
    except ValueError as error:
        problems.append(f"{where}: {error}")
        return None
    if value < 0:
        problems.append(f"{where}: {text!r} must be a finite number >= 0")
        return None
    return value
