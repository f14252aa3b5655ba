"""Plain data the task services take and return (no sessions, no Qt): the board and its cards,
a task's detail, the filters, drafts, and the events other features send.

Stable for the UI: fields are added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from carecoord_desktop.models.staff import ROLE_LABELS, Role
from carecoord_desktop.models.task import (
    OPEN_STATES,
    TaskPriority,
    TaskSource,
    TaskState,
)

__all__ = [
    "COLUMN_TITLES",
    "OPEN_STATES",
    "PRIORITY_LABELS",
    "QUEUE_LABELS",
    "SOURCE_LABELS",
    "Board",
    "BoardFilter",
    "CheckItemRow",
    "CommentRow",
    "HistoryRow",
    "TaskCard",
    "TaskDetail",
    "TaskDraft",
    "TaskEvent",
    "TaskPriority",
    "TaskSource",
    "TaskState",
    "queue_label",
]

COLUMN_TITLES = {
    TaskState.TODO: "To do",
    TaskState.IN_PROGRESS: "In progress",
    TaskState.WAITING: "Waiting on someone",
    TaskState.DONE: "Done",
}
PRIORITY_LABELS = {
    TaskPriority.LOW: "Low",
    TaskPriority.NORMAL: "Normal",
    TaskPriority.HIGH: "High",
    TaskPriority.URGENT: "Urgent",
}
SOURCE_LABELS = {
    TaskSource.MANUAL: "Added by hand",
    TaskSource.PLAN: "Care plan",
    TaskSource.DISCHARGE: "Discharge",
    TaskSource.RECONCILIATION: "Medication reconciliation",
    TaskSource.REFERRAL: "Referral",
    TaskSource.CONFERENCE: "Care conference",
}
# A role's queue, as the board names it ("Nurses" until someone claims the task).
QUEUE_LABELS = {
    Role.ADMIN: "Administrators",
    Role.GP: "GPs",
    Role.NURSE: "Nurses",
    Role.COORDINATOR: "Care coordinators",
    Role.RECEPTION: "Reception",
}


def queue_label(role: str | Role | None) -> str:
    try:
        return QUEUE_LABELS[Role(role)]
    except ValueError:
        return str(role or "")


@dataclass(frozen=True)
class BoardFilter:
    """What the board or list shows; every filter given narrows it (they combine with AND).

    `mine`: tasks the actor owns. `my_queue`: unclaimed tasks in the actor's role's queue.
    `overdue`: open tasks due before `today`. `due_this_week`: due from today to Sunday.
    `done_days`: how far back the Done column reaches (None: no done tasks at all).
    `today` defaults to the local date; tests pass one.
    """

    mine: bool = False
    my_queue: bool = False
    patient_id: int | None = None
    overdue: bool = False
    due_this_week: bool = False
    source: TaskSource | str | None = None
    owner_id: int | None = None
    owner_role: Role | str | None = None
    done_days: int | None = 14
    today: date | None = None


@dataclass(frozen=True)
class TaskCard:
    """One card: all the board shows, from one read."""

    id: int
    version: int  # send back with a move or edit
    state: TaskState
    position: float
    title: str
    patient_id: int | None
    patient_name: str | None  # "FAMILY, Given"
    practice_id: str | None
    owner_id: int | None
    owner_name: str | None
    owner_role: str | None  # set while it sits in a role's queue
    due_date: date | None
    due_time: time | None
    priority: TaskPriority
    source: TaskSource
    source_id: str | None
    kind: str | None
    checklist_done: int
    checklist_total: int
    comment_count: int
    created_at: datetime
    completed_at: datetime | None

    @property
    def owner_label(self) -> str:
        """Who has it: a person, or the queue it waits in ("Nurses")."""
        if self.owner_name:
            return self.owner_name
        return queue_label(self.owner_role) if self.owner_role else "Unassigned"

    @property
    def is_open(self) -> bool:
        return self.state != TaskState.DONE

    def days_left(self, today: date) -> int | None:
        """Days until due (negative: overdue by that many); None without a due date."""
        return None if self.due_date is None else (self.due_date - today).days

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class Board:
    """The cards of each column in order, and what was asked."""

    columns: dict[TaskState, list[TaskCard]]
    filters: BoardFilter
    today: date
    open_total: int  # open tasks matching the filters

    def cards(self) -> list[TaskCard]:
        return [c for state in TaskState for c in self.columns.get(state, [])]


@dataclass(frozen=True)
class TaskDraft:
    """A new task, or a task's edit form. Give an owner or a role queue, or neither."""

    title: str
    patient_id: int | None = None
    details: str | None = None
    owner_id: int | None = None
    owner_role: Role | str | None = None
    due_date: date | None = None
    due_time: time | None = None
    priority: TaskPriority | str = TaskPriority.NORMAL


@dataclass(frozen=True)
class CommentRow:
    id: int
    author_name: str
    at: datetime
    body: str
    author_id: int | None = None


@dataclass(frozen=True)
class CheckItemRow:
    id: int
    version: int
    position: int
    text: str
    done: bool
    done_at: datetime | None = None
    done_by_id: int | None = None


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor_name: str
    action: str
    detail: str


@dataclass(frozen=True)
class TaskDetail:
    card: TaskCard
    details: str | None
    created_by_name: str | None
    completed_by_name: str | None
    resolution: str | None
    comments: list[CommentRow] = field(default_factory=list)
    checklist: list[CheckItemRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)


@dataclass(frozen=True)
class TaskEvent:
    """What another feature tells the board: "this event needs this task" (a plan review due, a
    reconciliation awaiting sign-off, a referral unanswered, a discharge's follow-up).

    The same (source, source_id, kind) is one task, however often it is sent: `dedupe_key`
    defaults to "source:source_id:kind". Give a different key to open a new task for a new
    occurrence (a review due each year: "plan:12:review:2027-03-01").
    """

    source: TaskSource | str
    source_id: str
    kind: str
    title: str
    patient_id: int | None = None
    due_date: date | None = None
    due_time: time | None = None
    owner_role: Role | str | None = None
    owner_id: int | None = None
    priority: TaskPriority | str = TaskPriority.NORMAL
    details: str | None = None
    checklist: tuple[str, ...] = ()
    dedupe_key: str | None = None

    @property
    def key(self) -> str:
        return self.dedupe_key or f"{TaskSource(self.source).value}:{self.source_id}:{self.kind}"


ROLE_QUEUE_CHOICES = tuple((role.value, QUEUE_LABELS[role]) for role in Role)
ROLE_NAMES = {role.value: ROLE_LABELS[role] for role in Role}
