"""The business-day clock and the discharge it drives.

Every expected date below was read from the `holidays` package (0.109) for that region and
checked against the state's published calendar: NSW and QLD 2026 (ANZAC Day falls on a
Saturday: NSW observes it on Monday 27 April, QLD does not; Boxing Day falls on a Saturday:
both observe it on Monday 28 December), the Royal Queensland Show (Wednesday 12 August 2026,
Brisbane), and California 2026 (Independence Day on a Saturday, observed Friday 3 July;
Thanksgiving and the day after, 26-27 November).
"""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import calendar, edit, transitions
from carecoord_desktop.services.tasks.calendar import PracticeCalendar
from carecoord_desktop.services.tasks.regions import normalise_region, parse_region
from carecoord_desktop.services.tasks.types import BoardFilter, TaskState
from tests_support import staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

D = date


@pytest.mark.parametrize(
    ("region", "start", "n", "expected", "why"),
    [
        # A weekend: Friday + 2 business days is Tuesday.
        ("AU-NSW", D(2026, 11, 27), 2, D(2026, 12, 1), "weekend"),
        ("AU-QLD", D(2026, 11, 27), 2, D(2026, 12, 1), "weekend"),
        ("US-CA", D(2026, 11, 20), 2, D(2026, 11, 24), "weekend"),
        # A public holiday: NSW Labour Day Mon 5 Oct 2026; QLD Labour Day Mon 4 May 2026.
        ("AU-NSW", D(2026, 10, 2), 2, D(2026, 10, 7), "public holiday"),
        ("AU-QLD", D(2026, 10, 2), 2, D(2026, 10, 7), "public holiday (King's Birthday)"),
        ("AU-QLD", D(2026, 5, 1), 1, D(2026, 5, 5), "public holiday"),
        ("AU-NSW", D(2026, 5, 1), 1, D(2026, 5, 4), "not a NSW holiday"),
        ("US-CA", D(2026, 11, 25), 2, D(2026, 12, 1), "Thanksgiving and the day after"),
        # A substitute holiday: ANZAC Day on a Saturday, observed Monday in NSW only.
        ("AU-NSW", D(2026, 4, 24), 2, D(2026, 4, 29), "substitute ANZAC Day"),
        ("AU-QLD", D(2026, 4, 24), 2, D(2026, 4, 28), "no substitute in QLD"),
        ("US-CA", D(2026, 7, 2), 1, D(2026, 7, 6), "Independence Day observed Friday"),
        # Christmas: Boxing Day on a Saturday, observed Monday 28 December.
        ("AU-NSW", D(2026, 12, 24), 2, D(2026, 12, 30), "Christmas and Boxing Day observed"),
        ("AU-QLD", D(2026, 12, 24), 1, D(2026, 12, 29), "Boxing Day observed"),
        # The end of a year: New Year's Day on a Friday.
        ("AU-NSW", D(2026, 12, 30), 2, D(2027, 1, 4), "end of the year"),
        ("AU-QLD", D(2026, 12, 31), 1, D(2027, 1, 4), "end of the year"),
        ("US-CA", D(2026, 12, 31), 2, D(2027, 1, 5), "end of the year"),
        # Royal Queensland Show day (Brisbane): a QLD holiday in the package, not in NSW.
        ("AU-QLD", D(2026, 8, 11), 2, D(2026, 8, 14), "show day"),
        ("AU-NSW", D(2026, 8, 11), 2, D(2026, 8, 13), "no show day in NSW"),
    ],
)
def test_business_days(region, start, n, expected, why):
    assert PracticeCalendar(region).add_business_days(start, n) == expected, why


def test_a_local_holiday_added_by_hand_moves_the_clock():
    plain = PracticeCalendar("AU-QLD")
    assert plain.is_business_day(D(2026, 9, 3))
    # A regional show day the state calendar does not carry (a Thursday).
    local = PracticeCalendar("AU-QLD", {D(2026, 9, 3): "Toowoomba Show"})
    assert local.holiday_name(D(2026, 9, 3)) == "Toowoomba Show"
    assert local.add_business_days(D(2026, 9, 2), 1) == D(2026, 9, 4)
    assert (D(2026, 9, 3), "Toowoomba Show") in local.holidays_in(2026)


