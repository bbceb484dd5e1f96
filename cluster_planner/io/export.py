"""Exports of a plan for other tools and for colleagues, chosen by the file suffix.

Why one module of about 950 lines: every format writes the same rows (regions with
their assignments, flags and fit, in the chosen language) through the same atomic writer,
and the HTML report embeds the same picture the PNG export draws; one module keeps the
formats from disagreeing about a plan.

=============  ==========================================================================
suffix         what is written
=============  ==========================================================================
``.cplan``     the plan itself, normalised (:func:`cluster_planner.io.planfile.dumps_plan`)
``.geojson``   one feature per region of the plan's level (:func:`region_features`):
``.gpkg``      codes, names, industries (ids and names), lead and support lists, counts,
               fit, flag kinds and worst severity; EPSG:4326; opens in QGIS and geopandas
``.csv``       one row per assignment (:func:`assignment_rows`) with region and industry
               names, role, note, fit and flags; UTF-8 with a BOM so Excel shows Chinese
``.html``      a self-contained report (:func:`report_html`): summary figures, counts
               against caps, flags with evidence and suggestions, the map as an
               embedded PNG, the assignments
``.png``       the map (:func:`render_plan_picture`, drawn by
``.svg``       :mod:`cluster_planner.render.mapfigure`): regions coloured by number of
``.pdf``       industries, flagged regions outlined, legend, title, South China Sea
               inset and the boundary data's attribution
=============  ==========================================================================

Every export is written under a temporary name beside the target and moved over it
(:func:`cluster_planner.io.planfile.atomic_write`), so an existing file is never left
half-written. Problems raise :class:`~cluster_planner.domain.errors.InputError` with one
line naming the file.

Pictures need matplotlib and :mod:`cluster_planner.render`, which are imported only
when a picture is drawn (the render package never imports Qt either).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cluster_planner import __version__
from cluster_planner.domain.errors import InputError
from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.domain.regions import BOUNDARY_ATTRIBUTIONS
from cluster_planner.io.planfile import (
    atomic_write,
    atomic_write_bytes,
    dumps_plan,
    plan_file_bytes,
)
from cluster_planner.text.evidence import evidence_rows, evidence_sentence
from cluster_planner.text.messages import (
    Names,
    check_language,
    fill,
    flag_message,
    kind_name,
    label,
    names_from,
    role_name,
    severity_name,
    suggestion_text,
)

PICTURE_SUFFIXES = (".png", ".svg", ".pdf")
EXPORT_SUFFIXES = (".cplan", ".geojson", ".gpkg", ".csv", ".html", *PICTURE_SUFFIXES)
#: What each suffix needs besides the plan: the layer, the catalog, the analysis.
NEEDS = {
    ".cplan": (),
    ".geojson": ("layer",),
    ".gpkg": ("layer",),
    ".csv": (),
    ".html": ("layer",),
    ".png": ("layer",),
    ".svg": ("layer",),
    ".pdf": ("layer",),
}
GPKG_LAYER_NAME = "regions"
LIST_SEPARATOR = "; "
SEVERITY_ORDER = ("info", "warning", "error")


def export_suffix(path: str | Path) -> str:
    """The export kind of ``path`` (its lower-case suffix); ``InputError`` if unknown."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise InputError(path, f"cannot export to {shown}; use one of {' '.join(EXPORT_SUFFIXES)}")
    return suffix


def export_plan(
    plan: Plan,
    out: str | Path,
    *,
    layer: Any = None,
    catalog: Any = None,
    analysis: Any = None,
    language: str = "zh",
    colour_by: str = "industries",
) -> Path:
    """Write ``plan`` to ``out`` in the format its suffix names.

    Parameters
    ----------
    plan
        The plan.
    out
        The file to write (see the module docstring for the suffixes).
    layer
        The region layer of the plan's level (needed by all but ``.cplan`` and ``.csv``).
    catalog
        The industry catalog, for industry names (ids are written without it).
    analysis
        The plan's :class:`~cluster_planner.analysis.engine.Analysis`, for fit and flags
        (left empty without it).
    language
        ``zh`` or ``en``: the language of everything a person reads in the export
        (CSV headers and values, the text columns of a vector layer, the report, the
        map's title and legend). Names in that language come first.
    colour_by
        Pictures: ``industries`` (number of industries per region, flagged regions
        outlined) or ``flags`` (worst flag severity per region).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InputError
        Unknown suffix, missing inputs, or ``out`` cannot be written.
    """
    out = Path(out)
    suffix = export_suffix(out)
    check_language(language)
    if "layer" in NEEDS[suffix] and layer is None:
        raise InputError(out, f"a {suffix} export needs the region layer of the plan")
    if layer is not None and getattr(layer, "level", plan.level) != plan.level:
        raise InputError(out, f"the plan is on the {plan.level} level, the layer is {layer.level}")
    if suffix == ".cplan":
        data = plan_file_bytes(dumps_plan(plan), out, error=InputError)
        atomic_write_bytes(out, data, error=InputError, action="write")
    elif suffix in (".geojson", ".gpkg"):
        frame = region_features(plan, layer, catalog, analysis, language=language)
        write_vector(frame, out)
    elif suffix == ".csv":
        rows = assignment_rows(plan, layer, catalog, analysis, language=language)
        columns = csv_columns(language)
        data = csv_bytes(rows, columns, header=csv_header(columns, language))
        atomic_write_bytes(out, data, error=InputError, action="write")
    elif suffix == ".html":
        try:
            picture = _report_picture(plan, layer, analysis, language, colour_by)
        except InputError as failure:  # named after the report, not the temporary map
            raise InputError(out, failure.problem) from None
        text = report_html(plan, layer, catalog, analysis, map_png=picture, language=language)
        atomic_write_bytes(out, text.encode("utf-8"), error=InputError, action="write")
    else:
        render_plan_picture(
            plan, layer, analysis, out, catalog=catalog, language=language, colour_by=colour_by
        )
    return out


