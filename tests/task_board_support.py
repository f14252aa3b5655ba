"""A practice with a busy board, made through the task services (tests/ui/test_task_*)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks import minutes, transitions
from carecoord_desktop.services.tasks.types import TaskDraft, TaskPriority, TaskState

TITLES = (
    "Call about the new blood pressure readings",
    "Book the diabetes cycle of care review",
    "Chase the cardiology letter",
    "Arrange home medicines review",
    "Update the care plan goals with the patient",
    "Send the referral to the podiatrist",
    "Check the Webster pack was delivered",
    "Follow up the missed spirometry appointment",
    "Ring the daughter about respite options",
    "Review the pathology results with the GP",
)


def sign_in(made, role: Role):
    account = next(a for a in made.accounts if a.role is role)
    return accounts.authenticate(made.workspace, account.username, demo.DEMO_PASSWORD)


def state_for(made, role: Role = Role.ADMIN):
    from carecoord_desktop.ui.shell.state import AppState

    ws = made.workspace
    return AppState(ws, sign_in(made, role), settings.load(ws))


def patient_ids(ws, actor) -> list[int]:
    return registry.query_ids(ws, actor, PatientFilter())


def seed_board(made, *, tasks: int = 24, seed: int = 7) -> dict:
    """Tasks of every kind on the demo's patients: queues and people, overdue, due today and
    later, every column, two discharges with their clocks running, minutes this month."""
    rng = random.Random(seed)
    ws = made.workspace
    admin = sign_in(made, Role.ADMIN)
    nurse = sign_in(made, Role.NURSE)
    gp = sign_in(made, Role.GP)
    pids = patient_ids(ws, admin)
    today = date.today()
    made_ids = []
    for n in range(tasks):
        owner = rng.choice(
            [
                ("role", "nurse"),
                ("role", "coordinator"),
                ("role", "reception"),
                ("user", nurse.user_id),
                ("user", gp.user_id),
            ]
        )
        due = (
            today + timedelta(days=rng.choice([-6, -2, -1, 0, 0, 1, 2, 4, 9, 20]))
            if n % 7
            else None
        )
        card = task_edit.create_task(
            ws,
            admin,
            TaskDraft(
                title=TITLES[n % len(TITLES)],
                patient_id=pids[n % len(pids)] if n % 11 else None,
                owner_id=owner[1] if owner[0] == "user" else None,
                owner_role=owner[1] if owner[0] == "role" else None,
                due_date=due,
                priority=rng.choice(list(TaskPriority)),
            ),
        ).value
        made_ids.append(card.id)
        state = [
            TaskState.TODO,
            TaskState.TODO,
            TaskState.IN_PROGRESS,
            TaskState.WAITING,
            TaskState.DONE,
        ][n % 5]
        if state != TaskState.TODO:
            task_edit.move_task(ws, admin, card.id, state, resolution="done in the test")
    discharged = []
    for offset, pid in ((1, pids[1]), (4, pids[2])):
        result = transitions.record_discharge(
            ws,
            nurse,
            pid,
            discharged=today - timedelta(days=offset),
            facility="Royal North Shore Hospital",
            complexity="high" if offset == 1 else "moderate",
        ).value
        discharged.append((pid, result))
    minutes.add_minutes(ws, nurse, pids[1], minutes=18, activity="Phoned the pharmacy")
    minutes.add_minutes(ws, nurse, pids[2], minutes=42, activity="Care plan review call")
    return {"task_ids": made_ids, "patients": pids, "discharges": discharged}
