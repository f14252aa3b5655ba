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

from carecoord_desktop.services.patients.types import PatientDraft


@dataclass(frozen=True, kw_only=True)
class PatientField:
    name: str  # the PatientDraft / PatientRecord attribute and the patient column
    label: str  # as the import's mapping and the form name it
    kind: str  # "text" and "note" are checked by the plain text rule (clean_text); "own": a
    # rule of its own (Medicare, phone, ...); "date", "choice", "check", "staff"
    csv: tuple[str, ...]  # header synonyms (normalised: lower case, letters and digits); ()
    # means the CSV import does not offer the field
    export: str | None  # the export's column header; None: not exported
    fillable: bool  # a merge fills the kept record's empty value from the merged one
    required: bool = False
    max_len: int = 80
    export_rank: int = 0  # the export's column order among the exported fields
    noun: str = ""  # how a message names it, when not the label in lower case
    form_label: str = ""  # the form's, under its group heading, when not the label

    @property
    def said(self) -> str:
        return self.noun or self.label.lower()


_NOTE = 500

# In the CSV import's order (its mapping dialog lists the fields so) and the merge's.
_F = PatientField  # the table below reads better short

PATIENT_FIELDS: tuple[PatientField, ...] = (
    _F(name="given_name", label="Given name", kind="text", required=True, fillable=False,
      export="Given name", export_rank=2,
      csv=("givenname", "given", "firstname", "first", "forename", "forenames", "givennames",
           "fname")),
    _F(name="family_name", label="Family name", kind="text", required=True, fillable=False,
      export="Family name", export_rank=1,
      csv=("familyname", "surname", "lastname", "last", "family", "lname")),
    _F(name="date_of_birth", label="Date of birth", kind="date", required=True, fillable=False,
      export="Date of birth", export_rank=4,
      csv=("dateofbirth", "dob", "birthdate", "born", "birthday", "dateborn")),
    _F(name="preferred_name", label="Preferred name", kind="text", fillable=True,
      export="Preferred name", export_rank=3,
      csv=("preferredname", "knownas", "nickname", "preferred")),
    _F(name="sex", label="Sex", kind="choice", fillable=False, export=None,
      csv=("sex", "gender")),
    _F(name="medicare_number", label="Medicare number", kind="own", max_len=16, fillable=True,
      export="Medicare number", export_rank=5,
      csv=("medicarenumber", "medicare", "medicareno", "medicarecard", "medicarecardnumber",
           "medicarenum")),
    _F(name="phone", label="Phone", kind="own", max_len=32, fillable=True,
      export="Phone", export_rank=6,
      csv=("phone", "mobile", "mobilephone", "phonenumber", "telephone", "tel", "mobileno",
           "homephone", "contactnumber", "cell")),
    _F(name="email", label="E-mail", kind="own", max_len=120, fillable=True, export=None,
      csv=("email", "emailaddress", "mail")),
    _F(name="address", label="Address", kind="text", max_len=240, fillable=True, export=None,
      csv=("address", "homeaddress", "streetaddress", "residentialaddress", "street")),
    _F(name="coordinator_id", label="Coordinator", kind="staff", fillable=True, export=None,
      csv=()),
    _F(name="practice_id", label="Practice ID", kind="own", max_len=32, fillable=False,
      export="Practice ID", export_rank=0,
      csv=("practiceid", "patientid", "chartnumber", "chartno", "mrn", "recordnumber",
           "patientnumber", "patientno")),
    _F(name="preferred_language", label="Preferred language", kind="text", fillable=True,
      export=None,
      csv=("preferredlanguage", "language", "languagespoken", "mainlanguage")),
    _F(name="previous_names", label="Previous names", kind="note", max_len=_NOTE, fillable=False,
      export=None,
      csv=("previousnames", "previousname", "formername", "formernames", "maidenname",
           "aliases", "alias", "othernames")),
    _F(name="lives_alone", label="Lives alone", kind="check", fillable=False, export=None, csv=()),
    _F(name="interpreter_needed", label="Interpreter needed", kind="check", fillable=False,
      export=None, csv=()),
    _F(name="communication_preferences", label="Communication preferences", kind="note",
      max_len=_NOTE, fillable=True, export=None, form_label="Communication", csv=()),
    _F(name="cultural_considerations", label="Cultural or religious considerations", kind="note",
      max_len=_NOTE, fillable=True, export=None, form_label="Cultural / religious", csv=()),
    _F(name="acd_status", label="Advance care directive", kind="choice", fillable=False,
      export=None, form_label="Status", csv=()),
    _F(name="acd_date", label="Advance care directive date", kind="date", fillable=True,
      export=None, form_label="Date", csv=()),
    _F(name="acd_location", label="Where the directive is kept", kind="note", max_len=_NOTE,
      noun="place the advance care directive is kept", fillable=True, export=None,
      form_label="Where it is kept", csv=()),
    _F(name="housing", label="Housing", kind="note", max_len=_NOTE, noun="housing note",
      fillable=True, export=None, csv=()),
    _F(name="transport", label="Transport", kind="note", max_len=_NOTE, noun="transport note",
      fillable=True, export=None, csv=()),
    _F(name="finances", label="Finances", kind="note", max_len=_NOTE, noun="finances note",
      fillable=True, export=None, csv=()),
    _F(name="social_isolation", label="Social isolation", kind="note", max_len=_NOTE,
      noun="social isolation note", fillable=True, export=None, csv=()),
    _F(name="functional_status", label="Functional status", kind="note", max_len=_NOTE,
      fillable=True, export=None, csv=()),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(f.name for f in PATIENT_FIELDS)
BY_NAME: dict[str, PatientField] = {f.name: f for f in PATIENT_FIELDS}
IMPORTABLE: tuple[PatientField, ...] = tuple(f for f in PATIENT_FIELDS if f.csv)
EXPORTED: tuple[PatientField, ...] = tuple(
    sorted((f for f in PATIENT_FIELDS if f.export), key=lambda f: f.export_rank)
)
FILLABLE: tuple[str, ...] = tuple(f.name for f in PATIENT_FIELDS if f.fillable)
TEXT: tuple[PatientField, ...] = tuple(f for f in PATIENT_FIELDS if f.kind in ("text", "note"))

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