# --------------------------------------------------------------------------- lookups
def _industry_name(catalog: Any, industry: str, language: str) -> str:
    entry = getattr(catalog, "by_id", {}).get(industry) if catalog is not None else None
    if entry is None:
        return ""
    return str(getattr(entry, f"name_{language}", "") or "")


def _names(layer: Any, catalog: Any) -> Names:
    """Names in both languages for flag messages, conditions from the bundled vocabulary."""
    try:
        from cluster_planner.domain.catalog import load_condition_types

        condition_types = load_condition_types()
    except Exception:  # a message with condition ids still beats no export at all
        condition_types = None
    return names_from(layer, catalog, condition_types)


def _own_first(pair: tuple[str, str], language: str) -> tuple[str, str]:
    """A ``(zh, en)`` pair reordered so that ``language`` comes first."""
    return pair if language == "zh" else (pair[1], pair[0])


def _region_names(layer: Any, plan: Plan | None = None) -> dict[str, tuple[str, str]]:
    """``(zh, en)`` names of the layer's regions, and of the regions ``plan`` names on
    other levels (their bundled layers)."""
    if layer is None:
        return {}
    layers = [layer]
    if plan is not None and not plan.on_one_level(getattr(layer, "level", plan.level)):
        from cluster_planner.domain.regions import load_layer

        layers += [load_layer(level) for level in plan.levels if level != getattr(layer, "level", None)]
    names: dict[str, tuple[str, str]] = {}
    for each in reversed(layers):  # the layer shown names a code it shares
        frame = each.frame
        names.update(
            (str(code), (str(zh), str(en)))
            for code, zh, en in zip(frame["adcode"], frame["name_zh"], frame["name_en"], strict=True)
        )
    return names


class _FitLookup:
    """Fit of (region, industry) from an analysis, ``None`` where unknown."""

    def __init__(self, analysis: Any, layer: Any):
        self.fit = getattr(analysis, "fit", None)
        industry_ids = getattr(analysis, "industry_ids", ()) or ()
        self.column = {industry: k for k, industry in enumerate(industry_ids)}
        self.row = getattr(layer, "index_of", None) or {}
        if self.fit is not None and layer is not None and self.fit.shape[0] != len(self.row):
            self.fit = None  # an analysis of another layer: better no fit than a wrong one

    def __call__(self, region: str, industry: str) -> float | None:
        if self.fit is None or region not in self.row or industry not in self.column:
            return None
        return round(float(self.fit[self.row[region], self.column[industry]]), 4)


def _flags_about(analysis: Any) -> dict[str, list[Any]]:
    """Region code to the flags naming it."""
    if analysis is None:
        return {}
    by_region: dict[str, list[Any]] = {}
    for flag in analysis.flags:
        for code in flag.regions:
            by_region.setdefault(code, []).append(flag)
    return by_region


def _worst(severities: Iterable[str]) -> str:
    ranked = [s for s in severities if s in SEVERITY_ORDER]
    return max(ranked, key=SEVERITY_ORDER.index) if ranked else ""


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


