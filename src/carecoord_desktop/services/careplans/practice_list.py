"""The practice's care plans for the Care plans screen: one row per plan with its patient, filtered
by status, review due or overdue, and the patient's coordinator, sorted by when the review falls
due. One SQL query (Core, plain rows); one audit row per listing, naming the filters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import text

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.plans import RECORD_TYPE
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

LIMIT = 2000  # rows a listing returns; the screen says when there are more
DUE_SOON_DAYS = 14


class PlanFilter(StrEnum):
    OPEN = "open"  # draft, active or under review
    DRAFTS = "drafts"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    REVIEW_DUE = "review_due"  # due in the next two weeks (or overdue)
    REVIEW_OVERDUE = "review_overdue"
    CLOSED = "closed"  # completed or cancelled
    ALL = "all"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PlanFilter.OPEN: "Open plans",
    PlanFilter.DRAFTS: "Drafts",
    PlanFilter.ACTIVE: "Active",
    PlanFilter.UNDER_REVIEW: "Under review",
    PlanFilter.REVIEW_DUE: f"Review due within {DUE_SOON_DAYS} days",
    PlanFilter.REVIEW_OVERDUE: "Review overdue",
    PlanFilter.CLOSED: "Completed or cancelled",
    PlanFilter.ALL: "All plans",
}
_OPEN = "('draft', 'active', 'under_review')"
_WHERE = {
    PlanFilter.OPEN: f"c.status IN {_OPEN}",
    PlanFilter.DRAFTS: "c.status = 'draft'",
    PlanFilter.ACTIVE: "c.status = 'active'",
    PlanFilter.UNDER_REVIEW: "c.status = 'under_review'",
    PlanFilter.REVIEW_DUE: f"c.status IN {_OPEN} AND c.next_review_on <= :soon",
    PlanFilter.REVIEW_OVERDUE: f"c.status IN {_OPEN} AND c.next_review_on < :today",
    PlanFilter.CLOSED: "c.status IN ('completed', 'cancelled')",
    PlanFilter.ALL: "1 = 1",
}


@dataclass(frozen=True)
class PracticePlanRow:
    plan_id: int
    patient_id: int
    practice_id: str
    patient_name: str
    title: str
    status: str
    revision: int
    next_review_on: date | None
    coordinator: str
    author: str
    updated_at: datetime

    @property
    def overdue(self) -> bool:
        return (
            self.next_review_on is not None
            and self.next_review_on < date.today()
            and (self.status in ("draft", "active", "under_review"))
        )


@dataclass(frozen=True)
class PracticePlans:
    rows: tuple[PracticePlanRow, ...]
    more: bool  # there were more than LIMIT


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _when(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def practice_plans(
    ws: Workspace,
    actor: Actor,
    *,
    which: PlanFilter = PlanFilter.OPEN,
    coordinator_id: int | None = None,
    search: str = "",
    today: date | None = None,
) -> PracticePlans:
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    which = PlanFilter(which)
    where = [_WHERE[which], "p.merged_into_id IS NULL"]
    params: dict = {"today": today, "soon": today + timedelta(days=DUE_SOON_DAYS)}
    if coordinator_id is not None:
        where.append("p.coordinator_id = :coordinator")
        params["coordinator"] = coordinator_id
    words = search.strip().lower()
    if words:
        where.append(
            "(lower(p.given_name || ' ' || p.family_name) LIKE :q OR lower(p.practice_id) LIKE :q"
            " OR lower(c.title) LIKE :q)"
        )
        params["q"] = f"%{words}%"
    sql = (
        "SELECT c.id, c.patient_id, p.practice_id, p.given_name, p.family_name, c.title, "
        "c.status, c.revision, c.next_review_on, co.full_name, au.full_name, c.updated_at "
        "FROM care_plan c JOIN patient p ON p.id = c.patient_id "
        "LEFT JOIN staff_user co ON co.id = p.coordinator_id "
        "LEFT JOIN staff_user au ON au.id = c.author_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY c.next_review_on IS NULL, c.next_review_on, lower(p.family_name), c.id "
        f"LIMIT {LIMIT + 1}"
    )
    with ws.session() as session:
        found = session.execute(text(sql), params).all()
        filters = [which.value] + (["coordinator"] if coordinator_id is not None else [])
        filters += ["search"] if words else []
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            record_type=RECORD_TYPE,
            detail=f"listed the practice's care plans ({', '.join(filters)}; {len(found)} rows)",
        )
        session.commit()
    rows = tuple(
        PracticePlanRow(
            plan_id=r[0],
            patient_id=r[1],
            practice_id=r[2],
            patient_name=f"{r[3]} {r[4]}",
            title=r[5],
            status=r[6],
            revision=r[7],
            next_review_on=_day(r[8]),
            coordinator=r[9] or "",
            author=r[10] or "",
            updated_at=_when(r[11]),
        )
        for r in found[:LIMIT]
    )
    return PracticePlans(rows, len(found) > LIMIT)
