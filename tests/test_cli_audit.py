"""`carecoord audit list` speaks the same words as the Audit log screen."""

from __future__ import annotations

import io
import re
from datetime import date

from carecoord_desktop import cli
from carecoord_desktop.services import audit
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from tests_support import ADMIN_PASSWORD


def test_audit_list_shows_actions_in_words_and_patients_by_practice_id_and_name(
    ws, admin, monkeypatch, capsys
):
    ann = patients.create_patient(
        ws, admin, PatientDraft("Ann", "Fitzgerald", date(1944, 5, 6))
    ).value
    patients.get_record(ws, admin, ann.id)
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    argv = ["--workspace", str(ws.folder), "audit", "list", "--as", "admin", "--password-stdin"]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    opened = [line for line in out.splitlines() if "Opened a patient record" in line]
    assert len(opened) == 1
    assert f"{ann.practice_id} · FITZGERALD, Ann" in opened[0]
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", opened[0])
    assert "patient_list" not in out and "staff_user" not in out
    held = int(re.search(r"The log holds ([\d,]+) events", out)[1].replace(",", ""))
    assert held == audit.verify_chain(ws).rows
