"""The patient record: view, create and edit with validation, duplicates, archive and merge,
(the record's lists are in patient_lists, its plain data in patient_types).

Every view and change is audited with the patient's id; audit details name fields and ids,
never values. Demographics, contacts and the care team need EDIT_PATIENTS (reception may keep
them up to date); conditions, allergies and hospital events are clinical and need
EDIT_CARE_PLANS. Patients are archived, never deleted; a merge keeps everything of both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields, replace
from datetime import UTC, date, datetime

from sqlalchemy import text, update
from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models import referral as referral_models
from carecoord_desktop.models import task as task_models
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, Observation
from carecoord_desktop.models.patient import (
    AcdStatus,
    Allergy,
    AllergyStatus,
    CareTeamMember,
    Condition,
    HospitalEvent,
    Medication,
    Patient,
    PatientContact,
    Sex,
)
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import NO_CHANGES, PATIENT_LISTS, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import fields as patient_fields
from carecoord_desktop.services.patients.archive import (
    ArchivedPatient,
    archive_patient,
    list_archived,
    unarchive_patient,
)
from carecoord_desktop.services.patients.rules import (
    EARLIEST_DOB,
    MAX_AGE,
    PRACTICE_ID_PATTERN,
    age_on,
    aware,
    check_past_date,
    clean_email,
    clean_phone,
    clean_text,
    editable_patient,
    fold,
    medicare_digits,
    medicare_valid,
    patient_or_error,
    same_medicare_person,
)
from carecoord_desktop.services.patients.types import (
    AllergyRow,
    CareTeamRow,
    ConditionRow,
    ContactRow,
    DuplicateCandidate,
    HospitalEventRow,
    MedicationRow,
    PatientDraft,
    PatientRecord,
    PossibleDuplicateError,
    to_row,
)
from carecoord_desktop.services.permissions import Permission, require, require_clinical_details
from carecoord_desktop.store.workspace import Workspace

# The record's public surface for callers that only need the record (lists: patient_lists).
__all__ = [
    "ArchivedPatient",
    "DuplicateCandidate",
    "PatientDraft",
    "PatientRecord",
    "PossibleDuplicateError",
    "archive_patient",
    "create_patient",
    "find_duplicates",
    "fold",
    "get_record",
    "list_archived",
    "medicare_digits",
    "medicare_valid",
    "merge_patients",
    "record_no_known_allergies",
    "unarchive_patient",
    "update_patient",
]


def _clean_draft(session: Session, draft: PatientDraft) -> dict:
    """The draft's values checked and normalised, as Patient columns (practice_id may be None)."""
    v = asdict(draft)
    for f in patient_fields.TEXT:  # names, address, language and the notes: the plain text rule
        v[f.name] = clean_text(getattr(draft, f.name), f.name, f.max_len, f.said, f.required)
    dob = draft.date_of_birth
    if dob is None:
        raise ValidationError("Enter the date of birth.", field="date_of_birth")
    today = date.today()
    if dob > today:
        raise ValidationError("The date of birth cannot be in the future.", field="date_of_birth")
    if dob < EARLIEST_DOB or age_on(dob, today) > MAX_AGE:
        raise ValidationError(
            f"Check the date of birth: it makes the patient older than {MAX_AGE}.",
            field="date_of_birth",
        )
    practice_id = (draft.practice_id or "").strip().upper() or None
    if practice_id is not None and not PRACTICE_ID_PATTERN.match(practice_id):
        raise ValidationError(
            "A practice ID is P followed by 6 digits (for example P000123); leave it empty to "
            "get the next free one.",
            field="practice_id",
        )
    v["practice_id"] = practice_id
    medicare = (draft.medicare_number or "").strip() or None
    if medicare is not None:
        if not medicare_valid(medicare):
            raise ValidationError(_medicare_problem(medicare), field="medicare_number")
        medicare = medicare_digits(medicare)
    v["medicare_number"] = medicare
    v["phone"] = clean_phone(draft.phone)
    v["email"] = clean_email(draft.email)
    try:
        v["sex"] = Sex(draft.sex)
    except ValueError:
        raise ValidationError("Choose female, male, other or unknown.", field="sex") from None
    try:
        v["acd_status"] = AcdStatus(draft.acd_status)
    except ValueError:
        raise ValidationError(
            "Choose none, discussed or documented for the advance care directive.",
            field="acd_status",
        ) from None
    check_past_date(draft.acd_date, "acd_date", "advance care directive date")
    if draft.coordinator_id is not None and session.get(StaffUser, draft.coordinator_id) is None:
        raise ValidationError("Choose a coordinator from the staff list.", field="coordinator_id")
    v["lives_alone"] = bool(draft.lives_alone)
    v["interpreter_needed"] = bool(draft.interpreter_needed)
    return v


