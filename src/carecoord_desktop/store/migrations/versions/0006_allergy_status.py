"""allergy status ("no known allergies" recorded, or not yet) and the reason a record was archived

Revision ID: 0006_allergy_status
Revises: 0005

"No known allergies" is a statement a clinician records; an empty allergy list alone cannot tell
it from "nobody asked yet". Existing patients start as 'not_recorded' (what an empty list meant
until now). `archive_reason` keeps why a record was taken off the register, in the encrypted
patient row rather than in the audit log. Both columns are added in place: existing data stays.
"""

from alembic import op

revision = "0006_allergy_status"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE patient ADD COLUMN allergy_status VARCHAR(16) NOT NULL DEFAULT 'not_recorded'"
    )
    op.execute("ALTER TABLE patient ADD COLUMN archive_reason VARCHAR(500)")


def downgrade() -> None:
    op.execute("ALTER TABLE patient DROP COLUMN archive_reason")
    op.execute("ALTER TABLE patient DROP COLUMN allergy_status")
