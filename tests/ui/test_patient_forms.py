"""Entering data in the record window as a user does: typing dates into the real field, the
possible-duplicate warning under Enter, Enter, errors at the field, archive and unarchive, the
allergy banner on every tab, and tables that show their text. Each test gets its own demo
workspace, so no test depends on what another one changed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QThreadPool
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.types import AllergyDraft
from carecoord_desktop.store.workspace import Workspace
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.patients.screen import PatientsScreen
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.fitted_table import PADDING
from tests_support import TEST_SCRYPT_N, save_shot


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One demo practice, built once; each test opens its own copy of it."""
    folder = tmp_path_factory.mktemp("forms") / "ws"
    made = demo.create_demo_workspace(folder, patients=30, seed=11, scrypt_n=TEST_SCRYPT_N)
    made.workspace.close()
    return folder, made.recovery_key


@pytest.fixture
def demo_ws(template, tmp_path):
    folder, recovery_key = template
    shutil.copytree(folder, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws", recovery_key=recovery_key)
    yield ws
    QThreadPool.globalInstance().waitForDone()
    ws.close()


@pytest.fixture
def state(demo_ws):
    actor = accounts.authenticate(demo_ws, "admin", demo.DEMO_PASSWORD)
    return AppState(demo_ws, actor, settings.load(demo_ws))


@pytest.fixture
def styled():
    QApplication.instance().setStyleSheet(stylesheet())
    yield
    QApplication.instance().setStyleSheet("")


def _ids(state):
    return registry.query_ids(state.ws, state.actor, registry.PatientFilter(), sort="conditions")


def _open(qtbot, state, patient_id) -> PatientRecordDialog:
    dialog = PatientRecordDialog(state, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _new(qtbot, state) -> PatientRecordDialog:
    dialog = PatientRecordDialog.new(state)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _shot(widget, name: str) -> None:
    save_shot(widget, f"forms-{name}")


def _count(state) -> int:
    return registry.count_all(state.ws, state.actor)


# -- typing dates into the real field -------------------------------------------------------------
@pytest.mark.parametrize("where", [0.05, 0.5, 0.95])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [("22/07/1951", date(1951, 7, 22)), ("2/7/1951", date(1951, 7, 2)),
     ("1951-07-22", date(1951, 7, 22)), ("15/06/1950", date(1950, 6, 15))],
)  # fmt: skip
def test_a_date_typed_after_a_click_anywhere_is_the_date_typed(qtbot, where, typed, expected):
    field = DateField("date of birth", required=True)
    qtbot.addWidget(field)
    field.show()
    edit = field.edit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(int(edit.width() * where), 8))
    qtbot.keyClicks(edit, typed)
    assert field.value() == expected


def test_ctrl_a_then_typing_replaces_the_whole_date(qtbot):
    field = DateField("date of birth")
    qtbot.addWidget(field)
    field.show()
    field.set_value(date(1951, 7, 22))
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    qtbot.keyClick(field.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field.edit, "15/06/1950")
    assert field.value() == date(1950, 6, 15)


@pytest.mark.parametrize("where", [0.05, 0.3, 0.5, 0.7, 0.95])
def test_a_click_into_a_filled_date_selects_it_so_typing_replaces_it(qtbot, where):
    """QA: a click in 03/12/1953, then 22/07/1951 typed, read "03/12/221953"."""
    field = DateField("date of birth", required=True)
    qtbot.addWidget(field)
    other = QLineEdit()
    qtbot.addWidget(other)
    field.show()
    other.show()
    field.set_value(date(1953, 12, 3))
    other.setFocus()
    edit = field.edit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(int(edit.width() * where), 8))
    assert edit.selectedText() == "03/12/1953"
    qtbot.keyClicks(edit, "22/07/1951")
    assert field.text() == "22/07/1951" and field.value() == date(1951, 7, 22)


