"""The Summary and check page on a real encrypted practice: the rule pack's checklist (a missing
element leads to where it is recorded), printing the summary and the pack through the preview
(audited), recording who received the summary, and what each role may do there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit_view
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences import meeting
from carecoord_desktop.ui.conferences.meeting import MeetingPage
from carecoord_desktop.ui.conferences.summary_page import FIX_PAGES, SummaryPage
from conference_meeting_support import PageHost, make_moss, schedule


@pytest.fixture
def moss(ws, admin):
    return make_moss(ws, admin)


@pytest.fixture
def conference(ws, moss):
    return schedule(ws, moss.coordinator, moss)


def _summary(qtbot, ws, actor, conference) -> PageHost:
    return PageHost(qtbot, ws, actor, conference.id, SummaryPage)


def _answer(monkeypatch, button_text: str) -> list[str]:
    asked: list[str] = []

    def run(box):
        asked.append(box.informativeText())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return 0
        raise AssertionError(button_text)

    monkeypatch.setattr(QMessageBox, "exec", run)
    return asked


def _audit_details(ws, admin, patient_id) -> list[str]:
    page = audit_view.list_page(ws, admin, audit_view.AuditQuery(patient_id=patient_id))
    return [line.details for line in page.lines]


def test_a_missing_element_leads_to_where_it_is_recorded(qtbot, ws, moss, conference):
    host = _summary(qtbot, ws, moss.coordinator, conference)
    page = host.page
    check = page.check
    missing = [e.key for e in check.elements if not e.met]
    assert {"agreement", "times", "team", "discussion", "summary_offered"} <= set(missing)
    assert page.verdict.text().startswith(f"{len(missing)} of {len(check.elements)} elements")
    for n, element in enumerate(check.elements):
        item = page.checklist.topLevelItem(n)
        assert item.text(1) == element.name
        assert item.text(0) == ("✓ Met" if element.met else "✗ Missing")
        assert element.detail in item.text(2)
        page.checklist.itemClicked.emit(item, 0)
    # Not held yet: the summary is given after the meeting, so that element leads there too.
    assert host.pages_asked == [FIX_PAGES[k].replace("summary", "meeting") for k in missing]
    assert {"details", "meeting"} <= set(host.pages_asked)
    assert not page.share_button.isEnabled()
    _hold(ws, moss, conference)
    host.reload()
    item = page.checklist.topLevelItem(
        [e.key for e in page.check.elements].index("summary_offered")
    )
    page.checklist.itemClicked.emit(item, 0)
    dialog = page.share_dialog  # held: the element that is fixed on this page
    assert dialog.isVisible()
    dialog.reject()


def _hold(ws, moss, conference) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    meeting.start_meeting(ws, moss.coordinator, conference.id, at=start)
    meeting.end_meeting(ws, moss.coordinator, conference.id, at=start + timedelta(minutes=20))


def test_the_summary_asks_before_printing_what_is_incomplete(
    qtbot, ws, moss, conference, monkeypatch
):
    host = _summary(qtbot, ws, moss.coordinator, conference)
    asked = _answer(monkeypatch, "Cancel")
    assert host.page.print_document("summary") is None
    assert "Patient's agreement" in asked[0]
    # The summary is printed to be offered: its own element is not held against printing it.
    assert "Summary offered" not in asked[0]
    _answer(monkeypatch, "Print anyway")
    preview = host.page.print_document("summary")
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.pdf is not None, timeout=30_000)
    assert preview.page_count >= 1
    preview.close()


def test_the_pack_prints_through_the_preview_and_the_output_is_audited(
    qtbot, ws, admin, moss, conference, tmp_path
):
    host = _summary(qtbot, ws, moss.coordinator, conference)
    preview = host.page.print_document("pack")
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.pdf is not None, timeout=30_000)
    assert preview.windowTitle() == "Print preview — Conference pack"
    with qtbot.waitSignal(preview.document_saved):
        assert preview.save_to(tmp_path / "pack.pdf")
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    details = _audit_details(ws, admin, moss.patient_id)
    assert any("pack" in d and "saved" in d for d in details), details
    preview.close()


def test_recording_who_received_the_summary(qtbot, ws, moss, conference):
    _hold(ws, moss, conference)
    host = _summary(qtbot, ws, moss.coordinator, conference)
    page = host.page
    assert page.shares.topLevelItem(0).text(0) == "Nobody recorded yet"
    assert page.offered.text().startswith("Not offered to the patient yet")
    dialog = page.record_shares()
    names = [name for _box, _combo, name in dialog.rows]
    assert names[0] == "Harold Moss"  # the patient first, though not invited
    assert {"Dr Lee", "Priya Shah", "Tom Bell"} <= set(names)
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text() == "Tick who received the summary."
    dialog.tick("Harold Moss", "by_hand")
    dialog.on.set_value(date.today() + timedelta(days=1))
    dialog.accept()
    assert dialog.isVisible() and "has not come yet" in dialog.error.text()
    dialog.on.set_value(date.today())
    dialog.tick("Priya Shah", "fax")
    dialog.accept()
    assert not dialog.isVisible(), dialog.error.text()
    rec = confs.load_conference(ws, moss.coordinator, conference.id)
    assert rec.summary_offered_on == date.today()
    given = {
        page.shares.topLevelItem(n).text(0): page.shares.topLevelItem(n).text(1)
        for n in range(page.shares.topLevelItemCount())
    }
    assert given == {"Harold Moss": "By hand", "Priya Shah": "Fax"}
    assert page.offered.text() == f"Offered to the patient on {date.today():%d/%m/%Y}."


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION])
def test_every_role_on_the_meeting_and_summary_pages(qtbot, ws, moss, conference, role):
    actor = {
        Role.GP: moss.gp,
        Role.NURSE: moss.nurse,
        Role.COORDINATOR: moss.coordinator,
        Role.RECEPTION: moss.reception,
    }[role]
    clinical = role is not Role.RECEPTION
    _hold(ws, moss, conference)
    page = PageHost(qtbot, ws, actor, conference.id, MeetingPage).page
    assert page.correct_button.isEnabled() is clinical
    assert page.minutes.editor.isReadOnly() is not clinical
    assert page.role_note.isVisible() is not clinical
    summary = _summary(qtbot, ws, actor, conference).page
    assert summary.check is not None and len(summary.check.elements) == 6
    assert summary.print_summary_button.isEnabled() and summary.print_pack_button.isEnabled()
    assert summary.share_button.isEnabled() is clinical
