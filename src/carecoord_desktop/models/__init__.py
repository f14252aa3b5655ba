"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.careplan import (
    CarePlan,
    CarePlanAction,
    CarePlanAutosave,
    CarePlanCopy,
    CarePlanGoal,
    CarePlanIntensityChange,
    CarePlanIntervention,
    CarePlanProblem,
    CarePlanRevision,
    CarePlanTemplate,
    CarePlanWarningSign,
    Observation,
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
from carecoord_desktop.models.task import (
    CareTransition,
    LocalHoliday,
    MinutesEntry,
    MinutesTimer,
    Task,
    TaskCheckItem,
    TaskComment,
    TaskHistory,
    TransitionContact,
)

__all__ = [
    "Allergy",
    "AuditEvent",
    "CarePlan",
    "CarePlanAction",
    "CarePlanAutosave",
    "CarePlanCopy",
    "CarePlanGoal",
    "CarePlanIntensityChange",
    "CarePlanIntervention",
    "CarePlanProblem",
    "CarePlanRevision",
    "CarePlanTemplate",
    "CarePlanWarningSign",
    "CareTeamMember",
    "CareTransition",
    "Condition",
    "HospitalEvent",
    "LocalHoliday",
    "Medication",
    "MinutesEntry",
    "MinutesTimer",
    "Observation",
    "Patient",
    "PatientContact",
    "PracticeSetting",
    "Role",
    "StaffUser",
    "Task",
    "TaskCheckItem",
    "TaskComment",
    "TaskHistory",
    "TransitionContact",
]
