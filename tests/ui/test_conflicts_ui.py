"""Two windows on one patient, both saved: the second shows who saved first, and "Reload" brings
their changes in while every typed value stays on screen (real widgets, real workspace)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from carecoord_desktop.config import DEFAULT_IDLE_LOCK_MINUTES
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import ConditionDraft, ContactDraft, PatientDraft
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot, staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

def _shot(widget, name: str) -> None:
    QApplication.processEvents()  # the layout settles as it would on screen
    save_shot(widget, f"conflicts-{name}.png")


@pytest.fixture
def people(ws, admin):
    QApplication.instance().setStyleSheet(stylesheet())
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    gp = staff(ws, admin, Role.GP, "greg.lee")
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    pid = patients.create_patient(ws, admin, draft).value.id
    return AppState(ws, nurse, settings.load(ws)), AppState(ws, gp, settings.load(ws)), pid


def _window(qtbot, state, pid) -> PatientRecordDialog:
    window = PatientRecordDialog(state, pid)
    qtbot.addWidget(window)
    window.show()
    return window


def _row(section, text: str) -> int:
    rows = range(section.model.rowCount())
    return next(r for r in rows if text in section.spec.describe(section.model.row_at(r)))


def test_second_details_form_is_refused_and_reload_keeps_what_was_typed(qtbot, people):
    nurse, gp, pid = people
    first, second = _window(qtbot, nurse, pid), _window(qtbot, gp, pid)
    first.edit_details()
    second.edit_details()
    first.form.widget("phone").setText("0412 345 678")
    first.form.widget("email").setText("ada@example.org")
    first.form.save_button.click()
    assert first.form is None  # saved: the window shows the record again

    form = second.form
    form.widget("address").setPlainText("9 Other Road, Hobart")
    form.widget("phone").setText("03 6222 1111")
    form.save_button.click()
    assert second.form is form and form.stale.isVisible()  # refused, the form stays
    message = form.stale.message.text()
    assert message.startswith("Nina Zhang (practice nurse) changed this patient's details at ")
    assert "(phone, email)" in message and "what you typed stays on screen" in message
    assert form.widget("address").toPlainText() == "9 Other Road, Hobart"
    stored = patients.get_record(nurse.ws, nurse.actor, pid)
    assert (stored.phone, stored.address) == ("0412 345 678", None)  # nothing overwritten
    form.resize(1150, 760)
    _shot(second, "stale_details_refused")

    form.stale.reload_button.click()
    assert form.widget("email").text() == "ada@example.org"  # theirs, untouched by you
    assert form.widget("phone").text() == "03 6222 1111"  # both changed: yours is kept...
    assert "Theirs: “0412 345 678”" in form.forms[1].boxes["phone"].problem  # ...theirs shown
    assert form.widget("address").toPlainText() == "9 Other Road, Hobart"
    assert form.stale.message.text().startswith(
        "Reloaded the saved record. Their changes are now in the form: E-mail. 1 field you also "
        "changed keeps what you typed"
    )
    assert not form.stale.reload_button.isVisible()
    assert second.record.email == "ada@example.org"  # the record behind the form, as saved
    _shot(second, "stale_details_reloaded")

    form.save_button.click()  # a deliberate save, with their changes in view
    assert second.form is None
    saved = patients.get_record(nurse.ws, nurse.actor, pid)
    assert (saved.phone, saved.email, saved.address) == (
        "03 6222 1111",
        "ada@example.org",
        "9 Other Road, Hobart",
    )


def test_second_list_row_edit_is_refused_and_reload_keeps_what_was_typed(qtbot, people):
    nurse, gp, pid = people
    patient_lists.add_condition(nurse.ws, nurse.actor, pid, ConditionDraft("Gout"))
    first, second = _window(qtbot, nurse, pid), _window(qtbot, gp, pid)
    mine, theirs = first.sections["conditions"], second.sections["conditions"]
    for section in (mine, theirs):
        section.view.selectRow(_row(section, "Gout"))
        section.edit_button.click()
    mine.dialog.form.widgets["status"].setCurrentIndex(
        mine.dialog.form.widgets["status"].findData("resolved")
    )
    mine.dialog.save()
    assert mine.dialog.result() == mine.dialog.DialogCode.Accepted

    dialog = theirs.dialog
    dialog.form.widgets["display"].setText("Gout (tophaceous)")
    dialog.save()
    assert dialog.isVisible() and dialog.stale.isVisible()
    assert "Nina Zhang (practice nurse) changed this condition" in dialog.stale.message.text()
    assert "(status)" in dialog.stale.message.text()
    _shot(dialog, "stale_condition_refused")
    with qtbot.waitSignal(theirs.changed):  # the list behind re-reads the saved row
        dialog.stale.reload_button.click()
    _shot(dialog, "stale_condition_reloaded")
    assert dialog.form.widgets["status"].currentData() == "resolved"  # theirs
    assert "Their changes are now in the form: Status." in dialog.stale.message.text()
    assert dialog.form.widgets["display"].text() == "Gout (tophaceous)"  # yours, kept
    dialog.save()
    assert not dialog.isVisible()
    (kept,) = patients.get_record(nurse.ws, nurse.actor, pid).conditions
    assert (kept.display, kept.status) == ("Gout (tophaceous)", "resolved")


def test_editing_a_row_removed_in_another_window_can_add_it_back(qtbot, people, monkeypatch):
    nurse, gp, pid = people
    patient_lists.add_contact(nurse.ws, nurse.actor, pid, ContactDraft(name="Ben Quill"))
    first, second = _window(qtbot, nurse, pid), _window(qtbot, gp, pid)
    theirs = second.sections["contacts"]
    theirs.view.selectRow(_row(theirs, "Ben Quill"))
    theirs.edit_button.click()
    (contact,) = first.record.contacts
    patient_lists.remove_contact(nurse.ws, nurse.actor, contact.id, version=contact.version)
    dialog = theirs.dialog
    dialog.form.widgets["phone"].setText("0400 111 222")
    dialog.save()
    assert dialog.stale.message.text().startswith(
        "Nina Zhang (practice nurse) removed this contact at "
    )
    dialog.stale.reload_button.click()
    assert "Save adds it back as you typed it" in dialog.stale.message.text()
    assert dialog.form.widgets["phone"].text() == "0400 111 222"
    dialog.save()
    (back,) = patients.get_record(nurse.ws, nurse.actor, pid).contacts
    assert (back.name, back.phone) == ("Ben Quill", "0400 111 222")


def test_second_settings_save_is_refused_and_the_next_one_is_deliberate(qtbot, ws, admin):
    from carecoord_desktop.ui.admin.practice import PracticeTab

    other = staff(ws, admin, Role.ADMIN, "ann.admin")
    tabs = []
    for actor in (admin, other):
        tab = PracticeTab(AppState(ws, actor, settings.load(ws)))
        qtbot.addWidget(tab)
        tab.show()
        tab.refresh()
        tabs.append(tab)
    first, second = tabs
    first.idle.setValue(7)
    first.save_button.click()
    assert first.settings_status.text() == "Settings saved."
    second.keep.setValue(30)
    second.save_button.click()
    assert second.settings_error.isVisible()
    assert second.settings_error.text().startswith(
        "Alex Admin (administrator) changed the practice settings at "
    )
    assert "(screen lock time) after you opened the form" in second.settings_error.text()
    assert "lock after 7 minutes" in second.settings_error.text()
    assert (second.idle.value(), second.keep.value()) == (DEFAULT_IDLE_LOCK_MINUTES, 30)  # kept
    assert settings.load(ws).idle_lock_minutes == 7  # not reverted
    second.resize(900, 560)
    _shot(second, "stale_settings_refused")
    second.idle.setValue(7)
    second.save_button.click()
    now = settings.load(ws)
    assert (now.idle_lock_minutes, now.backups_kept) == (7, 30)
