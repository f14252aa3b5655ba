"""The care plan aggregate: the plan and its lists, the saved versions, the per-user autosave,
observations against goals, and the practice's own templates.

Table models only: services/careplans reads and writes them and hands out the plain
dataclasses of services/careplans/types.py. A plan is edited as a whole (one draft saved in one
transaction): the plan row's `version` is the compare-and-set that refuses a stale save, and
every list item carries a `uid` that stays the same from version to version, so a diff can say
"this goal's target changed" rather than "one goal removed, one added". Enumerated values are
stored as plain text (the StrEnums below name them), like `patient.allergy_status`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column

TEXT_MAX = 4000  # a free-text section of the plan (notes, outcome, coordination)
LINE_MAX = 500  # one item of a list (a problem, a goal in the patient's words, an action)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.UNDER_REVIEW)


class Intensity(StrEnum):
    """How much coordination the patient needs now: up when an illness is unstable, down when
    it settles (each change records why)."""

    INTENSIVE = "intensive"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    PARTLY_ACHIEVED = "partly_achieved"
    NOT_ACHIEVED = "not_achieved"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ResponsibleKind(StrEnum):
    """Who carries out an intervention: a named staff member, a role at the practice, or an
    external provider from the patient's care team (care_team_member)."""

    STAFF = "staff"
    ROLE = "role"
    PROVIDER = "provider"
    PATIENT = "patient"  # the patient or their carer

    @property
    def label(self) -> str:
        return {"staff": "Staff", "role": "Role", "provider": "External provider"}.get(
            self.value, "Patient or carer"
        )


class InterventionStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ObservationKind(StrEnum):
    HBA1C = "hba1c"
    BP_SYSTOLIC = "bp_systolic"
    BP_DIASTOLIC = "bp_diastolic"
    WEIGHT = "weight"
    EGFR = "egfr"
    PHQ9 = "phq9"
    PEAK_FLOW = "peak_flow"
    STEPS = "steps"
    CUSTOM = "custom"


# label, usual unit, LOINC code (FHIR export), whether lower is better
OBSERVATION_KINDS: dict[ObservationKind, tuple[str, str, str, bool]] = {
    ObservationKind.HBA1C: ("HbA1c", "mmol/mol", "59261-8", True),
    ObservationKind.BP_SYSTOLIC: ("Systolic blood pressure", "mmHg", "8480-6", True),
    ObservationKind.BP_DIASTOLIC: ("Diastolic blood pressure", "mmHg", "8462-4", True),
    ObservationKind.WEIGHT: ("Weight", "kg", "29463-7", True),
    ObservationKind.EGFR: ("eGFR", "mL/min/1.73m2", "62238-1", False),
    ObservationKind.PHQ9: ("PHQ-9 score", "score", "44261-6", True),
    ObservationKind.PEAK_FLOW: ("Peak expiratory flow", "L/min", "19935-6", False),
    ObservationKind.STEPS: ("Steps per day", "steps/day", "41950-7", False),
    ObservationKind.CUSTOM: ("Other measure", "", "", True),
}


class RevisionKind(StrEnum):
    CREATED = "created"
    SAVED = "saved"
    REVIEW_STARTED = "review_started"
    REVIEWED = "reviewed"
    STATUS = "status"  # completed, cancelled, reopened
    INTENSITY = "intensity"
    AGREEMENT = "agreement"


_PLAN_VERSION = version_column()


