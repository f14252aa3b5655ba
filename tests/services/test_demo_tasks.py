"""The demo practice's board: busy across roles, some overdue, recent discharges with their
clocks running, minutes this month near and past the thresholds, and up to 10,000 tasks."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, demo
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import minutes
from carecoord_desktop.services.tasks.types import BoardFilter, TaskState
from tests_support import TEST_SCRYPT_N

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def busy(tmp_path):
    made = demo.create_demo_workspace(
        tmp_path / "demo", patients=80, seed=7, scrypt_n=TEST_SCRYPT_N, options={"tasks": 400}
    )
    yield made
    made.workspace.close()


def _sign_in(made, role: Role):
    acct = next(a for a in made.accounts if a.role == role)
    return accounts.authenticate(made.workspace, acct.username, made.password)


def test_the_demo_board_is_busy_for_every_role(busy):
    ws = busy.workspace
    today = date.today()
    for role in Role:
        who = _sign_in(busy, role)
        b = boards.board(ws, who, BoardFilter(today=today))
        assert b.open_total > 300
        assert all(b.columns[s] for s in TaskState)
        if role != Role.ADMIN:
            assert boards.board(ws, who, BoardFilter(my_queue=True)).open_total > 0
            assert boards.board(ws, who, BoardFilter(mine=True)).open_total > 0
    admin = _sign_in(busy, Role.ADMIN)
    assert boards.board(ws, admin, BoardFilter(overdue=True, today=today)).open_total > 20
    sources = {c.source for c in boards.board(ws, admin).cards()}
    # "conference": the demo's held care conferences put their decisions on the board.
    assert sources == {"manual", "plan", "reconciliation", "referral", "discharge", "conference"}


def test_recent_discharges_have_their_clocks_running(busy):
    ws = busy.workspace
    admin = _sign_in(busy, Role.ADMIN)
    discharge = boards.board(ws, admin, BoardFilter(source="discharge"))
    contacts = [c for c in discharge.cards() if c.kind == "contact"]
    assert len(contacts) >= 4
    assert all(c.state == TaskState.TODO and c.due_date is not None for c in contacts)
    assert any(c.due_date >= date.today() for c in contacts)  # still counting down


def test_minutes_this_month_reach_the_thresholds(busy):
    nurse = _sign_in(busy, Role.NURSE)
    rows = minutes.monthly_totals(busy.workspace, nurse, date.today())
    assert len(rows) >= 30
    reached = {r.threshold.reached for r in rows}
    assert {20, 40, 60} <= reached
    assert any(r.threshold.near for r in rows)


def test_seeding_is_one_audit_row_and_refuses_too_many(busy, tmp_path):
    admin = _sign_in(busy, Role.ADMIN)
    events, _ = audit.list_events(busy.workspace, admin, limit=2000)
    seeded = [e for e in events if e.detail == "demo data seeded: 400 tasks"]
    assert len(seeded) == 1
    with pytest.raises(ValidationError, match="10,000"):
        demo.create_demo_workspace(
            tmp_path / "too-many",
            patients=5,
            seed=1,
            scrypt_n=TEST_SCRYPT_N,
            options={"tasks": 10_001},
        )
