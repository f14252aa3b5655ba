"""A patient's demographic fields, declared once.

Why dataclasses and not the SQLModel `XCreate`/`XUpdate` families: the service API already is
the plain dataclasses of services/patient_types (PatientDraft in, PatientRecord and the list rows
out), used by the UI, the CLI and the tests; the SQLModel create/update classes had no caller and
were deleted, leaving the table models (and the `XBase` they inherit) in models/.

What was left was the same field names written out again and again: the draft, the record, the
merge's fillable fields, the CSV import's targets and header synonyms, its INSERT, the demo's
INSERT and the export's columns. Each of those now reads PATIENT_FIELDS. Adding a field means one
entry here (and the column in models/ with its migration); `csv` and `export` have no default so
the new entry must say whether the import and the export carry it, and
tests/services/test_patient_fields.py fails naming the place that does not follow the list.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import date
from enum import Enum

from carecoord_desktop.services.patient_types import PatientDraft


@dataclass(frozen=True, kw_only=True)
class PatientField:
    name: str  # the PatientDraft / PatientRecord attribute and the patient column
    label: str  # as the import's mapping and messages name it
    csv: tuple[str, ...]  # header synonyms (normalised: lower case, letters and digits); ()
    # means the CSV import does not offer the field
    export: str | None  # the export's column header; None: not exported
    fillable: bool  # a merge fills the kept record's empty value from the merged one
    required: bool = False
    max_len: int = 80
    export_rank: int = 0  # the export's column order among the exported fields


_NOTE = 500

# In the CSV import's order (its mapping dialog lists the fields so) and the merge's.
PATIENT_FIELDS: tuple[PatientField, ...] = (
    PatientField(name="given_name", label="Given name", required=True, fillable=False,
                 csv=("givenname", "given", "firstname", "first", "forename", "forenames",
                      "givennames", "fname"),
                 export="Given name", export_rank=2),
    PatientField(name="family_name", label="Family name", required=True, fillable=False,
                 csv=("familyname", "surname", "lastname", "last", "family", "lname"),
                 export="Family name", export_rank=1),
    PatientField(name="date_of_birth", label="Date of birth", required=True, fillable=False,
                 csv=("dateofbirth", "dob", "birthdate", "born", "birthday", "dateborn"),
                 export="Date of birth", export_rank=4),
    PatientField(name="preferred_name", label="Preferred name", fillable=True,
                 csv=("preferredname", "knownas", "nickname", "preferred"),
                 export="Preferred name", export_rank=3),
    PatientField(name="sex", label="Sex", fillable=False, csv=("sex", "gender"), export=None),
    PatientField(name="medicare_number", label="Medicare number", fillable=True, max_len=16,
                 csv=("medicarenumber", "medicare", "medicareno", "medicarecard",
                      "medicarecardnumber", "medicarenum"),
                 export="Medicare number", export_rank=5),
    PatientField(name="phone", label="Phone", fillable=True, max_len=32,
                 csv=("phone", "mobile", "mobilephone", "phonenumber", "telephone", "tel",
                      "mobileno", "homephone", "contactnumber", "cell"),
                 export="Phone", export_rank=6),
    PatientField(name="email", label="E-mail", fillable=True, max_len=120,
                 csv=("email", "emailaddress", "mail"), export=None),
    PatientField(name="address", label="Address", fillable=True, max_len=240,
                 csv=("address", "homeaddress", "streetaddress", "residentialaddress",
                      "street"),
                 export=None),
    PatientField(name="coordinator_id", label="Coordinator", fillable=True, csv=(),
                 export=None),
    PatientField(name="practice_id", label="Practice ID", fillable=False, max_len=32,
                 csv=("practiceid", "patientid", "chartnumber", "chartno", "mrn",
                      "recordnumber", "patientnumber", "patientno"),
                 export="Practice id", export_rank=0),
    PatientField(name="preferred_language", label="Preferred language", fillable=True,
                 csv=("preferredlanguage", "language", "languagespoken", "mainlanguage"),
                 export=None),
    PatientField(name="previous_names", label="Previous names", fillable=False, max_len=_NOTE,
                 csv=("previousnames", "previousname", "formername", "formernames",
                      "maidenname", "aliases", "alias", "othernames"),
                 export=None),
    PatientField(name="lives_alone", label="Lives alone", fillable=False, csv=(), export=None),
    PatientField(name="interpreter_needed", label="Interpreter needed", fillable=False,
                 csv=(), export=None),
    PatientField(name="communication_preferences", label="Communication preferences",
                 fillable=True, max_len=_NOTE, csv=(), export=None),
    PatientField(name="cultural_considerations", label="Cultural or religious considerations",
                 fillable=True, max_len=_NOTE, csv=(), export=None),
    PatientField(name="acd_status", label="Advance care directive", fillable=False, csv=(),
                 export=None),
    PatientField(name="acd_date", label="Advance care directive date", fillable=True, csv=(),
                 export=None),
    PatientField(name="acd_location", label="Where the directive is kept", fillable=True,
                 max_len=_NOTE, csv=(), export=None),
    PatientField(name="housing", label="Housing", fillable=True, max_len=_NOTE, csv=(),
                 export=None),
    PatientField(name="transport", label="Transport", fillable=True, max_len=_NOTE, csv=(),
                 export=None),
    PatientField(name="finances", label="Finances", fillable=True, max_len=_NOTE, csv=(),
                 export=None),
    PatientField(name="social_isolation", label="Social isolation", fillable=True,
                 max_len=_NOTE, csv=(), export=None),
    PatientField(name="functional_status", label="Functional status", fillable=True,
                 max_len=_NOTE, csv=(), export=None),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(f.name for f in PATIENT_FIELDS)
BY_NAME: dict[str, PatientField] = {f.name: f for f in PATIENT_FIELDS}
IMPORTABLE: tuple[PatientField, ...] = tuple(f for f in PATIENT_FIELDS if f.csv)
EXPORTED: tuple[PatientField, ...] = tuple(
    sorted((f for f in PATIENT_FIELDS if f.export), key=lambda f: f.export_rank)
)
FILLABLE: tuple[str, ...] = tuple(f.name for f in PATIENT_FIELDS if f.fillable)

# What a new patient holds in a field nobody filled (the CSV import's unmapped fields).
DEFAULTS: dict[str, object] = {
    f.name: f.default for f in fields(PatientDraft) if f.default is not MISSING
}


def stored(value: object) -> object:
    """A value as SQLAlchemy stores it on SQLite, for bulk INSERTs that bypass the ORM:
    enums by NAME, booleans as 0/1, dates as ISO text."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def row(values: dict[str, object], columns: tuple[str, ...], where: str) -> tuple:
    """`values` in `columns` order; a column with no value fails naming it and `where`."""
    missing = [c for c in columns if c not in values]
    if missing:
        raise RuntimeError(f"{where} gives no value for patient field(s) {missing}")
    return tuple(values[c] for c in columns)
