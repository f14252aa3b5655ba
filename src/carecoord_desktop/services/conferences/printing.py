"""The care conference's two documents, made, audited and shared.

Who may: printing the summary or the pack needs PRINT_HANDOUTS (reception prints the summary
for the patient at the desk) with VIEW_PATIENTS; recording who received the summary is a
conference write, EDIT_CARE_PLANS. Every document made, printed or saved is audited with ids
and page counts only (never a name: the audit log is not the place for patient data).

The sharing record (DocumentShare, record_type "conference") says who received the summary,
when and how; the case-conference rule pack reads it, and `summary_offered_on` is set the day
the patient or a carer is among the recipients.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import (
    CareConference,
    ConferenceParticipant,
    ConferenceStatus,
    ParticipantKind,
)
from carecoord_desktop.models.patient import Patient, PatientContact
from carecoord_desktop.models.referral import DocumentShare, SendMethod
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.conferences import conferences as conference_service
from carecoord_desktop.services.conferences.document_data import (
    PACK,
    RECORD_TYPE,
    SUMMARY,
    pack_data,
    require_print,
    shares_of,
    summary_data,
)
from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.types import ShareRow
from carecoord_desktop.store.workspace import Workspace

__all__ = [
    "PACK",
    "SUMMARY",
    "conference_for",
    "record_output",
    "render_pack",
    "render_summary",
    "share_summary",
    "shares_for_conference",
]

_DOCUMENTS = {"summary": SUMMARY, "pack": PACK, SUMMARY: SUMMARY, PACK: PACK}
RECIPIENT_MAX = 120


def _document(document: str) -> str:
    try:
        return _DOCUMENTS[document]
    except KeyError:
        raise ValueError(f"unknown conference document {document!r}") from None


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")


def conference_for(ws: Workspace, actor: Actor, patient_id: int, conference_id: int | None) -> int:
    """`conference_id` checked to be this patient's (a typo must not print someone else's
    conference), or the patient's latest when None."""
    if conference_id is None:
        return conference_service.latest_conference_id(ws, actor, patient_id)
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        conf = session.get(CareConference, conference_id)
    if conf is None or conf.patient_id != patient_id:
        raise ValidationError(
            f"This patient has no care conference number {conference_id}.",
            field="conference_id",
        )
    return conference_id


def render_summary(
    ws: Workspace, actor: Actor, conference_id: int, *, purpose: str = "preview"
) -> bytes:
    """The summary as PDF bytes. `purpose` "preview" (shown on screen; printing or saving
    from there is `record_output`) or "file" (written straight to a file, as the CLI does)."""
    from carecoord_desktop.documents.conference_summary import render_conference_summary

    pdf = render_conference_summary(summary_data(ws, actor, conference_id))
    _made(ws, actor, conference_id, SUMMARY, page_count(pdf), purpose)
    return pdf


def render_pack(
    ws: Workspace, actor: Actor, conference_id: int, *, purpose: str = "preview"
) -> bytes:
    """The conference pack as PDF bytes; `purpose` as for render_summary."""
    from carecoord_desktop.documents.conference_pack import render_conference_pack

    pdf = render_conference_pack(pack_data(ws, actor, conference_id))
    _made(ws, actor, conference_id, PACK, page_count(pdf), purpose)
    return pdf


def _made(ws, actor, conference_id: int, document: str, pages: int, purpose: str) -> None:
    if purpose not in ("preview", "file"):
        raise ValueError(f"unknown purpose {purpose!r}")
    action = AuditAction.EXPORT if purpose == "file" else AuditAction.VIEW
    verb = "written to a file" if purpose == "file" else "made for preview"
    _audit(ws, actor, conference_id, action, f"{document} PDF {verb} ({_pages(pages)})")


def record_output(
    ws: Workspace, actor: Actor, conference_id: int, document: str, pages: int, how: str
) -> Changes:
    """What the preview did with a document: `how` "printed" or "saved" (to a file)."""
    require_print(actor)
    document = _document(document)
    if how not in ("printed", "saved"):
        raise ValueError(f"unknown output {how!r}")
    action = AuditAction.PRINT if how == "printed" else AuditAction.EXPORT
    patient_id = _audit(ws, actor, conference_id, action, f"{document} {how} ({_pages(pages)})")
    return Changes.patient(patient_id, Kind.CONFERENCES)


def _pages(pages: int) -> str:
    return f"{pages} page" if pages == 1 else f"{pages} pages"


def _audit(ws, actor, conference_id: int, action: AuditAction, detail: str) -> int:
    with ws.write_session() as session:
        conf = _conference(session, conference_id)
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
        return conf.patient_id


def _conference(session, conference_id: int) -> CareConference:
    conf = session.get(CareConference, conference_id) if conference_id is not None else None
    if conf is None:
        raise ValidationError("That care conference is not on record.", field="conference_id")
    return conf


