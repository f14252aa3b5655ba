"""Medicines: the history of every change to a patient's medicine list, and reconciliation
sessions (two or three source lists side by side, matched, decided line by line, signed off).

The list itself is `Medication` (models/patient.py, extended by migration 0010). Plain text
columns, not Enum columns, hold the states below (their values are what is stored). Table
models only: services/medications/types holds the plain dataclasses screens receive.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column

TEXT_MAX = 500


class MedicineStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"  # FHIR MedicationStatement's word (the demo and imports use it)


class ChangeAction(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    STOPPED = "stopped"
    RESTARTED = "restarted"


class RecState(StrEnum):
    OPEN = "open"
    AWAITING_SIGNOFF = "awaiting_signoff"
    SIGNED = "signed"
    ABANDONED = "abandoned"


class SourceKind(StrEnum):
    """The three lists of a reconciliation (the engine's "current", "new", "reported")."""

    CURRENT = "current"  # the practice's list before the transition
    NEW = "new"  # new orders: a discharge list, a specialist letter
    REPORTED = "reported"  # what the patient (or carer) says they actually take


class SourceEntry(StrEnum):
    """How a source list reached the session."""

    CURRENT_LIST = "current_list"  # copied from the patient's medicine list
    TYPED = "typed"  # typed or pasted, one line per medicine
    FHIR = "fhir"  # a FHIR R4 file (MedicationRequest / MedicationStatement)


class Decision(StrEnum):
    CONTINUE = "continue"
    STOP = "stop"
    CHANGE = "change"
    NEW = "new"
    CLARIFY = "clarify"  # ask the prescriber before anything changes


class MedicationChange(SQLModel, table=True):
    """One change to one medicine: who, when, what (the fields, before and after) and why."""

    __tablename__ = "medication_change"

    id: int | None = Field(default=None, primary_key=True)
    medication_id: int = Field(foreign_key="medication.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor_name: str = Field(max_length=120)
    action: str = Field(max_length=16)  # ChangeAction
    changed_fields: str = Field(default="", max_length=300)  # ", "-separated names
    before: str | None = None  # JSON {field: value} of the changed fields
    after: str | None = None
    reason: str | None = Field(default=None, max_length=TEXT_MAX)
    reconciliation_id: int | None = Field(default=None, foreign_key="med_reconciliation.id")


_REC_VERSION = version_column()


class MedReconciliation(SQLModel, table=True):
    """A reconciliation session. Every write to it (a source, a match, a decision) bumps its
    version, so two people deciding on one session cannot overwrite each other's work."""

    __tablename__ = "med_reconciliation"
    __table_args__ = (Index("ix_med_reconciliation_state_patient", "state", "patient_id"),)
    __mapper_args__ = {"version_id_col": _REC_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_REC_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    hospital_event_id: int | None = Field(default=None, foreign_key="hospital_event.id")
    state: str = Field(default=RecState.OPEN.value, max_length=20)
    started_at: datetime = Field(default_factory=utcnow)
    started_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    started_by_name: str = Field(max_length=120)
    submitted_at: datetime | None = None
    submitted_by_name: str | None = Field(default=None, max_length=120)
    signed_at: datetime | None = None
    signed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    signed_by_name: str | None = Field(default=None, max_length=120)
    signoff_note: str | None = Field(default=None, max_length=TEXT_MAX)
    abandoned_at: datetime | None = None
    abandoned_reason: str | None = Field(default=None, max_length=TEXT_MAX)
    # Manual matches, kept across re-matching: JSON [[line_id, line_id, ...], ...], and the
    # lines never matched automatically: JSON [line_id, ...].
    manual_pairs: str = Field(default="[]", max_length=4000)
    kept_apart: str = Field(default="[]", max_length=4000)
    # Written at sign-off: what changed and why (JSON), and the knowledge base that checked it.
    summary: str | None = None
    kb_version: str | None = Field(default=None, max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)


class MedRecSource(SQLModel, table=True):
    __tablename__ = "med_rec_source"

    id: int | None = Field(default=None, primary_key=True)
    reconciliation_id: int = Field(foreign_key="med_reconciliation.id", index=True)
    kind: str = Field(max_length=16)  # SourceKind
    entered: str = Field(max_length=16)  # SourceEntry
    label: str = Field(max_length=120)  # "Discharge summary, Royal Melbourne"
    received_on: date | None = None
    added_at: datetime = Field(default_factory=utcnow)


class MedRecLine(SQLModel, table=True):
    """One medicine of one source list: as written, as read, as recognised."""

    __tablename__ = "med_rec_line"

    id: int | None = Field(default=None, primary_key=True)
    reconciliation_id: int = Field(foreign_key="med_reconciliation.id", index=True)
    source_id: int = Field(foreign_key="med_rec_source.id", index=True)
    position: int = 0
    written: str = Field(max_length=300)  # exactly as written
    stopped: bool = False  # the source itself says stopped (FHIR status, a "cease" line)
    reason: str | None = Field(default=None, max_length=TEXT_MAX)  # the source's own reason
    # Read by the line grammar (knowledge/medline).
    name: str = Field(default="", max_length=200)
    strength: str | None = Field(default=None, max_length=80)
    dose: str | None = Field(default=None, max_length=80)
    route: str | None = Field(default=None, max_length=40)
    frequency: str | None = Field(default=None, max_length=80)
    times_of_day: str | None = Field(default=None, max_length=80)
    instructions: str | None = Field(default=None, max_length=300)
    unparsed: str | None = Field(default=None, max_length=300)
    # Recognised by the knowledge base (empty: "not recognised: no checks run").
    ingredients: str = Field(default="", max_length=300)
    recognised_as: str = Field(default="", max_length=200)
    # From the source where it says (FHIR) or from the current list.
    indication: str | None = Field(default=None, max_length=200)
    prescriber: str | None = Field(default=None, max_length=120)
    started: date | None = None
    # A line of the current list: the medicine it came from and that medicine's version then.
    medication_id: int | None = Field(default=None, foreign_key="medication.id")
    medication_version: int | None = None


_ITEM_VERSION = version_column()


class MedRecItem(SQLModel, table=True):
    """One row of the side-by-side view: a medicine's lines matched across the lists, its
    status, flags and the decision taken on it. Rebuilt at each re-match; a decision stays
    with a row whose lines are unchanged."""

    __tablename__ = "med_rec_item"
    __mapper_args__ = {"version_id_col": _ITEM_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_ITEM_VERSION)
    reconciliation_id: int = Field(foreign_key="med_reconciliation.id", index=True)
    position: int = 0
    # The row's line ids per list (no foreign keys: a row is rebuilt, its lines stay).
    current_line_id: int | None = None
    new_line_id: int | None = None
    reported_line_id: int | None = None
    status: str = Field(max_length=24)  # knowledge.reconcile.Status
    matched_by: str = Field(default="", max_length=16)
    changes: str = Field(default="", max_length=80)  # "dose, frequency"
    note: str = Field(default="", max_length=TEXT_MAX)
    flags: str = Field(default="[]")  # JSON [{"kind", "text", "severity", "advice", "source"}]
    decision: str | None = Field(default=None, max_length=16)  # Decision
    reason: str | None = Field(default=None, max_length=TEXT_MAX)
    decided_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    decided_by_name: str | None = Field(default=None, max_length=120)
    decided_at: datetime | None = None
