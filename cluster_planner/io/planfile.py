"""Plan files: versioned JSON that never loses work.

Why one module of about 1,100 lines: each version's careful loader and the two fast
readers that must accept exactly what they accept (column-wise over parsed JSON, and
line-wise over the text the app itself writes) live side by side (hypothesis tests
compare them), and they share every check; split apart, the fast paths would drift
from the rules they mirror. The atomic writer is in :mod:`cluster_planner.io.atomic`.

Format version 2 (the current one, ``.cplan`` by default, UTF-8)::

    {"format": "cluster-planner-plan", "version": 2, "name": "Draft 2026",
     "level": "prefecture",
     "assignments": [{"region": "510000", "level": "province",
                      "industry": "integrated-circuits", "role": "lead", "note": ""},
                     {"region": "320500", "level": "prefecture", ...}],
     "settings": {}, "metadata": {"created": "...", "modified": "...",
                                  "app_version": "0.1.0", "region_data": "..."}}

Each assignment names its own ``level`` (optional when reading: the top-level
``level``); the top-level ``level`` is the level the plan is shown on, no longer a
constraint on its assignments. Version 1 is the same without the assignments'
``level``: every assignment is on the top-level ``level``. Saving always writes the
current version, never silently an older one.

Format version 0 is the pre-release shape, kept readable so that early drafts still
open (``tests/data/plan_v0_*.json``)::

    {"plan_name": "Draft", "level": "prefecture",
     "regions": {"430200": ["rail-transit-equipment", "new-materials"]},
     "saved_at": "2025-11-01T09:30:00Z"}

It has no ``format`` or ``version`` field, every assignment is a lead without a note,
``level`` is optional (``prefecture``) and ``saved_at`` becomes ``metadata.created``.

Reading: one loader per version in :data:`LOADERS`; a later version of the app reads
every earlier one. Every problem raises :class:`PlanFileError` whose text is one line,
``<path>: <problem>``; unknown region codes and industry ids are listed by name, never
dropped. Nothing in a plan file is ever executed (plain :mod:`json`, no pickle).

Writing: :func:`dumps_plan` gives a normalised text (stable key order, assignments
sorted by region then industry, one assignment per line so that plans diff well in
version control); :func:`save_plan` writes it atomically (temp file in the same
folder, fsync, replace, fsync of the folder) and keeps the previous file as
``<name>.bak``.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from cluster_planner import __version__
from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.files import (
    MAX_PLAN_BYTES,
    read_regular_file,
    too_large,
)
from cluster_planner.domain.plan import LEVELS, MAX_NOTE_LENGTH, ROLES, Assignment, Plan

# Plan files write through the atomic writer; its names stay importable from here.
from cluster_planner.io.atomic import BACKUP_SUFFIX as BACKUP_SUFFIX
from cluster_planner.io.atomic import FRESH_TEMP_SECONDS as FRESH_TEMP_SECONDS
from cluster_planner.io.atomic import STALE_TEMP_SECONDS as STALE_TEMP_SECONDS
from cluster_planner.io.atomic import TEMP_SUFFIX as TEMP_SUFFIX
from cluster_planner.io.atomic import atomic_write as atomic_write
from cluster_planner.io.atomic import atomic_write_bytes as atomic_write_bytes
from cluster_planner.io.atomic import backup_path as backup_path
from cluster_planner.io.atomic import remove_stale_temp_folders as remove_stale_temp_folders

FORMAT = "cluster-planner-plan"
CURRENT_VERSION = 2
PLAN_SUFFIX = ".cplan"
#: Plans are small (a county-level plan with five industries a region is ~1 MB); the cap
#: keeps a mistaken multi-gigabyte file from freezing the app. Checked before reading.
MAX_FILE_BYTES = MAX_PLAN_BYTES
#: Real plans nest four levels deep (settings may hold a small table); JSON nested
#: deeper than this is not a plan and would only exhaust the parser's stack.
MAX_NESTING = 32
#: How many unknown codes an error message lists before saying "and N more".
MAX_LISTED = 12

_REGION_CODE = re.compile(r"\d{6}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_V1_FIELDS = ("format", "version", "name", "level", "assignments", "settings", "metadata")
_ASSIGNMENT_FIELDS = ("region", "industry", "role", "note")
#: A version-2 assignment, as written: the level beside the region it qualifies.
_V2_ASSIGNMENT_FIELDS = ("region", "level", "industry", "role", "note")
_TIME_FIELDS = ("created", "modified")
#: The quoting ``json.dumps(..., ensure_ascii=False)`` uses for text (the C function).
_ENCODE_TEXT: Callable[[str], str] = json.encoder.encode_basestring
#: A JSON string token, escapes and all (as json's scanner reads it).
_JSON_TEXT = r'"(?:[^"\\\x00-\x1f]|\\.)*"'
#: The start of the text :func:`format_plan_data` writes for a version-2 plan with
#: assignments, up to the first assignment line.
_CANONICAL_HEAD = re.compile(
    r'\{\n  "format": ' + re.escape(json.dumps(FORMAT)) + r',\n  "version": 2,\n  "name": '
    + _JSON_TEXT
    + r',\n  "level": ' + _JSON_TEXT + r',\n  "assignments": \[\n'
)
#: One assignment line as written: a comma ends it, or the list's end follows it. Each
#: value holds no quote, backslash or control character, so the text matched is the
#: JSON string's value; a region of six ASCII digits and a level and a role spelled
#: out match a little faster than any text (other values take the general path).
_CANONICAL_VALUE = r'"([^"\\\x00-\x1f]*)"'
_CANONICAL_ROW = re.compile(
    r'^    \{"region": "([0-9]{6})", "level": "(' + "|".join(LEVELS) + r')", "industry": '
    + _CANONICAL_VALUE + r', "role": "(' + "|".join(ROLES) + r')", "note": '
    + _CANONICAL_VALUE + r'\}(?:,$|(?=\n  \]))',
    re.MULTILINE,
)

PathLike = str | os.PathLike[str]
LayerSource = Any  # a RegionLayer (has ``index_of``) or a callable ``level -> RegionLayer``


# --------------------------------------------------------------------------- reading
def load_plan(path: PathLike, catalog: Any = None, layer: LayerSource = None) -> Plan:
    """Read a plan file of any supported version.

    Parameters
    ----------
    path
        The plan file.
    catalog
        An industry :class:`~cluster_planner.domain.catalog.Catalog`; when given, every
        industry id must be in ``catalog.by_id``.
    layer
        The region layer of the plan's level, or a callable ``level -> RegionLayer``
        (e.g. :func:`cluster_planner.domain.regions.load_layer`) used once the level is
        known; when given, every region code must be in ``layer.index_of``.

    Returns
    -------
    Plan
        The plan, with the file's metadata in ``plan.metadata``.

    Raises
    ------
    PlanFileError
        ``<path>: <problem>`` for a missing, unreadable, oversized or invalid file.
    """
    path = Path(path)
    data = read_file_bytes(path)
    # Opening a plan (the app's start with its last plan included) clears what saves of
    # it that were killed left beside it.
    remove_stale_temp_folders(path.parent, path.name)
    return _plan_from_bytes(data, path, catalog, layer)


def loads_plan(
    text: str | bytes,
    source: PathLike = "<plan>",
    catalog: Any = None,
    layer: LayerSource = None,
) -> Plan:
    """Read a plan from its text (``str``) or its file content (``bytes``).

    ``source`` names the plan in error messages. See :func:`load_plan`.
    """
    if isinstance(text, str):
        if len(text) > MAX_FILE_BYTES:
            raise PlanFileError(source, _too_large(len(text)))
        return _plan_from_text(text, source, catalog, layer)
    if len(text) > MAX_FILE_BYTES:
        raise PlanFileError(source, _too_large(len(text)))
    return _plan_from_bytes(bytes(text), source, catalog, layer)


def plan_from_data(
    data: Any, source: PathLike = "<plan>", catalog: Any = None, layer: LayerSource = None
) -> Plan:
    """Build a plan from already-parsed JSON data (e.g. embedded in a recovery file)."""
    return _plan_from_parsed(data, source, catalog, layer, check_strings=True)


def _plan_from_parsed(
    data: Any, source: PathLike, catalog: Any, layer: LayerSource, check_strings: bool
) -> Plan:
    plan = _load_fast(data, source, check_strings)
    if plan is None:  # not a plain valid version-1 or 2 plan: the checks below say why
        _check_nesting(data, source, check_strings)
        version = _detect_version(data, source)
        plan = LOADERS[version](data, source)
    _check_known(plan, source, catalog, layer)
    check_plan_settings(plan, source, layer)
    return plan


def check_plan_settings(plan: Plan, source: PathLike, layer: LayerSource = None) -> None:
    """Refuse analysis settings outside their schema
    (:data:`cluster_planner.analysis.results.SETTINGS_SCHEMA`) with the field named, and,
    given the layer, a scope that names no region of it: a plan that opens can always
    be analysed."""
    from cluster_planner.analysis.results import AnalysisSettings

    try:
        settings = AnalysisSettings.from_mappings(plan.settings)
    except ValueError as error:
        raise PlanFileError(source, f"settings: {error}") from None
    if layer is None or settings.scope == "auto":
        return
    import numpy as np

    from cluster_planner.analysis.scope import plan_scope

    region_layer = layer(plan.level) if callable(layer) and not hasattr(layer, "index_of") else layer
    codes = np.array(list(region_layer.index_of), dtype=str)
    try:
        plan_scope(codes, plan.level, np.zeros(len(codes), dtype=bool), settings.scope)
    except ValueError as error:
        raise PlanFileError(source, f"settings: {error}") from None


def read_file_bytes(path: Path) -> bytes:
    """The bytes of a plan-sized regular file; ``PlanFileError`` for a missing,
    unreadable, special (a named pipe, a device) or oversized one."""
    return read_regular_file(path, MAX_FILE_BYTES, error=PlanFileError, what="a plan file")


def _too_large(size: int) -> str:
    return too_large(size, MAX_FILE_BYTES, "a plan file")


def _plan_from_bytes(data: bytes, source: PathLike, catalog: Any, layer: LayerSource) -> Plan:
    if not data or data.isspace():  # as ``not data.strip()``, without copying the file
        raise PlanFileError(source, "the file is empty" if not data else "the file is blank")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanFileError(source, "the file is UTF-16 text; plan files are UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):  # a BOM, as Windows editors add it
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _is_gb18030(data):
            raise PlanFileError(
                source, "the file is GBK/GB18030 text; plan files are UTF-8 (save it as UTF-8)"
            ) from None
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise PlanFileError(
            source,
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at line {line}, column {column}"
            " (save the file as UTF-8)",
        ) from None
    return _plan_from_text(text, source, catalog, layer)


def _is_gb18030(data: bytes) -> bool:
    # Chinese Windows editors save in GBK by default; say so rather than "bad byte".
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def _plan_from_text(text: str, source: PathLike, catalog: Any, layer: LayerSource) -> Plan:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():
        raise PlanFileError(source, "the file is empty" if not text else "the file is blank")
    # Only a \uD800-\uDFFF escape (or a str built in Python) can hold a lone surrogate;
    # skipping the per-string check otherwise halves the time to open a large plan.
    check_strings = bool(_SURROGATE_ESCAPE.search(text)) or not _is_utf8_encodable(text)
    with gc_paused():
        plan = _load_canonical(text, source, check_strings)
        if plan is None:
            data = parse_json(text, source)
            return _plan_from_parsed(data, source, catalog, layer, check_strings)
        _check_known(plan, source, catalog, layer)
        check_plan_settings(plan, source, layer)
        return plan


def _load_canonical(text: str, source: PathLike, check_strings: bool) -> Plan | None:
    """The plan of a valid version-2 text laid out as :func:`format_plan_data` writes it,
    its assignment lines read by one regular expression instead of the JSON parser;
    ``None`` for anything else, which the general path then reads or refuses with its
    message (``tests/test_planfile_speed_paths.py`` compares the two).

    Each matched line is one assignment object whose values hold no quote, backslash or
    control character (so the text matched is the string's value, and no key repeats);
    when every line of the block matches, the file is valid JSON exactly when the rest
    of it (the block taken out, ``"assignments": []`` left) is, which the strict parser
    then reads. Saves a county plan's 14,000 objects of the parser and of the columns.
    """
    head = _CANONICAL_HEAD.match(text)
    if head is None:
        return None
    start = head.end()
    # The app writes "\n  ]" nowhere else; should a hand edit have added one, the
    # lines between are no assignments and the check below sends the file elsewhere.
    end = text.rfind("\n  ]", start)
    if end < 0:
        return None
    if text[end - 1] != "}":  # a comma after the last assignment (or no assignment)
        return None
    # Searched in place: a county plan's text is a megabyte, each copy a millisecond.
    rows = _CANONICAL_ROW.findall(text, start, end + 4)
    if len(rows) != text.count("\n", start, end) + 1:  # a line that is no assignment
        return None
    try:  # the text without the block, "[" kept and "]" brought up beside it
        data = parse_json(text[: start - 1] + text[end + 3 :], source)
    except PlanFileError:  # the general path names the place in the whole text
        return None
    if type(data) is not dict or data.get("assignments") != []:
        return None
    regions, levels, industries, roles, notes = zip(*rows, strict=True)
    # The pattern matched valid regions, levels and roles only; the rest is text.
    if not _valid_industries_and_notes(set(industries), set(notes), check_strings):
        return None
    return _load_fast(data, source, check_strings, [regions, industries, roles, notes, levels])


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a plan's objects are made.

    Reading or writing a county plan makes some 30,000 objects (dicts, strings,
    assignments), none of them in a cycle; each few hundred of them start a collection
    that walks every object the app holds (the layers' geometries among them), which
    took half the time of a county plan's save and load (``benchmarks/run.py --only
    save_load``). Reference counting still frees everything at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_json(text: str, source: PathLike) -> Any:
    """Strict JSON: no duplicate keys, NaN or absurd numbers; ``PlanFileError`` with the
    line and column of a syntax error."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_without_duplicate_keys,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as error:
        raise PlanFileError(
            source,
            f"not valid JSON: {error.msg.removesuffix(' at')} at line {error.lineno},"
            f" column {error.colno}",
        ) from None
    except _DuplicateKey as error:
        raise PlanFileError(source, f"not valid plan JSON: {error}") from None
    except RecursionError:
        raise PlanFileError(
            source, f"not a plan: JSON nested deeper than {MAX_NESTING} levels"
        ) from None
    except ValueError as error:  # e.g. an integer with more than 4300 digits, NaN
        raise PlanFileError(source, f"not valid plan JSON: {_first_line(error)}") from None


class _DuplicateKey(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last value silently; a plan edited by hand could lose data. A dict
    # shorter than its pairs has a repeated key; only then look for the first one.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    # Python refuses ints over 4300 digits with a long message; no plan needs 100.
    if len(text) > 100:
        raise ValueError(f"the number {text[:20]}... has {len(text)} digits, too many")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _check_nesting(data: Any, source: PathLike, check_strings: bool = True) -> None:
    """Refuse JSON nested too deep and (with ``check_strings``) text that cannot be
    written back as UTF-8 (lone surrogates, which JSON escapes can smuggle in)."""
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise PlanFileError(source, f"not a plan: JSON nested deeper than {MAX_NESTING} levels")
        items = value.values() if isinstance(value, dict) else value
        if check_strings:
            texts = [item for item in items if isinstance(item, str)]
            if isinstance(value, dict):
                texts += list(value)
            for text in texts:
                if not _is_utf8_encodable(text):
                    raise PlanFileError(
                        source,
                        f"the text {_short(text)} holds an invalid character (a lone surrogate)",
                    )
        stack.extend((item, depth + 1) for item in items if isinstance(item, dict | list))


def _is_utf8_encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _detect_version(data: Any, source: PathLike) -> int:
    if not isinstance(data, dict):
        raise PlanFileError(
            source, f"not a plan: the file holds a JSON {_json_type(data)}, not an object"
        )
    if "format" not in data:
        if "plan_name" in data and "regions" in data:
            return 0
        if "version" in data or "assignments" in data:
            raise PlanFileError(source, "not a plan: the field 'format' is missing")
        raise PlanFileError(source, "not a Cluster Planner plan (no 'format' field)")
    if data["format"] != FORMAT:
        raise PlanFileError(
            source,
            f"not a Cluster Planner plan (format is {_short(data['format'])}, not {FORMAT!r})",
        )
    if "version" not in data:
        raise PlanFileError(source, "the field 'version' is missing")
    version = data["version"]
    if not _is_int(version):
        raise PlanFileError(source, f"'version' must be a whole number, not {_short(version)}")
    if version > CURRENT_VERSION:
        raise PlanFileError(
            source,
            f"made by a newer version of Cluster Planner (plan format version {version};"
            f" this is version {__version__}, which reads up to {CURRENT_VERSION}); update the app",
        )
    if version not in LOADERS or version == 0:  # v0 files never had a 'format' field
        raise PlanFileError(source, f"unknown plan format version {version}")
    return version


def _load_v2(data: dict[str, Any], source: PathLike) -> Plan:
    """Version 2: the current format, each assignment on its own level."""
    return _load_fields(data, source, _V2_ASSIGNMENT_FIELDS)


def _load_v1(data: dict[str, Any], source: PathLike) -> Plan:
    """Version 1: every assignment on the plan's one level."""
    return _load_fields(data, source, _ASSIGNMENT_FIELDS)


def _load_fields(data: dict[str, Any], source: PathLike, assignment_fields: tuple[str, ...]) -> Plan:
    """Versions 1 and 2 share their fields; they differ in the assignments' fields."""
    unknown = [key for key in data if key not in _V1_FIELDS]
    if unknown:
        raise PlanFileError(source, f"unknown field {_short(unknown[0])} (a typo?)")
    missing = [key for key in _V1_FIELDS if key not in data]
    if missing:
        fields = ", ".join(repr(key) for key in missing)
        raise PlanFileError(
            source,
            f"the field{'s' if len(missing) > 1 else ''} {fields} {'are' if len(missing) > 1 else 'is'} missing",
        )
    name = _require_type(data["name"], str, "'name'", "text", source)
    level = _require_type(data["level"], str, "'level'", "text", source)
    if level not in LEVELS:
        raise PlanFileError(
            source, f"'level' must be one of {', '.join(LEVELS)}, not {_short(level)}"
        )
    raw_assignments = _require_type(data["assignments"], list, "'assignments'", "a list", source)
    settings = _require_type(data["settings"], dict, "'settings'", "an object", source)
    metadata = _require_type(data["metadata"], dict, "'metadata'", "an object", source)
    _check_metadata(metadata, source)
    assignments = _parse_assignments(raw_assignments, source, level, assignment_fields)
    return Plan.from_assignments(
        assignments, name=name, level=level, settings=dict(settings), metadata=dict(metadata)
    )


def _load_v0(data: dict[str, Any], source: PathLike) -> Plan:
    """Version 0: the pre-release shape, upgraded to version 1 and read as such."""
    known = ("plan_name", "level", "regions", "saved_at")
    unknown = [key for key in data if key not in known]
    if unknown:
        raise PlanFileError(source, f"unknown field {_short(unknown[0])} in a version 0 plan")
    regions = _require_type(data["regions"], dict, "'regions'", "an object", source)
    assignments: list[dict[str, Any]] = []
    for region, industries in regions.items():
        _require_type(
            industries, list, f"'regions' entry {_short(region)}", "a list of industry ids", source
        )
        assignments.extend(
            {"region": region, "industry": industry, "role": "lead", "note": ""}
            for industry in industries
        )
    metadata: dict[str, Any] = {}
    if "saved_at" in data:
        metadata["created"] = data["saved_at"]
    upgraded = {
        "format": FORMAT,
        "version": 1,
        "name": data["plan_name"],
        "level": data.get("level", "prefecture"),
        "assignments": assignments,
        "settings": {},
        "metadata": metadata,
    }
    return _load_v1(upgraded, source)


def _load_fast(
    data: Any,
    source: PathLike,
    check_strings: bool,
    columns: list[tuple[str, ...]] | None = None,
) -> Plan | None:
    """The plan of a valid version-1 or version-2 file, checked column by column
    instead of assignment by assignment; ``None`` for anything else (another version, a
    problem, a value of an unusual type), which the loaders then read or refuse with
    their precise message. Accepts only what :func:`_check_nesting`,
    :func:`_detect_version` and :func:`_load_v1` / :func:`_load_v2` accept, builds the
    same plan, and reads a county plan in half the time
    (``tests/test_planfile_speed_paths.py`` compares the two).

    ``columns``, already checked, are the assignments of a file whose ``assignments``
    were read apart (:func:`_load_canonical`); ``data`` then holds an empty list there.
    """
    if type(data) is not dict or len(data) != len(_V1_FIELDS):
        return None
    if not all(key in data for key in _V1_FIELDS):
        return None
    name, level, raw = data["name"], data["level"], data["assignments"]
    settings, metadata, version = data["settings"], data["metadata"], data["version"]
    if not (
        type(data["format"]) is str
        and data["format"] == FORMAT
        and type(version) is int
        and version in (1, 2)
        and type(name) is str
        and type(level) is str
        and level in LEVELS
        and type(raw) is list
        and type(settings) is dict
        and type(metadata) is dict
    ):
        return None
    try:
        # Assignments hold only text (checked below), so only the rest can nest deeply.
        rest = {key: value for key, value in data.items() if key != "assignments"}
        _check_nesting(rest, source, check_strings)
        _check_metadata(metadata, source)
    except PlanFileError:
        return None
    if columns is None:
        fields = _V2_ASSIGNMENT_FIELDS if version == 2 else _ASSIGNMENT_FIELDS
        columns = _assignment_columns(raw, check_strings, fields, level)
    if columns is None:
        return None
    # None when an assignment repeats.
    return Plan.from_checked_columns(
        *columns, name=name, level=level, settings=dict(settings), metadata=dict(metadata)
    )


def _assignment_columns(
    raw: list[Any], check_strings: bool, fields: tuple[str, ...], plan_level: str
) -> list[tuple[str, ...]] | None:
    """Region, industry, role, note and level columns of valid assignments, else ``None``.

    ``fields`` are the assignment fields of the file's version, in the order written;
    ``region``, ``industry`` and ``role`` are required, the others optional. Each check
    runs on a column's distinct values (a county plan's 14,000 rows hold a few thousand
    regions, some 50 industries, two roles), not on every row.
    """
    if not raw:
        return [(), (), (), (), ()]
    if set(map(type, raw)) != {dict}:
        return None
    shapes = set(map(tuple, raw))
    if shapes == {fields}:
        # Every row's values in the order of ``fields``, column by column.
        by_field = dict(zip(fields, zip(*map(dict.values, raw), strict=True), strict=True))
        if "level" not in fields:
            by_field["level"] = (plan_level,) * len(raw)
        columns = [by_field[name] for name in ("region", "industry", "role", "note", "level")]
    elif all({"region", "industry", "role"} <= set(shape) <= set(fields) for shape in shapes):
        rows = [
            (
                item["region"], item["industry"], item["role"], item.get("note", ""),
                item.get("level", plan_level),
            )
            for item in raw
        ]
        columns = list(zip(*rows, strict=True))
    else:
        return None
    return _checked_columns(columns, check_strings)


def _checked_columns(
    columns: list[tuple[str, ...]], check_strings: bool
) -> list[tuple[str, ...]] | None:
    """``columns`` (region, industry, role, note, level) when each value of each is
    valid, else ``None``; the checks run on each column's distinct values."""
    try:
        regions, industries, roles, notes, levels = distinct = [set(column) for column in columns]
    except TypeError:  # a list or an object among the values
        return None
    if set(map(type, chain.from_iterable(distinct))) != {str}:
        return None
    if not (roles <= set(ROLES) and levels <= set(LEVELS)):
        return None
    if not all(map(_REGION_CODE.fullmatch, regions)):
        return None
    if not _valid_industries_and_notes(industries, notes, check_strings):
        return None
    return columns


def _valid_industries_and_notes(
    industries: set[str], notes: set[str], check_strings: bool
) -> bool:
    """Whether the distinct industry ids and notes (all text) are valid."""
    if not all(industry.strip() for industry in industries):
        return False
    if max(map(len, notes)) > MAX_NOTE_LENGTH:
        return False
    return not check_strings or all(map(_is_utf8_encodable, chain(industries, notes)))


#: One loader per format version; each returns a :class:`Plan`. Add a version by adding
#: a loader here and keeping a file of the old version in ``tests/data/``.
LOADERS: dict[int, Callable[[dict[str, Any], PathLike], Plan]] = {
    0: _load_v0,
    1: _load_v1,
    2: _load_v2,
}


def _parse_assignments(
    raw: list[Any], source: PathLike, plan_level: str, fields: tuple[str, ...]
) -> list[Assignment]:
    assignments: list[Assignment] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, item in enumerate(raw, start=1):
        where = f"assignment {number}"
        if not isinstance(item, dict):
            raise PlanFileError(source, f"{where} must be an object, not {_json_type(item)}")
        unknown = [key for key in item if key not in fields]
        if unknown:
            raise PlanFileError(source, f"{where} has an unknown field {_short(unknown[0])}")
        for name in ("region", "industry", "role"):
            if name not in item:
                raise PlanFileError(source, f"{where} has no {name!r}")
        region = item["region"]
        if not isinstance(region, str) or not _REGION_CODE.fullmatch(region):
            raise PlanFileError(
                source,
                f"{where}: 'region' must be a 6-digit region code as text, not {_short(region)}",
            )
        industry = item["industry"]
        if not isinstance(industry, str) or not industry.strip():
            raise PlanFileError(
                source,
                f"{where}: 'industry' must be an industry id as text, not {_short(industry)}",
            )
        where = f"assignment {number} ({region}, {industry})"
        role = item["role"]
        if role not in ROLES or not isinstance(role, str):
            raise PlanFileError(
                source, f"{where}: 'role' must be 'lead' or 'support', not {_short(role)}"
            )
        note = item.get("note", "")
        if not isinstance(note, str):
            raise PlanFileError(source, f"{where}: 'note' must be text, not {_json_type(note)}")
        if len(note) > MAX_NOTE_LENGTH:
            raise PlanFileError(
                source,
                f"{where}: the note has {len(note)} characters, more than the {MAX_NOTE_LENGTH} allowed",
            )
        level = item.get("level", plan_level)
        if level not in LEVELS or not isinstance(level, str):
            raise PlanFileError(
                source, f"{where}: 'level' must be one of {', '.join(LEVELS)}, not {_short(level)}"
            )
        key = (region, industry)
        if key in first_seen:
            raise PlanFileError(
                source,
                f"{where} repeats assignment {first_seen[key]}: each industry can be assigned"
                " to a region once",
            )
        first_seen[key] = number
        assignments.append(Assignment(region, industry, role, note, level))
    return assignments


def _check_metadata(metadata: dict[str, Any], source: PathLike) -> None:
    for key in _TIME_FIELDS:
        if key in metadata:
            value = metadata[key]
            if not isinstance(value, str) or parse_time(value) is None:
                raise PlanFileError(
                    source, f"metadata.{key} must be an ISO 8601 time, not {_short(value)}"
                )
    for key in ("app_version", "region_data"):
        if key in metadata and not isinstance(metadata[key], str):
            raise PlanFileError(source, f"metadata.{key} must be text, not {_short(metadata[key])}")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time (``Z`` allowed), or ``None`` when ``text`` is not one."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check_known(plan: Plan, source: PathLike, catalog: Any, layer: LayerSource) -> None:
    problems: list[str] = []
    if layer is not None:
        given = layer if hasattr(layer, "index_of") or not callable(layer) else None
        if given is None:
            layer_of = layer
        else:
            layer_level = getattr(given, "level", None)
            if isinstance(layer_level, str) and layer_level != plan.level:
                raise PlanFileError(
                    source, f"the plan is on the {plan.level} level, not on the {layer_level} layer"
                )
            layer_of = _layers_beside(given, plan.level)
        # Each code is checked on its own level's layer (adcodes are unique across levels).
        by_level: dict[str, list[str]] = {}
        if len(plan.levels) == 1:  # the usual plan: no walk over its assignments
            by_level[plan.levels[0]] = plan.regions
        else:
            for assignment in plan.assignments:
                by_level.setdefault(assignment.level, []).append(assignment.region)
        for level in LEVELS:
            if level not in by_level:
                continue
            index_of = layer_of(level).index_of
            unknown_regions = sorted({code for code in by_level[level] if code not in index_of})
            if unknown_regions:
                problems.append(
                    f"{_count(len(unknown_regions), 'unknown region code')} for the {level}"
                    f" layer: {_listing(unknown_regions)}"
                )
    if catalog is not None:
        by_id = catalog.by_id
        unknown_industries = [industry for industry in plan.industries if industry not in by_id]
        if unknown_industries:
            problems.append(
                f"{_count(len(unknown_industries), 'unknown industry id')}: {_listing(unknown_industries)}"
            )
    if problems:
        raise PlanFileError(source, "; ".join(problems))


def _layers_beside(given: Any, level: str) -> Callable[[str], Any]:
    """``given`` for ``level``, the bundled layer of any other level (loaded when asked)."""

    def layer_of(wanted: str) -> Any:
        if wanted == level:
            return given
        from cluster_planner.domain.regions import load_layer

        return load_layer(wanted)

    return layer_of


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(_short(name, quote=False) for name in names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        shown += f" and {len(names) - MAX_LISTED} more"
    return shown


def _require_type(value: Any, kind: type, what: str, expected: str, source: PathLike) -> Any:
    if not isinstance(value, kind):
        raise PlanFileError(source, f"{what} must be {expected}, not {_short(value)}")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(value: Any, quote: bool = True, limit: int = 40) -> str:
    """A value for an error message: one line, at most ``limit`` characters."""
    if isinstance(value, str):
        text = value if not quote else repr(value)
    elif isinstance(value, list | dict):
        return _json_type(value)
    else:
        text = repr(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- writing
def plan_to_data(
    plan: Plan, *, region_data: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The current version's JSON data of ``plan`` with fresh metadata (created kept,
    modified now)."""
    rows = [
        {"region": a.region, "level": a.level, "industry": a.industry, "role": a.role, "note": a.note}
        for a in plan.sorted_assignments()
    ]
    return _plan_data(plan, rows, region_data, now)


def _plan_data(
    plan: Plan, rows: list[Any], region_data: str | None, now: datetime | None
) -> dict[str, Any]:
    """:func:`plan_to_data` with the assignment rows given."""
    stamp = _iso(now)
    metadata = dict(plan.metadata)
    metadata.setdefault("created", stamp)
    metadata["modified"] = stamp
    metadata["app_version"] = __version__
    metadata["region_data"] = (
        region_data or _loaded_region_data(plan) or str(metadata.get("region_data", "unknown"))
    )
    return {
        "format": FORMAT,
        "version": CURRENT_VERSION,
        "name": plan.name,
        "level": plan.level,
        "assignments": rows,
        "settings": dict(sorted(plan.settings.items())),
        "metadata": dict(sorted(metadata.items())),
    }


def dumps_plan(
    plan: Plan, *, region_data: str | None = None, now: datetime | None = None, source: str | None = None
) -> str:
    """The normalised text of ``plan`` in the current format.

    Keys in a fixed order, assignments sorted by region then industry and one per line,
    settings and metadata sorted, non-ASCII text as is (UTF-8), a trailing newline.

    Raises
    ------
    PlanFileError
        ``<source>: ...`` (the plan's name by default) when a setting or metadata value
        cannot be written as JSON.
    """
    return _plan_text(plan, region_data, now, plan.name if source is None else source)[0]


def _plan_text(
    plan: Plan, region_data: str | None, now: datetime | None, source: str
) -> tuple[str, dict[str, Any]]:
    """:func:`dumps_plan`'s text and the metadata written, the assignment lines made
    straight from the assignments (no row dicts in between) when every value is text."""
    lines = _lines_of_assignments(plan.sorted_assignments())
    if lines is None:  # a value that is not text: the general writer says what json does
        data = plan_to_data(plan, region_data=region_data, now=now)
        return format_plan_data(data, source), data["metadata"]
    data = _plan_data(plan, [], region_data, now)
    return _format_plan_text(data, lines, source), data["metadata"]


def format_plan_data(data: dict[str, Any], source: str) -> str:
    """The normalised text of :func:`plan_to_data`'s result (see :func:`dumps_plan`)."""
    rows = data["assignments"]
    lines = _assignment_lines(rows) if rows else []
    if lines is None:
        try:
            for key in ("format", "version", "name", "level"):  # their error comes first
                _dump(data[key])
            lines = [f"    {_dump(row)}," for row in rows]
        except (TypeError, ValueError) as error:
            raise PlanFileError(source, f"cannot be saved: {_first_line(error)}") from None
    return _format_plan_text(data, lines, source)


def _dump(value: Any, indent: int | None = None) -> str:
    text = json.dumps(
        value, ensure_ascii=False, allow_nan=False, indent=indent, sort_keys=indent is not None
    )
    return text.replace("\n", "\n  ") if indent else text


def _format_plan_text(data: dict[str, Any], assignment_lines: list[str], source: str) -> str:
    """The normalised text of ``data`` with its assignments as the lines given, each
    ending in a comma (the last one's is dropped here): the text is joined once."""
    try:
        lines = ["{"]
        for key in ("format", "version", "name", "level"):
            lines.append(f"  {_dump(key)}: {_dump(data[key])},")
        if assignment_lines:
            lines.append('  "assignments": [')
            lines += assignment_lines
            lines[-1] = lines[-1].removesuffix(",")
            lines.append("  ],")
        else:
            lines.append('  "assignments": [],')
        lines.append(f'  "settings": {_dump(data["settings"], indent=2)},')
        lines.append(f'  "metadata": {_dump(data["metadata"], indent=2)}')
        lines.append("}\n")
        text = "\n".join(lines)
        if not text.isascii():  # only a lone surrogate can fail, and only outside ASCII
            text.encode("utf-8")
    except (TypeError, ValueError) as error:
        raise PlanFileError(source, f"cannot be saved: {_first_line(error)}") from None
    return text


def _lines_of_assignments(assignments: list[Assignment]) -> list[str] | None:
    """The assignment lines of :func:`format_plan_data` (each with a comma after it)
    made from the assignments themselves, ``None`` when a value is not text (only code
    can make one)."""
    text, quoted = _ENCODE_TEXT, _QuotedText()
    try:
        return [
            f'    {{"region": {text(a.region)}, "level": {quoted[a.level]},'
            f' "industry": {quoted[a.industry]}, "role": {quoted[a.role]},'
            f' "note": {quoted[a.note]}}},'
            for a in assignments
        ]
    except TypeError:
        return None


class _QuotedText(dict[str, str]):
    """Each text's JSON string, made once: a county plan's 14,000 assignments hold two
    levels and roles, some 50 industries and few notes (a region is rarely repeated
    enough to pay for the look-up). ``TypeError`` for a value that is not text."""

    def __missing__(self, value: str) -> str:
        quoted = self[value] = _ENCODE_TEXT(value)
        return quoted


def _assignment_lines(rows: list[Any]) -> list[str] | None:
    """The assignment lines exactly as ``json.dumps(row, ensure_ascii=False)`` writes
    them (each with a comma after it), ten times faster (one C string encoder call per value instead of an encoder
    per row); ``None`` unless every row is a dict of the five fields in order holding
    text, so that anything else takes the general path and its error messages."""
    if set(map(type, rows)) != {dict} or set(map(tuple, rows)) != {_V2_ASSIGNMENT_FIELDS}:
        return None
    text = _ENCODE_TEXT
    try:
        return [
            f'    {{"region": {text(row["region"])}, "level": {text(row["level"])},'
            f' "industry": {text(row["industry"])}, "role": {text(row["role"])},'
            f' "note": {text(row["note"])}}},'
            for row in rows
        ]
    except TypeError:  # a value that is not text
        return None


def _iso(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _loaded_region_data(plan: Plan) -> str | None:
    """The version of the region data this process uses, if it has loaded any.

    Saving never loads the layers (they pull in geopandas); a process that has not
    touched them keeps the version already in the plan's metadata.
    """
    regions = sys.modules.get("cluster_planner.domain.regions")
    data_version = getattr(regions, "data_version", None)
    if data_version is None:
        return None
    try:
        return str(data_version())
    except Exception:  # a missing data folder must not stop a save
        return None


def save_plan(
    plan: Plan,
    path: PathLike,
    *,
    keep_backup: bool = True,
    region_data: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write ``plan`` to ``path`` atomically, keeping the previous file as ``<name>.bak``.

    The target is always either the old complete file or the new complete file, even if
    the process is killed or the disk fills up midway. On success ``plan.metadata``
    holds the metadata written (so ``created`` survives later saves).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    PlanFileError
        The folder is missing or read-only, the disk is full, ...; the old file is then
        untouched and no temporary file is left behind.
    """
    path = Path(path)
    with gc_paused():
        text, metadata = _plan_text(plan, region_data, now, str(path))
    atomic_write_bytes(
        path, plan_file_bytes(text, path), keep_backup=keep_backup, error=PlanFileError
    )
    plan.metadata.clear()
    plan.metadata.update(metadata)
    return path


def plan_file_bytes(
    text: str, path: PathLike, error: type[Exception] = PlanFileError, what: str = "plan file"
) -> bytes:
    """The UTF-8 bytes of a plan file's text; refused (before anything is written) when
    they exceed :data:`MAX_FILE_BYTES`, the most the app reads back."""
    data = text.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise error(
            path,
            f"cannot save: the {what} would be {len(data) / 1e6:.1f} MB, more than the"
            f" {MAX_FILE_BYTES // (1024 * 1024)} MB a plan file may have, so it could not be"
            " opened again; shorten the notes or split the plan (nothing was written)",
        )
    return data
