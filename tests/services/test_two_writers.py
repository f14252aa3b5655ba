"""Two processes writing one workspace at once: ids are allocated, failures counted, atomically.

Each test starts real child processes (tests/services/writers.py) that open the same encrypted
workspace and are released together, as two windows or two computers on a shared folder would be.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from tests.services.writers import Writer, run_together

from carecoord_desktop.config import LOCKOUT_THRESHOLD
from carecoord_desktop.errors import AccountLockedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts
from tests_support import STAFF_PASSWORD, staff

PER_WRITER = 40


def test_concurrent_creates_all_get_distinct_practice_ids(ws):
    writers = [Writer(ws, "create", count=PER_WRITER, tag=str(n)) for n in range(4)]
    results = run_together(writers)
    errors = [e for r in results for e in r["errors"]]
    assert errors == []
    assert sum(r["ok"] for r in results) == 4 * PER_WRITER
    with ws.session() as session:
        ids = session.execute(text("SELECT practice_id FROM patient")).scalars().all()
    assert len(ids) == len(set(ids)) == 4 * PER_WRITER
    assert sorted(ids) == [f"P{n:06d}" for n in range(1, 4 * PER_WRITER + 1)]


def test_simultaneous_wrong_passwords_lock_the_account(ws, admin):
    staff(ws, admin, Role.NURSE, "n.target")
    writers = [Writer(ws, "login", count=4, username="n.target") for _ in range(4)]
    results = run_together(writers)
    outcomes = [e for r in results for e in r["errors"]]
    assert len(outcomes) == 16
    # Exactly the threshold's worth were counted as wrong passwords; the rest met the lock.
    assert outcomes.count("LoginFailedError") == LOCKOUT_THRESHOLD - 1
    assert outcomes.count("AccountLockedError") == 16 - (LOCKOUT_THRESHOLD - 1)
    with pytest.raises(AccountLockedError):
        accounts.authenticate(ws, "n.target", STAFF_PASSWORD)
    with ws.session() as session:
        details = (
            session.execute(
                text("SELECT detail FROM audit_event WHERE action = 'failed_login' ORDER BY id")
            )
            .scalars()
            .all()
        )
    counted = [d for d in details if d.startswith("wrong password")]
    assert [d.split("(")[1].split(" ")[0] for d in counted] == [
        str(n) for n in range(1, LOCKOUT_THRESHOLD + 1)
    ]


def test_two_admins_adding_the_same_user_name_get_one_account_and_a_clear_refusal(ws):
    writers = [Writer(ws, "add_user", count=1, username="same.name") for _ in range(4)]
    results = run_together(writers)
    assert sum(r["ok"] for r in results) == 1
    assert sorted(e for r in results for e in r["errors"]) == ["ValidationError"] * 3


def test_two_admins_disabling_each_other_leave_one_administrator(ws, admin):
    second = staff(ws, admin, Role.ADMIN, "second.admin")
    writers = [
        Writer(ws, "disable", count=1, user_id=admin.user_id),
        Writer(ws, "disable", count=1, user_id=second.user_id),
    ]
    results = run_together(writers)
    assert sum(r["ok"] for r in results) == 1
    assert [e for r in results for e in r["errors"]] == ["ValidationError"]
    with ws.session() as session:
        active_admins = session.execute(
            text("SELECT count(*) FROM staff_user WHERE role = 'ADMIN' AND active")
        ).scalar_one()
    assert active_admins == 1
