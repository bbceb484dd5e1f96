"""Local conditions: facts about regions that make an industry fit them.

A :class:`Fact` says that a region has a condition (``sea-port``, ``coal``, ...) with a
strength ``value`` in (0, 1], a ``detail``, the ``source`` that states it and a
``status``. The bundled facts (``data/conditions/prefecture_facts.csv``, built by
``data/conditions/build_conditions.py``) are keyed by prefecture adcode; a few are
keyed by a province adcode because their source speaks of the whole province.

Which facts count
-----------------
``matrix`` and ``base_matrix`` count facts whose status is ``confirmed``, ``implied``
or ``derived`` (:data:`COUNTED_STATUSES`). ``unconfirmed`` and ``unknown`` facts are
kept, listed by :meth:`LocalConditions.facts_for` and shown in the app, but they never
raise a region's fit: the facts README says to show them, not to use them.

Levels
------
:func:`load_conditions` returns the facts for the level of a region layer:

- ``prefecture``: prefecture facts as they are; a province-wide fact applies to each
  prefecture of that province at half its value (:data:`DOWNWARD_SHARE`), because it
  says the province has the condition, not that every city does.
- ``province``: a province has a condition if any of its prefectures has it; its value
  is the largest of theirs. Province-wide facts apply at full value.
- ``county``: each county gets the facts of its prefecture (and province-wide facts)
  at half value. The facts are about cities; a county may or may not share them.

``base`` facts are never copied downwards (province to prefecture, prefecture to
county): an industry sits in particular places, and a half-strength "base" would read
as a full base to anyone testing ``base_matrix > 0``. They do aggregate upwards.

Edits
-----
:class:`SetFact`, :class:`RemoveFact` and :class:`FactBatch` are value objects;
:meth:`LocalConditions.apply` applies one and returns its inverse, and calls the
listeners registered with :meth:`LocalConditions.subscribe` with a :class:`FactChange`,
as :class:`cluster_planner.domain.plan.Plan` does for plan edits.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cluster_planner.domain.catalog import (
    BASE_CONDITION,
    FIELD_LAB_CONDITION,
    load_catalog,
    load_condition_types,
)
from cluster_planner.domain.errors import DataError
from cluster_planner.domain.events import EventHub
from cluster_planner.domain.files import parse_number, read_table
from cluster_planner.domain.paths import data_dir

STATUSES = ("confirmed", "implied", "derived", "unconfirmed", "unknown")
COUNTED_STATUSES = frozenset({"confirmed", "implied", "derived"})
# Which fact wins when two say the same thing: stated beats suggested beats derived.
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
DOWNWARD_SHARE = 0.5
FACT_COLUMNS = ("region", "condition", "value", "detail", "source", "status")
REQUIRED_IMPORT_COLUMNS = ("region", "condition", "value", "source")
FACTS_FILE = "prefecture_facts.csv"
COVERAGE_FILE = "coverage.json"
EVIDENCE_FILE = "evidence_facts.csv"
_ADCODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Fact:
    """One local condition of one region, with its source.

    ``detail`` tells facts of the same condition apart (for ``base`` it is the
    industry id; for ``manufacturing-cluster`` the cluster). A region has at most one
    fact per ``(region, condition, detail)``: that triple is the fact's :attr:`key`.
    """

    region: str
    condition: str
    value: float = 1.0
    detail: str = ""
    source: str = ""
    status: str = "confirmed"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if not 0.0 <= float(self.value) <= 1.0:
            raise ValueError(f"value must be between 0 and 1, not {self.value!r}")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.region, self.condition, self.detail)

    @property
    def counted(self) -> bool:
        """Whether this fact counts for fit (confirmed, implied or derived)."""
        return self.status in COUNTED_STATUSES

    def to_row(self) -> dict[str, str]:
        return {
            "region": self.region,
            "condition": self.condition,
            "value": f"{self.value:g}",
            "detail": self.detail,
            "source": self.source,
            "status": self.status,
        }


def stronger(a: Fact, b: Fact) -> Fact:
    """Of two facts with the same key, the one to keep: counted, then better status, then value."""
    score_a = (a.counted, -STATUS_RANK[a.status], a.value)
    score_b = (b.counted, -STATUS_RANK[b.status], b.value)
    return a if score_a >= score_b else b


# -- edits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetFact:
    """Add ``fact``, or replace the fact with the same key."""

    fact: Fact
    kind: str = "set-fact"


@dataclass(frozen=True)
class RemoveFact:
    """Remove the fact with this key (nothing happens if there is none)."""

    region: str
    condition: str
    detail: str = ""
    kind: str = "remove-fact"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.region, self.condition, self.detail)


@dataclass(frozen=True)
class FactBatch:
    """Several fact edits applied as one undo step (e.g. an imported CSV)."""

    edits: tuple[FactEdit, ...]
    kind: str = "fact-batch"


FactEdit = SetFact | RemoveFact | FactBatch


@dataclass(frozen=True)
class FactChange:
    """What an applied fact edit touched; passed to listeners."""

    keys: frozenset[tuple[str, str, str]] = frozenset()

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(key[0] for key in self.keys)

    @property
    def conditions(self) -> frozenset[str]:
        return frozenset(key[1] for key in self.keys)

    def __or__(self, other: FactChange) -> FactChange:
        return FactChange(self.keys | other.keys)


# -- the collection ----------------------------------------------------------------------


class LocalConditions:
    """The facts of one region level, with matrices for the analysis and invertible edits.

    Parameters
    ----------
    facts
        The facts; a later fact with the same key as an earlier one replaces it.
    codes
        The region codes of the level in layer order (used as the default rows of
        :meth:`matrix` and to validate imports); empty if unknown.
    level
        ``province``, ``prefecture`` or ``county`` (informational).
    coverage
        Condition id to the datasets behind it and whether one of them is a complete
        list (``data/conditions/coverage.json``). Without it every condition counts as
        complete: a missing fact means a missing condition.
    """

    def __init__(
        self,
        facts: Iterable[Fact] = (),
        codes: Iterable[str] = (),
        level: str = "",
        coverage: Mapping[str, Any] | None = None,
    ):
        self.level = level
        self.coverage: dict[str, Any] = dict(coverage or {})
        self.codes: tuple[str, ...] = tuple(str(code) for code in codes)
        self._facts: dict[tuple[str, str, str], Fact] = {}
        self._by_region: dict[str, dict[tuple[str, str, str], Fact]] = {}
        #: Announces each applied edit as a :class:`FactChange` (see :meth:`subscribe`).
        self.events = EventHub()
        for fact in facts:
            self._put(fact)

    # -- reading ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(list(self._facts.values()))

    @property
    def facts(self) -> list[Fact]:
        return list(self._facts.values())

    def get(self, region: str, condition: str, detail: str = "") -> Fact | None:
        return self._facts.get((region, condition, detail))

    def facts_for(self, code: str) -> list[Fact]:
        """Every fact of one region (counted or not), sorted by condition and detail."""
        facts = self._by_region.get(str(code), {}).values()
        return sorted(facts, key=lambda fact: (fact.condition, fact.detail))

    def has(self, code: str, condition: str, counted_only: bool = True) -> bool:
        """Whether region ``code`` has ``condition`` (by default only counted facts)."""
        return any(
            fact.condition == condition and (fact.counted or not counted_only)
            for fact in self._by_region.get(str(code), {}).values()
        )

    def base_industries(self, code: str, counted_only: bool = True) -> list[str]:
        """The industry ids region ``code`` has in its base."""
        return sorted(
            {
                fact.detail
                for fact in self._by_region.get(str(code), {}).values()
                if fact.condition == BASE_CONDITION and (fact.counted or not counted_only)
            }
        )

    def matrix(
        self,
        codes: Iterable[str] | None = None,
        condition_ids: Iterable[str] | None = None,
    ) -> np.ndarray:
        """Condition strengths, ``len(codes) x len(condition_ids)``, float in [0, 1].

        Each cell is the largest value of a counted fact (confirmed, implied, derived)
        of that region and condition, whatever its detail; 0 where there is none.
        ``codes`` defaults to the level's codes, ``condition_ids`` to the vocabulary.
        """
        rows = list(self.codes if codes is None else codes)
        columns = list(load_condition_types() if condition_ids is None else condition_ids)
        row_of = {code: i for i, code in enumerate(rows)}
        column_of = {condition: j for j, condition in enumerate(columns)}
        result = np.zeros((len(rows), len(columns)), dtype=float)
        for fact in self._facts.values():
            i = row_of.get(fact.region)
            j = column_of.get(fact.condition)
            if i is not None and j is not None and fact.counted:
                result[i, j] = max(result[i, j], fact.value)
        return result

    def copy(self) -> LocalConditions:
        """An independent copy with the same facts, level and dataset coverage."""
        return LocalConditions(self.facts, codes=self.codes, level=self.level, coverage=self.coverage)

    @property
    def complete_conditions(self) -> frozenset[str] | None:
        """Conditions whose absence is known (a complete list); ``None``: all of them."""
        if not self.coverage:
            return None
        return frozenset(c for c, entry in self.coverage.items() if entry.get("complete"))

    def base_matrix(
        self, codes: Iterable[str] | None = None, industry_ids: Iterable[str] | None = None
    ) -> np.ndarray:
        """Which regions have which industries in their base, ``len(codes) x len(industry_ids)``.

        A cell is the value of the counted ``base`` fact whose detail is that industry
        id (usually 1), else 0. ``industry_ids`` defaults to the bundled catalog.
        """
        return self.detail_matrix(BASE_CONDITION, codes, industry_ids)

    def field_lab_matrix(
        self, codes: Iterable[str] | None = None, industry_ids: Iterable[str] | None = None
    ) -> np.ndarray:
        """Which regions have a laboratory in which industry's field (``field-lab`` facts)."""
        return self.detail_matrix(FIELD_LAB_CONDITION, codes, industry_ids)

    def detail_matrix(
        self, condition: str, codes: Iterable[str] | None = None, industry_ids: Iterable[str] | None = None
    ) -> np.ndarray:
        """Counted facts of ``condition`` whose detail is an industry id, as a matrix."""
        rows = list(self.codes if codes is None else codes)
        columns = list(load_catalog().ids if industry_ids is None else industry_ids)
        row_of = {code: i for i, code in enumerate(rows)}
        column_of = {industry: j for j, industry in enumerate(columns)}
        result = np.zeros((len(rows), len(columns)), dtype=float)
        for fact in self._facts.values():
            if fact.condition != condition or not fact.counted:
                continue
            i = row_of.get(fact.region)
            j = column_of.get(fact.detail)
            if i is not None and j is not None:
                result[i, j] = max(result[i, j], fact.value)
        return result

    # -- editing ----------------------------------------------------------------------
    def set_fact(self, fact: Fact) -> SetFact:
        """The edit that adds ``fact`` (or replaces the fact with its key)."""
        return SetFact(fact)

    def remove_fact(self, region: str, condition: str, detail: str = "") -> RemoveFact:
        """The edit that removes the fact with this key."""
        return RemoveFact(region, condition, detail)

    def set_facts(self, facts: Iterable[Fact]) -> FactBatch:
        """One undo step that sets several facts (e.g. those of an imported CSV)."""
        return FactBatch(tuple(SetFact(fact) for fact in facts))

    def apply(self, edit: FactEdit) -> FactEdit:
        """Apply ``edit``, notify listeners once, and return the edit that undoes it."""
        inverse, change = self._apply(edit)
        self.events.emit(change)
        return inverse

    def _apply(self, edit: FactEdit) -> tuple[FactEdit, FactChange]:
        if isinstance(edit, SetFact):
            key = edit.fact.key
            old = self._facts.get(key)
            self._put(edit.fact)
            inverse: FactEdit = SetFact(old) if old is not None else RemoveFact(*key)
            return inverse, FactChange(frozenset([key]))
        if isinstance(edit, RemoveFact):
            old = self._pop(edit.key)
            inverse = SetFact(old) if old is not None else RemoveFact(*edit.key)
            return inverse, FactChange(frozenset([edit.key]))
        if isinstance(edit, FactBatch):
            inverses: list[FactEdit] = []
            change = FactChange()
            for sub_edit in edit.edits:
                sub_inverse, sub_change = self._apply(sub_edit)
                inverses.append(sub_inverse)
                change = change | sub_change
            return FactBatch(tuple(reversed(inverses))), change
        raise TypeError(f"not a fact edit: {edit!r}")

    def _put(self, fact: Fact) -> None:
        self._facts[fact.key] = fact
        self._by_region.setdefault(fact.region, {})[fact.key] = fact

    def _pop(self, key: tuple[str, str, str]) -> Fact | None:
        old = self._facts.pop(key, None)
        if old is not None:
            region_facts = self._by_region.get(key[0], {})
            region_facts.pop(key, None)
            if not region_facts:
                self._by_region.pop(key[0], None)
        return old

    def subscribe(self, listener: Callable[[FactChange], None]) -> Callable[[], None]:
        """Call ``listener(change)`` after every applied edit; returns an unsubscriber."""
        return self.events.subscribe(listener, FactChange)

    # -- importing --------------------------------------------------------------------
    def import_csv(self, path: str | Path) -> tuple[list[Fact], list[str]]:
        """Read a user's facts CSV, checking region codes against this level.

        See :func:`read_facts_csv`. Nothing is applied: pass the facts to
        :meth:`set_facts` and :meth:`apply` the result to make it one undo step.
        """
        return read_facts_csv(path, known_regions=set(self.codes) or None)

    def write_csv(self, path: str | Path) -> None:
        """Write every fact to ``path`` (the columns :data:`FACT_COLUMNS`)."""
        write_facts_csv(self.facts, path)


