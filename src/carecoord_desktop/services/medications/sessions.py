"""Reconciliation sessions: start one from the current list and a new list (typed, pasted or a
FHIR file) and optionally what the patient reports, match, override a match, decide each row,
submit for sign-off, abandon. Sign-off itself is services/medications/signoff.py.

Every write takes the session's `version` (ReconciliationView.version) and bumps it: a decision
made on a session someone else changed meanwhile is refused (StaleEditError, saying who), never
silently mixed with theirs. Preparing a session needs EDIT_CARE_PLANS (GP, nurse, coordinator);
reception sees neither sessions nor decisions. Audit rows carry ids and counts only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from carecoord_desktop.documents.med_page import day
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.medication import (
    Decision,
    MedRecItem,
    MedRecLine,
    MedReconciliation,
    MedRecSource,
    RecState,
    SourceKind,
)
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.medications import matching, task_events
from carecoord_desktop.services.medications.reading import fhir_file_people
from carecoord_desktop.services.medications.sources import add_current as _add_current
from carecoord_desktop.services.medications.sources import add_source as _add_source
from carecoord_desktop.services.medications.sources import read_sources as _read_sources
from carecoord_desktop.services.medications.sources import refresh_current
from carecoord_desktop.services.medications.types import (
    SOURCE_TEXT,
    STATE_TEXT,
    AwaitingSignoff,
    ReconciliationSummary,
    ReconciliationView,
    SourceInput,
)
from carecoord_desktop.services.patients.rules import aware, clean_text, editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "med_reconciliation"
RECENT_DISCHARGE_DAYS = 90  # a transition this recent, not yet reconciled, is linked by default
_LIVE = (RecState.OPEN.value, RecState.AWAITING_SIGNOFF.value)
_NEED_A_LIST = (
    "Add the list to compare with the current one: the new orders (a discharge list, typed, "
    "pasted or from a FHIR file) or what the patient reports taking."
)


def _changes(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.MED_RECONCILIATION)


# -- reading ---------------------------------------------------------------------------------
def get_reconciliation(ws: Workspace, actor: Actor, rec_id: int) -> ReconciliationView:
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        rec = _rec(session, actor, rec_id)
        out = matching.view(session, rec)
        _audit(session, actor, AuditAction.VIEW, rec, "opened reconciliation")
        session.commit()
    return out


def reread_reconciliation(ws: Workspace, actor: Actor, rec_id: int) -> ReconciliationView:
    """The session again for a screen that shows it already (after a change notice)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        return matching.view(session, _rec(session, actor, rec_id))


def list_reconciliations(
    ws: Workspace, actor: Actor, patient_id: int
) -> list[ReconciliationSummary]:
    """The patient's sessions, newest first."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        found = session.exec(
            select(MedReconciliation)
            .where(MedReconciliation.patient_id == patient_id)
            .order_by(col(MedReconciliation.id).desc())
        )
        out = []
        for rec in found:
            event = (
                session.get(HospitalEvent, rec.hospital_event_id) if rec.hospital_event_id else None
            )
            out.append(
                ReconciliationSummary(
                    rec.id or 0,
                    rec.patient_id,
                    rec.state,
                    STATE_TEXT.get(rec.state, rec.state),  # type: ignore[call-overload]
                    matching.transition_text(event),
                    aware(rec.started_at) or rec.started_at,
                    rec.started_by_name,
                    aware(rec.signed_at),
                    rec.signed_by_name,
                )
            )
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            detail="listed reconciliations",
        )
        session.commit()
    return out


def awaiting_signoff(session: Session) -> list[AwaitingSignoff]:
    """Sessions waiting for a GP's sign-off, oldest first: (patient_id, session_id, since),
    for the task board (which checks its own permissions and audits its own reads)."""
    found = session.exec(
        select(MedReconciliation.patient_id, MedReconciliation.id, MedReconciliation.submitted_at)
        .where(MedReconciliation.state == RecState.AWAITING_SIGNOFF.value)
        .order_by(col(MedReconciliation.submitted_at), col(MedReconciliation.id))
    )
    return [AwaitingSignoff(pid, rid, aware(since) or since) for pid, rid, since in found]


def recent_transition(ws: Workspace, actor: Actor, patient_id: int) -> int | None:
    """The admission a new session most likely belongs to: the latest discharge within
    RECENT_DISCHARGE_DAYS whose medicines are not reconciled yet."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.session() as session:
        return _recent_transition(session, patient_id)


