"""The patient record: view, create and edit with validation, duplicates, archive and merge,
and the record's lists (problem list, allergies, next of kin and carers, care team, hospital
events).

Every view and change is audited with the patient's id; audit details name fields and ids,
never values. Demographics, contacts and the care team need EDIT_PATIENTS (reception may keep
them up to date); conditions, allergies and hospital events are clinical and need
EDIT_CARE_PLANS. Patients are archived, never deleted; a merge keeps everything of both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime

from sqlalchemy import text, update
from sqlmodel import Session, SQLModel, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import (
    AcdStatus,
    Allergy,
    CareTeamMember,
    Condition,
    ContactMethod,
    HospitalEvent,
    HospitalEventKind,
    Medication,
    Patient,
    PatientContact,
    Sex,
)
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

EARLIEST_DOB = date(1900, 1, 1)
MAX_AGE = 120
CONDITION_STATUSES = ("active", "resolved", "inactive")
ALLERGY_SEVERITIES = ("mild", "moderate", "severe", "unknown")
_MEDICARE_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9)
_PRACTICE_ID = re.compile(r"^P\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


class PossibleDuplicateError(ValidationError):
    """The record may already exist: show `candidates`, then save with confirm_duplicates."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(
            f"This may be a patient already on the register ({len(candidates)} possible "
            "match(es)). Check them; open the existing record if it is the same person, or "
            "confirm to save a new record.",
            field="duplicates",
        )
        self.candidates = candidates


# -- plain data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    practice_id: str
    name: str
    date_of_birth: date
    reason: str  # "same name and date of birth" | "same Medicare number" | "same practice id"


@dataclass(frozen=True)
class PatientDraft:
    """The demographics form. On update every field is written as given (a full form)."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    preferred_name: str | None = None
    previous_names: str | None = None
    practice_id: str | None = None  # blank: the next free P###### (kept as is on update)
    medicare_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    lives_alone: bool = False
    coordinator_id: int | None = None
    preferred_language: str | None = None
    interpreter_needed: bool = False
    communication_preferences: str | None = None
    cultural_considerations: str | None = None
    acd_status: AcdStatus = AcdStatus.NONE
    acd_date: date | None = None
    acd_location: str | None = None
    housing: str | None = None
    transport: str | None = None
    finances: str | None = None
    social_isolation: str | None = None
    functional_status: str | None = None

    @classmethod
    def from_record(cls, rec: PatientRecord) -> PatientDraft:
        """The form pre-filled from a record (for editing)."""
        return cls(**{f.name: getattr(rec, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class ConditionDraft:
    display: str
    code_system: str | None = None
    code: str | None = None
    onset: date | None = None
    status: str = "active"
    chronic: bool = True


@dataclass(frozen=True)
class ConditionRow(ConditionDraft):
    id: int = 0


@dataclass(frozen=True)
class AllergyDraft:
    substance: str
    reaction: str | None = None
    severity: str = "unknown"


@dataclass(frozen=True)
class AllergyRow(AllergyDraft):
    id: int = 0


@dataclass(frozen=True)
class MedicationRow:
    id: int
    name: str
    dose: str | None
    route: str | None
    frequency: str | None
    status: str
    started: date | None


@dataclass(frozen=True)
class ContactDraft:
    """Next of kin and/or carer."""

    name: str
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    is_next_of_kin: bool = False
    is_carer: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class ContactRow(ContactDraft):
    id: int = 0


@dataclass(frozen=True)
class CareTeamDraft:
    """Practice staff (staff_user_id) or an external provider."""

    name: str
    role: str
    staff_user_id: int | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    preferred_contact: ContactMethod = ContactMethod.PHONE
    notes: str | None = None


@dataclass(frozen=True)
class CareTeamRow(CareTeamDraft):
    id: int = 0


@dataclass(frozen=True)
class HospitalEventDraft:
    kind: HospitalEventKind
    start_date: date
    end_date: date | None = None  # discharge
    facility: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class HospitalEventRow(HospitalEventDraft):
    id: int = 0


@dataclass(frozen=True)
class PatientRecord:
    id: int
    practice_id: str
    given_name: str
    family_name: str
    preferred_name: str | None
    previous_names: str | None
    previous_identifiers: str | None
    date_of_birth: date
    age: int
    sex: Sex
    medicare_number: str | None
    phone: str | None
    email: str | None
    address: str | None
    lives_alone: bool
    coordinator_id: int | None
    coordinator_name: str | None
    preferred_language: str | None
    interpreter_needed: bool
    communication_preferences: str | None
    cultural_considerations: str | None
    acd_status: AcdStatus
    acd_date: date | None
    acd_location: str | None
    housing: str | None
    transport: str | None
    finances: str | None
    social_isolation: str | None
    functional_status: str | None
    archived: bool
    archived_at: datetime | None
    merged_into_id: int | None
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    conditions: list[ConditionRow] = field(default_factory=list)
    allergies: list[AllergyRow] = field(default_factory=list)
    medications: list[MedicationRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    care_team: list[CareTeamRow] = field(default_factory=list)
    hospital_events: list[HospitalEventRow] = field(default_factory=list)
    risk_tier: str | None = None
    risk_reasons: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        extra = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.family_name.upper()}, {self.given_name}{extra}"


# -- validation helpers --------------------------------------------------------------------------
def fold(value: str) -> str:
    """Lower case without accents, spaces squeezed ("Zoë  O'Brien" -> "zoe o'brien")."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def medicare_digits(value: str) -> str:
    return "".join(value.split())


