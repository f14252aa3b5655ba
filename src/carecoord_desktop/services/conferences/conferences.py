"""Care conferences: scheduling (date, place or video link, the people invited), changing the
details and the invitees, the patient's agreement, attendance, and cancelling.

Who may: every conference write is clinical (EDIT_CARE_PLANS: GP, nurse, coordinator, admin);
reading needs VIEW_PATIENTS. The audit log holds ids and field names only, never the
questions, notes or reasons. Every write bumps the conference's version, so a form opened on
an older version is refused (StaleEditError naming who saved first) instead of overwriting.

Writes return `Changed(ConferenceRecord, Changes.patient(patient_id, Kind.CONFERENCES))`.
The form's choices and checks are in forms.py, the reads in reading.py (both re-exported).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import (
    AgreementMethod,
    Attendance,
    CareConference,
    ConferenceParticipant,
    ConferenceStatus,
    JoinMethod,
)
from carecoord_desktop.models.task import TaskSource
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.conferences.forms import (  # re-exported: one API
    STAFF_DISCIPLINES,
    clean_details,
    clean_participants,
    clean_text,
    invitables,
    open_plan_id,
    value_of,
)
from carecoord_desktop.services.conferences.reading import (  # re-exported: one API
    RECORD_TYPE,
    aware,
    conference_or_error,
    latest_conference_id,
    list_conferences,
    load_conference,
    participants_of,
    record_of,
)
from carecoord_desktop.services.conferences.types import ConferenceDraft, ConferenceRecord
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.events import close_event_tasks
from carecoord_desktop.store.workspace import Workspace

S = ConferenceStatus


def target(conference_id: int, patient_id: int | None = None) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE,
        conference_id,
        "this care conference",
        patient_id=patient_id,
        advice="Reload to see the conference as it is now; what you typed stays on screen.",
    )


def changes_for(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.CONFERENCES)


# -- writing -----------------------------------------------------------------------------------
def loaded(
    session: Session, actor: Actor, conference_id: int, version: int | None, *, writable=True
) -> CareConference:
    """The conference to change: there, its patient editable, the form's version current and
    (for `writable`) not cancelled."""
    conf = session.get(CareConference, conference_id)
    if conf is None:
        raise conflicts.removed_error(session, actor, target(conference_id))
    editable_patient(session, conf.patient_id)
    conflicts.check(session, actor, target(conf.id, conf.patient_id), conf.version, version)
    if writable and conf.status == S.CANCELLED.value:
        raise ValidationError("This conference was cancelled: schedule a new one.", "status")
    return conf


def saved(
    ws: Workspace,
    session: Session,
    actor: Actor,
    conf: CareConference,
    action: AuditAction,
    detail: str,
    extra: Changes | None = None,
) -> Changed[ConferenceRecord]:
    """Flush under the version check, audit, commit and return the record as it is now."""
    conf.updated_at = utcnow()
    session.add(conf)
    with conflicts.refused_if_stale(ws, actor, target(conf.id, conf.patient_id)):
        session.flush()
    audit.record(
        session,
        actor,
        action,
        patient_id=conf.patient_id,
        record_type=RECORD_TYPE,
        record_id=conf.id,
        detail=detail,
    )
    session.commit()
    rec = record_of(session, conf)
    changes = changes_for(conf.patient_id)
    return Changed(rec, changes | extra if extra else changes)


def schedule_conference(
    ws: Workspace, actor: Actor, draft: ConferenceDraft
) -> Changed[ConferenceRecord]:
    """A new conference with its invitees, and its agenda built from the record at once."""
    from carecoord_desktop.services.conferences.agenda import add_new_items, build_items

    require(actor, Permission.EDIT_CARE_PLANS)
    if draft.id is not None:
        raise ValidationError("This conference is already scheduled: save its changes instead.")
    with ws.write_session() as session:
        editable_patient(session, draft.patient_id)
        values = clean_details(session, draft)
        people = clean_participants(session, draft.patient_id, draft.participants)
        conf = CareConference(
            patient_id=draft.patient_id,
            **values,
            status=S.SCHEDULED.value,
            created_by_id=actor.user_id,
        )
        if conf.organiser_id is None and actor.user_id is not None:
            conf.organiser_id = actor.user_id
        session.add(conf)
        session.flush()
        for n, (_, p) in enumerate(people):
            session.add(ConferenceParticipant(conference_id=conf.id, position=n, **p))
        items = build_items(session, draft.patient_id, date.today(), conf.patient_questions)
        added = add_new_items(session, conf, items)
        return saved(
            ws,
            session,
            actor,
            conf,
            AuditAction.CREATE,
            f"scheduled care conference ({len(people)} invited, {added} agenda items)",
        )


def update_conference(
    ws: Workspace, actor: Actor, draft: ConferenceDraft, base_version: int | None
) -> Changed[ConferenceRecord]:
    """Save the details and the invitees as the draft has them: participants with an id are
    kept (and updated), those missing are removed, those without an id are added. New
    questions of the patient are added to the agenda."""
    from carecoord_desktop.services.conferences.agenda import add_new_items, question_items

    require(actor, Permission.EDIT_CARE_PLANS)
    if draft.id is None:
        raise ValidationError("Schedule the conference first.", field="id")
    with ws.write_session() as session:
        conf = loaded(session, actor, draft.id, base_version)
        if draft.patient_id != conf.patient_id:
            raise ValidationError("This draft belongs to another patient's conference.")
        values = clean_details(session, draft)
        if conf.status == S.HELD.value and aware(conf.scheduled_at) != values["scheduled_at"]:
            raise ValidationError(
                "This conference has been held: correct its times instead of its date.",
                field="scheduled_at",
            )
        changed = sorted(k for k, v in values.items() if _differs(getattr(conf, k), v))
        for key, value in values.items():
            setattr(conf, key, value)
        people = clean_participants(session, conf.patient_id, draft.participants)
        existing = {p.id: p for p in participants_of(session, conf.id)}
        kept = set()
        for n, (pid, p) in enumerate(people):
            if pid is None:
                session.add(ConferenceParticipant(conference_id=conf.id, position=n, **p))
                changed.append("participant added")
                continue
            row = existing.get(pid)
            if row is None:
                raise ValidationError(
                    "Someone on the list was removed meanwhile: reload the conference.",
                    field=f"participants[{n}]",
                )
            kept.add(pid)
            p["position"] = n
            if any(getattr(row, k) != v for k, v in p.items()):
                for k, v in p.items():
                    setattr(row, k, v)
                session.add(row)
                changed.append("participant changed")
        for pid, row in existing.items():
            if pid not in kept:
                session.delete(row)
                changed.append("participant removed")
        added = add_new_items(session, conf, question_items(conf.patient_questions))
        if added:
            changed.append("agenda items added")
        words = ", ".join(dict.fromkeys(changed)) or "saved unchanged"
        return saved(ws, session, actor, conf, AuditAction.UPDATE, f"changed: {words}")


def _differs(stored, new) -> bool:
    if isinstance(stored, datetime) and isinstance(new, datetime):
        return aware(stored) != new
    return stored != new


def cancel_conference(
    ws: Workspace, actor: Actor, conference_id: int, reason: str, base_version: int | None
) -> Changed[ConferenceRecord]:
    require(actor, Permission.EDIT_CARE_PLANS)
    why = clean_text(reason, "reason", 500, "the reason for cancelling", required=True)
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, base_version)
        if conf.status == S.HELD.value:
            raise ValidationError("This conference has been held: it cannot be cancelled.")
        if conf.status == S.IN_PROGRESS.value:
            raise ValidationError("The meeting is under way: end it, or correct its times.")
        conf.status, conf.cancel_reason = S.CANCELLED.value, why
        # Tasks decided before it was called off would be chased for nothing: close them.
        closed = close_event_tasks(
            session, actor, TaskSource.CONFERENCE, conf.id, "decision",
            resolution="Closed: the care conference was cancelled",
        )  # fmt: skip
        extra = Changes.of(Kind.TASKS, patients=(conf.patient_id,)) if closed else None
        return saved(
            ws, session, actor, conf, AuditAction.UPDATE, "cancelled care conference", extra
        )


def record_agreement(
    ws: Workspace,
    actor: Actor,
    conference_id: int,
    *,
    agreed: bool | None,
    on: date | None,
    how: AgreementMethod | str | None,
    note: str | None = None,
    base_version: int | None,
) -> Changed[ConferenceRecord]:
    """The patient's answer to holding the conference (agreed or declined), when and how it
    was given; `agreed` None clears a wrongly recorded answer."""
    require(actor, Permission.EDIT_CARE_PLANS)
    if agreed is not None:
        if not isinstance(on, date):
            raise ValidationError("Give the date the patient answered.", field="agreed_on")
        if on > date.today():
            raise ValidationError("That date is in the future.", field="agreed_on")
        try:
            method = AgreementMethod(value_of(how)).value
        except ValueError:
            raise ValidationError("Say how: verbally or in writing.", field="agreed_how") from None
    else:
        on, method = None, None
    text = clean_text(note, "agreement_note", 500, "the note")
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, base_version)
        conf.agreed, conf.agreed_on, conf.agreed_how = agreed, on, method
        conf.agreement_note = text
        conf.agreement_recorded_by_id = actor.user_id if agreed is not None else None
        word = {True: "agreed", False: "declined", None: "cleared"}[agreed]
        return saved(ws, session, actor, conf, AuditAction.UPDATE, f"patient's agreement: {word}")


def set_attendance(
    ws: Workspace,
    actor: Actor,
    participant_id: int,
    attendance: Attendance | str,
    joined_how: JoinMethod | str | None = None,
) -> Changed[ConferenceRecord]:
    """Whether one invitee accepted, declined, came (and how they joined) or did not."""
    require(actor, Permission.EDIT_CARE_PLANS)
    try:
        value = Attendance(value_of(attendance)).value
    except ValueError:
        raise ValidationError("That is not an attendance.", field="attendance") from None
    joined = value_of(joined_how) or None
    if joined is not None:
        try:
            joined = JoinMethod(joined).value
        except ValueError:
            raise ValidationError("Say how: in person, phone or video.", "joined_how") from None
    with ws.write_session() as session:
        row = session.get(ConferenceParticipant, participant_id)
        if row is None:
            raise ValidationError(
                "That person is no longer on the conference's list: reload it.",
                field="participant_id",
            )
        conf = loaded(session, actor, row.conference_id, None)
        row.attendance = value
        row.joined_how = joined if value == Attendance.ATTENDED.value else None
        session.add(row)
        return saved(
            ws,
            session,
            actor,
            conf,
            AuditAction.UPDATE,
            f"attendance of participant {row.id}: {value}",
        )


def conference_patient(session: Session, conference_id: int) -> int:
    return conference_or_error(session, conference_id).patient_id


__all__ = [
    "RECORD_TYPE",
    "STAFF_DISCIPLINES",
    "cancel_conference",
    "changes_for",
    "invitables",
    "latest_conference_id",
    "list_conferences",
    "load_conference",
    "loaded",
    "open_plan_id",
    "record_agreement",
    "saved",
    "schedule_conference",
    "set_attendance",
    "target",
    "update_conference",
]
