"""``cluster-planner db ...`` against the real PostgreSQL + PostGIS server, as a team uses it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import psycopg
import pytest
from conftest import COORDINATOR, as_role, province_role, with_database
from store_plans import as_rows, prefecture_plan, rows_of, run_cli

from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import load_plan, save_plan

pytestmark = pytest.mark.db

HUNAN = province_role("430000")


def zhuzhou_plan(name: str = "Draft") -> Plan:
    return Plan.from_assignments(
        [Assignment("430200", "rail-transit-equipment", "lead", "株洲"),
         Assignment("430200", "new-materials", "support", ""),
         Assignment("440100", "new-energy-vehicles", "lead", "")],
        name=name, level="prefecture")


def edited(path, region, industry, role, note):
    data = json.loads(path.read_text(encoding="utf-8"))
    for assignment in data["assignments"]:
        if (assignment["region"], assignment["industry"]) == (region, industry):
            assignment.update(role=role, note=note)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def history_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM cluster_planner.history").fetchone()[0]


def test_init_is_idempotent_and_refuses_an_unrelated_database(empty_database, pg_url):
    code, out, err = run_cli("db", "init", empty_database)
    assert (code, err) == (0, "")
    assert out.endswith("created the plan store (34 province, 370 prefecture, 2875 county regions)\n")
    code, out, _ = run_cli("db", "init", empty_database)
    assert code == 0 and "the plan store is already here" in out

    other = with_database(pg_url, empty_database.rsplit("/", 1)[1] + "_x")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{other.rsplit("/", 1)[1]}"')
    try:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("CREATE TABLE invoices (id int)")
        code, out, err = run_cli("db", "init", other)
        assert code == 2 and out == ""
        assert err.count("\n") == 1
        assert "already holds tables that are not a Cluster Planner store (public.invoices)" in err
        with psycopg.connect(other) as conn:
            assert conn.execute("SELECT to_regnamespace('cluster_planner')").fetchone()[0] is None
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{other.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_hostile_names_and_notes_round_trip_unchanged(store_url, tmp_path):
    name = "Robert'); DROP TABLE cluster_planner.plans; -- \"draft\"\t$$ 草案 \x01\x1b[31m"
    notes = [
        "'; DELETE FROM cluster_planner.assignments; --",
        'quotes " \' `back` and \\backslash\\ and $$dollar$$ and $tag$x$tag$',
        "line\nbreak\r\ncarriage\ttab \x01\x07\x1f\x7f bell and escapes \x1b[0m",
        "株洲：轨道交通装备集群 🚄 %s %(name)s {0} \\x00 literally",
    ]
    plan = Plan.from_assignments(
        [Assignment("430200", industry, "lead", note) for industry, note in
         zip(("rail-transit-equipment", "new-materials", "lithium-batteries", "biomedicine"),
             notes, strict=True)],
        name=name, level="prefecture")
    source = save_plan(plan, tmp_path / "hostile.cplan")
    code, out, err = run_cli("db", "push", source, as_role(store_url, COORDINATOR))
    assert (code, err) == (0, ""), err
    assert "4 added, 0 changed, 0 removed" in out

    code, _, err = run_cli("db", "pull", as_role(store_url, HUNAN), name, tmp_path / "back.cplan")
    assert (code, err) == (0, "")
    back = load_plan(tmp_path / "back.cplan")
    assert back.name == name
    assert as_rows(back) == as_rows(plan)
    assert rows_of(store_url, name) == as_rows(plan)


def test_a_note_with_a_nul_character_is_refused_by_name(store_url, tmp_path):
    plan = Plan.from_assignments([Assignment("430200", "new-materials", "lead", "a\x00b")],
                                 name="Nul", level="prefecture")
    code, out, err = run_cli("db", "push", save_plan(plan, tmp_path / "nul.cplan"),
                             as_role(store_url, COORDINATOR))
    assert code == 2 and out == ""
    assert err == ("cluster-planner db: the note of 430200, new-materials holds a NUL "
                   "character, which the store cannot keep\n")


def test_a_concurrent_edit_is_a_conflict_naming_the_other_change(store_url, tmp_path):
    coordinator, hunan = as_role(store_url, COORDINATOR), as_role(store_url, HUNAN)
    assert run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), coordinator)[0] == 0
    assert run_cli("db", "pull", coordinator, "Draft", tmp_path / "c.cplan")[0] == 0
    assert run_cli("db", "pull", hunan, "Draft", tmp_path / "h.cplan")[0] == 0

    edited(tmp_path / "c.cplan", "430200", "rail-transit-equipment", "support", "from Beijing")
    code, out, err = run_cli("db", "push", tmp_path / "c.cplan", coordinator)
    assert (code, err) == (0, "") and "0 added, 1 changed, 0 removed, 2 unchanged" in out

    # Hunan edits the same assignment and another one: the push is refused whole.
    edited(tmp_path / "h.cplan", "430200", "rail-transit-equipment", "lead", "from Changsha")
    edited(tmp_path / "h.cplan", "430200", "new-materials", "lead", "also Hunan")
    before = history_count(store_url)
    code, out, err = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        r"conflict at Zhuzhou \(430200\), rail-transit-equipment: the store has support, "
        r"note 'from Beijing' \(version 2\), changed by cp_test_coordinator at "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; your file has lead, note 'from Changsha'\. "
        r"Pull the plan, redo your edit there and push again", lines[0]), lines[0]
    assert lines[1].endswith("not pushed: 1 assignment(s) listed above; nothing was written")
    assert history_count(store_url) == before
    assert rows_of(store_url, "Draft")[("430200", "new-materials")] == ("support", "")

    # Without the conflicting edit, Hunan's other edit goes in and Beijing's stays.
    edited(tmp_path / "h.cplan", "430200", "rail-transit-equipment", "lead", "株洲")
    code, out, err = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert (code, err) == (0, ""), out
    assert "0 added, 1 changed, 0 removed, 1 unchanged, 1 newer in the store" in out
    assert rows_of(store_url, "Draft") == {
        ("430200", "rail-transit-equipment"): ("support", "from Beijing"),
        ("430200", "new-materials"): ("lead", "also Hunan"),
        ("440100", "new-energy-vehicles"): ("lead", ""),
    }
    # The pushed file now knows the versions it matches: pushing it again changes nothing.
    code, out, _ = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 0 and "0 added, 0 changed, 0 removed, 2 unchanged, 1 newer" in out


def test_a_removal_in_the_store_meets_an_edit_in_the_file(store_url, tmp_path):
    coordinator, hunan = as_role(store_url, COORDINATOR), as_role(store_url, HUNAN)
    run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), coordinator)
    run_cli("db", "pull", hunan, "Draft", tmp_path / "h.cplan")
    run_cli("db", "pull", coordinator, "Draft", tmp_path / "c.cplan")
    data = json.loads((tmp_path / "c.cplan").read_text(encoding="utf-8"))
    data["assignments"] = [a for a in data["assignments"] if a["industry"] != "new-materials"]
    (tmp_path / "c.cplan").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run_cli("db", "push", tmp_path / "c.cplan", coordinator)
    assert code == 0 and "0 added, 0 changed, 1 removed" in out

    edited(tmp_path / "h.cplan", "430200", "new-materials", "lead", "keep it")
    code, out, _ = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 1
    assert out.startswith("conflict at Zhuzhou (430200), new-materials: the store does not have "
                          "it, removed by cp_test_coordinator at ")


def test_a_province_cannot_push_into_another_province(store_url, tmp_path):
    hunan = as_role(store_url, HUNAN)
    code, out, _ = run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), hunan)
    assert code == 1
    assert out.splitlines() == [
        "refused at Guangzhou (440100), new-energy-vehicles: outside your province; "
        "your file has lead",
        f"{tmp_path / 'd.cplan'}: not pushed: 1 assignment(s) listed above; nothing was written",
    ]
    with psycopg.connect(store_url) as conn:  # the plan it would have created is not there
        assert conn.execute("SELECT count(*) FROM cluster_planner.plans").fetchone()[0] == 0


def test_log_shows_who_changed_what(store_url, tmp_path):
    coordinator = as_role(store_url, COORDINATOR)
    run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), coordinator)
    edited(tmp_path / "d.cplan", "430200", "new-materials", "lead", "up")
    run_cli("db", "push", tmp_path / "d.cplan", as_role(store_url, HUNAN))
    code, out, err = run_cli("db", "log", store_url, "Draft", "--format", "json")
    assert (code, err) == (0, "")
    changes = json.loads(out)["changes"]
    assert [(c["who"], c["action"], c["region"], c["industry"]) for c in changes] == [
        (COORDINATOR, "insert", "430200", "new-materials"),
        (COORDINATOR, "insert", "430200", "rail-transit-equipment"),
        (COORDINATOR, "insert", "440100", "new-energy-vehicles"),
        (HUNAN, "update", "430200", "new-materials"),
    ]
    assert {c["region_name"] for c in changes} == {"Zhuzhou", "Guangzhou"}
    assert changes[3]["before"] == {"role": "support", "note": "", "locked": False, "version": 1}
    assert changes[3]["after"] == {"role": "lead", "note": "up", "locked": False, "version": 2}
    code, out, _ = run_cli("db", "log", store_url, "Draft", "--limit", "1")
    assert code == 0
    assert re.fullmatch(rf"#\d+ \S+ \S+ {HUNAN} update Zhuzhou \(430200\) new-materials: "
                        r"support v1 -> lead 'up' v2\n", out), out


def test_pull_of_an_unknown_plan_names_the_plans_there(store_url, tmp_path):
    run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), store_url)
    code, out, err = run_cli("db", "pull", store_url, "Nope", tmp_path / "x.cplan")
    assert (code, out) == (2, "")
    assert err.endswith("no plan called 'Nope' in the store (it holds 'Draft')\n")
    assert not (tmp_path / "x.cplan").exists()


def test_passwords_never_reach_messages(store_url, tmp_path):
    secret = "s3cret-Pa55"
    host = store_url.split("@", 1)[1].split("/", 1)[0]
    code, out, err = run_cli("db", "pull", f"postgresql://alice:{secret}@{host}/x", "P",
                             tmp_path / "o.cplan")
    assert code == 2 and secret not in err + out
    assert err == (f"cluster-planner db: postgresql://alice@{host}/x: the URL holds a password; "
                   "put it in ~/.pgpass or PGPASSWORD instead (a command line is visible to "
                   "other users and kept in history)\n")
    # Nothing listens on port 1: one line, exit 2, no password even when libpq has one.
    env = dict(os.environ, PGPASSWORD=secret, PGCONNECT_TIMEOUT="3")
    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "db", "log", "postgresql://alice@127.0.0.1:1/x",
         "P"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("cluster-planner db: postgresql://alice@127.0.0.1:1/x: "
                                    "cannot connect: ")
    assert result.stderr.count("\n") == 1 and secret not in result.stderr
    plan = load_plan(save_plan(zhuzhou_plan(), tmp_path / "d.cplan"))
    run_cli("db", "push", tmp_path / "d.cplan", store_url)
    assert secret not in (tmp_path / "d.cplan").read_text(encoding="utf-8")
    assert "postgresql" not in (tmp_path / "d.cplan").read_text(encoding="utf-8")
    assert len(plan) == 3


def test_a_role_that_is_not_a_member_cannot_push(store_url, tmp_path):
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS cp_test_stranger")
        conn.execute("CREATE ROLE cp_test_stranger LOGIN")
    stranger = as_role(store_url, "cp_test_stranger")
    source = save_plan(zhuzhou_plan(), tmp_path / "d.cplan")
    code, out, err = run_cli("db", "push", source, stranger)
    assert (code, out) == (2, "")
    assert err.endswith("pushing failed: permission denied for schema cluster_planner\n")
    # A member of another store on the same server, but not of this one.
    run_cli("db", "grant", store_url, "--user", "cp_test_stranger", "--province", "430000")
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("DELETE FROM cluster_planner.members WHERE role_name = 'cp_test_stranger'")
    code, out, err = run_cli("db", "push", source, stranger)
    assert (code, out) == (2, "")
    assert err.endswith("the role cp_test_stranger is not a member of this store "
                        "(ask its coordinator: cluster-planner db grant)\n")
    assert rows_of(store_url, "Draft") == {}


def test_grant_checks_the_province_code(store_url):
    code, _, err = run_cli("db", "grant", store_url, "--user", "cp_test_x", "--province", "431000")
    assert code == 2
    assert err == ("cluster-planner db: '431000' is not a province code of this store "
                   "(e.g. 430000 for Hunan)\n")
    code, out, _ = run_cli("db", "grant", store_url, "--user", "cp_test_x", "--province", "430000")
    assert (code, out.split(" of ")[0]) == (0, "cp_test_x is now a member for province 430000")


def test_a_national_plan_pushed_by_the_coordinator_pulls_everywhere(store_url, tmp_path):
    plan = prefecture_plan()
    code, out, _ = run_cli("db", "push", save_plan(plan, tmp_path / "n.cplan"),
                           as_role(store_url, COORDINATOR))
    assert code == 0 and f"{len(plan)} added" in out
    for province in ("110000", "650000"):
        out_path = tmp_path / f"{province}.cplan"
        assert run_cli("db", "pull", as_role(store_url, province_role(province)),
                       "National draft", out_path)[0] == 0
        assert as_rows(load_plan(out_path)) == as_rows(plan)


def test_the_coordinator_locks_and_a_province_then_cannot_push_a_change(store_url, tmp_path):
    coordinator, hunan = as_role(store_url, COORDINATOR), as_role(store_url, HUNAN)
    run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), coordinator)
    run_cli("db", "pull", hunan, "Draft", tmp_path / "h.cplan")
    code, out, err = run_cli("db", "lock", hunan, "Draft", "430200:new-materials")
    assert (code, out) == (2, "")
    assert err == ("cluster-planner db: refused at Zhuzhou (430200), new-materials: only a "
                   "coordinator locks and unlocks assignments; your edit has support\n")
    code, out, err = run_cli("db", "lock", coordinator, "Draft", "430200:new-materials",
                             "430200:rail-transit-equipment")
    assert (code, out, err) == (0, "locked 2 assignment(s) of 'Draft'\n", "")
    # The copy pulled before the lock is stale: the lock is a change of the store.
    edited(tmp_path / "h.cplan", "430200", "new-materials", "lead", "")
    code, out, _ = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 1
    assert out.startswith("conflict at Zhuzhou (430200), new-materials: the store has support, "
                          "locked (version 2), changed by cp_test_coordinator at ")
    # A fresh copy: the edit is refused because of the lock itself.
    run_cli("db", "pull", hunan, "Draft", tmp_path / "h.cplan")
    edited(tmp_path / "h.cplan", "430200", "new-materials", "lead", "")
    code, out, _ = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 1
    assert out.splitlines()[0] == ("refused at Zhuzhou (430200), new-materials: locked by the "
                                   "coordinator; your file has lead")
    code, out, _ = run_cli("db", "lock", coordinator, "Draft", "430200:new-materials", "--unlock")
    assert (code, out) == (0, "unlocked 1 assignment(s) of 'Draft'\n")
    run_cli("db", "pull", hunan, "Draft", tmp_path / "h.cplan")
    edited(tmp_path / "h.cplan", "430200", "new-materials", "lead", "")
    code, out, _ = run_cli("db", "push", tmp_path / "h.cplan", hunan)
    assert code == 0 and "0 added, 1 changed" in out
    code, _, err = run_cli("db", "lock", coordinator, "Draft", "430200")
    assert (code, err) == (2, "cluster-planner db: '430200' is not REGION:INDUSTRY "
                              "(e.g. 430200:rail-transit-equipment)\n")


def test_a_server_that_goes_away_mid_push_is_one_clear_line(store_url, tmp_path):
    coordinator = as_role(store_url, COORDINATOR)
    source = save_plan(zhuzhou_plan(), tmp_path / "d.cplan")
    run_cli("db", "push", source, coordinator)
    edited(source, "430200", "new-materials", "lead", "pushed while the server went away")
    text_before = source.read_text(encoding="utf-8")
    with psycopg.connect(store_url) as holder:  # the push waits on this row ...
        holder.execute("SELECT 1 FROM cluster_planner.assignments WHERE region = '430200' "
                       "AND industry = 'new-materials' FOR UPDATE")
        process = subprocess.Popen(
            [sys.executable, "-m", "cluster_planner", "db", "push", str(source), coordinator],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with psycopg.connect(store_url, autocommit=True) as admin:
            for _ in range(3000):
                pids = [row[0] for row in admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = "
                    "'cluster-planner' AND wait_event_type = 'Lock' "
                    "AND datname = current_database()")]
                if pids:
                    break
                assert process.poll() is None, process.communicate()
                time.sleep(0.01)
            # ... and its server process goes away, as when the server is stopped.
            admin.execute("SELECT pg_terminate_backend(%s)", (pids[0],))
        out, err = process.communicate(timeout=60)
        holder.rollback()
    assert (process.returncode, out) == (2, "")
    assert err.startswith(f"cluster-planner db: {coordinator}: lost the connection to the "
                          "server while pushing: ")
    assert err.endswith("; nothing of this command was saved in the store\n")
    assert err.count("\n") == 1
    assert source.read_text(encoding="utf-8") == text_before
    assert rows_of(store_url, "Draft")[("430200", "new-materials")] == ("support", "")


def test_a_password_comes_from_pgpass_and_lands_nowhere(store_url, tmp_path):
    secret = "Tr0ub4dor&3 ' \" ;--"
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS cp_pw_alice")
        conn.execute(f"CREATE ROLE cp_pw_alice LOGIN PASSWORD {psycopg.sql.quote(secret)}")
    run_cli("db", "grant", store_url, "--user", "cp_pw_alice", "--province", "430000")
    run_cli("db", "push", save_plan(zhuzhou_plan(), tmp_path / "d.cplan"), store_url)
    url = as_role(store_url, "cp_pw_alice")
    host, rest = url.split("@", 1)[1].split(":", 1)
    port, database = rest.split("/", 1)
    escaped = secret.replace("\\", "\\\\").replace(":", "\\:")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{host}:{port}:{database}:cp_pw_alice:{escaped}\n", encoding="utf-8")
    pgpass.chmod(0o600)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        environment.update(env)
        return subprocess.run([sys.executable, "-m", "cluster_planner", "db", *args],
                              capture_output=True, text=True, env=environment, timeout=120,
                              stdin=subprocess.DEVNULL)

    without = run("pull", url, "Draft", str(tmp_path / "no.cplan"), PGPASSFILE=str(tmp_path / "x"))
    assert without.returncode == 2 and without.stdout == ""
    assert without.stderr.startswith(f"cluster-planner db: {url}: cannot connect: ")
    assert "password" in without.stderr and without.stderr.count("\n") == 1
    pulled = run("pull", url, "Draft", str(tmp_path / "a.cplan"), PGPASSFILE=str(pgpass))
    assert pulled.returncode == 0, pulled.stderr
    edited(tmp_path / "a.cplan", "430200", "new-materials", "lead", "via pgpass")
    pushed = run("push", str(tmp_path / "a.cplan"), url, PGPASSWORD=secret)
    assert pushed.returncode == 0, pushed.stderr
    logged = run("log", url, "Draft", PGPASSFILE=str(pgpass))
    for result in (without, pulled, pushed, logged):
        assert secret not in result.stdout + result.stderr
    assert secret not in (tmp_path / "a.cplan").read_text(encoding="utf-8")
    assert "cp_pw_alice update Zhuzhou (430200) new-materials" in logged.stdout


def test_a_read_only_plan_file_is_pushed_and_the_user_told_to_pull(store_url, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    source = save_plan(zhuzhou_plan(), folder / "d.cplan")
    # Read-only for root too: the immutable attribute where chattr works, else the mode.
    folder.chmod(0o555)
    immutable = shutil.which("chattr") is not None and subprocess.run(
        ["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        if os.access(folder, os.W_OK) and not immutable:
            pytest.skip("cannot make a folder read-only for this user")
        code, out, err = run_cli("db", "push", source, store_url)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
    assert code == 0 and "3 added" in out
    assert err.startswith("cluster-planner db: pushed, but ")
    assert err.endswith("; pull the plan before editing it again\n")
    assert rows_of(store_url, "Draft") == as_rows(zhuzhou_plan())
