"""The referral letter, from the stored referral and the record, and the sharing record.

Who may: the letter leaves the practice with the patient's problems, medicines and allergies,
so, like the full care plan, it needs VIEW_PATIENTS and EXPORT_DATA (not reception). Every
letter made is audited (ids, page count) and written to the sharing record: who received it,
when and how; the sharing record is what the programs audit.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import (
    Allergy,
    CareTeamMember,
    Condition,
    Medication,
    Patient,
)
from carecoord_desktop.models.referral import (
    CommunityResource,
    DocumentShare,
    Referral,
    SendMethod,
)
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.referrals import RECORD_TYPE, goal_words
from carecoord_desktop.services.referrals.types import ShareRow, method_label, urgency_label
from carecoord_desktop.store.workspace import Workspace

DOCUMENT = "referral letter"


def require_print(actor: Actor) -> None:
    require(actor, Permission.VIEW_PATIENTS)
    require(actor, Permission.EXPORT_DATA)


def referral_for(ws: Workspace, actor: Actor, patient_id: int, referral_id: int | None) -> int:
    """`referral_id` checked to be this patient's (a typo must not print someone else's), or
    the patient's newest referral when None."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        if referral_id is None:
            found = session.exec(
                select(Referral.id)
                .where(Referral.patient_id == patient_id)
                .order_by(Referral.created_at.desc(), Referral.id.desc())
            ).first()
            if found is None:
                raise ValidationError("This patient has no referrals yet.", field="referral_id")
            return found
        row = session.get(Referral, referral_id)
    if row is None or row.patient_id != patient_id:
        raise ValidationError(
            f"This patient has no referral number {referral_id}.", field="referral_id"
        )
    return referral_id


def letter_data(session: Session, actor: Actor, referral_id: int):
    from carecoord_desktop.documents import careplan_data as d
    from carecoord_desktop.documents import referral_letter as rl

    r = session.get(Referral, referral_id)
    if r is None:
        raise ValidationError("That referral is not on record.", field="referral_id")
    p = session.get(Patient, r.patient_id)
    practice = practice_settings._read(session)
    if r.care_team_member_id:
        m = session.get(CareTeamMember, r.care_team_member_id)
        to = rl.Recipient(m.name, m.role, m.organisation or "", "", m.phone or "", m.email or "")
    else:
        c = session.get(CommunityResource, r.resource_id)
        to = rl.Recipient(
            c.name,
            r.recipient_detail or "",
            c.organisation or "",
            c.address or "",
            c.phone or "",
            c.email or "",
        )
    referrer = session.get(StaffUser, r.referrer_id) if r.referrer_id else None
    problems = tuple(
        c.display
        for c in session.exec(
            select(Condition)
            .where(Condition.patient_id == p.id, Condition.status == "active")
            .order_by(Condition.chronic.desc(), Condition.display)
        )
    )
    meds = tuple(
        rl.Medicine(m.name, " ".join(x for x in (m.dose, m.route, m.frequency) if x))
        for m in session.exec(
            select(Medication)
            .where(Medication.patient_id == p.id, Medication.status == "active")
            .order_by(Medication.name)
        )
    )
    allergies = tuple(
        a.substance
        + (
            f" ({', '.join(x for x in (a.reaction, a.severity) if x)})"
            if a.reaction or a.severity
            else ""
        )
        for a in session.exec(
            select(Allergy).where(Allergy.patient_id == p.id).order_by(Allergy.substance)
        )
    )
    return rl.ReferralLetter(
        practice=d.PracticeHeader(
            name=practice.practice_name or "Practice", is_demo=bool(p.is_demo)
        ),
        patient=d.PatientIdentifiers(
            full_name=f"{p.given_name} {p.family_name}",
            practice_id=p.practice_id,
            date_of_birth=p.date_of_birth,
            national_id=p.medicare_number or "",
            national_id_label="Medicare" if p.medicare_number else "",
            preferred_name=p.preferred_name or "",
            preferred_language=p.preferred_language or "",
            interpreter_needed=bool(p.interpreter_needed),
        ),
        recipient=to,
        written_on=r.sent_on or r.status_on,
        reason=r.reason,
        urgency=urgency_label(r.urgency),
        referrer_name=referrer.full_name if referrer else "",
        referrer_role=referrer.role.label if referrer else "",
        patient_address=p.address or "",
        patient_phone=p.phone or "",
        plan_goal=goal_words(session, r.plan_id, r.goal_uid),
        problems=problems,
        medicines=meds,
        allergies=allergies,
        no_known_allergies=p.allergy_status == "no_known",
        sent_via=method_label(r.sent_via),
        reference=f"Referral {r.id}",
        printed_at=datetime.now(),
        printed_by=actor.full_name,
    )


