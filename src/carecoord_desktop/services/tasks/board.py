"""Reading the board: one SQL read for every card the filters let through, a task's detail,
the list view's ids and rows, and open-task counts per patient.

Plain SQL returning rows, not the ORM (the house rule for lists): at 10,000 open tasks the ORM
with eager loading would cost many times the read itself. Checklist and comment counts come
from per-task subqueries on their task_id indexes, in the same statement, so there is no
query per card. Dates are parsed with fromisoformat (C), not SQLAlchemy's regex processors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import TaskPriority, TaskSource, TaskState
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.types import (
    Board,
    BoardFilter,
    CheckItemRow,
    CommentRow,
    HistoryRow,
    TaskCard,
    TaskDetail,
)
from carecoord_desktop.store.workspace import Workspace

_OPEN_SQL = "('todo', 'in_progress', 'waiting')"

# The card's columns, in TaskCard's order after id (see _card). A checklist's done and total
# counts come packed from one lookup on its covering (task_id, done) index: total * 2^20 + done.
_CARD_SELECT = (
    "SELECT t.id, t.version, t.state, t.position, t.title, t.patient_id, p.family_name, "
    "p.given_name, p.practice_id, t.owner_id, s.full_name, t.owner_role, t.due_date, "
    "t.due_time, t.priority, t.source, t.source_id, t.kind, "
    "(SELECT (count(*) << 20) + coalesce(sum(c.done), 0) FROM task_check_item c "
    "WHERE c.task_id = t.id), "
    "(SELECT count(*) FROM task_comment m WHERE m.task_id = t.id), "
    "t.created_at, t.completed_at "
    "FROM task t LEFT JOIN patient p ON p.id = t.patient_id "
    "LEFT JOIN staff_user s ON s.id = t.owner_id "
)

# Sort keys the list view may ask for (SQL, never text from the caller).
SORTS = {
    "due": "t.due_date IS NULL, t.due_date, t.due_time IS NULL, t.due_time, t.id",
    "priority": (
        "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 "
        "ELSE 3 END, t.due_date IS NULL, t.due_date, t.id"
    ),
    "patient": "p.family_name IS NULL, p.family_name, p.given_name, t.id",
    "title": "t.title COLLATE NOCASE, t.id",
    "owner": "coalesce(s.full_name, t.owner_role, '~'), t.id",
    "state": (
        "CASE t.state WHEN 'todo' THEN 0 WHEN 'in_progress' THEN 1 WHEN 'waiting' THEN 2 "
        "ELSE 3 END, t.position, t.id"
    ),
    "created": "t.created_at, t.id",
    "source": "t.source, t.id",
}


def _dt(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value + "+00:00")  # stored as naive UTC


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _t(value) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


_STATES = {s.value: s for s in TaskState}
_PRIORITIES = {p.value: p for p in TaskPriority}
_SOURCES = {s.value: s for s in TaskSource}
_CARD_FIELDS = tuple(f.name for f in fields(TaskCard))
_new = object.__new__


def _card(r) -> TaskCard:
    """A card from a row. Filled through its __dict__, not the frozen dataclass's __init__ (which
    sets each of its fields through object.__setattr__): the board builds thousands per read."""
    family = r[6]
    packed = r[18] or 0
    card = _new(TaskCard)
    card.__dict__.update(
        zip(
            _CARD_FIELDS,
            (
                r[0],
                r[1],
                _STATES[r[2]],
                r[3],
                r[4],
                r[5],
                None if family is None else f"{family.upper()}, {r[7]}",
                r[8],
                r[9],
                r[10],
                r[11],
                None if r[12] is None else date.fromisoformat(r[12]),
                None if r[13] is None else _t(r[13]),
                _PRIORITIES[r[14]],
                _SOURCES[r[15]],
                r[16],
                r[17],
                packed & 0xFFFFF,
                packed >> 20,
                r[19],
                _dt(r[20]),
                _dt(r[21]),
            ),
            strict=True,
        )
    )
    return card


def week_end(today: date) -> date:
    """The Sunday that ends `today`'s week (today itself on a Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def _where(actor: Actor, f: BoardFilter, today: date) -> tuple[str, dict]:
    """The WHERE clause for `f` and its parameters (values bound, never pasted)."""
    params: dict = {"today": today.isoformat()}
    open_only = f.overdue or f.due_this_week or f.done_days is None
    if open_only:
        clauses = [f"t.state IN {_OPEN_SQL}"]
    else:
        cutoff = datetime.now(UTC) - timedelta(days=f.done_days)
        params["cutoff"] = cutoff.replace(tzinfo=None).isoformat(sep=" ")
        clauses = [f"(t.state IN {_OPEN_SQL} OR (t.state = 'done' AND t.completed_at >= :cutoff))"]
    whose = []
    if f.mine:
        whose.append("t.owner_id = :me")
        params["me"] = actor.user_id if actor.user_id is not None else -1
    if f.my_queue:
        whose.append("(t.owner_id IS NULL AND t.owner_role = :my_role)")
        params["my_role"] = actor.role.value
    if whose:  # "mine" and "my queue" together: my work, claimed or waiting for me
        clauses.append("(" + " OR ".join(whose) + ")")
    if f.owner_id is not None:
        clauses.append("t.owner_id = :owner_id")
        params["owner_id"] = f.owner_id
    if f.owner_role is not None:
        clauses.append("(t.owner_id IS NULL AND t.owner_role = :owner_role)")
        params["owner_role"] = str(getattr(f.owner_role, "value", f.owner_role))
    if f.patient_id is not None:
        clauses.append("t.patient_id = :patient_id")
        params["patient_id"] = f.patient_id
    if f.overdue:
        clauses.append("t.due_date < :today")
    if f.due_this_week:
        clauses.append("t.due_date BETWEEN :today AND :week_end")
        params["week_end"] = week_end(today).isoformat()
    if f.source is not None:
        clauses.append("t.source = :source")
        try:
            params["source"] = TaskSource(getattr(f.source, "value", f.source)).value
        except ValueError:
            raise ValidationError(
                "Choose a source: " + ", ".join(s.value for s in TaskSource) + ".", "source"
            ) from None
    return " AND ".join(clauses), params