class CarePlan(SQLModel, table=True):
    __tablename__ = "care_plan"
    # The Patients screen's "next review" column and "review overdue" filter read this index
    # alone (a patient's open plan and its due date) at 100k patients.
    __table_args__ = (
        Index("ix_care_plan_patient_status_review", "patient_id", "status", "next_review_on"),
        # "Plan review overdue" and reviews_due: the due plans by date, without a table scan.
        Index("ix_care_plan_status_review", "status", "next_review_on", "patient_id"),
    )
    __mapper_args__ = {"version_id_col": _PLAN_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PLAN_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    title: str = Field(default="Care plan", max_length=200)
    status: str = Field(default=PlanStatus.DRAFT.value, max_length=16)
    period_start: date | None = None
    period_end: date | None = None
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
    intensity: str = Field(default=Intensity.ACTIVE.value, max_length=16)
    expected_outcome: str = Field(default="", max_length=TEXT_MAX)
    prognosis: str = Field(default="", max_length=TEXT_MAX)
    medication_notes: str = Field(default="", max_length=TEXT_MAX)
    symptom_management: str = Field(default="", max_length=TEXT_MAX)
    community_services: str = Field(default="", max_length=TEXT_MAX)
    coordination: str = Field(default="", max_length=TEXT_MAX)  # outside providers, agencies
    preferences: str = Field(default="", max_length=TEXT_MAX)
    cultural_considerations: str = Field(default="", max_length=TEXT_MAX)
    review_interval_weeks: int | None = None  # None: no periodic review scheduled
    review_arrangements: str = Field(default="", max_length=TEXT_MAX)  # how, with whom
    last_review_on: date | None = None
    next_review_on: date | None = None  # derived on every save (reviews.next_review_due)
    agreed_by: str = Field(default="", max_length=200)  # "Patient", "Carer: Ann Smith"
    agreed_on: date | None = None
    agreed_how: str = Field(default="", max_length=200)  # "Verbal, in person", "Signed"
    copy_offered: bool = False
    template_keys: str = Field(default="", max_length=LINE_MAX)  # ","-joined, where it began
    revision: int = 0  # the number of the newest saved version (care_plan_revision.number)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


_PROBLEM_VERSION = version_column()


class CarePlanProblem(SQLModel, table=True):
    __tablename__ = "care_plan_problem"
    __mapper_args__ = {"version_id_col": _PROBLEM_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PROBLEM_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    uid: str = Field(max_length=36)
    position: int = 0
    condition_id: int | None = Field(default=None, foreign_key="condition.id")
    description: str = Field(max_length=LINE_MAX)
    notes: str = Field(default="", max_length=TEXT_MAX)


_GOAL_VERSION = version_column()


class CarePlanGoal(SQLModel, table=True):
    __tablename__ = "care_plan_goal"
    __mapper_args__ = {"version_id_col": _GOAL_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_GOAL_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    uid: str = Field(max_length=36, index=True)
    position: int = 0
    problem_uid: str | None = Field(default=None, max_length=36)
    patient_words: str = Field(max_length=LINE_MAX)
    measure: str = Field(default="", max_length=200)  # "HbA1c", "Minutes walked a day"
    measure_kind: str = Field(default=ObservationKind.CUSTOM.value, max_length=16)
    target_value: float | None = None
    target_unit: str = Field(default="", max_length=40)
    target_direction: str = Field(default="below", max_length=8)  # "below" | "above"
    due_on: date | None = None
    status: str = Field(default=GoalStatus.NOT_STARTED.value, max_length=16)
    priority: str = Field(default=Priority.MEDIUM.value, max_length=8)


_INTERVENTION_VERSION = version_column()


class CarePlanIntervention(SQLModel, table=True):
    __tablename__ = "care_plan_intervention"
    __mapper_args__ = {"version_id_col": _INTERVENTION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_INTERVENTION_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    uid: str = Field(max_length=36)
    position: int = 0
    problem_uid: str | None = Field(default=None, max_length=36)
    goal_uid: str | None = Field(default=None, max_length=36)
    what: str = Field(max_length=LINE_MAX)
    responsible_kind: str = Field(default=ResponsibleKind.ROLE.value, max_length=16)
    responsible_staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    responsible_role: str = Field(default="", max_length=80)  # "gp", "practice nurse", "dietitian"
    responsible_member_id: int | None = Field(default=None, foreign_key="care_team_member.id")
    frequency: str = Field(default="", max_length=120)
    status: str = Field(default=InterventionStatus.PLANNED.value, max_length=16)
    is_service: bool = False  # a community or social service ordered for the patient


_ACTION_VERSION = version_column()


class CarePlanAction(SQLModel, table=True):
    """What the patient will do (their part of the plan)."""

    __tablename__ = "care_plan_action"
    __mapper_args__ = {"version_id_col": _ACTION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_ACTION_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    uid: str = Field(max_length=36)
    position: int = 0
    goal_uid: str | None = Field(default=None, max_length=36)
    text: str = Field(max_length=LINE_MAX)
    frequency: str = Field(default="", max_length=120)  # "every day", "each morning"


_WARNING_VERSION = version_column()


class CarePlanWarningSign(SQLModel, table=True):
    __tablename__ = "care_plan_warning_sign"
    __mapper_args__ = {"version_id_col": _WARNING_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_WARNING_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    uid: str = Field(max_length=36)
    position: int = 0
    sign: str = Field(max_length=LINE_MAX)
    action: str = Field(default="", max_length=LINE_MAX)
    who_to_call: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=32)
    urgent: bool = False  # call emergency services (000) rather than the practice


_INTENSITY_VERSION = version_column()


class CarePlanIntensityChange(SQLModel, table=True):
    __tablename__ = "care_plan_intensity_change"
    __mapper_args__ = {"version_id_col": _INTENSITY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_INTENSITY_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    from_intensity: str | None = Field(default=None, max_length=16)
    to_intensity: str = Field(max_length=16)
    reason: str = Field(default="", max_length=LINE_MAX)


_COPY_VERSION = version_column()


class CarePlanCopy(SQLModel, table=True):
    """A copy of the plan given or sent: to whom, when, how, and which version."""

    __tablename__ = "care_plan_copy"
    __mapper_args__ = {"version_id_col": _COPY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_COPY_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    recipient_kind: str = Field(max_length=16)  # patient | carer | provider | other
    recipient: str = Field(max_length=200)  # "Patient", "Ann Smith (carer)", "Dr Wong"
    given_on: date
    method: str = Field(max_length=40)  # handed over, post, email, secure message, fax
    plan_revision: int = 0
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


_REVISION_VERSION = version_column()


class CarePlanRevision(SQLModel, table=True):
    """One saved version of a plan: the whole plan as JSON, who saved it, what changed, why."""

    __tablename__ = "care_plan_revision"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_care_plan_revision"),)
    __mapper_args__ = {"version_id_col": _REVISION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_REVISION_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    number: int
    kind: str = Field(default=RevisionKind.SAVED.value, max_length=16)
    saved_at: datetime = Field(default_factory=utcnow)
    saved_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    summary: str = ""  # the readable diff against the version before, one change a line
    reason: str = Field(default="", max_length=TEXT_MAX)  # why (a review, a change of status)
    snapshot: str  # services/careplans/snapshot.py: the PlanDraft as JSON


_AUTOSAVE_VERSION = version_column()


class CarePlanAutosave(SQLModel, table=True):
    """A user's unsaved working draft of one plan, kept so nothing typed is lost on a crash, a
    lock or a sign-out. Inside the encrypted database like everything else; one per plan per
    user, replaced at every autosave, removed when the plan is saved or the draft discarded."""

    __tablename__ = "care_plan_autosave"
    __table_args__ = (UniqueConstraint("plan_id", "user_id", name="uq_care_plan_autosave"),)
    __mapper_args__ = {"version_id_col": _AUTOSAVE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_AUTOSAVE_VERSION)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    user_id: int = Field(foreign_key="staff_user.id")
    base_version: int  # the plan version the draft was opened from
    saved_at: datetime = Field(default_factory=utcnow)
    payload: str  # the PlanDraft as JSON


_OBSERVATION_VERSION = version_column()


class Observation(SQLModel, table=True):
    """A measured value for a patient (HbA1c, BP, weight, …), optionally for one goal."""

    __tablename__ = "observation"
    __table_args__ = (Index("ix_observation_patient_kind_on", "patient_id", "kind", "observed_on"),)
    __mapper_args__ = {"version_id_col": _OBSERVATION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_OBSERVATION_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    goal_uid: str | None = Field(default=None, max_length=36)
    kind: str = Field(max_length=16)  # ObservationKind
    label: str = Field(default="", max_length=120)  # for custom kinds: what was measured
    value: float
    unit: str = Field(default="", max_length=40)
    observed_on: date
    note: str = Field(default="", max_length=LINE_MAX)
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


_TEMPLATE_VERSION = version_column()


class CarePlanTemplate(SQLModel, table=True):
    """A practice's own template: a copy of a shipped one (or a new one), edited in the app."""

    __tablename__ = "care_plan_template"
    __mapper_args__ = {"version_id_col": _TEMPLATE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TEMPLATE_VERSION)
    key: str = Field(max_length=64, unique=True)  # "practice-3"; shipped ones are not rows
    name: str = Field(max_length=200)
    based_on: str | None = Field(default=None, max_length=64)  # the shipped template's key
    data: str  # the template as JSON, in the shipped files' shape
    retired: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
