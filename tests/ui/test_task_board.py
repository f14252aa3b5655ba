"""The task board on a real encrypted demo practice: cards move by drag and drop (the view's
drop path with the board's own mime data) and by keyboard, a role's task is claimed, filters
narrow the board, a card opens its patient's record, and a move another workstation beat is
refused with a message and a reload."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import workspaces
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks.types import BoardFilter, TaskSource, TaskState
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.screens import record_sections
from carecoord_desktop.ui.tasks.columns import MIME, decode_cards
from carecoord_desktop.ui.tasks.screen import TaskBoardScreen
from task_board_support import seed_board, state_for
from tests_support import save_shot


@pytest.fixture
def made(demo_copy):
    practice = demo_copy(25, 11)
    seed_board(practice, tasks=30)
    return practice


def _screen(qtbot, state, open_record=None) -> TaskBoardScreen:
    screen = TaskBoardScreen(state, open_record or (lambda pid: None))
    qtbot.addWidget(screen)
    screen.resize(1360, 820)
    screen.show()
    qtbot.waitUntil(lambda: screen.loads >= 1)
    return screen


def _reloaded(qtbot, screen, before: int) -> None:
    qtbot.waitUntil(lambda: screen.loads > before and not screen.loading)


def _stored(state, task_id):
    return boards.get_task(state.ws, state.actor, task_id).card


def test_board_shows_every_open_task_in_its_column(qtbot, qtmodeltester, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    truth = boards.board(state.ws, state.actor, BoardFilter())
    for column in TaskState:
        model = screen.board.models[column]
        assert [c.id for c in model.cards] == [c.id for c in truth.columns[column]]
        qtmodeltester.check(model)
    assert f"{truth.open_total} open" in screen.count.text()
    todo = screen.board.headers[TaskState.TODO].text()
    assert todo.startswith("To do") and str(len(truth.columns[TaskState.TODO])) in todo


def test_drag_a_card_to_another_column_through_the_views_drop(qtbot, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    source = screen.board.views[TaskState.TODO]
    target = screen.board.views[TaskState.WAITING]
    card = source.column_model().cards[0]
    above = target.column_model().cards[1]
    drag = source.model().mimeData([source.model().index(0, 0)])
    assert decode_cards(drag) == [{"id": card.id, "version": card.version, "state": "todo"}]
    # Dropped on the upper part of the second card of Waiting: it lands above that card.
    rect = target.visualRect(target.model().index(1, 0))
    where = QPointF(rect.center().x(), rect.top() + 3)
    event = QDropEvent(
        where,
        Qt.DropAction.MoveAction,
        drag,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    target.dropEvent(event)
    stored = _stored(state, card.id)
    assert stored.state == TaskState.WAITING
    cards = [c.id for c in target.column_model().cards]
    assert cards.index(card.id) == cards.index(above.id) - 1
    assert screen.board.views[TaskState.TODO].column_model().row_of(card.id) is None
    # The order persists: a fresh read of the board has it in the same place.
    column = boards.board(state.ws, state.actor).columns[TaskState.WAITING]
    ids = [c.id for c in column]
    assert ids.index(card.id) == ids.index(above.id) - 1


def test_a_drop_of_foreign_mime_data_moves_nothing(qtbot, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    model = screen.board.models[TaskState.DONE]
    junk = QMimeData()
    junk.setData(MIME, b"not json")
    assert not model.canDropMimeData(junk, Qt.DropAction.MoveAction, 0, 0, model.index(-1, 0))
    before = boards.board(state.ws, state.actor)
    assert not model.dropMimeData(junk, Qt.DropAction.MoveAction, 0, 0, model.index(-1, 0))
    after = boards.board(state.ws, state.actor)
    assert [c.id for c in after.cards()] == [c.id for c in before.cards()]


def test_keyboard_moves_a_card_across_and_within_columns(qtbot, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    view = screen.board.views[TaskState.TODO]
    card = view.column_model().cards[0]
    view.setFocus()
    view.select_task(card.id)
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert _stored(state, card.id).state == TaskState.IN_PROGRESS
    moved = screen.board.views[TaskState.IN_PROGRESS]
    assert moved.current_card().id == card.id and moved.column_model().cards[0].id == card.id
    QTest.keyClick(moved, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    column = [c.id for c in boards.board(state.ws, state.actor).columns[TaskState.IN_PROGRESS]]
    assert column.index(card.id) == 1
    assert [c.id for c in moved.column_model().cards] == column
    QTest.keyClick(moved, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    column = [c.id for c in boards.board(state.ws, state.actor).columns[TaskState.IN_PROGRESS]]
    assert column.index(card.id) == 0
    # The menu names the same keys.
    shortcuts = {
        a.text(): a.shortcut().toString()
        for a in (screen.left_action, screen.right_action, screen.up_action, screen.down_action)
    }
    assert set(shortcuts.values()) == {"Ctrl+Left", "Ctrl+Right", "Ctrl+Up", "Ctrl+Down"}


def test_claim_a_task_from_my_roles_queue(qtbot, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    screen.filter_buttons["my_queue"].click()
    _reloaded(qtbot, screen, 1)
    queued = [c for c in screen.board.models[TaskState.TODO].cards]
    assert queued and all(c.owner_id is None and c.owner_role == "nurse" for c in queued)
    card = queued[0]
    screen.board.select_task(card.id)
    screen._card_menu(card, QPoint(10, 10))
    assert screen.claim_action in screen._menu.actions()
    screen._menu.close()
    screen.claim_action.trigger()
    stored = _stored(state, card.id)
    assert stored.owner_id == state.actor.user_id and stored.owner_role == "nurse"
    shown = screen.board.card(card.id)
    assert shown is not None and shown.owner_name == state.actor.full_name


def test_filters_narrow_the_board(qtbot, qtmodeltester, made):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    today = date.today()
    loads = screen.loads
    screen.filter_buttons["mine"].click()
    _reloaded(qtbot, screen, loads)
    mine = screen.board.models[TaskState.TODO].cards + screen.board.models[TaskState.WAITING].cards
    assert mine and all(c.owner_id == state.actor.user_id for c in mine)
    screen.clear_filters()
    loads = screen.loads
    screen.filter_buttons["overdue"].click()
    _reloaded(qtbot, screen, loads)
    shown = [c for m in screen.board.models.values() for c in m.cards]
    assert shown and all(c.is_overdue(today) for c in shown)
    assert not screen.board.models[TaskState.DONE].cards
    screen.clear_filters()
    loads = screen.loads
    screen.source_box.setCurrentIndex(screen.source_box.findData(TaskSource.DISCHARGE.value))
    _reloaded(qtbot, screen, loads)
    shown = [c for m in screen.board.models.values() for c in m.cards]
    truth = boards.board(state.ws, state.actor, BoardFilter(source=TaskSource.DISCHARGE))
    assert sorted(c.id for c in shown) == sorted(c.id for c in truth.cards())
    assert shown and all(c.source == TaskSource.DISCHARGE for c in shown)
    # The patient filter, from a card's menu; the list view shows the same tasks.
    card = shown[0]
    loads = screen.loads
    screen.only_patient(card)
    _reloaded(qtbot, screen, loads)
    shown = [c for m in screen.board.models.values() for c in m.cards]
    assert shown and {c.patient_id for c in shown} == {card.patient_id}
    screen.list_button.click()
    qtbot.waitUntil(lambda: not screen.list_model.querying)
    qtmodeltester.check(screen.list_model)
    assert sorted(screen.list_model.ids) == sorted(c.id for c in shown)
    qtbot.waitUntil(lambda: not screen.list_model.fetching)
    save_shot(screen, "task_list_one_patient.png")


def test_open_the_patients_record_from_a_card(qtbot, made):
    state = state_for(made, Role.COORDINATOR)
    opener = RecordOpener(state, sections=record_sections())
    screen = _screen(qtbot, state, opener.open)
    card = next(c for c in screen.board.models[TaskState.TODO].cards if c.patient_id)
    screen.board.select_task(card.id)
    screen.record_action.trigger()
    window = opener.window_for(card.patient_id)
    assert window is not None and window.isVisible()
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Tasks" in tabs
    detail = screen.open_detail(card.id)
    qtbot.addWidget(detail)
    assert detail.record_button.isVisible()
    window.close()
    qtbot.waitUntil(lambda: opener.window_for(card.patient_id) is None)
    detail.record_button.click()
    assert opener.window_for(card.patient_id).isVisible()
    opener.close_all()


def test_a_move_another_workstation_made_first_is_refused_and_reloaded(qtbot, made, tmp_path):
    state = state_for(made, Role.NURSE)
    screen = _screen(qtbot, state)
    view = screen.board.views[TaskState.TODO]
    card = view.column_model().cards[0]
    # A second workstation: its own connection to the same encrypted workspace folder.
    other = workspaces.open_workspace(made.workspace.folder, recovery_key=made.recovery_key)
    try:
        task_edit.move_task(other, state.actor, card.id, TaskState.WAITING)
    finally:
        other.close()
    view.setFocus()
    view.select_task(card.id)
    loads = screen.loads
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert screen.banner.isVisible()
    said = screen.banner.text()
    assert "moved to waiting" in said and "board now shows it" in said and "again" in said
    assert said.count("again") == 1  # said once
    _reloaded(qtbot, screen, loads)
    # Nothing lost: the other workstation's move stands and the board shows it.
    assert _stored(state, card.id).state == TaskState.WAITING
    assert screen.board.models[TaskState.WAITING].row_of(card.id) is not None
    assert screen.board.models[TaskState.IN_PROGRESS].row_of(card.id) is None
    save_shot(screen, "task_board_conflict.png")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_opens_the_board(qtbot, made, role):
    state = state_for(made, role)
    screen = _screen(qtbot, state)
    assert not screen.banner.isVisible()
    assert sum(len(m.cards) for m in screen.board.models.values()) > 0


def test_opening_the_board_opens_the_review_tasks_that_fell_due(qtbot, made):
    from datetime import timedelta

    from carecoord_desktop.services.careplans import plans
    from carecoord_desktop.services.careplans.types import PlanDraft
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    gp = state_for(made, Role.GP)
    pid = patients.create_patient(
        gp.ws, gp.actor, PatientDraft("Rhoda", "Review", date(1944, 5, 6))
    ).value.id
    draft = PlanDraft(patient_id=pid, status="active", review_interval_weeks=13,
                      period_start=date.today() - timedelta(days=100))  # fmt: skip
    plans.create_plan(gp.ws, gp.actor, draft)
    state = state_for(made, Role.COORDINATOR)
    published = []
    state.changes_published.connect(published.append)
    screen = _screen(qtbot, state)
    todo = screen.board.models[TaskState.TODO]
    qtbot.waitUntil(lambda: any(c.patient_id == pid for c in todo.cards))
    [card] = [c for c in todo.cards if c.patient_id == pid]
    assert card.source == TaskSource.PLAN and card.title == "Care plan review due"
    assert any(ch.touches({Kind.TASKS}, pid) for ch in published)  # the other screens hear
    before = screen.loads
    screen.reload()
    _reloaded(qtbot, screen, before)
    assert [c.patient_id for c in screen.board.models[TaskState.TODO].cards].count(pid) == 1


def test_the_board_says_how_many_referrals_are_open_and_names_a_patients(qtbot, made):
    from datetime import timedelta

    from carecoord_desktop.services.referrals import directory, reading
    from carecoord_desktop.services.referrals import referrals as refs
    from carecoord_desktop.services.referrals.types import ReferralDraft, ResourceDraft

    state = state_for(made, Role.COORDINATOR)
    ws, actor = state.ws, state.actor
    pid = boards.board(ws, actor).cards()[0].patient_id
    service = directory.add_resource(
        ws, actor, ResourceDraft(name="Harbour Podiatry Clinic", category="other", area="Test")
    ).value
    ref = refs.create_referral(
        ws, actor, pid, ReferralDraft("resource", service, "Foot check: diabetes")
    ).value
    refs.send_referral(ws, actor, ref, via="fax", on=date.today() - timedelta(days=40))
    everyone = reading.open_referrals(ws, actor)
    screen = _screen(qtbot, state)
    line = screen.referrals_line.text()
    assert screen.referrals_line.isVisible()
    assert f"Open referrals: {len(everyone)}," in line
    assert f"{sum(r.overdue for r in everyone)} waiting too long" in line
    loads = screen.loads
    screen.only_patient(boards.board(ws, actor).cards()[0])
    _reloaded(qtbot, screen, loads)
    line = screen.referrals_line.text()
    assert line.startswith("Open referrals for this patient:")
    assert "Harbour Podiatry Clinic — sent, 40 days (too long)" in line
    save_shot(screen, "task_board_open_referrals.png")