def _recent_transition(session: Session, patient_id: int) -> int | None:
    since = date.today() - timedelta(days=RECENT_DISCHARGE_DAYS)
    event = session.exec(
        select(HospitalEvent)
        .where(
            HospitalEvent.patient_id == patient_id,
            HospitalEvent.kind == HospitalEventKind.ADMISSION,
            col(HospitalEvent.end_date) >= since,
            col(HospitalEvent.medicines_reconciled_on).is_(None),
        )
        .order_by(col(HospitalEvent.end_date).desc())
    ).first()
    return event.id if event else None


# -- starting and sources --------------------------------------------------------------------
def start_reconciliation(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    sources: Sequence[SourceInput] = (),
    *,
    hospital_event_id: int | None = None,
    link_recent_discharge: bool = True,
) -> Changed[ReconciliationView]:
    """A new session: the patient's current list plus the given lists (new orders, patient
    report), matched. Lists are read before anything is written: a bad list writes nothing."""
    require(actor, Permission.EDIT_CARE_PLANS)
    read = _read_sources(sources)
    if not read:
        raise ValidationError(_NEED_A_LIST)
    with ws.write_session() as session:
        _same_person(editable_patient(session, patient_id), sources)
        live = session.exec(
            select(MedReconciliation).where(
                MedReconciliation.patient_id == patient_id, col(MedReconciliation.state).in_(_LIVE)
            )
        ).first()
        if live is not None:
            raise ValidationError(
                f"This patient already has a reconciliation in progress (started by "
                f"{live.started_by_name} on {live.started_at:%d/%m/%Y}). Continue it, or "
                "abandon it first."
            )
        if hospital_event_id is not None:
            event = session.get(HospitalEvent, hospital_event_id)
            if event is None or event.patient_id != patient_id:
                raise ValidationError(
                    "That hospital stay is not on this patient's record.", field="hospital_event_id"
                )
        elif link_recent_discharge:
            hospital_event_id = _recent_transition(session, patient_id)
        rec = MedReconciliation(
            patient_id=patient_id,
            hospital_event_id=hospital_event_id,
            started_by_id=actor.user_id,
            started_by_name=actor.display,
        )
        session.add(rec)
        session.flush()
        _add_current(session, rec)
        for given, lines in read:
            _add_source(session, rec, given, lines)
        matching.rematch(session, rec)
        n_lines = len(matching.lines_of(session, rec.id))  # type: ignore[arg-type]
        _audit(
            session,
            actor,
            AuditAction.CREATE,
            rec,
            f"started reconciliation: {1 + len(read)} lists, {n_lines} lines",
        )
        session.commit()
        return Changed(matching.view(session, rec), _changes(patient_id))


