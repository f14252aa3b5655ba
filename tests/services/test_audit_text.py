"""The audit log in words: actions, patients by Practice ID and name, counts Verify agrees with."""

from __future__ import annotations

import re
from datetime import date

import pytest

from carecoord_desktop.errors import LoginFailedError, PermissionDeniedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, audit_text, audit_view, settings, workspaces
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.patients.types import AllergyDraft, PatientDraft
from tests_support import staff

ALL = audit_view.AuditQuery()


@pytest.fixture
def ann(ws, admin):
    return patients.create_patient(
        ws, admin, PatientDraft("Ann", "Fitzgerald", date(1944, 5, 6))
    ).value


def _lines(page, action):
    return [line for line in page.lines if line.action == action]


def test_a_patient_event_shows_practice_id_and_name(ws, admin, ann):
    patients.get_record(ws, admin, ann.id)
    page = audit_view.list_page(ws, admin, ALL)
    opened = _lines(page, "Opened a patient record")
    assert len(opened) == 1
    assert opened[0].patient == f"{ann.practice_id} · FITZGERALD, Ann"
    assert opened[0].details == ""  # "opened record" says nothing the action does not
    added = _lines(page, "Added a patient record")
    assert [line.patient for line in added] == [f"{ann.practice_id} · FITZGERALD, Ann"]


def test_names_are_resolved_at_display_time_never_stored(ws, admin, ann):
    patients.get_record(ws, admin, ann.id)
    audit_view.list_page(ws, admin, ALL)
    with ws.raw_connection() as conn:
        stored = " ".join(
            " ".join(str(v) for v in row)
            for row in conn.execute("SELECT * FROM audit_event").fetchall()
        )
    assert "Fitzgerald" not in stored and "FITZGERALD" not in stored
    assert ann.practice_id not in stored


def test_the_log_is_only_for_a_role_that_may_view_it(ws, admin, ann):
    for role in (Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION):
        someone = staff(ws, admin, role, username=f"u.{role.value}")
        with pytest.raises(PermissionDeniedError):
            audit_view.list_page(ws, someone, ALL)


def test_the_count_shown_is_the_count_verify_reports(ws, admin, ann):
    for _ in range(3):
        patients.get_record(ws, admin, ann.id)
    page = audit_view.list_page(ws, admin, ALL)
    report = audit.verify_chain(ws)
    assert report.ok
    assert page.in_log == report.rows
    assert page.matched == report.rows  # no filters: every event, this viewing included
    assert page.lines[0].action == "Viewed the audit log"
    assert f"The log holds {report.rows:,} events" in audit_view.summary(page)


def test_filters_narrow_the_page_and_the_summary_says_how_many(ws, admin, ann):
    for _ in range(4):
        patients.get_record(ws, admin, ann.id)
    page = audit_view.list_page(ws, admin, audit_view.AuditQuery(action="view"), limit=2)
    assert len(page.lines) == 2
    assert page.matched == 5  # four openings and this viewing of the log
    assert page.matched < page.in_log
    assert audit_view.summary(page).startswith("Showing the newest 2 of 5 matching events.")


def test_every_kind_of_event_reads_as_words(ws, admin, ann):
    """The class of problem: no stored code, internal id, file name or bad plural on screen."""
    other = patients.create_patient(
        ws, admin, PatientDraft("Bea", "Fitzgerald", date(1950, 1, 2))
    ).value
    patients.get_record(ws, admin, ann.id)
    registry.query_ids(ws, admin, PatientFilter(text="fitz"))
    registry.query_ids(ws, admin, PatientFilter(text="Fitzgerald Ann"))
    patient_lists.add_allergy(ws, admin, ann.id, AllergyDraft("Penicillin", "rash", "severe"))
    patients.update_patient(
        ws, admin, ann.id, PatientDraft("Ann", "Fitzgerald", date(1944, 5, 6), phone="0400000000")
    )
    patients.merge_patients(ws, admin, ann.id, other.id)
    settings.update(ws, admin, idle_lock_minutes=7)
    workspaces.backup_now(ws, admin)
    accounts.add_user(
        ws, admin, username="j.lee", full_name="Jo Lee", role=Role.NURSE, password="long pass 123"
    )
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, "j.lee", "wrong password here")
    page = audit_view.list_page(ws, admin, ALL)
    shown = [f"{line.action} | {line.patient} | {line.details}" for line in page.lines]
    text = "\n".join(shown)
    assert "_" not in text, text
    assert ".ccbackup" not in text and "bytes" not in text, text
    assert not re.search(r"\brecords? \d", text), text  # internal ids
    assert not re.search(r"\b1 (patients|rows|candidates)\b", text), text
    actions = {line.action for line in page.lines}
    assert {
        "Added an allergy",
        "Changed a patient record",
        "Merged patient records",
        "Changed practice settings",
        "Made a backup",
        "Sign-in refused",
        "Searched the patient list",
    } <= actions
    merged = _lines(page, "Merged patient records")
    assert any(f"{other.practice_id} · FITZGERALD, Bea" in line.details for line in merged)
    assert "screen lock time" in _lines(page, "Changed practice settings")[0].details
    assert _lines(page, "Changed a patient record")[0].details == "changed: phone"


def test_counts_and_codes_in_details_become_words():
    assert audit_text.detail_text("view", "patient_list", "sort name, 1 patients") == (
        "1 patient, sorted by name"
    )
    found = "duplicate check: 1 candidate(s) (records 7, 9)"
    assert audit_text.detail_text("view", "patient_duplicates", found, {7: "P000007 · LI, Bo"}) == (
        "1 possible match (record P000007 · LI, Bo)"
    )
    # an id no label is known for is never shown raw
    assert audit_text.detail_text("update", "patient", "merged into record 99 and archived") == (
        "merged into another record and archived"
    )
    assert (
        audit_text.detail_text(
            "backup", "backup", "carecoord-20261201T074858829029Z.ccbackup, verified, 2500000 bytes"
        )
        == "checked after writing, 2.5 MB"
    )
    assert audit_text.detail_text("update", "staff_user", "n.kim: role practice nurse -> GP") == (
        "n.kim: role changed from practice nurse to GP"
    )
    assert audit_text.detail_text("create", "staff_user", "added user n.kim as GP") == "n.kim as GP"
    assert audit_text.action_text("failed_login", None) == "Sign-in refused"
    assert audit_text.action_text("delete", "hospital_event") == "Removed a hospital event"
    # a record type added later still reads as words, not as a code
    assert audit_text.action_text("print", "care_plan_handout") == "Printed care plan handout"
