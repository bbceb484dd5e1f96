"""``cluster-planner diff A B``: the report, the JSON and exit status 0 / 1 / 2, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from cluster_planner.domain.paths import resources_dir

EXAMPLES = resources_dir() / "examples"
HOMOGENIZED = EXAMPLES / "homogenized_2026.cplan"
LOCAL = EXAMPLES / "local_conditions_2026.cplan"


def run_diff(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cluster_planner", "diff", *map(str, args)],
        capture_output=True, text=True, timeout=120,
    )


def trimmed_copy(tmp_path):
    """The homogenized example with three chip picks dropped, rare earths added in Inner
    Mongolia and Beijing's biomedicine made a support industry."""
    data = json.loads(HOMOGENIZED.read_text(encoding="utf-8"))
    data["name"] = "Trimmed"
    dropped = {("150000", "integrated-circuits"), ("220000", "integrated-circuits"),
               ("540000", "integrated-circuits")}
    data["assignments"] = [a for a in data["assignments"] if (a["region"], a["industry"]) not in dropped]
    data["assignments"].append({"region": "150000", "industry": "rare-earth-materials", "role": "lead",
                                "note": "Bayan Obo"})
    for assignment in data["assignments"]:
        if (assignment["region"], assignment["industry"]) == ("110000", "biomedicine"):
            assignment["role"] = "support"
    path = tmp_path / "trimmed.cplan"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_report_lists_each_difference_by_name_and_says_which_plan_is_less_homogenized(tmp_path):
    result = run_diff(HOMOGENIZED, trimmed_copy(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "  1 added, 3 removed, 1 changed assignments in 4 regions" in lines
    assert "+ Inner Mongolia (150000): Rare-earth materials [lead]" in lines
    assert "- Tibet (540000): Integrated circuits [lead]" in lines
    assert "~ Beijing (110000): Biomedicine lead -> support" in lines
    index_line = next(line for line in lines if "homogeneity index" in line)
    assert "less homogenized" in index_line


def test_chinese_names_and_json_for_tools(tmp_path):
    other = trimmed_copy(tmp_path)
    chinese = run_diff(HOMOGENIZED, other, "--language", "zh")
    assert "+ 内蒙古自治区 (150000): 稀土新材料 [主导]" in chinese.stdout.splitlines()
    payload = json.loads(run_diff(HOMOGENIZED, other, "--format", "json").stdout)
    assert [(a["region"], a["industry"]) for a in payload["added"]] == [("150000", "rare-earth-materials")]
    assert len(payload["removed"]) == 3
    assert payload["changed"][0]["fields"] == ["role"]
    figures = payload["figures"]
    assert figures["b"]["homogeneity_index"] < figures["a"]["homogeneity_index"]


def test_the_same_plan_exits_0_and_unmatched_or_missing_plans_exit_2(tmp_path):
    same = run_diff(HOMOGENIZED, HOMOGENIZED)
    assert same.returncode == 0 and "0 added, 0 removed, 0 changed" in same.stdout
    levels = run_diff(HOMOGENIZED, LOCAL)
    assert levels.returncode == 2 and levels.stdout == ""
    assert levels.stderr.count("\n") == 1 and "prefecture plan" in levels.stderr
    missing = run_diff(HOMOGENIZED, tmp_path / "nope.cplan")
    assert missing.returncode == 2 and "nope.cplan: no such file" in missing.stderr
