"""CSV import of a patient list exported from another system.

Three steps, each a plain function the screen (or a script) calls in turn (writes return Changed):
1. `read_csv(path)` reads the text strictly (UTF-8 with or without BOM; Windows-1252 only for
   a file with no UTF-8 in it; a mixed file asks the user to choose, see csv_decoding), the
   delimiter (comma, semicolon, tab) and the header row, and returns a preview.
2. `validate(ws, actor, path, mapping)` parses every row with the chosen column mapping and
   returns an `ImportPlan`: the rows ready to import and the rejected rows with their reasons
   (line numbers as in the file: the first data row is line 2).
3. `import_rows(ws, actor, plan)` writes every accepted row in ONE transaction with one audit
   CREATE event per patient and one summary event: if anything fails, nothing is imported.

Rows are checked with the patient form's rules (names, a real date of birth neither in the future
nor over 120 years ago, Medicare check digit, phone and e-mail shapes, lengths) and for duplicates
in the file and on the register (name and date of birth, Medicare card and number, practice id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.patient import Patient, Sex
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.csv_reading import (
    DATE_FORMATS,
    bad_bytes_reason,
    cells_at,
    csv_file_atomically,
    date_problem,
    decode,
    pad_cells,
    parse_date,
    parse_rows,
    pick_date_format,
    sniff_delimiter,
    swallowed_reason,
)
from carecoord_desktop.services.patients import fields as patient_fields
from carecoord_desktop.services.patients.import_mapping import (  # noqa: F401  (the import's API)
    FIELD_BY_NAME,
    FIELDS,
    ImportField,
    guess_mapping,
)
from carecoord_desktop.services.patients.import_mapping import SEX_WORDS as _SEX
from carecoord_desktop.services.patients.rules import (
    EARLIEST_DOB,
    MAX_AGE,
    PRACTICE_ID_PATTERN,
    age_on,
    check_text,
    clean_email,
    clean_phone,
    clean_text,
    fold,
    medicare_digits,
    medicare_valid,
    same_medicare_person,
)
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

PREVIEW_ROWS = 20
Progress = Callable[[int, int], None]


# Every field of the list (unmapped ones get a new patient's defaults), then the bookkeeping.
_BOOKKEEPING = {"is_demo": 0, "archived": 0}
_INSERT_COLUMNS = ("id", *patient_fields.NAMES, *_BOOKKEEPING, "created_at", "updated_at")
_BATCH = 500


# -- plain data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvPreview:
    path: Path
    encoding: str
    delimiter: str
    headers: list[str]
    rows: list[list[str]]  # the first PREVIEW_ROWS data rows, padded to the headers
    total_rows: int
    encoding_choice: str = "auto"  # what to pass back to validate()
    notes: list[str] = field(default_factory=list)  # how the text was read, stray quotes

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab"}.get(self.delimiter, self.delimiter)


@dataclass(frozen=True)
class RejectedRow:
    line: int  # as in the file: the header is line 1
    values: list[str]  # the row's cells as read, padded to the headers
    reasons: list[str]


@dataclass(frozen=True)
class ImportPlan:
    path: Path
    headers: list[str]
    mapping: dict[str, str | None]
    date_format: str  # the format actually used ("dmy", "ymd" or "mdy")
    accepted: list[dict] = field(repr=False)  # Patient column values, practice_id may be None
    accepted_lines: list[int] = field(repr=False)
    rejected: list[RejectedRow] = field(repr=False)
    notes: list[str] = field(default_factory=list)  # e.g. how dates were read

    @property
    def accepted_count(self) -> int:
        return len(self.accepted)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def preview(self, limit: int = PREVIEW_ROWS) -> list[dict]:
        """The first accepted rows as they will be saved (practice id blank: assigned later)."""
        return [dict(row) for row in self.accepted[:limit]]


@dataclass(frozen=True)
class ImportResult:
    imported: int
    rejected: int
    patient_ids: list[int] = field(repr=False)
    first_practice_id: str | None = None
    last_practice_id: str | None = None


# -- step 1: the file ----------------------------------------------------------------------------
def read_csv(path: str | Path, *, encoding: str = "auto") -> CsvPreview:
    """Headers, the first rows and the row count, or a ValidationError saying what is wrong
    (MixedEncodingError when the user must choose the `encoding`: "utf-8" or "cp1252")."""
    path = Path(path)
    decoded = decode(path, encoding)
    delimiter = sniff_delimiter(decoded.text)
    headers, rows, swallowed = parse_rows(decoded.text, delimiter)
    notes = list(decoded.notes)
    notes += [swallowed_reason(a, b).capitalize() + "." for a, b in list(swallowed.items())[:5]]
    return CsvPreview(
        path=path,
        encoding=decoded.encoding,
        delimiter=delimiter,
        headers=headers,
        rows=[pad_cells(cells, len(headers)) for _, cells in rows[:PREVIEW_ROWS]],
        total_rows=len(rows),
        encoding_choice=encoding,
        notes=notes,
    )


# -- step 2: the check ---------------------------------------------------------------------------
def validate(
    ws: Workspace,
    actor: Actor,
    path: str | Path,
    mapping: dict[str, str | None],
    *,
    date_format: str = "auto",
    encoding: str = "auto",
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row; the plan says which rows are ready and why the others are not."""
    require(actor, Permission.EDIT_PATIENTS)
    if date_format not in DATE_FORMATS:
        raise ValidationError(
            f"Unknown date format {date_format!r}; choose one of {', '.join(DATE_FORMATS)}.",
            field="date_format",
        )
    path = Path(path)
    decoded = decode(path, encoding)
    headers, rows, swallowed = parse_rows(decoded.text, sniff_delimiter(decoded.text))
    ends = {start: swallowed.get(start, start) for start, _ in rows}
    columns = _columns(headers, mapping)
    total = len(rows)
    dob_col = columns["date_of_birth"]
    dob_values = [cells[dob_col].strip() for _, cells in rows if dob_col < len(cells)]
    fmt, notes = pick_date_format(dob_values, date_format)
    today = date.today()
    accepted: list[dict] = []
    accepted_lines: list[int] = []
    rejected: list[RejectedRow] = []
    reasons_of: dict[int, list[str]] = {}
    for i, (line, cells) in enumerate(rows):
        values, reasons = _clean_row(cells, columns, len(headers), fmt, today)
        # What went wrong in the file itself comes first: it explains the other reasons.
        if line in swallowed:
            reasons.insert(0, swallowed_reason(line, swallowed[line]))
        bad = [decoded.bad_lines[n] for n in range(line, ends[line] + 1) if n in decoded.bad_lines]
        if bad:
            reasons.insert(0, bad_bytes_reason(bad[0]))
        if reasons:
            rejected.append(RejectedRow(line, pad_cells(cells, len(headers)), reasons))
        else:
            accepted.append(values)
            accepted_lines.append(line)
        if progress is not None and (i + 1) % 1000 == 0:
            progress(i + 1, total)

    # Duplicates within the file: the later row is rejected, pointing at the earlier line.
    keep: list[int] = []
    seen_person: dict[tuple, int] = {}
    seen_card: dict[str, list[tuple[int, str]]] = {}
    seen_pid: dict[str, int] = {}
    for idx, values in enumerate(accepted):
        line = accepted_lines[idx]
        reasons = []
        person = (fold(values["family_name"]), fold(values["given_name"]), values["date_of_birth"])
        if person in seen_person:
            reasons.append(
                f"same name and date of birth as line {seen_person[person]} of this file"
            )
        card = values["medicare_number"]
        if card:
            for other_line, other in seen_card.get(card[:10], []):
                if same_medicare_person(card, other):
                    reasons.append(f"same Medicare number as line {other_line} of this file")
                    break
        pid = values["practice_id"]
        if pid and pid in seen_pid:
            reasons.append(f"same practice id as line {seen_pid[pid]} of this file")
        if reasons:
            reasons_of[idx] = reasons
            continue
        seen_person[person] = line
        if card:
            seen_card.setdefault(card[:10], []).append((line, card))
        if pid:
            seen_pid[pid] = line
        keep.append(idx)

    # Duplicates of patients already on the register (one audited look-up for the whole file).
    with ws.session() as session:
        cursor = session.connection().connection.cursor()
        try:
            clashes = _register_clashes(cursor, [accepted[i] for i in keep])
        finally:
            cursor.close()
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            record_type="patient_duplicates",
            detail=f"CSV import duplicate check: {total} rows, "
            f"{len(clashes)} match(es) on the register",
        )
        session.commit()
    for pos, reasons in clashes.items():
        reasons_of[keep[pos]] = reasons

    final, final_lines = [], []
    for idx, values in enumerate(accepted):
        if idx in reasons_of:
            line = accepted_lines[idx]
            cells = cells_at(rows, line)
            rejected.append(RejectedRow(line, pad_cells(cells, len(headers)), reasons_of[idx]))
        else:
            final.append(values)
            final_lines.append(accepted_lines[idx])
    rejected.sort(key=lambda r: r.line)
    if progress is not None:
        progress(total, total)
    return ImportPlan(
        path=path,
        headers=headers,
        mapping=dict(mapping),
        date_format=fmt,
        accepted=final,
        accepted_lines=final_lines,
        rejected=rejected,
        notes=notes,
    )


