"""Plan files: the format, normalised writing, old versions, and precise errors."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cluster_planner import __version__
from cluster_planner.domain.errors import PlanFileError
from cluster_planner.domain.plan import MAX_NOTE_LENGTH, Assignment, Plan
from cluster_planner.io.planfile import (
    CURRENT_VERSION,
    FORMAT,
    LOADERS,
    MAX_FILE_BYTES,
    backup_path,
    dumps_plan,
    load_plan,
    loads_plan,
    save_plan,
)

DATA = Path(__file__).parent / "data"


def sample_plan() -> Plan:
    return Plan.from_assignments(
        [
            Assignment("430200", "rail-transit-equipment", "lead", "株洲 轨道交通"),
            Assignment("110000", "artificial-intelligence", "support", ""),
            Assignment("430200", "new-materials", "support", 'note with "quotes" and \\'),
            Assignment("350900", "lithium-batteries", "lead", "宁德"),
        ],
        name="草案 2026",
        level="prefecture",
        settings={"fit_threshold": 0.4, "weights": {"lead": 1, "support": 0.5}},
    )


def v1_data(**changes) -> dict:
    data = {
        "format": FORMAT,
        "version": 1,
        "name": "Test",
        "level": "prefecture",
        "assignments": [
            {"region": "430200", "industry": "steel", "role": "lead", "note": ""},
            {"region": "420100", "industry": "steel", "role": "support", "note": "x"},
        ],
        "settings": {},
        "metadata": {},
    }
    data.update(changes)
    return data


def load_error(content: bytes | str | dict, name: str = "draft.cplan", **kwargs) -> str:
    """The one-line message a plan file with ``content`` produces."""
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    with pytest.raises(PlanFileError) as caught:
        loads_plan(content, name, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name}: ")
    return message


# -- round trip and normalised text -------------------------------------------------
def test_save_and_load_give_back_the_same_plan(tmp_path):
    plan = sample_plan()
    path = save_plan(plan, tmp_path / "draft.cplan")
    loaded = load_plan(path)
    assert sorted(loaded.assignments, key=lambda a: a.key) == sorted(
        plan.assignments, key=lambda a: a.key
    )
    assert (loaded.name, loaded.level, loaded.settings) == (plan.name, plan.level, plan.settings)


def test_saved_text_is_normalised_and_readable():
    moment = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    text = dumps_plan(sample_plan(), region_data="test-data 1", now=moment)
    assert text.endswith("}\n")
    assert "株洲 轨道交通" in text  # Chinese stays readable, not \u escapes
    data = json.loads(text)
    assert list(data) == [
        "format",
        "version",
        "name",
        "level",
        "assignments",
        "settings",
        "metadata",
    ]
    keys = [(row["region"], row["industry"]) for row in data["assignments"]]
    assert keys == sorted(keys)
    assert all(
        list(row) == ["region", "level", "industry", "role", "note"] for row in data["assignments"]
    )
    assert data["metadata"] == {
        "app_version": __version__,
        "created": "2026-03-05T09:30:00Z",
        "modified": "2026-03-05T09:30:00Z",
        "region_data": "test-data 1",
    }
    # One assignment per line, so two versions of a plan diff line by line.
    assert sum('"region"' in line for line in text.splitlines()) == 4


def test_the_same_plan_built_in_another_order_saves_to_the_same_text():
    plan = sample_plan()
    shuffled = Plan.from_assignments(
        reversed(plan.assignments),
        name=plan.name,
        settings=dict(reversed(list(plan.settings.items()))),
    )
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    assert dumps_plan(plan, region_data="r", now=moment) == dumps_plan(
        shuffled, region_data="r", now=moment
    )


def test_normalised_text_is_stable_across_a_load_and_save():
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    text = dumps_plan(sample_plan(), region_data="r", now=moment)
    assert dumps_plan(loads_plan(text), region_data="r", now=moment) == text


def test_saving_again_keeps_created_updates_modified_and_keeps_a_backup(tmp_path):
    plan = sample_plan()
    path = tmp_path / "draft.cplan"
    save_plan(plan, path, now=datetime(2026, 1, 1, tzinfo=UTC))
    first = path.read_bytes()
    plan.apply(plan.unassign_industry("110000", "artificial-intelligence"))
    save_plan(plan, path, now=datetime(2026, 2, 1, tzinfo=UTC))
    reloaded = load_plan(path)
    assert reloaded.metadata["created"] == "2026-01-01T00:00:00Z"
    assert reloaded.metadata["modified"] == "2026-02-01T00:00:00Z"
    assert len(reloaded) == 3
    assert backup_path(path).read_bytes() == first
    assert len(load_plan(backup_path(path))) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.cplan", "draft.cplan.bak"]


def test_a_plan_whose_setting_is_not_json_is_refused_before_touching_the_file(tmp_path):
    path = tmp_path / "draft.cplan"
    save_plan(sample_plan(), path)
    before = path.read_bytes()
    plan = sample_plan()
    plan.settings["threshold"] = float("nan")
    with pytest.raises(PlanFileError, match="cannot be saved"):
        save_plan(plan, path)
    assert path.read_bytes() == before


# -- old versions ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.iterdir() if p.suffix in (".json", ".cplan")),
    ids=lambda p: p.name,
)
def test_old_plan_files_keep_loading(path):
    plan = load_plan(path)
    assert plan.name
    assert len(plan) > 0
    # and can be written in the current format and read back unchanged
    again = loads_plan(dumps_plan(plan))
    assert sorted(again.assignments, key=lambda a: a.key) == sorted(
        plan.assignments, key=lambda a: a.key
    )


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.iterdir() if p.suffix in (".json", ".cplan")),
    ids=lambda p: p.name,
)
def test_old_plan_files_name_only_real_regions_and_industries(path):
    from cluster_planner.domain.catalog import load_catalog
    from cluster_planner.domain.regions import load_layer

    plan = load_plan(path, catalog=load_catalog(), layer=load_layer)
    assert len(plan) > 0


def test_a_saved_plan_records_the_region_data_in_use(tmp_path):
    from cluster_planner.domain.regions import data_version, load_layer

    load_layer("prefecture")
    path = save_plan(sample_plan(), tmp_path / "draft.cplan")
    assert load_plan(path).metadata["region_data"] == data_version()


def test_a_version_0_plan_is_upgraded_with_leads_and_its_save_time():
    plan = load_plan(DATA / "plan_v0_prefecture.json")
    assert plan.name == "早期草案 Early draft (v0)"
    assert plan.level == "prefecture"
    assert plan.get("430200", "new-materials") == Assignment(
        "430200", "new-materials", "lead", "", "prefecture"
    )
    assert len(plan) == 6
    assert plan.metadata["created"] == "2025-11-01T09:30:00Z"
    assert load_plan(DATA / "plan_v0_no_level.json").level == "prefecture"


def test_a_version_1_file_edited_on_windows_loads():
    plan = load_plan(DATA / "plan_v1_bom_crlf.cplan")
    assert plan.level == "province"
    assert plan.get("430000", "rail-transit-equipment").note == "株洲"
    assert plan.get("150000", "rare-earth-materials").role == "support"


def test_every_version_up_to_the_current_one_has_a_loader():
    assert set(LOADERS) == set(range(CURRENT_VERSION + 1))


# -- unknown regions and industries ----------------------------------------------------
class SmallLayer:
    """A region layer reduced to what validation reads: its level and its codes."""

    def __init__(self, level: str, codes: list[str]):
        self.level = level
        self.index_of = {code: row for row, code in enumerate(codes)}


class SmallCatalog:
    def __init__(self, ids: list[str]):
        self.by_id = {industry: object() for industry in ids}


def test_unknown_region_codes_and_industry_ids_are_listed_by_name():
    data = v1_data(
        assignments=[
            {"region": "430200", "industry": "steel", "role": "lead", "note": ""},
            {"region": "999999", "industry": "steel", "role": "lead", "note": ""},
            {"region": "888888", "industry": "warp-drives", "role": "lead", "note": ""},
        ]
    )
    message = load_error(
        data,
        layer=SmallLayer("prefecture", ["430200", "420100"]),
        catalog=SmallCatalog(["steel"]),
    )
    assert "2 unknown region codes for the prefecture layer: 888888, 999999" in message
    assert "1 unknown industry id: warp-drives" in message


def test_a_long_list_of_unknown_codes_stays_one_readable_line():
    data = v1_data(
        assignments=[
            {"region": f"{100001 + n}", "industry": "steel", "role": "lead", "note": ""}
            for n in range(40)
        ]
    )
    message = load_error(data, layer=SmallLayer("prefecture", ["430200"]))
    assert "40 unknown region codes" in message
    assert "100001, 100002" in message and "and 28 more" in message


def test_the_layer_can_be_chosen_once_the_level_is_known():
    requested = []

    def layer_for(level):
        requested.append(level)
        return SmallLayer(level, ["430000", "150000"])

    plan = load_plan(DATA / "plan_v1_bom_crlf.cplan", layer=layer_for)
    assert requested == ["province"] and len(plan) == 2


def test_a_plan_on_another_level_than_the_layer_is_refused():
    message = load_error(v1_data(), layer=SmallLayer("province", ["430000"]))
    assert "the plan is on the prefecture level, not on the province layer" in message


def test_known_codes_load():
    plan = loads_plan(
        json.dumps(v1_data()),
        layer=SmallLayer("prefecture", ["430200", "420100"]),
        catalog=SmallCatalog(["steel"]),
    )
    assert len(plan) == 2


# -- precise one-line errors -----------------------------------------------------------
BAD_FILES = [
    (b"", "the file is empty"),
    (b" \n\t ", "the file is blank"),
    (
        b'{"format": "cluster-planner-plan",\n "version": 1,\n "name": "x" "level": 2}',
        "not valid JSON: Expecting ',' delimiter at line 3, column 14",
    ),
    (b'{"name": "caf\xe9"}', "not UTF-8 text: byte 0xe9 at line 1, column 14"),
    ("﻿{}".encode("utf-16"), "UTF-16"),
    (
        json.dumps(v1_data(name="株洲草案"), ensure_ascii=False).encode("gb18030"),
        "the file is GBK/GB18030 text; plan files are UTF-8",
    ),
    (b'{"name": "\x01"}', "not valid JSON: Invalid control character at line 1, column 11"),
    (b"[1, 2]", "holds a JSON a list, not an object"),
    (b'{"hello": 1}', "not a Cluster Planner plan (no 'format' field)"),
    (json.dumps(v1_data(format="qgis-project")).encode(), "format is 'qgis-project'"),
    (json.dumps(v1_data(version=7)).encode(), "made by a newer version of Cluster Planner"),
    (json.dumps(v1_data(version="1")).encode(), "'version' must be a whole number, not '1'"),
    (json.dumps(v1_data(version=True)).encode(), "'version' must be a whole number"),
    (json.dumps(v1_data(version=-1)).encode(), "unknown plan format version -1"),
    (
        json.dumps({k: v for k, v in v1_data().items() if k != "assignments"}).encode(),
        "the field 'assignments' is missing",
    ),
    (
        json.dumps({"format": FORMAT, "version": 1}).encode(),
        "the fields 'name', 'level', 'assignments', 'settings', 'metadata' are missing",
    ),
    (json.dumps(v1_data(extra=1)).encode(), "unknown field 'extra'"),
    (json.dumps(v1_data(name=5)).encode(), "'name' must be text, not 5"),
    (
        json.dumps(v1_data(level="district")).encode(),
        "'level' must be one of province, prefecture, county, not 'district'",
    ),
    (json.dumps(v1_data(assignments={})).encode(), "'assignments' must be a list"),
    (json.dumps(v1_data(settings=[])).encode(), "'settings' must be an object"),
    (
        json.dumps(v1_data(metadata={"created": "yesterday"})).encode(),
        "metadata.created must be an ISO 8601 time",
    ),
    (
        json.dumps(v1_data(assignments=["430200"])).encode(),
        "assignment 1 must be an object, not text",
    ),
    (
        json.dumps(v1_data(assignments=[{"region": "430200", "role": "lead"}])).encode(),
        "assignment 1 has no 'industry'",
    ),
    (
        json.dumps(
            v1_data(assignments=[{"region": 430200, "industry": "steel", "role": "lead"}])
        ).encode(),
        "assignment 1: 'region' must be a 6-digit region code as text, not 430200",
    ),
    (
        json.dumps(
            v1_data(assignments=[{"region": "4302", "industry": "steel", "role": "lead"}])
        ).encode(),
        "not '4302'",
    ),
    (
        json.dumps(
            v1_data(assignments=[{"region": "430200", "industry": "", "role": "lead"}])
        ).encode(),
        "'industry' must be an industry id",
    ),
    (
        json.dumps(
            v1_data(assignments=[{"region": "430200", "industry": "steel", "role": "leader"}])
        ).encode(),
        "assignment 1 (430200, steel): 'role' must be 'lead' or 'support', not 'leader'",
    ),
    (
        json.dumps(
            v1_data(
                assignments=[
                    {"region": "430200", "industry": "steel", "role": "lead", "note": None}
                ]
            )
        ).encode(),
        "'note' must be text, not null",
    ),
    (
        json.dumps(
            v1_data(
                assignments=[
                    {
                        "region": "430200",
                        "industry": "steel",
                        "role": "lead",
                        "note": "x" * (MAX_NOTE_LENGTH + 1),
                    }
                ]
            )
        ).encode(),
        f"the note has {MAX_NOTE_LENGTH + 1} characters, more than the {MAX_NOTE_LENGTH} allowed",
    ),
    (
        json.dumps(
            v1_data(
                assignments=[{"region": "430200", "industry": "steel", "role": "lead", "rol": "x"}]
            )
        ).encode(),
        "assignment 1 has an unknown field 'rol'",
    ),
    (
        json.dumps(
            v1_data(
                assignments=[
                    {"region": "430200", "industry": "steel", "role": "lead"},
                    {"region": "430200", "industry": "steel", "role": "support"},
                ]
            )
        ).encode(),
        "assignment 2 (430200, steel) repeats assignment 1",
    ),
    (
        b'{"format": "cluster-planner-plan", "format": "cluster-planner-plan"}',
        "the key 'format' appears twice",
    ),
    (
        json.dumps(v1_data(settings={"x": 1})).replace("1}", "NaN}").encode(),
        "NaN is not a number JSON allows",
    ),
    (
        json.dumps(v1_data(settings={"x": 1})).replace("1}", "1e999}").encode(),
        "the number 1e999 is too large",
    ),
    (
        json.dumps(v1_data(settings={"x": 1})).replace("1}", "9" * 5000 + "}").encode(),
        "has 5000 digits, too many",
    ),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 32 levels"),
    (
        json.dumps(
            v1_data(
                settings={
                    "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
                }
            )
        ).encode(),
        "nested deeper than 32 levels",
    ),
    (json.dumps(v1_data(name="\ud800 broken")).encode(), "lone surrogate"),
    (
        b'{"plan_name": "old", "regions": {"430200": "steel"}}',
        "'regions' entry '430200' must be a list of industry ids",
    ),
]


@pytest.mark.parametrize("content, problem", BAD_FILES, ids=[p for _, p in BAD_FILES])
def test_a_bad_plan_file_gives_one_precise_line(content, problem):
    assert problem in load_error(content)


def test_a_utf8_bom_is_accepted():
    plan = loads_plan(b"\xef\xbb\xbf" + json.dumps(v1_data()).encode())
    assert len(plan) == 2


def test_a_missing_file(tmp_path):
    with pytest.raises(PlanFileError, match=r"nope\.cplan: no such file$"):
        load_plan(tmp_path / "nope.cplan")


def test_a_folder_instead_of_a_file(tmp_path):
    with pytest.raises(PlanFileError, match="is a folder, not a plan file"):
        load_plan(tmp_path)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.cplan"
    with open(path, "wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(PlanFileError, match="more than the 20 MB a plan file may have"):
        load_plan(path)


def test_a_pickle_is_never_unpickled(tmp_path):
    path = tmp_path / "evil.cplan"
    path.write_bytes(pickle.dumps({"format": FORMAT}))
    with pytest.raises(PlanFileError, match="not UTF-8 text|not valid JSON"):
        load_plan(path)
