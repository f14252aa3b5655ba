"""The task board's services on a real encrypted workspace: add, the one-read board and its
filters, moves that keep their order, claiming a role's task, comments, checklist, history,
completion, open counts per patient, and conflicts between two workstations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit
from carecoord_desktop.services.tasks.types import BoardFilter, TaskDraft, TaskSource, TaskState
from carecoord_desktop.store import keystore
from carecoord_desktop.store.workspace import Workspace
from tests_support import staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


@pytest.fixture
def nurse(ws, admin):
    return staff(ws, admin, Role.NURSE, "nina.zhang")


def _add(ws, actor, title, **kw):
    return edit.create_task(ws, actor, TaskDraft(title=title, **kw)).value


def _titles(board, state=TaskState.TODO):
    return [c.title for c in board.columns[state]]


def test_a_new_task_lands_at_the_bottom_of_to_do_with_its_patient_and_queue(ws, admin, pid):
    _add(ws, admin, "First")
    made = edit.create_task(
        ws, admin, TaskDraft(title="Call about results", patient_id=pid, owner_role="nurse")
    )
    card = made.value
    assert made.changes.touches([Kind.TASKS], pid)
    assert card.state == TaskState.TODO and card.owner_label == "Nurses"
    assert card.patient_name == "QUILL, Ada" and card.source == TaskSource.MANUAL
    b = boards.board(ws, admin, BoardFilter(today=TODAY))
    assert _titles(b) == ["First", "Call about results"]
    assert b.open_total == 2


def test_bad_input_gets_a_clear_message_and_nothing_is_saved(ws, admin, pid):
    with pytest.raises(ValidationError, match="title"):
        edit.create_task(ws, admin, TaskDraft(title="   "))
    with pytest.raises(ValidationError, match="queue"):
        edit.create_task(ws, admin, TaskDraft(title="x", owner_role="plumbers"))
    with pytest.raises(ValidationError, match="urgent"):
        edit.create_task(ws, admin, TaskDraft(title="x", priority="whenever"))
    with pytest.raises(ValidationError, match="owner"):
        edit.create_task(ws, admin, TaskDraft(title="x", owner_id=999))
    assert boards.board(ws, admin).open_total == 0


def test_moves_keep_their_order_across_columns_and_reads(ws, admin):
    a, b, c = (_add(ws, admin, t) for t in "ABC")
    edit.move_task(ws, admin, c.id, TaskState.TODO, before_id=a.id, version=c.version)
    assert _titles(boards.board(ws, admin)) == ["C", "A", "B"]
    edit.move_task(ws, admin, a.id, TaskState.IN_PROGRESS, version=a.version)
    edit.move_task(ws, admin, b.id, "in_progress", before_id=a.id)
    got = boards.board(ws, admin)
    assert _titles(got) == ["C"]
    assert _titles(got, TaskState.IN_PROGRESS) == ["B", "A"]
    # Moving down past the last card: before nothing is the bottom.
    edit.move_task(ws, admin, b.id, "in_progress")
    assert _titles(boards.board(ws, admin), TaskState.IN_PROGRESS) == ["A", "B"]


def test_many_moves_into_the_same_gap_keep_a_strict_order(ws, admin):
    _add(ws, admin, "first")
    second = _add(ws, admin, "second")
    for n in range(60):  # halves the gap each time: the column is renumbered when it wears thin
        card = _add(ws, admin, f"n{n}")
        edit.move_task(ws, admin, card.id, "todo", before_id=second.id)
    titles = _titles(boards.board(ws, admin))
    assert titles == ["first", *[f"n{n}" for n in range(60)], "second"]


def test_into_done_completes_and_out_of_done_reopens(ws, admin):
    card = _add(ws, admin, "Send letter")
    done = edit.complete_task(ws, admin, card.id).value
    assert done.state == TaskState.DONE and done.completed_at is not None
    detail = boards.get_task(ws, admin, card.id)
    assert detail.completed_by_name == admin.full_name
    again = edit.move_task(ws, admin, card.id, "todo").value
    assert again.completed_at is None
    actions = [h.action for h in boards.get_task(ws, admin, card.id).history]
    assert actions == ["reopened", "completed", "created"]


def test_claiming_a_role_task_takes_it_out_of_the_queue(ws, admin, nurse):
    card = _add(ws, admin, "Book a review", owner_role="nurse")
    queue = BoardFilter(my_queue=True)
    assert [c.id for c in boards.board(ws, nurse, queue).cards()] == [card.id]
    claimed = edit.claim_task(ws, nurse, card.id, version=card.version).value
    assert claimed.owner_name == nurse.full_name and claimed.owner_role == "nurse"
    assert boards.board(ws, nurse, queue).cards() == []
    assert [c.id for c in boards.board(ws, nurse, BoardFilter(mine=True)).cards()] == [card.id]
    other = staff(ws, admin, Role.NURSE, "nora.bell")
    with pytest.raises(ValidationError, match="Nina Zhang already has"):
        edit.claim_task(ws, other, card.id)
    edit.release_task(ws, nurse, card.id)
    assert [c.id for c in boards.board(ws, other, queue).cards()] == [card.id]


def test_filters_each_narrow_the_board(ws, admin, pid, nurse):
    overdue = _add(ws, admin, "late", due_date=TODAY - timedelta(days=1), patient_id=pid)
    this_week = _add(ws, admin, "sunday", due_date=date(2026, 12, 6), owner_id=nurse.user_id)
    _add(ws, admin, "next week", due_date=date(2026, 12, 7))
    _add(ws, admin, "no date")

    def ids(**kw):
        return {c.id for c in boards.board(ws, nurse, BoardFilter(today=TODAY, **kw)).cards()}

    assert ids(overdue=True) == {overdue.id}
    assert ids(due_this_week=True) == {this_week.id}
    assert ids(patient_id=pid) == {overdue.id}
    assert ids(mine=True) == {this_week.id}
    assert ids(source="manual") == ids() and ids(source="discharge") == set()
    edit.complete_task(ws, admin, overdue.id)
    assert ids(overdue=True) == set()  # done is not overdue


def test_comments_and_checklist_show_on_the_card_and_in_the_detail(ws, admin, pid):
    card = _add(ws, admin, "Referral letter", patient_id=pid)
    edit.add_comment(ws, admin, card.id, "Waiting for the specialist's fax")
    one = edit.add_check_item(ws, admin, card.id, "Draft").value
    edit.add_check_item(ws, admin, card.id, "Send")
    edit.set_check_item(ws, admin, one.id, True, version=one.version)
    got = boards.board(ws, admin).cards()[0]
    assert (got.checklist_done, got.checklist_total, got.comment_count) == (1, 2, 1)
    detail = boards.get_task(ws, admin, card.id)
    assert [i.text for i in detail.checklist] == ["Draft", "Send"]
    assert detail.checklist[0].done and not detail.checklist[1].done
    assert detail.comments[0].body == "Waiting for the specialist's fax"
    with pytest.raises(StaleEditError):  # ticked already at version 1
        edit.set_check_item(ws, admin, one.id, False, version=one.version)


def test_the_audit_log_holds_ids_not_task_text(ws, admin, pid):
    card = _add(ws, admin, "Discuss Mrs Quill's dementia", patient_id=pid)
    edit.add_comment(ws, admin, card.id, "very private words")
    events, _ = audit.list_events(ws, admin, limit=200)
    texts = " ".join(f"{e.detail} {e.record_id}" for e in events)
    assert "dementia" not in texts and "private" not in texts
    assert any(e.record_type == "task" and e.record_id == str(card.id) for e in events)


def test_open_task_counts_per_patient(ws, admin, pid):
    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="Bo", family_name="Ng", date_of_birth=date(1950, 1, 1))
    ).value.id
    for n in range(3):
        _add(ws, admin, f"t{n}", patient_id=pid)
    done = _add(ws, admin, "done", patient_id=other)
    edit.complete_task(ws, admin, done.id)
    assert boards.open_task_counts(ws, admin, [pid, other, 12345]) == {pid: 3}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_works_the_board(ws, admin, role):
    who = staff(ws, admin, role, f"{role.value}.person")
    card = _add(ws, who, "Something", owner_role=role.value)
    edit.claim_task(ws, who, card.id)
    edit.move_task(ws, who, card.id, "in_progress")
    assert boards.board(ws, who, BoardFilter(mine=True)).cards()[0].state == TaskState.IN_PROGRESS


def test_a_signed_out_or_unknown_role_is_refused(ws, admin, monkeypatch):
    from carecoord_desktop.services import permissions

    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.RECEPTION, frozenset())
    who = staff(ws, admin, Role.RECEPTION, "rita.desk")
    with pytest.raises(PermissionDeniedError):
        boards.board(ws, who)


# -- two workstations -------------------------------------------------------------------------
@pytest.fixture
def second(ws):
    other = Workspace.open(ws.folder, key=keystore.load_key(ws.id))
    yield other
    other.close()


def test_two_workstations_moving_the_same_card_get_a_conflict_not_a_lost_move(
    ws, second, admin, nurse
):
    card = _add(ws, admin, "Chase discharge summary")
    gp = staff(ws, admin, Role.GP, "greg.lee")
    edit.move_task(second, gp, card.id, "waiting", version=card.version)
    with pytest.raises(StaleEditError) as caught:
        edit.move_task(ws, nurse, card.id, "in_progress", version=card.version)
    assert "Greg Lee" in str(caught.value) and "this task" in str(caught.value)
    assert boards.board(ws, admin).cards()[0].state == TaskState.WAITING


def test_a_merge_moves_the_tasks_discharges_and_minutes_to_the_kept_record(ws, admin, pid):
    from carecoord_desktop.services.tasks import minutes, transitions

    twin = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Ada", family_name="Quil", date_of_birth=date(1948, 3, 9)),
    ).value.id
    card = _add(ws, admin, "Call her", patient_id=twin)
    transitions.record_discharge(ws, admin, twin, discharged=date(2026, 11, 20), facility="RNS")
    minutes.add_minutes(ws, admin, twin, minutes=12, activity="calls", work_date=TODAY)
    merged = patients.merge_patients(ws, admin, pid, twin)
    assert merged.changes.touches([Kind.TASKS], pid)
    assert {c.patient_id for c in boards.board(ws, admin).cards()} == {pid}
    assert boards.open_task_counts(ws, admin, [pid, twin]) == {pid: 5}
    assert transitions.list_transitions(ws, admin, pid)[0].facility == "RNS"
    assert [r.patient_id for r in minutes.monthly_totals(ws, admin, TODAY)] == [pid]
    with pytest.raises(StaleEditError):  # the card moved with the record: it changed
        edit.move_task(ws, admin, card.id, "in_progress", version=card.version)


def test_the_list_view_reads_ids_sorted_in_sql_then_rows_in_blocks(ws, admin, pid):
    late = _add(ws, admin, "b late", due_date=TODAY, priority="low", patient_id=pid)
    soon = _add(ws, admin, "a soon", due_date=TODAY - timedelta(days=2), priority="urgent")
    undated = _add(ws, admin, "c none")
    assert boards.task_ids(ws, admin, sort="due") == [soon.id, late.id, undated.id]
    assert boards.task_ids(ws, admin, sort="priority")[0] == soon.id
    assert boards.task_ids(ws, admin, sort="title", descending=True)[0] == undated.id
    rows = boards.task_rows(ws, admin, [undated.id, 999, soon.id])
    assert [r.id for r in rows] == [undated.id, soon.id]  # in the order asked; gone left out
    assert [c.id for c in boards.patient_tasks(ws, admin, pid)] == [late.id]
    with pytest.raises(ValueError, match="unknown sort"):
        boards.task_ids(ws, admin, sort="colour")
    with pytest.raises(ValidationError, match="Choose a source"):
        boards.board(ws, admin, BoardFilter(source="gossip"))


def test_moving_a_queue_task_into_in_progress_claims_it_for_the_mover(ws, admin, pid):
    nurse = staff(ws, admin, Role.NURSE, "nina.start")
    queued = _add(ws, admin, "Ring about the results", owner_role="nurse", patient_id=pid)
    moved = edit.move_task(ws, nurse, queued.id, TaskState.IN_PROGRESS).value
    assert moved.owner_id == nurse.user_id and moved.owner_role == "nurse"
    history = boards.get_task(ws, nurse, queued.id).history
    assert any("claimed from" in h.detail for h in history)
    waiting = edit.move_task(ws, nurse, moved.id, TaskState.WAITING).value
    assert waiting.owner_id == nurse.user_id  # hers until she gives it back
    other = _add(ws, admin, "Someone's own task", owner_id=admin.user_id)
    assert edit.move_task(ws, nurse, other.id, TaskState.IN_PROGRESS).value.owner_id == (
        admin.user_id
    )  # a task with an owner keeps them