# -- files -------------------------------------------------------------------------------


def read_facts_csv(
    path: str | Path,
    known_regions: set[str] | None = None,
    condition_ids: Iterable[str] | None = None,
    industry_ids: Iterable[str] | None = None,
) -> tuple[list[Fact], list[str]]:
    """Read facts from a CSV with the header ``region,condition,value,source``.

    Optional columns: ``detail`` (for ``base`` the industry id) and ``status`` (one of
    :data:`STATUSES`, ``confirmed`` when empty). Each row is checked on its own: a bad
    row is reported and skipped, good rows are kept.

    Parameters
    ----------
    path
        The CSV file (UTF-8, with or without a byte-order mark).
    known_regions
        If given, region codes must be among them.
    condition_ids, industry_ids
        The vocabulary and catalog to check against; the bundled ones by default.

    Returns
    -------
    facts, errors
        The good facts in file order, and one message per bad row, ``"line N: problem"``
        (N counts the header as line 1).

    Raises
    ------
    DataError
        If the file cannot be read, is empty or lacks a required column.
    """
    path = Path(path)
    table = read_table(path, what="a conditions table")
    conditions = set(condition_ids if condition_ids is not None else load_condition_types())
    industries = set(industry_ids if industry_ids is not None else load_catalog().ids)
    if not table.rows:
        raise DataError(path, "the file is empty; expected a header region,condition,value,source")
    _, header = table.rows[0]
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_IMPORT_COLUMNS if name not in columns]
    if missing:
        raise DataError(
            path,
            f"the header lacks {', '.join(missing)}; expected region,condition,value,source "
            f"(and optionally detail,status); read as {table.encoding} separated by "
            f"{table.delimiter_name}s",
        )
    position = {name: columns.index(name) for name in FACT_COLUMNS if name in columns}
    facts: list[Fact] = []
    errors: list[str] = []
    first_line_of: dict[tuple[str, str, str], int] = {}
    for line, cells in table.rows[1:]:
        if len(cells) > len(columns):
            errors.append(f"line {line}: {len(cells)} cells, but the header has {len(columns)}")
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for name, i in position.items()}
        problem = _row_problem(row, known_regions, conditions, industries)
        if problem:
            errors.append(f"line {line}: {problem}")
            continue
        fact = Fact(
            region=row["region"],
            condition=row["condition"],
            value=parse_number(row["value"]),
            detail=row.get("detail", ""),
            source=row["source"],
            status=row.get("status") or "confirmed",
        )
        if fact.key in first_line_of:
            errors.append(
                f"line {line}: repeats region {fact.region}, condition {fact.condition}"
                f"{', detail ' + fact.detail if fact.detail else ''} of line {first_line_of[fact.key]}"
            )
            continue
        first_line_of[fact.key] = line
        facts.append(fact)
    return facts, errors


