"""Reviews and the Patients list: the next review from the schedule, a review as a new version
with what changed and why, the "next review"/"open plan" columns and the care plan filters,
intensity with its reasons, the patient's agreement and the copies given."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.services.careplans import plans, reviews
from carecoord_desktop.services.careplans.types import GoalDraft, PlanDraft
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.patients.types import PatientDraft

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
TODAY = date.today()


def active_plan(ws, actor, patient_id, started_days_ago, weeks=13, status="active"):
    draft = PlanDraft(
        patient_id=patient_id,
        status=status,
        period_start=TODAY - timedelta(days=started_days_ago),
        review_interval_weeks=weeks,
        goals=[
            GoalDraft(
                "Walk to the shops",
                measure="Minutes",
                target_value=20,
                target_unit="minutes",
                target_direction="above",
            )
        ],
    )
    return plans.create_plan(ws, actor, draft).value


@pytest.fixture
def register(ws, admin, team):
    ids = {}
    for given in ("Olive", "Dora", "Nina", "Ursula"):
        ids[given] = patients.create_patient(
            ws, admin, PatientDraft(given, "Plan", date(1950, 1, 1))
        ).value.id
    gp = team["gp"]
    ids["olive_plan"] = active_plan(ws, gp, ids["Olive"], 200)  # due 109 days after start: overdue
    ids["dora_plan"] = active_plan(ws, gp, ids["Dora"], 10)  # due in 81 days
    active_plan(ws, gp, ids["Nina"], 0, status="draft")  # open, no review scheduled yet
    return ids  # Ursula has no plan


def test_next_review_comes_from_the_schedule_and_reviews_due_lists_the_late(ws, register):
    olive = register["olive_plan"]
    assert olive.next_review_on == TODAY - timedelta(days=200) + timedelta(weeks=13)
    with ws.session() as session:
        due = reviews.reviews_due(session, TODAY)
        soon = reviews.reviews_due(session, TODAY, within_days=90)
    assert [(d.patient_id, d.due) for d in due] == [(register["Olive"], olive.next_review_on)]
    assert {d.patient_id for d in soon} == {register["Olive"], register["Dora"]}


def test_the_patients_list_shows_the_plan_columns_and_filters(ws, team, register):
    reader = team["reception"]
    rows = registry.fetch_rows(
        ws, reader, [register[n] for n in ("Olive", "Dora", "Nina", "Ursula")]
    )
    olive, dora, nina, ursula = (rows[register[n]] for n in ("Olive", "Dora", "Nina", "Ursula"))
    assert olive.open_plan == "active" and olive.next_review < TODAY
    assert dora.next_review == TODAY - timedelta(days=10) + timedelta(weeks=13)
    assert nina.open_plan == "draft" and nina.next_review is None
    assert ursula.open_plan is None and ursula.next_review is None

    overdue = registry.query_ids(ws, reader, PatientFilter(care_plan="review_overdue"))
    assert overdue == [register["Olive"]]
    without = registry.query_ids(ws, reader, PatientFilter(care_plan="none"))
    assert register["Ursula"] in without and register["Nina"] not in without
    assert register["Olive"] not in without
    ordered = registry.query_ids(ws, reader, PatientFilter(text="plan"), sort="next_review")
    assert ordered[:2] == [register["Olive"], register["Dora"]]
    with pytest.raises(ValidationError):
        registry.query_ids(ws, reader, PatientFilter(care_plan="sometime"))


def test_a_review_is_a_new_version_saying_what_changed_and_why(ws, team, register):
    nurse = team["nurse"]
    plan_id = register["olive_plan"].draft.plan_id
    rec = plans.load_plan(ws, nurse, plan_id)
    started = reviews.start_review(ws, nurse, plan_id, rec.version).value
    assert started.draft.status == "under_review"
    draft = started.draft
    draft.goals[0].target_value = 30
    with pytest.raises(ValidationError) as err:
        reviews.complete_review(ws, nurse, draft, started.version, what_changed="", why="x")
    assert err.value.field == "what_changed"
    done = reviews.complete_review(
        ws,
        nurse,
        draft,
        started.version,
        what_changed="Walking goal raised",
        why="Walking 25 minutes most days now",
    ).value
    plan = done.plan
    assert plan.draft.status == "active" and plan.last_review_on == TODAY
    assert plan.next_review_on == TODAY + timedelta(weeks=13)
    assert "Goal 'Walk to the shops' target changed from 20 to 30 minutes" in done.summary
    newest = plans.versions(ws, nurse, plan_id)[0]
    assert newest.kind == "reviewed" and newest.reason == "Walking 25 minutes most days now"
    assert any("Walking goal raised" in line for line in newest.summary)
    with ws.session() as session:
        assert register["Olive"] not in {d.patient_id for d in reviews.reviews_due(session, TODAY)}
    with pytest.raises(StaleEditError):  # the review was saved over the version it began from
        reviews.start_review(ws, nurse, plan_id, started.version)


def test_intensity_changes_keep_their_reasons(ws, team, register):
    coordinator = team["coordinator"]
    rec = register["dora_plan"]
    with pytest.raises(ValidationError):
        reviews.change_intensity(ws, coordinator, rec.draft.plan_id, "intensive", " ", rec.version)
    up = reviews.change_intensity(
        ws, coordinator, rec.draft.plan_id, "intensive", "Two admissions this month", rec.version
    ).value
    draft = up.draft
    draft.intensity = "maintenance"
    with pytest.raises(ValidationError) as err:  # a save that changes it must say why too
        plans.save_plan(ws, coordinator, draft, up.version)
    assert err.value.field == "intensity_reason"
    draft.intensity_reason = "Stable for three months"
    down = plans.save_plan(ws, coordinator, draft, up.version).value.plan
    history = [(h.from_intensity, h.to_intensity, h.reason) for h in down.intensity_history]
    assert history[1:] == [
        ("active", "intensive", "Two admissions this month"),
        ("intensive", "maintenance", "Stable for three months"),
    ]


def test_agreement_and_copies_are_recorded_and_reception_may_log_a_copy_only(ws, team, register):
    rec = register["dora_plan"]
    with pytest.raises(PermissionDeniedError):
        reviews.record_agreement(
            ws, team["reception"], rec.draft.plan_id, by="Patient", on=TODAY, how="Signed"
        )
    agreed = reviews.record_agreement(
        ws,
        team["gp"],
        rec.draft.plan_id,
        by="Patient",
        on=TODAY,
        how="Signed",
        base_version=rec.version,
    ).value
    assert (agreed.draft.agreed_by, agreed.draft.agreed_how) == ("Patient", "Signed")
    copy = reviews.record_copy(
        ws,
        team["reception"],
        rec.draft.plan_id,
        recipient_kind="carer",
        recipient="Ann (daughter)",
        given_on=TODAY,
        method="Email",
    ).value
    assert copy.method == "email" and copy.plan_revision == agreed.revision
    after = plans.load_plan(ws, team["gp"], rec.draft.plan_id)
    assert after.version == agreed.version  # a copy logged does not make an open editor stale
    assert [c.recipient for c in after.copies] == ["Ann (daughter)"]
    with pytest.raises(ValidationError):
        reviews.record_copy(
            ws,
            team["reception"],
            rec.draft.plan_id,
            recipient_kind="cat",
            recipient="x",
            given_on=TODAY,
            method="post",
        )


def test_a_merge_keeps_both_records_plans_and_observations(ws, admin, team, register):
    from carecoord_desktop.services.careplans import observations

    observations.add_observation(
        ws, team["nurse"], register["Dora"], kind="weight", value=70, observed_on=TODAY
    )
    patients.merge_patients(ws, admin, register["Olive"], register["Dora"])
    kept = plans.list_plans(ws, team["gp"], register["Olive"])
    assert {p.id for p in kept} == {
        register["olive_plan"].draft.plan_id,
        register["dora_plan"].draft.plan_id,
    }
    assert [o.value for o in observations.list_observations(ws, admin, register["Olive"])] == [70]