def render_letter(
    ws: Workspace,
    actor: Actor,
    referral_id: int,
    *,
    method: SendMethod | str = SendMethod.PRINTED,
    recipient: str | None = None,
    purpose: str = "file",
) -> tuple[bytes, Changes]:
    """The letter as PDF bytes, audited and written to the sharing record (to the referral's
    recipient, unless another is named, by `method`). `purpose` "preview" is a letter made for
    the screen: audited as a view and not shared until `record_output` says it was printed."""
    from carecoord_desktop.documents.referral_letter import render_referral_letter

    require_print(actor)
    method = SendMethod(getattr(method, "value", method)).value
    with ws.write_session() as session:
        data = letter_data(session, actor, referral_id)
        pdf = render_referral_letter(data)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        r = session.get(Referral, referral_id)
        if purpose == "preview":
            audit.record(
                session,
                actor,
                AuditAction.VIEW,
                patient_id=r.patient_id,
                record_type=RECORD_TYPE,
                record_id=r.id,
                detail=f"referral letter made for preview ({pages} pages)",
            )
        else:
            _share(session, actor, r, recipient or r.recipient_name, method, pages)
        session.commit()
    return pdf, Changes.patient(r.patient_id, Kind.REFERRALS)


def record_output(
    ws: Workspace,
    actor: Actor,
    referral_id: int,
    *,
    how: str,
    pages: int,
    recipient: str | None = None,
) -> Changes:
    """What the preview did with a letter: "printed" or "saved" (to a file)."""
    require_print(actor)
    if how not in ("printed", "saved"):
        raise ValueError(f"unknown output {how!r}")
    with ws.write_session() as session:
        r = session.get(Referral, referral_id)
        _share(
            session,
            actor,
            r,
            recipient or r.recipient_name,
            SendMethod.PRINTED.value,
            pages,
            action=AuditAction.PRINT if how == "printed" else AuditAction.EXPORT,
        )
        session.commit()
    return Changes.patient(r.patient_id, Kind.REFERRALS)


def _share(
    session,
    actor,
    r: Referral,
    recipient: str,
    method: str,
    pages: int,
    *,
    action: AuditAction = AuditAction.EXPORT,
) -> None:
    share = DocumentShare(
        patient_id=r.patient_id,
        document=DOCUMENT,
        record_type=RECORD_TYPE,
        record_id=r.id,
        recipient=recipient[:120],
        method=method,
        shared_by_id=actor.user_id,
        shared_by_name=actor.full_name,
    )
    session.add(share)
    session.flush()
    noun = "page" if pages == 1 else "pages"
    audit.record(
        session,
        actor,
        action,
        patient_id=r.patient_id,
        record_type=RECORD_TYPE,
        record_id=r.id,
        detail=f"referral letter ({pages} {noun}), sharing record {share.id}, {method}",
    )


def shares_for(ws: Workspace, actor: Actor, patient_id: int) -> list[ShareRow]:
    """The patient's sharing record, newest first."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        q = (
            select(DocumentShare)
            .where(DocumentShare.patient_id == patient_id)
            .order_by(DocumentShare.shared_at.desc(), DocumentShare.id.desc())
        )
        return [
            ShareRow(
                s.id,
                s.document,
                s.record_type,
                s.record_id,
                s.recipient,
                s.method,
                s.shared_at,
                s.shared_by_name,
            )
            for s in session.exec(q)
        ]
