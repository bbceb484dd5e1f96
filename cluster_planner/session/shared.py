"""A session's plan kept in a plan store: edits go to the server, others' edits come in.

:func:`open_shared` opens the plan ``name`` of the store at ``url`` in a
:class:`~cluster_planner.session.PlanSession` and attaches a :class:`SharedLink`
(``session.shared``). From then on:

* every edit of an assignment (and its undo and redo) is pending until :meth:`SharedLink.flush`
  writes it through :class:`~cluster_planner.store.shared.SharedPlan`, one assignment at a
  time with its version check. The window flushes right after each edit; a script calls
  ``flush()`` itself. The store decides: an accepted edit stays; a **conflict** (another
  member changed the assignment since) or a **refusal** (another province's region, a
  locked assignment) puts the store's assignment back in the plan and is announced as
  :class:`SharedEditsRefused` with one line per assignment;
* :meth:`SharedLink.refresh` brings in the edits others made (the window calls it when a
  :class:`~cluster_planner.store.shared.ChangeListener` hears of one) and announces them
  as :class:`RemoteChanges`;
* a server that goes away (:class:`~cluster_planner.store.connection.ConnectionLost`)
  leaves the link offline (:class:`SharedConnectionLost`): the plan and its unwritten
  edits stay in the session, which saves them to a file as usual. The plan remembers the
  change number of every assignment it has in common with the store
  (``metadata["store"]``, as a pulled file does), so that file can be pushed later as a
  three-way merge (``cluster-planner db push``): nothing is overwritten silently.

Plan names, settings and the user's facts stay local in a shared plan: the store keeps
assignments (its coordinator changes the settings with a push).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cluster_planner.domain.plan import Assignment, Batch, Put
from cluster_planner.session.events import PlanEdited, SessionEvent
from cluster_planner.store.connection import ConnectionLost, StoreError, connect, redact_url
from cluster_planner.store.shared import ConflictError, RefusedError, SharedPlan
from cluster_planner.store.sync import METADATA_KEY, StoredAssignment, nested

if TYPE_CHECKING:
    from cluster_planner.session.level import LevelData
    from cluster_planner.session.session import PlanSession

Key = tuple[str, str]


@dataclass(frozen=True)
class SharedEditsRefused(SessionEvent):
    """Edits the store did not take; the plan shows the store's assignments there again.

    ``messages`` holds one line per assignment (region, industry, why, the other change).
    """

    messages: tuple[str, ...]
    keys: tuple[Key, ...]
    conflicts: int
    refusals: int


@dataclass(frozen=True)
class RemoteChange:
    """An assignment another member changed: ``row`` is the store's, ``None`` when removed."""

    region: str
    industry: str
    row: StoredAssignment | None

    @property
    def who(self) -> str:
        return "" if self.row is None else self.row.changed_by


@dataclass(frozen=True)
class RemoteChanges(SessionEvent):
    """Others' edits, now applied to the open plan."""

    changes: tuple[RemoteChange, ...]


@dataclass(frozen=True)
class SharedConnectionLost(SessionEvent):
    """The server went away; the plan and its unwritten edits stay in the session."""

    message: str


@dataclass(frozen=True)
class SharedWritten(SessionEvent):
    """Every edit made so far is in the store (the plan has nothing unsaved)."""

    count: int


def connect_shared(url: str, name: str, password: str | None = None) -> SharedPlan:
    """Connect to the store at ``url`` and open its plan ``name`` (not loaded yet).

    Raises
    ------
    StoreError
        The server cannot be reached, the role may not log in, or there is no such
        plan (one line, never a password).
    """
    conn = connect(url, autocommit=True, password=password)
    try:
        return SharedPlan(conn, url, name)
    except BaseException:
        conn.close()
        raise


def open_shared(session: PlanSession, shared: SharedPlan, data: LevelData | None = None) -> SharedLink:
    """Load ``shared`` into ``session`` (on ``data``, its level's data) and attach the link.

    Raises
    ------
    StoreError
        The plan cannot be read from the store.
    """
    plan = shared.load()
    if data is None:
        data = session.level_data_for(plan.level)
    link = SharedLink(session, shared)
    plan.metadata[METADATA_KEY] = link.metadata()
    session.install(plan, data, None)
    session.attach_shared(link)
    return link


