"""row versions: a `version` on every editable table, so a stale save is refused

Revision ID: 0008
Revises: 0007

Each table a form edits gets `version INTEGER NOT NULL DEFAULT 1`. The models map it as
SQLAlchemy's `version_id_col`: every ORM update says "WHERE id = :id AND version = :seen" and
bumps it, and bulk updates bump it in their SQL. A save whose version is no longer the stored
one changed nothing and is refused (services/conflicts.py) instead of silently reverting the
other save. Existing rows start at 1.

No trigger reads or writes the column: the search index and statistics triggers (0003-0007)
fire on the columns they name, so a version bump alone leaves them idle.

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UPGRADE = (
    'ALTER TABLE "patient" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "condition" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "allergy" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "medication" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "patient_contact" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "care_team_member" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "hospital_event" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "staff_user" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE "practice_setting" ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
)
DOWNGRADE = (
    'ALTER TABLE "practice_setting" DROP COLUMN version',
    'ALTER TABLE "staff_user" DROP COLUMN version',
    'ALTER TABLE "hospital_event" DROP COLUMN version',
    'ALTER TABLE "care_team_member" DROP COLUMN version',
    'ALTER TABLE "patient_contact" DROP COLUMN version',
    'ALTER TABLE "medication" DROP COLUMN version',
    'ALTER TABLE "allergy" DROP COLUMN version',
    'ALTER TABLE "condition" DROP COLUMN version',
    'ALTER TABLE "patient" DROP COLUMN version',
)


def upgrade() -> None:
    for sql in UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
