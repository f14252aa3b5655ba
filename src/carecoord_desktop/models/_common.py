from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    return datetime.now(UTC)


def version_column():
    """A new `version` column for one editable table (migration 0008).

    Mapped as the table's `version_id_col`: every ORM UPDATE then says "AND version = :old"
    and bumps it, so a save from a form opened before someone else's save is refused instead
    of silently reverting it (services/conflicts.py). Bulk SQL updates bump it by hand."""
    from sqlalchemy import Column, Integer

    return Column("version", Integer, nullable=False, server_default="1")


def label_for(labels: Mapping[StrEnum, str], enum_type: type[StrEnum], value: str | None) -> str:
    """The words for a stored enum value; a value the enum does not know prints as stored."""
    if not value:
        return ""
    try:
        return labels[enum_type(value)]
    except (ValueError, KeyError):
        return value
