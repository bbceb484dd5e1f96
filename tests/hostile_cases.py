"""The hostile-input attack of issue 17, kept: generated cases and the worker that runs them.

Cases are plain data (:func:`case_specs`), generated deterministically per category so
that pytest can name each one. The worker (``python hostile_cases.py CATEGORY FOLDER``)
makes the files of every case in FOLDER, runs each under an alarm (a hang is a failure,
not a frozen test run) and prints one JSON result per case: ``clean`` or the failure
(``traceback``, ``hang``, ``two-line error``, ``lost``...). Run with ``--table`` it
prints the table of every category.

A case is clean when it either works or is refused with one line (an
:class:`~cluster_planner.domain.errors.InputError`, or exit status 2 with one line on
stderr for the command line), raises nothing else, finishes within its time limit, and
leaves what was saved before readable and unchanged (unless it replaced it on purpose);
and what the app wrote can be read back.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import socket
import sys
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

CATEGORIES = ("plan files", "settings", "csv imports", "exports and output paths", "special files")
CASE_SECONDS = 10
MEMORY_BYTES = 3 * 1024**3

BASE_PLAN: dict[str, Any] = {
    "format": "cluster-planner-plan",
    "version": 1,
    "name": "Hostile draft",
    "level": "province",
    "assignments": [
        {"region": "430000", "industry": "steel", "role": "lead", "note": "株洲"},
        {"region": "420000", "industry": "integrated-circuits", "role": "support", "note": ""},
    ],
    "settings": {},
    "metadata": {},
}

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 1e308, 10**40, "", "x" * 5000, "\x00\x1b[31m\r\n", "$\\frac{1}{0}$",
    [], {}, [1, [2, [3]]], {"a": {"b": {}}},
]
SETTING_VALUES: list[tuple[Any, bool]] = [  # (value, valid for a 0..1 number setting)
    (1e300, False), (10**99, False), (2**63, False), (-1, False), (2, False), (1.5, False),
    ("0.5", False), (None, True), (True, False), ([], False), ({}, False), (0.5, True),
    (0, True), (1, True),
]
COUNT_VALUES: list[tuple[Any, bool]] = [
    (1e300, False), (10**99, False), (2**63, False), (-1, False), (3, True), (3.0, True),
    (2.5, False), ("3", False), (None, True), (True, False), ([], False), (0, True),
    (10**7, False), (-(2**63), False),
]
SCOPE_VALUES: list[tuple[Any, bool]] = [
    ("auto", True), ("national", True), ("430000", True), ("990000", False), ("", False),
    ("x" * 100, False), (7, False), (None, True), ([], False), ("\x00", False),
    ("east", None), ("../../etc", False), (True, False), ("$x$", False),
]

CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be")
CSV_DELIMITERS = (",", ";", "\t")
CSV_BROKEN = {
    "decimal comma": 'region,industry,value\n430000,steel,"1,5"\n',
    "unclosed quote": 'region,industry,value\n430000,steel,"1\n420000,steel,2\n',
    "swallowed row": 'region,industry,value,remark\n430000,steel,1,"x\n420000,steel,2,y"\n',
    "stray quote": 'region,industry,value\n430000,st"eel,1\n',
    "inf": "region,industry,value\n430000,steel,inf\n",
    "nan": "region,industry,value\n430000,steel,nan\n",
    "1e308": "region,industry,value\n430000,steel,1e308\n420000,steel,1e308\n",
    "1e999": "region,industry,value\n430000,steel,1e999\n",
    "negative": "region,industry,value\n430000,steel,-5\n",
    "underscore": "region,industry,value\n430000,steel,1_000\n",
    "empty": "",
    "blank": "\n\n  \n",
    "header only": "region,industry,value\n",
    "wrong header": "地区,产业,数值\n430000,steel,1\n",
    "NUL": "region,industry,value\n430000,st\x00eel,1\n",
    "wide 5000 columns": "region," + ",".join(f"i{n}" for n in range(5000)) + "\n430000" + ",1" * 5000 + "\n",
    "huge cell": "region,industry,value\n430000," + "s" * 2_000_000 + ",1\n",
    "multi-line cell then error": 'region,industry,value,remark\n430000,steel,1,"a\nb\nc"\n420000,steel,x,\n',
    "duplicate": "region,industry,value\n430000,steel,1\n430000,steel,2\n",
    "unknown region": "region,industry,value\n999999,steel,1\n",
    "control chars": "region,industry,value\n430000,\x1b[31msteel\r,1\n",
    "bidi": "region,industry,value\n430000,steel\u202e,1\n",
}
FACTS_BROKEN = {
    "ok": "region,condition,value,source\n430200,coal,1,MNR list\n",
    "semicolon": "region;condition;value;source\n430200;coal;1;MNR list\n",
    "tab gbk": "region\tcondition\tvalue\tsource\n430200\tcoal\t1\t自然资源部\n",
    "unclosed": 'region,condition,value,source\n430200,coal,1,"MNR\n430300,coal,1,x\n',
    "decimal comma": 'region,condition,value,source\n430200,coal,"0,5",x\n',
    "inf": "region,condition,value,source\n430200,coal,inf,x\n",
    "1e308": "region,condition,value,source\n430200,coal,1e308,x\n",
    "missing column": "region,condition,source\n430200,coal,x\n",
    "empty": "",
    "NUL": "region,condition,value,source\n430200,co\x00al,1,x\n",
    "multi-line": 'region,condition,value,source\n430200,coal,1,"a\nb"\n430300,bogus,1,x\n',
    "utf-16": "region,condition,value,source\n430200,coal,1,来源\n",
}

OUT_SUFFIXES = (".cplan", ".csv", ".geojson", ".gpkg", ".html", ".png", ".svg", ".pdf")
TARGET_KINDS = (
    "new", "existing", "read-only", "link to a device", "named pipe", "folder",
    "missing folder", "256-byte name", "newline in name",
)
PICTURE_NAMES = {
    "dollar": "Cost $5 and $6",
    "math": "$\\frac{1}{0}^{^{^{x}}}$",
    "double superscript": "Draft $x^2^3$",
    "unknown command": "Plan $\\foo$ and $",
    "unbalanced": "$\\left($ 2026",
    "control": "\x00\x1b[2J\r\nname",
    "one megabyte": "名" * 1_000_000,
    "bidi": "plan\u202egnp.exe",
    "emoji": "规划 😀🇨🇳",
}
SPECIAL_KINDS = (
    "named pipe", "/dev/zero", "/dev/null", "folder", "symlink loop", "link to pipe",
    "socket", "sparse 25 MB", "empty", "broken link", "no such file", "newline in name",
)
READERS = ("plan", "statistics", "conditions", "recovery")


# ------------------------------------------------------------------------------ specs
def case_specs(category: str) -> list[dict[str, Any]]:
    """The cases of ``category``, as JSON-ready dicts with a unique ``id``."""
    specs: list[dict[str, Any]] = []
    if category == "plan files":
        for cut in (0, 1, 2, 10, 40, 80, 120, 200, 300, -2):
            specs.append({"id": f"truncated at {cut}", "kind": "plan-truncate", "cut": cut})
        for seed in range(20):
            specs.append({"id": f"bytes flipped, seed {seed}", "kind": "plan-flip", "seed": seed})
        for field in ("format", "version", "name", "level", "assignments", "settings", "metadata"):
            for number in range(len(ODD_VALUES)):
                specs.append({"id": f"{field} = odd value {number}", "kind": "plan-field",
                              "field": field, "value": number})
        for field in ("region", "industry", "role", "note"):
            for number in range(8):
                specs.append({"id": f"assignment {field} = odd value {number}",
                              "kind": "plan-assignment", "field": field, "value": number})
        for encoding in ("utf-16", "gbk", "latin-1", "utf-8-sig", "utf-32"):
            specs.append({"id": f"encoded {encoding}", "kind": "plan-encoding", "encoding": encoding})
        for shape in ("deep nesting", "huge integer", "NaN", "duplicate key", "version 99",
                      "4500 long notes", "lone surrogate", "200k assignments of garbage"):
            specs.append({"id": shape, "kind": "plan-shape", "shape": shape})
    elif category == "settings":
        for name in ("fit_threshold", "crowding_share", "similarity_threshold"):
            for number, (_, valid) in enumerate(SETTING_VALUES):
                specs.append({"id": f"{name} value {number}", "kind": "setting", "name": name,
                              "table": "number", "value": number, "valid": valid})
        for name in ("crowding_min", "min_portfolio", "max_pair_flags"):
            for number, (_, valid) in enumerate(COUNT_VALUES):
                specs.append({"id": f"{name} value {number}", "kind": "setting", "name": name,
                              "table": "count", "value": number, "valid": valid})
        for number, (_, valid) in enumerate(SCOPE_VALUES):
            specs.append({"id": f"scope value {number}", "kind": "setting", "name": "scope",
                          "table": "scope", "value": number, "valid": valid})
    elif category == "csv imports":
        for encoding in CSV_ENCODINGS:
            for delimiter in CSV_DELIMITERS:
                specs.append({"id": f"statistics {encoding} {DELIMITER_NAMES[delimiter]}",
                              "kind": "stats-good", "encoding": encoding, "delimiter": delimiter})
        for name in CSV_BROKEN:
            for encoding in ("utf-8", "gbk"):
                specs.append({"id": f"statistics {name} ({encoding})", "kind": "stats-broken",
                              "name": name, "encoding": encoding})
        for name in FACTS_BROKEN:
            encoding = {"tab gbk": "gbk", "utf-16": "utf-16"}.get(name, "utf-8")
            specs.append({"id": f"conditions {name}", "kind": "facts", "name": name,
                          "encoding": encoding})
        specs.append({"id": "statistics 21 MB", "kind": "stats-big"})
        specs.append({"id": "check --statistics gbk semicolon", "kind": "stats-cli"})
    elif category == "exports and output paths":
        for suffix in OUT_SUFFIXES:
            for target in TARGET_KINDS:
                specs.append({"id": f"{suffix} to {target}", "kind": "export",
                              "suffix": suffix, "target": target})
        for name in PICTURE_NAMES:
            for suffix in (".png", ".svg", ".pdf"):
                specs.append({"id": f"name {name} as {suffix}", "kind": "picture-name",
                              "name": name, "suffix": suffix})
        specs.append({"id": "save over the read cap keeps the old plan", "kind": "save-cap"})
        specs.append({"id": "unknown suffix", "kind": "export-suffix"})
    elif category == "special files":
        for reader in READERS:
            for special in SPECIAL_KINDS:
                specs.append({"id": f"{reader} from {special}", "kind": "special",
                              "reader": reader, "special": special})
        for special in ("named pipe", "/dev/zero", "folder", "socket"):
            specs.append({"id": f"check command on {special}", "kind": "special-cli",
                          "special": special})
    else:
        raise ValueError(category)
    ids = [spec["id"] for spec in specs]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return specs


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


# ----------------------------------------------------------------------------- running
class Hang(Exception):
    pass


class Failure(Exception):
    """The case broke a rule: its message says which."""


def _alarm(signum, frame):  # noqa: ARG001
    raise Hang()


def run_category(category: str, folder: Path, out=None) -> None:
    """Run every case of ``category``, writing one JSON line per case as it ends (so
    that a worker killed midway still says which case killed it)."""
    out = out or sys.stdout
    signal.signal(signal.SIGALRM, _alarm)
    try:  # a reader that swallows a device whole fails its case, not the machine
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass
    for number, spec in enumerate(case_specs(category)):
        workdir = folder / f"case{number}"
        workdir.mkdir(parents=True)
        started = time.perf_counter()
        signal.alarm(CASE_SECONDS)
        try:
            run_case(spec, workdir)
            outcome, detail = "clean", ""
        except Hang:
            outcome, detail = "hang", f"over {CASE_SECONDS} s"
        except Failure as failure:
            outcome, detail = str(failure).split(":", 1)[0], str(failure)
        except BaseException:  # noqa: BLE001 - any other exception is the failure we look for
            outcome, detail = "traceback", traceback.format_exc(limit=-3)
        finally:
            signal.alarm(0)
        row = {"id": spec["id"], "outcome": outcome, "detail": detail[-1500:],
               "seconds": round(time.perf_counter() - started, 3)}
        out.write(json.dumps(row) + "\n")
        out.flush()


def read_results(category: str, output: str, returncode: int, stderr: str) -> list[dict[str, Any]]:
    """The rows a worker printed; cases it never reached fail (the first one killed it)."""
    done = {row["id"]: row for row in map(json.loads, output.splitlines()) if row}
    rows = []
    for spec in case_specs(category):
        if spec["id"] in done:
            rows.append(done[spec["id"]])
        else:
            killed = not rows or rows[-1]["outcome"] != "worker died"
            rows.append({"id": spec["id"], "outcome": "worker died" if killed else "not run",
                         "detail": f"exit {returncode}: {stderr[-800:]}", "seconds": 0})
    return rows


def _input_error():
    from cluster_planner.domain.errors import InputError

    return InputError


def expect_clean(action, path: Path | str | None = None):
    """Run ``action``; a refusal must be one line naming ``path``."""
    try:
        return action()
    except _input_error() as error:
        text = str(error)
        if "\n" in text or "\r" in text:
            raise Failure(f"two-line error: {text!r}") from None
        if path is not None and not text.startswith(str(Path(path).parent)):
            raise Failure(f"error names another file: {text!r}") from None
        return error


def run_cli(*argv: str, expect: tuple[int, ...] = (0, 1, 2), must_name: str = "") -> tuple[int, str]:
    from cluster_planner.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(argv))
    problem = err.getvalue()
    if "Traceback" in problem:
        raise Failure(f"traceback: {problem[-800:]}")
    if status not in expect:
        raise Failure(f"exit status: {status}, expected {expect}; {problem[:300]!r}")
    if status == 2:
        lines = problem.splitlines()
        if len(lines) != 1 or not lines[0].startswith(f"cluster-planner {argv[0]}: "):
            raise Failure(f"two-line error: {problem[:400]!r}")
        if must_name and must_name not in lines[0]:
            raise Failure(f"unnamed: {must_name!r} not in {lines[0][:300]!r}")
    for character in "\x1b\r\x00":
        if character in out.getvalue():
            raise Failure(f"raw control character: {character!r} printed")
    return status, problem


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def check_round_trip(path: Path, workdir: Path) -> None:
    """A plan that loads can be saved and loaded again (what the app writes it reads)."""
    from cluster_planner.io.planfile import load_plan, save_plan

    loaded = expect_clean(lambda: load_plan(path), path)
    if isinstance(loaded, Exception):
        return
    again = workdir / "again.cplan"
    saved = expect_clean(lambda: save_plan(loaded, again), again)
    if isinstance(saved, Exception):
        if again.exists():
            raise Failure("lost: a refused save left a file")
        return
    reread = load_plan(again)
    if sorted(reread.assignments, key=str) != sorted(loaded.assignments, key=str):
        raise Failure("lost: assignments changed in a round trip")


def run_case(spec: dict[str, Any], workdir: Path) -> None:
    kind = spec["kind"]
    handler = globals()[f"_case_{kind.replace('-', '_')}"]
    handler(spec, workdir)


# -- plan files
def _plan_path(workdir: Path, data: bytes) -> Path:
    path = workdir / "plan.cplan"
    path.write_bytes(data)
    return path


def _check_plan_bytes(data: bytes, workdir: Path) -> None:
    path = _plan_path(workdir, data)
    run_cli("check", str(path))
    check_round_trip(path, workdir)


def _base_bytes() -> bytes:
    return json.dumps(BASE_PLAN, ensure_ascii=False, indent=1).encode("utf-8")


def _case_plan_truncate(spec, workdir):
    _check_plan_bytes(_base_bytes()[: spec["cut"]], workdir)


def _case_plan_flip(spec, workdir):
    data = bytearray(_base_bytes())
    rng = random.Random(spec["seed"])
    for _ in range(rng.randint(1, 6)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    _check_plan_bytes(bytes(data), workdir)


def _case_plan_field(spec, workdir):
    plan = json.loads(json.dumps(BASE_PLAN))
    plan[spec["field"]] = ODD_VALUES[spec["value"]]
    _check_plan_bytes(json.dumps(plan, ensure_ascii=False).encode("utf-8", "surrogatepass"), workdir)


def _case_plan_assignment(spec, workdir):
    plan = json.loads(json.dumps(BASE_PLAN))
    plan["assignments"][0][spec["field"]] = ODD_VALUES[spec["value"]]
    _check_plan_bytes(json.dumps(plan, ensure_ascii=False).encode("utf-8"), workdir)


def _case_plan_encoding(spec, workdir):
    text = json.dumps(BASE_PLAN, ensure_ascii=False)
    data = text.encode(spec["encoding"], "replace") if spec["encoding"] != "latin-1" else \
        text.replace("株洲", "Zhuzhou é").encode("latin-1")
    _check_plan_bytes(data, workdir)


def _case_plan_shape(spec, workdir):
    shape = spec["shape"]
    text = json.dumps(BASE_PLAN, ensure_ascii=False)
    if shape == "deep nesting":
        text = text.replace('"settings": {}', '"settings": {"x": ' + "[" * 50000 + "]" * 50000 + "}")
    elif shape == "huge integer":
        text = text.replace('"version": 1', '"version": ' + "9" * 5000)
    elif shape == "NaN":
        text = text.replace('"settings": {}', '"settings": {"fit_threshold": NaN}')
    elif shape == "duplicate key":
        text = text.replace('"name": ', '"name": "a", "name": ')
    elif shape == "version 99":
        text = text.replace('"version": 1', '"version": 99')
    elif shape == "4500 long notes":
        plan = json.loads(text)
        plan["assignments"] = [
            {"region": f"{110000 + 10000 * (i % 30):06d}", "industry": f"i{i}", "role": "lead",
             "note": "株" * 2000} for i in range(4500)
        ]
        text = json.dumps(plan, ensure_ascii=False)
    elif shape == "lone surrogate":
        text = text.replace("株洲", "\\ud800")
    elif shape == "200k assignments of garbage":
        plan = json.loads(text)
        plan["assignments"] = [{"region": "x", "industry": 1}] * 200_000
        text = json.dumps(plan)
    _check_plan_bytes(text.encode("utf-8"), workdir)


# -- settings
def _case_setting(spec, workdir):
    table = {"number": SETTING_VALUES, "count": COUNT_VALUES, "scope": SCOPE_VALUES}[spec["table"]]
    value, _ = table[spec["value"]]
    plan = json.loads(json.dumps(BASE_PLAN))
    plan["settings"] = {spec["name"]: value}
    path = write_json(workdir / "plan.cplan", plan)
    valid = spec["valid"]
    expect = (0, 1, 2) if valid is None else (0, 1) if valid else (2,)
    run_cli("check", str(path), expect=expect, must_name="" if valid else spec["name"].split("_")[0])
    check_round_trip(path, workdir)


# -- csv imports
def _known():
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer

    return load_layer("province").codes, load_catalog().ids


def _load_stats(path: Path):
    from cluster_planner.domain.statistics import load_statistics

    codes, ids = _known()
    return expect_clean(lambda: load_statistics(path, codes, ids), path)


def _case_stats_good(spec, workdir):
    # Thousands grouped by commas only in a comma-separated table (elsewhere a comma is
    # a decimal comma and refused as ambiguous).
    number = '"1,234.5"' if spec["delimiter"] == "," else "1234.5"
    text = f"region,industry,value\n430000,steel,{number}\n420000,steel,7\n"
    text = text.replace(",", spec["delimiter"]).replace(number.replace(",", spec["delimiter"]), number)
    path = workdir / "stats.csv"
    path.write_bytes(text.encode(spec["encoding"]))
    table = _load_stats(path)
    if isinstance(table, Exception):
        raise Failure(f"refused a good table: {table}")
    if sorted(table.values.ravel().tolist()) != [7.0, 1234.5]:
        raise Failure(f"wrong values: {table.values.tolist()}")


def _case_stats_broken(spec, workdir):
    import warnings

    path = workdir / "stats.csv"
    path.write_bytes(CSV_BROKEN[spec["name"]].encode(spec["encoding"], "replace"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # numpy overflow is a failure
        result = _load_stats(path)
        if not isinstance(result, Exception):
            import numpy as np

            if not np.isfinite(result.density).all():
                raise Failure("lost: non-finite density")


def _case_facts(spec, workdir):
    from cluster_planner.domain.conditions import read_facts_csv

    path = workdir / "facts.csv"
    path.write_bytes(FACTS_BROKEN[spec["name"]].encode(spec["encoding"]))
    result = expect_clean(lambda: read_facts_csv(path), path)
    if spec["name"] in ("ok", "semicolon", "tab gbk", "utf-16"):
        if isinstance(result, Exception) or len(result[0]) != 1:
            raise Failure(f"refused a good table: {result}")


def _case_stats_big(spec, workdir):
    path = workdir / "big.csv"
    with open(path, "wb") as handle:
        handle.write(b"region,industry,value\n")
        handle.truncate(21 * 1024 * 1024)
    result = _load_stats(path)
    if not isinstance(result, Exception) or "20 MB" not in str(result):
        raise Failure(f"unnamed: no size cap: {result}")


def _case_stats_cli(spec, workdir):
    plan = write_json(workdir / "plan.cplan", BASE_PLAN)
    stats = workdir / "stats.csv"
    stats.write_bytes("region;industry;value\n430000;steel;5\n420000;钢;x\n".encode("gbk"))
    run_cli("check", str(plan), "--statistics", str(stats), expect=(2,), must_name="line 3")


# -- exports and output paths
def make_device(folder: Path) -> Path:
    """A device node of our own (a copy of /dev/null's numbers) to aim links at, so that
    code that wrongly replaces it harms nothing; a named pipe where mknod is not allowed."""
    import stat

    node = folder / "device"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        os.mkfifo(node)
    return node


def is_special(path: Path) -> bool:
    import stat

    mode = path.lstat().st_mode
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _province_plan(name: str = "Export"):
    from cluster_planner.domain.plan import Assignment, Plan

    return Plan.from_assignments(
        [Assignment("430000", "steel", "lead", "株洲"), Assignment("420000", "steel", "support", "")],
        name=name, level="province",
    )


def _make_target(kind: str, workdir: Path, suffix: str) -> tuple[Path, bytes | None]:
    path = workdir / f"out{suffix}"
    previous = b"previously saved content"
    if kind == "new":
        return path, None
    if kind in ("existing", "read-only"):
        path.write_bytes(previous)
        if kind == "read-only":
            path.chmod(0o444)
        return path, previous
    if kind == "link to a device":
        path.symlink_to(make_device(workdir))
        return path, None
    if kind == "named pipe":
        os.mkfifo(path)
        return path, None
    if kind == "folder":
        path.mkdir()
        return path, None
    if kind == "missing folder":
        return workdir / "no" / "such" / f"out{suffix}", None
    if kind == "256-byte name":
        return workdir / ("n" * (256 - len(suffix)) + suffix), None
    if kind == "newline in name":
        return workdir / f"two\nlines{suffix}", None
    raise ValueError(kind)


def _case_export(spec, workdir):
    plan = write_json(workdir / "plan.cplan", BASE_PLAN)
    out, previous = _make_target(spec["target"], workdir, spec["suffix"])
    status, problem = run_cli("export", str(plan), str(out), "--language", "en", expect=(0, 2))
    if spec["target"] == "read-only" and status == 0:
        raise Failure("lost: a read-only file was replaced")
    if spec["target"] == "link to a device" and not is_special(workdir / "device"):
        raise Failure("lost: the device node was replaced")
    if previous is not None and status == 2 and out.read_bytes() != previous:
        raise Failure("lost: a refused export changed the previous file")
    if status == 0 and spec["suffix"] == ".cplan":
        from cluster_planner.io.planfile import load_plan

        load_plan(out)
    leftovers = [p.name for p in workdir.iterdir() if p.name.endswith(".saving")]
    if leftovers:
        raise Failure(f"lost: temporary folders left: {leftovers}")
    if status == 2 and ".saving" in problem:
        raise Failure(f"unnamed: the error names a temporary file: {problem!r}")


_LAYER: list[Any] = []


def _case_picture_name(spec, workdir):
    from cluster_planner.domain.regions import load_layer
    from cluster_planner.io.export import render_plan_picture

    if not _LAYER:
        _LAYER.append(load_layer("province"))
    out = workdir / f"map{spec['suffix']}"
    render_plan_picture(_province_plan(PICTURE_NAMES[spec["name"]]), _LAYER[0], None, out, dpi=30)
    if out.stat().st_size < 500:
        raise Failure("lost: an empty picture")


def _case_save_cap(spec, workdir):
    from cluster_planner.domain.plan import Assignment, Plan
    from cluster_planner.io.planfile import load_plan, save_plan

    path = workdir / "plan.cplan"
    save_plan(_province_plan("kept"), path)
    before = path.read_bytes()
    huge = Plan.from_assignments(
        [Assignment(f"{110000 + i:06d}", "steel", "lead", "株" * 2000) for i in range(4500)],
        level="province",
    )
    error = expect_clean(lambda: save_plan(huge, path), path)
    if not isinstance(error, Exception):
        raise Failure("lost: a plan over the read cap was saved")
    if path.read_bytes() != before or load_plan(path).name != "kept":
        raise Failure("lost: the previous plan changed")


def _case_export_suffix(spec, workdir):
    plan = write_json(workdir / "plan.cplan", BASE_PLAN)
    run_cli("export", str(plan), str(workdir / "out.exe"), expect=(2,), must_name=".exe")


# -- special files
def _make_special(kind: str, workdir: Path) -> Path:
    path = workdir / "input.csv"
    if kind == "named pipe":
        os.mkfifo(path)
    elif kind in ("/dev/zero", "/dev/null"):
        return Path(kind)
    elif kind == "folder":
        path.mkdir()
    elif kind == "symlink loop":
        path.symlink_to(path)
    elif kind == "link to pipe":
        os.mkfifo(workdir / "pipe")
        path.symlink_to(workdir / "pipe")
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        _KEEP.append(server)
    elif kind == "sparse 25 MB":
        with open(path, "wb") as handle:
            handle.truncate(25 * 1024 * 1024)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "broken link":
        path.symlink_to(workdir / "nowhere")
    elif kind == "no such file":
        pass
    elif kind == "newline in name":
        path = workdir / "two\nlines.csv"
        path.write_bytes(b"\x00\x01")
    else:
        raise ValueError(kind)
    return path


_KEEP: list[Any] = []


def _case_special(spec, workdir):
    path = _make_special(spec["special"], workdir)
    reader = spec["reader"]
    if reader == "plan":
        from cluster_planner.io.planfile import load_plan as read
    elif reader == "statistics":
        from cluster_planner.domain.statistics import load_statistics as read
    elif reader == "conditions":
        from cluster_planner.domain.conditions import read_facts_csv as read
    else:
        from cluster_planner.io.recovery import load_recovery as read
    result = expect_clean(lambda: read(path), path)
    if not isinstance(result, Exception) and spec["special"] not in ("empty",):
        raise Failure(f"unnamed: read a {spec['special']} without complaint")


def _case_special_cli(spec, workdir):
    path = _make_special(spec["special"], workdir)
    run_cli("check", str(path), expect=(2,))


# ------------------------------------------------------------------------------- table
def table(results: dict[str, list[dict[str, Any]]]) -> str:
    lines = [f"{'category':<26} {'cases':>5} {'clean':>5} {'failures':>8}"]
    for category, rows in results.items():
        clean = sum(row["outcome"] == "clean" for row in rows)
        lines.append(f"{category:<26} {len(rows):>5} {clean:>5} {len(rows) - clean:>8}")
    total = sum(len(rows) for rows in results.values())
    clean = sum(row["outcome"] == "clean" for rows in results.values() for row in rows)
    lines.append(f"{'total':<26} {total:>5} {clean:>5} {total - clean:>8}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--table":
        import subprocess
        import tempfile

        results = {}
        with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
            for number, category in enumerate(CATEGORIES):
                done = subprocess.run(
                    [sys.executable, __file__, category, str(Path(folder) / str(number))],
                    capture_output=True, text=True, timeout=900,
                )
                results[category] = read_results(category, done.stdout, done.returncode, done.stderr)
        print(table(results))
        for category, rows in results.items():
            for row in rows:
                if row["outcome"] != "clean":
                    print(f"- {category} / {row['id']}: {row['detail'][:300]!r}")
        return 0
    category, folder = argv
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("CLUSTER_PLANNER_HOME", str(Path(folder) / "home"))
    run_category(category, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
