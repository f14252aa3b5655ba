"""Import services into the directory from a CSV file (a council's or a PHN's list).

The file is read by the same rules as the patient import (services/csv_reading.py and
interop/csv: encoding, delimiter, header row, stray quotation marks). Every row is checked
first; the good ones are added in one transaction and each refused row is reported with its
line and the reason, so a row is never half-imported and a failure part-way adds nothing.
A service already in the directory (the same name in the same area) is refused, not doubled:
importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.referral import CommunityResource
from carecoord_desktop.services import audit, csv_reading
from carecoord_desktop.services.changes import NO_CHANGES, Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.directory import RECORD_TYPE, clean, duplicate_of
from carecoord_desktop.services.referrals.types import ImportReport, RefusedRow, ResourceDraft
from carecoord_desktop.store.workspace import Workspace

# Column names as other systems write them (compared folded, letters and digits only).
COLUMNS = {
    "name": ("name", "service", "servicename", "resource", "provider"),
    "category": ("category", "type", "servicetype", "kind"),
    "organisation": ("organisation", "organization", "org", "agency", "runby"),
    "phone": ("phone", "telephone", "phonenumber", "contactnumber", "tel"),
    "email": ("email", "emailaddress", "e-mail"),
    "website": ("website", "web", "url", "site"),
    "address": ("address", "streetaddress", "location"),
    "area": ("area", "suburb", "region", "areaserved", "catchment"),
    "eligibility": ("eligibility", "whocanuse", "criteria", "eligible"),
    "hours": ("hours", "openinghours", "opening", "times"),
    "cost": ("cost", "fee", "fees", "price"),
    "notes": ("notes", "comments", "description"),
}
EXPECTED = "Name, Category, Phone, Address, Area, Eligibility, Hours, Cost, Notes"


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = csv_reading.normalise_header(header)
        for name, aliases in COLUMNS.items():
            if name not in found and key in {csv_reading.normalise_header(a) for a in aliases}:
                found[name] = index
    missing = [n for n in ("name", "category") if n not in found]
    if missing:
        raise ValidationError(
            f"The file has no {' or '.join(m.title() for m in missing)} column. The first line "
            f"should name the columns, for example: {EXPECTED}."
        )
    return found


def read_file(
    path: Path, encoding: str = "auto"
) -> tuple[list[tuple[int, ResourceDraft]], list[RefusedRow], list[str], int]:
    """The rows as drafts (with their line), the rows refused while reading, and the notes."""
    decoded = csv_reading.decode(Path(path), encoding)
    text = decoded.text.lstrip("\ufeff")
    headers, rows, swallowed = csv_reading.parse_rows(text, csv_reading.sniff_delimiter(text))
    columns = _columns(headers)
    drafts: list[tuple[int, ResourceDraft]] = []
    refused: list[RefusedRow] = []
    for line, cells in rows:
        cells = csv_reading.pad_cells(cells, len(headers))
        values = {name: cells[i].strip() for name, i in columns.items()}
        name = values.get("name", "")
        if line in decoded.bad_lines:
            refused.append(
                RefusedRow(line, name, csv_reading.bad_bytes_reason(decoded.bad_lines[line]))
            )
        elif line in swallowed:
            refused.append(
                RefusedRow(line, name, csv_reading.swallowed_reason(line, swallowed[line]))
            )
        else:
            drafts.append((line, ResourceDraft(**values)))
    return drafts, refused, list(decoded.notes), len(rows)


def import_resources(
    ws: Workspace, actor: Actor, path: Path, *, encoding: str = "auto"
) -> Changed[ImportReport]:
    """Add the file's good rows to the directory in one transaction; report the rest."""
    require(actor, Permission.MANAGE_RESOURCES)
    drafts, refused, notes, count = read_file(path, encoding)
    added: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    with ws.write_session() as session:
        for line, draft in drafts:
            try:
                values = clean(draft)
            except ValidationError as exc:
                refused.append(RefusedRow(line, draft.name or "", _lower_first(str(exc))))
                continue
            key = (values["name_key"], values["area_key"])
            if key in seen:
                refused.append(
                    RefusedRow(
                        line, values["name"], f"the same service as line {seen[key]} of this file"
                    )
                )
                continue
            seen[key] = line
            found = duplicate_of(session, *key)
            if found is not None:
                refused.append(
                    RefusedRow(
                        line,
                        values["name"],
                        "already in the directory" + ("" if found.active else " (retired)"),
                    )
                )
                continue
            row = CommunityResource(**values, created_by_id=actor.user_id)
            session.add(row)
            session.flush()
            added.append(row.id)
        if added:
            audit.record_many(
                session,
                actor,
                AuditAction.CREATE,
                [
                    {"record_type": RECORD_TYPE, "record_id": rid, "detail": "imported from CSV"}
                    for rid in added
                ],
            )
            session.commit()
        else:
            session.rollback()
    refused.sort(key=lambda r: r.line)
    report = ImportReport(added, refused, count, notes)
    if not added:
        return Changed(report, NO_CHANGES)
    return Changed(report, Changes.of(Kind.RESOURCES, Kind.AUDIT))


def _lower_first(message: str) -> str:
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]
