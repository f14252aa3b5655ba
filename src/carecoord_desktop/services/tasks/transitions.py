"""Transitions of care: an admission, a discharge or an ED visit recorded, on the record's
hospital events (what the risk score and "recently discharged" read), and the follow-up they
start. A discharge opens its tasks with due dates from the practice calendar:

- contact: an interactive contact (a conversation with the patient or carer) within 2
  business days;
- medrec: the medicines reconciled, by the face-to-face visit at the latest;
- visit: a face-to-face follow-up within 7 calendar days (high complexity) or 14 (moderate),
  due the last business day on or before that day;
- summary: the hospital's discharge summary received and reviewed, within 2 business days
  (chased if it has not come).

(The windows are those of the US CMS transitional care management codes, which Australian
practices also use as the standard of care.) Each task waits in a role's queue until someone
claims it. A contact records who made it, when and how; a voicemail or a text sent is an
attempt, kept in the history, and the contact task stays open until someone speaks to them.
Recording the same discharge twice (a script re-importing notifications) opens nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind
from carecoord_desktop.models.staff import Role
from carecoord_desktop.models.task import (
    CareTransition,
    Task,
    TaskPriority,
    TaskSource,
    TransitionContact,
    TransitionKind,
)
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import check_past_date, editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.calendar import PracticeCalendar, read_calendar

# Contacts after a transition (contacts.py) are part of this module's API too.
# Contacts after a transition live in contacts.py; they are part of this module's API too.
from carecoord_desktop.services.tasks.contacts import (
    METHOD_LABELS,
    ContactResult,
    ContactRow,
    contact_row,
    record_contact,
)
from carecoord_desktop.services.tasks.edit import history
from carecoord_desktop.services.tasks.events import open_event_task
from carecoord_desktop.services.tasks.types import TaskEvent, queue_label

__all__ = [
    "COMPLEXITIES",
    "METHOD_LABELS",
    "ContactResult",
    "ContactRow",
    "DischargeResult",
    "DischargeTask",
    "TransitionRow",
    "discharge_plan",
    "list_transitions",
    "mark_summary_received",
    "record_admission",
    "record_contact",
    "record_discharge",
    "record_ed_visit",
]

COMPLEXITIES = ("moderate", "high")
VISIT_DAYS = {"high": 7, "moderate": 14}
CONTACT_BUSINESS_DAYS = 2
SUMMARY_BUSINESS_DAYS = 2


@dataclass(frozen=True)
class DischargeTask:
    kind: str  # contact | medrec | visit | summary
    title: str
    due: date
    owner: str  # the role queue it waits in ("nurse")
    task_id: int
    owner_label: str = ""  # "Nurses"


@dataclass(frozen=True)
class DischargeResult:
    transition_id: int
    hospital_event_id: int
    tasks: list[DischargeTask]
    created: bool  # False: this discharge was already recorded; its tasks are returned


@dataclass(frozen=True)
class TransitionRow:
    id: int
    kind: TransitionKind
    event_date: date
    facility: str | None
    complexity: str | None
    summary_received_on: date | None
    hospital_event_id: int | None
    contacts: list[ContactRow] = field(default_factory=list)

    @property
    def contacted(self) -> bool:
        return any(c.interactive for c in self.contacts)


def _changes(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.TRANSITIONS, Kind.HOSPITAL, Kind.TASKS)


def _clean(value: str | None, name: str, limit: int, what: str, *, required=False) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(f"Enter the {what}.", field=name)
    if len(cleaned) > limit:
        raise ValidationError(f"Keep the {what} under {limit} characters.", field=name)
    return cleaned or None


def discharge_plan(
    calendar: PracticeCalendar, discharged: date, complexity: str, *, summary_received: bool
) -> list[tuple[str, str, date, str, str]]:
    """(kind, title, due, owner role, priority) of a discharge's tasks, from the calendar."""
    days = VISIT_DAYS[complexity]
    visit_due = discharged + timedelta(days=days)
    while not calendar.is_business_day(visit_due):  # the practice must be open to see them
        visit_due -= timedelta(days=1)
    contact_due = calendar.add_business_days(discharged, CONTACT_BUSINESS_DAYS)
    summary_due = calendar.add_business_days(discharged, SUMMARY_BUSINESS_DAYS)
    summary = "Review the discharge summary" if summary_received else (
        "Get and review the discharge summary"
    )  # fmt: skip
    visit_priority = TaskPriority.HIGH if complexity == "high" else TaskPriority.NORMAL
    return [
        ("contact", f"Interactive contact within {CONTACT_BUSINESS_DAYS} business days",
         contact_due, Role.NURSE.value, TaskPriority.HIGH.value),
        ("medrec", "Medication reconciliation after discharge", visit_due, Role.NURSE.value,
         TaskPriority.HIGH.value),
        ("visit", f"Face-to-face follow-up within {days} days", visit_due, Role.GP.value,
         visit_priority.value),
        ("summary", summary, summary_due, Role.GP.value, TaskPriority.NORMAL.value),
    ]  # fmt: skip


