"""Referrals: to a provider on the patient's care team or to a service from the directory,
from a draft through sending and each answer to closed or declined, every step dated.

Who may: writing, sending, closing or declining a referral is clinical (EDIT_CARE_PLANS: the
reason is clinical content). Recording the other side's answers (acknowledged, appointment
booked, report received) is what reception does when the phone rings (MANAGE_TASKS). Reading
needs VIEW_PATIENTS. The audit log holds ids and status names only, never the reason.

An answer closes the "Chase referral" task the board's sweep opened (followups.py).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan
from carecoord_desktop.models.patient import CareTeamMember
from carecoord_desktop.models.referral import (
    REASON_MAX,
    CommunityResource,
    RecipientKind,
    Referral,
    ReferralStatus,
    ReferralStep,
    ReferralUrgency,
    SendMethod,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.reading import (  # re-exported: one API
    follow_up_days,
    get_referral,
    goal_words,
    latest_referral_id,
    open_referrals,
    overdue_cutoff,
    patient_referrals,
    plan_goals,
    referral_steps,
)
from carecoord_desktop.services.referrals.types import (
    Recipient,
    ReferralDraft,
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


__all__ = [
    "ANSWERS",
    "NEXT",
    "RECORD_TYPE",
    "S",
    "create_referral",
    "edit_referral",
    "follow_up_days",
    "get_referral",
    "goal_words",
    "latest_referral_id",
    "open_referrals",
    "overdue_cutoff",
    "patient_referrals",
    "plan_goals",
    "recipients",
    "record_step",
    "referral_steps",
    "send_referral",
    "target",
]
