"""Care plan UI fixtures: a real encrypted practice with a patient who has diabetes and
hypertension, a podiatrist on the care team, staff of every role, and a plan started from the
two matching templates; `open_editor` opens the editor on it and waits until it has loaded."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6

from carecoord_desktop.services import settings
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, ConditionDraft, PatientDraft
from carecoord_desktop.ui.careplans.editor import PlanEditor
from carecoord_desktop.ui.shell.state import AppState
from tests_support import staff


@pytest.fixture
def team(ws, admin):
    return {
        role: staff(ws, admin, role, f"{role}.user")
        for role in ("gp", "nurse", "coordinator", "reception")
    }


@pytest.fixture
def patient(ws, admin):
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


@pytest.fixture
def plan(ws, team, patient):
    """A draft plan started by the nurse from the patient's two templates."""
    keys = [t.key for t in templates.suggested_templates(ws, team["nurse"], patient.id)]
    return templates.start_plan_from_templates(ws, team["nurse"], patient.id, keys).value


@pytest.fixture
def open_editor(qtbot, ws):
    opened: list[PlanEditor] = []

    def open_(actor, plan_id: int) -> PlanEditor:
        state = AppState(ws, actor, settings.load(ws))
        editor = PlanEditor(state, plan_id)
        opened.append(editor)  # not qtbot.addWidget: a closed editor deletes itself
        editor.autosave_timer.setInterval(3_600_000)  # tests autosave by hand, not by the clock
        with qtbot.waitSignal(editor.plan_opened, timeout=10_000):
            pass
        qtbot.waitUntil(lambda: bool(editor.checklist.results), timeout=10_000)
        with qtbot.waitActive(editor, timeout=5_000):
            editor.show()
            editor.activateWindow()
        return editor

    yield open_
    for editor in opened:
        if shiboken6.isValid(editor):
            editor.doc.stack.setClean()  # a test's leftover edits are not asked about
            editor.close()