def _medicare_problem(value: str) -> str:
    """What is wrong with a Medicare number, in the words of what to check on the card."""
    digits = medicare_digits(value)
    if not digits.isdigit():
        return "A Medicare number has only digits (spaces are fine): check what was typed."
    if len(digits) not in (10, 11):
        return (
            f"This Medicare number has {len(digits)} digits: it needs the 10 on the card, and "
            "the reference number beside the name if you have it."
        )
    if digits[0] not in "23456":
        return "A Medicare number starts with 2, 3, 4, 5 or 6: check the first digit."
    return (
        "The check digit does not match: a digit is probably mistyped. Check the number "
        "against the card."
    )


# -- duplicates ----------------------------------------------------------------------------------
def find_duplicates(
    ws: Workspace, actor: Actor, draft: PatientDraft, exclude_id: int | None = None
) -> list[DuplicateCandidate]:
    """Patients who may be the person in `draft` (merged-away records are not listed)."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = _duplicates(session, draft, exclude_id)
        _audit_duplicates(session, actor, found)
        session.commit()
    return found


def _audit_duplicates(session: Session, actor: Actor, found: list[DuplicateCandidate]) -> None:
    # Candidates show other patients' names: the look-up is a view of the register.
    audit.record(
        session,
        actor,
        AuditAction.VIEW,
        record_type="patient_duplicates",
        detail=f"duplicate check: {len(found)} candidate(s)"
        + (f" (records {', '.join(str(c.id) for c in found)})" if found else ""),
    )


def _duplicates(
    session: Session, draft: PatientDraft, exclude_id: int | None
) -> list[DuplicateCandidate]:
    found: dict[int, tuple[Patient, list[str]]] = {}

    def add(patients: Iterable[Patient], reason: str) -> None:
        for p in patients:
            if p.id != exclude_id and p.merged_into_id is None:
                found.setdefault(p.id, (p, []))[1].append(reason)

    alive = select(Patient).where(Patient.merged_into_id.is_(None))  # type: ignore[union-attr]
    if draft.date_of_birth and draft.given_name.strip() and draft.family_name.strip():
        key = (fold(draft.family_name), fold(draft.given_name))
        same_day = session.exec(alive.where(Patient.date_of_birth == draft.date_of_birth))
        add(
            (p for p in same_day if (fold(p.family_name), fold(p.given_name)) == key),
            "same name and date of birth",
        )
    digits = medicare_digits(draft.medicare_number or "")
    if len(digits) >= 10 and digits.isdigit():
        rows = session.exec(
            alive.where(Patient.medicare_number.is_not(None)).where(  # type: ignore[union-attr]
                text("substr(replace(patient.medicare_number, ' ', ''), 1, 10) = :card").bindparams(
                    card=digits[:10]
                )
            )
        )
        add(
            (p for p in rows if same_medicare_person(digits, medicare_digits(p.medicare_number))),
            "same Medicare number",
        )
    practice_id = (draft.practice_id or "").strip().upper()
    if practice_id:
        add(session.exec(alive.where(Patient.practice_id == practice_id)), "same practice ID")
    out = []
    for p, reasons in found.values():
        note = " (archived)" if p.archived else ""
        out.append(
            DuplicateCandidate(
                p.id,
                p.practice_id,
                f"{p.family_name.upper()}, {p.given_name}",
                p.date_of_birth,
                "; ".join(reasons) + note,
            )
        )
    return sorted(out, key=lambda c: c.id)


# -- the record ----------------------------------------------------------------------------------
def get_record(ws: Workspace, actor: Actor, patient_id: int) -> PatientRecord:
    """The whole record (archived ones too); the view is audited."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        rec = _load_record(session, patient_id)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type="patient",
            record_id=patient_id,
            detail="opened record",
        )
        session.commit()
    return _with_risk(ws, actor, rec)


