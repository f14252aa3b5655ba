"""Observations against goals: a slip of the keyboard is refused with what to check, and a
goal's progress reads its own and its measure's values against the target."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.services.careplans import observations, plans
from carecoord_desktop.services.careplans.types import GoalDraft, PlanDraft
from carecoord_desktop.services.changes import Kind

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
TODAY = date.today()


@pytest.fixture
def plan(ws, team, patient):
    draft = PlanDraft(
        patient_id=patient.id,
        status="active",
        goals=[
            GoalDraft(
                "Get my sugars down",
                measure="HbA1c",
                measure_kind="hba1c",
                target_value=53,
                target_unit="mmol/mol",
            ),
            GoalDraft(
                "Walk further",
                measure="Minutes walked",
                target_value=30,
                target_unit="minutes",
                target_direction="above",
            ),
        ],
    )
    return plans.create_plan(ws, team["gp"], draft).value


def test_values_chart_against_the_target(ws, team, patient, plan):
    nurse = team["nurse"]
    hba1c, walk = plan.draft.goals
    for days, value in ((200, 71), (100, 62), (10, 55)):
        observations.add_observation(
            ws,
            nurse,
            patient.id,
            kind="hba1c",
            value=value,
            observed_on=TODAY - timedelta(days=days),
        )
    progress = observations.goal_progress(ws, team["reception"], plan.draft.plan_id, hba1c.uid)
    assert [p.value for p in progress.points] == [71, 62, 55]
    assert progress.met is False and progress.trend == "improving"
    added = observations.add_observation(
        ws,
        nurse,
        patient.id,
        kind="custom",
        label="Minutes walked",
        value=35,
        observed_on=TODAY,
        goal_uid=walk.uid,
    )
    assert added.changes.touches({Kind.OBSERVATIONS}, patient.id)
    walking = observations.goal_progress(ws, nurse, plan.draft.plan_id, walk.uid)
    assert [p.value for p in walking.points] == [35] and walking.met is True
    assert [o.kind for o in observations.list_observations(ws, nurse, patient.id)].count(
        "hba1c"
    ) == 3


@pytest.mark.parametrize(
    "kind,value,field",
    [
        ("hba1c", 640, "value"),  # 6.4 typed without its point... as 640
        ("bp_systolic", 14, "value"),
        ("phq9", 28, "value"),
        ("weight", float("nan"), "value"),
        ("blood", 5, "kind"),
        ("custom", 5, "label"),
    ],
)
def test_a_slip_is_refused_naming_the_field(ws, team, patient, kind, value, field):
    with pytest.raises(ValidationError) as err:
        observations.add_observation(
            ws, team["nurse"], patient.id, kind=kind, value=value, observed_on=TODAY
        )
    assert err.value.field == field
    assert observations.list_observations(ws, team["nurse"], patient.id) == []


def test_a_future_date_or_another_patients_goal_is_refused(ws, team, admin, patient, plan):
    with pytest.raises(ValidationError):
        observations.add_observation(
            ws,
            team["nurse"],
            patient.id,
            kind="weight",
            value=80,
            observed_on=TODAY + timedelta(days=1),
        )
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    other = patients.create_patient(ws, admin, PatientDraft("Ian", "Other", date(1960, 1, 1)))
    with pytest.raises(ValidationError) as err:
        observations.add_observation(
            ws,
            team["nurse"],
            other.value.id,
            kind="weight",
            value=80,
            observed_on=TODAY,
            goal_uid=plan.draft.goals[0].uid,
        )
    assert err.value.field == "goal_uid"
    with pytest.raises(PermissionDeniedError):
        observations.add_observation(
            ws, team["reception"], patient.id, kind="weight", value=80, observed_on=TODAY
        )
