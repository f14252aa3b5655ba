"""Pictures of the Meeting page (before the start, 23 minutes in, ended), the decision dialog in
each of its modes and the Summary page, at 1280x800 and 1600x1000, each checked for drawn text
where its main parts sit. Saved for a person to look at when CARECOORD_SHOTS names a folder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences import decisions
from carecoord_desktop.services.conferences import meeting as meeting_service
from carecoord_desktop.services.conferences.types import DecisionDraft
from carecoord_desktop.ui.conferences.decision_dialog import DecisionDialog
from carecoord_desktop.ui.conferences.meeting import MeetingPage
from carecoord_desktop.ui.conferences.window import open_conference
from carecoord_desktop.ui.resources import stylesheet
from conference_meeting_support import PageHost, make_moss, schedule
from tests_support import assert_has_text, save_shot

SIZES = ((1280, 800), (1600, 1000))


@pytest.fixture
def styled(qapp):
    qapp.setStyleSheet(stylesheet())
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def running(ws, admin):
    """Mr Moss's conference 23 minutes in: attendance ticked, minutes on two items."""
    moss = make_moss(ws, admin)
    rec = schedule(ws, moss.coordinator, moss)
    for p in rec.participants:
        confs.set_attendance(ws, moss.coordinator, p.id, "attended", "phone")
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=23, seconds=12)
    meeting_service.start_meeting(ws, moss.coordinator, rec.id, at=started)
    for item, words in zip(
        rec.agenda,
        (
            "HbA1c 64, up from 58. Dr Lee will increase metformin; pharmacist to review the "
            "Webster pack.",
            "Eye check still not booked: the nurse rings the clinic this week.",
        ),
        strict=False,
    ):
        meeting_service.record_minutes(ws, moss.coordinator, item.id, words)
    return moss, rec, started


def _window(qtbot, ws, actor, conference_id):
    """The real conference window (conf-ui's), on the Meeting page."""
    from carecoord_desktop.services import settings
    from carecoord_desktop.ui.shell.state import AppState

    state = AppState(ws, actor, settings.load(ws))
    window = open_conference(state, conference_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None, timeout=10_000)
    window.go_to_page("meeting")
    return window


def _grab(window, name: str, size, key: str = "meeting") -> None:
    window.go_to_page(key)
    window.resize(*size)
    QApplication.processEvents()
    image = window.grab().toImage()
    page = window.pages[key]
    parts = (
        (page.clock, page.status, page.tier_label, page.minutes.agenda)
        if key == "meeting"
        else (page.verdict, page.checklist)
    )
    for part in parts:
        assert_has_text(image, part, window)
    save_shot(window, f"{name}-{size[0]}x{size[1]}.png")


@pytest.mark.usefixtures("styled")
def test_meeting_page_pictures(qtbot, ws, admin):
    moss = make_moss(ws, admin)
    rec = schedule(ws, moss.coordinator, moss)
    window = _window(qtbot, ws, moss.coordinator, rec.id)
    for size in SIZES:
        _grab(window, "meeting-before-start", size)
    assert window.pages["meeting"].start_button.isVisible()
    window.close()


@pytest.mark.usefixtures("styled")
def test_meeting_page_pictures_running_and_ended(qtbot, ws, running):
    moss, rec, started = running
    window = _window(qtbot, ws, moss.coordinator, rec.id)
    page = window.pages["meeting"]
    page.now = lambda: started + timedelta(minutes=23, seconds=12)
    page.tick()
    assert page.clock.text() == "23:12"
    for size in SIZES:
        _grab(window, "meeting-running-23min", size)
    meeting_service.end_meeting(ws, moss.coordinator, rec.id, at=started + timedelta(minutes=26))
    decisions.add_decision(
        ws,
        moss.coordinator,
        rec.id,
        DecisionDraft(
            "Nurse to book the eye check",
            kind="task",
            agenda_item_id=rec.agenda[0].id,
            owner_role="nurse",
            due_date=date.today() + timedelta(days=7),
        ),
    )
    window.reload()
    qtbot.waitUntil(lambda: window.record.ended_at is not None and bool(window.record.decisions))
    for size in SIZES:
        _grab(window, "meeting-ended", size)
        _grab(window, "summary", size, key="summary")
    assert "26 minutes" in page.status.text()
    window.close()


@pytest.mark.usefixtures("styled")
def test_decision_dialog_pictures(qtbot, ws, running):
    moss, rec, _started = running
    host = PageHost(qtbot, ws, moss.coordinator, rec.id, MeetingPage)
    dialog = DecisionDialog(host.ctx, host.record, rec.agenda[0].id, host.window)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("Increase metformin and recheck HbA1c in 3 months")
    dialog.show()
    qtbot.waitExposed(dialog)
    modes = (
        ("note", None),
        ("task", None),
        ("plan_change", "add_intervention"),
        ("plan_change", "change_goal_target"),
        ("plan_change", "add_goal"),
        ("plan_change", "review_on"),
    )
    for kind, change in modes:
        dialog.choose(kind, change)
        QApplication.processEvents()
        image = dialog.grab().toImage()
        assert_has_text(image, dialog.text, dialog)
        mode = {"note": "note", "task": "task"}.get(kind, change)
        for row in dialog.rows[mode]:  # each row's label, or the row itself (a hint)
            label = dialog.form.labelForField(row)
            assert_has_text(image, label or row, dialog, min_dark=10)
        save_shot(dialog, f"decision-{kind}{'-' + change if change else ''}.png")
    dialog.reject()


@pytest.mark.usefixtures("styled")
def test_a_held_demo_conference_pictured_as_a_coordinator(qtbot, demo_copy):
    """The demo's own held conference (conf-core's seeder), as a coordinator signs in to it."""
    from carecoord_desktop.models.staff import Role
    from task_board_support import sign_in

    made = demo_copy(25, 11)
    coordinator = sign_in(made, Role.COORDINATOR)
    held = [
        s
        for s in confs.list_conferences(made.workspace, coordinator, when="past")
        if s.status == "held"
    ]
    assert held, "the demo seeds held conferences"
    window = _window(qtbot, made.workspace, coordinator, held[0].id)
    assert window.record.decisions and window.record.ended_at is not None
    for size in SIZES:
        _grab(window, "demo-meeting-held", size)
        _grab(window, "demo-summary", size, key="summary")
    window.close()


@pytest.mark.usefixtures("styled")
def test_times_and_sharing_dialog_pictures(qtbot, ws, running):
    from carecoord_desktop.ui.conferences.share_dialog import ShareSummaryDialog
    from carecoord_desktop.ui.conferences.times_dialog import CorrectTimesDialog

    moss, rec, started = running
    meeting_service.end_meeting(ws, moss.coordinator, rec.id, at=started + timedelta(minutes=9))
    host = PageHost(qtbot, ws, moss.coordinator, rec.id, MeetingPage)
    times = CorrectTimesDialog(host.ctx, host.record, host.window)
    share = ShareSummaryDialog(host.ctx, host.record, host.window)
    for dialog, name, part in (
        (times, "correct-times", times.start),
        (share, "share", share.rows[0][0]),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert_has_text(dialog.grab().toImage(), part, dialog, min_dark=5)
        save_shot(dialog, f"{name}.png")
        dialog.reject()