def add_source(
    ws: Workspace, actor: Actor, rec_id: int, source: SourceInput, *, version: int | None
) -> Changed[ReconciliationView]:
    """Add the new orders or the patient's report to an open session (one list of each)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    [(given, lines)] = _read_sources([source])
    with _editing(ws, actor, rec_id, version) as (session, rec):
        _same_person(editable_patient(session, rec.patient_id), [source])
        if any(s.kind == given.kind for s in matching.sources_of(session, rec_id)):
            raise ValidationError(
                f"This session has a {SOURCE_TEXT[SourceKind(given.kind)].lower()} list "
                "already: remove it first to replace it."
            )
        _add_source(session, rec, given, lines)
        matching.rematch(session, rec)
        return _saved(ws, session, actor, rec, f"added a list: {len(lines)} lines")


def remove_source(
    ws: Workspace, actor: Actor, rec_id: int, source_id: int, *, version: int | None
) -> Changed[ReconciliationView]:
    require(actor, Permission.EDIT_CARE_PLANS)
    with _editing(ws, actor, rec_id, version) as (session, rec):
        source = session.get(MedRecSource, source_id)
        if source is None or source.reconciliation_id != rec_id:
            raise ValidationError("That list is not part of this reconciliation.")
        if source.kind == SourceKind.CURRENT.value:
            raise ValidationError("The current list is the patient's own: it cannot be removed.")
        if len(matching.sources_of(session, rec_id)) <= 2:
            raise ValidationError(
                "A reconciliation compares the current list with at least one other: add the "
                "replacement list before removing this one, or abandon the reconciliation."
            )
        for line in session.exec(select(MedRecLine).where(MedRecLine.source_id == source_id)):
            session.delete(line)
        session.flush()
        session.delete(source)
        matching.rematch(session, rec)
        return _saved(ws, session, actor, rec, f"removed list {source_id}")


def rematch(
    ws: Workspace, actor: Actor, rec_id: int, *, version: int | None
) -> Changed[ReconciliationView]:
    """Match again, with the current list as it stands now (someone may have changed it since
    the session started). Manual matches are kept; rows whose lines changed lose their
    decision."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with _editing(ws, actor, rec_id, version) as (session, rec):
        refreshed = refresh_current(session, rec)
        matching.rematch(session, rec)
        return _saved(ws, session, actor, rec, f"matched again ({refreshed} current lines updated)")


def match_lines(
    ws: Workspace, actor: Actor, rec_id: int, line_ids: Sequence[int], *, version: int | None
) -> Changed[ReconciliationView]:
    """Override the matching: these lines (at most one from each list) are one medicine."""
    require(actor, Permission.EDIT_CARE_PLANS)
    ids = list(dict.fromkeys(line_ids))
    if len(ids) < 2:
        raise ValidationError("Choose two or three lines, from different lists, to match.")
    with _editing(ws, actor, rec_id, version) as (session, rec):
        kinds = _line_kinds(session, rec_id, ids)
        if len(set(kinds)) != len(kinds):
            raise ValidationError("Choose at most one line from each list to match.")
        pairs = [p for p in json.loads(rec.manual_pairs) if not set(p) & set(ids)]
        rec.manual_pairs = json.dumps([*pairs, ids])
        rec.kept_apart = json.dumps([k for k in json.loads(rec.kept_apart) if k not in ids])
        matching.rematch(session, rec)
        return _saved(ws, session, actor, rec, f"matched lines {', '.join(map(str, ids))} by hand")


