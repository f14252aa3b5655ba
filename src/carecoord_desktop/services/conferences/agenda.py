"""The conference agenda: built from the record, then edited.

What the record puts on it: the plan's goals that are off track (their latest observation
misses the target, the values are worsening, or the goal is past due and not achieved),
the patient's overdue tasks, hospital stays and ED visits of the last 90 days, medicine
changes of the last 90 days (one item per medicine), open referrals, and the questions the
patient raised (one per line). Each item keeps a `source_ref` naming what it came from
("goal:<uid>", "task:12", "hospital:3", "transition:4", "medicine:9", "referral:5",
"question:<hash>"), so building again adds only what is new and keeps what is there, with
its minutes.

Reading needs VIEW_PATIENTS; changing the agenda EDIT_CARE_PLANS. Audited with counts only.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, or_, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    OPEN_STATUSES,
    CarePlan,
    CarePlanGoal,
    GoalStatus,
    Observation,
    ObservationKind,
)
from carecoord_desktop.models.conference import (
    AgendaSource,
    CareConference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceStatus,
)
from carecoord_desktop.models.medication import ChangeAction, MedicationChange
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind, Medication
from carecoord_desktop.models.referral import OPEN_STATUSES as OPEN_REFERRALS
from carecoord_desktop.models.referral import STATUS_LABELS as REFERRAL_LABELS
from carecoord_desktop.models.referral import Referral, ReferralStatus
from carecoord_desktop.models.task import CareTransition, Task, TaskState, TransitionKind
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.observations import progress_of
from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.conferences.conferences import loaded, saved
from carecoord_desktop.services.conferences.reading import RECORD_TYPE, aware, local_day
from carecoord_desktop.services.conferences.types import (
    AgendaItemDraft,
    ConferenceRecord,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

LOOK_BACK_DAYS = 90
TITLE_MAX, DETAIL_MAX = 200, 4000
A = AgendaSource
_DONE_GOALS = (GoalStatus.ACHIEVED.value, GoalStatus.STOPPED.value)


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _num(value: float) -> str:
    return f"{value:g}"


def _cut(text: str, limit: int = TITLE_MAX) -> str:
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
                title=_cut(f"Goal off track: {g.patient_words}"),
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
            title=_cut(f"Overdue task: {t.title}"),
            source=A.OVERDUE_TASK,
            source_ref=f"task:{t.id}",
            detail=f"Was due {_d(t.due_date)} ({(today - t.due_date).days} days ago).",
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
        out.append(AgendaItemDraft(_cut(title), A.TRANSITION, f"hospital:{h.id}", detail))
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
        out.append(AgendaItemDraft(_cut(title), A.TRANSITION, f"transition:{t.id}", detail))
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
                title=_cut(f"Medicine {verbs.get(last.action, last.action)}: {name}"),
                source=A.MEDICATION_CHANGE,
                source_ref=f"medicine:{med_id}",
                detail=_cut("; ".join(steps), DETAIL_MAX),
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
        status = REFERRAL_LABELS[ReferralStatus(r.status)].lower()
        since = f" since {_d(r.sent_on)}" if r.sent_on else ""
        out.append(
            AgendaItemDraft(
                title=_cut(f"Referral to {r.recipient_name}: {status}{since}"),
                source=A.OPEN_REFERRAL,
                source_ref=f"referral:{r.id}",
                detail=_cut(r.reason, DETAIL_MAX),
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
                title=_cut(words),
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


def add_new_items(session: Session, conf: CareConference, items) -> int:
    """Append the items whose source_ref the agenda does not have yet; returns how many."""
    rows = session.exec(
        select(ConferenceAgendaItem.source_ref, ConferenceAgendaItem.position).where(
            ConferenceAgendaItem.conference_id == conf.id
        )
    ).all()
    have = {ref for ref, _ in rows if ref}
    position = max((p for _, p in rows), default=-1) + 1
    added = 0
    for item in items:
        if item.source_ref and item.source_ref in have:
            continue
        session.add(
            ConferenceAgendaItem(
                conference_id=conf.id,
                position=position,
                source=A(getattr(item.source, "value", item.source)).value,
                source_ref=item.source_ref,
                title=item.title,
                detail=item.detail,
            )
        )
        if item.source_ref:
            have.add(item.source_ref)
        position += 1
        added += 1
    return added


# -- the service calls ---------------------------------------------------------------------------
def build_agenda(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    *,
    today: date | None = None,
    questions: str | None = None,
) -> list[AgendaItemDraft]:
    """What the record would put on a conference agenda today (nothing is saved)."""
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    with ws.session() as session:
        patient_or_error(session, patient_id)
        items = build_items(session, patient_id, today, questions)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            detail=f"built a conference agenda ({len(items)} items)",
        )
        session.commit()
    return items


def rebuild_agenda(
    ws: Workspace, actor: Actor, conference_id: int, *, today: date | None = None
) -> Changed[ConferenceRecord]:
    """Add what is new in the record since the agenda was built; keep every item there."""
    require(actor, Permission.EDIT_CARE_PLANS)
    today = today or date.today()
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        if conf.status == ConferenceStatus.HELD.value:
            raise ValidationError("This conference has been held: its agenda stays as it was.")
        items = build_items(session, conf.patient_id, today, conf.patient_questions)
        added = add_new_items(session, conf, items)
        return saved(
            ws, session, actor, conf, AuditAction.UPDATE, f"agenda rebuilt ({added} added)"
        )


def save_agenda(
    ws: Workspace,
    actor: Actor,
    conference_id: int,
    items: list[AgendaItemDraft],
    base_version: int | None,
) -> Changed[ConferenceRecord]:
    """The agenda as the list has it: its order is the order, items without an id are added,
    items missing are removed, unless they have minutes or decisions (ValidationError)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, base_version)
        existing = {
            a.id: a
            for a in session.exec(
                select(ConferenceAgendaItem).where(ConferenceAgendaItem.conference_id == conf.id)
            )
        }
        cleaned = []
        for n, item in enumerate(items):
            field = f"agenda[{n}]"
            title = " ".join((item.title or "").split())
            if not title:
                raise ValidationError("Give each agenda item a title.", field=field)
            if len(title) > TITLE_MAX:
                raise ValidationError(f"Keep titles under {TITLE_MAX} characters.", field=field)
            detail = (item.detail or "").strip() or None
            if detail and len(detail) > DETAIL_MAX:
                raise ValidationError(f"Keep details under {DETAIL_MAX} characters.", field)
            if item.id is not None and item.id not in existing:
                raise ValidationError(
                    "An item on this list was removed meanwhile: reload the agenda.", field=field
                )
            try:
                source = A(getattr(item.source, "value", item.source)).value
            except ValueError:
                raise ValidationError("That is not an agenda source.", field=field) from None
            cleaned.append((item, title, detail, source))
        keep = {item.id for item, *_ in cleaned if item.id is not None}
        gone = [a for i, a in existing.items() if i not in keep]
        decided = set(
            session.exec(
                select(ConferenceDecision.agenda_item_id).where(
                    ConferenceDecision.conference_id == conf.id
                )
            ).all()
        )
        for a in gone:
            if (a.minutes or "").strip() or a.id in decided:
                raise ValidationError(
                    f"“{_cut(a.title, 60)}” has minutes or decisions: it stays on the agenda.",
                    field="agenda",
                )
        for a in gone:
            session.delete(a)
        changed = len(gone)
        for position, (item, title, detail, source) in enumerate(cleaned):
            if item.id is None:
                session.add(
                    ConferenceAgendaItem(
                        conference_id=conf.id,
                        position=position,
                        source=source,
                        source_ref=item.source_ref,
                        title=title,
                        detail=detail,
                    )
                )
                changed += 1
                continue
            row = existing[item.id]
            if (row.position, row.title, row.detail) != (position, title, detail):
                row.position, row.title, row.detail = position, title, detail
                session.add(row)
                changed += 1
        return saved(
            ws,
            session,
            actor,
            conf,
            AuditAction.UPDATE,
            f"agenda saved ({len(cleaned)} items, {len(gone)} removed, {changed} changed)",
        )
