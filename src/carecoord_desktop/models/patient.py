"""The patient aggregate: the person, their problem list, allergies and medicines, the people
around them (next of kin, carers, the care team) and their hospital events.

These are the table models only. Services take and return the plain dataclasses of
services/patient_types (drafts, rows, PatientRecord); the `XBase` classes exist because the
tables inherit them. The `XCreate`/`XUpdate` classes that once sat here had no caller and were
removed: one model family, not two. A patient's demographic fields are declared once, in
services/patient_fields."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class AcdStatus(StrEnum):
    """Advance care directive: not done, talked about, or a signed document exists."""

    NONE = "none"
    DISCUSSED = "discussed"
    DOCUMENTED = "documented"


class AllergyStatus(StrEnum):
    """What is known of the patient's allergies besides the list itself: "no known allergies"
    is a statement someone recorded, distinct from nobody having asked yet."""

    NOT_RECORDED = "not_recorded"
    NONE_KNOWN = "none_known"


class ContactMethod(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    SECURE_MESSAGE = "secure_message"
    IN_PERSON = "in_person"


class HospitalEventKind(StrEnum):
    ADMISSION = "admission"
    ED_VISIT = "ed_visit"


NOTE_MAX = 500  # free-text fields of the record (social needs, preferences, considerations)

# A NOT NULL column added to an existing table needs a default the database itself applies
# (the demo's bulk INSERT names only the columns it fills).
_FALSE = {"server_default": "0"}


class PatientBase(SQLModel):
    practice_id: str = Field(index=True, unique=True, max_length=32)
    given_name: str = Field(max_length=80)
    family_name: str = Field(max_length=80)
    preferred_name: str | None = Field(default=None, max_length=80)
    date_of_birth: date
    sex: Sex = Sex.UNKNOWN
    medicare_number: str | None = Field(default=None, index=True, max_length=16)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=120)
    address: str | None = Field(default=None, max_length=240)
    lives_alone: bool = False
    coordinator_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    is_demo: bool = False
    previous_names: str | None = Field(default=None, max_length=NOTE_MAX)  # "; "-separated
    previous_identifiers: str | None = Field(default=None, max_length=NOTE_MAX)
    preferred_language: str | None = Field(default=None, max_length=80)
    interpreter_needed: bool = Field(default=False, sa_column_kwargs=_FALSE)
    communication_preferences: str | None = Field(default=None, max_length=NOTE_MAX)
    cultural_considerations: str | None = Field(default=None, max_length=NOTE_MAX)
    acd_status: AcdStatus = Field(
        default=AcdStatus.NONE, sa_column_kwargs={"server_default": "NONE"}
    )
    acd_date: date | None = None
    acd_location: str | None = Field(default=None, max_length=NOTE_MAX)
    housing: str | None = Field(default=None, max_length=NOTE_MAX)
    transport: str | None = Field(default=None, max_length=NOTE_MAX)
    finances: str | None = Field(default=None, max_length=NOTE_MAX)
    social_isolation: str | None = Field(default=None, max_length=NOTE_MAX)
    functional_status: str | None = Field(default=None, max_length=NOTE_MAX)


_PATIENT_VERSION = version_column()


class Patient(PatientBase, table=True):
    __tablename__ = "patient"

    __mapper_args__ = {"version_id_col": _PATIENT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PATIENT_VERSION)
    archived: bool = Field(default=False, index=True)
    archived_at: datetime | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="patient.id")
    archive_reason: str | None = Field(default=None, max_length=NOTE_MAX)  # migration 0006
    # Plain text, not an Enum column: values of AllergyStatus (migration 0006).
    allergy_status: str = Field(
        default=AllergyStatus.NOT_RECORDED.value,
        max_length=16,
        sa_column_kwargs={"server_default": AllergyStatus.NOT_RECORDED.value},
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


_CONDITION_VERSION = version_column()


class Condition(SQLModel, table=True):
    __tablename__ = "condition"
    # The condition filter and menu read this index alone (migration 0005).
    __table_args__ = (
        Index("ix_condition_code_status_chronic", "code", "status", "chronic", "patient_id"),
    )

    __mapper_args__ = {"version_id_col": _CONDITION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_CONDITION_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    code_system: str | None = Field(default=None, max_length=64)
    code: str | None = Field(default=None, max_length=32)
    display: str = Field(max_length=200)
    onset: date | None = None
    status: str = Field(default="active", max_length=16)
    chronic: bool = True


_ALLERGY_VERSION = version_column()


class Allergy(SQLModel, table=True):
    __tablename__ = "allergy"

    __mapper_args__ = {"version_id_col": _ALLERGY_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_ALLERGY_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    substance: str = Field(max_length=120)
    reaction: str | None = Field(default=None, max_length=200)
    severity: str | None = Field(default=None, max_length=16)


_MEDICATION_VERSION = version_column()


class Medication(SQLModel, table=True):
    __tablename__ = "medication"

    __mapper_args__ = {"version_id_col": _MEDICATION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_MEDICATION_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    name: str = Field(max_length=200)
    dose: str | None = Field(default=None, max_length=80)
    route: str | None = Field(default=None, max_length=40)
    frequency: str | None = Field(default=None, max_length=80)
    status: str = Field(default="active", max_length=16)  # MedicineStatus (models/medication)
    started: date | None = None
    # Migration 0010: the medicine list of issue 10. `name` is the medicine as written (a line
    # such as "Lasix 40mg mane" keeps its words in `written`); `ingredients` is what the drug
    # knowledge base recognised (";"-joined keys), empty when it did not: "not recognised: no
    # checks run", kept exactly as written.
    written: str | None = Field(default=None, max_length=300)
    ingredients: str | None = Field(default=None, max_length=300)
    recognised_as: str | None = Field(default=None, max_length=200)
    strength: str | None = Field(default=None, max_length=80)
    times_of_day: str | None = Field(default=None, max_length=80)  # "morning;night"
    indication: str | None = Field(default=None, max_length=200)
    prescriber: str | None = Field(default=None, max_length=120)
    stopped: date | None = None
    stop_reason: str | None = Field(default=None, max_length=NOTE_MAX)
    source: str | None = Field(default=None, max_length=80)
    notes: str | None = Field(default=None, max_length=NOTE_MAX)
    updated_at: datetime | None = None


class PatientContactBase(SQLModel):
    """Next of kin or carer (or both): the people to call about the patient."""

    name: str = Field(max_length=120)
    relationship: str | None = Field(default=None, max_length=80)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=120)
    is_next_of_kin: bool = False
    is_carer: bool = False
    notes: str | None = Field(default=None, max_length=NOTE_MAX)


_PATIENT_CONTACT_VERSION = version_column()


class PatientContact(PatientContactBase, table=True):
    __tablename__ = "patient_contact"

    __mapper_args__ = {"version_id_col": _PATIENT_CONTACT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PATIENT_CONTACT_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)


class CareTeamMemberBase(SQLModel):
    """Practice staff (staff_user_id set) or an external provider, and how best to reach them."""

    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=80)
    organisation: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=120)
    preferred_contact: ContactMethod = ContactMethod.PHONE
    notes: str | None = Field(default=None, max_length=NOTE_MAX)


_CARE_TEAM_MEMBER_VERSION = version_column()


class CareTeamMember(CareTeamMemberBase, table=True):
    __tablename__ = "care_team_member"

    __mapper_args__ = {"version_id_col": _CARE_TEAM_MEMBER_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_CARE_TEAM_MEMBER_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)


class HospitalEventBase(SQLModel):
    """An admission or ED visit (the risk rule and "recently discharged" read these)."""

    kind: HospitalEventKind
    start_date: date = Field(index=True)
    end_date: date | None = Field(default=None, index=True)  # discharge
    facility: str | None = Field(default=None, max_length=120)
    reason: str | None = Field(default=None, max_length=200)
    # The date the medicines were reconciled after this transition (migration 0010; set by a
    # reconciliation's sign-off, services/medications).
    medicines_reconciled_on: date | None = None


_HOSPITAL_EVENT_VERSION = version_column()


class HospitalEvent(HospitalEventBase, table=True):
    __tablename__ = "hospital_event"
    # A patient's events by date: the risk counters' triggers and risk reasons (migration 0005).
    __table_args__ = (Index("ix_hospital_event_patient_start", "patient_id", "start_date"),)

    __mapper_args__ = {"version_id_col": _HOSPITAL_EVENT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_HOSPITAL_EVENT_VERSION)
    patient_id: int = Field(foreign_key="patient.id", index=True)
