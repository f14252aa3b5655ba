"""Merging two records of one person moves the merged record's care conferences (with their
people, agenda and decisions) to the kept record; an editor open on one sees it as changed."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import StaleEditError
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.conferences import conferences
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft

from .conftest import draft_for


def test_merge_moves_conferences_to_the_kept_record(ws, admin, team, patient, conference):
    same = PatientDraft(given_name="Mary", family_name="Nguyen", date_of_birth=date(1950, 3, 4))
    twin = patients.create_patient(ws, admin, same, confirm_duplicates=True).value
    theirs = conferences.schedule_conference(
        ws, team["nurse"], draft_for(twin.id, place="Their room")
    ).value
    merged = patients.merge_patients(ws, admin, patient.id, twin.id)
    assert Kind.CONFERENCES in merged.changes.kinds
    mine = conferences.list_conferences(ws, admin, patient_id=patient.id, when="all")
    assert {c.id for c in mine} == {conference.id, theirs.id}
    assert conferences.list_conferences(ws, admin, patient_id=twin.id, when="all") == []
    moved = conferences.load_conference(ws, admin, theirs.id)
    assert moved.patient_id == patient.id and moved.place == "Their room"
    assert moved.participants == theirs.participants and moved.agenda == theirs.agenda
    assert moved.version > theirs.version  # moved is changed: an open form of it is stale
    with pytest.raises(StaleEditError):
        conferences.cancel_conference(ws, team["nurse"], theirs.id, "dup", theirs.version)
