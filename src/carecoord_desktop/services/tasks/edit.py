"""Changing tasks: add, edit, move (column and place), claim, release, complete; comments and
checklist items. Every change writes a history row (in words) and an audit row (ids only), and
returns Changed(value, Changes.patient(pid, Kind.TASKS)).

Conflicts: a move or edit sends back the task's version as the card showed it. Two workstations
moving the same card: the second is refused with a StaleEditError naming who moved it and when
(services/conflicts.py), never a silent overwrite of the first.

Order within a column is a float `position` with gaps: a move writes the moved row only
(midway between its new neighbours). When a gap wears thin the column is renumbered in place;
that rewrites positions only, not versions, so nobody's open card turns stale for it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.models.task import (
    Task,
    TaskCheckItem,
    TaskComment,
    TaskHistory,
    TaskPriority,
    TaskSource,
    TaskState,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.board import read_card
from carecoord_desktop.services.tasks.types import (
    COLUMN_TITLES,
    PRIORITY_LABELS,
    CheckItemRow,
    CommentRow,
    TaskCard,
    TaskDraft,
    queue_label,
)
from carecoord_desktop.store.workspace import Workspace

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


# -- the writes -----------------------------------------------------------------------------
def create_task(ws: Workspace, actor: Actor, draft: TaskDraft) -> Changed[TaskCard]:
    """A task typed in on the board (source "manual"), at the bottom of To do."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        values = clean_draft(session, draft)
        task = Task(
            **values,
            state=TaskState.TODO.value,
            position=end_position(session, TaskState.TODO.value),
            source=TaskSource.MANUAL.value,
            created_by_id=actor.user_id,
        )
        session.add(task)
        session.flush()
        history(
            session,
            actor,
            task.id,
            "created",
            f"for {owner_words(session, task.owner_id, task.owner_role)}",
        )
        audit_task(session, actor, AuditAction.CREATE, task, "added task")
        session.commit()
        return Changed(read_card(session, task.id), changes_for(task.patient_id))


_EDIT_LABELS = {
    "title": "title",
    "details": "details",
    "patient_id": "patient",
    "owner_id": "owner",
    "owner_role": "queue",
    "due_date": "due date",
    "due_time": "due time",
    "priority": "priority",
}