_CHECKLISTS = {
    "contact": (
        "Speak with the patient or carer",
        "Go over the discharge instructions and warning signs",
        "Check they have their medicines and know any changes",
        "Confirm the follow-up appointment",
    ),
    "visit": ("Book the appointment", "Visit done"),
}


def _open_admission(session: Session, patient_id: int, discharged: date) -> HospitalEvent | None:
    return session.exec(
        select(HospitalEvent)
        .where(
            HospitalEvent.patient_id == patient_id,
            HospitalEvent.kind == HospitalEventKind.ADMISSION,
            HospitalEvent.end_date.is_(None),  # type: ignore[union-attr]
            HospitalEvent.start_date <= discharged,
        )
        .order_by(HospitalEvent.start_date.desc())  # type: ignore[union-attr]
    ).first()


def _already(session: Session, patient_id: int, discharged: date, facility: str):
    rows = session.exec(
        select(CareTransition).where(
            CareTransition.patient_id == patient_id,
            CareTransition.kind == TransitionKind.DISCHARGE.value,
            CareTransition.event_date == discharged,
        )
    )
    return next((r for r in rows if (r.facility or "").casefold() == facility.casefold()), None)


def _tasks_of(session: Session, transition_id: int) -> list[DischargeTask]:
    order = {"contact": 0, "medrec": 1, "visit": 2, "summary": 3}
    rows = session.exec(
        select(Task).where(
            Task.source == TaskSource.DISCHARGE.value, Task.source_id == str(transition_id)
        )
    ).all()
    out = [
        DischargeTask(t.kind, t.title, t.due_date, t.owner_role, t.id, queue_label(t.owner_role))
        for t in rows
    ]
    return sorted(out, key=lambda t: order.get(t.kind, 9))


