"""Care plans: open, save whole, list, and the saved versions with a readable diff.

Every function takes `(ws, actor, ...)`, checks the role (writing needs EDIT_CARE_PLANS: GPs,
nurses and coordinators; reading needs VIEW_PATIENTS, so reception can print a handout but not
change a plan) and audits the read or write with ids and field names only. Writes return
`Changed(value, Changes.patient(patient_id, Kind.CARE_PLANS))`.

The editor's cycle: `load_plan` → edit `record.draft` in memory → `save_plan(ws, actor, draft,
record.version)`. A save from a plan opened before someone else's save raises StaleEditError
naming who changed it and when; nothing is overwritten and the editor keeps the typed draft
(and its autosave). Each save that changes something keeps a new numbered version with a JSON
snapshot and the readable summary of what changed (`versions`, `version_draft`, `diff`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    OPEN_STATUSES,
    CarePlan,
    CarePlanAutosave,
    CarePlanGoal,
    CarePlanIntensityChange,
    CarePlanRevision,
    Intensity,
    PlanStatus,
    RevisionKind,
)
from carecoord_desktop.models.patient import CareTeamMember, Condition
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.careplans import diffing, snapshot
from carecoord_desktop.services.careplans.storage import (
    aware,
    next_review_due,
    now,
    read_draft,
    record,
    write_plan,
)
from carecoord_desktop.services.careplans.types import (
    PlanDraft,
    PlanRecord,
    PlanSummary,
    RevisionRow,
    SaveResult,
)
from carecoord_desktop.services.careplans.validation import clean, staff_names
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient, patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "care_plan"


def plan_target(plan_id: int | None, patient_id: int | None = None) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE,
        plan_id,
        "this care plan",
        patient_id=patient_id,
        advice="What you typed stays in the editor (and its autosave): reload to see their "
        "version, then make your changes again.",
    )


def changes_for(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.CARE_PLANS)


def plan_or_error(session: Session, plan_id: int | None) -> CarePlan:
    plan = session.get(CarePlan, plan_id) if plan_id is not None else None
    if plan is None:
        raise ValidationError("That care plan is not in the workspace.", field="plan_id")
    return plan


def _audit(session: Session, actor: Actor, action: AuditAction, plan: CarePlan, detail: str):
    audit.record(
        session,
        actor,
        action,
        patient_id=plan.patient_id,
        record_type=RECORD_TYPE,
        record_id=plan.id,
        detail=detail,
    )


def namer(session: Session, *drafts: PlanDraft | None):
    """Names for the ids a diff shows (author, responsible people, providers, conditions)."""
    staff_ids, member_ids, condition_ids = set(), set(), set()
    for d in drafts:
        if d is None:
            continue
        staff_ids.add(d.author_id)
        staff_ids.update(i.responsible_staff_id for i in d.interventions)
        member_ids.update(i.responsible_member_id for i in d.interventions)
        condition_ids.update(p.condition_id for p in d.problems)
    staff = staff_names(session, staff_ids)
    members = {
        m.id: f"{m.name} ({m.role})"
        for m in session.exec(
            select(CareTeamMember).where(CareTeamMember.id.in_(member_ids - {None}))  # type: ignore[union-attr]
        )
    }
    conditions = {
        c.id: c.display
        for c in session.exec(
            select(Condition).where(Condition.id.in_(condition_ids - {None}))  # type: ignore[union-attr]
        )
    }

    def name(field: str, value: object) -> str:
        table = {"responsible_member_id": members, "condition_id": conditions}.get(field, staff)
        return table.get(value, "someone no longer listed")

    return name


def _changed_sections(old: PlanDraft | None, new: PlanDraft) -> list[str]:
    """The field and list names that differ (what the audit row names; never values)."""
    if old is None:
        return ["new plan"]
    out = [n for n in diffing.PLAN_FIELDS if getattr(old, n) != getattr(new, n)]
    out += [n for n in diffing.LIST_FIELDS if getattr(old, n) != getattr(new, n)]
    return out


def store_version(
    session: Session,
    actor: Actor,
    plan: CarePlan,
    old: PlanDraft | None,
    draft: PlanDraft,
    *,
    kind: RevisionKind,
    reason: str = "",
    extra_lines: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Write the checked `draft` onto `plan` and keep it as the next numbered version (the
    caller flushes under `refused_if_stale` and audits). Returns the summary lines."""
    lines = tuple(diffing.diff(old, draft, namer(session, old, draft))) + extra_lines
    if old is not None and old.intensity != draft.intensity:
        if not draft.intensity_reason:
            raise ValidationError(
                "Say why the coordination intensity changed.", field="intensity_reason"
            )
        session.add(
            CarePlanIntensityChange(
                plan_id=plan.id,
                by_id=actor.user_id,
                from_intensity=old.intensity,
                to_intensity=draft.intensity,
                reason=draft.intensity_reason,
            )
        )
    write_plan(session, plan, draft)
    if old is None and plan.id is not None:
        session.add(
            CarePlanIntensityChange(
                plan_id=plan.id,
                by_id=actor.user_id,
                to_intensity=draft.intensity,
                reason=draft.intensity_reason or "Plan started",
            )
        )
    plan.revision += 1
    plan.updated_at = now()
    plan.updated_by_id = actor.user_id
    plan.next_review_on = next_review_due(plan, plan.last_review_on, aware(plan.created_at).date())
    session.add(plan)
    stored = replace(draft, plan_id=plan.id, intensity_reason="")
    session.add(
        CarePlanRevision(
            plan_id=plan.id,
            number=plan.revision,
            kind=kind.value,
            saved_by_id=actor.user_id,
            summary="\n".join(lines),
            reason=reason,
            snapshot=snapshot.to_json(stored),
        )
    )
    if actor.user_id is not None:
        session.execute(
            CarePlanAutosave.__table__.delete().where(  # type: ignore[attr-defined]
                (CarePlanAutosave.plan_id == plan.id) & (CarePlanAutosave.user_id == actor.user_id)
            )
        )
    return lines


