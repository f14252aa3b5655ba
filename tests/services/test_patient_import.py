"""CSV import and export of patient lists on a real encrypted workspace: reading odd files,
mapping guesses, rejected rows with their line numbers, all or nothing, audit, export."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path

import pytest

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import csv_reading
from carecoord_desktop.services.patients import (
    export as patient_export,
)
from carecoord_desktop.services.patients import (
    imports as patient_import,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from carecoord_desktop.services.patients.register import PatientFilter
from tests_support import staff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOOD = FIXTURES / "patients_good.csv"
MIXED = FIXTURES / "patients_mixed.csv"
SEMICOLON = FIXTURES / "patients_semicolon_cp1252.csv"
W = (1, 3, 7, 9, 1, 3, 7, 9)


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def events(ws, since: int = 0) -> list[tuple]:
    with ws.raw_connection() as conn:
        rows = conn.execute(
            "SELECT action, patient_id, record_type, record_id, detail FROM audit_event "
            "WHERE id > ? ORDER BY id",
            (since,),
        ).fetchall()
    return [tuple(r) for r in rows]


def last_event(ws) -> int:
    with ws.raw_connection() as conn:
        return conn.execute("SELECT COALESCE(max(id), 0) FROM audit_event").fetchone()[0]


def patient_count(ws) -> int:
    with ws.raw_connection() as conn:
        return conn.execute("SELECT count(*) FROM patient").fetchone()[0]


def plan_for(ws, admin, path, **kw):
    preview = patient_import.read_csv(path)
    return patient_import.validate(
        ws, admin, path, patient_import.guess_mapping(preview.headers), **kw
    )


@pytest.fixture
def existing(ws, admin):
    """Zoë O'Brien is already on the register (line 9 of the mixed file repeats her)."""
    return create_patient(
        ws,
        admin,
        PatientDraft(given_name="Zoë", family_name="O'Brien", date_of_birth=date(1948, 3, 7)),
    ).value


# -- reading -------------------------------------------------------------------------------------
def test_read_csv_finds_headers_rows_and_delimiter():
    preview = patient_import.read_csv(GOOD)
    assert preview.encoding == "utf-8" and preview.delimiter == ","
    assert preview.headers[:3] == ["Surname", "First name", "DOB"]
    assert preview.total_rows == 4
    assert preview.rows[0][7] == "12 High St, Richmond VIC 3121"  # quoted comma kept


def test_read_csv_semicolon_cp1252():
    preview = patient_import.read_csv(SEMICOLON)
    assert preview.encoding == "cp1252" and preview.delimiter_name == "semicolon"
    assert preview.rows[0][:2] == ["Müller", "Zoë"]


def test_read_csv_utf8_bom_and_tab(tmp_path):
    path = tmp_path / "tab.csv"
    path.write_bytes("\ufeffLast name\tForename\tBirth date\nLé\tAnn\t1950-01-02\n".encode())
    preview = patient_import.read_csv(path)
    assert preview.encoding == "utf-8-sig" and preview.delimiter == "\t"
    assert preview.headers == ["Last name", "Forename", "Birth date"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", None, "empty"),
        ("binary.csv", None, "not a CSV text file"),
        ("blank.csv", b"\n\n   \n", "empty"),
        ("noheader.csv", b"Smith,Ann,01/02/1950\nJones,Bob,03/04/1960\n", "column names"),
    ],
)
def test_read_csv_refuses_bad_files(tmp_path, name, content, message):
    path = FIXTURES / name if content is None else tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        patient_import.read_csv(path)


def test_read_csv_refuses_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="could not be read"):
        patient_import.read_csv(tmp_path / "nope.csv")


def test_read_csv_refuses_too_many_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_ROWS", 5)
    path = tmp_path / "big.csv"
    path.write_text("Surname,Given,DOB\n" + "A,B,01/01/1950\n" * 6)
    with pytest.raises(ValidationError, match="more than 5 rows"):
        patient_import.read_csv(path)


def test_guess_mapping_synonyms():
    mapping = patient_import.guess_mapping(
        ["FORENAME", " last  name ", "Birth Date", "Medicare", "Phone", "Sex", "Known as", "x"]
    )
    assert mapping["given_name"] == "FORENAME"
    assert mapping["family_name"] == " last  name "
    assert mapping["date_of_birth"] == "Birth Date"
    assert mapping["medicare_number"] == "Medicare"
    assert mapping["phone"] == "Phone"
    assert mapping["sex"] == "Sex"
    assert mapping["preferred_name"] == "Known as"
    assert mapping["email"] is None
    assert set(mapping) == {f.name for f in patient_import.FIELDS}
    assert [f.name for f in patient_import.FIELDS if f.required] == [
        "given_name",
        "family_name",
        "date_of_birth",
    ]


