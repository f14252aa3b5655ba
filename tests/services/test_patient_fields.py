"""The one list of a patient's fields: the draft, the record, the table, the import, the export,
the demo and the merge all follow it, and a field missing from one of them fails here by name."""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date

import pytest

from carecoord_desktop.models.patient import Patient
from carecoord_desktop.services import demo
from carecoord_desktop.services.patients import (
    export as patient_export,
)
from carecoord_desktop.services.patients import (
    fields as patient_fields,
)
from carecoord_desktop.services.patients import (
    import_mapping,
)
from carecoord_desktop.services.patients import (
    imports as patient_import,
)
from carecoord_desktop.services.patients import merge as patient_merge
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients.fields import NAMES, PATIENT_FIELDS
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.patients.types import PatientDraft, PatientRecord

# Patient columns that are not demographics: the record's own bookkeeping, or written by
# archive and merge only. A new column must be either here or in PATIENT_FIELDS.
BOOKKEEPING = {
    "id", "version", "is_demo", "archived", "archived_at", "merged_into_id", "archive_reason",
    "allergy_status", "previous_identifiers", "created_at", "updated_at",
}  # fmt: skip

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_the_list_is_the_draft_the_record_and_the_table():
    draft = [f.name for f in fields(PatientDraft)]
    assert sorted(draft) == sorted(NAMES), "PatientDraft and PATIENT_FIELDS differ"
    assert len(set(NAMES)) == len(NAMES)
    record = {f.name for f in fields(PatientRecord)}
    assert set(NAMES) - record == set(), "PatientRecord lacks these fields of the list"
    columns = {c.name for c in Patient.__table__.columns}
    assert set(NAMES) - columns == set(), "the patient table lacks these fields of the list"
    assert columns - set(NAMES) - BOOKKEEPING == set(), (
        "patient columns neither in PATIENT_FIELDS nor declared bookkeeping"
    )


def test_every_field_is_described_completely():
    for f in PATIENT_FIELDS:
        assert f.label and f.label[0].isupper(), f.name
        assert f.kind in {"text", "note", "own", "date", "choice", "check", "staff"}, f.name
        assert f.max_len > 0, f.name
        if f.kind in ("text", "note"):
            column = Patient.__table__.columns[f.name]
            assert column.type.length == f.max_len, f"{f.name}: the column holds {column.type}"
    ranks = [f.export_rank for f in patient_fields.EXPORTED]
    assert sorted(ranks) == list(range(len(ranks))), "export ranks must be 0, 1, 2, ..."


def test_the_import_offers_exactly_the_fields_with_header_synonyms():
    assert [f.name for f in import_mapping.FIELDS] == [f.name for f in PATIENT_FIELDS if f.csv]
    for f in patient_fields.IMPORTABLE:
        own = import_mapping.FIELD_BY_NAME[f.name]
        assert (own.label, own.required, own.max_len) == (f.label, f.required, f.max_len)
        # A file headed with our own labels (or the export's headers) maps by itself.
        for header in filter(None, (f.label, f.export)):
            assert import_mapping.guess_mapping([header])[f.name] == header, (f.name, header)
    taken: dict[str, str] = {}
    for f in patient_fields.IMPORTABLE:
        for synonym in f.csv:
            assert synonym not in taken, f"{synonym!r} is a synonym of {taken[synonym]} too"
            taken[synonym] = f.name


def test_the_bulk_inserts_name_every_field_of_the_list():
    for where, columns in (
        ("CSV import", patient_import._INSERT_COLUMNS),
        ("demo seeding", demo._PATIENT_FIELDS),
    ):
        missing = [n for n in NAMES if n not in columns]
        assert missing == [], f"{where} does not write {missing}"
    assert set(patient_merge._FILLABLE) == {f.name for f in PATIENT_FIELDS if f.fillable}


def test_a_field_without_a_value_fails_naming_it_and_where():
    with pytest.raises(RuntimeError, match=r"demo seeding gives no value .*'new_field'"):
        patient_fields.row({"a": 1}, ("a", "new_field"), "demo seeding")


