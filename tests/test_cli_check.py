"""``cluster-planner check``: output formats and exit status 0 / 1 / 2, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cluster_planner.cli import main
from cluster_planner.domain.paths import resources_dir

EXAMPLES = resources_dir() / "examples"
HOMOGENIZED = EXAMPLES / "homogenized_2026.cplan"
LOCAL = EXAMPLES / "local_conditions_2026.cplan"


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cluster_planner", "check", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_plan(tmp_path, assignments, level="prefecture", settings=None, name="plan.cplan"):
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "format": "cluster-planner-plan",
                "version": 1,
                "name": "Test plan",
                "level": level,
                "assignments": [
                    {"region": r, "industry": i, "role": "lead", "note": ""} for r, i in assignments
                ],
                "settings": settings or {},
                "metadata": {},
            }
        ),
        encoding="utf-8",
    )
    return path


def test_a_homogenized_plan_exits_1_with_its_flags_as_json():
    result = run_check(HOMOGENIZED, "--format", "json")
    assert result.returncode == 1, result.stderr
    payload = json.loads(result.stdout)
    assert payload["summary"]["regions"] == 34
    assert payload["summary"]["homogeneity_index"] == pytest.approx(1.0)
    crowded = {f["industry"] for f in payload["flags"] if f["kind"] == "crowded-industry"}
    assert crowded == {"new-energy-vehicles", "integrated-circuits", "artificial-intelligence", "biomedicine"}


def test_a_plan_according_to_local_conditions_exits_0_and_prints_text():
    result = run_check(LOCAL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("According to local conditions 2026 (prefecture level)")
    assert "Flags: 0 errors, 0 warnings" in result.stdout


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file"), ("this is not a plan\n", "not valid JSON")],
    ids=["missing", "not-json"],
)
def test_unusable_input_exits_2_with_one_line_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "draft.cplan"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_check(path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr


def test_a_setting_out_of_range_is_unusable_input(tmp_path, capsys):
    path = write_plan(tmp_path, [("430200", "rail-transit-equipment")], settings={"fit_threshold": 7})
    assert main(["check", str(path)]) == 2
    error = capsys.readouterr().err
    assert str(path) in error and "fit_threshold" in error


def test_level_option_checks_the_codes_against_that_layer(tmp_path, capsys):
    # Saved as a prefecture plan, but holding province codes.
    path = write_plan(tmp_path, [("430000", "rail-transit-equipment")], level="prefecture")
    assert main(["check", str(path)]) == 2
    assert "unknown region code" in capsys.readouterr().err
    assert main(["check", str(path), "--level", "province", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["level"] == "province"
    path = write_plan(tmp_path, [("430200", "rail-transit-equipment")], name="city.cplan")
    assert main(["check", str(path), "--level", "province"]) == 2
    assert "1 unknown region code for the province layer: 430200" in capsys.readouterr().err


def test_imported_statistics_raise_fit(tmp_path, capsys):
    # Shanxi (140000) has no evidence for integrated circuits in the bundled facts, but
    # the lists behind the missing needs are not complete: an unverified info finding,
    # not a warning. A statistics table where it specialises in them makes it fit.
    path = write_plan(tmp_path, [("140000", "integrated-circuits")], level="province")
    assert main(["check", str(path), "--format", "json"]) == 0
    [flag] = json.loads(capsys.readouterr().out)["flags"]
    assert (flag["kind"], flag["severity"]) == ("local-mismatch", "info")
    assert flag["evidence"]["verdict"] == "unverified" and flag["evidence"]["settled_by"]
    table = tmp_path / "output.csv"
    table.write_text(
        "region,industry,value\n140000,integrated-circuits,50\n140000,steel,50\n"
        "310000,integrated-circuits,10\n310000,steel,90\n",
        encoding="utf-8",
    )
    assert main(["check", str(path), "--statistics", str(table), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["flags"] == []
    bad = tmp_path / "bad.csv"
    bad.write_text("region,industry,value\n999999,steel,1\n", encoding="utf-8")
    assert main(["check", str(path), "--statistics", str(bad)]) == 2
    assert "line 2: unknown region code 999999" in capsys.readouterr().err


def test_check_in_chinese_keeps_the_json_shape_with_chinese_messages(capsys):
    assert main(["check", str(HOMOGENIZED), "--format", "json"]) == 1
    english = json.loads(capsys.readouterr().out)
    assert main(["check", str(HOMOGENIZED), "--format", "json", "--language", "zh"]) == 1
    chinese = json.loads(capsys.readouterr().out)

    def shape(payload):
        # everything but the human text: keys, ids, numbers, order
        return [
            (f["kind"], f["severity"], f["industry"], f["regions"], f["evidence"],
             [(s["action"], s["region"], s["industry"], s["fit"]) for s in f["suggestions"]])
            for f in payload["flags"]
        ]

    assert shape(chinese) == shape(english)
    assert [set(f) for f in chinese["flags"]] == [set(f) for f in english["flags"]]
    crowded = next(f for f in chinese["flags"] if f["kind"] == "crowded-industry")
    assert crowded["message"].startswith(("新能源汽车", "集成电路", "人工智能", "生物医药"))
    assert "布局拥挤" in crowded["message"] and "安排在" in crowded["message"]
    texts = [s["text"] for f in chinese["flags"] for s in f["suggestions"]]
    assert texts and all(text.startswith("在") for text in texts)
    assert all(f["message"] != e["message"] for f, e in zip(chinese["flags"], english["flags"], strict=True))


def test_check_prints_its_text_report_in_the_chosen_language(capsys):
    assert main(["check", str(HOMOGENIZED), "--language", "zh"]) == 1
    chinese = capsys.readouterr().out
    assert "同质化指数" in chinese and ("[警告]" in chinese or "[错误]" in chinese)
    assert "Homogeneity index" not in chinese
    assert main(["check", str(HOMOGENIZED)]) == 1
    assert "Homogeneity index" in capsys.readouterr().out
