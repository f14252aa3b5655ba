"""conferences: care conferences with their participants, agenda items and decisions

Revision ID: 0013
Revises: 0012

New tables only; nothing existing changes. A record's conferences are read by patient and
date, the practice's upcoming list by status and date, so both have an index led by those
columns; participants, agenda items and decisions are read by their conference. A decision
points at the task or plan version it made (task.source "conference" needs no schema change:
0011 stores the source as text without a CHECK).

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UPGRADE = (
    (
        "CREATE TABLE care_conference (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, patient_id INTEGER NOT NULL, plan_id INTEGER, title VARCHAR(120) NOT NULL, "
        "scheduled_at DATETIME NOT NULL, planned_minutes INTEGER NOT NULL, place VARCHAR(200), "
        "video_link VARCHAR(300), organiser_id INTEGER, status VARCHAR(16) NOT NULL, agreed "
        "BOOLEAN, agreed_on DATE, agreed_how VARCHAR(16), agreement_note VARCHAR(500), "
        "agreement_recorded_by_id INTEGER, started_at DATETIME, ended_at DATETIME, times_note "
        "VARCHAR(500), patient_questions VARCHAR(4000), summary_offered_on DATE, cancel_reason "
        "VARCHAR(500), "
        "created_by_id INTEGER, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, "
        "PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), FOREIGN "
        "KEY(plan_id) REFERENCES care_plan (id), FOREIGN KEY(organiser_id) REFERENCES "
        "staff_user (id), FOREIGN KEY(agreement_recorded_by_id) REFERENCES staff_user (id), "
        "FOREIGN KEY(created_by_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_care_conference_patient_at ON care_conference (patient_id, scheduled_at)",
    "CREATE INDEX ix_care_conference_status_at ON care_conference (status, scheduled_at)",
    (
        "CREATE TABLE conference_participant (id INTEGER NOT NULL, version INTEGER DEFAULT '1' "
        "NOT NULL, conference_id INTEGER NOT NULL, kind VARCHAR(16) NOT NULL, staff_user_id "
        "INTEGER, care_team_member_id INTEGER, name VARCHAR(120) NOT NULL, discipline "
        "VARCHAR(80) NOT NULL, organisation VARCHAR(120), contact VARCHAR(120), attendance "
        "VARCHAR(16) NOT NULL, joined_how VARCHAR(16), position INTEGER NOT NULL, PRIMARY KEY "
        "(id), FOREIGN KEY(conference_id) REFERENCES care_conference (id), FOREIGN "
        "KEY(staff_user_id) REFERENCES staff_user (id), FOREIGN KEY(care_team_member_id) "
        "REFERENCES care_team_member (id))"
    ),
    (
        "CREATE INDEX ix_conference_participant_conference_id ON conference_participant "
        "(conference_id)"
    ),
    (
        "CREATE TABLE conference_agenda_item (id INTEGER NOT NULL, version INTEGER DEFAULT '1' "
        "NOT NULL, conference_id INTEGER NOT NULL, position INTEGER NOT NULL, source "
        "VARCHAR(24) NOT NULL, source_ref VARCHAR(80), title VARCHAR(200) NOT NULL, detail "
        "VARCHAR(4000), minutes VARCHAR(4000), discussed BOOLEAN NOT NULL, PRIMARY KEY (id), "
        "FOREIGN KEY(conference_id) REFERENCES care_conference (id))"
    ),
    (
        "CREATE INDEX ix_conference_agenda_item_conference_id ON conference_agenda_item "
        "(conference_id)"
    ),
    (
        "CREATE TABLE conference_decision (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, conference_id INTEGER NOT NULL, agenda_item_id INTEGER, kind VARCHAR(16) NOT "
        "NULL, text VARCHAR(1000) NOT NULL, owner_id INTEGER, owner_role VARCHAR(16), due_date "
        "DATE, task_id INTEGER, plan_id INTEGER, plan_version INTEGER, plan_change "
        "VARCHAR(1000), created_by_id INTEGER, created_at DATETIME NOT NULL, PRIMARY KEY (id), "
        "FOREIGN KEY(conference_id) REFERENCES care_conference (id), FOREIGN "
        "KEY(agenda_item_id) REFERENCES conference_agenda_item (id), FOREIGN KEY(owner_id) "
        "REFERENCES staff_user (id), FOREIGN KEY(task_id) REFERENCES task (id), FOREIGN "
        "KEY(plan_id) REFERENCES care_plan (id), FOREIGN KEY(created_by_id) REFERENCES "
        "staff_user (id))"
    ),
    "CREATE INDEX ix_conference_decision_conference_id ON conference_decision (conference_id)",
)

DOWNGRADE = (
    "DROP TABLE conference_decision",
    "DROP TABLE conference_agenda_item",
    "DROP TABLE conference_participant",
    "DROP TABLE care_conference",
)


def upgrade() -> None:
    for sql in UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
