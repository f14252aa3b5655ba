"""Events of the other features open and close tasks on the board by themselves: a plan review
falling due (the sweep), a reconciliation waiting for sign-off and its sign-off (which also
closes the discharge's reconciliation task)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from carecoord_desktop import cli
from carecoord_desktop.models.staff import Role
from carecoord_desktop.models.task import TaskState
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services import task_feeds
from carecoord_desktop.services.careplans import plans, reviews
from carecoord_desktop.services.careplans.types import GoalDraft, PlanDraft
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications.types import MedicineDraft, SourceInput
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import board, transitions
from carecoord_desktop.services.tasks.types import BoardFilter
from tests_support import STAFF_PASSWORD, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
TODAY = date.today()


@pytest.fixture
def team(ws, admin):
    return {role: staff(ws, admin, role, f"{role.value}.feed") for role in Role if role != "admin"}


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Feed", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


def _tasks(ws, actor, pid, kind, *, open_only=True):
    cards = board.board(ws, actor, BoardFilter(patient_id=pid, done_days=30)).cards()
    return [
        c for c in cards
        if c.kind == kind and (c.state != TaskState.DONE or not open_only)
    ]  # fmt: skip


def test_a_plan_review_falling_due_opens_one_task_and_the_review_closes_it(ws, team, pid):
    gp, coordinator = team[Role.GP], team[Role.COORDINATOR]
    draft = PlanDraft(
        patient_id=pid, status="active", period_start=TODAY - timedelta(days=100),
        review_interval_weeks=13,
        goals=[GoalDraft("Walk to the shops", measure="Minutes", target_value=20,
                         target_unit="minutes", target_direction="above")],
    )  # fmt: skip
    plan = plans.create_plan(ws, gp, draft).value  # review due in about a week
    assert not _tasks(ws, coordinator, pid, "review")

    out = task_feeds.sync(ws, coordinator)
    assert out.value.opened == 1 and out.changes.touches({Kind.TASKS}, pid)
    [task] = _tasks(ws, coordinator, pid, "review")
    assert task.owner_role == Role.COORDINATOR.value and task.due_date == plan.next_review_on
    assert task_feeds.sync(ws, coordinator).value.opened == 0  # idempotent

    loaded = plans.load_plan(ws, gp, plan.draft.plan_id)
    done = reviews.complete_review(
        ws, gp, loaded.draft, loaded.version,
        what_changed="Nothing needed to change", why="Goals on track",
    )  # fmt: skip
    assert done.changes.touches({Kind.TASKS}, pid)
    assert not _tasks(ws, coordinator, pid, "review")  # closed with the review
    [closed] = _tasks(ws, coordinator, pid, "review", open_only=False)
    assert closed.state == TaskState.DONE
    assert task_feeds.sync(ws, coordinator).value.opened == 0  # next review is months away


def test_a_cancelled_plans_review_task_is_closed_by_the_sweep(ws, team, pid):
    gp, coordinator = team[Role.GP], team[Role.COORDINATOR]
    draft = PlanDraft(patient_id=pid, status="active", period_start=TODAY - timedelta(days=120),
                      review_interval_weeks=13)  # fmt: skip
    plan = plans.create_plan(ws, gp, draft).value
    task_feeds.sync(ws, coordinator)
    assert _tasks(ws, coordinator, pid, "review")
    loaded = plans.load_plan(ws, gp, plan.draft.plan_id)
    loaded.draft.status = "cancelled"
    plans.save_plan(ws, gp, loaded.draft, loaded.version)
    assert task_feeds.sync(ws, coordinator).value.closed == 1
    assert not _tasks(ws, coordinator, pid, "review")


def test_submitting_a_reconciliation_asks_a_gp_and_signing_closes_the_discharge_task(
    ws, admin, team, pid
):
    nurse, gp = team[Role.NURSE], team[Role.GP]
    meds.add_medicine(ws, admin, pid, MedicineDraft("metformin 500mg bd"))
    transitions.record_discharge(
        ws, nurse, pid, discharged=TODAY - timedelta(days=1), facility="Royal Melbourne",
        admitted=TODAY - timedelta(days=5),
    )  # fmt: skip
    assert len(_tasks(ws, nurse, pid, "medrec")) == 1
    view = meds.start_reconciliation(
        ws, nurse, pid, [SourceInput("new", "Discharge summary", text="Metformin 500 mg bd")]
    ).value
    for item in view.items:
        view = meds.decide(ws, nurse, view.id, item.id, "continue", version=view.version).value
    out = meds.submit_for_signoff(ws, nurse, view.id, version=view.version)
    assert out.changes.touches({Kind.TASKS}, pid)
    [ask] = _tasks(ws, gp, pid, "signoff")
    assert ask.owner_role == Role.GP.value

    view = meds.reopen(ws, nurse, view.id, version=out.value.version).value
    assert not _tasks(ws, gp, pid, "signoff")  # reopened: nothing to sign
    view = meds.submit_for_signoff(ws, nurse, view.id, version=view.version).value
    assert len(_tasks(ws, gp, pid, "signoff")) == 1  # a new request, a new task

    signed = meds.sign_off(ws, gp, view.id, version=view.version)
    assert signed.changes.touches({Kind.TASKS}, pid)
    assert not _tasks(ws, gp, pid, "signoff")
    assert not _tasks(ws, nurse, pid, "medrec")  # the discharge's reconciliation task is done
    assert _tasks(ws, nurse, pid, "contact")  # the other follow-ups are still open


def test_the_cli_sync_opens_due_review_tasks_for_a_nightly_job(
    ws, team, pid, capsys, monkeypatch
):
    draft = PlanDraft(patient_id=pid, status="active", period_start=TODAY - timedelta(days=120),
                      review_interval_weeks=13)  # fmt: skip
    plans.create_plan(ws, team[Role.GP], draft)
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    argv = ["--workspace", str(ws.folder), "tasks", "sync", "--as", "coordinator.feed",
            "--password-stdin"]  # fmt: skip
    assert cli.main(argv) == 0
    assert "1 tasks opened, 0 closed" in capsys.readouterr().out
