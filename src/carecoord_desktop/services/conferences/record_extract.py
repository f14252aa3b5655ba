"""The patient's record as the care conference pack prints it: active problems, current
medicines, allergies, the care plan's goals with their latest value against the target, open
referrals, overdue tasks, and the last 90 days' hospital stays and medicine changes.

Reads only, in the caller's session (services/conferences/document_data.py checks the role
and printing.py audits the document made). The same 90 days as the agenda built from the record.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, or_, select

from carecoord_desktop.documents import conference_data as c
from carecoord_desktop.documents.careplan_data import Goal
from carecoord_desktop.models.careplan import OPEN_STATUSES as OPEN_PLANS
from carecoord_desktop.models.careplan import (
    CarePlan,
    CarePlanGoal,
    GoalStatus,
    Observation,
    ObservationKind,
    PlanStatus,
)
from carecoord_desktop.models.medication import ChangeAction, MedicationChange
from carecoord_desktop.models.patient import (
    Allergy,
    Condition,
    HospitalEvent,
    HospitalEventKind,
    Medication,
    Patient,
)
from carecoord_desktop.models.referral import OPEN_STATUSES as OPEN_REFERRALS
from carecoord_desktop.models.referral import Referral
from carecoord_desktop.models.staff import ROLE_LABELS, Role, StaffUser
from carecoord_desktop.models.task import Task, TaskState
from carecoord_desktop.services.careplans.observations import progress_of
from carecoord_desktop.services.referrals.types import status_label as referral_status
from carecoord_desktop.services.referrals.types import urgency_label

__all__ = ["LOOK_BACK_DAYS", "extract", "local"]

LOOK_BACK_DAYS = 90
_CHANGE_VERBS = {
    ChangeAction.ADDED.value: "Started",
    ChangeAction.CHANGED.value: "Changed",
    ChangeAction.STOPPED.value: "Stopped",
    ChangeAction.RESTARTED.value: "Restarted",
}


def local(at: datetime | None) -> datetime | None:
    """Stored UTC as the practice's wall-clock time (what a reader expects on paper)."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().replace(tzinfo=None)


def extract(session: Session, pid: int, plan_id: int | None, today: date) -> dict:
    """The pack's record fields (ConferencePackDocument's keyword arguments), read in the
    caller's session. `plan_id` None: the patient's open care plan, if any."""
    p = session.get(Patient, pid)
    since = today - timedelta(days=LOOK_BACK_DAYS)
    plan = _plan(session, pid, plan_id)
    return {
        "problems": _problems(session, pid),
        "medicines": _medicines(session, pid),
        "allergies": _allergies(session, pid),
        "no_known_allergies": p.allergy_status == "no_known",
        "goals": _goals(session, pid, plan),
        "referrals": _referrals(session, pid),
        "overdue_tasks": _overdue(session, pid, today),
        "hospital_stays": _stays(session, pid, since, today),
        "medicine_changes": _medicine_changes(session, pid, since),
        "plan": _plan_line(plan),
    }


def _problems(session: Session, pid: int) -> tuple[str, ...]:
    rows = session.exec(
        select(Condition)
        .where(Condition.patient_id == pid, Condition.status == "active")
        .order_by(Condition.chronic.desc(), Condition.display)
    )
    return tuple(x.display + (f" (since {x.onset.year})" if x.onset else "") for x in rows)


def _medicines(session: Session, pid: int):

    rows = session.exec(
        select(Medication)
        .where(Medication.patient_id == pid, Medication.status == "active")
        .order_by(Medication.name)
    )
    return tuple(
        c.MedicineLine(m.name, " ".join(x for x in (m.dose, m.route, m.frequency) if x))
        for m in rows
    )


def _allergies(session: Session, pid: int) -> tuple[str, ...]:
    rows = session.exec(
        select(Allergy).where(Allergy.patient_id == pid).order_by(Allergy.substance)
    )
    out = []
    for a in rows:
        more = ", ".join(x for x in (a.reaction, a.severity) if x)
        out.append(a.substance + (f" ({more})" if more else ""))
    return tuple(out)


def _plan(session: Session, pid: int, plan_id: int | None) -> CarePlan | None:
    if plan_id:
        return session.get(CarePlan, plan_id)
    return session.exec(
        select(CarePlan)
        .where(
            CarePlan.patient_id == pid,
            CarePlan.status.in_([s.value for s in OPEN_PLANS]),
        )
        .order_by(CarePlan.updated_at.desc())
    ).first()


def _plan_line(plan: CarePlan | None) -> str:
    if plan is None:
        return ""
    from carecoord_desktop.documents.style import day

    try:
        status = PlanStatus(plan.status).label.lower()
    except ValueError:
        status = plan.status
    saved = local(plan.updated_at)
    return f"{plan.title}, version {plan.version}, {status}, saved {day(saved)}"