def record_discharge(
    ws,
    actor: Actor,
    patient_id: int,
    *,
    discharged: date,
    facility: str,
    complexity: str = "moderate",
    admitted: date | None = None,
    summary_received: date | None = None,
    notes: str | None = None,
) -> Changed[DischargeResult]:
    """Record a discharge and open its four follow-up tasks (see the module's docstring).

    Closes the patient's open admission when there is one (or records the stay, admitted on
    `admitted` or on the discharge day)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    require(actor, Permission.MANAGE_TASKS)
    if complexity not in COMPLEXITIES:
        raise ValidationError("Choose moderate or high complexity.", field="complexity")
    if not isinstance(discharged, date):
        raise ValidationError("Enter the discharge date.", field="discharged")
    name = _clean(facility, "facility", 120, "hospital or facility", required=True)
    notes = _clean(notes, "notes", 500, "notes")
    with ws.write_session() as session:
        patient = editable_patient(session, patient_id)
        check_past_date(discharged, "discharged", "discharge date", patient.date_of_birth)
        check_past_date(admitted, "admitted", "admission date", patient.date_of_birth)
        check_past_date(summary_received, "summary_received", "summary date", discharged)
        if admitted is not None and admitted > discharged:
            raise ValidationError("The admission cannot be after the discharge.", "admitted")
        seen = _already(session, patient_id, discharged, name)
        if seen is not None:
            result = DischargeResult(seen.id, seen.hospital_event_id, _tasks_of(session, seen.id),
                                     created=False)  # fmt: skip
            return Changed(result, Changes())
        event = _open_admission(session, patient_id, discharged)
        if event is None:
            event = HospitalEvent(
                patient_id=patient_id,
                kind=HospitalEventKind.ADMISSION,
                start_date=admitted or discharged,
                facility=name,
            )
            action = AuditAction.CREATE
        else:
            action = AuditAction.UPDATE
        event.end_date = discharged
        event.facility = event.facility or name
        session.add(event)
        session.flush()
        audit.record(
            session, actor, action, patient_id=patient_id, record_type="hospital_event",
            record_id=event.id,
            detail="added hospital event" if action == AuditAction.CREATE else "changed: end_date",
        )  # fmt: skip
        transition = CareTransition(
            patient_id=patient_id,
            hospital_event_id=event.id,
            kind=TransitionKind.DISCHARGE.value,
            event_date=discharged,
            facility=name,
            complexity=complexity,
            summary_received_on=summary_received,
            notes=notes,
            created_by_id=actor.user_id,
        )
        session.add(transition)
        session.flush()
        audit.record(
            session, actor, AuditAction.CREATE, patient_id=patient_id,
            record_type="care_transition", record_id=transition.id, detail="recorded discharge",
        )  # fmt: skip
        plan = discharge_plan(
            read_calendar(session), discharged, complexity,
            summary_received=summary_received is not None,
        )  # fmt: skip
        for kind, title, due, role, priority in plan:
            open_event_task(
                session,
                actor,
                TaskEvent(
                    source=TaskSource.DISCHARGE, source_id=str(transition.id), kind=kind,
                    title=title, patient_id=patient_id, due_date=due, owner_role=role,
                    priority=priority, details=f"Discharged {discharged:%d/%m/%Y} from {name}.",
                    checklist=_CHECKLISTS.get(kind, ()),
                ),
            )  # fmt: skip
        session.commit()
        result = DischargeResult(transition.id, event.id, _tasks_of(session, transition.id), True)
        return Changed(result, _changes(patient_id))


def _record_stay(ws, actor, patient_id, kind: TransitionKind, day, facility, reason, notes):
    require(actor, Permission.EDIT_CARE_PLANS)
    if not isinstance(day, date):
        raise ValidationError("Enter the date.", field="day")
    name = _clean(facility, "facility", 120, "hospital or facility")
    reason = _clean(reason, "reason", 200, "reason")
    notes = _clean(notes, "notes", 500, "notes")
    with ws.write_session() as session:
        patient = editable_patient(session, patient_id)
        check_past_date(day, "day", "date", patient.date_of_birth)
        event = HospitalEvent(
            patient_id=patient_id,
            kind=HospitalEventKind.ADMISSION if kind == TransitionKind.ADMISSION
            else HospitalEventKind.ED_VISIT,
            start_date=day, facility=name, reason=reason,
        )  # fmt: skip
        session.add(event)
        session.flush()
        audit.record(
            session, actor, AuditAction.CREATE, patient_id=patient_id,
            record_type="hospital_event", record_id=event.id, detail="added hospital event",
        )  # fmt: skip
        transition = CareTransition(
            patient_id=patient_id, hospital_event_id=event.id, kind=kind.value, event_date=day,
            facility=name, notes=notes, created_by_id=actor.user_id,
        )  # fmt: skip
        session.add(transition)
        session.flush()
        audit.record(
            session, actor, AuditAction.CREATE, patient_id=patient_id,
            record_type="care_transition", record_id=transition.id,
            detail=f"recorded {kind.value.replace('_', ' ')}",
        )  # fmt: skip
        if kind == TransitionKind.ED_VISIT:
            due = read_calendar(session).add_business_days(day, CONTACT_BUSINESS_DAYS)
            open_event_task(
                session, actor,
                TaskEvent(
                    source=TaskSource.DISCHARGE, source_id=str(transition.id), kind="contact",
                    title="Follow-up call after the ED visit", patient_id=patient_id,
                    due_date=due, owner_role=Role.NURSE.value, priority=TaskPriority.HIGH,
                    checklist=_CHECKLISTS["contact"],
                ),
            )  # fmt: skip
        session.commit()
        return Changed(_row(session, transition), _changes(patient_id))


def record_admission(
    ws, actor: Actor, patient_id: int, *, admitted: date, facility: str | None = None,
    reason: str | None = None, notes: str | None = None,
) -> Changed[TransitionRow]:  # fmt: skip
    """An admission the practice heard of: the stay stays open until its discharge."""
    return _record_stay(ws, actor, patient_id, TransitionKind.ADMISSION, admitted, facility,
                        reason, notes)  # fmt: skip


def record_ed_visit(
    ws, actor: Actor, patient_id: int, *, day: date, facility: str | None = None,
    reason: str | None = None, notes: str | None = None,
) -> Changed[TransitionRow]:  # fmt: skip
    """An ED visit, and a follow-up call within 2 business days."""
    return _record_stay(ws, actor, patient_id, TransitionKind.ED_VISIT, day, facility, reason,
                        notes)  # fmt: skip


def mark_summary_received(
    ws, actor: Actor, transition_id: int, day: date | None = None
) -> Changed[TransitionRow]:
    """The discharge summary arrived (the review task stays until someone reviews it)."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        transition = session.get(CareTransition, transition_id)
        if transition is None:
            raise ValidationError("That hospital stay is no longer recorded.")
        day = day or date.today()
        check_past_date(day, "day", "date the summary came", transition.event_date)
        transition.summary_received_on = day
        session.add(transition)
        session.flush()
        for task in session.exec(
            select(Task).where(
                Task.source == "discharge",
                Task.source_id == str(transition_id),
                Task.kind == "summary",
            )
        ):
            history(session, actor, task.id, "summary", f"summary received {day:%d/%m/%Y}")
        audit.record(
            session, actor, AuditAction.UPDATE, patient_id=transition.patient_id,
            record_type="care_transition", record_id=transition_id,
            detail="changed: summary_received_on",
        )  # fmt: skip
        session.commit()
        return Changed(_row(session, transition), _changes(transition.patient_id))


def _row(session: Session, t: CareTransition) -> TransitionRow:
    contacts = session.exec(
        select(TransitionContact)
        .where(TransitionContact.transition_id == t.id)
        .order_by(TransitionContact.made_at)
    ).all()
    return TransitionRow(
        t.id, TransitionKind(t.kind), t.event_date, t.facility, t.complexity,
        t.summary_received_on, t.hospital_event_id, [contact_row(c) for c in contacts],
    )  # fmt: skip


def list_transitions(ws, actor: Actor, patient_id: int) -> list[TransitionRow]:
    """A patient's transitions, newest first, with the contacts after each."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        rows = session.exec(
            select(CareTransition)
            .where(CareTransition.patient_id == patient_id)
            .order_by(CareTransition.event_date.desc(), CareTransition.id.desc())  # type: ignore[union-attr]
        ).all()
        out = [_row(session, t) for t in rows]
        audit.record(
            session, actor, AuditAction.VIEW, patient_id=patient_id,
            record_type="care_transition", detail=f"transitions: {len(out)}",
        )  # fmt: skip
        session.commit()
    return out
