"""Archiving: a record is taken off the register with a reason, listed among the archived ones,
and brought back. Nothing is ever deleted.

The reason is kept in the (encrypted) patient row; the audit log says that a reason was given,
not what it was, since "died" or "moved to aged care" is itself patient information.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import Patient
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import aware, clean_text, patient_or_error
from carecoord_desktop.services.patients.types import PatientRecord
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

# The usual reasons, offered first by the archive dialog; any other reason may be typed.
ARCHIVE_REASONS = (
    "Moved away or changed practice",
    "Died",
    "Entered in error",
    "Left the care coordination program",
)


@dataclass(frozen=True)
class ArchivedPatient:
    id: int
    practice_id: str
    name: str  # FAMILY, Given
    date_of_birth: date
    archived_at: datetime | None
    reason: str | None
    merged_into: str | None  # practice ID of the record it was merged into (cannot unarchive)


def archive_patient(
    ws: Workspace, actor: Actor, patient_id: int, reason: str
) -> Changed[PatientRecord]:
    """Take the patient off the active register, saying why; nothing is deleted."""
    reason = clean_text(reason, "reason", 500, "reason for archiving", required=True)
    return _set_archived(ws, actor, patient_id, True, reason)


def unarchive_patient(ws: Workspace, actor: Actor, patient_id: int) -> Changed[PatientRecord]:
    """Put an archived patient back on the register (not a merged-away record)."""
    return _set_archived(ws, actor, patient_id, False, None)


def list_archived(ws: Workspace, actor: Actor) -> list[ArchivedPatient]:
    """Every archived record, the most recently archived first; the view is audited."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = session.exec(
            select(Patient).where(Patient.archived).order_by(Patient.archived_at.desc(), Patient.id)  # type: ignore[union-attr]
        ).all()
        into_ids = {p.merged_into_id for p in found if p.merged_into_id is not None}
        into = {
            p.id: p.practice_id
            for p in session.exec(select(Patient).where(Patient.id.in_(into_ids)))  # type: ignore[union-attr]
        }
        out = [
            ArchivedPatient(
                p.id,
                p.practice_id,
                f"{p.family_name.upper()}, {p.given_name}",
                p.date_of_birth,
                aware(p.archived_at),
                p.archive_reason,
                into.get(p.merged_into_id) if p.merged_into_id is not None else None,
            )
            for p in found
        ]
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            record_type="patient_list",
            detail=f"archived patients listed: {len(out)}",
        )
        session.commit()
    return out


def _set_archived(
    ws: Workspace, actor: Actor, patient_id: int, archived: bool, reason: str | None
) -> Changed[PatientRecord]:
    from carecoord_desktop.services.patients.record import _load_record, _with_risk

    require(actor, Permission.EDIT_PATIENTS)
    changes = NO_CHANGES
    with ws.session() as session:
        patient = patient_or_error(session, patient_id)
        if patient.merged_into_id is not None:
            raise ValidationError(
                "This record was merged into another one and stays archived; open the "
                "merged record instead."
            )
        if patient.archived != archived:
            now = datetime.now(UTC)
            patient.archived = archived
            patient.archived_at = now if archived else None
            patient.archive_reason = reason
            patient.updated_at = now
            session.add(patient)
            audit.record(
                session,
                actor,
                AuditAction.UPDATE,
                patient_id=patient_id,
                record_type="patient",
                record_id=patient_id,
                detail="archived (reason recorded)" if archived else "unarchived",
            )
            session.commit()
            changes = Changes.patient(patient_id, Kind.PATIENT, membership=True)
        rec = _load_record(session, patient_id)
    return Changed(_with_risk(ws, actor, rec), changes)