def reread_record(ws: Workspace, actor: Actor, patient_id: int) -> PatientRecord:
    """The record again for a window that already shows it (its opening was audited as a VIEW)
    after a change notice: a refresh of what was just changed is not a new view."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        rec = _load_record(session, patient_id)
    return _with_risk(ws, actor, rec)


def create_patient(
    ws: Workspace, actor: Actor, draft: PatientDraft, *, confirm_duplicates: bool = False
) -> Changed[PatientRecord]:
    require(actor, Permission.EDIT_PATIENTS)
    # The write lock from the first read: two windows or computers creating at once get
    # consecutive practice ids instead of one UNIQUE failure (services/patients id allocation).
    with ws.write_session() as session:
        values = _clean_draft(session, draft)
        given = [k for k, v in values.items() if v is not None and (k, v) != ("acd_status", "none")]
        require_clinical_details(actor, given)  # reception: demographics and contacts only
        if values["practice_id"] is None:
            values["practice_id"] = _next_practice_id(session)
        else:
            _practice_id_free(session, values["practice_id"], None)
        _check_duplicates(
            ws, actor, session, replace(draft, practice_id=None), None, confirm_duplicates
        )
        patient = Patient(**values)
        session.add(patient)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            patient_id=patient.id,
            record_type="patient",
            record_id=patient.id,
            detail="created record"
            + (" (possible duplicate confirmed)" if confirm_duplicates else ""),
        )
        session.commit()
        rec = _load_record(session, patient.id)
    return Changed(
        _with_risk(ws, actor, rec), Changes.patient(rec.id, Kind.PATIENT, membership=True)
    )


def update_patient(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    draft: PatientDraft,
    *,
    confirm_duplicates: bool = False,
    version: int | None = None,
) -> Changed[PatientRecord]:
    """Save the demographics form; the audit lists the changed field names, never values.

    `version` is the record's version when the form was opened: a save after someone else's
    is refused (StaleEditError) rather than reverting theirs."""
    require(actor, Permission.EDIT_PATIENTS)
    with ws.write_session() as session:  # "is this practice id free" holds until the save
        patient = editable_patient(session, patient_id)
        conflicts.check(session, actor, patient_target(patient_id), patient.version, version)
        values = _clean_draft(session, draft)
        if values["practice_id"] is None:
            values["practice_id"] = patient.practice_id
        elif values["practice_id"] != patient.practice_id:
            _practice_id_free(session, values["practice_id"], patient_id)
        changed = [k for k, val in values.items() if getattr(patient, k) != val]
        require_clinical_details(actor, changed)  # reception: demographics and contacts only
        identity = {"given_name", "family_name", "date_of_birth", "medicare_number"}
        if identity & set(changed):
            _check_duplicates(
                ws, actor, session, replace(draft, practice_id=None), patient_id, confirm_duplicates
            )
        if changed:
            for k in changed:
                setattr(patient, k, values[k])
            patient.updated_at = datetime.now(UTC)
            session.add(patient)
            with conflicts.refused_if_stale(ws, actor, patient_target(patient_id)):
                session.flush()  # "... AND version = :seen", before the audit row's autoflush
            audit.record(
                session,
                actor,
                AuditAction.UPDATE,
                patient_id=patient_id,
                record_type="patient",
                record_id=patient_id,
                detail="changed: " + ", ".join(changed),
            )
            session.commit()
        rec = _load_record(session, patient_id)
    changes = Changes.patient(patient_id, Kind.PATIENT) if changed else NO_CHANGES
    return Changed(_with_risk(ws, actor, rec), changes)


def record_no_known_allergies(
    ws: Workspace, actor: Actor, patient_id: int, none_known: bool = True
) -> Changed[PatientRecord]:
    """Record that the patient has no known allergies (or withdraw that statement).

    A clinical statement (EDIT_CARE_PLANS, like the allergy list); refused while allergies are
    listed. Adding an allergy later ends it (patient_lists)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    status = AllergyStatus.NONE_KNOWN if none_known else AllergyStatus.NOT_RECORDED
    changes = NO_CHANGES
    with ws.session() as session:
        patient = editable_patient(session, patient_id)
        listed = session.exec(select(Allergy.id).where(Allergy.patient_id == patient_id)).first()
        if none_known and listed is not None:
            raise ValidationError(
                "Allergies are listed for this patient: remove them first if they were "
                "entered in error.",
                field="allergy_status",
            )
        if patient.allergy_status != status.value:
            patient.allergy_status = status.value
            patient.updated_at = datetime.now(UTC)
            session.add(patient)
            with conflicts.refused_if_stale(ws, actor, patient_target(patient_id)):
                session.flush()  # the compare-and-set, before the audit row's autoflush
            audit.record(
                session,
                actor,
                AuditAction.UPDATE,
                patient_id=patient_id,
                record_type="patient",
                record_id=patient_id,
                detail="recorded: no known allergies"
                if none_known
                else "withdrew: no known allergies",
            )
            session.commit()
            changes = Changes.patient(patient_id, Kind.ALLERGIES)
        rec = _load_record(session, patient_id)
    return Changed(_with_risk(ws, actor, rec), changes)