def _one_open_plan(session: Session, patient_id: int, except_id: int | None = None) -> None:
    query = select(CarePlan.id).where(
        CarePlan.patient_id == patient_id,
        CarePlan.status.in_([s.value for s in OPEN_STATUSES]),  # type: ignore[union-attr]
    )
    if except_id is not None:
        query = query.where(CarePlan.id != except_id)
    if session.exec(query).first() is not None:
        raise ValidationError(
            "This patient already has an open care plan: review or complete that one, or "
            "cancel it, before starting another.",
            field="status",
        )


def create_plan(ws: Workspace, actor: Actor, draft: PlanDraft) -> Changed[PlanRecord]:
    """Save a new plan from `draft` (its first version). One open plan per patient."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        editable_patient(session, draft.patient_id)
        d = clean(session, draft)
        if d.status in (s.value for s in OPEN_STATUSES):
            _one_open_plan(session, d.patient_id)
        if d.author_id is None:
            d.author_id = actor.user_id
        plan = CarePlan(patient_id=d.patient_id, author_id=d.author_id)
        store_version(session, actor, plan, None, d, kind=RevisionKind.CREATED)
        session.flush()
        _audit(session, actor, AuditAction.CREATE, plan, "started care plan (version 1)")
        session.commit()
        rec = record(session, plan)
    return Changed(rec, changes_for(rec.draft.patient_id))


def load_plan(ws: Workspace, actor: Actor, plan_id: int) -> PlanRecord:
    """The plan as stored now, for the editor or a document; the view is audited."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        rec = record(session, plan)
        _audit(session, actor, AuditAction.VIEW, plan, "opened care plan")
        session.commit()
    return rec


def reread_plan(ws: Workspace, actor: Actor, plan_id: int) -> PlanRecord:
    """The plan again for a window that already shows it, after a change notice (its opening
    was audited; a refresh of what was just changed is not a new view)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        return record(session, plan_or_error(session, plan_id))


def save_plan(
    ws: Workspace, actor: Actor, draft: PlanDraft, base_version: int | None
) -> Changed[SaveResult]:
    """Save the whole draft in one transaction as the plan's next version.

    `base_version` is `PlanRecord.version` when the editor opened the plan (None: a script
    that means to write over whatever is there). A draft that changes nothing saves nothing
    (`SaveResult.saved` False). Raises ValidationError (its `field` names where, see
    validation.py) or StaleEditError; in both cases nothing is written."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        plan = plan_or_error(session, draft.plan_id)
        target = plan_target(plan.id, plan.patient_id)
        conflicts.check(session, actor, target, plan.version, base_version)
        editable_patient(session, plan.patient_id)
        if draft.patient_id != plan.patient_id:
            raise ValidationError("This draft belongs to another patient's plan.")
        old = read_draft(session, plan)
        d = clean(session, draft)
        closed = (PlanStatus.COMPLETED.value, PlanStatus.CANCELLED.value)
        if old.status in closed and d.status == old.status:
            raise ValidationError(
                f"This plan is {PlanStatus(old.status).label.lower()}: reopen it (set it "
                "active) or start a new plan to change it.",
                field="status",
            )
        if d.status in (s.value for s in OPEN_STATUSES) and old.status in closed:
            _one_open_plan(session, plan.patient_id, except_id=plan.id)
        if diffing.same(old, d):
            session.rollback()
            return Changed(SaveResult(record(session, plan), (), False), NO_CHANGES)
        lines = store_version(session, actor, plan, old, d, kind=RevisionKind.SAVED)
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()
        _audit(
            session,
            actor,
            AuditAction.UPDATE,
            plan,
            "changed: " + ", ".join(_changed_sections(old, d)),
        )
        session.commit()
        rec = record(session, plan, d)
    return Changed(SaveResult(rec, lines, True), changes_for(plan.patient_id))


