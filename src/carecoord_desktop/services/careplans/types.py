"""Plain data of care plans: what the services return and what the editor sends back.

The editor holds one `PlanDraft` in memory (mutable lists, so undo/redo can edit it in place),
and saves it whole with `plans.save_plan(ws, actor, draft, base_version)`. Every list item has a
`uid` (a uuid4 string, `new_uid()`) that stays the same from version to version: links between
items (a goal's problem, an intervention's goal) name uids, so new items can link to each other
before anything is saved, and a diff matches items by uid. Order is the order of the lists.

Enumerated fields hold the `.value` strings of the StrEnums in models/careplan.py (each has a
`.label` for display). Dates are `datetime.date`; times are timezone-aware UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from carecoord_desktop.models.careplan import (
    GoalStatus,
    Intensity,
    InterventionStatus,
    ObservationKind,
    PlanStatus,
    Priority,
    ResponsibleKind,
)

__all__ = [
    "ActionDraft",
    "CopyRow",
    "GoalDraft",
    "GoalProgress",
    "IntensityChangeRow",
    "InterventionDraft",
    "ObservationRow",
    "PlanDraft",
    "PlanRecord",
    "PlanSummary",
    "ProblemDraft",
    "ReviewDue",
    "RevisionRow",
    "SaveResult",
    "WarningSignDraft",
    "new_uid",
]


def new_uid() -> str:
    return str(uuid.uuid4())


# -- the editable draft --------------------------------------------------------------------------
@dataclass
class ProblemDraft:
    description: str  # "Type 2 diabetes with high blood sugar"
    condition_id: int | None = None  # the record's condition it is about, if any
    notes: str = ""
    uid: str = field(default_factory=new_uid)


@dataclass
class GoalDraft:
    patient_words: str  # the goal as the patient says it: "Walk to the shops without stopping"
    measure: str = ""  # the clinical measure: "Minutes walked a day", "HbA1c"
    measure_kind: str = ObservationKind.CUSTOM.value  # which observations chart it
    target_value: float | None = None
    target_unit: str = ""
    target_direction: str = "below"  # "below": at or under the target is good; "above"
    due_on: date | None = None
    status: str = GoalStatus.NOT_STARTED.value
    priority: str = Priority.MEDIUM.value
    problem_uid: str | None = None
    uid: str = field(default_factory=new_uid)


@dataclass
class InterventionDraft:
    what: str  # "Review HbA1c and adjust medicines"
    responsible_kind: str = ResponsibleKind.ROLE.value
    responsible_staff_id: int | None = None  # kind "staff": a staff_user id
    responsible_role: str = ""  # kind "role": "GP", "Practice nurse", "Dietitian"
    responsible_member_id: int | None = None  # kind "provider": a care_team_member id
    frequency: str = ""  # "Every 3 months"
    status: str = InterventionStatus.PLANNED.value
    is_service: bool = False  # a community or social service ordered for the patient
    problem_uid: str | None = None
    goal_uid: str | None = None
    uid: str = field(default_factory=new_uid)


@dataclass
class ActionDraft:
    """What the patient will do."""

    text: str  # "Walk for 20 minutes after breakfast"
    frequency: str = ""
    goal_uid: str | None = None
    uid: str = field(default_factory=new_uid)


@dataclass
class WarningSignDraft:
    sign: str  # "Weight up more than 2 kg in 2 days"
    action: str = ""  # "Take an extra furosemide tablet and call the practice"
    who_to_call: str = ""  # "Practice nurse", "000"
    phone: str = ""
    urgent: bool = False  # call 000 rather than the practice
    uid: str = field(default_factory=new_uid)


@dataclass
class PlanDraft:
    """A whole plan as the editor edits it. `plan_id` None only inside the service."""

    patient_id: int
    plan_id: int | None = None
    title: str = "Care plan"
    status: str = PlanStatus.DRAFT.value
    period_start: date | None = None
    period_end: date | None = None
    author_id: int | None = None
    intensity: str = Intensity.ACTIVE.value
    # Why the intensity changed, when it differs from the stored one (save_plan requires it).
    intensity_reason: str = ""
    problems: list[ProblemDraft] = field(default_factory=list)
    goals: list[GoalDraft] = field(default_factory=list)
    interventions: list[InterventionDraft] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    warning_signs: list[WarningSignDraft] = field(default_factory=list)
    medication_notes: str = ""
    symptom_management: str = ""
    expected_outcome: str = ""
    prognosis: str = ""
    community_services: str = ""
    coordination: str = ""  # how outside providers and agencies are involved and kept informed
    preferences: str = ""  # carried from the record's communication preferences when started
    cultural_considerations: str = ""  # carried from the record when started
    review_interval_weeks: int | None = 13  # None: no periodic review
    review_arrangements: str = ""  # "GP and nurse, in person; phone check at 6 weeks"
    agreed_by: str = ""
    agreed_on: date | None = None
    agreed_how: str = ""
    copy_offered: bool = False
    template_keys: list[str] = field(default_factory=list)


# -- what reads return ---------------------------------------------------------------------------
@dataclass(frozen=True)
class IntensityChangeRow:
    at: datetime
    by: str  # staff name
    from_intensity: str | None
    to_intensity: str
    reason: str


@dataclass(frozen=True)
class CopyRow:
    id: int
    recipient_kind: str  # patient | carer | provider | other
    recipient: str
    given_on: date
    method: str
    plan_revision: int
    recorded_by: str


@dataclass(frozen=True)
class RevisionRow:
    """One saved version (without its snapshot: `plans.version_draft` reads that)."""

    number: int
    kind: str  # models.careplan.RevisionKind
    saved_at: datetime
    saved_by: str
    summary: tuple[str, ...]  # what changed against the version before, one line each
    reason: str


@dataclass(frozen=True)
class PlanRecord:
    """A stored plan: the editable draft, and what is not edited in the draft.

    `version` is the row version to send back as `base_version` (the conflict check);
    `revision` the number of the newest saved version, shown to people as "version 3"."""

    draft: PlanDraft
    version: int
    revision: int
    patient_practice_id: str
    patient_name: str
    author_name: str
    last_review_on: date | None
    next_review_on: date | None
    created_at: datetime
    updated_at: datetime
    updated_by: str
    intensity_history: tuple[IntensityChangeRow, ...] = ()
    copies: tuple[CopyRow, ...] = ()


@dataclass(frozen=True)
class PlanSummary:
    """One line of a patient's list of plans."""

    id: int
    title: str
    status: str
    period_start: date | None
    period_end: date | None
    revision: int
    next_review_on: date | None
    author_name: str
    updated_at: datetime
    goals: int
    review_overdue: bool


@dataclass(frozen=True)
class SaveResult:
    plan: PlanRecord
    summary: tuple[str, ...]  # readable lines of what changed ("Goal 'Walk …' target …")
    saved: bool  # False when the draft equalled the stored plan (no new version)


@dataclass(frozen=True)
class ObservationRow:
    id: int
    patient_id: int
    kind: str
    label: str  # "HbA1c", or what a custom measure is
    value: float
    unit: str
    observed_on: date
    goal_uid: str | None
    note: str
    recorded_by: str


@dataclass(frozen=True)
class GoalProgress:
    """A goal's values against its target over time (the chart reads this)."""

    goal_uid: str
    patient_words: str
    measure: str
    target_value: float | None
    target_unit: str
    target_direction: str
    due_on: date | None
    points: tuple[ObservationRow, ...]  # oldest first
    latest: float | None
    met: bool | None  # latest value on the right side of the target; None without both
    trend: str  # "improving", "worsening", "steady", "" (fewer than two points)


@dataclass(frozen=True)
class ReviewDue:
    patient_id: int
    plan_id: int
    due: date
