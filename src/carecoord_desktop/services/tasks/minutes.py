"""Coordination minutes: a per-patient timer (start, pause, resume, stop) kept in the database,
so a screen lock, a sign-out or a crash keeps it, and entries typed in by hand, each saying
what was done; the month's total per patient against the CMS chronic care management
thresholds (20, 40 and 60 minutes a month), and the month's report.

A timer belongs to one staff member and one patient. Its elapsed time is the seconds banked at
each pause plus, while it runs, the time since it last started; stopping it saves one entry of
whole minutes (rounded to the nearest) and removes the timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.task import MinutesEntry, MinutesSource, MinutesTimer, TimerState
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

CCM_THRESHOLDS = (20, 40, 60)
NEAR_MARGIN = 5  # minutes short of a threshold that count as "near"
MAX_ENTRY_MINUTES = 600
ACTIVITY_MAX = 200


@dataclass(frozen=True)
class TimerRow:
    id: int
    version: int
    patient_id: int
    state: TimerState
    started_at: datetime
    elapsed_seconds: int  # as of the read; add the time since while `running`
    activity: str | None
    read_at: datetime

    @property
    def running(self) -> bool:
        return self.state == TimerState.RUNNING

    def elapsed_at(self, now: datetime) -> int:
        extra = (now - self.read_at).total_seconds() if self.running else 0
        return self.elapsed_seconds + max(0, int(extra))


@dataclass(frozen=True)
class MinutesEntryRow:
    id: int
    patient_id: int
    work_date: date
    minutes: int
    activity: str
    staff_name: str
    source: MinutesSource


@dataclass(frozen=True)
class Threshold:
    """Where a month's minutes stand: the highest threshold reached, the next one and how far."""

    minutes: int
    reached: int | None
    next: int | None
    to_next: int | None

    @property
    def near(self) -> bool:
        return self.to_next is not None and self.to_next <= NEAR_MARGIN

    @property
    def label(self) -> str:
        if self.reached is None and not self.near:
            return ""
        parts = [f"past {self.reached}"] if self.reached else []
        if self.near:
            parts.append(f"{self.to_next} min to {self.next}")
        return "; ".join(parts)


def threshold(minutes: int) -> Threshold:
    reached = max((t for t in CCM_THRESHOLDS if minutes >= t), default=None)
    nxt = next((t for t in CCM_THRESHOLDS if minutes < t), None)
    return Threshold(minutes, reached, nxt, None if nxt is None else nxt - minutes)


@dataclass(frozen=True)
class MonthRow:
    patient_id: int
    practice_id: str
    patient_name: str
    minutes: int
    entries: int
    threshold: Threshold


def parse_month(value: str | date) -> date:
    """The first day of the month "YYYY-MM" (or of a date's month); a clear message if not."""
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        year, month = (int(p) for p in str(value).strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a month: write it as YYYY-MM, for example 2026-11.", "month"
        ) from None


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _changes(patient_id: int) -> Changes:
    return Changes.patient(patient_id, Kind.MINUTES)


