"""Dates in the reconciliation window and on the Medications screen read as the rest of the
app writes them (dd/mm/yyyy, times hh:mm), never "08 Oct" or "2026-10-08"; a date typed into
its forms is read with the app's one date rule, and Enter pressed twice after typing one adds,
stops or opens nothing twice."""

from __future__ import annotations

import re
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import SourceInput, SourceKind
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import HospitalEventDraft
from carecoord_desktop.ui.medications import rec_window
from carecoord_desktop.ui.medications.dialogs import TypedListDialog
from carecoord_desktop.ui.medications.medicine_forms import MedicineFormDialog
from carecoord_desktop.ui.medications.screen import MedicationsScreen
from tests_support import save_shot

from .conftest import wait_view

MONTH_WORDS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _other_formats(texts) -> list[str]:
    return [t for t in texts if MONTH_WORDS.search(t) or ISO.search(t)]


def _admission(ws, admin, pid):
    today = date.today()
    draft = HospitalEventDraft(kind="admission", start_date=today - timedelta(days=9),
                               end_date=today - timedelta(days=2),
                               facility="Eastside Public Hospital")  # fmt: skip
    return patient_lists.add_hospital_event(ws, admin, pid, draft).value


def test_every_date_in_the_window_and_the_screen_reads_dd_mm_yyyy(
    qtbot, ws, admin, team, pid, state_for, opener_for
):
    event = _admission(ws, admin, pid)
    nurse = team[Role.NURSE]
    started = meds.start_reconciliation(ws, nurse, pid, [SourceInput(
        "new", "Discharge summary", text="Lasix 80mg mane\nMetoprolol 25 mg bd",
        received_on=event.end_date,
    )]).value  # fmt: skip
    state = state_for(nurse)
    window = rec_window.open_reconciliation(state, started.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    item = window.model.items[0]
    view = wait_view(qtbot, window, window.decide, item.id, "continue", "Still needed")
    window.table.setCurrentIndex(window.model.index(window.model.row_of(item.id), 0))
    heading = window.heading.text()
    assert f"Admission {_dmy(event.start_date)} – {_dmy(event.end_date)}" in heading
    assert "Eastside Public Hospital" in heading
    assert f"on {view.started_at.astimezone():%d/%m/%Y %H:%M}" in heading
    new_box = window.source_boxes[SourceKind.NEW].summary.text()
    assert f"received {_dmy(event.end_date)}" in new_box
    decided = next(i for i in view.items if i.id == item.id).decided_at
    assert f"on {decided.astimezone():%d/%m/%Y %H:%M}" in window.decision.about.text()
    labels = [label.text() for label in window.findChildren(QLabel)]
    model = window.model
    cells = [str(model.index(r, c).data() or "") for r in range(model.rowCount())
             for c in range(model.columnCount())]  # fmt: skip
    assert not _other_formats(labels + cells)
    save_shot(window, "rec-window-dates.png")

    screen = MedicationsScreen(state, lambda _pid: None)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    shown = [str(screen.model.index(0, c).data() or "") for c in range(screen.model.columnCount())]
    assert f"Admission {_dmy(event.start_date)} – {_dmy(event.end_date)}" in " ".join(shown)
    assert not _other_formats(shown)


def _type_list_dialog(qtbot, window) -> TypedListDialog:
    window.source_boxes[SourceKind.NEW].type_button.click()
    dialog = next(d for d in window.findChildren(TypedListDialog) if d.isVisible())
    dialog.activateWindow()  # keys go to the active window, as a person's do
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    return dialog


def test_a_typed_received_date_and_enter_twice_add_the_list_once(
    qtbot, ws, team, pid, state_for, opener_for, monkeypatch
):
    nurse = team[Role.NURSE]
    started = meds.start_reconciliation(
        ws, nurse, pid, [SourceInput("reported", text="Lasix 40mg mane")]
    ).value
    window = rec_window.open_reconciliation(state_for(nurse), started.id)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    adds: list[int] = []
    real = meds.add_source

    def counted(*args, **kwargs):
        adds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(meds, "add_source", counted)

    # A date after today is refused in words, at the form; nothing is added.
    dialog = _type_list_dialog(qtbot, window)
    dialog.text.setPlainText("Lasix 80mg mane")
    field = dialog.received.edit
    field.clear()
    qtbot.keyClicks(field, _dmy(date.today() + timedelta(days=3)))
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and "after today" in dialog.error.text() and not adds

    # Typed short, Enter twice: the date is written out in full; nothing is sent yet.
    received = date.today() - timedelta(days=4)
    field.clear()
    qtbot.keyClicks(field, f"{received.day}/{received.month}/{received.year}")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.isVisible() and field.text() == _dmy(received) and not adds
    assert not dialog.error.isVisible()

    # Ctrl+Enter adds it once, however often it is pressed.
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(s.kind == "new" for s in window.view.sources), timeout=20_000)
    focused = QApplication.focusWidget()
    if focused is not None:
        qtbot.keyClick(focused, Qt.Key.Key_Return)  # the reflex Enter lands on the window
    assert len(adds) == 1 and window.isVisible()
    assert not [d for d in window.findChildren(TypedListDialog) if d.isVisible()]
    new = next(s for s in window.view.sources if s.kind == "new")
    assert new.received_on == received
    assert f"received {_dmy(received)}" in window.source_boxes[SourceKind.NEW].summary.text()


def test_enter_twice_after_a_typed_date_adds_once_and_opens_nothing_else(
    qtbot, ws, team, pid, state_for, opener_for
):
    nurse = team[Role.NURSE]
    record = opener_for(state_for(nurse)).open(pid)
    qtbot.addWidget(record)
    tab = record.pages["medicines"]
    record.tabs.setCurrentWidget(tab)
    with qtbot.waitActive(record, timeout=5_000):
        record.show()
        record.activateWindow()
    qtbot.waitUntil(lambda: tab.listed is not None, timeout=10_000)
    before = len(tab.model.rows)
    tab.add_button.setFocus()
    tab.add_button.click()
    dialog = next(d for d in tab.findChildren(MedicineFormDialog) if d.isVisible())
    dialog.form.set_values({"written": "Amlodipine 5mg mane"})
    field = dialog.form.widgets["started"].edit
    started = date.today() - timedelta(days=10)
    qtbot.keyClicks(field, f"{started.day}/{started.month}/{started.year}")
    with qtbot.waitSignal(tab.medicines_loaded, timeout=10_000):
        qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter in a form saves it, once
        qtbot.keyClick(field, Qt.Key.Key_Return)
    # The reflex Enter lands where the focus goes back to on a screen: the Add… button.
    tab.add_button.setFocus()
    qtbot.keyClick(tab.add_button, Qt.Key.Key_Return)
    assert record.isVisible()
    assert not [d for d in tab.findChildren(MedicineFormDialog) if d.isVisible()]
    assert len(tab.model.rows) == before + 1
    added = next(m for m in tab.model.rows if m.written == "Amlodipine 5mg mane")
    assert added.started == started
    column = [c.title for c in tab.model.columns].index("Started")
    assert tab.model.index(tab.model.rows.index(added), column).data() == _dmy(started)
