"""Reading care conferences: one conference whole (what the conference window shows), the
conference lists (practice-wide and the record's) and a patient's latest conference.

Every read needs VIEW_PATIENTS. Opening one conference is audited as a view; the practice-wide
list is audited with its count only (a record's own list is part of the record's audited
view, as the record's referrals are). Lists are SQL Core rows (the ORM is
for editing one record), with their participant counts in the same query.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import text
from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import (
    CareConference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceParticipant,
    ConferenceStatus,
)
from carecoord_desktop.models.patient import Patient
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit
from carecoord_desktop.services.conferences.types import (
    AgendaItemRow,
    ConferenceRecord,
    ConferenceSummary,
    DecisionRow,
    ParticipantRow,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.types import queue_label
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "conference"
WHEN = ("upcoming", "past", "all")
# A conference still to come (or under way); held and cancelled ones are past.
_OPEN = (ConferenceStatus.SCHEDULED.value, ConferenceStatus.IN_PROGRESS.value)


def aware(at: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if at is None:
        return None
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def local_day(at: datetime) -> date:
    return aware(at).astimezone().date()


def conference_day(conf) -> date:
    """The day the conference was held (its start), or is planned for."""
    return local_day(conf.started_at or conf.scheduled_at)


def owner_words(role: str | None, name: str | None) -> str:
    """A decision's owner as the board says it: the person, or the role's queue."""
    if name:
        return name
    return f"{queue_label(role)} (queue)" if role else ""


def conference_or_error(session: Session, conference_id: int | None) -> CareConference:
    conf = session.get(CareConference, conference_id) if conference_id is not None else None
    if conf is None:
        raise ValidationError("That care conference is not on record.", field="conference_id")
    return conf


def _names(session: Session, ids) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(wanted)))
    return dict(rows.all())


def participant_row(p: ConferenceParticipant) -> ParticipantRow:
    return ParticipantRow(
        id=p.id,
        version=p.version,
        kind=p.kind,
        name=p.name,
        discipline=p.discipline,
        staff_user_id=p.staff_user_id,
        care_team_member_id=p.care_team_member_id,
        organisation=p.organisation,
        contact=p.contact,
        attendance=p.attendance,
        joined_how=p.joined_how,
    )


def agenda_row(a: ConferenceAgendaItem) -> AgendaItemRow:
    return AgendaItemRow(
        id=a.id,
        version=a.version,
        position=a.position,
        source=a.source,
        source_ref=a.source_ref,
        title=a.title,
        detail=a.detail,
        minutes=a.minutes,
        discussed=bool(a.discussed),
    )


def decision_rows(session: Session, conference_id: int) -> list[DecisionRow]:
    rows = list(
        session.exec(
            select(ConferenceDecision)
            .where(ConferenceDecision.conference_id == conference_id)
            .order_by(ConferenceDecision.id)
        )
    )
    names = _names(session, [d.owner_id for d in rows] + [d.created_by_id for d in rows])
    return [
        DecisionRow(
            id=d.id,
            version=d.version,
            agenda_item_id=d.agenda_item_id,
            kind=d.kind,
            text=d.text,
            owner_id=d.owner_id,
            owner_role=d.owner_role,
            owner_name=owner_words(d.owner_role, names.get(d.owner_id)),
            due_date=d.due_date,
            task_id=d.task_id,
            plan_id=d.plan_id,
            plan_version=d.plan_version,
            plan_change=d.plan_change,
            created_by_name=names.get(d.created_by_id, ""),
            created_at=aware(d.created_at),
        )
        for d in rows
    ]


def participants_of(session: Session, conference_id: int) -> list[ConferenceParticipant]:
    return list(
        session.exec(
            select(ConferenceParticipant)
            .where(ConferenceParticipant.conference_id == conference_id)
            .order_by(ConferenceParticipant.position, ConferenceParticipant.id)
        )
    )


def agenda_of(session: Session, conference_id: int) -> list[ConferenceAgendaItem]:
    return list(
        session.exec(
            select(ConferenceAgendaItem)
            .where(ConferenceAgendaItem.conference_id == conference_id)
            .order_by(ConferenceAgendaItem.position, ConferenceAgendaItem.id)
        )
    )


def record_of(session: Session, conf: CareConference) -> ConferenceRecord:
    """The conference whole, as plain data (read in the caller's session)."""
    patient = session.get(Patient, conf.patient_id)
    organiser = _names(session, [conf.organiser_id]).get(conf.organiser_id, "")
    return ConferenceRecord(
        id=conf.id,
        version=conf.version,
        patient_id=conf.patient_id,
        patient_name=f"{patient.given_name} {patient.family_name}",
        practice_id=patient.practice_id,
        plan_id=conf.plan_id,
        title=conf.title,
        scheduled_at=aware(conf.scheduled_at),
        planned_minutes=conf.planned_minutes,
        place=conf.place,
        video_link=conf.video_link,
        organiser_id=conf.organiser_id,
        organiser_name=organiser,
        status=conf.status,
        agreed=conf.agreed,
        agreed_on=conf.agreed_on,
        agreed_how=conf.agreed_how,
        agreement_note=conf.agreement_note,
        started_at=aware(conf.started_at),
        ended_at=aware(conf.ended_at),
        patient_questions=conf.patient_questions,
        summary_offered_on=conf.summary_offered_on,
        cancel_reason=conf.cancel_reason,
        participants=tuple(participant_row(p) for p in participants_of(session, conf.id)),
        agenda=tuple(agenda_row(a) for a in agenda_of(session, conf.id)),
        decisions=tuple(decision_rows(session, conf.id)),
        times_note=conf.times_note,
    )


def load_conference(ws: Workspace, actor: Actor, conference_id: int) -> ConferenceRecord:
    """One conference whole; the view is audited."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        conf = conference_or_error(session, conference_id)
        rec = record_of(session, conf)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=conf.patient_id,
            record_type=RECORD_TYPE,
            record_id=conf.id,
            detail="opened care conference",
        )
        session.commit()
    return rec


_LIST_SQL = """
SELECT c.id, c.version, c.patient_id, p.given_name, p.family_name, p.practice_id, c.title,
       c.scheduled_at, c.status, c.place, c.video_link, s.full_name, c.agreed,
       c.started_at, c.ended_at,
       (SELECT count(*) FROM conference_participant cp WHERE cp.conference_id = c.id),
       (SELECT count(*) FROM conference_participant cp
         WHERE cp.conference_id = c.id AND cp.attendance = 'attended')
FROM care_conference c
JOIN patient p ON p.id = c.patient_id
LEFT JOIN staff_user s ON s.id = c.organiser_id
"""


def _minutes(started, ended) -> int | None:
    if started is None or ended is None:
        return None
    return int((aware(ended) - aware(started)).total_seconds() // 60)


def list_conferences(
    ws: Workspace,
    actor: Actor,
    *,
    patient_id: int | None = None,
    when: str = "upcoming",
    today: date | None = None,
) -> list[ConferenceSummary]:
    """Conferences to come (soonest first), past ones (latest first) or all (latest first).

    Upcoming: scheduled or in progress, on `today` or later (a scheduled one whose day has
    passed is past: it was never started). The practice-wide list leaves archived records out.
    """
    require(actor, Permission.VIEW_PATIENTS)
    if when not in WHEN:
        raise ValidationError("Choose upcoming, past or all.", field="when")
    today = today or date.today()
    # The day boundary in UTC, as stored: local midnight of `today`.
    # The day boundary as stored (UTC text): local midnight of `today`.
    midnight = datetime.combine(today, time.min).astimezone().astimezone(UTC)
    start_of_today = midnight.strftime("%Y-%m-%d %H:%M:%S.%f")
    where, params = [], {"open1": _OPEN[0], "open2": _OPEN[1], "from": start_of_today}
    upcoming = "(c.status = :open2 OR (c.status = :open1 AND c.scheduled_at >= :from))"
    if patient_id is not None:
        where.append("c.patient_id = :pid")
        params["pid"] = patient_id
    else:
        where.append("p.archived = 0")
    if when == "upcoming":
        where.append(upcoming)
    elif when == "past":
        where.append(f"NOT {upcoming}")
    order = (
        "c.scheduled_at ASC, c.id ASC" if when == "upcoming" else "c.scheduled_at DESC, c.id DESC"
    )
    sql = _LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    with ws.session() as session:
        rows = session.connection().execute(text(sql), params).all()
        if patient_id is None:  # a record's own list is part of the record's audited view
            audit.record(
                session,
                actor,
                AuditAction.VIEW,
                record_type=RECORD_TYPE,
                detail=f"listed {when} care conferences ({len(rows)})",
            )
            session.commit()
    return [
        ConferenceSummary(
            id=r[0],
            version=r[1],
            patient_id=r[2],
            patient_name=f"{r[3]} {r[4]}",
            practice_id=r[5],
            title=r[6],
            scheduled_at=aware(r[7]),
            status=r[8],
            place=r[9],
            video_link=r[10],
            organiser_name=r[11] or "",
            invited=r[15],
            attended=r[16],
            agreed=None if r[12] is None else bool(r[12]),
            minutes=_minutes(r[13], r[14]),
        )
        for r in rows
    ]


def latest_conference_id(ws: Workspace, actor: Actor, patient_id: int) -> int:
    """The patient's newest conference by date (for printing when no id is named)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = session.exec(
            select(CareConference.id)
            .where(CareConference.patient_id == patient_id)
            .order_by(CareConference.scheduled_at.desc(), CareConference.id.desc())
        ).first()
    if found is None:
        raise ValidationError(
            "This patient has no care conferences yet: schedule one first.",
            field="conference_id",
        )
    return found
