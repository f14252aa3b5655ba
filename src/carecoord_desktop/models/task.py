"""The team's work: tasks on the board (with comments, a checklist and their history), transitions
of care (admissions, discharges, ED visits and the contacts that follow), coordination minutes
(a timer that lives in the database, and entries) and the practice's local holidays.

Enumerated values are stored as their plain text values (like patient.allergy_status), not as
SQL Enum columns: raw SQL reads, the bench and the migration all see the same words, and a new
value needs no schema change. The services validate them against the StrEnums here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column

TEXT_MAX = 2000  # a task's details, a comment


class TaskState(StrEnum):
    """The board's columns, left to right."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"  # waiting on someone (a hospital, a patient, a specialist)
    DONE = "done"


OPEN_STATES = (TaskState.TODO, TaskState.IN_PROGRESS, TaskState.WAITING)


class TaskPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TaskSource(StrEnum):
    """Where a task came from: the feature whose event created it, or a person (manual)."""

    MANUAL = "manual"
    PLAN = "plan"
    DISCHARGE = "discharge"
    RECONCILIATION = "reconciliation"
    REFERRAL = "referral"
    CONFERENCE = "conference"  # a decision taken at a care conference


class TransitionKind(StrEnum):
    ADMISSION = "admission"
    DISCHARGE = "discharge"
    ED_VISIT = "ed_visit"


class ContactMethod(StrEnum):
    """How a contact after a transition was made. Only the interactive ones (a conversation with
    the patient or carer) meet "interactive contact": a voicemail or a text sent does not."""

    PHONE_ANSWERED = "phone_answered"
    IN_PERSON = "in_person"
    VIDEO = "video"
    SECURE_MESSAGE_REPLY = "secure_message_reply"  # a two-way electronic exchange
    VOICEMAIL = "voicemail"
    SMS_SENT = "sms_sent"
    NO_ANSWER = "no_answer"


INTERACTIVE_METHODS = frozenset(
    {
        ContactMethod.PHONE_ANSWERED,
        ContactMethod.IN_PERSON,
        ContactMethod.VIDEO,
        ContactMethod.SECURE_MESSAGE_REPLY,
    }
)


class MinutesSource(StrEnum):
    TIMER = "timer"
    MANUAL = "manual"


class TimerState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"


_TASK_VERSION = version_column()


class Task(SQLModel, table=True):
    __tablename__ = "task"
    # The board reads open tasks by column in order; its filters by owner, role queue, patient,
    # due date and source each have an index led by the column they narrow to (migration 0011).
    __table_args__ = (
        Index("ix_task_state_position", "state", "position"),
        Index("ix_task_owner_state", "owner_id", "state"),
        Index("ix_task_role_state", "owner_role", "state"),
        Index("ix_task_patient_state", "patient_id", "state"),
        Index("ix_task_state_due", "state", "due_date"),
        Index("ix_task_source", "source", "source_id"),
        Index("ix_task_state_completed", "state", "completed_at"),
    )
    __mapper_args__ = {"version_id_col": _TASK_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TASK_VERSION)
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    title: str = Field(max_length=200)
    details: str | None = Field(default=None, max_length=TEXT_MAX)
    state: str = Field(default=TaskState.TODO.value, max_length=16)
    position: float = 0.0  # order within its column (gaps, so a move writes one row)
    owner_id: int | None = Field(default=None, foreign_key="staff_user.id")
    owner_role: str | None = Field(default=None, max_length=16)  # a role's queue until claimed
    due_date: date | None = None
    due_time: time | None = None
    priority: str = Field(default=TaskPriority.NORMAL.value, max_length=8)
    source: str = Field(default=TaskSource.MANUAL.value, max_length=16)
    source_id: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=32)  # contact, medrec, visit, review, …
    # One task per event: open_event_task finds it again by this key instead of adding another.
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    completed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    completed_at: datetime | None = None
    resolution: str | None = Field(default=None, max_length=200)  # "closed by its event", …


_TASK_COMMENT_VERSION = version_column()


