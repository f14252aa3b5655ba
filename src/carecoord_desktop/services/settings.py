"""Practice settings kept inside the encrypted workspace."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from carecoord_desktop.config import DEFAULT_BACKUPS_KEPT, DEFAULT_IDLE_LOCK_MINUTES
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.practice import PracticeSetting
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class PracticeSettings:
    practice_name: str = ""
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    backups_kept: int = DEFAULT_BACKUPS_KEPT


def load(ws: Workspace) -> PracticeSettings:
    with ws.session() as session:
        values = {row.key: json.loads(row.value) for row in session.exec(select(PracticeSetting))}
    known = {k: v for k, v in values.items() if k in PracticeSettings.__dataclass_fields__}
    return PracticeSettings(**known)


def write(session: Session, settings: PracticeSettings) -> None:
    for key in PracticeSettings.__dataclass_fields__:
        session.merge(PracticeSetting(key=key, value=json.dumps(getattr(settings, key))))


def validate(settings: PracticeSettings) -> None:
    if not settings.practice_name.strip():
        raise ValidationError("Enter the practice name.", field="practice_name")
    if len(settings.practice_name) > 120:
        raise ValidationError("Keep the practice name under 120 characters.", "practice_name")
    if not 1 <= settings.idle_lock_minutes <= 120:
        raise ValidationError("Lock after 1 to 120 idle minutes.", field="idle_lock_minutes")
    if not 1 <= settings.backups_kept <= 365:
        raise ValidationError("Keep between 1 and 365 backups.", field="backups_kept")


def update(ws: Workspace, actor: Actor, **changes) -> Changed[PracticeSettings]:
    require(actor, Permission.CHANGE_SETTINGS)
    new = replace(load(ws), **changes)
    validate(new)
    with ws.session() as session:
        write(session, new)
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type="practice_setting",
            detail=", ".join(sorted(changes)),
        )
        session.commit()
    return Changed(new, Changes.of(Kind.SETTINGS, Kind.AUDIT))
