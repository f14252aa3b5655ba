"""Saving a whole plan: versions kept, readable diff, a stale save refused naming who, roles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.careplans.types import (
    GoalDraft,
    InterventionDraft,
    PlanDraft,
    ProblemDraft,
)
from carecoord_desktop.services.changes import Kind

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def a_draft(patient) -> PlanDraft:
    problem = ProblemDraft("Type 2 diabetes", condition_id=patient.conditions[0].id)
    goal = GoalDraft(
        "Walk to the shops",
        measure="Minutes walked a day",
        target_value=20,
        target_unit="minutes",
        target_direction="above",
        problem_uid=problem.uid,
    )
    return PlanDraft(
        patient_id=patient.id,
        status="active",
        period_start=date.today(),
        problems=[problem],
        goals=[goal],
        interventions=[InterventionDraft("Review HbA1c", responsible_role="GP", goal_uid=goal.uid)],
    )


def test_a_plan_is_saved_whole_and_every_version_is_kept(ws, team, patient):
    nurse = team["nurse"]
    created = plans.create_plan(ws, nurse, a_draft(patient))
    assert created.changes.touches({Kind.CARE_PLANS}, patient.id)
    rec = created.value
    assert rec.revision == 1 and rec.author_name == "Nurse User"
    assert rec.next_review_on is not None  # active, every 13 weeks by default

    draft = rec.draft
    draft.goals[0].target_value = 30
    saved = plans.save_plan(ws, nurse, draft, rec.version).value
    assert saved.saved and saved.plan.revision == 2
    assert "Goal 'Walk to the shops' target changed from 20 to 30 minutes" in saved.summary

    assert [v.number for v in plans.versions(ws, nurse, rec.draft.plan_id)] == [2, 1]
    lines = plans.diff(ws, nurse, rec.draft.plan_id, 1, 2)
    assert lines == ["Goal 'Walk to the shops' target changed from 20 to 30 minutes"]
    assert plans.version_draft(ws, nurse, rec.draft.plan_id, 1).goals[0].target_value == 20


def test_an_unchanged_draft_saves_no_new_version(ws, team, patient):
    rec = plans.create_plan(ws, team["gp"], a_draft(patient)).value
    result = plans.save_plan(ws, team["gp"], rec.draft, rec.version)
    assert not result.value.saved and not result.changes
    assert result.value.plan.revision == 1


def test_a_stale_save_is_refused_naming_who_changed_it(ws, team, patient):
    rec = plans.create_plan(ws, team["coordinator"], a_draft(patient)).value
    mine, theirs = replace(rec.draft), replace(rec.draft)
    theirs.expected_outcome = "Stable sugars"
    plans.save_plan(ws, team["gp"], theirs, rec.version)
    mine.prognosis = "Good"
    with pytest.raises(StaleEditError, match="Gp User"):
        plans.save_plan(ws, team["coordinator"], mine, rec.version)
    now = plans.load_plan(ws, team["coordinator"], rec.draft.plan_id)
    assert now.draft.expected_outcome == "Stable sugars" and now.draft.prognosis == ""


def test_reception_reads_a_plan_but_cannot_change_one(ws, team, patient):
    rec = plans.create_plan(ws, team["nurse"], a_draft(patient)).value
    reception = team["reception"]
    assert plans.load_plan(ws, reception, rec.draft.plan_id).draft.goals
    with pytest.raises(PermissionDeniedError):
        plans.save_plan(ws, reception, rec.draft, rec.version)
    with pytest.raises(PermissionDeniedError):
        plans.create_plan(ws, reception, a_draft(patient))


def test_a_bad_field_is_named(ws, team, patient):
    draft = a_draft(patient)
    draft.goals[0].target_direction = "sideways"
    with pytest.raises(ValidationError) as err:
        plans.create_plan(ws, team["gp"], draft)
    assert err.value.field == "goals.0.target_direction"


def test_a_plan_of_30_goals_and_30_interventions_saves_whole_and_complete(ws, team, patient):
    from carecoord_desktop.knowledge.careplans import load_packs
    from carecoord_desktop.services.careplans import packs, samples

    draft = samples.large_draft(patient.id, goals=30, interventions=30)
    assert all(packs.check_plan(draft, p).complete for p in load_packs().values())
    rec = plans.create_plan(ws, team["gp"], draft).value
    assert (len(rec.draft.goals), len(rec.draft.interventions)) == (30, 30)
    draft = rec.draft
    samples.touch(draft)
    result = plans.save_plan(ws, team["gp"], draft, rec.version).value
    assert result.plan.revision == 2 and len(result.summary) == 60
    again = plans.load_plan(ws, team["gp"], rec.draft.plan_id).draft
    assert [g.uid for g in again.goals] == [g.uid for g in draft.goals]  # order kept
    assert again.goals[0].target_value == draft.goals[0].target_value
