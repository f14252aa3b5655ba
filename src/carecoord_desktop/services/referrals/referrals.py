"""Referrals: to a provider on the patient's care team or to a service from the directory,
from a draft through sending and each answer to closed or declined, every step dated.

Who may: writing, sending, closing or declining a referral is clinical (EDIT_CARE_PLANS: the
reason is clinical content). Recording the other side's answers (acknowledged, appointment
booked, report received) is what reception does when the phone rings (MANAGE_TASKS). Reading
needs VIEW_PATIENTS. The audit log holds ids and status names only, never the reason.

An answer closes the "Chase referral" task the board's sweep opened (followups.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, CarePlanGoal, PlanStatus
from carecoord_desktop.models.patient import CareTeamMember, Patient
from carecoord_desktop.models.referral import (
    OPEN_STATUSES,
    REASON_MAX,
    CommunityResource,
    RecipientKind,
    Referral,
    ReferralStatus,
    ReferralStep,
    ReferralUrgency,
    SendMethod,
)
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.types import (
    PlanGoalChoice,
    Recipient,
    ReferralDraft,
    ReferralRow,
    StepRow,
    category_label,
    status_label,
)
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "referral"
S = ReferralStatus
# Where each status may go next. A draft may be withdrawn (closed) without being sent.
NEXT: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    S.DRAFT: (S.SENT, S.CLOSED),
    S.SENT: (S.ACKNOWLEDGED, S.APPOINTMENT_BOOKED, S.REPORT_RECEIVED, S.DECLINED, S.CLOSED),
    S.ACKNOWLEDGED: (S.APPOINTMENT_BOOKED, S.REPORT_RECEIVED, S.DECLINED, S.CLOSED),
    S.APPOINTMENT_BOOKED: (S.REPORT_RECEIVED, S.DECLINED, S.CLOSED),
    S.REPORT_RECEIVED: (S.CLOSED,),
    S.CLOSED: (),
    S.DECLINED: (),
}
ANSWERS = (S.ACKNOWLEDGED, S.APPOINTMENT_BOOKED, S.REPORT_RECEIVED)  # reception may record


def target(referral_id: int, patient_id: int | None = None) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE,
        referral_id,
        "this referral",
        patient_id=patient_id,
        advice="The list now shows it as it is; make your change again if it is still needed.",
    )


def _changes(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.REFERRALS)


def follow_up_days(session: Session) -> int:
    return practice_settings._read(session).referral_follow_up_days


# -- choices for the form ----------------------------------------------------------------------
def recipients(ws: Workspace, actor: Actor, patient_id: int) -> list[Recipient]:
    """The patient's care team, as people to refer to (directory services come from search)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        rows = session.exec(
            select(CareTeamMember)
            .where(CareTeamMember.patient_id == patient_id)
            .order_by(CareTeamMember.name)
        )
        return [
            Recipient(
                RecipientKind.PROVIDER.value,
                m.id,
                m.name,
                ", ".join(x for x in (m.role, m.organisation) if x),
            )
            for m in rows
        ]


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