def test_the_demo_gives_every_field_a_value():
    synth = demo._Synth(7, [3], 1, 1, set())
    patients_rows = synth.batch(50)[0]
    assert {len(r) for r in patients_rows} == {len(demo._PATIENT_FIELDS)}
    columns = list(zip(*patients_rows, strict=True))
    filled = {n for n, values in zip(demo._PATIENT_FIELDS, columns, strict=True) if any(values)}
    # Fields the demo leaves empty on purpose; any other field must show up in 50 patients.
    assert set(NAMES) - filled <= {"previous_names", "coordinator_id", "interpreter_needed"}


def test_the_demo_fails_naming_a_field_it_does_not_fill(monkeypatch):
    monkeypatch.setattr(demo, "_PATIENT_FIELDS", (*demo._PATIENT_FIELDS, "new_field"))
    synth = demo._Synth(7, [], 1, 1, set())
    with pytest.raises(RuntimeError, match=r"demo seeding.*new_field"):
        synth.batch(1)


def test_the_import_fails_naming_a_field_it_does_not_fill(monkeypatch):
    monkeypatch.setattr(
        patient_import, "_INSERT_COLUMNS", (*patient_import._INSERT_COLUMNS, "new_field")
    )
    with pytest.raises(RuntimeError, match=r"CSV import.*new_field"):
        patient_import._insert_row(1, "P000001", {}, "2026-01-01 00:00:00.000000")


_CSV_VALUES = {
    "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1948-03-07",
    "preferred_name": "Addie", "sex": "F", "medicare_number": "2123456701",
    "phone": "0491 570 156", "email": "ada@example.org", "address": "1 Example St",
    "practice_id": "P000123", "preferred_language": "Greek", "previous_names": "Byron",
}  # fmt: skip


def test_a_file_with_every_importable_field_lands_in_every_field(ws, admin, tmp_path):
    assert set(_CSV_VALUES) == {f.name for f in patient_fields.IMPORTABLE}, (
        "give the new importable field a value in _CSV_VALUES"
    )
    path = tmp_path / "everything.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([patient_fields.BY_NAME[n].label for n in _CSV_VALUES])
        writer.writerow(_CSV_VALUES.values())
    preview = patient_import.read_csv(path)
    mapping = patient_import.guess_mapping(preview.headers)
    assert all(mapping.values()), mapping
    plan = patient_import.validate(ws, admin, path, mapping)
    [pid] = patient_import.import_rows(ws, admin, plan, all_or_nothing=True).value.patient_ids
    rec = patients.get_record(ws, admin, pid)
    got = {n: getattr(rec, n) for n in _CSV_VALUES}
    assert got == {
        **_CSV_VALUES,
        "date_of_birth": date(1948, 3, 7),
        "sex": "female",
    }
    # The fields the file cannot carry hold a new patient's defaults.
    for name in NAMES:
        if name not in _CSV_VALUES:
            assert getattr(rec, name) == patient_fields.DEFAULTS[name], name


def test_the_export_writes_every_exported_field_from_the_record(ws, admin, tmp_path):
    draft = PatientDraft(
        given_name="Ada", family_name="Lovelace", preferred_name="Addie",
        date_of_birth=date(1948, 3, 7), medicare_number="2123456701",
        phone="0491 570 156", practice_id="P000123", email="ada@example.org",
    )  # fmt: skip
    rec = patients.create_patient(ws, admin, draft).value
    exported = patient_fields.EXPORTED
    assert {f.name for f in exported} == {f.name for f in PATIENT_FIELDS if f.export}
    assert patient_export.COLUMNS[: len(exported)] == tuple(f.export for f in exported)
    out = tmp_path / "list.csv"
    assert patient_export.export_list(ws, admin, PatientFilter(), path=out) == 1
    with out.open(encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    for field in exported:
        value = getattr(rec, field.name)
        expected = value.isoformat() if isinstance(value, date) else str(value)
        assert row[field.export] == expected, field.name
