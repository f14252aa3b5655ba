"""A patient's medicine list: read it (with the knowledge base's checks), add, change, stop
and restart a medicine, each change kept with who, when, what and why (medication_change).

Permissions (decided here, checked whatever a screen shows):
- reading the list and the card: VIEW_PATIENTS (reception reads it, changes nothing);
- adding, changing, stopping: EDIT_CARE_PLANS (GP, nurse, care coordinator), as every other
  clinical list of the record (conditions, allergies);
- signing off a reconciliation: RECONCILE_MEDICATIONS (services/medications/signoff.py).
Audit rows name the patient and the medicine's id and the field names, never a drug or dose.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.knowledge.base import knowledge_base
from carecoord_desktop.knowledge.checks import check
from carecoord_desktop.knowledge.recognise import recognise
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.medication import ChangeAction, MedicationChange, MedicineStatus
from carecoord_desktop.models.patient import Medication
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications.reading import (
    read_line,
    recognition_of,
    split_ingredients,
    split_times,
)
from carecoord_desktop.services.medications.types import (
    TIMES_OF_DAY,
    FlagView,
    MedicineChangeRow,
    MedicineDraft,
    MedicineList,
    MedicineRow,
)
from carecoord_desktop.services.patients.rules import (
    aware,
    check_past_date,
    clean_text,
    editable_patient,
    patient_or_error,
)
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "medication"
# The columns a change can touch, in the order the history shows them.
EDITABLE = (
    "written",
    "name",
    "strength",
    "dose",
    "route",
    "frequency",
    "times_of_day",
    "indication",
    "prescriber",
    "started",
    "source",
    "notes",
    "ingredients",
    "recognised_as",
)
_LIMITS = {
    "written": (300, "medicine as written"),
    "name": (200, "medicine's name"),
    "strength": (80, "strength"),
    "dose": (80, "dose"),
    "route": (40, "route"),
    "frequency": (80, "frequency"),
    "indication": (200, "reason for taking it"),
    "prescriber": (120, "prescriber"),
    "source": (80, "source"),
    "notes": (500, "notes"),
}


# -- reading ---------------------------------------------------------------------------------
def list_medicines(ws: Workspace, actor: Actor, patient_id: int) -> MedicineList:
    """The patient's medicines, active then stopped, with the checks over the active ones."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        patient_or_error(session, patient_id)
        rows = load_rows(session, patient_id)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            detail="viewed medicine list",
        )
        session.commit()
    return MedicineList(patient_id, rows, list_flags(rows), knowledge_base().version)


def load_rows(session: Session, patient_id: int) -> list[MedicineRow]:
    found = session.exec(
        select(Medication)
        .where(Medication.patient_id == patient_id)
        .order_by(Medication.status != MedicineStatus.ACTIVE.value, Medication.id)
    )
    return [to_row(m) for m in found]


def to_row(m: Medication) -> MedicineRow:
    written = m.written or _composed(m)
    ingredients = split_ingredients(m.ingredients)
    recognised_as = m.recognised_as
    if m.written is None and not ingredients:
        # A medicine stored before lists were recognised (migration 0010): recognise it now,
        # the same way a new line is, rather than call furosemide "not recognised".
        found = recognise(written)
        ingredients = found.ingredients
        recognised_as = found.display if found.recognised else None
    return MedicineRow(
        id=m.id or 0,
        patient_id=m.patient_id,
        name=m.name,
        written=written,
        ingredients=ingredients,
        recognised_as=recognised_as or ("" if ingredients else "not recognised: no checks run"),
        strength=m.strength,
        dose=m.dose,
        route=m.route,
        frequency=m.frequency,
        times_of_day=split_times(m.times_of_day),
        indication=m.indication,
        prescriber=m.prescriber,
        started=m.started,
        stopped=m.stopped,
        stop_reason=m.stop_reason,
        source=m.source,
        status=m.status,
        notes=m.notes,
        updated_at=aware(m.updated_at),
        version=m.version,
    )


