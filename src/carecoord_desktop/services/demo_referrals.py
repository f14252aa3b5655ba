"""The demo practice's share of referrals: a directory of invented local services, and
referrals in every state, some sent long enough ago to be overdue with their chase task open.

Every service's name is invented and every phone number is in the ACMA's range for fictitious
use ((03) 5550 xxxx, as the demo's providers use); emails are at example.org (RFC 2606).
Writes go through the referral services, acting as the demo's staff, so the history, the
audit rows and the chase tasks are what the app itself would have written.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.patient import CareTeamMember
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.referrals import directory
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ReferralDraft, ResourceDraft
from carecoord_desktop.services.tasks import events
from carecoord_desktop.store.workspace import Workspace

# (name, category, area, eligibility, hours, cost)
SERVICES = (
    (
        "Wattlebrook Community Transport",
        "transport",
        "Wattlebrook",
        "Over 65 or with a disability; no longer driving",
        "Mon-Fri 8:00-16:00",
        "$5 each way",
    ),
    (
        "Riverbend Ride Along (demo)",
        "transport",
        "Riverbend",
        "Anyone going to a medical appointment",
        "Weekdays, book 2 days ahead",
        "Gold coin",
    ),
    (
        "Hilltop Meals on Wheels (demo)",
        "meals",
        "Hilltop",
        "Home after hospital, or unable to cook safely",
        "Lunch delivered daily",
        "$9.50 a meal",
    ),
    (
        "Kookaburra Kitchen Shared Lunch",
        "meals",
        "Wattlebrook",
        "Anyone over 60",
        "Thursdays 12:00",
        "$6",
    ),
    (
        "Carers' Corner Wattlebrook",
        "carers_support",
        "Wattlebrook",
        "Unpaid carers of any age",
        "Second Tuesday of the month",
        "Free",
    ),
    (
        "Respite Rainbow Day Centre",
        "carers_support",
        "Riverbend",
        "Carers of people living with dementia",
        "Mon, Wed, Fri 9:00-15:00",
        "Subsidised",
    ),
    (
        "Steady Steps Falls Prevention",
        "exercise",
        "Hilltop",
        "Over 65, a fall in the past year or fear of falling",
        "Tue and Thu 10:00",
        "Free",
    ),
    (
        "Aqua Ease Arthritis Water Group",
        "exercise",
        "Riverbend",
        "Arthritis or joint pain; GP letter needed",
        "Mon 11:00 at the pool",
        "$4 a session",
    ),
    (
        "Walk and Talk Wattlebrook",
        "exercise",
        "Wattlebrook",
        "Anyone able to walk 20 minutes",
        "Sat 8:00 from the library",
        "Free",
    ),
    (
        "Bluegum Mental Health Link",
        "mental_health",
        "Riverbend",
        "Adults with mild to moderate anxiety or depression; GP referral",
        "Mon-Fri 9:00-17:00",
        "Bulk billed",
    ),
    (
        "Silver Linings Seniors Counselling",
        "mental_health",
        "Hilltop",
        "Over 60; grief, loneliness, adjustment",
        "By appointment",
        "Free",
    ),
    (
        "Safe Harbour Housing Support",
        "housing",
        "Wattlebrook",
        "At risk of losing their home; any age",
        "Mon-Fri 9:00-16:30",
        "Free",
    ),
    (
        "HomeMods Minor Repairs (demo)",
        "home_help",
        "Hilltop",
        "Over 65; rails, ramps, small repairs",
        "Weekdays",
        "Materials only",
    ),
    (
        "Helping Hands Domestic Assistance",
        "home_help",
        "Riverbend",
        "Assessed for home support",
        "Mon-Sat",
        "Home care package or fee",
    ),
    (
        "Multilingual Health Interpreters (demo)",
        "interpreters",
        "All areas",
        "Any patient; book 48 hours ahead",
        "24 hours",
        "Free to the patient",
    ),
    (
        "Library Tech Help for Seniors",
        "other",
        "Wattlebrook",
        "Over 60; telehealth and phone help",
        "Fri 10:00-12:00",
        "Free",
    ),
)
# Why a patient is referred to a service of each category (the demo's reasons fit the service).
REASONS = {
    "transport": "No longer drives; needs transport to specialist appointments.",
    "meals": "Struggling to cook since discharge; weight dropping.",
    "carers_support": "Carer is exhausted; asking about support and respite.",
    "exercise": "Two falls this year; needs strength and balance work.",
    "mental_health": "Low mood since a bereavement; would like someone to talk to.",
    "housing": "Rent increase; worried about keeping the flat.",
    "home_help": "Needs grab rails in the bathroom after a fall.",
    "interpreters": "Needs an interpreter for the diabetes educator visit.",
    "other": "Wants help setting up video calls for telehealth.",
}
PROVIDER_REASON = "Please assess and advise: {role} review requested in the care plan."
# The states the demo shows, with how many days ago the referral was sent (None: not sent).
PLAN = (
    ("draft", None),
    ("sent", 3),
    ("sent", 16),
    ("sent", 24),
    ("acknowledged", 9),
    ("appointment_booked", 12),
    ("report_received", 30),
    ("closed", 45),
    ("declined", 20),
    ("sent", 12),
)


def seed(ws: Workspace, admin: Actor, rng: random.Random, *, patient_ids, staff, options) -> None:
    if not ws.is_demo:
        return
    resource_ids = []
    for n, (name, category, area, eligibility, hours, cost) in enumerate(SERVICES):
        draft = ResourceDraft(
            name=name,
            category=category,
            area=area,
            eligibility=eligibility,
            hours=hours,
            cost=cost,
            phone=f"(03) 5550 {7000 + n:04d}",
            email=f"hello{n}@example.org",
            address=f"{10 + n} Demo Street, {area}" if area != "All areas" else None,
        )
        try:
            resource_ids.append((directory.add_resource(ws, admin, draft).value, category))
        except ValidationError:  # already seeded (a demo re-run)
            return
    if not patient_ids:
        return
    clinicians = [s for s in staff if s.role in (Role.NURSE, Role.COORDINATOR, Role.GP)]
    if not clinicians:
        return
    today = date.today()
    with_team = _with_providers(ws, patient_ids)
    others = [p for p in sorted(patient_ids) if p not in with_team]
    half = len(PLAN)
    chosen = rng.sample(sorted(with_team), min(half, len(with_team)))
    chosen += rng.sample(others, min(len(PLAN) * 2 - len(chosen), len(others)))
    for n, pid in enumerate(chosen):
        status, sent_ago = PLAN[n % len(PLAN)]
        who = rng.choice(clinicians)
        actor = Actor(who.id, who.username, who.full_name, who.role)
        member = with_team.get(pid)
        if member:
            reason = PROVIDER_REASON.format(role=member[1].lower())
            draft = ReferralDraft("provider", member[0], reason, rng.choice(("routine", "soon")))
        else:
            rid, category = rng.choice(resource_ids)
            draft = ReferralDraft("resource", rid, REASONS[category])
        try:
            _walk(ws, actor, pid, draft, status, sent_ago, today)
        except ValidationError:  # an archived or merged demo record
            continue
    events.sync_due_tasks(ws, today)  # the overdue ones get their "Chase referral" task


def _with_providers(ws: Workspace, patient_ids) -> dict[int, tuple[int, str]]:
    """Patients with an outside provider on their care team: (member id, role) for each."""
    wanted = set(patient_ids)
    with ws.session() as session:
        rows = session.exec(
            select(CareTeamMember.patient_id, CareTeamMember.id, CareTeamMember.role)
            .where(CareTeamMember.staff_user_id.is_(None))
            .order_by(CareTeamMember.id)
        )
        found: dict[int, tuple[int, str]] = {}
        for pid, mid, role in rows:
            if pid in wanted:
                found.setdefault(pid, (mid, role))
    return found


def _walk(ws, actor, pid, draft, status, sent_ago, today) -> None:
    sent = today - timedelta(days=sent_ago or 0)
    rid = refs.create_referral(ws, actor, pid, draft, today=sent).value  # drafted the day sent
    if sent_ago is None:
        return
    refs.send_referral(ws, actor, rid, via="secure_message" if sent_ago % 2 else "fax", on=sent)
    steps = {
        "acknowledged": ("acknowledged",),
        "appointment_booked": ("acknowledged", "appointment_booked"),
        "report_received": ("acknowledged", "appointment_booked", "report_received"),
        "closed": ("acknowledged", "appointment_booked", "report_received", "closed"),
        "declined": ("declined",),
    }.get(status, ())
    for k, step in enumerate(steps, start=1):
        on = min(today, sent + timedelta(days=k * max(1, sent_ago // (len(steps) + 1))))
        note = "Outside our area; try the Riverbend service" if step == "declined" else None
        refs.record_step(ws, actor, rid, step, on=on, note=note)
