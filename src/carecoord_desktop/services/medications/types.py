"""The plain data the medicine services take and return (screens, the CLI and documents read
these; no session, no Qt). Every row carries the `version` it was read at: send it back with
an edit, and a save after someone else's is refused (StaleEditError) instead of reverting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED
from carecoord_desktop.models.medication import (
    ChangeAction,
    Decision,
    MedicineStatus,
    RecState,
    SourceEntry,
    SourceKind,
)

__all__ = [
    "NOT_RECOGNISED",
    "AwaitingSignoff",
    "ChangeAction",
    "Decision",
    "FlagView",
    "MedicineChangeRow",
    "MedicineDraft",
    "MedicineList",
    "MedicineRow",
    "MedicineStatus",
    "RecItemView",
    "RecLineView",
    "RecSourceView",
    "RecState",
    "ReconciliationSummary",
    "ReconciliationView",
    "SourceEntry",
    "SourceInput",
    "SourceKind",
    "Transition",
]

TIMES_OF_DAY = ("morning", "midday", "evening", "night")  # the card's columns, in order
DECISION_TEXT = {
    Decision.CONTINUE: "Continue",
    Decision.STOP: "Stop",
    Decision.CHANGE: "Change",
    Decision.NEW: "Start (new)",
    Decision.CLARIFY: "Clarify with prescriber",
}
STATE_TEXT = {
    RecState.OPEN: "Open",
    RecState.AWAITING_SIGNOFF: "Awaiting sign-off",
    RecState.SIGNED: "Signed off",
    RecState.ABANDONED: "Abandoned",
}
SOURCE_TEXT = {
    SourceKind.CURRENT: "Current list",
    SourceKind.NEW: "New orders",
    SourceKind.REPORTED: "Patient reports",
}


# -- the current list ------------------------------------------------------------------------
@dataclass(frozen=True)
class MedicineDraft:
    """A medicine to add or the new values of one. `written` is the line as the prescriber or
    patient wrote it ("Lasix 40mg mane"); fields left None are read from it by the line
    grammar, fields given win. Nothing is ever dropped: what the grammar cannot read stays in
    `written`, and a name the knowledge base does not know is kept as written."""

    written: str
    name: str | None = None
    strength: str | None = None
    dose: str | None = None  # per dose: "1 tablet", "2 puffs", "20 units"
    route: str | None = None
    frequency: str | None = None
    times_of_day: tuple[str, ...] | None = None  # of TIMES_OF_DAY
    indication: str | None = None
    prescriber: str | None = None
    started: date | None = None
    source: str | None = None  # "GP", "discharge summary", "patient", "FHIR import"
    notes: str | None = None


@dataclass(frozen=True)
class MedicineRow:
    id: int
    patient_id: int
    name: str  # as written (the medicine's words)
    written: str  # the whole line as written
    ingredients: tuple[str, ...]  # empty: not recognised
    recognised_as: str  # "paracetamol + codeine"; NOT_RECOGNISED when not recognised
    strength: str | None
    dose: str | None
    route: str | None
    frequency: str | None
    times_of_day: tuple[str, ...]
    indication: str | None
    prescriber: str | None
    started: date | None
    stopped: date | None
    stop_reason: str | None
    source: str | None
    status: str  # MedicineStatus
    notes: str | None
    updated_at: datetime | None
    version: int = 1

    @property
    def recognised(self) -> bool:
        return bool(self.ingredients)

    @property
    def active(self) -> bool:
        return self.status == MedicineStatus.ACTIVE


@dataclass(frozen=True)
class FlagView:
    """A problem found over a list: kind is one of ingredient_duplicate, class_duplicate,
    interaction, unrecognised, dose_changed, frequency_changed, omitted, reported_differs."""

    kind: str
    text: str  # one plain sentence
    severity: str = ""  # interactions: contraindicated | major | moderate | minor
    advice: str = ""
    source: str = ""
    item_ids: tuple[int, ...] = ()  # a session's rows it concerns (RecItemView.id)
    medication_ids: tuple[int, ...] = ()  # the current list's medicines it concerns


@dataclass(frozen=True)
class MedicineList:
    patient_id: int
    medicines: list[MedicineRow]  # active first, then stopped, each in the order added
    flags: list[FlagView]  # over the active medicines
    kb_version: str

    @property
    def active(self) -> list[MedicineRow]:
        return [m for m in self.medicines if m.active]

    @property
    def stopped(self) -> list[MedicineRow]:
        return [m for m in self.medicines if not m.active]


@dataclass(frozen=True)
class MedicineChangeRow:
    id: int
    medication_id: int
    at: datetime
    actor_name: str
    action: str  # ChangeAction
    fields: tuple[str, ...]
    before: dict
    after: dict
    reason: str | None
    reconciliation_id: int | None


# -- reconciliation --------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceInput:
    """A source list for a session: `text` (typed or pasted, one medicine per line) or
    `fhir` (the bytes of a FHIR R4 Bundle / resource file). The current list is taken from
    the patient's record and needs no input."""

    kind: SourceKind | str
    label: str = ""  # "Discharge summary, Royal Melbourne"; a default is chosen when empty
    text: str | None = None
    fhir: bytes | None = None
    received_on: date | None = None


