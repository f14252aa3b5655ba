"""A session's stored lines through the pure reconciliation engine (knowledge/reconcile) and
back: the rows (med_rec_item) rebuilt, decisions kept on rows whose lines are unchanged, and
the session read as a ReconciliationView for the screens, documents and CLI."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, select

from carecoord_desktop.knowledge.base import knowledge_base
from carecoord_desktop.knowledge.reconcile import STATUS_TEXT, SourceLine, Status, reconcile
from carecoord_desktop.models.medication import (
    MedRecItem,
    MedRecLine,
    MedReconciliation,
    MedRecSource,
)
from carecoord_desktop.models.patient import HospitalEvent, HospitalEventKind
from carecoord_desktop.services.medications.reading import (
    recognition_of,
    split_ingredients,
    split_times,
)
from carecoord_desktop.services.medications.types import (
    STATE_TEXT,
    FlagView,
    RecItemView,
    RecLineView,
    ReconciliationView,
    RecSourceView,
    Transition,
)
from carecoord_desktop.services.patients.rules import aware

_LISTS = ("current", "new", "reported")


def lines_of(session: Session, rec_id: int) -> list[MedRecLine]:
    return list(
        session.exec(
            select(MedRecLine)
            .where(MedRecLine.reconciliation_id == rec_id)
            .order_by(MedRecLine.source_id, MedRecLine.position, MedRecLine.id)
        )
    )


def sources_of(session: Session, rec_id: int) -> list[MedRecSource]:
    return list(
        session.exec(
            select(MedRecSource)
            .where(MedRecSource.reconciliation_id == rec_id)
            .order_by(MedRecSource.id)
        )
    )


def items_of(session: Session, rec_id: int) -> list[MedRecItem]:
    return list(
        session.exec(
            select(MedRecItem)
            .where(MedRecItem.reconciliation_id == rec_id)
            .order_by(MedRecItem.position, MedRecItem.id)
        )
    )


def rematch(session: Session, rec: MedReconciliation) -> None:
    """Run the engine over the session's lines and store its rows (in the caller's
    transaction). Manual matches naming a line that is gone are dropped."""
    assert rec.id is not None
    sources = {s.id: s for s in sources_of(session, rec.id)}
    lines = lines_of(session, rec.id)
    by_list: dict[str, list[SourceLine]] = {name: [] for name in _LISTS}
    for line in lines:
        by_list[sources[line.source_id].kind].append(
            SourceLine(
                key=str(line.id),
                text=line.written,
                recognition=recognition_of(
                    line.written, split_ingredients(line.ingredients), line.recognised_as
                ),
                stopped=line.stopped,
                reason=line.reason or "",
            )
        )
    known = {str(x.id) for x in lines}
    pairs = [p for p in json.loads(rec.manual_pairs) if all(str(k) in known for k in p)]
    apart = [k for k in json.loads(rec.kept_apart) if str(k) in known]
    rec.manual_pairs, rec.kept_apart = json.dumps(pairs), json.dumps(apart)
    result = reconcile(
        by_list["current"],
        by_list["new"],
        by_list["reported"],
        pairs=[[str(k) for k in p] for p in pairs],
        apart=[str(k) for k in apart],
    )
    old = {_key(i): i for i in items_of(session, rec.id)}
    flags_by_row: dict[int, list[dict]] = {}
    for flag in result.flags:
        for row in flag.rows:
            flags_by_row.setdefault(row, []).append(
                {
                    "kind": flag.kind,
                    "text": flag.text,
                    "severity": flag.severity,
                    "advice": flag.advice,
                    "source": flag.source,
                    "rows": list(flag.rows),
                }
            )
    keep: set[int] = set()
    for position, row in enumerate(result.rows):
        ids = tuple(
            int(x.key) if x is not None else None for x in (row.current, row.new, row.reported)
        )
        item = old.get(ids)
        if item is None:
            item = MedRecItem(reconciliation_id=rec.id, status=row.status.value)
            item.current_line_id, item.new_line_id, item.reported_line_id = ids
        values = {
            "position": position,
            "status": row.status.value,
            "matched_by": row.matched_by,
            "changes": ", ".join(row.changes),
            "note": row.note[:500],
            "flags": json.dumps(flags_by_row.get(position, [])),
        }
        if any(getattr(item, k) != v for k, v in values.items()) or item.id is None:
            for k, v in values.items():
                setattr(item, k, v)
            session.add(item)
        session.flush()
        keep.add(item.id)  # type: ignore[arg-type]
    for item in old.values():
        if item.id not in keep:
            session.delete(item)
    rec.kb_version = knowledge_base().version
    session.flush()


def _key(item: MedRecItem) -> tuple:
    return (item.current_line_id, item.new_line_id, item.reported_line_id)


# -- reading a session -----------------------------------------------------------------------
def transition_of(event: HospitalEvent | None) -> Transition | None:
    if event is None:
        return None
    kind = "Admission" if event.kind == HospitalEventKind.ADMISSION else "ED visit"
    return Transition(kind, event.start_date, event.end_date, event.facility)


def transition_text(event: HospitalEvent | None) -> str:
    if event is None:
        return ""
    kind = "Admission" if event.kind == HospitalEventKind.ADMISSION else "ED visit"
    when = f"{event.start_date:%d %b %Y}"
    if event.end_date and event.end_date != event.start_date:
        when = f"{event.start_date:%d %b} – {event.end_date:%d %b %Y}"
    return f"{kind} {when}" + (f", {event.facility}" if event.facility else "")


def view(session: Session, rec: MedReconciliation) -> ReconciliationView:
    assert rec.id is not None
    sources = sources_of(session, rec.id)
    kinds = {s.id: s.kind for s in sources}
    lines = lines_of(session, rec.id)
    line_views = {x.id: _line_view(x, kinds[x.source_id]) for x in lines}
    counts: dict[int, int] = {}
    for x in lines:
        counts[x.source_id] = counts.get(x.source_id, 0) + 1
    items = items_of(session, rec.id)
    id_at = {i.position: i.id for i in items}
    item_views: list[RecItemView] = []
    all_flags: dict[tuple, FlagView] = {}
    for item in items:
        flags = []
        for f in json.loads(item.flags):
            fv = FlagView(
                f["kind"],
                f["text"],
                f["severity"],
                f["advice"],
                f["source"],
                item_ids=tuple(id_at[r] for r in f["rows"] if r in id_at),
            )
            flags.append(fv)
            all_flags.setdefault((fv.kind, fv.text, fv.item_ids), fv)
        item_views.append(
            RecItemView(
                id=item.id or 0,
                position=item.position,
                current=line_views.get(item.current_line_id),  # type: ignore[arg-type]
                new=line_views.get(item.new_line_id),  # type: ignore[arg-type]
                reported=line_views.get(item.reported_line_id),  # type: ignore[arg-type]
                status=item.status,
                status_text=STATUS_TEXT.get(Status(item.status), item.status),
                matched_by=item.matched_by,
                changes=tuple(c for c in item.changes.split(", ") if c),
                note=item.note,
                flags=tuple(flags),
                decision=item.decision,
                reason=item.reason,
                decided_by_name=item.decided_by_name,
                decided_at=aware(item.decided_at),
                version=item.version,
            )
        )
    event = session.get(HospitalEvent, rec.hospital_event_id) if rec.hospital_event_id else None
    return ReconciliationView(
        id=rec.id,
        patient_id=rec.patient_id,
        state=rec.state,
        state_text=STATE_TEXT.get(rec.state, rec.state),  # type: ignore[call-overload]
        hospital_event_id=rec.hospital_event_id,
        transition=transition_text(event),
        transition_of=transition_of(event),
        started_at=_at(rec.started_at),
        started_by_name=rec.started_by_name,
        submitted_at=aware(rec.submitted_at),
        submitted_by_name=rec.submitted_by_name,
        signed_at=aware(rec.signed_at),
        signed_by_name=rec.signed_by_name,
        signoff_note=rec.signoff_note,
        abandoned_reason=rec.abandoned_reason,
        sources=[
            RecSourceView(
                s.id or 0, s.kind, s.entered, s.label, s.received_on, counts.get(s.id or 0, 0)
            )
            for s in sources
        ],
        items=item_views,
        flags=_ordered(all_flags.values()),
        undecided=sum(1 for i in items if not i.decision),
        kb_version=rec.kb_version or knowledge_base().version,
        version=rec.version,
        summary=json.loads(rec.summary) if rec.summary else [],
    )


_FLAG_ORDER = {
    "interaction": 0,
    "ingredient_duplicate": 1,
    "class_duplicate": 2,
    "omitted": 3,
    "dose_changed": 4,
    "frequency_changed": 5,
    "unrecognised": 6,
    "reported_differs": 7,
}
_SEVERITY = {"contraindicated": 0, "major": 1, "moderate": 2, "minor": 3, "": 4}


def _ordered(flags) -> list[FlagView]:
    return sorted(flags, key=lambda f: (_FLAG_ORDER.get(f.kind, 9), _SEVERITY.get(f.severity, 5)))


def _at(value: datetime) -> datetime:
    return aware(value) or value


def _line_view(x: MedRecLine, kind: str) -> RecLineView:
    return RecLineView(
        id=x.id or 0,
        source_id=x.source_id,
        source_kind=kind,
        position=x.position,
        written=x.written,
        name=x.name,
        strength=x.strength,
        dose=x.dose,
        route=x.route,
        frequency=x.frequency,
        times_of_day=split_times(x.times_of_day),
        instructions=x.instructions,
        unparsed=x.unparsed,
        ingredients=split_ingredients(x.ingredients),
        recognised_as=x.recognised_as,
        stopped=x.stopped,
        reason=x.reason,
        indication=x.indication,
        prescriber=x.prescriber,
        started=x.started,
        medication_id=x.medication_id,
    )
