"""The practice's business days: weekends and the region's public holidays (the `holidays`
package, substitute days included), plus local holidays added by hand (a show day the state
calendar leaves out, such as the Royal Queensland Show in Brisbane).

`PracticeCalendar.add_business_days(d, n)` is the discharge clock: "within 2 business days of
discharge" is the 2nd working day after the discharge date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import LocalHoliday
from carecoord_desktop.services import audit, conflicts, settings
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks.regions import parse_region
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class LocalHolidayRow:
    id: int
    version: int
    day: date
    name: str


@dataclass
class PracticeCalendar:
    """Working days for one region and the practice's own closed days."""

    region: str
    local: dict[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import holidays

        country, subdiv = parse_region(self.region)
        self._days = holidays.country_holidays(country, subdiv=subdiv)
        for day, name in self.local.items():
            self._days[day] = name  # the package keeps these beside the years it fills in

    def holiday_name(self, day: date) -> str | None:
        """The holiday on `day` (public or local), or None."""
        return self._days.get(day)

    def is_business_day(self, day: date) -> bool:
        return self._days.is_working_day(day)

    def add_business_days(self, start: date, n: int) -> date:
        """The `n`th business day after `start` (n = 0: `start`, or the next business day)."""
        return self._days.get_nth_working_day(start, n)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (negative when end is before)."""
        if end < start:
            return -self.business_days_between(end, start)
        return self._days.get_working_days_count(start, end) - int(self.is_business_day(start))

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """The year's public and local holidays, in date order."""
        _ = date(year, 1, 1) in self._days  # a lookup fills in the year
        return sorted((d, n) for d, n in self._days.items() if d.year == year)


def warm_up() -> None:
    """Import the holiday calendars and load one country (the first load of any country reads
    every country's module: ~200 ms), so the first countdown a user sees is not the slow one."""
    import holidays

    holidays.country_holidays("AU", subdiv="NSW", years=date.today().year)


def read_calendar(session: Session) -> PracticeCalendar:
    stored = (
        session.connection()
        .execute(text("SELECT value FROM practice_setting WHERE key = 'holiday_region'"))
        .scalar()
    )
    region = json.loads(stored) if stored else settings.PracticeSettings().holiday_region
    rows = session.connection().execute(text("SELECT day, name FROM local_holiday"))
    local = {r[0] if isinstance(r[0], date) else date.fromisoformat(r[0]): r[1] for r in rows}
    return PracticeCalendar(region, local)


def load_calendar(ws: Workspace) -> PracticeCalendar:
    with ws.session() as session:
        return read_calendar(session)


def list_local_holidays(ws: Workspace) -> list[LocalHolidayRow]:
    with ws.session() as session:
        rows = session.connection().execute(
            text("SELECT id, version, day, name FROM local_holiday ORDER BY day")
        )
        return [LocalHolidayRow(r[0], r[1], date.fromisoformat(str(r[2])), r[3]) for r in rows]


def add_local_holiday(
    ws: Workspace, actor: Actor, day: date, name: str
) -> Changed[LocalHolidayRow]:
    """A day the practice is closed that the region's calendar does not have."""
    require(actor, Permission.CHANGE_SETTINGS)
    cleaned = (name or "").strip()
    if not cleaned:
        raise ValidationError("Name the holiday (for example 'Royal Queensland Show').", "name")
    if len(cleaned) > 120:
        raise ValidationError("Keep the holiday's name under 120 characters.", "name")
    if not isinstance(day, date):
        raise ValidationError("Enter the holiday's date.", field="day")
    with ws.write_session() as session:
        row = LocalHoliday(day=day, name=cleaned, created_by_id=actor.user_id)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise ValidationError(
                f"{day.day} {day:%B %Y} is already a local holiday.", field="day"
            ) from None
        audit.record(
            session, actor, AuditAction.CREATE, record_type="local_holiday", record_id=row.id,
            detail="added local holiday",
        )  # fmt: skip
        session.commit()
        return Changed(
            LocalHolidayRow(row.id, row.version, row.day, row.name),
            Changes.of(Kind.SETTINGS, Kind.TASKS, Kind.AUDIT),
        )


def remove_local_holiday(
    ws: Workspace, actor: Actor, holiday_id: int, *, version: int | None = None
) -> Changed[None]:
    require(actor, Permission.CHANGE_SETTINGS)
    target = conflicts.Target("local_holiday", holiday_id, "this local holiday")
    with ws.write_session() as session:
        row = session.get(LocalHoliday, holiday_id)
        if row is None:
            raise conflicts.removed_error(session, actor, target)
        conflicts.check(session, actor, target, row.version, version)
        session.delete(row)
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()
        audit.record(
            session, actor, AuditAction.DELETE, record_type="local_holiday", record_id=holiday_id,
            detail="removed local holiday",
        )  # fmt: skip
        session.commit()
        return Changed(None, Changes.of(Kind.SETTINGS, Kind.TASKS, Kind.AUDIT))
