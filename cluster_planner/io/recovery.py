"""Recovery files: the unsaved state of open plans, so a crash loses at most a minute.

The window calls :func:`write_recovery` on a timer while a plan has unsaved changes and
:func:`discard_recovery` once it is saved or closed on purpose. At start-up,
:func:`find_recoveries` lists what sessions that ended without cleaning up (a crash, a
power cut, a kill) left behind, and :func:`load_recovery` reads one back.

Files live in ``<user data dir>/recovery/`` (``platformdirs.user_data_dir
("cluster-planner")``, or ``$CLUSTER_PLANNER_HOME`` when set, e.g. by tests). Each is
named ``<session>-<slot>.recovery.json``: the session is this process (its pid and a
random tag), the slot one open plan, so two windows, or two running copies of the app,
never overwrite each other's files. A recovery file wraps a plan in the current plan-file format::

    {"format": "cluster-planner-recovery", "version": 1, "session": "4242-9f3a1c2e",
     "pid": 4242, "host": "...", "saved": "2026-03-05T09:30:00Z",
     "source_path": "/home/me/draft.cplan" or null, "plan": {<plan file content>}}

Each write is atomic (:func:`cluster_planner.io.planfile.atomic_write_bytes`), so a
crash during an autosave leaves the previous recovery file whole.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import Plan
from cluster_planner.io import locks
from cluster_planner.io.planfile import (
    atomic_write_bytes,
    dumps_plan,
    parse_json,
    parse_time,
    plan_file_bytes,
    plan_from_data,
    read_file_bytes,
    remove_stale_temp_folders,
)

RECOVERY_FORMAT = "cluster-planner-recovery"
RECOVERY_VERSION = 1
RECOVERY_SUFFIX = ".recovery.json"
LOCK_SUFFIX = ".lock"
HOME_ENVIRONMENT_VARIABLE = "CLUSTER_PLANNER_HOME"

#: This process: its recovery files carry this tag and are never offered back to it.
SESSION_ID = f"{os.getpid()}-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class RecoveryEntry:
    """One recovery file left by a session that did not clean up.

    Attributes
    ----------
    path
        The recovery file.
    plan_name
        The plan's name (``""`` when the file is unreadable).
    source_path
        The plan file the plan was opened from or last saved to; ``None`` for a plan
        never saved.
    saved_at
        When the recovery file was written (UTC).
    level, assignments
        The plan's level and number of assignments, for the "restore?" dialog.
    session, pid, host
        The session that wrote it, its process id and machine.
    problem
        ``None``, or why the file cannot be restored (it can still be discarded).
    """

    path: Path
    plan_name: str
    source_path: Path | None
    saved_at: datetime | None
    level: str = ""
    assignments: int = 0
    session: str = ""
    pid: int = 0
    host: str = ""
    problem: str | None = None

    @property
    def source_is_newer(self) -> bool:
        """The plan file was changed after this recovery was written (restore with care)."""
        if self.source_path is None or self.saved_at is None:
            return False
        try:
            modified = self.source_path.stat().st_mtime
        except OSError:
            return False
        return modified > self.saved_at.timestamp()


def app_home() -> Path:
    """The per-user data folder of the app (``$CLUSTER_PLANNER_HOME`` overrides it)."""
    override = os.environ.get(HOME_ENVIRONMENT_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("cluster-planner", appauthor=False))


def recovery_dir() -> Path:
    """The folder of recovery files (not created until the first write)."""
    return app_home() / "recovery"


def recovery_path(slot: str | None = None, plan: Plan | None = None) -> Path:
    """The recovery file of ``slot`` (or of ``plan``) in this session."""
    if slot is None:
        if plan is None:
            raise ValueError("give a slot or a plan")
        slot = f"{id(plan):x}"
    if not slot or any(character in slot for character in "/\\:") or slot.startswith("."):
        raise ValueError(f"a recovery slot must be a plain name, not {slot!r}")
    return recovery_dir() / f"{SESSION_ID}-{slot}{RECOVERY_SUFFIX}"


def write_recovery(
    plan: Plan, source_path: str | os.PathLike[str] | None = None, *, slot: str | None = None
) -> Path:
    """Write the recovery file of ``plan`` atomically, replacing its previous one.

    Parameters
    ----------
    plan
        The plan as it is now, unsaved changes included.
    source_path
        The plan file it belongs to, if it has been saved or opened from one.
    slot
        Names the open plan within this session; by default one slot per ``Plan``
        object, so each window writes its own file.

    Returns
    -------
    Path
        The recovery file (pass it to :func:`discard_recovery` after a save).

    Raises
    ------
    PlanFileError
        The recovery folder cannot be created or written.
    """
    path = recovery_path(slot, plan)
    moment = datetime.now(UTC)
    wrapper = {
        "format": RECOVERY_FORMAT,
        "version": RECOVERY_VERSION,
        "session": SESSION_ID,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        # milliseconds: two autosaves within a second still sort in order
        "saved": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "source_path": None if source_path is None else str(Path(source_path).absolute()),
    }
    # The plan part uses the plan file's normalised text, so it reads like a plan file.
    plan_text = dumps_plan(plan, now=moment, source=str(path)).rstrip("\n").replace("\n", "\n  ")
    header = json.dumps(wrapper, ensure_ascii=False, indent=2)[:-2]
    text = f'{header},\n  "plan": {plan_text}\n}}\n'
    data = plan_file_bytes(text, path, what="recovery file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # also a folder made open by an older version
    except OSError as error:
        raise PlanFileError(
            path.parent, f"cannot create the recovery folder: {error.strerror}"
        ) from None
    hold_session_lock()
    # Unsaved plans may be confidential drafts: only their owner reads them.
    atomic_write_bytes(path, data, error=PlanFileError, mode=0o600)
    return path


def find_recoveries(*, include_running: bool = False) -> list[RecoveryEntry]:
    """The recovery files a restart may offer to restore, newest first.

    Files of this session are never listed. Files of another session still running (a
    second copy of the app, which holds its session lock) are listed only with
    ``include_running``. Temporary folders of autosaves killed midway are removed. Unreadable files are listed with a ``problem`` so that they
    can be discarded.
    """
    folder = recovery_dir()
    remove_stale_temp_folders(folder)  # autosaves killed midway
    try:
        paths = sorted(folder.glob(f"*{RECOVERY_SUFFIX}"))
    except OSError:
        return []
    entries = []
    for path in paths:
        if path.name.startswith(f"{SESSION_ID}-"):
            continue
        entry = _read_entry(path)
        if not include_running and entry.problem is None and session_is_running(entry.session):
            continue
        entries.append(entry)
    _remove_dead_locks(folder, {"-".join(path.name.split("-")[:2]) for path in paths})
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(entries, key=lambda e: e.saved_at or epoch, reverse=True)


def _read_entry(path: Path) -> RecoveryEntry:
    try:
        wrapper = _read_wrapper(path)
    except PlanFileError as error:
        return RecoveryEntry(path, "", None, None, problem=error.problem)
    plan = wrapper["plan"]
    assignments = plan.get("assignments") if isinstance(plan, dict) else None
    source = wrapper.get("source_path")
    pid = wrapper.get("pid")
    entry = RecoveryEntry(
        path=path,
        plan_name=str(plan.get("name", "")) if isinstance(plan, dict) else "",
        source_path=Path(source) if isinstance(source, str) and source else None,
        saved_at=parse_time(wrapper["saved"]),
        level=str(plan.get("level", "")) if isinstance(plan, dict) else "",
        assignments=len(assignments) if isinstance(assignments, list) else 0,
        session=str(wrapper.get("session", "")),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else 0,
        host=str(wrapper.get("host", "")),
    )
    return entry


def _read_wrapper(path: Path) -> dict[str, Any]:
    data = read_file_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(path, "the recovery file is not UTF-8 text") from None
    if not text.strip():
        raise PlanFileError(path, "the recovery file is empty")
    wrapper = parse_json(text, path)
    if not isinstance(wrapper, dict) or wrapper.get("format") != RECOVERY_FORMAT:
        raise PlanFileError(path, "not a Cluster Planner recovery file")
    if wrapper.get("version") != RECOVERY_VERSION:
        raise PlanFileError(path, f"unknown recovery file version {wrapper.get('version')!r}")
    if not isinstance(wrapper.get("saved"), str) or parse_time(wrapper["saved"]) is None:
        raise PlanFileError(path, "the recovery file has no valid 'saved' time")
    if not isinstance(wrapper.get("plan"), dict):
        raise PlanFileError(path, "the recovery file holds no plan")
    return wrapper


def load_recovery(
    entry: RecoveryEntry | str | os.PathLike[str], catalog: Any = None, layer: Any = None
) -> Plan:
    """Read the plan of a recovery file, validated like a plan file.

    Raises
    ------
    PlanFileError
        ``<recovery file>: <problem>``.
    """
    path = entry.path if isinstance(entry, RecoveryEntry) else Path(entry)
    wrapper = _read_wrapper(path)
    return plan_from_data(wrapper["plan"], path, catalog, layer)


def discard_recovery(entry: RecoveryEntry | str | os.PathLike[str] | None) -> None:
    """Delete a recovery file (after a save, a deliberate close, or a declined restore).

    A file already gone is fine; ``None`` does nothing.
    """
    if entry is None:
        return
    path = entry.path if isinstance(entry, RecoveryEntry) else Path(entry)
    if not path.name.endswith(RECOVERY_SUFFIX):
        raise ValueError(f"{path} is not a recovery file")
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise PlanFileError(path, f"cannot delete the recovery file: {error.strerror}") from None


def discard_session_recoveries() -> None:
    """Delete every recovery file of this session (the app is closing cleanly)."""
    for path in recovery_dir().glob(f"{SESSION_ID}-*{RECOVERY_SUFFIX}"):
        path.unlink(missing_ok=True)
    lock = session_lock_path()
    descriptor = _held_locks.pop(lock, None)
    if descriptor is not None:
        lock.unlink(missing_ok=True)
        locks.release(descriptor)


# ----------------------------------------------------------------------- session locks
# A running session holds an advisory lock on ``<session>.lock`` in the recovery folder.
# The operating system releases it when the process ends, however it ends, so a dead
# session's files are offered back even when its process id has been reused (a new
# process with the same pid, a container where the app is always pid 1).
_held_locks: dict[Path, int] = {}


def session_lock_path(session: str = SESSION_ID) -> Path:
    """The lock file of ``session`` in the recovery folder."""
    return recovery_dir() / f"{session}{LOCK_SUFFIX}"


def hold_session_lock() -> Path | None:
    """Lock this session's lock file (once per recovery folder) until the process ends."""
    path = session_lock_path()
    if path in _held_locks or not locks.AVAILABLE:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    descriptor = locks.acquire(path, create=True)
    if descriptor is None:
        return None
    _held_locks[path] = descriptor
    return path


def _remove_dead_locks(folder: Path, sessions_with_files: set[str]) -> None:
    # Lock files of sessions that ended and left nothing to restore.
    try:
        lock_files = list(folder.glob(f"*{LOCK_SUFFIX}"))  # not ``locks``: the module
    except OSError:
        return
    for lock in lock_files:
        session = lock.name[: -len(LOCK_SUFFIX)]
        if session not in sessions_with_files and not session_is_running(session):
            try:
                lock.unlink(missing_ok=True)
            except OSError:
                pass


def session_is_running(session: str) -> bool:
    """Whether the session that wrote a recovery file still runs (holds its lock).

    A session without a lock file (killed before its first autosave finished, or an
    older version of the app) is not running; neither is any session where the
    platform has no advisory locks (Windows), as before.
    """
    if session == SESSION_ID:
        return True
    if not session or any(c in session for c in "/\\") or session.startswith("."):
        return False
    return locks.held_elsewhere(session_lock_path(session))
