"""Tasks that events open and close: idempotent by dedupe key (in one process, and from two
processes at once), closed by their event, and opened by registered due-task sources. And a
card moved on two computers: one move stands, the other is refused, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from carecoord_desktop.errors import StaleEditError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit, events
from carecoord_desktop.services.tasks.types import BoardFilter, TaskEvent, TaskState
from carecoord_desktop.store import keystore
from tests_support import STAFF_PASSWORD, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

CHILD = Path(__file__).with_name("_task_writer.py")


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


def _review(pid, **kw) -> TaskEvent:
    fields = {
        "source": "plan",
        "source_id": "12",
        "kind": "review",
        "title": "Care plan review due",
        "patient_id": pid,
        "due_date": date(2026, 12, 14),
        "owner_role": "nurse",
        "checklist": ("Book the review", "Update goals"),
        **kw,
    }
    return TaskEvent(**fields)


def _open(ws, actor, event):
    with ws.write_session() as session:
        made = events.open_event_task(session, actor, event)
        session.commit()
    return made


def test_the_same_event_twice_is_one_task(ws, admin, pid):
    first = _open(ws, admin, _review(pid))
    again = _open(ws, admin, _review(pid, title="A different wording"))
    assert first.created and not again.created and again.task_id == first.task_id
    (card,) = boards.board(ws, admin).cards()
    assert (card.source, card.source_id, card.kind) == ("plan", "12", "review")
    assert card.checklist_total == 2 and card.owner_label == "Nurses"
    # A new occurrence with its own key is a new task.
    later = _open(ws, admin, _review(pid, dedupe_key="plan:12:review:2027"))
    assert later.created and later.task_id != first.task_id


def test_a_done_event_task_is_not_reopened_by_the_same_event(ws, admin, pid):
    made = _open(ws, admin, _review(pid))
    edit.complete_task(ws, admin, made.task_id)
    assert not _open(ws, admin, _review(pid)).created
    assert boards.board(ws, admin).open_total == 0


def test_close_event_tasks_closes_only_that_events_open_tasks(ws, admin, pid):
    review = _open(ws, admin, _review(pid))
    signoff = _open(ws, admin, _review(pid, kind="signoff", title="Sign off"))
    other = _open(ws, admin, _review(pid, source_id="13"))
    with ws.write_session() as session:
        closed = events.close_event_tasks(session, admin, "plan", "12", "review")
        session.commit()
    assert closed == [review.task_id]
    open_ids = {c.id for c in boards.board(ws, admin, BoardFilter(done_days=None)).cards()}
    assert open_ids == {signoff.task_id, other.task_id}
    detail = boards.get_task(ws, admin, review.task_id)
    assert detail.card.state == TaskState.DONE and detail.resolution.startswith("Closed")


def test_a_registered_source_opens_due_tasks_once(ws, admin, pid):
    calls = []

    def reviews_due(session, today):
        calls.append(today)
        yield _review(pid, due_date=today)

    events.register_source(reviews_due)
    events.register_source(reviews_due)  # twice: still one source
    try:
        first = events.sync_due_tasks(ws, date(2026, 12, 1))
        again = events.sync_due_tasks(ws, date(2026, 12, 2))
    finally:
        events.unregister_source(reviews_due)
    assert calls == [date(2026, 12, 1), date(2026, 12, 2)]
    assert len(first.value.created) == 1 and first.changes.touches([Kind.TASKS], pid)
    assert again.value.created == [] and again.value.events == 1 and not again.changes
    assert reviews_due not in events.registered_sources()  # (features register their own)


def test_every_role_can_open_event_tasks(ws, admin, pid):
    for n, role in enumerate(Role):
        who = staff(ws, admin, role, f"{role.value}.x")
        assert _open(ws, who, _review(pid, source_id=str(100 + n))).created


# -- two processes ------------------------------------------------------------------------------
class Child:
    def __init__(self, ws, **job) -> None:
        key = keystore.load_key(ws.id)
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        job = {"folder": str(ws.folder), "key": key.hex(), "password": STAFF_PASSWORD, **job}
        self.send(json.dumps(job))
        self.opened = self.result()

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def result(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended: {self.proc.stderr.read()[-2000:]}")
        return json.loads(line)

    def finish(self) -> None:
        self.proc.stdin.close()
        assert self.proc.wait(timeout=120) == 0


def test_a_card_moved_on_another_computer_first_refuses_this_move(ws, admin, pid):
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    staff(ws, admin, Role.GP, "greg.lee")
    card = edit.create_task(ws, admin, edit.TaskDraft(title="Chase summary", patient_id=pid)).value
    child = Child(ws, job="move", task_id=card.id, state="waiting", username="greg.lee")
    assert child.opened == {"version": card.version}
    child.send("go")
    assert "moved" in child.result()
    child.finish()
    with pytest.raises(StaleEditError, match="Greg Lee"):
        edit.move_task(ws, nurse, card.id, "in_progress", version=card.version)
    assert boards.board(ws, nurse).cards()[0].state == TaskState.WAITING


def test_two_computers_moving_at_once_one_move_stands(ws, admin, pid):
    for name in ("nina.zhang", "greg.lee"):
        staff(ws, admin, Role.NURSE if name.startswith("n") else Role.GP, name)
    card = edit.create_task(ws, admin, edit.TaskDraft(title="Chase summary")).value
    children = [
        Child(ws, job="move", task_id=card.id, state=state, username=name)
        for name, state in (("nina.zhang", "in_progress"), ("greg.lee", "waiting"))
    ]
    for child in children:
        child.send("go")
    results = [child.result() for child in children]
    for child in children:
        child.finish()
    moved = [r for r in results if "moved" in r]
    assert len(moved) == 1 and [r.get("refused") for r in results if "refused" in r] == [
        "StaleEditError"
    ]
    winner = ("in_progress", "waiting")[results.index(moved[0])]
    stored = boards.board(ws, admin).cards()[0]
    assert stored.state == winner and stored.version == card.version + 1


def test_two_computers_sending_the_same_event_at_once_make_one_task(ws, admin, pid):
    for name in ("nina.zhang", "greg.lee"):
        staff(ws, admin, Role.NURSE, name)
    event = {
        "source": "referral",
        "source_id": "77",
        "kind": "unanswered",
        "title": "Referral unanswered",
        "patient_id": pid,
    }
    children = [Child(ws, job="event", event=event, username=n) for n in ("nina.zhang", "greg.lee")]
    for child in children:
        child.send("go")
    results = [child.result() for child in children]
    for child in children:
        child.finish()
    assert sorted(r["created"] for r in results) == [False, True]
    assert len({r["task_id"] for r in results}) == 1
    assert boards.board(ws, admin).open_total == 1
