"""An account changed under a signed-in user: disabled, role lowered, temporary password set.

Services re-read the account at every permission check, so the change takes effect at the
user's next action, whatever screen or command they are on.
"""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import (
    PasswordChangeRequiredError,
    PermissionDeniedError,
    SignedOutError,
)
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, signed_in
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.types import ConditionDraft, PatientDraft
from tests_support import STAFF_PASSWORD, staff


@pytest.fixture
def patient_id(ws, admin):
    draft = PatientDraft(given_name="Iris", family_name="Okafor", date_of_birth=date(1948, 3, 2))
    return patients.create_patient(ws, admin, draft).value.id


def test_disabled_while_signed_in_is_refused_at_the_next_call(ws, admin, patient_id):
    nurse = staff(ws, admin, Role.NURSE, "n.kim")
    assert patients.get_record(ws, nurse, patient_id).id == patient_id
    accounts.update_user(ws, admin, nurse.user_id, active=False)
    with pytest.raises(SignedOutError, match="disabled; you have been signed out"):
        patients.get_record(ws, nurse, patient_id)
    with pytest.raises(SignedOutError):
        registry.count_all(ws, nurse)
    # Re-enabled: the same sign-in works again (nothing cached).
    accounts.update_user(ws, admin, nurse.user_id, active=True)
    assert registry.count_all(ws, nurse) == 1


def test_a_lowered_role_loses_its_rights_at_the_next_call(ws, admin, patient_id):
    gp = staff(ws, admin, Role.GP, "g.rao")
    cond = ConditionDraft(display="Type 2 diabetes")
    patient_lists.add_condition(ws, gp, patient_id, cond)
    accounts.update_user(ws, admin, gp.user_id, role=Role.RECEPTION)
    with pytest.raises(PermissionDeniedError, match="A reception account cannot edit care plans"):
        patient_lists.add_condition(ws, gp, patient_id, cond)
    # What reception may do still works.
    assert patients.get_record(ws, gp, patient_id).id == patient_id


def test_a_lowered_administrator_cannot_manage_accounts(ws, admin):
    second = staff(ws, admin, Role.ADMIN, "second.admin")
    assert len(accounts.list_users(ws, second)) == 2
    accounts.update_user(ws, admin, second.user_id, role=Role.NURSE)
    with pytest.raises(PermissionDeniedError):
        accounts.list_users(ws, second)
    with pytest.raises(PermissionDeniedError):
        audit.list_events(ws, second)


def test_temporary_password_set_while_signed_in_signs_out(ws, admin, patient_id):
    nurse = staff(ws, admin, Role.NURSE, "n.kim")
    accounts.reset_password(ws, admin, nurse.user_id, "temporary phrase 9")
    with pytest.raises(SignedOutError, match="temporary password"):
        patients.get_record(ws, nurse, patient_id)


def test_temporary_password_is_enforced_by_the_services(ws, admin, patient_id):
    accounts.add_user(
        ws, admin, username="n.new", full_name="New Nurse", role=Role.NURSE,
        password="temporary phrase 9",
    )  # fmt: skip
    fresh = accounts.authenticate(ws, "n.new", "temporary phrase 9")
    with pytest.raises(PasswordChangeRequiredError):
        patients.get_record(ws, fresh, patient_id)
    with pytest.raises(PasswordChangeRequiredError):
        signed_in.require_own_password(fresh)
    accounts.change_password(ws, fresh, "temporary phrase 9", STAFF_PASSWORD + " own")
    assert patients.get_record(ws, fresh, patient_id).id == patient_id
    signed_in.require_own_password(fresh)


def test_deleted_account_row_signs_out(ws, admin, patient_id):
    nurse = staff(ws, admin, Role.NURSE, "n.kim")
    with ws.raw_connection() as conn:
        conn.cursor().execute("PRAGMA foreign_keys = OFF")
        conn.cursor().execute("DELETE FROM staff_user WHERE id = ?", (nurse.user_id,))
        conn.commit()
    with pytest.raises(SignedOutError, match="no longer exists"):
        patients.get_record(ws, nurse, patient_id)
