"""Plain data of the patient record: what services return and what forms send back."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.patient import (
    AcdStatus,
    ContactMethod,
    HospitalEventKind,
    Sex,
)

if TYPE_CHECKING:
    from carecoord_desktop.services.patients.risk import RiskExplanation


class PossibleDuplicateError(ValidationError):
    """The record may already exist: show `candidates`, then save with confirm_duplicates."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(
            f"This may be a patient already on the register ({len(candidates)} possible "
            "match(es)). Check them; open the existing record if it is the same person, or "
            "confirm to save a new record.",
            field="duplicates",
        )
        self.candidates = candidates


# -- plain data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    practice_id: str
    name: str
    date_of_birth: date
    reason: str  # "same name and date of birth" | "same Medicare number" | "same practice ID"


@dataclass(frozen=True)
class PatientDraft:
    """The demographics form. On update every field is written as given (a full form)."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    preferred_name: str | None = None
    previous_names: str | None = None
    practice_id: str | None = None  # blank: the next free P###### (kept as is on update)
    medicare_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    lives_alone: bool = False
    coordinator_id: int | None = None
    preferred_language: str | None = None
    interpreter_needed: bool = False
    communication_preferences: str | None = None
    cultural_considerations: str | None = None
    acd_status: AcdStatus = AcdStatus.NONE
    acd_date: date | None = None
    acd_location: str | None = None
    housing: str | None = None
    transport: str | None = None
    finances: str | None = None
    social_isolation: str | None = None
    functional_status: str | None = None

    @classmethod
    def from_record(cls, rec: PatientRecord) -> PatientDraft:
        """The form pre-filled from a record (for editing)."""
        return cls(**{f.name: getattr(rec, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class ConditionDraft:
    display: str
    code_system: str | None = None
    code: str | None = None
    onset: date | None = None
    status: str = "active"
    chronic: bool = True


@dataclass(frozen=True)
class ConditionRow(ConditionDraft):
    id: int = 0
    version: int = 1  # the row's version when read: send it back with an edit


@dataclass(frozen=True)
class AllergyDraft:
    substance: str
    reaction: str | None = None
    severity: str = "unknown"


@dataclass(frozen=True)
class AllergyRow(AllergyDraft):
    id: int = 0
    version: int = 1  # the row's version when read: send it back with an edit


@dataclass(frozen=True)
class MedicationRow:
    id: int
    name: str
    dose: str | None
    route: str | None
    frequency: str | None
    status: str
    started: date | None
    version: int = 1


@dataclass(frozen=True)
class ContactDraft:
    """Next of kin and/or carer."""

    name: str
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    is_next_of_kin: bool = False
    is_carer: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class ContactRow(ContactDraft):
    id: int = 0
    version: int = 1  # the row's version when read: send it back with an edit


@dataclass(frozen=True)
class CareTeamDraft:
    """Practice staff (staff_user_id) or an external provider."""

    name: str
    role: str
    staff_user_id: int | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    preferred_contact: ContactMethod = ContactMethod.PHONE
    notes: str | None = None


@dataclass(frozen=True)
class CareTeamRow(CareTeamDraft):
    id: int = 0
    version: int = 1  # the row's version when read: send it back with an edit


@dataclass(frozen=True)
class HospitalEventDraft:
    kind: HospitalEventKind
    start_date: date
    end_date: date | None = None  # discharge
    facility: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class HospitalEventRow(HospitalEventDraft):
    id: int = 0
    medicines_reconciled_on: date | None = None  # set by a reconciliation's sign-off
    version: int = 1  # the row's version when read: send it back with an edit


@dataclass(frozen=True)
class PatientRecord:
    id: int
    practice_id: str
    given_name: str
    family_name: str
    preferred_name: str | None
    previous_names: str | None
    previous_identifiers: str | None
    date_of_birth: date
    age: int
    sex: Sex
    medicare_number: str | None
    phone: str | None
    email: str | None
    address: str | None
    lives_alone: bool
    coordinator_id: int | None
    coordinator_name: str | None
    preferred_language: str | None
    interpreter_needed: bool
    communication_preferences: str | None
    cultural_considerations: str | None
    acd_status: AcdStatus
    acd_date: date | None
    acd_location: str | None
    housing: str | None
    transport: str | None
    finances: str | None
    social_isolation: str | None
    functional_status: str | None
    archived: bool
    archived_at: datetime | None
    merged_into_id: int | None
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    conditions: list[ConditionRow] = field(default_factory=list)
    allergies: list[AllergyRow] = field(default_factory=list)
    medications: list[MedicationRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    care_team: list[CareTeamRow] = field(default_factory=list)
    hospital_events: list[HospitalEventRow] = field(default_factory=list)
    risk_tier: str | None = None
    risk_reasons: list[str] = field(default_factory=list)
    risk: RiskExplanation | None = None  # the score, its factors and what did not count
    allergy_status: str = "not_recorded"  # AllergyStatus; "none_known" only with no allergies
    archive_reason: str | None = None
    version: int = 1  # the patient row's version when read: update_patient takes it back

    @property
    def display_name(self) -> str:
        extra = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.family_name.upper()}, {self.given_name}{extra}"


def to_row(row_type: type, obj):
    return row_type(**{f.name: getattr(obj, f.name) for f in fields(row_type)})
