"""Who may change what is enforced by the database: raw SQL as each provincial role."""

from __future__ import annotations

import psycopg
import pytest
from conftest import COORDINATOR, MAINLAND_PROVINCES, as_role, province_role
from store_plans import prefecture_plan

from cluster_planner.domain.plan import Assignment
from cluster_planner.store.shared import RefusedError, SharedPlan
from cluster_planner.store.sync import push_plan

pytestmark = pytest.mark.db


@pytest.fixture
def national(store_url):
    """A national draft pushed by the coordinator: one prefecture per mainland province,
    each with two industries (62 assignments)."""
    plan = prefecture_plan()
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        result = push_plan(conn, store_url, plan)
    assert result.inserted == 62
    return plan


def test_each_province_changes_only_its_own_rows_even_through_raw_sql(store_url, national):
    foreign = {province: next(p for p in MAINLAND_PROVINCES if p != province)
               for province in MAINLAND_PROVINCES}
    region_of = {}
    with psycopg.connect(store_url) as conn:
        for province, region in conn.execute(
            "SELECT province, min(region) FROM cluster_planner.assignments GROUP BY province"
        ):
            region_of[province] = region
    assert sorted(region_of) == sorted(MAINLAND_PROVINCES)

    for province in MAINLAND_PROVINCES:
        role = province_role(province)
        with psycopg.connect(as_role(store_url, role), autocommit=True) as conn:
            # Everyone reads the whole plan.
            assert conn.execute(
                "SELECT count(*) FROM cluster_planner.assignments").fetchone()[0] == 62
            # An UPDATE of every row touches only the province's own two.
            updated = conn.execute(
                "UPDATE cluster_planner.assignments SET note = %s", (f"by {role}",)).rowcount
            assert updated == 2
            # Another province's rows: nothing deleted, nothing moved into it.
            other = foreign[province]
            assert conn.execute("DELETE FROM cluster_planner.assignments WHERE province = %s",
                                (other,)).rowcount == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # not its column
                conn.execute("UPDATE cluster_planner.assignments SET province = %s, "
                             "note = 'moved' WHERE province = %s", (province, other))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(
                    "INSERT INTO cluster_planner.assignments (plan_id, region, industry, role, "
                    "province) SELECT id, %s, 'steel', 'lead', %s FROM cluster_planner.plans",
                    (region_of[other], province))  # the province column is not trusted
            # Nor the version, change number or author of a row it may change.
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE cluster_planner.assignments SET changed_by = 'someone', "
                             "version = 1 WHERE province = %s", (province,))
            # Neither the members nor the history can be written by a member.
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO cluster_planner.members VALUES (%s, NULL, true)",
                             (role,))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM cluster_planner.history")
            assert conn.execute("UPDATE cluster_planner.plans SET name = 'mine'").rowcount == 0

    with psycopg.connect(store_url) as conn:
        rows = conn.execute(
            "SELECT province, note, changed_by, version FROM cluster_planner.assignments"
        ).fetchall()
        assert len(rows) == 62
        assert all(note == f"by {province_role(p)}" and who == province_role(p) and version == 2
                   for p, note, who, version in rows)
        assert conn.execute("SELECT count(*) FROM cluster_planner.history").fetchone()[0] == 124
        assert conn.execute("SELECT name FROM cluster_planner.plans").fetchall() == [
            ("National draft",)]


