"""Moving plans between files and the store: push, pull and the history log.

Every write of an assignment gets a new version (1, 2, 3... per assignment, for people)
and a new change number (unique in the whole store, the token of optimistic concurrency:
a version starts again at 1 when a removed assignment is added back, a change number
never repeats). A pulled plan file remembers where it came from in
``metadata["store"]``: the store's id, the plan's name there and the change number of
every assignment it was pulled at (never a URL or a password). Pushing that file later
is a three-way merge per assignment:

* the store's row is still the one pulled: the file's edit (add, change, remove) is
  applied;
* the store's row changed since (another member's edit), and the file left it as it
  was pulled: the store's row stays (the next pull brings it);
* both changed it: a **conflict**, listed with the region, the industry and the other
  change (who, when, what); nothing is overwritten.

A file that never came from this store can only add assignments; where it differs from
an assignment the store already has, that is a conflict too. Assignments the pushing
role may not change (another province's, or locked) are listed as refused. A push with
any conflict or refusal writes nothing; otherwise it is written in one transaction, so
a push that dies halfway leaves the plan as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.errors import UniqueViolation
from psycopg.types.json import Jsonb

from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.store.connection import StoreError, redact_url
from cluster_planner.store.schema import SCHEMA

METADATA_KEY = "store"
ROW_COLUMNS = "region, industry, role, note, locked, province, version, changed_by, changed_at, seq"
#: Tries of a push whose guarded writes met a concurrent edit before giving up.
PUSH_ATTEMPTS = 3

Key = tuple[str, str]


@dataclass(frozen=True)
class StoredAssignment:
    """An assignment as the store holds it, with its version and last change."""

    region: str
    industry: str
    role: str
    note: str
    locked: bool
    province: str
    version: int
    changed_by: str
    changed_at: datetime
    seq: int

    @property
    def key(self) -> Key:
        return (self.region, self.industry)

    def same_as(self, assignment: Assignment | None) -> bool:
        return (assignment is not None and assignment.role == self.role
                and assignment.note == self.note)

    def describe(self) -> str:
        note = f", note {self.note!r}" if self.note else ""
        lock = ", locked" if self.locked else ""
        return f"{self.role}{note}{lock} (version {self.version})"


@dataclass(frozen=True)
class LastChange:
    """The newest history entry of one assignment."""

    action: str
    who: str
    at: datetime

    def describe(self) -> str:
        verb = {"insert": "added", "update": "changed", "delete": "removed"}[self.action]
        return f"{verb} by {self.who} at {self.at:%Y-%m-%d %H:%M:%S %Z}".rstrip()


@dataclass(frozen=True)
class Conflict:
    """An assignment the push did not write, and why."""

    region: str
    industry: str
    region_name: str
    mine: Assignment | None
    theirs: StoredAssignment | None
    other_change: LastChange | None
    reason: str  # conflict | province | locked | member

    def message(self, advice: str = "Pull the plan, redo your edit there and push again",
                yours: str = "your file") -> str:
        """One line: where, why, what the store has and who changed it, and ``advice``."""
        where = f"{self.region_name} ({self.region}), {self.industry}"
        mine = "removes it" if self.mine is None else (
            f"has {self.mine.role}" + (f", note {self.mine.note!r}" if self.mine.note else ""))
        if self.reason == "conflict":
            store = "does not have it" if self.theirs is None else f"has {self.theirs.describe()}"
            other = f", {self.other_change.describe()}" if self.other_change else ""
            return f"conflict at {where}: the store {store}{other}; {yours} {mine}. {advice}"
        why = {"locked": "locked by the coordinator",
               "member": "you are not a member of this store",
               "coordinator": "only a coordinator locks and unlocks assignments"}.get(
                   self.reason, "outside your province")
        return f"refused at {where}: {why}; {yours} {mine}"


@dataclass
class PushResult:
    plan: str
    created: bool = False
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    kept_theirs: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    settings_note: str = ""
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    store_id: str = ""

    @property
    def written(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class Member:
    """What the connected role may change."""

    role: str
    province: str | None
    everything: bool
    known: bool


class _Raced(Exception):
    """A guarded write met a concurrent edit: re-read and try again."""


# --------------------------------------------------------------------------- reading
def store_id(conn, url: str) -> str:
    row = None
    if conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.store",)).fetchone()[0] is not None:
        row = conn.execute(f"SELECT store_id FROM {SCHEMA}.store").fetchone()
    if row is None:
        raise StoreError(f"{redact_url(url)}: no Cluster Planner store here "
                         "(create one with: cluster-planner db init URL)")
    return str(row[0])


def current_member(conn) -> Member:
    row = conn.execute(
        f"""
        SELECT current_user, m.province, coalesce(m.coordinator, false), m.role_name IS NOT NULL,
               r.rolsuper OR r.rolbypassrls
               OR pg_has_role(current_user, c.relowner, 'USAGE')
        FROM pg_roles r
        JOIN pg_class c ON c.oid = '{SCHEMA}.assignments'::regclass
        LEFT JOIN {SCHEMA}.members m ON m.role_name = current_user
        WHERE r.rolname = current_user
        """
    ).fetchone()
    role, province, coordinator, known, owner = row
    return Member(role, province, bool(coordinator or owner), bool(known or owner))


def find_plan(conn, name: str) -> tuple[int, str, dict[str, Any]] | None:
    """``(id, level, settings)`` of the plan called ``name``, or ``None``."""
    return conn.execute(
        f"SELECT id, level, settings FROM {SCHEMA}.plans WHERE name = %s", (name,)
    ).fetchone()


def read_assignments(conn, plan_id: int) -> dict[Key, StoredAssignment]:
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT {ROW_COLUMNS} FROM {SCHEMA}.assignments WHERE plan_id = %s", (plan_id,),
        )
        return {(row[0], row[1]): StoredAssignment(*row) for row in cursor}


def region_table(conn, level: str) -> dict[str, tuple[str, str]]:
    """Region code to ``(province, English name)`` on one level."""
    rows = conn.execute(
        f"SELECT code, province, name_en FROM {SCHEMA}.regions WHERE level = %s", (level,)
    ).fetchall()
    return {code: (province, name) for code, province, name in rows}


def nested(changes: dict[Key, int]) -> dict[str, dict[str, int]]:
    """``{(region, industry): n}`` as ``{region: {industry: n}}`` (for a plan file)."""
    result: dict[str, dict[str, int]] = {}
    for (region, industry), number in sorted(changes.items()):
        result.setdefault(region, {})[industry] = number
    return result


def _base_changes(plan: Plan, store: str, name: str) -> dict[Key, int] | None:
    """The change numbers ``plan`` was pulled at, if it came from this store's plan."""
    meta = plan.metadata.get(METADATA_KEY)
    if not isinstance(meta, dict) or meta.get("id") != store or meta.get("plan") != name:
        return None
    changes = meta.get("changes")
    if not isinstance(changes, dict):
        return None
    base: dict[Key, int] = {}
    for region, industries in changes.items():
        if isinstance(industries, dict):
            for industry, number in industries.items():
                if isinstance(number, int) and not isinstance(number, bool):
                    base[(region, industry)] = number
    return base


