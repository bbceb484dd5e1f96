"""Advisory file locks that the operating system releases when their process dies.

Used where the app must tell a running process from a dead one: a save still writing
its temporary folder (:mod:`cluster_planner.io.planfile`), a session still running
whose recovery files must not be offered (:mod:`cluster_planner.io.recovery`). A
process id cannot answer that (ids are reused; in a container the app is pid 1 every
time); a lock held by a dead process no longer exists.

On platforms without ``fcntl`` (Windows) :data:`AVAILABLE` is false, nothing is locked
and nothing is ever reported as held.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

AVAILABLE = fcntl is not None


def acquire(path: str | os.PathLike[str], *, create: bool = False) -> int | None:
    """Hold an exclusive lock on ``path`` (a file, or a folder) until :func:`release`
    or the end of the process; the descriptor, or ``None`` when it cannot be locked."""
    if fcntl is None:
        return None
    flags = os.O_RDWR | os.O_CREAT if create else os.O_RDONLY
    try:
        descriptor = os.open(Path(path), flags, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def release(descriptor: int | None) -> None:
    """Drop a lock taken by :func:`acquire` (``None`` does nothing)."""
    if descriptor is not None:
        os.close(descriptor)


def held_elsewhere(path: str | os.PathLike[str]) -> bool:
    """Whether a live process holds a lock on ``path`` (a missing file is not held)."""
    if fcntl is None:
        return False
    try:
        descriptor = os.open(Path(path), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return False
