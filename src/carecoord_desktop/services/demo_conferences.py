"""The demo practice's care conferences: some held (attendance, minutes, decisions that became
board tasks and plan changes, the summary offered and given to the team) and some to come
(invitations out, the patient's agreement recorded for some and not yet for others).

They are for patients with an open care plan, whose care teams get the outside providers a
conference needs (a pharmacist, a physiotherapist and a podiatrist, added where missing:
invented names, phone numbers in the ACMA's range for fictitious use, (03) 5550 xxxx).
Everything goes through the conference services acting as the demo's staff, so the agenda,
the tasks, the plan versions and the audit rows are what the app itself writes. The sharing
record's rows for a summary are written here directly (the summary PDF is not rendered for a
demo), with one audit row each, as the documents' service does.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import OPEN_STATUSES, CarePlan
from carecoord_desktop.models.conference import (
    Attendance,
    CareConference,
    JoinMethod,
    ParticipantKind,
)
from carecoord_desktop.models.patient import CareTeamMember
from carecoord_desktop.models.referral import DocumentShare, SendMethod
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services.conferences import agenda, conferences, decisions, meeting
from carecoord_desktop.services.conferences.types import (
    AgendaItemDraft,
    ConferenceDraft,
    DecisionDraft,
    ParticipantDraft,
    PlanChange,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import CareTeamDraft
from carecoord_desktop.store.workspace import Workspace

HELD = 3
UPCOMING = 3
# The disciplines a conference team draws on: (role, organisation, invented names). The
# pharmacist is named as the demo's care teams name one (services/demo_data.py).
PROVIDERS = (
    (
        "Community pharmacist",
        "Wattlebrook Pharmacy (demo)",
        ("Priya Shah", "Ben Okafor", "Lena Fischer"),
    ),
    ("Physiotherapist", "Move Well Physio (demo)", ("Tom Reid", "Aroha Ngata", "Chris Vella")),
    ("Podiatrist", "Riverbend Foot Clinic (demo)", ("Sam Foot", "Mei Lin", "Jack Doyle")),
)
MINUTES_HELD = (18, 26, 42)  # one conference in each item tier: 735/747, 739/750, 743/758
MINUTES_TEXT = (
    "Discussed with the team. The patient's view was heard and agreed next steps.",
    "Pharmacist to review the medicines list at home; GP to follow up the result.",
    "Physio will start a walking program; patient keen to walk to the shops again.",
    "Referral still waiting: coordinator to chase and let the patient know.",
)


def seed(ws: Workspace, admin: Actor, rng: random.Random, *, patient_ids, staff, options) -> None:
    if not ws.is_demo or not patient_ids:
        return
    gps = [s for s in staff if s.role == Role.GP]
    organisers = [s for s in staff if s.role in (Role.COORDINATOR, Role.NURSE)]
    nurses = [s for s in staff if s.role == Role.NURSE]
    if not gps or not organisers:
        return
    with ws.session() as session:
        if session.exec(select(CareConference.id)).first() is not None:
            return  # already seeded
        wanted = set(patient_ids)
        with_plan = sorted(
            {
                pid
                for pid in session.exec(
                    select(CarePlan.patient_id).where(
                        CarePlan.status.in_([s.value for s in OPEN_STATUSES])
                    )
                )
                if pid in wanted
            }
        )
    chosen = rng.sample(with_plan, min(HELD + UPCOMING, len(with_plan)))
    today = date.today()
    for n, pid in enumerate(chosen):
        gp = rng.choice(gps)
        who = rng.choice(organisers)
        actor = Actor(who.id, who.username, who.full_name, who.role)
        try:
            _complete_team(ws, admin, pid, rng)
            invited = _invitees(ws, actor, pid, gp.id)
            if n < HELD:
                day = _weekday(today - timedelta(days=rng.randint(10, 70)))
                _held(ws, actor, pid, invited, day, MINUTES_HELD[n % 3], nurses, rng, n)
            else:
                day = _weekday(today + timedelta(days=rng.choice((3, 9, 16, 23))))
                _upcoming(ws, actor, pid, invited, day, agreed=(n - HELD) % 3 != 2, rng=rng)
        except ValidationError:  # an archived or merged demo record
            continue


def _complete_team(ws: Workspace, admin: Actor, pid: int, rng: random.Random) -> None:
    """Add the outside providers of the disciplines the patient's care team lacks."""
    with ws.session() as session:
        roles = {
            r.casefold()
            for r in session.exec(
                select(CareTeamMember.role).where(
                    CareTeamMember.patient_id == pid, CareTeamMember.staff_user_id.is_(None)
                )
            )
        }
    for k, (role, org, names) in enumerate(PROVIDERS):
        if discipline_of(role) in {discipline_of(r) for r in roles}:
            continue
        draft = CareTeamDraft(
            name=rng.choice(names),
            role=role,
            organisation=org,
            phone=f"(03) 5550 {8000 + 10 * (pid % 90) + k:04d}",
        )
        patient_lists.add_care_team_member(ws, admin, pid, draft)


def _invitees(ws: Workspace, actor: Actor, pid: int, gp_id: int) -> list[ParticipantDraft]:
    offered = conferences.invitables(ws, actor, pid)
    out = []
    for i in offered:
        take = (
            (i.kind == ParticipantKind.STAFF.value and i.staff_user_id in (gp_id, actor.user_id))
            or (i.kind == ParticipantKind.PROVIDER.value and discipline_of(i.discipline))
            or i.kind == ParticipantKind.PATIENT.value
        )
        taken = {discipline_of(p.discipline) for p in out if p.kind == "provider"}
        if take and not (i.kind == "provider" and discipline_of(i.discipline) in taken):
            out.append(
                ParticipantDraft(
                    kind=i.kind,
                    name=i.name,
                    discipline=i.discipline,
                    staff_user_id=i.staff_user_id,
                    care_team_member_id=i.care_team_member_id,
                    organisation=i.organisation,
                    contact=i.contact,
                )
            )
    return out