def test_tab_into_a_filled_date_selects_it_so_typing_replaces_it(qtbot):
    box = QWidget()
    layout = QVBoxLayout(box)
    before = QLineEdit()
    field = DateField("date of birth")
    layout.addWidget(before)
    layout.addWidget(field)
    qtbot.addWidget(box)
    box.show()
    field.set_value(date(1953, 12, 3))
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(field.edit.hasFocus)
    qtbot.keyClicks(field.edit, "22/07/1951")
    assert field.text() == "22/07/1951"


def test_typing_into_the_middle_of_a_date_is_refused_never_another_date(qtbot):
    """The second click places the cursor (a deliberate edit); what it makes is read as typed."""
    field = DateField("date of birth")
    qtbot.addWidget(field)
    field.show()
    field.set_value(date(1951, 7, 22))
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton, pos=QPoint(30, 8))
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton, pos=QPoint(30, 8))
    assert not field.edit.hasSelectedText()
    qtbot.keyClicks(field.edit, "15/06/1950")
    assert field.text() != "22/07/1951" and "Type the date of birth" in field.problem()
    with pytest.raises(Exception, match="day/month/year"):
        field.value()


def test_a_typed_date_is_shown_in_full_once_it_reads_and_the_calendar_picks(qtbot):
    field = DateField("onset")
    qtbot.addWidget(field)
    field.show()
    with qtbot.waitSignal(field.problem_changed) as said:
        qtbot.keyClicks(field.edit, "2/7/1951")
        field.edit.editingFinished.emit()
    assert said.args == [""] and field.text() == "02/07/1951"
    from PySide6.QtCore import QDate

    field.calendar.clicked.emit(QDate(2020, 5, 1))
    assert field.value() == date(2020, 5, 1) and field.text() == "01/05/2020"


def test_31_february_is_refused_at_the_field_and_nothing_is_saved(qtbot, state, styled):
    pid = _ids(state)[3]
    before = patients.get_record(state.ws, state.actor, pid)
    dialog = _open(qtbot, state, pid)
    dialog.resize(1200, 800)
    dialog.edit_details()
    form = dialog.form
    dob = form.widget("date_of_birth")
    given = form.widget("given_name")
    top_before = given.mapTo(dialog, QPoint(0, 0))
    save_before = form.save_button.mapTo(dialog, QPoint(0, 0))
    dob.edit.selectAll()
    qtbot.keyClicks(dob.edit, "31/02/1950")
    message = form.forms[0].boxes["date_of_birth"].message
    dob.edit.editingFinished.emit()  # leaving the field (Tab) says it at once
    assert "February 1950 has 28 days" in message.text()
    form.widget("phone").setText("0412 345 678")
    form.save_button.click()
    assert message.text() == "31/02/1950 is not a real date: February 1950 has 28 days."
    # Laid out (the layout runs from the event loop), the whole message shows.
    qtbot.waitUntil(lambda: message.height() >= message.heightForWidth(message.width()))
    body = form.scroll.widget()
    assert body.width() <= form.scroll.viewport().width()  # no sideways scrolling
    assert message.isVisible() and not form.error.isVisible()
    assert QApplication.focusWidget() in (dob.edit, None) and dialog.focusWidget() is dob.edit
    assert dob.text() == "31/02/1950" and form.widget("phone").text() == "0412 345 678"
    # The message has its own line: nothing above it or the buttons moved.
    assert given.mapTo(dialog, QPoint(0, 0)) == top_before
    assert form.save_button.mapTo(dialog, QPoint(0, 0)) == save_before
    assert patients.get_record(state.ws, state.actor, pid).date_of_birth == before.date_of_birth
    _shot(dialog, "form_error_date.png")


