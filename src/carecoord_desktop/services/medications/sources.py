"""The lists of a reconciliation session: the patient's current list copied in (each line
remembering the medicine and its version, so sign-off can tell the list changed meanwhile), and
new orders or the patient's report read from text or a FHIR file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.medication import (
    MedicineStatus,
    MedRecLine,
    MedReconciliation,
    MedRecSource,
    SourceEntry,
    SourceKind,
)
from carecoord_desktop.models.patient import Medication
from carecoord_desktop.services.medications.medicines import to_row
from carecoord_desktop.services.medications.reading import ReadLine, read_fhir, read_text
from carecoord_desktop.services.medications.types import SOURCE_TEXT, SourceInput
from carecoord_desktop.services.patients.rules import clean_text


def read_sources(sources: Sequence[SourceInput]) -> list[tuple[SourceInput, list[ReadLine]]]:
    out = []
    seen: set[str] = set()
    for given in sources:
        try:
            kind = SourceKind(given.kind)
        except ValueError:
            raise ValidationError("A list is new orders or the patient's report.") from None
        if kind is SourceKind.CURRENT:
            raise ValidationError(
                "The current list comes from the patient's record: change it there."
            )
        if kind in seen:
            raise ValidationError(f"Give one {SOURCE_TEXT[kind].lower()} list, not two.")
        seen.add(kind)
        label = clean_text(given.label, "label", 120, "list's name")
        if (given.text is None) == (given.fhir is None):
            raise ValidationError("Give the list as text or as a FHIR file (one of them).")
        lines = read_text(given.text) if given.text is not None else read_fhir(given.fhir or b"")
        out.append(
            (
                SourceInput(
                    kind, label or SOURCE_TEXT[kind], given.text, given.fhir, given.received_on
                ),
                lines,
            )
        )
    return out


def add_source(session: Session, rec: MedReconciliation, given: SourceInput, lines) -> None:
    entered = SourceEntry.TYPED if given.text is not None else SourceEntry.FHIR
    source = MedRecSource(
        reconciliation_id=rec.id,
        kind=SourceKind(given.kind).value,
        entered=entered.value,
        label=given.label or SOURCE_TEXT[SourceKind(given.kind)],
        received_on=given.received_on,
    )
    session.add(source)
    session.flush()
    for position, line in enumerate(lines):
        session.add(
            MedRecLine(
                reconciliation_id=rec.id,
                source_id=source.id,
                position=position,
                stopped=line.stopped,
                reason=line.reason,
                instructions=line.instructions,
                unparsed=line.unparsed,
                indication=line.indication,
                prescriber=line.prescriber,
                started=line.started,
                **line.columns(),
            )
        )
    session.flush()


def add_current(session: Session, rec: MedReconciliation) -> None:
    source = MedRecSource(
        reconciliation_id=rec.id,
        kind=SourceKind.CURRENT.value,
        entered=SourceEntry.CURRENT_LIST.value,
        label=SOURCE_TEXT[SourceKind.CURRENT],
        received_on=date.today(),
    )
    session.add(source)
    session.flush()
    for position, m in enumerate(_active(session, rec.patient_id)):
        session.add(_current_line(rec, source, position, m))
    session.flush()


def refresh_current(session: Session, rec: MedReconciliation) -> int:
    """Bring the current list's lines up to the patient's list as it is now: a line of an
    unchanged medicine stays (with its id, so manual matches and decisions on it hold); a
    changed medicine's line is replaced, a stopped one's removed, a new one's added. Returns how
    many lines changed."""
    source = session.exec(
        select(MedRecSource).where(
            MedRecSource.reconciliation_id == rec.id, MedRecSource.kind == SourceKind.CURRENT.value
        )
    ).one()
    lines = {
        x.medication_id: x
        for x in session.exec(select(MedRecLine).where(MedRecLine.source_id == source.id))
    }
    changed = 0
    for position, m in enumerate(_active(session, rec.patient_id)):
        line = lines.pop(m.id, None)
        if line is not None and line.medication_version == m.version:
            line.position = position
            session.add(line)
            continue
        if line is not None:
            session.delete(line)
        session.add(_current_line(rec, source, position, m))
        changed += 1
    for line in lines.values():
        session.delete(line)
        changed += 1
    session.flush()
    return changed


def _active(session: Session, patient_id: int) -> list[Medication]:
    return list(
        session.exec(
            select(Medication)
            .where(
                Medication.patient_id == patient_id,
                Medication.status == MedicineStatus.ACTIVE.value,
            )
            .order_by(col(Medication.id))
        )
    )


def _current_line(rec: MedReconciliation, source: MedRecSource, position: int, m: Medication):
    row = to_row(m)
    return MedRecLine(
        reconciliation_id=rec.id,
        source_id=source.id,
        position=position,
        written=row.written,
        name=row.name,
        strength=row.strength,
        dose=row.dose,
        route=row.route,
        frequency=row.frequency,
        times_of_day=m.times_of_day,
        ingredients=";".join(row.ingredients),
        recognised_as=row.recognised_as,
        indication=row.indication,
        prescriber=row.prescriber,
        started=row.started,
        medication_id=m.id,
        medication_version=m.version,
    )
