"""A task's detail window and the new-task form: comments, a checklist and the history they
write, a role's task claimed from the detail, a discharge contact that cannot be closed without
a contact or a reason, and bad input that keeps what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import minutes
from carecoord_desktop.services.tasks.types import BoardFilter, TaskSource, TaskState
from carecoord_desktop.ui.tasks.form import TaskFormDialog
from carecoord_desktop.ui.tasks.screen import TaskBoardScreen
from task_board_support import patient_ids, seed_board, state_for
from tests_support import save_shot


@pytest.fixture
def made(demo_copy):
    practice = demo_copy(25, 11)
    seed_board(practice, tasks=12)
    return practice


@pytest.fixture
def screen(qtbot, made):
    state = state_for(made, Role.NURSE)
    widget = TaskBoardScreen(state, lambda pid: None)
    qtbot.addWidget(widget)
    widget.resize(1360, 820)
    widget.show()
    qtbot.waitUntil(lambda: widget.loads >= 1)
    return widget


def test_comments_checklist_and_history(qtbot, qtmodeltester, screen):
    state = screen.state
    card = next(
        c
        for c in screen.board.models[TaskState.TODO].cards
        if c.patient_id and not c.checklist_total and not c.comment_count
    )
    dialog = screen.open_detail(card.id)
    qtbot.addWidget(dialog)
    assert dialog.heading.text() == card.title
    dialog.comment_box.setPlainText("Left a message with the daughter; try again after 2pm")
    dialog.add_comment()
    assert dialog.comment_box.toPlainText() == ""
    assert "try again after 2pm" in dialog.comments.item(0).text()
    assert dialog.tabs.tabText(1) == "Comments (1)"
    dialog.new_item.setText("Confirm the new dose with the pharmacy")
    dialog.add_item()
    dialog.new_item.setText("Update the medicines list")
    dialog.add_item()
    assert dialog.checklist.count() == 2 and dialog.tabs.tabText(0) == "Checklist (0/2)"
    dialog.checklist.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.tabs.tabText(0) == "Checklist (1/2)"
    stored = boards.get_task(state.ws, state.actor, card.id)
    assert [i.done for i in stored.checklist] == [True, False]
    assert [c.body for c in stored.comments] == [
        "Left a message with the daughter; try again after 2pm"
    ]
    history = [dialog.history.item(i).text() for i in range(dialog.history.count())]
    assert any("commented" in h for h in history) and any("ticked" in h for h in history)
    # The board's card shows the checklist and the comment after the notices.
    qtbot.waitUntil(lambda: (screen.board.card(card.id) or card).checklist_total == 2)
    assert screen.board.card(card.id).comment_count == 1
    dialog.tabs.setCurrentIndex(2)
    save_shot(dialog, "task_detail_history.png")
    # An empty comment is not sent.
    dialog.add_comment()
    assert boards.get_task(state.ws, state.actor, card.id).comments == stored.comments


def test_claim_from_the_detail_and_give_it_back(qtbot, screen):
    state = screen.state
    card = next(
        c
        for c in screen.board.models[TaskState.TODO].cards
        if c.owner_id is None and c.owner_role == "nurse"
    )
    dialog = screen.open_detail(card.id)
    qtbot.addWidget(dialog)
    assert dialog.claim_button.isVisible() and "Nurses" in dialog.claim_button.toolTip()
    dialog.claim_button.click()
    assert boards.get_task(state.ws, state.actor, card.id).card.owner_id == state.actor.user_id
    assert not dialog.claim_button.isVisible() and dialog.release_button.isVisible()
    assert dialog.labels["owner"].text() == state.actor.full_name
    dialog.release_button.click()
    assert boards.get_task(state.ws, state.actor, card.id).card.owner_id is None


def test_closing_a_discharge_contact_asks_why_without_a_contact(qtbot, screen, monkeypatch):
    state = screen.state
    contact = next(
        c
        for c in boards.board(
            state.ws, state.actor, BoardFilter(source=TaskSource.DISCHARGE)
        ).cards()
        if c.kind == "contact"
    )
    answers = iter([("", False), ("Patient moved interstate; GP there informed", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    # Cancelled: nothing moves, the reason it needs one is said.
    assert not screen.move_card(contact.id, contact.version, TaskState.DONE, None)
    assert screen.banner.isVisible() and "voicemail" in screen.banner.text()
    assert boards.get_task(state.ws, state.actor, contact.id).card.state != TaskState.DONE
    # With a reason it closes, and the detail says why.
    assert screen.move_card(contact.id, contact.version, TaskState.DONE, None)
    detail = boards.get_task(state.ws, state.actor, contact.id)
    assert detail.card.state == TaskState.DONE and "interstate" in detail.resolution


def test_new_task_form_refuses_a_blank_title_and_keeps_the_input(qtbot, screen, made):
    state = screen.state
    screen.new_task()
    form = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, TaskFormDialog) and w.isVisible()
    )
    form.details.setPlainText("Bring the Webster pack to the next visit")
    form.due.edit.setText("31/02/2027")
    form.save()
    assert form.isVisible() and form.error.isVisible()
    form.title.setText("Ask about the Webster pack")
    form.save()
    assert form.isVisible() and "date" in form.error.text().lower()
    assert form.details.toPlainText() == "Bring the Webster pack to the next visit"
    form.due.edit.setText("")
    form.patient.edit.setText(
        boards.get_task(
            state.ws, state.actor, screen.board.models[TaskState.TODO].cards[0].id
        ).card.practice_id
        or "P000001"
    )
    form.patient.search()
    pid = form.patient.patient_id
    assert pid in patient_ids(state.ws, state.actor)
    save_shot(form, "task_new_form.png")
    loads = screen.loads
    form.save()
    assert not form.isVisible()
    qtbot.waitUntil(lambda: screen.loads > loads)
    todo = screen.board.models[TaskState.TODO].cards
    new = next(c for c in todo if c.title == "Ask about the Webster pack")
    assert new.patient_id == pid and new.owner_role == "nurse" and new.owner_id is None


def test_edit_gives_the_task_to_a_person_and_a_new_due_date(qtbot, screen):
    state = screen.state
    card = next(c for c in screen.board.models[TaskState.TODO].cards if c.owner_role == "nurse")
    dialog = screen.open_detail(card.id)
    qtbot.addWidget(dialog)
    dialog.edit()
    form = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, TaskFormDialog) and w.isVisible()
    )
    assert form.owner.currentData() == (f"user:{card.owner_id}" if card.owner_id else "role:nurse")
    me = form.owner.findData(f"user:{state.actor.user_id}")
    assert me > 0 and "(me)" in form.owner.itemText(me)
    form.owner.setCurrentIndex(me)
    form.due.edit.setText("24/12/2030")
    form.save()
    assert not form.isVisible()
    stored = boards.get_task(state.ws, state.actor, card.id)
    assert stored.card.owner_id == state.actor.user_id and stored.card.owner_role == "nurse"
    assert f"{stored.card.due_date:%d/%m/%Y}" == "24/12/2030"
    assert dialog.labels["due"].text().startswith("Tue 24/12")


def test_the_record_tab_and_the_minutes_report_models(qtbot, qtmodeltester, screen, made):
    from carecoord_desktop.ui.tasks.minutes_report import MinutesReportDialog

    report = MinutesReportDialog(screen.state, lambda pid: None, screen)
    qtbot.addWidget(report)
    report.show()
    qtbot.waitUntil(lambda: not report.loading)
    month = minutes.monthly_totals(screen.state.ws, screen.state.actor, date.today())
    near = [r for r in month if r.threshold.reached or r.threshold.near]
    shown = [report.model.row_at(r) for r in range(report.model.rowCount())]
    assert [r.patient_id for r in shown] == [r.patient_id for r in near]
    qtmodeltester.check(report.model)
    report.only_near.setChecked(False)
    assert report.model.rowCount() == len(month)
    qtmodeltester.check(report.model)
    past_40 = sum(1 for r in month if (r.threshold.reached or 0) >= 40)
    assert f"past 40: {past_40}" in report.summary.text()


def test_record_the_contact_from_the_tasks_detail(qtbot, screen):
    from carecoord_desktop.models.task import ContactMethod

    state = screen.state
    contact = next(
        c
        for c in boards.board(
            state.ws, state.actor, BoardFilter(source=TaskSource.DISCHARGE)
        ).cards()
        if c.kind == "contact" and c.is_open
    )
    dialog = screen.open_detail(contact.id)
    qtbot.addWidget(dialog)
    assert dialog.contact_button.isVisible()
    dialog.contact_button.click()
    form = dialog._contact
    form.method.setCurrentIndex(form.method.findData(ContactMethod.VOICEMAIL.value))
    assert "stays open" in form.method_hint.text()
    form.save()
    assert boards.get_task(state.ws, state.actor, contact.id).card.is_open
    assert dialog.contact_button.isVisible()
    dialog.contact_button.click()
    form = dialog._contact
    form.method.setCurrentIndex(form.method.findData(ContactMethod.PHONE_ANSWERED.value))
    form.save()
    assert boards.get_task(state.ws, state.actor, contact.id).card.state == TaskState.DONE
    assert not dialog.contact_button.isVisible()
    assert "Contact made" in dialog.labels["state"].text()
