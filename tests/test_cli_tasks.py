"""`carecoord transitions discharge`, `settings`, `holidays` and `minutes report` driven
in-process with secrets on stdin, as a script would."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import minutes
from tests_support import ADMIN_PASSWORD, STAFF_PASSWORD, TEST_SCRYPT_N

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def practice(tmp_path):
    """A workspace with a nurse, a receptionist and one patient; the workspace is closed."""
    made = workspaces.create_practice(
        tmp_path / "ws",
        practice_name="Bayview Clinic",
        admin_username="admin",
        admin_full_name="Alex Admin",
        admin_password=ADMIN_PASSWORD,
        scrypt_n=TEST_SCRYPT_N,
    )
    ws, admin = made.workspace, made.admin
    for name, role in (("nina.zhang", Role.NURSE), ("rita.desk", Role.RECEPTION)):
        accounts.add_user(
            ws,
            admin,
            username=name,
            full_name=name.replace(".", " ").title(),
            role=role,
            password=STAFF_PASSWORD,
            must_change_password=False,
        )
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    rec = patients.create_patient(ws, admin, draft).value
    ws.close()
    return tmp_path / "ws", rec.practice_id


def _as(folder, who, *argv, password=STAFF_PASSWORD):
    return (("--workspace", str(folder), *argv, "--as", who, "--password-stdin"), password + "\n")


def test_discharge_json_is_exactly_the_list_of_tasks(practice, run):
    folder, pid = practice
    argv, stdin = _as(
        folder,
        "nina.zhang",
        "transitions",
        "discharge",
        "--patient",
        pid.lower(),
        "--date",
        "2026-11-20",
        "--facility",
        "Royal North Shore",
        "--complexity",
        "high",
        "--json",
    )
    code, out, err = run(*argv, stdin=stdin)
    assert code == 0, err
    rows = json.loads(out)
    assert [r["kind"] for r in rows] == ["contact", "medrec", "visit", "summary"]
    assert all(set(r) == {"kind", "title", "due", "owner"} for r in rows)
    assert rows[0] == {
        "kind": "contact",
        "title": "Interactive contact within 2 business days",
        "due": "2026-11-24",
        "owner": "nurse",
    }
    assert rows[2]["due"] == "2026-11-27"  # 7 days, a Friday
    # Sent again (a re-imported notification): the same tasks, nothing new.
    code, again, _ = run(*argv, stdin=stdin)
    assert code == 0 and json.loads(again) == rows
    code, text_out, _ = run(*[a for a in argv if a != "--json"], stdin=stdin)  # in words
    assert "already recorded" in text_out and "Nurses" in text_out


def test_discharge_refuses_bad_input_and_roles_that_may_not(practice, run):
    folder, pid = practice
    base = ("transitions", "discharge", "--patient", pid, "--facility", "RNS")
    code, _, err = run(
        *_as(folder, "nina.zhang", *base, "--date", "31/02/2026")[0], stdin=STAFF_PASSWORD + "\n"
    )
    assert code == 2 and "February 2026 has 28 days" in err
    code, _, err = run(
        *_as(
            folder,
            "nina.zhang",
            "transitions",
            "discharge",
            "--patient",
            "P999999",
            "--date",
            "2026-11-20",
            "--facility",
            "RNS",
        )[0],
        stdin=STAFF_PASSWORD + "\n",
    )
    assert code == 2 and "no patient with the practice id P999999" in err
    code, _, err = run(
        *_as(folder, "rita.desk", *base, "--date", "2026-11-20")[0], stdin=STAFF_PASSWORD + "\n"
    )
    assert code == 2 and "reception" in err


def test_settings_set_and_show_the_holiday_region(practice, run):
    folder, _ = practice
    code, out, _ = run("--workspace", str(folder), "settings", "show")
    assert code == 0 and "holiday-region" in out and "AU-NSW" in out
    argv, stdin = _as(
        folder, "admin", "settings", "set", "holiday-region", "au-qld", password=ADMIN_PASSWORD
    )
    code, out, err = run(*argv, stdin=stdin)
    assert code == 0, err
    assert "holiday-region is now AU-QLD" in out
    code, out, _ = run("--workspace", str(folder), "settings", "show")
    assert "AU-QLD" in out
    for key, value, says in (
        ("holiday-region", "AU-XX", "AU-QLD"),
        ("idle-lock-minutes", "soon", "whole number"),
        ("idle-lock-minutes", "500", "1 to 120"),
        ("colour", "blue", "Settings: practice-name"),
    ):
        argv, stdin = _as(folder, "admin", "settings", "set", key, value, password=ADMIN_PASSWORD)
        code, _, err = run(*argv, stdin=stdin)
        assert code == 2 and says in err, err
    for key, value, says in (
        ("nurses-sign-reconciliation", "yes", "nurses-sign-reconciliation is now yes"),
        ("practice-phone", "02 9555 0100", "practice-phone is now 02 9555 0100"),
    ):
        argv, stdin = _as(folder, "admin", "settings", "set", key, value, password=ADMIN_PASSWORD)
        code, out, err = run(*argv, stdin=stdin)
        assert code == 0 and says in out, err
    argv, stdin = _as(
        folder, "admin", "settings", "set", "nurses-sign-reconciliation", "perhaps",
        password=ADMIN_PASSWORD,
    )  # fmt: skip
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2 and "takes yes or no" in err
    argv, stdin = _as(folder, "nina.zhang", "settings", "set", "holiday-region", "US-CA")
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2 and "change practice settings" in err


def test_local_holidays_from_the_command_line(practice, run):
    folder, _ = practice
    argv, stdin = _as(
        folder, "admin", "holidays", "add", "2026-09-03", "Toowoomba Show", password=ADMIN_PASSWORD
    )
    assert run(*argv, stdin=stdin)[0] == 0
    code, out, _ = run("--workspace", str(folder), "holidays", "list", "--year", "2026")
    assert code == 0 and "* Thu 03 Sep 2026  Toowoomba Show" in out
    assert "Mon 28 Dec 2026  Boxing Day (observed)" in out


def test_minutes_report_as_csv_and_json(practice, run, tmp_path):
    folder, pid = practice
    ws = workspaces.open_workspace(folder)
    nurse = accounts.authenticate(ws, "nina.zhang", STAFF_PASSWORD)
    patient = patients.get_record(ws, nurse, 1)
    minutes.add_minutes(
        ws, nurse, patient.id, minutes=22, activity="=calls", work_date=date(2026, 11, 5)
    )
    ws.close()
    argv, stdin = _as(folder, "nina.zhang", "minutes", "report", "--month", "2026-11", "--json")
    code, out, err = run(*argv, stdin=stdin)
    assert code == 0, err
    assert json.loads(out) == [
        {
            "practice_id": pid,
            "patient": "QUILL, Ada",
            "minutes": 22,
            "entries": 1,
            "threshold_reached": 20,
            "status": "past 20",
        }
    ]
    target = tmp_path / "nov.csv"
    argv, stdin = _as(
        folder, "nina.zhang", "minutes", "report", "--month", "2026-11", "--output", str(target)
    )
    assert run(*argv, stdin=stdin)[0] == 0
    rows = list(csv.reader(target.open()))
    assert rows[0] == list(minutes.REPORT_COLUMNS) and rows[1][:3] == [pid, "QUILL, Ada", "22"]
    argv, stdin = _as(folder, "nina.zhang", "minutes", "report", "--month", "Nov")
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2 and "YYYY-MM" in err
    ws = workspaces.open_workspace(folder)
    boss = accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
    events, _ = audit.list_events(ws, boss, action="export")
    assert [e.record_type for e in events] == ["minutes_report", "minutes_report"]
    ws.close()