# -- validation ----------------------------------------------------------------------------------
def test_validate_rejects_rows_with_reasons_and_line_numbers(ws, admin, existing):
    plan = plan_for(ws, admin, MIXED)
    assert plan.accepted_count == 3
    assert plan.accepted_lines == [2, 7, 10]
    reasons = {r.line: " | ".join(r.reasons) for r in plan.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 8, 9]
    assert "family name is empty" in reasons[3]
    assert "not a real date" in reasons[4]
    assert "in the future" in reasons[5]
    assert "Medicare number is not valid" in reasons[6]
    assert "same name and date of birth as line 2 of this file" in reasons[8]
    assert (
        f"already on the register: same name and date of birth as {existing.practice_id}"
        in (reasons[9])
    )
    first = plan.preview()[0]
    assert first["family_name"] == "Nguyen" and first["date_of_birth"] == date(1948, 3, 7)
    assert first["medicare_number"] == "2123456701" and first["sex"] == "female"
    assert plan.rejected[0].values == ["", "Peter", "12/05/1960", "M", "", ""]


def test_validate_needs_required_columns_and_edit_permission(ws, admin):
    mapping = patient_import.guess_mapping(patient_import.read_csv(GOOD).headers)
    with pytest.raises(ValidationError, match="Date of birth"):
        patient_import.validate(ws, admin, GOOD, {**mapping, "date_of_birth": None})
    with pytest.raises(ValidationError, match="both"):
        patient_import.validate(ws, admin, GOOD, {**mapping, "preferred_name": "Surname"})
    with pytest.raises(ValidationError, match="no column"):
        patient_import.validate(ws, admin, GOOD, {**mapping, "phone": "Fax"})
    # Reception may import (EDIT_PATIENTS); a role without it may not.
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    assert patient_import.validate(ws, reception, GOOD, mapping).accepted_count == 4


