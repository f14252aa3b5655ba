"""`carecoord print medcard` and `print medrec`, in-process as a script would run them."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from carecoord_desktop.services import accounts, workspaces
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import MedicineDraft, SourceInput
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from tests_support import ADMIN_PASSWORD


@pytest.fixture
def folder(tmp_path, run):
    path = tmp_path / "ws"
    code, out, _ = run(
        "--workspace",
        str(path),
        "init",
        "--practice",
        "Bayview Clinic",
        "--admin",
        "admin",
        "--admin-name",
        "Alex Admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 0, out
    ws = workspaces.open_workspace(path)
    try:
        admin = accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
        draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
        pid = patients.create_patient(ws, admin, draft).value.id
        meds.add_medicine(ws, admin, pid, MedicineDraft("Lasix 40mg mane"))
    finally:
        ws.close()
    return path


def print_cmd(run, folder, *args):
    return run(
        "--workspace",
        str(folder),
        "print",
        *args,
        "--as",
        "admin",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )


def test_print_medcard_writes_the_card(folder, run, tmp_path):
    out_file = tmp_path / "card.pdf"
    code, out, err = print_cmd(
        run, folder, "medcard", "--patient", "P000001", "--out", str(out_file)
    )
    assert code == 0, err
    assert "Written" in out
    text = " ".join(PdfReader(out_file).pages[0].extract_text().split())
    assert "My medicines" in text and "Lasix" in text


def test_print_medrec_without_a_reconciliation_says_so_and_writes_nothing(folder, run, tmp_path):
    out_file = tmp_path / "rec.pdf"
    code, _, err = print_cmd(run, folder, "medrec", "--patient", "P000001", "--out", str(out_file))
    assert code != 0 and "no medication reconciliation" in err
    assert not out_file.exists()


def test_print_medrec_of_a_started_session(folder, run, tmp_path):
    ws = workspaces.open_workspace(folder)
    try:
        admin = accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
        meds.start_reconciliation(ws, admin, 1, [SourceInput("new", text="Furosemide 80 mg mane")])
    finally:
        ws.close()
    out_file = tmp_path / "rec.pdf"
    code, _, err = print_cmd(run, folder, "medrec", "--patient", "P000001", "--out", str(out_file))
    assert code == 0, err
    text = " ".join(PdfReader(out_file).pages[0].extract_text().split())
    assert "Not signed off yet" in text or "Open" in text


def test_an_unknown_patient_gets_a_clear_message(folder, run, tmp_path):
    code, _, err = print_cmd(
        run, folder, "medcard", "--patient", "P999999", "--out", str(tmp_path / "x.pdf")
    )
    assert code != 0 and "P999999" in err
