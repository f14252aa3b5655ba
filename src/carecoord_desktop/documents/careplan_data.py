"""Plain input for the two care plan documents (the plan for the record and the patient handout).

No database and no Qt: the printing service builds these from a stored plan, tests and the bench
build them by hand. Every field is already words a reader sees (names, not ids; labels, not enum
values), so the renderers only lay out. Dates are `datetime.date`; times are timezone-aware.
Text in the patient's words is kept as typed (it may be in another language and script).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "Agreement",
    "Appointment",
    "CarePlanDocument",
    "CopyGiven",
    "Goal",
    "HandoutDocument",
    "Intervention",
    "Observation",
    "PatientIdentifiers",
    "PlanHeader",
    "PracticeHeader",
    "Problem",
    "Signature",
    "WarningSign",
]


@dataclass(frozen=True)
class PracticeHeader:
    name: str
    address: str = ""  # one line, or lines joined with ", "
    phone: str = ""
    email: str = ""
    provider_number: str = ""  # the practice's billing or registration number, if any
    is_demo: bool = False  # prints a "synthetic data" mark on every page


@dataclass(frozen=True)
class PatientIdentifiers:
    """What identifies the patient on every page."""

    full_name: str
    practice_id: str  # the practice's own id (e.g. "P-000123")
    date_of_birth: date | None = None
    national_id: str = ""  # Medicare / NHS / MRN as the practice records it
    national_id_label: str = ""  # e.g. "Medicare", "NHS number"
    preferred_name: str = ""
    preferred_language: str = ""  # BCP-47 tag, e.g. "en", "ar", "he", "vi"
    interpreter_needed: bool = False


@dataclass(frozen=True)
class PlanHeader:
    status: str  # "Draft", "Active", "Under review", "Completed", "Cancelled"
    version: int
    version_date: datetime  # when this version was saved
    author: str  # name and role, e.g. "Jane Lee, Care coordinator"
    period_start: date | None = None
    period_end: date | None = None
    intensity: str = ""  # "Intensive", "Active", "Maintenance"
    intensity_reason: str = ""  # why the intensity was last changed
    programs: tuple[str, ...] = ()  # e.g. ("CMS chronic care management", "GPCCMP")
    plan_id: int | None = None


@dataclass(frozen=True)
class Problem:
    name: str  # "Type 2 diabetes"
    code: str = ""  # e.g. "SNOMED 44054006"
    since: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class Observation:
    """One measured value linked to a goal (HbA1c, systolic BP, weight, PHQ-9, steps, ...)."""

    on: date
    value: float
    note: str = ""


@dataclass(frozen=True)
class Goal:
    patient_words: str  # the goal as the patient said it
    measure: str = ""  # clinical measure, e.g. "HbA1c"
    target_value: float | None = None
    target_unit: str = ""  # "%", "mmHg", "kg", "steps/day"
    # Whether a value at or below the target is good ("below") or at or above ("above").
    target_direction: str = "below"
    due: date | None = None
    status: str = ""  # "Not started", "In progress", "Achieved", "Not achieved", ...
    priority: str = ""  # "High", "Medium", "Low"
    problem: str = ""  # the problem it belongs to, by name
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True)
class Intervention:
    what: str
    responsible: str  # a named person, a role or an outside provider ("Dr Patel (GP)")
    responsible_kind: str = ""  # "Staff", "Role", "External provider"
    frequency: str = ""  # "Every 3 months", "Weekly"
    status: str = ""  # "Planned", "Active", "Done", "Stopped"
    problem: str = ""
    is_service: bool = False  # a community or social service ordered for the patient


@dataclass(frozen=True)
class WarningSign:
    sign: str  # what the patient may notice
    action: str  # what to do
    who_to_call: str  # name or service
    phone: str = ""
    urgent: bool = False  # call emergency services rather than the practice

    @property
    def extra_phone(self) -> str:
        """The phone to print beside who to call, or "" when that text already gives it.

        Templates write who_to_call "000" with phone "000": printing both reads "000, 000".
        """
        compact = self.phone.replace(" ", "")
        return "" if not compact or compact in self.who_to_call.replace(" ", "") else self.phone


@dataclass(frozen=True)
class Agreement:
    agreed: bool
    by: str = ""  # "Patient", "Carer: Ann Smith"
    on: date | None = None
    how: str = ""  # "Verbal, in person", "Signed"


@dataclass(frozen=True)
class CopyGiven:
    to: str  # "Patient", "Carer", "Dr Wong, endocrinologist"
    on: date
    how: str  # "Printed", "Secure message", "Post"


@dataclass(frozen=True)
class Appointment:
    when: datetime
    with_whom: str  # "Practice nurse", "Dr Patel", "Podiatry at City Health"
    where: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Signature:
    role: str  # "Patient", "GP", "Care coordinator"
    name: str = ""  # printed under the line; empty leaves a blank to fill by hand
    signed_on: date | None = None


@dataclass(frozen=True)
class CarePlanDocument:
    """Everything the care plan for the record and the team prints."""

    practice: PracticeHeader
    patient: PatientIdentifiers
    plan: PlanHeader
    problems: tuple[Problem, ...] = ()
    goals: tuple[Goal, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    patient_actions: tuple[str, ...] = ()
    medication_notes: tuple[str, ...] = ()
    symptom_management: tuple[str, ...] = ()
    warning_signs: tuple[WarningSign, ...] = ()
    preferences: tuple[str, ...] = ()  # what the patient prefers and wants avoided
    cultural_considerations: tuple[str, ...] = ()  # cultural or religious considerations
    community_services: tuple[str, ...] = ()  # community and social services ordered
    coordination: tuple[str, ...] = ()  # how outside providers and agencies are coordinated
    expected_outcome: str = ""  # expected outcome and prognosis
    review_schedule: str = ""  # e.g. "Every 3 months"
    next_review: date | None = None
    reviews: tuple[str, ...] = ()  # one line per past review: when, who, what changed and why
    agreement: Agreement | None = None
    copies: tuple[CopyGiven, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    signatures: tuple[Signature, ...] = (
        Signature("Patient"),
        Signature("GP"),
        Signature("Care coordinator"),
    )
    printed_at: datetime | None = None
    printed_by: str = ""
    # One per program the practice claims under: (program name, the names of its elements this
    # plan still lacks; empty when complete), printed on the first page.
    completeness: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class HandoutDocument:
    """The plain-language, large-print take-home version of the same plan."""

    practice: PracticeHeader
    patient: PatientIdentifiers
    plan_version: int
    plan_date: date
    goals: tuple[Goal, ...] = ()  # printed in the patient's words, with the target in plain terms
    daily_actions: tuple[str, ...] = ()  # what to do each day
    medication_notes: tuple[str, ...] = ()
    warning_signs: tuple[WarningSign, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    care_team: tuple[tuple[str, str], ...] = ()  # (who, phone) to contact for questions
    next_review: date | None = None
    # Headings and fixed phrases, keyed as in documents.handout.LABELS; a practice that has a
    # checked translation passes it here, otherwise the English wording is used.
    labels: dict[str, str] = field(default_factory=dict)
    printed_at: datetime | None = None
