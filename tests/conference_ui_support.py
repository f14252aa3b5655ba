"""Fixtures of the conference screen tests (import them into a test module): a real encrypted
practice with staff of every role (the GP on Mr Moss's care team), Mr Moss with a pharmacist
and a physiotherapist on his care team, a carer, and a record the agenda is built from (an
overdue task, an open referral, a recent hospital stay, a medicine started, his questions);
`open_window` opens a conference's window and waits until it has loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from carecoord_desktop.models.patient import HospitalEventKind
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import settings
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.types import ConferenceDraft, ParticipantDraft
from carecoord_desktop.services.medications import medicines
from carecoord_desktop.services.medications.types import MedicineDraft
from carecoord_desktop.services.patients import lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import (
    CareTeamDraft,
    ConditionDraft,
    ContactDraft,
    HospitalEventDraft,
    PatientDraft,
)
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft
from carecoord_desktop.services.tasks import edit as tasks
from carecoord_desktop.services.tasks.types import TaskDraft
from carecoord_desktop.ui.shell.state import AppState
from tests_support import staff

QUESTIONS = "Can I keep driving to the shops?\nWho checks my feet now?"


@pytest.fixture
def team(ws, admin):
    """One signed-in actor per role; the GP is Dr Lena Lee."""
    return {
        "gp": staff(ws, admin, Role.GP, "lena.lee"),
        "nurse": staff(ws, admin, Role.NURSE, "nora.night"),
        "coordinator": staff(ws, admin, Role.COORDINATOR, "casey.ward"),
        "reception": staff(ws, admin, Role.RECEPTION, "front.desk"),
    }


@pytest.fixture
def moss(ws, admin, team) -> int:
    """Mr Moss, 75: his GP on the care team, a pharmacist and a physio, a carer, and what the
    agenda is built from."""
    draft = PatientDraft(given_name="Harold", family_name="Moss", date_of_birth=date(1951, 2, 3))
    pid = patients.create_patient(ws, admin, draft).value.id
    lists.add_condition(ws, admin, pid, ConditionDraft("Type 2 diabetes mellitus"))
    gp = team["gp"]
    lists.add_care_team_member(
        ws,
        admin,
        pid,
        CareTeamDraft(name=gp.full_name, role="GP", staff_user_id=gp.user_id, phone="03 9000 1000"),
    )
    for name, role, org in (
        ("Priya Shah", "Pharmacist", "Corner Pharmacy"),
        ("Tom Reid", "Physiotherapist", "Move Well Physio"),
    ):
        lists.add_care_team_member(
            ws, admin, pid, CareTeamDraft(name=name, role=role, organisation=org,
                                          phone="03 9000 2222"),
        )  # fmt: skip
    lists.add_contact(
        ws, admin, pid, ContactDraft("June Moss", "Wife", phone="0400 000 111", is_carer=True)
    )
    # What the agenda is built from.
    coord = team["coordinator"]
    tasks.create_task(
        ws, coord, TaskDraft("Book a foot check", patient_id=pid,
                             due_date=date.today() - timedelta(days=9)),
    )  # fmt: skip
    member = next(r for r in refs.recipients(ws, admin, pid) if "Reid" in r.name)
    refs.create_referral(ws, coord, pid, ReferralDraft("provider", member.id, "Falls risk"))
    lists.add_hospital_event(
        ws, admin, pid,
        HospitalEventDraft(HospitalEventKind.ADMISSION, date.today() - timedelta(days=20),
                           date.today() - timedelta(days=16), "Riverbend Hospital", "Fall"),
    )  # fmt: skip
    medicines.add_medicine(ws, gp, pid, MedicineDraft("Metformin 500 mg twice a day"))
    return pid


def make_state(ws, actor) -> AppState:
    return AppState(ws, actor, settings.load(ws))


def invitees(ws, actor, pid, *disciplines: str) -> tuple[ParticipantDraft, ...]:
    offered = confs.invitables(ws, actor, pid)
    out = []
    for discipline in disciplines:
        who = next(i for i in offered if i.discipline == discipline)
        out.append(
            ParticipantDraft(
                who.kind,
                who.name,
                who.discipline,
                who.staff_user_id,
                who.care_team_member_id,
                who.organisation,
                who.contact,
            )
        )
    return tuple(out)


TEAM = ("General practitioner", "Pharmacist", "Physiotherapist", "Patient")


def schedule(ws, actor, pid, *, days: float = 7, questions: str | None = QUESTIONS,
             people: tuple[str, ...] = TEAM, **kw):  # fmt: skip
    """A conference `days` from now with the GP, the pharmacist, the physio and the patient."""
    people = invitees(ws, actor, pid, *people)
    at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=days)
    draft = ConferenceDraft(patient_id=pid, scheduled_at=at, place="Meeting room 2",
                            patient_questions=questions, participants=people, **kw)  # fmt: skip
    return confs.schedule_conference(ws, actor, draft).value


def open_window(qtbot, state, conference_id: int):
    from carecoord_desktop.ui.conferences.window import open_conference

    window = open_conference(state, conference_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.record is not None, timeout=10_000)
    return window