def _row_problem(
    row: dict[str, str], known_regions: set[str] | None, conditions: set[str], industries: set[str]
) -> str:
    """What is wrong with one CSV row, or ``""``."""
    region = row.get("region", "")
    if not _ADCODE.match(region):
        return f"region {region!r} is not a 6-digit adcode"
    if known_regions is not None and region not in known_regions:
        return f"region {region} is not a region of this layer"
    condition = row.get("condition", "")
    if condition not in conditions:
        return f"unknown condition {condition!r}"
    raw_value = row.get("value", "")
    try:
        value = parse_number(raw_value)
    except ValueError as error:
        return f"value {error}"
    if not 0.0 <= value <= 1.0 or value != value:
        return f"value {raw_value} is not between 0 and 1"
    detail = row.get("detail", "")
    if condition == BASE_CONDITION and detail not in industries:
        return f"a 'base' fact needs an industry id of the catalog as detail, not {detail!r}"
    status = row.get("status", "")
    if status and status not in STATUSES:
        return f"status {status!r} is not one of {', '.join(STATUSES)}"
    if not row.get("source", ""):
        return "the source is empty; every fact needs its source"
    return ""


def write_facts_csv(facts: Iterable[Fact], path: str | Path) -> None:
    """Write facts as CSV with the columns :data:`FACT_COLUMNS`, sorted by key."""
    ordered = sorted(facts, key=lambda fact: fact.key)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FACT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for fact in ordered:
            writer.writerow(fact.to_row())


