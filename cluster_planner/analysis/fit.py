"""Fit: how well each region's local conditions support each industry.

``fit[r, i]`` in [0, 1] is computed for every region and industry at once:

1. **Industrial base.** A region that already has industry ``i`` in its base fits it:
   ``fit = 1``. The base comes from the bundled ``base`` facts
   (``LocalConditions.base_matrix``, whose cells are the facts' strengths, normally 1)
   and, when the user imports statistics, from a location quotient
   ``RCA[r, i] >= 1`` (see :mod:`cluster_planner.domain.statistics`). A base of
   strength below 1 is a floor: ``fit >= base[r, i]``.
2. **Segments and their needs.** Otherwise a region fits an industry as well as it fits
   the best *segment* of the industry's chain (catalog ``segments``: materials,
   components, assembly, R&D and design, ...). A segment needs groups of alternatives
   (steel: iron ore *or* coal *or* a sea port); a group is met as strongly as its
   strongest alternative in the region, and the segment's share is the mean over its
   groups; a catalog segment needs all of its groups::

       group[r, g] = max(strength[r, a] for a in g)
       segment[r, s] = min(group[r, g] for g in needs(s))

   (an industry built from a plain list of needs has one segment whose share is the
   mean of its needs met instead).

   An alternative is a condition id, ``field-lab`` (a laboratory in the industry's own
   field) or ``base:<industry>`` (another industry already in the region's base, e.g.
   batteries next to a vehicle cluster).
3. **Unknown is not absent.** A condition whose dataset is a *complete* list (every
   Double First-Class university, every national advanced manufacturing cluster) is
   known to be missing where the list has no entry. Any other missing condition is
   *unknown*. ``fit`` counts only what the evidence shows (a lower bound);
   ``fit_high`` counts every unknown group as met (an upper bound); ``confidence`` is
   ``1 - (fit_high - fit)``. A region is known not to fit only when ``fit_high`` is
   below the threshold too.
4. **Relatedness.** With imported statistics the relatedness density of ``i`` around
   ``r`` (Hidalgo et al. 2007, in [0, 1]) adds to both bounds::

       fit[r, i] = max(base[r, i], min(1, best_segment_share[r, i] + DENSITY_WEIGHT * density[r, i]))

   ``DENSITY_WEIGHT = 0.5``: a region gains up to half a point when its existing
   specialisations are closely related to ``i``. Density is 0 for regions missing from
   the imported table.

:class:`AnalysisContext` holds the arrays the analysis needs (codes, adjacency,
catalog, conditions, base, statistics) and the fit matrix; :func:`build_context`
builds it from the loaded layer, catalog and conditions, and
:meth:`AnalysisContext.explain_fit` says why a region fits an industry or not.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse

from cluster_planner.domain.catalog import BASE_CONDITION, FIELD_LAB_CONDITION
from cluster_planner.domain.statistics import RegionIndustryTable

DENSITY_WEIGHT = 0.5
"""How much relatedness density (0..1) adds to fit when statistics are imported."""


#: Group states in a fit pattern.
ABSENT, UNKNOWN, MET = 0, 1, 2
#: Groups a segment may have at most (patterns keep three states per group).
MAX_GROUPS = 8


@dataclass(frozen=True)
class SegmentVerdict:
    """How a region stands on the best segment of one industry: its groups by state."""

    segment: str
    met: tuple[tuple[str, ...], ...]
    unknown: tuple[tuple[str, ...], ...]
    absent: tuple[tuple[str, ...], ...]

    @property
    def groups(self) -> int:
        return len(self.met) + len(self.unknown) + len(self.absent)


def segment_fit(
    industries: Sequence[Any],
    condition_ids: Sequence[str],
    conditions: np.ndarray,
    known_absent: np.ndarray,
    base: np.ndarray,
    field_lab: np.ndarray,
    base_known_absent: np.ndarray,
    lab_known_absent: np.ndarray,
    resource_conditions: Collection[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Evidence share, optimistic share and state pattern of every region and industry.

    Returns
    -------
    low, high : numpy.ndarray
        ``(n, m)``: the best segment's share counting only what is known to be met,
        and counting unknown groups as met.
    pattern : numpy.ndarray
        ``(n, m)`` int64: the best segment's index times ``3 ** MAX_GROUPS`` plus each
        group's state (:data:`ABSENT`, :data:`UNKNOWN`, :data:`MET`) times ``3 ** g``.
    specific : numpy.ndarray
        ``(n, m)`` bool: the region meets every group of a segment that asks for more than
        one generic signal (two groups or more, or only resource conditions such as coal or
        rare earths): evidence specific enough to suggest the industry. A sea port alone
        makes a region fit steel, but is no reason to propose steel there.
    """
    n, m = base.shape
    column_of = {condition: c for c, condition in enumerate(condition_ids)}
    industry_column = {getattr(industry, "id", None): j for j, industry in enumerate(industries)}
    low = np.zeros((n, m))
    high = np.zeros((n, m))
    pattern = np.zeros((n, m), dtype=np.int64)
    specific = np.zeros((n, m), dtype=bool)
    zeros, every = np.zeros(n), np.ones(n, dtype=bool)
    resources = None if resource_conditions is None else frozenset(resource_conditions)

    def alternative(token: str, own: int) -> tuple[np.ndarray, np.ndarray]:
        if token == "field-lab":
            return field_lab[:, own], lab_known_absent[:, own]
        if token.startswith("base:"):
            j = industry_column.get(token[5:])
            return (zeros, every) if j is None else (base[:, j], base_known_absent[:, j])
        c = column_of.get(token)
        return (zeros, every) if c is None else (conditions[:, c], known_absent[:, c])

    for j, industry in enumerate(industries):
        best_low = np.full(n, -1.0)
        best_high = np.full(n, -1.0)
        for number, segment in enumerate(industry.segments):
            groups = segment.needs[:MAX_GROUPS]
            seg_low = np.zeros(n) if not segment.all_needed else np.ones(n)
            seg_high = np.zeros(n) if not segment.all_needed else np.ones(n)
            states = np.zeros(n, dtype=np.int64)
            for g, group in enumerate(groups):
                value = np.zeros(n)
                possible = np.zeros(n, dtype=bool)
                for token in group:
                    strength, absent = alternative(token, j)
                    value = np.maximum(value, strength)
                    possible |= ~absent
                met = value > 0
                unknown = ~met & possible
                optimistic = np.where(unknown, 1.0, value)
                if segment.all_needed:
                    seg_low = np.minimum(seg_low, value)
                    seg_high = np.minimum(seg_high, optimistic)
                else:
                    seg_low += value
                    seg_high += optimistic
                states += np.where(met, MET, np.where(unknown, UNKNOWN, ABSENT)) * 3**g
            if not segment.all_needed:
                seg_low /= max(len(groups), 1)
                seg_high /= max(len(groups), 1)
            narrow = len(groups) >= 2 or resources is None or all(
                token in resources for group in groups for token in group
            )
            if narrow:
                specific[:, j] |= seg_low >= 1.0
            better = (seg_low > best_low) | ((seg_low == best_low) & (seg_high > best_high))
            best_low = np.where(better, seg_low, best_low)
            best_high = np.where(better, seg_high, best_high)
            pattern[:, j] = np.where(better, number * 3**MAX_GROUPS + states, pattern[:, j])
        low[:, j] = np.clip(best_low, 0.0, 1.0)
        high[:, j] = np.clip(best_high, 0.0, 1.0)
    return low, high, pattern, specific


