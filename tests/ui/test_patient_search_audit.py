"""One search of the patient list writes one audit event, with the number the search found
(not the first page painted while the rest loads), read as "200 patients, sorted by name"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from carecoord_desktop.services import accounts, audit, audit_text, demo, settings
from carecoord_desktop.ui.patients.screen import FIRST_PAGE, PatientsScreen
from carecoord_desktop.ui.shell.state import AppState
from tests_support import TEST_SCRYPT_N

PATIENTS = FIRST_PAGE + 25  # more than a first page


@pytest.fixture
def state(tmp_path):
    made = demo.create_demo_workspace(
        tmp_path / "ws", patients=PATIENTS, seed=5, scrypt_n=TEST_SCRYPT_N
    )
    actor = accounts.authenticate(made.workspace, "admin", demo.DEMO_PASSWORD)
    yield AppState(made.workspace, actor, settings.load(made.workspace))
    QThreadPool.globalInstance().waitForDone()
    made.workspace.close()


def _searches(state):
    rows, _ = audit.list_events(state.ws, state.actor, action="view", limit=500)
    return [r for r in rows if r.record_type == "patient_list"]


def test_opening_the_list_writes_one_event_with_the_true_total(qtbot, state):
    before = len(_searches(state))
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.loaded and not screen.searching, timeout=10_000)
    QThreadPool.globalInstance().waitForDone()
    new = _searches(state)[: len(_searches(state)) - before]
    assert len(new) == 1, [r.detail for r in new]
    words = audit_text.detail_text(new[0].action, new[0].record_type, new[0].detail)
    assert words == f"{PATIENTS} patients, sorted by name"
    assert "first page" not in words


def test_old_first_page_events_still_read_in_words():
    words = audit_text.detail_text("view", "patient_list", "sort name, 60 patients (first page)")
    assert words == "60 patients (first page shown), sorted by name"
