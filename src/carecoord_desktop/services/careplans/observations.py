"""Observations (HbA1c, blood pressure, weight, eGFR, PHQ-9, peak flow, steps, custom) and a
goal's progress against its target.

An observation belongs to the patient; `goal_uid` links it to one goal. A goal's chart shows
the observations linked to it and, for a goal measured by a standard kind (HbA1c, …), every
observation of that kind for the patient (an HbA1c taken at the lab counts for the HbA1c goal
without anyone linking it).
"""

from __future__ import annotations

import math
from datetime import date

from sqlmodel import Session, or_, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    OBSERVATION_KINDS,
    CarePlan,
    CarePlanGoal,
    Observation,
    ObservationKind,
)
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.types import GoalProgress, ObservationRow
from carecoord_desktop.services.careplans.validation import staff_names
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient, patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

# Plausible ranges: a value outside is a typing slip (a missing decimal point), refused.
RANGES: dict[str, tuple[float, float]] = {
    ObservationKind.HBA1C: (3, 200),  # % (3-20) or mmol/mol (9-200)
    ObservationKind.BP_SYSTOLIC: (50, 300),
    ObservationKind.BP_DIASTOLIC: (20, 200),
    ObservationKind.WEIGHT: (1, 400),
    ObservationKind.EGFR: (1, 200),
    ObservationKind.PHQ9: (0, 27),
    ObservationKind.PEAK_FLOW: (30, 1000),
    ObservationKind.STEPS: (0, 100000),
}


def label_of(kind: str, label: str = "") -> str:
    if kind == ObservationKind.CUSTOM.value:
        return label or "Other measure"
    return OBSERVATION_KINDS[ObservationKind(kind)][0]


def _row(o: Observation, names: dict[int, str]) -> ObservationRow:
    return ObservationRow(
        o.id,
        o.patient_id,
        o.kind,
        label_of(o.kind, o.label),
        o.value,
        o.unit,
        o.observed_on,
        o.goal_uid,
        o.note,
        names.get(o.recorded_by_id, ""),
    )


def _goal_of(session: Session, patient_id: int, goal_uid: str) -> CarePlanGoal:
    goal = session.exec(
        select(CarePlanGoal)
        .join(CarePlan, CarePlan.id == CarePlanGoal.plan_id)
        .where(CarePlanGoal.uid == goal_uid, CarePlan.patient_id == patient_id)
    ).first()
    if goal is None:
        raise ValidationError("Choose one of this patient's goals.", field="goal_uid")
    return goal


def add_observation(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    *,
    kind: str,
    value: float,
    observed_on: date,
    unit: str | None = None,
    goal_uid: str | None = None,
    label: str = "",
    note: str = "",
) -> Changed[ObservationRow]:
    """Record a measured value (clinical: EDIT_CARE_PLANS)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    try:
        kind = ObservationKind(kind).value
    except ValueError:
        raise ValidationError("Choose what was measured.", field="kind") from None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValidationError("The value is a number.", field="value") from None
    if math.isnan(value) or math.isinf(value):
        raise ValidationError("The value is a number.", field="value")
    low, high = RANGES.get(kind, (-1e9, 1e9))
    if not low <= value <= high:
        raise ValidationError(
            f"A {label_of(kind).lower()} of {value:g} is outside {low:g} to {high:g}: check "
            "what was typed.",
            field="value",
        )
    if observed_on > date.today():
        raise ValidationError("The date cannot be in the future.", field="observed_on")
    label = (label or "").strip()
    if kind == ObservationKind.CUSTOM.value and not label:
        raise ValidationError("Say what was measured.", field="label")
    if unit is None:
        unit = OBSERVATION_KINDS[ObservationKind(kind)][1]
    with ws.session() as session:
        editable_patient(session, patient_id)
        if goal_uid is not None:
            _goal_of(session, patient_id, goal_uid)
        obs = Observation(
            patient_id=patient_id,
            goal_uid=goal_uid,
            kind=kind,
            label=label[:120],
            value=value,
            unit=(unit or "").strip()[:40],
            observed_on=observed_on,
            note=(note or "").strip()[:500],
            recorded_by_id=actor.user_id,
        )
        session.add(obs)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            patient_id=patient_id,
            record_type="observation",
            record_id=obs.id,
            detail=f"recorded {kind}",
        )
        session.commit()
        row = _row(obs, staff_names(session, [actor.user_id]))
    return Changed(row, Changes.patient(patient_id, Kind.OBSERVATIONS))


def list_observations(
    ws: Workspace, actor: Actor, patient_id: int, kind: str | None = None
) -> list[ObservationRow]:
    """The patient's observations, oldest first (one kind, when given); audited as a view."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        patient_or_error(session, patient_id)
        query = select(Observation).where(Observation.patient_id == patient_id)
        if kind is not None:
            query = query.where(Observation.kind == kind)
        obs = list(session.exec(query.order_by(Observation.observed_on, Observation.id)))
        names = staff_names(session, [o.recorded_by_id for o in obs])
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type="observation",
            detail=f"listed observations ({len(obs)})",
        )
        session.commit()
    return [_row(o, names) for o in obs]


def progress_of(goal, points: tuple[ObservationRow, ...]) -> GoalProgress:
    """Pure: a goal (GoalDraft or CarePlanGoal) and its points as progress."""
    latest = points[-1].value if points else None
    lower_is_better = goal.target_direction != "above"
    met = None
    if latest is not None and goal.target_value is not None:
        met = latest <= goal.target_value if lower_is_better else latest >= goal.target_value
    trend = ""
    if len(points) >= 2:
        delta = points[-1].value - points[-2].value
        scale = max(abs(points[-2].value), 1.0)
        if abs(delta) / scale < 0.02:
            trend = "steady"
        else:
            trend = "improving" if (delta < 0) == lower_is_better else "worsening"
    return GoalProgress(
        goal.uid,
        goal.patient_words,
        goal.measure,
        goal.target_value,
        goal.target_unit,
        goal.target_direction,
        goal.due_on,
        points,
        latest,
        met,
        trend,
    )


def goal_progress(ws: Workspace, actor: Actor, plan_id: int, goal_uid: str) -> GoalProgress:
    """The goal's values against its target over time (for its chart); audited as a view."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        goal = session.exec(
            select(CarePlanGoal).where(
                CarePlanGoal.plan_id == plan_id, CarePlanGoal.uid == goal_uid
            )
        ).first()
        if goal is None:
            raise ValidationError("That goal is not in this plan (was it removed?).", "goal_uid")
        plan = session.get(CarePlan, plan_id)
        linked = Observation.goal_uid == goal_uid
        clause = linked
        if goal.measure_kind != ObservationKind.CUSTOM.value:
            clause = or_(linked, Observation.kind == goal.measure_kind)
        obs = list(
            session.exec(
                select(Observation)
                .where(Observation.patient_id == plan.patient_id, clause)
                .order_by(Observation.observed_on, Observation.id)
            )
        )
        names = staff_names(session, [o.recorded_by_id for o in obs])
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=plan.patient_id,
            record_type="care_plan",
            record_id=plan_id,
            detail="viewed goal progress",
        )
        session.commit()
    return progress_of(goal, tuple(_row(o, names) for o in obs))