def medicare_valid(value: str) -> bool:
    """10 digits (spaces allowed) with a good check digit, optionally an 11th digit (IRN)."""
    digits = medicare_digits(value)
    if not digits.isdigit() or len(digits) not in (10, 11) or digits[0] not in "23456":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], _MEDICARE_WEIGHTS, strict=True))
    return total % 10 == int(digits[8])


def _text(value: str | None, name: str, max_len: int, label: str, required=False) -> str | None:
    value = (value or "").strip() or None
    if value is None and required:
        raise ValidationError(f"Enter the {label}.", field=name)
    if value is not None and len(value) > max_len:
        raise ValidationError(
            f"The {label} is too long ({len(value)} characters; at most {max_len}).", field=name
        )
    return value


def _phone(value: str | None, name: str = "phone") -> str | None:
    value = (value or "").strip() or None
    if value is None:
        return None
    compact = _PHONE_SEPARATORS.sub("", value)
    rest = compact[3:] if compact.startswith("+61") else compact
    if not rest.isdigit() or not 8 <= len(rest) <= 12:
        raise ValidationError(
            "Enter a phone number of 8 to 12 digits (spaces allowed), optionally starting "
            "with +61, for example 0412 345 678 or +61 3 9123 4567.",
            field=name,
        )
    return value


def _email(value: str | None, name: str = "email") -> str | None:
    value = (value or "").strip() or None
    if value is not None and (len(value) > 120 or not _EMAIL.match(value)):
        raise ValidationError(
            "Enter an e-mail address like name@example.com (or leave it empty).", field=name
        )
    return value


def _past_date(value: date | None, name: str, label: str, born: date | None = None) -> None:
    if value is None:
        return
    if value > date.today():
        raise ValidationError(f"The {label} cannot be in the future.", field=name)
    if value < (born or EARLIEST_DOB):
        before = "the date of birth" if born else EARLIEST_DOB.strftime("%d/%m/%Y")
        raise ValidationError(f"The {label} cannot be before {before}.", field=name)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_NOTE_FIELDS = {
    "previous_names": "previous names",
    "communication_preferences": "communication preferences",
    "cultural_considerations": "cultural or religious considerations",
    "acd_location": "place the advance care directive is kept",
    "housing": "housing note",
    "transport": "transport note",
    "finances": "finances note",
    "social_isolation": "social isolation note",
    "functional_status": "functional status",
}


