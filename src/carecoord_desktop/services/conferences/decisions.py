"""Decisions taken at a care conference, each in one step: a note in the minutes, a task on
the board (who, by when), or a change to the care plan saved as its next version.

A task decision opens its task through the board's event API (services/tasks/events) in the
same transaction as the decision, with the dedupe key "conference:<id>:decision:<id>": the
decision and its task are saved together or not at all. A plan decision applies the
`PlanChange` to the patient's open plan and saves it as a new plan version through the care
plan services (store_version: the version list, its diff and the audit), with the reason
"Decided at the care conference of dd/mm/yyyy"; the decision keeps that version's number.

Writes need EDIT_CARE_PLANS (and the task API's MANAGE_TASKS, which every such role has).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    OPEN_STATUSES,
    CarePlan,
    ResponsibleKind,
    RevisionKind,
)
from carecoord_desktop.models.conference import (
    CareConference,
    ConferenceAgendaItem,
    ConferenceDecision,
    DecisionKind,
)
from carecoord_desktop.models.staff import ROLE_LABELS, Role, StaffUser
from carecoord_desktop.models.task import TaskSource
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.careplans import plans as careplans
from carecoord_desktop.services.careplans.storage import aware as plan_aware
from carecoord_desktop.services.careplans.storage import read_draft
from carecoord_desktop.services.careplans.types import GoalDraft, InterventionDraft, PlanDraft
from carecoord_desktop.services.careplans.validation import clean
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.conferences.conferences import changes_for, loaded, open_plan_id
from carecoord_desktop.services.conferences.reading import (
    RECORD_TYPE,
    conference_day,
    conference_or_error,
    decision_rows,
)
from carecoord_desktop.services.conferences.types import DecisionDraft, DecisionRow, PlanChange
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.events import open_event_task
from carecoord_desktop.services.tasks.types import TaskEvent
from carecoord_desktop.store.workspace import Workspace

K = DecisionKind
TEXT_MAX = 1000
PLAN_CHANGES = ("add_intervention", "change_goal_target", "add_goal", "review_on")


def _value(v) -> str:
    return getattr(v, "value", v)


def task_key(conference_id: int, decision_id: int) -> str:
    return f"{TaskSource.CONFERENCE.value}:{conference_id}:decision:{decision_id}"


def reason_for(conf: CareConference) -> str:
    return f"Decided at the care conference of {conference_day(conf):%d/%m/%Y}"


# -- a plan change -------------------------------------------------------------------------------
def _role_words(role: str | None) -> str:
    try:
        label = ROLE_LABELS[Role(role)]
    except ValueError:
        return (role or "").strip()
    return label[:1].upper() + label[1:] if label != "GP" else label


def _apply(session: Session, d: PlanDraft, change: PlanChange, plan: CarePlan) -> str:
    """Change the draft in place; returns the change in words (kept on the decision)."""
    kind = change.kind
    if kind == "add_intervention":
        what = " ".join((change.text or "").split())
        if not what:
            raise ValidationError("Say what is to be done.", field="plan_change.text")
        if change.responsible_staff_id is not None:
            user = session.get(StaffUser, change.responsible_staff_id)
            if user is None:
                raise ValidationError("Choose who is responsible.", "plan_change.responsible")
            item = InterventionDraft(
                what, ResponsibleKind.STAFF.value, responsible_staff_id=user.id
            )
            who = user.full_name
        else:
            who = _role_words(change.responsible_role)
            if not who:
                raise ValidationError(
                    "Say who is responsible (a person or a role).", "plan_change.responsible"
                )
            item = InterventionDraft(what, ResponsibleKind.ROLE.value, responsible_role=who)
        d.interventions.append(item)
        return f"Added to the plan: {what} ({who})"
    if kind == "change_goal_target":
        goal = next((g for g in d.goals if g.uid == change.goal_uid), None)
        if goal is None:
            raise ValidationError("Choose a goal of the plan.", field="plan_change.goal_uid")
        if change.target_value is None:
            raise ValidationError("Give the new target.", field="plan_change.target_value")
        old = "none" if goal.target_value is None else f"{goal.target_value:g}"
        goal.target_value = change.target_value
        if change.target_unit is not None:
            goal.target_unit = change.target_unit
        if change.due is not None:
            goal.due_on = change.due
        unit = f" {goal.target_unit}" if goal.target_unit else ""
        return (
            f"Target of “{goal.patient_words}” changed from {old} to {change.target_value:g}{unit}"
        )
    if kind == "add_goal":
        words = " ".join((change.text or "").split())
        if not words:
            raise ValidationError("Write the goal in the patient's words.", "plan_change.text")
        d.goals.append(
            GoalDraft(
                words,
                measure=change.measure or "",
                target_value=change.target_value,
                target_unit=change.target_unit or "",
                due_on=change.due,
            )
        )
        return f"New goal: {words}"
    if kind == "review_on":
        if change.due is None or change.due <= date.today():
            raise ValidationError("Give a review date still to come.", field="plan_change.due")
        base = plan.last_review_on or d.period_start or plan_aware(plan.created_at).date()
        # The plan keeps its review as an interval in weeks: round down, so the review falls
        # due on or before the day the conference agreed, never after it.
        d.review_interval_weeks = max(1, (change.due - base).days // 7)
        note = f"Next review by {change.due:%d/%m/%Y} (care conference)."
        d.review_arrangements = " ".join(x for x in (d.review_arrangements, note) if x)[:500]
        return f"Next plan review by {change.due:%d/%m/%Y}"
    raise ValidationError("That is not a kind of plan change.", field="plan_change.kind")


def _plan_decision(
    ws: Workspace, session: Session, actor: Actor, conf: CareConference, change: PlanChange
) -> tuple[int, int, str]:
    """Save the change as the plan's next version; returns (plan id, version number, words)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    plan_id = conf.plan_id
    plan = session.get(CarePlan, plan_id) if plan_id else None
    if plan is None or plan.status not in {s.value for s in OPEN_STATUSES}:
        plan_id = open_plan_id(session, conf.patient_id)
        plan = session.get(CarePlan, plan_id) if plan_id else None
    if plan is None:
        raise ValidationError(
            "This patient has no open care plan to change: start one (Care plans), or record "
            "the decision as a note or a task.",
            field="plan_change",
        )
    old = read_draft(session, plan)
    draft = read_draft(session, plan)
    words = _apply(session, draft, change, plan)
    d = clean(session, draft)
    careplans.store_version(
        session, actor, plan, old, d, kind=RevisionKind.SAVED, reason=reason_for(conf)
    )
    with conflicts.refused_if_stale(ws, actor, careplans.plan_target(plan.id, plan.patient_id)):
        session.flush()
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        patient_id=plan.patient_id,
        record_type=careplans.RECORD_TYPE,
        record_id=plan.id,
        detail=f"changed at care conference {conf.id}: {change.kind}",
    )
    return plan.id, plan.revision, words


