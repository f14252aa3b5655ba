"""A patient's care plan as a FHIR R4 Bundle: Patient, Condition, Goal, CareTeam, CarePlan.

Pure: plain input dataclasses in, a JSON-ready dict out (services/careplans/fhir_export.py
gathers the data and audits the export). Resources are linked by `urn:uuid:` fullUrls, so the
Bundle stands alone (type "collection"). Codes: SNOMED CT for conditions, LOINC for the standard
goal measures, UCUM for target units, and the HL7 code systems FHIR R4 binds for statuses,
categories and priorities.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_PRIORITY = "http://terminology.hl7.org/CodeSystem/goal-priority"
MEDICARE = "http://ns.electronichealth.net.au/id/medicare-number"
PRACTICE_ID = "urn:carecoord:practice-id"  # the practice's own patient number (P000123)
CARE_PLAN_CATEGORY = ("734163000", "Care plan")  # SNOMED CT

# models.careplan values -> FHIR R4 codes
PLAN_STATUS = {
    "draft": "draft",
    "active": "active",
    "under_review": "active",  # still in effect while it is reviewed
    "completed": "completed",
    "cancelled": "revoked",
}
GOAL_LIFECYCLE = {
    "not_started": "accepted",
    "in_progress": "active",
    "achieved": "completed",
    "partly_achieved": "completed",
    "not_achieved": "completed",
    "stopped": "cancelled",
}
GOAL_ACHIEVED = {
    "not_started": None,
    "in_progress": "in-progress",
    "achieved": "achieved",
    "partly_achieved": "improving",
    "not_achieved": "not-achieved",
    "stopped": None,
}
ACTIVITY_STATUS = {
    "planned": "not-started",
    "active": "in-progress",
    "done": "completed",
    "stopped": "stopped",
}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
# our unit text -> UCUM code
UCUM_UNITS = {
    "mmol/mol": "mmol/mol",
    "%": "%",
    "mmhg": "mm[Hg]",
    "kg": "kg",
    "ml/min/1.73m2": "mL/min/{1.73_m2}",
    "score": "{score}",
    "l/min": "L/min",
    "steps/day": "/d",
    "minutes": "min",
}


@dataclass(frozen=True)
class PatientIn:
    id: int
    practice_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str = "unknown"
    medicare_number: str | None = None
    phone: str | None = None
    preferred_language: str | None = None


@dataclass(frozen=True)
class ConditionIn:
    key: str  # what problems and goals refer to it by
    display: str
    code: str | None = None  # SNOMED CT
    onset: date | None = None
    status: str = "active"


@dataclass(frozen=True)
class GoalIn:
    key: str
    description: str  # the patient's words
    measure: str = ""
    loinc: str = ""  # "" for a custom measure
    target_value: float | None = None
    target_unit: str = ""
    target_direction: str = "below"
    due_on: date | None = None
    status: str = "not_started"
    priority: str = "medium"
    addresses: tuple[str, ...] = ()  # condition keys


@dataclass(frozen=True)
class ActivityIn:
    description: str
    status: str = "planned"
    performer: str = ""  # a person, a role or a provider, as words
    frequency: str = ""
    goals: tuple[str, ...] = ()  # goal keys
    by_patient: bool = False  # a patient action


@dataclass(frozen=True)
class TeamMemberIn:
    name: str
    role: str
    organisation: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PlanIn:
    id: int
    title: str
    status: str
    created: datetime
    revision: int
    author: str = ""
    period_start: date | None = None
    period_end: date | None = None
    description: str = ""
    notes: tuple[str, ...] = ()  # medication, symptom management, outcome, …, as lines
    conditions: tuple[ConditionIn, ...] = ()
    goals: tuple[GoalIn, ...] = ()
    activities: tuple[ActivityIn, ...] = ()
    team: tuple[TeamMemberIn, ...] = ()


def _urn(namespace: uuid.UUID, kind: str, key: object) -> str:
    # Stable ids: the same plan version exports the same Bundle (diffs of two exports mean
    # something), without putting a practice id or a name into a URL.
    return f"urn:uuid:{uuid.uuid5(namespace, f'{kind}:{key}')}"


def _concept(system: str, code: str, display: str = "") -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _quantity(value: float, unit: str) -> dict:
    out: dict = {"value": value}
    if unit:
        out["unit"] = unit
        code = UCUM_UNITS.get(unit.lower())
        if code:
            out["system"], out["code"] = UCUM, code
    return out


def _patient(p: PatientIn) -> dict:
    identifiers = [{"system": PRACTICE_ID, "value": p.practice_id}]
    if p.medicare_number:
        identifiers.append({"system": MEDICARE, "value": p.medicare_number.replace(" ", "")})
    out: dict = {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": [{"use": "official", "family": p.family_name, "given": [p.given_name]}],
        "gender": GENDER.get(p.sex, "unknown"),
    }
    if p.date_of_birth:
        out["birthDate"] = p.date_of_birth.isoformat()
    if p.phone:
        out["telecom"] = [{"system": "phone", "value": p.phone}]
    if p.preferred_language:
        out["communication"] = [{"language": {"text": p.preferred_language}, "preferred": True}]
    return out


def _condition(c: ConditionIn, patient_ref: str) -> dict:
    code: dict = {"text": c.display}
    if c.code:
        code = _concept(SNOMED, c.code, c.display) | {"text": c.display}
    clinical = c.status if c.status in ("active", "inactive", "resolved") else "active"
    out = {
        "resourceType": "Condition",
        "clinicalStatus": _concept(CONDITION_CLINICAL, clinical),
        "verificationStatus": _concept(CONDITION_VERIFICATION, "confirmed"),
        "category": [_concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": code,
        "subject": {"reference": patient_ref},
    }
    if c.onset:
        out["onsetDateTime"] = c.onset.isoformat()
    return out


def _goal(g: GoalIn, patient_ref: str, conditions: dict[str, str]) -> dict:
    out: dict = {
        "resourceType": "Goal",
        "lifecycleStatus": GOAL_LIFECYCLE.get(g.status, "proposed"),
        "priority": _concept(GOAL_PRIORITY, f"{g.priority}-priority"),
        "description": {"text": g.description},
        "subject": {"reference": patient_ref},
    }
    achieved = GOAL_ACHIEVED.get(g.status)
    if achieved:
        out["achievementStatus"] = _concept(GOAL_ACHIEVEMENT, achieved)
    target: dict = {}
    if g.measure:
        target["measure"] = (
            _concept(LOINC, g.loinc, g.measure) | {"text": g.measure}
            if g.loinc
            else {"text": g.measure}
        )
    if g.target_value is not None:
        bound = "high" if g.target_direction == "below" else "low"
        target["detailRange"] = {bound: _quantity(g.target_value, g.target_unit)}
    if g.due_on:
        target["dueDate"] = g.due_on.isoformat()
    if target:
        out["target"] = [target]
    refs = [{"reference": conditions[k]} for k in g.addresses if k in conditions]
    if refs:
        out["addresses"] = refs
    return out


def _team(plan: PlanIn, patient_ref: str) -> dict:
    participants = [
        {"role": [{"text": "Patient"}], "member": {"reference": patient_ref}},
    ]
    for m in plan.team:
        name = m.name + (f", {m.organisation}" if m.organisation else "")
        participants.append({"role": [{"text": m.role}], "member": {"display": name}})
    return {
        "resourceType": "CareTeam",
        "status": "active",
        "name": f"Care team for {plan.title}",
        "subject": {"reference": patient_ref},
        "participant": participants,
    }


def _activity(a: ActivityIn, goals: dict[str, str], patient_ref: str) -> dict:
    detail: dict = {
        "status": ACTIVITY_STATUS.get(a.status, "unknown"),
        "description": a.description,
    }
    if a.by_patient:
        detail["performer"] = [{"reference": patient_ref}]
    elif a.performer:
        detail["performer"] = [{"display": a.performer}]
    if a.frequency:
        detail["scheduledString"] = a.frequency
    refs = [{"reference": goals[k]} for k in a.goals if k in goals]
    if refs:
        detail["goal"] = refs
    return {"detail": detail}


def care_plan_bundle(patient: PatientIn, plan: PlanIn, *, exported_at: datetime) -> dict:
    """The Bundle as a dict (json.dumps it). One Condition per problem, one Goal per goal."""
    ns = uuid.uuid5(uuid.NAMESPACE_URL, f"carecoord:care_plan:{plan.id}:{plan.revision}")
    patient_ref = _urn(ns, "Patient", patient.id)
    conditions = {c.key: _urn(ns, "Condition", c.key) for c in plan.conditions}
    goals = {g.key: _urn(ns, "Goal", g.key) for g in plan.goals}
    team_ref = _urn(ns, "CareTeam", plan.id)
    plan_ref = _urn(ns, "CarePlan", plan.id)
    entries = [{"fullUrl": patient_ref, "resource": _patient(patient)}]
    entries += [
        {"fullUrl": conditions[c.key], "resource": _condition(c, patient_ref)}
        for c in plan.conditions
    ]
    entries += [
        {"fullUrl": goals[g.key], "resource": _goal(g, patient_ref, conditions)} for g in plan.goals
    ]
    entries.append({"fullUrl": team_ref, "resource": _team(plan, patient_ref)})
    care_plan: dict = {
        "resourceType": "CarePlan",
        "identifier": [
            {"system": "urn:carecoord:care-plan", "value": f"{plan.id}-v{plan.revision}"}
        ],
        "status": PLAN_STATUS.get(plan.status, "unknown"),
        "intent": "plan",
        "category": [_concept(SNOMED, *CARE_PLAN_CATEGORY)],
        "title": plan.title,
        "subject": {"reference": patient_ref},
        "created": plan.created.isoformat(),
        "careTeam": [{"reference": team_ref}],
        "addresses": [{"reference": ref} for ref in conditions.values()],
        "goal": [{"reference": ref} for ref in goals.values()],
        "activity": [_activity(a, goals, patient_ref) for a in plan.activities],
    }
    if plan.description:
        care_plan["description"] = plan.description
    if plan.author:
        care_plan["author"] = {"display": plan.author}
    if plan.period_start or plan.period_end:
        care_plan["period"] = {
            k: v.isoformat()
            for k, v in (("start", plan.period_start), ("end", plan.period_end))
            if v is not None
        }
    if plan.notes:
        care_plan["note"] = [{"text": line} for line in plan.notes]
    for key in ("addresses", "goal", "activity"):
        if not care_plan[key]:
            del care_plan[key]
    entries.append({"fullUrl": plan_ref, "resource": care_plan})
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": exported_at.isoformat(),
        "entry": entries,
    }
