"""A patient's medicine list as FHIR R4 MedicationStatements, in a `collection` Bundle with the
Patient they are about. Pure: plain data in, JSON-ready dicts out (the service audits).

No codes are invented: the knowledge base holds names, not RxNorm/AMT codes, so each medicine is
`medicationCodeableConcept.text` (exactly as written) and the recognised ingredients go in an
extension-free `note`. A medicine the base did not recognise says so in its note.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

PRACTICE_ID_SYSTEM = "urn:carecoord:practice-id"
NOT_RECOGNISED = "not recognised: no checks run"


@dataclass(frozen=True)
class FhirPatient:
    practice_id: str
    family: str
    given: str
    birth_date: date


@dataclass(frozen=True)
class FhirMedicine:
    id: int
    written: str  # the line as written
    active: bool
    recognised_as: str = ""  # "paracetamol + codeine"; empty when not recognised
    dose: str | None = None
    frequency: str | None = None
    indication: str | None = None
    started: date | None = None
    stopped: date | None = None
    stop_reason: str | None = None
    notes: str | None = None


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def medication_statement(med: FhirMedicine, patient_ref: str) -> dict:
    resource: dict = {
        "resourceType": "MedicationStatement",
        "identifier": [{"system": "urn:carecoord:medication", "value": str(med.id)}],
        "status": "active" if med.active else "stopped",
        "medicationCodeableConcept": {"text": med.written},
        "subject": {"reference": patient_ref},
    }
    if _dosage(med):
        resource["dosage"] = [_dosage(med)]
    if not med.active and med.stop_reason:
        resource["statusReason"] = [{"text": med.stop_reason}]
    period = {}
    if med.started:
        period["start"] = med.started.isoformat()
    if med.stopped:
        period["end"] = med.stopped.isoformat()
    if period:
        resource["effectivePeriod"] = period
    if med.indication:
        resource["reasonCode"] = [{"text": med.indication}]
    notes = [f"Recognised as: {med.recognised_as}" if med.recognised_as else NOT_RECOGNISED]
    if med.notes:
        notes.append(med.notes)
    resource["note"] = [{"text": n} for n in notes]
    return resource


def _dosage(med: FhirMedicine) -> dict:
    # The whole line, dose and timing included, is the medication's text as written; repeating
    # it (or the route, or "as needed") as structured dosage would make a reader that joins
    # medicine and dosage into one line read it twice. The plain words go to the patient.
    extra = ", ".join(x for x in (med.dose, med.frequency) if x)
    return {"patientInstruction": extra} if extra else {}


def medication_bundle(
    patient: FhirPatient, medicines: list[FhirMedicine], *, now: datetime | None = None
) -> dict:
    """A Bundle (type collection): the Patient, then one MedicationStatement per medicine."""
    patient_urn = _urn()
    entries = [
        {
            "fullUrl": patient_urn,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": PRACTICE_ID_SYSTEM, "value": patient.practice_id}],
                "name": [{"family": patient.family, "given": [patient.given]}],
                "birthDate": patient.birth_date.isoformat(),
            },
        }
    ]
    entries += [
        {"fullUrl": _urn(), "resource": medication_statement(m, patient_urn)} for m in medicines
    ]
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return {"resourceType": "Bundle", "type": "collection", "timestamp": stamp, "entry": entries}


def to_json(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