def test_errors_are_at_the_field_in_plain_words(qtbot, state, styled):
    dialog = _new(qtbot, state)
    dialog.resize(1200, 800)
    form = dialog.form
    qtbot.waitUntil(lambda: dialog.focusWidget() is form.widget("given_name"))
    form.widget("given_name").setText("Ada")
    form.widget("family_name").setText("Quill")
    qtbot.keyClicks(form.widget("date_of_birth").edit, "03/04/1940")
    form.widget("medicare_number").setText("2123 45671 1")
    form.save_button.click()
    box = form.forms[0].boxes["medicare_number"]
    assert box.message.text().startswith("The check digit does not match")
    assert dialog.focusWidget() is form.widget("medicare_number")
    assert "border" in form.widget("medicare_number").styleSheet()
    qtbot.waitUntil(lambda: box.message.height() >= box.message.heightForWidth(box.width()))
    label = form.forms[0].labels["medicare_number"]
    assert label.width() >= label.sizeHint().width()  # the marked label is not cut
    assert form.scroll.horizontalScrollBar().maximum() == 0
    _shot(dialog, "form_error_medicare.png")
    form.widget("medicare_number").setText("2123 45670 1")
    form.widget("email").setText("not an address")
    form.save_button.click()
    assert box.message.text() == box.spec.hint and not form.widget("medicare_number").styleSheet()
    assert "name@example.com" in form.forms[1].boxes["email"].message.text()


def test_a_new_form_starts_on_its_first_field_with_an_empty_required_date(qtbot, state):
    dialog = _new(qtbot, state)
    form = dialog.form
    qtbot.waitUntil(lambda: dialog.focusWidget() is form.widget("given_name"))
    dob = form.widget("date_of_birth")
    assert dob.text() == "" and dob.edit.placeholderText() == "dd/mm/yyyy"
    assert not hasattr(dob, "not_set")
    hint = form.forms[0].boxes["practice_id"].message
    assert hint.wordWrap() and hint.text() == "Leave empty to get the next free one"


# -- possible duplicates -------------------------------------------------------------------------
def _type_existing(qtbot, form, existing, medicare=None) -> None:
    form.widget("given_name").setText(existing.given_name)
    form.widget("family_name").setText(existing.family_name)
    qtbot.keyClicks(form.widget("date_of_birth").edit, f"{existing.date_of_birth:%d/%m/%Y}")
    if medicare:
        form.widget("medicare_number").setText(medicare)


def test_enter_enter_in_the_duplicate_warning_saves_nothing(qtbot, state, styled):
    existing = patients.get_record(state.ws, state.actor, _ids(state)[5])
    count = _count(state)
    dialog = _new(qtbot, state)
    form = dialog.form
    _type_existing(qtbot, form, existing)
    form.widget("given_name").setFocus()
    for _ in range(3):  # Enter saves, Enter again goes back: however often it is pressed
        qtbot.keyClick(form.widget("given_name"), Qt.Key.Key_Return)
        assert form.duplicates.isVisible()
        assert form.duplicates.go_back.isDefault() and not form.save_button.isDefault()
        assert dialog.focusWidget() is form.duplicates.go_back
        if _ == 0:
            dialog.resize(1200, 800)
            _shot(dialog, "duplicate_warning.png")
        qtbot.keyClick(form.duplicates.go_back, Qt.Key.Key_Return)
        assert not form.duplicates.isVisible()
    assert _count(state) == count and dialog.record is None


def test_a_second_patient_on_the_same_medicare_number_needs_a_deliberate_choice(qtbot, state):
    ids = _ids(state)
    existing = next(
        rec
        for rec in (patients.get_record(state.ws, state.actor, i) for i in ids)
        if rec.medicare_number
    )
    count = _count(state)
    dialog = _new(qtbot, state)
    opened = []
    dialog.record_open_requested.connect(opened.append)
    form = dialog.form
    form.widget("given_name").setText("Someone")
    form.widget("family_name").setText("Else")
    qtbot.keyClicks(form.widget("date_of_birth").edit, "01/01/1960")
    form.widget("medicare_number").setText(existing.medicare_number[:10])
    form.save_button.click()
    panel = form.duplicates
    assert panel.isVisible() and "same Medicare number" in panel.model.row_at(0).reason
    assert not panel.save_anyway.isEnabled()
    panel.save_anyway.click()  # disabled: nothing happens
    assert _count(state) == count
    panel.open_existing.click()
    assert opened == [existing.id] and form.widget("given_name").text() == "Someone"
    panel.different.setChecked(True)
    with qtbot.waitSignal(dialog.state.changes_published) as saved:
        panel.save_anyway.click()
    assert existing.id not in saved.args[0].patient_ids and _count(state) == count + 1