def default_facts_path() -> Path:
    return data_dir() / "conditions" / FACTS_FILE


def read_bundled_facts(path: str | Path | None = None) -> list[Fact]:
    """The bundled facts, strictly validated: any bad row makes a file unusable.

    Without ``path``: the hand-sourced facts (``prefecture_facts.csv``) and those built
    from the evidence datasets (``evidence_facts.csv``), the better-sourced fact kept
    where both say the same.
    """
    paths = [Path(path)] if path is not None else [default_facts_path(), default_facts_path().with_name(EVIDENCE_FILE)]
    merged: dict[tuple[str, str, str], Fact] = {}
    for each in paths:
        facts, errors = read_facts_csv(each)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise DataError(each, f"{errors[0]}{more}")
        for fact in facts:
            old = merged.get(fact.key)
            merged[fact.key] = fact if old is None else stronger(old, fact)
    return list(merged.values())


# -- levels ------------------------------------------------------------------------------


def _layer_level(layer: Any) -> str:
    level = getattr(layer, "level", None)
    if level is None:
        level = str(layer.frame["level"].iloc[0])
    return str(level)


def _province_of(code: str) -> str:
    """The province adcode of any adcode: GB/T 2260 puts the province in the first two digits."""
    return code[:2] + "0000"


def facts_for_level(facts: Iterable[Fact], codes: Iterable[str], level: str) -> list[Fact]:
    """Map prefecture-keyed (and province-wide) facts onto the regions of ``level``.

    See the module docstring for the rules. A fact whose region is not on the level
    and has no region under or over it there is dropped.
    """
    codes = [str(code) for code in codes]
    known = set(codes)
    merged: dict[tuple[str, str, str], Fact] = {}

    def add(fact: Fact) -> None:
        old = merged.get(fact.key)
        merged[fact.key] = fact if old is None else stronger(old, fact)

    def scaled(fact: Fact, region: str, share: float, via: str) -> Fact:
        return replace(
            fact, region=region, value=round(fact.value * share, 6), source=f"{fact.source} ({via})"
        )

    if level == "province":
        for fact in facts:
            province = _province_of(fact.region)
            if province in known:
                add(replace(fact, region=province))
        return list(merged.values())

    if level == "prefecture":
        under_province: dict[str, list[str]] = {}
        for code in codes:
            under_province.setdefault(_province_of(code), []).append(code)
        for fact in facts:
            if fact.region in known:
                add(fact)
            elif fact.region.endswith("0000") and fact.condition != BASE_CONDITION:
                for code in under_province.get(fact.region, []):
                    add(scaled(fact, code, DOWNWARD_SHARE, f"province-wide fact for {fact.region}"))
        return list(merged.values())

    if level == "county":
        by_prefix: dict[str, list[str]] = {}
        for code in codes:
            by_prefix.setdefault(code[:4], []).append(code)
            by_prefix.setdefault(code[:2], []).append(code)
        for fact in facts:
            if fact.region in known:
                add(fact)
                continue
            if fact.condition == BASE_CONDITION:
                continue
            # A municipality or province-wide fact covers every county of the province;
            # a prefecture's fact covers the counties sharing its first four digits.
            prefix = fact.region[:2] if fact.region.endswith("0000") else fact.region[:4]
            for code in by_prefix.get(prefix, []):
                add(scaled(fact, code, DOWNWARD_SHARE, f"fact for {fact.region}"))
        return list(merged.values())

    raise ValueError(f"unknown level {level!r}")


