"""The practice's reconciliations still waiting: open ones being prepared and those awaiting a
sign-off, for the Medications screen (one query, one audit row; the rows carry ids and names
for the list only, never clinical content).

Written by the medication UI branch: the session services list one patient's sessions, the
screen needs every patient's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.medication import MedRecItem, MedReconciliation, RecState
from carecoord_desktop.models.patient import HospitalEvent, Patient
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications import matching
from carecoord_desktop.services.medications.types import STATE_TEXT, Transition
from carecoord_desktop.services.patients.rules import aware
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

WAITING_STATES = (RecState.OPEN.value, RecState.AWAITING_SIGNOFF.value)


@dataclass(frozen=True)
class WaitingReconciliation:
    rec_id: int
    patient_id: int
    practice_id: str
    patient_name: str  # "FAMILY, Given"
    state: str  # RecState
    state_text: str
    transition: str  # "Admission 3 Nov – 9 Nov 2026, …" or ""
    started_at: datetime
    started_by_name: str
    submitted_at: datetime | None
    submitted_by_name: str | None
    items: int
    undecided: int
    version: int
    transition_of: Transition | None = None  # `transition` as data


def waiting_reconciliations(ws: Workspace, actor: Actor) -> list[WaitingReconciliation]:
    """Open and awaiting-sign-off sessions across the practice: awaiting sign-off first (oldest
    submitted first), then open ones (oldest started first)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        counts = dict(
            session.exec(
                select(MedRecItem.reconciliation_id, func.count())
                .join(MedReconciliation, MedReconciliation.id == MedRecItem.reconciliation_id)
                .where(col(MedReconciliation.state).in_(WAITING_STATES))
                .group_by(MedRecItem.reconciliation_id)
            ).all()
        )
        open_counts = dict(
            session.exec(
                select(MedRecItem.reconciliation_id, func.count())
                .join(MedReconciliation, MedReconciliation.id == MedRecItem.reconciliation_id)
                .where(col(MedReconciliation.state).in_(WAITING_STATES))
                .where(col(MedRecItem.decision).is_(None))
                .group_by(MedRecItem.reconciliation_id)
            ).all()
        )
        found = session.exec(
            select(MedReconciliation, Patient, HospitalEvent)
            .join(Patient, Patient.id == MedReconciliation.patient_id)
            .join(
                HospitalEvent,
                HospitalEvent.id == MedReconciliation.hospital_event_id,
                isouter=True,
            )
            .where(col(MedReconciliation.state).in_(WAITING_STATES))
            .where(col(Patient.merged_into_id).is_(None))
        ).all()
        out = [
            WaitingReconciliation(
                rec_id=rec.id or 0,
                patient_id=rec.patient_id,
                practice_id=patient.practice_id,
                patient_name=f"{patient.family_name.upper()}, {patient.given_name}",
                state=rec.state,
                state_text=STATE_TEXT.get(RecState(rec.state), rec.state),
                transition=matching.transition_text(event),
                started_at=aware(rec.started_at) or rec.started_at,
                started_by_name=rec.started_by_name,
                submitted_at=aware(rec.submitted_at),
                submitted_by_name=rec.submitted_by_name,
                items=counts.get(rec.id, 0),
                undecided=open_counts.get(rec.id, 0),
                version=rec.version,
                transition_of=matching.transition_of(event),
            )
            for rec, patient, event in found
        ]
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            record_type="med_reconciliation",
            detail=f"listed {len(out)} reconciliations waiting",
        )
        session.commit()
    out.sort(
        key=lambda w: (
            w.state != RecState.AWAITING_SIGNOFF.value,
            w.submitted_at or w.started_at,
            w.rec_id,
        )
    )
    return out