def test_open_the_existing_record_from_the_warning_on_the_patients_screen(qtbot, state):
    existing = patients.get_record(state.ws, state.actor, _ids(state)[4])
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    screen.show()
    window = screen.new_patient()
    qtbot.addWidget(window)
    _type_existing(qtbot, window.form, existing)
    window.form.save_button.click()
    window.form.duplicates.open_existing.click()
    opened = screen.opener.window_for(existing.id)
    assert opened.isVisible() and opened.record.id == existing.id
    assert window.isVisible() and window.form.widget("given_name").text() == existing.given_name


# -- archive -------------------------------------------------------------------------------------
def test_archive_asks_why_defaults_to_keeping_and_unarchives_from_the_patients_screen(
    qtbot, state, monkeypatch, styled
):
    from PySide6.QtWidgets import QMessageBox

    pid = _ids(state)[8]
    dialog = _open(qtbot, state, pid)
    dialog.archive_button.click()
    ask = dialog.archive_dialog
    assert ask.isVisible() and ask.keep_button.isDefault() and not ask.archive_button.isDefault()
    assert "Archived patients" in ask.findChild(type(dialog.name)).text()
    _shot(ask, "archive_reason.png")
    qtbot.keyClick(ask.choice, Qt.Key.Key_Return)  # Enter keeps the record
    assert not ask.isVisible() and not patients.get_record(state.ws, state.actor, pid).archived
    dialog.archive_button.click()
    ask = dialog.archive_dialog
    ask.archive_button.click()  # no reason chosen: asked for one
    assert ask.isVisible() and "Choose why" in ask.error.text()
    ask.choice.setCurrentIndex(ask.choice.findData("Moved away or changed practice"))
    ask.detail.setText("to Darwin")
    with qtbot.waitSignal(dialog.state.changes_published):
        ask.archive_button.click()
    rec = patients.get_record(state.ws, state.actor, pid)
    assert rec.archived and rec.archive_reason == "Moved away or changed practice: to Darwin"
    assert "Reason: Moved away" in dialog.banner.text()

    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.loaded and not screen.searching, timeout=5000)
    assert pid not in {screen.model.patient_id(r) for r in range(screen.model.rowCount())}
    archived = screen.show_archived()
    assert [archived.model.row_at(r).id for r in range(archived.model.rowCount())] == [pid]
    _shot(archived, "archived_patients.png")
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a: asked.append(a[4]) or QMessageBox.StandardButton.Yes
    )
    archived.unarchive_button.click()
    assert asked == [QMessageBox.StandardButton.Cancel]  # the safe button is the default
    assert not patients.get_record(state.ws, state.actor, pid).archived
    assert archived.model.rowCount() == 0 and archived.empty.isVisible()
    qtbot.waitUntil(
        lambda: (
            not screen.searching
            and pid in {screen.model.patient_id(r) for r in range(screen.model.rowCount())}
        ),
        timeout=5000,
    )


