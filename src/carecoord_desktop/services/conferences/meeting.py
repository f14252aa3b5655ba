"""The meeting: its stamped start and end, the elapsed minutes against the case-conference item
tiers (MBS items 735-758), correcting the times afterwards, and the minutes of each item.

Start and end are stamped by the app (`at` None: now, in UTC); a correction needs a reason,
which is kept on the conference, and is audited (field names only). Writes need
EDIT_CARE_PLANS.
"""

from __future__ import annotations

from datetime import UTC, datetime

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import (
    TEXT_MAX,
    ConferenceAgendaItem,
    ConferenceStatus,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.conferences.conferences import changes_for, loaded, saved
from carecoord_desktop.services.conferences.reading import RECORD_TYPE, agenda_row, aware
from carecoord_desktop.services.conferences.types import AgendaItemRow, ConferenceRecord, Tier
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

S = ConferenceStatus
# (lower bound in minutes, label, organiser's item, participant's item), lowest first.
TIERS = (
    (0, "Under 15 minutes: no item", None, None),
    (15, "15 to under 20 minutes", "735", "747"),
    (20, "20 to under 40 minutes", "739", "750"),
    (40, "40 minutes or more", "743", "758"),
)


def tier_for(minutes: int) -> Tier:
    """The item tier `minutes` of conference time reach (pure)."""
    n = max(i for i, (low, *_) in enumerate(TIERS) if minutes >= low or i == 0)
    low, label, organiser, participant = TIERS[n]
    next_at = TIERS[n + 1][0] if n + 1 < len(TIERS) else None
    return Tier(label, low, next_at, organiser, participant)


def _stamp(at: datetime | None, field: str) -> datetime:
    if at is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(at, datetime):
        raise ValidationError("Give a date and time.", field=field)
    if at.tzinfo is None:  # the practice's local time
        at = at.astimezone()
    return at.astimezone(UTC)


def _local(at: datetime) -> str:
    return aware(at).astimezone().strftime("%H:%M on %d/%m/%Y")


def start_meeting(
    ws: Workspace, actor: Actor, conference_id: int, at: datetime | None = None
) -> Changed[ConferenceRecord]:
    require(actor, Permission.EDIT_CARE_PLANS)
    when = _stamp(at, "started_at")
    if when > datetime.now(UTC).replace(microsecond=0) and at is not None:
        raise ValidationError("That time is still to come: start the meeting when it starts.")
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        if conf.started_at is not None:
            raise ValidationError(
                f"The meeting was started at {_local(conf.started_at)}: correct the times "
                "instead if that was wrong.",
                field="started_at",
            )
        conf.started_at, conf.status = when, S.IN_PROGRESS.value
        return saved(ws, session, actor, conf, AuditAction.UPDATE, "meeting started")


def end_meeting(
    ws: Workspace, actor: Actor, conference_id: int, at: datetime | None = None
) -> Changed[ConferenceRecord]:
    require(actor, Permission.EDIT_CARE_PLANS)
    when = _stamp(at, "ended_at")
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        if conf.started_at is None:
            raise ValidationError("Start the meeting before ending it.", field="ended_at")
        if conf.ended_at is not None:
            raise ValidationError(
                f"The meeting already ended at {_local(conf.ended_at)}.", field="ended_at"
            )
        if when < aware(conf.started_at):
            raise ValidationError("The end is before the start.", field="ended_at")
        conf.ended_at, conf.status = when, S.HELD.value
        minutes = int((when - aware(conf.started_at)).total_seconds() // 60)
        return saved(
            ws, session, actor, conf, AuditAction.UPDATE, f"meeting ended ({minutes} minutes)"
        )


def correct_times(
    ws: Workspace,
    actor: Actor,
    conference_id: int,
    started_at: datetime,
    ended_at: datetime | None,
    reason: str,
) -> Changed[ConferenceRecord]:
    """Put right a start or end stamped at the wrong moment (the button pressed late).
    The reason is kept on the conference; the audit row names the fields changed."""
    require(actor, Permission.EDIT_CARE_PLANS)
    why = " ".join((reason or "").split())
    if not why:
        raise ValidationError("Say why the times are corrected.", field="reason")
    if len(why) > 500:
        raise ValidationError("Keep the reason under 500 characters.", field="reason")
    start = _stamp(started_at, "started_at") if started_at is not None else None
    if start is None:
        raise ValidationError("Give the time the meeting started.", field="started_at")
    end = _stamp(ended_at, "ended_at") if ended_at is not None else None
    if end is not None and end < start:
        raise ValidationError("The end is before the start.", field="ended_at")
    if (end or start) > datetime.now(UTC):
        raise ValidationError("Those times are still to come.", field="started_at")
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        changed = [
            name
            for name, old, new in (
                ("started_at", conf.started_at, start),
                ("ended_at", conf.ended_at, end),
            )
            if aware(old) != new
        ]
        if not changed:
            raise ValidationError("Those are the times already recorded.", field="started_at")
        conf.started_at, conf.ended_at, conf.times_note = start, end, why
        conf.status = S.HELD.value if end is not None else S.IN_PROGRESS.value
        return saved(
            ws,
            session,
            actor,
            conf,
            AuditAction.UPDATE,
            "corrected meeting times; changed: " + ", ".join(changed),
        )


def record_minutes(
    ws: Workspace,
    actor: Actor,
    item_id: int,
    minutes: str,
    discussed: bool = True,
    base_version: int | None = None,
) -> Changed[AgendaItemRow]:
    """What was said about one agenda item (`base_version`: the item's version when the
    minutes were opened; two people typing into one item cannot overwrite each other)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    text = (minutes or "").strip() or None
    if text and len(text) > TEXT_MAX:
        raise ValidationError(f"Keep the minutes under {TEXT_MAX} characters.", field="minutes")
    with ws.write_session() as session:
        item = session.get(ConferenceAgendaItem, item_id)
        item_target = conflicts.Target(
            "conference_agenda_item",
            item_id,
            "the minutes of this agenda item",
            advice="Reload to see their minutes; what you typed stays on screen.",
        )
        if item is None:
            raise conflicts.removed_error(session, actor, item_target)
        conf = loaded(session, actor, item.conference_id, None)
        conflicts.check(session, actor, item_target, item.version, base_version)
        item.minutes, item.discussed = text, bool(discussed)
        session.add(item)
        with conflicts.refused_if_stale(ws, actor, item_target):
            session.flush()
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            patient_id=conf.patient_id,
            record_type="conference_agenda_item",
            record_id=item.id,
            detail=f"changed: minutes (conference {conf.id})",
        )
        session.commit()
        row = agenda_row(item)
    return Changed(row, changes_for(conf.patient_id))


__all__ = [
    "RECORD_TYPE",
    "TIERS",
    "correct_times",
    "end_meeting",
    "record_minutes",
    "start_meeting",
    "tier_for",
]
