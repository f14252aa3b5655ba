"""What each role may do with medicines, checked in the services whatever a screen shows."""

from __future__ import annotations

import pytest

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications import printing
from carecoord_desktop.services.medications.export import export_fhir
from carecoord_desktop.services.medications.types import MedicineDraft, SourceInput

ALL = (Role.ADMIN, Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION)
CLINICAL = {Role.ADMIN, Role.GP, Role.NURSE, Role.COORDINATOR}


@pytest.fixture
def actors(admin, team):
    return {Role.ADMIN: admin, **team}


@pytest.fixture
def ready(ws, admin, pid):
    """A medicine on the list and a fully decided reconciliation waiting for sign-off."""
    meds.add_medicine(ws, admin, pid, MedicineDraft("Lasix 40mg mane"))
    view = meds.start_reconciliation(
        ws, admin, pid, [SourceInput("new", text="Furosemide 40 mg mane")]
    ).value
    view = meds.decide(ws, admin, view.id, view.items[0].id, "continue", version=view.version).value
    return meds.submit_for_signoff(ws, admin, view.id, version=view.version).value


ACTIONS = {
    "read the list": (set(ALL), lambda ws, a, pid, rec: meds.list_medicines(ws, a, pid)),
    "print the card": (set(ALL), lambda ws, a, pid, rec: printing.medication_card(ws, a, pid)),
    "add a medicine": (
        CLINICAL,
        lambda ws, a, pid, rec: meds.add_medicine(
            ws, a, pid, MedicineDraft("aspirin 100 mg daily")
        ),
    ),
    "read the history": (CLINICAL, lambda ws, a, pid, rec: meds.medicine_history(ws, a, pid)),
    "open a reconciliation": (
        CLINICAL,
        lambda ws, a, pid, rec: meds.get_reconciliation(ws, a, rec.id),
    ),
    "print the record": (
        CLINICAL,
        lambda ws, a, pid, rec: printing.reconciliation_record(ws, a, pid),
    ),
    "export FHIR": (CLINICAL, lambda ws, a, pid, rec: export_fhir(ws, a, pid)),
    "sign off": ({Role.GP}, lambda ws, a, pid, rec: meds.sign_off(ws, a, rec.id, version=None)),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_each_role_may_do_what_its_job_needs_and_no_more(ws, pid, actors, ready, role, action):
    allowed, call = ACTIONS[action]
    if role in allowed:
        call(ws, actors[role], pid, ready)
    else:
        with pytest.raises(PermissionDeniedError):
            call(ws, actors[role], pid, ready)
