"""What an analysis gives: its settings, its flags and suggestions, and the result.

The rules that make flags live in :mod:`cluster_planner.analysis.rules`; the engine that
keeps them up to date edit by edit in :mod:`cluster_planner.analysis.engine`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

from cluster_planner.domain.catalog import SEGMENTS

SEGMENT_NAMES_EN = {key: names[1] for key, names in SEGMENTS.items()}

FLAG_KINDS = (
    "crowded-industry",
    "one-size-fits-all",
    "local-mismatch",
    "similar-portfolios",
    "chain-gap",
)
SEVERITIES = ("info", "warning", "error")
#: The kinds whose severity never varies.
FIXED_SEVERITY = {"crowded-industry": "warning"}
SUGGESTION_COUNT = 3
#: Cosines are compared with this slack so that an exact 0.8 (4 shared of 5) counts.
SIMILARITY_TOLERANCE = 1e-9
#: z-score of the join count above which picks are said to cluster among neighbours.
CLUSTER_Z = 1.96
#: Multiply-adds per matrix product below which OpenBLAS (in numpy's wheels) stays on the
#: calling thread. Above it wakes a second thread, and waiting for that thread on a busy
#: machine costs milliseconds per call, far more than the product.
SINGLE_THREAD_PRODUCTS = (1 << 19) - 1
#: Role weights in units of a support role, so that portfolio products are exact integers.
ROLE_UNITS = {"lead": 2, "support": 1}


# ----------------------------------------------------------------------------- settings
#: The one schema of the analysis settings: type and inclusive range of each. Loading a
#: plan, the command line and the window all check settings against it, so an absurd
#: value (1e300, 2**63) is refused with the field named before any analysis runs.
SETTINGS_SCHEMA: dict[str, tuple[type, Any, Any]] = {
    "fit_threshold": (float, 0.0, 1.0),
    "crowding_share": (float, 0.0, 1.0),
    "crowding_min": (int, 0, 100_000),
    "similarity_threshold": (float, 0.0, 1.0),
    "min_portfolio": (int, 0, 10_000),
    "max_pair_flags": (int, 0, 1_000_000),
    "scope": (str, 1, 64),
}


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**12:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def setting_problem(name: str, value: Any) -> str:
    """Why ``value`` is no valid analysis setting ``name`` ("" when it is valid)."""
    kind, low, high = SETTINGS_SCHEMA[name]
    if kind is str:
        if not isinstance(value, str) or not low <= len(value) <= high:
            return (
                f"setting {name} must be a text (auto, national, a province code or a"
                f" macro-region), not {_shown(value)}"
            )
        return ""
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
        return "" if ok else f"setting {name} must be a number from {low:g} to {high:g}, not {_shown(value)}"
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return "" if ok else f"setting {name} must be a whole number from {low} to {high:,}, not {_shown(value)}"


@dataclass(frozen=True)
class AnalysisSettings:
    """The analysis settings, saved with the plan under these keys."""

    fit_threshold: float = 0.5
    crowding_share: float = 0.2
    crowding_min: int = 3
    similarity_threshold: float = 0.8
    min_portfolio: int = 1
    max_pair_flags: int = 50
    #: ``auto``, ``national``, a province code or a macro-region id (see analysis.scope).
    scope: str = "auto"

    def __post_init__(self) -> None:
        for name in SETTINGS_SCHEMA:
            problem = setting_problem(name, getattr(self, name))
            if problem:
                raise ValueError(problem)

    @classmethod
    def from_mappings(cls, *mappings: Mapping[str, Any] | None) -> AnalysisSettings:
        """Settings from plan settings and overrides, later ones winning.

        Keys that are not analysis settings are ignored (a plan may keep others);
        ``None`` values mean the default.

        Raises
        ------
        ValueError
            A setting has a value of the wrong type or range.
        """
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for mapping in mappings:
            for key, value in (mapping or {}).items():
                if key in names and value is not None:
                    if (
                        isinstance(value, float)
                        and SETTINGS_SCHEMA[key][0] is int
                        and value.is_integer()
                        and abs(value) < 2**53
                    ):
                        value = int(value)
                    values[key] = value
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_SETTINGS = AnalysisSettings().to_dict()


# ------------------------------------------------------------------------------- flags
class Suggestion(NamedTuple):
    """A better choice: ``action`` (``assign`` or ``unassign``) ``industry`` in ``region``.

    ``segment`` is the chain segment the region's evidence supports (``materials``,
    ``assembly`` ...), or empty.
    """

    action: str
    region: str
    industry: str
    fit: float
    region_name: str
    industry_name: str
    segment: str = ""

    @property
    def text(self) -> str:
        verb = "take" if self.action == "assign" else "drop"
        segment = f" ({SEGMENT_NAMES_EN.get(self.segment, self.segment)})" if self.segment and self.action == "assign" else ""
        return f"{verb} {self.industry_name}{segment} in {self.region_name} (fit {self.fit:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "region": self.region,
            "industry": self.industry,
            "fit": round(self.fit, 4),
            "segment": self.segment,
            "text": self.text,
        }


class Flag(tuple):
    """One finding: its kind, severity, industry, regions, message, numbers, suggestions.

    ``regions`` are adcodes (``region_names`` their display names in the same order);
    ``evidence`` holds the numbers behind the message (JSON-ready; lists of ids are
    tuples); ``suggestions`` are :class:`Suggestion` tuples. A flag is immutable: the
    :class:`Analyzer` hands the same flag objects to successive analyses.

    A county plan raises some fourteen thousand low-fit flags and the window shows a few
    dozen at a time, so those flags keep what their sentence is made of (the shared
    wording of their industry and role, and the region's row) and write their message
    and evidence when first read. A flag is a tuple so that thousands are made at the
    speed of tuples; two flags are equal when they were built from equal parts, which
    gives them equal messages and evidence.
    """

    # Tuple layout: kind, severity, industry, regions, suggestions, region_names, then
    # either message and evidence, or a _LowFitText and the row it words.
    kind = property(itemgetter(0), doc="One of FLAG_KINDS.")
    severity = property(itemgetter(1), doc="One of SEVERITIES.")
    industry = property(itemgetter(2), doc="Industry id, or None.")
    regions = property(itemgetter(3), doc="Adcodes.")
    suggestions = property(itemgetter(4), doc="Better choices.")
    region_names = property(itemgetter(5), doc="Names of the regions.")

    def __new__(
        cls,
        kind: str,
        severity: str,
        industry: str | None,
        regions: tuple[str, ...],
        message: str,
        evidence: dict[str, Any],
        suggestions: tuple[Suggestion, ...] = (),
        region_names: tuple[str, ...] = (),
    ) -> Flag:
        return tuple.__new__(cls, (kind, severity, industry, regions, suggestions, region_names, message, evidence))

    @cached_property
    def message(self) -> str:
        """The finding in one English sentence."""
        text = self[6]
        return text if isinstance(text, str) else text.message(self[7])

    @cached_property
    def evidence(self) -> dict[str, Any]:
        """The numbers behind the message, JSON-ready."""
        text = self[6]
        return self[7] if isinstance(text, str) else text.evidence(self[7])

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Flag):
            return NotImplemented
        # Built from equal parts (the quick way), or saying the same in the same words.
        return tuple.__eq__(self, other) or (
            self[:6] == other[:6] and self.message == other.message and self.evidence == other.evidence
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # as before: the evidence is a dict

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Flag is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Flag is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles carry the words, not the context they were made from.
        return (Flag, tuple(getattr(self, name) for name in FLAG_FIELDS))

    def __repr__(self) -> str:
        return "Flag(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in FLAG_FIELDS) + ")"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "industry": self.industry,
            "regions": list(self.regions),
            "region_names": list(self.region_names),
            "message": self.message,
            "evidence": self.evidence,
            "suggestions": [suggestion.to_json() for suggestion in self.suggestions],
        }


#: The public fields of a :class:`Flag`, in the order its constructor takes them.
FLAG_FIELDS = ("kind", "severity", "industry", "regions", "message", "evidence", "suggestions", "region_names")


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(eq=False)
class Analysis:
    """The result of analysing a plan.

    Attributes
    ----------
    flags : list of Flag
        Errors first, then warnings, then infos; within a severity by kind (in
        :data:`FLAG_KINDS` order), industry (catalog order) and region (layer order).
    summary : dict
        The plan-level figures (see the module docstring), JSON-ready.
    settings : AnalysisSettings
    industry_ids : tuple of str
        Catalog order; the columns of ``fit`` and the index of the arrays below.
    counts, caps, supported : numpy.ndarray
        Per industry: regions assigned, the crowding cap, regions whose fit passes.
    crowded : numpy.ndarray
        Per industry, bool.
    fit : numpy.ndarray
        ``(n_regions, n_industries)`` fit matrix of the context.
    homogeneity_index : float
    similar_pairs : int
        Pairs of regions with similar portfolios (all of them, not only those flagged).
    """

    flags: list[Flag]
    summary: dict[str, Any]
    settings: AnalysisSettings
    industry_ids: tuple[str, ...]
    counts: np.ndarray
    caps: np.ndarray
    supported: np.ndarray
    crowded: np.ndarray
    fit: np.ndarray
    homogeneity_index: float
    similar_pairs: int

    def to_json(self) -> dict[str, Any]:
        """The ``cluster-planner check --format json`` payload."""
        return {"summary": self.summary, "flags": [flag.to_json() for flag in self.flags]}

    @property
    def has_problems(self) -> bool:
        """Whether any flag is a warning or an error (the check command then exits 1)."""
        return any(flag.severity != "info" for flag in self.flags)

    def flags_of(self, kind: str | None = None, industry: str | None = None) -> list[Flag]:
        return [
            flag
            for flag in self.flags
            if (kind is None or flag.kind == kind) and (industry is None or flag.industry == industry)
        ]

    def flags_by_region(self) -> dict[str, list[Flag]]:
        """Adcode to the flags naming that region, in flag order."""
        by_region: dict[str, list[Flag]] = {}
        for flag in self.flags:
            for code in flag.regions:
                by_region.setdefault(code, []).append(flag)
        return by_region

    def region_severity(self) -> dict[str, str]:
        """Adcode to the most severe flag naming that region one by one.

        Flags listing many regions at once (a crowded industry, a chain gap, the
        summary of similar pairs) describe the plan rather than each region, so
        they are left out.
        """
        worst: dict[str, str] = {}
        for flag in self.flags:
            if flag.kind in ("crowded-industry", "chain-gap") or len(flag.regions) > 2:
                continue
            for code in flag.regions:
                if code not in worst or _SEVERITY_RANK[flag.severity] > _SEVERITY_RANK[worst[code]]:
                    worst[code] = flag.severity
        return worst
