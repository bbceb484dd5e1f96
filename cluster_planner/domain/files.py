"""Reading what a user hands the app: only regular files, within shared limits.

Every file the app opens (plans, recovery files, statistics and conditions tables) goes
through :func:`read_regular_file`, which opens without blocking and refuses anything
that is not a regular file (a named pipe would otherwise freeze the window, a device
would be read forever) or that is larger than its cap. The caps are shared with the
writers (:mod:`cluster_planner.io.planfile` refuses to save a plan over
:data:`MAX_PLAN_BYTES`), so what the app writes it can always read back.

Tables (:func:`read_csv_rows`) come from spreadsheets: UTF-8 with or without a BOM,
GB18030/GBK (what Excel saves on a Chinese Windows), or UTF-16; comma, semicolon or
tab separated. Their rows carry the line on which they *start*, so messages stay right
after cells that span lines; an unclosed quote is reported with its line.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cluster_planner.domain.errors import DataError, InputError

#: The largest plan file the app reads, and therefore the largest it writes.
MAX_PLAN_BYTES = 20 * 1024 * 1024
#: The largest table (statistics, conditions) the app imports.
MAX_TABLE_BYTES = 20 * 1024 * 1024
#: The longest file name most file systems allow, in bytes.
MAX_NAME_BYTES = 255
#: Delimiters a table may use, and how to name them in a message.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def os_reason(error: OSError) -> str:
    """A short, plain reason for an operating-system error."""
    reasons: dict[int | None, str] = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the folder is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EFBIG: "the file is too large for this disk or account",
        errno.ENOENT: "no such file or folder",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "is a folder",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.ELOOP: "too many symbolic links",
        errno.ENXIO: "no such device",
    }
    return reasons.get(error.errno, error.strerror or type(error).__name__)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_text(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def too_large(size: int, limit: int, what: str) -> str:
    return f"the file is {size_text(size)}, more than the {limit // (1024 * 1024)} MB {what} may have"


def read_regular_file(
    path: str | os.PathLike[str],
    limit: int,
    *,
    error: type[InputError] = InputError,
    what: str = "a file",
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    The file is opened without blocking and checked on the open descriptor, so a named
    pipe, a device or a folder is refused at once (no race between a check and the
    read). Raises ``error(path, problem)`` with one line.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise error(path, "no such file") from None
    except IsADirectoryError:
        raise error(path, f"is a folder, not {what}") from None
    except PermissionError:
        raise error(path, "permission denied") from None
    except OSError as failure:
        raise error(path, f"cannot read: {os_reason(failure)}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise error(path, f"is {file_kind(status.st_mode)}, not {what}")
        if status.st_size > limit:
            raise error(path, too_large(status.st_size, limit, what))
        chunks = []
        remaining = limit + 1  # one byte past the cap: the file may grow meanwhile
        # The whole file in the first read (one byte more, to see its end), so that a
        # plan of a megabyte or more is not copied again to join its chunks.
        size = max(status.st_size + 1, 1 << 20)
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, size))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except IsADirectoryError:
        raise error(path, f"is a folder, not {what}") from None
    except OSError as failure:
        raise error(path, f"cannot read: {os_reason(failure)}") from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise error(path, too_large(len(data), limit, what))
    return data


def check_file_name(path: str | os.PathLike[str], error: type[InputError] = InputError) -> None:
    """Refuse a file name longer than file systems allow, before touching the disk."""
    name = Path(path).name
    size = len(os.fsencode(name))
    if size > MAX_NAME_BYTES:
        raise error(
            Path(path).parent / (name[:40] + "…" + Path(name).suffix[:20]),
            f"the file name is too long ({size} bytes; at most {MAX_NAME_BYTES})",
        )


# ------------------------------------------------------------------------------ tables
def decode_table(data: bytes, path: Path, error: type[InputError] = DataError) -> tuple[str, str]:
    """The text of a table file and the encoding it was read with.

    UTF-8 (a BOM is dropped), UTF-16 (with a BOM, or without one when every other
    byte of ASCII text is zero), else GB18030 (which includes GBK).
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", path, error), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", path, error), "UTF-16"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return _decode(data, encoding, path, error), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as failure:
        line = data.count(b"\n", 0, failure.start) + 1
        raise error(
            path,
            f"line {line}: not UTF-8, GB18030/GBK or UTF-16 text (byte 0x{data[failure.start]:02x});"
            " save the table as CSV UTF-8",
        ) from None


