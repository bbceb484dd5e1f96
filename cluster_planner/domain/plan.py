"""The plan: which regions take which industries, as lead or support.

Every change to a plan is a small value object (an *edit*). :meth:`Plan.apply` applies
an edit and returns its inverse, so undo and redo are built on the core alone: the Qt
layer wraps edits in one ``QUndoCommand`` class and never changes a plan directly.

Listeners subscribed with :meth:`Plan.subscribe` are called after each applied edit
with a :class:`Change` naming the touched ``(region, industry)`` keys, so the analysis
and the map can update only what an edit touched.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from typing import Any

from cluster_planner.domain.events import EventHub

ROLES = ("lead", "support")
ROLE_WEIGHT = {"lead": 1.0, "support": 0.5}
LEVELS = ("province", "prefecture", "county")
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Assignment:
    """One region taking one industry, on one region level.

    ``level`` is the level the region is on (``province``, ``prefecture`` or
    ``county``); empty means "the plan's level", which :class:`Plan` fills in when it
    stores the assignment. Adcodes are unique across levels (a municipality's code is
    the same region on the province and prefecture layers), so the key stays
    ``(region, industry)``.
    """

    region: str
    industry: str
    role: str = "lead"
    note: str = ""
    level: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")
        if self.level and self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {self.level!r}")

    @property
    def key(self) -> tuple[str, str]:
        return (self.region, self.industry)

    @property
    def weight(self) -> float:
        """Portfolio weight: lead 1, support 0.5."""
        return ROLE_WEIGHT[self.role]


@dataclass(frozen=True)
class Put:
    """Set the assignment at ``(region, industry)``; ``value=None`` removes it.

    Assign, unassign, change role and change note are all a ``Put``.
    """

    region: str
    industry: str
    value: Assignment | None
    kind: str = "assign"  # assign | unassign | role | note: names the action for undo text


@dataclass(frozen=True)
class Rename:
    """Change the plan's name."""

    name: str
    kind: str = "rename"


@dataclass(frozen=True)
class SetSetting:
    """Change one analysis setting (``value=None`` restores the default)."""

    key: str
    value: Any
    kind: str = "setting"


@dataclass(frozen=True)
class Batch:
    """Several edits applied as one undo step (e.g. one industry to many regions)."""

    edits: tuple[Edit, ...]
    kind: str = "batch"


Edit = Put | Rename | SetSetting | Batch


@dataclass(frozen=True)
class Change:
    """What an applied edit touched; passed to listeners."""

    keys: frozenset[tuple[str, str]] = frozenset()
    settings: bool = False
    name: bool = False

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(region for region, _ in self.keys)

    @property
    def industries(self) -> frozenset[str]:
        return frozenset(industry for _, industry in self.keys)

    def __or__(self, other: Change) -> Change:
        return Change(
            self.keys | other.keys, self.settings or other.settings, self.name or other.name
        )


