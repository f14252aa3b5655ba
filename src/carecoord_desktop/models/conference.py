"""Care conferences: a meeting of the patient's GP and other providers (and the patient or
carer where they attend) about one patient, from scheduling to the summary.

A conference has its invitees/attendees, the patient's agreement, an agenda built from the
record and then edited, the stamped start and end of the meeting, minutes per agenda item and
the decisions taken (each a note, a task on the board or a change to the care plan).

Enumerated values are stored as their plain text values, as in models/task.py and
models/referral.py; the services validate against the enums.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column

TEXT_MAX = 4000


class ConferenceStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"  # started, not ended
    HELD = "held"  # started and ended
    CANCELLED = "cancelled"


CONFERENCE_STATUS_LABELS = {
    ConferenceStatus.SCHEDULED: "Scheduled",
    ConferenceStatus.IN_PROGRESS: "In progress",
    ConferenceStatus.HELD: "Held",
    ConferenceStatus.CANCELLED: "Cancelled",
}


class ParticipantKind(StrEnum):
    STAFF = "staff"  # a practice staff member (staff_user_id)
    PROVIDER = "provider"  # an outside provider from the patient's care team (care_team_member_id)
    PATIENT = "patient"
    CARER = "carer"
    OTHER = "other"  # an outside provider typed in for this conference


class Attendance(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ATTENDED = "attended"
    ABSENT = "absent"  # accepted or invited, did not come


ATTENDANCE_LABELS = {
    Attendance.INVITED: "Invited",
    Attendance.ACCEPTED: "Accepted",
    Attendance.DECLINED: "Declined",
    Attendance.ATTENDED: "Attended",
    Attendance.ABSENT: "Did not attend",
}


class JoinMethod(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class AgreementMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"


class AgendaSource(StrEnum):
    """Where an agenda item came from: the record (built) or a person (manual)."""

    GOAL_OFF_TRACK = "goal_off_track"
    OVERDUE_TASK = "overdue_task"
    TRANSITION = "transition"  # a recent admission, discharge or ED visit
    MEDICATION_CHANGE = "medication_change"
    OPEN_REFERRAL = "open_referral"
    PATIENT_QUESTION = "patient_question"
    MANUAL = "manual"


AGENDA_SOURCE_LABELS = {
    AgendaSource.GOAL_OFF_TRACK: "Goal off track",
    AgendaSource.OVERDUE_TASK: "Overdue task",
    AgendaSource.TRANSITION: "Recent hospital stay",
    AgendaSource.MEDICATION_CHANGE: "Medicine change",
    AgendaSource.OPEN_REFERRAL: "Open referral",
    AgendaSource.PATIENT_QUESTION: "Patient's question",
    AgendaSource.MANUAL: "Added",
}


class DecisionKind(StrEnum):
    NOTE = "note"  # recorded in the minutes only
    TASK = "task"  # became a task on the board (task_id)
    PLAN_CHANGE = "plan_change"  # changed the care plan (plan_id, plan_version)


_CONFERENCE_VERSION = version_column()


class CareConference(SQLModel, table=True):
    __tablename__ = "care_conference"
    # A record's conferences by date; the practice's upcoming list by status and date.
    __table_args__ = (
        Index("ix_care_conference_patient_at", "patient_id", "scheduled_at"),
        Index("ix_care_conference_status_at", "status", "scheduled_at"),
    )
    __mapper_args__ = {"version_id_col": _CONFERENCE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_CONFERENCE_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    plan_id: int | None = Field(default=None, foreign_key="care_plan.id")
    title: str = Field(default="Care conference", max_length=120)
    scheduled_at: datetime  # aware UTC, like every datetime here
    planned_minutes: int = 30
    place: str | None = Field(default=None, max_length=200)
    video_link: str | None = Field(default=None, max_length=300)
    organiser_id: int | None = Field(default=None, foreign_key="staff_user.id")
    status: str = Field(default=ConferenceStatus.SCHEDULED.value, max_length=16)
    # The patient's agreement to the conference (the MBS items need it before it is held).
    agreed: bool | None = None  # None: not asked yet; False: the patient declined
    agreed_on: date | None = None
    agreed_how: str | None = Field(default=None, max_length=16)  # AgreementMethod
    agreement_note: str | None = Field(default=None, max_length=500)
    agreement_recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # Stamped by the meeting mode (aware UTC); a correction keeps who changed them, audited.
    started_at: datetime | None = None
    ended_at: datetime | None = None
    # Why the stamped times were corrected, when they were (services/conferences/meeting.py).
    times_note: str | None = Field(default=None, max_length=500)
    # Questions the patient raised beforehand (one per line) become agenda items.
    patient_questions: str | None = Field(default=None, max_length=TEXT_MAX)
    summary_offered_on: date | None = None  # the summary offered to the patient
    cancel_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


_PARTICIPANT_VERSION = version_column()


class ConferenceParticipant(SQLModel, table=True):
    """One invitee: who, of what discipline, and whether they came and how."""

    __tablename__ = "conference_participant"
    __mapper_args__ = {"version_id_col": _PARTICIPANT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PARTICIPANT_VERSION)
    conference_id: int = Field(foreign_key="care_conference.id", index=True)
    kind: str = Field(max_length=16)  # ParticipantKind
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    care_team_member_id: int | None = Field(default=None, foreign_key="care_team_member.id")
    # As addressed for this conference (the team entry may change later).
    name: str = Field(max_length=120)
    discipline: str = Field(max_length=80)  # "General practitioner", "Pharmacist", ...
    organisation: str | None = Field(default=None, max_length=120)
    contact: str | None = Field(default=None, max_length=120)
    attendance: str = Field(default=Attendance.INVITED.value, max_length=16)
    joined_how: str | None = Field(default=None, max_length=16)  # JoinMethod
    position: int = 0


_AGENDA_VERSION = version_column()


class ConferenceAgendaItem(SQLModel, table=True):
    __tablename__ = "conference_agenda_item"
    __mapper_args__ = {"version_id_col": _AGENDA_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_AGENDA_VERSION)
    conference_id: int = Field(foreign_key="care_conference.id", index=True)
    position: int = 0
    source: str = Field(default=AgendaSource.MANUAL.value, max_length=24)
    # What in the record the item was built from ("goal:<uid>", "task:12", "referral:3", ...):
    # building the agenda again does not add the same item twice.
    source_ref: str | None = Field(default=None, max_length=80)
    title: str = Field(max_length=200)
    detail: str | None = Field(default=None, max_length=TEXT_MAX)
    minutes: str | None = Field(default=None, max_length=TEXT_MAX)  # what was discussed
    discussed: bool = False


_DECISION_VERSION = version_column()


class ConferenceDecision(SQLModel, table=True):
    __tablename__ = "conference_decision"
    __mapper_args__ = {"version_id_col": _DECISION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_DECISION_VERSION)
    conference_id: int = Field(foreign_key="care_conference.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="conference_agenda_item.id")
    kind: str = Field(default=DecisionKind.NOTE.value, max_length=16)
    text: str = Field(max_length=1000)
    # A task decision: who does it by when (a person or a role queue), and the task made.
    owner_id: int | None = Field(default=None, foreign_key="staff_user.id")
    owner_role: str | None = Field(default=None, max_length=16)
    due_date: date | None = None
    task_id: int | None = Field(default=None, foreign_key="task.id")
    # A plan decision: the plan version it made and the change in words.
    plan_id: int | None = Field(default=None, foreign_key="care_plan.id")
    plan_version: int | None = None
    plan_change: str | None = Field(default=None, max_length=1000)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


# A patient's rows a merge of two records moves to the kept one (services/patients/merge.py).
PATIENT_ROWS = (CareConference,)
