"""The record's list tables (`RecordTableModel`) against Qt's own model checks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont

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
from carecoord_desktop.services.patients.types import AllergyDraft, AllergyRow
from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.patients.sections import RecordTableModel, list_specs
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.table_model import Column


@pytest.fixture
def state(demo_copy):
    ws = demo_copy(100, 5).workspace
    admin = accounts.authenticate(ws, "admin", demo.DEMO_PASSWORD)
    return AppState(ws, admin, settings.load(ws))


def _font(model, row: int) -> QFont | None:
    return model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)


@pytest.fixture
def record(state):
    """A demo patient with several conditions and a severe allergy."""
    ids = registry.query_ids(state.ws, state.actor, registry.PatientFilter(), sort="conditions")
    patient_lists.add_allergy(
        state.ws, state.actor, ids[-1], AllergyDraft("Penicillin", "Anaphylaxis", "severe")
    )
    return patients.get_record(state.ws, state.actor, ids[-1])


def test_the_record_window_shows_its_lists_in_record_table_models(qtbot, state, record):
    dialog = PatientRecordDialog(state, record.id)
    qtbot.addWidget(dialog)
    keys = {spec.key for _title, specs in list_specs(state) for spec in specs}
    assert set(dialog.sections) == keys == set(SPEC_KEYS)  # a new list joins the tester too
    assert all(type(s.model) is RecordTableModel for s in dialog.sections.values())
    allergies = dialog.sections["allergies"].model
    severe = [r for r in range(allergies.rowCount()) if allergies.row_at(r).severity == "severe"]
    assert severe and _font(allergies, severe[0]).bold()


SPEC_KEYS = ["conditions", "allergies", "contacts", "care_team", "hospital"]


@pytest.mark.parametrize("key", SPEC_KEYS)
def test_each_list_of_a_real_record_passes_the_qt_model_tester(qtmodeltester, state, record, key):
    spec = next(s for _title, specs in list_specs(state) for s in specs if s.key == key)
    model = RecordTableModel(spec.columns, spec.highlight)  # as ListSection builds it
    model.set_rows(getattr(record, spec.rows_attr))
    qtmodeltester.check(model, force_py=True)


def test_the_tester_saw_real_rows(state, record):
    filled = [
        s.key for _title, specs in list_specs(state) for s in specs if getattr(record, s.rows_attr)
    ]
    assert {"conditions", "allergies"} <= set(filled)


def test_highlighted_rows_pass_the_tester_and_only_they_are_marked(qtmodeltester):
    model = RecordTableModel(
        [Column("Substance", lambda r: r.substance), Column("Severity", lambda r: r.severity)],
        highlight=lambda r: r.severity == "severe",
    )
    model.set_rows(
        [
            AllergyRow("Penicillin", "Rash", "severe", id=1),
            AllergyRow("Latex", None, "mild", id=2),
            AllergyRow("Peanut", None, "unknown", id=3),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert _font(model, 0).bold()
    assert isinstance(model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole), QBrush)
    assert _font(model, 1) is None and _font(model, 2) is None
