"""Store URLs in messages never carry a password; the DB tests fail in CI without a server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_planner.store.connection import redact_url, scrub, url_has_password

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://alice:pa55@db.example.org:5432/plans", "postgresql://alice@db.example.org:5432/plans"),
    ("postgresql://alice@db.example.org/plans", "postgresql://alice@db.example.org/plans"),
    ("postgres://:only-pw@host/db", "postgres://host/db"),
    ("postgresql://host/db?password=pa55&sslmode=require",
     "postgresql://host/db?password=***&sslmode=require"),
    ("host=db user=alice password=pa55 dbname=plans", "host=db user=alice password=*** dbname=plans"),
    ("host=db password='pa 55' dbname=plans", "host=db password=*** dbname=plans"),
])
def test_redact_url_removes_the_password(url, shown):
    assert redact_url(url) == shown
    assert url_has_password(url) == ("pa55" in url or "pa 55" in url or "only-pw" in url)


def test_scrub_removes_a_password_libpq_echoes_back():
    url = "postgresql://alice:s3cr3t@host:5432/db?bad=1"
    message = f'invalid URI query parameter: "bad" in {url}; password s3cr3t'
    cleaned = scrub(message, url)
    assert "s3cr3t" not in cleaned
    assert cleaned == ('invalid URI query parameter: "bad" in postgresql://alice@host:5432/db'
                       '?bad=1; password ***')
    assert scrub("auth failed for hunter2", "host=x", password="hunter2") == "auth failed for ***"


def _run_one_db_test(env_changes: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("CLUSTER_PLANNER_TEST_DB", "CLUSTER_PLANNER_TEST_DB_MISSING", "CI")}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_store_cli.py::test_grant_checks_the_province_code"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_server_the_store_tests_skip_with_the_reason_but_fail_in_ci():
    local = _run_one_db_test({"CLUSTER_PLANNER_TEST_DB_MISSING": "no root to install postgis"})
    assert local.returncode == 0, local.stdout
    assert "SKIPPED [1] tests/test_store_cli.py" in local.stdout
    assert "no root to install postgis" in local.stdout
    ci = _run_one_db_test({"CI": "true"})
    assert ci.returncode == 1, ci.stdout
    assert "CI needs the plan-store server: no PostgreSQL + PostGIS server" in ci.stdout