def list_plans(ws: Workspace, actor: Actor, patient_id: int) -> list[PlanSummary]:
    """The patient's plans, newest first (open ones first); audited as a view."""
    require(actor, Permission.VIEW_PATIENTS)
    today = date.today()
    with ws.session() as session:
        patient_or_error(session, patient_id)
        plans = list(session.exec(select(CarePlan).where(CarePlan.patient_id == patient_id)))
        names = staff_names(session, [p.author_id for p in plans])
        counts: dict[int, int] = {}
        for pid in session.exec(
            select(CarePlanGoal.plan_id).where(
                CarePlanGoal.plan_id.in_([p.id for p in plans])  # type: ignore[union-attr]
            )
        ):
            counts[pid] = counts.get(pid, 0) + 1
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            detail=f"listed care plans ({len(plans)})",
        )
        session.commit()
    open_values = {s.value for s in OPEN_STATUSES}
    rows = [
        PlanSummary(
            id=p.id,
            title=p.title,
            status=p.status,
            period_start=p.period_start,
            period_end=p.period_end,
            revision=p.revision,
            next_review_on=p.next_review_on,
            author_name=names.get(p.author_id, ""),
            updated_at=aware(p.updated_at),
            goals=counts.get(p.id, 0),
            review_overdue=p.next_review_on is not None and p.next_review_on < today,
        )
        for p in plans
    ]
    return sorted(rows, key=lambda r: (r.status not in open_values, -r.updated_at.timestamp()))


def versions(ws: Workspace, actor: Actor, plan_id: int) -> list[RevisionRow]:
    """Every saved version of the plan, newest first, with what changed and why."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        revs = list(
            session.exec(
                select(CarePlanRevision)
                .where(CarePlanRevision.plan_id == plan_id)
                .order_by(CarePlanRevision.number.desc())  # type: ignore[attr-defined]
            )
        )
        names = staff_names(session, [r.saved_by_id for r in revs])
        _audit(session, actor, AuditAction.VIEW, plan, "listed care plan versions")
        session.commit()
    return [
        RevisionRow(
            r.number,
            r.kind,
            aware(r.saved_at),
            names.get(r.saved_by_id, ""),
            tuple(line for line in r.summary.split("\n") if line),
            r.reason,
        )
        for r in revs
    ]


def _snapshot(session: Session, plan_id: int, number: int) -> PlanDraft:
    rev = session.exec(
        select(CarePlanRevision).where(
            CarePlanRevision.plan_id == plan_id, CarePlanRevision.number == number
        )
    ).first()
    if rev is None:
        raise ValidationError(f"This plan has no version {number}.", field="version")
    return snapshot.from_json(rev.snapshot)


def version_draft(ws: Workspace, actor: Actor, plan_id: int, number: int) -> PlanDraft:
    """The plan as it was saved in version `number` (audited as a view)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        draft = _snapshot(session, plan_id, number)
        _audit(session, actor, AuditAction.VIEW, plan, f"opened care plan version {number}")
        session.commit()
    return draft


def diff(ws: Workspace, actor: Actor, plan_id: int, version_a: int, version_b: int) -> list[str]:
    """What changed from version `version_a` to `version_b`, one readable line per change."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        old, new = _snapshot(session, plan_id, version_a), _snapshot(session, plan_id, version_b)
        lines = diffing.diff(old, new, namer(session, old, new))
        _audit(
            session,
            actor,
            AuditAction.VIEW,
            plan,
            f"compared care plan versions {version_a} and {version_b}",
        )
        session.commit()
    return lines


__all__ = [
    "Intensity",
    "create_plan",
    "diff",
    "list_plans",
    "load_plan",
    "plan_target",
    "reread_plan",
    "save_plan",
    "version_draft",
    "versions",
]
