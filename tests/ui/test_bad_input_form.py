"""The patient form refuses control characters with the record's own rule: the message names
the field, focus goes there, what was typed stays, and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from carecoord_desktop.services import settings
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.resources import stylesheet
from carecoord_desktop.ui.shell.state import AppState
from tests_support import save_shot


@pytest.fixture
def state(ws, admin):
    return AppState(ws, admin, settings.load(ws))


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("family_name", "Lee\x1b[31m", "family name contains an invisible control character"),
        ("given_name", "An\x07n", "given name contains an invisible control character"),
        ("preferred_name", "An\x08n", "preferred name contains an invisible control character"),
    ],
)
def test_the_form_names_the_field_and_saves_nothing(qtbot, state, field, typed, words):
    QApplication.instance().setStyleSheet(stylesheet())
    dialog = PatientRecordDialog.new(state)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    form.widget("given_name").setText("Ann")
    form.widget("family_name").setText("Lee")
    form.widget("date_of_birth").set_value(date(1950, 2, 3))
    form.widget(field).setText(typed)
    form.save_button.click()
    problems = {name: text for part in form.forms for name, text in part.problems().items()}
    assert words in problems[field]  # said at the field at fault, not above the form
    assert not form.error.isVisible()
    assert dialog.focusWidget() is form.widget(field)
    assert form.widget(field).text() == typed
    assert registry.query_ids(state.ws, state.actor, registry.PatientFilter()) == []
    if field == "family_name":
        save_shot(dialog, "form_control_character.png")
