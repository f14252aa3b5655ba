"""Reading hostile CSV files: strict UTF-8 first, a mixed file reported with its line and byte
and read only the way the user chooses, never as silent mojibake; a stray quotation mark
that swallows the next line is reported as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.interop.csv.decoding import MixedEncodingError, decode_bytes
from carecoord_desktop.services.patients import imports as patient_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MIXED = FIXTURES / "patients_mixed_encoding.csv"
STRAY = FIXTURES / "patients_stray_quote.csv"
CP1252 = FIXTURES / "patients_semicolon_cp1252.csv"


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _names(ws) -> set[str]:
    with ws.raw_connection() as conn:
        rows = conn.execute("SELECT family_name, given_name FROM patient").fetchall()
    return {f"{family} {given}" for family, given in rows}


def test_one_stray_byte_among_utf8_names_is_reported_with_line_and_byte():
    with pytest.raises(MixedEncodingError) as caught:
        patient_import.read_csv(MIXED)
    message = str(caught.value)
    # "Hélène" in Windows-1252: H then 0xE9 at byte 2 of line 3; line 2 is UTF-8 (Müller).
    assert "line 3, byte 2 (0xE9) is not UTF-8" in message
    assert "line 2 holds UTF-8 text" in message
    assert "Nothing was read" in message and "Windows-1252" in message
    assert caught.value.field == "encoding"


def test_the_user_chooses_utf8_and_the_damaged_line_is_rejected_not_imported(ws, admin):
    preview = patient_import.read_csv(MIXED, encoding="utf-8")
    assert preview.rows[0][:2] == ["Müller", "Zoë"] and preview.rows[2][0] == "Nguyễn"
    assert any("rejected" in note for note in preview.notes)
    mapping = patient_import.guess_mapping(preview.headers)
    plan = patient_import.validate(ws, admin, MIXED, mapping, encoding="utf-8")
    assert [r.line for r in plan.rejected] == [3]
    assert plan.rejected[0].reasons[0].startswith("line 3, byte 2 (0xE9) is not UTF-8 text")
    patient_import.import_rows(ws, admin, plan, all_or_nothing=False)
    names = _names(ws)
    assert names == {"Müller Zoë", "Nguyễn Lan", "Smith Anna"}
    assert not any("Ã" in n or "\ufffd" in n for n in names)


def test_the_user_chooses_windows_1252_and_sees_what_it_does_before_importing():
    preview = patient_import.read_csv(MIXED, encoding="cp1252")
    assert preview.encoding == "cp1252"
    assert preview.rows[1][:2] == ["Hélène", "Renée"]
    assert preview.rows[0][0] == "MÃ¼ller"  # the choice's cost is in the preview, not hidden


def test_a_whole_windows_1252_file_is_read_so_and_says_so():
    preview = patient_import.read_csv(CP1252)
    assert preview.encoding == "cp1252" and preview.rows[0][:2] == ["Müller", "Zoë"]
    assert any("not UTF-8: it was read as Windows-1252" in note for note in preview.notes)


def test_utf8_files_are_read_strictly_without_a_note(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes("\ufeffSurname,Given,DOB\nMüller,Zoë,01/02/1950\n".encode())
    preview = patient_import.read_csv(path)
    assert preview.encoding == "utf-8-sig" and preview.notes == []
    path.write_bytes(b"\xef\xbb\xbfSurname,Given,DOB\nM\xfcller,Zoe,01/02/1950\n")
    with pytest.raises(MixedEncodingError, match="line 2, byte 2"):
        patient_import.read_csv(path)  # a BOM says UTF-8: a byte that is not is reported


def test_bytes_neither_encoding_reads_are_reported_with_their_place():
    with pytest.raises(ValidationError, match=r"line 2, byte 3 \(0x81\)"):
        decode_bytes(b"Surname,Given\nAb\x81c,D\n")
    with pytest.raises(ValidationError, match="Unknown text encoding"):
        decode_bytes(b"a\n", "latin-9")


def test_a_stray_quote_that_swallows_the_next_line_is_reported_as_such(ws, admin):
    preview = patient_import.read_csv(STRAY)
    assert any(
        "A stray quotation mark on line 3 joins lines 3-4 into one cell" in note
        for note in preview.notes
    )
    plan = patient_import.validate(ws, admin, STRAY, patient_import.guess_mapping(preview.headers))
    reasons = {r.line: r.reasons for r in plan.rejected}
    assert reasons[3][0].startswith("a stray quotation mark on line 3 joins lines 3-4")
    # A quoted address over two lines is not a stray quote; a name over two lines is refused.
    assert not any("stray" in r for r in reasons[6])
    assert "given name must be on one line" in " ".join(reasons[6])
    assert plan.accepted_lines == [2, 5]
