"""Every role: GPs, nurses and coordinators write plans; reception reads what a handout needs
and logs copies but changes no plan, whichever function it calls."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.services.careplans import (
    drafts,
    observations,
    packs,
    plans,
    reviews,
    templates,
)
from carecoord_desktop.services.careplans.types import GoalDraft, PlanDraft

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def plan(ws, team, patient):
    draft = PlanDraft(patient_id=patient.id, status="active", goals=[GoalDraft("Feel stronger")])
    return plans.create_plan(ws, team["gp"], draft).value


WRITES = {
    "create_plan": lambda ws, a, p, pid: plans.create_plan(ws, a, PlanDraft(patient_id=pid)),
    "start_from_templates": lambda ws, a, p, pid: templates.start_plan_from_templates(
        ws, a, pid, ["t2dm"]
    ),
    "save_plan": lambda ws, a, p, pid: plans.save_plan(ws, a, p.draft, p.version),
    "start_review": lambda ws, a, p, pid: reviews.start_review(ws, a, p.draft.plan_id, p.version),
    "complete_review": lambda ws, a, p, pid: reviews.complete_review(
        ws, a, p.draft, p.version, what_changed="x", why="y"
    ),
    "change_intensity": lambda ws, a, p, pid: reviews.change_intensity(
        ws, a, p.draft.plan_id, "intensive", "unstable", p.version
    ),
    "record_agreement": lambda ws, a, p, pid: reviews.record_agreement(
        ws, a, p.draft.plan_id, by="Patient", on=date.today(), how="Signed"
    ),
    "add_observation": lambda ws, a, p, pid: observations.add_observation(
        ws, a, pid, kind="weight", value=80, observed_on=date.today()
    ),
    "autosave": lambda ws, a, p, pid: drafts.autosave_draft(ws, a, p.draft, p.version),
    "copy_template": lambda ws, a, p, pid: templates.copy_template(ws, a, "t2dm"),
    "retire_template": lambda ws, a, p, pid: templates.retire_template(ws, a, "t2dm"),
    "choose_packs": lambda ws, a, p, pid: packs.choose_packs(ws, a, ["ccm"]),
}
READS = {
    "load_plan": lambda ws, a, p, pid: plans.load_plan(ws, a, p.draft.plan_id),
    "list_plans": lambda ws, a, p, pid: plans.list_plans(ws, a, pid),
    "versions": lambda ws, a, p, pid: plans.versions(ws, a, p.draft.plan_id),
    "goal_progress": lambda ws, a, p, pid: observations.goal_progress(
        ws, a, p.draft.plan_id, p.draft.goals[0].uid
    ),
    "check": lambda ws, a, p, pid: packs.check_saved_plan(ws, a, p.draft.plan_id),
    "templates": lambda ws, a, p, pid: templates.list_templates(ws, a),
    "record_copy": lambda ws, a, p, pid: reviews.record_copy(
        ws,
        a,
        p.draft.plan_id,
        recipient_kind="patient",
        recipient="Patient",
        given_on=date.today(),
        method="handed over",
    ),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_reception_cannot_change_a_plan(ws, team, patient, plan, name):
    before = plans.load_plan(ws, team["gp"], plan.draft.plan_id)
    with pytest.raises(PermissionDeniedError):
        WRITES[name](ws, team["reception"], plan, patient.id)
    after = plans.load_plan(ws, team["gp"], plan.draft.plan_id)
    assert (after.version, after.revision) == (before.version, before.revision)


@pytest.mark.parametrize("name", sorted(READS))
def test_reception_reads_what_a_handout_needs(ws, team, patient, plan, name):
    READS[name](ws, team["reception"], plan, patient.id)


@pytest.mark.parametrize("role", ["gp", "nurse", "coordinator"])
def test_clinical_roles_write_plans(ws, team, patient, plan, role):
    actor = team[role]
    rec = reviews.change_intensity(
        ws, actor, plan.draft.plan_id, "intensive", "Unstable", plan.version
    ).value
    draft = rec.draft
    draft.goals.append(GoalDraft(f"Goal by {role}"))
    saved = plans.save_plan(ws, actor, draft, rec.version).value
    assert saved.saved and saved.plan.updated_by == actor.full_name
    observations.add_observation(
        ws, actor, patient.id, kind="weight", value=81, observed_on=date.today()
    )
