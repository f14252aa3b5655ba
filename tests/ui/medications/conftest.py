"""Shared fixtures for the medication screens: a real encrypted workspace, staff of every role,
a patient with a current list, and helpers that wait on the windows' own signals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.medications.types import MedicineDraft
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.ui.medications import rec_window
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.screens import record_sections
from carecoord_desktop.ui.shell.state import AppState
from tests_support import staff

# The Synthea patients trimmed to their medicines (tests/fixtures/fhir/README.md).
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "fhir" / "synthea-r4"
CURRENT = ("Lasix 40mg mane", "metformin 500mg 1 tab bd with meals", "Atorvastatin 40 mg nocte")


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    return fast_password_hashing


@pytest.fixture
def team(ws, admin):
    return {
        Role.ADMIN: admin,
        Role.GP: staff(ws, admin, Role.GP, "greg.lee"),
        Role.NURSE: staff(ws, admin, Role.NURSE, "nina.zhang"),
        Role.COORDINATOR: staff(ws, admin, Role.COORDINATOR, "cora.ward"),
        Role.RECEPTION: staff(ws, admin, Role.RECEPTION, "rita.desk"),
    }


@pytest.fixture
def pid(ws, admin) -> int:
    # Born on the day the Synthea file says: a FHIR file about someone else is refused.
    bundle = json.loads(sample("Buddy").read_bytes())
    born = next(e["resource"]["birthDate"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Patient")  # fmt: skip
    draft = PatientDraft(given_name="Buddy", family_name="MacGyver",
                         date_of_birth=date.fromisoformat(born))  # fmt: skip
    patient = patients.create_patient(ws, admin, draft).value.id
    for line in CURRENT:
        meds.add_medicine(ws, admin, patient, MedicineDraft(line))
    return patient


def sample(prefix: str) -> Path:
    [path] = SAMPLES.glob(f"{prefix}_*.json")
    return path


@pytest.fixture
def state_for(ws):
    def make(actor) -> AppState:
        return AppState(ws, actor, practice_settings.load(ws))

    return make


@pytest.fixture
def opener_for(qtbot):
    openers: list[RecordOpener] = []

    def make(state) -> RecordOpener:
        opener = RecordOpener(state, sections=record_sections())
        openers.append(opener)
        return opener

    yield make
    for window in rec_window.open_windows():
        window.close()
    for opener in openers:
        opener.close_all()
    QThreadPool.globalInstance().waitForDone(10_000)


def wait_view(qtbot, window, action, *args, timeout: int = 20_000):
    """Do `action(*args)` and wait for the window to show the view its write returned; a
    refused write fails the test at once with the window's message."""
    seen: list = []
    window.view_loaded.connect(lambda view: seen.append(("view", view)))
    window.write_failed.connect(lambda text: seen.append(("failed", text)))
    action(*args)
    qtbot.waitUntil(lambda: bool(seen), timeout=timeout)
    kind, value = seen[0]
    assert kind == "view", f"the window refused it: {value}"
    return value
