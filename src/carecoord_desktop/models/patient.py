"""The patient aggregate: the person, their problem list, allergies and medicines."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


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


class Patient(PatientBase, table=True):
    __tablename__ = "patient"

    id: int | None = Field(default=None, primary_key=True)
    archived: bool = Field(default=False, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PatientCreate(PatientBase):
    pass


class PatientUpdate(SQLModel):
    given_name: str | None = None
    family_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    sex: Sex | None = None
    medicare_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    lives_alone: bool | None = None
    coordinator_id: int | None = None


class Condition(SQLModel, table=True):
    __tablename__ = "condition"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    code_system: str | None = Field(default=None, max_length=64)
    code: str | None = Field(default=None, max_length=32)
    display: str = Field(max_length=200)
    onset: date | None = None
    status: str = Field(default="active", max_length=16)
    chronic: bool = True


class Allergy(SQLModel, table=True):
    __tablename__ = "allergy"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    substance: str = Field(max_length=120)
    reaction: str | None = Field(default=None, max_length=200)
    severity: str | None = Field(default=None, max_length=16)


class Medication(SQLModel, table=True):
    __tablename__ = "medication"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    name: str = Field(max_length=200)
    dose: str | None = Field(default=None, max_length=80)
    route: str | None = Field(default=None, max_length=40)
    frequency: str | None = Field(default=None, max_length=80)
    status: str = Field(default="active", max_length=16)
    started: date | None = None