# -- allergies on every tab ------------------------------------------------------------------------
def test_the_banner_shows_allergies_on_every_tab_severe_highlighted(qtbot, state, styled):
    pid = _ids(state)[6]
    patient_lists.add_allergy(
        state.ws, state.actor, pid, AllergyDraft("Penicillin", "anaphylaxis", "severe")
    )
    patient_lists.add_allergy(state.ws, state.actor, pid, AllergyDraft("Latex", "rash", "mild"))
    dialog = _open(qtbot, state, pid)
    dialog.resize(1200, 800)
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        line = dialog.allergy_line
        assert line.isVisible(), dialog.tabs.tabText(tab)
        severe, mild = line.text().rsplit("; ", 1)
        assert "#8e1b12" in severe and "⚠ PENICILLIN&nbsp;</span> (severe, anaphylaxis)" in severe
        assert mild == "Latex (mild, rash)"  # not highlighted
    assert dialog.nka_button.isHidden()  # allergies are listed
    _shot(dialog, "banner_allergies.png")


def test_no_known_allergies_is_recorded_apart_from_not_yet_recorded(qtbot, state):
    pid = _ids(state)[0]
    rec = patients.get_record(state.ws, state.actor, pid)
    for a in rec.allergies:
        patient_lists.remove_allergy(state.ws, state.actor, a.id)
    dialog = _open(qtbot, state, pid)
    assert "not yet recorded" in dialog.allergy_line.text()
    with qtbot.waitSignal(dialog.state.changes_published):
        dialog.nka_button.click()
    assert "No known allergies" in dialog.allergy_line.text()
    assert patients.get_record(state.ws, state.actor, pid).allergy_status == "none_known"
    assert "Withdraw" in dialog.nka_button.text()


def test_adding_an_allergy_asks_for_reaction_and_severity(qtbot, state, styled):
    pid = _ids(state)[2]
    dialog = _open(qtbot, state, pid)
    section = dialog.sections["allergies"]
    section.add_button.click()
    form = section.dialog
    assert form.form.widgets["severity"].currentData() is None  # no severity chosen for them
    form.form.widgets["substance"].setText("Sulfonamides")
    form.save()
    assert form.form.boxes["reaction"].message.text() == "Enter the reaction."
    form.form.widgets["reaction"].setText("Hives")
    form.save()
    assert form.form.boxes["severity"].message.text() == "Choose the severity."
    assert form.isVisible()
    box = form.form.boxes["severity"]
    qtbot.waitUntil(lambda: box.message.height() >= box.message.heightForWidth(box.width()))
    _shot(form, "allergy_form_error.png")
    severity = form.form.widgets["severity"]
    severity.setCurrentIndex(severity.findData("moderate"))
    with qtbot.waitSignal(dialog.state.changes_published):
        form.save()
    assert "Sulfonamides (moderate, Hives)" in dialog.allergy_line.text()


def test_reception_edits_details_but_not_allergies(qtbot, demo_ws, styled):
    admin = accounts.authenticate(demo_ws, "admin", demo.DEMO_PASSWORD)
    accounts.add_user(
        demo_ws, admin, username="front.desk", full_name="Fran Desk", role=Role.RECEPTION,
        password="front desk pass 1", must_change_password=False,
    )  # fmt: skip
    reception = accounts.authenticate(demo_ws, "front.desk", "front desk pass 1")
    state = AppState(demo_ws, reception, settings.load(demo_ws))
    pid = _ids(state)[1]
    for a in patients.get_record(demo_ws, admin, pid).allergies:
        patient_lists.remove_allergy(demo_ws, admin, a.id)
    dialog = _open(qtbot, state, pid)
    assert dialog.allergy_line.isVisible() and "not yet recorded" in dialog.allergy_line.text()
    assert not dialog.sections["allergies"].add_button.isEnabled()
    assert not dialog.nka_button.isEnabled() and "cannot" in dialog.nka_button.toolTip()
    assert dialog.edit_button.isEnabled() and dialog.archive_button.isEnabled()
    dialog.resize(1200, 800)
    dialog.tabs.setCurrentIndex(1)
    _shot(dialog, "reception_allergies_tab.png")
    dialog.edit_details()  # reception keeps demographics up to date
    dialog.form.widget("phone").setText("0412 000 111")
    with qtbot.waitSignal(dialog.state.changes_published):
        dialog.form.save_button.click()
    assert patients.get_record(demo_ws, reception, pid).phone == "0412 000 111"


