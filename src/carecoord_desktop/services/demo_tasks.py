"""The demo practice's board: recent discharges with their clocks running (recorded through the
transitions service, so their due dates come from the practice calendar), a few contact
attempts, a busy board of open tasks across every role's queue and staff member (some overdue,
some due this week, some waiting, a fortnight of done), comments and checklists on some, and
coordination minutes logged this month with patients near and past the CCM thresholds.

`options["tasks"]` (from `carecoord demo --tasks N`, up to 10,000) sets how many board tasks;
they are bulk-inserted in one transaction with one audit row, like demo.seed_patients.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import text

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.tasks import transitions
from carecoord_desktop.store.workspace import Workspace

if TYPE_CHECKING:
    from carecoord_desktop.services.demo_features import DemoStaff

DEFAULT_TASKS = 160
MAX_TASKS = 10_000
DISCHARGES = 6
_FACILITIES = (
    "Royal North Shore Hospital",
    "Westmead Hospital",
    "St Vincent's Hospital",
    "Concord Hospital",
    "Prince of Wales Hospital",
)

# (source, kind, title, queue): what a practice's board is made of.
_TEMPLATES = (
    ("manual", None, "Call about blood test results", "nurse"),
    ("manual", None, "Book a home medicines review", "coordinator"),
    ("manual", None, "Chase the specialist's letter", "reception"),
    ("manual", None, "Update the advance care directive copy", "coordinator"),
    ("manual", None, "Send the recall letter", "reception"),
    ("manual", None, "Arrange the interpreter for next visit", "reception"),
    ("manual", None, "Review the wound care plan with the carer", "nurse"),
    ("manual", None, "Repeat script request to the GP", "gp"),
    ("plan", "review", "Care plan review due", "nurse"),
    ("plan", "goals", "Care plan goals to update with the patient", "coordinator"),
    ("reconciliation", "signoff", "Medication reconciliation awaiting sign-off", "gp"),
    ("reconciliation", "followup", "Check the changed doses with the pharmacy", "nurse"),
    ("referral", "unanswered", "Referral unanswered: cardiology", "coordinator"),
    ("referral", "unanswered", "Referral unanswered: podiatry", "reception"),
    ("referral", "unanswered", "Referral unanswered: memory clinic", "coordinator"),
)
_COMMENTS = (
    "Left a message with the daughter.",
    "Waiting for the fax from the hospital.",
    "Patient prefers a call after 2 pm.",
    "Spoke to the pharmacy; they will call back.",
)
_CHECKLIST = ("Phone the patient", "Note the outcome", "Tell the GP")
_ACTIVITIES = (
    "Phoned the patient about symptoms",
    "Coordinated with the community nurse",
    "Reviewed the care plan",
    "Called the pharmacy about a dose change",
    "Arranged transport for the appointment",
    "Spoke with the carer",
)

_TASK_COLUMNS = (
    "patient_id",
    "title",
    "state",
    "position",
    "owner_id",
    "owner_role",
    "due_date",
    "due_time",
    "priority",
    "source",
    "source_id",
    "kind",
    "dedupe_key",
    "created_by_id",
    "created_at",
    "updated_at",
    "completed_by_id",
    "completed_at",
)


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )


def _stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _actor(person: DemoStaff) -> Actor:
    return Actor(person.id, person.username, person.full_name, person.role)


def seed(ws: Workspace, admin: Actor, rng: random.Random, *, patient_ids, staff, options) -> None:
    count = int(options.get("tasks", DEFAULT_TASKS))
    if not 0 <= count <= MAX_TASKS:
        raise ValidationError(f"Seed 0 to {MAX_TASKS:,} tasks.", field="tasks")
    if not patient_ids or not ws.is_demo:
        return
    today = date.today()
    people = [s for s in staff if s.role != Role.ADMIN]
    nurses = [s for s in people if s.role == Role.NURSE] or people
    chosen = rng.sample(list(patient_ids), min(DISCHARGES, len(patient_ids)))
    for n, pid in enumerate(chosen):
        _discharge(ws, admin, rng, pid, today - timedelta(days=1 + n * 2), nurses)
    bulk_tasks(ws, admin, rng, count, list(patient_ids), people, today)
    _minutes(ws, admin, rng, list(patient_ids), people, today)


def _discharge(ws, admin, rng, pid, day, nurses) -> None:
    try:
        made = transitions.record_discharge(
            ws,
            admin,
            pid,
            discharged=day,
            facility=rng.choice(_FACILITIES),
            complexity=rng.choice(("moderate", "high")),
            admitted=day - timedelta(days=rng.randint(2, 9)),
        ).value
    except ValidationError:  # an archived or merged demo record: not every patient takes one
        return
    if rng.random() < 0.5:  # a first attempt that did not reach them
        transitions.record_contact(
            ws,
            _actor(rng.choice(nurses)),
            made.transition_id,
            method=rng.choice(("voicemail", "no_answer")),
        )


def bulk_tasks(ws, admin, rng, count, patient_ids, people, today) -> None:
    now = datetime.now(UTC)
    positions = {"todo": 0.0, "in_progress": 0.0, "waiting": 0.0, "done": 0.0}
    with ws.write_session() as session:  # ids and positions read, then written, under one lock
        conn = session.connection()
        for state in positions:
            top = conn.execute(
                text("SELECT max(position) FROM task WHERE state = :s"), {"s": state}
            ).scalar()
            positions[state] = top or 0.0
        base = conn.execute(text("SELECT coalesce(max(id), 0) FROM task")).scalar()
        rows, by_role = [], {}
        for p in people:
            by_role.setdefault(p.role.value, []).append(p)
        for n in range(count):
            source, kind, title, queue = rng.choice(_TEMPLATES)
            state = rng.choices(("todo", "in_progress", "waiting", "done"), (55, 20, 10, 15))[0]
            positions[state] += 1024.0
            claimed = state != "todo" or rng.random() < 0.4
            owner = rng.choice(by_role.get(queue) or people) if claimed and people else None
            due = None if rng.random() < 0.12 else today + timedelta(days=rng.randint(-10, 21))
            created = now - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
            done = state == "done"
            rows.append(
                {
                    "patient_id": rng.choice(patient_ids) if rng.random() < 0.93 else None,
                    "title": title,
                    "state": state,
                    "position": positions[state],
                    "owner_id": owner.id if owner else None,
                    "owner_role": queue,
                    "due_date": due.isoformat() if due else None,
                    "due_time": time(rng.choice((9, 11, 14, 16))).isoformat()
                    if due and rng.random() < 0.1
                    else None,
                    "priority": rng.choices(("low", "normal", "high", "urgent"), (15, 60, 20, 5))[
                        0
                    ],
                    "source": source,
                    "source_id": f"demo{base + n}" if source != "manual" else None,
                    "kind": kind,
                    "dedupe_key": f"{source}:demo{base + n}:{kind}" if kind else None,
                    "created_by_id": admin.user_id,
                    "created_at": _stamp(created),
                    "updated_at": _stamp(created),
                    "completed_by_id": owner.id if done and owner else None,
                    "completed_at": _stamp(now - timedelta(days=rng.randint(0, 12)))
                    if done
                    else None,
                }
            )
        if rows:
            conn.execute(text(_insert("task", _TASK_COLUMNS)), rows)
        ids = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM task ORDER BY id DESC LIMIT :n"), {"n": count}
            )
        ]
        _extras(conn, rng, ids, people, now)
        audit.record(
            session,
            admin,
            AuditAction.CREATE,
            record_type="task",
            detail=f"demo data seeded: {count} tasks",
        )
        session.commit()


def _extras(conn, rng, task_ids, people, now) -> None:
    comments, items = [], []
    for task_id in task_ids:
        if people and rng.random() < 0.2:
            who = rng.choice(people)
            comments.append(
                {
                    "task_id": task_id,
                    "author_id": who.id,
                    "author_name": who.full_name,
                    "at": _stamp(now - timedelta(hours=rng.randint(1, 200))),
                    "body": rng.choice(_COMMENTS),
                }
            )
        if rng.random() < 0.15:
            ticked = rng.randint(0, len(_CHECKLIST))
            for n, item in enumerate(_CHECKLIST, start=1):
                items.append(
                    {"task_id": task_id, "position": n, "text": item, "done": int(n <= ticked)}
                )
    if comments:
        conn.execute(
            text(_insert("task_comment", ("task_id", "author_id", "author_name", "at", "body"))),
            comments,
        )
    if items:
        conn.execute(
            text(_insert("task_check_item", ("task_id", "position", "text", "done"))), items
        )


def _minutes(ws, admin, rng, patient_ids, people, today) -> None:
    if not people:
        return
    first = today.replace(day=1)
    rows = []
    for pid in rng.sample(patient_ids, min(40, len(patient_ids))):
        goal = rng.choice((8, 15, 18, 22, 37, 41, 56, 63))  # near and past 20/40/60
        while goal > 0:
            spent = min(goal, rng.randint(4, 20))
            goal -= spent
            who = rng.choice(people)
            day = first + timedelta(days=rng.randint(0, (today - first).days))
            rows.append(
                {
                    "patient_id": pid,
                    "staff_id": who.id,
                    "staff_name": who.full_name,
                    "work_date": day.isoformat(),
                    "minutes": spent,
                    "activity": rng.choice(_ACTIVITIES),
                    "source": "manual",
                    "created_at": _stamp(datetime.now(UTC)),
                }
            )
    columns = (
        "patient_id",
        "staff_id",
        "staff_name",
        "work_date",
        "minutes",
        "activity",
        "source",
        "created_at",
    )
    with ws.session() as session:
        session.connection().execute(text(_insert("minutes_entry", columns)), rows)
        audit.record(
            session,
            admin,
            AuditAction.CREATE,
            record_type="minutes_entry",
            detail=f"demo data seeded: {len(rows)} minutes entries",
        )
        session.commit()
