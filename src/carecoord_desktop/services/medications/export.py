"""The current medicine list out as FHIR R4 MedicationStatements (interop/fhir builds the
JSON; this checks the role and audits the export with the patient's id and a count)."""

from __future__ import annotations

from carecoord_desktop.interop.fhir.medication_statements import (
    FhirMedicine,
    FhirPatient,
    medication_bundle,
    to_json,
)
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications.medicines import load_rows
from carecoord_desktop.services.patients.rules import patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


def export_fhir(
    ws: Workspace, actor: Actor, patient_id: int, *, include_stopped: bool = True
) -> bytes:
    """The patient's medicines as a FHIR R4 Bundle (JSON bytes)."""
    require(actor, Permission.EXPORT_DATA)
    with ws.session() as session:
        p = patient_or_error(session, patient_id)
        rows = [r for r in load_rows(session, patient_id) if include_stopped or r.active]
        bundle = medication_bundle(
            FhirPatient(p.practice_id, p.family_name, p.given_name, p.date_of_birth),
            [
                FhirMedicine(
                    id=r.id,
                    written=r.written,
                    active=r.active,
                    recognised_as=r.recognised_as if r.recognised else "",
                    dose=r.dose,
                    frequency=r.frequency,
                    indication=r.indication,
                    started=r.started,
                    stopped=r.stopped,
                    stop_reason=r.stop_reason,
                    notes=r.notes,
                )
                for r in rows
            ],
        )
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            patient_id=patient_id,
            record_type="medication",
            detail=f"FHIR MedicationStatements: {len(rows)} medicines",
        )
        session.commit()
    return to_json(bundle)
