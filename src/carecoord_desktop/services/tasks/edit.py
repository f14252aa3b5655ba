"""Changing tasks: add, edit, move (column and place), claim, release, complete (comments and
checklist items are in notes.py, re-exported here). Every change writes a history row (in
words) and an audit row (ids only), and returns Changed(value, Changes.patient(pid, Kind.TASKS)).

Conflicts: a move or edit sends back the task's version as the card showed it. Two workstations
moving the same card: the second is refused with a StaleEditError naming who moved it and when
(services/conflicts.py), never a silent overwrite of the first.

Order within a column: see common.py (a move writes the moved row only).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import (
    Task,
    TaskPriority,
    TaskSource,
    TaskState,
)
from carecoord_desktop.services import conflicts
from carecoord_desktop.services.changes import NO_CHANGES, Changed
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.board import read_card
from carecoord_desktop.services.tasks.common import (
    COMMENT_MAX,
    CONTACT_NOT_MADE,
    DETAILS_MAX,
    GAP,
    ITEM_MAX,
    RESOLUTION_MAX,
    TITLE_MAX,
    _finish,
    _position_before,
    _save,
    _staff_name,
    _state,
    _task,
    _text,
    audit_task,
    changes_for,
    clean_draft,
    end_position,
    history,
    owner_words,
    target,
)

# Comments and checklist items (notes.py) are part of this module's API too.
from carecoord_desktop.services.tasks.notes import (
    add_check_item,
    add_comment,
    remove_check_item,
    set_check_item,
)
from carecoord_desktop.services.tasks.types import (
    COLUMN_TITLES,
    PRIORITY_LABELS,
    TaskCard,
    TaskDraft,
    queue_label,
)
from carecoord_desktop.store.workspace import Workspace


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
    out of Done reopens it; into In progress, a task waiting in a role's queue is claimed."""
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
        if (
            new_state == TaskState.IN_PROGRESS
            and old_state != new_state
            and task.owner_id is None
            and task.owner_role
            and actor.user_id is not None
        ):
            # Starting a queue's task makes it yours: "in progress" by nobody helps no one.
            task.owner_id = actor.user_id
            words += f"; claimed from {queue_label(task.owner_role)}"
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


__all__ = [
    "COMMENT_MAX",
    "CONTACT_NOT_MADE",
    "DETAILS_MAX",
    "GAP",
    "ITEM_MAX",
    "RESOLUTION_MAX",
    "TITLE_MAX",
    "TaskDraft",
    "add_check_item",
    "add_comment",
    "audit_task",
    "changes_for",
    "claim_task",
    "clean_draft",
    "complete_task",
    "conflicts",
    "create_task",
    "end_position",
    "history",
    "move_task",
    "owner_words",
    "release_task",
    "remove_check_item",
    "set_check_item",
    "target",
    "update_task",
]
