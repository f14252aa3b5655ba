"""Mr Moss's record for the conference meeting tests, made through the services as the practice
would: a care plan whose HbA1c goal is off track, an overdue task, a discharge ten days ago, a
medicine changed last week and a referral sent and unanswered; a pharmacist and a
physiotherapist on his care team; a GP, a nurse, a coordinator and reception on the staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.careplans import observations
from carecoord_desktop.services.careplans import plans as plan_service
from carecoord_desktop.services.careplans.types import GoalDraft, InterventionDraft, PlanDraft
from carecoord_desktop.services.medications import medicines
from carecoord_desktop.services.medications.types import MedicineDraft
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import CareTeamDraft, ConditionDraft, PatientDraft
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks import transitions
from carecoord_desktop.services.tasks.types import TaskDraft
from tests_support import staff

TODAY = date.today()
GOAL_WORDS = "Keep my sugar levels safe so I can keep gardening"
OVERDUE_TASK = "Book the diabetes eye check"
DISCHARGE_FROM = "Riverside General Hospital"
MEDICINE = "Metformin 1000 mg tablet, one twice a day"
REFERRAL_REASON = "Foot check: numbness in both feet"


@dataclass
class Moss:
    patient_id: int
    plan_id: int
    goal_uid: str
    gp: object
    nurse: object
    coordinator: object
    reception: object
    pharmacist_id: int  # care team member ids
    physio_id: int
    podiatrist_id: int


def make_moss(ws, admin) -> Moss:
    gp = staff(ws, admin, Role.GP, "dr.lee")
    nurse = staff(ws, admin, Role.NURSE, "nina.nurse")
    coordinator = staff(ws, admin, Role.COORDINATOR, "casey.coord")
    reception = staff(ws, admin, Role.RECEPTION, "rita.desk")
    rec = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Harold", family_name="Moss", date_of_birth=date(1951, 6, 2)),
    ).value
    pid = rec.id
    for code, display in (
        ("44054006", "Type 2 diabetes mellitus"),
        ("59621000", "Essential hypertension"),
        ("396275006", "Osteoarthritis"),
    ):
        patient_lists.add_condition(
            ws, admin, pid, ConditionDraft(display, code=code, code_system="http://snomed.info/sct")
        )
    team = {}
    for name, role, org in (
        ("Priya Shah", "Pharmacist", "Riverside Pharmacy"),
        ("Tom Bell", "Physiotherapist", "Bend Physio"),
        ("Sam Foot", "Podiatrist", "City Podiatry"),
    ):
        patient_lists.add_care_team_member(
            ws,
            admin,
            pid,
            CareTeamDraft(name=name, role=role, organisation=org, phone="03 9000 1234"),
        )
    for member in patients.get_record(ws, admin, pid).care_team:
        team[member.role] = member.id

    goal = GoalDraft(
        patient_words=GOAL_WORDS,
        measure="HbA1c",
        measure_kind="hba1c",
        target_value=53,
        target_unit="mmol/mol",
        target_direction="below",
    )
    plan = plan_service.create_plan(
        ws,
        coordinator,
        PlanDraft(
            patient_id=pid,
            title="Diabetes and arthritis care plan",
            status="active",
            period_start=TODAY - timedelta(days=120),
            goals=[goal],
            interventions=[InterventionDraft("Review HbA1c every 3 months", responsible_role="GP")],
        ),
    ).value
    for days_ago, value in ((100, 58), (10, 64)):
        observations.add_observation(
            ws,
            nurse,
            pid,
            kind="hba1c",
            value=value,
            unit="mmol/mol",
            observed_on=TODAY - timedelta(days=days_ago),
            goal_uid=goal.uid,
        )
    task_edit.create_task(
        ws,
        coordinator,
        TaskDraft(
            OVERDUE_TASK, patient_id=pid, owner_role="nurse", due_date=TODAY - timedelta(days=9)
        ),
    )
    transitions.record_discharge(
        ws,
        coordinator,
        pid,
        discharged=TODAY - timedelta(days=10),
        admitted=TODAY - timedelta(days=14),
        facility=DISCHARGE_FROM,
        summary_received=TODAY - timedelta(days=9),
    )
    medicines.add_medicine(ws, gp, pid, MedicineDraft(MEDICINE), reason="HbA1c rising")
    rid = refs.create_referral(
        ws, coordinator, pid, ReferralDraft("provider", team["Podiatrist"], REFERRAL_REASON)
    ).value
    refs.send_referral(ws, coordinator, rid, via="fax", on=TODAY - timedelta(days=5))
    return Moss(
        patient_id=pid,
        plan_id=plan.draft.plan_id,
        goal_uid=goal.uid,
        gp=gp,
        nurse=nurse,
        coordinator=coordinator,
        reception=reception,
        pharmacist_id=team["Pharmacist"],
        physio_id=team["Physiotherapist"],
        podiatrist_id=team["Podiatrist"],
    )


def in_an_hour() -> datetime:
    return (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)


# -- a conference and a page to show it --------------------------------------------------------
def schedule(ws, actor, moss: Moss, *, who=("Dr Lee", "Priya Shah", "Tom Bell"), at=None):
    """A conference for Mr Moss with `who` invited (names from the services' invitables)."""
    from carecoord_desktop.services.conferences import conferences as confs
    from carecoord_desktop.services.conferences.types import ConferenceDraft, ParticipantDraft

    offered = {i.name: i for i in confs.invitables(ws, actor, moss.patient_id)}
    people = tuple(
        ParticipantDraft(
            kind=offered[name].kind,
            name=name,
            discipline=offered[name].discipline,
            staff_user_id=offered[name].staff_user_id,
            care_team_member_id=offered[name].care_team_member_id,
            organisation=offered[name].organisation,
        )
        for name in who
    )
    draft = ConferenceDraft(
        patient_id=moss.patient_id,
        scheduled_at=at or in_an_hour(),
        place="Consulting room 2",
        participants=people,
    )
    return confs.schedule_conference(ws, actor, draft).value


class PageHost:
    """Stands in for the conference window (conf-ui's): shows every write's record on the page,
    reads the conference again on `reload`, and notes the pages asked for."""

    def __init__(self, qtbot, ws, actor, conference_id: int, page_type):
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        from carecoord_desktop.services import settings
        from carecoord_desktop.ui.conferences.common import ConferenceContext
        from carecoord_desktop.ui.shell.state import AppState

        self.state = AppState(ws, actor, settings.load(ws))
        self.window = QWidget()
        self.window.resize(1280, 800)
        qtbot.addWidget(self.window)
        self.pages_asked: list[str] = []
        self.reloads = 0
        self.ctx = ConferenceContext(
            state=self.state,
            conference_id=conference_id,
            window=self.window,
            written=self.written,
            reload=self.reload,
            go_to_page=self.pages_asked.append,
        )
        self.page = page_type(self.ctx)
        QVBoxLayout(self.window).addWidget(self.page)
        self.reload()
        self.window.show()

    def written(self, result) -> None:
        self.page.show_record(self.state.publish(result))

    def reload(self) -> None:
        from carecoord_desktop.services.conferences import conferences as confs

        self.reloads += 1
        self.record = confs.load_conference(self.state.ws, self.state.actor, self.ctx.conference_id)
        self.page.show_record(self.record)
