"""Staff accounts: sign-in, lockout, passwords, and the administrator's user management.

Every case also checks what it wrote to the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from carecoord_desktop.config import LOCKOUT_THRESHOLD
from carecoord_desktop.errors import (
    AccountDisabledError,
    AccountLockedError,
    LoginFailedError,
    PermissionDeniedError,
    ValidationError,
)
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services import accounts, audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.workspace import Workspace
from conftest import ADMIN_PASSWORD

PASSWORD = "a long enough phrase"
OTHER_PASSWORD = "another good phrase"


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def events(ws: Workspace, since_id: int = 0) -> list[tuple[str, str | None, str | None, str]]:
    """(action, actor_name, record_id, detail) of the audit rows after `since_id`."""
    with ws.raw_connection() as conn:
        rows = conn.execute(
            "SELECT action, actor_name, record_id, detail FROM audit_event WHERE id > ? "
            "ORDER BY id",
            (since_id,),
        ).fetchall()
    return [tuple(r) for r in rows]


def last_id(ws: Workspace) -> int:
    with ws.raw_connection() as conn:
        return conn.execute("SELECT COALESCE(max(id), 0) FROM audit_event").fetchone()[0]


def add(ws: Workspace, admin: Actor, username: str, role: Role = Role.NURSE, **kw) -> int:
    row = accounts.add_user(
        ws,
        admin,
        username=username,
        full_name=kw.pop("full_name", username.title()),
        role=role,
        password=kw.pop("password", PASSWORD),
        **kw,
    ).value
    return row.id


def actor_for(ws: Workspace, admin: Actor, role: Role, username: str) -> Actor:
    add(ws, admin, username, role, must_change_password=False)
    return accounts.authenticate(ws, username, PASSWORD)


# -- sign-in ----------------------------------------------------------------------------------
def test_authenticate_ok_is_audited_and_records_last_login(ws, admin):
    mark = last_id(ws)
    actor = accounts.authenticate(ws, "  Admin ", ADMIN_PASSWORD)
    assert actor == admin
    assert actor.role == Role.ADMIN
    assert not actor.is_system
    assert events(ws, mark) == [("login", "Alex Admin (administrator)", None, "")]
    row = next(u for u in accounts.list_users(ws, admin) if u.username == "admin")
    assert row.last_login_at is not None
    assert datetime.now(UTC) - row.last_login_at < timedelta(minutes=1)


def test_wrong_password_and_unknown_user_give_the_same_message(ws):
    mark = last_id(ws)
    with pytest.raises(LoginFailedError) as wrong:
        accounts.authenticate(ws, "admin", "not the password")
    with pytest.raises(LoginFailedError) as unknown:
        accounts.authenticate(ws, "nobody", "not the password")
    assert str(wrong.value) == str(unknown.value)
    assert str(wrong.value).startswith("The user name or password is not right.")
    logged = events(ws, mark)
    assert [e[0] for e in logged] == ["failed_login", "failed_login"]
    assert logged[0][1] == "Alex Admin (administrator)"
    assert "wrong password (1 in a row)" in logged[0][3]
    assert logged[1][1] == "unknown user"  # never what was typed (often the password)
    assert logged[1][3] == "unknown user name"
    # The password typed is never written anywhere in the log.
    assert all("not the password" not in e[3] for e in logged)


def test_repeated_failures_do_not_reveal_which_user_names_exist(ws):
    messages = {}
    for name in ("admin", "nobody"):
        for _ in range(LOCKOUT_THRESHOLD - 2):
            with pytest.raises(LoginFailedError) as info:
                accounts.authenticate(ws, name, "not the password")
        messages[name] = str(info.value)
    assert messages["admin"] == messages["nobody"]


def test_lockout_after_threshold_even_with_the_right_password(ws, admin):
    nurse_id = add(ws, admin, "n.nurse", must_change_password=False)
    mark = last_id(ws)
    for _ in range(1, LOCKOUT_THRESHOLD):
        with pytest.raises(LoginFailedError) as info:
            accounts.authenticate(ws, "n.nurse", "wrong password here")
        assert "more failed attempt" not in str(info.value), "no countdown: it reveals users"
    with pytest.raises(AccountLockedError, match="locked after repeated failed sign-ins"):
        accounts.authenticate(ws, "n.nurse", "wrong password here")
    with pytest.raises(AccountLockedError, match="ask an administrator to unlock"):
        accounts.authenticate(ws, "n.nurse", PASSWORD)

    logged = events(ws, mark)
    assert [e[0] for e in logged] == ["failed_login"] * (LOCKOUT_THRESHOLD + 1)
    assert logged[LOCKOUT_THRESHOLD - 1][3].endswith("; account locked")
    assert logged[-1][3] == "account locked"
    row = next(u for u in accounts.list_users(ws, admin) if u.id == nurse_id)
    assert row.locked

    # An administrator unlocks the account; the right password then works at once.
    mark = last_id(ws)
    row = accounts.unlock_user(ws, admin, nurse_id).value
    assert not row.locked
    assert events(ws, mark) == [
        ("update", "Alex Admin (administrator)", str(nurse_id), "n.nurse: unlocked")
    ]
    assert accounts.authenticate(ws, "n.nurse", PASSWORD).username == "n.nurse"


def test_lock_expires_by_itself(ws, admin):
    nurse_id = add(ws, admin, "n.nurse", must_change_password=False)
    for _ in range(LOCKOUT_THRESHOLD - 1):
        with pytest.raises(LoginFailedError):
            accounts.authenticate(ws, "n.nurse", "wrong password here")
    with pytest.raises(AccountLockedError):
        accounts.authenticate(ws, "n.nurse", "wrong password here")
    with ws.session() as session:
        user = session.get(StaffUser, nurse_id)
        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        session.add(user)
        session.commit()
    assert accounts.authenticate(ws, "n.nurse", PASSWORD).username == "n.nurse"


def test_success_resets_the_failure_count(ws, admin):
    add(ws, admin, "n.nurse", must_change_password=False)
    for _ in range(2):
        for _ in range(LOCKOUT_THRESHOLD - 1):
            with pytest.raises(LoginFailedError):
                accounts.authenticate(ws, "n.nurse", "wrong password here")
        accounts.authenticate(ws, "n.nurse", PASSWORD)  # not locked: the count started again


def test_disabled_user_cannot_sign_in(ws, admin):
    nurse_id = add(ws, admin, "n.nurse", must_change_password=False)
    mark = last_id(ws)
    row = accounts.update_user(ws, admin, nurse_id, active=False).value
    assert not row.active
    assert events(ws, mark) == [
        ("update", "Alex Admin (administrator)", str(nurse_id), "n.nurse: disabled")
    ]
    mark = last_id(ws)
    with pytest.raises(AccountDisabledError, match="disabled"):
        accounts.authenticate(ws, "n.nurse", PASSWORD)
    assert [(e[0], e[3]) for e in events(ws, mark)] == [("failed_login", "disabled")]
    accounts.update_user(ws, admin, nurse_id, active=True)
    assert accounts.authenticate(ws, "n.nurse", PASSWORD).username == "n.nurse"


def test_unlock_screen_is_audited_as_unlock(ws):
    mark = last_id(ws)
    accounts.authenticate(ws, "admin", ADMIN_PASSWORD, action=AuditAction.UNLOCK)
    assert [e[0] for e in events(ws, mark)] == ["unlock"]


# -- passwords ----------------------------------------------------------------------------------
def test_change_password_requires_the_current_one(ws, admin):
    mark = last_id(ws)
    with pytest.raises(ValidationError, match="current password is not right") as info:
        accounts.change_password(ws, admin, "not the password", OTHER_PASSWORD)
    assert info.value.field == "current"
    assert events(ws, mark) == []
    accounts.authenticate(ws, "admin", ADMIN_PASSWORD)  # unchanged


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short", "at least 10 characters"),
        ("my admin password", "must not contain the user name"),
        ("MYADMINPASSWORD", "must not contain the user name"),
        ("aaaaaaaaaaaaaa", "too easy to guess"),
        (ADMIN_PASSWORD, "different from the current one"),
    ],
)
def test_change_password_enforces_the_rules(ws, admin, new, message):
    mark = last_id(ws)
    with pytest.raises(ValidationError, match=message) as info:
        accounts.change_password(ws, admin, ADMIN_PASSWORD, new)
    assert info.value.field == "password"
    assert events(ws, mark) == []
    accounts.authenticate(ws, "admin", ADMIN_PASSWORD)


def test_change_password_works_and_is_audited(ws, admin):
    mark = last_id(ws)
    accounts.change_password(ws, admin, ADMIN_PASSWORD, OTHER_PASSWORD)
    assert events(ws, mark) == [
        ("update", "Alex Admin (administrator)", str(admin.user_id), "changed own password")
    ]
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
    assert accounts.authenticate(ws, "admin", OTHER_PASSWORD) == admin


def test_reset_password_forces_a_change_at_next_sign_in(ws, admin):
    nurse_id = add(ws, admin, "n.nurse", must_change_password=False)
    for _ in range(LOCKOUT_THRESHOLD):
        with pytest.raises((LoginFailedError, AccountLockedError)):
            accounts.authenticate(ws, "n.nurse", "wrong password here")
    mark = last_id(ws)
    row = accounts.reset_password(ws, admin, nurse_id, "temporary phrase 1").value
    assert row.must_change_password
    assert not row.locked  # a reset also clears a lockout
    assert events(ws, mark) == [
        ("update", "Alex Admin (administrator)", str(nurse_id), "n.nurse: password reset by admin")
    ]
    nurse = accounts.authenticate(ws, "n.nurse", "temporary phrase 1")
    assert accounts.must_change_password(ws, nurse)
    accounts.change_password(ws, nurse, "temporary phrase 1", OTHER_PASSWORD)
    assert not accounts.must_change_password(ws, nurse)
    with pytest.raises(ValidationError, match="at least"):
        accounts.reset_password(ws, admin, nurse_id, "short")
    with pytest.raises(ValidationError, match="no longer exists"):
        accounts.reset_password(ws, admin, 9999, "temporary phrase 2")


def test_new_users_must_change_their_password_by_default(ws, admin):
    add(ws, admin, "n.nurse")
    nurse = accounts.authenticate(ws, "n.nurse", PASSWORD)
    assert accounts.must_change_password(ws, nurse)
    assert not accounts.must_change_password(ws, admin)


def test_password_hashes_are_argon2_and_never_the_password(ws, admin):
    add(ws, admin, "n.nurse")
    with ws.raw_connection() as conn:
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM staff_user")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h and ADMIN_PASSWORD not in h for h in hashes)


# -- administration ---------------------------------------------------------------------------
def test_add_user_and_list_users(ws, admin):
    mark = last_id(ws)
    row = accounts.add_user(
        ws,
        admin,
        username="  J.Smith ",
        full_name=" Jo Smith ",
        role=Role.COORDINATOR,
        password=PASSWORD,
    ).value
    assert row.username == "j.smith"
    assert row.full_name == "Jo Smith"
    assert row.role == Role.COORDINATOR
    assert row.active and not row.locked and row.must_change_password
    assert events(ws, mark) == [
        (
            "create",
            "Alex Admin (administrator)",
            str(row.id),
            "added user j.smith as care coordinator",
        )
    ]
    users = accounts.list_users(ws, admin)
    assert [u.full_name for u in users] == ["Alex Admin", "Jo Smith"]  # sorted by name
    assert accounts.count_users(ws) == 2
    assert accounts.find_user_id(ws, "J.SMITH") == row.id
    assert accounts.find_user_id(ws, "nobody") is None


def test_duplicate_username_is_refused(ws, admin):
    add(ws, admin, "n.nurse")
    mark = last_id(ws)
    for name in ("n.nurse", "N.Nurse", " admin "):
        with pytest.raises(ValidationError, match="already taken") as info:
            add(ws, admin, name)
        assert info.value.field == "username"
    assert events(ws, mark) == []
    assert accounts.count_users(ws) == 2


@pytest.mark.parametrize(
    "username", ["a", "", "  ", "-dash", ".dot", "has space", "x" * 65, "ünïcode", "semi;colon"]
)
def test_bad_username_format_is_refused(ws, admin, username):
    with pytest.raises(ValidationError, match="user name is 2–64") as info:
        add(ws, admin, username)
    assert info.value.field == "username"
    assert accounts.count_users(ws) == 1


def test_other_field_validation(ws, admin):
    with pytest.raises(ValidationError) as info:
        add(ws, admin, "n.nurse", full_name="   ")
    assert info.value.field == "full_name"
    with pytest.raises(ValidationError, match="must not contain the user name"):
        add(ws, admin, "n.nurse", password="hello n.nurse!")
    with pytest.raises(ValidationError, match="at least"):
        add(ws, admin, "n.nurse", password="short")
    assert accounts.count_users(ws) == 1


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.GP, Role.NURSE, Role.COORDINATOR])
def test_non_admins_cannot_manage_users(ws, admin, role):
    actor = actor_for(ws, admin, role, "someone")
    target = accounts.find_user_id(ws, "admin")
    mark = last_id(ws)
    with pytest.raises(PermissionDeniedError, match="cannot manage staff accounts"):
        accounts.add_user(
            ws, actor, username="x.new", full_name="X New", role=Role.ADMIN, password=PASSWORD
        )
    with pytest.raises(PermissionDeniedError):
        accounts.list_users(ws, actor)
    with pytest.raises(PermissionDeniedError):
        accounts.update_user(ws, actor, target, active=False)
    with pytest.raises(PermissionDeniedError):
        accounts.unlock_user(ws, actor, target)
    with pytest.raises(PermissionDeniedError):
        accounts.reset_password(ws, actor, target, OTHER_PASSWORD)
    assert events(ws, mark) == []
    assert accounts.find_user_id(ws, "x.new") is None


def test_the_last_active_admin_cannot_be_disabled_or_demoted(ws, admin):
    mark = last_id(ws)
    for change in ({"active": False}, {"role": Role.GP}, {"role": Role.RECEPTION, "active": True}):
        with pytest.raises(ValidationError, match="only active administrator"):
            accounts.update_user(ws, admin, admin.user_id, **change)
    assert events(ws, mark) == []
    row = next(u for u in accounts.list_users(ws, admin) if u.id == admin.user_id)
    assert row.role == Role.ADMIN and row.active


def test_a_disabled_admin_does_not_count_as_another_admin(ws, admin):
    second = add(ws, admin, "second.admin", Role.ADMIN)
    accounts.update_user(ws, admin, second, active=False)
    with pytest.raises(ValidationError, match="only active administrator"):
        accounts.update_user(ws, admin, admin.user_id, role=Role.GP)


def test_with_a_second_admin_the_first_can_be_demoted(ws, admin):
    second = add(ws, admin, "second.admin", Role.ADMIN, must_change_password=False)
    mark = last_id(ws)
    row = accounts.update_user(
        ws, admin, admin.user_id, role=Role.GP, full_name="Alex A. Admin"
    ).value
    assert row.role == Role.GP
    assert events(ws, mark) == [
        (
            "update",
            "Alex Admin (administrator)",
            str(admin.user_id),
            "admin: role administrator -> GP, renamed",
        )
    ]
    # Now the second is the last one and is protected in turn.
    new_admin = accounts.authenticate(ws, "second.admin", PASSWORD)
    with pytest.raises(ValidationError, match="only active administrator"):
        accounts.update_user(ws, new_admin, second, active=False)


def test_update_with_no_change_writes_nothing(ws, admin):
    nurse_id = add(ws, admin, "n.nurse")
    mark = last_id(ws)
    row = accounts.update_user(
        ws, admin, nurse_id, role=Role.NURSE, active=True, full_name="  "
    ).value
    assert row.role == Role.NURSE
    assert events(ws, mark) == []
    with pytest.raises(ValidationError, match="no longer exists"):
        accounts.update_user(ws, admin, 9999, active=False)
    with pytest.raises(ValidationError, match="no longer exists"):
        accounts.unlock_user(ws, admin, 9999)


def test_create_user_rolls_back_with_its_audit_row(ws, admin):
    """create_user runs in the caller's transaction: a rollback removes user and event alike."""
    mark = last_id(ws)
    with ws.session() as session:
        accounts.create_user(
            session, admin, username="t.temp", full_name="T Temp", role=Role.GP, password=PASSWORD
        )
        session.rollback()
    assert accounts.find_user_id(ws, "t.temp") is None
    assert events(ws, mark) == []
    assert audit.verify_chain(ws).ok


def test_every_account_event_keeps_the_chain_valid(ws, admin):
    nurse_id = add(ws, admin, "n.nurse", must_change_password=False)
    accounts.authenticate(ws, "n.nurse", PASSWORD)
    with pytest.raises(LoginFailedError):
        accounts.authenticate(ws, "n.nurse", "wrong password here")
    accounts.update_user(ws, admin, nurse_id, role=Role.GP)
    report = audit.verify_chain(ws)
    assert report.ok
    with ws.raw_connection() as conn:
        actions = {r[0] for r in conn.execute("SELECT DISTINCT action FROM audit_event")}
    assert {"create", "login", "failed_login", "update"} <= actions
