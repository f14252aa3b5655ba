"""From a stored care conference (and the patient's record) to the plain data its two documents
print (documents/conference_data.py): names instead of ids, labels instead of stored values,
local times instead of UTC. Reads only; printing.py audits what is made of it.

The conference itself is read through the conference services (load_conference, the rule
pack's check_record, build_agenda); the pack's record extract (problems, medicines, allergies,
goals against targets, open referrals, overdue tasks, the last 90 days' hospital stays and
medicine changes) is read here, in one session.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from carecoord_desktop.documents import conference_data as c
from carecoord_desktop.documents.careplan_data import PatientIdentifiers, PracticeHeader
from carecoord_desktop.models.conference import (
    ConferenceStatus,
    DecisionKind,
    JoinMethod,
    ParticipantKind,
)
from carecoord_desktop.models.patient import (
    Patient,
)
from carecoord_desktop.models.referral import DocumentShare, SendMethod
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.conferences import agenda as agenda_service
from carecoord_desktop.services.conferences import conferences as conference_service
from carecoord_desktop.services.conferences import meeting, record_extract, rules
from carecoord_desktop.services.conferences.record_extract import local
from carecoord_desktop.services.conferences.types import (
    ConferenceRecord,
    attendance_label,
    source_label,
    status_label,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.types import ShareRow, method_label
from carecoord_desktop.store.workspace import Workspace

__all__ = [
    "PACK",
    "RECORD_TYPE",
    "SUMMARY",
    "pack_data",
    "require_print",
    "shares_of",
    "summary_data",
]

RECORD_TYPE = "conference"
SUMMARY = "conference summary"  # DocumentShare.document
PACK = "conference pack"

_KIND_WORDS = {
    ParticipantKind.STAFF.value: "Practice staff",
    ParticipantKind.PROVIDER.value: "Care team",
    ParticipantKind.PATIENT.value: "Patient",
    ParticipantKind.CARER.value: "Carer",
    ParticipantKind.OTHER.value: "Other provider",
}
_JOIN_WORDS = {
    JoinMethod.IN_PERSON.value: "In person",
    JoinMethod.PHONE.value: "Phone",
    JoinMethod.VIDEO.value: "Video",
}
_DECISION_WORDS = {
    DecisionKind.NOTE.value: "Note",
    DecisionKind.TASK.value: "Task",
    DecisionKind.PLAN_CHANGE.value: "Plan change",
}


def require_print(actor: Actor) -> None:
    require(actor, Permission.VIEW_PATIENTS)
    require(actor, Permission.PRINT_HANDOUTS)


def shares_of(session: Session, conference_id: int) -> list[ShareRow]:
    """The conference's sharing record, oldest first (read in the caller's session)."""
    rows = session.exec(
        select(DocumentShare)
        .where(DocumentShare.record_type == RECORD_TYPE, DocumentShare.record_id == conference_id)
        .order_by(DocumentShare.shared_at, DocumentShare.id)
    )
    return [
        ShareRow(
            s.id,
            s.document,
            s.record_type,
            s.record_id,
            s.recipient,
            s.method,
            s.shared_at if s.shared_at.tzinfo else s.shared_at.replace(tzinfo=UTC),
            s.shared_by_name,
        )
        for s in rows
    ]


# -- what both documents print -------------------------------------------------------------------


def _heads(session: Session, rec: ConferenceRecord):
    p = session.get(Patient, rec.patient_id)
    practice = practice_settings._read(session)
    header = PracticeHeader(name=practice.practice_name or "Practice", is_demo=bool(p.is_demo))
    ident = PatientIdentifiers(
        full_name=f"{p.given_name} {p.family_name}",
        practice_id=p.practice_id,
        date_of_birth=p.date_of_birth,
        national_id=p.medicare_number or "",
        national_id_label="Medicare" if p.medicare_number else "",
        preferred_name=p.preferred_name or "",
        preferred_language=p.preferred_language or "",
        interpreter_needed=bool(p.interpreter_needed),
    )
    organiser = rec.organiser_name
    if rec.organiser_id:
        user = session.get(StaffUser, rec.organiser_id)
        role = getattr(getattr(user, "role", None), "label", "")
        if user and role:
            organiser = f"{user.full_name}, {role[:1].upper()}{role[1:]}"
    details = c.ConferenceDetails(
        title=rec.title,
        scheduled_at=local(rec.scheduled_at),
        planned_minutes=rec.planned_minutes,
        place=rec.place or "",
        video_link=rec.video_link or "",
        organiser=organiser,
        status=status_label(rec.status),
        cancel_reason=rec.cancel_reason or "",
        reference=f"Conference {rec.id}",
    )
    people = tuple(
        c.Person(
            name=x.name,
            discipline=x.discipline,
            organisation=x.organisation or "",
            kind=_KIND_WORDS.get(x.kind, x.kind),
            attendance=attendance_label(x.attendance),
            joined_how=_JOIN_WORDS.get(x.joined_how or "", x.joined_how or "")
            if x.attended
            else "",
            contact=x.contact or "",
            attended=x.attended,
            is_provider=x.is_provider,
        )
        for x in rec.participants
    )
    agreement = c.PatientAgreement(
        rec.agreed, rec.agreed_on, (rec.agreed_how or "").capitalize(), rec.agreement_note or ""
    )
    return header, ident, details, people, agreement


def _check(rec: ConferenceRecord, shares: list[ShareRow]):
    result = rules.check_record(rec, shares)
    lines = tuple(c.CheckLine(e.key, e.name, e.met, e.detail) for e in result.elements)
    return result.pack_name, lines


def summary_data(ws: Workspace, actor: Actor, conference_id: int):
    """The summary's data (checks the role; the caller that renders it audits)."""
    require_print(actor)
    rec = conference_service.load_conference(ws, actor, conference_id)
    with ws.session() as session:
        header, ident, details, people, agreement = _heads(session, rec)
        shares = shares_of(session, rec.id)
    minutes = rec.elapsed_minutes
    tier = meeting.tier_for(minutes) if minutes is not None else None
    times = c.TimeRecord(
        started_at=local(rec.started_at),
        ended_at=local(rec.ended_at),
        elapsed_minutes=minutes,
        tier=tier.label if tier else "",
        organiser_item=(tier.organiser_item or "") if tier else "",
        participant_item=(tier.participant_item or "") if tier else "",
    )
    titles = {a.id: a.title for a in rec.agenda}
    decisions = tuple(
        c.DecisionEntry(
            text=d.text,
            kind=_DECISION_WORDS.get(d.kind, d.kind),
            owner=d.owner_name,
            due=d.due_date,
            agenda_item=titles.get(d.agenda_item_id, ""),
            task=f"Task {d.task_id} on the board" if d.task_id else "",
            plan_change=_plan_words(d),
        )
        for d in rec.decisions
    )
    pack_name, check = _check(rec, shares)
    return c.ConferenceSummaryDocument(
        practice=header,
        patient=ident,
        conference=details,
        participants=people,
        agreement=agreement,
        times=times,
        agenda=tuple(
            c.AgendaEntry(
                a.title, source_label(a.source), a.detail or "", a.minutes or "", a.discussed
            )
            for a in rec.agenda
        ),
        decisions=decisions,
        pack_name=pack_name,
        check=check,
        sent_to=tuple(
            c.SentTo(s.recipient, _how(s.method), local(s.shared_at).date(), s.shared_by_name)
            for s in shares
            if s.document == SUMMARY
        ),
        printed_at=datetime.now(),
        printed_by=actor.full_name,
    )