def _values_at(conn, plan_id: int, changes: list[int]) -> dict[Key, tuple[str, str]]:
    """The ``(role, note)`` assignments had after the given changes (from the history)."""
    if not changes:
        return {}
    rows = conn.execute(
        f"""SELECT h.region, h.industry, h.after ->> 'role', h.after ->> 'note'
        FROM {SCHEMA}.history h WHERE h.plan_id = %s AND h.seq = ANY(%b::bigint[])""",
        (plan_id, changes),
    ).fetchall()
    return {(region, industry): (role, note) for region, industry, role, note in rows}


def last_changes(conn, plan_id: int, keys: list[Key]) -> dict[Key, LastChange]:
    if not keys:
        return {}
    regions, industries = zip(*keys, strict=True)
    rows = conn.execute(
        f"""
        SELECT DISTINCT ON (h.region, h.industry) h.region, h.industry, h.action, h.who, h.at
        FROM unnest(%s::text[], %s::text[]) AS k(region, industry)
        JOIN {SCHEMA}.history h ON h.plan_id = %s AND h.region = k.region
             AND h.industry = k.industry
        ORDER BY h.region, h.industry, h.seq DESC
        """,
        (list(regions), list(industries), plan_id),
    ).fetchall()
    return {(r, i): LastChange(action, who, at) for r, i, action, who, at in rows}