def load_conditions(layer: Any, facts_path: str | Path | None = None) -> LocalConditions:
    """The bundled local conditions mapped onto ``layer``'s regions.

    Parameters
    ----------
    layer
        A :class:`cluster_planner.domain.regions.RegionLayer` (anything with ``level``
        and ``codes``).
    facts_path
        A facts CSV instead of the bundled ``data/conditions/prefecture_facts.csv``.

    Raises
    ------
    DataError
        If the facts file is missing or has a bad row.
    """
    level = _layer_level(layer)
    codes = [str(code) for code in layer.codes]
    facts = facts_for_level(read_bundled_facts(facts_path), codes, level)
    coverage = read_coverage() if facts_path is None else {}
    return LocalConditions(sorted(facts, key=lambda fact: fact.key), codes=codes, level=level, coverage=coverage)


def read_coverage(path: str | Path | None = None) -> dict[str, Any]:
    """Condition id to its datasets and completeness (``data/conditions/coverage.json``).

    Raises
    ------
    DataError
        If the file is missing or not the coverage format.
    """
    path = Path(path) if path is not None else data_dir() / "conditions" / COVERAGE_FILE
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DataError(path, f"cannot read the dataset coverage: {error}") from None
    if not isinstance(payload, dict) or payload.get("format") != "cluster-planner-coverage":
        raise DataError(path, "is not a cluster-planner-coverage file")
    conditions = payload.get("conditions")
    if not isinstance(conditions, dict):
        raise DataError(path, "has no 'conditions' object")
    return conditions
