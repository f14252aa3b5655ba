"""Field rules of the patient record (dates, Medicare, phone, e-mail, lengths) and the lookups
that every record service shares."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import UTC, date, datetime

from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.patient import (
    Patient,
)

EARLIEST_DOB = date(1900, 1, 1)
MAX_AGE = 120
CONDITION_STATUSES = ("active", "resolved", "inactive")
ALLERGY_SEVERITIES = ("mild", "moderate", "severe", "unknown")
_MEDICARE_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9)
PRACTICE_ID_PATTERN = re.compile(r"^P\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


# -- validation helpers --------------------------------------------------------------------------
def fold(value: str) -> str:
    """Lower case without accents, spaces squeezed ("Zoë  O'Brien" -> "zoe o'brien")."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def medicare_digits(value: str) -> str:
    return "".join(value.split())


def medicare_valid(value: str) -> bool:
    """10 digits (spaces allowed) with a good check digit, optionally an 11th digit (IRN)."""
    digits = medicare_digits(value)
    if not digits.isdigit() or len(digits) not in (10, 11) or digits[0] not in "23456":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], _MEDICARE_WEIGHTS, strict=True))
    return total % 10 == int(digits[8])


def same_medicare_person(a: str, b: str) -> bool:
    """Two Medicare numbers (digits) name the same person: one card covers a family, so a
    different 11th digit (the reference number, IRN) is another person on the same card."""
    return a[:10] == b[:10] and (len(a) == 10 or len(b) == 10 or a[10] == b[10])


# Free-text fields typed in a box of several lines; every other text field is one line.
MULTILINE_FIELDS = frozenset(
    {"address", "communication_preferences", "cultural_considerations", "housing", "transport",
     "finances", "social_isolation", "functional_status", "notes"}
)  # fmt: skip
# Invisible characters that change what a name looks like or how it sorts and matches:
# bidirectional overrides and isolates ("Trojan source"), zero-width space, byte-order mark.
_INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff")
_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
_NONCHARACTERS = "".join(chr(p * 0x10000 + o) for p in range(17) for o in (0xFFFE, 0xFFFF))
# One C-speed search finds the rare value to explain; only then the loop below words it.
_SUSPECT = "\u2028\u2029\ud800-\udfff\ufdd0-\ufdef" + "".join(sorted(_INVISIBLE)) + _NONCHARACTERS
_SUSPECT_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_SUSPECT}]")
_SUSPECT_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SUSPECT}]")


