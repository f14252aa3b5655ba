"""What the care plan editor offers in its choosers, for one patient: the record's conditions
(a problem links to one), the practice's clinical staff and the patient's outside providers
(an intervention's responsible person), and the record's preferences and cultural notes (a
plan carries them).

Read with the plan (load_plan audits the view); names only, no other patient data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from carecoord_desktop.models.patient import CareTeamMember, Condition, Patient
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

_CLINICAL = (Role.GP, Role.NURSE, Role.COORDINATOR)


@dataclass(frozen=True)
class PlanChoices:
    conditions: tuple[tuple[int, str], ...]  # condition id, display
    staff: tuple[tuple[int, str], ...]  # staff_user id, "Name (Role)"
    providers: tuple[tuple[int, str], ...]  # care_team_member id, "Name — role, organisation"
    preferences: str
    cultural: str


def plan_choices(ws: Workspace, actor: Actor, patient_id: int) -> PlanChoices:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        patient = session.get(Patient, patient_id)
        conditions = session.exec(
            select(Condition)
            .where(Condition.patient_id == patient_id)
            .order_by(Condition.status, Condition.display)
        ).all()
        staff = session.exec(
            select(StaffUser)
            .where(StaffUser.active, StaffUser.role.in_(_CLINICAL))  # type: ignore[attr-defined]
            .order_by(StaffUser.full_name)
        ).all()
        members = session.exec(
            select(CareTeamMember)
            .where(CareTeamMember.patient_id == patient_id)
            .order_by(CareTeamMember.name)
        ).all()
        preferences, cultural = "", ""
        if patient is not None:
            parts = []
            if patient.preferred_language:
                needs = " (interpreter needed)" if patient.interpreter_needed else ""
                parts.append(f"Preferred language: {patient.preferred_language}{needs}.")
            if patient.communication_preferences:
                parts.append(patient.communication_preferences.strip())
            preferences = " ".join(parts)
            cultural = (patient.cultural_considerations or "").strip()
        return PlanChoices(
            conditions=tuple(
                (c.id, c.display + ("" if c.status == "active" else f" ({c.status})"))
                for c in conditions
            ),
            staff=tuple((s.id, f"{s.full_name} ({s.role.label})") for s in staff),
            providers=tuple(
                (m.id, " — ".join(p for p in (m.name, _role_at(m)) if p)) for m in members
            ),
            preferences=preferences,
            cultural=cultural,
        )


def _role_at(member: CareTeamMember) -> str:
    return ", ".join(p for p in (member.role, member.organisation or "") if p)
