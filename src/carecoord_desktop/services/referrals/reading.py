"""Reading referrals: a record's list and the practice's open ones (overdue first, by days
waiting), one referral, its dated history, and the plan goals a referral can serve. Every read
needs VIEW_PATIENTS; the record window's view is audited where the record is opened."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import CarePlan, CarePlanGoal, PlanStatus
from carecoord_desktop.models.patient import Patient
from carecoord_desktop.models.referral import OPEN_STATUSES, Referral, ReferralStep
from carecoord_desktop.models.referral import ReferralStatus as S
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.types import (
    OpenReferrals,
    PlanGoalChoice,
    ReferralRow,
    StepRow,
)
from carecoord_desktop.store.workspace import Workspace


def follow_up_days(session: Session) -> int:
    return practice_settings._read(session).referral_follow_up_days


def plan_goals(ws: Workspace, actor: Actor, patient_id: int) -> list[PlanGoalChoice]:
    """The goals of the patient's plans still in force, for "the plan goal it serves"."""
    require(actor, Permission.VIEW_PATIENTS)
    closed = (PlanStatus.COMPLETED.value, PlanStatus.CANCELLED.value)
    with ws.session() as session:
        rows = session.exec(
            select(CarePlanGoal)
            .join(CarePlan, CarePlan.id == CarePlanGoal.plan_id)
            .where(CarePlan.patient_id == patient_id, CarePlan.status.not_in(closed))
            .order_by(CarePlan.id, CarePlanGoal.position)
        )
        return [PlanGoalChoice(g.plan_id, g.uid, g.patient_words) for g in rows]


def goal_words(session: Session, plan_id: int | None, uid: str | None) -> str:
    if not plan_id or not uid:
        return ""
    found = session.exec(
        select(CarePlanGoal.patient_words).where(
            CarePlanGoal.plan_id == plan_id, CarePlanGoal.uid == uid
        )
    ).first()
    return found or ""


def _rows(session: Session, where, today: date) -> list[ReferralRow]:
    limit = follow_up_days(session)
    q = (
        select(Referral, Patient, StaffUser.full_name)
        .join(Patient, Patient.id == Referral.patient_id)
        .join(StaffUser, StaffUser.id == Referral.referrer_id, isouter=True)
        .where(*where)
    )
    out = []
    for r, p, referrer in session.exec(q):
        still_open = r.status not in (S.CLOSED.value, S.DECLINED.value)
        waiting = (today - r.sent_on).days if r.sent_on and still_open else None
        out.append(
            ReferralRow(
                id=r.id,
                version=r.version,
                patient_id=r.patient_id,
                practice_id=p.practice_id,
                patient_name=f"{p.given_name} {p.family_name}",
                recipient_kind=r.recipient_kind,
                recipient_name=r.recipient_name,
                recipient_detail=r.recipient_detail,
                reason=r.reason,
                urgency=r.urgency,
                status=r.status,
                status_on=r.status_on,
                sent_on=r.sent_on,
                sent_via=r.sent_via,
                goal_words=goal_words(session, r.plan_id, r.goal_uid),
                referrer_name=referrer or "",
                outcome=r.outcome,
                days_waiting=waiting,
                overdue=r.status == S.SENT.value and waiting is not None and waiting >= limit,
            )
        )
    return out


def patient_referrals(
    ws: Workspace, actor: Actor, patient_id: int, *, today: date | None = None
) -> list[ReferralRow]:
    """The patient's referrals: open ones first (overdue, then longest waiting), then past."""
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    with ws.session() as session:
        rows = _rows(session, [Referral.patient_id == patient_id], today)
    return sorted(
        rows, key=lambda r: (not r.is_open, not r.overdue, -(r.days_waiting or -1), -r.id)
    )


def open_referrals(ws: Workspace, actor: Actor, *, today: date | None = None) -> list[ReferralRow]:
    """The practice's open referrals, overdue ones first, then by days waiting."""
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    open_values = [s.value for s in OPEN_STATUSES]
    with ws.session() as session:
        rows = _rows(
            session,
            [Referral.status.in_(open_values), Patient.archived.is_(False)],
            today,
        )
    return sorted(rows, key=lambda r: (not r.overdue, -(r.days_waiting or -1), r.status_on))


def open_referral_summary(
    ws: Workspace, actor: Actor, *, patient_id: int | None = None, today: date | None = None
) -> OpenReferrals:
    """How many referrals are open and how many wait too long for an answer (the board's
    line): one counting query for the practice; a patient's own open ones also by name."""
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    open_values = [s.value for s in OPEN_STATUSES]
    with ws.session() as session:
        cutoff = overdue_cutoff(today, follow_up_days(session))
        late = case((and_(Referral.status == S.SENT.value, Referral.sent_on <= cutoff), 1), else_=0)
        where = [Referral.status.in_(open_values), Patient.archived.is_(False)]
        if patient_id is not None:
            where.append(Referral.patient_id == patient_id)
        total, overdue = session.exec(
            select(func.count(Referral.id), func.coalesce(func.sum(late), 0))
            .join(Patient, Patient.id == Referral.patient_id)
            .where(*where)
        ).one()
        rows = () if patient_id is None else tuple(_rows(session, where, today))
    rows = tuple(sorted(rows, key=lambda r: (not r.overdue, -(r.days_waiting or -1), r.id)))
    return OpenReferrals(int(total), int(overdue), rows)


def get_referral(ws: Workspace, actor: Actor, referral_id: int) -> ReferralRow:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        rows = _rows(session, [Referral.id == referral_id], date.today())
    if not rows:
        raise ValidationError("That referral is not on record.", field="referral_id")
    return rows[0]


def referral_steps(ws: Workspace, actor: Actor, referral_id: int) -> list[StepRow]:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        q = (
            select(ReferralStep)
            .where(ReferralStep.referral_id == referral_id)
            .order_by(ReferralStep.id)  # as they were recorded
        )
        return [StepRow(s.status, s.step_on, s.at, s.actor_name, s.note) for s in session.exec(q)]


def latest_referral_id(ws: Workspace, actor: Actor, patient_id: int) -> int:
    """The patient's newest referral (for printing when no id is named)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = session.exec(
            select(Referral.id)
            .where(Referral.patient_id == patient_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        ).first()
    if found is None:
        raise ValidationError("This patient has no referrals yet.", field="referral_id")
    return found


def overdue_cutoff(today: date, days: int) -> date:
    """Referrals sent on or before this date, still unanswered, are overdue."""
    return today - timedelta(days=days)
