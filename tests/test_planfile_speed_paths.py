"""The fast ways of reading and writing plan files do exactly what the general ones do.

A valid version-1 or version-2 file is read column by column (:func:`planfile._load_fast`) and
its assignments written with one string encoder call per value; everything else goes
through the general checks with their precise messages. These tests prove the fast
reader accepts exactly the files the general one accepts and builds the same plan, and
the fast writer gives the same bytes as ``json.dumps``. The app's own text is read with
its assignment lines matched by a regular expression (:func:`planfile._load_canonical`);
edits of that text prove it reads what the JSON parser reads, and nothing else.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_planfile_fuzz import VALID, structurally_damaged

from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io import planfile
from cluster_planner.io.planfile import dumps_plan, format_plan_data, loads_plan, plan_to_data

SOURCE = "speed.cplan"
#: VALID in version 2: each assignment names its level, here two of them.
VALID_V2 = dict(
    copy.deepcopy(VALID),
    version=2,
    assignments=[
        {"region": "510000", "level": "province", "industry": "integrated-circuits",
         "role": "lead", "note": "四川"},
        {"region": "320500", "level": "prefecture", "industry": "integrated-circuits",
         "role": "support", "note": ""},
        {"region": "320200", "level": "prefecture", "industry": "integrated-circuits",
         "role": "lead", "note": "x"},
    ],
)
DOCUMENTS = {"v1": VALID, "v2": VALID_V2}


def read_generally(data: Any, check_strings: bool) -> Plan:
    """The general reader: every check, in the order that picks the error message."""
    planfile._check_nesting(data, SOURCE, check_strings)
    version = planfile._detect_version(data, SOURCE)
    return planfile.LOADERS[version](data, SOURCE)


def assert_readers_agree(
    read_fast: Callable[[bool], Plan | None], read_generally: Callable[[bool], Plan]
) -> None:
    """With strings checked or not, the fast reader gives ``None`` or the general
    reader's plan (in the same order), and ``None`` wherever the general one refuses."""
    for check_strings in (False, True):
        fast = read_fast(check_strings)
        try:
            general = read_generally(check_strings)
        except PlanFileError:
            assert fast is None, "the fast reader accepted a plan the general one refuses"
            continue
        if fast is not None:
            assert fast == general
            assert fast.assignments == general.assignments  # the same order too
            assert fast.regions == general.regions
            assert fast.metadata == general.metadata and fast.settings == general.settings
            assert all(vars(a) == vars(b) for a, b in zip(fast, general, strict=True))


def assert_fast_reader_agrees(data: Any) -> None:
    # Neither reader changes ``data`` (and it may nest too deep to copy).
    assert_readers_agree(
        lambda check_strings: planfile._load_fast(data, SOURCE, check_strings),
        lambda check_strings: read_generally(data, check_strings),
    )


def assignment_values() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["430200", "43020a", "43020", "4302000", "４３０２００", "430200\n", ""]),
        st.sampled_from(["steel", "integrated-circuits", " ", "lead", "support", "Lead"]),
        st.sampled_from(["province", "prefecture", "county", "Province", "city"]),
        st.text(max_size=8),
        st.sampled_from([None, 430200, 1.5, True, [], {}, ["steel"], "x" * 2001, "x" * 2000]),
    )


@st.composite
def damaged_assignments(draw) -> dict[str, Any]:
    """A valid plan whose assignments have a few item-level edits (a wrong value, a
    dropped, added or reordered key, a repeat, a non-object item)."""
    document = copy.deepcopy(draw(st.sampled_from([VALID, VALID_V2])))
    items = document["assignments"]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(items) - 1))
        item = items[index]
        action = draw(st.sampled_from(["value", "drop", "add", "reorder", "repeat", "replace"]))
        if action == "value" and isinstance(item, dict) and item:
            item[draw(st.sampled_from(sorted(item)))] = draw(assignment_values())
        elif action == "drop" and isinstance(item, dict) and item:
            del item[draw(st.sampled_from(sorted(item)))]
        elif action == "add" and isinstance(item, dict):
            key = draw(st.sampled_from(["extra", "note", "Region", "level"]))
            item[key] = draw(assignment_values())
        elif action == "reorder" and isinstance(item, dict):
            items[index] = dict(reversed(list(item.items())))
        elif action == "repeat":
            items.append(copy.deepcopy(item))
        elif action == "replace":
            items[index] = draw(assignment_values())
    return document


