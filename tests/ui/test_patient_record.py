"""The patient record window on a real 100-patient demo workspace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.types import ConditionDraft
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from tests_support import assert_has_text, page_key
from tests_support import rect_in as _rect_in

SHOTS = None  # set to a folder path to save screenshots while developing


@pytest.fixture
def demo_ws(demo_copy):
    """Each test edits, merges and archives its own copy: no test sees another's changes."""
    return demo_copy(100, 5).workspace


@pytest.fixture
def admin(demo_ws):
    return accounts.authenticate(demo_ws, "admin", demo.DEMO_PASSWORD)


@pytest.fixture
def state(demo_ws, admin):
    return AppState(demo_ws, admin, settings.load(demo_ws))


@pytest.fixture
def confirm(monkeypatch):
    """Answer Yes to every confirmation; record what was asked."""
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2] if len(a) > 2 else "") or QMessageBox.StandardButton.Yes,
    )
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    return asked


def _ids(ws, actor, **kw):
    return registry.query_ids(ws, actor, registry.PatientFilter(**kw), sort="conditions")


def _rich(ws, actor):
    """An active patient with several conditions (demo data is seeded, so this is stable)."""
    return _ids(ws, actor)[-1]


def _open(qtbot, state, patient_id):
    dialog = PatientRecordDialog(state, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_opening_shows_name_practice_id_and_conditions(qtbot, state):
    pid = _rich(state.ws, state.actor)
    rec = patients.get_record(state.ws, state.actor, pid)
    dialog = _open(qtbot, state, pid)
    assert rec.display_name in dialog.windowTitle()
    assert dialog.name.text() == rec.display_name
    assert rec.practice_id in dialog.details.text()
    shown = dialog.sections["conditions"].model
    assert shown.rowCount() == len(rec.conditions) >= 2
    assert {shown.row_at(r).display for r in range(shown.rowCount())} == {
        c.display for c in rec.conditions
    }
    assert dialog.tier.toolTip() and not dialog.banner.isVisible()
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["Summary", "Conditions && allergies", "Medicines", "Hospital", "People"]


def test_edit_a_field_saves_and_emits(qtbot, state):
    pid = _ids(state.ws, state.actor)[3]
    dialog = _open(qtbot, state, pid)
    dialog.edit_details()
    form = dialog.form
    form.widget("preferred_language").setText("Greek")
    form.widget("interpreter_needed").setChecked(True)
    with qtbot.waitSignal(dialog.state.changes_published) as signal:
        form.save_button.click()
    assert signal.args[0].patient_ids == {pid}
    rec = patients.get_record(state.ws, state.actor, pid)
    assert rec.preferred_language == "Greek" and rec.interpreter_needed
    assert dialog.stack.currentWidget() is dialog.view
    assert dialog.interpreter.isVisible() and "Greek" in dialog.interpreter.text()


def test_future_birth_date_shows_the_message_and_keeps_typed_values(qtbot, state):
    pid = _ids(state.ws, state.actor)[4]
    before = patients.get_record(state.ws, state.actor, pid)
    dialog = _open(qtbot, state, pid)
    dialog.edit_details()
    form = dialog.form
    form.widget("phone").setText("0412 345 678")
    form.widget("housing").setPlainText("Rents a unit, stairs only")
    form.widget("date_of_birth").set_value(date.today() + timedelta(days=3))
    form.save_button.click()
    message = form.forms[0].boxes["date_of_birth"].message
    assert "future" in message.text() and not form.error.isVisible()
    assert form.widget("phone").text() == "0412 345 678"
    assert form.widget("housing").toPlainText() == "Rents a unit, stairs only"
    assert dialog.focusWidget() is form.widget("date_of_birth").edit
    assert dialog.stack.currentWidget() is form
    assert patients.get_record(state.ws, state.actor, pid).phone == before.phone
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/form_error.png")


def test_new_duplicate_shows_candidates_and_save_anyway_saves(qtbot, state):
    existing = patients.get_record(state.ws, state.actor, _ids(state.ws, state.actor)[5])
    dialog = PatientRecordDialog.new(state)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    form.widget("given_name").setText(existing.given_name)
    form.widget("family_name").setText(existing.family_name)
    form.widget("date_of_birth").set_value(existing.date_of_birth)
    form.save_button.click()
    panel = form.duplicates
    assert panel.isVisible()
    assert panel.model.rowCount() == 1
    candidate = panel.model.row_at(0)
    assert candidate.practice_id == existing.practice_id
    assert "same name and date of birth" in candidate.reason
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/duplicate.png")
    panel.go_back.click()
    assert not panel.isVisible() and form.widget("given_name").text() == existing.given_name
    form.save_button.click()
    panel.different.setChecked(True)  # saving a possible duplicate is a deliberate choice
    with qtbot.waitSignal(dialog.state.changes_published) as signal:
        panel.save_anyway.click()
    (new_id,) = signal.args[0].patient_ids
    assert new_id != existing.id
    assert dialog.record.id == new_id and dialog.stack.currentWidget() is dialog.view
    assert patients.get_record(state.ws, state.actor, new_id).family_name == existing.family_name


def test_cancel_a_new_patient_closes_without_saving(qtbot, state):
    """Nothing typed: Cancel closes at once, nothing to ask."""
    dialog = PatientRecordDialog.new(state)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        dialog.form.cancel_button.click()


def _answer_discard(choice: str) -> dict:
    """Answer the discard question when it shows, with the button named `choice`; what it
    asked is put in the returned dict."""
    seen: dict = {}

    def answer():
        box = QApplication.activeModalWidget()
        seen["text"], seen["default"] = box.text(), box.defaultButton().text()
        seen["escape"] = box.escapeButton().text()
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(0, answer)
    return seen


@pytest.mark.parametrize("how", ["cancel", "escape", "close"])
def test_leaving_a_new_patient_with_typed_details_asks_and_keep_editing_keeps_them(
    qtbot, state, how
):
    """QA 55_cancel.png: Cancel, Escape or closing the window threw the typed details away."""
    dialog = PatientRecordDialog.new(state)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.form
    form.widget("given_name").setText("Marguerite")
    leave = {
        "cancel": form.cancel_button.click,
        "escape": lambda: qtbot.keyClick(form.widget("given_name"), Qt.Key.Key_Escape),
        "close": dialog.close,
    }[how]
    seen = _answer_discard("Keep editing")
    leave()
    assert seen == {
        "text": "Discard the new patient's details?",
        "default": "Keep editing",
        "escape": "Keep editing",
    }
    assert dialog.isVisible() and dialog.form is form
    assert form.widget("given_name").text() == "Marguerite"
    _answer_discard("Discard")
    with qtbot.waitSignal(dialog.rejected):
        leave()
    assert not dialog.isVisible()


def test_an_edit_form_asks_only_when_something_was_changed(qtbot, state):
    pid = _ids(state.ws, state.actor)[3]
    dialog = _open(qtbot, state, pid)
    dialog.edit_details()
    dialog.form.cancel_button.click()  # nothing changed: no question, back to the record
    assert dialog.form is None and dialog.stack.currentWidget() is dialog.view
    dialog.edit_details()
    form = dialog.form
    form.widget("phone").setText("0400 111 222")
    seen = _answer_discard("Keep editing")
    form.cancel_button.click()
    assert seen["text"] == "Discard your changes to this patient's details?"
    assert dialog.form is form and form.widget("phone").text() == "0400 111 222"
    _answer_discard("Discard")
    form.cancel_button.click()
    assert dialog.form is None
    assert patients.get_record(state.ws, state.actor, pid).phone != "0400 111 222"


def test_a_list_row_dialog_asks_before_throwing_away_what_was_typed(qtbot, state):
    dialog = _open(qtbot, state, _ids(state.ws, state.actor)[6])
    section = dialog.sections["conditions"]
    section.add_button.click()
    row_form = section.dialog
    qtbot.waitExposed(row_form)
    row_form.form.widgets["display"].setText("Gout")
    seen = _answer_discard("Keep editing")
    qtbot.keyClick(row_form.form.widgets["display"], Qt.Key.Key_Escape)
    assert seen["text"] == "Discard what you typed in “Add condition”?"
    assert seen["default"] == "Keep editing"
    assert row_form.isVisible() and row_form.form.widgets["display"].text() == "Gout"
    _answer_discard("Discard")
    row_form.buttons.button(row_form.buttons.StandardButton.Cancel).click()
    assert not row_form.isVisible()
    section.add_button.click()
    untouched = section.dialog
    qtbot.waitExposed(untouched)
    untouched.reject()  # nothing typed: closes without a question
    assert not untouched.isVisible()


def test_add_a_condition_and_an_allergy_through_the_forms(qtbot, state):
    pid = _ids(state.ws, state.actor)[6]
    dialog = _open(qtbot, state, pid)
    section = dialog.sections["conditions"]
    before = section.model.rowCount()
    section.add_button.click()
    form = section.dialog
    form.form.widgets["onset"].set_value(date(2020, 5, 1))
    form.save()  # the name is required: the message shows at it, the onset stays
    assert form.form.boxes["display"].message.text() == "Enter the condition."
    assert form.form.widgets["onset"].value() == date(2020, 5, 1)
    widgets = form.form.widgets
    assert widgets["status"].currentData() == "active" and widgets["chronic"].isChecked()
    form.form.widgets["display"].setText("Osteoarthritis of knee")
    with qtbot.waitSignal(dialog.state.changes_published):
        form.buttons.button(form.buttons.StandardButton.Save).click()
    assert section.model.rowCount() == before + 1
    allergies = dialog.sections["allergies"]
    allergies.add_button.click()
    form = allergies.dialog
    form.form.widgets["substance"].setText("Penicillin")
    form.form.widgets["reaction"].setText("Anaphylaxis")
    severe = form.form.widgets["severity"]
    severe.setCurrentIndex(severe.findData("severe"))
    form.save()
    rec = patients.get_record(state.ws, state.actor, pid)
    assert "Osteoarthritis of knee" in {c.display for c in rec.conditions}
    assert [(a.substance, a.severity) for a in rec.allergies if a.substance == "Penicillin"] == [
        ("Penicillin", "severe")
    ]
    row = next(
        r
        for r in range(allergies.model.rowCount())
        if allergies.model.row_at(r).substance == "Penicillin"
    )
    assert allergies.model.data(allergies.model.index(row, 0), 8) is not None  # highlighted


def test_edit_and_remove_a_condition(qtbot, state, confirm):
    pid = _ids(state.ws, state.actor)[7]
    patients_lists = __import__("carecoord_desktop.services.patients.lists", fromlist=["x"])
    patients_lists.add_condition(state.ws, state.actor, pid, ConditionDraft("Gout"))
    dialog = _open(qtbot, state, pid)
    section = dialog.sections["conditions"]
    row = next(
        r for r in range(section.model.rowCount()) if section.model.row_at(r).display == "Gout"
    )
    section.view.selectRow(row)
    section.edit_button.click()
    section.dialog.form.widgets["display"].setText("Gout (tophaceous)")
    section.dialog.save()
    assert "Gout (tophaceous)" in {
        section.model.row_at(r).display for r in range(section.model.rowCount())
    }
    row = next(
        r
        for r in range(section.model.rowCount())
        if "tophaceous" in section.model.row_at(r).display
    )
    section.view.selectRow(row)
    with qtbot.waitSignal(dialog.state.changes_published):
        section.remove_button.click()
    assert confirm and "Gout (tophaceous)" in confirm[-1]
    rec = patients.get_record(state.ws, state.actor, pid)
    assert not any("Gout" in c.display for c in rec.conditions)


def test_reception_cannot_add_clinical_items(qtbot, demo_ws, admin):
    accounts.add_user(
        demo_ws, admin, username="front.desk", full_name="Fran Desk", role=Role.RECEPTION,
        password="front desk pass 1", must_change_password=False,
    )  # fmt: skip
    reception = accounts.authenticate(demo_ws, "front.desk", "front desk pass 1")
    state = AppState(demo_ws, reception, settings.load(demo_ws))
    dialog = _open(qtbot, state, _rich(demo_ws, reception))
    said = {
        "conditions": "Only clinical staff can change conditions.",
        "allergies": "Only clinical staff can change allergies.",
        "hospital": "Only clinical staff can change hospital events.",
    }
    for key, why in said.items():
        section = dialog.sections[key]
        dialog.tabs.setCurrentWidget(section.parentWidget())
        assert not section.add_button.isEnabled()
        assert section.add_button.toolTip() == why
        # QA 69_rec_cond.png: greyed buttons and nothing on screen saying why.
        assert section.locked_note.isVisible() and section.locked_note.text() == why
    dialog.tabs.setCurrentWidget(dialog.sections["contacts"].parentWidget())
    assert dialog.sections["contacts"].add_button.isEnabled()
    assert not dialog.sections["contacts"].locked_note.isVisible()
    assert dialog.edit_button.isEnabled()
    assert not dialog.merge_button.isEnabled()
    # QA 74_rec_summary.png: the details form let reception change clinical information.
    from carecoord_desktop.services.permissions import CLINICAL_DETAILS

    dialog.edit_details()
    form = dialog.form
    locked = {
        name for name, w in form.all_widgets().items()
        if (w.edit.isReadOnly() if hasattr(w, "edit") else
            w.isReadOnly() if hasattr(w, "isReadOnly") else not w.isEnabled())
    }  # fmt: skip
    assert locked == CLINICAL_DETAILS
    shown = {label.text() for label in form.findChildren(type(dialog.name)) if label.isVisible()}
    assert "Only clinical staff can change the advance care directive." in shown
    assert "Only clinical staff can change social needs and function." in shown
    form.widget("phone").setText("0400 222 333")
    with qtbot.waitSignal(state.changes_published):
        form.save_button.click()  # demographics still save
    assert dialog.form is None


def test_clinical_staff_edit_function_social_needs_and_the_directive(qtbot, state):
    dialog = _open(qtbot, state, _ids(state.ws, state.actor)[2])
    dialog.edit_details()
    form = dialog.form
    assert not form.widget("functional_status").isReadOnly()
    assert form.widget("acd_status").isEnabled() and not form.widget("acd_date").edit.isReadOnly()
    form.widget("functional_status").setPlainText("Walks with a frame")
    with qtbot.waitSignal(state.changes_published):
        form.save_button.click()
    rec = patients.get_record(state.ws, state.actor, dialog.record.id)
    assert rec.functional_status == "Walks with a frame"


def test_archive_shows_the_banner_and_disables_editing(qtbot, state, confirm):
    pid = _ids(state.ws, state.actor)[8]
    dialog = _open(qtbot, state, pid)
    dialog.archive_button.click()
    ask = dialog.archive_dialog
    ask.choice.setCurrentIndex(ask.choice.findData("Died"))
    with qtbot.waitSignal(dialog.state.changes_published):
        ask.archive_button.click()
    assert patients.get_record(state.ws, state.actor, pid).archived
    assert dialog.banner.isVisible() and "ARCHIVED" in dialog.banner.text()
    assert not dialog.edit_button.isEnabled()
    assert not dialog.sections["contacts"].add_button.isEnabled()
    assert "unarchive" in dialog.sections["conditions"].add_button.toolTip()
    assert dialog.archive_button.text() == "Unarchive…" and dialog.archive_button.isEnabled()
    with qtbot.waitSignal(dialog.state.changes_published):
        dialog.archive_button.click()
    assert not dialog.banner.isVisible() and dialog.edit_button.isEnabled()


def test_merge_moves_the_conditions(qtbot, state, confirm):
    ids = _ids(state.ws, state.actor)
    keep_id, gone_id = ids[10], ids[-2]
    keep = patients.get_record(state.ws, state.actor, keep_id)
    gone = patients.get_record(state.ws, state.actor, gone_id)
    assert gone.conditions
    dialog = _open(qtbot, state, keep_id)
    dialog.merge_button.click()
    merge = dialog.merge_dialog
    merge.search.setText(gone.practice_id)
    merge.find()
    assert merge.model.rowCount() == 1 and merge.other.id == gone_id
    assert gone.practice_id in merge.compare.text()
    with qtbot.waitSignal(dialog.state.changes_published) as signal:
        merge.merge_button.click()
    assert signal.args[0].patient_ids == {keep_id, gone_id}, "one notice names both records"
    assert "archive" in confirm[-1]
    kept = patients.get_record(state.ws, state.actor, keep_id)
    assert len(kept.conditions) == len(keep.conditions) + len(gone.conditions)
    assert dialog.sections["conditions"].model.rowCount() == len(kept.conditions)
    assert patients.get_record(state.ws, state.actor, gone_id).merged_into_id == keep_id
    merged = _open(qtbot, state, gone_id)
    assert "MERGED" in merged.banner.text() and not merged.archive_button.isEnabled()


def test_screenshots_of_every_tab(qtbot, state, tmp_path):
    QApplication.instance().setStyleSheet(stylesheet())
    try:
        dialog = _open(qtbot, state, _rich(state.ws, state.actor))
        qtbot.waitExposed(dialog)
        folder = SHOTS or tmp_path
        pages = []
        for i in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(i)
            shot = dialog.grab()
            assert shot.save(f"{folder}/record_tab{i}.png")
            image = QImage(f"{folder}/record_tab{i}.png")  # what was written, read back
            assert image.size() == shot.size() and image.width() >= dialog.width()
            assert_has_text(image, dialog.name, dialog)  # the patient's name is drawn
            page = dialog.tabs.currentWidget()
            assert_has_text(image, page, dialog)  # the tab's own content is drawn
            pages.append(image.copy(_rect_in(page, dialog, image)))
        assert len({page_key(p) for p in pages}) == len(pages), "two tabs painted the same"
    finally:
        QApplication.instance().setStyleSheet("")


@pytest.mark.parametrize("typed", ["07/03/1948", "7/3/1948", "1948-03-07", "07.03.1948"])
def test_an_empty_date_can_be_typed_and_cleared(qtbot, typed):
    from PySide6.QtTest import QTest

    from carecoord_desktop.ui.widgets.date_field import DateField

    field = DateField()
    qtbot.addWidget(field)
    field.show()
    assert field.value() is None and field.text() == ""
    QTest.keyClicks(field.edit, typed)
    assert field.value() == date(1948, 3, 7)
    field.edit.clear()
    assert field.value() is None


def test_why_shows_the_lists_risk_presentation_score_points_not_counted_and_rule(qtbot, state):
    """QA 24_why.png: the record's Why? had no score, no threshold and one mixed list."""
    from carecoord_desktop.ui.patients.risk_panel import RiskExplanationView

    pid = _rich(state.ws, state.actor)
    explained = registry.risk_explanation(state.ws, state.actor, pid)
    dialog = _open(qtbot, state, pid)
    assert not dialog.reasons.isVisible()
    dialog.why.click()
    view = dialog.reasons
    assert isinstance(view, RiskExplanationView) and view.isVisible()
    assert explained.summary in view.tier.text()  # "Score 9 (High from 5)"
    assert explained.factors and explained.not_counted
    for factor in explained.factors:
        assert f"+{factor.points}" in view.reasons.text()
        assert factor.label.split(" ")[0] in view.reasons.text()
    for reason in explained.not_counted:
        assert reason.split(" ")[0] in view.not_counted.text()
        assert reason.split(" ")[0] not in view.reasons.text().split("<table")[0]
    assert view.how.isVisible()
    view.how.click()
    qtbot.waitUntil(lambda: view.rule_dialog is not None and view.rule_dialog.isVisible())
    assert "Charlson" in view.rule_dialog.text.toPlainText()
    view.rule_dialog.close()


def test_the_identity_and_allergy_banner_stays_in_view_while_editing(qtbot, state):
    """QA 31_edit.png: Edit details hid the header with the allergies."""
    pid = next(
        p for p in _ids(state.ws, state.actor)
        if patients.get_record(state.ws, state.actor, p).allergies
    )  # fmt: skip
    rec = patients.get_record(state.ws, state.actor, pid)
    dialog = _open(qtbot, state, pid)
    assert dialog.allergy_line.isVisible()
    dialog.edit_details()
    assert dialog.stack.currentWidget() is dialog.form
    assert dialog.allergy_line.isVisible() and dialog.name.isVisible()
    assert rec.allergies[0].substance in dialog.allergy_line.text()
    assert dialog.name.text() == rec.display_name
