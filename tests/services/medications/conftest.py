"""Shared fixtures for the medicine services: a patient, staff of every role."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from tests_support import staff


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    return fast_password_hashing


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


@pytest.fixture
def team(ws, admin):
    """One signed-in account of each role, by role."""
    return {
        Role.GP: staff(ws, admin, Role.GP, "greg.lee"),
        Role.NURSE: staff(ws, admin, Role.NURSE, "nina.zhang"),
        Role.COORDINATOR: staff(ws, admin, Role.COORDINATOR, "cora.ward"),
        Role.RECEPTION: staff(ws, admin, Role.RECEPTION, "rita.desk"),
    }