def report_csv(plan: ImportPlan, path: str | Path) -> int:
    """Write the rejected rows (the file's own columns plus 'line' and 'reasons'); rows written.

    The user fixes them there and imports that file again.
    """
    with csv_file_atomically(Path(path)) as writer:
        writer.writerow([*plan.headers, "line", "reasons"])
        for row in plan.rejected:
            writer.writerow([*row.values, row.line, "; ".join(row.reasons)])
    return len(plan.rejected)


# -- step 3: the import --------------------------------------------------------------------------
def import_rows(
    ws: Workspace,
    actor: Actor,
    plan: ImportPlan,
    *,
    all_or_nothing: bool = True,
    progress: Progress | None = None,
) -> Changed[ImportResult]:
    """Add the plan's accepted patients in one transaction; nothing is kept if anything fails.

    With `all_or_nothing` (the default) a plan with any rejected row is refused.
    """
    require(actor, Permission.EDIT_PATIENTS)
    if all_or_nothing and plan.rejected:
        raise ValidationError(
            f"{_rows(plan.rejected_count)} of the file cannot be imported, so nothing was "
            "imported. Save the rejected rows as CSV, fix them and check the file again, or "
            "choose to import the valid rows and report the rest."
        )
    if not plan.accepted:
        raise ValidationError(
            "No row of the file can be imported; nothing was imported. Check the column "
            "mapping and the rejected rows' reasons."
        )
    total = len(plan.accepted)
    now = _stamp()
    with ws.session() as session:
        # The session's own DB-API connection: patient rows and audit rows share one transaction.
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")  # hold the write lock while ids are chosen
            if _register_clashes(cursor, plan.accepted):
                raise ValidationError(
                    "Patients were added to the register since the file was checked and some "
                    "rows now match them; nothing was imported. Check the file again."
                )
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM patient")
            next_id = cursor.fetchone()[0] + 1
            # After the register's highest and the file's own ids: the two never collide.
            given = [int(v["practice_id"][1:]) for v in plan.accepted if v["practice_id"]]
            next_number = max([_next_practice_number(cursor), *(n + 1 for n in given)])
            rows, ids, practice_ids = [], [], []
            for values in plan.accepted:
                pid = values["practice_id"]
                if pid is None:
                    if next_number > 999_999:
                        raise ValidationError(
                            "No practice ids are left for these patients; nothing was imported."
                        )
                    pid = f"P{next_number:06d}"
                    next_number += 1
                rows.append(_insert_row(next_id, pid, values, now))
                ids.append(next_id)
                practice_ids.append(pid)
                next_id += 1
            sql = _insert_sql()
            for start in range(0, total, _BATCH):
                cursor.executemany(sql, rows[start : start + _BATCH])
                audit.record_many(
                    session,
                    actor,
                    AuditAction.CREATE,
                    [
                        {
                            "patient_id": pid,
                            "record_type": "patient",
                            "record_id": pid,
                            "detail": "imported from CSV",
                        }
                        for pid in ids[start : start + _BATCH]
                    ],
                )
                if progress is not None:
                    progress(min(start + _BATCH, total), total)
            audit.record(
                session,
                actor,
                AuditAction.CREATE,
                record_type="patient_import",
                detail=f"CSV import: {total} patients imported (records {ids[0]}-{ids[-1]}), "
                f"{plan.rejected_count} rows rejected",
            )
            session.commit()
        except ValidationError:
            session.rollback()
            raise
        except Exception as exc:
            session.rollback()
            if "UNIQUE constraint failed: patient.practice_id" in str(exc):
                raise ValidationError(
                    "A practice id in the file is already used by a patient on the register; "
                    "nothing was imported. Check the file again."
                ) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            cursor.close()
    result = ImportResult(total, plan.rejected_count, ids, practice_ids[0], practice_ids[-1])
    return Changed(result, Changes.of(Kind.PATIENT, Kind.AUDIT, patients=ids, membership=True))


