"""Staff accounts and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from carecoord_desktop.models._common import utcnow, version_column


class Role(StrEnum):
    ADMIN = "admin"
    GP = "gp"
    NURSE = "nurse"
    COORDINATOR = "coordinator"
    RECEPTION = "reception"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "administrator",
    Role.GP: "GP",
    Role.NURSE: "practice nurse",
    Role.COORDINATOR: "care coordinator",
    Role.RECEPTION: "reception",
}


class StaffUserBase(SQLModel):
    username: str = Field(index=True, unique=True, max_length=64)
    full_name: str = Field(max_length=120)
    role: Role = Field(default=Role.RECEPTION)
    active: bool = True


_STAFF_VERSION = version_column()


class StaffUser(StaffUserBase, table=True):
    __tablename__ = "staff_user"
    # Bumped by services/accounts when an administrator edits the account, not by sign-in
    # bookkeeping (failed attempts, last login): a sign-in must not make an open edit stale.
    # Every UPDATE still carries "AND version = :old".
    __mapper_args__ = {"version_id_col": _STAFF_VERSION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_STAFF_VERSION)
    password_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