# -- writing -----------------------------------------------------------------------------------
def _clean(session: Session, patient_id: int, draft: ReferralDraft) -> dict:
    reason = (draft.reason or "").strip()
    if not reason:
        raise ValidationError("Say why you are referring (the reason).", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.", "reason")
    try:
        urgency = ReferralUrgency(getattr(draft.urgency, "value", draft.urgency)).value
    except ValueError:
        raise ValidationError("Choose routine, soon or urgent.", field="urgency") from None
    kind = getattr(draft.recipient_kind, "value", draft.recipient_kind)
    values = {
        "recipient_kind": kind,
        "reason": reason,
        "urgency": urgency,
        "care_team_member_id": None,
        "resource_id": None,
    }
    if kind == RecipientKind.PROVIDER.value:
        member = session.get(CareTeamMember, draft.recipient_id)
        if member is None or member.patient_id != patient_id:
            raise ValidationError("Choose someone from this patient's care team.", "recipient")
        values["care_team_member_id"] = member.id
        values["recipient_name"] = member.name
        detail = ", ".join(x for x in (member.role, member.organisation) if x)
    elif kind == RecipientKind.RESOURCE.value:
        res = session.get(CommunityResource, draft.recipient_id)
        if res is None or not res.active:
            raise ValidationError("Choose a service from the directory.", field="recipient")
        values["resource_id"] = res.id
        values["recipient_name"] = res.name
        detail = ", ".join(x for x in (category_label(res.category), res.area) if x)
    else:
        raise ValidationError("Refer to a care-team provider or a directory service.", "recipient")
    values["recipient_detail"] = detail[:200] or None
    values["plan_id"], values["goal_uid"] = None, None
    if draft.goal_uid:
        plan = session.get(CarePlan, draft.plan_id) if draft.plan_id else None
        if (
            plan is None
            or plan.patient_id != patient_id
            or not goal_words(session, plan.id, draft.goal_uid)
        ):
            raise ValidationError("Choose a goal from this patient's care plan.", "goal")
        values["plan_id"], values["goal_uid"] = plan.id, draft.goal_uid
    return values


def _step(session: Session, actor: Actor, referral_id: int, status, on: date, note=None):
    session.add(
        ReferralStep(
            referral_id=referral_id,
            status=S(status).value,
            step_on=on,
            actor_id=actor.user_id,
            actor_name=actor.full_name,
            note=(note or "").strip()[:500] or None,
        )
    )


def create_referral(
    ws: Workspace, actor: Actor, patient_id: int, draft: ReferralDraft, *, today: date | None = None
) -> Changed[int]:
    """A new referral as a draft (printed, checked, then sent)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    today = today or date.today()
    with ws.write_session() as session:
        editable_patient(session, patient_id)
        values = _clean(session, patient_id, draft)
        row = Referral(
            patient_id=patient_id,
            **values,
            status=S.DRAFT.value,
            status_on=today,
            referrer_id=actor.user_id,
            created_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        _step(session, actor, row.id, S.DRAFT, today)
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            record_id=row.id,
            detail=f"referral to {values['recipient_kind']} drafted",
        )
        session.commit()
        return Changed(row.id, _changes(patient_id))


def edit_referral(
    ws: Workspace, actor: Actor, referral_id: int, draft: ReferralDraft, *, version: int | None
) -> Changed[int]:
    """Change a draft (once sent, what was sent stands: record its answers instead)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        row = _loaded(session, actor, referral_id, version)
        if row.status != S.DRAFT.value:
            raise ValidationError("This referral has been sent: what was sent stays as it was.")
        values = _clean(session, row.patient_id, draft)
        changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
        for key, value in values.items():
            setattr(row, key, value)
        _save(ws, session, actor, row, ", ".join(changed) or "saved unchanged")
        return Changed(row.id, _changes(row.patient_id))


def send_referral(
    ws: Workspace,
    actor: Actor,
    referral_id: int,
    *,
    via: SendMethod | str,
    on: date | None = None,
    version: int | None = None,
) -> Changed[int]:
    try:
        method = SendMethod(getattr(via, "value", via)).value
    except ValueError:
        raise ValidationError(
            "Say how it was sent: secure message, fax, email, post, phone or given to the patient.",
            field="via",
        ) from None
    return record_step(ws, actor, referral_id, S.SENT, on=on, version=version, via=method)


def record_step(
    ws: Workspace,
    actor: Actor,
    referral_id: int,
    status: ReferralStatus | str,
    *,
    on: date | None = None,
    note: str | None = None,
    version: int | None = None,
    via: str | None = None,
) -> Changed[int]:
    """Move the referral to `status` on date `on` (today when not given; never in the future,
    never before it was sent). An answer closes its chase task in the same transaction."""
    try:
        status = S(getattr(status, "value", status))
    except ValueError:
        raise ValidationError("That is not a referral status.", field="status") from None
    require(actor, Permission.MANAGE_TASKS if status in ANSWERS else Permission.EDIT_CARE_PLANS)
    today = date.today()
    on = on or today
    if on > today:
        raise ValidationError("That date is in the future: record a step once it happened.", "on")
    with ws.write_session() as session:
        row = _loaded(session, actor, referral_id, version)
        current = S(row.status)
        if status not in NEXT[current]:
            allowed = ", ".join(status_label(s).lower() for s in NEXT[current]) or "nothing"
            raise ValidationError(
                f"A referral that is {status_label(current).lower()} cannot become "
                f"{status_label(status).lower()} (it can become: {allowed}).",
                field="status",
            )
        if status is S.SENT:
            if via is None:
                raise ValidationError("Say how the referral was sent.", field="via")
            row.sent_on, row.sent_via = on, via
        elif row.sent_on and on < row.sent_on:
            raise ValidationError("That date is before the referral was sent.", field="on")
        if status in (S.CLOSED, S.DECLINED):
            row.outcome = (note or "").strip()[:500] or None
        was = row.status
        row.status, row.status_on = status.value, on
        _step(session, actor, row.id, status, on, note)
        if was == S.SENT.value and status is not S.SENT:
            from carecoord_desktop.services.referrals.followups import close_chase

            close_chase(session, actor, row.id)
        _save(ws, session, actor, row, f"status {was} to {status.value}")
        return Changed(row.id, _changes(row.patient_id) | Changes.of(Kind.TASKS))


def _loaded(session: Session, actor: Actor, referral_id: int, version: int | None) -> Referral:
    row = session.get(Referral, referral_id)
    if row is None:
        raise conflicts.removed_error(session, actor, target(referral_id))
    editable_patient(session, row.patient_id)
    conflicts.check(session, actor, target(row.id, row.patient_id), row.version, version)
    return row


def _save(ws: Workspace, session: Session, actor: Actor, row: Referral, detail: str) -> None:
    row.updated_at = utcnow()
    session.add(row)
    with conflicts.refused_if_stale(ws, actor, target(row.id, row.patient_id)):
        session.flush()
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        patient_id=row.patient_id,
        record_type=RECORD_TYPE,
        record_id=row.id,
        detail=detail,
    )
    session.commit()


# -- reading -----------------------------------------------------------------------------------
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
