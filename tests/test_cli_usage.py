"""Unknown commands are refused with usage (exit 2); only a bare command or a plan file opens the window."""

from __future__ import annotations

import subprocess
import sys

from cluster_planner.cli import window_plan
from cluster_planner.domain.paths import resources_dir

HOMOGENIZED = resources_dir() / "examples" / "homogenized_2026.cplan"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    # A window would block until the timeout: a refused command must return at once.
    return subprocess.run(
        [sys.executable, "-m", "cluster_planner", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )


def test_an_unknown_command_with_arguments_exits_2_with_usage_on_stderr():
    result = run_cli("frobnicate", "a", "b")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: cluster-planner")
    assert "cluster-planner: error: unknown command 'frobnicate'" in result.stderr
    assert "check" in result.stderr.splitlines()[-1]


def test_a_single_unknown_word_is_refused_too():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_a_plan_file_with_extra_words_is_refused():
    result = run_cli(str(HOMOGENIZED), "extra")
    assert result.returncode == 2
    assert "give one plan file to open, not 2 arguments" in result.stderr


def test_only_a_bare_command_or_a_plan_file_opens_the_window():
    assert window_plan([]) == (True, None)
    assert window_plan([str(HOMOGENIZED)]) == (True, str(HOMOGENIZED))
    assert window_plan(["missing.cplan"]) == (True, "missing.cplan")
    assert window_plan(["--", "optimize"]) == (False, None)
    assert window_plan(["optimize", "a", "b"]) == (False, None)
    assert window_plan(["check", str(HOMOGENIZED)]) == (False, None)
    assert window_plan(["--version"]) == (False, None)
