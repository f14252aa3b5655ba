"""The conference window's Meeting page and decision dialog, part by part, on a real encrypted
practice: the clock computed from the stamped start, the tier words at the boundaries, minutes
never lost (switching items fast, a save refused), End refused before Start, reception
read-only, and the decision dialog's messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences import decisions
from carecoord_desktop.services.conferences import meeting as meeting_service
from carecoord_desktop.ui.conferences.decision_dialog import DecisionDialog
from carecoord_desktop.ui.conferences.meeting import MeetingPage
from carecoord_desktop.ui.conferences.meeting_clock import clock_text, elapsed_seconds, tier_words
from conference_meeting_support import PageHost, in_an_hour, make_moss, schedule


@pytest.fixture
def moss(ws, admin):
    return make_moss(ws, admin)


@pytest.fixture
def conference(ws, moss):
    return schedule(ws, moss.coordinator, moss)


def _page(qtbot, ws, actor, conference) -> PageHost:
    host = PageHost(qtbot, ws, actor, conference.id, MeetingPage)
    with qtbot.waitActive(host.window):
        host.window.activateWindow()
    return host


def _answer(monkeypatch, button_text: str, seen: list[str]) -> None:
    def run(box):
        seen.append(box.informativeText())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return 0
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    monkeypatch.setattr(QMessageBox, "exec", run)


# -- the clock -----------------------------------------------------------------------------
def test_the_tier_words_change_exactly_at_15_20_and_40_minutes():
    assert tier_words(None)[0].startswith("Under 15 minutes")
    below, upcoming = tier_words(14 * 60 + 59)
    assert below == "Under 15 minutes: no item"
    assert upcoming == "1 s to the 15-minute tier"
    at_15, upcoming = tier_words(15 * 60)
    assert "item 735 (GP organising)" in at_15 and "item 747 (GP taking part)" in at_15
    assert upcoming == "5 min to the 20-minute tier"
    assert "item 735" in tier_words(20 * 60 - 1)[0]
    at_20, upcoming = tier_words(20 * 60)
    assert "item 739" in at_20 and "item 750" in at_20
    assert upcoming == "20 min to the 40-minute tier"
    assert "item 739" in tier_words(40 * 60 - 1)[0]
    at_40, upcoming = tier_words(40 * 60)
    assert "item 743" in at_40 and "item 758" in at_40
    assert upcoming == "The top tier: no later tier."


def test_the_clock_reads_the_stamp_not_a_count():
    start = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert elapsed_seconds(None, None, start) is None
    assert clock_text(None) == "0:00"
    naive = start.replace(tzinfo=None)  # as SQLite hands it back: UTC without a zone
    assert elapsed_seconds(naive, None, start + timedelta(minutes=23, seconds=5)) == 23 * 60 + 5
    assert clock_text(23 * 60 + 5) == "23:05"
    assert clock_text(3600 + 125) == "1:02:05"
    ended = start + timedelta(minutes=42)
    assert elapsed_seconds(start, ended, start + timedelta(hours=5)) == 42 * 60
    # Another workstation's clock behind the stamp shows 0, never a negative time.
    assert elapsed_seconds(start, None, start - timedelta(minutes=2)) == 0


def test_a_page_opened_23_minutes_into_the_meeting_shows_23_minutes(qtbot, ws, moss, conference):
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=23)
    meeting_service.start_meeting(ws, moss.coordinator, conference.id, at=started)
    host = _page(qtbot, ws, moss.coordinator, conference)
    page = host.page
    page.now = lambda: started + timedelta(minutes=23, seconds=5)
    page.tick()
    assert page.clock.text() == "23:05"
    assert "20 to under 40 minutes" in page.tier_label.text()
    assert "item 739" in page.tier_label.text()
    assert page.next_label.text() == "16 min 55 s to the 40-minute tier"
    assert page.ticker.isActive()
    page.tick()
    assert page.clock.text() == "23:05"  # the same moment reads the same: nothing counts up
    # The window locked for ten minutes: the first tick after shows the time since the stamp.
    page.hide()
    assert not page.ticker.isActive()
    page.now = lambda: started + timedelta(minutes=33)
    page.show()
    assert page.clock.text() == "33:00"
    assert not page.start_button.isVisible() and page.end_button.isVisible()
    page.now = lambda: started + timedelta(minutes=34, seconds=30)  # planned for 30
    page.tick()
    assert page.next_label.text() == "5 min 30 s to the 40-minute tier · 4 min over the planned 30"


# -- start and end ---------------------------------------------------------------------------
def test_end_is_refused_clearly_before_the_meeting_starts(qtbot, ws, moss, conference, monkeypatch):
    host = _page(qtbot, ws, moss.coordinator, conference)
    page = host.page
    asked: list[str] = []
    _answer(monkeypatch, "End meeting", asked)
    assert page.end_meeting() is False
    assert page.error.isVisible() and "has not started" in page.error.text()
    assert asked == []  # nothing to confirm: it says why at once
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert rec.ended_at is None and rec.started_at is None


def test_start_then_end_after_a_confirmation(qtbot, ws, moss, conference, monkeypatch):
    host = _page(qtbot, ws, moss.coordinator, conference)
    page = host.page
    assert page.clock.text() == "0:00"
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert rec.started_at is not None and rec.status == "in_progress"
    assert page.ticker.isActive() and not page.start_button.isVisible()
    asked: list[str] = []
    _answer(monkeypatch, "Keep going", asked)
    assert page.end_meeting() is False
    assert "Under 15 minutes: no case-conference item applies" in asked[0]
    assert confs.load_conference(ws, moss.coordinator, conference.id).ended_at is None
    _answer(monkeypatch, "End meeting", asked)
    assert page.end_meeting() is True
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert rec.ended_at is not None and rec.status == "held"
    assert not page.ticker.isActive() and not page.end_button.isVisible()
    assert page.status.text().startswith("Held ")


def test_the_times_are_corrected_with_a_reason(qtbot, ws, moss, conference):
    from carecoord_desktop.ui.conferences.times_dialog import CorrectTimesDialog

    started = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    meeting_service.start_meeting(ws, moss.coordinator, conference.id, at=started)
    meeting_service.end_meeting(
        ws, moss.coordinator, conference.id, at=started + timedelta(minutes=9)
    )
    host = _page(qtbot, ws, moss.coordinator, conference)
    dialog = host.page.correct_times()
    assert isinstance(dialog, CorrectTimesDialog)
    local_start = started.astimezone()
    dialog.end.setText("25:99")
    dialog.reason.setText("End pressed late")
    dialog.accept()
    assert dialog.isVisible() and "is not a time" in dialog.error.text()
    dialog.end.setText((local_start + timedelta(minutes=24)).strftime("%H:%M"))
    dialog.reason.clear()
    dialog.accept()
    assert dialog.isVisible() and "Say why" in dialog.error.text()
    dialog.reason.setText("End pressed late: the GP stayed on the line")
    dialog.accept()
    assert not dialog.isVisible()
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert rec.elapsed_minutes == 24
    assert "24 minutes" in host.page.status.text()


# -- minutes ---------------------------------------------------------------------------------
def _stored_minutes(ws, actor, conference_id) -> list[str | None]:
    return [a.minutes for a in confs.load_conference(ws, actor, conference_id).agenda]


def test_minutes_are_saved_when_moving_between_items_quickly(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    assert minutes.agenda.count() >= 5
    minutes.editor.setFocus()
    for n, words in enumerate(("HbA1c up to 64", "Eye check booked", "Home after 4 days")):
        assert minutes.agenda.currentRow() == n
        qtbot.keyClicks(minutes.editor, words)
        qtbot.keyClick(minutes.editor, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    stored = _stored_minutes(ws, moss.coordinator, conference.id)
    assert stored[:3] == ["HbA1c up to 64", "Eye check booked", "Home after 4 days"]
    assert minutes.agenda.currentRow() == 3 and minutes.editor.toPlainText() == ""
    qtbot.keyClick(minutes.editor, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert minutes.editor.toPlainText() == "Home after 4 days"
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert [a.discussed for a in rec.agenda[:3]] == [True, True, True]
    assert not host.page.has_unsaved_edits()


def test_minutes_are_saved_after_a_pause_in_typing(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    minutes.idle.setInterval(50)
    qtbot.keyClicks(minutes.editor, "Agreed to see the podiatrist")
    qtbot.waitUntil(lambda: not minutes.has_unsaved(), timeout=5_000)
    assert _stored_minutes(ws, moss.coordinator, conference.id)[0] == "Agreed to see the podiatrist"
    assert minutes.saved_line.text() == "Minutes saved"


def test_a_refused_save_keeps_the_typed_minutes(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    first = conference.agenda[0].id
    # The nurse saves minutes for the same item on another workstation first.
    meeting_service.record_minutes(ws, moss.nurse, first, "Nurse's note", base_version=None)
    qtbot.keyClicks(minutes.editor, "Coordinator's minutes")
    minutes.step(+1)
    assert minutes.error.isVisible() and "were not saved" in minutes.error.text()
    assert "Your text is kept" in minutes.error.text()
    assert _stored_minutes(ws, moss.coordinator, conference.id)[0] == "Nurse's note"
    # A reload of the record (the nurse's write published) keeps what was typed.
    host.reload()
    minutes.step(-1)
    assert minutes.editor.toPlainText() == "Coordinator's minutes"
    assert host.page.has_unsaved_edits()
    # Too long for the record: refused with the service's words, still kept.
    minutes.editor.setPlainText("x" * 5000)
    assert not minutes.flush()
    assert "under 4000 characters" in minutes.error.text()
    assert minutes.editor.toPlainText() == "x" * 5000
    minutes.editor.setPlainText("Coordinator's minutes, shorter")
    assert minutes.flush()  # the reload brought the nurse's version: saved over it, on purpose
    assert not minutes.error.isVisible()
    assert (
        _stored_minutes(ws, moss.coordinator, conference.id)[0] == "Coordinator's minutes, shorter"
    )


def test_a_record_read_before_a_save_does_not_undo_it(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    before = confs.load_conference(ws, moss.coordinator, conference.id)
    qtbot.keyClicks(minutes.editor, "First words")
    assert minutes.flush()
    host.page.show_record(before)  # a read started before the save, delivered after it
    assert minutes.editor.toPlainText() == "First words"
    qtbot.keyClicks(minutes.editor, " and more")
    assert minutes.flush(), minutes.error.text()
    assert _stored_minutes(ws, moss.coordinator, conference.id)[0] == "First words and more"


def test_ending_the_meeting_saves_the_minutes_typed(qtbot, ws, moss, conference, monkeypatch):
    meeting_service.start_meeting(ws, moss.coordinator, conference.id)
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    minutes.idle.setInterval(3_600_000)  # only the end saves it
    qtbot.keyClicks(minutes.editor, "Last words before the end")
    _answer(monkeypatch, "End meeting", [])
    assert host.page.end_meeting()
    assert _stored_minutes(ws, moss.coordinator, conference.id)[0] == "Last words before the end"


# -- attendance and roles --------------------------------------------------------------------
def test_attendance_ticks_say_who_is_here_and_how(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    rows = {
        r.tick.text().split(" — ")[0]: r for r in host.page.attendance.rows if r.tick.isVisible()
    }
    assert set(rows) == {"Dr Lee", "Priya Shah", "Tom Bell"}
    assert rows["Dr Lee"].how.currentText() == "In person"
    assert rows["Priya Shah"].how.currentText() == "By phone"
    rows["Tom Bell"].how.setCurrentIndex(rows["Tom Bell"].how.findData("video"))
    rows["Tom Bell"].tick.click()
    rows["Dr Lee"].tick.click()
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    by_name = {p.name: p for p in rec.participants}
    assert (
        by_name["Tom Bell"].attendance == "attended" and by_name["Tom Bell"].joined_how == "video"
    )
    assert by_name["Dr Lee"].joined_how == "in_person"
    assert by_name["Priya Shah"].attendance == "invited"
    rows["Dr Lee"].tick.click()
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert {p.name: p.attendance for p in rec.participants}["Dr Lee"] == "absent"


def test_reception_follows_the_meeting_read_only(qtbot, ws, moss, conference):
    meeting_service.start_meeting(ws, moss.coordinator, conference.id)
    meeting_service.record_minutes(ws, moss.coordinator, conference.agenda[0].id, "Said so far")
    host = _page(qtbot, ws, moss.reception, conference)
    page = host.page
    assert page.role_note.isVisible()
    assert not page.end_button.isEnabled() and not page.correct_button.isEnabled()
    assert not page.decision_button.isEnabled() and not page.minutes.decision_button.isEnabled()
    assert page.minutes.editor.isReadOnly()
    assert page.minutes.editor.toPlainText() == "Said so far"
    assert all(not r.tick.isEnabled() for r in page.attendance.rows)
    first = page.minutes.agenda.item(0)
    assert not first.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert page.add_decision() is None
    assert page.clock.text() != "0:00" or page.ticker.isActive()


# -- the decision dialog ---------------------------------------------------------------------
def test_ctrl_enter_in_the_minutes_opens_the_decision_for_that_item(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    minutes = host.page.minutes
    minutes.step(+1)
    qtbot.keyClick(minutes.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = host.page.decision_dialog
    qtbot.waitExposed(dialog)
    assert dialog.item.currentData() == conference.agenda[1].id
    dialog.reject()


def test_the_decision_dialog_says_what_is_missing(qtbot, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    dialog = DecisionDialog(host.ctx, host.record, conference.agenda[0].id, host.window)
    qtbot.addWidget(dialog)
    dialog.show()
    messages = []

    def refused(*setup) -> str:
        for step in setup:
            step()
        dialog.accept()
        assert dialog.isVisible() and dialog.error.isVisible()
        messages.append(dialog.error.text())
        return dialog.error.text()

    assert refused() == "Say what was decided."
    dialog.text.setPlainText("Nurse to book the eye check this week")
    assert refused(lambda: dialog.choose("task")).startswith("Choose who does it")
    assert dialog.focusWidget() is dialog.owner  # the cursor goes where the message points
    dialog.owner.setCurrentIndex(dialog.owner.findData("role:nurse"))
    assert "due date" in refused().lower()
    dialog.due.edit.setText("31/02/2027")
    assert refused() == "31/02/2027 is not a real date: February 2027 has 28 days."
    dialog.due.set_value(date.today() - timedelta(days=1))
    assert "has passed" in refused()
    assert refused(lambda: dialog.choose("plan_change", "change_goal_target")).startswith(
        "Type the new target"
    )
    dialog.new_target.setText("about fifty")
    assert "is not a number" in refused()
    dialog.choose("plan_change", "add_goal")
    assert "patient says it" in refused()
    dialog.choose("plan_change", "add_intervention")
    assert "who is responsible" in refused().lower()
    dialog.choose("plan_change", "review_on")
    dialog.review_on.set_value(date.today() - timedelta(days=1))
    assert refused() == "The review date has passed: choose today or later."
    assert decisions.decisions_for(ws, moss.coordinator, conference.id) == []
    assert dialog.text.toPlainText() == "Nurse to book the eye check this week"
    dialog.reject()


def test_a_note_decision_is_listed_with_who_and_when(qtbot, qtmodeltester, ws, moss, conference):
    host = _page(qtbot, ws, moss.coordinator, conference)
    dialog = host.page.add_decision(conference.agenda[0].id)
    qtbot.waitExposed(dialog)
    dialog.text.setPlainText("Keep the metformin dose for now")
    dialog.accept()
    assert not dialog.isVisible()
    listed = host.page.decisions.rows_model.rows
    assert [d.text for d in listed] == ["Keep the metformin dose for now"]
    assert host.page.decisions.rows_model.index(0, 1).data() == "Noted in the minutes"
    assert "Casey Coord" in host.page.decisions.rows_model.index(0, 2).data()
    qtmodeltester.check(host.page.decisions.rows_model)


def test_closing_or_locking_the_window_keeps_the_minutes_typed(qtbot, ws, moss, conference):
    from carecoord_desktop.services import settings
    from carecoord_desktop.ui.conferences.window import open_conference
    from carecoord_desktop.ui.shell.state import AppState

    state = AppState(ws, moss.coordinator, settings.load(ws))
    window = open_conference(state, conference.id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None, timeout=10_000)
    window.go_to_page("meeting")
    minutes = window.pages["meeting"].minutes
    minutes.idle.setInterval(3_600_000)  # no pause saves them: only leaving does
    qtbot.keyClicks(minutes.editor, "Said before the screen locked")
    window.hide()  # the lock screen hides the app's windows
    assert (
        _stored_minutes(ws, moss.coordinator, conference.id)[0] == "Said before the screen locked"
    )
    window.show()
    minutes.step(+1)
    qtbot.keyClicks(minutes.editor, "Said before closing")
    assert window.pages["meeting"].has_unsaved_edits()
    window.close()
    assert _stored_minutes(ws, moss.coordinator, conference.id)[1] == "Said before closing"


def test_a_close_with_minutes_that_cannot_be_saved_asks_first(
    qtbot, ws, moss, conference, monkeypatch
):
    host = _page(qtbot, ws, moss.coordinator, conference)
    page = host.page
    page.minutes.editor.setPlainText("y" * 5000)  # more than the record holds
    asked: list[str] = []
    _answer(monkeypatch, "Keep the window open", asked)
    assert page.confirm_close() is False
    assert "were not saved" in asked[0]
    _answer(monkeypatch, "Close without them", asked)
    assert page.confirm_close() is True


def test_plan_change_decisions_each_make_a_plan_version(qtbot, ws, moss, conference):
    from carecoord_desktop.services.careplans import plans as plan_service

    host = _page(qtbot, ws, moss.coordinator, conference)
    goal_item = next(a for a in conference.agenda if a.source == "goal_off_track")

    def decide(words, change, fill):
        dialog = host.page.add_decision(goal_item.id)
        qtbot.waitExposed(dialog)
        dialog.text.setPlainText(words)
        dialog.choose("plan_change", change)
        fill(dialog)
        dialog.accept()
        assert not dialog.isVisible(), dialog.error.text()
        return dialog.added

    def target(d):
        assert d.goal.currentData() == moss.goal_uid  # the item's goal, offered first
        assert d.target_unit.text() == "mmol/mol"
        d.new_target.setText("58")

    def intervention(d):
        d.responsible.setCurrentIndex(d.responsible.findText("Physiotherapist"))

    first = decide("Aim for 58 for now: 53 was too hard", "change_goal_target", target)
    second = decide("Physio to start a home walking program", "add_intervention", intervention)
    plan = plan_service.load_plan(ws, moss.coordinator, moss.plan_id)
    assert (first.plan_version, second.plan_version) == (2, 3) == (plan.revision - 1, plan.revision)
    goal = next(g for g in plan.draft.goals if g.uid == moss.goal_uid)
    assert goal.target_value == 58
    added = plan.draft.interventions[-1]
    assert added.what == "Physio to start a home walking program"
    assert added.responsible_role == "Physiotherapist"
    became = [host.page.decisions.rows_model.index(n, 1).data() for n in range(2)]
    assert became[0].startswith("Plan version 2") and became[1].startswith("Plan version 3")
    # The review brought forward; a later date is not "forward" and is refused, saying why.
    soon = date.today() + timedelta(days=10)
    third = decide(
        "Review the plan in ten days", "review_on", lambda d: d.review_on.set_value(soon)
    )
    assert third.plan_version == 4
    # The plan keeps its review as an interval in weeks (services/conferences/decisions.py),
    # so the review falls in the week before the day decided, never after it.
    review = plan_service.load_plan(ws, moss.coordinator, moss.plan_id).next_review_on
    assert soon - timedelta(days=7) < review <= soon
    dialog = host.page.add_decision(goal_item.id)
    qtbot.waitExposed(dialog)
    dialog.text.setPlainText("Review it in a month instead")
    dialog.choose("plan_change", "review_on")
    dialog.review_on.set_value(date.today() + timedelta(days=30))
    dialog.accept()
    assert dialog.isVisible() and "choose an earlier date" in dialog.error.text()
    dialog.reject()


def test_saving_minutes_as_you_type_does_not_reread_the_conference_each_time(
    qtbot, ws, admin, moss, conference
):
    """Each read of the conference is an audited view: a pause in typing saves the minutes
    without one; leaving the page tells the other pages, which then show them."""
    from carecoord_desktop.services import audit_view, settings
    from carecoord_desktop.ui.conferences.window import open_conference
    from carecoord_desktop.ui.shell.state import AppState

    def views() -> int:
        page = audit_view.list_page(ws, admin, audit_view.AuditQuery(patient_id=moss.patient_id))
        return sum("opened care conference" in line.details for line in page.lines)

    window = open_conference(AppState(ws, moss.coordinator, settings.load(ws)), conference.id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None, timeout=10_000)
    window.go_to_page("meeting")
    minutes = window.pages["meeting"].minutes
    opened = views()
    for n in range(3):
        qtbot.keyClicks(minutes.editor, f" pause {n}")
        assert minutes.flush()
    assert views() == opened
    agenda = window.pages["agenda"]
    window.go_to_page("agenda")
    column = agenda.model.HEADERS.index("Minutes")
    qtbot.waitUntil(
        lambda: "pause 2" in (agenda.model.index(0, column).data() or ""), timeout=5_000
    )
    assert views() > opened
    window.close()


def test_starting_a_conference_booked_for_another_day_asks_first(qtbot, ws, moss, monkeypatch):
    booked = in_an_hour() + timedelta(days=3)
    conference = schedule(ws, moss.coordinator, moss, at=booked)
    page = _page(qtbot, ws, moss.coordinator, conference).page
    asked: list[str] = []
    _answer(monkeypatch, "Not now", asked)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert asked and "booked for" in asked[0]
    assert confs.load_conference(ws, moss.coordinator, conference.id).started_at is None
    _answer(monkeypatch, "Start now", asked)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert confs.load_conference(ws, moss.coordinator, conference.id).started_at is not None