@dataclass(frozen=True)
class _OneSegment:
    """An industry seen through one segment of its chain (for :meth:`segment_fits`)."""

    id: str
    segments: tuple[Any, ...]


@dataclass(frozen=True)
class NeedMet:
    """One needed condition a region meets, with the facts that say so."""

    condition: str
    name: str
    strength: float
    facts: tuple[Any, ...] = ()


@dataclass(frozen=True)
class FitExplanation:
    """Why region ``region`` fits industry ``industry`` (or not), with the numbers.

    ``met`` are the groups of the best segment the region meets (each with the facts
    that say so), ``unknown`` the groups no complete list decides, ``missing`` those a
    complete list shows missing (each as ``(needs, name)``).
    """

    region: str
    region_name: str
    industry: str
    industry_name: str
    fit: float
    in_base: bool
    base_facts: tuple[Any, ...]
    met: tuple[NeedMet, ...]
    missing: tuple[tuple[str, str], ...]
    need_share: float
    rca: float | None = None
    density: float | None = None
    density_weight: float = DENSITY_WEIGHT
    segment: str = ""
    segment_name: str = ""
    unknown: tuple[tuple[str, str], ...] = ()
    fit_high: float | None = None
    settled_by: tuple[str, ...] = ()
    #: Groups of needs met (a group met by two alternatives lists both in ``met``).
    groups_met: int | None = None

    @property
    def confidence(self) -> float:
        return 1.0 - ((self.fit if self.fit_high is None else self.fit_high) - self.fit)

    def lines(self) -> list[str]:
        """The explanation in plain words, one point per line."""
        lines = [f"Fit of {self.region_name} for {self.industry_name}: {self.fit:.2f}"]
        if self.fit_high is not None and self.fit_high > self.fit:
            lines[0] += (
                f" on the evidence, up to {self.fit_high:.2f} if what is unknown holds "
                f"(confidence {self.confidence:.2f})"
            )
        if self.in_base:
            reason = "the industry is already in the region's industrial base"
            if self.rca is not None and self.rca >= 1:
                reason += f" (location quotient {self.rca:.2f} >= 1)"
            lines.append(f"{'Fits fully' if self.fit >= 1 else 'Partly fits'}: {reason}.")
            lines.extend(f"  base: {_fact_text(fact)}" for fact in self.base_facts)
        met = len(self.met) if self.groups_met is None else self.groups_met
        total = met + len(self.missing) + len(self.unknown)
        if total:
            segment = f" of the {self.segment_name} segment" if self.segment_name else ""
            lines.append(f"Meets {met} of {total} needs{segment} (share {self.need_share:.2f}).")
        else:
            lines.append("The catalog lists no needed conditions for this industry.")
        for need in self.met:
            lines.append(f"  met: {need.name} (strength {need.strength:.2f})")
            lines.extend(f"    {_fact_text(fact)}" for fact in need.facts)
        for _, name in self.unknown:
            lines.append(f"  unknown: {name} (no complete list says either way)")
        for _, name in self.missing:
            lines.append(f"  missing: {name} (a complete list has no entry for the region)")
        if self.settled_by:
            lines.append(f"Would be settled by: {'; '.join(self.settled_by)}.")
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
            "fit_high": None if self.fit_high is None else round(self.fit_high, 4),
            "confidence": round(self.confidence, 4),
            "segment": self.segment,
            "in_base": self.in_base,
            "base_facts": [_fact_text(fact) for fact in self.base_facts],
            "needs_met": [
                {"condition": n.condition, "strength": round(n.strength, 4),
                 "facts": [_fact_text(fact) for fact in n.facts]}
                for n in self.met
            ],
            "needs_unknown": [needs for needs, _ in self.unknown],
            "needs_missing": [needs for needs, _ in self.missing],
            "settled_by": list(self.settled_by),
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
    #: Conditions whose datasets are complete lists: where they have no fact, the
    #: condition is known to be missing. ``None``: every condition (absence is known).
    complete_conditions: Collection[str] | None = None
    #: ``n x m`` strength of a laboratory in each industry's field (``field-lab`` facts).
    field_lab_matrix: np.ndarray | None = None
    #: Condition id to the datasets behind it (``data/conditions/coverage.json``).
    coverage: Mapping[str, Any] | None = None
    #: Province code to ``(name_zh, name_en)``, to name a plan's scope.
    province_names: Mapping[str, tuple[str, str]] | None = None
    #: Conditions of the resource category (coal, rare earths ...): specific evidence.
    resource_conditions: Collection[str] | None = None
    strong: np.ndarray = field(init=False)
    codes: np.ndarray = field(init=False)
    index_of: dict[str, int] = field(init=False)
    industry_ids: tuple[str, ...] = field(init=False)
    industry_index: dict[str, int] = field(init=False)
    industry_names: tuple[str, ...] = field(init=False)
    names: tuple[str, ...] = field(init=False)
    needs: tuple[tuple[str, ...], ...] = field(init=False)
    upstream: tuple[tuple[int, ...], ...] = field(init=False)
    fit: np.ndarray = field(init=False)
    fit_high: np.ndarray = field(init=False)
    confidence: np.ndarray = field(init=False)
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
        complete = None if self.complete_conditions is None else frozenset(self.complete_conditions)
        self.complete_conditions = complete

        def known(condition: str, present: np.ndarray) -> np.ndarray:
            if complete is None or condition in complete:
                return present <= 0
            return np.zeros(present.shape, dtype=bool)

        known_absent = np.zeros(conditions.shape, dtype=bool)
        for c, condition in enumerate(self.condition_ids):
            known_absent[:, c] = known(condition, conditions[:, c])
        lab = np.zeros((n, m)) if self.field_lab_matrix is None else np.asarray(self.field_lab_matrix, dtype=float)
        if lab.shape != (n, m):
            raise ValueError(f"field-lab matrix has shape {lab.shape}, expected {(n, m)}")
        self.field_lab_matrix = lab
        self._segment_inputs = (
            industries, self.condition_ids, conditions, known_absent, base, lab,
            known(BASE_CONDITION, base), known(FIELD_LAB_CONDITION, lab), self.resource_conditions,
        )
        low, high, self.met_pattern, specific = segment_fit(*self._segment_inputs)
        self.need_share = low
        density = 0.0 if self.density is None else DENSITY_WEIGHT * self.density
        self.fit = np.maximum(np.clip(base, 0.0, 1.0), np.clip(low + density, 0.0, 1.0))
        self.fit_high = np.maximum(self.fit, np.clip(high + density, 0.0, 1.0))
        self.confidence = 1.0 - (self.fit_high - self.fit)
        #: Evidence strong enough to suggest the industry: in the base, or a segment met
        #: through more than one generic signal (see :func:`segment_fit`).
        self.strong = self.in_base | specific
        for array in (self.fit, self.fit_high, self.confidence, self.strong):
            array.setflags(write=False)
        self._segments = tuple(tuple(industry.segments) for industry in industries)
        self._verdicts: dict[tuple[int, int], SegmentVerdict] = {}
        self._fit_list: list[list[float]] | None = None

    @property
    def fit_list(self) -> list[list[float]]:
        """``fit`` as nested Python lists, for quick lookups one cell at a time."""
        if self._fit_list is None:
            self._fit_list = self.fit.tolist()
        return self._fit_list

    def segment_fits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fit on the evidence and its upper bound of every region on every segment.

        Returns
        -------
        low, high : numpy.ndarray
            ``(n, m, s)`` where ``s`` is the most segments an industry has: ``fit`` and
            ``fit_high`` as if segment ``k`` were the industry's only segment (the base
            and relatedness density count as for the whole industry).
        valid : numpy.ndarray
            ``(m, s)`` bool: whether industry ``j`` has a segment ``k``.
        """
        cached = self.memo.get("segment_fits")
        if cached is not None:
            return cached
        industries, *inputs = self._segment_inputs
        base = np.asarray(inputs[3])  # the base, with imported statistics' presence
        width = max((len(segments) for segments in self._segments), default=1)
        n, m = self.n_regions, self.n_industries
        low, high = np.zeros((n, m, width)), np.zeros((n, m, width))
        valid = np.zeros((m, width), dtype=bool)
        density = 0.0 if self.density is None else DENSITY_WEIGHT * self.density
        floor = np.clip(base, 0.0, 1.0)
        for k in range(width):
            one = [_OneSegment(industry.id, industry.segments[k:k + 1]) for industry in industries]
            seg_low, seg_high, _, _ = segment_fit(one, *inputs)  # type: ignore[arg-type]  # the inputs of __post_init__'s call, unpacked
            valid[:, k] = [len(segments) > k for segments in self._segments]
            fit = np.maximum(floor, np.clip(seg_low + density, 0.0, 1.0))
            low[:, :, k] = np.where(valid[None, :, k], fit, 0.0)
            high[:, :, k] = np.where(valid[None, :, k], np.maximum(fit, np.clip(seg_high + density, 0.0, 1.0)), 0.0)
        result = self.memo["segment_fits"] = (low, high, valid)
        return result

    @property
    def n_regions(self) -> int:
        return len(self.codes)

    @property
    def n_industries(self) -> int:
        return len(self.industry_ids)

    def condition_name(self, condition: str) -> str:
        if self.condition_names and condition in self.condition_names:
            return str(self.condition_names[condition])
        return condition.replace("-", " ")

    def verdict(self, row: int, column: int) -> SegmentVerdict:
        """Region ``row``'s best segment of industry ``column``, its groups by state."""
        return self.verdict_of(column, int(self.met_pattern[row, column]))

    def segment_of(self, row: int, column: int) -> str:
        """The chain segment region ``row`` fits industry ``column`` on ("" for a plain list)."""
        segment = self.verdict(row, column).segment
        return "" if segment == "whole" else segment

    def verdict_of(self, column: int, pattern: int) -> SegmentVerdict:
        key = (column, pattern)
        cached = self._verdicts.get(key)
        if cached is None:
            number, states = divmod(pattern, 3**MAX_GROUPS)
            segment = self._segments[column][number]
            by_state: dict[int, list[tuple[str, ...]]] = {ABSENT: [], UNKNOWN: [], MET: []}
            for g, group in enumerate(segment.needs[:MAX_GROUPS]):
                by_state[states // 3**g % 3].append(tuple(group))
            cached = self._verdicts[key] = SegmentVerdict(
                segment.id, tuple(by_state[MET]), tuple(by_state[UNKNOWN]), tuple(by_state[ABSENT])
            )
        return cached

    def needs_met(self, row: int, column: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The needs (groups, written ``a|b``) region ``row`` meets and does not meet."""
        verdict = self.verdict(row, column)
        return (
            tuple("|".join(group) for group in verdict.met),
            tuple("|".join(group) for group in verdict.unknown + verdict.absent),
        )

    def alternative_name(self, token: str) -> str:
        """A need's display name: a condition, a laboratory in the field, another base."""
        if token == FIELD_LAB_CONDITION:
            return self.condition_name(token)
        if token.startswith("base:"):
            industry = self.industry_index.get(token[5:])
            name = self.industry_names[industry] if industry is not None else token[5:]
            return f"{name} base"
        return self.condition_name(token)

    def group_name(self, group: Sequence[str]) -> str:
        """A group of alternatives in words: ``Iron ore or Coal or Sea port``."""
        return " or ".join(self.alternative_name(token) for token in group)

    def settled_by(self, groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
        """The datasets whose fuller lists would settle these unknown groups."""
        found: dict[str, None] = {}
        for group in groups:
            for token in group:
                condition = BASE_CONDITION if token.startswith("base:") else token
                entry = (self.coverage or {}).get(condition) or {}
                for dataset in entry.get("datasets", ()):
                    if not dataset.get("complete"):
                        found[str(dataset.get("title_en") or dataset.get("id"))] = None
                if not entry.get("datasets"):
                    found[f"a list of {self.condition_name(condition)}"] = None
        return tuple(found)

    def explain_fit(self, region: str, industry: str) -> FitExplanation:
        """Why ``region`` fits ``industry`` or not: the best segment's needs by state.

        Raises
        ------
        KeyError
            The region code or industry id is unknown.
        """
        row = self.index_of[region]
        column = self.industry_index[industry]
        verdict = self.verdict(row, column)
        facts = list(self.facts_for(region)) if self.facts_for is not None else []
        column_of = {condition: c for c, condition in enumerate(self.condition_ids)}

        def evidence_of(token: str) -> tuple[float, tuple[Any, ...]]:
            wanted: tuple[str, str | None]
            if token == FIELD_LAB_CONDITION:
                lab = self.field_lab_matrix
                strength = 0.0 if lab is None else float(lab[row, column])
                wanted = (FIELD_LAB_CONDITION, industry)
            elif token.startswith("base:"):
                other = self.industry_index.get(token[5:])
                strength = 0.0 if other is None else float(self.base_matrix[row, other])
                wanted = (BASE_CONDITION, token[5:])
            else:
                c = column_of.get(token)
                strength = 0.0 if c is None else float(self.conditions_matrix[row, c])
                wanted = (token, None)
            found = tuple(
                f for f in facts
                if getattr(f, "condition", None) == wanted[0]
                and (wanted[1] is None or getattr(f, "detail", None) == wanted[1])
                and getattr(f, "counted", True)
            )
            return strength, found

        met = []
        for group in verdict.met:
            for token in group:
                strength, found = evidence_of(token)
                if strength > 0:
                    met.append(NeedMet(token, self.alternative_name(token), strength, found))
        base_facts = tuple(
            f
            for f in facts
            if getattr(f, "condition", None) == BASE_CONDITION and getattr(f, "detail", None) == industry
        )
        segment = next(s for s in self._segments[column] if s.id == verdict.segment)
        fit, fit_high = float(self.fit[row, column]), float(self.fit_high[row, column])
        return FitExplanation(
            region=region,
            region_name=self.names[row],
            industry=industry,
            industry_name=self.industry_names[column],
            fit=fit,
            in_base=bool(self.in_base[row, column]),
            base_facts=base_facts,
            met=tuple(met),
            missing=tuple(("|".join(g), self.group_name(g)) for g in verdict.absent),
            need_share=float(self.need_share[row, column]),
            rca=None if self.rca is None else float(self.rca[row, column]),
            density=None if self.density is None else float(self.density[row, column]),
            segment=verdict.segment,
            segment_name=segment.name_en if verdict.segment != "whole" else "",
            unknown=tuple(("|".join(g), self.group_name(g)) for g in verdict.unknown),
            fit_high=fit_high,
            # Lists that could move the fit; none when what is known fixes it already.
            settled_by=self.settled_by(verdict.unknown) if fit_high > fit else (),
            groups_met=len(verdict.met),
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
        complete_conditions=getattr(conditions, "complete_conditions", None),
        field_lab_matrix=(
            conditions.field_lab_matrix(codes, industry_ids) if hasattr(conditions, "field_lab_matrix") else None
        ),
        coverage=getattr(conditions, "coverage", None),
        province_names=_province_names(layer),
        resource_conditions=(
            None if not condition_types
            else [key for key, value in condition_types.items() if getattr(value, "category", "") == "resource"]
        ),
    )


def _province_names(layer: Any) -> Mapping[str, tuple[str, str]]:
    """Province code to its names, from the layer itself or the bundled province layer.

    Below province level the province layer is read only when a name is first asked for
    (a plan scoped to one province): reading it costs start-up some 80 ms otherwise.
    """
    frame = layer.frame
    if str(getattr(layer, "level", "")) == "province" and "name_zh" in frame:
        return _names_of(layer)
    return _BundledProvinceNames()


def _names_of(layer: Any) -> dict[str, tuple[str, str]]:
    frame = layer.frame
    return {str(c): (str(zh), str(en)) for c, zh, en in zip(layer.codes, frame["name_zh"], frame["name_en"], strict=True)}


class _BundledProvinceNames(Mapping[str, tuple[str, str]]):
    """The bundled province layer's names, read on first use (empty if it cannot load)."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str, str]] | None = None

    def _loaded(self) -> dict[str, tuple[str, str]]:
        if self._names is None:
            from cluster_planner.domain.errors import DataError
            from cluster_planner.domain.regions import load_layer

            try:
                self._names = _names_of(load_layer("province"))
            except DataError:
                self._names = {}
        return self._names

    def __getitem__(self, code: str) -> tuple[str, str]:
        return self._loaded()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


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
