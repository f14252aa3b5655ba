"""The autosaved working draft: one per plan per user, so nothing typed is lost on a crash, a
screen lock or a sign-out.

The editor calls `autosave_draft` every few seconds while the draft differs from what it opened
(off the GUI thread: it is one small write), `load_autosave` when it opens a plan (offer "Restore
what you were typing on 3 Mar at 10:42?"), and `discard_autosave` when the user throws the
draft away. `save_plan` removes the saving user's autosave in the same transaction.

The draft sits in the encrypted database like everything else (never a temp file). Autosaves
are not audited one by one (they are that user's own unsaved typing, every few seconds); the
restore, which shows the draft again, is audited as a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, CarePlanAutosave
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import snapshot
from carecoord_desktop.services.careplans.plans import RECORD_TYPE, plan_or_error
from carecoord_desktop.services.careplans.storage import aware, now
from carecoord_desktop.services.careplans.types import PlanDraft
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class Autosaved:
    draft: PlanDraft
    base_version: int  # the plan version the draft was made from
    saved_at: datetime
    # The plan was saved (by anyone) since the draft was made: restoring it and saving
    # would meet a conflict; the editor says so before the user types on.
    plan_changed_since: bool


def _user(actor: Actor) -> int:
    if actor.user_id is None:
        raise ValidationError("Only a signed-in staff member has autosaved drafts.")
    return actor.user_id


def autosave_draft(ws: Workspace, actor: Actor, draft: PlanDraft, base_version: int) -> datetime:
    """Keep `draft` as this user's working copy of its plan (replacing the previous one).

    Stored as typed, not validated: a half-finished goal is exactly what must survive."""
    require(actor, Permission.EDIT_CARE_PLANS)
    user_id = _user(actor)
    payload = snapshot.to_json(draft)
    with ws.session() as session:
        plan = plan_or_error(session, draft.plan_id)
        if plan.patient_id != draft.patient_id:
            raise ValidationError("This draft belongs to another patient's plan.")
        row = session.exec(
            select(CarePlanAutosave).where(
                CarePlanAutosave.plan_id == plan.id, CarePlanAutosave.user_id == user_id
            )
        ).first()
        at = now()
        if row is None:
            row = CarePlanAutosave(
                plan_id=plan.id, user_id=user_id, base_version=base_version, payload=payload
            )
        row.payload, row.base_version, row.saved_at = payload, base_version, at
        session.add(row)
        session.commit()
    return at


def load_autosave(ws: Workspace, actor: Actor, plan_id: int) -> Autosaved | None:
    """This user's autosaved draft of the plan, or None."""
    require(actor, Permission.VIEW_PATIENTS)
    if actor.user_id is None:
        return None
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        row = session.exec(
            select(CarePlanAutosave).where(
                CarePlanAutosave.plan_id == plan_id, CarePlanAutosave.user_id == actor.user_id
            )
        ).first()
        if row is None:
            return None
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=plan.patient_id,
            record_type=RECORD_TYPE,
            record_id=plan.id,
            detail="opened autosaved care plan draft",
        )
        session.commit()
        return Autosaved(
            snapshot.from_json(row.payload),
            row.base_version,
            aware(row.saved_at),
            plan.version != row.base_version,
        )


def discard_autosave(ws: Workspace, actor: Actor, plan_id: int) -> bool:
    """Throw away this user's autosaved draft of the plan; True when there was one."""
    require(actor, Permission.VIEW_PATIENTS)
    if actor.user_id is None:
        return False
    with ws.session() as session:
        rows = list(
            session.exec(
                select(CarePlanAutosave).where(
                    CarePlanAutosave.plan_id == plan_id,
                    CarePlanAutosave.user_id == actor.user_id,
                )
            )
        )
        for row in rows:
            session.delete(row)
        session.commit()
    return bool(rows)


def plans_with_autosave(ws: Workspace, actor: Actor) -> list[tuple[int, int]]:
    """(patient_id, plan_id) of every plan this user has an unsaved draft of (after a crash,
    the app can say "you have unsaved care plan changes for 2 patients")."""
    require(actor, Permission.VIEW_PATIENTS)
    if actor.user_id is None:
        return []
    with ws.session() as session:
        rows = session.exec(
            select(CarePlan.patient_id, CarePlan.id)
            .join(CarePlanAutosave, CarePlanAutosave.plan_id == CarePlan.id)
            .where(CarePlanAutosave.user_id == actor.user_id)
        )
        return [tuple(r) for r in rows.all()]