# -- reading -------------------------------------------------------------------------------------


def _columns(headers: list[str], mapping: dict[str, str | None]) -> dict[str, int]:
    unknown = [k for k in mapping if k not in FIELD_BY_NAME]
    if unknown:
        raise ValidationError(f"Unknown field {unknown[0]!r} in the column mapping.")
    missing = [f.label for f in FIELDS if f.required and not mapping.get(f.name)]
    if missing:
        raise ValidationError(
            f"Choose the file's column for: {', '.join(missing)}. These are needed for every "
            "patient.",
            field="mapping",
        )
    columns: dict[str, int] = {}
    used: dict[str, str] = {}
    for name, header in mapping.items():
        if not header:
            continue
        if header not in headers:
            raise ValidationError(
                f"The file has no column {header!r} (chosen for {FIELD_BY_NAME[name].label}).",
                field="mapping",
            )
        if header in used:
            raise ValidationError(
                f"Column {header!r} is chosen for both {FIELD_BY_NAME[used[header]].label} and "
                f"{FIELD_BY_NAME[name].label}; choose one column per field.",
                field="mapping",
            )
        used[header] = name
        columns[name] = headers.index(header)
    return columns


# -- dates ---------------------------------------------------------------------------------------


# -- one row -------------------------------------------------------------------------------------
def _clean_row(
    cells: list[str], columns: dict[str, int], width: int, fmt: str, today: date
) -> tuple[dict, list[str]]:
    """The row as Patient column values, and the reasons it cannot be imported (if any)."""
    reasons: list[str] = []
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        reasons.append(
            f"the row has {len(cells)} cells but the header has {width} columns (a stray "
            "delimiter or an unquoted value?)"
        )
    raw = {name: (cells[col].strip() if col < len(cells) else "") for name, col in columns.items()}
    values: dict = {}
    for f in FIELDS:
        if f.name in ("date_of_birth", "sex", "medicare_number", "phone", "email", "practice_id"):
            continue
        # The record's text rule sees the cell as written, before spaces are squeezed.
        if _reason(reasons, check_text, raw.get(f.name, ""), f.name, f.label.lower()) is None:
            values[f.name] = None
            continue
        value = " ".join(raw.get(f.name, "").split())
        if not value and f.required:
            reasons.append(f"{f.label.lower()} is empty")  # a report's wording, not a form's
            values[f.name] = None
            continue
        values[f.name] = _reason(reasons, clean_text, value, f.name, f.max_len, f.label.lower())

    dob_text = raw.get("date_of_birth", "")
    dob = None
    if not dob_text:
        reasons.append("date of birth is empty")
    else:
        dob = parse_date(dob_text, fmt, today)
        if dob is None:
            reasons.append(date_problem(dob_text, fmt, today))
        elif dob > today:
            reasons.append("date of birth is in the future")
        elif dob < EARLIEST_DOB or age_on(dob, today) > MAX_AGE:
            reasons.append(f"date of birth makes the patient older than {MAX_AGE}")
    values["date_of_birth"] = dob

    sex_text = fold(raw.get("sex", ""))
    sex = _SEX.get(sex_text)
    if sex is None:
        reasons.append("sex is not one of M, F, male, female, other or unknown")
    values["sex"] = sex or Sex.UNKNOWN

    medicare = raw.get("medicare_number", "") or None
    if medicare is not None:
        if not medicare_valid(medicare):
            reasons.append(
                "Medicare number is not valid (check it against the card: 10 digits and the "
                "reference number; the 9th digit is a check digit)"
            )
        medicare = medicare_digits(medicare)
    values["medicare_number"] = medicare

    # The record's own field rules: an imported patient meets exactly what the form asks.
    values["phone"] = _reason(reasons, clean_phone, raw.get("phone", ""))
    values["email"] = _reason(reasons, clean_email, raw.get("email", ""))
    practice_id = raw.get("practice_id", "").upper() or None
    if practice_id is not None and not PRACTICE_ID_PATTERN.match(practice_id):
        reasons.append(
            "practice id is not P and 6 digits (leave the column unmapped to number the "
            "patients automatically)"
        )
    values["practice_id"] = practice_id
    return values, reasons