# -- tables show their text ----------------------------------------------------------------------
def _cut_cells(view) -> list[str]:
    """Cells whose text does not fit their column width and row height (wrapped)."""
    model, cut = view.model(), []
    metrics = QFontMetrics(view.font())
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = str(model.data(model.index(row, column)) or "")
            width = view.columnWidth(column) - PADDING + 4
            needed = metrics.boundingRect(
                QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text
            )
            if needed.width() > width or needed.height() > view.rowHeight(row):
                cut.append(text)
    return cut


def test_every_table_of_the_record_shows_its_text_at_the_default_size(qtbot, state, styled):
    pid = next(
        i
        for i in reversed(_ids(state))
        if patients.get_record(state.ws, state.actor, i).medications
    )
    patient_lists.add_allergy(
        state.ws, state.actor, pid,
        AllergyDraft("Angiotensin converting enzyme inhibitors", "angioedema of lips and "
                     "tongue needing adrenaline in the emergency department", "severe"),
    )  # fmt: skip
    dialog = _open(qtbot, state, pid)
    dialog.resize(1200, 800)
    views = [s.view for s in dialog.sections.values()] + [dialog.pages["medicines"].view]
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        for view in views:
            if view.isVisible():
                assert view.horizontalScrollBar().maximum() == 0
                assert _cut_cells(view) == [], dialog.tabs.tabText(tab)
        if dialog.tabs.tabText(tab) == "Medicines":
            _shot(dialog, "medicines_table.png")
        if dialog.tabs.tabText(tab).startswith("Conditions"):
            _shot(dialog, "conditions_allergies.png")
    medicines = dialog.pages["medicines"].view
    used = sum(medicines.columnWidth(c) for c in range(medicines.model().columnCount()))
    assert used >= medicines.viewport().width() - 2  # no blank strip beside the table
    dialog.resize(700, 700)  # narrower than the text: it wraps instead of being cut
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: _cut_cells(dialog.sections["allergies"].view) == [])


def test_identifiers_read_the_same_in_the_record_as_in_the_list(qtbot, state):
    from carecoord_desktop.ui.patients.list_model import MEDICARE, display_text

    pid = next(
        i for i in _ids(state) if patients.get_record(state.ws, state.actor, i).medicare_number
    )
    row = registry.fetch_rows(state.ws, state.actor, [pid])[pid]
    listed = display_text(row, MEDICARE)
    assert " " in listed
    dialog = _open(qtbot, state, pid)
    assert f"Medicare {listed}" in dialog.details.text()
    assert "Practice ID" in dialog.details.text()
    dialog.edit_details()
    assert dialog.form.widget("medicare_number").text() == listed


# -- one date field across the app -----------------------------------------------------------------
def test_no_form_of_the_app_uses_qdateedit():
    ui = Path(__import__("carecoord_desktop.ui", fromlist=["x"]).__file__).parent
    users = [p.name for p in ui.rglob("*.py") if "QDateEdit" in p.read_text(encoding="utf-8")]
    assert users == ["date_field.py"]  # only its docstring, saying why not


def test_the_audit_log_dates_are_typed_text_and_refused_when_not_real(qtbot, state):
    from carecoord_desktop.ui.admin.screen import AuditTab

    tab = AuditTab(state)
    qtbot.addWidget(tab)
    tab.show()
    tab.since.setText("01/01/2000")
    tab.refresh()
    shown = tab.model.rowCount()
    assert shown > 0 and not tab.error.isVisibleTo(tab)
    tab.since.setText("31/02/2024")  # the form's rule: never rounded to 29/02
    tab.refresh()
    assert tab.error.isVisibleTo(tab) and "“31/02/2024” is not a date" in tab.error.text()
    assert tab.model.rowCount() == shown  # the last good list stays
