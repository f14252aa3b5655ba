"""patients with conditions, allergies and medications

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient",
        sa.Column("practice_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("given_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("family_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("preferred_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.Enum("FEMALE", "MALE", "OTHER", "UNKNOWN", name="sex"), nullable=False),
        sa.Column("medicare_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=240), nullable=True),
        sa.Column("lives_alone", sa.Boolean(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["staff_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_archived"), ["archived"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patient_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patient_medicare_number"), ["medicare_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patient_practice_id"), ["practice_id"], unique=True)

    op.create_table(
        "allergy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("substance", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("reaction", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allergy_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code_system", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("display", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("onset", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chronic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("condition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_condition_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "medication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("dose", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("started", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("medication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medication_patient_id"), ["patient_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("medication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_patient_id"))

    op.drop_table("medication")
    with op.batch_alter_table("condition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_patient_id"))

    op.drop_table("condition")
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allergy_patient_id"))

    op.drop_table("allergy")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_practice_id"))
        batch_op.drop_index(batch_op.f("ix_patient_medicare_number"))
        batch_op.drop_index(batch_op.f("ix_patient_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_patient_archived"))

    op.drop_table("patient")