def _reason(reasons: list[str], rule, *args):
    """Apply one of the record's field rules; a refusal becomes one of the row's reasons."""
    try:
        return rule(*args)
    except ValidationError as exc:
        reasons.append(str(exc))
        return None


def _register_clashes(cursor, rows: list[dict]) -> dict[int, list[str]]:
    """For rows (by position) that match a patient on the register: the reasons."""
    if not rows:
        return {}
    by_person: dict[tuple, str] = {}
    by_card: dict[str, list[tuple[str, str]]] = {}
    by_pid: set[str] = set()
    cursor.execute(
        "SELECT practice_id, family_name, given_name, date_of_birth, medicare_number "
        "FROM patient WHERE merged_into_id IS NULL"
    )
    for prac, family, given, dob, medicare in cursor.fetchall():
        by_person.setdefault((fold(family), fold(given), dob), prac)
        if medicare:
            digits = medicare_digits(medicare)
            by_card.setdefault(digits[:10], []).append((digits, prac))
    cursor.execute("SELECT practice_id FROM patient")
    by_pid = {row[0] for row in cursor.fetchall()}
    out: dict[int, list[str]] = {}
    for pos, values in enumerate(rows):
        reasons = []
        key = (
            fold(values["family_name"]),
            fold(values["given_name"]),
            str(values["date_of_birth"]),
        )
        if key in by_person:
            reasons.append(
                f"already on the register: same name and date of birth as {by_person[key]}"
            )
        card = values["medicare_number"]
        if card:
            for digits, prac in by_card.get(card[:10], []):
                if same_medicare_person(card, digits):
                    reasons.append(f"already on the register: same Medicare number as {prac}")
                    break
        if values["practice_id"] and values["practice_id"] in by_pid:
            reasons.append(f"practice id {values['practice_id']} is already used on the register")
        if reasons:
            out[pos] = reasons
    return out


