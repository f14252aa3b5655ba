"""Which column of a patient list holds what: the importable fields and the header names
other systems give them (compared without case, spaces or punctuation); both are read from
the one list of a patient's fields, services/patient_fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carecoord_desktop.models.patient import Sex
from carecoord_desktop.services.csv_reading import normalise_header
from carecoord_desktop.services.patients import fields as patient_fields


@dataclass(frozen=True)
class ImportField:
    name: str  # the PatientDraft field
    label: str
    required: bool = False
    max_len: int = 80


# The importable fields and their header synonyms come from the one list of a patient's fields.
FIELDS: tuple[ImportField, ...] = tuple(
    ImportField(f.name, f.label, f.required, f.max_len) for f in patient_fields.IMPORTABLE
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Header synonyms, compared after normalise_header (lower case, letters and digits only).
_SYNONYMS: dict[str, tuple[str, ...]] = {f.name: f.csv for f in patient_fields.IMPORTABLE}


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