def text_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as the `label` (None if it can): one rule for the form, the
    service API and the import. Control characters (NUL, ESC, BEL, backspace…), invisible
    formatting and broken Unicode are refused; a multi-line field allows line breaks and tabs."""
    if not (_SUSPECT_MULTI_LINE if multiline else _SUSPECT_ONE_LINE).search(value):
        return None
    return worded_problem(value, label, multiline=multiline)


def worded_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """The first refused character of `value`, in words (the slow half of `text_problem`)."""
    for pos, ch in enumerate(value, start=1):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return (
                f"The {label} contains a broken character (position {pos}) that is not valid "
                "text. Delete it and type that part again."
            )
        if multiline and ch in "\n\r\t":
            continue
        if ch in _LINE_BREAKS and not multiline:
            return f"The {label} must be on one line: remove the line break (position {pos})."
        if ch == "\t":
            return f"The {label} cannot contain a tab (position {pos}); use a space."
        if (
            unicodedata.category(ch) == "Cc"
            or ch in _LINE_BREAKS
            or ch in _INVISIBLE
            or (code & 0xFFFE) == 0xFFFE
            or 0xFDD0 <= code <= 0xFDEF
        ):
            return (
                f"The {label} contains an invisible control character (U+{code:04X} at "
                f"position {pos}), often left by copying from another program. Delete it and "
                "type that part again."
            )
    return None


def check_text(
    value: str | None, name: str, label: str, *, multiline: bool | None = None
) -> str | None:
    """`value` as it is, or a ValidationError naming the field if `text_problem` finds one."""
    if not value:
        return value
    if multiline is None:
        multiline = name in MULTILINE_FIELDS
    problem = text_problem(value, label, multiline=multiline)
    if problem:
        raise ValidationError(problem, field=name)
    return value


def clean_text(
    value: str | None,
    name: str,
    max_len: int,
    label: str,
    required=False,
    *,
    multiline: bool | None = None,
) -> str | None:
    check_text(value, name, label, multiline=multiline)
    value = (value or "").strip() or None
    if value is None and required:
        raise ValidationError(f"Enter the {label}.", field=name)
    if value is not None and len(value) > max_len:
        raise ValidationError(
            f"The {label} is too long ({len(value)} characters; at most {max_len}).", field=name
        )
    return value


def clean_phone(value: str | None, name: str = "phone") -> str | None:
    check_text(value, name, "phone number")
    value = (value or "").strip() or None
    if value is None:
        return None
    compact = _PHONE_SEPARATORS.sub("", value)
    rest = compact[3:] if compact.startswith("+61") else compact
    if not rest.isdigit() or not 8 <= len(rest) <= 12:
        raise ValidationError(
            "Enter a phone number of 8 to 12 digits (spaces allowed), optionally starting "
            "with +61, for example 0412 345 678 or +61 3 9123 4567.",
            field=name,
        )
    return value


def clean_email(value: str | None, name: str = "email") -> str | None:
    check_text(value, name, "e-mail address")
    value = (value or "").strip() or None
    if value is not None and (len(value) > 120 or not _EMAIL.match(value)):
        raise ValidationError(
            "Enter an e-mail address like name@example.com (or leave it empty).", field=name
        )
    return value


def check_past_date(value: date | None, name: str, label: str, born: date | None = None) -> None:
    if value is None:
        return
    if value > date.today():
        raise ValidationError(f"The {label} cannot be in the future.", field=name)
    if value < (born or EARLIEST_DOB):
        before = "the date of birth" if born else EARLIEST_DOB.strftime("%d/%m/%Y")
        raise ValidationError(f"The {label} cannot be before {before}.", field=name)


# -- dates typed as text: one rule for the forms and the CSV import ------------------------------
# Day/month/year (the Australian order) or year-month-day, separated by / . or -. A date is read
# exactly as written or not at all: 31/02/1950 is refused, never moved to 28/02.
DMY_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
YMD_DATE = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
DATE_EXAMPLE = "22/07/1951"


def read_date(value: str, order: str = "dmy", *, short_year_before: date | None = None):
    """The date written in `value` in `order` ("dmy", "mdy" or "ymd"), or None if it is not one.

    A two-digit year is read only when `short_year_before` is given (a file of birth dates: the
    most recent such year not after it); a form asks for the year in full.
    """
    value = value.strip()
    if order == "ymd":
        m = YMD_DATE.fullmatch(value)
        if not m:
            return None
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = DMY_DATE.fullmatch(value)
        if not m:
            return None
        a, b, y_text = m.groups()
        d, mo = (int(a), int(b)) if order == "dmy" else (int(b), int(a))
        y = int(y_text)
        if len(y_text) == 2:
            if short_year_before is None:
                return None
            y += 2000 if 2000 + y <= short_year_before.year else 1900
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def typed_date(value: str | None, name: str, label: str, required: bool = False) -> date | None:
    """A date typed into a form (d/m/yyyy, dd/mm/yyyy or yyyy-mm-dd), or ValidationError that
    says in plain words what is wrong with it; empty is None (or "enter it" when required)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(
                f"Enter the {label} as day/month/year, for example {DATE_EXAMPLE}.", field=name
            )
        return None
    found = read_date(value, "ymd" if YMD_DATE.fullmatch(value) else "dmy")
    if found is not None:
        return found
    raise ValidationError(_date_problem(value, label), field=name)


def _date_problem(value: str, label: str) -> str:
    ymd = YMD_DATE.fullmatch(value)
    dmy = DMY_DATE.fullmatch(value)
    if ymd:
        y, mo = int(ymd.group(1)), int(ymd.group(2))
    elif dmy:
        mo, y = int(dmy.group(2)), int(dmy.group(3))
        if len(dmy.group(3)) == 2:
            return f"Type the year of the {label} in full, for example {DATE_EXAMPLE}."
    else:
        return f"Type the {label} as day/month/year, for example {DATE_EXAMPLE}."
    if not 1 <= mo <= 12:
        return f"There is no month {mo}: type the {label} as day/month/year ({DATE_EXAMPLE})."
    if y < 1:
        return f"There is no year {y}: type the {label} as day/month/year ({DATE_EXAMPLE})."
    last = calendar.monthrange(y, mo)[1]
    return f"{value} is not a real date: {calendar.month_name[mo]} {y} has {last} days."


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def patient_or_error(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValidationError("That patient is not in the register.", field="patient_id")
    return patient


def editable_patient(session: Session, patient_id: int) -> Patient:
    patient = patient_or_error(session, patient_id)
    if patient.merged_into_id is not None:
        raise ValidationError(
            f"This record was merged into record {patient.merged_into_id}; edit that one."
        )
    if patient.archived:
        raise ValidationError("This record is archived: unarchive it before changing it.")
    return patient


def aware(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)
