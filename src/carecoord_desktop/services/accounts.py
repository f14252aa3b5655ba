"""Staff accounts: sign-in with lockout, password changes, and the administrator's user list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func
from sqlmodel import Session, select

from carecoord_desktop.config import LOCKOUT_MINUTES, LOCKOUT_THRESHOLD
from carecoord_desktop.errors import (
    AccountDisabledError,
    AccountLockedError,
    LoginFailedError,
    ValidationError,
)
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import check_text, text_problem
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.signed_in import live_actor
from carecoord_desktop.store.workspace import Workspace

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")
MIN_PASSWORD_LENGTH = 10
_USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
UNKNOWN_USER = "unknown user"


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked: bool
    last_login_at: datetime | None
    must_change_password: bool
    version: int = 1  # the account's version when read: update_user takes it back


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters; a short phrase is easy to remember.",
            field="password",
        )
    if username and username.lower() in password.lower():
        raise ValidationError("The password must not contain the user name.", field="password")
    if len(set(password)) < 4:
        raise ValidationError("That password is too easy to guess.", field="password")
    if text_problem(password, "password"):  # it could not be hashed, or typed again
        raise ValidationError(
            "The password contains a control character or a broken character that cannot be "
            "typed again reliably; choose another.",
            field="password",
        )


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME_RE.fullmatch(name):
        raise ValidationError(
            "A user name is 2–64 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit (for example 'j.smith').",
            field="username",
        )
    return name


def _aware(dt: datetime | None) -> datetime | None:
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=UTC)


def _actor(user: StaffUser) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role))


def _verify(user_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(user_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def authenticate(
    ws: Workspace, username: str, password: str, *, action: AuditAction = AuditAction.LOGIN
) -> Actor:
    """Check a sign-in (or a screen unlock); failures count towards a temporary lockout.

    The slow hash check runs outside any transaction; its outcome is then counted under the
    write lock against the account as it stands (BEGIN IMMEDIATE), so simultaneous wrong
    passwords each count, and none can succeed once a parallel attempt has locked the account.
    """
    name = username.strip().lower()
    now = datetime.now(UTC)
    with ws.session() as session:
        typable = text_problem(name, "user name") is None  # a broken one cannot be looked up
        user = (
            session.exec(select(StaffUser).where(StaffUser.username == name)).first()
            if typable
            else None
        )
        if user is None:
            _verify(_DUMMY_HASH, password)  # same cost as a real check: no user-name probing
            # Never what was typed: it is often the password, typed into the wrong field.
            audit.record(
                session,
                None,
                AuditAction.FAILED_LOGIN,
                actor_name=UNKNOWN_USER,
                detail="unknown user name",
            )
            session.commit()
            raise LoginFailedError()
        _refuse_if_locked(session, user, now)
        user_id, stored_hash = user.id, user.password_hash
    matched = _verify(stored_hash, password)
    with ws.write_session() as session:
        user = session.get(StaffUser, user_id)
        now = datetime.now(UTC)
        _refuse_if_locked(session, user, now)  # locked meanwhile by a parallel attempt
        if not matched:
            user.failed_attempts += 1
            detail = f"wrong password ({user.failed_attempts} in a row)"
            if user.failed_attempts >= LOCKOUT_THRESHOLD:
                user.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
                user.failed_attempts = 0
                detail += "; account locked"
            session.add(user)
            audit.record(session, _actor(user), AuditAction.FAILED_LOGIN, detail=detail)
            session.commit()
            if user.locked_until and _aware(user.locked_until) > now:
                raise AccountLockedError(LOCKOUT_MINUTES)
            raise LoginFailedError()
        if not user.active:
            audit.record(session, _actor(user), AuditAction.FAILED_LOGIN, detail="disabled")
            session.commit()
            raise AccountDisabledError()
        user.failed_attempts = 0
        user.locked_until = None
        if action == AuditAction.LOGIN:
            user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.add(user)
        audit.record(session, _actor(user), action)
        session.commit()
        return live_actor(ws, user.id, user.username, user.full_name, Role(user.role),
                          temporary=bool(user.must_change_password))  # fmt: skip


def _refuse_if_locked(session: Session, user: StaffUser, now: datetime) -> None:
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        audit.record(session, _actor(user), AuditAction.FAILED_LOGIN, detail="account locked")
        session.commit()
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise AccountLockedError(minutes)


def must_change_password(ws: Workspace, actor: Actor) -> bool:
    with ws.session() as session:
        user = session.get(StaffUser, actor.user_id)
        return bool(user and user.must_change_password)


def change_password(ws: Workspace, actor: Actor, current: str, new: str) -> None:
    """A user changes their own password; the current one is required."""
    with ws.session() as session:
        user = session.get(StaffUser, actor.user_id)
        if user is None or not _verify(user.password_hash, current):
            raise ValidationError("The current password is not right.", field="current")
        if new == current:
            raise ValidationError("Choose a password different from the current one.", "password")
        check_password_rules(new, user.username)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.password_changed_at = datetime.now(UTC)
        session.add(user)
        # An administrator's change of the account meanwhile (a reset password) is not undone.
        target = conflicts.Target(
            "staff_user", user.id, "your account",
            advice="Your password was not changed: check the account, then try again.",
        )  # fmt: skip
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()  # the compare-and-set, before the audit row's autoflush
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type="staff_user",
            record_id=user.id,
            detail="changed own password",
        )
        session.commit()


# -- administration ----------------------------------------------------------------------------
def count_users(ws: Workspace) -> int:
    with ws.session() as session:
        return session.exec(select(func.count()).select_from(StaffUser)).one()


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    must_change_password: bool = True,
) -> StaffUser:
    """Add a user inside the caller's transaction (used by setup and by add_user)."""
    require(actor, Permission.MANAGE_USERS)
    name = normalise_username(username)
    full_name = (check_text(full_name, "full_name", "full name") or "").strip()
    if not full_name:
        raise ValidationError("Enter the person's full name.", field="full_name")
    check_password_rules(password, name)
    if session.exec(select(StaffUser).where(StaffUser.username == name)).first():
        raise ValidationError(f"The user name '{name}' is already taken.", field="username")
    user = StaffUser(
        username=name,
        full_name=full_name,
        role=Role(role),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CREATE,
        record_type="staff_user",
        record_id=user.id,
        detail=f"added user {name} as {Role(role).label}",
    )
    return user