# --------------------------------------------------------------------------- push
def push_plan(conn, url: str, plan: Plan, name: str | None = None) -> PushResult:
    """Push ``plan`` into the store as ``name`` (default: its own name); see the module.

    Raises
    ------
    StoreError
        No store at ``url``, a plan of another level under that name, regions the
        store does not know, or a plan that kept changing during every attempt.
    """
    name = name or plan.name
    _refuse_nul(plan, name)
    for _ in range(PUSH_ATTEMPTS):
        try:
            with conn.transaction():
                return _push_once(conn, url, plan, name)
        except _Raced:
            continue
    raise StoreError(f"{redact_url(url)}: the plan {name!r} kept changing while pushing; "
                     "push again")


def _refuse_nul(plan: Plan, name: str) -> None:
    """PostgreSQL text cannot hold U+0000; say where it is rather than fail obscurely."""
    if "\x00" in name:
        raise StoreError(f"the plan name {name!r} holds a NUL character, which the store "
                         "cannot keep")
    for assignment in plan:
        if "\x00" in assignment.note:
            raise StoreError(f"the note of {assignment.region}, {assignment.industry} holds "
                             "a NUL character, which the store cannot keep")
    if "\\u0000" in json.dumps(plan.settings):
        raise StoreError("the plan's settings hold a NUL character, which the store cannot keep")


class _Refused(Exception):
    def __init__(self, result: PushResult):
        self.result = result


def _push_once(conn, url: str, plan: Plan, name: str) -> PushResult:
    store = store_id(conn, url)
    member = current_member(conn)
    result = PushResult(plan=name, store_id=store)
    found = find_plan(conn, name)
    if found is None:
        if not member.known:
            raise StoreError(f"{redact_url(url)}: the role {member.role} is not a member of "
                             "this store (ask its coordinator: cluster-planner db grant)")
        try:
            found = conn.execute(
                f"INSERT INTO {SCHEMA}.plans (name, level, settings) VALUES (%s, %s, %s) "
                "RETURNING id, level, settings", (name, plan.level, Jsonb(plan.settings)),
            ).fetchone()
        except UniqueViolation:  # created meanwhile by another push: merge into it
            raise _Raced from None
        result.created = True
    plan_id, level, settings = found
    if level != plan.level:
        raise StoreError(f"{redact_url(url)}: the plan {name!r} in the store is a {level} plan; "
                         f"the file is a {plan.level} plan")
    conn.execute("SELECT pg_advisory_xact_lock(7411, %s::int)", (plan_id % 2**31,))
    regions = region_table(conn, level)
    unknown = sorted({a.region for a in plan if a.region not in regions})
    if unknown:
        listed = ", ".join(unknown[:12]) + (f" and {len(unknown) - 12} more" if len(unknown) > 12
                                            else "")
        raise StoreError(f"{redact_url(url)}: regions not on the store's {level} layer: {listed}")
    stored = read_assignments(conn, plan_id)
    base = _base_changes(plan, store, name)
    mine = {a.key: a for a in plan}

    inserts: list[Assignment] = []
    updates: list[tuple[Assignment, int]] = []
    deletes: list[StoredAssignment] = []
    contested: list[Key] = []
    changed_since: dict[Key, int] = {}
    for key in mine.keys() | stored.keys():
        ours, theirs = mine.get(key), stored.get(key)
        if theirs is not None and theirs.same_as(ours):
            result.unchanged += 1
            continue
        if base is None:  # a file from elsewhere: it may add, never remove or overwrite
            if ours is None:
                continue
            if theirs is None:
                inserts.append(ours)
            else:
                contested.append(key)
            continue
        was = base.get(key)
        if was == (theirs.seq if theirs else None):
            if ours is None:
                assert theirs is not None  # each key is in mine or in stored
                deletes.append(theirs)
            elif theirs is None:
                inserts.append(ours)
            else:
                updates.append((ours, theirs.seq))
        elif was is None:
            # Added in the store since the pull; the file did not have it then either.
            if ours is None:
                result.kept_theirs += 1
            else:
                contested.append(key)
        else:
            changed_since[key] = was
    # Changed in the store since the pull: a conflict only where the file changed it too.
    pulled = _values_at(conn, plan_id, list(changed_since.values()))
    for key, _ in changed_since.items():
        ours = mine.get(key)
        then = pulled.get(key)
        untouched = (ours is None and then is None) or (
            ours is not None and then is not None and (ours.role, ours.note) == then)
        if untouched:
            result.kept_theirs += 1
        else:
            contested.append(key)

    def conflict(key: Key, reason: str, other: LastChange | None = None) -> Conflict:
        return Conflict(key[0], key[1], regions[key[0]][1], mine.get(key), stored.get(key),
                        other, reason)

    others = last_changes(conn, plan_id, contested)
    result.conflicts = [conflict(key, "conflict", others.get(key)) for key in sorted(contested)]
    for key in sorted([a.key for a in inserts] + [a.key for a, _ in updates]
                      + [row.key for row in deletes]):
        theirs = stored.get(key)
        province = theirs.province if theirs else regions[key[0]][0]
        if not member.known:
            result.conflicts.append(conflict(key, "member"))
        elif member.everything:
            continue
        elif theirs is not None and theirs.locked:
            result.conflicts.append(conflict(key, "locked"))
        elif province != member.province:
            result.conflicts.append(conflict(key, "province"))
    if result.conflicts:
        raise _Refused(result)
    # In key order: the history of one push reads region by region.
    inserts.sort(key=lambda a: a.key)
    updates.sort(key=lambda pair: pair[0].key)
    deletes.sort(key=lambda row: row.key)

    now = {key: row.seq for key, row in stored.items()}
    now.update(_write(conn, plan_id, regions, inserts, updates, deletes))
    for row in deletes:
        del now[row.key]
    result.inserted, result.updated, result.deleted = len(inserts), len(updates), len(deletes)
    if not result.created and plan.settings != settings:
        if member.everything:
            conn.execute(f"UPDATE {SCHEMA}.plans SET settings = %s WHERE id = %s",
                         (Jsonb(plan.settings), plan_id))
            result.settings_note = "settings changed"
        else:
            result.settings_note = "settings kept as in the store (a coordinator changes them)"
    result.changes = nested(_changes_after(now, stored, mine, base or {}))
    return result


