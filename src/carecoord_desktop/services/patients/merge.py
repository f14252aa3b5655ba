"""Merging two records of one person: everything of the merged record moves to the kept one
(its lists, plans, observations, reconciliations, tasks, transitions, minutes, referrals and
care conferences), its names and identifiers stay searchable on the kept one, and it is
archived pointing there."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models import conference as conference_models
from carecoord_desktop.models import referral as referral_models
from carecoord_desktop.models import task as task_models
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, Observation
from carecoord_desktop.models.medication import MedicationChange, MedReconciliation
from carecoord_desktop.models.patient import (
    AcdStatus,
    Allergy,
    CareTeamMember,
    Condition,
    HospitalEvent,
    Medication,
    PatientContact,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import PATIENT_LISTS, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import fields as patient_fields
from carecoord_desktop.services.patients.rules import editable_patient, fold
from carecoord_desktop.services.patients.types import PatientRecord
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.minutes import merge_timers
from carecoord_desktop.store.workspace import Workspace

# A merge keeps both records' care plans, observations, reconciliations, tasks, transitions,
# minutes, referrals and care conferences too.
_CHILD_MODELS = (
    Condition, Allergy, Medication, PatientContact, CareTeamMember, HospitalEvent,
    CarePlan, Observation, MedReconciliation, *task_models.PATIENT_ROWS,
    *referral_models.PATIENT_ROWS, *conference_models.PATIENT_ROWS,
)  # fmt: skip
# Rows that move with the patient but have no version (append-only history).
_HISTORY_MODELS = (MedicationChange,)
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
    from carecoord_desktop.services.patients.record import (
        _joined,
        _load_record,
        _split,
        _with_risk,
        patient_target,
    )

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
        if merge_timers(session, keep_id, merge_id):
            moved.append("timers")
        for model in _HISTORY_MODELS:
            session.execute(
                update(model).where(model.patient_id == merge_id).values(patient_id=keep_id)
            )
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
    moved_kinds = (
        Kind.PATIENT, *PATIENT_LISTS, Kind.CARE_PLANS, Kind.OBSERVATIONS, Kind.MED_RECONCILIATION,
    )  # fmt: skip
    changes = Changes.patient(keep_id, *moved_kinds, membership=True) | Changes.patient(
        merge_id, *moved_kinds
    )
    return Changed(_with_risk(ws, actor, rec), changes)
