"""The task board's share of a reconciliation: a session submitted for sign-off puts a task in
the GPs' queue; reopening or abandoning it closes that task; signing it off closes it and the
discharge's "medication reconciliation" task of the hospital stay it belongs to. Each call runs
in the reconciliation's own transaction, so the task commits or rolls back with it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.models.medication import MedReconciliation
from carecoord_desktop.models.staff import Role
from carecoord_desktop.models.task import CareTransition, TaskPriority, TaskSource
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.tasks.events import close_event_tasks, open_event_task
from carecoord_desktop.services.tasks.types import TaskEvent

SIGNOFF = "signoff"


def waiting_for_signoff(session: Session, actor: Actor, rec: MedReconciliation) -> None:
    open_event_task(
        session,
        actor,
        TaskEvent(
            source=TaskSource.RECONCILIATION,
            source_id=str(rec.id),
            kind=SIGNOFF,
            title="Sign off the medication reconciliation",
            patient_id=rec.patient_id,
            due_date=date.today(),
            owner_role=Role.GP.value,
            priority=TaskPriority.HIGH,
            details=f"Submitted for sign-off by {rec.submitted_by_name or 'a colleague'}.",
            # A session reopened and submitted again is a new request: a new task.
            dedupe_key=f"reconciliation:{rec.id}:{SIGNOFF}:{rec.submitted_at:%Y%m%d%H%M%S%f}",
        ),
    )


def no_longer_waiting(session: Session, actor: Actor, rec: MedReconciliation, why: str) -> None:
    close_event_tasks(
        session, actor, TaskSource.RECONCILIATION, rec.id, SIGNOFF, resolution=f"Closed: {why}"
    )


def reconciled(session: Session, actor: Actor, rec: MedReconciliation) -> None:
    no_longer_waiting(session, actor, rec, "the reconciliation was signed off")
    if rec.hospital_event_id is None:
        return
    stays = session.exec(
        select(CareTransition.id).where(CareTransition.hospital_event_id == rec.hospital_event_id)
    )
    for transition_id in stays:
        close_event_tasks(
            session, actor, TaskSource.DISCHARGE, transition_id, "medrec",
            resolution="Closed: the medicines were reconciled and signed off",
        )  # fmt: skip