# A merge keeps both records' care plans and observations too.
_CHILD_MODELS = (
    Condition, Allergy, Medication, PatientContact, CareTeamMember, HospitalEvent,
    CarePlan, Observation, *task_models.PATIENT_ROWS, *referral_models.PATIENT_ROWS,
)  # fmt: skip
# Empty fields of the kept record are filled from the merged one.
_FILLABLE = patient_fields.FILLABLE


def merge_patients(
    ws: Workspace, actor: Actor, keep_id: int, merge_id: int
) -> Changed[PatientRecord]:
    """Two records of one person become one: everything of `merge_id` moves to `keep_id`.

    The merged record's names and identifiers are kept on the kept record (previous names and
    previous identifiers, so both stay searchable), its empty fields are filled, and the merged
    record is archived pointing at the kept one. One transaction; audited on both ids.
    """
    require(actor, Permission.EDIT_PATIENTS)
    require(actor, Permission.EDIT_CARE_PLANS)  # clinical lists move too
    if keep_id == merge_id:
        raise ValidationError("Choose two different records to merge.", field="merge_id")
    with ws.session() as session:
        keep = editable_patient(session, keep_id)
        gone = editable_patient(session, merge_id)
        moved = []
        for model in _CHILD_MODELS:
            result = session.execute(
                # A moved row is changed: its version moves on, so an open edit of it is stale.
                update(model)
                .where(model.patient_id == merge_id)
                .values(patient_id=keep_id, version=model.version + 1)
            )
            if result.rowcount:
                moved.append(f"{result.rowcount} {model.__tablename__}")
        names = _split(keep.previous_names)
        for name in (f"{gone.given_name} {gone.family_name}", *_split(gone.previous_names)):
            if fold(name) != fold(f"{keep.given_name} {keep.family_name}") and fold(name) not in {
                fold(n) for n in names
            }:
                names.append(name)
        idents = _split(keep.previous_identifiers)
        idents.append(f"practice ID {gone.practice_id}")
        if gone.medicare_number:
            idents.append(f"Medicare {gone.medicare_number}")
        idents += _split(gone.previous_identifiers)
        keep.previous_names = _joined(names, "previous_names", "previous names")
        keep.previous_identifiers = _joined(idents, "previous_identifiers", "previous identifiers")
        filled = [k for k in _FILLABLE if getattr(keep, k) is None and getattr(gone, k)]
        for k in filled:
            setattr(keep, k, getattr(gone, k))
        if keep.acd_status == AcdStatus.NONE and gone.acd_status != AcdStatus.NONE:
            keep.acd_status = gone.acd_status
            filled.append("acd_status")
        for flag in ("interpreter_needed", "lives_alone"):
            if getattr(gone, flag) and not getattr(keep, flag):
                setattr(keep, flag, True)
                filled.append(flag)
        now = datetime.now(UTC)
        keep.updated_at = now
        gone.archived, gone.archived_at, gone.merged_into_id, gone.updated_at = (
            True,
            now,
            keep_id,
            now,
        )
        session.add(keep)
        session.add(gone)
        with conflicts.refused_if_stale(ws, actor, patient_target(keep_id)):
            session.flush()  # the compare-and-set, before the audit rows' autoflush
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            patient_id=keep_id,
            record_type="patient",
            record_id=keep_id,
            detail=f"merged in record {merge_id}; moved: {', '.join(moved) or 'nothing'}; "
            f"filled: {', '.join(filled) or 'nothing'}",
        )
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            patient_id=merge_id,
            record_type="patient",
            record_id=merge_id,
            detail=f"merged into record {keep_id} and archived",
        )
        session.commit()
        rec = _load_record(session, keep_id)
    # The kept record gains the lists (and the plans); both change.
    moved_kinds = (Kind.PATIENT, *PATIENT_LISTS, Kind.CARE_PLANS, Kind.OBSERVATIONS)
    changes = Changes.patient(keep_id, *moved_kinds, membership=True) | Changes.patient(
        merge_id, *moved_kinds
    )
    return Changed(_with_risk(ws, actor, rec), changes)