# --------------------------------------------------------------------- vector layers
def region_features(
    plan: Plan, layer: Any, catalog: Any = None, analysis: Any = None, *, language: str = "en"
):
    """One row per region of the layer, with the plan's assignments and flags.

    Field names stay the same in every language (scripts and QGIS styles rely on
    them); the text a person reads is in ``language`` in ``name``, ``industry_names``,
    ``flag_names`` and ``severity_name``, beside the ids and both languages' names.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, layer row order, columns ``adcode``, ``name`` (in ``language``),
        ``province``, ``name_zh``, ``name_en``, ``industries`` (ids),
        ``industry_names`` (in ``language``), ``industries_zh``, ``industries_en``,
        ``lead``, ``support`` (ids), ``n_industries``, ``n_lead``, ``n_support``,
        ``min_fit``, ``max_fit`` (empty without an analysis or assignments),
        ``flag_kinds`` (ids), ``flag_names`` (in ``language``), ``n_flags``,
        ``worst_severity`` (of the flags about this region on its own, as the map
        colours it; plan-wide flags are in ``flag_kinds``), ``severity_name`` (in
        ``language``), ``geometry``. Lists are joined with ``"; "``.
    """
    import geopandas

    frame = layer.frame
    by_region: dict[str, list[Assignment]] = {}
    for assignment in sorted(
        plan.assignments, key=lambda a: (a.region, a.role != "lead", a.industry)
    ):
        by_region.setdefault(assignment.region, []).append(assignment)
    fit = _FitLookup(analysis, layer)
    flags = _flags_about(analysis)
    severity = analysis.region_severity() if analysis is not None else {}
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "industries",
            "industry_names",
            "industries_zh",
            "industries_en",
            "lead",
            "support",
            "n_industries",
            "n_lead",
            "n_support",
            "min_fit",
            "max_fit",
            "flag_kinds",
            "flag_names",
            "n_flags",
            "worst_severity",
            "severity_name",
        )
    }
    for code in frame["adcode"].astype(str):
        taken = by_region.get(code, [])
        ids = [a.industry for a in taken]
        fits = [f for f in (fit(code, i) for i in ids) if f is not None]
        about = flags.get(code, [])
        columns["industries"].append(LIST_SEPARATOR.join(ids))
        for key, lang in (
            ("industry_names", language),
            ("industries_zh", "zh"),
            ("industries_en", "en"),
        ):
            columns[key].append(
                LIST_SEPARATOR.join(_industry_name(catalog, i, lang) or i for i in ids)
            )
        columns["lead"].append(LIST_SEPARATOR.join(a.industry for a in taken if a.role == "lead"))
        columns["support"].append(
            LIST_SEPARATOR.join(a.industry for a in taken if a.role == "support")
        )
        columns["n_industries"].append(len(taken))
        columns["n_lead"].append(sum(a.role == "lead" for a in taken))
        columns["n_support"].append(sum(a.role == "support" for a in taken))
        columns["min_fit"].append(min(fits) if fits else math.nan)
        columns["max_fit"].append(max(fits) if fits else math.nan)
        kinds = _unique(f.kind for f in about)
        columns["flag_kinds"].append(LIST_SEPARATOR.join(kinds))
        columns["flag_names"].append(LIST_SEPARATOR.join(kind_name(k, language) for k in kinds))
        columns["n_flags"].append(len(about))
        worst = severity.get(code, "")
        columns["worst_severity"].append(worst)
        columns["severity_name"].append(severity_name(worst, language) if worst else "")
    data = {
        "adcode": frame["adcode"].astype(str).to_numpy(),
        "name": frame[f"name_{language}"].astype(str).to_numpy(),
        "province": frame["province"].astype(str).to_numpy()
        if "province" in frame
        else [""] * len(frame),
        "name_zh": frame["name_zh"].astype(str).to_numpy(),
        "name_en": frame["name_en"].astype(str).to_numpy(),
        **columns,
    }
    result = geopandas.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    for name in ("n_industries", "n_lead", "n_support", "n_flags"):
        result[name] = result[name].astype("int32")
    for name in ("min_fit", "max_fit"):
        result[name] = result[name].astype("float64")
    return result


