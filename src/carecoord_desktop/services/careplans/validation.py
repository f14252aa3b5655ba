"""The rules a plan draft must meet before it is saved, each refusal naming its field.

`ValidationError.field` is a path the editor can put the message beside: a plan field
("period_end"), or a list item's field as "<list>.<index>.<field>" ("goals.2.target_value").
Text is trimmed; empty list items the editor left behind (no words at all) are dropped rather
than refused, so a half-added row never blocks a save.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import (
    LINE_MAX,
    TEXT_MAX,
    GoalStatus,
    Intensity,
    InterventionStatus,
    ObservationKind,
    PlanStatus,
    Priority,
    ResponsibleKind,
)
from carecoord_desktop.models.patient import CareTeamMember, Condition
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services.careplans.types import PlanDraft

_TEXTS = {
    "medication_notes": "medication management notes",
    "symptom_management": "symptom management",
    "expected_outcome": "expected outcome",
    "prognosis": "prognosis",
    "community_services": "community and social services",
    "coordination": "coordination with outside providers",
    "preferences": "preferences",
    "cultural_considerations": "cultural and religious considerations",
    "review_arrangements": "review arrangements",
}
MAX_ITEMS = 200  # per list: far more than any real plan, small enough to stay fast


def _text(value: str | None, field: str, said: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(f"Keep the {said} under {limit} characters.", field=field)
    return value


def _choice(value: str, enum, field: str, said: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        words = ", ".join(e.label.lower() for e in enum)
        raise ValidationError(f"Choose the {said}: {words}.", field=field) from None


def clean(session: Session, draft: PlanDraft) -> PlanDraft:
    """A checked, trimmed copy of `draft` (the input is not changed)."""
    d = replace(draft)
    d.title = _text(d.title, "title", "title", 200) or "Care plan"
    d.status = _choice(d.status, PlanStatus, "status", "plan status")
    d.intensity = _choice(d.intensity, Intensity, "intensity", "coordination intensity")
    d.intensity_reason = _text(d.intensity_reason, "intensity_reason", "reason", LINE_MAX)
    for name, said in _TEXTS.items():
        setattr(d, name, _text(getattr(d, name), name, said))
    for name in ("agreed_by", "agreed_how"):
        setattr(d, name, _text(getattr(d, name), name, "agreement details", 200))
    if d.period_start and d.period_end and d.period_end < d.period_start:
        raise ValidationError("The end date is before the start date.", field="period_end")
    if d.agreed_on and d.agreed_on > date.today():
        raise ValidationError("The agreement date cannot be in the future.", field="agreed_on")
    if d.agreed_on and not d.agreed_by:
        raise ValidationError("Say who agreed to the plan.", field="agreed_by")
    weeks = d.review_interval_weeks
    if weeks is not None and not 1 <= weeks <= 104:
        raise ValidationError(
            "Review every 1 to 104 weeks, or leave it empty.", "review_interval_weeks"
        )
    if d.author_id is not None and session.get(StaffUser, d.author_id) is None:
        raise ValidationError("Choose the author from the staff list.", field="author_id")
    d.problems = [replace(p) for p in d.problems if (p.description or "").strip()]
    d.goals = [replace(g) for g in d.goals if (g.patient_words or "").strip() or g.measure]
    d.interventions = [replace(i) for i in d.interventions if (i.what or "").strip()]
    d.actions = [replace(a) for a in d.actions if (a.text or "").strip()]
    d.warning_signs = [replace(w) for w in d.warning_signs if (w.sign or "").strip()]
    for name in ("problems", "goals", "interventions", "actions", "warning_signs"):
        if len(getattr(d, name)) > MAX_ITEMS:
            raise ValidationError(f"A plan holds at most {MAX_ITEMS} {name}.", field=name)
    _unique_uids(d)
    _problems(session, d)
    _goals(d)
    _interventions(session, d)
    _actions_and_signs(d)
    return d


def _unique_uids(d: PlanDraft) -> None:
    seen: set[str] = set()
    for name in ("problems", "goals", "interventions", "actions", "warning_signs"):
        for i, item in enumerate(getattr(d, name)):
            if not item.uid or item.uid in seen or len(item.uid) > 36:
                raise ValidationError("Two items share one identity.", field=f"{name}.{i}.uid")
            seen.add(item.uid)


def _problems(session: Session, d: PlanDraft) -> None:
    for i, p in enumerate(d.problems):
        p.description = _text(p.description, f"problems.{i}.description", "problem", LINE_MAX)
        p.notes = _text(p.notes, f"problems.{i}.notes", "problem notes")
        if p.condition_id is not None:
            cond = session.get(Condition, p.condition_id)
            if cond is None or cond.patient_id != d.patient_id:
                raise ValidationError(
                    "Link the problem to one of this patient's conditions.",
                    field=f"problems.{i}.condition_id",
                )


def _goals(d: PlanDraft) -> None:
    problems = {p.uid for p in d.problems}
    for i, g in enumerate(d.goals):
        at = f"goals.{i}."
        g.patient_words = _text(g.patient_words, at + "patient_words", "goal", LINE_MAX)
        if not g.patient_words:
            raise ValidationError("Write the goal in the patient's words.", at + "patient_words")
        g.measure = _text(g.measure, at + "measure", "measure", 200)
        g.measure_kind = _choice(g.measure_kind, ObservationKind, at + "measure_kind", "measure")
        g.target_unit = _text(g.target_unit, at + "target_unit", "unit", 40)
        if g.target_value is not None:
            try:
                g.target_value = float(g.target_value)
            except (TypeError, ValueError):
                raise ValidationError("The target is a number.", at + "target_value") from None
            if g.target_value != g.target_value or abs(g.target_value) > 1e9:  # NaN, absurd
                raise ValidationError("The target is a number.", at + "target_value")
        if g.target_direction not in ("below", "above"):
            raise ValidationError(
                "Say whether the value should be at or below, or at or above, the target.",
                at + "target_direction",
            )
        g.status = _choice(g.status, GoalStatus, at + "status", "goal status")
        g.priority = _choice(g.priority, Priority, at + "priority", "priority")
        if g.problem_uid is not None and g.problem_uid not in problems:
            g.problem_uid = None  # its problem was removed in this draft


def _interventions(session: Session, d: PlanDraft) -> None:
    problems = {p.uid for p in d.problems}
    goals = {g.uid for g in d.goals}
    for i, item in enumerate(d.interventions):
        at = f"interventions.{i}."
        item.what = _text(item.what, at + "what", "intervention", LINE_MAX)
        item.frequency = _text(item.frequency, at + "frequency", "frequency", 120)
        item.responsible_role = _text(item.responsible_role, at + "responsible_role", "role", 80)
        item.status = _choice(item.status, InterventionStatus, at + "status", "status")
        kind = _choice(item.responsible_kind, ResponsibleKind, at + "responsible_kind", "kind")
        item.responsible_kind = kind
        if kind == ResponsibleKind.STAFF:
            staff = None
            if item.responsible_staff_id is not None:
                staff = session.get(StaffUser, item.responsible_staff_id)
            if staff is None:
                raise ValidationError(
                    "Choose who at the practice is responsible.", at + "responsible_staff_id"
                )
        elif kind == ResponsibleKind.PROVIDER:
            member = None
            if item.responsible_member_id is not None:
                member = session.get(CareTeamMember, item.responsible_member_id)
            if member is None or member.patient_id != d.patient_id:
                raise ValidationError(
                    "Choose the provider from the patient's care team.",
                    at + "responsible_member_id",
                )
        elif kind == ResponsibleKind.ROLE and not item.responsible_role:
            raise ValidationError("Say which role is responsible.", at + "responsible_role")
        if item.problem_uid is not None and item.problem_uid not in problems:
            item.problem_uid = None
        if item.goal_uid is not None and item.goal_uid not in goals:
            item.goal_uid = None


def _actions_and_signs(d: PlanDraft) -> None:
    goals = {g.uid for g in d.goals}
    for i, a in enumerate(d.actions):
        a.text = _text(a.text, f"actions.{i}.text", "action", LINE_MAX)
        a.frequency = _text(a.frequency, f"actions.{i}.frequency", "how often", 120)
        if a.goal_uid is not None and a.goal_uid not in goals:
            a.goal_uid = None
    for i, w in enumerate(d.warning_signs):
        at = f"warning_signs.{i}."
        w.sign = _text(w.sign, at + "sign", "warning sign", LINE_MAX)
        w.action = _text(w.action, at + "action", "what to do", LINE_MAX)
        w.who_to_call = _text(w.who_to_call, at + "who_to_call", "who to call", 200)
        w.phone = _text(w.phone, at + "phone", "phone", 32)
        w.urgent = bool(w.urgent)


def staff_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.exec(select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids)))  # type: ignore[union-attr]
    return dict(rows.all())
