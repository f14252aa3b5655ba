"""The audit trail: every view, change, export and print of patient data, every sign-in.

Rows are appended with one INSERT whose hash is computed by the SQL function `cc_audit_hash`
over the previous row's hash, so two writers can never fork the chain (the INSERT holds the write
lock). Triggers in the schema refuse UPDATE and DELETE. The chain alone shows a row changed or
removed in the middle; what it cannot show (its newest rows removed or rewritten and re-chained,
the triggers dropped) is caught by anchors kept outside the table: see services/audit_anchors.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import CorruptDatabaseError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.engine import DatabaseError, audit_hash
from carecoord_desktop.store.workspace import Workspace

_FIELDS = "at, actor_id, actor_name, action, patient_id, record_type, record_id, detail"
_PARAMS = ":at, :actor_id, :actor_name, :action, :patient_id, :record_type, :record_id, :detail"
_INSERT = text(
    f"INSERT INTO audit_event ({_FIELDS}, prev_hash, row_hash) "
    f"SELECT {_PARAMS}, p.h, cc_audit_hash(p.h, {_PARAMS}) FROM "
    "(SELECT COALESCE((SELECT row_hash FROM audit_event ORDER BY id DESC LIMIT 1), '') AS h) p"
)


def _stamp(at: datetime | None = None) -> str:
    # The same text SQLAlchemy's DateTime stores on SQLite, so ORM reads agree with the hash.
    at = (at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _params(
    actor: Actor | None,
    action: AuditAction,
    *,
    patient_id: int | None = None,
    record_type: str | None = None,
    record_id: object | None = None,
    detail: str = "",
    actor_name: str | None = None,
) -> dict:
    return {
        "at": _stamp(),
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor_name or (actor.display if actor else "unknown"),
        "action": str(action),
        "patient_id": patient_id,
        "record_type": record_type,
        "record_id": None if record_id is None else str(record_id),
        "detail": detail,
    }


def record(session: Session, actor: Actor | None, action: AuditAction, **event) -> None:
    """Append one event in the caller's transaction: it commits or rolls back with the change.

    `event` takes patient_id, record_type, record_id, detail and actor_name. `detail` must
    not hold clinical content; ids point at the record instead.
    """
    session.execute(_INSERT, _params(actor, action, **event))


def record_many(
    session: Session, actor: Actor | None, action: AuditAction, events: list[dict]
) -> None:
    """Append many events of one action in one statement batch (bulk imports), in order.

    Each row's hash still chains to the row before it: the INSERT reads the newest hash.
    """
    if events:
        session.execute(_INSERT, [_params(actor, action, **event) for event in events])


def record_now(ws: Workspace, actor: Actor | None, action: AuditAction, **kw) -> None:
    """Append one event in its own transaction (sign-ins, views, exports)."""
    with ws.session() as session:
        record(session, actor, action, **kw)
        session.commit()


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(ws: Workspace) -> ChainReport:
    """Recompute every row's hash; the first row whose hash or link does not match is reported."""
    try:
        return _verify_chain(ws)
    except DatabaseError:
        raise CorruptDatabaseError("the audit log could not be read") from None


def _verify_chain(ws: Workspace) -> ChainReport:
    with ws.raw_connection() as conn:
        return verify_rows(conn)


def verify_rows(conn, after_id: int = 0, prev: str = "") -> ChainReport:
    """Check the rows after `after_id`, whose predecessor's hash is `prev` (all rows: 0, "")."""
    count = 0
    cur = conn.cursor()
    try:
        cur.execute(
            f"SELECT id, {_FIELDS}, prev_hash, row_hash FROM audit_event WHERE id > ? ORDER BY id",
            (after_id,),
        )
        last_id = after_id
        for row in cur:
            row_id, *fields, prev_hash, row_hash = row
            count += 1
            if row_id != last_id + 1:
                return ChainReport(count, False, row_id, f"rows before id {row_id} are missing")
            if prev_hash != prev:
                return ChainReport(count, False, row_id, "its link to the previous row is broken")
            if audit_hash(prev, *fields) != row_hash:
                return ChainReport(count, False, row_id, "its content was changed after writing")
            prev = row_hash
            last_id = row_id
    finally:
        cur.close()
    return ChainReport(count, True)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_name: str
    action: str
    patient_id: int | None
    record_type: str | None
    record_id: str | None
    detail: str


def list_events(
    ws: Workspace,
    actor: Actor,
    *,
    action: str | None = None,
    actor_text: str | None = None,
    patient_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[AuditRow], int]:
    """Newest first, filtered; returns (rows, total matching)."""
    require(actor, Permission.VIEW_AUDIT)
    where, params = ["1=1"], {}
    if action:
        where.append("action = :action")
        params["action"] = action
    if actor_text:
        where.append("actor_name LIKE :who ESCAPE '\\'")
        escaped = actor_text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["who"] = f"%{escaped}%"
    if patient_id is not None:
        where.append("patient_id = :pid")
        params["pid"] = patient_id
    if since is not None:
        where.append("at >= :since")
        params["since"] = _stamp(since)
    if until is not None:
        where.append("at < :until")
        params["until"] = _stamp(until)
    clause = " AND ".join(where)
    with ws.session() as session:
        total = session.execute(
            text(f"SELECT count(*) FROM audit_event WHERE {clause}"), params
        ).scalar_one()
        rows = session.execute(
            text(
                "SELECT id, at, actor_name, action, patient_id, record_type, record_id, detail "
                f"FROM audit_event WHERE {clause} ORDER BY id DESC LIMIT :limit OFFSET :offset"
            ),
            {**params, "limit": limit, "offset": offset},
        ).all()
        record(session, actor, AuditAction.VIEW, record_type="audit_log", detail="listed")
        session.commit()
    out = [
        AuditRow(
            r[0],
            datetime.strptime(r[1], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC),
            *r[2:],
        )
        for r in rows
    ]
    return out, total