def _goals(session: Session, pid: int, plan: CarePlan | None):
    from carecoord_desktop.documents.goal_words import target_words
    from carecoord_desktop.documents.style import number

    if plan is None:
        return ()
    goals = session.exec(
        select(CarePlanGoal).where(CarePlanGoal.plan_id == plan.id).order_by(CarePlanGoal.position)
    ).all()
    by_uid, by_kind = defaultdict(list), defaultdict(list)
    for o in session.exec(
        select(Observation)
        .where(Observation.patient_id == pid)
        .order_by(Observation.observed_on, Observation.id)
    ):
        if o.goal_uid:
            by_uid[o.goal_uid].append(o)
        by_kind[o.kind].append(o)
    out = []
    for g in goals:
        points = list(by_uid[g.uid])
        if g.measure_kind != ObservationKind.CUSTOM.value:
            seen = {o.id for o in points}
            points += [o for o in by_kind[g.measure_kind] if o.id not in seen]
            points.sort(key=lambda o: (o.observed_on, o.id))
        progress = progress_of(g, tuple(points))
        unit = f" {g.target_unit}" if g.target_unit else ""
        target = target_words(
            Goal(g.patient_words, g.measure, g.target_value, g.target_unit, g.target_direction)
        )
        out.append(
            c.GoalProgress(
                patient_words=g.patient_words,
                measure=g.measure,
                target=target,
                latest=f"{number(progress.latest)}{unit}" if progress.latest is not None else "",
                latest_on=points[-1].observed_on if points else None,
                due=g.due_on,
                status=_goal_status(g.status),
                on_track=progress.met,
            )
        )
    return tuple(out)


def _goal_status(value: str) -> str:
    try:
        return GoalStatus(value).label
    except ValueError:
        return value


def _referrals(session: Session, pid: int):

    rows = session.exec(
        select(Referral)
        .where(Referral.patient_id == pid, Referral.status.in_([s.value for s in OPEN_REFERRALS]))
        .order_by(Referral.created_at, Referral.id)
    )
    return tuple(
        c.OpenReferral(
            to=_join([r.recipient_name, r.recipient_detail or ""]),
            reason=r.reason,
            status=referral_status(r.status),
            since=r.sent_on or r.status_on,
            urgency=urgency_label(r.urgency),
        )
        for r in rows
    )


def _join(parts: list[str]) -> str:
    return ", ".join(p for p in parts if p)


def _overdue(session: Session, pid: int, today: date):
    rows = session.exec(
        select(Task)
        .where(Task.patient_id == pid, Task.state != TaskState.DONE.value, Task.due_date < today)
        .order_by(Task.due_date, Task.id)
    ).all()
    names = dict(
        session.exec(
            select(StaffUser.id, StaffUser.full_name).where(
                StaffUser.id.in_({t.owner_id for t in rows if t.owner_id})
            )
        ).all()
    )
    return tuple(
        c.OverdueTask(t.title, names.get(t.owner_id) or _queue(t.owner_role), t.due_date)
        for t in rows
    )


def _queue(role: str | None) -> str:
    """A task in a role's queue: "Nurses' queue"."""
    if not role:
        return ""
    try:
        label = ROLE_LABELS[Role(role)]
    except ValueError:
        return role
    return f"{label[:1].upper()}{label[1:]}s' queue"


def _stays(session: Session, pid: int, since: date, today: date):

    rows = session.exec(
        select(HospitalEvent)
        .where(
            HospitalEvent.patient_id == pid,
            or_(HospitalEvent.start_date >= since, HospitalEvent.end_date >= since),
            HospitalEvent.start_date <= today,
        )
        .order_by(HospitalEvent.start_date, HospitalEvent.id)
    )
    out = []
    for h in rows:
        where, why = h.facility or "", h.reason or ""
        if h.kind == HospitalEventKind.ED_VISIT:
            out.append(c.HospitalStay("Emergency department visit", h.start_date, where, why))
            continue
        out.append(c.HospitalStay("Admission", h.start_date, where, why))
        if h.end_date:
            note = "" if h.medicines_reconciled_on else "Medicines not yet reconciled"
            out.append(c.HospitalStay("Discharge", h.end_date, where, note))
    return tuple(out)


def _medicine_changes(session: Session, pid: int, since: date):

    rows = session.exec(
        select(MedicationChange)
        .where(
            MedicationChange.patient_id == pid,
            MedicationChange.at >= datetime.combine(since, time.min).astimezone(UTC),
        )
        .order_by(MedicationChange.at, MedicationChange.id)
    ).all()
    names = dict(
        session.exec(
            select(Medication.id, Medication.name).where(
                Medication.id.in_({r.medication_id for r in rows})
            )
        ).all()
    )
    out = []
    for r in rows:
        what = f"{_CHANGE_VERBS.get(r.action, r.action)} {names.get(r.medication_id, 'a medicine')}"
        if r.action == ChangeAction.CHANGED.value and r.changed_fields:
            what += f" ({r.changed_fields})"
        if r.reason:
            what += f": {r.reason}"
        out.append(c.MedicineChange(local(r.at).date(), what))
    return tuple(out)
