"""The "Chase referral" task: a sent referral with no answer after the practice's
`referral-follow-up-days` (default 10) gets one task on the board, and an answer closes it.

This module registers a due-task source with the board's sweep (services/tasks/events.py)
when the referrals package is imported; `sync_due_tasks` runs it without the task board
importing referrals. The task's dedupe key holds the referral and the date it was sent, so
the sweep run every day (or from two workstations at once) opens it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.models.referral import Referral, ReferralStatus, ReferralUrgency
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.models.task import TaskPriority, TaskSource
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.referrals.referrals import follow_up_days, overdue_cutoff
from carecoord_desktop.services.referrals.types import method_label
from carecoord_desktop.services.tasks.events import close_event_tasks, register_source
from carecoord_desktop.services.tasks.types import TaskEvent

KIND = "chase"
TITLE = "Chase referral"


def chase_key(referral_id: int, sent_on: date) -> str:
    return f"{TaskSource.REFERRAL.value}:{referral_id}:{KIND}:{sent_on.isoformat()}"


def unanswered_referrals(session: Session, today: date) -> Iterator[TaskEvent]:
    """A task source: every referral sent `referral_follow_up_days` ago or more, unanswered."""
    days = follow_up_days(session)
    cutoff = overdue_cutoff(today, days)
    q = (
        select(Referral, StaffUser)
        .join(StaffUser, StaffUser.id == Referral.referrer_id, isouter=True)
        .where(Referral.status == ReferralStatus.SENT.value, Referral.sent_on <= cutoff)
        .order_by(Referral.sent_on, Referral.id)
    )
    for referral, referrer in session.exec(q).all():
        waited = (today - referral.sent_on).days
        owner = referrer.id if referrer is not None and referrer.active else None
        how = method_label(referral.sent_via).lower()
        yield TaskEvent(
            source=TaskSource.REFERRAL,
            source_id=str(referral.id),
            kind=KIND,
            title=f"{TITLE}: {referral.recipient_name}"[:200],
            patient_id=referral.patient_id,
            due_date=today,
            owner_id=owner,
            owner_role=None if owner else "coordinator",
            priority=(
                TaskPriority.HIGH
                if referral.urgency == ReferralUrgency.URGENT.value
                else TaskPriority.NORMAL
            ),
            details=(
                f"Referral sent {referral.sent_on:%d/%m/%Y}"
                + (f" by {how}" if how else "")
                + f"; no answer after {waited} days (the practice chases after {days})."
                " Ring or message them, then record their answer on the referral."
            ),
            checklist=("Contact the service", "Record their answer on the referral"),
            dedupe_key=chase_key(referral.id, referral.sent_on),
        )


def close_chase(session: Session, actor: Actor, referral_id: int) -> list[int]:
    """Complete the referral's open chase task (in the caller's transaction)."""
    return close_event_tasks(
        session,
        actor,
        TaskSource.REFERRAL,
        referral_id,
        KIND,
        resolution="Closed: the referral was answered",
    )


register_source(unanswered_referrals)
