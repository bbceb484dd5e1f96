"""Issue 17, writing: nothing saved that cannot be opened, no target silently replaced,
crash recovery that survives pid reuse, pictures of any plan name, safe terminal output.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from cluster_planner.domain.errors import InputError, PlanFileError
from cluster_planner.domain.plan import MAX_NOTE_LENGTH, Assignment, Plan
from cluster_planner.domain.safe_text import terminal_safe
from cluster_planner.io.planfile import (
    MAX_FILE_BYTES,
    atomic_write_bytes,
    load_plan,
    save_plan,
)
from cluster_planner.io.recovery import (
    find_recoveries,
    recovery_dir,
    session_is_running,
    write_recovery,
)


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CLUSTER_PLANNER_HOME", str(home))
    return home


def small_plan(name="Plan") -> Plan:
    return Plan.from_assignments([Assignment("430200", "steel", "lead", "")], name=name)


def huge_plan() -> Plan:
    """4,500 notes at the 2,000-character limit, in Chinese: 27 MB of UTF-8."""
    note = "株" * MAX_NOTE_LENGTH
    assignments = [
        Assignment(f"{430000 + i // 100:06d}", f"industry-{i % 100}", "lead", note)
        for i in range(4500)
    ]
    return Plan.from_assignments(assignments, name="Huge")


# ------------------------------------------------------------------------ the read cap
def test_a_plan_over_the_read_cap_is_refused_before_the_old_file_is_touched(tmp_path):
    path = tmp_path / "plan.cplan"
    save_plan(small_plan("kept"), path)
    before = path.read_bytes()
    with pytest.raises(PlanFileError) as raised:
        save_plan(huge_plan(), path)
    assert str(raised.value) == (
        f"{path}: cannot save: the plan file would be 27.5 MB, more than the 20 MB a plan file"
        " may have, so it could not be opened again; shorten the notes or split the plan"
        " (nothing was written)"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.cplan"]
    assert load_plan(path).name == "kept"


def test_recovery_and_cplan_export_share_the_cap():
    from cluster_planner.io.export import export_plan

    with pytest.raises(PlanFileError, match="the recovery file would be 27.5 MB"):
        write_recovery(huge_plan())
    out = recovery_dir().parent / "out.cplan"
    with pytest.raises(InputError, match="the plan file would be 27.5 MB"):
        export_plan(huge_plan(), out)
    assert not out.exists()


def test_a_plan_just_under_the_cap_saves_and_opens_again(tmp_path):
    path = tmp_path / "big.cplan"
    plan = huge_plan()
    keep = int(len(plan) * MAX_FILE_BYTES / 27.4e6) - 10
    plan = Plan.from_assignments(plan.assignments[:keep], name="Big")
    save_plan(plan, path)
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert len(load_plan(path)) == keep


# ---------------------------------------------------------------------------- targets
def test_a_read_only_target_is_refused_not_replaced(tmp_path):
    path = tmp_path / "plan.cplan"
    save_plan(small_plan("old"), path)
    path.chmod(0o444)
    with pytest.raises(PlanFileError) as raised:
        save_plan(small_plan("new"), path)
    assert str(raised.value) == (
        f"{path}: cannot save: the file is read-only (make it writable, or choose another name)"
    )
    assert load_plan(path).name == "old"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_symbolic_link_to_a_device_node_is_refused(tmp_path):
    # A node of our own (with /dev/null's numbers): a regression must not replace the
    # system's /dev/null, as the code before this fix did when run as root.
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    link = tmp_path / "out.cplan"
    link.symlink_to(node)
    with pytest.raises(PlanFileError) as raised:
        save_plan(small_plan(), link)
    assert str(raised.value) == f"{node}: cannot save: it is a device, not a file to replace"
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert link.is_symlink()


def test_a_named_pipe_target_is_refused(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="it is a named pipe, not a file to replace"):
        atomic_write_bytes(fifo, b"x", error=InputError, action="write")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("length", [256, 300, 5000])
def test_an_over_long_output_name_gives_one_line(tmp_path, length):
    path = tmp_path / ("x" * (length - 6) + ".cplan")
    with pytest.raises(PlanFileError) as raised:
        save_plan(small_plan(), path)
    message = str(raised.value)
    assert message.endswith(f"the file name is too long ({length} bytes; at most 255)")
    assert "\n" not in message and len(message) < 400


def test_a_name_of_250_bytes_still_saves_twice_with_its_backup(tmp_path):
    path = tmp_path / ("名" * 80 + "x" * 4 + ".cplan")  # 240 + 4 + 6 bytes
    assert len(os.fsencode(path.name)) == 250
    save_plan(small_plan("first"), path)
    save_plan(small_plan("second"), path)
    assert load_plan(path).name == "second"
    assert load_plan(path.with_name(path.name + ".bak")).name == "first"


def test_a_name_whose_backup_would_be_too_long_is_refused_before_writing(tmp_path):
    path = tmp_path / ("x" * 247 + ".cplan")  # 253 bytes; its .bak 257
    with pytest.raises(PlanFileError, match=r"the file name is too long \(257 bytes; at most 255\)"):
        save_plan(small_plan(), path)
    assert list(tmp_path.iterdir()) == []
    save_plan(small_plan(), path, keep_backup=False)  # an export keeps no backup
    assert load_plan(path).name == "Plan"


KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    from cluster_planner.domain.plan import Assignment, Plan
    from cluster_planner.io import planfile
    def die(temp):
        with open(temp, "wb") as handle:
            handle.write(b"half a plan" * 1000)
        os.kill(os.getpid(), signal.SIGKILL)
    planfile.atomic_write(sys.argv[1], die)
    """
)


