"""Plain data the care conference services take and return (no sessions, no ORM rows).

The contract between the conference services, the screens and the documents: add fields
(with defaults) rather than rename them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from carecoord_desktop.models._common import label_for
from carecoord_desktop.models.conference import (
    AGENDA_SOURCE_LABELS,
    ATTENDANCE_LABELS,
    CONFERENCE_STATUS_LABELS,
    AgendaSource,
    Attendance,
    ConferenceStatus,
    DecisionKind,
    ParticipantKind,
)


def status_label(value: str) -> str:
    return label_for(CONFERENCE_STATUS_LABELS, ConferenceStatus, value)


def attendance_label(value: str) -> str:
    return label_for(ATTENDANCE_LABELS, Attendance, value)


def source_label(value: str) -> str:
    return label_for(AGENDA_SOURCE_LABELS, AgendaSource, value)


@dataclass(frozen=True)
class ParticipantDraft:
    """One invitee as the scheduling form holds it. `id` None: a new invitee."""

    kind: ParticipantKind | str
    name: str
    discipline: str
    staff_user_id: int | None = None
    care_team_member_id: int | None = None
    organisation: str | None = None
    contact: str | None = None
    attendance: Attendance | str = Attendance.INVITED
    joined_how: str | None = None  # JoinMethod
    id: int | None = None


@dataclass(frozen=True)
class ConferenceDraft:
    """What the scheduling form holds. `id` None: a new conference."""

    patient_id: int
    scheduled_at: datetime  # aware
    planned_minutes: int = 30
    title: str = "Care conference"
    place: str | None = None
    video_link: str | None = None
    organiser_id: int | None = None
    plan_id: int | None = None  # None: the patient's open care plan, if any
    patient_questions: str | None = None
    participants: tuple[ParticipantDraft, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class Invitable:
    """Someone the form offers to invite: practice staff, the patient's care team, the
    patient and their carers (from the record's contacts)."""

    kind: str  # ParticipantKind
    name: str
    discipline: str
    staff_user_id: int | None = None
    care_team_member_id: int | None = None
    organisation: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    version: int
    kind: str
    name: str
    discipline: str
    staff_user_id: int | None
    care_team_member_id: int | None
    organisation: str | None
    contact: str | None
    attendance: str
    joined_how: str | None

    @property
    def attended(self) -> bool:
        return self.attendance == Attendance.ATTENDED.value

    @property
    def is_provider(self) -> bool:
        """A formal care provider (counts towards the team), not the patient or a carer."""
        return self.kind in (
            ParticipantKind.STAFF.value,
            ParticipantKind.PROVIDER.value,
            ParticipantKind.OTHER.value,
        )


@dataclass(frozen=True)
class AgendaItemDraft:
    """An agenda item as built from the record or typed. `id` None: a new item."""

    title: str
    source: AgendaSource | str = AgendaSource.MANUAL
    source_ref: str | None = None
    detail: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class AgendaItemRow:
    id: int
    version: int
    position: int
    source: str
    source_ref: str | None
    title: str
    detail: str | None
    minutes: str | None
    discussed: bool


@dataclass(frozen=True)
class PlanChange:
    """A change to the care plan decided at the conference, applied as a new plan version.

    kind: "add_intervention" (text, responsible_role or responsible_staff_id),
    "change_goal_target" (goal_uid, target_value), "add_goal" (text: the patient's words,
    measure, target_value, target_unit, due), "review_on" (due: the next review date)."""

    kind: str
    text: str | None = None
    goal_uid: str | None = None
    measure: str | None = None
    target_value: float | None = None
    target_unit: str | None = None
    due: date | None = None
    responsible_role: str | None = None
    responsible_staff_id: int | None = None


@dataclass(frozen=True)
class DecisionDraft:
    """A decision. kind TASK needs an owner (owner_id or owner_role) and a due date;
    PLAN_CHANGE needs `plan_change`."""

    text: str
    kind: DecisionKind | str = DecisionKind.NOTE
    agenda_item_id: int | None = None
    owner_id: int | None = None
    owner_role: str | None = None
    due_date: date | None = None
    plan_change: PlanChange | None = None


@dataclass(frozen=True)
class DecisionRow:
    id: int
    version: int
    agenda_item_id: int | None
    kind: str
    text: str
    owner_id: int | None
    owner_role: str | None
    owner_name: str  # "Dr Lee", "Nurses' queue", "" for a note
    due_date: date | None
    task_id: int | None
    plan_id: int | None
    plan_version: int | None
    plan_change: str | None
    created_by_name: str
    created_at: datetime


@dataclass(frozen=True)
class Tier:
    """The elapsed minutes against the case-conference item tiers (items 735-758)."""

    label: str  # "Under 15 minutes: no item", "15 to under 20 minutes", ...
    minimum: int  # the tier's lower bound in minutes (0 below the first tier)
    next_at: int | None  # minutes at which the next tier starts (None: the top tier)
    organiser_item: str | None  # "735" ... None below 15 minutes
    participant_item: str | None  # "747" ...


@dataclass(frozen=True)
class ConferenceSummary:
    """A row of the conference lists (practice-wide and the record's)."""

    id: int
    version: int
    patient_id: int
    patient_name: str
    practice_id: str
    title: str
    scheduled_at: datetime
    status: str
    place: str | None
    video_link: str | None
    organiser_name: str
    invited: int
    attended: int
    agreed: bool | None
    minutes: int | None  # elapsed once held


@dataclass(frozen=True)
class ConferenceRecord:
    """One conference, whole: what the conference window shows."""

    id: int
    version: int
    patient_id: int
    patient_name: str
    practice_id: str
    plan_id: int | None
    title: str
    scheduled_at: datetime
    planned_minutes: int
    place: str | None
    video_link: str | None
    organiser_id: int | None
    organiser_name: str
    status: str
    agreed: bool | None
    agreed_on: date | None
    agreed_how: str | None
    agreement_note: str | None
    started_at: datetime | None
    ended_at: datetime | None
    patient_questions: str | None
    summary_offered_on: date | None
    cancel_reason: str | None
    participants: tuple[ParticipantRow, ...] = ()
    agenda: tuple[AgendaItemRow, ...] = ()
    decisions: tuple[DecisionRow, ...] = ()
    times_note: str | None = None  # why the stamped times were corrected, if they were

    @property
    def elapsed_minutes(self) -> int | None:
        """Whole minutes from start to end (None until both are stamped)."""
        if self.started_at is None or self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() // 60)


@dataclass(frozen=True)
class CheckElement:
    """One element of the case-conference rule pack, met or not, with what to do."""

    key: str
    name: str
    met: bool
    detail: str  # what was found, or what is missing and how to fix it


@dataclass(frozen=True)
class ConferenceCheck:
    pack_key: str
    pack_name: str
    elements: tuple[CheckElement, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> tuple[CheckElement, ...]:
        return tuple(e for e in self.elements if not e.met)

    @property
    def complete(self) -> bool:
        return not self.missing
