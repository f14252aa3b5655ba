"""Care plan UI fixtures: a real encrypted practice with a patient who has diabetes and
hypertension, a podiatrist on the care team, staff of every role, and a plan started from the
two matching templates; `open_editor` opens the editor on it and waits until it has loaded."""

from __future__ import annotations

import pytest
import shiboken6

import careplan_support
from carecoord_desktop.services import settings
from carecoord_desktop.services.careplans import templates
from carecoord_desktop.ui.careplans.editor import PlanEditor
from carecoord_desktop.ui.shell.state import AppState

# The shared fixtures (careplan_support), registered here for these tests.
team = careplan_support.team
patient = careplan_support.patient


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
