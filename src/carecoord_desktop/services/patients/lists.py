"""The record's lists: problem list, allergies, next of kin and carers, care team and hospital
events. Each add, change and removal is validated and audited with the patient's id;
conditions, allergies and hospital events are clinical and need EDIT_CARE_PLANS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, SQLModel

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import (
    Allergy,
    AllergyStatus,
    CareTeamMember,
    Condition,
    ContactMethod,
    HospitalEvent,
    HospitalEventKind,
    Patient,
    PatientContact,
)
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import (
    ALLERGY_SEVERITIES,
    CONDITION_STATUSES,
    check_past_date,
    clean_email,
    clean_phone,
    clean_text,
    editable_patient,
)
from carecoord_desktop.services.patients.types import (
    AllergyDraft,
    AllergyRow,
    CareTeamDraft,
    CareTeamRow,
    ConditionDraft,
    ConditionRow,
    ContactDraft,
    ContactRow,
    HospitalEventDraft,
    HospitalEventRow,
    to_row,
)
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


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
    code_system = clean_text(d.code_system, "code_system", 64, "code system")
    code = clean_text(d.code, "code", 32, "code")
    if code and not code_system:
        raise ValidationError(
            "Say which code system the code is from (for example SNOMED CT).", "code_system"
        )
    check_past_date(d.onset, "onset", "onset date", patient.date_of_birth)
    if d.status not in CONDITION_STATUSES:
        raise ValidationError("Choose active, resolved or inactive.", field="status")
    return {
        "display": clean_text(d.display, "display", 200, "condition name", required=True),
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
    # A listed allergy ends a recorded "no known allergies" (saved with the allergy).
    patient.allergy_status = AllergyStatus.NOT_RECORDED.value
    session.add(patient)
    return {
        "substance": clean_text(d.substance, "substance", 120, "substance", required=True),
        "reaction": clean_text(d.reaction, "reaction", 200, "reaction"),
        "severity": severity,
    }


def _clean_contact(session: Session, patient: Patient, d: ContactDraft) -> dict:
    return {
        "name": clean_text(d.name, "name", 120, "contact's name", required=True),
        "relationship": clean_text(d.relationship, "relationship", 80, "relationship"),
        "phone": clean_phone(d.phone),
        "email": clean_email(d.email),
        "is_next_of_kin": bool(d.is_next_of_kin),
        "is_carer": bool(d.is_carer),
        "notes": clean_text(d.notes, "notes", 500, "notes"),
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
        "name": clean_text(name, "name", 120, "name", required=True),
        "role": clean_text(d.role, "role", 80, "role (for example 'podiatrist')", required=True),
        "organisation": clean_text(d.organisation, "organisation", 120, "organisation"),
        "phone": clean_phone(d.phone),
        "email": clean_email(d.email),
        "preferred_contact": method,
        "notes": clean_text(d.notes, "notes", 500, "notes"),
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
    check_past_date(d.start_date, "start_date", "start date", patient.date_of_birth)
    check_past_date(d.end_date, "end_date", "discharge date", patient.date_of_birth)
    if d.end_date is not None and d.end_date < d.start_date:
        raise ValidationError("The discharge date cannot be before the start.", field="end_date")
    return {
        "kind": kind,
        "start_date": d.start_date,
        "end_date": d.end_date,
        "facility": clean_text(d.facility, "facility", 120, "facility"),
        "reason": clean_text(d.reason, "reason", 200, "reason"),
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
) -> Changed[ConditionRow]:
    return _add(ws, actor, _CONDITION, patient_id, draft)


def update_condition(
    ws: Workspace,
    actor: Actor,
    condition_id: int,
    draft: ConditionDraft,
    *,
    version: int | None = None,
) -> Changed[ConditionRow]:
    return _update(ws, actor, _CONDITION, condition_id, draft, version)


def remove_condition(
    ws: Workspace, actor: Actor, condition_id: int, *, version: int | None = None
) -> Changed[None]:
    return _remove(ws, actor, _CONDITION, condition_id, version)


def add_allergy(
    ws: Workspace, actor: Actor, patient_id: int, draft: AllergyDraft
) -> Changed[AllergyRow]:
    return _add(ws, actor, _ALLERGY, patient_id, draft)


def update_allergy(
    ws: Workspace, actor: Actor, allergy_id: int, draft: AllergyDraft, *, version: int | None = None
) -> Changed[AllergyRow]:
    return _update(ws, actor, _ALLERGY, allergy_id, draft, version)


def remove_allergy(
    ws: Workspace, actor: Actor, allergy_id: int, *, version: int | None = None
) -> Changed[None]:
    return _remove(ws, actor, _ALLERGY, allergy_id, version)


def add_contact(
    ws: Workspace, actor: Actor, patient_id: int, draft: ContactDraft
) -> Changed[ContactRow]:
    return _add(ws, actor, _CONTACT, patient_id, draft)


def update_contact(
    ws: Workspace, actor: Actor, contact_id: int, draft: ContactDraft, *, version: int | None = None
) -> Changed[ContactRow]:
    return _update(ws, actor, _CONTACT, contact_id, draft, version)


def remove_contact(
    ws: Workspace, actor: Actor, contact_id: int, *, version: int | None = None
) -> Changed[None]:
    return _remove(ws, actor, _CONTACT, contact_id, version)


def add_care_team_member(
    ws: Workspace, actor: Actor, patient_id: int, draft: CareTeamDraft
) -> Changed[CareTeamRow]:
    return _add(ws, actor, _CARE_TEAM, patient_id, draft)


def update_care_team_member(
    ws: Workspace, actor: Actor, member_id: int, draft: CareTeamDraft, *, version: int | None = None
) -> Changed[CareTeamRow]:
    return _update(ws, actor, _CARE_TEAM, member_id, draft, version)


def remove_care_team_member(
    ws: Workspace, actor: Actor, member_id: int, *, version: int | None = None
) -> Changed[None]:
    return _remove(ws, actor, _CARE_TEAM, member_id, version)


def add_hospital_event(
    ws: Workspace, actor: Actor, patient_id: int, draft: HospitalEventDraft
) -> Changed[HospitalEventRow]:
    return _add(ws, actor, _HOSPITAL, patient_id, draft)


def update_hospital_event(
    ws: Workspace,
    actor: Actor,
    event_id: int,
    draft: HospitalEventDraft,
    *,
    version: int | None = None,
) -> Changed[HospitalEventRow]:
    return _update(ws, actor, _HOSPITAL, event_id, draft, version)


def remove_hospital_event(
    ws: Workspace, actor: Actor, event_id: int, *, version: int | None = None
) -> Changed[None]:
    return _remove(ws, actor, _HOSPITAL, event_id, version)


def _add(ws: Workspace, actor: Actor, kind: _Kind, patient_id: int, draft):
    require(actor, kind.permission)
    with ws.session() as session:
        patient = editable_patient(session, patient_id)
        obj = kind.model(patient_id=patient_id, **kind.clean(session, patient, draft))
        session.add(obj)
        # An allergy also writes the patient row (it ends "no known allergies"): a patient
        # changed since it was read makes that write find 0 rows.
        target = conflicts.Target("patient", patient_id, "this patient's details")
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()
        _audit_child(session, actor, AuditAction.CREATE, kind, obj, f"added {kind.label}")
        session.commit()
        return Changed(to_row(kind.row, obj), _changes(kind, patient_id))


def _update(ws: Workspace, actor: Actor, kind: _Kind, row_id: int, draft, version=None):
    """Save a row's form; `version` is the row's when the form opened (None: no check)."""
    require(actor, kind.permission)
    target = _target(kind, row_id)
    with ws.write_session() as session:  # the version read holds until the write
        obj = _child(session, actor, kind, row_id)
        conflicts.check(session, actor, target, obj.version, version)
        values = kind.clean(session, editable_patient(session, obj.patient_id), draft)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        changes = _changes(kind, obj.patient_id) if changed else NO_CHANGES
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            session.add(obj)
            with conflicts.refused_if_stale(ws, actor, target):
                session.flush()  # "... AND version = :seen", before the audit row's autoflush
            _audit_child(
                session, actor, AuditAction.UPDATE, kind, obj, "changed: " + ", ".join(changed)
            )
            session.commit()
        return Changed(to_row(kind.row, obj), changes)


def _remove(ws: Workspace, actor: Actor, kind: _Kind, row_id: int, version=None) -> Changed[None]:
    """Remove a row; refused when it changed since it was shown (`version`)."""
    require(actor, kind.permission)
    target = _target(kind, row_id)
    with ws.write_session() as session:
        obj = _child(session, actor, kind, row_id)
        conflicts.check(session, actor, target, obj.version, version)
        editable_patient(session, obj.patient_id)
        session.delete(obj)
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()  # "DELETE ... AND version = :seen"
        _audit_child(session, actor, AuditAction.DELETE, kind, obj, f"removed {kind.label}")
        session.commit()
        return Changed(None, _changes(kind, obj.patient_id))


# The change notice each list's writes send (the record window reloads that section only).
_NOTICES = {
    "condition": Kind.CONDITIONS,
    "allergy": Kind.ALLERGIES,
    "patient_contact": Kind.CONTACTS,
    "care_team_member": Kind.CARE_TEAM,
    "hospital_event": Kind.HOSPITAL,
}


def _changes(kind: _Kind, patient_id: int) -> Changes:
    return Changes.patient(patient_id, _NOTICES[kind.record_type])


def _target(kind: _Kind, row_id: int) -> conflicts.Target:
    return conflicts.Target(kind.record_type, row_id, f"this {kind.label}")


def _child(session: Session, actor: Actor, kind: _Kind, row_id: int):
    obj = session.get(kind.model, row_id)
    if obj is None:  # removed by someone else since the list was shown
        raise conflicts.removed_error(session, actor, _target(kind, row_id))
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
