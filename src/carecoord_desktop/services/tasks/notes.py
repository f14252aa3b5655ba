"""A task's comments and checklist items: added, ticked, removed, each with a history row and
an audit row (ids only). Re-exported by edit.py."""

from __future__ import annotations

from sqlalchemy import text

from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import (
    Task,
    TaskCheckItem,
    TaskComment,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import NO_CHANGES, Changed
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.common import (
    COMMENT_MAX,
    ITEM_MAX,
    _task,
    _text,
    changes_for,
    history,
)
from carecoord_desktop.services.tasks.types import (
    CheckItemRow,
    CommentRow,
)
from carecoord_desktop.store.workspace import Workspace


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
