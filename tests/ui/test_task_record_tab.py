"""The record window's Tasks tab: open tasks and transition clocks, a discharge that opens its
follow-ups, a contact (a voicemail alone keeps the contact task open), and the minutes timer,
which lives in the database and so survives a lock and another user's session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from carecoord_desktop.models.staff import Role
from carecoord_desktop.models.task import ContactMethod
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import minutes
from carecoord_desktop.ui.shell.main_window import MainWindow
from carecoord_desktop.ui.tasks.record_tab import TasksSection
from carecoord_desktop.ui.tasks.transitions import ContactDialog, TransitionDialog
from task_board_support import patient_ids, seed_board, sign_in, state_for
from tests_support import save_shot


@pytest.fixture
def made(demo_copy):
    practice = demo_copy(25, 11)
    seed_board(practice, tasks=12)
    return practice


def _tasks_tab(window) -> TasksSection:
    for i in range(window.tabs.count()):
        if window.tabs.tabText(i) == "Tasks":
            window.tabs.setCurrentIndex(i)
            return window.tabs.widget(i)
    raise AssertionError("no Tasks tab")


@pytest.fixture
def window(qtbot, made, tmp_path):
    state = state_for(made, Role.NURSE)
    main = MainWindow(state, settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(main)
    main.show()
    yield main
    main.opener.close_all()


def _new_patient(made, actor) -> int:
    """A patient with no timer of the actor's running (the demo's seed may have left some)."""
    ws = made.workspace
    timed = {t.patient_id for t in minutes.my_timers(ws, actor)}
    return next(p for p in reversed(patient_ids(ws, actor)) if p not in timed)


def test_record_a_discharge_shows_its_clocks_and_tasks(qtbot, qtmodeltester, window, made):
    pid = _new_patient(made, window.state.actor)
    record = window.opener.open(pid)
    tab = _tasks_tab(record)
    before = tab.model.rowCount()
    tab.record_transition("discharge")
    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, TransitionDialog) and w.isVisible()
    )
    dialog.day.set_value(datetime.now().date() - timedelta(days=1))
    dialog.facility.setText("Westmead Hospital")
    dialog.complexity.setCurrentIndex(dialog.complexity.findData("high"))
    with qtbot.waitSignal(window.state.changes_published):
        dialog.save()
    qtbot.waitUntil(lambda: tab.model.rowCount() == before + 4)
    qtmodeltester.check(tab.model)
    titles = {tab.model.row_at(r).title for r in range(tab.model.rowCount())}
    assert any("Interactive contact" in t for t in titles)
    assert any("7 days" in t for t in titles)  # high complexity: face-to-face within 7 days
    clock = tab.clock_area.itemAt(0).widget()  # newest first
    words = clock.findChild(type(tab.empty)).text()
    assert "Westmead Hospital" in words and "Contact: due" in words
    record.resize(1100, 860)
    save_shot(record, "record_tasks_after_discharge.png")


def test_a_voicemail_keeps_the_contact_task_open_and_a_call_closes_it(qtbot, window, made):
    pid = patient_ids(made.workspace, window.state.actor)[1]  # discharged by the seed
    record = window.opener.open(pid)
    tab = _tasks_tab(record)

    def contact():
        return [
            tab.model.row_at(r)
            for r in range(tab.model.rowCount())
            if tab.model.row_at(r).kind == "contact"
        ]

    assert len(contact()) == 1
    stay_id = int(contact()[0].source_id)

    def record_contact(method: ContactMethod) -> None:
        tab.record_contact(stay_id, "the discharge")
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ContactDialog) and w.isVisible()
        )
        dialog.method.setCurrentIndex(dialog.method.findData(method.value))
        dialog.with_whom.setText("daughter (carer)")
        with qtbot.waitSignal(window.state.changes_published):
            dialog.save()
        assert not dialog.isVisible()

    record_contact(ContactMethod.VOICEMAIL)
    assert len(contact()) == 1  # still open
    words = tab.clock_area.itemAt(0).widget().findChild(type(tab.empty)).text()
    assert "not yet reached" in words
    record_contact(ContactMethod.PHONE_ANSWERED)
    assert contact() == []
    words = tab.clock_area.itemAt(0).widget().findChild(type(tab.empty)).text()
    assert "contact made" in words


def test_the_timer_survives_a_lock_and_another_users_session(qtbot, window, made):
    nurse = window.state.actor
    pid = _new_patient(made, nurse)
    tab = _tasks_tab(window.opener.open(pid))
    panel = tab.minutes
    panel.start_button.click()
    assert panel.clock_state.text().startswith("Running") and panel.tick.isActive()
    started = next(t for t in minutes.my_timers(made.workspace, nurse) if t.patient_id == pid)
    window.lock()
    window.unlock(sign_in(made, Role.GP))  # another user: the nurse's windows are closed
    assert window.opener.window_for(pid) is None
    window.lock()
    again = sign_in(made, Role.NURSE)
    window.unlock(again)
    tab = _tasks_tab(window.opener.open(pid))
    panel = tab.minutes
    assert panel.clock_state.text().startswith("Running")
    assert panel.timer_row.id == started.id and panel.timer_row.started_at == started.started_at
    panel.pause_button.click()
    assert panel.clock_state.text().startswith("Paused") and not panel.tick.isActive()
    # What the widget shows is the stored timer's time.
    stored = next(t for t in minutes.my_timers(made.workspace, again) if t.patient_id == pid)
    assert (
        panel.clock.text() == f"{stored.elapsed_at(datetime.now(UTC)) // 3600}:"
        f"{stored.elapsed_at(datetime.now(UTC)) % 3600 // 60:02d}:"
        f"{stored.elapsed_at(datetime.now(UTC)) % 60:02d}"
    )


def test_manual_minutes_add_to_this_months_total(qtbot, window, made):
    pid = patient_ids(made.workspace, window.state.actor)[1]  # 18 minutes from the seed
    tab = _tasks_tab(window.opener.open(pid))
    panel = tab.minutes

    def total() -> int:
        entries, _ = minutes.patient_month(made.workspace, window.state.actor, pid, date.today())
        return sum(e.minutes for e in entries)

    before = total()
    assert f"This month: {before} min" in panel.total.text()
    panel.manual_minutes.setValue(5)
    panel.manual_activity.setText("Called the chemist about the dose change")
    add = next(b for b in panel.findChildren(type(panel.start_button)) if "Add" in b.text())
    add.click()
    assert total() == before + 5 and f"This month: {before + 5} min" in panel.total.text()
    # No activity: refused with the reason, nothing added.
    panel.manual_activity.clear()
    add.click()
    assert panel.error.isVisible() and total() == before + 5


def test_reception_sees_tasks_but_cannot_record_a_discharge(qtbot, made, tmp_path):
    state = state_for(made, Role.RECEPTION)
    main = MainWindow(state, settings_path=tmp_path / "ui.ini")
    qtbot.addWidget(main)
    pid = patient_ids(made.workspace, state.actor)[1]
    tab = _tasks_tab(main.opener.open(pid))
    assert tab.model.rowCount() == len(
        boards.patient_tasks(made.workspace, state.actor, pid, include_done=False)
    )
    assert not tab.transition_buttons["discharge"].isVisibleTo(tab)
    main.opener.close_all()
