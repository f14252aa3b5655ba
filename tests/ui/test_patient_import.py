"""The CSV import dialog and the export action, driven as a user would on a real workspace."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services import settings
from carecoord_desktop.services.patients import imports as patient_import
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.patients import import_dialog as ui
from carecoord_desktop.ui.patients.import_dialog import export_patient_list
from carecoord_desktop.ui.shell.state import AppState
from tests_support import import_dialog  # noqa: F401 - the `dialog` fixture
from tests_support import import_step as step

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHOTS = os.environ.get("CARECOORD_SCREENSHOTS")  # a folder: save pictures of the pages there


@pytest.fixture
def messages(monkeypatch):
    shown = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            lambda *a, _n=name, **k: shown.append((_n, a[2] if len(a) > 2 else "")),
        )
    return shown


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_import_dialog_mapping_preview_partial_import(qtbot, dialog, ws, admin, messages, tmp_path):
    create_patient(
        ws,
        admin,
        PatientDraft(given_name="Zoë", family_name="O'Brien", date_of_birth=date(1948, 3, 7)),
    )
    imported = []
    dialog.patients_imported.connect(imported.append)
    assert step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_mixed.csv")
    assert dialog.pages.currentIndex() == ui.MAPPING
    assert dialog.mapping()["family_name"] == "Surname"
    assert dialog.mapping()["date_of_birth"] == "DOB"
    assert dialog.mapping()["email"] is None
    assert dialog.combos["email"].currentText() == ui.NOT_IN_FILE
    assert dialog.samples["family_name"].text() == "e.g. Nguyen"
    assert "9 rows, comma-separated" in dialog.file_summary.text()
    shot(dialog, "import-mapping")

    step(qtbot, dialog, dialog.next_step)  # check every row
    assert dialog.pages.currentIndex() == ui.PREVIEW
    assert dialog.counts.text() == "3 rows ready to import, 6 rejected."
    assert dialog.ready_model.rowCount() == 3
    assert dialog.rejected_model.rowCount() == 6
    first = dialog.rejected_model.index(0, 2).data()
    assert dialog.rejected_model.index(0, 0).data() == "3" and first == "family name is empty"
    # All or nothing (the default) blocks the import and says why.
    assert not dialog.next_button.isEnabled()
    assert "Nothing will be imported while 6 rows are rejected" in dialog.import_hint.text()
    shot(dialog, "import-preview")

    report = tmp_path / "rejected.csv"
    assert dialog.save_rejected_to(report)
    with report.open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == 6

    dialog.all_or_nothing.setChecked(False)
    assert dialog.next_button.isEnabled() and dialog.next_button.text() == "Import 3 patients"
    step(qtbot, dialog, dialog.next_step)  # import on the worker
    assert dialog.pages.currentIndex() == ui.DONE
    assert "Imported 3 patients (P000002 to P000004)" in dialog.done_text.text()
    assert "6 rows were not imported" in dialog.done_text.text()
    assert len(imported) == 1 and imported[0].imported == 3
    assert len(registry.query_ids(ws, admin, PatientFilter())) == 4
    shot(dialog, "import-done")
    dialog.next_step()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_import_dialog_all_valid_file_imports_everything(qtbot, dialog, ws, admin):
    assert step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_semicolon_cp1252.csv")
    assert "semicolon-separated, Windows-1252" in dialog.file_summary.text()
    step(qtbot, dialog, dialog.next_step)
    assert dialog.counts.text() == "2 rows ready to import, 0 rejected."
    assert dialog.next_button.isEnabled()
    assert not dialog.save_rejected_button.isEnabled()
    step(qtbot, dialog, dialog.next_step)
    assert dialog.pages.currentIndex() == ui.DONE
    assert registry.query_ids(ws, admin, PatientFilter(text="zoe"))


def test_import_dialog_clear_messages(qtbot, dialog, tmp_path):
    assert not step(qtbot, dialog, dialog.load_file, FIXTURES / "binary.csv")
    assert dialog.pages.currentIndex() == ui.FILE
    assert "not a CSV text file" in dialog.error.text() and dialog.error.isVisible()
    assert not step(qtbot, dialog, dialog.load_file, FIXTURES / "empty.csv")
    assert "empty" in dialog.error.text()

    assert step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_good.csv")
    assert not dialog.error.isVisible()
    dialog.set_mapping("date_of_birth", None)
    step(qtbot, dialog, dialog.next_step)
    assert dialog.pages.currentIndex() == ui.MAPPING
    assert "Date of birth" in dialog.error.text()

    dialog.set_mapping("date_of_birth", "Mobile")
    step(qtbot, dialog, dialog.next_step)
    assert "chosen for both Date of birth and Phone" in dialog.error.text()
    dialog.set_mapping("phone", None)  # now only the wrong column: nothing importable
    step(qtbot, dialog, dialog.next_step)
    assert dialog.pages.currentIndex() == ui.PREVIEW
    assert dialog.counts.text() == "0 rows ready to import, 4 rejected."
    assert "No row can be imported" in dialog.error.text()
    assert not dialog.next_button.isEnabled()
    dialog.back_step()
    assert dialog.pages.currentIndex() == ui.MAPPING


def test_export_action_writes_file_and_reports(qtbot, ws, admin, messages, tmp_path):
    state = AppState(ws, admin, settings.load(ws))
    path = FIXTURES / "patients_good.csv"
    plan = patient_import.validate(
        ws, admin, path, patient_import.guess_mapping(patient_import.read_csv(path).headers)
    )
    patient_import.import_rows(ws, admin, plan)
    out = tmp_path / "list.csv"
    job = export_patient_list(state, None, PatientFilter(), sort="name", path=out)
    with qtbot.waitSignal(job.finished, timeout=30_000) as written:
        pass
    assert written.args == [4]
    assert messages[-1][0] == "information" and "Exported 4 patients" in messages[-1][1]
    job = export_patient_list(state, None, PatientFilter(), path=tmp_path / "no" / "x.csv")
    with qtbot.waitSignal(job.failed, timeout=30_000):
        pass
    assert messages[-1][0] == "warning" and "Cannot write" in messages[-1][1]
