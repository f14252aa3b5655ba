"""The agenda built from a record that has every source (a goal off track, an overdue task, a
discharge and an ED visit, medicine changes, an open referral, the patient's questions);
building again adds only what is new; saving keeps the list's order and refuses to drop an
item with minutes or decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord_desktop.errors import StaleEditError, ValidationError
from carecoord_desktop.models.patient import HospitalEventKind
from carecoord_desktop.services.careplans import observations
from carecoord_desktop.services.conferences import agenda, decisions, meeting
from carecoord_desktop.services.conferences.types import AgendaItemDraft, DecisionDraft
from carecoord_desktop.services.medications import medicines
from carecoord_desktop.services.medications.types import MedicineDraft
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import HospitalEventDraft
from carecoord_desktop.services.referrals import referrals
from carecoord_desktop.services.referrals.types import ReferralDraft
from carecoord_desktop.services.tasks import edit as tasks
from carecoord_desktop.services.tasks import transitions
from carecoord_desktop.services.tasks.types import TaskDraft

TODAY = date.today()


@pytest.fixture
def full_record(ws, admin, team, patient, providers, plan):
    """A record with something for every agenda source, and some that must stay off it."""
    nurse = team["nurse"]
    pid = patient.id
    # HbA1c 8.4 then 8.9 against a target below 7: off track and worsening.
    for value, ago in ((8.4, 60), (8.9, 10)):
        observations.add_observation(
            ws, nurse, pid, kind="hba1c", value=value, observed_on=TODAY - timedelta(days=ago)
        )
    # Walking: 35 minutes against "30 or more": on track, so not on the agenda.
    walk = plan.draft.goals[1]
    observations.add_observation(
        ws, nurse, pid, kind="custom", value=35, observed_on=TODAY, goal_uid=walk.uid,
        label="Minutes walked",
    )  # fmt: skip
    late = tasks.create_task(
        ws, nurse, TaskDraft("Phone about the eye check", patient_id=pid,
                             due_date=TODAY - timedelta(days=4))
    ).value  # fmt: skip
    tasks.create_task(  # due later: not overdue
        ws, nurse, TaskDraft("Book the flu shot", patient_id=pid, due_date=TODAY + timedelta(5))
    )
    transitions.record_discharge(
        ws, nurse, pid, discharged=TODAY - timedelta(days=20), facility="Westmead Hospital",
        admitted=TODAY - timedelta(days=25),
    )  # fmt: skip
    patient_lists.add_hospital_event(
        ws, nurse, pid, HospitalEventDraft(HospitalEventKind.ED_VISIT, TODAY - timedelta(days=40),
                                           facility="Concord Hospital", reason="Fall")
    )  # fmt: skip
    patient_lists.add_hospital_event(  # long ago: not on the agenda
        ws, nurse, pid, HospitalEventDraft(HospitalEventKind.ADMISSION, TODAY - timedelta(400),
                                           TODAY - timedelta(395), facility="Old Hospital")
    )  # fmt: skip
    med = medicines.add_medicine(ws, team["gp"], pid, MedicineDraft("Metformin 500 mg twice a day"))
    medicines.stop_medicine(
        ws, team["gp"], med.value.id, reason="Stomach upset", version=med.value.version
    )
    member = next(i for i in providers.values() if i.discipline == "Podiatrist")
    ref = referrals.create_referral(
        ws, nurse, pid, ReferralDraft("provider", member.care_team_member_id, "Foot check")
    ).value
    referrals.send_referral(ws, nurse, ref, via="fax")
    return {"task": late.id, "referral": ref, "medicine": med.value.id, "walk": walk.uid}


def by_source(items) -> dict[str, list]:
    out: dict[str, list] = {}
    for i in items:
        out.setdefault(getattr(i.source, "value", i.source), []).append(i)
    return out


def test_the_agenda_has_an_item_from_each_source(ws, team, patient, plan, full_record):
    asked = "Can I stop the water tablet?\n- Who do I ring?"
    items = agenda.build_agenda(ws, team["reception"], patient.id, questions=asked)
    got = by_source(items)
    goal = plan.draft.goals[0]
    assert [i.source_ref for i in got["goal_off_track"]] == [f"goal:{goal.uid}"]
    off = got["goal_off_track"][0].detail
    assert "8.9" in off and "target below 7" in off and "getting worse" in off
    assert f"task:{full_record['task']}" in {i.source_ref for i in got["overdue_task"]}
    assert all("Book the flu shot" not in i.title for i in got["overdue_task"])
    stays = [i.title for i in got["transition"]]
    assert any("Westmead Hospital" in t for t in stays)
    assert any(t.startswith("ED visit at Concord Hospital") for t in stays)
    assert not any("Old Hospital" in t for t in stays)
    assert len([t for t in stays if "Westmead" in t]) == 1  # the stay and its discharge: one item
    (med,) = got["medication_change"]
    assert med.source_ref == f"medicine:{full_record['medicine']}"
    assert med.title.startswith("Medicine stopped:") and "Stomach upset" in med.detail
    (ref,) = got["open_referral"]
    assert ref.source_ref == f"referral:{full_record['referral']}" and "sent" in ref.title
    assert [q.title for q in got["patient_question"]] == [
        "Can I stop the water tablet?", "Who do I ring?",
    ]  # fmt: skip
    refs = [i.source_ref for i in items]
    assert len(refs) == len(set(refs))  # every item has its own stable reference


def test_an_on_track_plan_gives_no_goal_items(ws, team, patient, plan):
    observations.add_observation(ws, team["nurse"], patient.id, kind="hba1c", value=6.5,
                                 observed_on=TODAY)  # fmt: skip
    items = agenda.build_agenda(ws, team["nurse"], patient.id)
    assert "goal_off_track" not in by_source(items)


def test_a_rebuild_adds_only_what_is_new_and_keeps_minutes(
    ws, team, patient, plan, full_record, conference
):
    nurse = team["nurse"]
    rec = agenda.rebuild_agenda(ws, nurse, conference.id).value
    first = [(a.id, a.source_ref) for a in rec.agenda]
    assert len(first) >= 6
    meeting.record_minutes(ws, nurse, rec.agenda[0].id, "Talked it through")
    again = agenda.rebuild_agenda(ws, nurse, conference.id).value
    assert [(a.id, a.source_ref) for a in again.agenda] == first  # nothing new: nothing added
    assert again.agenda[0].minutes == "Talked it through"
    tasks.create_task(ws, nurse, TaskDraft("Chase the bloods", patient_id=patient.id,
                                           due_date=TODAY - timedelta(days=1)))  # fmt: skip
    newer = agenda.rebuild_agenda(ws, nurse, conference.id).value
    assert [(a.id, a.source_ref) for a in newer.agenda[: len(first)]] == first
    (added,) = newer.agenda[len(first) :]
    assert added.title == "Overdue task: Chase the bloods"
    assert added.position == len(first)


def test_save_agenda_keeps_the_order_adds_edits_and_removes(ws, team, conference, full_record):
    nurse = team["nurse"]
    rec = agenda.rebuild_agenda(ws, nurse, conference.id).value
    a, b, c, *_rest = rec.agenda
    items = [
        AgendaItemDraft("Our own item", detail="Typed in"),
        AgendaItemDraft(c.title + " (edited)", c.source, c.source_ref, c.detail, id=c.id),
        AgendaItemDraft(a.title, a.source, a.source_ref, a.detail, id=a.id),
    ]
    saved = agenda.save_agenda(ws, nurse, conference.id, items, rec.version).value
    assert [x.title for x in saved.agenda] == ["Our own item", c.title + " (edited)", a.title]
    assert [x.position for x in saved.agenda] == [0, 1, 2]
    assert saved.agenda[0].source == "manual" and saved.agenda[1].id == c.id
    assert b.id not in {x.id for x in saved.agenda}
    # Building again brings back what the record still says (b was removed by a person,
    # but its source is still there); the edited item is not duplicated.
    again = agenda.rebuild_agenda(ws, nurse, conference.id).value
    assert [x.source_ref for x in again.agenda].count(c.source_ref) == 1


def test_save_agenda_refuses_to_drop_items_with_minutes_or_decisions(ws, team, conference):
    nurse = team["nurse"]
    rec = agenda.save_agenda(
        ws, nurse, conference.id, [AgendaItemDraft("One"), AgendaItemDraft("Two")],
        conference.version,
    ).value  # fmt: skip
    one, two = rec.agenda
    meeting.record_minutes(ws, nurse, one.id, "Said things")
    decisions.add_decision(ws, nurse, rec.id, DecisionDraft("Noted", agenda_item_id=two.id))
    rec = agenda.rebuild_agenda(ws, nurse, conference.id).value
    for keep in (one, two):
        with pytest.raises(ValidationError, match="minutes or decisions") as exc:
            agenda.save_agenda(
                ws, nurse, rec.id,
                [AgendaItemDraft(x.title, id=x.id) for x in rec.agenda if x.id != keep.id],
                rec.version,
            )  # fmt: skip
        assert exc.value.field == "agenda"
        assert keep.title not in str(exc.value)  # positions, not clinical words, in errors
    assert [x.id for x in agenda.rebuild_agenda(ws, nurse, rec.id).value.agenda] == [one.id, two.id]


def test_save_agenda_refuses_bad_items_and_stale_lists(ws, team, conference):
    nurse = team["nurse"]
    with pytest.raises(ValidationError) as exc:
        agenda.save_agenda(ws, nurse, conference.id, [AgendaItemDraft("  ")], conference.version)
    assert exc.value.field == "agenda[0]"
    with pytest.raises(ValidationError):
        agenda.save_agenda(
            ws, nurse, conference.id, [AgendaItemDraft("x", id=99999)], conference.version
        )
    agenda.save_agenda(ws, team["gp"], conference.id, [AgendaItemDraft("GP's")], conference.version)
    with pytest.raises(StaleEditError, match="Gp User"):
        agenda.save_agenda(
            ws, nurse, conference.id, [AgendaItemDraft("Nurse's")], conference.version
        )


def test_a_held_conference_keeps_its_agenda(ws, team, conference):
    nurse = team["nurse"]
    meeting.start_meeting(ws, nurse, conference.id)
    meeting.end_meeting(ws, nurse, conference.id)
    with pytest.raises(ValidationError, match="held"):
        agenda.rebuild_agenda(ws, nurse, conference.id)
