"""Plans and a command runner shared by the plan-store tests."""

from __future__ import annotations

import contextlib
import io

from cluster_planner.domain.plan import Assignment, Plan

INDUSTRIES = ("rail-transit-equipment", "new-materials", "lithium-batteries",
              "new-energy-vehicles", "biomedicine", "artificial-intelligence",
              "photovoltaics", "hydrogen-energy")


def run_cli(*args: str) -> tuple[int, str, str]:
    """``cluster-planner ARGS`` in this process: exit status, stdout, stderr."""
    from cluster_planner.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def prefecture_plan(name: str = "National draft", per_province: int = 1) -> Plan:
    """``per_province`` prefectures of every mainland province, each taking two industries."""
    from cluster_planner.domain.regions import load_layer

    frame = load_layer("prefecture").frame
    assignments = []
    for province, group in frame.groupby("province"):
        if province in ("710000", "810000", "820000"):
            continue
        for code in sorted(group["adcode"])[:per_province]:
            assignments.append(Assignment(code, INDUSTRIES[0], "lead", ""))
            assignments.append(Assignment(code, INDUSTRIES[1], "support", ""))
    return Plan.from_assignments(assignments, name=name, level="prefecture")


def county_plan(name: str = "County draft", per_region: int = 5) -> Plan:
    """Every county taking ``per_region`` industries (about 14,000 assignments at 5)."""
    from cluster_planner.domain.regions import load_layer

    codes = sorted(load_layer("county").frame["adcode"])
    assignments = [
        Assignment(code, INDUSTRIES[(i + k) % len(INDUSTRIES)], "lead" if k == 0 else "support",
                   f"note {i}-{k}")
        for i, code in enumerate(codes) for k in range(per_region)
    ]
    return Plan.from_assignments(assignments, name=name, level="county")


def rows_of(url: str, plan: str) -> dict[tuple[str, str], tuple[str, str]]:
    """``(region, industry) -> (role, note)`` of a plan, read as the superuser."""
    import psycopg

    with psycopg.connect(url) as conn:
        return {
            (region, industry): (role, note)
            for region, industry, role, note in conn.execute(
                "SELECT a.region, a.industry, a.role, a.note FROM cluster_planner.assignments a "
                "JOIN cluster_planner.plans p ON p.id = a.plan_id WHERE p.name = %s", (plan,),
            )
        }


def as_rows(plan: Plan) -> dict[tuple[str, str], tuple[str, str]]:
    return {a.key: (a.role, a.note) for a in plan}
