"""A planning session on a store's plan, without Qt: edits go in, refusals roll back."""

from __future__ import annotations

import psycopg
import pytest
from conftest import COORDINATOR, as_role, province_role
from store_plans import rows_of

from cluster_planner.domain.plan import Assignment, Plan
from cluster_planner.io.planfile import load_plan
from cluster_planner.session import PlanSession
from cluster_planner.session.shared import (
    RemoteChanges,
    SharedConnectionLost,
    SharedEditsRefused,
)
from cluster_planner.store.shared import SharedPlan
from cluster_planner.store.sync import push_plan

pytestmark = pytest.mark.db

HUNAN = "430000"


def draft() -> Plan:
    return Plan.from_assignments(
        [Assignment("430100", "new-materials", "lead", "start"),
         Assignment("430200", "rail-transit-equipment", "lead", "株洲"),
         Assignment("440100", "new-energy-vehicles", "lead", "start")],
        name="National 2026", level="prefecture")


@pytest.fixture
def store(store_url):
    with psycopg.connect(as_role(store_url, COORDINATOR)) as conn:
        push_plan(conn, store_url, draft())
    return store_url


def beijing_changes_changsha(store) -> None:
    """The coordinator, on a connection of their own, notes Changsha's new materials."""
    with SharedPlan.open(as_role(store, COORDINATOR), "National 2026") as other:
        other.load()
        other.put("430100", "new-materials",
                  Assignment("430100", "new-materials", "lead", "from Beijing"))


@pytest.fixture
def hunan(store):
    """A session with the store's plan open as the Hunan team."""
    session = PlanSession()
    link = session.open_shared(as_role(store, province_role(HUNAN)), "National 2026")
    yield session
    link.close()


def heard(session, kind):
    events = []
    session.events.subscribe(events.append, kind)
    return events


def test_edits_go_to_the_store_and_others_edits_come_in(store, hunan):
    session, link = hunan, hunan.shared
    assert session.path is None and len(session.plan) == 3
    session.assign("new-materials", "support", ["430200"])
    assert session.is_modified() and link.pending == {("430200", "new-materials")}
    assert link.flush() == 1
    assert not session.is_modified()
    assert rows_of(store, "National 2026")[("430200", "new-materials")] == ("support", "")
    row = link.last_change("430200", "new-materials")
    assert (row.changed_by, row.version) == (province_role(HUNAN), 1)

    news = heard(session, RemoteChanges)
    beijing_changes_changsha(store)
    changes = link.refresh()
    assert [(c.region, c.industry, c.who) for c in changes] == [
        ("430100", "new-materials", COORDINATOR)]
    assert session.plan.get("430100", "new-materials").note == "from Beijing"
    assert len(news) == 1 and not session.is_modified()


def test_a_refused_and_a_conflicting_edit_are_rolled_back_with_one_line_each(store, hunan):
    session, link = hunan, hunan.shared
    refused = heard(session, SharedEditsRefused)
    beijing_changes_changsha(store)
    session.set_note("430100", "new-materials", "from Changsha")
    session.assign("photovoltaics", "lead", ["440100"])  # Guangzhou: not Hunan's
    assert link.flush() == 0
    (event,) = refused
    assert (event.conflicts, event.refusals) == (1, 1)
    assert event.messages[0].startswith(
        "conflict at Changsha (430100), new-materials: the store has lead, note "
        "'from Beijing' (version 2), changed by cp_test_coordinator at ")
    assert event.messages[1] == (
        "refused at Guangzhou (440100), photovoltaics: outside your province; your edit "
        "has lead")
    # The store's assignments are back in the plan: Beijing's note, no Guangzhou edit.
    assert session.plan.get("430100", "new-materials").note == "from Beijing"
    assert session.plan.get("440100", "photovoltaics") is None
    assert rows_of(store, "National 2026")[("430100", "new-materials")] == (
        "lead", "from Beijing")
    assert ("440100", "photovoltaics") not in rows_of(store, "National 2026")


def test_a_server_gone_mid_session_keeps_the_edits_for_a_file_and_a_later_push(store, tmp_path):
    url = as_role(store, province_role(HUNAN))
    session = PlanSession()
    link = session.open_shared(url, "National 2026")
    lost = heard(session, SharedConnectionLost)
    try:
        with psycopg.connect(store, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE usename = %s", (province_role(HUNAN),))
        session.assign("lithium-batteries", "lead", ["430200"])
        assert link.flush() == 0
        assert not link.online and len(lost) == 1
        assert lost[0].message.startswith(f"{url}: lost the connection to the server while ")
        assert session.plan.get("430200", "lithium-batteries") is not None
        assert session.is_modified()
        saved = session.save(tmp_path / "offline.cplan")
    finally:
        link.close()
    # The file pushes later as a three-way merge: its one edit goes in, nothing else moves.
    before = rows_of(store, "National 2026")
    with psycopg.connect(url) as conn:
        result = push_plan(conn, url, load_plan(saved))
    assert (result.inserted, result.updated, result.deleted, result.conflicts) == (1, 0, 0, [])
    assert rows_of(store, "National 2026") == {
        **before, ("430200", "lithium-batteries"): ("lead", "")}


def test_an_edit_made_before_a_refresh_still_meets_the_other_change_as_a_conflict(store, hunan):
    session, link = hunan, hunan.shared
    refused = heard(session, SharedEditsRefused)
    beijing_changes_changsha(store)
    session.set_note("430100", "new-materials", "from Changsha")
    assert link.refresh() == ()  # the edited assignment is left as it is here
    assert session.plan.get("430100", "new-materials").note == "from Changsha"
    assert link.flush() == 0
    assert refused[0].conflicts == 1
    assert session.plan.get("430100", "new-materials").note == "from Beijing"
    assert rows_of(store, "National 2026")[("430100", "new-materials")] == (
        "lead", "from Beijing")


def test_a_plan_file_pushed_from_a_session_lands_and_a_stale_copy_is_refused_whole(store, tmp_path):
    from cluster_planner.io.planfile import save_plan

    url = as_role(store, province_role(HUNAN))
    plan = Plan.from_assignments([Assignment("430300", "hydrogen-energy", "support", "湘潭")],
                                 name="Hunan draft", level="prefecture")
    session = PlanSession.from_file(save_plan(plan, tmp_path / "hunan.cplan"))
    result = session.push_to_store(url, "Hunan draft")
    assert result.written and result.created and result.inserted == 1
    assert rows_of(store, "Hunan draft") == {("430300", "hydrogen-energy"): ("support", "湘潭")}
    # The session remembers the store's change numbers: its next push is a three-way merge.
    session.set_note("430300", "hydrogen-energy", "mine")
    with SharedPlan.open(as_role(store, COORDINATOR), "Hunan draft") as other:
        other.load()
        other.put("430300", "hydrogen-energy",
                  Assignment("430300", "hydrogen-energy", "lead", "theirs"))
    stale = session.push_to_store(url, "Hunan draft")
    assert not stale.written
    assert [c.message().split(":")[0] for c in stale.conflicts] == [
        "conflict at Xiangtan (430300), hydrogen-energy"]
    assert rows_of(store, "Hunan draft") == {("430300", "hydrogen-energy"): ("lead", "theirs")}
