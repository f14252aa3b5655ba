"""Export of the Patients screen's current list (its filter and sort) to a CSV file.

The file holds the data, not the screen's display text: every active condition by name (and its
code), the full Medicare number, ISO dates, the risk tier and score. It is written next to the
destination and renamed into place, so a failure never leaves a half-written file; the export is
audited (count and which filters, never names or typed text).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.csv_reading import csv_file_atomically
from carecoord_desktop.services.patients import fields as patient_fields
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

# The patient's own fields come first, from the one list of them; then what the register derives.
_DERIVED = (
    "Active conditions",
    "Risk tier",
    "Coordinator",
    "Condition codes",
    "Active medicines",
    "Risk score",
)
COLUMNS = (*(f.export for f in patient_fields.EXPORTED), *_DERIVED)
SEPARATOR = "; "  # between conditions in one cell (names may hold commas)
Progress = Callable[[int, int], None]


def export_list(
    ws: Workspace,
    actor: Actor,
    flt: PatientFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    path: str | Path,
    progress: Progress | None = None,
) -> int:
    """Write the filtered list, in the screen's order, to `path` (UTF-8 CSV); rows written."""
    require(actor, Permission.EXPORT_DATA)
    path = Path(path)
    if path.is_dir():
        raise ValidationError("Choose a file name to export to, not a folder.", field="path")
    ids = registry.query_ids(ws, actor, flt, sort=sort, descending=descending)
    with csv_file_atomically(path) as writer:
        writer.writerow(COLUMNS)
        for start in range(0, len(ids), registry.MAX_BLOCK):
            block = ids[start : start + registry.MAX_BLOCK]
            rows = registry.fetch_rows(ws, actor, block)
            own = _own_fields(ws, block)
            conditions = _conditions(ws, block)
            for pid in block:
                row = rows.get(pid)
                if row is None:  # removed since the list was read
                    continue
                held = conditions.get(pid, [])
                writer.writerow(
                    [
                        *own[pid],
                        SEPARATOR.join(display for display, _ in held),
                        row.risk_tier,
                        row.coordinator_name or "",
                        SEPARATOR.join(code for _, code in held if code),
                        row.medication_count,
                        row.risk_score,
                    ]
                )
            if progress is not None:
                progress(min(start + len(block), len(ids)), len(ids))
    # Audited once the file is in place: an audited export is a written one.
    with ws.session() as session:
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            record_type="patient_list",
            detail=f"CSV export of {len(ids)} patients: {describe(flt, sort, descending)}",
        )
        session.commit()
    return len(ids)


def describe(flt: PatientFilter, sort: str, descending: bool) -> str:
    """Which filters were used, never what was typed."""
    parts = (["search"] if flt.text.strip() else []) + registry.filter_words(flt)
    parts = parts or ["whole register"]
    parts.append(f"sort {sort}{' desc' if descending else ''}")
    return ", ".join(parts)


def _own_fields(ws: Workspace, ids: list[int]) -> dict[int, list[str]]:
    """Each patient's exported fields as cells, as stored (ISO dates, the full Medicare)."""
    columns = ", ".join(f.name for f in patient_fields.EXPORTED)
    with ws.session() as session:
        rows = session.execute(
            text(
                f"SELECT id, {columns} FROM patient "  # column names from the list
                "WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(ids)},
        ).all()
    return {r[0]: ["" if v is None else str(v) for v in r[1:]] for r in rows}


def _conditions(ws: Workspace, ids: list[int]) -> dict[int, list[tuple[str, str | None]]]:
    """Each patient's active conditions as (name, code), in the order they were recorded."""
    out: dict[int, list[tuple[str, str | None]]] = {}
    with ws.session() as session:
        rows = session.execute(
            text(
                "SELECT patient_id, display, code FROM condition WHERE status = 'active' "
                "AND patient_id IN (SELECT value FROM json_each(:ids)) ORDER BY patient_id, id"
            ),
            {"ids": json.dumps(ids)},
        ).all()
    for pid, display, code in rows:
        out.setdefault(pid, []).append((display, code))
    return out