def test_regions_parse_with_one_rule_and_refuse_clearly():
    assert parse_region("au-nsw") == ("AU", "NSW")
    assert normalise_region("us_ca") == "US-CA"
    with pytest.raises(ValidationError, match="AU-NSW, AU-QLD"):
        parse_region("Narnia")
    with pytest.raises(ValidationError, match="AU-ACT"):
        parse_region("AU-XYZ")
    with pytest.raises(ValidationError, match="which state"):
        parse_region("AU")


def test_the_region_is_a_practice_setting_and_local_holidays_are_saved(ws, admin):
    assert calendar.load_calendar(ws).region == "AU-NSW"
    settings.update(ws, admin, holiday_region="AU-QLD")
    assert calendar.load_calendar(ws).region == "AU-QLD"
    with pytest.raises(ValidationError, match="AU-QLD"):
        settings.update(ws, admin, holiday_region="au qld")
    made = calendar.add_local_holiday(ws, admin, D(2026, 9, 3), "Toowoomba Show").value
    with pytest.raises(ValidationError, match="already"):
        calendar.add_local_holiday(ws, admin, D(2026, 9, 3), "Again")
    assert calendar.load_calendar(ws).holiday_name(D(2026, 9, 3)) == "Toowoomba Show"
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    with pytest.raises(PermissionDeniedError):
        calendar.add_local_holiday(ws, nurse, D(2026, 9, 4), "Mine")
    calendar.remove_local_holiday(ws, admin, made.id, version=made.version)
    assert calendar.list_local_holidays(ws) == []


# -- the discharge ------------------------------------------------------------------------------
@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Ada", family_name="Quill", date_of_birth=date(1948, 3, 9))
    return patients.create_patient(ws, admin, draft).value.id


def test_a_discharge_opens_four_tasks_due_by_the_practice_calendar(ws, admin, pid):
    made = transitions.record_discharge(
        ws,
        admin,
        pid,
        discharged=D(2026, 11, 20),
        facility="Royal North Shore",
        complexity="moderate",
    )
    tasks = {t.kind: t for t in made.value.tasks}
    assert list(tasks) == ["contact", "medrec", "visit", "summary"]
    assert tasks["contact"].due == D(2026, 11, 24)  # Friday + 2 business days
    assert tasks["visit"].due == D(2026, 12, 4)  # 14 days is Friday 4 December
    assert tasks["medrec"].due == tasks["visit"].due
    assert tasks["summary"].due == D(2026, 11, 24)
    assert {t.owner for t in tasks.values()} <= {"nurse", "gp"}
    assert made.changes.touches([transitions.Kind.HOSPITAL, transitions.Kind.TASKS], pid)
    cards = boards.board(ws, admin, BoardFilter(patient_id=pid)).columns[TaskState.TODO]
    assert [c.source for c in cards] == ["discharge"] * 4
    # The record's hospital event carries the stay (risk score, "recently discharged").
    rec = patients.get_record(ws, admin, pid)
    assert [(e.kind, e.end_date) for e in rec.hospital_events] == [("admission", D(2026, 11, 20))]


def test_high_complexity_is_seen_within_7_days_on_a_business_day(ws, admin, pid):
    def visit_due(patient_id):
        made = transitions.record_discharge(
            ws, admin, patient_id, discharged=D(2026, 4, 20), facility="PA", complexity="high"
        ).value
        return {t.kind: t.due for t in made.tasks}["visit"]

    # 20 April 2026 + 7 is Monday 27 April: NSW's substitute ANZAC Day, so Friday the 24th.
    assert visit_due(pid) == D(2026, 4, 24)
    settings.update(ws, admin, holiday_region="AU-QLD")  # QLD works that Monday
    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="Bo", family_name="Ng", date_of_birth=D(1950, 1, 1))
    ).value.id
    assert visit_due(other) == D(2026, 4, 27)


def test_the_same_discharge_twice_opens_nothing_new(ws, admin, pid):
    first = transitions.record_discharge(
        ws, admin, pid, discharged=D(2026, 11, 20), facility="Royal North Shore"
    ).value
    again = transitions.record_discharge(
        ws, admin, pid, discharged=D(2026, 11, 20), facility="royal north shore"
    ).value
    assert not again.created and again.transition_id == first.transition_id
    assert [t.task_id for t in again.tasks] == [t.task_id for t in first.tasks]
    assert boards.board(ws, admin).open_total == 4


