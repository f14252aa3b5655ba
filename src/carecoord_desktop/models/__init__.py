"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.medication import (
    MedicationChange,
    MedRecItem,
    MedRecLine,
    MedReconciliation,
    MedRecSource,
)
from carecoord_desktop.models.patient import (
    Allergy,
    CareTeamMember,
    Condition,
    HospitalEvent,
    Medication,
    Patient,
    PatientContact,
)
from carecoord_desktop.models.practice import PracticeSetting
from carecoord_desktop.models.staff import Role, StaffUser

__all__ = [
    "Allergy",
    "AuditEvent",
    "CareTeamMember",
    "Condition",
    "HospitalEvent",
    "MedRecItem",
    "MedRecLine",
    "MedRecSource",
    "MedReconciliation",
    "Medication",
    "MedicationChange",
    "Patient",
    "PatientContact",
    "PracticeSetting",
    "Role",
    "StaffUser",
]