def test_folders_of_killed_saves_are_cleared_at_the_next_save_not_an_hour_later(tmp_path):
    target = tmp_path / "plan.cplan"
    save_plan(small_plan("old"), target)
    for _ in range(3):
        killed = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(target)], timeout=60)
        assert killed.returncode == -signal.SIGKILL
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".saving")]
    assert len(leftovers) == 3
    past = time.time() - 30  # older than a save that has not yet taken its lock
    for folder in leftovers:
        os.utime(folder, (past, past))
    save_plan(small_plan("new"), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.cplan", "plan.cplan.bak"]


def test_a_running_save_keeps_its_folder(tmp_path):
    import fcntl

    running = tmp_path / ".plan.cplan.abcdef.saving"
    running.mkdir()
    past = time.time() - 30
    os.utime(running, (past, past))
    descriptor = os.open(running, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        save_plan(small_plan(), tmp_path / "plan.cplan")
        assert running.exists()
    finally:
        os.close(descriptor)
    save_plan(small_plan(), tmp_path / "plan.cplan")
    assert not running.exists()


def test_recovery_files_are_private(app_home):
    recovery_dir().mkdir(parents=True, mode=0o755)  # as an older version left it
    recovery_dir().chmod(0o755)
    path = write_recovery(small_plan())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(recovery_dir().stat().st_mode) == 0o700


# ---------------------------------------------------------------------- crash recovery
def test_a_dead_session_is_recovered_even_when_its_pid_is_alive_again(app_home):
    # A container where the app is pid 1 each time: the dead session's pid is alive.
    write_recovery(small_plan("lost"))
    from cluster_planner.io import recovery

    [written] = recovery_dir().glob("*.recovery.json")
    data = json.loads(written.read_text())
    data["session"] = "1-deadbeef"
    data["pid"] = os.getpid()  # alive: the old pid check withheld it
    (recovery_dir() / "1-deadbeef-1.recovery.json").write_text(json.dumps(data))
    written.unlink()
    [entry] = find_recoveries()
    assert entry.plan_name == "lost" and entry.pid == os.getpid()
    assert not session_is_running("1-deadbeef")
    assert recovery.session_is_running(recovery.SESSION_ID)


RUNNING_SESSION = textwrap.dedent(
    """
    import sys
    from cluster_planner.domain.plan import Plan
    from cluster_planner.io.recovery import write_recovery
    write_recovery(Plan(name="running"))
    print("written", flush=True)
    sys.stdin.readline()
    """
)


def test_a_running_session_is_left_alone_and_offered_once_killed(app_home):
    child = subprocess.Popen(
        [sys.executable, "-c", RUNNING_SESSION],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )
    try:
        assert child.stdout.readline().strip() == "written"
        assert find_recoveries() == []
        assert [e.plan_name for e in find_recoveries(include_running=True)] == ["running"]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert [e.plan_name for e in find_recoveries()] == ["running"]
    finally:
        child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()


# --------------------------------------------------------------------------- pictures
@pytest.fixture(scope="module")
def province():
    from cluster_planner.domain.regions import load_layer

    return load_layer("province")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf", ".html"])
@pytest.mark.parametrize("name", ["Plan $x^2$ costs $5", "a$b", "\\frac{1}{0}$", "\x00\x1b[31m\r\n"])
def test_user_text_reaches_pictures_as_plain_text(tmp_path, province, suffix, name):
    from cluster_planner.io.export import export_plan

    out = tmp_path / f"map{suffix}"
    export_plan(_province_plan(name), out, layer=province)
    assert out.stat().st_size > 1000


def _province_plan(name: str) -> Plan:
    return Plan.from_assignments([Assignment("430000", "steel")], name=name, level="province")


def test_the_title_is_drawn_as_typed_and_a_huge_name_is_cut(province):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cluster_planner.render.mapfigure import MAX_TITLE_CHARACTERS, MapFigure

    figure = Figure()
    FigureCanvasAgg(figure)
    mapfig = MapFigure(figure, province)
    mapfig.set_title("Cost $5 and $6")
    figure.canvas.draw()
    assert mapfig.title.get_text() == "Cost $5 and $6"
    mapfig.set_title("名" * 1_000_000)
    figure.canvas.draw()
    assert len(mapfig.title.get_text()) == MAX_TITLE_CHARACTERS
    assert mapfig.title.get_text().endswith("…")


def test_a_picture_export_error_names_out_not_a_temporary_file(tmp_path, province):
    from cluster_planner.io.export import export_plan

    out = tmp_path / "map.png"
    out.mkdir()  # the target is a folder
    with pytest.raises(InputError) as raised:
        export_plan(_province_plan("p"), out, layer=province)
    assert str(raised.value) == f"{out}: is a folder; choose a file name"
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "map.svg"
    out.write_text("old")
    out.chmod(0o444)
    with pytest.raises(InputError) as raised:
        export_plan(_province_plan("p"), out, layer=province)
    assert str(raised.value).startswith(f"{out}: cannot write: the file is read-only")
    assert out.read_text() == "old"


# --------------------------------------------------------------------------- terminal
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain 株洲 name", "plain 株洲 name"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\rb\nc\td\x00e", "a\\rb\\nc\\td\\x00e"),
        ("x\x7f\x9by", "x\\x7f\\x9by"),
        ("evil\u202egnp.exe", "evil\\u202egnp.exe"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_terminal_safe_shows_control_characters_as_escapes(text, shown):
    assert terminal_safe(text) == shown


EVIL_NAME = "X\x1b[2J\r[error] forged flag\nsecond line 😀"


def evil_plan(tmp_path, name="evil.cplan"):
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "format": "cluster-planner-plan", "version": 1, "name": EVIL_NAME,
                "level": "province",
                "assignments": [{"region": "430000", "industry": "steel", "role": "lead",
                                 "note": "note\x1b]0;title\x07\u202e"}],
                "settings": {}, "metadata": {},
            }
        )
    )
    return path


