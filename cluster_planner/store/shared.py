"""One plan of a store, as a window edits it: one assignment at a time, never blindly.

:class:`SharedPlan` keeps every assignment it has seen, with its version and change
number. Each edit is written only if the store still has that change (optimistic
concurrency: a change number never repeats, a version restarts when a removed assignment
is added back); otherwise
:class:`ConflictError` names the region, the industry and the other change, and
nothing is written. :class:`RefusedError` says the database refused the edit (another
province's region, or locked). :meth:`SharedPlan.refresh` brings others' edits in;
:class:`ChangeListener` tells when to call it (LISTEN/NOTIFY), so a window can follow
the store without polling::

    shared = SharedPlan.open(url, "National draft 2026")
    plan = shared.load()
    listener = ChangeListener(url, plan_name="National draft 2026")
    shared.put("430200", "new-materials", Assignment("430200", "new-materials", "lead"))
    for notice in listener.wait(timeout=1.0):
        for key, row in shared.refresh().items():
            ...  # row is a StoredAssignment, or None when removed
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.store.connection import (
    StoreError,
    connect,
    describe,
    redact_url,
    translated_errors,
)
from cluster_planner.store.schema import CHANNEL, SCHEMA
from cluster_planner.store.sync import (
    ROW_COLUMNS,
    Conflict,
    Key,
    LastChange,
    StoredAssignment,
    current_member,
    find_plan,
    last_changes,
    read_assignments,
    region_table,
    store_id,
)

REFRESH_ADVICE = "Refresh to see it, then redo your edit"


class ConflictError(StoreError):
    """The assignment changed in the store since this client last saw it."""

    def __init__(self, conflict: Conflict):
        self.conflict = conflict
        super().__init__(conflict.message(REFRESH_ADVICE, yours="your edit"))


class RefusedError(StoreError):
    """The database refused the edit: another province's region, or locked."""

    def __init__(self, conflict: Conflict):
        self.conflict = conflict
        super().__init__(conflict.message(yours="your edit"))