@dataclass
class Plan:
    """A named set of assignments at any of the three levels, plus its analysis settings.

    ``level`` is the level shown (the map's layer) and the level of an assignment that
    does not name its own; each stored assignment carries its level
    (:attr:`Assignment.level`), so showing another level never changes the plan.
    """

    name: str = "Untitled plan"
    level: str = "prefecture"
    settings: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    _assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict, repr=False)
    #: Announces each applied edit as a :class:`Change` (see :meth:`subscribe`).
    events: EventHub = field(default_factory=EventHub, repr=False, compare=False)
    # The same assignments by region, kept in step with ``_assignments``: the window asks
    # "what does this region take?" on every hover and edit, and a county plan holds
    # about 14,000 assignments.
    _by_region: dict[str, dict[str, Assignment]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # How many assignments each level holds, so that "is this plan on one level?" (asked
    # on every recolour) does not walk a county plan.
    _level_counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {self.level!r}")

    # -- reading ---------------------------------------------------------------
    @classmethod
    def from_assignments(cls, assignments: Iterable[Assignment], **kwargs: Any) -> Plan:
        plan = cls(**kwargs)
        # As _store for each, inlined: reading a county plan stores 14,000 of them.
        stored, by_region, level = plan._assignments, plan._by_region, plan.level
        for assignment in assignments:
            region, industry = assignment.region, assignment.industry
            if not assignment.level:  # on the plan's level
                assignment = Assignment(region, industry, assignment.role, assignment.note, level)
            stored[(region, industry)] = assignment
            taken = by_region.get(region)
            if taken is None:
                taken = by_region[region] = {}
            taken[industry] = assignment
        plan._level_counts.update(Counter(map(attrgetter("level"), stored.values())))
        return plan

    @classmethod
    def from_checked_columns(
        cls,
        regions: tuple[str, ...],
        industries: tuple[str, ...],
        roles: tuple[str, ...],
        notes: tuple[str, ...],
        levels: tuple[str, ...],
        **kwargs: Any,
    ) -> Plan | None:
        """The plan of one assignment per row of the columns, whose roles and levels
        the caller has checked already; ``None`` when a ``(region, industry)`` repeats.

        A plan file's reader builds the 14,000 assignments of a county plan this way:
        without the constructor's per-field frozen-attribute calls and role check, each
        object made and given its fields by a C loop, and the key index filled by one.
        """
        plan = cls(**kwargs)
        fields = [
            {"region": region, "industry": industry, "role": role, "note": note, "level": level}
            for region, industry, role, note, level in zip(
                regions, industries, roles, notes, levels, strict=True
            )
        ]
        # The objects made and given their fields by C loops (map), not by bytecode.
        assignments = list(map(object.__new__, repeat(Assignment, len(fields))))
        deque(map(object.__setattr__, assignments, repeat("__dict__"), fields), maxlen=0)
        stored, by_region = plan._assignments, plan._by_region
        stored.update(zip(zip(regions, industries, strict=True), assignments, strict=True))
        if len(stored) != len(regions):
            return None
        for region, industry, assignment in zip(regions, industries, assignments, strict=True):
            by_region.setdefault(region, {})[industry] = assignment
        plan._level_counts.update({level: levels.count(level) for level in set(levels)})
        return plan

    def _store(self, key: tuple[str, str], assignment: Assignment | None) -> None:
        region, industry = key
        old = self._assignments.get(key)
        if old is not None:
            self._level_counts[old.level] -= 1
        if assignment is None:
            self._assignments.pop(key, None)
            taken = self._by_region.get(region)
            if taken is not None:
                taken.pop(industry, None)
                if not taken:
                    del self._by_region[region]
        else:
            if not assignment.level:
                assignment = Assignment(
                    region, industry, assignment.role, assignment.note, self.level
                )
            self._assignments[key] = assignment
            self._by_region.setdefault(region, {})[industry] = assignment
            self._level_counts[assignment.level] = self._level_counts.get(assignment.level, 0) + 1

    def __len__(self) -> int:
        return len(self._assignments)

    def __iter__(self) -> Iterator[Assignment]:
        return iter(list(self._assignments.values()))

    def __contains__(self, key: object) -> bool:
        return key in self._assignments

    @property
    def assignments(self) -> list[Assignment]:
        return list(self._assignments.values())

    def sorted_assignments(self) -> list[Assignment]:
        """The assignments by region, then industry (as plan files list them)."""
        # A few thousand small sorts through the region index: faster than one of
        # 14,000 (region, industry) keys.
        ordered: list[Assignment] = []
        for region in sorted(self._by_region):
            taken = self._by_region[region]
            ordered.extend(map(taken.__getitem__, sorted(taken)))
        return ordered

    def get(self, region: str, industry: str) -> Assignment | None:
        return self._assignments.get((region, industry))

    def industries_of(self, region: str) -> list[Assignment]:
        return list(self._by_region.get(region, {}).values())

    def count_of(self, region: str) -> int:
        """How many industries ``region`` takes."""
        return len(self._by_region.get(region, ()))

    def region_counts(self) -> dict[str, int]:
        """Industries taken per region, for the regions that take any."""
        return {region: len(taken) for region, taken in self._by_region.items()}

    @property
    def region_total(self) -> int:
        """How many regions take at least one industry."""
        return len(self._by_region)

    def regions_with(self, industry: str) -> list[Assignment]:
        return [a for a in self._assignments.values() if a.industry == industry]

    @property
    def regions(self) -> list[str]:
        return sorted(self._by_region)

    @property
    def industries(self) -> list[str]:
        return sorted({a.industry for a in self._assignments.values()})

    @property
    def levels(self) -> list[str]:
        """The levels the assignments are on, coarse to fine (``[]`` for an empty plan)."""
        return [level for level in LEVELS if self._level_counts.get(level)]

    def on_one_level(self, level: str) -> bool:
        """Whether every assignment is on ``level`` (true of an empty plan)."""
        return self._level_counts.get(level, 0) == len(self._assignments)

    def at_level(self, level: str) -> list[Assignment]:
        """The assignments made on ``level``."""
        return [a for a in self._assignments.values() if a.level == level]

    # -- building edits --------------------------------------------------------
    def assign_industry(
        self, region: str, industry: str, role: str = "lead", note: str = "", level: str = ""
    ) -> Put:
        """The edit that assigns ``industry`` to ``region`` (keeps an existing note).

        ``level`` is the region's level: by default the existing assignment's, else the
        level shown.
        """
        old = self.get(region, industry)
        if old is not None and not note:
            note = old.note
        level = level or (old.level if old is not None else self.level)
        return Put(region, industry, Assignment(region, industry, role, note, level), "assign")

    def unassign_industry(self, region: str, industry: str) -> Put:
        return Put(region, industry, None, "unassign")

    def set_role(self, region: str, industry: str, role: str) -> Put:
        old = self._require(region, industry)
        return Put(
            region, industry, Assignment(region, industry, role, old.note, old.level), "role"
        )

    def set_note(self, region: str, industry: str, note: str) -> Put:
        old = self._require(region, industry)
        if len(note) > MAX_NOTE_LENGTH:
            raise ValueError(f"a note holds at most {MAX_NOTE_LENGTH} characters")
        return Put(
            region, industry, Assignment(region, industry, old.role, note, old.level), "note"
        )

    def _require(self, region: str, industry: str) -> Assignment:
        old = self.get(region, industry)
        if old is None:
            raise KeyError(f"{industry} is not assigned to {region}")
        return old

    # -- applying edits ----------------------------------------------------------
    def apply(self, edit: Edit) -> Edit:
        """Apply ``edit``, notify listeners once, and return the edit that undoes it."""
        inverse, change = self._apply(edit)
        self.events.emit(change)
        return inverse

    def _apply(self, edit: Edit) -> tuple[Edit, Change]:
        if isinstance(edit, Put):
            key = (edit.region, edit.industry)
            old = self._assignments.get(key)
            if edit.value is not None and edit.value.key != key:
                raise ValueError("a Put's value must have the Put's region and industry")
            self._store(key, edit.value)
            inverse_kind = {"assign": "unassign", "unassign": "assign"}.get(edit.kind, edit.kind)
            if old is None:
                inverse_kind = "unassign"
            elif edit.value is None:
                inverse_kind = "assign"
            return Put(edit.region, edit.industry, old, inverse_kind), Change(frozenset([key]))
        if isinstance(edit, Rename):
            old_name, self.name = self.name, edit.name
            return Rename(old_name), Change(name=True)
        if isinstance(edit, SetSetting):
            old_value = self.settings.get(edit.key)
            if edit.value is None:
                self.settings.pop(edit.key, None)
            else:
                self.settings[edit.key] = edit.value
            return SetSetting(edit.key, old_value), Change(settings=True)
        if isinstance(edit, Batch):
            inverses: list[Edit] = []
            change = Change()
            for sub_edit in edit.edits:
                inverse, sub_change = self._apply(sub_edit)
                inverses.append(inverse)
                change = change | sub_change
            return Batch(tuple(reversed(inverses))), change
        raise TypeError(f"not a plan edit: {edit!r}")

    # -- listeners ---------------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener(change)`` after every applied edit; returns an unsubscriber."""
        return self.events.subscribe(listener, Change)

    def on_level(self, level: str) -> Plan:
        """A copy shown on ``level`` with every assignment moved onto it (for an old
        one-level plan read on another level than it recorded)."""
        return Plan.from_assignments(
            (Assignment(a.region, a.industry, a.role, a.note, level) for a in self._assignments.values()),
            name=self.name,
            level=level,
            settings=dict(self.settings),
            metadata=dict(self.metadata),
        )

    def copy(self) -> Plan:
        """An independent copy with the same content and no listeners."""
        return Plan.from_assignments(
            self.assignments,
            name=self.name,
            level=self.level,
            settings=dict(self.settings),
            metadata=dict(self.metadata),
        )
