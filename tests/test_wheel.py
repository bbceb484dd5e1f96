"""The built wheel runs anywhere: installed into a fresh venv outside the repository, the
command finds the bundled data and resources inside the installed package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv (not the repo's) with the wheel built from the repo installed."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    [wheel] = (work / "dist").glob("cluster_planner-*.whl")
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, capture_output=True, text=True, timeout=900,
    )
    return work, work / "venv" / "bin" / "cluster-planner"


def run(work: Path, command: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CLUSTER_PLANNER_DATA")}
    return subprocess.run(
        [str(command), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_installed_wheel_checks_a_plan_on_its_bundled_data(installed, tmp_path):
    work, command = installed
    plan = tmp_path / "west.cplan"
    plan.write_bytes((ROOT / "resources" / "examples" / "west_chips_2026.cplan").read_bytes())
    result = run(work, command, "check", str(plan), "--format", "json")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["scope"]["name"] == "the West" and summary["crowded_industries"] == ["integrated-circuits"]


def test_the_installed_wheel_lists_its_layers_from_inside_the_package(installed):
    work, command = installed
    result = run(work, command, "layers", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [layer["regions"] for layer in payload["layers"]] == [34, 370, 2875]
    assert all("site-packages" in layer["file"] and str(ROOT) not in layer["file"] for layer in payload["layers"])
    assert len(payload["ecosystem_cities"]) == 12