def test_locked_assignments_are_the_coordinators_alone(store_url, national):
    hunan_row = next(a for a in national if a.region.startswith("43"))
    coordinator = SharedPlan.open(as_role(store_url, COORDINATOR), "National draft")
    hunan = SharedPlan.open(as_role(store_url, province_role("430000")), "National draft")
    try:
        coordinator.load()
        hunan.load()
        assert coordinator.set_locked(hunan_row.region, hunan_row.industry) == 2
        hunan.refresh()
        with pytest.raises(RefusedError) as refused:
            hunan.put(hunan_row.region, hunan_row.industry,
                      Assignment(hunan_row.region, hunan_row.industry, "support", "mine"))
        assert str(refused.value) == (
            f"refused at Changsha ({hunan_row.region}), {hunan_row.industry}: locked by the "
            "coordinator; your edit has support, note 'mine'")
        with psycopg.connect(as_role(store_url, province_role("430000")),
                             autocommit=True) as conn:
            assert conn.execute("DELETE FROM cluster_planner.assignments WHERE locked"
                                ).rowcount == 0
            other = next(a for a in national if a.region.startswith("43") and a != hunan_row)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # may not lock its own
                conn.execute("UPDATE cluster_planner.assignments SET locked = true "
                             "WHERE region = %s AND industry = %s",
                             (other.region, other.industry))
        # The coordinator still changes it, and unlocks it for the province.
        assert coordinator.put(hunan_row.region, hunan_row.industry,
                               Assignment(hunan_row.region, hunan_row.industry, "lead", "x")) == 3
        assert coordinator.set_locked(hunan_row.region, hunan_row.industry, False) == 4
        hunan.refresh()
        assert hunan.put(hunan_row.region, hunan_row.industry,
                         Assignment(hunan_row.region, hunan_row.industry, "support", "ok")) == 5
    finally:
        coordinator.close()
        hunan.close()


def test_history_is_append_only_for_the_owner_too(store_url, national):
    with psycopg.connect(store_url, autocommit=True) as conn:
        for statement in ("UPDATE cluster_planner.history SET who = 'nobody'",
                          "DELETE FROM cluster_planner.history",
                          "TRUNCATE cluster_planner.history"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege,
                               match="the history of a plan store is append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM cluster_planner.history").fetchone()[0] == 62


def test_the_qgis_view_is_a_geometry_layer_of_each_plans_assignments(store_url, national):
    with psycopg.connect(store_url) as conn:
        assert conn.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_schema = 'cluster_planner' "
            "AND f_table_name = 'plan_map'").fetchone() == ("MULTIPOLYGON", 4326)
        rows = conn.execute(
            "SELECT region, name_en, industry, role, "
            "ST_Contains(geom, ST_SetSRID(ST_MakePoint(113.13, 27.83), 4326)) "
            "FROM cluster_planner.plan_map WHERE plan = 'National draft' AND province = '430000' "
            "ORDER BY industry").fetchall()
    # The point 113.13E 27.83N lies in Zhuzhou, not in Changsha.
    assert rows == [("430100", "Changsha", "new-materials", "support", False),
                    ("430100", "Changsha", "rail-transit-equipment", "lead", False)]
    with psycopg.connect(store_url) as conn:
        inside = conn.execute(
            "SELECT code FROM cluster_planner.regions WHERE level = 'prefecture' AND "
            "ST_Contains(geom, ST_SetSRID(ST_MakePoint(113.13, 27.83), 4326))").fetchall()
    assert inside == [("430200",)]


def test_local_condition_facts_follow_the_same_provinces(store_url):
    with psycopg.connect(as_role(store_url, province_role("430000")), autocommit=True) as conn:
        conn.execute("INSERT INTO cluster_planner.facts (level, region, condition, value, source, "
                     "province, added_by) VALUES ('prefecture', '430200', 'rail-base', 'yes', "
                     "'CRRC Zhuzhou annual report', '440000', 'someone else')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO cluster_planner.facts (level, region, condition, source) "
                         "VALUES ('prefecture', '440100', 'port', 'a guess')")
    with psycopg.connect(as_role(store_url, province_role("440000")), autocommit=True) as conn:
        assert conn.execute("UPDATE cluster_planner.facts SET value = 'no'").rowcount == 0
        assert conn.execute("SELECT region, province, added_by FROM cluster_planner.facts"
                            ).fetchall() == [("430200", "430000", province_role("430000"))]
