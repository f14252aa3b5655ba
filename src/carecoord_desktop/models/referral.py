"""Working with outside providers: the community resources directory, a resource linked to a
patient (and to a care plan's intervention), referrals with each step of their history, and
the sharing record (who received which document, when and how).

Enumerated values are stored as their plain text values, as in models/task.py: raw SQL, the
migration and the services all see the same words; the services validate against the enums.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column

NOTE_MAX = 1000
REASON_MAX = 2000


class ResourceCategory(StrEnum):
    TRANSPORT = "transport"
    MEALS = "meals"
    CARERS_SUPPORT = "carers_support"
    EXERCISE = "exercise"
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    HOME_HELP = "home_help"
    INTERPRETERS = "interpreters"
    OTHER = "other"


CATEGORY_LABELS = {
    ResourceCategory.TRANSPORT: "Transport",
    ResourceCategory.MEALS: "Meals",
    ResourceCategory.CARERS_SUPPORT: "Carers' support",
    ResourceCategory.EXERCISE: "Exercise groups",
    ResourceCategory.MENTAL_HEALTH: "Mental health",
    ResourceCategory.HOUSING: "Housing",
    ResourceCategory.HOME_HELP: "Home help",
    ResourceCategory.INTERPRETERS: "Interpreters",
    ResourceCategory.OTHER: "Other",
}


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    APPOINTMENT_BOOKED = "appointment_booked"
    REPORT_RECEIVED = "report_received"
    CLOSED = "closed"
    DECLINED = "declined"


STATUS_LABELS = {
    ReferralStatus.DRAFT: "Draft",
    ReferralStatus.SENT: "Sent",
    ReferralStatus.ACKNOWLEDGED: "Acknowledged",
    ReferralStatus.APPOINTMENT_BOOKED: "Appointment booked",
    ReferralStatus.REPORT_RECEIVED: "Report received",
    ReferralStatus.CLOSED: "Closed",
    ReferralStatus.DECLINED: "Declined",
}

FINISHED_STATUSES = (ReferralStatus.CLOSED, ReferralStatus.DECLINED)
# A referral waits on the other side once sent, until it is closed or declined.
OPEN_STATUSES = tuple(s for s in ReferralStatus if s not in FINISHED_STATUSES)


class ReferralUrgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"  # within a fortnight
    URGENT = "urgent"  # within days


class SendMethod(StrEnum):
    """How a referral or a document went out."""

    SECURE_MESSAGE = "secure_message"
    FAX = "fax"
    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    BY_HAND = "by_hand"  # given to the patient or carer to take
    PRINTED = "printed"  # printed here; how it left is not recorded


METHOD_LABELS = {
    SendMethod.SECURE_MESSAGE: "Secure message",
    SendMethod.FAX: "Fax",
    SendMethod.EMAIL: "Email",
    SendMethod.POST: "Post",
    SendMethod.PHONE: "Phone",
    SendMethod.BY_HAND: "Given to the patient",
    SendMethod.PRINTED: "Printed",
}


class RecipientKind(StrEnum):
    PROVIDER = "provider"  # a member of the patient's care team
    RESOURCE = "resource"  # a service from the directory


_RESOURCE_VERSION = version_column()


class CommunityResource(SQLModel, table=True):
    __tablename__ = "community_resource"
    # The directory is read by category among active entries; a name in an area is one entry
    # (the CSV import refuses a second one instead of adding a duplicate).
    __table_args__ = (
        Index("ix_community_resource_active_category", "active", "category"),
        Index("ix_community_resource_name_area", "name_key", "area_key", unique=True),
    )
    __mapper_args__ = {"version_id_col": _RESOURCE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_RESOURCE_VERSION)
    name: str = Field(max_length=120)
    category: str = Field(default=ResourceCategory.OTHER.value, max_length=24)
    organisation: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=120)
    website: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    area: str | None = Field(default=None, max_length=80)  # suburb or region served
    eligibility: str | None = Field(default=None, max_length=500)
    hours: str | None = Field(default=None, max_length=200)
    cost: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=NOTE_MAX)
    active: bool = True
    # Folded name and area (lower case, spaces squeezed) for the duplicate rule.
    name_key: str = Field(max_length=120)
    area_key: str = Field(default="", max_length=80)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


_PATIENT_RESOURCE_VERSION = version_column()


class PatientResource(SQLModel, table=True):
    """A resource suggested to or used by a patient, optionally for one plan intervention.

    The intervention is named by its plan and uid (a plan's rows are rewritten on save; the
    uid stays), like a goal on a referral."""

    __tablename__ = "patient_resource"
    __table_args__ = (
        Index("ix_patient_resource_patient", "patient_id", "resource_id", unique=True),
    )
    __mapper_args__ = {"version_id_col": _PATIENT_RESOURCE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PATIENT_RESOURCE_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    resource_id: int = Field(foreign_key="community_resource.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="care_plan.id")
    intervention_uid: str | None = Field(default=None, max_length=36)
    notes: str | None = Field(default=None, max_length=500)
    linked_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    linked_at: datetime = Field(default_factory=utcnow)


_REFERRAL_VERSION = version_column()


class Referral(SQLModel, table=True):
    __tablename__ = "referral"
    # A record's referrals; the practice's open ones and the chase sweep by status and date.
    __table_args__ = (
        Index("ix_referral_patient_status", "patient_id", "status"),
        Index("ix_referral_status_sent", "status", "sent_on"),
    )
    __mapper_args__ = {"version_id_col": _REFERRAL_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_REFERRAL_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    recipient_kind: str = Field(max_length=16)  # RecipientKind
    care_team_member_id: int | None = Field(default=None, foreign_key="care_team_member.id")
    resource_id: int | None = Field(default=None, foreign_key="community_resource.id")
    # The recipient as addressed when the referral was written (the team entry may change).
    recipient_name: str = Field(max_length=120)
    recipient_detail: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=REASON_MAX)
    urgency: str = Field(default=ReferralUrgency.ROUTINE.value, max_length=16)
    plan_id: int | None = Field(default=None, foreign_key="care_plan.id")
    goal_uid: str | None = Field(default=None, max_length=36)
    status: str = Field(default=ReferralStatus.DRAFT.value, max_length=24)
    status_on: date  # the date of the latest step
    sent_on: date | None = None
    sent_via: str | None = Field(default=None, max_length=24)  # SendMethod
    outcome: str | None = Field(default=None, max_length=500)  # closing or declining note
    referrer_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


_REFERRAL_STEP_VERSION = version_column()


class ReferralStep(SQLModel, table=True):
    """One step of a referral's history: the status it reached, on which date, by whom."""

    __tablename__ = "referral_step"
    __mapper_args__ = {"version_id_col": _REFERRAL_STEP_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_REFERRAL_STEP_VERSION)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    status: str = Field(max_length=24)
    step_on: date
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor_name: str = Field(max_length=120)
    note: str | None = Field(default=None, max_length=500)


_DOCUMENT_SHARE_VERSION = version_column()


class DocumentShare(SQLModel, table=True):
    """Who received which document, when and how (what the programs audit)."""

    __tablename__ = "document_share"
    __table_args__ = (Index("ix_document_share_patient_at", "patient_id", "shared_at"),)
    __mapper_args__ = {"version_id_col": _DOCUMENT_SHARE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_DOCUMENT_SHARE_VERSION)
    patient_id: int = Field(foreign_key="patient.id")
    document: str = Field(max_length=40)  # "referral letter", "care plan", …
    record_type: str = Field(max_length=40)  # "referral"
    record_id: int | None = None
    recipient: str = Field(max_length=120)
    method: str = Field(max_length=24)  # SendMethod
    shared_at: datetime = Field(default_factory=utcnow)
    shared_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    shared_by_name: str = Field(max_length=120)


# A patient's rows that a merge of two records moves to the kept one (services/patients/record).
# Not patient_resource: its (patient, resource) pair is unique, and both records may link the
# same service; the merged record's links stay on it, archived, pointing at the kept one.
PATIENT_ROWS = (Referral, DocumentShare)
