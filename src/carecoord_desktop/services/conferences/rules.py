"""The case-conference rule pack, checked like the care plan packs: each element of
resources/conferences/packs/case_conference.json (MBS items 735-758, note AN.0.49) met or
not, with what was found or what to do.

`check_record(rec, shares)` is pure: a ConferenceRecord and who received the summary (the
sharing record's rows, or (name, method) pairs) in, a ConferenceCheck out; the summary page,
the summary PDF and the CLI all show the same result. `check_conference` reads both for one
conference (VIEW_PATIENTS).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from carecoord_desktop.knowledge.careplans import Pack
from carecoord_desktop.knowledge.conferences import DEFAULT_PACK, conference_pack
from carecoord_desktop.models.conference import Attendance, ParticipantKind
from carecoord_desktop.models.referral import DocumentShare
from carecoord_desktop.services.conferences.reading import (
    RECORD_TYPE,
    conference_or_error,
    local_day,
    record_of,
)
from carecoord_desktop.services.conferences.types import (
    CheckElement,
    ConferenceCheck,
    ConferenceRecord,
    ParticipantRow,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

ELEMENT_KEYS = ("team", "agreement", "times", "participants", "discussion", "summary_offered")
_GP_WORDS = ("general practitioner", "gp")


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().replace(".", " ").split())


def is_gp(p: ParticipantRow) -> bool:
    d = _fold(p.discipline)
    return p.is_provider and (d in _GP_WORDS or d.startswith("general practi"))


def discipline_key(p: ParticipantRow) -> str:
    return "general practitioner" if is_gp(p) else _fold(p.discipline)


def _names(rows) -> str:
    return ", ".join(rows)


def _attended(rec: ConferenceRecord) -> list[ParticipantRow]:
    return [p for p in rec.participants if p.attendance == Attendance.ATTENDED.value]


def _day(rec: ConferenceRecord):
    return local_day(rec.started_at or rec.scheduled_at)


# -- the elements ------------------------------------------------------------------------------
def _team(rec: ConferenceRecord, check: dict, _shares) -> tuple[bool, str]:
    need = int(check.get("others", 2))
    came = [p for p in _attended(rec) if p.is_provider]
    gps = [p for p in came if is_gp(p)]
    if not gps:
        return False, "No GP is recorded as attending: mark the GP's attendance."
    others: dict[str, ParticipantRow] = {}
    for p in came:
        key = discipline_key(p)
        if key != "general practitioner" and key not in others:
            others[key] = p
    found = f"{gps[0].name} (GP)" + "".join(f", {p.name} ({p.discipline})" for p in others.values())
    if len(others) < need:
        missing = need - len(others)
        return False, (
            f"Attended: {found}. {missing} more provider{'s' if missing > 1 else ''} of "
            "another discipline must take part (a family carer does not count)."
        )
    return True, f"Attended: {found}."


def _agreement(rec: ConferenceRecord, _check: dict, _shares) -> tuple[bool, str]:
    if rec.agreed is None:
        return False, "Ask the patient whether they agree to the conference, and record it."
    if rec.agreed is False:
        return False, "The patient declined the conference."
    if rec.agreed_on is None:
        return False, "Record the date the patient agreed."
    if rec.agreed_on > _day(rec):
        return False, (
            f"The agreement is dated {rec.agreed_on:%d/%m/%Y}, after the conference: it is "
            "needed on or before the day."
        )
    how = f" ({rec.agreed_how})" if rec.agreed_how else ""
    return True, f"Agreed on {rec.agreed_on:%d/%m/%Y}{how}."


def _times(rec: ConferenceRecord, check: dict, _shares) -> tuple[bool, str]:
    least = int(check.get("min_minutes", 15))
    if rec.started_at is None:
        return False, "Start the meeting (or record its start time) to stamp the day and time."
    if rec.ended_at is None:
        return False, "End the meeting (or record its end time)."
    start, end = rec.started_at.astimezone(), rec.ended_at.astimezone()
    minutes = rec.elapsed_minutes or 0
    said = f"{start:%d/%m/%Y} from {start:%H:%M} to {end:%H:%M} ({minutes} minutes)"
    if minutes < least:
        return False, f"Held {said}: under {least} minutes, so no case-conference item."
    return True, f"Held {said}."


def _participants(rec: ConferenceRecord, _check: dict, _shares) -> tuple[bool, str]:
    came = _attended(rec)
    if not came:
        return False, "Record who attended (mark each participant's attendance)."
    unnamed = [p for p in came if not p.name.strip() or not p.discipline.strip()]
    if unnamed:
        return False, "Give every attendee a name and a discipline."
    return True, f"{len(came)} attended, each named with their discipline."


def _discussion(rec: ConferenceRecord, _check: dict, _shares) -> tuple[bool, str]:
    with_minutes = [a for a in rec.agenda if (a.minutes or "").strip()]
    silent = [a for a in rec.agenda if a.discussed and not (a.minutes or "").strip()]
    if not with_minutes:
        return False, "Write the minutes of the matters discussed."
    if silent:
        titles = _names(f"“{a.title}”" for a in silent[:3])
        return False, f"Discussed without minutes: {titles}. Write what was said."
    if not rec.decisions:
        return False, "Record the decisions taken (a note, a task or a plan change)."
    return True, (
        f"Minutes for {len(with_minutes)} item{'s' if len(with_minutes) != 1 else ''}; "
        f"{len(rec.decisions)} decision{'s' if len(rec.decisions) != 1 else ''} recorded."
    )


def _recipient(share) -> str:
    if isinstance(share, tuple | list):
        return str(share[0])
    if isinstance(share, dict):
        return str(share.get("recipient", ""))
    return str(getattr(share, "recipient", ""))


def _summary(rec: ConferenceRecord, _check: dict, shares) -> tuple[bool, str]:
    got = {_fold(_recipient(s)) for s in shares}
    outside = (ParticipantKind.PROVIDER.value, ParticipantKind.OTHER.value)
    team = [p for p in _attended(rec) if p.kind in outside]
    without = [p.name for p in team if _fold(p.name) not in got]
    if rec.summary_offered_on is None:
        return False, "Offer the summary to the patient (or their carer) and record it."
    if without:
        return False, (
            f"Offered to the patient on {rec.summary_offered_on:%d/%m/%Y}; still to give to: "
            f"{_names(without)}."
        )
    given = f"; given to {len(team)} team member{'s' if len(team) != 1 else ''}" if team else ""
    return True, f"Offered to the patient on {rec.summary_offered_on:%d/%m/%Y}{given}."


_CHECKS = {
    "team": _team,
    "agreement": _agreement,
    "times": _times,
    "participants": _participants,
    "discussion": _discussion,
    "summary_offered": _summary,
}


def check_record(
    rec: ConferenceRecord, shares: Iterable = (), pack: Pack | None = None
) -> ConferenceCheck:
    """Each element of the pack, met or not (pure)."""
    pack = pack or conference_pack(DEFAULT_PACK)
    shares = list(shares)
    out = []
    for element in pack.elements:
        fn = _CHECKS.get(element.check.get("kind"))
        if fn is None:
            met, detail = False, f"This app cannot check “{element.name}” yet."
        else:
            met, detail = fn(rec, element.check, shares)
        out.append(CheckElement(element.key, element.name, met, detail))
    return ConferenceCheck(pack.key, pack.name, tuple(out))


def conference_shares(session, conference_id: int) -> list[DocumentShare]:
    return list(
        session.exec(
            select(DocumentShare)
            .where(
                DocumentShare.record_type == RECORD_TYPE,
                DocumentShare.record_id == conference_id,
            )
            .order_by(DocumentShare.shared_at, DocumentShare.id)
        )
    )


def check_conference(ws: Workspace, actor: Actor, conference_id: int) -> ConferenceCheck:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        conf = conference_or_error(session, conference_id)
        rec = record_of(session, conf)
        shares = conference_shares(session, conf.id)
    return check_record(rec, shares)


__all__ = ["ELEMENT_KEYS", "check_conference", "check_record", "conference_shares", "is_gp"]
