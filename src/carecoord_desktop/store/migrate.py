"""Alembic migrations, run from code at open (after a backup), never from an alembic.ini."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions: it costs ~0.25 s at start-up for every CLI call.
SCRIPT_LOCATION = "carecoord_desktop.store:migrations"

# Tables the database derives from the models (search index, FTS5 shadow tables, counters):
# migrations create them by hand, and schema comparisons leave them out.
DERIVED_TABLE_PREFIXES = (
    "patient_fts",
    "patient_trigram",
    "patient_stats",
    "patient_name_words",  # migration 0007: the search's vocabulary of name words
    "patient_name_vocab",
    "charlson_condition",  # migration 0007: the Charlson index's weights (data, not a model)
)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name hook: compare only what the models describe."""
    if type_ == "table" and name:
        return not name.startswith(DERIVED_TABLE_PREFIXES)
    return True


def _config(connection=None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
