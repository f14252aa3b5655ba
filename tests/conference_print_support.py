"""Fixtures for the conference documents' tests: a real encrypted practice with staff of every
role, a patient whose care team has a podiatrist, a pharmacist and a physiotherapist, an open
care plan, and a conference made (and held) through the conference services (import them into
a test module or a conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import careplan_support
from carecoord_desktop.models.conference import Attendance, DecisionKind, ParticipantKind
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.careplans.types import GoalDraft, InterventionDraft, PlanDraft
from carecoord_desktop.services.conferences import conferences, decisions, meeting
from carecoord_desktop.services.conferences.types import (
    ConferenceDraft,
    DecisionDraft,
    ParticipantDraft,
    PlanChange,
)
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import CareTeamDraft

team = careplan_support.team
patient = careplan_support.patient

INVITED = ("General practitioner", "Pharmacist", "Physiotherapist", "Patient")
TASK_TEXT = "Arrange a home medicines review"
PLAN_TEXT = "Balance exercises at home twice a week"


@pytest.fixture
def providers(ws, admin, patient):
    for name, role, org, phone in (
        ("Priya Shah", "Pharmacist", "Corner Pharmacy", "03 9000 2222"),
        ("Tom Reid", "Physiotherapist", "Move Well Physio", "03 9000 3333"),
    ):
        member = CareTeamDraft(name=name, role=role, organisation=org, phone=phone)
        patient_lists.add_care_team_member(ws, admin, patient.id, member)


@pytest.fixture
def plan(ws, team, patient):
    draft = PlanDraft(
        patient_id=patient.id,
        status="active",
        period_start=date.today() - timedelta(days=60),
        goals=[
            GoalDraft(
                "Keep my sugars steady",
                measure="HbA1c",
                measure_kind="hba1c",
                target_value=7.0,
                target_unit="%",
            )
        ],
        interventions=[InterventionDraft("Review HbA1c every 3 months", responsible_role="gp")],
    )
    return plans.create_plan(ws, team["gp"], draft).value


def _invite(inv) -> ParticipantDraft:
    return ParticipantDraft(
        kind=inv.kind,
        name=inv.name,
        discipline=inv.discipline,
        staff_user_id=inv.staff_user_id,
        care_team_member_id=inv.care_team_member_id,
        organisation=inv.organisation,
        contact=inv.contact,
    )


def schedule(ws, actor, patient_id, *, questions=None, days=7):
    offered = conferences.invitables(ws, actor, patient_id)
    people = tuple(_invite(next(i for i in offered if i.discipline == d)) for d in INVITED)
    draft = ConferenceDraft(
        patient_id=patient_id,
        scheduled_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=days),
        place="Meeting room 2",
        patient_questions=questions,
        participants=people,
    )
    return conferences.schedule_conference(ws, actor, draft).value


@pytest.fixture
def upcoming(ws, team, patient, providers, plan):
    """A conference a week away: invited, agenda built from the record, not held."""
    return schedule(ws, team["coordinator"], patient.id, questions="Can I keep driving?")


@pytest.fixture
def held(ws, team, patient, providers, plan):
    """A conference held today for 34 minutes: everyone came, minutes on every item, a task
    decision (on the board) and a plan change decision."""
    coord = team["coordinator"]
    rec = schedule(ws, coord, patient.id, questions="Can I keep driving?", days=0)
    rec = conferences.record_agreement(
        ws, coord, rec.id, agreed=True, on=date.today(), how="verbal", base_version=rec.version
    ).value
    joined = {"Patient": "in_person", "Pharmacist": "phone", "Physiotherapist": "video"}
    for p in rec.participants:
        conferences.set_attendance(
            ws, coord, p.id, Attendance.ATTENDED, joined.get(p.discipline, "in_person")
        )
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    meeting.start_meeting(ws, coord, rec.id, at=now - timedelta(minutes=34))
    rec = conferences.load_conference(ws, coord, rec.id)
    for n, item in enumerate(rec.agenda, start=1):
        meeting.record_minutes(ws, coord, item.id, f"Minutes of item {n}: talked it through.")
    first = rec.agenda[0].id if rec.agenda else None
    decisions.add_decision(
        ws,
        coord,
        rec.id,
        DecisionDraft(
            TASK_TEXT,
            DecisionKind.TASK,
            agenda_item_id=first,
            owner_role="nurse",
            due_date=date.today() + timedelta(days=14),
        ),
    )
    decisions.add_decision(
        ws,
        coord,
        rec.id,
        DecisionDraft(
            PLAN_TEXT,
            DecisionKind.PLAN_CHANGE,
            plan_change=PlanChange("add_intervention", text=PLAN_TEXT, responsible_role="nurse"),
        ),
    )
    meeting.end_meeting(ws, coord, rec.id, at=now)
    return conferences.load_conference(ws, coord, rec.id)


def team_names(rec) -> list[str]:
    outside = (ParticipantKind.PROVIDER.value, ParticipantKind.OTHER.value)
    return [p.name for p in rec.participants if p.kind in outside]