def _clean_draft(session: Session, draft: PatientDraft) -> dict:
    """The draft's values checked and normalised, as Patient columns (practice_id may be None)."""
    v = asdict(draft)
    v["given_name"] = _text(draft.given_name, "given_name", 80, "given name", required=True)
    v["family_name"] = _text(draft.family_name, "family_name", 80, "family name", required=True)
    v["preferred_name"] = _text(draft.preferred_name, "preferred_name", 80, "preferred name")
    dob = draft.date_of_birth
    if dob is None:
        raise ValidationError("Enter the date of birth.", field="date_of_birth")
    today = date.today()
    if dob > today:
        raise ValidationError("The date of birth cannot be in the future.", field="date_of_birth")
    if dob < EARLIEST_DOB or _age(dob, today) > MAX_AGE:
        raise ValidationError(
            f"Check the date of birth: it makes the patient older than {MAX_AGE}.",
            field="date_of_birth",
        )
    practice_id = (draft.practice_id or "").strip().upper() or None
    if practice_id is not None and not _PRACTICE_ID.match(practice_id):
        raise ValidationError(
            "A practice id is P followed by 6 digits (for example P000123); leave it empty to "
            "get the next free one.",
            field="practice_id",
        )
    v["practice_id"] = practice_id
    medicare = (draft.medicare_number or "").strip() or None
    if medicare is not None:
        if not medicare_valid(medicare):
            raise ValidationError(
                "That Medicare number is not valid: it has 10 digits (plus the 1-digit "
                "reference number if you have it) and its 9th digit is a check digit. "
                "Check it against the card.",
                field="medicare_number",
            )
        medicare = medicare_digits(medicare)
    v["medicare_number"] = medicare
    v["phone"] = _phone(draft.phone)
    v["email"] = _email(draft.email)
    v["address"] = _text(draft.address, "address", 240, "address")
    v["preferred_language"] = _text(
        draft.preferred_language, "preferred_language", 80, "preferred language"
    )
    for name, label in _NOTE_FIELDS.items():
        v[name] = _text(getattr(draft, name), name, 500, label)
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
    _past_date(draft.acd_date, "acd_date", "advance care directive date")
    if draft.coordinator_id is not None and session.get(StaffUser, draft.coordinator_id) is None:
        raise ValidationError("Choose a coordinator from the staff list.", field="coordinator_id")
    v["lives_alone"] = bool(draft.lives_alone)
    v["interpreter_needed"] = bool(draft.interpreter_needed)
    return v


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
        # One card covers a family: a different reference number (IRN) is another person.
        add(
            (
                p
                for p in rows
                if len(digits) == 10
                or len(medicare_digits(p.medicare_number)) == 10
                or medicare_digits(p.medicare_number)[10] == digits[10]
            ),
            "same Medicare number",
        )
    practice_id = (draft.practice_id or "").strip().upper()
    if practice_id:
        add(session.exec(alive.where(Patient.practice_id == practice_id)), "same practice id")
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


def create_patient(
    ws: Workspace, actor: Actor, draft: PatientDraft, *, confirm_duplicates: bool = False
) -> PatientRecord:
    require(actor, Permission.EDIT_PATIENTS)
    with ws.session() as session:
        values = _clean_draft(session, draft)
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
    return _with_risk(ws, actor, rec)


def update_patient(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    draft: PatientDraft,
    *,
    confirm_duplicates: bool = False,
) -> PatientRecord:
    """Save the demographics form; the audit lists the changed field names, never values."""
    require(actor, Permission.EDIT_PATIENTS)
    with ws.session() as session:
        patient = _editable(session, patient_id)
        values = _clean_draft(session, draft)
        if values["practice_id"] is None:
            values["practice_id"] = patient.practice_id
        elif values["practice_id"] != patient.practice_id:
            _practice_id_free(session, values["practice_id"], patient_id)
        changed = [k for k, val in values.items() if getattr(patient, k) != val]
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
    return _with_risk(ws, actor, rec)


def archive_patient(ws: Workspace, actor: Actor, patient_id: int) -> PatientRecord:
    """Take the patient off the active register; nothing is deleted."""
    return _set_archived(ws, actor, patient_id, True)


def unarchive_patient(ws: Workspace, actor: Actor, patient_id: int) -> PatientRecord:
    return _set_archived(ws, actor, patient_id, False)


def _set_archived(ws: Workspace, actor: Actor, patient_id: int, archived: bool) -> PatientRecord:
    require(actor, Permission.EDIT_PATIENTS)
    with ws.session() as session:
        patient = _patient(session, patient_id)
        if patient.merged_into_id is not None:
            raise ValidationError(
                "This record was merged into another one and stays archived; open the "
                "merged record instead."
            )
        if patient.archived != archived:
            patient.archived = archived
            patient.archived_at = datetime.now(UTC) if archived else None
            patient.updated_at = datetime.now(UTC)
            session.add(patient)
            audit.record(
                session,
                actor,
                AuditAction.UPDATE,
                patient_id=patient_id,
                record_type="patient",
                record_id=patient_id,
                detail="archived" if archived else "unarchived",
            )
            session.commit()
        rec = _load_record(session, patient_id)
    return _with_risk(ws, actor, rec)