def test_dates_auto_iso_two_digit_years_and_ambiguity(ws, admin, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("Surname,Given,DOB\nA,One,05/06/48\nB,Two,1/2/1950\n")
    plan = plan_for(ws, admin, path)
    assert plan.date_format == "dmy"
    assert [r["date_of_birth"] for r in plan.accepted] == [date(1948, 6, 5), date(1950, 2, 1)]
    assert any("day/month or month/day" in n for n in plan.notes)
    us = plan_for(ws, admin, path, date_format="mdy")
    assert [r["date_of_birth"] for r in us.accepted] == [date(1948, 5, 6), date(1950, 1, 2)]
    path.write_text("Surname,Given,DOB\nA,One,12/31/1950\nB,Two,11/30/1960\n")
    assert plan_for(ws, admin, path).date_format == "mdy"
    path.write_text(
        "Surname,Given,DOB\nA,One,1950-12-31\nB,Two,31/12/1960\nC,Three,\nD,Four,1950-13-01\n"
        "E,Five,1961-01-02\nF,Six,soon\n"
    )
    mixed = plan_for(ws, admin, path)
    assert mixed.date_format == "ymd" and mixed.accepted_count == 2
    assert {r.line: r.reasons[0] for r in mixed.rejected} == {
        3: "date of birth is not written year-month-day like the file's other dates",
        4: "date of birth is empty",
        5: "date of birth is not a real date (read as year-month-day)",
        7: "date of birth is not a date like 1950-12-31",
    }


def test_semicolon_cp1252_file_imports_accents(ws, admin):
    plan = plan_for(ws, admin, SEMICOLON)
    assert plan.rejected == [] and plan.accepted_count == 2
    result = patient_import.import_rows(ws, admin, plan).value
    ids = registry.query_ids(ws, admin, PatientFilter(text="zoe muller"))
    assert ids == [result.patient_ids[0]]


# -- importing -----------------------------------------------------------------------------------
def test_all_or_nothing_refuses_and_saves_nothing(ws, admin, existing):
    plan = plan_for(ws, admin, MIXED)
    before, mark = patient_count(ws), last_event(ws)
    with pytest.raises(ValidationError, match="6 rows of the file cannot be imported"):
        patient_import.import_rows(ws, admin, plan)
    assert patient_count(ws) == before
    assert events(ws, mark) == []


def test_partial_import_adds_valid_rows_searchable_and_audited(ws, admin, existing):
    plan = plan_for(ws, admin, MIXED)
    mark = last_event(ws)
    seen = []
    result = patient_import.import_rows(
        ws, admin, plan, all_or_nothing=False, progress=lambda d, t: seen.append((d, t))
    ).value
    assert result.imported == 3 and result.rejected == 6
    assert (result.first_practice_id, result.last_practice_id) == ("P000002", "P000004")
    assert seen[-1] == (3, 3)
    assert registry.query_ids(ws, admin, PatientFilter(text="nguyen lan")) == [
        result.patient_ids[0]
    ]
    assert registry.query_ids(ws, admin, PatientFilter(text="taylor jack")) == [
        result.patient_ids[2]
    ]
    rows = registry.fetch_rows(ws, admin, result.patient_ids)
    assert rows[result.patient_ids[1]].display_name == "WILSON, Mary"
    new = events(ws, mark)
    creates = [e for e in new if e[0] == "create" and e[2] == "patient"]
    assert [e[1] for e in creates] == result.patient_ids
    assert all(e[4] == "imported from CSV" for e in creates)
    summary = [e for e in new if e[2] == "patient_import"]
    assert len(summary) == 1 and "3 patients imported" in summary[0][4]
    assert "6 rows rejected" in summary[0][4] and "Nguyen" not in summary[0][4]
    # The ORM reads what the bulk INSERT wrote.
    from carecoord_desktop.services.patients.record import get_record

    rec = get_record(ws, admin, result.patient_ids[0])
    assert rec.sex.value == "female" and rec.medicare_number == "2123456701"
    assert rec.date_of_birth == date(1948, 3, 7) and not rec.archived


def test_import_twice_finds_the_first_import_as_duplicates(ws, admin):
    plan = plan_for(ws, admin, GOOD)
    patient_import.import_rows(ws, admin, plan)
    again = plan_for(ws, admin, GOOD)
    assert again.accepted_count == 0 and again.rejected_count == 4
    with pytest.raises(ValidationError, match="No row of the file can be imported"):
        patient_import.import_rows(ws, admin, again, all_or_nothing=False)
    # A stale plan (checked before the first import) is refused too, and saves nothing.
    before = patient_count(ws)
    with pytest.raises(ValidationError, match="since the file was checked"):
        patient_import.import_rows(ws, admin, plan)
    assert patient_count(ws) == before


def test_import_keeps_given_practice_ids_and_numbers_after_the_max(ws, admin, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("Patient ID,Surname,Given,DOB\nP000500,A,One,01/01/1950\n,B,Two,02/02/1950\n")
    result = patient_import.import_rows(ws, admin, plan_for(ws, admin, path)).value
    assert (result.first_practice_id, result.last_practice_id) == ("P000500", "P000501")


def test_report_csv_lists_rejected_rows_with_reasons(ws, admin, existing, tmp_path):
    plan = plan_for(ws, admin, MIXED)
    out = tmp_path / "rejected.csv"
    assert patient_import.report_csv(plan, out) == 6
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [*plan.headers, "line", "reasons"]
    assert [r["line"] for r in rows] == ["3", "4", "5", "6", "8", "9"]
    assert rows[0]["First name"] == "Peter" and rows[0]["reasons"] == "family name is empty"
    assert rows[5]["First name"] == "Zoë"
    # The fixed file imports once the reasons are dealt with (here: the future DOB fixed).
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("Surname,First name,DOB\nJones,Tom,01/01/1990\n", encoding="utf-8")
    assert plan_for(ws, admin, fixed).accepted_count == 1


def test_ten_thousand_rows_in_a_few_seconds(ws, admin, tmp_path):
    path = tmp_path / "big.csv"
    lines = ["Surname,First name,DOB,Medicare,Mobile"]
    for i in range(10_000):
        base = f"2{i:07d}"
        check = sum(int(d) * w for d, w in zip(base, W, strict=True)) % 10
        lines.append(
            f"Family{i},Given{i},{1 + i % 28:02d}/{1 + i % 12:02d}/{1930 + i % 60},"
            f"{base}{check}1,04{i:08d}"
        )
    path.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    plan = plan_for(ws, admin, path)
    checked = time.perf_counter()
    result = patient_import.import_rows(ws, admin, plan).value
    done = time.perf_counter()
    print(f"10k rows: validate {checked - start:.2f}s, import {done - checked:.2f}s")
    assert plan.rejected == [] and result.imported == 10_000
    assert done - start < 30  # measured ~2-4 s; generous for slow CI machines
    assert len(registry.query_ids(ws, admin, PatientFilter(text="family9999"))) == 1


# -- export --------------------------------------------------------------------------------------
def test_export_writes_the_filtered_sorted_list_and_audits_without_names(ws, admin, tmp_path):
    patient_import.import_rows(ws, admin, plan_for(ws, admin, GOOD))
    out = tmp_path / "out" / "list.csv"
    out.parent.mkdir()
    mark = last_event(ws)
    count = patient_export.export_list(
        ws, admin, PatientFilter(), sort="dob", descending=True, path=out
    )
    assert count == 4
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(patient_export.COLUMNS)
    assert [r[1] for r in rows[1:]] == ["Papadopoulos", "Nguyen", "Taylor", "Wilson"]
    assert rows[2][4] == "1948-03-07" and rows[2][5] == "2123456701"
    assert rows[2][6] == "0412 345 678" and rows[2][8] == "low"
    assert list(out.parent.iterdir()) == [out]  # no temp file left behind
    exported = [e for e in events(ws, mark) if e[0] == "export"]
    assert len(exported) == 1
    assert exported[0][4] == "CSV export of 4 patients: whole register, sort dob desc"

    count = patient_export.export_list(ws, admin, PatientFilter(text="nguyen"), path=out)
    assert count == 1
    detail = events(ws, last_event(ws) - 1)[-1][4]
    assert "search" in detail and "nguyen" not in detail.lower()


def test_export_refused_for_reception_and_bad_folder(ws, admin, tmp_path):
    reception = staff(ws, admin, Role.RECEPTION, "rita")
    with pytest.raises(PermissionDeniedError):
        patient_export.export_list(ws, reception, PatientFilter(), path=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(ValidationError, match="Cannot write"):
        patient_export.export_list(ws, admin, PatientFilter(), path=tmp_path / "no" / "x.csv")