def update_task(
    ws: Workspace, actor: Actor, task_id: int, draft: TaskDraft, *, version: int | None = None
) -> Changed[TaskCard]:
    """Save the task's form; `version` the task's when the form opened."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        conflicts.check(session, actor, target(task_id), task.version, version)
        values = clean_draft(session, draft)
        changed = [k for k, v in values.items() if getattr(task, k) != v]
        if not changed:
            return Changed(read_card(session, task_id), NO_CHANGES)
        words = []
        before_pid = task.patient_id
        for k in changed:
            old, new = getattr(task, k), values[k]
            if k == "priority":
                words.append(f"priority {PRIORITY_LABELS[TaskPriority(old)]} → "
                             f"{PRIORITY_LABELS[TaskPriority(new)]}")  # fmt: skip
            elif k == "due_date":
                words.append(f"due {_day(old)} → {_day(new)}")
            elif k in ("owner_id", "owner_role"):
                pass  # said once below
            else:
                words.append(f"{_EDIT_LABELS[k]} changed")
            setattr(task, k, new)
        if {"owner_id", "owner_role"} & set(changed):
            words.append(f"owner → {owner_words(session, task.owner_id, task.owner_role)}")
        result = _save(
            ws, session, actor, task, "edited", "; ".join(words),
            "changed: " + ", ".join(_EDIT_LABELS[k] for k in changed),
        )  # fmt: skip
        if before_pid is not None and before_pid != task.patient_id:
            result = Changed(result.value, result.changes | changes_for(before_pid))
        return result


def _day(d: date | None) -> str:
    return "no date" if d is None else f"{d.day} {d:%b %Y}"


def move_task(
    ws: Workspace,
    actor: Actor,
    task_id: int,
    state: TaskState | str,
    *,
    before_id: int | None = None,
    version: int | None = None,
    resolution: str | None = None,
) -> Changed[TaskCard]:
    """Put the card in column `state`, just above card `before_id` (None: at the bottom).

    `version` is the card's as the board showed it: a card someone else moved or edited since
    is refused (StaleEditError) and the board reloads. Moving into Done completes the task;
    out of Done reopens it."""
    require(actor, Permission.MANAGE_TASKS)
    new_state = _state(state)
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        conflicts.check(session, actor, target(task_id), task.version, version)
        old_state = TaskState(task.state)
        if before_id == task_id:
            return Changed(read_card(session, task_id), NO_CHANGES)
        if before_id is None:
            if old_state == new_state and task.position == _bottom(session, new_state):
                return Changed(read_card(session, task_id), NO_CHANGES)
            task.position = end_position(session, new_state.value)
        else:
            task.position = _position_before(session, new_state.value, before_id, task_id)
        action, words = "moved", f"{COLUMN_TITLES[old_state]} → {COLUMN_TITLES[new_state]}"
        if old_state == new_state:
            words = f"reordered in {COLUMN_TITLES[new_state]}"
        if new_state == TaskState.DONE and old_state != TaskState.DONE:
            _finish(session, actor, task, _text(resolution, "resolution", RESOLUTION_MAX, "reason"))
            action = "completed"
        elif old_state == TaskState.DONE and new_state != TaskState.DONE:
            task.completed_at = task.completed_by_id = task.resolution = None
            action = "reopened"
        task.state = new_state.value
        return _save(ws, session, actor, task, action, words, f"{action} to {new_state.value}")


def _bottom(session: Session, state: TaskState) -> float | None:
    return (
        session.connection()
        .execute(text("SELECT max(position) FROM task WHERE state = :s"), {"s": state.value})
        .scalar()
    )


def complete_task(
    ws: Workspace,
    actor: Actor,
    task_id: int,
    *,
    version: int | None = None,
    resolution: str | None = None,
) -> Changed[TaskCard]:
    """Done: to the bottom of the Done column. A discharge's contact task needs an interactive
    contact recorded first, or a `resolution` saying why it closes without one."""
    return move_task(ws, actor, task_id, TaskState.DONE, version=version, resolution=resolution)


def claim_task(
    ws: Workspace, actor: Actor, task_id: int, *, version: int | None = None
) -> Changed[TaskCard]:
    """Take a task from a role's queue (it stays marked with the queue it came from)."""
    require(actor, Permission.MANAGE_TASKS)
    if actor.user_id is None:
        raise ValidationError("Sign in as a staff member to claim a task.")
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        conflicts.check(session, actor, target(task_id), task.version, version)
        if task.owner_id == actor.user_id:
            return Changed(read_card(session, task_id), NO_CHANGES)
        if task.owner_id is not None:
            who = _staff_name(session, task.owner_id)
            raise ValidationError(
                f"{who} already has this task. Ask them, or reassign it from the task's details."
            )
        task.owner_id = actor.user_id
        return _save(ws, session, actor, task, "claimed", f"from {queue_label(task.owner_role)}"
                     if task.owner_role else "", "claimed")  # fmt: skip