def _activity(value: str | None, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(
            "Say what was done (for example 'called the pharmacy about the dose change').",
            field="activity",
        )
    if len(cleaned) > ACTIVITY_MAX:
        raise ValidationError(f"Keep it under {ACTIVITY_MAX} characters.", field="activity")
    return cleaned or None


def _aware(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


def _elapsed(t: MinutesTimer, now: datetime) -> int:
    running = t.state == TimerState.RUNNING.value and t.segment_started_at is not None
    extra = (now - _aware(t.segment_started_at)).total_seconds() if running else 0
    return t.accumulated_seconds + max(0, int(extra))


def _timer_row(t: MinutesTimer, now: datetime) -> TimerRow:
    return TimerRow(
        t.id, t.version, t.patient_id, TimerState(t.state), _aware(t.started_at),
        _elapsed(t, now), t.activity, now,
    )  # fmt: skip


def _target(timer_id: int) -> conflicts.Target:
    return conflicts.Target("minutes_timer", timer_id, "this timer")


def _own_timer(session: Session, actor: Actor, timer_id: int, version: int | None):
    t = session.get(MinutesTimer, timer_id)
    if t is None or t.staff_id != actor.user_id:
        raise conflicts.removed_error(session, actor, _target(timer_id))
    conflicts.check(session, actor, _target(timer_id), t.version, version)
    return t


def _audit(session, actor, action, patient_id, record_type, record_id, detail) -> None:
    audit.record(
        session, actor, action, patient_id=patient_id, record_type=record_type,
        record_id=record_id, detail=detail,
    )  # fmt: skip


def _signed_in(actor: Actor) -> None:
    if actor.user_id is None:
        raise ValidationError("Sign in as a staff member to time your work.")


def start_timer(
    ws: Workspace, actor: Actor, patient_id: int, *, activity: str | None = None
) -> Changed[TimerRow]:
    """Start timing work on a patient (a paused timer of yours for them resumes)."""
    require(actor, Permission.MANAGE_TASKS)
    _signed_in(actor)
    activity = _activity(activity, required=False)
    now = utcnow()
    with ws.write_session() as session:
        editable_patient(session, patient_id)
        t = session.exec(
            select(MinutesTimer).where(
                MinutesTimer.staff_id == actor.user_id, MinutesTimer.patient_id == patient_id
            )
        ).first()
        if t is not None and t.state == TimerState.RUNNING.value:
            return Changed(_timer_row(t, now), Changes())
        if t is None:
            t = MinutesTimer(patient_id=patient_id, staff_id=actor.user_id, started_at=now)
        t.state, t.segment_started_at = TimerState.RUNNING.value, now
        t.activity = activity or t.activity
        session.add(t)
        session.flush()
        _audit(
            session, actor, AuditAction.UPDATE, patient_id, "minutes_timer", t.id, "started timer"
        )
        session.commit()
        return Changed(_timer_row(t, now), _changes(patient_id))


def pause_timer(
    ws: Workspace, actor: Actor, timer_id: int, *, version: int | None = None
) -> Changed[TimerRow]:
    require(actor, Permission.MANAGE_TASKS)
    now = utcnow()
    with ws.write_session() as session:
        t = _own_timer(session, actor, timer_id, version)
        if t.state == TimerState.PAUSED.value:
            return Changed(_timer_row(t, now), Changes())
        t.accumulated_seconds = _elapsed(t, now)
        t.state, t.segment_started_at = TimerState.PAUSED.value, None
        session.add(t)
        with conflicts.refused_if_stale(ws, actor, _target(timer_id)):
            session.flush()
        _audit(
            session, actor, AuditAction.UPDATE, t.patient_id, "minutes_timer", t.id, "paused timer"
        )
        session.commit()
        return Changed(_timer_row(t, now), _changes(t.patient_id))


def resume_timer(
    ws: Workspace, actor: Actor, timer_id: int, *, version: int | None = None
) -> Changed[TimerRow]:
    require(actor, Permission.MANAGE_TASKS)
    now = utcnow()
    with ws.write_session() as session:
        t = _own_timer(session, actor, timer_id, version)
        if t.state == TimerState.RUNNING.value:
            return Changed(_timer_row(t, now), Changes())
        t.state, t.segment_started_at = TimerState.RUNNING.value, now
        session.add(t)
        with conflicts.refused_if_stale(ws, actor, _target(timer_id)):
            session.flush()
        _audit(
            session, actor, AuditAction.UPDATE, t.patient_id, "minutes_timer", t.id, "resumed timer"
        )
        session.commit()
        return Changed(_timer_row(t, now), _changes(t.patient_id))


def stop_timer(
    ws: Workspace,
    actor: Actor,
    timer_id: int,
    *,
    activity: str | None = None,
    version: int | None = None,
) -> Changed[MinutesEntryRow]:
    """Stop and save the time as one entry (whole minutes, nearest), saying what was done."""
    require(actor, Permission.MANAGE_TASKS)
    now = utcnow()
    with ws.write_session() as session:
        t = _own_timer(session, actor, timer_id, version)
        what = _activity(activity or t.activity, required=True)
        seconds = _elapsed(t, now)
        minutes = int(seconds / 60 + 0.5)
        if minutes < 1:
            raise ValidationError(
                "Less than a minute was timed: keep it running, or discard the timer.",
                field="minutes",
            )
        entry = MinutesEntry(
            patient_id=t.patient_id, staff_id=actor.user_id, staff_name=actor.full_name,
            work_date=_aware(t.started_at).astimezone().date(), minutes=min(minutes, 24 * 60),
            activity=what, source=MinutesSource.TIMER.value, started_at=t.started_at,
            ended_at=now,
        )  # fmt: skip
        session.add(entry)
        session.delete(t)
        with conflicts.refused_if_stale(ws, actor, _target(timer_id)):
            session.flush()
        _audit(session, actor, AuditAction.CREATE, t.patient_id, "minutes_entry", entry.id,
               f"timed {entry.minutes} min")  # fmt: skip
        session.commit()
        return Changed(_entry_row(entry), _changes(t.patient_id))


def discard_timer(
    ws: Workspace, actor: Actor, timer_id: int, *, version: int | None = None
) -> Changed[None]:
    require(actor, Permission.MANAGE_TASKS)
    with ws.write_session() as session:
        t = _own_timer(session, actor, timer_id, version)
        session.delete(t)
        with conflicts.refused_if_stale(ws, actor, _target(timer_id)):
            session.flush()
        _audit(session, actor, AuditAction.DELETE, t.patient_id, "minutes_timer", timer_id,
               "discarded timer")  # fmt: skip
        session.commit()
        return Changed(None, _changes(t.patient_id))


def merge_timers(session: Session, keep_id: int, merge_id: int) -> int:
    """A merge of two records moves the merged record's timers to the kept one, in the
    merge's transaction. Someone timing both records keeps one timer there: its time is the
    sum, running if either was. Returns how many timers moved or combined."""
    now = utcnow()
    moved = session.exec(select(MinutesTimer).where(MinutesTimer.patient_id == merge_id)).all()
    for t in moved:
        kept = session.exec(
            select(MinutesTimer).where(
                MinutesTimer.staff_id == t.staff_id, MinutesTimer.patient_id == keep_id
            )
        ).first()
        if kept is None:
            t.patient_id = keep_id
            session.add(t)
            continue
        running = TimerState.RUNNING.value in (t.state, kept.state)
        kept.accumulated_seconds = _elapsed(kept, now) + _elapsed(t, now)
        kept.state = TimerState.RUNNING.value if running else TimerState.PAUSED.value
        kept.segment_started_at = now if running else None
        kept.started_at = min(_aware(kept.started_at), _aware(t.started_at))
        kept.activity = kept.activity or t.activity
        session.add(kept)
        session.delete(t)
    session.flush()
    return len(moved)


def my_timers(ws: Workspace, actor: Actor) -> list[TimerRow]:
    """The actor's timers, running or paused (the timer widget after a lock or a sign-in)."""
    require(actor, Permission.MANAGE_TASKS)
    now = utcnow()
    with ws.session() as session:
        rows = session.exec(
            select(MinutesTimer)
            .where(MinutesTimer.staff_id == actor.user_id)
            .order_by(MinutesTimer.started_at)
        ).all()
        return [_timer_row(t, now) for t in rows]


def _entry_row(e: MinutesEntry) -> MinutesEntryRow:
    return MinutesEntryRow(
        e.id, e.patient_id, e.work_date, e.minutes, e.activity, e.staff_name,
        MinutesSource(e.source),
    )  # fmt: skip


def add_minutes(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    *,
    minutes: int,
    activity: str,
    work_date: date | None = None,
) -> Changed[MinutesEntryRow]:
    """Time worked typed in by hand (a call taken away from the desk)."""
    require(actor, Permission.MANAGE_TASKS)
    what = _activity(activity, required=True)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise ValidationError("Enter the minutes as a whole number.", field="minutes")
    if not 1 <= minutes <= MAX_ENTRY_MINUTES:
        raise ValidationError(f"Enter 1 to {MAX_ENTRY_MINUTES} minutes.", field="minutes")
    day = work_date or date.today()
    if day > date.today():
        raise ValidationError("The day worked cannot be in the future.", field="work_date")
    with ws.write_session() as session:
        editable_patient(session, patient_id)
        entry = MinutesEntry(
            patient_id=patient_id, staff_id=actor.user_id, staff_name=actor.full_name,
            work_date=day, minutes=minutes, activity=what, source=MinutesSource.MANUAL.value,
        )  # fmt: skip
        session.add(entry)
        session.flush()
        _audit(session, actor, AuditAction.CREATE, patient_id, "minutes_entry", entry.id,
               f"added {minutes} min")  # fmt: skip
        session.commit()
        return Changed(_entry_row(entry), _changes(patient_id))


def patient_month(
    ws: Workspace, actor: Actor, patient_id: int, month: str | date
) -> tuple[list[MinutesEntryRow], Threshold]:
    """One patient's entries in the month and where the total stands."""
    require(actor, Permission.MANAGE_TASKS)
    first = parse_month(month)
    with ws.session() as session:
        rows = session.exec(
            select(MinutesEntry)
            .where(
                MinutesEntry.patient_id == patient_id,
                MinutesEntry.work_date >= first,
                MinutesEntry.work_date < _next_month(first),
            )
            .order_by(MinutesEntry.work_date, MinutesEntry.id)
        ).all()
        out = [_entry_row(e) for e in rows]
        _audit(session, actor, AuditAction.VIEW, patient_id, "minutes_entry", None,
               f"minutes for {first:%Y-%m}")  # fmt: skip
        session.commit()
    return out, threshold(sum(e.minutes for e in out))


def read_month(session: Session, month: date) -> list[MonthRow]:
    first = parse_month(month)
    rows = session.connection().execute(
        text(
            "SELECT m.patient_id, p.practice_id, p.family_name, p.given_name, sum(m.minutes), "
            "count(*) FROM minutes_entry m JOIN patient p ON p.id = m.patient_id "
            "WHERE m.work_date >= :a AND m.work_date < :b GROUP BY m.patient_id "
            "ORDER BY sum(m.minutes) DESC, p.family_name, p.given_name"
        ),
        {"a": first.isoformat(), "b": _next_month(first).isoformat()},
    )
    return [
        MonthRow(r[0], r[1], f"{r[2].upper()}, {r[3]}", r[4], r[5], threshold(r[4])) for r in rows
    ]


def monthly_totals(ws: Workspace, actor: Actor, month: str | date) -> list[MonthRow]:
    """Every patient with minutes in the month, most minutes first."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.session() as session:
        rows = read_month(session, parse_month(month))
        _audit(session, actor, AuditAction.VIEW, None, "minutes_report", None,
               f"minutes for {parse_month(month):%Y-%m}: {len(rows)} patients")  # fmt: skip
        session.commit()
    return rows


def near_thresholds(ws: Workspace, actor: Actor, month: str | date) -> list[MonthRow]:
    """The patients past a threshold or within NEAR_MARGIN minutes of the next one."""
    return [r for r in monthly_totals(ws, actor, month) if r.threshold.reached or r.threshold.near]


REPORT_COLUMNS = ("practice_id", "patient", "minutes", "entries", "threshold_reached", "status")


def month_report(ws: Workspace, actor: Actor, month: str | date) -> list[dict]:
    """The month's report as rows of REPORT_COLUMNS (for the CSV and JSON export); audited as
    an export by the caller that writes it out."""
    require(actor, Permission.EXPORT_DATA)
    return [
        {
            "practice_id": r.practice_id,
            "patient": r.patient_name,
            "minutes": r.minutes,
            "entries": r.entries,
            "threshold_reached": r.threshold.reached or 0,
            "status": r.threshold.label,
        }
        for r in monthly_totals(ws, actor, month)
    ]
