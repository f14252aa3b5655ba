"""The Medications screen (reconciliations waiting across the practice), who may sign off, and
a save refused because another workstation changed the session first (nothing lost)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QLabel

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.medications.types import MedicineDraft, RecState, SourceInput
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import HospitalEventDraft, PatientDraft
from carecoord_desktop.ui.medications import rec_window
from carecoord_desktop.ui.medications.rec_model import STATUS
from carecoord_desktop.ui.medications.screen import MedicationsScreen
from tests_support import save_shot

from .conftest import wait_view


def _session(ws, actor, pid, text="Lasix 80mg mane\nmetformin 500mg bd"):
    return meds.start_reconciliation(ws, actor, pid, [SourceInput("new", text=text)]).value


def _decide_all(ws, actor, view):
    for item in view.items:
        decision = "new" if item.current is None else "continue"
        view = meds.decide(ws, actor, view.id, item.id, decision, reason="as discharged",
                           version=view.version).value  # fmt: skip
    return view


def _second_patient(ws, admin) -> int:
    draft = PatientDraft(given_name="Asa", family_name="Hermiston", date_of_birth=date(1940, 1, 2))
    pid = patients.create_patient(ws, admin, draft).value.id
    meds.add_medicine(ws, admin, pid, MedicineDraft("digoxin 125mcg mane"))
    return pid


def test_the_screen_lists_waiting_sessions_awaiting_sign_off_first_and_opens_one(
    qtbot, qtmodeltester, ws, admin, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    first = _session(ws, nurse, pid)
    other = _second_patient(ws, admin)
    second = _decide_all(ws, nurse, _session(ws, nurse, other, "digoxin 62.5mcg mane\n"
                                                              "verapamil 80mg tds"))  # fmt: skip
    meds.submit_for_signoff(ws, nurse, second.id, version=second.version)
    state = state_for(team[Role.GP])
    opener = opener_for(state)
    screen = MedicationsScreen(state, opener.open)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(screen.model)
    rows = screen.model.rows
    assert [r.rec_id for r in rows] == [second.id, first.id]  # awaiting sign-off first
    assert screen.model.index(0, 2).data() == "! Awaiting sign-off"
    assert screen.model.index(1, 2).data() == "✎ Being prepared"
    assert screen.model.index(1, 3).data() == f"{first.undecided} of {len(first.items)}"
    assert "1 awaiting a sign-off, 1 being prepared" in screen.subtitle.text()
    screen.resize(1200, 420)
    save_shot(screen, "medications_screen.png")

    window = screen.open_selected()
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    assert window.view.id == second.id
    assert opener.window_for(other) is not None  # the record opened beside it
    assert window.sign_button.isEnabled()

    # A write elsewhere (here: another window's sign-off) refreshes the list.
    sign_state = state_for(team[Role.GP])
    signed = meds.sign_off(ws, team[Role.GP], second.id, version=window.view.version)
    with qtbot.waitSignal(screen.waiting_loaded, timeout=10_000):
        sign_state.publish(signed)
        state.publish_changes(signed.changes)
    assert [r.rec_id for r in screen.model.rows] == [first.id]


def test_reception_sees_the_screen_without_any_session(qtbot, ws, team, pid, state_for):
    _session(ws, team[Role.NURSE], pid)
    screen = MedicationsScreen(state_for(team[Role.RECEPTION]), lambda _pid: None)
    qtbot.addWidget(screen)
    assert screen.table.isHidden() and screen.model.rowCount() == 0
    assert "medication card" in screen.subtitle.text()
    screen.resize(1040, 680)
    screen.show()
    # The message sits under the title, not spread down the empty screen.
    title = screen.findChild(QLabel, "pageTitle")
    qtbot.waitUntil(lambda: screen.subtitle.y() > title.y())
    for label in (title, screen.subtitle):  # each as tall as its text, not a share of the room
        assert label.height() < label.sizeHint().height() + 20, label.text()
    assert screen.subtitle.y() < 150
    save_shot(screen, "medications_screen-reception.png")


def test_a_nurse_signs_off_only_where_the_practice_allows(
    qtbot, ws, admin, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    view = _decide_all(ws, nurse, _session(ws, nurse, pid))
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    assert not window.sign_button.isEnabled()
    assert "GP" in window.sign_button.toolTip()
    window.close()
    settings = practice_settings.load(ws)
    practice_settings.update(ws, admin, version=settings.version, nurses_sign_reconciliation=True)
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    qtbot.waitUntil(lambda: window.view is not None and window.signer, timeout=10_000)
    assert window.sign_button.isEnabled()
    window.close()


def test_a_decision_saved_after_another_workstations_shows_who_and_keeps_the_typing(
    qtbot, ws, team, pid, state_for, opener_for
):
    nurse, cora = team[Role.NURSE], team[Role.COORDINATOR]
    view = _session(ws, nurse, pid)
    window = rec_window.open_reconciliation(state_for(nurse), view.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    # Another workstation decides a row first (straight through the service: no notice here).
    meds.decide(ws, cora, view.id, view.items[-1].id, "continue", reason="per GP",
                version=view.version)  # fmt: skip
    window.table.setCurrentIndex(window.model.index(0, STATUS))
    panel = window.decision
    panel.decision.setCurrentIndex(panel.decision.findData("stop"))
    panel.reason.setPlainText("Ceased in hospital: low blood pressure")
    with qtbot.waitSignal(window.write_failed, timeout=10_000):
        panel.save_button.click()
    assert window.banner.isVisible()
    assert "Cora Ward" in window.banner_text.text()
    assert panel.reason.toPlainText() == "Ceased in hospital: low blood pressure"
    with qtbot.waitSignal(window.view_loaded, timeout=10_000):
        window.banner_reload.click()
    assert not window.banner.isVisible()
    assert window.view.items[-1].decided_by_name == cora.display  # their change is shown
    assert panel.reason.toPlainText() == "Ceased in hospital: low blood pressure"  # ours stays
    saved = wait_view(qtbot, window, panel.save_button.click)
    assert saved.items[0].decision == "stop"
    assert saved.state == RecState.OPEN
    window.close()


@pytest.mark.parametrize("size", [(1040, 680), (1360, 880)])  # the screen's part of 1280 / 1600
def test_every_column_of_the_waiting_list_is_on_screen(
    qtbot, ws, admin, team, pid, state_for, size
):
    nurse = team[Role.NURSE]
    other = _second_patient(ws, admin)
    today = date.today()
    for patient in (pid, other):  # sessions after a stay, as most are
        patient_lists.add_hospital_event(ws, admin, patient, HospitalEventDraft(
            kind="admission", start_date=today - timedelta(days=9),
            end_date=today - timedelta(days=2), facility="Northern District Hospital",
        ))  # fmt: skip
    _session(ws, nurse, pid)
    second = _decide_all(ws, nurse, _session(ws, nurse, other, "digoxin 62.5mcg mane"))
    meds.submit_for_signoff(ws, nurse, second.id, version=second.version)
    screen = MedicationsScreen(state_for(team[Role.GP]), lambda _pid: None)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    table = screen.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= table.viewport().width(), timeout=5_000)
    submitted = [c.title for c in screen.model.columns].index("Submitted")
    for column in range(screen.model.columnCount()):
        assert table.columnWidth(column) >= header.sectionSizeFromContents(column).width()
    row = next(r for r, w in enumerate(screen.model.rows) if w.rec_id == second.id)
    assert nurse.full_name in screen.model.index(row, submitted).data()
    assert table.rowHeight(row) >= table.sizeHintForRow(row)  # wrapped, all of it shown
    save_shot(screen, f"medications_screen-{size[0]}.png")
