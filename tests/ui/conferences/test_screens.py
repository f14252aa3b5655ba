"""The conference lists on real encrypted workspaces, with real widgets: scheduling from the
record's Conferences tab (the invitees pre-ticked, typed date and time, Enter once), the
practice's list (filters, search, Ctrl+O, double-click), one window per conference, the
"Outside providers" screen composing referrals and conferences, and every role on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

import conference_ui_support
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences import meeting
from carecoord_desktop.ui.conferences.record_tab import ConferencesSection
from carecoord_desktop.ui.conferences.screen import ConferencesScreen
from carecoord_desktop.ui.conferences.window import open_conference, open_windows
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.referrals.screen import ReferralsScreen
from carecoord_desktop.ui.shell.screens import (
    SCREENS,
    ScreenContext,
    ShellRequests,
    record_sections,
)
from conference_ui_support import make_state, open_window, schedule
from tests_support import assert_has_text, save_shot

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
team = conference_ui_support.team
moss = conference_ui_support.moss


def _tab(qtbot, state, pid) -> tuple[PatientRecordDialog, ConferencesSection]:
    dialog = PatientRecordDialog(state, pid, sections=record_sections())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, dialog.pages["conferences"]


def _screen(qtbot, state, opened=None) -> ConferencesScreen:
    screen = ConferencesScreen(state, (opened if opened is not None else []).append)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    return screen


def _close_windows(state) -> None:
    for window in open_windows(state):
        window.close()


def test_scheduling_from_the_record_tab_prefills_the_team_and_opens_one_window(
    qtbot, qtmodeltester, ws, team, moss
):
    state = make_state(ws, team["coordinator"])
    dialog, tab = _tab(qtbot, state, moss)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles.index("Conferences") == titles.index("Referrals") + 1
    assert tab.model.rowCount() == 0 and "No care conferences yet" in tab.summary.text()

    new = tab.schedule()
    qtbot.addWidget(new)
    ticked = {new.people.item(n).text().split(" — ")[0]
              for n in range(new.people.count())
              if new.people.item(n).checkState() == Qt.CheckState.Checked}  # fmt: skip
    assert ticked == {"Lena Lee", "Priya Shah", "Tom Reid", "Harold Moss"}
    assert "June Moss" in [
        new.people.item(n).text().split(" — ")[0] for n in range(new.people.count())
    ]  # offered, not ticked
    assert new.team_line.text().startswith("Case-conference team met")

    day = date.today() + timedelta(days=5)
    qtbot.keyClicks(new.date.edit, day.strftime("%d/%m/%Y"))
    qtbot.keyClicks(new.time, "2:15 pm")
    new.place.setText("Meeting room 2")
    save_shot(new, "schedule-dialog.png")
    with qtbot.waitSignal(new.scheduled):
        qtbot.keyClick(new.time, Qt.Key.Key_Return)
    assert not new.isVisible()
    new.accept()  # a second Enter (or a click) as it closes schedules nothing more
    rows = confs.list_conferences(ws, team["coordinator"], patient_id=moss, when="all")
    assert len(rows) == 1
    rec = confs.load_conference(ws, team["coordinator"], rows[0].id)
    assert rec.scheduled_at.astimezone().strftime("%d/%m/%Y %H:%M") == (f"{day:%d/%m/%Y} 14:15")
    assert len(rec.participants) == 4 and rec.agenda  # built from the record at once

    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    qtmodeltester.check(tab.model)
    windows = open_windows(state)
    assert len(windows) == 1  # scheduling opened it
    window = windows[0]
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None)
    assert tab.open_chosen() is window and open_conference(state, rec.id) is window
    assert len(open_windows(state)) == 1
    assert window.state_label.text() == "Agreement not recorded"
    dialog.resize(1280, 800)
    dialog.tabs.setCurrentWidget(tab)
    qtbot.wait(10)
    save_shot(dialog, "record-conferences-tab-1280.png")
    _close_windows(state)


def test_the_schedule_dialog_says_what_is_wrong_at_the_field(qtbot, ws, team, moss):
    state = make_state(ws, team["nurse"])
    _dialog, tab = _tab(qtbot, state, moss)
    new = tab.schedule()
    qtbot.addWidget(new)
    qtbot.keyClicks(new.date.edit, "31/02/2027")
    qtbot.keyClicks(new.time, "25:00")
    new.accept()
    assert new.isVisible() and "February 2027 has 28 days" in new.boxes["date"].problem
    new.date.edit.setText((date.today() + timedelta(days=3)).strftime("%d/%m/%Y"))
    new.accept()
    assert new.isVisible() and "not a time of day" in new.boxes["time"].problem
    new.time.setText("10:30")
    new.video.setText("zoom meeting 123")
    new.accept()
    assert new.isVisible() and "https://" in new.boxes["video_link"].problem
    assert confs.list_conferences(ws, team["nurse"], patient_id=moss, when="all") == []
    new.video.setText("")
    with qtbot.waitSignal(new.scheduled):
        new.accept()
    _close_windows(state)


def test_the_list_filters_searches_and_opens_the_conference_or_the_record(
    qtbot, qtmodeltester, ws, team, moss
):
    coord = team["coordinator"]
    soon = schedule(ws, coord, moss, days=1)  # this week or next: awaiting agreement
    later = schedule(ws, coord, moss, days=40)
    confs.record_agreement(ws, coord, later.id, agreed=True, on=date.today(), how="verbal",
                           base_version=later.version)  # fmt: skip
    held = schedule(ws, coord, moss, days=0.01)
    meeting.start_meeting(ws, coord, held.id)
    meeting.end_meeting(ws, coord, held.id)
    gone = schedule(ws, coord, moss, days=3)
    confs.cancel_conference(ws, coord, gone.id, "Patient in hospital", base_version=gone.version)
    other = conference_ui_support.patients.create_patient(
        ws, coord, conference_ui_support.PatientDraft(
            given_name="Alma", family_name="Quist", date_of_birth=date(1940, 5, 6))
    ).value.id  # fmt: skip
    schedule(ws, coord, other, days=2, questions=None, people=("General practitioner",))

    opened: list[int] = []
    screen = _screen(qtbot, make_state(ws, coord), opened)
    qtmodeltester.check(screen.model)

    def shown() -> list[int]:
        return [screen.model.row_at(n).id for n in range(screen.model.rowCount())]

    assert screen.filter.currentData() == "upcoming"
    assert soon.id in shown() and later.id in shown() and held.id not in shown()
    upcoming = [screen.model.row_at(n).scheduled_at for n in range(screen.model.rowCount())]
    assert upcoming == sorted(upcoming)  # soonest first
    screen.filter.setCurrentIndex(screen.filter.findData("agreement"))
    assert later.id not in shown() and soon.id in shown() and gone.id not in shown()
    screen.filter.setCurrentIndex(screen.filter.findData("held"))
    assert shown() == [held.id]
    titles = [c.title for c in screen.model.columns]
    people = screen.model.data(screen.model.index(0, titles.index("People")))
    assert people == "0 of 4 attended"  # nobody was marked as attending
    assert screen.model.data(screen.model.index(0, titles.index("Status"))).startswith("Held (")
    screen.filter.setCurrentIndex(screen.filter.findData("cancelled"))
    assert shown() == [gone.id]
    screen.filter.setCurrentIndex(screen.filter.findData("all"))
    assert len(shown()) == 5
    assert shown().index(later.id) < shown().index(held.id)  # upcoming, then past

    qtbot.keyClicks(screen.search, "quist")
    qtbot.waitUntil(lambda: len(shown()) == 1)
    assert screen.model.row_at(0).patient_id == other
    screen.search.clear()
    qtbot.waitUntil(lambda: len(shown()) == 5)
    screen.table.selectRow(shown().index(soon.id))
    qtbot.keyClick(screen.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert opened == [moss]
    window = screen.open_chosen()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None)
    assert window.record.id == soon.id
    save_shot(screen, "conference-list-1280.png")
    screen.resize(1600, 1000)
    qtbot.wait(10)
    save_shot(screen, "conference-list-1600.png")
    _close_windows(screen.state)


def test_scheduling_from_the_screen_picks_the_patient_and_enter_searches_only(qtbot, ws, team,
                                                                             moss):  # fmt: skip
    state = make_state(ws, team["gp"])
    screen = _screen(qtbot, state)
    new = screen.schedule()
    qtbot.addWidget(new)
    new.accept()
    assert new.isVisible() and "Choose the patient" in new.boxes["patient"].problem
    qtbot.keyClicks(new.chooser.edit, "Moss")
    qtbot.keyClick(new.chooser.edit, Qt.Key.Key_Return)
    assert new.isVisible() and new.chooser.patient_id == moss  # Enter searched, did not save
    assert new.people.count() >= 5 and new.team_line.text().startswith("Case-conference team met")
    new.date.edit.setText((date.today() + timedelta(days=2)).strftime("%d/%m/%Y"))
    new.time.setText("0930")
    with qtbot.waitSignal(new.scheduled):
        new.accept()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert screen.model.row_at(0).patient_id == moss
    _close_windows(state)


def test_reception_sees_the_list_and_opens_a_conference_but_cannot_schedule(qtbot, ws, team,
                                                                          moss):  # fmt: skip
    rec = schedule(ws, team["coordinator"], moss)
    state = make_state(ws, team["reception"])
    screen = _screen(qtbot, state)
    assert screen.model.rowCount() == 1 and not screen.schedule_button.isEnabled()
    assert screen.schedule() is None
    _dialog, tab = _tab(qtbot, state, moss)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert not tab.schedule_button.isEnabled() and tab.schedule() is None
    window = open_window(qtbot, state, rec.id)
    assert window.pages["details"].title.isReadOnly()
    _close_windows(state)


@pytest.mark.parametrize("role", ["gp", "nurse", "coordinator", "reception"])
def test_every_role_opens_outside_providers_with_both_tabs(qtbot, ws, admin, team, moss, role):
    schedule(ws, team["coordinator"], moss)
    spec = next(s for s in SCREENS if s.key == "conferences")
    assert (spec.title, spec.shortcut) == ("Outside providers", "Ctrl+5")
    assert "Care conferences" in spec.guide
    state = make_state(ws, team[role])
    assert spec.allowed(state.actor)
    opened: list[int] = []

    class _Opener:
        def open(self, pid):
            opened.append(pid)

    widget = spec.factory(ScreenContext(state, ShellRequests(), _Opener()))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    assert isinstance(widget, QTabWidget)
    assert [widget.tabText(n) for n in range(widget.count())] == [
        "Referrals and resources", "Care conferences"]  # fmt: skip
    assert isinstance(widget.widget(0), ReferralsScreen)
    conferences = widget.widget(1)
    assert isinstance(conferences, ConferencesScreen) and conferences.model.rowCount() == 1
    widget.setCurrentIndex(1)
    widget.screen_shown()
    widget.reset_for_new_user()
    assert widget.currentIndex() == 0
    assert conferences.schedule_button.isEnabled() == (role != "reception")


def test_the_window_follows_change_notices_and_the_record_tab_follows_the_window(
    qtbot, ws, team, moss
):
    coord = team["coordinator"]
    rec = schedule(ws, coord, moss)
    state = make_state(ws, coord)
    _dialog, tab = _tab(qtbot, state, moss)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    window = tab.open_chosen()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None)

    page = window.pages["details"]
    page.title.setText("Falls and feet")
    with qtbot.waitSignal(window.conference_loaded):
        assert page.save()
    qtbot.waitUntil(lambda: tab.model.row_at(0).title == "Falls and feet")

    # A write elsewhere in the app (another screen) for this patient: the window reads again.
    state.publish(
        confs.record_agreement(ws, coord, rec.id, agreed=True, on=date.today(), how="verbal",
                               base_version=window.record.version)
    )  # fmt: skip
    qtbot.waitUntil(lambda: window.state_label.text().startswith("The patient agreed"))
    agreement = [c.title for c in tab.model.columns].index("Agreement")
    assert tab.model.data(tab.model.index(0, agreement)) == "Agreed"

    # Another patient's conference changing does not make it read again.
    asked = window._generation
    from carecoord_desktop.services.changes import Changes, Kind

    state.publish_changes(Changes.of(Kind.CONFERENCES, patients=(moss + 100,)))
    assert window._generation == asked

    window.close()
    assert open_conference(state, rec.id) is window and window._generation == asked + 1
    qtbot.waitUntil(lambda: window.isVisible() and window.tabs.isEnabled())
    state.set_actor(team["nurse"])  # a new user: the last user's windows go
    assert open_windows(state) == []


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_demo_practice_on_the_conference_screens(qtbot, qapp, demo_copy, tmp_path, size):
    """The demo's conferences on the list, a record's tab and a window's Details and Agenda
    pages, with the app's style, at both sizes: each part shows text where it sits (and a
    picture for a person to look at when CARECOORD_SHOTS names a folder)."""
    from carecoord_desktop.services import accounts
    from carecoord_desktop.ui.resources import stylesheet

    made = demo_copy(25, 11)
    ws = made.workspace
    coordinator = next(a for a in made.accounts if a.role.value == "coordinator")
    actor = accounts.authenticate(ws, coordinator.username, made.password)
    qapp.setStyleSheet(stylesheet())
    w, h = size
    try:
        state = make_state(ws, actor)
        screen = _screen(qtbot, state)
        screen.resize(w, h)
        screen.filter.setCurrentIndex(screen.filter.findData("all"))
        assert screen.model.rowCount() >= 6
        statuses = {screen.model.row_at(n).status for n in range(screen.model.rowCount())}
        assert {"held", "scheduled"} <= statuses
        qtbot.wait(10)
        image = screen.grab().toImage()
        assert_has_text(image, screen.table, screen)
        save_shot(screen, f"demo-conference-list-{w}.png")

        held = next(screen.model.row_at(n) for n in range(screen.model.rowCount())
                    if screen.model.row_at(n).status == "held")  # fmt: skip
        dialog, tab = _tab(qtbot, state, held.patient_id)
        dialog.resize(w, h)
        dialog.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.model.rowCount() >= 1)
        qtbot.wait(10)
        assert_has_text(dialog.grab().toImage(), tab.table, dialog)
        save_shot(dialog, f"demo-record-conferences-tab-{w}.png")

        window = open_window(qtbot, state, held.id)
        window.resize(w, h)
        assert window.state_label.text().startswith("Held: ")
        qtbot.wait(10)
        image = window.grab().toImage()
        assert_has_text(image, window.pages["details"].invitees.table, window)
        save_shot(window, f"demo-details-{w}.png")
        window.go_to_page("agenda")
        qtbot.wait(10)
        assert window.pages["agenda"].model.rowCount() >= 1
        assert_has_text(window.grab().toImage(), window.pages["agenda"].table, window)
        save_shot(window, f"demo-agenda-{w}.png")
        _close_windows(state)

        from carecoord_desktop.ui.shell.main_window import MainWindow

        main = MainWindow(state, settings_path=tmp_path / "ui.ini")
        qtbot.addWidget(main)
        main.resize(w, h)
        main.show()
        main.show_screen("conferences")
        outside = main.screen_widget("conferences")
        outside.setCurrentIndex(1)
        qtbot.wait(10)
        assert_has_text(main.grab().toImage(), outside.widget(1).table, main)
        save_shot(main, f"demo-main-window-conferences-{w}.png")
    finally:
        qapp.setStyleSheet("")


def test_the_filters_read_the_day_as_a_coordinator_does():
    from dataclasses import replace
    from datetime import datetime

    from carecoord_desktop.services.conferences.types import ConferenceSummary
    from carecoord_desktop.ui.conferences.screen import FILTERS, matches

    tests = {key: test for key, _label, test in FILTERS}
    wednesday = date(2026, 12, 2)
    base = ConferenceSummary(1, 1, 1, "Harold Moss", "P000001", "Care conference",
                             datetime(2026, 12, 6, 10, 0).astimezone(), "scheduled", None, None,
                             "Casey Ward", 4, 0, None, None)  # fmt: skip
    assert tests["week"](base, wednesday)  # Sunday of the same week
    monday_next = replace(base, scheduled_at=datetime(2026, 12, 7, 9, 0).astimezone())
    assert not tests["week"](monday_next, wednesday)
    assert tests["upcoming"](base, wednesday) and tests["agreement"](base, wednesday)
    assert not tests["agreement"](replace(base, agreed=True), wednesday)
    yesterday = replace(base, scheduled_at=datetime(2026, 12, 1, 9, 0).astimezone())
    assert not tests["upcoming"](yesterday, wednesday)  # never started: not upcoming
    assert tests["upcoming"](replace(yesterday, status="in_progress"), wednesday)
    assert not tests["agreement"](replace(base, status="cancelled"), wednesday)
    assert matches(base, "moss") and matches(base, "p0000") and matches(base, "harold MOSS")
    assert not matches(base, "quist")