def add_user(ws: Workspace, actor: Actor, **fields) -> Changed[UserRow]:
    with ws.write_session() as session:  # "is the name taken" holds until the insert
        user = create_user(session, actor, **fields)
        session.commit()
        return Changed(_row(user), _STAFF_CHANGED)


def list_users(ws: Workspace, actor: Actor) -> list[UserRow]:
    require(actor, Permission.MANAGE_USERS)
    with ws.session() as session:
        users = session.exec(select(StaffUser).order_by(StaffUser.full_name)).all()
        return [_row(u) for u in users]


def _row(user: StaffUser) -> UserRow:
    locked_until = _aware(user.locked_until)
    return UserRow(
        user.id,
        user.username,
        user.full_name,
        Role(user.role),
        user.active,
        bool(locked_until and locked_until > datetime.now(UTC)),
        _aware(user.last_login_at),
        user.must_change_password,
        user.version,
    )


def _admins_left(session: Session, excluding: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == Role.ADMIN, StaffUser.active, StaffUser.id != excluding)
    ).one()


@contextmanager
def _editing_user(
    ws: Workspace, actor: Actor, user_id: int, version: int | None = None
) -> Iterator[tuple[Session, StaffUser]]:
    """An administrator's edit of one account, in one transaction; refused when the account
    changed since its form showed `version`."""
    require(actor, Permission.MANAGE_USERS)
    # Under the write lock: two administrators disabling each other at once cannot both pass
    # the "another administrator is left" check.
    with ws.write_session() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise ValidationError("That user no longer exists.")
        target = conflicts.Target("staff_user", user_id, "this account")
        conflicts.check(session, actor, target, user.version, version)
        yield session, user


# Staff names show on patient rows (coordinator) and in the filter and care-team choices.
_STAFF_CHANGED = Changes.of(Kind.STAFF, Kind.AUDIT)


def _save_user(session: Session, actor: Actor, user: StaffUser, what: str) -> Changed[UserRow]:
    user.version += 1  # by hand (models/staff.py): sign-in bookkeeping leaves it alone
    session.add(user)
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        record_type="staff_user",
        record_id=user.id,
        detail=f"{user.username}: {what}",
    )
    session.commit()
    return Changed(_row(user), _STAFF_CHANGED)


def update_user(
    ws: Workspace,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    active: bool | None = None,
    full_name: str | None = None,
    version: int | None = None,
) -> Changed[UserRow]:
    """Change role, enable/disable or rename; the last active administrator is protected."""
    with _editing_user(ws, actor, user_id, version) as (session, user):
        losing_admin = (role is not None and role != Role.ADMIN) or active is False
        if losing_admin and user.role == Role.ADMIN and _admins_left(session, user.id) == 0:
            raise ValidationError(
                "This is the only active administrator: add or enable another administrator "
                "first, so the practice is never locked out of its own settings."
            )
        changes = []
        if role is not None and role != user.role:
            changes.append(f"role {Role(user.role).label} -> {Role(role).label}")
            user.role = Role(role)
        if active is not None and active != user.active:
            changes.append("enabled" if active else "disabled")
            user.active = active
        check_text(full_name, "full_name", "full name")
        if full_name is not None and full_name.strip() and full_name.strip() != user.full_name:
            changes.append("renamed")
            user.full_name = full_name.strip()
        if not changes:
            return Changed(_row(user))
        return _save_user(session, actor, user, ", ".join(changes))


def unlock_user(ws: Workspace, actor: Actor, user_id: int) -> Changed[UserRow]:
    with _editing_user(ws, actor, user_id) as (session, user):
        user.locked_until = None
        user.failed_attempts = 0
        return _save_user(session, actor, user, "unlocked")


def reset_password(
    ws: Workspace, actor: Actor, user_id: int, new_password: str
) -> Changed[UserRow]:
    """An administrator sets a temporary password the user must change at next sign-in."""
    with _editing_user(ws, actor, user_id) as (session, user):
        check_password_rules(new_password, user.username)
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.locked_until = None
        user.failed_attempts = 0
        return _save_user(session, actor, user, "password reset by admin")


def find_user_id(ws: Workspace, username: str) -> int | None:
    if text_problem(username, "user name"):
        return None
    with ws.session() as session:
        user = session.exec(
            select(StaffUser).where(StaffUser.username == username.strip().lower())
        ).first()
        return user.id if user else None