class TaskComment(SQLModel, table=True):
    __tablename__ = "task_comment"
    __mapper_args__ = {"version_id_col": _TASK_COMMENT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TASK_COMMENT_VERSION)
    task_id: int = Field(foreign_key="task.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
    author_name: str = Field(max_length=120)
    at: datetime = Field(default_factory=utcnow)
    body: str = Field(max_length=TEXT_MAX)


_TASK_CHECK_ITEM_VERSION = version_column()


class TaskCheckItem(SQLModel, table=True):
    __tablename__ = "task_check_item"
    # Covering for the board's per-card "done of total" count (services/tasks/board.py).
    __table_args__ = (Index("ix_task_check_item_task_done", "task_id", "done"),)
    __mapper_args__ = {"version_id_col": _TASK_CHECK_ITEM_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TASK_CHECK_ITEM_VERSION)
    task_id: int = Field(foreign_key="task.id")
    position: int = 0
    text: str = Field(max_length=200)
    done: bool = False
    done_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    done_at: datetime | None = None


_TASK_HISTORY_VERSION = version_column()


class TaskHistory(SQLModel, table=True):
    """Every change to a task, in words (inside the encrypted workspace; the audit log has ids)."""

    __tablename__ = "task_history"
    __mapper_args__ = {"version_id_col": _TASK_HISTORY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TASK_HISTORY_VERSION)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor_name: str = Field(max_length=120)
    action: str = Field(max_length=32)  # created, moved, claimed, edited, completed, …
    detail: str = Field(default="", max_length=500)


_CARE_TRANSITION_VERSION = version_column()


class CareTransition(SQLModel, table=True):
    """An admission, discharge or ED visit as the practice heard of it, beside the record's
    hospital event (which the risk score and "recently discharged" read)."""

    __tablename__ = "care_transition"
    __table_args__ = (Index("ix_care_transition_patient_date", "patient_id", "event_date"),)
    __mapper_args__ = {"version_id_col": _CARE_TRANSITION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_CARE_TRANSITION_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    hospital_event_id: int | None = Field(default=None, foreign_key="hospital_event.id")
    kind: str = Field(max_length=16)  # TransitionKind
    event_date: date
    facility: str | None = Field(default=None, max_length=120)
    complexity: str | None = Field(default=None, max_length=16)  # moderate | high (discharge)
    summary_received_on: date | None = None
    notes: str | None = Field(default=None, max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


_TRANSITION_CONTACT_VERSION = version_column()


class TransitionContact(SQLModel, table=True):
    """One attempt to reach the patient after a transition: who, when, how."""

    __tablename__ = "transition_contact"
    __mapper_args__ = {"version_id_col": _TRANSITION_CONTACT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TRANSITION_CONTACT_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    transition_id: int | None = Field(default=None, foreign_key="care_transition.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    made_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    made_by_name: str = Field(max_length=120)
    made_at: datetime
    method: str = Field(max_length=24)  # ContactMethod
    interactive: bool = False
    with_whom: str | None = Field(default=None, max_length=120)  # "patient", "daughter (carer)"
    notes: str | None = Field(default=None, max_length=500)


_MINUTES_ENTRY_VERSION = version_column()


class MinutesEntry(SQLModel, table=True):
    """Coordination time spent on one patient, from the timer or typed in."""

    __tablename__ = "minutes_entry"
    __table_args__ = (
        Index("ix_minutes_entry_date_patient", "work_date", "patient_id"),
        Index("ix_minutes_entry_patient_date", "patient_id", "work_date"),
    )
    __mapper_args__ = {"version_id_col": _MINUTES_ENTRY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_MINUTES_ENTRY_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    staff_name: str = Field(max_length=120)
    work_date: date
    minutes: int
    activity: str = Field(max_length=200)  # what was done
    source: str = Field(default=MinutesSource.MANUAL.value, max_length=8)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


_MINUTES_TIMER_VERSION = version_column()


class MinutesTimer(SQLModel, table=True):
    """A running or paused timer: in the database, so a lock, a sign-out or a crash keeps it.
    Elapsed time is `accumulated_seconds` plus, while running, now - `segment_started_at`."""

    __tablename__ = "minutes_timer"
    __table_args__ = (
        Index("ux_minutes_timer_staff_patient", "staff_id", "patient_id", unique=True),
    )
    __mapper_args__ = {"version_id_col": _MINUTES_TIMER_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_MINUTES_TIMER_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    staff_id: int = Field(foreign_key="staff_user.id")
    state: str = Field(default=TimerState.RUNNING.value, max_length=8)
    started_at: datetime = Field(default_factory=utcnow)
    segment_started_at: datetime | None = None
    accumulated_seconds: int = 0
    activity: str | None = Field(default=None, max_length=200)


_LOCAL_HOLIDAY_VERSION = version_column()


class LocalHoliday(SQLModel, table=True):
    """A day the practice is closed that the region's calendar does not know (a show day)."""

    __tablename__ = "local_holiday"
    __mapper_args__ = {"version_id_col": _LOCAL_HOLIDAY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_LOCAL_HOLIDAY_VERSION)
    day: date = Field(unique=True)
    name: str = Field(max_length=120)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


# The rows of this module that belong to a patient: a merge of two records moves them with the
# record's own lists (services/patients/record.py). Timers move too, but one owner's timers on
# both records combine into one (services/tasks/minutes.merge_timers).
PATIENT_ROWS = (Task, CareTransition, TransitionContact, MinutesEntry)
