"""Atomic writes: a temporary copy in a hidden folder beside the target, fsynced, then
renamed over it, with the previous version kept as ``.bak``; the temporary folders of
killed saves are found and cleared under an OS lock. Plan files, recovery files and every
export write through here, so nothing already saved is ever left half-written.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.domain.files import (
    check_file_name,
    file_kind,
    os_reason,
)
from cluster_planner.io import locks

PathLike = str | os.PathLike[str]
BACKUP_SUFFIX = ".bak"


def backup_path(path: PathLike) -> Path:
    """Where :func:`save_plan` keeps the previous version of ``path``."""
    path = Path(path)
    return path.with_name(path.name + BACKUP_SUFFIX)


def atomic_write_bytes(
    path: PathLike,
    data: bytes,
    *,
    keep_backup: bool = False,
    error: type[InputError] = PlanFileError,
    action: str = "save",
    mode: int | None = None,
) -> Path:
    """Replace ``path`` by ``data`` atomically (temp file, fsync, ``os.replace``)."""

    def write(temp: Path) -> None:
        with open(temp, "wb") as handle:
            handle.write(data)

    return atomic_write(
        path, write, keep_backup=keep_backup, error=error, action=action, mode=mode
    )


def atomic_write(
    path: PathLike,
    writer: Callable[[Path], None],
    *,
    keep_backup: bool = False,
    error: type[InputError] = PlanFileError,
    action: str = "save",
    mode: int | None = None,
) -> Path:
    """Create ``path`` through ``writer(temp_path)`` and move it into place atomically.

    ``writer`` writes a new file at ``temp_path``, a path with the same name inside a
    fresh hidden folder beside ``path`` (so writers that add side files or infer the
    format from the suffix, like GDAL, work unchanged). The file is fsynced, renamed
    onto ``path`` with :func:`os.replace` and the folder fsynced. With ``keep_backup``
    the previous ``path`` stays as ``<name>.bak``. On any failure ``path`` is untouched,
    the temporary folder removed, and ``error(path, "cannot <action>: <problem>")`` raised.

    Refused before anything is written: a name longer than file systems allow, a
    read-only target (it is not silently replaced), and a target that is no regular
    file (a link to a device node, a named pipe). ``mode`` sets the new file's
    permissions (by default it keeps the target's). Temporary folders left by killed
    saves in the same folder are removed (see :func:`remove_stale_temp_folders`).
    """
    path = Path(path)
    check_file_name(path, error)
    if keep_backup:
        check_file_name(backup_path(path), error)
    try:
        if path.is_symlink():  # write through a link to the file it names, keep the link
            path = Path(os.path.realpath(path))
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # the folder checks below say why
        status = None
    except OSError as failure:
        raise error(path, f"cannot {action}: {os_reason(failure)}") from None
    folder = path.parent
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise error(path, "is a folder; choose a file name")
        if not stat.S_ISREG(status.st_mode):
            raise error(
                path, f"cannot {action}: it is {file_kind(status.st_mode)}, not a file to replace"
            )
        if not status.st_mode & 0o222:
            raise error(
                path,
                f"cannot {action}: the file is read-only (make it writable, or choose another name)",
            )
        if not os.access(path, os.W_OK):
            raise error(path, f"cannot {action}: permission denied")
    if not folder.exists():
        raise error(path, f"cannot {action}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise error(path, f"cannot {action}: {folder} is a file, not a folder")
    try:
        temp_folder = Path(
            tempfile.mkdtemp(prefix=f".{_temp_stem(path.name)}.", suffix=TEMP_SUFFIX, dir=folder)
        )
    except OSError as failure:
        raise error(path, f"cannot {action}: {os_reason(failure)}") from None
    lock = locks.acquire(temp_folder)  # tells later saves this folder is in use
    temp = temp_folder / path.name
    try:
        writer(temp)
        _fsync_file(temp)
        _match_permissions(temp, path, mode)
        if keep_backup and path.is_file():
            _keep_backup(path, temp_folder)
        os.replace(temp, path)
        _fsync_folder(folder)
        remove_stale_temp_folders(folder)
    except error:
        raise
    except OSError as failure:
        raise error(path, f"cannot {action}: {os_reason(failure)}") from None
    finally:
        _remove_tree(temp_folder)
        locks.release(lock)
    return path


TEMP_SUFFIX = ".saving"


def _temp_stem(name: str) -> str:
    # The temporary folder's name must fit in a file name as well as the file's own.
    return os.fsdecode(os.fsencode(name)[:100]) or "plan"


#: Without advisory locks (Windows), a temporary folder this old beside a file was left
#: by a save that was killed.
STALE_TEMP_SECONDS = 3600
#: A folder younger than this may belong to a save that has not yet taken its lock.
FRESH_TEMP_SECONDS = 5


def remove_stale_temp_folders(folder: PathLike, name: str | None = None) -> int:
    """Remove the temporary folders that killed saves left in ``folder`` (of the file
    ``name`` only, when given); how many.

    A save holds an advisory lock on its temporary folder, which the operating system
    releases when the process dies: a folder whose lock can be taken is dead.
    """
    now = time.time()
    removed = 0
    try:
        pattern = f".{glob.escape(_temp_stem(name))}.*" if name else ".*"
        candidates = list(Path(folder).glob(pattern + TEMP_SUFFIX))
    except OSError:
        return 0
    for candidate in candidates:
        try:
            if candidate.is_symlink() or not candidate.is_dir():
                continue
            age = now - candidate.stat().st_mtime
            if age < FRESH_TEMP_SECONDS:
                continue
            if not locks.AVAILABLE and age <= STALE_TEMP_SECONDS:
                continue
            if locks.held_elsewhere(candidate):
                continue  # a save still running holds it
            _remove_tree(candidate)
            removed += 1
        except OSError:
            continue
    return removed


def _keep_backup(path: Path, temp_folder: Path) -> None:
    # A hard link to the current file, renamed onto .bak: the old content is never
    # copied, and .bak is replaced atomically too. Fall back to a copy where the file
    # system has no hard links.
    staged = temp_folder / (path.name + BACKUP_SUFFIX)
    try:
        os.link(path, staged)
    except OSError:
        import shutil

        shutil.copy2(path, staged)
        _fsync_file(staged)
    os.replace(staged, backup_path(path))


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows).
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _match_permissions(temp: Path, path: Path, mode: int | None = None) -> None:
    # mkdtemp/ open give private modes; a saved plan keeps the target's mode, or the
    # default a new file would get (or ``mode`` when given, e.g. 0600 for recovery files).
    if mode is not None:
        try:
            os.chmod(temp, mode)
        except OSError:
            pass
        return
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.chmod(temp, mode)
    except OSError:
        pass


def _remove_tree(folder: Path) -> None:
    try:
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                _remove_tree(child)
            else:
                child.unlink(missing_ok=True)
        folder.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        pass
