"""Stale saves: a form sends back the row version it was opened with; a save whose version is
no longer the stored one is refused with a StaleEditError that says who changed what, and when.

Who and what come from the audit log (every change is audited with the field names it
changed, never values), so the message holds names of staff and fields only. The version
itself is the tables' `version_id_col` (models/_common.version_column, migration 0008): an
ORM update carries "AND version = :seen", and a row changed in between makes it fail with
StaleDataError, which `refused_if_stale` turns into the same message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, or_, select

from carecoord_desktop.errors import StaleEditError
from carecoord_desktop.models.audit import AuditAction, AuditEvent
from carecoord_desktop.services import audit_text
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.workspace import Workspace

_CHANGES = (AuditAction.UPDATE.value, AuditAction.DELETE.value, AuditAction.CREATE.value)


@dataclass(frozen=True)
class Target:
    """The record a form edits: its audit record_type and id, and how to name it to a user."""

    record_type: str
    record_id: object
    what: str  # "this patient's details", "this allergy", "this account"
    # Other audit record types whose changes also bump this row (adding an allergy ends the
    # patient's "no known allergies", which is a column of the patient row).
    also: tuple[str, ...] = ()
    patient_id: int | None = None
    advice: str | None = None  # what to do, where the form has no Reload of its own


def check(session: Session, actor: Actor, target: Target, stored: int, seen: int | None) -> None:
    """Refuse the save when the form's version `seen` is not the `stored` one (None: no form,
    e.g. a script that means to write whatever is there)."""
    if seen is not None and stored != seen:
        raise stale_error(session, actor, target)


@contextmanager
def refused_if_stale(ws: Workspace, actor: Actor, target: Target) -> Iterator[None]:
    """Turn the ORM's "0 rows updated" (a row changed since it was read) into the message."""
    try:
        yield
    except StaleDataError:
        with ws.session() as session:
            raise stale_error(session, actor, target) from None


def removed_error(session: Session, actor: Actor, target: Target) -> StaleEditError:
    """The row is gone: someone removed it after the form was opened."""
    return stale_error(session, actor, target, removed=True)


def stale_error(
    session: Session, actor: Actor, target: Target, *, removed: bool = False
) -> StaleEditError:
    event = _last_change(session, target)
    who, when, fields, words = "Someone else", "", (), ""
    if event is not None:
        you = actor.user_id is not None and event.actor_id == actor.user_id
        who = "You (in another window)" if you else event.actor_name
        when = f" {_when(event.at)}"
        fields = _fields(event.detail)
        words = _words(event)
        removed = removed or event.action == AuditAction.DELETE.value
    verb = "removed" if removed else "changed"
    listed = f" ({words})" if words and not removed else ""
    after = target.advice or (
        "Reload to see the record as it is now; what you typed stays on screen."
        if removed
        else "Reload to see their changes; what you typed stays on screen."
    )
    message = f"{who} {verb} {target.what}{when}{listed} after you opened the form. {after}"
    return StaleEditError(
        message,
        record_type=target.record_type,
        record_id=target.record_id,
        changed_by=None if event is None else event.actor_name,
        changed_fields=fields,
        removed=removed,
    )


def _last_change(session: Session, target: Target) -> AuditEvent | None:
    same_id = (
        AuditEvent.record_id.is_(None)  # type: ignore[union-attr]
        if target.record_id is None
        else AuditEvent.record_id == str(target.record_id)
    )
    own = (AuditEvent.record_type == target.record_type) & same_id
    clause = own
    if target.also and target.patient_id is not None:
        clause = or_(
            own,
            AuditEvent.record_type.in_(target.also)  # type: ignore[union-attr]
            & (AuditEvent.patient_id == target.patient_id)
            & (AuditEvent.action == AuditAction.CREATE.value),
        )
    return session.exec(
        select(AuditEvent)
        .where(clause, AuditEvent.action.in_(_CHANGES))  # type: ignore[union-attr]
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()


def _fields(detail: str) -> tuple[str, ...]:
    """The field names of an audit detail "changed: phone, address" (the form marks them)."""
    text = detail.strip()
    if not text.startswith("changed:"):
        return ()
    return tuple(n.strip() for n in text.removeprefix("changed:").split(",") if n.strip())


def _words(event: AuditEvent) -> str:
    """What the change was, in the audit screen's words ("phone, address", "added allergy")."""
    text = audit_text.detail_text(event.action, event.record_type, event.detail)
    text = text.removeprefix("changed: ").strip()
    if not text:  # the detail only repeated the action ("unarchived"): say the action
        action = audit_text.action_text(event.action, event.record_type, event.detail)
        text = action[:1].lower() + action[1:]
    return text


def _when(at: datetime) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone()
    if local.date() == date.today():
        return f"at {local:%H:%M}"
    return f"on {local.day} {local:%b} at {local:%H:%M}"
