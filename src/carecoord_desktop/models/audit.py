"""The append-only audit log. Rows are chained by hash; triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel


class AuditAction(StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    PRINT = "print"
    LOGIN = "login"
    FAILED_LOGIN = "failed_login"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    BACKUP = "backup"
    RESTORE = "restore"
    MIGRATE = "migrate"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, index=True)
    actor_name: str = Field(max_length=120)
    action: str = Field(index=True, max_length=32)
    patient_id: int | None = Field(default=None, index=True)
    record_type: str | None = Field(default=None, max_length=64)
    record_id: str | None = Field(default=None, max_length=64)
    detail: str = ""
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)
