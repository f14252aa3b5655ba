"""Scheduling a care conference: invitees, details, the patient's agreement, attendance,
cancelling, the lists, and what each role may do, on a real encrypted workspace."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import Attendance, ConferenceStatus, ParticipantKind
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.conferences import agenda, conferences, decisions, meeting
from carecoord_desktop.services.conferences.types import (
    AgendaItemDraft,
    DecisionDraft,
    ParticipantDraft,
)

from .conftest import draft_for, invite, people


def test_invitables_offer_staff_the_outside_providers_the_patient_and_carers(
    ws, admin, team, patient, providers
):
    offered = conferences.invitables(ws, team["reception"], patient.id)
    kinds = {(i.kind, i.discipline) for i in offered}
    assert ("staff", "General practitioner") in kinds
    assert ("staff", "Practice nurse") in kinds and ("staff", "Care coordinator") in kinds
    assert not any(i.name == "Reception User" for i in offered)  # not a care provider
    assert {"Podiatrist", "Pharmacist", "Physiotherapist"} <= set(providers)
    assert ("patient", "Patient") in kinds
    gp = next(i for i in offered if i.discipline == "General practitioner")
    assert gp.staff_user_id == team["gp"].user_id


def test_schedule_keeps_details_and_invitees(ws, admin, team, patient, conference):
    rec = conference
    assert rec.status == ConferenceStatus.SCHEDULED.value
    assert rec.place == "Meeting room 2" and rec.planned_minutes == 30
    assert rec.scheduled_at.tzinfo is not None
    assert [p.discipline for p in rec.participants] == [
        "General practitioner", "Pharmacist", "Physiotherapist", "Patient",
    ]  # fmt: skip
    assert all(p.attendance == Attendance.INVITED.value for p in rec.participants)
    assert rec.organiser_name == "Coordinator User"
    assert rec.plan_id is not None  # the patient's open plan
    events, _ = audit.list_events(ws, admin, action=AuditAction.CREATE.value)
    made = [e for e in events if e.record_type == "conference"]
    assert made and "Meeting room" not in made[0].detail  # ids and counts only


def test_schedule_builds_agenda_from_questions_at_once(ws, team, patient, providers):
    draft = draft_for(patient.id, patient_questions="Can I stop the water tablet?\n\n  \n")
    rec = conferences.schedule_conference(ws, team["nurse"], draft).value
    assert [(a.source, a.title) for a in rec.agenda] == [
        ("patient_question", "Can I stop the water tablet?")
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"planned_minutes": 2}, "planned_minutes"),
        ({"planned_minutes": 999}, "planned_minutes"),
        ({"title": "  "}, "title"),
        ({"video_link": "meet.example.org/abc"}, "video_link"),
        ({"place": "x" * 201}, "place"),
        ({"plan_id": 9999}, "plan_id"),
    ],
)
def test_bad_details_are_refused_with_the_field_and_nothing_saved(ws, team, patient, change, field):
    with pytest.raises(ValidationError) as exc:
        conferences.schedule_conference(ws, team["nurse"], draft_for(patient.id, **change))
    assert exc.value.field == field
    assert conferences.list_conferences(ws, team["nurse"], when="all") == []


def test_bad_participants_are_refused(ws, team, patient, providers):
    nurse = team["nurse"]
    gp = people(ws, nurse, patient.id, "General practitioner")[0]
    with pytest.raises(ValidationError, match="invited twice") as exc:
        conferences.schedule_conference(ws, nurse, draft_for(patient.id, (gp, gp)))
    assert gp.name not in str(exc.value) and exc.value.field == "participants[1]"
    nameless = ParticipantDraft(kind="other", name="", discipline="Dietitian")
    with pytest.raises(ValidationError, match="name") as exc:
        conferences.schedule_conference(ws, nurse, draft_for(patient.id, (nameless,)))
    assert exc.value.field == "participants[0]"
    no_discipline = ParticipantDraft(kind="other", name="Dee Tee", discipline=" ")
    with pytest.raises(ValidationError, match="discipline"):
        conferences.schedule_conference(ws, nurse, draft_for(patient.id, (no_discipline,)))
    stranger = ParticipantDraft(kind="provider", name="X", discipline="Y", care_team_member_id=999)
    with pytest.raises(ValidationError, match="care team"):
        conferences.schedule_conference(ws, nurse, draft_for(patient.id, (stranger,)))


def test_update_keeps_ids_removes_the_missing_and_adds_the_new(ws, team, patient, conference):
    coord = team["coordinator"]
    gp, pharmacist, physio, _patient = conference.participants
    dietitian = ParticipantDraft(kind="other", name="Dana Diet", discipline="Dietitian")
    keep = [invite(p) for p in (gp, physio)]
    keep = [replace(d, id=p.id) for d, p in zip(keep, (gp, physio), strict=True)]
    draft = draft_for(
        patient.id, (keep[1], dietitian, keep[0]), id=conference.id, place="Video call",
        video_link="https://video.example.org/room", scheduled_at=conference.scheduled_at,
    )  # fmt: skip
    done = conferences.update_conference(ws, coord, draft, conference.version)
    rec = done.value
    assert Kind.CONFERENCES in done.changes.kinds and patient.id in done.changes.patient_ids
    assert [(p.id, p.name) for p in rec.participants[:1]] == [(physio.id, physio.name)]
    assert [p.name for p in rec.participants] == [physio.name, "Dana Diet", gp.name]
    assert rec.participants[2].id == gp.id
    assert pharmacist.id not in {p.id for p in rec.participants}
    assert rec.place == "Video call" and rec.video_link == "https://video.example.org/room"
    assert rec.version > conference.version


def test_a_stale_update_is_refused_naming_who_saved_first(ws, team, patient, conference):
    first = draft_for(patient.id, id=conference.id, place="Room 1",
                      scheduled_at=conference.scheduled_at)  # fmt: skip
    conferences.update_conference(ws, team["gp"], first, conference.version)
    second = replace(first, place="Room 9")
    with pytest.raises(StaleEditError, match="Gp User"):
        conferences.update_conference(ws, team["nurse"], second, conference.version)
    assert conferences.load_conference(ws, team["nurse"], conference.id).place == "Room 1"
    with pytest.raises(StaleEditError):
        conferences.record_agreement(
            ws, team["nurse"], conference.id, agreed=True, on=date.today(), how="verbal",
            base_version=conference.version,
        )  # fmt: skip
    with pytest.raises(StaleEditError):
        conferences.cancel_conference(ws, team["nurse"], conference.id, "ill", conference.version)


def test_agreement_is_recorded_and_can_be_cleared(ws, team, conference):
    nurse = team["nurse"]
    rec = conferences.record_agreement(
        ws, nurse, conference.id, agreed=True, on=date.today(), how="written",
        note="Signed the form", base_version=conference.version,
    ).value  # fmt: skip
    assert (rec.agreed, rec.agreed_on, rec.agreed_how) == (True, date.today(), "written")
    with pytest.raises(ValidationError) as exc:
        conferences.record_agreement(
            ws, nurse, rec.id, agreed=True, on=date.today() + timedelta(days=1), how="verbal",
            base_version=rec.version,
        )  # fmt: skip
    assert exc.value.field == "agreed_on"
    with pytest.raises(ValidationError) as exc:
        conferences.record_agreement(
            ws, nurse, rec.id, agreed=False, on=date.today(), how="telepathy",
            base_version=rec.version,
        )  # fmt: skip
    assert exc.value.field == "agreed_how"
    rec = conferences.record_agreement(
        ws, nurse, rec.id, agreed=None, on=None, how=None, base_version=rec.version
    ).value
    assert (rec.agreed, rec.agreed_on, rec.agreed_how) == (None, None, None)


def test_attendance_and_how_they_joined(ws, team, conference):
    gp, pharmacist, *_ = conference.participants
    rec = conferences.set_attendance(ws, team["nurse"], pharmacist.id, "attended", "phone").value
    row = next(p for p in rec.participants if p.id == pharmacist.id)
    assert (row.attendance, row.joined_how, row.attended) == ("attended", "phone", True)
    rec = conferences.set_attendance(ws, team["nurse"], gp.id, Attendance.DECLINED, "video").value
    row = next(p for p in rec.participants if p.id == gp.id)
    assert (row.attendance, row.joined_how) == ("declined", None)  # not there: no "how"
    with pytest.raises(ValidationError):
        conferences.set_attendance(ws, team["nurse"], gp.id, "maybe")
    with pytest.raises(ValidationError):
        conferences.set_attendance(ws, team["nurse"], gp.id, "attended", "pigeon")


def test_cancel_needs_a_reason_and_stops_further_changes(ws, team, conference):
    nurse = team["nurse"]
    with pytest.raises(ValidationError) as exc:
        conferences.cancel_conference(ws, nurse, conference.id, " ", conference.version)
    assert exc.value.field == "reason"
    rec = conferences.cancel_conference(
        ws, nurse, conference.id, "GP on leave", conference.version
    ).value
    assert rec.status == "cancelled" and rec.cancel_reason == "GP on leave"
    with pytest.raises(ValidationError, match="cancelled"):
        meeting.start_meeting(ws, nurse, rec.id)
    with pytest.raises(ValidationError, match="cancelled"):
        conferences.set_attendance(ws, nurse, rec.participants[0].id, "attended")


def test_lists_split_upcoming_and_past_and_latest_is_the_newest(ws, team, patient, providers):
    nurse = team["nurse"]
    now = datetime.now(UTC).replace(microsecond=0)
    soon = conferences.schedule_conference(
        ws, nurse, draft_for(patient.id, scheduled_at=now + timedelta(days=2))
    ).value
    later = conferences.schedule_conference(
        ws, nurse, draft_for(patient.id, scheduled_at=now + timedelta(days=20))
    ).value
    gone = conferences.schedule_conference(
        ws, nurse, draft_for(patient.id, scheduled_at=now - timedelta(days=9))
    ).value
    upcoming = conferences.list_conferences(ws, nurse, when="upcoming")
    assert [c.id for c in upcoming] == [soon.id, later.id]
    past = conferences.list_conferences(ws, nurse, patient_id=patient.id, when="past")
    assert [c.id for c in past] == [gone.id]
    everything = conferences.list_conferences(ws, nurse, when="all")
    assert [c.id for c in everything] == [later.id, soon.id, gone.id]
    assert everything[0].patient_name == "Mary Nguyen" and everything[0].practice_id
    assert conferences.latest_conference_id(ws, nurse, patient.id) == later.id
    with pytest.raises(ValidationError):
        conferences.list_conferences(ws, nurse, when="tomorrow")


def test_latest_without_conferences_says_so(ws, team, patient):
    with pytest.raises(ValidationError, match="no care conferences yet"):
        conferences.latest_conference_id(ws, team["nurse"], patient.id)


def _writes(ws, conference, patient):
    item = conference.agenda[0].id if conference.agenda else None
    who = conference.participants[0].id
    return {
        "schedule": lambda a: conferences.schedule_conference(ws, a, draft_for(patient.id)),
        "update": lambda a: conferences.update_conference(
            ws, a, draft_for(patient.id, id=conference.id), None
        ),
        "cancel": lambda a: conferences.cancel_conference(ws, a, conference.id, "x", None),
        "agreement": lambda a: conferences.record_agreement(
            ws, a, conference.id, agreed=True, on=date.today(), how="verbal", base_version=None
        ),
        "attendance": lambda a: conferences.set_attendance(ws, a, who, "attended"),
        "rebuild": lambda a: agenda.rebuild_agenda(ws, a, conference.id),
        "save_agenda": lambda a: agenda.save_agenda(
            ws, a, conference.id, [AgendaItemDraft("x")], None
        ),
        "start": lambda a: meeting.start_meeting(ws, a, conference.id),
        "end": lambda a: meeting.end_meeting(ws, a, conference.id),
        "correct": lambda a: meeting.correct_times(
            ws, a, conference.id, datetime.now(UTC) - timedelta(hours=1), None, "late"
        ),
        "minutes": lambda a: meeting.record_minutes(ws, a, item or 1, "said"),
        "decision": lambda a: decisions.add_decision(ws, a, conference.id, DecisionDraft("x")),
    }


def test_every_write_is_refused_for_reception_and_nothing_changes(
    ws, team, patient, providers, conference
):
    reception = team["reception"]
    before = conferences.load_conference(ws, team["gp"], conference.id)
    for name, write in _writes(ws, conference, patient).items():
        with pytest.raises(PermissionDeniedError):
            write(reception)
        assert conferences.load_conference(ws, team["gp"], conference.id) == replace(before), name
    # Reading is allowed: reception books rooms and rings people.
    assert conferences.list_conferences(ws, reception, when="all")
    assert conferences.load_conference(ws, reception, conference.id).id == conference.id


def test_every_clinical_role_may_schedule(ws, team, patient, providers):
    for role in ("gp", "nurse", "coordinator"):
        rec = conferences.schedule_conference(ws, team[role], draft_for(patient.id)).value
        assert rec.status == "scheduled"


def test_an_archived_record_takes_no_new_conference(ws, admin, team, patient):
    from carecoord_desktop.services.patients import archive

    archive.archive_patient(ws, admin, patient.id, reason="Moved away")
    with pytest.raises(ValidationError, match="archived"):
        conferences.schedule_conference(ws, team["nurse"], draft_for(patient.id))


def test_participant_kinds_count_providers_only(conference):
    kinds = {p.kind: p.is_provider for p in conference.participants}
    assert kinds[ParticipantKind.PATIENT.value] is False
    assert kinds[ParticipantKind.STAFF.value] and kinds[ParticipantKind.PROVIDER.value]


def test_cancelling_closes_the_tasks_its_decisions_opened(ws, team, patient, conference):
    from carecoord_desktop.services.tasks import board
    from carecoord_desktop.services.tasks.types import BoardFilter

    nurse = team["nurse"]
    due = date.today() + timedelta(days=3)
    made = decisions.add_decision(
        ws, nurse, conference.id,
        DecisionDraft("Ring the pharmacy", kind="task", owner_role="nurse", due_date=due),
    ).value  # fmt: skip
    rec = conferences.load_conference(ws, nurse, conference.id)
    done = conferences.cancel_conference(ws, nurse, rec.id, "Patient in hospital", rec.version)
    assert Kind.TASKS in done.changes.kinds
    task = board.get_task(ws, nurse, made.task_id)
    assert task.card.state == "done" and "cancelled" in task.resolution
    still = board.board(ws, nurse, BoardFilter(patient_id=patient.id, source="conference"))
    assert still.open_total == 0
