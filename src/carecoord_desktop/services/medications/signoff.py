"""Signing off a reconciliation: the decided rows become the patient's current list in ONE
transaction, with a "what changed and why" record, the sign-off (who, when) and the date of
reconciliation on the hospital stay it belongs to. Anything failing half-way rolls it all back:
the old list stays exactly as it was.

Who signs: a GP; a nurse too where the practice allows it (practice setting
`nurses_sign_reconciliation`). Both need RECONCILE_MEDICATIONS; a care coordinator prepares a
session but cannot sign it, reception cannot see it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError
from carecoord_desktop.models.medication import (
    Decision,
    MedicineStatus,
    MedRecItem,
    MedRecLine,
    RecState,
)
from carecoord_desktop.models.patient import HospitalEvent, Medication
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import conflicts
from carecoord_desktop.services import settings as practice_settings
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications import matching, medicines, sessions, task_events
from carecoord_desktop.services.medications.types import DECISION_TEXT, ReconciliationView
from carecoord_desktop.services.patients.rules import clean_text
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

SIGN_ACTION = "sign off a medication reconciliation"


def may_sign(ws: Workspace, actor: Actor) -> bool:
    """Whether this user may sign off (for a screen to show or hide the button)."""
    try:
        _require_signer(ws, actor)
    except PermissionDeniedError:
        return False
    return True


def _require_signer(ws: Workspace, actor: Actor) -> None:
    require(actor, Permission.RECONCILE_MEDICATIONS)
    role = actor.current_role() if actor.current_role is not None else actor.role
    if role is Role.GP:
        return
    if role is Role.NURSE and practice_settings.load(ws).nurses_sign_reconciliation:
        return
    raise PermissionDeniedError(
        role.label,
        SIGN_ACTION
        + (
            " (this practice has GPs sign off; an administrator can let nurses sign in the "
            "practice settings)"
            if role is Role.NURSE
            else ""
        ),
    )


def sign_off(
    ws: Workspace, actor: Actor, rec_id: int, *, version: int | None, note: str | None = None
) -> Changed[ReconciliationView]:
    _require_signer(ws, actor)
    why = clean_text(note, "note", 500, "sign-off note")
    states = (RecState.OPEN.value, RecState.AWAITING_SIGNOFF.value)
    with sessions._editing(ws, actor, rec_id, version, states=states) as (session, rec):
        sessions.require_all_decided(session, rec_id)
        items = matching.items_of(session, rec_id)
        lines = {x.id: x for x in matching.lines_of(session, rec_id)}
        _check_current_list(ws, session, actor, rec.patient_id, lines)
        summary = [_apply(session, actor, rec.id, rec.patient_id, i, lines) for i in items]  # type: ignore[arg-type]
        now = datetime.now(UTC)
        rec.state = RecState.SIGNED.value
        rec.signed_at, rec.signed_by_id, rec.signed_by_name = now, actor.user_id, actor.display
        rec.signoff_note = why
        rec.summary = json.dumps(summary)
        changes = Changes.patient(rec.patient_id, Kind.MEDICINES, Kind.MED_RECONCILIATION)
        if rec.hospital_event_id is not None:
            event = session.get(HospitalEvent, rec.hospital_event_id)
            if event is not None:
                event.medicines_reconciled_on = now.astimezone().date()
                session.add(event)
                changes = changes | Changes.patient(rec.patient_id, Kind.HOSPITAL)
        task_events.reconciled(session, actor, rec)
        changes = changes | Changes.patient(rec.patient_id, Kind.TASKS)
        counts = _counts(summary)
        out = sessions._saved(ws, session, actor, rec, f"signed off: {counts}")
        return Changed(out.value, changes)


def _check_current_list(ws, session: Session, actor: Actor, patient_id: int, lines) -> None:
    """Refuse when the current list changed since the session read it: signing would undo or
    ignore that change. Re-matching takes the list as it is now."""
    seen = {x.medication_id: x.medication_version for x in lines.values() if x.medication_id}
    active = session.exec(
        select(Medication).where(
            Medication.patient_id == patient_id, Medication.status == MedicineStatus.ACTIVE.value
        )
    ).all()
    now = {m.id: m.version for m in active}
    if now != seen:
        differ = (set(now) ^ set(seen)) | {k for k in now if k in seen and now[k] != seen[k]}
        changed = min(differ)
        base = conflicts.stale_error(session, actor, medicines.target(changed))
        raise StaleEditError(
            "The patient's medicine list changed after this reconciliation read it ("
            + str(base).split(" after you opened")[0]
            + "). Nothing was signed. Choose Match again to bring the list up to date, check "
            "the decisions, then sign off.",
            record_type="medication",
            record_id=changed,
            changed_by=base.changed_by,
        )


def _apply(
    session: Session, actor: Actor, rec_id: int, patient_id: int, item: MedRecItem, lines
) -> dict:
    """One decided row onto the list; returns its line of "what changed and why"."""
    cur = lines.get(item.current_line_id)
    other = lines.get(item.new_line_id) or lines.get(item.reported_line_id)
    decision = Decision(item.decision)
    reason = item.reason
    entry = {
        "decision": decision.value,
        "decision_text": DECISION_TEXT[decision],
        "status": item.status,
        "before": cur.written if cur else None,
        "after": None,
        "reason": reason,
        "decided_by": item.decided_by_name,
        "medication_id": cur.medication_id if cur else None,
        "flags": [f["text"] for f in json.loads(item.flags)],
    }
    med = session.get(Medication, cur.medication_id) if cur and cur.medication_id else None
    if decision is Decision.CONTINUE:
        if med is not None:
            entry["after"] = med.written or cur.written  # type: ignore[union-attr]
        else:  # the patient takes it, no list has it: continuing puts it on the list
            assert other is not None
            med = medicines.add_row(
                session, actor, patient_id, _values(other), reason=reason, reconciliation_id=rec_id
            )
            entry["after"], entry["medication_id"] = other.written, med.id
    elif decision is Decision.STOP:
        if med is not None:
            medicines.stop_row(
                session, actor, med, reason or "stopped at reconciliation", reconciliation_id=rec_id
            )
    elif decision is Decision.CHANGE:
        assert med is not None and other is not None
        medicines.change_row(
            session, actor, med, _values(other), reason=reason, reconciliation_id=rec_id
        )
        entry["after"] = other.written
    elif decision is Decision.NEW:
        assert other is not None
        med = medicines.add_row(
            session, actor, patient_id, _values(other), reason=reason, reconciliation_id=rec_id
        )
        entry["after"], entry["medication_id"] = other.written, med.id
    else:  # clarify: nothing changes until the prescriber answers
        entry["after"] = cur.written if cur else None
    return entry


def _values(line: MedRecLine) -> dict:
    return {
        "written": line.written,
        "name": line.name or line.written[:200],
        "strength": line.strength,
        "dose": line.dose,
        "route": line.route,
        "frequency": line.frequency,
        "times_of_day": line.times_of_day,
        "ingredients": line.ingredients or None,
        "recognised_as": line.recognised_as or None,
        "indication": line.indication,
        "prescriber": line.prescriber,
        "started": line.started or date.today(),
        "source": "reconciliation",
    }


def _counts(summary: list[dict]) -> str:
    tally: dict[str, int] = {}
    for e in summary:
        tally[e["decision"]] = tally.get(e["decision"], 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(tally.items())) or "no rows"