def _changes_after(now: dict[Key, int], stored: dict[Key, StoredAssignment],
                   mine: dict[Key, Assignment], base: dict[Key, int]) -> dict[Key, int]:
    """The change numbers the pushed file matches now: the store's where the file has
    the store's assignment (written now, or equal), the pulled one where the store kept
    a newer edit of another member (so pushing the file again never overwrites it)."""
    matched: dict[Key, int] = {}
    for key in now.keys() | base.keys():
        row = stored.get(key)
        written = key in now and (row is None or row.seq != now[key])
        if written or (key in now and row is not None and row.same_as(mine.get(key))):
            matched[key] = now[key]
        elif key in base:
            matched[key] = base[key]
    return matched


def _write(conn, plan_id: int, regions: dict[str, tuple[str, str]], inserts: list[Assignment],
           updates: list[tuple[Assignment, int]],
           deletes: list[StoredAssignment]) -> dict[Key, int]:
    """Write the changes, each guarded by the change number read; ``_Raced`` if one
    moved. Returns the new change numbers of the rows added and changed."""
    if deletes:
        count = conn.execute(
            f"""DELETE FROM {SCHEMA}.assignments a
            USING unnest(%b::text[], %b::text[], %b::bigint[]) AS d(region, industry, seq)
            WHERE a.plan_id = %s AND a.region = d.region AND a.industry = d.industry
              AND a.seq = d.seq""",
            ([r.region for r in deletes], [r.industry for r in deletes],
             [r.seq for r in deletes], plan_id),
        ).rowcount
        if count != len(deletes):
            raise _Raced
    written: dict[Key, int] = {}
    if updates:
        rows = conn.execute(
            f"""UPDATE {SCHEMA}.assignments a SET role = u.role, note = u.note
            FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::bigint[])
                 AS u(region, industry, role, note, seq)
            WHERE a.plan_id = %s AND a.region = u.region AND a.industry = u.industry
              AND a.seq = u.seq
            RETURNING a.region, a.industry, a.seq""",
            ([a.region for a, _ in updates], [a.industry for a, _ in updates],
             [a.role for a, _ in updates], [a.note for a, _ in updates],
             [seq for _, seq in updates], plan_id),
        ).fetchall()
        if len(rows) != len(updates):
            raise _Raced
        written.update(((region, industry), seq) for region, industry, seq in rows)
    if inserts:
        rows = conn.execute(
            f"""INSERT INTO {SCHEMA}.assignments (plan_id, region, industry, role, note,
                                                 province)
            SELECT %s, i.* FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[],
                                       %b::text[]) AS i(region, industry, role, note, province)
            ON CONFLICT (plan_id, region, industry) DO NOTHING
            RETURNING region, industry, seq""",
            (plan_id, [a.region for a in inserts], [a.industry for a in inserts],
             [a.role for a in inserts], [a.note for a in inserts],
             [regions[a.region][0] for a in inserts]),
        ).fetchall()
        if len(rows) != len(inserts):
            raise _Raced
        written.update(((region, industry), seq) for region, industry, seq in rows)
    return written