SPEED = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SPEED
@given(damaged_assignments())
def test_the_fast_reader_agrees_on_damaged_assignments(document):
    assert_fast_reader_agrees(document)


@SPEED
@given(structurally_damaged())
def test_the_fast_reader_agrees_on_damaged_plans(data):
    try:
        document = planfile.parse_json(data.decode("utf-8", errors="surrogatepass"), SOURCE)
    except (PlanFileError, UnicodeDecodeError):
        return
    assert_fast_reader_agrees(document)


@pytest.mark.parametrize("version", sorted(DOCUMENTS))
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("region", "43020a"),
        ("region", " 43020"),
        ("region", "430200\n"),
        ("region", "４３０２００"),  # full-width digits are digits to the general reader too
        ("region", 430200),
        ("industry", " "),
        ("industry", ""),
        ("industry", None),
        ("role", "Lead"),
        ("role", ["lead"]),
        ("note", "x" * 2000),
        ("note", "x" * 2001),
        ("note", None),
        ("note", "\ud800"),
        ("level", "city"),
        ("level", "Province"),
        ("level", None),
        ("level", "county"),
    ],
)
def test_the_readers_agree_on_each_edge_value(version, key, value):
    document = copy.deepcopy(DOCUMENTS[version])
    document["assignments"][1][key] = value
    assert_fast_reader_agrees(document)


@pytest.mark.parametrize("check_strings", [False, True])
def test_a_valid_version_2_plan_takes_the_fast_reader(check_strings):
    document = copy.deepcopy(VALID_V2)
    document["assignments"].append({"industry": "steel", "region": "110101", "role": "lead"})
    plan = planfile._load_fast(document, SOURCE, check_strings)
    assert plan is not None
    assert plan == read_generally(document, check_strings)
    assert plan.get("510000", "integrated-circuits").level == "province"
    # an assignment without its level is on the plan's level
    assert plan.get("110101", "steel") == Assignment("110101", "steel", "lead", "", "prefecture")


@pytest.mark.parametrize("check_strings", [False, True])
def test_a_valid_plan_takes_the_fast_reader(check_strings):
    document = copy.deepcopy(VALID)
    document["assignments"].append({"industry": "steel", "region": "110101", "role": "lead"})
    plan = planfile._load_fast(document, SOURCE, check_strings)
    assert plan is not None
    assert plan == read_generally(document, check_strings)
    assert plan.get("110101", "steel") == Assignment("110101", "steel", "lead", "", "prefecture")


@pytest.mark.parametrize("version", sorted(DOCUMENTS))
def test_an_empty_plan_takes_the_fast_reader(version):
    document = dict(copy.deepcopy(DOCUMENTS[version]), assignments=[])
    plan = planfile._load_fast(document, SOURCE, False)
    assert plan is not None
    assert plan == read_generally(document, False)


def test_a_lone_surrogate_in_a_note_is_refused_when_strings_are_checked():
    text = json.dumps(
        dict(
            VALID,
            assignments=[
                {"region": "430200", "industry": "steel", "role": "lead", "note": "\ud800"}
            ],
        )
    )
    with pytest.raises(PlanFileError, match="lone surrogate"):
        loads_plan(text, SOURCE)


def test_the_first_repeated_key_of_an_object_is_named():
    text = json.dumps(VALID)[:-1] + ', "b": 1, "c": 2, "c": 3, "b": 4}'
    with pytest.raises(PlanFileError, match=r"the key 'c' appears twice in one object"):
        loads_plan(text, SOURCE)


