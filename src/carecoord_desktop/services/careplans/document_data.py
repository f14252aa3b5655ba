"""From a stored care plan to the plain data its two documents print (documents/careplan_data.py):
names instead of ids, labels instead of stored values, observations per goal. Reads only; the
caller (printing.py) audits what is made of it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session, or_, select

from carecoord_desktop.models.careplan import (
    CarePlanRevision,
    GoalStatus,
    Intensity,
    InterventionStatus,
    Observation,
    ObservationKind,
    PlanStatus,
    Priority,
    ResponsibleKind,
    RevisionKind,
)
from carecoord_desktop.models.patient import CareTeamMember, Condition, Patient
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.careplans import packs
from carecoord_desktop.services.careplans.plans import plan_or_error
from carecoord_desktop.services.careplans.storage import record
from carecoord_desktop.services.careplans.types import GoalDraft, PlanRecord
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

__all__ = ["DocumentKind", "handout_data", "plan_data", "require_for"]


class DocumentKind(StrEnum):
    PLAN = "plan"
    HANDOUT = "handout"

    @property
    def label(self) -> str:
        return {"plan": "care plan", "handout": "care plan handout"}[self.value]


def require_for(actor: Actor, kind: DocumentKind) -> None:
    if kind is DocumentKind.HANDOUT:
        require(actor, Permission.PRINT_HANDOUTS)
    else:
        require(actor, Permission.VIEW_PATIENTS)
        require(actor, Permission.EXPORT_DATA)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" •-\t") for line in (text or "").splitlines() if line.strip())


def _label(enum_type: type[StrEnum], value: str) -> str:
    try:
        return enum_type(value).label
    except ValueError:
        return value


def _loaded(ws: Workspace, plan_id: int):
    """Everything both documents read, in one session."""
    from carecoord_desktop.documents import careplan_data as d

    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        rec = record(session, plan)
        patient = session.get(Patient, plan.patient_id)
        practice = practice_settings._read(session)
        header = d.PracticeHeader(
            name=practice.practice_name or "Practice", is_demo=bool(patient.is_demo)
        )
        ident = d.PatientIdentifiers(
            full_name=f"{patient.given_name} {patient.family_name}",
            practice_id=patient.practice_id,
            date_of_birth=patient.date_of_birth,
            national_id=patient.medicare_number or "",
            national_id_label="Medicare" if patient.medicare_number else "",
            preferred_name=patient.preferred_name or "",
            preferred_language=patient.preferred_language or "",
            interpreter_needed=bool(patient.interpreter_needed),
        )
        goals = tuple(_goal(session, patient.id, g, rec) for g in rec.draft.goals)
        extra = _names(session, rec, patient)
    return rec, header, ident, goals, extra


def _observations(session: Session, patient_id: int, goal: GoalDraft):
    from carecoord_desktop.documents.careplan_data import Observation as Point

    clause = Observation.goal_uid == goal.uid
    if goal.measure_kind != ObservationKind.CUSTOM.value:
        clause = or_(clause, Observation.kind == goal.measure_kind)
    rows = session.exec(
        select(Observation)
        .where(Observation.patient_id == patient_id, clause)
        .order_by(Observation.observed_on, Observation.id)
    )
    return tuple(Point(on=o.observed_on, value=o.value, note=o.note) for o in rows)


def _goal(session: Session, patient_id: int, g: GoalDraft, rec: PlanRecord):
    from carecoord_desktop.documents.careplan_data import Goal

    problems = {p.uid: p.description for p in rec.draft.problems}
    return Goal(
        patient_words=g.patient_words,
        measure=g.measure,
        target_value=g.target_value,
        target_unit=g.target_unit,
        target_direction=g.target_direction,
        due=g.due_on,
        status=_label(GoalStatus, g.status),
        priority=_label(Priority, g.priority),
        problem=problems.get(g.problem_uid or "", ""),
        observations=_observations(session, patient_id, g),
    )


def _names(session: Session, rec: PlanRecord, patient: Patient) -> dict:
    d = rec.draft
    staff_ids = {i.responsible_staff_id for i in d.interventions} | {
        d.author_id,
        patient.coordinator_id,
    }
    staff = {
        s.id: s
        for s in session.exec(select(StaffUser).where(StaffUser.id.in_(staff_ids - {None})))  # type: ignore[union-attr]
    }
    members = {
        m.id: m
        for m in session.exec(select(CareTeamMember).where(CareTeamMember.patient_id == patient.id))
    }
    conditions = {
        c.id: c for c in session.exec(select(Condition).where(Condition.patient_id == patient.id))
    }
    reviews = list(
        session.exec(
            select(CarePlanRevision)
            .where(
                CarePlanRevision.plan_id == d.plan_id,
                CarePlanRevision.kind == RevisionKind.REVIEWED.value,
            )
            .order_by(CarePlanRevision.number.desc())  # type: ignore[union-attr]
        )
    )
    reviewer = {r.saved_by_id for r in reviews} - set(staff)
    if reviewer - {None}:
        staff.update(
            {s.id: s for s in session.exec(select(StaffUser).where(StaffUser.id.in_(reviewer)))}  # type: ignore[union-attr]
        )
    return {
        "staff": staff,
        "members": members,
        "conditions": conditions,
        "reviews": reviews,
        "coordinator_id": patient.coordinator_id,
    }


def _staff_words(user: StaffUser | None) -> str:
    if user is None:
        return "someone no longer listed"
    role = getattr(user.role, "label", None) or str(user.role).replace("_", " ").capitalize()
    return f"{user.full_name} ({role})"


def _responsible(i, extra) -> tuple[str, str]:
    kind = i.responsible_kind
    if kind == ResponsibleKind.STAFF.value:
        who = _staff_words(extra["staff"].get(i.responsible_staff_id))
    elif kind == ResponsibleKind.PROVIDER.value:
        m = extra["members"].get(i.responsible_member_id)
        who = (
            "a provider no longer on the care team"
            if m is None
            else (f"{m.name}, {m.role}" + (f", {m.organisation}" if m.organisation else ""))
        )
    elif kind == ResponsibleKind.PATIENT.value:
        who = "The patient or carer"
    else:
        who = i.responsible_role or "Not named"
    return who, _label(ResponsibleKind, kind)


def plan_data(ws: Workspace, actor: Actor, plan_id: int):
    """The care plan document's data for plan `plan_id` (checks the role; no audit row: the
    caller that renders it writes one)."""
    from carecoord_desktop.documents import careplan_data as d

    require_for(actor, DocumentKind.PLAN)
    rec, header, ident, goals, extra = _loaded(ws, plan_id)
    draft = rec.draft
    problems = {p.uid: p.description for p in draft.problems}
    interventions = []
    for i in draft.interventions:
        who, who_kind = _responsible(i, extra)
        interventions.append(
            d.Intervention(
                what=i.what,
                responsible=who,
                responsible_kind=who_kind,
                frequency=i.frequency,
                status=_label(InterventionStatus, i.status),
                problem=problems.get(i.problem_uid or "", ""),
                is_service=i.is_service,
            )
        )
    out_problems = []
    for p in draft.problems:
        c = extra["conditions"].get(p.condition_id)
        code = ""
        if c is not None and c.code:
            system = "SNOMED" if "snomed" in (c.code_system or "").lower() else c.code_system
            code = f"{system or ''} {c.code}".strip()
        out_problems.append(d.Problem(p.description, code, c.onset if c else None, p.notes))
    reason = rec.intensity_history[-1].reason if rec.intensity_history else ""
    outcome = "\n".join(x for x in (draft.expected_outcome, draft.prognosis) if x.strip())
    schedule = ""
    if draft.review_interval_weeks:
        weeks = draft.review_interval_weeks
        schedule = f"Every {weeks} weeks" + (
            f" (about {round(weeks / 4.345)} months)" if weeks >= 8 else ""
        )
    if draft.review_arrangements:
        schedule = "; ".join(x for x in (schedule, draft.review_arrangements) if x)
    reviews = []
    for r in extra["reviews"]:
        who = extra["staff"].get(r.saved_by_id)
        reviews.append(
            f"{r.saved_at:%d %b %Y}, {who.full_name if who else 'someone'}: "
            f"{r.reason or 'reviewed'}"
        )
    agreed = bool(draft.agreed_on or draft.agreed_by)
    author = extra["staff"].get(draft.author_id)
    signatures = [d.Signature("Patient", ident.full_name)]
    if author is not None:
        signatures.append(
            d.Signature(
                _staff_words(author).split(" (")[1].rstrip(")") + " (plan author)", author.full_name
            )
        )
    coordinator = extra["staff"].get(extra["coordinator_id"])
    if coordinator is not None and coordinator is not author:
        signatures.append(d.Signature("Care coordinator", coordinator.full_name))
    results = [packs.check_plan(rec, p) for p in packs.chosen_packs(ws)]
    return d.CarePlanDocument(
        practice=header,
        patient=ident,
        plan=d.PlanHeader(
            status=_label(PlanStatus, draft.status),
            version=rec.revision,
            version_date=rec.updated_at,
            author=_staff_words(author) if author else "",
            period_start=draft.period_start,
            period_end=draft.period_end,
            intensity=_label(Intensity, draft.intensity),
            intensity_reason=reason,
            plan_id=draft.plan_id,
            programs=tuple(r.pack_name for r in results),
        ),
        problems=tuple(out_problems),
        goals=goals,
        interventions=tuple(interventions),
        patient_actions=tuple(
            a.text + (f" ({a.frequency})" if a.frequency else "") for a in draft.actions
        ),
        medication_notes=_lines(draft.medication_notes),
        symptom_management=_lines(draft.symptom_management),
        warning_signs=tuple(
            d.WarningSign(w.sign, w.action, w.who_to_call, w.phone, w.urgent)
            for w in draft.warning_signs
        ),
        preferences=_lines(draft.preferences),
        cultural_considerations=_lines(draft.cultural_considerations),
        community_services=_lines(draft.community_services),
        coordination=_lines(draft.coordination),
        expected_outcome=outcome,
        review_schedule=schedule,
        next_review=rec.next_review_on,
        reviews=tuple(reviews),
        agreement=d.Agreement(agreed, draft.agreed_by, draft.agreed_on, draft.agreed_how)
        if agreed
        else None,
        copies=tuple(
            d.CopyGiven(
                f"{c.recipient} ({c.recipient_kind})"
                if c.recipient
                else c.recipient_kind.capitalize(),
                c.given_on,
                c.method,
            )
            for c in rec.copies
        ),
        signatures=tuple(signatures),
        printed_at=datetime.now(UTC),
        printed_by=actor.full_name,
        completeness=tuple((r.pack_name, r.missing) for r in results),
    )


def handout_data(ws: Workspace, actor: Actor, plan_id: int):
    """The handout's data for plan `plan_id` (checks the role; the renderer's caller audits)."""
    from carecoord_desktop.documents import careplan_data as d

    require_for(actor, DocumentKind.HANDOUT)
    rec, header, ident, goals, extra = _loaded(ws, plan_id)
    draft = rec.draft
    team = []
    coordinator = extra["staff"].get(extra["coordinator_id"])
    if coordinator is not None:
        team.append((f"{coordinator.full_name}, your care coordinator, at {header.name}", ""))
    team += [(f"{m.name}, {m.role}", m.phone) for m in extra["members"].values() if m.phone]
    # The handout's goals hide the clinic's status words; the patient's words and target stay.
    goals = tuple(replace(g, status="", priority="", problem="") for g in goals)
    return d.HandoutDocument(
        practice=header,
        patient=ident,
        plan_version=rec.revision,
        plan_date=rec.updated_at.date(),
        goals=goals,
        daily_actions=tuple(
            a.text + (f" ({a.frequency})" if a.frequency else "") for a in draft.actions
        ),
        medication_notes=_lines(draft.medication_notes),
        warning_signs=tuple(
            d.WarningSign(w.sign, w.action, w.who_to_call, w.phone, w.urgent)
            for w in draft.warning_signs
        ),
        care_team=tuple(team),
        next_review=rec.next_review_on,
        printed_at=datetime.now(UTC),
    )