def push(conn, url: str, plan: Plan, name: str | None = None) -> PushResult:
    """:func:`push_plan`, returning the refused result instead of raising it."""
    try:
        return push_plan(conn, url, plan, name)
    except _Refused as refused:
        return refused.result


# --------------------------------------------------------------------------- pull
def pull_plan(conn, url: str, name: str) -> Plan:
    """The plan ``name`` as the store holds it now, remembering the changes pulled."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        store = store_id(conn, url)
        found = find_plan(conn, name)
        if found is None:
            raise StoreError(f"{redact_url(url)}: no plan called {name!r} in the store"
                             + _known_plans(conn))
        plan_id, level, settings = found
        rows = read_assignments(conn, plan_id)
    assignments = [Assignment(r.region, r.industry, r.role, r.note) for r in rows.values()]
    changes = nested({key: row.seq for key, row in rows.items()})
    metadata = {METADATA_KEY: {"id": store, "plan": name, "changes": changes}}
    return Plan.from_assignments(assignments, name=name, level=level, settings=dict(settings),
                                 metadata=metadata)


def _known_plans(conn) -> str:
    names = [row[0] for row in conn.execute(
        f"SELECT name FROM {SCHEMA}.plans ORDER BY name LIMIT 6").fetchall()]
    if not names:
        return " (it holds no plans yet)"
    return " (it holds " + ", ".join(repr(n) for n in names[:5]) + (", ..." if len(names) > 5
                                                                    else "") + ")"


def remember_changes(plan: Plan, result: PushResult) -> None:
    """After a written push, make ``plan`` remember the changes it now matches."""
    plan.metadata[METADATA_KEY] = {"id": result.store_id, "plan": result.plan,
                                   "changes": result.changes}


# --------------------------------------------------------------------------- log
@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: datetime
    who: str
    action: str
    region: str
    industry: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    region_name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at.isoformat(), "who": self.who,
                "action": self.action, "region": self.region, "region_name": self.region_name,
                "industry": self.industry, "before": self.before, "after": self.after}


def read_history(conn, url: str, name: str, since: int = 0,
                 limit: int | None = None) -> list[HistoryEntry]:
    """The changes of plan ``name`` after change number ``since``, oldest first."""
    store_id(conn, url)
    found = find_plan(conn, name)
    if found is None:
        raise StoreError(f"{redact_url(url)}: no plan called {name!r} in the store"
                         + _known_plans(conn))
    query = (f"SELECT h.seq, h.at, h.who, h.action, h.region, h.industry, h.before, h.after, "
             f"coalesce(r.name_en, '') FROM {SCHEMA}.history h LEFT JOIN {SCHEMA}.regions r "
             f"ON r.level = %s AND r.code = h.region "
             f"WHERE h.plan_id = %s AND h.seq > %s ORDER BY seq")
    params: list[Any] = [found[1], found[0], since]
    if limit is not None:
        query = f"SELECT * FROM ({query} DESC LIMIT %s) last ORDER BY seq"
        params.append(limit)
    return [HistoryEntry(*row) for row in conn.execute(query, params).fetchall()]