# -- internals -----------------------------------------------------------------------------------
def patient_target(patient_id: int) -> conflicts.Target:
    # Adding an allergy ends "no known allergies", a column of the patient row (patient_lists).
    return conflicts.Target(
        "patient", patient_id, "this patient's details", also=("allergy",), patient_id=patient_id
    )


def _check_duplicates(
    ws: Workspace, actor: Actor, session, draft: PatientDraft, exclude_id, confirmed: bool
) -> None:
    candidates = _duplicates(session, draft, exclude_id)
    if candidates and not confirmed:
        session.rollback()  # nothing of this save was written; the shown candidates are audited
        with ws.session() as other:
            _audit_duplicates(other, actor, candidates)
            other.commit()
        raise PossibleDuplicateError(candidates)


def _practice_id_free(session: Session, practice_id: str, patient_id: int | None) -> None:
    other = session.exec(select(Patient).where(Patient.practice_id == practice_id)).first()
    if other is not None and other.id != patient_id:
        raise ValidationError(
            f"Practice ID {practice_id} belongs to another patient; leave it empty to get the "
            "next free one.",
            field="practice_id",
        )


def _next_practice_id(session: Session) -> str:
    top = session.execute(
        text(
            "SELECT COALESCE(MAX(CAST(substr(practice_id, 2) AS INTEGER)), 0) FROM patient "
            "WHERE practice_id GLOB 'P[0-9][0-9][0-9][0-9][0-9][0-9]'"
        )
    ).scalar_one()
    if top >= 999_999:
        raise ValidationError("No practice IDs are left; enter one by hand.", field="practice_id")
    return f"P{top + 1:06d}"


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _joined(parts: list[str], name: str, label: str) -> str | None:
    joined = "; ".join(parts) or None
    if joined and len(joined) > 500:
        raise ValidationError(
            f"The merged {label} would be longer than 500 characters; shorten the kept "
            "record's list first.",
            field=name,
        )
    return joined


def _load_record(session: Session, patient_id: int) -> PatientRecord:
    p = patient_or_error(session, patient_id)

    def rows(model, row_type, *order):
        found = session.exec(select(model).where(model.patient_id == patient_id).order_by(*order))
        return [to_row(row_type, obj) for obj in found]

    coordinator = session.get(StaffUser, p.coordinator_id) if p.coordinator_id else None
    base = {f.name: getattr(p, f.name) for f in fields(PatientRecord) if hasattr(Patient, f.name)}
    return PatientRecord(
        **base
        | {
            "id": p.id,
            "age": age_on(p.date_of_birth, date.today()),
            "coordinator_name": coordinator.full_name if coordinator else None,
            "archived_at": aware(p.archived_at),
            "created_at": aware(p.created_at),
            "updated_at": aware(p.updated_at),
            "conditions": rows(Condition, ConditionRow, Condition.status, Condition.id),
            "allergies": rows(Allergy, AllergyRow, Allergy.id),
            "medications": rows(Medication, MedicationRow, Medication.status, Medication.id),
            "contacts": rows(PatientContact, ContactRow, PatientContact.id),
            "care_team": rows(CareTeamMember, CareTeamRow, CareTeamMember.id),
            "hospital_events": rows(
                HospitalEvent, HospitalEventRow, HospitalEvent.start_date.desc()
            ),
        }
    )


def _with_risk(ws: Workspace, actor: Actor, rec: PatientRecord) -> PatientRecord:
    """Add the register's risk explanation: tier, score, factors and what did not count."""
    from carecoord_desktop.services.patients import register as registry

    risk = registry.risk_explanation(ws, actor, rec.id)
    return replace(rec, risk_tier=risk.tier, risk_reasons=list(risk.reasons), risk=risk)
