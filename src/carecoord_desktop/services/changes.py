"""Change notices: what a service write changed, returned with its result.

Every write returns `Changed(value, changes)`. The GUI publishes `changes` once (AppState.publish)
and each open screen or window refreshes only what the notice touches, so no screen needs to know
which others are open (the model is Anki's `OpChanges` and `operation_did_execute`). Plain data,
no Qt: the CLI and the tests read the same notices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Kind(StrEnum):
    """The kinds of record a write can change (one per section of what screens show)."""

    PATIENT = "patient"  # demographics, coordinator, contact details, archived/merged
    CONDITIONS = "conditions"
    ALLERGIES = "allergies"  # the list and the "no known allergies" statement
    MEDICINES = "medicines"
    HOSPITAL = "hospital"  # admissions and ED visits
    CONTACTS = "contacts"  # next of kin and carers
    CARE_TEAM = "care_team"
    STAFF = "staff"
    SETTINGS = "settings"
    AUDIT = "audit"
    TASKS = "tasks"  # the board: tasks, their comments, checklists and history
    TRANSITIONS = "transitions"  # admissions, discharges, ED visits and the contacts after them
    MINUTES = "minutes"  # coordination minutes: entries and running timers
    CARE_PLANS = "care_plans"  # a patient's plans, their versions, reviews, copies, agreement
    OBSERVATIONS = "observations"  # measured values (HbA1c, BP, ...) that goals chart
    MED_RECONCILIATION = "med_reconciliation"  # a reconciliation session's lists and decisions
    REFERRALS = "referrals"  # a patient's referrals, their steps and the documents shared
    RESOURCES = "resources"  # the community resources directory (not one patient's)
    CONFERENCES = "conferences"  # a patient's care conferences: people, agenda, minutes, decisions


# What a patient's lists are made of (a merge moves all of them).
PATIENT_LISTS = frozenset(
    {Kind.CONDITIONS, Kind.ALLERGIES, Kind.MEDICINES, Kind.HOSPITAL, Kind.CONTACTS, Kind.CARE_TEAM}
) | {Kind.TASKS, Kind.TRANSITIONS, Kind.MINUTES, Kind.REFERRALS, Kind.CONFERENCES}


@dataclass(frozen=True)
class Changes:
    """Which kinds of record changed, for which patients; `membership` when who is on the active
    register may have changed (a new, archived, unarchived, merged or imported patient)."""

    kinds: frozenset[Kind] = frozenset()
    patient_ids: frozenset[int] = frozenset()
    membership: bool = False

    @classmethod
    def of(cls, *kinds: Kind, patients: Iterable[int] = (), membership: bool = False) -> Changes:
        return cls(frozenset(kinds), frozenset(patients), membership)

    @classmethod
    def patient(cls, patient_id: int, *kinds: Kind, membership: bool = False) -> Changes:
        """Changes to one patient's record (the audit log grows with every write)."""
        return cls.of(*kinds, Kind.AUDIT, patients=(patient_id,), membership=membership)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds,
            self.patient_ids | other.patient_ids,
            self.membership or other.membership,
        )

    def __bool__(self) -> bool:
        return bool(self.kinds or self.patient_ids or self.membership)

    def touches(self, kinds: Iterable[Kind], patient_id: int | None = None) -> bool:
        """True when one of `kinds` changed (for `patient_id`, when given)."""
        if patient_id is not None and patient_id not in self.patient_ids:
            return False
        return not self.kinds.isdisjoint(kinds)


NO_CHANGES = Changes()


@dataclass(frozen=True)
class Changed(Generic[T]):
    """A write's result and what it changed."""

    value: T
    changes: Changes = field(default=NO_CHANGES)
