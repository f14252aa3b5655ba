"""patient record: social and communication fields, ACD, merge/archive, contacts, care team,
hospital events; previous names in the search index

Revision ID: 0004
Revises: 0003

Columns are added with plain ALTER TABLE ADD COLUMN, never a batch copy of `patient`: a copy
drops and recreates the table, and with foreign keys on, that DROP would cascade into
patient_stats and break the references from condition, medication and allergy.
The patient_search_* triggers are recreated (they now index previous_names) and both FTS
tables are refilled. The SQL is written out as literals, 0003's triggers too for the downgrade:
this revision is frozen as it ran when written, whatever later code does.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NOTE = sqlmodel.sql.sqltypes.AutoString(length=500)
_TEXT_COLUMNS = (
    ("previous_names", _NOTE),
    ("previous_identifiers", _NOTE),
    ("preferred_language", sqlmodel.sql.sqltypes.AutoString(length=80)),
    ("communication_preferences", _NOTE),
    ("cultural_considerations", _NOTE),
    ("acd_location", _NOTE),
    ("housing", _NOTE),
    ("transport", _NOTE),
    ("finances", _NOTE),
    ("social_isolation", _NOTE),
    ("functional_status", _NOTE),
)
PATIENT_TRIGGER_NAMES = ("patient_search_ai", "patient_search_au", "patient_search_ad")
_NEW_PATIENT_COLUMNS = (
    *(name for name, _ in _TEXT_COLUMNS),
    "interpreter_needed",
    "acd_status",
    "acd_date",
    "archived_at",
    "merged_into_id",
)

# The patient triggers with previous names indexed (and watched by the update trigger).
_PATIENT_TRIGGERS = (
    (
        "CREATE TRIGGER patient_search_ai AFTER INSERT ON patient BEGIN INSERT INTO patient_fts "
        "(rowid, names, idents, dob) VALUES (NEW.id, NEW.given_name || ' ' || NEW.family_name || "
        "' ' || coalesce(NEW.preferred_name, '') || ' ' || "
        "replace(replace(replace(NEW.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(NEW.given_name, '''', ''), '-', ''), '\u2019', '') || coalesce(' "
        "' || NEW.previous_names || ' ' || replace(replace(replace(NEW.previous_names, '''', ''), "
        "'-', ''), '\u2019', ''), ''), NEW.practice_id || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.medicare_number, ' ', ''), "
        "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', NEW.date_of_birth) || ' "
        "' || strftime('%d%m%Y', NEW.date_of_birth));INSERT INTO patient_trigram (rowid, names) "
        "VALUES (NEW.id, NEW.family_name || ' ' || NEW.given_name || ' ' || "
        "coalesce(NEW.preferred_name, '') || coalesce(' ' || NEW.previous_names, ''));INSERT OR "
        "IGNORE INTO patient_stats (patient_id) VALUES (NEW.id);UPDATE patient_stats SET "
        "sort_name = lower(NEW.family_name || char(31) || NEW.given_name), practice_id = "
        "NEW.practice_id, date_of_birth = NEW.date_of_birth, archived = NEW.archived, "
        "coordinator_id = NEW.coordinator_id, lives_alone = NEW.lives_alone WHERE patient_id = "
        "NEW.id;END"
    ),
    (
        "CREATE TRIGGER patient_search_au AFTER UPDATE OF id, given_name, family_name, "
        "preferred_name, previous_names, practice_id, medicare_number, phone, date_of_birth, "
        "archived, coordinator_id, lives_alone ON patient BEGIN DELETE FROM patient_fts WHERE "
        "rowid = OLD.id;DELETE FROM patient_trigram WHERE rowid = OLD.id;INSERT INTO patient_fts "
        "(rowid, names, idents, dob) VALUES (NEW.id, NEW.given_name || ' ' || NEW.family_name || "
        "' ' || coalesce(NEW.preferred_name, '') || ' ' || "
        "replace(replace(replace(NEW.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(NEW.given_name, '''', ''), '-', ''), '\u2019', '') || coalesce(' "
        "' || NEW.previous_names || ' ' || replace(replace(replace(NEW.previous_names, '''', ''), "
        "'-', ''), '\u2019', ''), ''), NEW.practice_id || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.medicare_number, ' ', ''), "
        "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', NEW.date_of_birth) || ' "
        "' || strftime('%d%m%Y', NEW.date_of_birth));INSERT INTO patient_trigram (rowid, names) "
        "VALUES (NEW.id, NEW.family_name || ' ' || NEW.given_name || ' ' || "
        "coalesce(NEW.preferred_name, '') || coalesce(' ' || NEW.previous_names, ''));DELETE FROM "
        "patient_stats WHERE patient_id = OLD.id AND OLD.id != NEW.id;INSERT OR IGNORE INTO "
        "patient_stats (patient_id) VALUES (NEW.id);UPDATE patient_stats SET sort_name = "
        "lower(NEW.family_name || char(31) || NEW.given_name), practice_id = NEW.practice_id, "
        "date_of_birth = NEW.date_of_birth, archived = NEW.archived, coordinator_id = "
        "NEW.coordinator_id, lives_alone = NEW.lives_alone WHERE patient_id = NEW.id;END"
    ),
    (
        "CREATE TRIGGER patient_search_ad AFTER DELETE ON patient BEGIN DELETE FROM patient_fts "
        "WHERE rowid = OLD.id;DELETE FROM patient_trigram WHERE rowid = OLD.id;DELETE FROM "
        "patient_stats WHERE patient_id = OLD.id; END"
    ),
)
# Both FTS tables refilled with the new text.
_REINDEX = (
    ("DELETE FROM patient_fts"),
    ("DELETE FROM patient_trigram"),
    (
        "INSERT INTO patient_fts (rowid, names, idents, dob) SELECT p.id, p.given_name || ' ' || "
        "p.family_name || ' ' || coalesce(p.preferred_name, '') || ' ' || "
        "replace(replace(replace(p.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(p.given_name, '''', ''), '-', ''), '\u2019', '') || coalesce(' ' "
        "|| p.previous_names || ' ' || replace(replace(replace(p.previous_names, '''', ''), '-', "
        "''), '\u2019', ''), ''), p.practice_id || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(p.medicare_number, ' ', ''), "
        "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(p.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', p.date_of_birth) || ' ' "
        "|| strftime('%d%m%Y', p.date_of_birth) FROM patient p"
    ),
    (
        "INSERT INTO patient_trigram (rowid, names) SELECT p.id, p.family_name || ' ' || "
        "p.given_name || ' ' || coalesce(p.preferred_name, '') || coalesce(' ' || "
        "p.previous_names, '') FROM patient p"
    ),
)
# For the downgrade: 0003's patient triggers and index text, as 0003 made them.
_PATIENT_TRIGGERS_0003 = (
    (
        "CREATE TRIGGER patient_search_ai AFTER INSERT ON patient BEGIN INSERT INTO patient_fts "
        "(rowid, names, idents, dob) VALUES (NEW.id, NEW.given_name || ' ' || NEW.family_name || "
        "' ' || coalesce(NEW.preferred_name, '') || ' ' || "
        "replace(replace(replace(NEW.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(NEW.given_name, '''', ''), '-', ''), '\u2019', ''), "
        "NEW.practice_id || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.medicare_number, ' ', ''), "
        "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', NEW.date_of_birth) || ' "
        "' || strftime('%d%m%Y', NEW.date_of_birth));INSERT INTO patient_trigram (rowid, names) "
        "VALUES (NEW.id, NEW.family_name || ' ' || NEW.given_name || ' ' || "
        "coalesce(NEW.preferred_name, ''));INSERT OR IGNORE INTO patient_stats (patient_id) "
        "VALUES (NEW.id);UPDATE patient_stats SET sort_name = lower(NEW.family_name || char(31) "
        "|| NEW.given_name), practice_id = NEW.practice_id, date_of_birth = NEW.date_of_birth, "
        "archived = NEW.archived, coordinator_id = NEW.coordinator_id, lives_alone = "
        "NEW.lives_alone WHERE patient_id = NEW.id;END"
    ),
    (
        "CREATE TRIGGER patient_search_au AFTER UPDATE OF id, given_name, family_name, "
        "preferred_name, practice_id, medicare_number, phone, date_of_birth, archived, "
        "coordinator_id, lives_alone ON patient BEGIN DELETE FROM patient_fts WHERE rowid = "
        "OLD.id;DELETE FROM patient_trigram WHERE rowid = OLD.id;INSERT INTO patient_fts (rowid, "
        "names, idents, dob) VALUES (NEW.id, NEW.given_name || ' ' || NEW.family_name || ' ' || "
        "coalesce(NEW.preferred_name, '') || ' ' || replace(replace(replace(NEW.family_name, "
        "'''', ''), '-', ''), '\u2019', '') || ' ' || replace(replace(replace(NEW.given_name, "
        "'''', ''), '-', ''), '\u2019', ''), NEW.practice_id || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.medicare_number, ' ', ''), "
        "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(NEW.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', NEW.date_of_birth) || ' "
        "' || strftime('%d%m%Y', NEW.date_of_birth));INSERT INTO patient_trigram (rowid, names) "
        "VALUES (NEW.id, NEW.family_name || ' ' || NEW.given_name || ' ' || "
        "coalesce(NEW.preferred_name, ''));DELETE FROM patient_stats WHERE patient_id = OLD.id "
        "AND OLD.id != NEW.id;INSERT OR IGNORE INTO patient_stats (patient_id) VALUES "
        "(NEW.id);UPDATE patient_stats SET sort_name = lower(NEW.family_name || char(31) || "
        "NEW.given_name), practice_id = NEW.practice_id, date_of_birth = NEW.date_of_birth, "
        "archived = NEW.archived, coordinator_id = NEW.coordinator_id, lives_alone = "
        "NEW.lives_alone WHERE patient_id = NEW.id;END"
    ),
    (
        "CREATE TRIGGER patient_search_ad AFTER DELETE ON patient BEGIN DELETE FROM patient_fts "
        "WHERE rowid = OLD.id;DELETE FROM patient_trigram WHERE rowid = OLD.id;DELETE FROM "
        "patient_stats WHERE patient_id = OLD.id; END"
    ),
)
_REINDEX_0003 = (
    ("DELETE FROM patient_fts"),
    ("DELETE FROM patient_trigram"),
    (
        "INSERT INTO patient_fts (rowid, names, idents, dob) SELECT p.id, p.given_name || ' ' || "
        "p.family_name || ' ' || coalesce(p.preferred_name, '') || ' ' || "
        "replace(replace(replace(p.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(p.given_name, '''', ''), '-', ''), '\u2019', ''), p.practice_id "
        "|| ' ' || coalesce(replace(replace(replace(replace(replace(replace(p.medicare_number, ' "
        "', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
        "coalesce(replace(replace(replace(replace(replace(replace(p.phone, ' ', ''), '-', ''), "
        "'(', ''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', p.date_of_birth) || ' ' "
        "|| strftime('%d%m%Y', p.date_of_birth) FROM patient p"
    ),
    (
        "INSERT INTO patient_trigram (rowid, names) SELECT p.id, p.family_name || ' ' || "
        "p.given_name || ' ' || coalesce(p.preferred_name, '') FROM patient p"
    ),
)


def upgrade() -> None:
    for name, type_ in _TEXT_COLUMNS:
        op.add_column("patient", sa.Column(name, type_, nullable=True))
    op.add_column(
        "patient",
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column(
        "patient",
        sa.Column(
            "acd_status",
            sa.Enum("NONE", "DISCUSSED", "DOCUMENTED", name="acdstatus"),
            nullable=False,
            server_default="NONE",
        ),
    )
    op.add_column("patient", sa.Column("acd_date", sa.Date(), nullable=True))
    op.add_column(
        "patient", sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    # SQLite accepts a REFERENCES clause in ADD COLUMN (Alembic would want a batch copy).
    op.execute("ALTER TABLE patient ADD COLUMN merged_into_id INTEGER REFERENCES patient (id)")

    op.create_table(
        "patient_contact",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("relationship", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("is_next_of_kin", sa.Boolean(), nullable=False),
        sa.Column("is_carer", sa.Boolean(), nullable=False),
        sa.Column("notes", _NOTE, nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_patient_contact_patient_id", "patient_contact", ["patient_id"])

    op.create_table(
        "care_team_member",
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column(
            "preferred_contact",
            sa.Enum("PHONE", "EMAIL", "FAX", "SECURE_MESSAGE", "IN_PERSON", name="contactmethod"),
            nullable=False,
        ),
        sa.Column("notes", _NOTE, nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_care_team_member_patient_id", "care_team_member", ["patient_id"])
    op.create_index("ix_care_team_member_staff_user_id", "care_team_member", ["staff_user_id"])

    op.create_table(
        "hospital_event",
        sa.Column(
            "kind", sa.Enum("ADMISSION", "ED_VISIT", name="hospitaleventkind"), nullable=False
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("facility", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hospital_event_patient_id", "hospital_event", ["patient_id"])
    op.create_index("ix_hospital_event_start_date", "hospital_event", ["start_date"])
    op.create_index("ix_hospital_event_end_date", "hospital_event", ["end_date"])

    _replace_patient_triggers(_PATIENT_TRIGGERS, _REINDEX)


def downgrade() -> None:
    # Back to 0003's triggers (they must not name previous_names once it is dropped).
    _replace_patient_triggers(_PATIENT_TRIGGERS_0003, ())
    op.drop_index("ix_hospital_event_end_date", table_name="hospital_event")
    op.drop_index("ix_hospital_event_start_date", table_name="hospital_event")
    op.drop_index("ix_hospital_event_patient_id", table_name="hospital_event")
    op.drop_table("hospital_event")
    op.drop_index("ix_care_team_member_staff_user_id", table_name="care_team_member")
    op.drop_index("ix_care_team_member_patient_id", table_name="care_team_member")
    op.drop_table("care_team_member")
    op.drop_index("ix_patient_contact_patient_id", table_name="patient_contact")
    op.drop_table("patient_contact")
    # Native DROP COLUMN (SQLite 3.35+): no table copy, so nothing cascades.
    for name in reversed(_NEW_PATIENT_COLUMNS):
        op.execute(f"ALTER TABLE patient DROP COLUMN {name}")
    for sql in _REINDEX_0003:
        op.execute(sql)


def _replace_patient_triggers(triggers: tuple[str, ...], then: tuple[str, ...]) -> None:
    for name in PATIENT_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in triggers:
        op.execute(sql)
    for sql in then:
        op.execute(sql)
