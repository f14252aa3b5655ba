"""The medicine documents, from the stored data to PDF bytes: the patient's medication card
(PRINT_HANDOUTS: reception may print it for the patient) and the reconciliation record
(clinical: EDIT_CARE_PLANS and PRINT_HANDOUTS). Every document made is audited as a print with
the patient's and the session's ids and counts, never its content."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import Session, col, select

from carecoord_desktop.documents.med_page import DocPatient, DocPractice, day
from carecoord_desktop.documents.medication_card import (
    CardMedicine,
    CardStopped,
    MedicationCard,
    render_medication_card,
)
from carecoord_desktop.documents.reconciliation_record import (
    ReconciliationRecord,
    RecordList,
    RecordRow,
    render_reconciliation_record,
)
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.medication import MedReconciliation, RecState
from carecoord_desktop.models.patient import Allergy, AllergyStatus, Patient
from carecoord_desktop.services import audit
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications import matching
from carecoord_desktop.services.medications.medicines import load_rows, when_needed
from carecoord_desktop.services.medications.types import (
    DECISION_TEXT,
    SOURCE_TEXT,
    Decision,
    MedicineRow,
    ReconciliationView,
    SourceKind,
)
from carecoord_desktop.services.patients.rules import aware, patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

_ENTERED = {"current_list": "the practice's list", "typed": "typed or pasted", "fhir": "FHIR file"}
# The record's "problems found": those over the list; row statuses are in the rows already.
_LIST_FLAGS = ("interaction", "ingredient_duplicate", "class_duplicate", "unrecognised")
STOPPED_SHOWN_DAYS = 180  # the card lists medicines stopped in the last six months


def medication_card(ws: Workspace, actor: Actor, patient_id: int) -> bytes:
    require(actor, Permission.PRINT_HANDOUTS)
    with ws.session() as session:
        card = card_data(session, patient_id, ws.is_demo)
        audit.record(
            session,
            actor,
            AuditAction.PRINT,
            patient_id=patient_id,
            record_type="medication_card",
            detail=f"medication card: {len(card.medicines)} medicines, {len(card.stopped)} stopped",
        )
        session.commit()
    return render_medication_card(card)


def reconciliation_record(
    ws: Workspace, actor: Actor, patient_id: int, rec_id: int | None = None
) -> bytes:
    """The record of one session (`rec_id`), or of the patient's latest one."""
    require(actor, Permission.EDIT_CARE_PLANS)
    require(actor, Permission.PRINT_HANDOUTS)
    with ws.session() as session:
        rec = _session_for(session, patient_id, rec_id)
        data = record_data(session, matching.view(session, rec), ws.is_demo)
        audit.record(
            session,
            actor,
            AuditAction.PRINT,
            patient_id=patient_id,
            record_type="med_reconciliation",
            record_id=rec.id,
            detail=f"reconciliation record: {len(data.rows)} rows",
        )
        session.commit()
    return render_reconciliation_record(data)


# -- the plain data the documents take -------------------------------------------------------
def _practice(session: Session, demo: bool) -> DocPractice:
    s = practice_settings._read(session)
    return DocPractice(s.practice_name, s.practice_phone, demo)


def _patient(session: Session, patient_id: int) -> tuple[Patient, DocPatient]:
    p = patient_or_error(session, patient_id)
    name = f"{p.family_name.upper()}, {p.given_name}"
    return p, DocPatient(name, p.practice_id, p.date_of_birth)


_ALIAS = re.compile(r"^(?P<first>[^()]+?)\s*\((?P<other>[^()]+)\)$")


def _ingredient_names(generic: str) -> list[list[str]]:
    """Each ingredient's names: "furosemide (frusemide) + x" -> [[furosemide, frusemide], [x]]."""
    out = []
    for part in generic.split(" + "):
        found = _ALIAS.match(part.strip())
        out.append([found["first"], found["other"]] if found else [part.strip()])
    return [names for names in out if names[0]]


def _card_name(m: MedicineRow) -> str:
    name = m.name[:1].upper() + m.name[1:]  # a card reads better with a capital
    generic = m.recognised_as if m.recognised else ""
    ingredients = _ingredient_names(generic) if generic else []
    # Add the ingredient only when the written name does not already say it (by either of its
    # names), and as "furosemide/frusemide": brackets inside brackets confuse a patient.
    low = name.lower()
    if ingredients and not all(any(n.lower() in low for n in names) for names in ingredients):
        name = f"{name} ({' + '.join('/'.join(names) for names in ingredients)})"
    if m.strength and m.strength.lower().replace(" ", "") not in name.lower().replace(" ", ""):
        name = f"{name} {m.strength}"
    return name


