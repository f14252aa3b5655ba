"""Care plan fixtures shared by the service and the UI tests: staff of every role and a patient
with type 2 diabetes and hypertension and a podiatrist on the care team (import them into a
conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, ConditionDraft, PatientDraft
from tests_support import staff


@pytest.fixture
def team(ws, admin):
    """One signed-in actor per clinical and front-desk role."""
    return {
        role: staff(ws, admin, role, f"{role}.user")
        for role in ("gp", "nurse", "coordinator", "reception")
    }


@pytest.fixture
def patient(ws, admin):
    """A patient with type 2 diabetes and hypertension, and a podiatrist on the care team."""
    rec = patients.create_patient(
        ws,
        admin,
        PatientDraft(
            given_name="Mary",
            family_name="Nguyen",
            date_of_birth=date(1950, 3, 4),
            communication_preferences="Phone calls in the morning",
            cultural_considerations="Prefers a female clinician",
        ),
    ).value
    for code, display in (
        ("44054006", "Type 2 diabetes mellitus"),
        ("59621000", "Essential hypertension"),
    ):
        patient_lists.add_condition(
            ws,
            admin,
            rec.id,
            ConditionDraft(display=display, code=code, code_system="http://snomed.info/sct"),
        )
    patient_lists.add_care_team_member(
        ws,
        admin,
        rec.id,
        CareTeamDraft(
            name="Sam Foot", role="Podiatrist", organisation="City Podiatry", phone="03 9000 1234"
        ),
    )
    return patients.get_record(ws, admin, rec.id)
