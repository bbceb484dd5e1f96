"""Thousands of damaged plan files: each one loads or fails with one clear line.

Damage comes in two forms, as in real life: structural (a hand edit dropped a key,
changed a type, pasted a huge number, nested too deep) and byte-wise (a truncated
download, an editor saving in another encoding, garbage from a bad disk). The loader
must never crash with another exception, never hang, and anything it accepts must save
and load back unchanged.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.io.planfile import FORMAT, dumps_plan, loads_plan

SOURCE = "fuzzed.cplan"

VALID = {
    "format": FORMAT,
    "version": 1,
    "name": "草案 Draft",
    "level": "prefecture",
    "assignments": [
        {"region": "430200", "industry": "rail-transit-equipment", "role": "lead", "note": "株洲"},
        {"region": "420100", "industry": "integrated-circuits", "role": "support", "note": ""},
        {"region": "510100", "industry": "integrated-circuits", "role": "lead", "note": "x"},
    ],
    "settings": {"fit_threshold": 0.5, "weights": {"lead": 1, "support": 0.5}},
    "metadata": {"created": "2026-01-01T00:00:00Z", "app_version": "0.1.0"},
}
VALID_V0 = {
    "plan_name": "old",
    "level": "province",
    "regions": {"430000": ["steel", "textiles"], "110000": []},
    "saved_at": "2025-11-01T09:30:00Z",
}

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["lead", "support", "430200", "prefecture", FORMAT, "", "county"]),
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def container_paths(value: Any) -> list[tuple]:
    """Paths to every list and dict inside ``value`` (the root included)."""
    paths, stack = [], [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            paths.append(path)
            stack += [((*path, key), child) for key, child in item.items()]
        elif isinstance(item, list):
            paths.append(path)
            stack += [((*path, index), child) for index, child in enumerate(item)]
    return paths


def at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


@st.composite
def structurally_damaged(draw) -> bytes:
    document = copy.deepcopy(draw(st.sampled_from([VALID, VALID, VALID_V0])))
    nestings: list[int] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = container_paths(document)
        target = at(document, draw(st.sampled_from(paths)))
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        action = draw(
            st.sampled_from(["drop", "replace", "add", "duplicate", "nest", "huge", "surrogate"])
        )
        if action == "drop" and keys:
            del target[draw(st.sampled_from(keys))]
        elif action == "replace" and keys:
            target[draw(st.sampled_from(keys))] = draw(json_values)
        elif action == "add":
            if isinstance(target, dict):
                target[draw(st.text(max_size=12))] = draw(json_values)
            else:
                target.insert(draw(st.integers(0, len(target))), draw(json_values))
        elif action == "duplicate" and isinstance(target, list) and target:
            target.append(copy.deepcopy(target[draw(st.sampled_from(keys))]))
        elif action == "nest" and keys:
            # spliced into the text below: json.dumps itself cannot nest this deep
            nestings.append(draw(st.integers(min_value=1, max_value=3000)))
            target[draw(st.sampled_from(keys))] = f"@nest{len(nestings) - 1}@"
        elif action == "huge" and keys:
            target[draw(st.sampled_from(keys))] = draw(
                st.sampled_from(["@huge@", -(10**400), 1e308, "x" * 100_000, 2**63])
            )
        elif action == "surrogate" and keys:
            target[draw(st.sampled_from(keys))] = "\ud800 half a pair"
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    # more digits than Python's int() takes by default
    text = text.replace('"@huge@"', "9" * 5000)
    for number, depth in enumerate(nestings):
        text = text.replace(f'"@nest{number}@"', "[" * depth + "0" + "]" * depth)
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def byte_damaged(draw) -> bytes:
    data = bytearray(
        json.dumps(draw(st.sampled_from([VALID, VALID_V0])), ensure_ascii=False).encode("utf-8")
    )
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        action = draw(st.sampled_from(["insert", "delete", "flip", "truncate", "encoding"]))
        position = draw(st.integers(min_value=0, max_value=len(data)))
        if action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        elif action == "flip" and position < len(data):
            data[position] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "truncate":
            del data[position:]
        else:
            data[position:position] = draw(
                st.sampled_from(
                    [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\xe4\xb8"]
                )
            )
    if draw(st.booleans()):
        data = bytearray(
            bytes(data)
            .decode("utf-8", errors="ignore")
            .encode(draw(st.sampled_from(["utf-16", "gb18030", "latin-1"])), errors="replace")
        )
    return bytes(data)


def check_loader(data: bytes) -> None:
    try:
        plan = loads_plan(data, SOURCE)
    except PlanFileError as error:
        message = str(error)
        assert message.startswith(f"{SOURCE}: ")
        assert "\n" not in message and "\r" not in message
        assert len(message) < 600, message
        return
    # Whatever loads must save and load back the same.
    again = loads_plan(dumps_plan(plan), SOURCE)
    assert sorted(again.assignments, key=lambda a: a.key) == sorted(
        plan.assignments, key=lambda a: a.key
    )
    assert (again.name, again.level, again.settings) == (plan.name, plan.level, plan.settings)


FUZZ = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(structurally_damaged())
def test_structurally_damaged_plans_load_or_fail_with_one_line(data):
    check_loader(data)


@FUZZ
@given(byte_damaged())
def test_byte_damaged_plans_load_or_fail_with_one_line(data):
    check_loader(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_loader(data):
    check_loader(data)


def test_the_undamaged_plans_load():
    # the fuzzing above starts from valid files; make sure they are
    assert len(loads_plan(json.dumps(VALID), SOURCE)) == 3
    assert len(loads_plan(json.dumps(VALID_V0), SOURCE)) == 2