def when_needed(m: MedicineRow) -> bool:
    """Taken only when needed ("prn", "when required"), by the words of the line."""
    words = f" {m.frequency or ''} {m.written} ".lower()
    return any(w in words for w in (" prn", "when needed", "when required", "as needed"))


def _composed(m: Medication) -> str:
    """A line for a medicine stored before lists kept the line as written (0008 and older)."""
    return " ".join(p for p in (m.name, m.strength, m.dose, m.route, m.frequency) if p)


def list_flags(rows: list[MedicineRow]) -> list[FlagView]:
    """Duplicates, class duplicates and interactions among the active medicines; every
    medicine not recognised is said so (no checks run on it)."""
    active = [r for r in rows if r.active]
    result = check([recognition_of(r.written, r.ingredients, r.recognised_as) for r in active])
    out: list[FlagView] = []
    for dup in result.duplicates:
        ids = tuple(active[i].id for i in dup.indices)
        names = " and ".join(active[i].written for i in dup.indices)
        if dup.kind == "ingredient":
            out.append(
                FlagView(
                    "ingredient_duplicate",
                    f"The same medicine twice ({dup.name}): {names}.",
                    medication_ids=ids,
                )
            )
        else:
            out.append(
                FlagView(
                    "class_duplicate",
                    f"Two medicines of one class ({dup.name}): {names}.",
                    medication_ids=ids,
                )
            )
    for hit in result.interactions:
        a, b = (active[i] for i in hit.indices)
        out.append(
            FlagView(
                "interaction",
                f"{hit.title}: {a.written} with {b.written}.",
                hit.severity,
                hit.advice,
                hit.source,
                medication_ids=(a.id, b.id),
            )
        )
    for r in active:
        if not r.recognised:
            out.append(
                FlagView(
                    "unrecognised",
                    f"{r.written}: not recognised: no checks run.",
                    medication_ids=(r.id,),
                )
            )
    return out


def medicine_history(
    ws: Workspace, actor: Actor, patient_id: int, *, medication_id: int | None = None
) -> list[MedicineChangeRow]:
    """Every change to the patient's medicines (or one medicine), newest first. Clinical
    (reasons, who decided): reception reads the list and the card, not this."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        query = select(MedicationChange).where(MedicationChange.patient_id == patient_id)
        if medication_id is not None:
            query = query.where(MedicationChange.medication_id == medication_id)
        found = list(session.exec(query.order_by(MedicationChange.id.desc())))  # type: ignore[union-attr]
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            record_id=medication_id,
            detail="viewed medicine history",
        )
        session.commit()
    return [
        MedicineChangeRow(
            id=c.id or 0,
            medication_id=c.medication_id,
            at=aware(c.at) or c.at,
            actor_name=c.actor_name,
            action=c.action,
            fields=tuple(f for f in c.changed_fields.split(", ") if f),
            before=json.loads(c.before or "{}"),
            after=json.loads(c.after or "{}"),
            reason=c.reason,
            reconciliation_id=c.reconciliation_id,
        )
        for c in found
    ]


# -- writing ---------------------------------------------------------------------------------
def add_medicine(
    ws: Workspace, actor: Actor, patient_id: int, draft: MedicineDraft, *, reason: str | None = None
) -> Changed[MedicineRow]:
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        patient = editable_patient(session, patient_id)
        values = draft_values(draft, born=patient.date_of_birth)
        obj = add_row(session, actor, patient_id, values, reason=_reason(reason))
        session.commit()
        return Changed(to_row(obj), Changes.patient(patient_id, Kind.MEDICINES))


def change_medicine(
    ws: Workspace,
    actor: Actor,
    medication_id: int,
    draft: MedicineDraft,
    *,
    version: int | None,
    reason: str | None = None,
) -> Changed[MedicineRow]:
    """Save a medicine's form; `version` is the row's when the form opened."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        obj = _medicine(session, actor, medication_id)
        conflicts.check(session, actor, target(medication_id), obj.version, version)
        patient = editable_patient(session, obj.patient_id)
        values = draft_values(draft, born=patient.date_of_birth)
        changed = change_row(session, actor, obj, values, reason=_reason(reason))
        if not changed:
            return Changed(to_row(obj), NO_CHANGES)
        with conflicts.refused_if_stale(ws, actor, target(medication_id)):
            session.flush()
        session.commit()
        return Changed(to_row(obj), Changes.patient(obj.patient_id, Kind.MEDICINES))