def _next_practice_number(cursor) -> int:
    cursor.execute(
        "SELECT COALESCE(MAX(CAST(substr(practice_id, 2) AS INTEGER)), 0) FROM patient "
        "WHERE practice_id GLOB 'P[0-9][0-9][0-9][0-9][0-9][0-9]'"
    )
    return cursor.fetchone()[0] + 1


def _insert_sql() -> str:
    """The INSERT; fails loudly if the patient table gains a required column this misses."""
    table = Patient.__table__
    unfilled = [
        c.name
        for c in table.columns
        if c.name not in _INSERT_COLUMNS
        and not c.nullable
        and not c.primary_key
        and c.server_default is None
    ]
    if unfilled:
        raise RuntimeError(f"CSV import is out of date with the patient table: {unfilled}")
    marks = ", ".join("?" * len(_INSERT_COLUMNS))
    return f"INSERT INTO patient ({', '.join(_INSERT_COLUMNS)}) VALUES ({marks})"


def _insert_row(pid: int, practice_id: str, v: dict, now: str) -> tuple:
    # Stored as the ORM stores them (enum names, 0/1, ISO dates): see patient_fields.stored.
    values = {**patient_fields.DEFAULTS, **v, "id": pid, "practice_id": practice_id,
              **_BOOKKEEPING, "created_at": now, "updated_at": now}  # fmt: skip
    ordered = patient_fields.row(values, _INSERT_COLUMNS, "CSV import")
    return tuple(patient_fields.stored(x) for x in ordered)


def _stamp() -> str:
    return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"