def _local(at: datetime, *, clock: bool = True) -> str:
    """A stored time as the record's other dates read ("1 Dec 2026 at 09:05"), in local time."""
    local = (aware(at) or at).astimezone()
    return day(local.date()) + (f" at {local:%H:%M}" if clock else "")


def card_data(session: Session, patient_id: int, demo: bool = False) -> MedicationCard:
    patient, doc_patient = _patient(session, patient_id)
    rows = load_rows(session, patient_id)
    since = date.fromordinal(date.today().toordinal() - STOPPED_SHOWN_DAYS)
    medicines = [
        CardMedicine(
            name=_card_name(m),
            dose=m.dose or "",
            times=m.times_of_day,
            how=m.frequency or "",
            what_for=m.indication or "",
            when_needed=when_needed(m),
            recognised=m.recognised,
        )
        for m in rows
        if m.active
    ]
    stopped = [
        CardStopped(_card_name(m), m.stop_reason or "", m.stopped)
        for m in rows
        if not m.active and (m.stopped is None or m.stopped >= since)
    ]
    allergies = [
        a.substance + (f" ({a.reaction})" if a.reaction else "")
        for a in session.exec(select(Allergy).where(Allergy.patient_id == patient_id))
    ]
    status = (
        "No known allergies"
        if patient.allergy_status == AllergyStatus.NONE_KNOWN.value
        else "Not recorded: tell your doctor or pharmacist about any allergy"
    )
    last = session.exec(
        select(MedReconciliation)
        .where(
            MedReconciliation.patient_id == patient_id,
            MedReconciliation.state == RecState.SIGNED.value,
        )
        .order_by(col(MedReconciliation.signed_at).desc())
    ).first()
    reviewed = ""
    if last is not None and last.signed_at is not None:
        who = (last.signed_by_name or "").split(" (")[0]
        on = (aware(last.signed_at) or last.signed_at).astimezone()
        reviewed = f"Checked by {who} on {on.day} {on:%b %Y}."
    return MedicationCard(
        practice=_practice(session, demo),
        patient=doc_patient,
        printed=date.today(),
        medicines=medicines,
        stopped=stopped,
        allergies=allergies,
        allergy_status=status,
        reviewed=reviewed,
    )


def _session_for(session: Session, patient_id: int, rec_id: int | None) -> MedReconciliation:
    if rec_id is not None:
        rec = session.get(MedReconciliation, rec_id)
        if rec is None or rec.patient_id != patient_id:
            raise ValidationError(f"Reconciliation {rec_id} is not this patient's.")
        return rec
    rec = session.exec(
        select(MedReconciliation)
        .where(MedReconciliation.patient_id == patient_id)
        .order_by(col(MedReconciliation.id).desc())
    ).first()
    if rec is None:
        raise ValidationError("This patient has no medication reconciliation to print.")
    return rec


def record_data(session: Session, view: ReconciliationView, demo: bool = False):
    _, doc_patient = _patient(session, view.patient_id)
    rows = []
    for item in view.items:
        decision = DECISION_TEXT[Decision(item.decision)] if item.decision else ""
        rows.append(
            RecordRow(
                before=item.current.written if item.current else "",
                new=item.new.written if item.new else "",
                reported=item.reported.written if item.reported else "",
                status=item.status_text + (f". {item.note}" if item.changes and item.note else ""),
                decision=decision,
                reason=item.reason or "",
                decided_by=(item.decided_by_name or "")
                + (f", {_local(item.decided_at, clock=False)}" if item.decided_at else ""),
                flags=tuple(  # one line per problem, however many partners it has
                    dict.fromkeys(
                        ("Interaction: " if f.kind == "interaction" else "") + f.text.split(": ")[0]
                        for f in item.flags
                        if f.kind in ("interaction", "ingredient_duplicate", "class_duplicate")
                    )
                ),
                not_recognised=not item.recognised,
            )
        )
    lists = [
        RecordList(
            label=s.label,
            kind=SOURCE_TEXT[SourceKind(s.kind)],
            entered=_ENTERED.get(s.entered, s.entered),
            lines=s.line_count,
            received_on=s.received_on,
        )
        for s in view.sources
    ]
    return ReconciliationRecord(
        practice=_practice(session, demo),
        patient=doc_patient,
        printed=date.today(),
        state=view.state_text,
        transition=view.transition,
        started=f"{view.started_by_name}, {_local(view.started_at)}",
        lists=lists,
        rows=rows,
        flags=[f.text for f in view.flags if f.kind in _LIST_FLAGS],
        submitted=(
            f"{view.submitted_by_name}, {_local(view.submitted_at)}" if view.submitted_at else ""
        ),
        signed_by=view.signed_by_name or "",
        signed_at=view.signed_at.astimezone() if view.signed_at else None,
        note=view.signoff_note or "",
        kb_version=view.kb_version,
    )
