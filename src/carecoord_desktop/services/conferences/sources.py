"""What the record puts on a conference agenda (read in the caller's session): the plan's
goals off track, overdue tasks, hospital stays, ED visits and transitions of the last 90
days, medicine changes of the last 90 days (one item per medicine), open referrals and the
patient's questions, each with its stable `source_ref` (see agenda.py)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, or_, select

from carecoord_desktop.models._common import label_for
from carecoord_desktop.models.careplan import (
    OPEN_STATUSES,
    CarePlan,
    CarePlanGoal,
    GoalStatus,
    Observation,
    ObservationKind,
)
from carecoord_desktop.models.conference import AgendaSource
from carecoord_desktop.models.medication import ChangeAction, MedicationChange
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind, Medication
from carecoord_desktop.models.referral import OPEN_STATUSES as OPEN_REFERRALS
from carecoord_desktop.models.referral import STATUS_LABELS as REFERRAL_LABELS
from carecoord_desktop.models.referral import Referral, ReferralStatus
from carecoord_desktop.models.task import CareTransition, Task, TaskState, TransitionKind
from carecoord_desktop.services.careplans.observations import progress_of
from carecoord_desktop.services.conferences.reading import aware, local_day
from carecoord_desktop.services.conferences.types import AgendaItemDraft

LOOK_BACK_DAYS = 90
TITLE_MAX, DETAIL_MAX = 200, 4000
A = AgendaSource
_DONE_GOALS = (GoalStatus.ACHIEVED.value, GoalStatus.STOPPED.value)


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _num(value: float) -> str:
    return f"{value:g}"


def cut(text: str, limit: int = TITLE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- what the record says ------------------------------------------------------------------------
def _goals(session: Session, patient_id: int, today: date) -> list[AgendaItemDraft]:
    plans = [
        p
        for p in session.exec(
            select(CarePlan.id).where(
                CarePlan.patient_id == patient_id,
                CarePlan.status.in_([s.value for s in OPEN_STATUSES]),
            )
        )
    ]
    if not plans:
        return []
    goals = list(
        session.exec(
            select(CarePlanGoal)
            .where(CarePlanGoal.plan_id.in_(plans), CarePlanGoal.status.not_in(_DONE_GOALS))
            .order_by(CarePlanGoal.plan_id, CarePlanGoal.position)
        )
    )
    if not goals:
        return []
    by_uid, by_kind = defaultdict(list), defaultdict(list)
    for o in session.exec(
        select(Observation)
        .where(Observation.patient_id == patient_id)
        .order_by(Observation.observed_on, Observation.id)
    ):
        if o.goal_uid:
            by_uid[o.goal_uid].append(o)
        by_kind[o.kind].append(o)
    out = []
    for g in goals:
        points = by_uid[g.uid]
        if g.measure_kind != ObservationKind.CUSTOM.value:
            points = sorted(
                {id(o): o for o in points + by_kind[g.measure_kind]}.values(),
                key=lambda o: (o.observed_on, o.id),
            )
        progress = progress_of(g, tuple(points))
        why = []
        if progress.met is False:
            side = "above" if g.target_direction == "above" else "below"
            unit = f" {g.target_unit}" if g.target_unit else ""
            why.append(
                f"latest {_num(progress.latest)}{unit} on {_d(points[-1].observed_on)}, "
                f"target {side} {_num(g.target_value)}{unit}"
            )
        if progress.trend == "worsening":
            why.append("getting worse")
        if g.due_on and g.due_on < today and progress.met is not True:
            why.append(f"was due {_d(g.due_on)}")
        if g.status == GoalStatus.NOT_ACHIEVED.value:
            why.append("marked not achieved")
        if not why:
            continue
        out.append(
            AgendaItemDraft(
                title=cut(f"Goal off track: {g.patient_words}"),
                source=A.GOAL_OFF_TRACK,
                source_ref=f"goal:{g.uid}",
                detail=f"{g.measure or 'Progress'}: {'; '.join(why)}.",
            )
        )
    return out


def _tasks(session: Session, patient_id: int, today: date) -> list[AgendaItemDraft]:
    rows = session.exec(
        select(Task)
        .where(
            Task.patient_id == patient_id,
            Task.state != TaskState.DONE.value,
            Task.due_date < today,
        )
        .order_by(Task.due_date, Task.id)
    )
    return [
        AgendaItemDraft(
            title=cut(f"Overdue task: {t.title}"),
            source=A.OVERDUE_TASK,
            source_ref=f"task:{t.id}",
            detail=f"Was due {_d(t.due_date)} ({_days_ago((today - t.due_date).days)}).",
        )
        for t in rows
    ]


def _transitions(session: Session, patient_id: int, today: date) -> list[AgendaItemDraft]:
    since = today - timedelta(days=LOOK_BACK_DAYS)
    out = []
    linked = set()
    stays = session.exec(
        select(HospitalEvent)
        .where(
            HospitalEvent.patient_id == patient_id,
            or_(HospitalEvent.start_date >= since, HospitalEvent.end_date >= since),
            HospitalEvent.start_date <= today,
        )
        .order_by(HospitalEvent.start_date, HospitalEvent.id)
    )
    for h in stays:
        linked.add(h.id)
        where = f" at {h.facility}" if h.facility else ""
        reason = f" ({h.reason})" if h.reason else ""
        if h.kind == HospitalEventKind.ED_VISIT:
            title = f"ED visit{where} on {_d(h.start_date)}{reason}"
        elif h.end_date:
            title = f"Hospital stay{where}, {_d(h.start_date)} to {_d(h.end_date)}{reason}"
        else:
            title = f"In hospital{where} since {_d(h.start_date)}{reason}"
        detail = None
        if h.end_date and not h.medicines_reconciled_on:
            detail = "Medicines not yet reconciled since the discharge."
        out.append(AgendaItemDraft(cut(title), A.TRANSITION, f"hospital:{h.id}", detail))
    heard = session.exec(
        select(CareTransition)
        .where(
            CareTransition.patient_id == patient_id,
            CareTransition.event_date >= since,
            CareTransition.event_date <= today,
        )
        .order_by(CareTransition.event_date, CareTransition.id)
    )
    words = {
        TransitionKind.ADMISSION.value: "Admitted",
        TransitionKind.DISCHARGE.value: "Discharged",
        TransitionKind.ED_VISIT.value: "ED visit",
    }
    for t in heard:
        if t.hospital_event_id in linked:
            continue  # the stay above already says it
        where = f" ({t.facility})" if t.facility else ""
        title = f"{words.get(t.kind, t.kind)} on {_d(t.event_date)}{where}"
        detail = None
        if t.kind == TransitionKind.DISCHARGE.value and not t.summary_received_on:
            detail = "No discharge summary received yet."
        out.append(AgendaItemDraft(cut(title), A.TRANSITION, f"transition:{t.id}", detail))
    return out


def _medicines(session: Session, patient_id: int, today: date) -> list[AgendaItemDraft]:
    since = datetime.combine(today - timedelta(days=LOOK_BACK_DAYS), time.min).astimezone()
    changes = defaultdict(list)
    for c in session.exec(
        select(MedicationChange)
        .where(MedicationChange.patient_id == patient_id, MedicationChange.at >= since)
        .order_by(MedicationChange.at, MedicationChange.id)
    ):
        changes[c.medication_id].append(c)
    if not changes:
        return []
    meds = {
        m.id: m for m in session.exec(select(Medication).where(Medication.id.in_(list(changes))))
    }
    verbs = {
        ChangeAction.ADDED.value: "started",
        ChangeAction.CHANGED.value: "changed",
        ChangeAction.STOPPED.value: "stopped",
        ChangeAction.RESTARTED.value: "restarted",
    }
    out = []
    for med_id, rows in changes.items():
        med = meds.get(med_id)
        name = med.name if med else "a medicine"
        last = rows[-1]
        steps = [
            f"{verbs.get(c.action, c.action).capitalize()} {_d(local_day(aware(c.at)))}"
            + (f" ({c.changed_fields})" if c.action == ChangeAction.CHANGED.value else "")
            + (f": {c.reason}" if c.reason else "")
            for c in rows
        ]
        out.append(
            AgendaItemDraft(
                title=cut(f"Medicine {verbs.get(last.action, last.action)}: {name}"),
                source=A.MEDICATION_CHANGE,
                source_ref=f"medicine:{med_id}",
                detail=cut("; ".join(steps), DETAIL_MAX),
            )
        )
    return out


def _referrals(session: Session, patient_id: int, today: date) -> list[AgendaItemDraft]:
    rows = session.exec(
        select(Referral)
        .where(
            Referral.patient_id == patient_id,
            Referral.status.in_([s.value for s in OPEN_REFERRALS]),
        )
        .order_by(Referral.created_at, Referral.id)
    )
    out = []
    for r in rows:
        status = label_for(REFERRAL_LABELS, ReferralStatus, r.status).lower()
        since = f" since {_d(r.sent_on)}" if r.sent_on else ""
        out.append(
            AgendaItemDraft(
                title=cut(f"Referral to {r.recipient_name}: {status}{since}"),
                source=A.OPEN_REFERRAL,
                source_ref=f"referral:{r.id}",
                detail=cut(r.reason, DETAIL_MAX),
            )
        )
    return out


def question_items(questions: str | None) -> list[AgendaItemDraft]:
    """The patient's questions, one item per non-empty line (the same line twice is one)."""
    out, seen = [], set()
    for line in (questions or "").splitlines():
        words = " ".join(line.split()).lstrip("-•* ").strip()
        if not words:
            continue
        digest = hashlib.sha256(words.casefold().encode()).hexdigest()[:16]
        if digest in seen:
            continue
        seen.add(digest)
        out.append(
            AgendaItemDraft(
                title=cut(words),
                source=A.PATIENT_QUESTION,
                source_ref=f"question:{digest}",
                detail=None if len(words) <= TITLE_MAX else words,
            )
        )
    return out


def build_items(
    session: Session, patient_id: int, today: date, questions: str | None
) -> list[AgendaItemDraft]:
    """Every item the record gives, in agenda order (read in the caller's session)."""
    return [
        *_goals(session, patient_id, today),
        *_transitions(session, patient_id, today),
        *_medicines(session, patient_id, today),
        *_referrals(session, patient_id, today),
        *_tasks(session, patient_id, today),
        *question_items(questions),
    ]


def _days_ago(days: int) -> str:
    return "yesterday" if days == 1 else f"{days} days ago"
