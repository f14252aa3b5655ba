"""`carecoord resources import` and `carecoord print referral`, driven in-process as a script
would, acting as a named user (the password through stdin)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from tests.documents.pdf_text import pages

from carecoord_desktop import cli
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import workspaces
from carecoord_desktop.services.context import Actor
from tests_support import ADMIN_PASSWORD


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*argv: str, stdin: str = ADMIN_PASSWORD + "\n") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def folder(tmp_path, run):
    path = tmp_path / "ws"
    code, out, _ = run(
        "--workspace", str(path), "init", "--practice", "Bayview Clinic", "--admin", "admin",
        "--admin-name", "Alex Admin", "--kit", str(tmp_path / "kit.pdf"), "--password-stdin",
    )  # fmt: skip
    assert code == 0, out
    return path


def _as_admin(folder, *argv):
    return ("--workspace", str(folder), *argv, "--as", "admin", "--password-stdin")


def test_resources_import_reports_refused_rows_and_exits_1(folder, run, tmp_path):
    csv = tmp_path / "services.csv"
    csv.write_text(
        "Name,Category,Phone,Area\nRiverbend Ride Along,Transport,(03) 5550 0101,Riverbend\n"
        "=HYPERLINK(1),Nope,,\n",
        encoding="utf-8",
    )
    code, out, _ = run(*_as_admin(folder, "resources", "import", str(csv)))
    assert code == 1
    assert "2 rows read: 1 service added; 1 row refused." in out
    assert "line 3: '=HYPERLINK(1): " in out and "category" in out
    code, out, _ = run(*_as_admin(folder, "resources", "import", str(csv), "--json"))
    report = json.loads(out)
    assert report["added"] == [] and next(r["reason"] for r in report["refused"]) == (
        "already in the directory"
    )


def test_print_referral_writes_the_newest_letter_and_records_the_share(folder, run, tmp_path):
    from carecoord_desktop.services.patients import lists
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import CareTeamDraft, PatientDraft
    from carecoord_desktop.services.referrals import letters
    from carecoord_desktop.services.referrals import referrals as refs
    from carecoord_desktop.services.referrals.types import ReferralDraft

    ws = workspaces.open_workspace(folder)
    admin = Actor(1, "admin", "Alex Admin", Role.ADMIN)
    pid = patients.create_patient(
        ws, admin, PatientDraft(given_name="Harold", family_name="Moss",
                                date_of_birth=date(1951, 2, 3)),
    ).value.id  # fmt: skip
    member = lists.add_care_team_member(
        ws, admin, pid, CareTeamDraft(name="Dr Lena Ortiz", role="Podiatrist",
                                      phone="(03) 5550 1234"),
    ).value.id  # fmt: skip
    first = refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "Feet")).value
    newest = refs.create_referral(ws, admin, pid, ReferralDraft("provider", member, "Nails"))
    ws.close()

    out_file = tmp_path / "letter.pdf"
    code, _out, err = run(*_as_admin(folder, "print", "referral", "--patient", "P000001",
                                    "--out", str(out_file), "--method", "fax"))  # fmt: skip
    assert code == 0, err
    assert "Nails" in pages(out_file.read_bytes())[0]
    code, _, err = run(*_as_admin(folder, "print", "referral", "--patient", "P000001",
                                  "--out", str(out_file), "--id", str(first)))  # fmt: skip
    assert code == 0 and "Feet" in pages(out_file.read_bytes())[0]
    code, _, err = run(*_as_admin(folder, "print", "referral", "--patient", "P000001",
                                  "--out", str(tmp_path / "x.pdf"), "--id", "99"))  # fmt: skip
    assert code != 0 and "no referral number 99" in err and not (tmp_path / "x.pdf").exists()

    ws = workspaces.open_workspace(folder)
    try:
        shares = letters.shares_for(ws, admin, pid)
    finally:
        ws.close()
    assert [(s.record_id, s.method) for s in shares] == [
        (first, "printed"), (newest.value, "fax")
    ]  # fmt: skip
