"""Tasks that events create and close: the API other features call, and the daily sweep.

A feature (care plans, reconciliation, referrals, transitions of care) calls, inside its own
write transaction so the task commits or rolls back with the event:

    open_event_task(session, actor, TaskEvent(source="plan", source_id="12", kind="review",
                    title="Care plan review due", patient_id=7, due_date=..., owner_role="nurse"))
    close_event_tasks(session, actor, "plan", "12", "review")  # when the review is done

`open_event_task` is idempotent by the event's dedupe key: the same event sent twice (or from
two workstations at once: the key is UNIQUE) is one task. Features whose tasks fall due by date
register a source, a callable `(session, today) -> Iterable[TaskEvent]`, with `register_source`;
`sync_due_tasks(ws, today)` runs them all (at sign-in, daily) without this module importing
any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import Task, TaskCheckItem, TaskSource, TaskState
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.edit import (
    RESOLUTION_MAX,
    TITLE_MAX,
    audit_task,
    clean_draft,
    end_position,
    history,
)
from carecoord_desktop.services.tasks.types import SOURCE_LABELS, TaskDraft, TaskEvent
from carecoord_desktop.store.workspace import Workspace

TaskSourceFn = Callable[[Session, date], Iterable[TaskEvent]]

_SOURCES: list[TaskSourceFn] = []


@dataclass(frozen=True)
class EventTask:
    task_id: int
    created: bool  # False: the event's task already existed (open or done)
    patient_id: int | None = None


@dataclass(frozen=True)
class SyncResult:
    created: list[int] = field(default_factory=list)  # task ids
    events: int = 0  # events the sources reported (new or already tasked)


def register_source(source: TaskSourceFn) -> TaskSourceFn:
    """Add a due-task source (usable as a decorator); registering one twice keeps one."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def unregister_source(source: TaskSourceFn) -> None:
    if source in _SOURCES:
        _SOURCES.remove(source)


def registered_sources() -> tuple[TaskSourceFn, ...]:
    return tuple(_SOURCES)


def _existing(session: Session, key: str) -> tuple[int, int | None] | None:
    row = (
        session.connection()
        .execute(text("SELECT id, patient_id FROM task WHERE dedupe_key = :k"), {"k": key})
        .first()
    )
    return None if row is None else (row[0], row[1])


def open_event_task(session: Session, actor: Actor, event: TaskEvent) -> EventTask:
    """The event's task, created at the bottom of To do unless its dedupe key already has one.
    Runs in the caller's transaction; the caller commits."""
    require(actor, Permission.MANAGE_TASKS)
    key = event.key
    found = _existing(session, key)
    if found is not None:
        return EventTask(found[0], False, found[1])
    source = TaskSource(getattr(event.source, "value", event.source))
    values = clean_draft(
        session,
        TaskDraft(
            title=event.title[:TITLE_MAX],
            patient_id=event.patient_id,
            details=event.details,
            owner_id=event.owner_id,
            owner_role=event.owner_role,
            due_date=event.due_date,
            due_time=event.due_time,
            priority=event.priority,
        ),
    )
    task = Task(
        **values,
        state=TaskState.TODO.value,
        position=end_position(session, TaskState.TODO.value),
        source=source.value,
        source_id=str(event.source_id),
        kind=event.kind,
        dedupe_key=key,
        created_by_id=actor.user_id,
    )
    try:
        with session.begin_nested():  # another writer's same event: theirs stands
            session.add(task)
            session.flush()
    except IntegrityError:
        found = _existing(session, key)
        if found is None:
            raise
        return EventTask(found[0], False, found[1])
    for n, item in enumerate(event.checklist, start=1):
        session.add(TaskCheckItem(task_id=task.id, position=n, text=item[:200]))
    history(session, actor, task.id, "created", f"by {SOURCE_LABELS[source].lower()} event")
    audit_task(session, actor, AuditAction.CREATE, task, f"added task for {source.value} event")
    return EventTask(task.id, True, task.patient_id)


def close_event_tasks(
    session: Session,
    actor: Actor,
    source: TaskSource | str,
    source_id: str | int,
    kind: str | None = None,
    *,
    resolution: str = "Closed: its event was resolved",
) -> list[int]:
    """Complete the open tasks an event created (all its kinds, or only `kind`), in the caller's
    transaction. Returns the ids closed; tasks already done are left as they are."""
    require(actor, Permission.MANAGE_TASKS)
    src = TaskSource(getattr(source, "value", source)).value
    sql = (
        "SELECT id FROM task WHERE source = :src AND source_id = :sid "
        "AND state IN ('todo', 'in_progress', 'waiting')"
    )
    params = {"src": src, "sid": str(source_id)}
    if kind is not None:
        sql += " AND kind = :kind"
        params["kind"] = kind
    ids = [r[0] for r in session.connection().execute(text(sql), params)]
    top = end_position(session, TaskState.DONE.value)
    for n, task_id in enumerate(ids):
        task = session.get(Task, task_id)
        task.state = TaskState.DONE.value
        task.position = top + n
        task.completed_at = task.updated_at = utcnow()
        task.completed_by_id = actor.user_id
        task.resolution = resolution[:RESOLUTION_MAX]
        session.add(task)
        session.flush()
        history(session, actor, task_id, "completed", resolution)
        audit_task(session, actor, AuditAction.UPDATE, task, "completed by its event")
    return ids


def patients_of(session: Session, task_ids: Iterable[int]) -> set[int]:
    ids = list(task_ids)
    if not ids:
        return set()
    marks = ", ".join(f":t{n}" for n in range(len(ids)))
    rows = session.connection().execute(
        text(
            f"SELECT DISTINCT patient_id FROM task WHERE id IN ({marks}) AND patient_id IS NOT NULL"
        ),
        {f"t{n}": i for n, i in enumerate(ids)},
    )
    return {r[0] for r in rows}


def sync_due_tasks(
    ws: Workspace, today: date, *, actor: Actor | None = None
) -> Changed[SyncResult]:
    """Run every registered source for `today` and open the tasks they report, in one
    transaction. Safe to run as often as wanted: events already tasked are skipped."""
    actor = actor or Actor.system("task sweep")
    require(actor, Permission.MANAGE_TASKS)
    created: list[int] = []
    patients: set[int] = set()
    events = 0
    with ws.write_session() as session:
        for source in registered_sources():
            for event in source(session, today):
                events += 1
                made = open_event_task(session, actor, event)
                if made.created:
                    created.append(made.task_id)
                    if made.patient_id is not None:
                        patients.add(made.patient_id)
        session.commit()
    result = SyncResult(created, events)
    if not created:
        return Changed(result, NO_CHANGES)
    return Changed(result, Changes.of(Kind.TASKS, Kind.AUDIT, patients=patients))
