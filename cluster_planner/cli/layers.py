"""``cluster-planner layers``: the region layers and the ecosystem cities resolved onto them."""

from __future__ import annotations

from cluster_planner.cli._output import add_format_argument, print_json, print_lines
from cluster_planner.domain.cities import load_ecosystem_cities
from cluster_planner.domain.regions import LEVELS, data_version, load_layer, read_metadata


def add_arguments(parser) -> None:
    """Add ``--format text|json``."""
    add_format_argument(parser)


def run(args) -> int:
    """Print the layers and cities; returns 0 (unusable data raises ``DataError``)."""
    report = layers_report()
    if args.format == "json":
        print_json(report)
    else:
        print_lines(format_text(report))
    return 0


def layers_report(data_dir=None) -> dict:
    """The ``layers`` report: one entry per layer, then the twelve cities.

    Parameters
    ----------
    data_dir : path, optional
        The data folder; defaults to the bundled data.

    Returns
    -------
    dict
        ``{"data_version": ..., "layers": [...], "ecosystem_cities": [...]}`` as in
        PRODUCT.md.
    """
    metadata = read_metadata(data_dir)
    source = metadata.get("source", {})
    source_line = (
        f"{source.get('package', '?')} {source.get('version', '?')} "
        f"({source.get('licence', '?')}; {source.get('origin', '?')})"
    )
    layers = []
    for level in LEVELS:
        layer = load_layer(level, data_dir)
        recorded = metadata.get("layers", {}).get(level, {})
        layers.append(
            {
                "level": level,
                "regions": len(layer),
                "adjacent_pairs": int(layer.adjacency.nnz // 2),
                "file": str(layer.path),
                "source": source_line,
                "crs": "EPSG:4326",
                "coordinates": source.get("coordinates", ""),
                "built": metadata.get("built"),
                "tolerance_deg": metadata.get("tolerance_deg"),
                "size_bytes": layer.path.stat().st_size,
                "vertices": recorded.get("vertices"),
            }
        )
    provinces = load_layer("province", data_dir)
    prefectures = load_layer("prefecture", data_dir)
    cities = [
        {
            "name_en": city.name_en,
            "name_zh": city.name_zh,
            "lon": city.lon,
            "lat": city.lat,
            "province": city.province,
            "province_name_en": provinces.name(city.province, "en"),
            "prefecture": city.prefecture,
            "prefecture_name_zh": prefectures.name(city.prefecture, "zh"),
            "chain": city.chain,
            "chain_status": city.chain_status,
            "source": city.source,
            "located": city.located,
            "snap_km": city.snap_km,
        }
        for city in load_ecosystem_cities(data_dir)
    ]
    return {"data_version": data_version(data_dir), "layers": layers, "ecosystem_cities": cities}


def format_text(report: dict) -> str:
    """The report as two aligned tables."""
    lines = [f"Region layers ({report['data_version']})", ""]
    lines += _table(
        ["level", "regions", "adjacent pairs", "size", "file"],
        [
            [
                layer["level"],
                str(layer["regions"]),
                str(layer["adjacent_pairs"]),
                f"{layer['size_bytes'] / 1e6:.1f} MB",
                layer["file"],
            ]
            for layer in report["layers"]
        ],
    )
    lines += ["", f"Ecosystem cities ({len(report['ecosystem_cities'])})", ""]
    lines += _table(
        ["city", "", "lon", "lat", "province", "prefecture", "chain", "status"],
        [
            [
                city["name_en"],
                city["name_zh"],
                f"{city['lon']:.2f}",
                f"{city['lat']:.2f}",
                f"{city['province']} {city['province_name_en']}",
                city["prefecture"] + ("" if city["located"] == "inside" else " (snapped)"),
                city["chain"] or "-",
                city["chain_status"],
            ]
            for city in report["ecosystem_cities"]
        ],
    )
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = [
            cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=True)
        ]
        return "  ".join(padded).rstrip()

    return [line(header), line(["-" * width for width in widths]), *(line(row) for row in rows)]
