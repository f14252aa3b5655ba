"""`carecoord conferences list|check|show`, in-process as a script runs them, acting as a
named user (the password on stdin), with the global options before or after the command."""

from __future__ import annotations

import json

import pytest

from carecoord_desktop.services.conferences import conferences
from tests_support import STAFF_PASSWORD

from .conftest import draft_for, hold, share_summary

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

LIST_KEYS = {
    "id", "patient", "patient_name", "title", "scheduled_at", "status", "place", "video_link",
    "organiser", "invited", "attended", "agreed", "minutes",
}  # fmt: skip
SHOW_KEYS = {
    "id", "version", "patient", "patient_name", "title", "status", "scheduled_at",
    "planned_minutes", "place", "video_link", "organiser", "plan_id", "agreed", "agreed_on",
    "agreed_how", "started_at", "ended_at", "elapsed_minutes", "tier", "summary_offered_on",
    "cancel_reason", "participants", "agenda", "decisions",
}  # fmt: skip


@pytest.fixture
def folder(ws):
    return str(ws.folder)


def as_user(run, folder, who, *argv, before=False):
    common = ("--workspace", folder, "--as", who, "--password-stdin")
    args = (*common, *argv) if before else (*argv, *common)
    return run(*args, stdin=STAFF_PASSWORD + "\n")


def test_list_json_has_stable_keys_with_options_either_side(run, folder, patient, conference):
    for before in (False, True):
        code, out, err = as_user(
            run, folder, "reception.user", "conferences", "list", "--json", before=before
        )
        assert code == 0, err
        data = json.loads(out)
        assert data["when"] == "upcoming" and data["patient"] is None
        (row,) = data["conferences"]
        assert set(row) == LIST_KEYS
        assert row["id"] == conference.id and row["patient"] == patient.practice_id
        assert row["invited"] == 4 and row["attended"] == 0 and row["agreed"] is None


def test_list_in_words_and_by_patient_and_when(run, folder, patient, conference):
    code, out, _ = as_user(run, folder, "nurse.user", "conferences", "list")
    assert code == 0 and f"#{conference.id}" in out and "Mary Nguyen" in out
    assert "0/4 attended" in out and "agreement not recorded" in out
    code, out, _ = as_user(
        run, folder, "nurse.user", "conferences", "list", "--when", "past",
        "--patient", patient.practice_id.lower(),
    )  # fmt: skip
    assert code == 0 and out.strip() == "No past care conferences."


def test_check_exits_1_until_every_element_is_met(ws, run, folder, team, patient, conference):
    code, out, _ = as_user(run, folder, "gp.user", "conferences", "check", "--patient",
                           patient.practice_id)  # fmt: skip
    assert code == 1
    assert "0 of 6 met" in out and "missing  Team size and mix" in out
    rec = hold(ws, team["nurse"], conference)
    code, out, _ = as_user(run, folder, "gp.user", "conferences", "check", "--patient",
                           patient.practice_id, "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 1 and data["complete"] is False
    assert set(data) == {"patient", "conference_id", "pack", "pack_name", "complete", "elements"}
    assert [e["key"] for e in data["elements"] if not e["met"]] == ["summary_offered"]
    assert set(data["elements"][0]) == {"key", "name", "met", "detail"}
    share_summary(ws, team["nurse"], rec, ["Mary Nguyen", "Priya Shah", "Tom Reid"])
    code, out, _ = as_user(run, folder, "gp.user", "conferences", "check", "--patient",
                           patient.practice_id, "--id", str(rec.id))  # fmt: skip
    assert code == 0 and "6 of 6 met" in out


def test_show_json_is_the_conference_whole(ws, run, folder, team, patient, conference):
    rec = hold(ws, team["nurse"], conference, minutes=41)
    code, out, err = as_user(run, folder, "reception.user", "conferences", "show", "--patient",
                             patient.practice_id, "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == SHOW_KEYS
    assert data["id"] == rec.id and data["status"] == "held" and data["elapsed_minutes"] == 41
    assert data["tier"] == {"label": "40 minutes or more", "organiser_item": "743",
                            "participant_item": "758"}  # fmt: skip
    assert [p["discipline"] for p in data["participants"]][:3] == [
        "General practitioner", "Pharmacist", "Physiotherapist",
    ]  # fmt: skip
    assert data["agenda"][0]["minutes"] == "Talked it through"
    assert data["decisions"][0]["text"] == "Carry on"
    assert data["started_at"].endswith("+00:00")


def test_show_refuses_another_patients_conference_and_needs_json(
    ws, admin, run, folder, team, patient, conference
):
    from datetime import date

    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    ray = PatientDraft(given_name="Ray", family_name="Moss", date_of_birth=date(1951, 1, 1))
    other = patients.create_patient(ws, admin, ray).value
    theirs = conferences.schedule_conference(ws, team["nurse"], draft_for(other.id)).value
    code, _, err = as_user(run, folder, "nurse.user", "conferences", "show", "--patient",
                           patient.practice_id, "--id", str(theirs.id), "--json")  # fmt: skip
    assert code != 0 and "not one of this patient's" in err
    code, _, err = as_user(run, folder, "nurse.user", "conferences", "show", "--patient",
                           patient.practice_id)  # fmt: skip
    assert code != 0 and "--json" in err


def test_a_patient_without_conferences_and_a_wrong_password(run, folder, team, patient):
    code, _, err = as_user(run, folder, "nurse.user", "conferences", "check", "--patient",
                           patient.practice_id)  # fmt: skip
    assert code != 0 and "no care conferences yet" in err
    code, _, err = run("--workspace", folder, "conferences", "list", "--as", "nurse.user",
                       "--password-stdin", stdin="wrong password\n")  # fmt: skip
    assert code != 0 and "Traceback" not in err
