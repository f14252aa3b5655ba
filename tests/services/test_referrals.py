"""Referrals on real encrypted workspaces: each role's rights, every status step with its date,
a sent referral aged past the practice's limit finding its chase task on the board through
the sweep (and an answer closing it), stale saves refused, and an audit log of ids only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.patients import lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, PatientDraft
from carecoord_desktop.services.referrals import directory, followups
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft, ResourceDraft
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import events
from carecoord_desktop.services.tasks.types import BoardFilter, TaskState
from tests_support import staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TODAY = date.today()
REASON = "Painful corns on both feet; cannot reach to cut his nails safely"


@pytest.fixture
def pid(ws, admin) -> int:
    draft = PatientDraft(given_name="Harold", family_name="Moss", date_of_birth=date(1951, 2, 3))
    return patients.create_patient(ws, admin, draft).value.id


@pytest.fixture
def podiatrist(ws, admin, pid) -> int:
    member = CareTeamDraft(
        name="Dr Lena Ortiz", role="Podiatrist", organisation="Foot Clinic", phone="(03) 5550 1234"
    )
    return lists.add_care_team_member(ws, admin, pid, member).value.id


@pytest.fixture
def transport(ws, admin) -> int:
    draft = ResourceDraft(name="Riverbend Ride Along", category="transport", area="Riverbend")
    return directory.add_resource(ws, admin, draft).value


def _refer(ws, actor, pid, member_id, **kw):
    draft = ReferralDraft("provider", member_id, kw.pop("reason", REASON), **kw)
    return refs.create_referral(ws, actor, pid, draft).value


def _sent(ws, actor, pid, member_id, days_ago: int) -> int:
    rid = _refer(ws, actor, pid, member_id)
    refs.send_referral(ws, actor, rid, via="fax", on=TODAY - timedelta(days=days_ago))
    return rid


def _chase_cards(ws, admin, pid):
    found = boards.board(ws, admin, BoardFilter(patient_id=pid, today=TODAY, done_days=30))
    return [c for c in found.cards() if c.title.startswith("Chase referral")]


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.ADMIN])
def test_a_clinical_role_drafts_sends_and_closes_a_referral(ws, admin, pid, podiatrist, role):
    actor = admin if role is Role.ADMIN else staff(ws, admin, role, f"{role.value}.one")
    rid = _refer(ws, actor, pid, podiatrist, urgency="soon")
    made = refs.send_referral(ws, actor, rid, via="secure_message", on=TODAY - timedelta(days=3))
    assert made.changes.touches({Kind.REFERRALS}, pid)
    for status in ("acknowledged", "appointment_booked", "report_received", "closed"):
        refs.record_step(ws, actor, rid, status, note="seen" if status == "closed" else None)
    row = refs.get_referral(ws, actor, rid)
    assert (row.status, row.sent_via, row.recipient_name) == ("closed", "secure_message",
                                                              "Dr Lena Ortiz")  # fmt: skip
    steps = refs.referral_steps(ws, actor, rid)
    assert [s.status for s in steps] == [
        "draft", "sent", "acknowledged", "appointment_booked", "report_received", "closed",
    ]  # fmt: skip
    assert steps[1].on == TODAY - timedelta(days=3) and steps[-1].actor_name == actor.full_name
    assert row.outcome == "seen" and not row.is_open


def test_reception_records_answers_but_does_not_write_or_close_referrals(
    ws, admin, pid, podiatrist
):
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    with pytest.raises(PermissionDeniedError):
        _refer(ws, desk, pid, podiatrist)
    rid = _sent(ws, admin, pid, podiatrist, 2)
    refs.record_step(ws, desk, rid, "acknowledged")  # the phone call, taken at the desk
    refs.record_step(ws, desk, rid, "appointment_booked")
    with pytest.raises(PermissionDeniedError):
        refs.record_step(ws, desk, rid, "closed")
    assert refs.get_referral(ws, desk, rid).status == "appointment_booked"
    assert [r.id for r in refs.patient_referrals(ws, desk, pid)] == [rid]


def test_a_step_out_of_order_or_dated_wrongly_is_refused_with_what_it_can_become(
    ws, admin, pid, podiatrist
):
    rid = _refer(ws, admin, pid, podiatrist)
    with pytest.raises(ValidationError, match=r"cannot become acknowledged.*sent, closed"):
        refs.record_step(ws, admin, rid, "acknowledged")
    with pytest.raises(ValidationError, match="how it was sent"):
        refs.send_referral(ws, admin, rid, via="pigeon")
    with pytest.raises(ValidationError, match="future"):
        refs.send_referral(ws, admin, rid, via="fax", on=TODAY + timedelta(days=1))
    refs.send_referral(ws, admin, rid, via="fax", on=TODAY - timedelta(days=2))
    with pytest.raises(ValidationError, match="before the referral was sent"):
        refs.record_step(ws, admin, rid, "acknowledged", on=TODAY - timedelta(days=5))
    refs.record_step(ws, admin, rid, "declined", note="Not taking new patients")
    with pytest.raises(ValidationError, match="declined cannot become sent"):
        refs.send_referral(ws, admin, rid, via="fax")


def test_bad_recipients_reasons_and_goals_are_refused(ws, admin, pid, podiatrist, transport):
    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="Ann", family_name="Lee", date_of_birth=date(1960, 1, 1))
    ).value.id
    with pytest.raises(ValidationError, match="care team"):
        _refer(ws, admin, other, podiatrist)  # someone else's team member
    with pytest.raises(ValidationError, match="reason"):
        _refer(ws, admin, pid, podiatrist, reason="   ")
    with pytest.raises(ValidationError, match="goal"):
        _refer(ws, admin, pid, podiatrist, plan_id=99, goal_uid="nope")
    rid = refs.create_referral(ws, admin, pid, ReferralDraft("resource", transport, "Cannot drive"))
    assert refs.get_referral(ws, admin, rid.value).recipient_detail == "Transport, Riverbend"


def test_a_sent_referral_aged_past_the_practice_limit_gets_a_chase_task_and_an_answer_closes_it(
    ws, admin, pid, podiatrist
):
    nurse = staff(ws, admin, Role.NURSE, "nina.nurse")
    current = settings.load(ws)
    settings.update(ws, admin, version=current.version, referral_follow_up_days=7)
    late = _sent(ws, nurse, pid, podiatrist, days_ago=8)
    recent = _sent(ws, nurse, pid, podiatrist, days_ago=6)
    assert followups.unanswered_referrals in events.registered_sources()

    swept = events.sync_due_tasks(ws, TODAY)
    cards = _chase_cards(ws, admin, pid)
    assert [c.title for c in cards] == ["Chase referral: Dr Lena Ortiz"]
    assert cards[0].state == TaskState.TODO and cards[0].owner_id == nurse.user_id
    assert swept.changes.touches({Kind.TASKS}, pid)
    assert events.sync_due_tasks(ws, TODAY).value.created == []  # the daily sweep again: one task
    rows = {r.id: r for r in refs.open_referrals(ws, admin)}
    assert rows[late].overdue and rows[late].days_waiting == 8 and not rows[recent].overdue
    assert next(r.id for r in refs.open_referrals(ws, admin)) == late  # overdue first

    refs.record_step(ws, admin, late, "acknowledged")
    (card,) = _chase_cards(ws, admin, pid)
    assert card.state == TaskState.DONE
    assert events.sync_due_tasks(ws, TODAY + timedelta(days=5)).value.created != []  # `recent`
    assert len(_chase_cards(ws, admin, pid)) == 2  # the answered one is not reopened


def test_the_follow_up_days_setting_is_checked(ws, admin):
    current = settings.load(ws)
    assert current.referral_follow_up_days == 10
    with pytest.raises(ValidationError, match="1 to 90"):
        settings.update(ws, admin, version=current.version, referral_follow_up_days=0)


def test_a_stale_referral_save_is_refused_with_who_changed_it(ws, admin, pid, podiatrist):
    gp = staff(ws, admin, Role.GP, "gail.gp")
    rid = _refer(ws, admin, pid, podiatrist)
    seen = refs.get_referral(ws, admin, rid).version
    refs.edit_referral(ws, gp, rid, ReferralDraft("provider", podiatrist, "Nails"), version=seen)
    with pytest.raises(StaleEditError, match="Gail Gp"):
        refs.send_referral(ws, admin, rid, via="fax", version=seen)
    assert refs.get_referral(ws, admin, rid).status == "draft"


def test_the_audit_log_holds_ids_and_statuses_never_the_reason(ws, admin, pid, podiatrist):
    rid = _sent(ws, admin, pid, podiatrist, 1)
    refs.record_step(ws, admin, rid, "declined", note="Waiting list closed for Mr Moss")
    with ws.session() as session:
        details = [e.detail for e in session.exec(select(AuditEvent))]
    text = " ".join(details)
    assert "status sent to declined" in text
    assert "corns" not in text and "Moss" not in text and "Ortiz" not in text


def test_the_directory_is_searched_by_words_with_typos_and_by_category(ws, admin, transport):
    desk = staff(ws, admin, Role.RECEPTION, "front.desk")
    directory.add_resource(
        ws, desk, ResourceDraft(name="Meals on Wheels Riverbend", category="Meals",
                                eligibility="Over 65 or living with a disability"),
    )  # fmt: skip
    assert [r.name for r in directory.search_resources(ws, desk, "ride")] == [
        "Riverbend Ride Along"
    ]
    assert [r.name for r in directory.search_resources(ws, desk, "meels")] == [
        "Meals on Wheels Riverbend"
    ]
    assert len(directory.search_resources(ws, desk, "riverbend")) == 2
    assert [r.name for r in directory.search_resources(ws, desk, "", "meals")] == [
        "Meals on Wheels Riverbend"
    ]
    with pytest.raises(ValidationError, match="already has Riverbend Ride Along in Riverbend"):
        directory.add_resource(ws, desk, ResourceDraft(name="riverbend  ride along",
                                                       category="transport", area="RIVERBEND"))
    row = directory.get_resource(ws, desk, transport)
    directory.set_active(ws, desk, transport, False, version=row.version)
    assert "Riverbend Ride Along" not in [r.name for r in directory.search_resources(ws, desk)]
    with pytest.raises(StaleEditError):
        directory.edit_resource(ws, desk, transport, row.draft(), version=row.version)


def test_a_resource_links_to_a_patient_once(ws, admin, pid, transport):
    coord = staff(ws, admin, Role.COORDINATOR, "cam.coord")
    directory.link_resource(ws, coord, pid, transport, notes="Tuesdays")
    directory.link_resource(ws, coord, pid, transport, notes="Tuesdays and Fridays")
    (linked,) = directory.patient_resources(ws, coord, pid)
    assert linked["resource"]["name"] == "Riverbend Ride Along"
    assert linked["notes"] == "Tuesdays and Fridays"
    with pytest.raises(ValidationError, match=r"not in this care plan|care plans"):
        directory.link_resource(ws, coord, pid, transport, plan_id=1, intervention_uid="x")


def test_a_merge_moves_the_referrals_and_their_sharing_record_to_the_kept_record(
    ws, admin, pid, podiatrist
):
    from carecoord_desktop.services.referrals import letters

    twin = patients.create_patient(
        ws, admin, PatientDraft(given_name="Harry", family_name="Moss",
                                date_of_birth=date(1951, 2, 3)),
    ).value.id  # fmt: skip
    member = lists.add_care_team_member(
        ws, admin, twin, CareTeamDraft(name="Pat Physio", role="Physiotherapist",
                                       phone="(03) 5550 4321"),
    ).value.id  # fmt: skip
    rid = _sent(ws, admin, twin, member, 3)
    letters.render_letter(ws, admin, rid, method="post")
    merged = patients.merge_patients(ws, admin, pid, twin)
    assert merged.changes.touches({Kind.REFERRALS}, pid)
    assert [r.id for r in refs.patient_referrals(ws, admin, pid)] == [rid]
    assert refs.patient_referrals(ws, admin, twin) == []
    assert [s.record_id for s in letters.shares_for(ws, admin, pid)] == [rid]


def test_a_category_word_finds_the_services_of_that_category(ws, admin, transport):
    directory.add_resource(ws, admin, ResourceDraft(name="Wattle Wheels", category="transport"))
    directory.add_resource(ws, admin, ResourceDraft(name="Cafe Connect", category="mental_health"))
    found = [r.name for r in directory.search_resources(ws, admin, "transport")]
    assert sorted(found) == ["Riverbend Ride Along", "Wattle Wheels"]
    assert [r.name for r in directory.search_resources(ws, admin, "mental health")] == [
        "Cafe Connect"
    ]