def separate_line(
    ws: Workspace, actor: Actor, rec_id: int, line_id: int, *, version: int | None
) -> Changed[ReconciliationView]:
    """Override the matching: this line is a medicine of its own (never matched automatically)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with _editing(ws, actor, rec_id, version) as (session, rec):
        _line_kinds(session, rec_id, [line_id])
        rec.manual_pairs = json.dumps([p for p in json.loads(rec.manual_pairs) if line_id not in p])
        rec.kept_apart = json.dumps(sorted({*json.loads(rec.kept_apart), line_id}))
        matching.rematch(session, rec)
        return _saved(ws, session, actor, rec, f"separated line {line_id}")


# -- deciding --------------------------------------------------------------------------------
_NEEDS_REASON = {Decision.STOP, Decision.CHANGE, Decision.CLARIFY}


def decide(
    ws: Workspace,
    actor: Actor,
    rec_id: int,
    item_id: int,
    decision: Decision | str | None,
    *,
    reason: str | None = None,
    version: int | None,
) -> Changed[ReconciliationView]:
    """Record the decision on one row (None clears it). Stop, change and clarify need a reason,
    and so does any decision on a medicine omitted from the new list without one."""
    require(actor, Permission.EDIT_CARE_PLANS)
    why = clean_text(reason, "reason", 500, "reason")
    chosen = _decision(decision)
    with _editing(ws, actor, rec_id, version) as (session, rec):
        item = session.get(MedRecItem, item_id)
        if item is None or item.reconciliation_id != rec_id:
            raise ValidationError(
                "That row is no longer in this reconciliation (it was matched again): reload."
            )
        if chosen is not None:
            _check_decision(item, chosen, why)
        item.decision = chosen.value if chosen else None
        item.reason = why
        item.decided_by_id = actor.user_id if chosen else None
        item.decided_by_name = actor.display if chosen else None
        item.decided_at = datetime.now(UTC) if chosen else None
        session.add(item)
        return _saved(ws, session, actor, rec, f"decided row {item_id}")


def _decision(value: Decision | str | None) -> Decision | None:
    if value is None or value == "":
        return None
    try:
        return Decision(value)
    except ValueError:
        raise ValidationError(
            "Choose continue, stop, change, new or clarify with the prescriber.", field="decision"
        ) from None


def _check_decision(item: MedRecItem, chosen: Decision, why: str | None) -> None:
    has_current = item.current_line_id is not None
    has_other = item.new_line_id is not None or item.reported_line_id is not None
    if chosen is Decision.NEW and has_current:
        raise ValidationError(
            "This medicine is on the current list already: choose Continue or Change.",
            field="decision",
        )
    if chosen is Decision.NEW and not has_other:
        raise ValidationError("There is nothing new to start on this row.", field="decision")
    if chosen is Decision.CHANGE and not (has_current and has_other):
        raise ValidationError(
            "Change needs the current medicine and the new details side by side on one row; "
            "match the lines first, or choose Start (new).",
            field="decision",
        )
    if chosen is Decision.CONTINUE and not has_current and item.reported_line_id is None:
        raise ValidationError(
            "This medicine is not on the current list: choose Start (new) to add it.",
            field="decision",
        )
    if not why and (chosen in _NEEDS_REASON or item.status == "omitted"):
        raise ValidationError("Give a reason for this decision.", field="reason")


def submit_for_signoff(
    ws: Workspace, actor: Actor, rec_id: int, *, version: int | None
) -> Changed[ReconciliationView]:
    require(actor, Permission.EDIT_CARE_PLANS)
    with _editing(ws, actor, rec_id, version) as (session, rec):
        require_all_decided(session, rec_id)
        rec.state = RecState.AWAITING_SIGNOFF.value
        rec.submitted_at = datetime.now(UTC)
        rec.submitted_by_name = actor.display
        task_events.waiting_for_signoff(session, actor, rec)
        return _with_tasks(_saved(ws, session, actor, rec, "submitted for sign-off"))


def reopen(
    ws: Workspace, actor: Actor, rec_id: int, *, version: int | None
) -> Changed[ReconciliationView]:
    """Take a session back from sign-off to change a decision."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with _editing(ws, actor, rec_id, version, states=(RecState.AWAITING_SIGNOFF.value,)) as (
        session,
        rec,
    ):
        rec.state = RecState.OPEN.value
        rec.submitted_at, rec.submitted_by_name = None, None
        task_events.no_longer_waiting(session, actor, rec, "it was reopened for changes")
        return _with_tasks(_saved(ws, session, actor, rec, "reopened for changes"))


