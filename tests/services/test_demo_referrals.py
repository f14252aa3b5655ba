"""The demo's referrals: an invented directory, referrals in every state, and the overdue ones
with their chase task on the board."""

from __future__ import annotations

from carecoord_desktop.models.referral import ReferralStatus
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.demo_referrals import SERVICES
from carecoord_desktop.services.referrals import directory
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks.types import BoardFilter


def test_the_demo_has_a_directory_referrals_in_every_state_and_chased_overdue_ones(demo_copy):
    demo = demo_copy(100, 5)
    ws = demo.workspace
    admin = Actor(1, "admin", "Demo admin", Role.ADMIN)
    services = directory.search_resources(ws, admin)
    assert len(services) == len(SERVICES)
    assert all(s.phone.startswith("(03) 5550 ") for s in services)
    assert {s.category for s in services} >= {"transport", "meals", "interpreters", "housing"}
    rows = []
    for pid in {r.patient_id for r in refs.open_referrals(ws, admin)} | set(range(1, 101)):
        rows += refs.patient_referrals(ws, admin, pid)
    assert {r.status for r in rows} == {s.value for s in ReferralStatus}
    overdue = [r for r in rows if r.overdue]
    assert overdue
    cards = boards.board(ws, admin, BoardFilter(source="referral")).cards()
    chased = {c.patient_id for c in cards if c.title.startswith("Chase referral")}
    assert {r.patient_id for r in overdue} <= chased