def assignment_lines(text: str) -> list[str]:
    lines = text.split("\n")
    start = lines.index('  "assignments": [') + 1
    end = lines.index("  ],")
    return [line.removesuffix(",") for line in lines[start:end]]


plan_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20
)  # Cs: lone surrogates cannot be saved at all
#: The fields of a few assignments (region, industry, role, note, level) a plan can save.
assignment_rows = st.lists(
    st.tuples(
        st.sampled_from(["430200", "110101", "420100"]),
        plan_texts.filter(str.strip),  # an industry id is never blank
        st.sampled_from(["lead", "support"]),
        plan_texts,
        st.sampled_from(["province", "prefecture", "county"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(assignment_rows)
def test_assignment_lines_are_what_json_dumps_writes(rows):
    plan = Plan.from_assignments(Assignment(*row) for row in rows)
    data = plan_to_data(plan, region_data="r")
    expected = ["    " + json.dumps(row, ensure_ascii=False) for row in data["assignments"]]
    assert assignment_lines(dumps_plan(plan, region_data="r")) == expected
    # and what is written reads back the same
    assert planfile._assignment_lines(data["assignments"]) is not None  # the fast writer ran
    assert loads_plan(format_plan_data(data, SOURCE), SOURCE).assignments == sorted(
        plan.assignments, key=lambda a: a.key
    )


@pytest.mark.parametrize(
    "row",
    [
        {"region": "430200", "industry": "steel", "role": "lead", "note": 5},
        {"industry": "textiles", "region": "430200", "role": "lead", "note": ""},
        {"region": "430200", "industry": "steel", "role": "lead", "note": "", "extra": 1},
        {"region": "430200", "industry": "steel", "role": "lead"},
    ],
)
def test_assignment_rows_of_another_shape_are_written_as_json_dumps_writes_them(row):
    rows = [{"region": "110101", "industry": "steel", "role": "lead", "note": ""}, row]
    data = dict(plan_to_data(Plan(), region_data="r"), assignments=rows)
    expected = ["    " + json.dumps(row, ensure_ascii=False) for row in rows]
    assert assignment_lines(format_plan_data(data, SOURCE)) == expected


# ---------------------------------------------------------------- the canonical-text reader
def read_by_json(text: str, check_strings: bool) -> Plan:
    """The whole text through the strict JSON parser and the readers above."""
    data = planfile.parse_json(text, SOURCE)
    return planfile._plan_from_parsed(data, SOURCE, None, None, check_strings)


def assert_canonical_reader_agrees(text: str) -> None:
    assert_readers_agree(
        lambda check_strings: planfile._load_canonical(text, SOURCE, check_strings),
        lambda check_strings: read_by_json(text, check_strings),
    )


def canonical_text(settings: dict[str, Any] | None = None) -> str:
    plan = Plan.from_assignments(
        [
            Assignment("510000", "integrated-circuits", "lead", "四川", "province"),
            Assignment("320500", "integrated-circuits", "support", "", "prefecture"),
            Assignment("320500", "steel", "lead", "a note", "prefecture"),
            Assignment("320200", "integrated-circuits", "lead", "x", "prefecture"),
        ],
        name="Draft 2026",
        level="prefecture",
        settings=settings or {},
    )
    return dumps_plan(plan, region_data="r")


def test_the_app_s_own_text_takes_the_canonical_reader():
    text = canonical_text()
    plan = planfile._load_canonical(text, SOURCE, False)
    assert plan is not None
    assert plan == read_by_json(text, False)
    assert loads_plan(text, SOURCE) == plan


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"note": "x"', '"note": "x\\"y"'),  # an escape: the general path reads it
        ('"note": "x"', '"note": "\\u00e9"'),
        ('"note": "x"', '"note": "\\ud800"'),
        ('"note": "x"', '"note": 5'),
        ('"note": "x"', '"note": "' + "x" * 2000 + '"'),
        ('"note": "x"', '"note": "' + "x" * 2001 + '"'),  # longer than a note may be
        ('"note": "x"', '"note": "x", "note": "y"'),  # a repeated key
        ('"region": "320200"', '"region": "32020a"'),
        ('"region": "320200"', '"region": "３２０２００"'),
        ('"role": "lead", "note": "x"', '"role": "Lead", "note": "x"'),
        ('"level": "province"', '"level": "city"'),
        ('"industry": "steel"', '"industry": "integrated-circuits"'),  # a repeat
        ('"industry": "steel"', '"industry": " "'),
        ('"industry": "steel"', '"industry": "st\teel"'),  # a raw control character
        ('"note": "a note"},', '"note": "a note"}'),  # a comma missing
        ('"note": "a note"},', '"note": "a note"},,'),
        ('"四川"}\n  ],', '"四川"},\n  ],'),  # a trailing comma
        ('"四川"}\n  ],', '"四川"}\n  ]'),
        ('"四川"}\n  ],', '"四川"}\n  ],\n  "assignments": [],'),  # the key twice
        ('"version": 2', '"version": 1'),
        ('"version": 2', '"version": 3'),
        ('"name": "Draft 2026"', '"name": "Draft \\"2026\\"\\n"'),
        ('"name": "Draft 2026"', '"name": "Draft\n2026"'),
        ('"name": "Draft 2026"', '"name": 5'),
        ('"level": "prefecture",\n  "assignments"', '"level": "county",\n  "assignments"'),
        ('"level": "prefecture",\n  "assignments"', '"level": "city",\n  "assignments"'),
        ("{\n", "{\n  "),
        ("{\n", "[{\n"),
        ('  "settings": {},', '  "settings": {"x": [\n  ]},'),
        ('  "settings": {},', '  "settings": [],'),
        ('  "settings": {},', '  "settings": {},\n  "extra": 1,'),
        ('  "settings": {},', '  "settings": {}'),
        ('"created": "', '"created": "not a time'),
    ],
)
def test_the_readers_agree_on_each_edit_of_the_text(old, new):
    text = canonical_text()
    assert old in text
    assert_canonical_reader_agrees(text.replace(old, new, 1))


def test_a_second_closing_bracket_after_the_assignments_is_no_assignment():
    # A hand-edited setting holding "\n  ]" sends the file to the general reader.
    text = canonical_text().replace('  "settings": {},', '  "settings": {"x": [\n  ]},')
    assert planfile._load_canonical(text, SOURCE, False) is None
    assert loads_plan(text, SOURCE) == read_by_json(text, False)


def test_a_syntax_error_is_placed_in_the_whole_text():
    text = canonical_text().replace('"settings": {}', '"settings": {]')
    line = text[: text.index("{]")].count("\n") + 1
    with pytest.raises(PlanFileError, match=rf"at line {line}, column"):
        loads_plan(text, SOURCE)


EDIT_CHARACTERS = st.sampled_from(list('{}[]",: \n\\\t0a5') + ["\ud800", "é", "  ]", '"x"'])


@SPEED
@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 2), EDIT_CHARACTERS),
        min_size=1,
        max_size=3,
    )
)
def test_the_readers_agree_on_damaged_texts(edits):
    text = canonical_text({"scope": "auto"})
    for where, action, piece in edits:
        at = int(where * len(text))
        if action == 0:  # insert
            text = text[:at] + piece + text[at:]
        elif action == 1:  # delete
            text = text[:at] + text[at + len(piece) :]
        else:  # replace
            text = text[:at] + piece + text[at + len(piece) :]
    assert_canonical_reader_agrees(text)


@settings(max_examples=200, deadline=None)
@given(assignment_rows)
def test_saved_plans_read_back_the_same_either_way(rows):
    plan = Plan.from_assignments(Assignment(*row) for row in rows)
    text = dumps_plan(plan, region_data="r")
    assert text == format_plan_data(plan_to_data(plan, region_data="r"), SOURCE)
    assert_canonical_reader_agrees(text)
    assert loads_plan(text, SOURCE).assignments == read_by_json(text, False).assignments
