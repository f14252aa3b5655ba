"""Decisions in one step: a task decision is a task on the board (read through the board
service) made in the same transaction; a plan-change decision is the plan's next version with
the change and the conference's date as its reason; no open plan: a clear refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.conferences import conferences, decisions
from carecoord_desktop.services.conferences.types import DecisionDraft, PlanChange
from carecoord_desktop.services.tasks import board
from carecoord_desktop.services.tasks.types import BoardFilter

from .conftest import draft_for

DUE = date.today() + timedelta(days=7)


def _board_cards(ws, actor, patient_id):
    seen = board.board(ws, actor, BoardFilter(patient_id=patient_id))
    return [c for cards in seen.columns.values() for c in cards]


def test_a_task_decision_is_a_task_on_the_board(ws, team, patient, conference):
    coord = team["coordinator"]
    done = decisions.add_decision(
        ws, coord, conference.id,
        DecisionDraft("Book a home medicines review", kind="task", owner_role=Role.NURSE,
                      due_date=DUE),
    )  # fmt: skip
    row = done.value
    assert row.kind == "task" and row.task_id is not None
    assert row.owner_role == "nurse" and "Nurse" in row.owner_name
    assert {k.value for k in done.changes.kinds} >= {"conferences", "tasks"}
    (card,) = [c for c in _board_cards(ws, team["nurse"], patient.id) if c.id == row.task_id]
    assert card.title == "Book a home medicines review"
    assert card.source == "conference" and card.due_date == DUE
    assert card.owner_role == "nurse" and card.state == "todo"
    detail = board.get_task(ws, team["nurse"], row.task_id)
    day = conference.scheduled_at.astimezone().strftime("%d/%m/%Y")
    assert f"Decided at the care conference of {day}" in detail.details


def test_a_task_decision_for_a_person(ws, team, patient, conference):
    gp = team["gp"]
    row = decisions.add_decision(
        ws, team["nurse"], conference.id,
        DecisionDraft("Review the statin", kind="task", owner_id=gp.user_id, due_date=DUE),
    ).value  # fmt: skip
    assert row.owner_name == "Gp User"
    (card,) = [c for c in _board_cards(ws, gp, patient.id) if c.id == row.task_id]
    assert card.owner_id == gp.user_id


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (DecisionDraft("No owner", kind="task", due_date=DUE), "owner"),
        (DecisionDraft("No date", kind="task", owner_role="nurse"), "due_date"),
        (DecisionDraft("Bad queue", kind="task", owner_role="chef", due_date=DUE), "owner"),
        (DecisionDraft("  ", kind="note"), "text"),
        (DecisionDraft("What?", kind="vote"), "kind"),
        (DecisionDraft("No change", kind="plan_change"), "plan_change"),
    ],
)
def test_bad_decisions_are_refused_and_no_task_is_made(ws, team, patient, conference, draft, field):
    before = len(_board_cards(ws, team["nurse"], patient.id))
    with pytest.raises(ValidationError) as exc:
        decisions.add_decision(ws, team["nurse"], conference.id, draft)
    assert exc.value.field == field
    assert len(_board_cards(ws, team["nurse"], patient.id)) == before
    assert decisions.decisions_for(ws, team["nurse"], conference.id) == []


def test_a_plan_change_decision_saves_the_next_plan_version(ws, team, patient, plan, conference):
    coord = team["coordinator"]
    done = decisions.add_decision(
        ws, coord, conference.id,
        DecisionDraft(
            "Physio to start a walking program", kind="plan_change",
            plan_change=PlanChange("add_intervention", text="Walking program twice a week",
                                   responsible_role="Physiotherapist"),
        ),
    )  # fmt: skip
    row = done.value
    assert row.plan_id == plan.draft.plan_id and row.plan_version == plan.revision + 1
    assert "Walking program twice a week" in row.plan_change
    assert "care_plans" in {k.value for k in done.changes.kinds}
    now = plans.load_plan(ws, coord, plan.draft.plan_id)
    assert now.revision == plan.revision + 1
    added = [i for i in now.draft.interventions if i.what == "Walking program twice a week"]
    assert added and added[0].responsible_role == "Physiotherapist"
    newest = plans.versions(ws, coord, plan.draft.plan_id)[0]
    day = conference.scheduled_at.astimezone().strftime("%d/%m/%Y")
    assert newest.number == row.plan_version
    assert newest.reason == f"Decided at the care conference of {day}"
    assert any("Walking program" in line for line in newest.summary)


def test_a_goal_target_change(ws, team, plan, conference):
    goal = plan.draft.goals[0]
    row = decisions.add_decision(
        ws, team["gp"], conference.id,
        DecisionDraft("Aim for 7.5 for now", kind="plan_change",
                      plan_change=PlanChange("change_goal_target", goal_uid=goal.uid,
                                             target_value=7.5)),
    ).value  # fmt: skip
    assert "from 7 to 7.5" in row.plan_change
    now = plans.load_plan(ws, team["gp"], plan.draft.plan_id)
    assert next(g for g in now.draft.goals if g.uid == goal.uid).target_value == 7.5
    with pytest.raises(ValidationError):
        decisions.add_decision(
            ws, team["gp"], conference.id,
            DecisionDraft("x", kind="plan_change",
                          plan_change=PlanChange("change_goal_target", goal_uid="nope",
                                                 target_value=1)),
        )  # fmt: skip


def test_without_an_open_plan_a_plan_change_is_refused_clearly(ws, team, patient, providers):
    rec = conferences.schedule_conference(ws, team["nurse"], draft_for(patient.id)).value
    assert rec.plan_id is None
    with pytest.raises(ValidationError, match="no open care plan") as exc:
        decisions.add_decision(
            ws, team["nurse"], rec.id,
            DecisionDraft("Add a goal", kind="plan_change",
                          plan_change=PlanChange("add_goal", text="Sleep through the night")),
        )  # fmt: skip
    assert exc.value.field == "plan_change"
    assert decisions.decisions_for(ws, team["nurse"], rec.id) == []


def test_a_decision_that_fails_leaves_no_task_behind(ws, team, patient, conference, monkeypatch):
    """The decision and its task are one transaction: a failure after the task is made
    leaves neither."""
    from carecoord_desktop.services.conferences import decisions as module

    class BrokenAudit:  # the decision's own audit row, written after its task is made
        @staticmethod
        def record(*_a, **_k):
            raise RuntimeError("disk full")

    monkeypatch.setattr(module, "audit", BrokenAudit)
    with pytest.raises(RuntimeError):
        decisions.add_decision(
            ws, team["nurse"], conference.id,
            DecisionDraft("Call", kind="task", owner_role="nurse", due_date=DUE),
        )  # fmt: skip
    monkeypatch.undo()
    assert not [c for c in _board_cards(ws, team["nurse"], patient.id) if c.source == "conference"]
    assert decisions.decisions_for(ws, team["nurse"], conference.id) == []
