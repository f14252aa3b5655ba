"""Practice settings kept inside the encrypted workspace."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from sqlmodel import Session, select

from carecoord_desktop.config import DEFAULT_BACKUPS_KEPT, DEFAULT_IDLE_LOCK_MINUTES
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.practice import PracticeSetting
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.regions import DEFAULT_REGION, normalise_region
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class PracticeSettings:
    practice_name: str = ""
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    backups_kept: int = DEFAULT_BACKUPS_KEPT
    # Public holidays for business-day due dates (services/tasks/calendar.py).
    holiday_region: str = DEFAULT_REGION
    # Medication reconciliation is signed off by a GP; a practice may let its nurses sign too.
    nurses_sign_reconciliation: bool = False
    practice_phone: str = ""  # printed on patient handouts (the medication card)
    # A sent referral with no answer after this many days gets a "Chase referral" task.
    referral_follow_up_days: int = 10
    # The settings' version when read: the sum of their rows' versions, which every save of any
    # of them raises (rows are never deleted). update() takes it back to refuse a stale save.
    version: int = field(default=0, compare=False)


_KEYS = tuple(k for k in PracticeSettings.__dataclass_fields__ if k != "version")


def load(ws: Workspace) -> PracticeSettings:
    with ws.session() as session:
        return _read(session)


def _read(session: Session) -> PracticeSettings:
    rows = [r for r in session.exec(select(PracticeSetting)) if r.key in _KEYS]
    known = {r.key: json.loads(r.value) for r in rows}
    return PracticeSettings(**known, version=sum(r.version for r in rows))


def write(session: Session, settings: PracticeSettings) -> None:
    for key in _KEYS:
        _put(session, key, getattr(settings, key))


def _put(session: Session, key: str, value) -> None:
    # Not session.merge: a new object's version (1) would not match the stored row's.
    row = session.get(PracticeSetting, key)
    if row is None:
        row = PracticeSetting(key=key, value=json.dumps(value))
    else:
        row.value = json.dumps(value)
    session.add(row)


def validate(settings: PracticeSettings) -> None:
    if not settings.practice_name.strip():
        raise ValidationError("Enter the practice name.", field="practice_name")
    if len(settings.practice_name) > 120:
        raise ValidationError("Keep the practice name under 120 characters.", "practice_name")
    if len(settings.practice_phone) > 32:
        raise ValidationError("Keep the practice phone under 32 characters.", "practice_phone")
    if not 1 <= settings.idle_lock_minutes <= 120:
        raise ValidationError("Lock after 1 to 120 idle minutes.", field="idle_lock_minutes")
    if not 1 <= settings.backups_kept <= 365:
        raise ValidationError("Keep between 1 and 365 backups.", field="backups_kept")
    if not 1 <= settings.referral_follow_up_days <= 90:
        raise ValidationError(
            "Chase an unanswered referral after 1 to 90 days.", field="referral_follow_up_days"
        )
    if normalise_region(settings.holiday_region) != settings.holiday_region:
        raise ValidationError(
            f"Write the region as {normalise_region(settings.holiday_region)}.", "holiday_region"
        )


def update(
    ws: Workspace, actor: Actor, *, version: int | None = None, **changes
) -> Changed[PracticeSettings]:
    """Save the settings form; `version` is the settings' when the form was opened: a save
    after another administrator's is refused (StaleEditError) rather than reverting theirs."""
    require(actor, Permission.CHANGE_SETTINGS)
    target = conflicts.Target(
        "practice_setting",
        None,
        "the practice settings",
        advice="What you typed stays on screen: check their settings, then save again.",
    )
    with ws.write_session() as session:
        current = _read(session)
        conflicts.check(session, actor, target, current.version, version)
        new = replace(current, **changes)
        validate(new)
        changed = sorted(k for k in _KEYS if getattr(new, k) != getattr(current, k))
        for key in changed:
            _put(session, key, getattr(new, key))
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()  # "... AND version = :seen" on each changed setting
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type="practice_setting",
            detail=", ".join(changed) or "saved unchanged",
        )
        session.commit()
        return Changed(_read(session), Changes.of(Kind.SETTINGS, Kind.AUDIT))
