"""Fit: how well each region's local conditions support each industry.

``fit[r, i]`` in [0, 1] is computed for every region and industry at once:

1. **Industrial base.** A region that already has industry ``i`` in its base fits it:
   ``fit = 1``. The base comes from the bundled ``base`` facts
   (``LocalConditions.base_matrix``, whose cells are the facts' strengths, normally 1)
   and, when the user imports statistics, from a location quotient
   ``RCA[r, i] >= 1`` (see :mod:`cluster_planner.domain.statistics`). A base of
   strength below 1 is a floor: ``fit >= base[r, i]``.
2. **Needs met.** Otherwise the fit starts from the share of the industry's needs
   (the condition ids listed in the catalog) that the region meets, each need weighted
   by the strength of the region's condition (``LocalConditions.matrix``, 0..1, counting
   only confirmed, implied or derived facts)::

       need_share[r, i] = sum(condition[r, c] for c in needs(i)) / len(needs(i))

   An industry that lists no needs has ``need_share = 0``: only a base makes it fit.
   The catalog gives most industries three needs, so two of three met (0.67) pass the
   default threshold of 0.5 and one of three (0.33) does not
   (``data/catalog/SOURCES.md`` says what ``needs`` means).
3. **Relatedness.** With imported statistics the relatedness density of ``i`` around
   ``r`` (Hidalgo et al. 2007, in [0, 1]) adds to it::

       fit[r, i] = max(base[r, i], min(1, need_share[r, i] + DENSITY_WEIGHT * density[r, i]))

   ``DENSITY_WEIGHT = 0.5``: a region gains up to half a point when its existing
   specialisations are closely related to ``i``, so one need of three (0.33) plus a
   density above 1/3 passes the default threshold. Density is 0 for regions missing
   from the imported table.

:class:`AnalysisContext` holds the arrays the analysis needs (codes, adjacency,
catalog, conditions, base, statistics) and the fit matrix; :func:`build_context`
builds it from the loaded layer, catalog and conditions, and
:meth:`AnalysisContext.explain_fit` says why a region fits an industry or not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse

from cluster_planner.domain.catalog import BASE_CONDITION
from cluster_planner.domain.statistics import RegionIndustryTable

DENSITY_WEIGHT = 0.5
"""How much relatedness density (0..1) adds to fit when statistics are imported."""


def fit_scores(
    conditions: np.ndarray,
    need_weights: np.ndarray,
    base: np.ndarray,
    density: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit of every region for every industry (see the module docstring).

    Parameters
    ----------
    conditions : numpy.ndarray
        ``(n_regions, n_conditions)`` strengths in [0, 1].
    need_weights : numpy.ndarray
        ``(n_conditions, n_industries)``: ``1 / len(needs(i))`` where condition ``c``
        is a need of industry ``i``, else 0.
    base : numpy.ndarray
        ``(n_regions, n_industries)`` strength in [0, 1] of the industry in the
        region's base (1 for a full base, 0 for none).
    density : numpy.ndarray, optional
        ``(n_regions, n_industries)`` relatedness density from imported statistics.

    Returns
    -------
    fit, need_share : numpy.ndarray
        Both ``(n_regions, n_industries)`` in [0, 1].
    """
    need_share = np.clip(np.asarray(conditions, dtype=float) @ need_weights, 0.0, 1.0)
    score = need_share if density is None else need_share + DENSITY_WEIGHT * density
    fit = np.maximum(np.clip(base, 0.0, 1.0), np.clip(score, 0.0, 1.0))
    return fit, need_share


@dataclass(frozen=True)
class NeedMet:
    """One needed condition a region meets, with the facts that say so."""

    condition: str
    name: str
    strength: float
    facts: tuple[Any, ...] = ()