def run_cli(*args, encoding="utf-8", stdout=subprocess.PIPE):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run(
        [sys.executable, "-m", "cluster_planner", *map(str, args)],
        stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=120,
    )


def test_check_prints_no_control_character_of_a_plan(tmp_path):
    result = run_cli("check", evil_plan(tmp_path))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "\x1b" not in text and "\r" not in text
    assert not any(line.startswith("[error]") for line in text.splitlines())
    assert text.splitlines()[0].startswith("X\\x1b[2J\\r[error] forged flag\\nsecond line 😀 (")


def test_diff_prints_no_control_character_of_a_plan(tmp_path):
    a = evil_plan(tmp_path, "a.cplan")
    b = tmp_path / "b.cplan"
    b.write_text(a.read_text().replace("note\\u001b", "other\\u001b"))
    result = run_cli("diff", a, b)
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert all(not line.startswith("[error]") for line in text.splitlines())


def test_json_output_escapes_what_a_terminal_would_obey(tmp_path):
    result = run_cli("check", evil_plan(tmp_path), "--format", "json")
    text = result.stdout.decode()
    assert "\x1b" not in text and "\u202e" not in text
    assert json.loads(text)["summary"]["plan"] == EVIL_NAME


def test_an_emoji_on_a_gbk_terminal_is_escaped_not_a_traceback(tmp_path):
    result = run_cli("check", evil_plan(tmp_path), encoding="gbk")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert "second line \\U0001f600 (".encode("gbk") in result.stdout


def test_stdout_on_a_full_device_is_one_line_and_exit_2(tmp_path):
    with open("/dev/full", "wb") as full:
        result = run_cli("check", evil_plan(tmp_path), stdout=full)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "cluster-planner check: cannot write the output: the disk is full"
    ]


def test_a_newline_in_a_path_gives_a_one_line_error(tmp_path):
    path = tmp_path / "two\nlines.cplan"
    result = run_cli("check", path)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        f"cluster-planner check: {tmp_path}/two\\nlines.cplan: no such file"
    ]


def test_killed_saves_are_cleared_when_the_plan_is_opened_and_at_start(app_home, tmp_path):
    target = tmp_path / "plan.cplan"
    save_plan(small_plan("kept"), target)
    killed = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(target)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    [left] = [p for p in tmp_path.iterdir() if p.name.endswith(".saving")]
    past = time.time() - 30
    os.utime(left, (past, past))
    assert load_plan(target).name == "kept"
    assert not left.exists()

    write_recovery(small_plan())  # the recovery folder exists
    dead = recovery_dir() / ".x.recovery.json.abc.saving"
    dead.mkdir()
    (dead / "x.recovery.json").write_text("half")
    os.utime(dead, (past, past))
    find_recoveries()  # what the window does at start
    assert not dead.exists()
