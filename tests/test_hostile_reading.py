"""Issue 17, reading: special files, absurd settings and spreadsheets from Excel in China.

Each test is one failure the attack run found: a named pipe that froze loading, settings
that ended in a traceback, CSV tables read wrongly or refused with a codec error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cluster_planner.domain.conditions import read_facts_csv
from cluster_planner.domain.errors import DataError, PlanFileError
from cluster_planner.domain.statistics import load_statistics
from cluster_planner.io.planfile import load_plan

PLAN = {
    "format": "cluster-planner-plan",
    "version": 1,
    "name": "Hostile",
    "level": "prefecture",
    "assignments": [{"region": "430200", "industry": "steel", "role": "lead", "note": ""}],
    "settings": {},
    "metadata": {},
}


def write_plan(tmp_path, settings=None, name="plan.cplan"):
    path = tmp_path / name
    path.write_text(json.dumps({**PLAN, "settings": settings or {}}), encoding="utf-8")
    return path


def run_python(code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ------------------------------------------------------------------------ special files
@pytest.mark.parametrize(
    ("reader", "what"),
    [
        ("from cluster_planner.io.planfile import load_plan as read", "a plan file"),
        ("from cluster_planner.domain.statistics import load_statistics as read", "a statistics table"),
        ("from cluster_planner.domain.conditions import read_facts_csv as read", "a conditions table"),
    ],
)
def test_a_named_pipe_is_refused_at_once_instead_of_hanging(tmp_path, reader, what):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = run_python(
        f"""
        import sys
        {reader}
        from cluster_planner.domain.errors import InputError
        try:
            read(sys.argv[1] if len(sys.argv) > 1 else {str(fifo)!r})
        except InputError as error:
            print(error.one_line())
        """,
        timeout=30,
    )
    assert result.stdout.strip() == f"{fifo}: is a named pipe, not {what}", result.stderr
    assert result.stderr == ""


def test_a_device_is_not_read_as_a_plan():
    with pytest.raises(PlanFileError) as raised:
        load_plan("/dev/zero")
    assert str(raised.value) == "/dev/zero: is a device, not a plan file"


# ------------------------------------------------------------------------------ settings
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"crowding_min": 1e300}, "settings: setting crowding_min must be a whole number from 0 to 100,000, not 1e+300"),
        ({"crowding_min": 10**99}, "settings: setting crowding_min must be a whole number from 0 to 100,000, not a 100-digit number"),
        ({"max_pair_flags": 2**63}, "settings: setting max_pair_flags must be a whole number from 0 to 1,000,000, not a 19-digit number"),
        ({"fit_threshold": 2}, "settings: setting fit_threshold must be a number from 0 to 1, not 2"),
        ({"crowding_share": "0.2"}, "settings: setting crowding_share must be a number from 0 to 1, not '0.2'"),
        ({"min_portfolio": 1.5}, "settings: setting min_portfolio must be a whole number from 0 to 10,000, not 1.5"),
        ({"scope": 7}, "settings: setting scope must be a text (auto, national, a province code or a macro-region), not 7"),
    ],
)
def test_absurd_settings_are_refused_when_the_plan_is_read(tmp_path, settings, message):
    path = write_plan(tmp_path, settings)
    with pytest.raises(PlanFileError) as raised:
        load_plan(path)
    assert str(raised.value) == f"{path}: {message}"


def test_check_exits_2_naming_the_setting_not_1_with_a_traceback(tmp_path):
    path = tmp_path / "absurd.cplan"
    path.write_text(json.dumps(PLAN).replace('"settings": {}', '"settings": {"crowding_min": 1e300}'))
    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "check", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"cluster-planner check: {path}: settings: setting crowding_min must be a whole"
        " number from 0 to 100,000, not 1e+300"
    ]


def test_a_scope_naming_no_region_of_the_layer_is_refused_at_load(tmp_path):
    from cluster_planner.domain.regions import load_layer

    path = write_plan(tmp_path, {"scope": "990000"})
    with pytest.raises(PlanFileError, match="settings: scope '990000' is no province"):
        load_plan(path, layer=load_layer)


# ----------------------------------------------------------------------------- tables
STATS = "region,industry,value\n430200,steel,12.5\n430300,steel,3\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_statistics_are_read_in_every_encoding_excel_saves(tmp_path, encoding):
    path = tmp_path / "stats.csv"
    path.write_bytes(("region,industry,value\n430200,steel,12.5\n430300,钢铁,3\n").encode(encoding))
    table = load_statistics(path)
    assert table.industries == ("steel", "钢铁")
    assert table.values.tolist() == [[12.5, 0.0], [0.0, 3.0]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "stats.csv"
    path.write_text(STATS.replace(",", delimiter), encoding="utf-8")
    assert load_statistics(path).values.tolist() == [[12.5], [3.0]]


def test_a_wrong_header_says_how_the_file_was_read(tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text("地区;产业;数值\n430200;steel;1\n", encoding="gbk")
    with pytest.raises(DataError) as raised:
        load_statistics(path)
    assert "read as GB18030 separated by semicolons, it is '地区 | 产业 | 数值'" in str(raised.value)


def test_a_decimal_comma_is_refused_with_its_line_not_read_as_fifteen(tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text('region,industry,value\n430200,steel,"1,5"\n430300,steel,"1,234.5"\n')
    with pytest.raises(DataError) as raised:
        load_statistics(path)
    assert str(raised.value).endswith(
        "line 2: '1,5' is ambiguous (a decimal comma?); write the number with a dot for"
        " decimals and no separators"
    )


def test_thousands_separators_are_still_read(tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text('region,industry,value\n430200,steel,"1,234.5"\n')
    assert load_statistics(path).values.tolist() == [[1234.5]]


@pytest.mark.parametrize("value", ["1e308", "inf", "-inf", "nan", "1e999", "1_000"])
def test_overflowing_values_are_refused_cleanly(tmp_path, value, recwarn):
    path = tmp_path / "stats.csv"
    path.write_text(f"region,industry,value\n430200,steel,{value}\n430300,steel,1\n")
    with pytest.raises(DataError, match="line 2: "):
        load_statistics(path)
    assert not [w for w in recwarn if "overflow" in str(w.message)]


def test_an_unclosed_quote_is_reported_with_its_line(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "region,condition,value,source\n"
        '430200,coal,1,"a source\n'
        "430300,coal,1,another source\n"
    )
    with pytest.raises(DataError) as raised:
        read_facts_csv(path)
    assert str(raised.value) == (
        f"{path}: line 2: a quote opened on this line is not closed where it should be"
        " (a missing closing quote?)"
    )


def test_an_unclosed_quote_that_swallows_a_row_is_reported(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "region,condition,value,source\n"
        '430200,coal,1,"a source\n'
        '430300,coal,1,another source,"\n'
    )
    with pytest.raises(DataError, match="line 2: a quote opened on this line"):
        read_facts_csv(path)


def test_line_numbers_stay_right_after_a_multi_line_cell(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "region,condition,value,source\n"
        '430200,coal,1,"a source\nwith two lines"\n'
        "430300,nothing-like-this,1,x\n"
    )
    facts, errors = read_facts_csv(path)
    assert [fact.source for fact in facts] == ["a source\nwith two lines"]
    assert errors == ["line 4: unknown condition 'nothing-like-this'"]

    stats = tmp_path / "stats.csv"
    stats.write_text('region,industry,value,remark\n430200,steel,1,"two\nlines"\n430300,steel,x,\n')
    with pytest.raises(DataError, match="line 4: 'x' is not a number"):
        load_statistics(stats)


def test_tables_over_the_size_cap_are_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(STATS.encode())
        handle.truncate(21 * 1024 * 1024)
    with pytest.raises(DataError) as raised:
        load_statistics(path)
    assert str(raised.value) == (
        f"{path}: the file is 22.0 MB, more than the 20 MB a statistics table may have"
    )


def test_in_a_semicolon_table_a_comma_is_never_read_as_thousands(tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text("region;industry;value\n430200;steel;1,500\n")  # 1.5 in Germany
    with pytest.raises(DataError, match="line 2: '1,500' is ambiguous"):
        load_statistics(path)
