"""Reviews, coordination intensity, the patient's agreement and the copies given.

A review is a new version: `start_review` marks the plan "under review", `complete_review`
saves the reviewed draft with what changed and why, sets the review date and so the next due
date (the schedule: last review + `review_interval_weeks`). `reviews_due(session, today)` is a
plain query for the task board and reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    CarePlanCopy,
    Intensity,
    PlanStatus,
    RevisionKind,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.careplans.plans import (
    RECORD_TYPE,
    changes_for,
    plan_or_error,
    plan_target,
    store_version,
)
from carecoord_desktop.services.careplans.storage import read_draft, record, staff_name
from carecoord_desktop.services.careplans.types import (
    CopyRow,
    PlanDraft,
    PlanRecord,
    ReviewDue,
    SaveResult,
)
from carecoord_desktop.services.careplans.validation import clean
from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

COPY_KINDS = ("patient", "carer", "provider", "other")
COPY_METHODS = ("handed over", "post", "email", "secure message", "fax", "my health record")


def _change(
    ws: Workspace,
    actor: Actor,
    plan_id: int,
    base_version: int | None,
    edit: Callable[[PlanDraft], PlanDraft],
    *,
    kind: RevisionKind,
    detail: str,
    reason: str = "",
    extra: tuple[str, ...] = (),
    after: Callable | None = None,
):
    """Apply `edit` to the stored draft and keep the result as a new version."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        plan = plan_or_error(session, plan_id)
        target = plan_target(plan.id, plan.patient_id)
        conflicts.check(session, actor, target, plan.version, base_version)
        editable_patient(session, plan.patient_id)
        old = read_draft(session, plan)
        new = clean(session, edit(replace(old)))
        if after is not None:
            after(plan)
        lines = store_version(
            session, actor, plan, old, new, kind=kind, reason=reason, extra_lines=extra
        )
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            patient_id=plan.patient_id,
            record_type=RECORD_TYPE,
            record_id=plan.id,
            detail=detail,
        )
        session.commit()
        return record(session, plan), lines


def start_review(
    ws: Workspace, actor: Actor, plan_id: int, base_version: int | None
) -> Changed[PlanRecord]:
    """Mark an active plan as under review (a new version saying so)."""

    def edit(d: PlanDraft) -> PlanDraft:
        if d.status != PlanStatus.ACTIVE.value:
            raise ValidationError(
                "Only an active plan can be reviewed"
                + (": this one is already under review." if d.status == "under_review" else "."),
                field="status",
            )
        d.status = PlanStatus.UNDER_REVIEW.value
        return d

    rec, _ = _change(
        ws,
        actor,
        plan_id,
        base_version,
        edit,
        kind=RevisionKind.REVIEW_STARTED,
        detail="changed: status (review started)",
    )
    return Changed(rec, changes_for(rec.draft.patient_id))


def complete_review(
    ws: Workspace,
    actor: Actor,
    draft: PlanDraft,
    base_version: int | None,
    *,
    what_changed: str,
    why: str,
    reviewed_on: date | None = None,
) -> Changed[SaveResult]:
    """Save the reviewed plan as a new version stating what changed and why.

    The plan becomes active again (unless the draft completes or cancels it), its review date
    is `reviewed_on` (today) and the next review falls due one interval later."""
    what_changed, why = (what_changed or "").strip(), (why or "").strip()
    if not what_changed:
        raise ValidationError(
            "Say what the review changed (or that nothing needed to).", field="what_changed"
        )
    if not why:
        raise ValidationError("Say why: what the review found.", field="why")
    day = reviewed_on or date.today()
    if day > date.today():
        raise ValidationError("The review date cannot be in the future.", field="reviewed_on")

    def edit(_stored: PlanDraft) -> PlanDraft:
        d = replace(draft)
        if d.status == PlanStatus.UNDER_REVIEW.value:
            d.status = PlanStatus.ACTIVE.value
        return d

    def reviewed(plan) -> None:
        if plan.status not in (PlanStatus.ACTIVE.value, PlanStatus.UNDER_REVIEW.value):
            raise ValidationError("Only an active plan or one under review can be reviewed.")
        plan.last_review_on = day

    rec, lines = _change(
        ws,
        actor,
        draft.plan_id,
        base_version,
        edit,
        kind=RevisionKind.REVIEWED,
        detail="changed: reviewed",
        reason=why,
        extra=(f"Reviewed on {day.day} {day:%b %Y}: {what_changed}",),
        after=reviewed,
    )
    return Changed(SaveResult(rec, lines, True), changes_for(rec.draft.patient_id))