# -- the sharing record ----------------------------------------------------------------------


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


_ROLE_NOTE = re.compile(r"\s*\((patient|carer)[^)]*\)\s*$", re.IGNORECASE)


def _patient_side(session, conf: CareConference) -> set[str]:
    """The names the patient and their carers go by: the record, the carers among the
    record's contacts, and the conference's patient and carer participants."""
    p = session.get(Patient, conf.patient_id)
    names = {f"{p.given_name} {p.family_name}"}
    if p.preferred_name:
        names.add(f"{p.preferred_name} {p.family_name}")
    names |= set(
        session.exec(
            select(PatientContact.name).where(
                PatientContact.patient_id == p.id, PatientContact.is_carer.is_(True)
            )
        ).all()
    )
    names |= set(
        session.exec(
            select(ConferenceParticipant.name).where(
                ConferenceParticipant.conference_id == conf.id,
                ConferenceParticipant.kind.in_(
                    [ParticipantKind.PATIENT.value, ParticipantKind.CARER.value]
                ),
            )
        ).all()
    )
    return {_key(n) for n in names if n}


def _checked(recipients) -> list[tuple[str, str]]:
    if not recipients:
        raise ValidationError(
            "Choose at least one person who received the summary.", field="recipients"
        )
    out = []
    for name, method in recipients:
        name = " ".join((name or "").split())
        if not name:
            raise ValidationError("Each recipient needs a name.", field="recipients")
        if len(name) > RECIPIENT_MAX:
            raise ValidationError(
                f"A recipient's name can be at most {RECIPIENT_MAX} characters.",
                field="recipients",
            )
        try:
            method = SendMethod(getattr(method, "value", method)).value
        except ValueError:
            raise ValidationError(
                f"Choose how the summary went to {name}: printed, by hand, post, email, "
                "secure message, fax or phone.",
                field="method",
            ) from None
        out.append((name, method))
    return out


def share_summary(
    ws: Workspace,
    actor: Actor,
    conference_id: int,
    recipients: list[tuple[str, str]],
    on: date,
) -> Changed[ConferenceRecord]:
    """Record who received the summary (name, SendMethod value) on `on`: one sharing-record
    row each. When the patient or a carer is among them, the summary counts as offered to the
    patient (`summary_offered_on`, the first such day is kept)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    wanted = _checked(recipients)
    today = date.today()
    if not isinstance(on, date):
        raise ValidationError("Give the day the summary was given.", field="on")
    if on > today:
        raise ValidationError("The day it was given cannot be in the future.", field="on")
    with ws.write_session() as session:
        conf = _conference(session, conference_id)
        if conf.status != ConferenceStatus.HELD.value:
            raise ValidationError(
                "Only the summary of a conference that was held can be shared: end the "
                "meeting first.",
                field="conference_id",
            )
        held_on = _local_day(conf.started_at)
        if on < held_on:
            raise ValidationError(
                "The summary cannot have been given before the conference was held.", field="on"
            )
        at = datetime.now(UTC) if on == today else _noon_utc(on)
        patient_side = _patient_side(session, conf)
        to_patient = False
        ids = []
        for name, method in wanted:
            bare = _ROLE_NOTE.sub("", name)
            if _key(bare) in patient_side or bare != name:
                to_patient = True
            share = DocumentShare(
                patient_id=conf.patient_id,
                document=SUMMARY,
                record_type=RECORD_TYPE,
                record_id=conf.id,
                recipient=name,
                method=method,
                shared_at=at,
                shared_by_id=actor.user_id,
                shared_by_name=actor.full_name,
            )
            session.add(share)
            session.flush()
            ids.append(share.id)
        if to_patient and (conf.summary_offered_on is None or on < conf.summary_offered_on):
            conf.summary_offered_on = on
            conf.updated_at = datetime.now(UTC)
            session.add(conf)
        offered = ", offered to the patient" if to_patient else ""
        methods = ", ".join(sorted({m for _, m in wanted}))
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            patient_id=conf.patient_id,
            record_type=RECORD_TYPE,
            record_id=conf.id,
            detail=f"conference summary shared: sharing records {', '.join(map(str, ids))} "
            f"({methods}){offered}",
        )
        session.commit()
        patient_id = conf.patient_id
    record = conference_service.load_conference(ws, actor, conference_id)
    return Changed(record, Changes.patient(patient_id, Kind.CONFERENCES))


def _local_day(at: datetime | None) -> date:
    if at is None:
        return date.min
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().date()


def _noon_utc(on: date) -> datetime:
    """A day named without a time: midday there, so the local date survives the round trip."""
    return datetime(on.year, on.month, on.day, 12).astimezone().astimezone(UTC)


def shares_for_conference(ws: Workspace, actor: Actor, conference_id: int) -> list[ShareRow]:
    """Who received the conference's documents, oldest first."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        _conference(session, conference_id)
        return shares_of(session, conference_id)