def stop_medicine(
    ws: Workspace,
    actor: Actor,
    medication_id: int,
    *,
    reason: str,
    version: int | None,
    on: date | None = None,
) -> Changed[MedicineRow]:
    """Stop a medicine (it stays on the list, stopped, with the date and the reason)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    why = _reason(reason)
    if not why:
        raise ValidationError("Say why the medicine is stopped.", field="reason")
    with ws.write_session() as session:
        obj = _medicine(session, actor, medication_id)
        conflicts.check(session, actor, target(medication_id), obj.version, version)
        editable_patient(session, obj.patient_id)
        if obj.status != MedicineStatus.ACTIVE.value:
            raise ValidationError("This medicine is already stopped.")
        check_past_date(on, "stopped", "stop date")
        stop_row(session, actor, obj, why, on=on)
        with conflicts.refused_if_stale(ws, actor, target(medication_id)):
            session.flush()
        session.commit()
        return Changed(to_row(obj), Changes.patient(obj.patient_id, Kind.MEDICINES))


def restart_medicine(
    ws: Workspace, actor: Actor, medication_id: int, *, reason: str, version: int | None
) -> Changed[MedicineRow]:
    """Put a stopped medicine back on the active list."""
    require(actor, Permission.EDIT_CARE_PLANS)
    why = _reason(reason)
    if not why:
        raise ValidationError("Say why the medicine is restarted.", field="reason")
    with ws.write_session() as session:
        obj = _medicine(session, actor, medication_id)
        conflicts.check(session, actor, target(medication_id), obj.version, version)
        editable_patient(session, obj.patient_id)
        if obj.status == MedicineStatus.ACTIVE.value:
            raise ValidationError("This medicine is already active.")
        before = {"status": obj.status, "stopped": _json(obj.stopped)}
        obj.status, obj.stopped, obj.stop_reason = MedicineStatus.ACTIVE.value, None, None
        obj.updated_at = datetime.now(UTC)
        session.add(obj)
        with conflicts.refused_if_stale(ws, actor, target(medication_id)):
            session.flush()
        _history(session, actor, obj, ChangeAction.RESTARTED, before, {"status": "active"}, why)
        session.commit()
        return Changed(to_row(obj), Changes.patient(obj.patient_id, Kind.MEDICINES))


# -- the row-level writes (shared with the reconciliation's sign-off) ------------------------
def draft_values(draft: MedicineDraft, *, born: date | None = None) -> dict:
    """Medication column values for a draft: the line read, the given fields on top, checked."""
    written = clean_text(draft.written, "written", 300, "medicine as written", required=True)
    assert written is not None
    read = read_line(written)
    values = read.columns()
    for f in fields(MedicineDraft):
        given = getattr(draft, f.name)
        if f.name == "written" or given is None:
            continue
        values[f.name] = given
    for name, (limit, label) in _LIMITS.items():
        if isinstance(values.get(name), str) or values.get(name) is None:
            values[name] = clean_text(values.get(name), name, limit, label)
    if not values.get("name"):
        values["name"] = written[:200]
    times = values.get("times_of_day")
    if isinstance(times, tuple | list):
        unknown = [t for t in times if t not in TIMES_OF_DAY]
        if unknown:
            raise ValidationError(
                "Times of day are morning, midday, evening and night.", field="times_of_day"
            )
        values["times_of_day"] = ";".join(t for t in TIMES_OF_DAY if t in times) or None
    check_past_date(values.get("started"), "started", "start date", born)
    return values


def add_row(
    session: Session,
    actor: Actor,
    patient_id: int,
    values: dict,
    *,
    reason: str | None,
    reconciliation_id: int | None = None,
) -> Medication:
    obj = Medication(
        patient_id=patient_id,
        status=MedicineStatus.ACTIVE.value,
        updated_at=datetime.now(UTC),
        **{k: v for k, v in values.items() if k in EDITABLE},
    )
    session.add(obj)
    session.flush()
    after = {k: _json(getattr(obj, k)) for k in EDITABLE if getattr(obj, k) is not None}
    _history(session, actor, obj, ChangeAction.ADDED, {}, after, reason, reconciliation_id)
    return obj


def change_row(
    session: Session,
    actor: Actor,
    obj: Medication,
    values: dict,
    *,
    reason: str | None,
    reconciliation_id: int | None = None,
) -> list[str]:
    changed = [k for k in EDITABLE if k in values and getattr(obj, k) != values[k]]
    if not changed:
        return []
    before = {k: _json(getattr(obj, k)) for k in changed}
    for k in changed:
        setattr(obj, k, values[k])
    obj.updated_at = datetime.now(UTC)
    session.add(obj)
    session.flush()
    after = {k: _json(getattr(obj, k)) for k in changed}
    _history(session, actor, obj, ChangeAction.CHANGED, before, after, reason, reconciliation_id)
    return changed


def stop_row(
    session: Session,
    actor: Actor,
    obj: Medication,
    reason: str,
    *,
    on: date | None = None,
    reconciliation_id: int | None = None,
) -> None:
    obj.status = MedicineStatus.STOPPED.value
    obj.stopped = on or date.today()
    obj.stop_reason = reason[:500]
    obj.updated_at = datetime.now(UTC)
    session.add(obj)
    session.flush()
    after = {"status": obj.status, "stopped": _json(obj.stopped)}
    _history(
        session,
        actor,
        obj,
        ChangeAction.STOPPED,
        {"status": "active"},
        after,
        reason,
        reconciliation_id,
    )


def _history(
    session: Session,
    actor: Actor,
    obj: Medication,
    action: ChangeAction,
    before: dict,
    after: dict,
    reason: str | None,
    reconciliation_id: int | None = None,
) -> None:
    names = list(dict.fromkeys([*before, *after]))
    session.add(
        MedicationChange(
            medication_id=obj.id,
            patient_id=obj.patient_id,
            actor_id=actor.user_id,
            actor_name=actor.display,
            action=action.value,
            changed_fields=", ".join(names)[:300],
            before=json.dumps(before),
            after=json.dumps(after),
            reason=reason,
            reconciliation_id=reconciliation_id,
        )
    )
    detail = {
        ChangeAction.ADDED: "added medicine",
        ChangeAction.CHANGED: "changed: " + ", ".join(names),
        ChangeAction.STOPPED: "stopped medicine",
        ChangeAction.RESTARTED: "restarted medicine",
    }[action]
    if reconciliation_id is not None:
        detail += f" (reconciliation {reconciliation_id})"
    audit.record(
        session,
        actor,
        AuditAction.CREATE if action is ChangeAction.ADDED else AuditAction.UPDATE,
        patient_id=obj.patient_id,
        record_type=RECORD_TYPE,
        record_id=obj.id,
        detail=detail,
    )


def target(medication_id: int) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE, medication_id, "this medicine",
        # The medicine forms have no Reload: opening the form again is theirs.
        advice="Cancel and open the form again to see their change; what you typed stays on "
        "screen until then.",
    )  # fmt: skip


def _medicine(session: Session, actor: Actor, medication_id: int) -> Medication:
    obj = session.get(Medication, medication_id)
    if obj is None:
        raise conflicts.removed_error(session, actor, target(medication_id))
    return obj


def _reason(reason: str | None) -> str | None:
    return clean_text(reason, "reason", 500, "reason")


def _json(value):
    return value.isoformat() if isinstance(value, date) else value