@dataclass(frozen=True)
class FitExplanation:
    """Why region ``region`` fits industry ``industry`` (or not), with the numbers."""

    region: str
    region_name: str
    industry: str
    industry_name: str
    fit: float
    in_base: bool
    base_facts: tuple[Any, ...]
    met: tuple[NeedMet, ...]
    missing: tuple[tuple[str, str], ...]  # (condition id, name)
    need_share: float
    rca: float | None = None
    density: float | None = None
    density_weight: float = DENSITY_WEIGHT

    def lines(self) -> list[str]:
        """The explanation in plain words, one point per line."""
        lines = [f"Fit of {self.region_name} for {self.industry_name}: {self.fit:.2f}"]
        if self.in_base:
            reason = "the industry is already in the region's industrial base"
            if self.rca is not None and self.rca >= 1:
                reason += f" (location quotient {self.rca:.2f} >= 1)"
            lines.append(f"{'Fits fully' if self.fit >= 1 else 'Partly fits'}: {reason}.")
            lines.extend(f"  base: {_fact_text(fact)}" for fact in self.base_facts)
        total = len(self.met) + len(self.missing)
        if total:
            lines.append(f"Meets {len(self.met)} of {total} needed conditions (share {self.need_share:.2f}).")
        else:
            lines.append("The catalog lists no needed conditions for this industry.")
        for need in self.met:
            lines.append(f"  met: {need.name} (strength {need.strength:.2f})")
            lines.extend(f"    {_fact_text(fact)}" for fact in need.facts)
        for _, name in self.missing:
            lines.append(f"  missing: {name}")
        if self.density is not None:
            lines.append(
                f"Relatedness density {self.density:.2f} from imported statistics "
                f"adds {self.density_weight * self.density:.2f}."
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (facts as their text)."""
        return {
            "region": self.region,
            "industry": self.industry,
            "fit": round(self.fit, 4),
            "in_base": self.in_base,
            "base_facts": [_fact_text(fact) for fact in self.base_facts],
            "needs_met": [
                {"condition": n.condition, "strength": round(n.strength, 4),
                 "facts": [_fact_text(fact) for fact in n.facts]}
                for n in self.met
            ],
            "needs_missing": [condition for condition, _ in self.missing],
            "need_share": round(self.need_share, 4),
            "rca": None if self.rca is None else round(self.rca, 4),
            "density": None if self.density is None else round(self.density, 4),
        }


def _fact_text(fact: Any) -> str:
    """A fact as one line: its detail, status and source, whatever its class."""
    if isinstance(fact, str):
        return fact
    parts = [str(getattr(fact, name, "") or "") for name in ("detail", "condition")]
    text = next((part for part in parts if part), repr(fact))
    status = getattr(fact, "status", "")
    source = getattr(fact, "source", "")
    if status:
        text += f" [{status}]"
    if source:
        text += f" (source: {source})"
    return text


@dataclass(eq=False)
class AnalysisContext:
    """Everything the analysis needs besides the plan, as arrays aligned by row.

    Parameters
    ----------
    region_codes : sequence of str
        Adcodes of the layer, in row order (``n``).
    adjacency : scipy.sparse matrix
        ``n x n`` symmetric, nonzero where two regions share a border.
    catalog : Catalog
        Anything with ``industries``, each having ``id``, ``name_en``, ``name_zh``,
        ``needs`` (condition ids) and ``upstream`` (industry ids); ``m`` industries.
    conditions_matrix : numpy.ndarray
        ``n x k`` condition strengths in [0, 1] for ``condition_ids``.
    condition_ids : sequence of str
        The ``k`` condition ids, in column order.
    base_matrix : numpy.ndarray
        ``n x m`` strength in [0, 1] of the industry in the region's base (bool works).
    region_names : sequence of str, optional
        Display names (English) in row order; the codes when omitted.
    statistics : RegionIndustryTable, optional
        Imported statistics; its RCA >= 1 adds to the base and its relatedness density
        to the fit.
    facts_for : callable, optional
        ``code -> list of facts`` (each with ``condition``, ``detail``, ``source``,
        ``status``), used by :meth:`explain_fit`.
    condition_names : mapping, optional
        Condition id to display name.
    level : str
        The layer's level, for messages.
    """

    region_codes: Sequence[str]
    adjacency: Any
    catalog: Any
    conditions_matrix: np.ndarray
    condition_ids: Sequence[str]
    base_matrix: np.ndarray
    region_names: Sequence[str] | None = None
    statistics: RegionIndustryTable | None = None
    facts_for: Callable[[str], Sequence[Any]] | None = None
    condition_names: Mapping[str, str] | None = None
    level: str = ""
    codes: np.ndarray = field(init=False)
    index_of: dict[str, int] = field(init=False)
    industry_ids: tuple[str, ...] = field(init=False)
    industry_index: dict[str, int] = field(init=False)
    industry_names: tuple[str, ...] = field(init=False)
    names: tuple[str, ...] = field(init=False)
    needs: tuple[tuple[str, ...], ...] = field(init=False)
    upstream: tuple[tuple[int, ...], ...] = field(init=False)
    need_columns: tuple[tuple[tuple[str, int], ...], ...] = field(init=False)
    fit: np.ndarray = field(init=False)
    need_share: np.ndarray = field(init=False)
    in_base: np.ndarray = field(init=False)
    rca: np.ndarray | None = field(init=False)
    density: np.ndarray | None = field(init=False)
    met_pattern: np.ndarray = field(init=False)
    #: What other modules derive from the context and keep with it, by their own keys
    #: (the analysis keeps its reusable texts here). A context does not change once
    #: built, so whatever is derived from it stays valid as long as it lives.
    memo: dict[Any, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.codes = np.asarray([str(code) for code in self.region_codes], dtype=str)
        n = len(self.codes)
        self.index_of = {code: row for row, code in enumerate(self.codes)}
        industries = list(self.catalog.industries)
        self.industry_ids = tuple(industry.id for industry in industries)
        self.industry_index = {industry: column for column, industry in enumerate(self.industry_ids)}
        self.industry_names = tuple(industry.name_en for industry in industries)
        self.needs = tuple(tuple(industry.needs) for industry in industries)
        self.upstream = tuple(
            tuple(self.industry_index[u] for u in industry.upstream if u in self.industry_index)
            for industry in industries
        )
        m = len(self.industry_ids)
        names = self.codes if self.region_names is None else list(self.region_names)
        if len(names) != n:
            raise ValueError(f"{len(names)} region names for {n} regions")
        self.names = tuple(str(name) for name in names)
        adjacency = scipy.sparse.csr_matrix(self.adjacency, dtype=bool)
        if adjacency.shape != (n, n):
            raise ValueError(f"adjacency has shape {adjacency.shape}, expected {(n, n)}")
        self.adjacency = adjacency
        conditions = np.asarray(self.conditions_matrix, dtype=float)
        self.condition_ids = tuple(self.condition_ids)
        if conditions.shape != (n, len(self.condition_ids)):
            raise ValueError(
                f"conditions matrix has shape {conditions.shape}, "
                f"expected {(n, len(self.condition_ids))}"
            )
        self.conditions_matrix = conditions
        column_of = {condition: column for column, condition in enumerate(self.condition_ids)}
        self.need_columns = tuple(
            tuple((need, column_of.get(need, -1)) for need in dict.fromkeys(needs))
            for needs in self.needs
        )
        base = np.asarray(self.base_matrix, dtype=float)
        if base.shape != (n, m):
            raise ValueError(f"base matrix has shape {base.shape}, expected {(n, m)}")
        self.base_matrix = base
        self.rca = self.density = None
        if self.statistics is not None:
            table = self.statistics.aligned(self.codes, self.industry_ids)
            self.statistics = table
            self.rca = table.rca
            self.density = table.density
            base = np.maximum(base, table.presence)
        self.in_base = base > 0
        self.fit, self.need_share = fit_scores(conditions, self.need_weights(), base, self.density)
        self.fit.setflags(write=False)
        # Bit k of met_pattern[r, i] says region r meets the k-th need of industry i:
        # few distinct patterns per industry, so their explanations can be cached.
        self.met_pattern = np.zeros((n, m), dtype=np.int64)
        for industry, needs in enumerate(self.need_columns):
            for bit, (_, c) in enumerate(needs):
                if c >= 0:
                    self.met_pattern[:, industry] |= (conditions[:, c] > 0).astype(np.int64) << bit
        self._needs_cache: dict[tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._fit_list: list[list[float]] | None = None

    @property
    def fit_list(self) -> list[list[float]]:
        """``fit`` as nested Python lists, for quick lookups one cell at a time."""
        if self._fit_list is None:
            self._fit_list = self.fit.tolist()
        return self._fit_list

    @property
    def n_regions(self) -> int:
        return len(self.codes)

    @property
    def n_industries(self) -> int:
        return len(self.industry_ids)

    def need_weights(self) -> np.ndarray:
        """``(k, m)``: ``1 / len(needs(i))`` where condition ``c`` is a need of ``i``.

        A need that is not a known condition id counts in the denominator and is
        never met, so an unknown condition cannot raise a fit.
        """
        weights = np.zeros((len(self.condition_ids), len(self.industry_ids)))
        for industry, needs in enumerate(self.need_columns):
            for _, column in needs:
                if column >= 0:
                    weights[column, industry] = 1.0 / len(needs)
        return weights

    def condition_name(self, condition: str) -> str:
        if self.condition_names and condition in self.condition_names:
            return str(self.condition_names[condition])
        return condition.replace("-", " ")

    def needs_met(self, row: int, column: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The needed condition ids region ``row`` meets and misses for industry ``column``."""
        return self._needs_by_pattern(column, int(self.met_pattern[row, column]))

    def _needs_by_pattern(self, column: int, pattern: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        key = (column, pattern)
        cached = self._needs_cache.get(key)
        if cached is None:
            needs = self.need_columns[column]
            met = tuple(need for bit, (need, _) in enumerate(needs) if pattern >> bit & 1)
            missing = tuple(need for bit, (need, _) in enumerate(needs) if not pattern >> bit & 1)
            cached = self._needs_cache[key] = (met, missing)
        return cached

    def explain_fit(self, region: str, industry: str) -> FitExplanation:
        """Why ``region`` fits ``industry`` or not: needs met (with facts) and missing.

        Raises
        ------
        KeyError
            The region code or industry id is unknown.
        """
        row = self.index_of[region]
        column = self.industry_index[industry]
        met_ids, missing_ids = self.needs_met(row, column)
        facts = list(self.facts_for(region)) if self.facts_for is not None else []
        column_of = {condition: c for c, condition in enumerate(self.condition_ids)}
        met = tuple(
            NeedMet(
                condition,
                self.condition_name(condition),
                float(self.conditions_matrix[row, column_of[condition]]),
                tuple(f for f in facts if getattr(f, "condition", None) == condition),
            )
            for condition in met_ids
        )
        base_facts = tuple(
            f
            for f in facts
            if getattr(f, "condition", None) == BASE_CONDITION and getattr(f, "detail", None) == industry
        )
        return FitExplanation(
            region=region,
            region_name=self.names[row],
            industry=industry,
            industry_name=self.industry_names[column],
            fit=float(self.fit[row, column]),
            in_base=bool(self.in_base[row, column]),
            base_facts=base_facts,
            met=met,
            missing=tuple((c, self.condition_name(c)) for c in missing_ids),
            need_share=float(self.need_share[row, column]),
            rca=None if self.rca is None else float(self.rca[row, column]),
            density=None if self.density is None else float(self.density[row, column]),
        )


def build_context(
    layer: Any,
    catalog: Any,
    conditions: Any,
    statistics: RegionIndustryTable | None = None,
    condition_types: Mapping[str, Any] | None = None,
) -> AnalysisContext:
    """Build an :class:`AnalysisContext` from the loaded data.

    Parameters
    ----------
    layer : RegionLayer
        The region layer of the plan's level.
    catalog : Catalog
        The industry catalog.
    conditions : LocalConditions
        The local conditions on ``layer`` (``matrix``, ``base_matrix``, ``facts_for``).
    statistics : RegionIndustryTable, optional
        Imported region x industry statistics.
    condition_types : mapping, optional
        Condition id to its type (with ``name_en``), for readable explanations.
    """
    codes = list(layer.codes)
    industry_ids = [industry.id for industry in catalog.industries]
    condition_ids = _condition_ids(catalog, conditions, condition_types)
    frame = layer.frame
    names = list(frame["name_en"]) if "name_en" in frame else codes
    condition_names = None
    if condition_types:
        condition_names = {
            key: getattr(value, "name_en", None) or str(key) for key, value in condition_types.items()
        }
    return AnalysisContext(
        region_codes=codes,
        adjacency=layer.adjacency,
        catalog=catalog,
        conditions_matrix=conditions.matrix(codes, condition_ids),
        condition_ids=condition_ids,
        base_matrix=conditions.base_matrix(codes, industry_ids),
        region_names=names,
        statistics=statistics,
        facts_for=conditions.facts_for,
        condition_names=condition_names,
        level=str(getattr(layer, "level", "")),
    )


def load_context(level: str, statistics: RegionIndustryTable | None = None) -> AnalysisContext:
    """The context of one level from the bundled data (layer, catalog, conditions).

    The data folder is the bundled one or ``CLUSTER_PLANNER_DATA``.

    Raises
    ------
    DataError
        A bundled data file is missing or unusable.
    """
    from cluster_planner.domain.catalog import load_catalog, load_condition_types
    from cluster_planner.domain.conditions import load_conditions
    from cluster_planner.domain.regions import load_layer

    layer = load_layer(level)
    return build_context(
        layer,
        load_catalog(),
        load_conditions(layer),
        statistics,
        condition_types=load_condition_types(),
    )


def _condition_ids(catalog: Any, conditions: Any, condition_types: Mapping[str, Any] | None) -> list[str]:
    if condition_types:
        return list(condition_types)
    known = getattr(conditions, "condition_ids", None)
    if known is not None:
        return list(known)
    return list(dict.fromkeys(need for industry in catalog.industries for need in industry.needs))
