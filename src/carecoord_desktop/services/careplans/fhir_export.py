"""Export a patient's care plan as a FHIR R4 Bundle (interop/fhir/careplan.py builds it).

Needs EXPORT_DATA; every export is audited with the plan id and the version exported."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.interop.fhir import careplan as fhir
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    OBSERVATION_KINDS,
    OPEN_STATUSES,
    CarePlan,
    ObservationKind,
    ResponsibleKind,
)
from carecoord_desktop.models.patient import CareTeamMember, Condition, Patient
from carecoord_desktop.models.staff import ROLE_LABELS, StaffUser
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.plans import RECORD_TYPE, plan_or_error
from carecoord_desktop.services.careplans.storage import aware, read_draft
from carecoord_desktop.services.careplans.types import PlanDraft
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

_NOTES = (
    ("medication_notes", "Medication management"),
    ("symptom_management", "Symptom management"),
    ("expected_outcome", "Expected outcome"),
    ("prognosis", "Prognosis"),
    ("community_services", "Community and social services"),
    ("coordination", "Coordination with outside providers"),
    ("preferences", "Patient's preferences"),
    ("cultural_considerations", "Cultural and religious considerations"),
    ("review_arrangements", "Review arrangements"),
)


def current_plan_id(session: Session, patient_id: int) -> int:
    """The patient's open plan, else the most recently changed one."""
    plans = list(session.exec(select(CarePlan).where(CarePlan.patient_id == patient_id)))
    if not plans:
        raise ValidationError("This patient has no care plan yet.", field="plan_id")
    open_values = {s.value for s in OPEN_STATUSES}
    plans.sort(key=lambda p: (p.status in open_values, aware(p.updated_at)), reverse=True)
    return plans[0].id


def _responsible(session: Session, item, members: dict[int, CareTeamMember]) -> str:
    if item.responsible_kind == ResponsibleKind.STAFF.value and item.responsible_staff_id:
        staff = session.get(StaffUser, item.responsible_staff_id)
        return f"{staff.full_name} ({ROLE_LABELS[staff.role]})" if staff else ""
    if item.responsible_kind == ResponsibleKind.PROVIDER.value and item.responsible_member_id:
        m = members.get(item.responsible_member_id)
        return f"{m.name} ({m.role})" if m else ""
    if item.responsible_kind == ResponsibleKind.PATIENT.value:
        return "Patient or carer"
    return item.responsible_role


def plan_input(session: Session, plan: CarePlan, draft: PlanDraft) -> fhir.PlanIn:
    members = {
        m.id: m
        for m in session.exec(
            select(CareTeamMember).where(CareTeamMember.patient_id == plan.patient_id)
        )
    }
    conditions = []
    for p in draft.problems:
        cond = session.get(Condition, p.condition_id) if p.condition_id else None
        conditions.append(
            fhir.ConditionIn(
                key=p.uid,
                display=p.description,
                code=cond.code
                if cond is not None and cond.code_system in (None, fhir.SNOMED)
                else None,
                onset=cond.onset if cond is not None else None,
                status=cond.status if cond is not None else "active",
            )
        )
    goals = []
    for g in draft.goals:
        loinc = ""
        if g.measure_kind != ObservationKind.CUSTOM.value:
            loinc = OBSERVATION_KINDS[ObservationKind(g.measure_kind)][2]
        goals.append(
            fhir.GoalIn(
                key=g.uid,
                description=g.patient_words,
                measure=g.measure,
                loinc=loinc,
                target_value=g.target_value,
                target_unit=g.target_unit,
                target_direction=g.target_direction,
                due_on=g.due_on,
                status=g.status,
                priority=g.priority,
                addresses=(g.problem_uid,) if g.problem_uid else (),
            )
        )
    activities = [
        fhir.ActivityIn(
            i.what,
            i.status,
            _responsible(session, i, members),
            i.frequency,
            (i.goal_uid,) if i.goal_uid else (),
        )
        for i in draft.interventions
    ] + [
        fhir.ActivityIn(
            a.text,
            "active",
            "Patient",
            a.frequency,
            (a.goal_uid,) if a.goal_uid else (),
            by_patient=True,
        )
        for a in draft.actions
    ]
    team = [
        fhir.TeamMemberIn(m.name, m.role, m.organisation or "", m.phone or "")
        for m in members.values()
    ]
    author = session.get(StaffUser, draft.author_id) if draft.author_id else None
    if author is not None:
        team.insert(0, fhir.TeamMemberIn(author.full_name, ROLE_LABELS[author.role]))
    notes = tuple(
        f"{label}: {getattr(draft, name)}" for name, label in _NOTES if getattr(draft, name)
    )
    notes += tuple(
        f"Warning sign: {w.sign}"
        + (f" - {w.action}" if w.action else "")
        + (f" (call {w.who_to_call})" if w.who_to_call else "")
        for w in draft.warning_signs
    )
    return fhir.PlanIn(
        id=plan.id,
        title=draft.title,
        status=draft.status,
        created=aware(plan.created_at),
        revision=plan.revision,
        author=author.full_name if author else "",
        period_start=draft.period_start,
        period_end=draft.period_end,
        notes=notes,
        conditions=tuple(conditions),
        goals=tuple(goals),
        activities=tuple(activities),
        team=tuple(team),
    )


def export_fhir(ws: Workspace, actor: Actor, patient_id: int, plan_id: int | None = None) -> bytes:
    """The plan (the patient's current one when `plan_id` is None) as FHIR R4 JSON bytes."""
    require(actor, Permission.EXPORT_DATA)
    with ws.session() as session:
        patient: Patient = patient_or_error(session, patient_id)
        plan = plan_or_error(session, plan_id or current_plan_id(session, patient_id))
        if plan.patient_id != patient_id:
            raise ValidationError("That plan belongs to another patient.", field="plan_id")
        draft = read_draft(session, plan)
        bundle = fhir.care_plan_bundle(
            fhir.PatientIn(
                patient.id,
                patient.practice_id,
                patient.given_name,
                patient.family_name,
                patient.date_of_birth,
                str(patient.sex.value if hasattr(patient.sex, "value") else patient.sex),
                patient.medicare_number,
                patient.phone,
                patient.preferred_language,
            ),
            plan_input(session, plan, draft),
            exported_at=datetime.now(UTC),
        )
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            record_id=plan.id,
            detail=f"exported care plan version {plan.revision} as FHIR R4",
        )
        session.commit()
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
