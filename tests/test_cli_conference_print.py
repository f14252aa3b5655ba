"""`carecoord print conference-summary|conference-pack` driven in-process as a script would,
on a real encrypted workspace whose conferences were made through the conference services,
acting as a named user (the password through stdin)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from tests.documents.pdf_text import pages

import conference_print_support as support
from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import permissions
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from tests_support import STAFF_PASSWORD

team, patient, plan, providers = support.team, support.patient, support.plan, support.providers
held, upcoming = support.held, support.upcoming

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _print(ws, who: str, kind: str, practice_id: str, out, *extra: str):
    argv = ("--workspace", str(ws.folder), "print", kind, "--patient", practice_id,
            "--out", str(out), *extra, "--as", who, "--password-stdin")  # fmt: skip
    return argv, STAFF_PASSWORD + "\n"


def test_the_latest_conference_is_printed_when_no_id_is_given(ws, held, upcoming, run, tmp_path):
    out = tmp_path / "summary.pdf"
    argv, stdin = _print(ws, "coordinator.user", "conference-summary", held.practice_id, out)
    code, said, err = run(*argv, stdin=stdin)
    assert code == 0, err
    assert "Written:" in said and "summary.pdf" in said
    text = " ".join(pages(out.read_bytes()))
    # The latest is the one to come: it says it is not held yet.
    assert "This conference has not been held yet" in text and "Page 1 of" in text

    argv, stdin = _print(ws, "coordinator.user", "conference-summary", held.practice_id, out,
                         "--id", str(held.id))  # fmt: skip
    code, _, err = run(*argv, stdin=stdin)
    assert code == 0, err
    text = " ".join(pages(out.read_bytes()))
    assert f"{held.elapsed_minutes} minutes" in text and support.TASK_TEXT in text
    for p in held.participants:
        assert p.name in text


def test_the_pack_prints_for_reception_and_is_audited_as_a_file(ws, upcoming, run, tmp_path):
    out = tmp_path / "pack.pdf"
    argv, stdin = _print(ws, "reception.user", "conference-pack", upcoming.practice_id, out,
                         "--id", str(upcoming.id))  # fmt: skip
    code, _, err = run(*argv, stdin=stdin)
    assert code == 0, err
    text = " ".join(pages(out.read_bytes()))
    assert "Care conference: pack" in text and "Can I keep driving?" in text
    with ws.session() as session:
        details = session.exec(
            select(AuditEvent.detail).where(
                AuditEvent.record_type == "conference",
                AuditEvent.record_id == str(upcoming.id),
                AuditEvent.action == "export",
            )
        ).all()
    assert [d for d in details if d.startswith("conference pack PDF written to a file (")]
    assert not [d for d in details if upcoming.patient_name.split()[-1] in d]


def test_a_user_without_the_print_permission_is_refused_and_nothing_is_written(
    ws, held, run, tmp_path, monkeypatch
):
    without = permissions.ROLE_PERMISSIONS[Role.RECEPTION] - {permissions.Permission.PRINT_HANDOUTS}
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.RECEPTION, without)
    out = tmp_path / "summary.pdf"
    for kind in ("conference-summary", "conference-pack"):
        argv, stdin = _print(ws, "reception.user", kind, held.practice_id, out)
        code, _, err = run(*argv, stdin=stdin)
        assert code != 0 and "print patient handouts" in err, err
    assert not out.exists() and list(tmp_path.glob(".carecoord-*")) == []


def test_a_patient_without_a_conference_gets_a_clear_message(ws, admin, team, run, tmp_path):
    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="Ivy", family_name="Lam", date_of_birth=date(1960, 1, 2))
    ).value
    out = tmp_path / "summary.pdf"
    argv, stdin = _print(ws, "gp.user", "conference-summary", other.practice_id, out)
    code, said, err = run(*argv, stdin=stdin)
    assert code != 0 and "no care conferences yet" in err and said == ""
    assert not out.exists()


def test_a_wrong_id_leaves_an_existing_file_untouched(ws, held, run, tmp_path):
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"the earlier copy")
    argv, stdin = _print(ws, "gp.user", "conference-pack", held.practice_id, out, "--id", "999")
    code, _, err = run(*argv, stdin=stdin)
    assert code != 0 and "no care conference number 999" in err
    assert out.read_bytes() == b"the earlier copy"
    assert list(tmp_path.glob(".carecoord-*")) == []


def test_both_kinds_are_listed_in_the_print_help(run, capsys):
    with pytest.raises(SystemExit) as done:
        run("print", "--help")
    said = capsys.readouterr().out
    assert done.value.code == 0
    assert "conference-summary" in said and "conference-pack" in said
