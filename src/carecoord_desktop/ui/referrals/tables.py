"""The columns of the referral feature's tables (short lists the services return whole)."""

from __future__ import annotations

from carecoord_desktop.services.patients.rules import aware
from carecoord_desktop.services.referrals.types import ReferralRow
from carecoord_desktop.ui.widgets.table_model import Column


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _waiting(r: ReferralRow) -> str:
    if r.days_waiting is None:
        return ""
    text = f"{r.days_waiting} day{'s' if r.days_waiting != 1 else ''}"
    return f"{text} — overdue" if r.overdue else text


def referral_columns(*, with_patient: bool) -> list[Column]:
    columns = [
        Column("Status", lambda r: r.status_label),
        Column("To", lambda r: r.recipient_name),
        Column("Urgency", lambda r: r.urgency_label.split(" (")[0]),
        Column("Sent", lambda r: _day(r.sent_on)),
        Column("Waiting", _waiting),
        Column("Reason", lambda r: r.reason),
        Column("Since", lambda r: _day(r.status_on)),
    ]
    if with_patient:
        columns[1:1] = [
            Column("Patient", lambda r: f"{r.patient_name} ({r.practice_id})"),
        ]
    return columns


def step_columns() -> list[Column]:
    return [
        Column("On", lambda s: _day(s.on)),
        Column("Step", lambda s: s.status_label),
        Column("By", lambda s: s.actor_name),
        Column("Note", lambda s: s.note or ""),
    ]


def share_columns() -> list[Column]:
    return [
        Column("When", lambda s: aware(s.shared_at).astimezone().strftime("%d/%m/%Y %H:%M")),
        Column("Document", lambda s: s.document),
        Column("To", lambda s: s.recipient),
        Column("How", lambda s: s.method_label),
        Column("By", lambda s: s.shared_by_name),
    ]


def resource_columns() -> list[Column]:
    return [
        Column("Service", lambda r: r.name + ("" if r.active else " (retired)")),
        Column("Category", lambda r: r.category_label),
        Column("Area", lambda r: r.area or ""),
        Column("Phone", lambda r: r.phone or ""),
        Column("Who can use it", lambda r: r.eligibility or ""),
        Column("Hours", lambda r: r.hours or ""),
        Column("Cost", lambda r: r.cost or ""),
    ]


def link_columns() -> list[Column]:
    return [
        Column("Service", lambda x: x["resource"]["name"]),
        Column("Phone", lambda x: x["resource"]["phone"] or ""),
        Column("For", lambda x: x["intervention"] or ""),
        Column("Notes", lambda x: x["notes"] or ""),
    ]
