"""Care conference fixtures: a practice with staff of every role and a patient (type 2
diabetes, hypertension) whose care team has a podiatrist, a pharmacist and a
physiotherapist, with an open care plan; and a conference scheduled with them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import careplan_support
from carecoord_desktop.models.conference import Attendance, ParticipantKind
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.careplans.types import GoalDraft, InterventionDraft, PlanDraft
from carecoord_desktop.services.conferences import conferences
from carecoord_desktop.services.conferences.types import ConferenceDraft, ParticipantDraft
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import CareTeamDraft

team = careplan_support.team
patient = careplan_support.patient


@pytest.fixture
def providers(ws, admin, patient):
    """The patient's outside providers by discipline (the podiatrist comes with `patient`)."""
    for name, role, org, phone in (
        ("Priya Shah", "Pharmacist", "Corner Pharmacy", "03 9000 2222"),
        ("Tom Reid", "Physiotherapist", "Move Well Physio", "03 9000 3333"),
    ):
        member = CareTeamDraft(name=name, role=role, organisation=org, phone=phone)
        patient_lists.add_care_team_member(ws, admin, patient.id, member)
    offered = conferences.invitables(ws, admin, patient.id)
    return {i.discipline: i for i in offered if i.kind == ParticipantKind.PROVIDER.value}


@pytest.fixture
def plan(ws, team, patient):
    """An active plan with an HbA1c goal (target below 7 %) and one intervention."""
    draft = PlanDraft(
        patient_id=patient.id,
        status="active",
        period_start=date.today() - timedelta(days=60),
        goals=[
            GoalDraft(
                "Keep my sugars steady", measure="HbA1c", measure_kind="hba1c",
                target_value=7.0, target_unit="%",
            ),
            GoalDraft("Walk to the shops", measure="Minutes walked a day", target_value=30,
                      target_direction="above", target_unit="min"),
        ],
        interventions=[InterventionDraft("Review HbA1c every 3 months", responsible_role="GP")],
    )  # fmt: skip
    return plans.create_plan(ws, team["gp"], draft).value


def invite(inv, attendance=Attendance.INVITED) -> ParticipantDraft:
    return ParticipantDraft(
        kind=inv.kind,
        name=inv.name,
        discipline=inv.discipline,
        staff_user_id=inv.staff_user_id,
        care_team_member_id=inv.care_team_member_id,
        organisation=inv.organisation,
        contact=inv.contact,
        attendance=attendance,
    )


def people(ws, actor, patient_id, *disciplines: str) -> tuple[ParticipantDraft, ...]:
    """Invitees by discipline ("General practitioner", "Pharmacist", "Patient", ...)."""
    offered = conferences.invitables(ws, actor, patient_id)
    out = []
    for d in disciplines:
        out.append(invite(next(i for i in offered if i.discipline == d)))
    return tuple(out)


def draft_for(patient_id: int, participants=(), **kw) -> ConferenceDraft:
    values = {
        "patient_id": patient_id,
        "scheduled_at": datetime.now(UTC).replace(microsecond=0) + timedelta(days=7),
        "planned_minutes": 30,
        "place": "Meeting room 2",
        "participants": tuple(participants),
    }
    values.update(kw)
    return ConferenceDraft(**values)


@pytest.fixture
def conference(ws, team, patient, providers, plan):
    """A conference a week away with the GP, the pharmacist, the physio and the patient."""
    coord = team["coordinator"]
    invited = people(
        ws, coord, patient.id, "General practitioner", "Pharmacist", "Physiotherapist", "Patient"
    )
    return conferences.schedule_conference(ws, coord, draft_for(patient.id, invited)).value


def hold(ws, actor, conference, minutes: int = 22):
    """Run `conference` as a held one: agreement, everyone attended, `minutes` long, minutes
    for its first item and a decision. The summary is left to offer."""
    from carecoord_desktop.services.conferences import agenda, decisions, meeting
    from carecoord_desktop.services.conferences.types import AgendaItemDraft, DecisionDraft

    rec = conferences.record_agreement(
        ws, actor, conference.id, agreed=True, on=date.today(), how="verbal",
        base_version=conference.version,
    ).value  # fmt: skip
    for p in rec.participants:
        conferences.set_attendance(ws, actor, p.id, "attended", "in_person")
    start = datetime.now(UTC) - timedelta(minutes=minutes + 5)
    meeting.start_meeting(ws, actor, rec.id, at=start)
    rec = meeting.end_meeting(ws, actor, rec.id, at=start + timedelta(minutes=minutes)).value
    if not rec.agenda:
        rec = agenda.save_agenda(ws, actor, rec.id, [AgendaItemDraft("Plan")], rec.version).value
    meeting.record_minutes(ws, actor, rec.agenda[0].id, "Talked it through")
    decisions.add_decision(ws, actor, rec.id, DecisionDraft("Carry on"))
    return conferences.load_conference(ws, actor, rec.id)


def share_summary(ws, actor, rec, names) -> None:
    """What the documents' share_summary writes: sharing rows and the date offered."""
    from carecoord_desktop.models.conference import CareConference
    from carecoord_desktop.models.referral import DocumentShare

    with ws.write_session() as session:
        for name in names:
            row = DocumentShare(
                patient_id=rec.patient_id, document="conference summary", record_type="conference",
                record_id=rec.id, recipient=name, method="by_hand", shared_by_name=actor.full_name,
            )  # fmt: skip
            session.add(row)
        conf = session.get(CareConference, rec.id)
        conf.summary_offered_on = date.today()
        session.add(conf)
        session.commit()
