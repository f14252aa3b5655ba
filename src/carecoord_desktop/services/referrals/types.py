"""Plain data the referral services take and return (no sessions, no ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from carecoord_desktop.models._common import label_for
from carecoord_desktop.models.referral import (
    CATEGORY_LABELS,
    METHOD_LABELS,
    STATUS_LABELS,
    ReferralStatus,
    ReferralUrgency,
    ResourceCategory,
    SendMethod,
)

URGENCY_LABELS = {
    ReferralUrgency.ROUTINE: "Routine",
    ReferralUrgency.SOON: "Soon (within 2 weeks)",
    ReferralUrgency.URGENT: "Urgent (within days)",
}


def category_label(value: str) -> str:
    return label_for(CATEGORY_LABELS, ResourceCategory, value)


def status_label(value: str) -> str:
    return label_for(STATUS_LABELS, ReferralStatus, value)


def method_label(value: str | None) -> str:
    return label_for(METHOD_LABELS, SendMethod, value)


def urgency_label(value: str) -> str:
    return label_for(URGENCY_LABELS, ReferralUrgency, value)


@dataclass(frozen=True)
class ResourceDraft:
    """What the directory form (or a CSV row) holds."""

    name: str
    category: ResourceCategory | str = ResourceCategory.OTHER
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    area: str | None = None
    eligibility: str | None = None
    hours: str | None = None
    cost: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ResourceRow:
    id: int
    version: int
    name: str
    category: str
    organisation: str | None
    phone: str | None
    email: str | None
    website: str | None
    address: str | None
    area: str | None
    eligibility: str | None
    hours: str | None
    cost: str | None
    notes: str | None
    active: bool

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    def draft(self) -> ResourceDraft:
        return ResourceDraft(
            **{k: getattr(self, k) for k in ResourceDraft.__dataclass_fields__}  # same names
        )


@dataclass(frozen=True)
class RefusedRow:
    line: int  # the line of the file the row starts on, as a text editor counts
    name: str  # the service's name as written (may be empty)
    reason: str


@dataclass(frozen=True)
class ImportReport:
    added: list[int] = field(default_factory=list)  # resource ids
    refused: list[RefusedRow] = field(default_factory=list)
    rows: int = 0  # data rows read
    notes: list[str] = field(default_factory=list)  # how the file was read (encoding, …)

    def summary(self) -> str:
        added = f"{len(self.added)} service{'s' if len(self.added) != 1 else ''} added"
        if not self.refused:
            return f"{added}."
        return f"{added}; {len(self.refused)} row{'s' if len(self.refused) != 1 else ''} refused."


@dataclass(frozen=True)
class Recipient:
    """Someone a patient can be referred to: a care-team provider or a directory service."""

    kind: str  # RecipientKind
    id: int  # care_team_member.id or community_resource.id
    name: str
    detail: str  # role and organisation, or the category and area


@dataclass(frozen=True)
class PlanGoalChoice:
    plan_id: int
    goal_uid: str
    words: str  # the goal in the patient's words


@dataclass(frozen=True)
class ReferralDraft:
    recipient_kind: str  # RecipientKind
    recipient_id: int
    reason: str
    urgency: ReferralUrgency | str = ReferralUrgency.ROUTINE
    plan_id: int | None = None
    goal_uid: str | None = None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    version: int
    patient_id: int
    practice_id: str
    patient_name: str
    recipient_kind: str
    recipient_name: str
    recipient_detail: str | None
    reason: str
    urgency: str
    status: str
    status_on: date
    sent_on: date | None
    sent_via: str | None
    goal_words: str
    referrer_name: str
    outcome: str | None
    days_waiting: int | None  # since it was sent, while it is open
    overdue: bool  # sent and unanswered past the practice's follow-up days

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def urgency_label(self) -> str:
        return urgency_label(self.urgency)

    @property
    def is_open(self) -> bool:
        return self.status not in (ReferralStatus.CLOSED.value, ReferralStatus.DECLINED.value)


@dataclass(frozen=True)
class OpenReferrals:
    """The practice's (or one patient's) open referrals as counts; `rows` only for a patient."""

    total: int
    overdue: int
    rows: tuple[ReferralRow, ...] = ()


@dataclass(frozen=True)
class StepRow:
    status: str
    on: date
    at: datetime
    actor_name: str
    note: str | None

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class ShareRow:
    id: int
    document: str
    record_type: str
    record_id: int | None
    recipient: str
    method: str
    shared_at: datetime
    shared_by_name: str

    @property
    def method_label(self) -> str:
        return method_label(self.method)
