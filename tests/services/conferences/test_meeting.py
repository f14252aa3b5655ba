"""The meeting: start and end stamps, the item tiers at their boundaries, corrections with a
reason, and minutes per item with their own conflict check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from carecoord_desktop.errors import StaleEditError, ValidationError
from carecoord_desktop.services.conferences import agenda, meeting
from carecoord_desktop.services.conferences.types import AgendaItemDraft


@pytest.mark.parametrize(
    ("minutes", "organiser", "participant", "minimum", "next_at"),
    [
        (0, None, None, 0, 15),
        (14, None, None, 0, 15),
        (15, "735", "747", 15, 20),
        (19, "735", "747", 15, 20),
        (20, "739", "750", 20, 40),
        (39, "739", "750", 20, 40),
        (40, "743", "758", 40, None),
        (180, "743", "758", 40, None),
    ],
)
def test_tiers_at_their_boundaries(minutes, organiser, participant, minimum, next_at):
    tier = meeting.tier_for(minutes)
    assert (tier.organiser_item, tier.participant_item) == (organiser, participant)
    assert (tier.minimum, tier.next_at) == (minimum, next_at)
    assert tier.label


def test_start_and_end_stamp_the_times_and_the_status(ws, team, conference):
    nurse = team["nurse"]
    before = datetime.now(UTC).replace(microsecond=0)
    rec = meeting.start_meeting(ws, nurse, conference.id).value
    assert rec.status == "in_progress" and rec.started_at >= before
    assert rec.started_at.tzinfo is not None and rec.elapsed_minutes is None
    with pytest.raises(ValidationError, match="was started at"):
        meeting.start_meeting(ws, nurse, conference.id)
    rec = meeting.end_meeting(ws, nurse, conference.id).value
    assert rec.status == "held" and rec.ended_at >= rec.started_at
    assert rec.elapsed_minutes == 0
    with pytest.raises(ValidationError, match="already ended"):
        meeting.end_meeting(ws, nurse, conference.id)


def test_end_needs_a_start_and_may_not_come_before_it(ws, team, conference):
    nurse = team["nurse"]
    with pytest.raises(ValidationError, match="Start the meeting"):
        meeting.end_meeting(ws, nurse, conference.id)
    start = datetime.now(UTC) - timedelta(minutes=30)
    meeting.start_meeting(ws, nurse, conference.id, at=start)
    with pytest.raises(ValidationError, match="before the start") as exc:
        meeting.end_meeting(ws, nurse, conference.id, at=start - timedelta(minutes=1))
    assert exc.value.field == "ended_at"
    rec = meeting.end_meeting(ws, nurse, conference.id, at=start + timedelta(minutes=25)).value
    assert rec.elapsed_minutes == 25
    assert meeting.tier_for(rec.elapsed_minutes).organiser_item == "739"


def test_a_start_in_the_future_is_refused(ws, team, conference):
    with pytest.raises(ValidationError, match="still to come"):
        meeting.start_meeting(
            ws, team["nurse"], conference.id, at=datetime.now(UTC) + timedelta(hours=2)
        )


def test_correcting_the_times_needs_a_reason_keeps_it_and_is_audited(ws, admin, team, conference):
    nurse = team["nurse"]
    meeting.start_meeting(ws, nurse, conference.id)
    meeting.end_meeting(ws, nurse, conference.id)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=50)
    end = start + timedelta(minutes=41)
    with pytest.raises(ValidationError) as exc:
        meeting.correct_times(ws, nurse, conference.id, start, end, "  ")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationError, match="before the start"):
        meeting.correct_times(ws, nurse, conference.id, end, start, "Pressed late")
    rec = meeting.correct_times(ws, nurse, conference.id, start, end, "Pressed start late").value
    assert (rec.started_at, rec.ended_at, rec.elapsed_minutes) == (start, end, 41)
    assert rec.times_note == "Pressed start late" and rec.status == "held"
    from carecoord_desktop.services import audit

    events, _ = audit.list_events(ws, admin, limit=200)
    row = next(e for e in events if e.detail.startswith("corrected meeting times"))
    assert "started_at, ended_at" in row.detail and "Pressed" not in row.detail
    assert row.actor_name.startswith("Nurse User")


def test_minutes_are_saved_per_item_and_a_stale_save_is_refused(ws, team, conference):
    nurse, gp = team["nurse"], team["gp"]
    rec = agenda.save_agenda(
        ws, nurse, conference.id, [AgendaItemDraft("Sugars")], conference.version
    ).value
    item = rec.agenda[0]
    row = meeting.record_minutes(ws, gp, item.id, "  HbA1c up; pharmacist to review  ").value
    assert (row.minutes, row.discussed) == ("HbA1c up; pharmacist to review", True)
    assert row.version > item.version
    with pytest.raises(StaleEditError, match="Gp User"):
        meeting.record_minutes(ws, nurse, item.id, "My version", base_version=item.version)
    again = meeting.record_minutes(ws, nurse, item.id, "Both agreed", base_version=row.version)
    assert again.value.minutes == "Both agreed"
    with pytest.raises(ValidationError):
        meeting.record_minutes(ws, nurse, item.id, "x" * 4001)