def _decode(data: bytes, encoding: str, path: Path, error: type[InputError]) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as failure:
        raise error(path, f"not valid {encoding.upper()} text at byte {failure.start}") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: the most frequent of comma,
    semicolon and tab outside quotes (comma when none)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: outside.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Table:
    """The non-blank rows of a table with the line each starts on."""

    rows: list[tuple[int, list[str]]]
    delimiter: str
    encoding: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS[self.delimiter]


def read_table(
    path: str | os.PathLike[str],
    *,
    limit: int = MAX_TABLE_BYTES,
    error: type[InputError] = DataError,
    what: str = "a table",
) -> Table:
    """Read a CSV table from ``path`` (see the module docstring)."""
    path = Path(path)
    data = read_regular_file(path, limit, error=error, what=what)
    text, encoding = decode_table(data, path, error)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    return Table(parse_rows(text, delimiter, path, error), delimiter, encoding)


def parse_rows(
    text: str, delimiter: str, path: Path, error: type[InputError] = DataError
) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their starting line; an unclosed or stray quote is an error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    width = 0
    end = 0
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as failure:
            raise error(path, f"line {start}: {_quote_problem(str(failure))}") from None
        end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        width = width or len(row)
        if end > start:
            _check_spanning_cells(row, start, delimiter, width, path, error)
        rows.append((start, row))
    return rows


def _quote_problem(message: str) -> str:
    if "unexpected end of data" in message or "expected after" in message:
        return "a quote opened on this line is not closed where it should be (a missing closing quote?)"
    if "NUL" in message:
        return "the line holds a NUL character; this is not a text table"
    return f"not a readable CSV row ({message})"


def _check_spanning_cells(
    row: Sequence[str], start: int, delimiter: str, width: int, path: Path, error: type[InputError]
) -> None:
    # A quoted cell may span lines (a note with line breaks), but one that swallowed a
    # whole row of the table is a missing closing quote.
    for cell in row:
        for line in cell.splitlines()[1:]:
            if width > 1 and line.count(delimiter) >= width - 1:
                raise error(
                    path,
                    f"line {start}: a quote opened on this line runs on over a whole row"
                    " (a missing closing quote?)",
                )


def parse_number(text: str, *, maximum: float | None = None, grouping: bool = True) -> float:
    """A plain decimal number as spreadsheets write it.

    ``1234.5``, ``1,234.5`` (thousands grouped by commas) and ``1e6`` are read;
    ``1,5`` (a decimal comma, or a broken group) is ambiguous and refused, as are
    ``inf``, ``nan``, ``1_000`` and values beyond ``maximum``. Without ``grouping``
    (a table separated by semicolons or tabs) any comma is ambiguous.

    Raises
    ------
    ValueError
        With a short reason quoting the text.
    """
    shown = text if len(text) <= 30 else text[:27] + "..."
    text = text.strip()
    if "," in text:
        if not grouping or not _GROUPED.fullmatch(text):
            raise ValueError(
                f"{shown!r} is ambiguous (a decimal comma?); write the number with a dot"
                " for decimals and no separators"
            )
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{shown!r} is not a number")
    value = float(text)
    if not math.isfinite(value) or (maximum is not None and abs(value) > maximum):
        if maximum is None:
            raise ValueError(f"{shown!r} is too large")
        raise ValueError(f"{shown!r} is too large (at most {maximum:g})")
    return value
