"""Dates and times of a conference as the forms type them and the lists show them.

The date is typed in the app's one date field (ui/widgets/date_field, dd/mm/yyyy); the time is
typed as text too ("9:30", "0930", "2.15 pm", "14:15"), read with one rule here, and what does
not read as a time is refused with a message, never changed to another time. Stored datetimes
are aware UTC; they are shown and typed in the machine's local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from carecoord_desktop.errors import ValidationError

TIME_EXAMPLE = "10:30 or 2:15 pm"
_TIME = re.compile(r"^(\d{1,2})(?:[:.h ]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


def typed_time(text: str, field: str = "time") -> time:
    """The time typed, or ValidationError naming `field` with what to type instead."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(f"Enter the time, for example {TIME_EXAMPLE}.", field=field)
    match = _TIME.fullmatch(value)
    if match is None:
        raise ValidationError(
            f"“{value}” is not a time: type it as hours:minutes, for example {TIME_EXAMPLE}.",
            field=field,
        )
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower().replace(".", "")
    if half:
        if not 1 <= hours <= 12:
            raise ValidationError(f"“{value}”: with am or pm the hour is 1 to 12.", field=field)
        hours = hours % 12 + (12 if half == "pm" else 0)
    if hours > 23 or minutes > 59:
        raise ValidationError(
            f"“{value}” is not a time of day: hours 0 to 23, minutes 0 to 59.", field=field
        )
    return time(hours, minutes)


def local_datetime(day: date, at: time) -> datetime:
    """The day and time as typed, on this machine's clock, as an aware datetime."""
    return datetime.combine(day, at).astimezone()


def local(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    if at.tzinfo is None:  # stored values are UTC; SQLite hands them back naive
        from datetime import UTC

        at = at.replace(tzinfo=UTC)
    return at.astimezone()


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def time_text(at: datetime | None) -> str:
    return local(at).strftime("%H:%M") if at is not None else ""


def when_text(at: datetime | None) -> str:
    """ "Tue 08/12/2026 10:30": the weekday helps a coordinator placing a meeting."""
    return local(at).strftime("%a %d/%m/%Y %H:%M") if at is not None else ""
