"""Undo and redo over core edits: one QUndoCommand class, batches, merged note typing."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication  # noqa: E402

from cluster_planner.domain.catalog import load_catalog  # noqa: E402
from cluster_planner.domain.plan import Batch, Rename  # noqa: E402
from cluster_planner.domain.regions import load_layer  # noqa: E402
from cluster_planner.qt.commands import EditCommand, describe_edit  # noqa: E402
from cluster_planner.qt.document import LevelData, PlanDocument  # noqa: E402

ZHUZHOU, HEFEI, WUHAN = "430200", "340100", "420100"
NEV = "new-energy-vehicles"


@pytest.fixture(scope="module")
def level_data():

    return LevelData("prefecture", load_layer("prefecture"))


@pytest.fixture
def document(qapp, level_data):
    document = PlanDocument(load_catalog(), level_data)
    document.set_plan(document.plan, level_data)
    return document


def snapshot(document):
    return sorted(document.plan.assignments, key=lambda a: a.key)


def test_assign_undo_redo_restores_the_plan_and_names_the_action(document):
    stack = document.undo_stack
    plan = document.plan
    document.push(plan.assign_industry(ZHUZHOU, NEV, "lead"))
    assert plan.get(ZHUZHOU, NEV).role == "lead"
    assert stack.undoText() == "Assign New energy vehicles to Zhuzhou"
    assert not stack.isClean()

    stack.undo()
    assert len(plan) == 0
    assert stack.isClean()
    assert stack.redoText() == "Assign New energy vehicles to Zhuzhou"

    stack.redo()
    assert plan.get(ZHUZHOU, NEV).role == "lead"


def test_role_change_and_removal_have_their_own_names(document):
    stack = document.undo_stack
    plan = document.plan
    document.push(plan.assign_industry(ZHUZHOU, NEV, "lead"))
    document.push(plan.set_role(ZHUZHOU, NEV, "support"))
    assert stack.undoText() == "Change role of New energy vehicles in Zhuzhou to support"
    document.push(plan.unassign_industry(ZHUZHOU, NEV))
    assert stack.undoText() == "Remove New energy vehicles from Zhuzhou"
    assert len(plan) == 0

    stack.undo()
    assert plan.get(ZHUZHOU, NEV).role == "support"
    stack.undo()
    assert plan.get(ZHUZHOU, NEV).role == "lead"


def test_a_batch_over_many_regions_is_one_undo_step(document):
    stack = document.undo_stack
    plan = document.plan
    edit = Batch(tuple(plan.assign_industry(code, NEV, "support") for code in (ZHUZHOU, HEFEI, WUHAN)))
    heard = []
    document.planEdited.connect(heard.append)
    document.push(edit)
    assert stack.count() == 1
    assert stack.undoText() == "Assign New energy vehicles to 3 regions as support"
    assert len(heard) == 1 and heard[0].regions == {ZHUZHOU, HEFEI, WUHAN}
    stack.undo()
    assert len(plan) == 0


def test_typing_a_note_merges_into_one_undo_step(document):
    stack = document.undo_stack
    plan = document.plan
    document.push(plan.assign_industry(ZHUZHOU, NEV, "lead", note="start"))
    for text in ("s", "st", "sta", "star"):
        document.push(plan.set_note(ZHUZHOU, NEV, "start" + text))
    assert stack.count() == 2
    assert stack.undoText() == "Edit note on New energy vehicles in Zhuzhou"
    assert plan.get(ZHUZHOU, NEV).note == "startstar"

    stack.undo()
    assert plan.get(ZHUZHOU, NEV).note == "start"
    stack.redo()
    assert plan.get(ZHUZHOU, NEV).note == "startstar"


def test_notes_of_different_assignments_do_not_merge(document):
    stack = document.undo_stack
    plan = document.plan
    document.push(Batch((plan.assign_industry(ZHUZHOU, NEV), plan.assign_industry(HEFEI, NEV))))
    document.push(plan.set_note(ZHUZHOU, NEV, "a"))
    document.push(plan.set_note(HEFEI, NEV, "b"))
    document.push(plan.set_note(ZHUZHOU, NEV, "ab"))
    assert stack.count() == 4
    stack.undo()
    assert plan.get(ZHUZHOU, NEV).note == "a"
    assert plan.get(HEFEI, NEV).note == "b"


def test_typing_a_note_back_to_what_it_was_leaves_nothing_to_undo(document):
    stack = document.undo_stack
    plan = document.plan
    document.push(plan.assign_industry(ZHUZHOU, NEV))
    stack.setClean()
    document.push(plan.set_note(ZHUZHOU, NEV, "x"))
    document.push(plan.set_note(ZHUZHOU, NEV, ""))
    assert stack.count() == 1
    assert stack.isClean()


def test_rename_is_undoable(document):
    document.push(Rename("Draft 2026"))
    assert document.plan.name == "Draft 2026"
    assert document.undo_stack.undoText() == "Rename plan to “Draft 2026”"
    document.undo_stack.undo()
    assert document.plan.name == "Untitled plan"


def test_the_command_applies_through_the_core_and_its_inverse(document):
    plan = document.plan
    command = EditCommand(document, plan.assign_industry(WUHAN, "steel", "lead"))
    command.redo()
    assert plan.get(WUHAN, "steel") is not None
    command.undo()
    assert plan.get(WUHAN, "steel") is None


def test_undo_texts_go_through_translation(document):
    assert describe_edit(
        document.plan.unassign_industry(ZHUZHOU, NEV), document.region_name, document.industry_name
    ) == QCoreApplication.translate("EditCommand", "Remove {industry} from {region}").format(
        industry="New energy vehicles", region="Zhuzhou"
    )