class SharedLink:
    """The open plan's connection to its store: pending edits, writes, refreshes.

    Parameters
    ----------
    session
        The session whose plan is the store's plan ``shared.name``.
    shared
        The open :class:`SharedPlan` (loaded).
    """

    def __init__(self, session: PlanSession, shared: SharedPlan):
        self.session = session
        self.shared = shared
        self.url = shared.url
        self.name = shared.name
        #: Assignments edited here and not yet in the store.
        self.pending: set[Key] = set()
        self.online = True
        #: Why the link is offline ("" while online).
        self.problem = ""
        self._applying_store = False
        # Change numbers of this link's own writes: their notices need no refresh.
        self._written_seqs: set[int] = set()
        self._unsubscribe = session.events.subscribe(self._on_plan_edited, PlanEdited)

    # -- what the window shows ----------------------------------------------------
    @property
    def where(self) -> str:
        """The store's URL without a password."""
        return redact_url(self.url)

    @property
    def role(self) -> str:
        return self.shared.member.role

    @property
    def province(self) -> str | None:
        member = self.shared.member
        return None if member.everything else member.province

    def last_change(self, region: str, industry: str) -> StoredAssignment | None:
        """The assignment as the store last had it: who changed it last, when, version."""
        return self.shared.last_change(region, industry)

    def metadata(self) -> dict[str, Any]:
        """What the plan remembers of the store (as a pulled file does: no URL, no password)."""
        changes: dict[Key, int] = {key: row.seq for key, row in self.shared.rows.items()}
        old = self.session.plan.metadata.get(METADATA_KEY) if self.session.plan else None
        if isinstance(old, dict) and old.get("plan") == self.name and self.pending:
            # Edits not yet written keep the change number they were made on.
            for region, industries in (old.get("changes") or {}).items():
                for industry, seq in industries.items():
                    if (region, industry) in self.pending:
                        changes[(region, industry)] = seq
            for key in self.pending:
                if key not in _flatten(old.get("changes") or {}):
                    changes.pop(key, None)
        return {"id": self.shared.store_id, "plan": self.name, "changes": nested(changes)}

    # -- writing --------------------------------------------------------------------
    def _on_plan_edited(self, event: PlanEdited) -> None:
        if not self._applying_store:
            self.pending.update(event.change.keys)

    def flush(self) -> int:
        """Write the pending edits; returns how many went in.

        Refused and conflicting edits are undone in the plan (the store's assignment is
        put back) and announced together as one :class:`SharedEditsRefused`; a lost
        connection takes the link offline (:class:`SharedConnectionLost`) with the
        edits kept in the plan.
        """
        if not self.online or not self.pending:
            return 0
        plan = self.session.plan
        written = 0
        messages: list[str] = []
        undone: list[Key] = []
        conflicts = refusals = 0
        for key in sorted(self.pending):
            value = plan.get(*key)
            row = self.shared.rows.get(key)
            if (value is None and row is None) or (row is not None and row.same_as(value)):
                self.pending.discard(key)
                continue
            try:
                self.shared.put(*key, value)
            except ConnectionLost as error:
                self._go_offline(error.one_line())
                break
            except (ConflictError, RefusedError) as error:
                messages.append(error.one_line())
                undone.append(key)
                self.pending.discard(key)
                if isinstance(error, ConflictError):
                    conflicts += 1
                else:
                    refusals += 1
            except StoreError as error:
                self._go_offline(error.one_line())
                break
            else:
                self.pending.discard(key)
                written += 1
                row = self.shared.rows.get(key)
                if row is not None:
                    self._written_seqs.add(row.seq)
        if undone:
            self._apply_store_rows(undone)
        self._remember_changes()
        if messages:
            self.session.events.emit(
                SharedEditsRefused(tuple(messages), tuple(undone), conflicts, refusals))
        if self.online and not self.pending:
            self.session.command_stack.set_clean()
            self.session.events.emit(SharedWritten(written))
        return written

    # -- reading ----------------------------------------------------------------------
    def only_own(self, notices: Any) -> bool:
        """Whether the store's ``notices`` (:class:`~cluster_planner.store.shared.Notice`)
        all announce this link's own writes (then a refresh would find nothing)."""
        return bool(notices) and all(
            notice.count == 1 and notice.seq in self._written_seqs for notice in notices)

    def refresh(self) -> tuple[RemoteChange, ...]:
        """Bring others' edits into the plan; returns (and announces) them.

        Assignments with an edit here not yet written are left as they are here: writing
        that edit later meets the other change as a conflict, never overwrites it.
        """
        if not self.online:
            return ()
        # An edit made here stays based on the assignment it was made on: written later,
        # it meets the other change as a conflict.
        bases = {key: self.shared.rows.get(key) for key in self.pending}
        try:
            changed = self.shared.refresh()
        except StoreError as error:
            self._go_offline(error.one_line())
            return ()
        for key, row in bases.items():
            if row is None:
                self.shared.rows.pop(key, None)
            else:
                self.shared.rows[key] = row
        keys = sorted(key for key in changed if key not in self.pending)
        plan = self.session.plan
        keys = [key for key in keys if not _same(plan.get(*key), changed[key])]
        if keys:
            self._apply_store_rows(keys)
        self._remember_changes()
        news = tuple(RemoteChange(*key, changed[key]) for key in keys)
        if news:
            self.session.events.emit(RemoteChanges(news))
        return news

    # -- going away ---------------------------------------------------------------------
    def lost(self, message: str) -> None:
        """Say the server went away (e.g. heard by a listener): the link goes offline."""
        if self.online:
            self._go_offline(message)

    def close(self) -> None:
        """Detach from the session and close the connection (the plan stays as it is)."""
        self._unsubscribe()
        try:
            self.shared.close()
        except Exception:  # noqa: BLE001 (a dead connection may fail to close)
            pass

    # -- internals -----------------------------------------------------------------------
    def _go_offline(self, message: str) -> None:
        self.online = False
        self.problem = message
        self.session.command_stack.reset_clean()  # the unwritten edits are unsaved work
        self.session.events.emit(SharedConnectionLost(message))

    def _apply_store_rows(self, keys: list[Key]) -> None:
        """Put the store's assignments at ``keys`` into the plan (no undo step, not pending)."""
        rows = self.shared.rows
        edits = []
        for key in keys:
            row = rows.get(key)
            value = None if row is None else Assignment(*key, row.role, row.note)
            edits.append(Put(*key, value, "unassign" if value is None else "assign"))
        self._applying_store = True
        try:
            self.session.plan.apply(edits[0] if len(edits) == 1 else Batch(tuple(edits)))
        finally:
            self._applying_store = False

    def _remember_changes(self) -> None:
        self.session.plan.metadata[METADATA_KEY] = self.metadata()


def _same(assignment: Assignment | None, row: StoredAssignment | None) -> bool:
    if assignment is None or row is None:
        return assignment is None and row is None
    return row.same_as(assignment)


def _flatten(changes: dict[str, Any]) -> set[Key]:
    return {(region, industry) for region, industries in changes.items()
            if isinstance(industries, dict) for industry in industries}
