"""The task board's share of care plans: a review falling due opens a "Care plan review due"
task in the coordinators' queue (a source the board's sweep runs, `review_tasks`), and the
review being completed, or the plan closed, closes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.models.careplan import CarePlan
from carecoord_desktop.models.staff import Role
from carecoord_desktop.models.task import TaskPriority, TaskSource
from carecoord_desktop.services.careplans.reviews import reviews_due
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.tasks.events import close_event_tasks
from carecoord_desktop.services.tasks.types import TaskEvent

REVIEW = "review"
# A review task appears this many days before the review falls due, so it can be booked.
NOTICE_DAYS = 14


def review_tasks(session: Session, today: date) -> Iterator[TaskEvent]:
    """One task per plan per due date (a plan reviewed and due again gets a new one)."""
    for due in reviews_due(session, today, within_days=NOTICE_DAYS):
        yield TaskEvent(
            source=TaskSource.PLAN,
            source_id=str(due.plan_id),
            kind=REVIEW,
            title="Care plan review due",
            patient_id=due.patient_id,
            due_date=due.due,
            owner_role=Role.COORDINATOR.value,
            priority=TaskPriority.HIGH if due.due < today else TaskPriority.NORMAL,
            details="Book the review with the patient and the GP; review goals and progress.",
            dedupe_key=f"plan:{due.plan_id}:{REVIEW}:{due.due.isoformat()}",
        )


def review_done(session: Session, actor: Actor, plan: CarePlan, why: str) -> list[int]:
    return close_event_tasks(
        session, actor, TaskSource.PLAN, plan.id, REVIEW, resolution=f"Closed: {why}"
    )


def close_finished(session: Session, actor: Actor) -> list[int]:
    """Close the review tasks of plans that are no longer open (completed or cancelled, or
    whose review date moved on without a review: the next sweep opens the new one)."""
    rows = session.connection().execute(
        text(
            "SELECT DISTINCT t.source_id FROM task t JOIN care_plan p "
            "ON p.id = CAST(t.source_id AS INTEGER) "
            "WHERE t.source = 'plan' AND t.kind = :kind "
            "AND t.state IN ('todo', 'in_progress', 'waiting') "
            "AND (p.status NOT IN ('active', 'under_review') OR p.next_review_on IS NULL "
            "OR p.next_review_on > t.due_date)"
        ),
        {"kind": REVIEW},
    )
    closed: list[int] = []
    for (plan_id,) in rows:
        closed += close_event_tasks(
            session, actor, TaskSource.PLAN, plan_id, REVIEW,
            resolution="Closed: the plan was reviewed or closed",
        )  # fmt: skip
    return closed
