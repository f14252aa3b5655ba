"""What every task change shares: cleaning what was typed, the history and audit rows, the
conflict target, and a card's place in its column (float positions with gaps: a move writes the
moved row only; a column whose gaps wore thin is renumbered in place, positions only, not
versions, so nobody's open card turns stale for it)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.models.task import (
    Task,
    TaskHistory,
    TaskPriority,
    TaskSource,
    TaskState,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.tasks.board import read_card
from carecoord_desktop.services.tasks.types import (
    TaskDraft,
    queue_label,
)

GAP = 1024.0
_MIN_GAP = 1e-6
TITLE_MAX, DETAILS_MAX, COMMENT_MAX, ITEM_MAX, RESOLUTION_MAX = 200, 2000, 2000, 200, 200


def changes_for(patient_id: int | None) -> Changes:
    if patient_id is None:
        return Changes.of(Kind.TASKS, Kind.AUDIT)
    return Changes.patient(patient_id, Kind.TASKS)


def target(task_id: int) -> conflicts.Target:
    return conflicts.Target(
        "task",
        task_id,
        "this task",
        advice="The board now shows it as it is; move or edit it again if you still need to.",
    )


# -- cleaning what was typed ------------------------------------------------------------------
def _text(value: str | None, name: str, limit: int, what: str, *, required=False) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(f"Enter the {what}.", field=name)
    if len(cleaned) > limit:
        raise ValidationError(f"Keep the {what} under {limit} characters.", field=name)
    return cleaned or None


def _role(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return Role(getattr(value, "value", value)).value
    except ValueError:
        raise ValidationError(
            "Choose a role's queue: GPs, nurses, care coordinators, reception or administrators.",
            field="owner_role",
        ) from None


def _priority(value) -> str:
    try:
        return TaskPriority(getattr(value, "value", value)).value
    except ValueError:
        raise ValidationError("Choose low, normal, high or urgent.", field="priority") from None


def _owner(session: Session, owner_id: int | None) -> StaffUser | None:
    if owner_id is None:
        return None
    staff = session.get(StaffUser, owner_id)
    if staff is None or not staff.active:
        raise ValidationError("Choose an active staff member as the owner.", field="owner_id")
    return staff


def clean_draft(session: Session, draft: TaskDraft) -> dict:
    if draft.patient_id is not None:
        editable_patient(session, draft.patient_id)
    _owner(session, draft.owner_id)
    return {
        "title": _text(draft.title, "title", TITLE_MAX, "task's title", required=True),
        "details": _text(draft.details, "details", DETAILS_MAX, "details"),
        "patient_id": draft.patient_id,
        "owner_id": draft.owner_id,
        "owner_role": _role(draft.owner_role),
        "due_date": draft.due_date,
        "due_time": draft.due_time if draft.due_date is not None else None,
        "priority": _priority(draft.priority),
    }


# -- the pieces every change uses ------------------------------------------------------------
def history(session: Session, actor: Actor, task_id: int, action: str, detail: str = "") -> None:
    session.add(
        TaskHistory(
            task_id=task_id,
            actor_id=actor.user_id,
            actor_name=actor.full_name,
            action=action,
            detail=detail[:500],
        )
    )


def audit_task(session: Session, actor: Actor, action: AuditAction, task: Task, detail: str):
    audit.record(
        session,
        actor,
        action,
        patient_id=task.patient_id,
        record_type="task",
        record_id=task.id,
        detail=detail,
    )


def _task(session: Session, actor: Actor, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise conflicts.removed_error(session, actor, target(task_id))
    return task


def _staff_name(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    staff = session.get(StaffUser, staff_id)
    return staff.full_name if staff else f"staff {staff_id}"


def owner_words(session: Session, owner_id: int | None, owner_role: str | None) -> str:
    if owner_id is not None:
        return _staff_name(session, owner_id) or ""
    return queue_label(owner_role) if owner_role else "nobody"


def end_position(session: Session, state: str) -> float:
    top = (
        session.connection()
        .execute(text("SELECT max(position) FROM task WHERE state = :s"), {"s": state})
        .scalar()
    )
    return (top or 0.0) + GAP


def _renumber(session: Session, state: str) -> None:
    conn = session.connection()
    ids = [
        r[0]
        for r in conn.execute(
            text("SELECT id FROM task WHERE state = :s ORDER BY position, id"), {"s": state}
        )
    ]
    conn.execute(
        text("UPDATE task SET position = :p WHERE id = :id"),
        [{"p": (n + 1) * GAP, "id": i} for n, i in enumerate(ids)],
    )


def _position_before(session: Session, state: str, before_id: int, moving_id: int) -> float:
    conn = session.connection()
    for attempt in range(2):
        before = conn.execute(
            text("SELECT position FROM task WHERE id = :id AND state = :s"),
            {"id": before_id, "s": state},
        ).scalar()
        if before is None:  # that card left the column meanwhile: the end of the column
            return end_position(session, state)
        prev = conn.execute(
            text("SELECT max(position) FROM task WHERE state = :s AND position < :p AND id != :m"),
            {"s": state, "p": before, "m": moving_id},
        ).scalar()
        if prev is None:
            return before - GAP
        if before - prev >= _MIN_GAP or attempt:
            return (prev + before) / 2
        _renumber(session, state)
    raise AssertionError("unreachable")


def _state(value) -> TaskState:
    try:
        return TaskState(getattr(value, "value", value))
    except ValueError:
        raise ValidationError(
            "Choose a column: to do, in progress, waiting or done.", "state"
        ) from None


def _needs_contact(session: Session, task: Task) -> bool:
    """A discharge's contact task closes on an interactive contact only (not a voicemail)."""
    if task.kind != "contact" or task.source != TaskSource.DISCHARGE.value:
        return False
    made = (
        session.connection()
        .execute(
            text("SELECT 1 FROM transition_contact WHERE task_id = :id AND interactive LIMIT 1"),
            {"id": task.id},
        )
        .first()
    )
    return made is None


CONTACT_NOT_MADE = (
    "This follow-up is done when someone has spoken with the patient or their carer: record "
    "the contact (a voicemail or a text alone does not count), or give the reason it is closed "
    "without one."
)


def _finish(session: Session, actor: Actor, task: Task, resolution: str | None) -> None:
    if _needs_contact(session, task) and not resolution:
        raise ValidationError(CONTACT_NOT_MADE, field="resolution")
    task.completed_at = utcnow()
    task.completed_by_id = actor.user_id
    task.resolution = resolution


def _save(ws, session, actor, task: Task, action: str, words: str, audit_detail: str):
    task.updated_at = utcnow()
    session.add(task)
    with conflicts.refused_if_stale(ws, actor, target(task.id)):
        session.flush()  # "... AND version = :seen"
    history(session, actor, task.id, action, words)
    audit_task(session, actor, AuditAction.UPDATE, task, audit_detail)
    session.commit()
    return Changed(read_card(session, task.id), changes_for(task.patient_id))