def discipline_of(role: str) -> str:
    """Which of the team's disciplines a care-team role is ("" for none of them):
    "Community pharmacist" and "Pharmacist" are one discipline."""
    words = role.casefold()
    return next((d for d in ("pharmacist", "physiotherapist", "podiatrist") if d in words), "")


def _weekday(day: date) -> date:
    """A practice meets on a weekday: a Saturday or Sunday moves to the Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0)).astimezone().astimezone(UTC)


def _upcoming(ws, actor, pid, invited, day, *, agreed: bool, rng) -> None:
    video = rng.random() < 0.5
    draft = ConferenceDraft(
        patient_id=pid,
        scheduled_at=_at(day, rng.choice((10, 11, 14))),
        planned_minutes=rng.choice((20, 30, 45)),
        place=None if video else "Practice meeting room",
        video_link="https://video.example.org/demo-conference" if video else None,
        patient_questions="Can I stop one of my tablets?\nWho do I call on weekends?",
        participants=tuple(invited),
    )
    rec = conferences.schedule_conference(ws, actor, draft).value
    if agreed:
        conferences.record_agreement(
            ws, actor, rec.id, agreed=True, on=date.today(), how="verbal",
            note="Explained on the phone; happy for the team to meet.", base_version=rec.version,
        )  # fmt: skip


def _held(ws, actor, pid, invited, day, minutes, nurses, rng, n) -> None:
    start = _at(day, 10)
    draft = ConferenceDraft(
        patient_id=pid,
        scheduled_at=start,
        planned_minutes=30,
        place="Practice meeting room",
        patient_questions="Why am I so tired in the afternoons?",
        participants=tuple(invited),
    )
    rec = conferences.schedule_conference(ws, actor, draft).value
    rec = conferences.record_agreement(
        ws, actor, rec.id, agreed=True, on=day - timedelta(days=5), how="written",
        base_version=rec.version,
    ).value  # fmt: skip
    if not rec.agenda:
        rec = agenda.save_agenda(
            ws, actor, rec.id, [AgendaItemDraft("How the plan is going")], rec.version
        ).value
    for p in rec.participants:
        declined = discipline_of(p.discipline) == "podiatrist" and n % 2 == 1
        how = JoinMethod.PHONE if p.kind == ParticipantKind.PROVIDER.value else None
        how = JoinMethod.VIDEO if discipline_of(p.discipline) == "physiotherapist" else how
        conferences.set_attendance(
            ws, actor, p.id,
            Attendance.DECLINED if declined else Attendance.ATTENDED,
            None if declined else (how or JoinMethod.IN_PERSON),
        )  # fmt: skip
    meeting.start_meeting(ws, actor, rec.id, at=start)
    rec = meeting.end_meeting(ws, actor, rec.id, at=start + timedelta(minutes=minutes)).value
    for k, item in enumerate(rec.agenda[:3]):
        meeting.record_minutes(ws, actor, item.id, MINUTES_TEXT[(k + n) % len(MINUTES_TEXT)])
    first = rec.agenda[0].id
    owner = rng.choice(nurses).id if nurses else None
    decisions.add_decision(
        ws, actor, rec.id,
        DecisionDraft(
            "Book a home medicines review with the pharmacist", kind="task",
            agenda_item_id=first, owner_id=owner, owner_role=None if owner else Role.NURSE.value,
            due_date=date.today() + timedelta(days=rng.randint(5, 14)),
        ),
    )  # fmt: skip
    decisions.add_decision(
        ws, actor, rec.id,
        DecisionDraft(
            "Walking program with the physiotherapist, twice a week", kind="plan_change",
            plan_change=PlanChange(
                "add_intervention", text="Walking program twice a week",
                responsible_role="Physiotherapist",
            ),
        ),
    )  # fmt: skip
    decisions.add_decision(
        ws, actor, rec.id, DecisionDraft("Patient happy with the plan; next conference in 6 months")
    )
    if n < HELD - 1:  # the last one still waits for its summary: the check shows what is missing
        _summary_shared(ws, actor, rec, day)


def _summary_shared(ws: Workspace, actor: Actor, rec, day: date) -> None:
    """The sharing record's rows and the audit row, as the documents' share_summary writes
    them (one EXPORT row on the conference naming the sharing records)."""
    at = _at(day, 15)
    with ws.write_session() as session:
        conf = session.get(CareConference, rec.id)
        came = [p for p in rec.participants if p.attendance == Attendance.ATTENDED.value]
        ids, methods = [], set()
        for p in came:
            if p.kind == ParticipantKind.STAFF.value:
                continue  # the practice's own staff have the record
            method = SendMethod.BY_HAND if p.kind == "patient" else SendMethod.SECURE_MESSAGE
            share = DocumentShare(
                patient_id=rec.patient_id,
                document="conference summary",
                record_type="conference",
                record_id=rec.id,
                recipient=p.name,
                method=method.value,
                shared_at=at,
                shared_by_id=actor.user_id,
                shared_by_name=actor.full_name,
            )
            session.add(share)
            session.flush()
            ids.append(share.id)
            methods.add(method.value)
        conf.summary_offered_on = day
        session.add(conf)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            patient_id=rec.patient_id,
            record_type="conference",
            record_id=rec.id,
            detail=f"conference summary shared: sharing records {', '.join(map(str, ids))} "
            f"({', '.join(sorted(methods))}), offered to the patient",
        )
        session.commit()
