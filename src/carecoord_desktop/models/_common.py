from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def version_column():
    """A new `version` column for one editable table (migration 0008).

    Mapped as the table's `version_id_col`: every ORM UPDATE then says "AND version = :old"
    and bumps it, so a save from a form opened before someone else's save is refused instead
    of silently reverting it (services/conflicts.py). Bulk SQL updates bump it by hand."""
    from sqlalchemy import Column, Integer

    return Column("version", Integer, nullable=False, server_default="1")