def change_intensity(
    ws: Workspace,
    actor: Actor,
    plan_id: int,
    intensity: str,
    reason: str,
    base_version: int | None,
) -> Changed[PlanRecord]:
    """Raise or lower the coordination intensity, recording why (kept in the history)."""
    try:
        level = Intensity(intensity).value
    except ValueError:
        raise ValidationError(
            "Choose intensive, active or maintenance.", field="intensity"
        ) from None
    if not (reason or "").strip():
        raise ValidationError("Say why the coordination intensity changes.", field="reason")

    def edit(d: PlanDraft) -> PlanDraft:
        if d.intensity == level:
            raise ValidationError(
                f"The plan is already {Intensity(level).label.lower()}.", field="intensity"
            )
        d.intensity, d.intensity_reason = level, reason.strip()
        return d

    rec, _ = _change(
        ws,
        actor,
        plan_id,
        base_version,
        edit,
        kind=RevisionKind.INTENSITY,
        detail="changed: intensity",
        reason=reason.strip(),
    )
    return Changed(rec, changes_for(rec.draft.patient_id))


def record_agreement(
    ws: Workspace,
    actor: Actor,
    plan_id: int,
    *,
    by: str,
    on: date,
    how: str,
    base_version: int | None = None,
) -> Changed[PlanRecord]:
    """Record that the patient (or their carer) agreed to the plan: who, when, how."""
    if not (by or "").strip():
        raise ValidationError("Say who agreed (the patient, or the carer by name).", field="by")
    if not (how or "").strip():
        raise ValidationError("Say how they agreed (verbally, signed, by phone).", field="how")

    def edit(d: PlanDraft) -> PlanDraft:
        d.agreed_by, d.agreed_on, d.agreed_how = by.strip(), on, how.strip()
        return d

    rec, _ = _change(
        ws,
        actor,
        plan_id,
        base_version,
        edit,
        kind=RevisionKind.AGREEMENT,
        detail="changed: agreed_by, agreed_on, agreed_how",
    )
    return Changed(rec, changes_for(rec.draft.patient_id))


def record_copy(
    ws: Workspace,
    actor: Actor,
    plan_id: int,
    *,
    recipient_kind: str,
    recipient: str,
    given_on: date,
    method: str,
) -> Changed[CopyRow]:
    """Log a copy of the plan given or sent (reception may: they hand out the printouts).

    A log entry, not an edit of the plan: an editor open on the plan is not made stale."""
    require(actor, Permission.PRINT_HANDOUTS)
    if recipient_kind not in COPY_KINDS:
        raise ValidationError("Choose patient, carer, provider or other.", field="recipient_kind")
    recipient = (recipient or "").strip()
    if not recipient or len(recipient) > 200:
        raise ValidationError("Say who the copy went to.", field="recipient")
    method = (method or "").strip().lower()
    if not method or len(method) > 40:
        raise ValidationError("Say how the copy was given or sent.", field="method")
    if given_on > date.today():
        raise ValidationError("The date cannot be in the future.", field="given_on")
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        row = CarePlanCopy(
            plan_id=plan.id,
            recipient_kind=recipient_kind,
            recipient=recipient,
            given_on=given_on,
            method=method,
            plan_revision=plan.revision,
            recorded_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            patient_id=plan.patient_id,
            record_type="care_plan_copy",
            record_id=row.id,
            detail=f"logged a copy of care plan {plan.id} ({recipient_kind}, {method})",
        )
        session.commit()
        out = CopyRow(
            row.id,
            row.recipient_kind,
            row.recipient,
            row.given_on,
            row.method,
            row.plan_revision,
            staff_name(session, actor.user_id),
        )
    return Changed(out, changes_for(plan.patient_id))


def reviews_due(session: Session, today: date, *, within_days: int = 0) -> list[ReviewDue]:
    """Open plans whose next review is due on or before `today` + `within_days`, soonest
    first. A plain query on the caller's session (no role check, no audit: ids and dates
    only), for the task board or a reminder job to turn into work."""
    until = today + timedelta(days=within_days)
    rows = session.execute(
        text(
            "SELECT patient_id, id, next_review_on FROM care_plan "
            "WHERE status IN ('active', 'under_review') AND next_review_on IS NOT NULL "
            "AND next_review_on <= :until ORDER BY next_review_on, id"
        ),
        {"until": until.isoformat()},
    )
    return [ReviewDue(int(p), int(i), date.fromisoformat(str(d))) for p, i, d in rows]