def board_query(actor: Actor, filters: BoardFilter) -> tuple[str, dict]:
    """The board's one statement and its parameters (bench/board.py runs it raw)."""
    where, params = _where(actor, filters, filters.today or date.today())
    return f"{_CARD_SELECT} WHERE {where} ORDER BY t.state, t.position, t.id", params


def read_board(session: Session, actor: Actor, filters: BoardFilter) -> Board:
    """The board in the caller's session (no permission check or audit: see `board`)."""
    today = filters.today or date.today()
    sql, params = board_query(actor, filters)
    # The DB-API cursor of the session's own connection: plain tuples, no Row per card.
    cursor = session.connection().connection.cursor()
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    columns: dict[TaskState, list[TaskCard]] = {state: [] for state in TaskState}
    for r in rows:
        card = _card(r)
        columns[card.state].append(card)
    open_total = sum(len(columns[s]) for s in TaskState if s != TaskState.DONE)
    return Board(columns, filters, today, open_total)


def board(ws: Workspace, actor: Actor, filters: BoardFilter | None = None) -> Board:
    """Every card the filters let through, by column in order, from one read; one audit row."""
    require(actor, Permission.MANAGE_TASKS)
    filters = filters or BoardFilter()
    with ws.session() as session:
        result = read_board(session, actor, filters)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=filters.patient_id,
            record_type="task_board",
            detail=f"task board: {result.open_total} open{_filter_words(filters)}",
        )
        session.commit()
    return result


def _filter_words(f: BoardFilter) -> str:
    words = [
        w
        for w, on in (
            ("mine", f.mine),
            ("my role's queue", f.my_queue),
            ("overdue", f.overdue),
            ("due this week", f.due_this_week),
            (f"patient {f.patient_id}", f.patient_id is not None),
            (f"source {f.source}", f.source is not None),
            (f"owner {f.owner_id}", f.owner_id is not None),
            (f"queue {f.owner_role}", f.owner_role is not None),
        )
        if on
    ]
    return f" ({', '.join(words)})" if words else ""


# -- the list view: ids in SQL order, rows in blocks (the shared windowed table model) ----------
def task_ids(
    ws: Workspace, actor: Actor, filters: BoardFilter | None = None, *, sort: str = "due",
    descending: bool = False,
) -> list[int]:  # fmt: skip
    """The ids of the tasks the filters let through, sorted in SQL by one of SORTS."""
    require(actor, Permission.MANAGE_TASKS)
    filters = filters or BoardFilter()
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    order = SORTS[sort]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    where, params = _where(actor, filters, filters.today or date.today())
    sql = (
        "SELECT t.id FROM task t LEFT JOIN patient p ON p.id = t.patient_id "
        f"LEFT JOIN staff_user s ON s.id = t.owner_id WHERE {where} ORDER BY {order}"
    )
    with ws.session() as session:
        ids = [r[0] for r in session.connection().execute(text(sql), params)]
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=filters.patient_id,
            record_type="task_list",
            detail=f"task list: {len(ids)} tasks{_filter_words(filters)}",
        )
        session.commit()
    return ids


def task_rows(ws: Workspace, actor: Actor, ids: Sequence[int]) -> list[TaskCard]:
    """The cards of `ids`, in that order (a block of the list view); ids gone are left out."""
    require(actor, Permission.MANAGE_TASKS)
    if not ids:
        return []
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    params = {f"i{n}": i for n, i in enumerate(ids)}
    with ws.session() as session:
        rows = session.connection().execute(text(f"{_CARD_SELECT} WHERE t.id IN ({marks})"), params)
        by_id = {c.id: c for c in map(_card, rows)}
    return [by_id[i] for i in ids if i in by_id]