def write_vector(frame: Any, out: str | Path) -> Path:
    """Write a GeoDataFrame as GeoPackage or GeoJSON (by suffix), atomically."""
    out = Path(out)
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON"}[out.suffix.lower()]

    def write(temp: Path) -> None:
        options: dict[str, Any] = {"driver": driver, "engine": "pyogrio"}
        if driver == "GPKG":
            options["layer"] = GPKG_LAYER_NAME
        else:
            options["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "NO"}
        try:
            frame.to_file(temp, **options)
        except OSError:
            raise
        except Exception as error:  # GDAL reports as its own error types
            problem = _first_line(error)
            if ".saving" in problem:  # GDAL names its (temporary) file: say what failed instead
                problem = f"GDAL could not create the {driver} file (is the name unusual?)"
            raise InputError(out, f"cannot write: {problem}") from None

    return atomic_write(out, write, error=InputError, action="write")


# ------------------------------------------------------------------------------ table
CSV_COLUMNS = (
    "region",
    "region_name_zh",
    "region_name_en",
    "industry",
    "industry_name_zh",
    "industry_name_en",
    "role",
    "note",
    "fit",
    "flags",
    "worst_severity",
    "evidence",
)


#: Each CSV column's label id in :data:`cluster_planner.text.messages.LABELS`, by the
#: language of the names in it: the active language's names are just "Region".
_CSV_LABEL_KEYS = {
    "region": "region_code",
    "industry": "industry_id",
    "role": "role",
    "note": "note",
    "fit": "fit",
    "flags": "flags",
    "worst_severity": "worst_severity",
    "evidence": "evidence",
}


def csv_columns(language: str = "en") -> tuple[str, ...]:
    """The CSV's column keys in order, the names in ``language`` before the others."""
    own, other = ("zh", "en") if language == "zh" else ("en", "zh")
    return (
        "region",
        f"region_name_{own}",
        f"region_name_{other}",
        "industry",
        f"industry_name_{own}",
        f"industry_name_{other}",
        "role",
        "note",
        "fit",
        "flags",
        "worst_severity",
        "evidence",
    )


def csv_header(columns: Sequence[str], language: str = "en") -> list[str]:
    """The header row a person reads for ``columns``, in ``language``."""
    header = []
    for column in columns:
        if column.startswith(("region_name_", "industry_name_")):
            thing, name_language = column.split("_name_")
            key = thing if name_language == language else f"{thing}_{name_language}"
        else:
            key = _CSV_LABEL_KEYS.get(column, column)
        header.append(label(key, language))
    return header


def assignment_rows(
    plan: Plan,
    layer: Any = None,
    catalog: Any = None,
    analysis: Any = None,
    *,
    language: str = "en",
) -> list[dict[str, Any]]:
    """One dict per assignment (keys :data:`CSV_COLUMNS`), sorted by region, industry.

    ``flags`` names the kinds of flags about this region and this industry, plus those
    about the region's whole portfolio (``similar-portfolios``); ``fit`` is empty
    without an analysis. Role, flag kinds and severity are written in ``language``
    (a spreadsheet is read by people; the ``.gpkg`` and ``check --format json`` keep
    the ids).
    """
    names = _region_names(layer, plan)
    text_names = _names(layer, catalog)
    fit = _FitLookup(analysis, layer)
    flags = _flags_about(analysis)
    rows = []
    for a in sorted(plan.assignments, key=lambda a: (a.region, a.industry)):
        region_zh, region_en = names.get(a.region, ("", ""))
        about = [f for f in flags.get(a.region, []) if f.industry in (a.industry, None)]
        worst = _worst(f.severity for f in about)
        value = fit(a.region, a.industry)
        rows.append(
            {
                "region": a.region,
                "region_name_zh": region_zh,
                "region_name_en": region_en,
                "industry": a.industry,
                "industry_name_zh": _industry_name(catalog, a.industry, "zh"),
                "industry_name_en": _industry_name(catalog, a.industry, "en"),
                "role": role_name(a.role, language),
                "note": a.note,
                "fit": "" if value is None else f"{value:.2f}",
                "flags": LIST_SEPARATOR.join(
                    kind_name(kind, language) for kind in _unique(f.kind for f in about)
                ),
                "worst_severity": severity_name(worst, language) if worst else "",
                # the numbers behind the flags about this assignment, in words
                "evidence": " | ".join(
                    evidence_sentence(f, language, text_names) for f in about if f.industry == a.industry and len(f.regions) == 1
                ),
            }
        )
    return rows


def csv_bytes(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] = CSV_COLUMNS,
    *,
    header: Sequence[str] | None = None,
) -> bytes:
    """CSV text, UTF-8 with a BOM (Excel then reads Chinese), with a header row.

    ``header`` is the text of the header row (:func:`csv_header`); the column keys
    themselves without it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(columns) if header is None else list(header))
    for row in rows:
        writer.writerow([_csv_safe(row.get(key, "")) for key in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_safe(value: Any) -> Any:
    # A note typed as "=HYPERLINK(...)" must stay text in a spreadsheet, not a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# ----------------------------------------------------------------------------- report
# The report's own sentences as (zh, en); labels shared with the CSV are in messages.LABELS.
_REPORT_TEXT: dict[str, tuple[str, str]] = {
    "title": ("{name} – 产业布局规划报告", "{name} – Cluster Planner report"),
    "facts": (
        "层级：{level} · {regions} 个地区共 {assignments} 项产业安排，{industries} 个产业 · "
        "由 Cluster Planner {version} 生成于 {generated}",
        "Level: {level} · {assignments} assignments in {regions} regions, {industries}"
        " industries · generated {generated} by Cluster Planner {version}",
    ),
    "no_analysis": ("本报告未运行分析。", "No analysis was run for this report."),
    "regions_in_layer": ("图层中的地区", "Regions in the layer"),
    "regions_with_assignments": ("有产业安排的地区", "Regions with assignments"),
    "similar_pairs": ("产业结构相似的地区对", "Similar portfolio pairs"),
    "similar_neighbour_pairs": ("… 其中彼此接壤", "… of them neighbours"),
    "crowded_industries": ("扎堆的产业", "Crowded industries"),
    "clustered_industries": ("在相邻地区聚集的产业", "Industries clustered among neighbours"),
    "none": ("无", "none"),
    "severity_flags": ("{severity}数", "{severity} flags"),
    "index_note": (
        "同质化指数是有产业安排的地区两两之间结构相似度的平均值（主导 1、配套 0.5 的产业组合的"
        "余弦相似度）：1 表示每个地区都发展相同的产业。",
        "The homogeneity index is the mean pairwise structural similarity (cosine of"
        " lead 1 / support 0.5 portfolios) of the regions with assignments: 1 means every"
        " region takes the same industries.",
    ),
    "industries_heading": (
        "产业：承接地区数与上限",
        "Industries: regions assigned against the cap",
    ),
    "regions": ("地区数", "Regions"),
    "lead": ("主导", "Lead"),
    "support": ("配套", "Support"),
    "cap": ("上限", "Cap"),
    "supported": ("当地条件适配的地区", "Regions whose conditions fit"),
    "state": ("状态", "State"),
    "joins": ("相邻地区的选择（实际 / 期望，z）", "Neighbouring picks (observed / expected, z)"),
    "crowded": ("扎堆", "crowded"),
    "within_cap": ("未超上限", "within cap"),
    "clustered": ("（聚集）", " (clustered)"),
    "flags_heading": ("问题（{count}）", "Flags ({count})"),
    "by_industry": ("按产业", "By industry"),
    "by_region": ("按地区", "By region"),
    "across_industries": ("跨产业（地区产业结构）", "Across industries (regions' portfolios)"),
    "flag_count": ("{count} 个问题", "{count} flags"),
    "no_flags": (
        "没有发现问题：布局符合当地条件。",
        "No flags: the layout follows local conditions.",
    ),
    "region_list": ("地区", "Regions"),
    "more_regions": ("等，另有 {count} 个", " and {count} more"),
    "map_alt": ("规划“{name}”的地图", "Map of the plan {name}"),
    "assignments_heading": ("产业安排（{count}）", "Assignments ({count})"),
    "in_all": ("（共 {count} 项）", " ({count} in all)"),
    "level_province": ("省级", "province"),
    "level_prefecture": ("地级", "prefecture"),
    "level_county": ("县级", "county"),
}


def _report_text(key: str, language: str, **values: Any) -> str:
    return fill(_REPORT_TEXT[key], language, **values)


def report_html(
    plan: Plan,
    layer: Any = None,
    catalog: Any = None,
    analysis: Any = None,
    *,
    map_png: bytes | None = None,
    generated: datetime | None = None,
    language: str = "en",
) -> str:
    """A self-contained HTML report of the plan (no external files or scripts).

    Sections: title and facts of the plan, summary figures (homogeneity index, flags
    by severity), industries with their counts against caps, the flags with evidence
    and suggestions, the map (``map_png`` embedded as base64), the assignments.
    Headings, table headers, flag messages and suggestions are in ``language``
    (``zh`` or ``en``); region and industry names show that language first.
    """
    e = html.escape
    check_language(language)

    def t(key: str, **values: Any) -> str:
        return _report_text(key, language, **values)

    def lab(key: str) -> str:
        return label(key, language)

    generated = generated or datetime.now(UTC)
    summary = dict(getattr(analysis, "summary", {}) or {})
    region_names = _region_names(layer, plan)
    names = _names(layer, catalog)
    separator = "、" if language == "zh" else ", "

    def region_label(code: str) -> str:
        first, second = _own_first(region_names.get(code, ("", "")), language)
        return f"{first} {second} ({code})" if first or second else code

    def industry_label(industry: str | None) -> str:
        if not industry:
            return ""
        pair = (_industry_name(catalog, industry, "zh"), _industry_name(catalog, industry, "en"))
        first, second = _own_first(pair, language)
        return f"{first} {second}".strip() or industry

    def header_row(*keys: str) -> str:
        return "<tr>" + "".join(f"<th>{e(text)}</th>" for text in keys) + "</tr>"

    level = t(f"level_{plan.level}") if f"level_{plan.level}" in _REPORT_TEXT else plan.level
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if language == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(t('title', name=plan.name))}</title>",
        f"<style>{_REPORT_CSS}</style></head><body>",
        f"<h1>{e(plan.name)}</h1>",
        '<p class="facts">'
        + e(
            t(
                "facts",
                level=level,
                assignments=len(plan),
                regions=len(plan.regions),
                industries=len(plan.industries),
                generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
                version=__version__,
            )
        )
        + "</p>",
    ]

    parts.append(f"<h2>{e(lab('summary'))}</h2>")
    if analysis is None:
        parts.append(f"<p>{e(t('no_analysis'))}</p>")
    else:
        severities = summary.get("flags", {})
        rows = [
            (
                lab("homogeneity_index"),
                _number(summary.get("homogeneity_index", analysis.homogeneity_index)),
            ),
            (t("regions_in_layer"), summary.get("regions", "")),
            (t("regions_with_assignments"), summary.get("regions_with_assignments", "")),
            (t("similar_pairs"), summary.get("similar_pairs", "")),
            (t("similar_neighbour_pairs"), summary.get("similar_neighbour_pairs", "")),
            (
                t("crowded_industries"),
                separator.join(map(industry_label, summary.get("crowded_industries", [])))
                or t("none"),
            ),
            (
                t("clustered_industries"),
                separator.join(map(industry_label, summary.get("clustered_industries", [])))
                or t("none"),
            ),
        ]
        rows += [
            (
                t("severity_flags", severity=severity_name(s, language).capitalize()),
                severities.get(s, 0),
            )
            for s in reversed(SEVERITY_ORDER)
        ]
        parts.append('<table class="summary">')
        parts += [f"<tr><th>{e(str(k))}</th><td>{e(str(v))}</td></tr>" for k, v in rows]
        parts.append("</table>")
        parts.append(f'<p class="note">{e(t("index_note"))}</p>')

    attribution = BOUNDARY_ATTRIBUTIONS[language]
    if map_png:
        encoded = base64.b64encode(map_png).decode("ascii")
        parts.append(f'<h2 class="section">{e(lab("map"))}</h2>')
        parts.append(
            f'<figure><img alt="{e(t("map_alt", name=plan.name))}" '
            f'src="data:image/png;base64,{encoded}"><figcaption>{e(attribution)}</figcaption></figure>'
        )


    industries = summary.get("industries") or []
    if industries:
        parts.append(f'<h2 class="section">{e(t("industries_heading"))}</h2>')
        parts.append(
            "<table>"
            + header_row(
                lab("industry"),
                t("regions"),
                t("lead"),
                t("support"),
                t("cap"),
                t("supported"),
                t("state"),
                t("joins"),
            )
        )
        for entry in industries:
            joins = entry.get("joins", {})
            state = t("crowded") if entry.get("crowded") else t("within_cap")
            css = ' class="crowded"' if entry.get("crowded") else ""
            clustered = t("clustered") if joins.get("clustered") else ""
            parts.append(
                f"<tr{css}><td>{e(industry_label(entry.get('industry')))}</td>"
                f"<td>{entry.get('count', '')}</td><td>{entry.get('lead', '')}</td>"
                f"<td>{entry.get('support', '')}</td><td>{entry.get('cap', '')}</td>"
                f"<td>{entry.get('supported', '')}</td><td>{e(state)}</td>"
                f"<td>{joins.get('observed', '')} / {_number(joins.get('expected'))},"
                f" z {_number(joins.get('z'))}{e(clustered)}</td></tr>"
            )
        parts.append("</table>")

    if analysis is not None:
        parts.append(f'<h2 class="section">{e(t("flags_heading", count=len(analysis.flags)))}</h2>')
        if not analysis.flags:
            parts.append(f"<p>{e(t('no_flags'))}</p>")
        else:
            parts += _findings_html(analysis.flags, language, names, region_label, industry_label, t, lab)

    fit = _FitLookup(analysis, layer)
    parts.append(f'<h2 class="section">{e(t("assignments_heading", count=len(plan)))}</h2>')
    parts.append(
        "<table>" + header_row(lab("region"), lab("industry"), lab("role"), lab("fit"), lab("note"))
    )
    for a in sorted(plan.assignments, key=lambda a: (a.region, a.industry)):
        value = fit(a.region, a.industry)
        parts.append(
            f"<tr><td>{e(region_label(a.region))}</td><td>{e(industry_label(a.industry))}</td>"
            f"<td>{e(role_name(a.role, language))}</td>"
            f"<td>{'' if value is None else f'{value:.2f}'}</td><td>{e(a.note)}</td></tr>"
        )
    parts.append("</table>")
    end = "。" if language == "zh" else "."
    parts.append(f'<p class="note">{e(attribution)}{end}</p></body></html>')
    return "\n".join(parts) + "\n"


def _findings_html(
    flags: Sequence[Any],
    language: str,
    names: Names,
    region_label: Any,
    industry_label: Any,
    t: Any,
    lab: Any,
) -> list[str]:
    """The findings as a briefing: grouped by industry (worst first), then a table by region."""
    e = html.escape
    separator = "、" if language == "zh" else ", "
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}

    def worst_first(group: Sequence[Any]) -> tuple[int, int]:
        return (-max(rank.get(f.severity, 0) for f in group), -len(group))

    by_industry: dict[str, list[Any]] = {}
    for flag in flags:
        by_industry.setdefault(flag.industry or "", []).append(flag)
    parts = [f'<h3 class="part">{e(t("by_industry"))}</h3>']
    for industry, group in sorted(by_industry.items(), key=lambda item: worst_first(item[1])):
        heading = industry_label(industry) if industry else t("across_industries")
        parts.append(f'<section class="industry"><h4>{e(heading)} · {e(t("flag_count", count=len(group)))}</h4>')
        parts.append(
            '<table class="flags">'
            + "<tr>" + "".join(
                f"<th>{e(text)}</th>"
                for text in (lab("severity"), lab("kind"), t("region_list"), lab("message"), lab("evidence"), lab("suggestions"))
            ) + "</tr>"
        )
        for flag in group:
            codes = list(flag.regions)
            regions = separator.join(region_label(code) for code in codes[:20])
            if len(codes) > 20:
                regions += t("more_regions", count=len(codes) - 20)
            evidence = "".join(
                f"<tr><th>{e(term)}</th><td>{e(text)}</td></tr>" for term, text in evidence_rows(flag, language, names)
            )
            suggestions = "".join(f"<li>{e(suggestion_text(item, language, names))}</li>" for item in flag.suggestions)
            severity = str(flag.severity)
            parts.append(
                f'<tr class="{e(severity)}"><td>{e(severity_name(severity, language))}</td>'
                f"<td>{e(kind_name(flag.kind, language))}</td><td>{e(regions)}</td>"
                f"<td>{e(flag_message(flag, language, names))}</td>"
                f'<td><table class="evidence">{evidence}</table></td><td><ul>{suggestions}</ul></td></tr>'
            )
        parts.append("</table></section>")

    by_region: dict[str, list[Any]] = {}
    for flag in flags:
        for code in flag.regions:
            by_region.setdefault(code, []).append(flag)
    parts.append(f'<h3 class="part">{e(t("by_region"))}</h3>')
    parts.append(
        '<table class="regions"><tr>'
        + "".join(f"<th>{e(text)}</th>" for text in (lab("region"), lab("worst_severity"), lab("flags"), lab("kind"), lab("industry")))
        + "</tr>"
    )
    for code, group in sorted(by_region.items(), key=lambda item: (*worst_first(item[1]), item[0])):
        worst = _worst(f.severity for f in group)
        kinds = separator.join(kind_name(kind, language) for kind in _unique(f.kind for f in group))
        industries = separator.join(industry_label(i) for i in _unique(f.industry for f in group if f.industry))
        parts.append(
            f'<tr class="{e(worst)}"><td>{e(region_label(code))}</td><td>{e(severity_name(worst, language))}</td>'
            f"<td>{len(group)}</td><td>{e(kinds)}</td><td>{e(industries)}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


_REPORT_CSS = """
body { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 70em; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } .facts, .note { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } table.summary th { width: 22em; }
tr.error td:first-child { background: #d55e00; color: white; }
tr.warning td:first-child { background: #e69f00; }
tr.info td:first-child { background: #56b4e9; }
tr.crowded td { background: #fbe9dc; }
ul { margin: 0; padding-left: 1.2em; }
figure { margin: 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.8em; }
h3.part { margin-top: 1.5em; border-bottom: 2px solid #999; }
table.flags { width: 100%; table-layout: fixed; } table.flags td { overflow-wrap: anywhere; }
table.flags > tbody > tr > th:nth-child(1) { width: 7%; } table.flags > tbody > tr > th:nth-child(2) { width: 9%; }
table.flags > tbody > tr > th:nth-child(3) { width: 14%; } table.flags > tbody > tr > th:nth-child(4) { width: 28%; }
table.flags > tbody > tr > th:nth-child(5) { width: 26%; } table.flags > tbody > tr > th:nth-child(6) { width: 16%; }
table.evidence { width: 100%; } table.evidence th { width: 38%; }
h4 { margin: 1.2em 0 0.3em; }
table.evidence { margin: 0; font-size: 0.95em; } table.evidence th, table.evidence td { border: none;
  padding: 0.05em 0.4em 0.05em 0; background: none; } table.evidence th { font-weight: normal;
  color: #555; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { margin: 0; max-width: none; font-size: 9pt; }
  h2.section { page-break-before: always; break-before: page; }
  h3, h4 { page-break-after: avoid; break-after: avoid; }
  figure, table.evidence tr { page-break-inside: avoid; break-inside: avoid; }
  figure img { max-height: 230mm; }
}
"""


# ---------------------------------------------------------------------------- picture
def render_plan_picture(
    plan: Plan,
    layer: Any,
    analysis: Any,
    out: str | Path,
    *,
    catalog: Any = None,
    language: str = "zh",
    colour_by: str = "industries",
    dpi: int = 200,
) -> Path:
    """Draw the plan's map to ``out`` (``.png``, ``.svg`` or ``.pdf``), atomically.

    ``colour_by="industries"`` colours regions by their number of industries and
    outlines the regions with a warning or error of their own; ``"flags"`` colours them
    by their worst flag. The figure has a legend, a title, the South China Sea inset
    and the attribution of the boundaries (:mod:`cluster_planner.render.mapfigure`).
    """
    out = Path(out)
    if out.suffix.lower() not in PICTURE_SUFFIXES:
        raise InputError(out, f"a map picture is {', '.join(PICTURE_SUFFIXES)}, not {out.suffix!r}")
    try:
        from cluster_planner.render.mapfigure import export_figure
    except ImportError as error:  # matplotlib missing from a trimmed install
        raise InputError(out, f"cannot draw maps here: {error}") from None
    check_language(language)
    facecolors, legend, highlight, legend_title = _picture_colours(
        plan, layer, analysis, colour_by, language
    )
    title = _picture_title(plan, analysis, language)

    def write(temp: Path) -> None:
        # Problems name OUT, never the temporary file the picture is drawn to.
        try:
            export_figure(
                layer,
                facecolors,
                legend,
                title,
                temp,
                dpi=dpi,
                cities=_cities_or_none(),
                language=language,
                legend_title=legend_title,
                highlight=highlight,
            )
        except InputError as failure:
            raise InputError(out, failure.problem) from None
        except (ValueError, RuntimeError, OverflowError) as failure:  # matplotlib, FreeType
            raise InputError(out, f"cannot draw the map: {_first_line(failure)}") from None

    return atomic_write(out, write, error=InputError, action="write")


# The map's legend and title text as (zh, en). The attribution line at the foot of the
# picture is render.mapfigure's, in the same language.
_PICTURE_TEXT: dict[str, tuple[str, str]] = {
    "worst_flag": ("最严重的问题", "Worst flag"),
    "no_flag": ("无问题", "No flag"),
    "industries_per_region": ("各地区的产业数", "Industries per region"),
    "outlined": ("描边：有警告或错误", "Outlined: warning or error"),
    "none": ("无", "none"),
    "title": ("{name}（同质化指数 {index:.2f}）", "{name}  (homogeneity index {index:.2f})"),
}


def _picture_text(key: str, language: str, **values: Any) -> str:
    return fill(_PICTURE_TEXT[key], language, **values)


def _picture_colours(plan: Plan, layer: Any, analysis: Any, colour_by: str, language: str = "en"):
    """The picture's colours, from :func:`render.colouring.plan_colours` as the window's map."""
    from cluster_planner.render.colouring import ColourLabels, plan_colours, severity_levels

    index_of = layer.index_of
    if colour_by == "flags":
        labels = ColourLabels(severity=[_picture_text("no_flag", language)] + [
            severity_name(s, language).capitalize() for s in SEVERITY_ORDER
        ])
        facecolors, legend = plan_colours("severity", plan, index_of, analysis=analysis, labels=labels)
        return facecolors, legend, (), _picture_text("worst_flag", language)
    if colour_by != "industries":
        raise ValueError(f"colour_by must be 'industries' or 'flags', not {colour_by!r}")
    none = _picture_text("none", language)
    facecolors, legend = plan_colours(
        "count", plan, index_of, labels=ColourLabels(count=lambda low, high: _count_label(low, high, none))
    )
    # Outlined: the regions whose own worst flag is a warning or an error.
    flagged = [int(row) for row in (severity_levels(analysis, index_of) >= 2).nonzero()[0]]
    if flagged:
        from matplotlib.colors import to_rgba

        from cluster_planner.render.mapfigure import HIGHLIGHT_COLOUR

        outlined = _picture_text("outlined", language)
        legend = [*legend, (outlined, to_rgba(HIGHLIGHT_COLOUR))]
    return facecolors, legend, flagged, _picture_text("industries_per_region", language)


def _count_label(low: int, high: int, none: str = "none") -> str:
    if low == high == 0:
        return none
    return str(low) if low == high else f"{low}–{high}"


def _picture_title(plan: Plan, analysis: Any, language: str = "en") -> str:
    if analysis is None:
        return plan.name
    return _picture_text("title", language, name=plan.name, index=analysis.homogeneity_index)


def _cities_or_none():
    try:
        from cluster_planner.domain.cities import load_ecosystem_cities

        return load_ecosystem_cities()
    except Exception:  # the map is still worth drawing without the city markers
        return ()


def _report_picture(
    plan: Plan, layer: Any, analysis: Any, language: str, colour_by: str
) -> bytes | None:
    """The map as PNG bytes for the report, or ``None`` when maps cannot be drawn."""
    import tempfile

    try:
        import cluster_planner.render.mapfigure  # noqa: F401
    except ImportError:
        return None
    with tempfile.TemporaryDirectory(prefix="cluster-planner-report-") as folder:
        path = Path(folder) / "map.png"
        render_plan_picture(
            plan, layer, analysis, path, language=language, colour_by=colour_by, dpi=110
        )
        return path.read_bytes()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