def release_task(
    ws: Workspace, actor: Actor, task_id: int, *, version: int | None = None
) -> Changed[TaskCard]:
    """Give a claimed task back to its role's queue."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        conflicts.check(session, actor, target(task_id), task.version, version)
        if task.owner_id is None:
            return Changed(read_card(session, task_id), NO_CHANGES)
        if task.owner_role is None:
            raise ValidationError(
                "This task did not come from a role's queue: choose who takes it over instead."
            )
        task.owner_id = None
        return _save(ws, session, actor, task, "released",
                     f"back to {queue_label(task.owner_role)}", "released")  # fmt: skip


def add_comment(ws: Workspace, actor: Actor, task_id: int, body: str) -> Changed[CommentRow]:
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        cleaned = _text(body, "body", COMMENT_MAX, "comment", required=True)
        row = TaskComment(
            task_id=task_id, author_id=actor.user_id, author_name=actor.full_name, body=cleaned
        )
        session.add(row)
        session.flush()
        history(session, actor, task_id, "commented")
        audit.record(
            session, actor, AuditAction.CREATE, patient_id=task.patient_id,
            record_type="task_comment", record_id=row.id, detail=f"comment on task {task_id}",
        )  # fmt: skip
        session.commit()
        return Changed(
            CommentRow(row.id, row.author_name, row.at, row.body, row.author_id),
            changes_for(task.patient_id),
        )


def _item_row(item: TaskCheckItem) -> CheckItemRow:
    return CheckItemRow(
        item.id, item.version, item.position, item.text, item.done, item.done_at, item.done_by_id
    )


def add_check_item(ws: Workspace, actor: Actor, task_id: int, text_: str) -> Changed[CheckItemRow]:
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        task = _task(session, actor, task_id)
        cleaned = _text(text_, "text", ITEM_MAX, "checklist item", required=True)
        last = (
            session.connection()
            .execute(
                text("SELECT max(position) FROM task_check_item WHERE task_id = :id"),
                {"id": task_id},
            )
            .scalar()
        )
        item = TaskCheckItem(task_id=task_id, position=(last or 0) + 1, text=cleaned)
        session.add(item)
        session.flush()
        history(session, actor, task_id, "checklist", f"added “{cleaned}”")
        _audit_item(session, actor, AuditAction.CREATE, task, item, "added checklist item")
        session.commit()
        return Changed(_item_row(item), changes_for(task.patient_id))


def _audit_item(session, actor, action, task: Task, item: TaskCheckItem, detail: str) -> None:
    audit.record(
        session, actor, action, patient_id=task.patient_id, record_type="task_check_item",
        record_id=item.id, detail=f"{detail} (task {task.id})",
    )  # fmt: skip


def _item_target(item_id: int) -> conflicts.Target:
    return conflicts.Target("task_check_item", item_id, "this checklist item")


def set_check_item(
    ws: Workspace, actor: Actor, item_id: int, done: bool, *, version: int | None = None
) -> Changed[CheckItemRow]:
    """Tick or untick a checklist item."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        item = session.get(TaskCheckItem, item_id)
        if item is None:
            raise conflicts.removed_error(session, actor, _item_target(item_id))
        conflicts.check(session, actor, _item_target(item_id), item.version, version)
        task = _task(session, actor, item.task_id)
        if bool(item.done) == bool(done):
            return Changed(_item_row(item), NO_CHANGES)
        item.done = bool(done)
        item.done_at = utcnow() if done else None
        item.done_by_id = actor.user_id if done else None
        session.add(item)
        with conflicts.refused_if_stale(ws, actor, _item_target(item_id)):
            session.flush()
        history(
            session,
            actor,
            task.id,
            "checklist",
            f"{'ticked' if done else 'unticked'} “{item.text}”",
        )
        _audit_item(session, actor, AuditAction.UPDATE, task, item,
                    "ticked checklist item" if done else "unticked checklist item")  # fmt: skip
        session.commit()
        return Changed(_item_row(item), changes_for(task.patient_id))


def remove_check_item(
    ws: Workspace, actor: Actor, item_id: int, *, version: int | None = None
) -> Changed[None]:
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        item = session.get(TaskCheckItem, item_id)
        if item is None:
            raise conflicts.removed_error(session, actor, _item_target(item_id))
        conflicts.check(session, actor, _item_target(item_id), item.version, version)
        task = _task(session, actor, item.task_id)
        session.delete(item)
        with conflicts.refused_if_stale(ws, actor, _item_target(item_id)):
            session.flush()
        history(session, actor, task.id, "checklist", f"removed “{item.text}”")
        _audit_item(session, actor, AuditAction.DELETE, task, item, "removed checklist item")
        session.commit()
        return Changed(None, changes_for(task.patient_id))