def patient_tasks(
    ws: Workspace, actor: Actor, patient_id: int, *, include_done: bool = True
) -> list[TaskCard]:
    """One patient's tasks for the record's Tasks section: open ones by due date, then done."""
    require(actor, Permission.MANAGE_TASKS)
    where = "t.patient_id = :pid" + ("" if include_done else f" AND t.state IN {_OPEN_SQL}")
    sql = (
        f"{_CARD_SELECT} WHERE {where} ORDER BY t.state = 'done', "
        "CASE WHEN t.state = 'done' THEN t.completed_at END DESC, "
        "t.due_date IS NULL, t.due_date, t.id"
    )
    with ws.session() as session:
        cards = [_card(r) for r in session.connection().execute(text(sql), {"pid": patient_id})]
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type="task",
            detail=f"patient's tasks: {len(cards)}",
        )
        session.commit()
    return cards


# -- the Patients screen's "open tasks" column -------------------------------------------------
OPEN_TASKS_SQL = (
    f"(SELECT count(*) FROM task t WHERE t.patient_id = patient.id AND t.state IN {_OPEN_SQL})"
)
"""A correlated count for a patient-list query (`patient` the outer table): one lookup on
ix_task_patient_state per row, so it can be a sortable column at 100,000 patients."""


def open_task_counts(ws: Workspace, actor: Actor, patient_ids: Iterable[int]) -> dict[int, int]:
    """Open tasks per patient for `patient_ids` (a block of the Patients list); 0s left out.
    One indexed read per call; the caller audits the list it shows."""
    require(actor, Permission.VIEW_PATIENTS)
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return {}
    out: dict[int, int] = {}
    with ws.session() as session:
        conn = session.connection()
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ", ".join(f":p{n}" for n in range(len(chunk)))
            rows = conn.execute(
                text(
                    "SELECT patient_id, count(*) FROM task WHERE patient_id IN "
                    f"({marks}) AND state IN {_OPEN_SQL} GROUP BY patient_id"
                ),
                {f"p{n}": i for n, i in enumerate(chunk)},
            )
            out.update({pid: n for pid, n in rows})
    return out


# -- a task's detail --------------------------------------------------------------------------
def read_card(session: Session, task_id: int) -> TaskCard | None:
    row = session.connection().execute(text(f"{_CARD_SELECT} WHERE t.id = :id"), {"id": task_id})
    first = row.first()
    return None if first is None else _card(first)


def get_task(ws: Workspace, actor: Actor, task_id: int) -> TaskDetail:
    """A task with its comments, checklist and history (newest history first); audited."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.session() as session:
        detail = read_detail(session, task_id)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=detail.card.patient_id,
            record_type="task",
            record_id=task_id,
            detail="opened task",
        )
        session.commit()
    return detail


def read_detail(session: Session, task_id: int) -> TaskDetail:
    card = read_card(session, task_id)
    if card is None:
        raise ValidationError("This task no longer exists: someone removed it.")
    conn = session.connection()
    extra = conn.execute(
        text(
            "SELECT t.details, c.full_name, d.full_name, t.resolution FROM task t "
            "LEFT JOIN staff_user c ON c.id = t.created_by_id "
            "LEFT JOIN staff_user d ON d.id = t.completed_by_id WHERE t.id = :id"
        ),
        {"id": task_id},
    ).one()
    comments = [
        CommentRow(id=r[0], author_name=r[1], at=_dt(r[2]), body=r[3], author_id=r[4])
        for r in conn.execute(
            text(
                "SELECT id, author_name, at, body, author_id FROM task_comment "
                "WHERE task_id = :id ORDER BY at, id"
            ),
            {"id": task_id},
        )
    ]
    checklist = [
        CheckItemRow(
            id=r[0],
            version=r[1],
            position=r[2],
            text=r[3],
            done=bool(r[4]),
            done_at=_dt(r[5]),
            done_by_id=r[6],
        )
        for r in conn.execute(
            text(
                "SELECT id, version, position, text, done, done_at, done_by_id "
                "FROM task_check_item WHERE task_id = :id ORDER BY position, id"
            ),
            {"id": task_id},
        )
    ]
    history = [
        HistoryRow(at=_dt(r[0]), actor_name=r[1], action=r[2], detail=r[3])
        for r in conn.execute(
            text(
                "SELECT at, actor_name, action, detail FROM task_history "
                "WHERE task_id = :id ORDER BY id DESC"
            ),
            {"id": task_id},
        )
    ]
    return TaskDetail(
        card=card,
        details=extra[0],
        created_by_name=extra[1],
        completed_by_name=extra[2],
        resolution=extra[3],
        comments=comments,
        checklist=checklist,
        history=history,
    )