@dataclass(frozen=True)
class RecSourceView:
    id: int
    kind: str  # SourceKind
    entered: str  # SourceEntry
    label: str
    received_on: date | None
    line_count: int


@dataclass(frozen=True)
class RecLineView:
    id: int
    source_id: int
    source_kind: str  # SourceKind
    position: int
    written: str  # exactly as written
    name: str
    strength: str | None
    dose: str | None
    route: str | None
    frequency: str | None
    times_of_day: tuple[str, ...]
    instructions: str | None
    unparsed: str | None  # what the grammar could not read (shown, flagged)
    ingredients: tuple[str, ...]
    recognised_as: str  # NOT_RECOGNISED when not recognised
    stopped: bool
    reason: str | None
    indication: str | None
    prescriber: str | None
    started: date | None
    medication_id: int | None  # a current-list line: the medicine it stands for

    @property
    def recognised(self) -> bool:
        return bool(self.ingredients)


@dataclass(frozen=True)
class RecItemView:
    """One row of the side-by-side view."""

    id: int
    position: int
    current: RecLineView | None
    new: RecLineView | None
    reported: RecLineView | None
    status: str  # knowledge.reconcile.Status value
    status_text: str  # "Dose changed"
    matched_by: str  # ingredient | partial | name | manual | ""
    changes: tuple[str, ...]
    note: str
    flags: tuple[FlagView, ...]
    decision: str | None  # Decision
    reason: str | None
    decided_by_name: str | None
    decided_at: datetime | None
    version: int

    @property
    def lines(self) -> list[RecLineView]:
        return [x for x in (self.current, self.new, self.reported) if x is not None]

    @property
    def recognised(self) -> bool:
        return all(line.recognised for line in self.lines)


class Transition(NamedTuple):
    """The hospital stay a session reconciles, as data: screens write its dates their way."""

    kind: str  # "Admission" or "ED visit"
    start: date
    end: date | None
    facility: str | None


@dataclass(frozen=True)
class ReconciliationView:
    id: int
    patient_id: int
    state: str  # RecState
    state_text: str
    hospital_event_id: int | None
    transition: str  # "Admission 3 Nov – 9 Nov 2026, Royal Melbourne" or ""
    started_at: datetime
    started_by_name: str
    submitted_at: datetime | None
    submitted_by_name: str | None
    signed_at: datetime | None
    signed_by_name: str | None
    signoff_note: str | None
    abandoned_reason: str | None
    sources: list[RecSourceView]
    items: list[RecItemView]
    flags: list[FlagView]  # over the list that would result
    undecided: int  # rows without a decision (sign-off needs none)
    kb_version: str
    version: int
    summary: list[dict] = field(default_factory=list)  # after sign-off: what changed and why
    transition_of: Transition | None = None  # `transition` as data

    @property
    def editable(self) -> bool:
        return self.state == RecState.OPEN


@dataclass(frozen=True)
class ReconciliationSummary:
    id: int
    patient_id: int
    state: str
    state_text: str
    transition: str
    started_at: datetime
    started_by_name: str
    signed_at: datetime | None
    signed_by_name: str | None


class AwaitingSignoff(NamedTuple):
    """(patient_id, session_id, since): a tuple for the task board, with names."""

    patient_id: int
    session_id: int
    since: datetime