_CHILD_MODELS = (Condition, Allergy, Medication, PatientContact, CareTeamMember, HospitalEvent)
# Empty fields of the kept record are filled from the merged one.
_FILLABLE = (
    "preferred_name",
    "medicare_number",
    "phone",
    "email",
    "address",
    "coordinator_id",
    "preferred_language",
    "communication_preferences",
    "cultural_considerations",
    "acd_date",
    "acd_location",
    "housing",
    "transport",
    "finances",
    "social_isolation",
    "functional_status",
)


def merge_patients(ws: Workspace, actor: Actor, keep_id: int, merge_id: int) -> PatientRecord:
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
        keep = _editable(session, keep_id)
        gone = _editable(session, merge_id)
        moved = []
        for model in _CHILD_MODELS:
            result = session.execute(
                update(model).where(model.patient_id == merge_id).values(patient_id=keep_id)
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
        idents.append(f"practice id {gone.practice_id}")
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
    return _with_risk(ws, actor, rec)


# -- the record's lists --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Kind:
    model: type[SQLModel]
    row: type
    record_type: str
    label: str
    permission: Permission
    clean: Callable[[Session, Patient, object], dict]


def _clean_condition(session: Session, patient: Patient, d: ConditionDraft) -> dict:
    code_system = _text(d.code_system, "code_system", 64, "code system")
    code = _text(d.code, "code", 32, "code")
    if code and not code_system:
        raise ValidationError(
            "Say which code system the code is from (for example SNOMED CT).", "code_system"
        )
    _past_date(d.onset, "onset", "onset date", patient.date_of_birth)
    if d.status not in CONDITION_STATUSES:
        raise ValidationError("Choose active, resolved or inactive.", field="status")
    return {
        "display": _text(d.display, "display", 200, "condition name", required=True),
        "code_system": code_system,
        "code": code,
        "onset": d.onset,
        "status": d.status,
        "chronic": bool(d.chronic),
    }


def _clean_allergy(session: Session, patient: Patient, d: AllergyDraft) -> dict:
    severity = (d.severity or "unknown").strip().lower()
    if severity not in ALLERGY_SEVERITIES:
        raise ValidationError("Choose mild, moderate, severe or unknown.", field="severity")
    return {
        "substance": _text(d.substance, "substance", 120, "substance", required=True),
        "reaction": _text(d.reaction, "reaction", 200, "reaction"),
        "severity": severity,
    }


def _clean_contact(session: Session, patient: Patient, d: ContactDraft) -> dict:
    return {
        "name": _text(d.name, "name", 120, "contact's name", required=True),
        "relationship": _text(d.relationship, "relationship", 80, "relationship"),
        "phone": _phone(d.phone),
        "email": _email(d.email),
        "is_next_of_kin": bool(d.is_next_of_kin),
        "is_carer": bool(d.is_carer),
        "notes": _text(d.notes, "notes", 500, "notes"),
    }


def _clean_care_team(session: Session, patient: Patient, d: CareTeamDraft) -> dict:
    name = d.name
    if d.staff_user_id is not None:
        staff = session.get(StaffUser, d.staff_user_id)
        if staff is None:
            raise ValidationError("Choose a staff member from the list.", field="staff_user_id")
        name = name or staff.full_name
    try:
        method = ContactMethod(d.preferred_contact)
    except ValueError:
        raise ValidationError(
            "Choose phone, e-mail, fax, secure message or in person.", field="preferred_contact"
        ) from None
    values = {
        "staff_user_id": d.staff_user_id,
        "name": _text(name, "name", 120, "name", required=True),
        "role": _text(d.role, "role", 80, "role (for example 'podiatrist')", required=True),
        "organisation": _text(d.organisation, "organisation", 120, "organisation"),
        "phone": _phone(d.phone),
        "email": _email(d.email),
        "preferred_contact": method,
        "notes": _text(d.notes, "notes", 500, "notes"),
    }
    if method == ContactMethod.PHONE and not values["phone"]:
        raise ValidationError("Phone is the preferred way to reach them: enter it.", "phone")
    if method == ContactMethod.EMAIL and not values["email"]:
        raise ValidationError("E-mail is the preferred way to reach them: enter it.", "email")
    return values


def _clean_hospital_event(session: Session, patient: Patient, d: HospitalEventDraft) -> dict:
    try:
        kind = HospitalEventKind(d.kind)
    except ValueError:
        raise ValidationError("Choose admission or ED visit.", field="kind") from None
    if d.start_date is None:
        raise ValidationError("Enter the date it started.", field="start_date")
    _past_date(d.start_date, "start_date", "start date", patient.date_of_birth)
    _past_date(d.end_date, "end_date", "discharge date", patient.date_of_birth)
    if d.end_date is not None and d.end_date < d.start_date:
        raise ValidationError("The discharge date cannot be before the start.", field="end_date")
    return {
        "kind": kind,
        "start_date": d.start_date,
        "end_date": d.end_date,
        "facility": _text(d.facility, "facility", 120, "facility"),
        "reason": _text(d.reason, "reason", 200, "reason"),
    }


_CONDITION = _Kind(
    Condition, ConditionRow, "condition", "condition", Permission.EDIT_CARE_PLANS, _clean_condition
)
_ALLERGY = _Kind(
    Allergy, AllergyRow, "allergy", "allergy", Permission.EDIT_CARE_PLANS, _clean_allergy
)
_CONTACT = _Kind(
    PatientContact, ContactRow, "patient_contact", "contact", Permission.EDIT_PATIENTS,
    _clean_contact,
)  # fmt: skip
_CARE_TEAM = _Kind(
    CareTeamMember, CareTeamRow, "care_team_member", "care team member",
    Permission.EDIT_PATIENTS, _clean_care_team,
)  # fmt: skip
_HOSPITAL = _Kind(
    HospitalEvent, HospitalEventRow, "hospital_event", "hospital event",
    Permission.EDIT_CARE_PLANS, _clean_hospital_event,
)  # fmt: skip


def add_condition(
    ws: Workspace, actor: Actor, patient_id: int, draft: ConditionDraft
) -> ConditionRow:
    return _add(ws, actor, _CONDITION, patient_id, draft)


def update_condition(
    ws: Workspace, actor: Actor, condition_id: int, draft: ConditionDraft
) -> ConditionRow:
    return _update(ws, actor, _CONDITION, condition_id, draft)


def remove_condition(ws: Workspace, actor: Actor, condition_id: int) -> None:
    _remove(ws, actor, _CONDITION, condition_id)


def add_allergy(ws: Workspace, actor: Actor, patient_id: int, draft: AllergyDraft) -> AllergyRow:
    return _add(ws, actor, _ALLERGY, patient_id, draft)


def update_allergy(ws: Workspace, actor: Actor, allergy_id: int, draft: AllergyDraft) -> AllergyRow:
    return _update(ws, actor, _ALLERGY, allergy_id, draft)


def remove_allergy(ws: Workspace, actor: Actor, allergy_id: int) -> None:
    _remove(ws, actor, _ALLERGY, allergy_id)


def add_contact(ws: Workspace, actor: Actor, patient_id: int, draft: ContactDraft) -> ContactRow:
    return _add(ws, actor, _CONTACT, patient_id, draft)


def update_contact(ws: Workspace, actor: Actor, contact_id: int, draft: ContactDraft) -> ContactRow:
    return _update(ws, actor, _CONTACT, contact_id, draft)


def remove_contact(ws: Workspace, actor: Actor, contact_id: int) -> None:
    _remove(ws, actor, _CONTACT, contact_id)


def add_care_team_member(
    ws: Workspace, actor: Actor, patient_id: int, draft: CareTeamDraft
) -> CareTeamRow:
    return _add(ws, actor, _CARE_TEAM, patient_id, draft)


def update_care_team_member(
    ws: Workspace, actor: Actor, member_id: int, draft: CareTeamDraft
) -> CareTeamRow:
    return _update(ws, actor, _CARE_TEAM, member_id, draft)


def remove_care_team_member(ws: Workspace, actor: Actor, member_id: int) -> None:
    _remove(ws, actor, _CARE_TEAM, member_id)


def add_hospital_event(
    ws: Workspace, actor: Actor, patient_id: int, draft: HospitalEventDraft
) -> HospitalEventRow:
    return _add(ws, actor, _HOSPITAL, patient_id, draft)


def update_hospital_event(
    ws: Workspace, actor: Actor, event_id: int, draft: HospitalEventDraft
) -> HospitalEventRow:
    return _update(ws, actor, _HOSPITAL, event_id, draft)


def remove_hospital_event(ws: Workspace, actor: Actor, event_id: int) -> None:
    _remove(ws, actor, _HOSPITAL, event_id)


def _add(ws: Workspace, actor: Actor, kind: _Kind, patient_id: int, draft):
    require(actor, kind.permission)
    with ws.session() as session:
        patient = _editable(session, patient_id)
        obj = kind.model(patient_id=patient_id, **kind.clean(session, patient, draft))
        session.add(obj)
        session.flush()
        _audit_child(session, actor, AuditAction.CREATE, kind, obj, f"added {kind.label}")
        session.commit()
        return _to_row(kind.row, obj)


def _update(ws: Workspace, actor: Actor, kind: _Kind, row_id: int, draft):
    require(actor, kind.permission)
    with ws.session() as session:
        obj = _child(session, kind, row_id)
        values = kind.clean(session, _editable(session, obj.patient_id), draft)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            session.add(obj)
            _audit_child(
                session, actor, AuditAction.UPDATE, kind, obj, "changed: " + ", ".join(changed)
            )
            session.commit()
        return _to_row(kind.row, obj)


def _remove(ws: Workspace, actor: Actor, kind: _Kind, row_id: int) -> None:
    require(actor, kind.permission)
    with ws.session() as session:
        obj = _child(session, kind, row_id)
        _editable(session, obj.patient_id)
        _audit_child(session, actor, AuditAction.DELETE, kind, obj, f"removed {kind.label}")
        session.delete(obj)
        session.commit()


def _child(session: Session, kind: _Kind, row_id: int):
    obj = session.get(kind.model, row_id)
    if obj is None:
        raise ValidationError(f"That {kind.label} is no longer on the record; reopen it.")
    return obj


def _audit_child(session, actor, action, kind: _Kind, obj, detail: str) -> None:
    audit.record(
        session,
        actor,
        action,
        patient_id=obj.patient_id,
        record_type=kind.record_type,
        record_id=obj.id,
        detail=detail,
    )


def _to_row(row_type: type, obj):
    return row_type(**{f.name: getattr(obj, f.name) for f in fields(row_type)})


# -- internals -----------------------------------------------------------------------------------
def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValidationError("That patient is not in the register.", field="patient_id")
    return patient


def _editable(session: Session, patient_id: int) -> Patient:
    patient = _patient(session, patient_id)
    if patient.merged_into_id is not None:
        raise ValidationError(
            f"This record was merged into record {patient.merged_into_id}; edit that one."
        )
    if patient.archived:
        raise ValidationError("This record is archived: unarchive it before changing it.")
    return patient


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
            f"Practice id {practice_id} belongs to another patient; leave it empty to get the "
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
        raise ValidationError("No practice ids are left; enter one by hand.", field="practice_id")
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


def _aware(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


def _load_record(session: Session, patient_id: int) -> PatientRecord:
    p = _patient(session, patient_id)

    def rows(model, row_type, *order):
        found = session.exec(select(model).where(model.patient_id == patient_id).order_by(*order))
        return [_to_row(row_type, obj) for obj in found]

    coordinator = session.get(StaffUser, p.coordinator_id) if p.coordinator_id else None
    base = {f.name: getattr(p, f.name) for f in fields(PatientRecord) if hasattr(Patient, f.name)}
    return PatientRecord(
        **base
        | {
            "id": p.id,
            "age": _age(p.date_of_birth, date.today()),
            "coordinator_name": coordinator.full_name if coordinator else None,
            "archived_at": _aware(p.archived_at),
            "created_at": _aware(p.created_at),
            "updated_at": _aware(p.updated_at),
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
    """Add the register's risk tier and its reasons (registry.risk_reasons, when available)."""
    from carecoord_desktop.services import registry

    risk = getattr(registry, "risk_reasons", None)
    if risk is None:
        return rec
    tier, reasons = risk(ws, actor, rec.id)
    return replace(rec, risk_tier=tier, risk_reasons=list(reasons))
