"""The scheduling form's side of care conferences: who it offers to invite (practice staff,
the patient's outside providers, the patient and carers) and the checks on what it sends
(details and invitees), each refusal a ValidationError naming its field."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import OPEN_STATUSES, CarePlan
from carecoord_desktop.models.conference import Attendance, JoinMethod, ParticipantKind
from carecoord_desktop.models.patient import CareTeamMember, Patient, PatientContact
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services.conferences.types import (
    ConferenceDraft,
    Invitable,
    ParticipantDraft,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

# The discipline practice staff bring to a conference, by role.
STAFF_DISCIPLINES = {
    Role.GP: "General practitioner",
    Role.NURSE: "Practice nurse",
    Role.COORDINATOR: "Care coordinator",
}
MINUTES_RANGE = (5, 240)


def value_of(v) -> str:
    return getattr(v, "value", v)


# -- choices for the form ----------------------------------------------------------------------
def invitables(ws: Workspace, actor: Actor, patient_id: int) -> list[Invitable]:
    """Who the form offers to invite: the practice's clinical staff, the patient's outside
    providers (care team members who are not practice staff), the patient and their carers."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise ValidationError("That patient is not in the register.", field="patient_id")
        out: list[Invitable] = []
        staff = session.exec(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_(list(STAFF_DISCIPLINES)))
            .order_by(StaffUser.full_name)
        )
        for u in staff:
            out.append(
                Invitable(
                    ParticipantKind.STAFF.value,
                    u.full_name,
                    STAFF_DISCIPLINES[Role(u.role)],
                    staff_user_id=u.id,
                    organisation="This practice",
                )
            )
        members = session.exec(
            select(CareTeamMember)
            .where(CareTeamMember.patient_id == patient_id, CareTeamMember.staff_user_id.is_(None))
            .order_by(CareTeamMember.role, CareTeamMember.name)
        )
        for m in members:
            out.append(
                Invitable(
                    ParticipantKind.PROVIDER.value,
                    m.name,
                    m.role,
                    care_team_member_id=m.id,
                    organisation=m.organisation,
                    contact=m.phone or m.email,
                )
            )
        out.append(
            Invitable(
                ParticipantKind.PATIENT.value,
                f"{patient.given_name} {patient.family_name}",
                "Patient",
                contact=patient.phone,
            )
        )
        carers = session.exec(
            select(PatientContact)
            .where(PatientContact.patient_id == patient_id)
            .order_by(PatientContact.is_carer.desc(), PatientContact.name)
        )
        for c in carers:
            role = "Carer" if c.is_carer else "Next of kin"
            if c.relationship:
                role = f"{role} ({c.relationship})"
            out.append(
                Invitable(ParticipantKind.CARER.value, c.name, role, contact=c.phone or c.email)
            )
        return out


# -- checking what the form sent -----------------------------------------------------------------
def clean_text(
    value: str | None, field: str, limit: int, said: str, *, required=False
) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise ValidationError(f"Give {said}.", field=field)
        return None
    if len(cleaned) > limit:
        raise ValidationError(f"Keep {said} under {limit} characters.", field=field)
    return cleaned


def _utc(at: datetime, field: str) -> datetime:
    if not isinstance(at, datetime):
        raise ValidationError("Give the date and time of the conference.", field=field)
    if at.tzinfo is None:  # a naive time is the practice's local time
        at = at.astimezone()
    return at.astimezone(UTC)


def _plan_for(session: Session, patient_id: int, plan_id: int | None) -> int | None:
    if plan_id is not None:
        plan = session.get(CarePlan, plan_id)
        if plan is None or plan.patient_id != patient_id:
            raise ValidationError("Choose one of this patient's care plans.", field="plan_id")
        return plan.id
    return open_plan_id(session, patient_id)