# -- the service calls ---------------------------------------------------------------------------
def _owner(session: Session, draft: DecisionDraft) -> tuple[int | None, str | None]:
    if draft.owner_id is not None:
        user = session.get(StaffUser, draft.owner_id)
        if user is None or not user.active:
            raise ValidationError("Choose an active staff member as owner.", field="owner")
        return user.id, None
    if draft.owner_role:
        try:
            return None, Role(_value(draft.owner_role)).value
        except ValueError:
            raise ValidationError("Choose a person or a role's queue.", field="owner") from None
    raise ValidationError("Say who will do it: a person or a role's queue.", field="owner")


def add_decision(
    ws: Workspace, actor: Actor, conference_id: int, draft: DecisionDraft
) -> Changed[DecisionRow]:
    require(actor, Permission.EDIT_CARE_PLANS)
    try:
        kind = K(_value(draft.kind))
    except ValueError:
        raise ValidationError("A decision is a note, a task or a plan change.", "kind") from None
    words = " ".join((draft.text or "").split())
    if not words:
        raise ValidationError("Write the decision.", field="text")
    if len(words) > TEXT_MAX:
        raise ValidationError(f"Keep the decision under {TEXT_MAX} characters.", field="text")
    if kind is K.TASK:
        if draft.due_date is None:
            raise ValidationError("Give the date it is due.", field="due_date")
        if draft.due_date < date.today() - timedelta(days=1):
            raise ValidationError("That due date has passed.", field="due_date")
    if kind is K.PLAN_CHANGE and draft.plan_change is None:
        raise ValidationError("Say what changes in the plan.", field="plan_change")
    extra = Changes()
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        if draft.agenda_item_id is not None:
            item = session.get(ConferenceAgendaItem, draft.agenda_item_id)
            if item is None or item.conference_id != conf.id:
                raise ValidationError(
                    "That agenda item is not on this conference's agenda.", "agenda_item_id"
                )
        row = ConferenceDecision(
            conference_id=conf.id,
            agenda_item_id=draft.agenda_item_id,
            kind=kind.value,
            text=words,
            created_by_id=actor.user_id,
        )
        if kind is K.TASK:
            row.owner_id, row.owner_role = _owner(session, draft)
            row.due_date = draft.due_date
        session.add(row)
        session.flush()
        if kind is K.TASK:
            made = open_event_task(
                session,
                actor,
                TaskEvent(
                    source=TaskSource.CONFERENCE,
                    source_id=str(conf.id),
                    kind="decision",
                    title=words[:200],
                    patient_id=conf.patient_id,
                    due_date=draft.due_date,
                    owner_id=row.owner_id,
                    owner_role=row.owner_role,
                    details=f"{reason_for(conf)} ({conf.title}).",
                    dedupe_key=task_key(conf.id, row.id),
                ),
            )
            row.task_id = made.task_id
            extra = Changes.of(Kind.TASKS, patients=(conf.patient_id,))
        elif kind is K.PLAN_CHANGE:
            row.plan_id, row.plan_version, row.plan_change = _plan_decision(
                ws, session, actor, conf, draft.plan_change
            )
            extra = Changes.patient(conf.patient_id, Kind.CARE_PLANS)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            patient_id=conf.patient_id,
            record_type="conference_decision",
            record_id=row.id,
            detail=f"{kind.value} decision at care conference {conf.id}",
        )
        session.commit()
        out = next(d for d in decision_rows(session, conf.id) if d.id == row.id)
    return Changed(out, changes_for(conf.patient_id) | extra)


def decisions_for(ws: Workspace, actor: Actor, conference_id: int) -> list[DecisionRow]:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        conf = conference_or_error(session, conference_id)
        return decision_rows(session, conf.id)


__all__ = ["PLAN_CHANGES", "RECORD_TYPE", "add_decision", "decisions_for", "reason_for", "task_key"]