def abandon(
    ws: Workspace, actor: Actor, rec_id: int, *, reason: str, version: int | None
) -> Changed[ReconciliationView]:
    """Close a session without changing the list (kept, with the reason)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    why = clean_text(reason, "reason", 500, "reason", required=True)
    with _editing(ws, actor, rec_id, version, states=_LIVE) as (session, rec):
        rec.state = RecState.ABANDONED.value
        rec.abandoned_at, rec.abandoned_reason = datetime.now(UTC), why
        task_events.no_longer_waiting(session, actor, rec, "the reconciliation was abandoned")
        return _with_tasks(_saved(ws, session, actor, rec, "abandoned"))


def _same_person(patient, sources: Sequence[SourceInput]) -> None:
    """Refuse a FHIR file whose Patient was born on another day than this patient."""
    for given in sources:
        people = fhir_file_people(given.fhir) if given.fhir else []
        if people and patient.date_of_birth not in {born for _, born in people}:
            # Say whom the file is about, by name and birth date, beside this patient's.
            about = "; ".join(f"{name or 'someone'}, born {day(born)}" for name, born in people)
            raise ValidationError(
                f"Not added: this FHIR file is about {about}. This patient, "
                f"{patient.given_name} {patient.family_name}, was born "
                f"{day(patient.date_of_birth)}. Check that it is the right patient's file."
            )


def require_all_decided(session: Session, rec_id: int) -> None:
    undecided = [i for i in matching.items_of(session, rec_id) if not i.decision]
    if undecided:
        n = len(undecided)
        raise ValidationError(
            f"{n} medicine{'s' if n != 1 else ''} still need{'' if n != 1 else 's'} a decision "
            "(continue, stop, change, new or clarify)."
        )


# -- internals -------------------------------------------------------------------------------
def target(rec_id: int) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE,
        rec_id,
        "this reconciliation",
        advice="Reload to see their changes, then make yours again.",
    )


def _rec(session: Session, actor: Actor, rec_id: int) -> MedReconciliation:
    rec = session.get(MedReconciliation, rec_id)
    if rec is None:
        raise ValidationError("That reconciliation is not in this workspace.")
    return rec


class _editing:
    """A write to a session: the write lock, the version compared, the state checked."""

    def __init__(self, ws, actor, rec_id, version, states=(RecState.OPEN.value,)):
        self.ws, self.actor, self.rec_id, self.version, self.states = (
            ws,
            actor,
            rec_id,
            version,
            states,
        )

    def __enter__(self):
        self._cm = self.ws.write_session()
        session = self._cm.__enter__()
        try:
            rec = _rec(session, self.actor, self.rec_id)
            conflicts.check(session, self.actor, target(self.rec_id), rec.version, self.version)
            if rec.state not in self.states:
                raise ValidationError(
                    f"This reconciliation is {STATE_TEXT[RecState(rec.state)].lower()}: "
                    + (
                        "reopen it to change it."
                        if rec.state == RecState.AWAITING_SIGNOFF
                        else "it cannot be changed any more."
                    )
                )
            editable_patient(session, rec.patient_id)
        except BaseException:
            self._cm.__exit__(None, None, None)
            raise
        return session, rec

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def _saved(ws, session: Session, actor: Actor, rec: MedReconciliation, detail: str):
    rec.updated_at = datetime.now(UTC)  # every write moves the session's version on
    session.add(rec)
    with conflicts.refused_if_stale(ws, actor, target(rec.id or 0)):
        session.flush()
    _audit(session, actor, AuditAction.UPDATE, rec, detail)
    session.commit()
    return Changed(matching.view(session, rec), _changes(rec.patient_id))


def _with_tasks(out: Changed[ReconciliationView]) -> Changed[ReconciliationView]:
    """The notice of a write that opened or closed a task on the board too."""
    return Changed(out.value, out.changes | Changes.patient(out.value.patient_id, Kind.TASKS))


def _audit(session: Session, actor: Actor, action: AuditAction, rec, detail: str) -> None:
    audit.record(
        session,
        actor,
        action,
        patient_id=rec.patient_id,
        record_type=RECORD_TYPE,
        record_id=rec.id,
        detail=detail,
    )


def _line_kinds(session: Session, rec_id: int, ids: list[int]) -> list[str]:
    kinds = []
    for line_id in ids:
        line = session.get(MedRecLine, line_id)
        if line is None or line.reconciliation_id != rec_id:
            raise ValidationError("That line is not part of this reconciliation: reload.")
        source = session.get(MedRecSource, line.source_id)
        assert source is not None
        kinds.append(source.kind)
    return kinds
