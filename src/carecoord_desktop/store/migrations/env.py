"""Alembic environment: the caller passes a live, keyed connection in config.attributes."""

from alembic import context
from sqlmodel import SQLModel

import carecoord_desktop.models  # noqa: F401  (registers every table on SQLModel.metadata)
from carecoord_desktop.store.migrate import include_name

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "CareCoord migrations run from the application (they need the workspace key); "
        "use `carecoord check` or open the workspace."
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