def test_a_discharge_closes_the_open_admission(ws, admin, pid):
    stay = transitions.record_admission(
        ws, admin, pid, admitted=D(2026, 11, 10), facility="Royal North Shore"
    ).value
    made = transitions.record_discharge(
        ws, admin, pid, discharged=D(2026, 11, 20), facility="Royal North Shore"
    ).value
    assert made.hospital_event_id == stay.hospital_event_id
    events = patients.get_record(ws, admin, pid).hospital_events
    assert [(e.start_date, e.end_date) for e in events] == [(D(2026, 11, 10), D(2026, 11, 20))]


def test_bad_discharges_are_refused_clearly(ws, admin, pid):
    def discharge(**kw):
        args = {"discharged": D(2026, 11, 20), "facility": "RNS", **kw}
        return transitions.record_discharge(ws, admin, pid, **args)

    with pytest.raises(ValidationError, match="moderate or high"):
        discharge(complexity="extreme")
    with pytest.raises(ValidationError, match="future"):
        discharge(discharged=D(2099, 1, 1))
    with pytest.raises(ValidationError, match="facility"):
        discharge(facility="  ")
    with pytest.raises(ValidationError, match="after the discharge"):
        discharge(admitted=D(2026, 11, 21))
    reception = staff(ws, admin, Role.RECEPTION, "rita.desk")
    with pytest.raises(PermissionDeniedError):
        transitions.record_discharge(ws, reception, pid, discharged=D(2026, 11, 20), facility="X")
    assert boards.board(ws, admin).open_total == 0


def test_a_voicemail_does_not_close_the_contact_but_a_call_answered_does(ws, admin, pid):
    made = transitions.record_discharge(
        ws, admin, pid, discharged=D(2026, 11, 20), facility="RNS"
    ).value
    contact = next(t for t in made.tasks if t.kind == "contact")
    nurse = staff(ws, admin, Role.NURSE, "nina.zhang")
    left = transitions.record_contact(ws, nurse, made.transition_id, method="voicemail").value
    assert left.closed_task_ids == [] and not left.contact.interactive
    card = boards.get_task(ws, nurse, contact.task_id)
    assert card.card.state == TaskState.TODO
    assert card.history[0].action == "attempt" and "voicemail" in card.history[0].detail
    # Dragging it to Done without a conversation is refused with what to do.
    with pytest.raises(ValidationError, match="voicemail or a text alone"):
        edit.complete_task(ws, nurse, contact.task_id)
    spoke = transitions.record_contact(
        ws, nurse, made.transition_id, method="phone_answered", with_whom="daughter (carer)"
    ).value
    assert spoke.closed_task_ids == [contact.task_id]
    done = boards.get_task(ws, nurse, contact.task_id)
    assert done.card.state == TaskState.DONE and "phone call, answered" in done.resolution
    rows = transitions.list_transitions(ws, nurse, pid)
    assert rows[0].contacted and [c.method.value for c in rows[0].contacts] == [
        "voicemail",
        "phone_answered",
    ]


def test_a_contact_task_can_be_closed_without_a_call_only_with_a_reason(ws, admin, pid):
    made = transitions.record_discharge(
        ws, admin, pid, discharged=D(2026, 11, 20), facility="RNS"
    ).value
    contact = next(t for t in made.tasks if t.kind == "contact")
    done = edit.complete_task(ws, admin, contact.task_id, resolution="Readmitted").value
    assert done.state == TaskState.DONE


def test_an_ed_visit_opens_a_follow_up_call(ws, admin, pid):
    transitions.record_ed_visit(ws, admin, pid, day=D(2026, 11, 27), facility="RNS ED")
    (card,) = boards.board(ws, admin, BoardFilter(patient_id=pid)).cards()
    assert card.kind == "contact" and card.due_date == D(2026, 12, 1)
    assert card.owner_label == "Nurses"


def test_business_days_left_count_the_practice_calendar():
    nsw = PracticeCalendar("AU-NSW")
    # Thu 24 Dec to Wed 30 Dec 2026: Christmas, the weekend and Boxing Day observed skipped.
    assert nsw.business_days_between(D(2026, 12, 24), D(2026, 12, 30)) == 2
    assert nsw.business_days_between(D(2026, 12, 30), D(2026, 12, 24)) == -2  # overdue
    assert nsw.business_days_between(D(2026, 12, 1), D(2026, 12, 1)) == 0
    assert nsw.business_days_between(D(2026, 12, 26), D(2026, 12, 29)) == 1
