"""The audit log as the Audit screen and `carecoord audit list` show it: a page of events in words.

Patients appear as "practice id + name". Names are read at display time, for a user allowed to
view the audit log, and never written into the log. The viewing is itself audited *before* the
page is read, so the page includes it and "events in the log" agrees with what Verify counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit, audit_text
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

_ID_LIST = "(SELECT value FROM json_each(:ids))"


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    who: str
    action: str  # in words: "Opened a patient record"
    patient: str  # "P000123 · SMITH, Ann", or "" when the event concerns no one patient
    details: str  # in words
    patient_id: int | None = None


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    matched: int  # events that match the filters (the page holds the newest `limit`)
    in_log: int  # every event in the log, as Verify counts them


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    who: str | None = None  # part of a staff member's name
    patient_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def list_page(ws: Workspace, actor: Actor, query: AuditQuery, *, limit: int = 500) -> AuditPage:
    """The newest `limit` events matching `query`, in words, newest first."""
    require(actor, Permission.VIEW_AUDIT)
    where, params = _where(query)
    with ws.session() as session:
        # Recorded first so that it is on the page it describes and in the count.
        audit.record(
            session, actor, AuditAction.VIEW, record_type="audit_log", detail=_describe(query)
        )
        matched = session.execute(
            text(f"SELECT count(*) FROM audit_event WHERE {where}"), params
        ).scalar_one()
        rows = session.execute(
            text(
                "SELECT id, at, actor_name, action, patient_id, record_type, record_id, detail "
                f"FROM audit_event WHERE {where} ORDER BY id DESC LIMIT :limit"
            ),
            {**params, "limit": int(limit)},
        ).all()
        in_log = session.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
        mentioned = {r.patient_id for r in rows if r.patient_id is not None}
        for r in rows:
            mentioned.update(_referenced_ids(r.detail))
        labels = patient_labels(session, mentioned)
        session.commit()
    return AuditPage([_line(r, labels) for r in rows], matched, in_log)


def patient_labels(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """{patient id: "P000123 · SMITH, Ann"} for the ids that exist (merged and archived too)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = session.execute(
        text(
            f"SELECT id, practice_id, family_name, given_name FROM patient WHERE id IN {_ID_LIST}"
        ),
        {"ids": json.dumps(wanted)},
    ).all()
    return {r[0]: f"{r[1]} · {r[2].upper()}, {r[3]}" for r in rows}


def text_line(line: AuditLine) -> str:
    """One event as a line of plain text (the CLI's `audit list`)."""
    # Who and what padded to a column each, so a terminal reads it as a table.
    when = audit_text.local_time(line.at, "%d/%m/%Y %H:%M:%S")
    parts = [f"{line.id:>7}", when, f"{line.who:<30}", f"{line.action:<32}"]
    parts += [p for p in (line.patient, line.details) if p]
    return "  ".join(parts).rstrip()


def summary(page: AuditPage) -> str:
    """'Showing the newest 500 of 1,234 matching events. The log holds 5,678 events.'"""
    shown, matched = len(page.lines), page.matched
    noun = "event" if matched == 1 else "events"
    head = (
        f"Showing the newest {shown:,} of {matched:,} matching {noun}."
        if shown < matched
        else f"{matched:,} matching {noun}."
    )
    return f"{head} The log holds {page.in_log:,} {'event' if page.in_log == 1 else 'events'}."


def _line(row, labels: dict[int, str]) -> AuditLine:
    pid = row.patient_id
    return AuditLine(
        id=row.id,
        at=datetime.fromisoformat(row.at).replace(tzinfo=UTC),  # as audit._stamp writes it
        who=row.actor_name,
        action=audit_text.action_text(row.action, row.record_type, row.detail),
        patient=labels.get(pid, "a record no longer on file") if pid is not None else "",
        details=audit_text.detail_text(row.action, row.record_type, row.detail, labels),
        patient_id=pid,
    )


def _referenced_ids(detail: str) -> set[int]:
    found: set[int] = set()
    for match in audit_text.RECORD_REFS.finditer(detail or ""):
        found.update(int(i) for i in match.group(1).split(", "))
    return found


def _where(q: AuditQuery) -> tuple[str, dict]:
    where, params = ["1=1"], {}
    if q.action:
        where.append("action = :action")
        params["action"] = q.action
    if q.who:
        where.append("actor_name LIKE :who ESCAPE '\\'")
        escaped = q.who.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["who"] = f"%{escaped}%"
    if q.patient_id is not None:
        where.append("patient_id = :pid")
        params["pid"] = q.patient_id
    if q.since is not None:
        where.append("at >= :since")
        params["since"] = audit._stamp(q.since)
    if q.until is not None:
        where.append("at < :until")
        params["until"] = audit._stamp(q.until)
    return " AND ".join(where), params


def _describe(q: AuditQuery) -> str:
    """The filters of a viewing, for its own audit row (a name filter's text is staff, not
    patient, data; a patient filter is recorded by id like every other patient event)."""
    parts = []
    if q.action:
        parts.append(f"action {q.action}")
    if q.who:
        parts.append("name filter")
    if q.patient_id is not None:
        parts.append(f"patient filter (record {q.patient_id})")
    if q.since is not None or q.until is not None:
        since = audit_text.local_time(q.since, audit_text.DATE) if q.since else "the start"
        # `until` is exclusive: the last day shown is the one before it.
        last = q.until - timedelta(microseconds=1) if q.until else None
        until = audit_text.local_time(last, audit_text.DATE) if last else "now"
        parts.append(f"from {since} to {until}")
    return "listed" + (": " + ", ".join(parts) if parts else "")