def _how(method: str) -> str:
    # The referral's label says "Given to the patient"; here the recipient is named beside it
    # and may be a carer or a provider.
    return "By hand" if method == SendMethod.BY_HAND.value else method_label(method)


def _plan_words(d) -> str:
    if d.kind != DecisionKind.PLAN_CHANGE.value and not d.plan_change:
        return ""
    words = d.plan_change or d.text
    if d.plan_version:
        return f"Care plan version {d.plan_version}: {words}"
    return words


# -- the pack: the conference and the record it was built from -------------------------------


def pack_data(ws: Workspace, actor: Actor, conference_id: int, *, today: date | None = None):
    """The pack's data (checks the role; the caller that renders it audits)."""
    require_print(actor)
    today = today or date.today()
    rec = conference_service.load_conference(ws, actor, conference_id)
    # What the record raises now that the stored agenda does not have yet (built since); for
    # a conference still to come only: a held one's agenda is what was discussed.
    fresh: list = []
    if rec.status == ConferenceStatus.SCHEDULED.value:
        fresh = agenda_service.build_agenda(
            ws, actor, rec.patient_id, today=today, questions=rec.patient_questions
        )
    have = {a.source_ref for a in rec.agenda if a.source_ref}
    agenda = [
        c.AgendaEntry(a.title, source_label(a.source), a.detail or "", a.minutes or "", a.discussed)
        for a in rec.agenda
    ]
    agenda += [
        c.AgendaEntry(a.title, f"{source_label(a.source)} (new in the record)", a.detail or "")
        for a in fresh
        if a.source_ref and a.source_ref not in have
    ]
    with ws.session() as session:
        header, ident, details, people, agreement = _heads(session, rec)
        shares = shares_of(session, rec.id)
        extract = record_extract.extract(session, rec.patient_id, rec.plan_id, today)
    pack_name, check = _check(rec, shares)
    questions = tuple(
        line.strip(" -•*\t") for line in (rec.patient_questions or "").splitlines() if line.strip()
    )
    return c.ConferencePackDocument(
        practice=header,
        patient=ident,
        conference=details,
        participants=people,
        agreement=agreement,
        agenda=tuple(agenda),
        patient_questions=questions,
        pack_name=pack_name,
        check=check,
        printed_at=datetime.now(),
        printed_by=actor.full_name,
        **extract,
    )
