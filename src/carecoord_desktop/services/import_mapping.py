"""Which column of a patient list holds what: the importable fields and the header names
other systems give them (compared without case, spaces or punctuation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carecoord_desktop.models.patient import Sex
from carecoord_desktop.services.csv_reading import normalise_header


@dataclass(frozen=True)
class ImportField:
    name: str  # the PatientDraft field
    label: str
    required: bool = False
    max_len: int = 80


FIELDS: tuple[ImportField, ...] = (
    ImportField("given_name", "Given name", True),
    ImportField("family_name", "Family name", True),
    ImportField("date_of_birth", "Date of birth", True),
    ImportField("preferred_name", "Preferred name"),
    ImportField("sex", "Sex"),
    ImportField("medicare_number", "Medicare number"),
    ImportField("phone", "Phone"),
    ImportField("email", "E-mail", max_len=120),
    ImportField("address", "Address", max_len=240),
    ImportField("practice_id", "Practice ID"),
    ImportField("preferred_language", "Preferred language"),
    ImportField("previous_names", "Previous names", max_len=500),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Header synonyms, compared after _norm (lower case, letters and digits only).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "given_name": ("givenname", "given", "firstname", "first", "forename", "forenames",
                   "givennames", "fname"),
    "family_name": ("familyname", "surname", "lastname", "last", "family", "lname"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "born", "birthday", "dateborn"),
    "preferred_name": ("preferredname", "knownas", "nickname", "preferred"),
    "sex": ("sex", "gender"),
    "medicare_number": ("medicarenumber", "medicare", "medicareno", "medicarecard",
                        "medicarecardnumber", "medicarenum"),
    "phone": ("phone", "mobile", "mobilephone", "phonenumber", "telephone", "tel", "mobileno",
              "homephone", "contactnumber", "cell"),
    "email": ("email", "emailaddress", "mail"),
    "address": ("address", "homeaddress", "streetaddress", "residentialaddress", "street"),
    "practice_id": ("practiceid", "patientid", "chartnumber", "chartno", "mrn", "recordnumber",
                    "patientnumber", "patientno"),
    "preferred_language": ("preferredlanguage", "language", "languagespoken", "mainlanguage"),
    "previous_names": ("previousnames", "previousname", "formername", "formernames",
                       "maidenname", "aliases", "alias", "othernames"),
}  # fmt: skip


def guess_mapping(headers: Iterable[str]) -> dict[str, str | None]:
    """For each importable field, the header that looks like it (case and spaces ignored)."""
    headers = list(headers)
    normal = {h: normalise_header(h) for h in headers}
    used: set[str] = set()
    out: dict[str, str | None] = {}
    for f in FIELDS:
        synonyms = _SYNONYMS[f.name]
        found = None
        for syn in synonyms:  # in order of preference: the exact name wins over a loose one
            found = next((h for h in headers if h not in used and normal[h] == syn), None)
            if found:
                break
        out[f.name] = found
        if found:
            used.add(found)
    return out


# What other systems write in a sex or gender column (folded to lower case).
SEX_WORDS = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "woman": Sex.FEMALE,
    "m": Sex.MALE, "male": Sex.MALE, "man": Sex.MALE,
    "o": Sex.OTHER, "other": Sex.OTHER, "x": Sex.OTHER, "intersex": Sex.OTHER,
    "indeterminate": Sex.OTHER, "nonbinary": Sex.OTHER, "non-binary": Sex.OTHER,
    "u": Sex.UNKNOWN, "unknown": Sex.UNKNOWN, "not stated": Sex.UNKNOWN, "": Sex.UNKNOWN,
}  # fmt: skip