def open_plan_id(session: Session, patient_id: int) -> int | None:
    """The patient's plan still in force (draft, active or under review), if any."""
    return session.exec(
        select(CarePlan.id)
        .where(
            CarePlan.patient_id == patient_id,
            CarePlan.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(CarePlan.id.desc())
    ).first()


def clean_details(session: Session, draft: ConferenceDraft) -> dict:
    low, high = MINUTES_RANGE
    if not isinstance(draft.planned_minutes, int) or not low <= draft.planned_minutes <= high:
        raise ValidationError(
            f"Plan between {low} and {high} minutes for the conference.", field="planned_minutes"
        )
    link = clean_text(draft.video_link, "video_link", 300, "the video link")
    if link and not link.lower().startswith(("https://", "http://")):
        raise ValidationError(
            "A video link starts with https:// (copy it from the invitation).", field="video_link"
        )
    if draft.organiser_id is not None:
        user = session.get(StaffUser, draft.organiser_id)
        if user is None or not user.active:
            raise ValidationError("Choose an active staff member as organiser.", "organiser_id")
    return {
        "title": clean_text(draft.title, "title", 120, "a title", required=True),
        "scheduled_at": _utc(draft.scheduled_at, "scheduled_at"),
        "planned_minutes": draft.planned_minutes,
        "place": clean_text(draft.place, "place", 200, "the place"),
        "video_link": link,
        "organiser_id": draft.organiser_id,
        "plan_id": _plan_for(session, draft.patient_id, draft.plan_id),
        "patient_questions": clean_text(
            draft.patient_questions, "patient_questions", 4000, "the patient's questions"
        ),
    }


def _participant(session: Session, patient_id: int, p: ParticipantDraft, n: int) -> dict:
    field = f"participants[{n}]"
    try:
        kind = ParticipantKind(value_of(p.kind)).value
    except ValueError:
        raise ValidationError("That is not a kind of participant.", field=field) from None
    try:
        attendance = Attendance(value_of(p.attendance)).value
    except ValueError:
        raise ValidationError("That is not an attendance.", field=field) from None
    joined = value_of(p.joined_how) or None
    if joined is not None and joined not in {m.value for m in JoinMethod}:
        raise ValidationError("Say how they joined: in person, phone or video.", field=field)
    values = {
        "kind": kind,
        "name": clean_text(p.name, field, 120, "each participant's name", required=True),
        "discipline": clean_text(
            p.discipline,
            field,
            80,
            f"the discipline of invitee {n + 1}",
            required=True,
        ),
        "organisation": clean_text(p.organisation, field, 120, "the organisation"),
        "contact": clean_text(p.contact, field, 120, "the contact details"),
        "attendance": attendance,
        "joined_how": joined,
        "staff_user_id": None,
        "care_team_member_id": None,
    }
    if kind == ParticipantKind.STAFF.value:
        user = session.get(StaffUser, p.staff_user_id) if p.staff_user_id else None
        if user is None:
            raise ValidationError("Choose a staff member from the list.", field=field)
        values["staff_user_id"] = user.id
    elif kind == ParticipantKind.PROVIDER.value:
        member = (
            session.get(CareTeamMember, p.care_team_member_id) if p.care_team_member_id else None
        )
        if member is None or member.patient_id != patient_id:
            raise ValidationError("Choose a provider from this patient's care team.", field=field)
        values["care_team_member_id"] = member.id
    return values


def clean_participants(session: Session, patient_id: int, drafts) -> list[tuple[int | None, dict]]:
    out, seen = [], set()
    for n, p in enumerate(drafts):
        values = _participant(session, patient_id, p, n)
        who = (
            ("staff", values["staff_user_id"])
            if values["staff_user_id"]
            else ("member", values["care_team_member_id"])
            if values["care_team_member_id"]
            else (values["kind"], values["name"].casefold())
        )
        if who in seen:
            # No names in messages (an exception may reach a log): the row says who.
            raise ValidationError(
                f"Invitee {n + 1} is already on the list: they are invited twice.",
                field=f"participants[{n}]",
            )
        seen.add(who)
        out.append((p.id, values))
    return out