class _Connected:
    """Holds one connection, closed by :meth:`close` or at the end of a ``with``."""

    conn: Any

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SharedPlan(_Connected):
    """One plan in a store, edited one assignment at a time with version checks."""

    def __init__(self, conn, url: str, name: str):
        self.conn = conn
        self.url = url
        self.name = name
        with translated_errors(url, "opening the plan"):
            self.store_id = store_id(conn, url)
            found = find_plan(conn, name)
            if found is None:
                raise StoreError(f"{redact_url(url)}: no plan called {name!r} in the store")
            self.plan_id, self.level, self.settings = found
            self.regions = region_table(conn, self.level)
            self.member = current_member(conn)
        self.rows: dict[Key, StoredAssignment] = {}

    @classmethod
    def open(cls, url: str, name: str) -> SharedPlan:
        """Connect (autocommit: every edit is its own transaction) and open ``name``."""
        return cls(connect(url, autocommit=True), url, name)

    # -- reading -------------------------------------------------------------
    def load(self) -> Plan:
        """The plan as the store holds it now."""
        with translated_errors(self.url, "loading the plan"):
            self.rows = read_assignments(self.conn, self.plan_id)
        return Plan.from_assignments(
            (Assignment(r.region, r.industry, r.role, r.note) for r in self.rows.values()),
            name=self.name, level=self.level, settings=dict(self.settings),
        )

    def version(self, region: str, industry: str) -> int | None:
        """The version of the assignment as last seen (``None``: not assigned)."""
        row = self.rows.get((region, industry))
        return None if row is None else row.version

    def _seen(self, key: Key) -> int | None:
        row = self.rows.get(key)
        return None if row is None else row.seq

    def last_change(self, region: str, industry: str) -> StoredAssignment | None:
        """The assignment as last seen, with who changed it last and when."""
        return self.rows.get((region, industry))

    def refresh(self) -> dict[Key, StoredAssignment | None]:
        """Others' edits since the last load or refresh: key to new row (``None``: removed)."""
        # The change numbers first (a county plan holds 14,000 rows), whole rows only
        # where they moved.
        with translated_errors(self.url, "refreshing the plan"), self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with self.conn.cursor() as cursor:
                cursor.execute(f"SELECT region, industry, seq FROM {SCHEMA}.assignments "
                               "WHERE plan_id = %s", (self.plan_id,))
                seqs = {(region, industry): seq for region, industry, seq in cursor}
            rows = self.rows
            moved = [key for key, seq in seqs.items()
                     if (row := rows.get(key)) is None or row.seq != seq]
            found: dict[Key, StoredAssignment] = {}
            if moved:
                regions, industries = zip(*moved, strict=True)
                found = {(row[0], row[1]): StoredAssignment(*row) for row in self.conn.execute(
                    f"SELECT {ROW_COLUMNS} FROM {SCHEMA}.assignments a JOIN "
                    "unnest(%s::text[], %s::text[]) AS k(region, industry) USING (region, industry) "
                    "WHERE a.plan_id = %s", (list(regions), list(industries), self.plan_id))}
        changed: dict[Key, StoredAssignment | None] = {
            key: None for key in rows.keys() - seqs.keys()}
        changed.update(found)
        for key, row in changed.items():
            if row is None:
                rows.pop(key, None)
            else:
                rows[key] = row
        return changed

    # -- writing -------------------------------------------------------------
    def put(self, region: str, industry: str, value: Assignment | None) -> int | None:
        """Write one assignment (``None`` removes it) if nobody changed it meanwhile.

        Returns the new version (``None`` after a removal).

        Raises
        ------
        ConflictError
            The store's assignment is not the one this client saw.
        RefusedError
            Outside the role's province, or locked.
        StoreError
            The connection was lost (nothing was written).
        """
        key = (region, industry)
        expected = self._seen(key)
        table = f"{SCHEMA}.assignments"
        if value is None and expected is None:
            return None
        if value is None:
            query = (f"DELETE FROM {table} WHERE plan_id = %s AND region = %s "
                     "AND industry = %s AND seq = %s RETURNING version")
            params: tuple = (self.plan_id, region, industry, expected)
        elif expected is None:
            query = (f"INSERT INTO {table} (plan_id, region, industry, role, note, province) "
                     "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (plan_id, region, industry) "
                     "DO NOTHING RETURNING version")
            params = (self.plan_id, region, industry, value.role, value.note,
                      self.regions.get(region, ("",))[0])
        else:
            query = (f"UPDATE {table} SET role = %s, note = %s WHERE plan_id = %s "
                     "AND region = %s AND industry = %s AND seq = %s RETURNING version")
            params = (value.role, value.note, self.plan_id, region, industry, expected)
        row = self._write_one(query, params, "saving an edit",
                              lambda: self._refusal(key, value, None))
        if row is None:
            raise self._why_not(key, value)
        self._remember(key)
        return None if value is None else row[0]

    def set_locked(self, region: str, industry: str, locked: bool = True) -> int:
        """Lock (or unlock) an assignment; only a coordinator may."""
        key = (region, industry)
        stored = self.rows.get(key)
        mine = None if stored is None else Assignment(region, industry, stored.role, stored.note)

        def refusal() -> RefusedError:
            return RefusedError(self._conflict(key, mine, stored, None, "coordinator"))

        row = self._write_one(
            f"UPDATE {SCHEMA}.assignments SET locked = %s WHERE plan_id = %s "
            "AND region = %s AND industry = %s AND seq = %s RETURNING version",
            (locked, self.plan_id, region, industry, self._seen(key)), "locking", refusal)
        if row is None:
            raise refusal() if not self.member.everything else self._why_not(key, mine)
        self._remember(key)
        return row[0]

    def _write_one(self, query: str, params: tuple, doing: str,
                   refusal: Callable[[], RefusedError]) -> tuple | None:
        """Run one guarded write in its own transaction: the returned row, ``None`` when
        the guard matched nothing, ``refusal()`` raised when row-level security said no."""
        import psycopg

        try:
            with self.conn.transaction():
                return self.conn.execute(query, params).fetchone()
        except psycopg.errors.InsufficientPrivilege:
            raise refusal() from None
        except psycopg.Error as error:
            raise describe(error, self.url, doing) from None

    def _remember(self, key: Key) -> None:
        with translated_errors(self.url, "reading the plan"):
            row = self.conn.execute(
                f"SELECT {ROW_COLUMNS} FROM {SCHEMA}.assignments WHERE plan_id = %s "
                "AND region = %s AND industry = %s", (self.plan_id, *key),
            ).fetchone()
        if row is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = StoredAssignment(*row)

    def _why_not(self, key: Key, value: Assignment | None) -> StoreError:
        seen = self.rows.get(key)
        self._remember(key)
        now = self.rows.get(key)
        # A row that looks unchanged can still have been raced: another writer inserted
        # it and removed it again between our write and this read. Where this role may
        # write an unlocked row, nothing but such a race makes the guard miss.
        may_write = self.member.known and (
            self.member.everything or self.regions.get(key[0], ("",))[0] == self.member.province)
        if (seen and seen.seq) != (now and now.seq) or (may_write and not (now and now.locked)):
            with translated_errors(self.url, "reading the history"):
                other = last_changes(self.conn, self.plan_id, [key]).get(key)
            return ConflictError(self._conflict(key, value, now, other, "conflict"))
        return self._refusal(key, value, now)

    def _refusal(self, key: Key, value: Assignment | None,
                 stored: StoredAssignment | None) -> RefusedError:
        reason = ("member" if not self.member.known
                  else "locked" if stored is not None and stored.locked else "province")
        return RefusedError(self._conflict(key, value, stored, None, reason))

    def _conflict(self, key: Key, value: Assignment | None, stored: StoredAssignment | None,
                  other: LastChange | None, reason: str) -> Conflict:
        name = self.regions.get(key[0], ("", key[0]))[1]
        return Conflict(key[0], key[1], name, value, stored, other, reason)


@dataclass(frozen=True)
class Notice:
    """One notification: a statement changed ``count`` assignments of a plan."""

    plan: str
    plan_id: int
    seq: int
    count: int
    who: str


class ChangeListener(_Connected):
    """Notifications of changes to the store's plans (LISTEN on its own connection)."""

    def __init__(self, url: str, plan_name: str | None = None, password: str | None = None):
        self.url = url
        self.plan_name = plan_name
        self.conn = connect(url, autocommit=True, password=password)
        with translated_errors(url, "listening for changes"):
            self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float, stop_after: int = 1) -> list[Notice]:
        """The notices that arrive within ``timeout`` seconds (returns after
        ``stop_after`` of them, or at the timeout)."""
        notices: list[Notice] = []
        with translated_errors(self.url, "listening for changes"):
            for notify in self.conn.notifies(timeout=timeout, stop_after=stop_after):
                notice = _notice(notify.payload)
                if notice is not None and self.plan_name in (None, notice.plan):
                    notices.append(notice)
        return notices



def _notice(payload: str) -> Notice | None:
    try:
        data: dict[str, Any] = json.loads(payload)
        return Notice(str(data["plan"]), int(data["plan_id"]), int(data["seq"]),
                      int(data["count"]), str(data["who"]))
    except (ValueError, KeyError, TypeError):
        return None
