"""A stale plan save from another window or another computer is refused naming who changed it;
the autosaved draft keeps what was typed through a crash, a lock or a sign-out."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError
from carecoord_desktop.services.careplans import drafts, plans
from carecoord_desktop.services.careplans.types import GoalDraft, PlanDraft
from carecoord_desktop.store import keystore
from carecoord_desktop.store.workspace import Workspace
from tests_support import STAFF_PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
CHILD = Path(__file__).with_name("_plan_writer.py")


@pytest.fixture
def plan(ws, team, patient):
    draft = PlanDraft(
        patient_id=patient.id,
        status="active",
        period_start=date.today(),
        goals=[GoalDraft("Sleep through the night")],
    )
    return plans.create_plan(ws, team["coordinator"], draft).value


@pytest.fixture
def second(ws):
    other = Workspace.open(ws.folder, key=keystore.load_key(ws.id))
    yield other
    other.close()


def test_two_windows_the_second_save_is_refused_and_the_first_kept(ws, second, team, plan):
    mine = plans.load_plan(ws, team["nurse"], plan.draft.plan_id)
    theirs = plans.load_plan(second, team["gp"], plan.draft.plan_id)
    theirs.draft.expected_outcome = "Sleeping 7 hours"
    plans.save_plan(second, team["gp"], theirs.draft, theirs.version)
    mine.draft.symptom_management = "Sleep hygiene"
    with pytest.raises(StaleEditError) as err:
        plans.save_plan(ws, team["nurse"], mine.draft, mine.version)
    assert str(err.value).startswith("Gp User (GP) changed this care plan")
    assert "expected_outcome" in err.value.changed_fields
    stored = plans.load_plan(ws, team["nurse"], plan.draft.plan_id).draft
    assert (stored.expected_outcome, stored.symptom_management) == ("Sleeping 7 hours", "")


def test_another_computer_saving_after_this_one_is_refused(ws, team, plan):
    key = keystore.load_key(ws.id)
    proc = subprocess.Popen(
        [sys.executable, str(CHILD)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    job = {
        "folder": str(ws.folder),
        "key": key.hex(),
        "username": "gp.user",
        "password": STAFF_PASSWORD,
        "plan_id": plan.draft.plan_id,
        "prognosis": "Guarded",
    }
    proc.stdin.write(json.dumps(job) + "\n")
    proc.stdin.flush()
    assert json.loads(proc.stdout.readline()) == {"version": plan.version}
    mine = plans.load_plan(ws, team["nurse"], plan.draft.plan_id)
    mine.draft.prognosis = "Good"
    plans.save_plan(ws, team["nurse"], mine.draft, mine.version)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    assert line, proc.stderr.read()[-2000:]
    result = json.loads(line)
    proc.stdin.close()
    assert proc.wait(timeout=120) == 0
    assert result["refused"] == "StaleEditError"
    assert result["message"].startswith("Nurse User (practice nurse) changed this care plan")
    assert plans.load_plan(ws, team["nurse"], plan.draft.plan_id).draft.prognosis == "Good"


def test_the_autosaved_draft_survives_a_reopen_and_goes_with_the_save(ws, team, plan):
    nurse = team["nurse"]
    draft = plan.draft
    draft.goals.append(GoalDraft("Walk the dog", target_value=None))
    draft.goals[0].patient_words = "Sleep through the night, half-typed"
    drafts.autosave_draft(ws, nurse, draft, plan.version)
    ws_again = Workspace.open(ws.folder, key=keystore.load_key(ws.id))  # after a crash
    try:
        kept = drafts.load_autosave(ws_again, nurse, plan.draft.plan_id)
        assert kept is not None and not kept.plan_changed_since
        assert [g.patient_words for g in kept.draft.goals] == [
            "Sleep through the night, half-typed",
            "Walk the dog",
        ]
        assert drafts.load_autosave(ws_again, team["gp"], plan.draft.plan_id) is None  # per user
        assert drafts.plans_with_autosave(ws_again, nurse) == [
            (plan.draft.patient_id, plan.draft.plan_id)
        ]
    finally:
        ws_again.close()
    # Nothing of it in clear on disk: the database is encrypted, and no temp file is made.
    raw = b"".join(p.read_bytes() for p in ws.folder.rglob("*") if p.is_file())
    assert b"half-typed" not in raw
    plans.save_plan(ws, nurse, kept.draft, kept.base_version)
    assert drafts.load_autosave(ws, nurse, plan.draft.plan_id) is None  # the save took it


def test_an_autosave_older_than_the_plan_says_so_and_can_be_discarded(ws, team, plan):
    drafts.autosave_draft(ws, team["nurse"], plan.draft, plan.version)
    other = plan.draft
    other.prognosis = "Fair"
    plans.save_plan(ws, team["gp"], other, plan.version)
    assert drafts.load_autosave(ws, team["nurse"], plan.draft.plan_id).plan_changed_since
    assert drafts.discard_autosave(ws, team["nurse"], plan.draft.plan_id)
    assert drafts.load_autosave(ws, team["nurse"], plan.draft.plan_id) is None
    with pytest.raises(PermissionDeniedError):
        drafts.autosave_draft(ws, team["reception"], plan.draft, plan.version)


def test_the_audit_log_holds_ids_and_field_names_never_plan_text(ws, team, plan):
    nurse = team["nurse"]
    draft = plan.draft
    draft.goals[0].patient_words = "Stop feeling so low about my marriage"
    draft.prognosis = "Guarded given alcohol use"
    plans.save_plan(ws, nurse, draft, plan.version)
    plans.diff(ws, nurse, plan.draft.plan_id, 1, 2)
    with ws.session() as session:
        details = [r[0] for r in session.execute(text("SELECT detail FROM audit_event"))]
    joined = "\n".join(details)
    assert "marriage" not in joined and "alcohol" not in joined
    assert "changed: prognosis, goals" in joined
