"""Contacts after a transition: who made it (the signed-in staff member), when and how. An
interactive contact (a conversation with the patient or carer) completes the discharge's
contact task; a voicemail, a text sent or no answer is an attempt, written into the task's
history, and the task stays open. Re-exported by transitions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import (
    INTERACTIVE_METHODS,
    CareTransition,
    ContactMethod,
    TaskSource,
    TransitionContact,
)
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.edit import history
from carecoord_desktop.services.tasks.events import close_event_tasks

METHOD_LABELS = {
    ContactMethod.PHONE_ANSWERED: "phone call, answered",
    ContactMethod.IN_PERSON: "in person",
    ContactMethod.VIDEO: "video call",
    ContactMethod.SECURE_MESSAGE_REPLY: "secure message, replied",
    ContactMethod.VOICEMAIL: "voicemail left",
    ContactMethod.SMS_SENT: "text message sent",
    ContactMethod.NO_ANSWER: "phoned, no answer",
}


@dataclass(frozen=True)
class ContactRow:
    id: int
    made_at: datetime
    made_by_name: str
    method: ContactMethod
    interactive: bool
    with_whom: str | None
    notes: str | None

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


@dataclass(frozen=True)
class ContactResult:
    contact: ContactRow
    closed_task_ids: list[int]  # the contact task(s) this closed (none for a voicemail)


def _changes(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.TRANSITIONS, Kind.TASKS)


def _clean(value: str | None, name: str, limit: int, what: str) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise ValidationError(f"Keep the {what} under {limit} characters.", field=name)
    return cleaned or None


def record_contact(
    ws,
    actor: Actor,
    transition_id: int,
    *,
    method: ContactMethod | str,
    made_at: datetime | None = None,
    with_whom: str | None = None,
    notes: str | None = None,
) -> Changed[ContactResult]:
    """A contact (or attempt) after a transition: who made it (the actor), when, how. An
    interactive one completes the contact task; a voicemail, a text or no answer is an attempt
    noted in the task's history, which stays open."""
    require(actor, Permission.MANAGE_TASKS)
    try:
        how = ContactMethod(getattr(method, "value", method))
    except ValueError:
        raise ValidationError(
            "Say how: " + ", ".join(METHOD_LABELS.values()) + ".", field="method"
        ) from None
    when = made_at or utcnow()
    # Typed as local time when naive; stored in UTC like every other time in the workspace.
    when = when.astimezone(UTC)
    if when > utcnow() + timedelta(minutes=5):
        raise ValidationError("The contact cannot be in the future.", field="made_at")
    with_whom = _clean(with_whom, "with_whom", 120, "person spoken with")
    notes = _clean(notes, "notes", 500, "notes")
    with ws.write_session() as session:
        transition = session.get(CareTransition, transition_id)
        if transition is None:
            raise ValidationError("That hospital stay is no longer recorded.")
        editable_patient(session, transition.patient_id)
        task_id = (
            session.connection()
            .execute(
                text(
                    "SELECT id FROM task WHERE source = 'discharge' AND source_id = :sid "
                    "AND kind = 'contact'"
                ),
                {"sid": str(transition_id)},
            )
            .scalar()
        )
        row = TransitionContact(
            patient_id=transition.patient_id, transition_id=transition_id, task_id=task_id,
            made_by_id=actor.user_id, made_by_name=actor.full_name, made_at=when,
            method=how.value, interactive=how in INTERACTIVE_METHODS, with_whom=with_whom,
            notes=notes,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(
            session, actor, AuditAction.CREATE, patient_id=transition.patient_id,
            record_type="transition_contact", record_id=row.id,
            detail=f"contact after transition {transition_id}: {how.value}",
        )  # fmt: skip
        closed: list[int] = []
        if row.interactive:
            closed = close_event_tasks(
                session, actor, TaskSource.DISCHARGE, transition_id, "contact",
                resolution=f"Contact made: {METHOD_LABELS[how]}",
            )  # fmt: skip
        elif task_id is not None:
            history(session, actor, task_id, "attempt", f"{METHOD_LABELS[how]}; still to reach")
        session.commit()
        return Changed(ContactResult(contact_row(row), closed), _changes(transition.patient_id))


def contact_row(c: TransitionContact) -> ContactRow:
    return ContactRow(
        c.id, c.made_at, c.made_by_name, ContactMethod(c.method), bool(c.interactive),
        c.with_whom, c.notes,
    )  # fmt: skip
