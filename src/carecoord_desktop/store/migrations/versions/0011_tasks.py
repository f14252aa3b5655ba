"""team tasks: the board (tasks, comments, checklists, history), transitions of care and their
contacts, coordination minutes (entries and database-kept timers), local holidays

Revision ID: 0011
Revises: 0008

New tables only; nothing existing changes. Indexes follow the board's reads: open tasks by
column in order, and each filter (owner, role queue, patient, due date, source) led by the
column it narrows to, so the board at 10,000 open tasks is one indexed read. A task's
`dedupe_key` is unique: an event (a discharge, a plan review falling due) can never create its
task twice, even from two workstations at once. Dropping a table drops its indexes.

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

UPGRADE = (
    (
        "CREATE TABLE local_holiday (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "day DATE NOT NULL, name VARCHAR(120) NOT NULL, created_by_id INTEGER, created_at "
        "DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (day), FOREIGN KEY(created_by_id) REFERENCES"
        " staff_user (id))"
    ),
    (
        "CREATE TABLE task (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, patient_id"
        " INTEGER, title VARCHAR(200) NOT NULL, details VARCHAR(2000), state VARCHAR(16) NOT "
        "NULL, position FLOAT NOT NULL, owner_id INTEGER, owner_role VARCHAR(16), due_date DATE, "
        "due_time TIME, priority VARCHAR(8) NOT NULL, source VARCHAR(16) NOT NULL, source_id "
        "VARCHAR(64), kind VARCHAR(32), dedupe_key VARCHAR(200), created_by_id INTEGER, "
        "created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, completed_by_id INTEGER, "
        "completed_at DATETIME, resolution VARCHAR(200), PRIMARY KEY (id), FOREIGN "
        "KEY(patient_id) REFERENCES patient (id), FOREIGN KEY(owner_id) REFERENCES staff_user "
        "(id), UNIQUE (dedupe_key), FOREIGN KEY(created_by_id) REFERENCES staff_user (id), "
        "FOREIGN KEY(completed_by_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_task_owner_state ON task (owner_id, state)",
    "CREATE INDEX ix_task_patient_state ON task (patient_id, state)",
    "CREATE INDEX ix_task_role_state ON task (owner_role, state)",
    "CREATE INDEX ix_task_source ON task (source, source_id)",
    "CREATE INDEX ix_task_state_completed ON task (state, completed_at)",
    "CREATE INDEX ix_task_state_due ON task (state, due_date)",
    "CREATE INDEX ix_task_state_position ON task (state, position)",
    (
        "CREATE TABLE task_comment (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "task_id INTEGER NOT NULL, author_id INTEGER, author_name VARCHAR(120) NOT NULL, at "
        "DATETIME NOT NULL, body VARCHAR(2000) NOT NULL, PRIMARY KEY (id), FOREIGN KEY(task_id) "
        "REFERENCES task (id), FOREIGN KEY(author_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_task_comment_task_id ON task_comment (task_id)",
    (
        "CREATE TABLE task_check_item (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL,"
        " task_id INTEGER NOT NULL, position INTEGER NOT NULL, text VARCHAR(200) NOT NULL, done "
        "BOOLEAN NOT NULL, done_by_id INTEGER, done_at DATETIME, PRIMARY KEY (id), FOREIGN "
        "KEY(task_id) REFERENCES task (id), FOREIGN KEY(done_by_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_task_check_item_task_done ON task_check_item (task_id, done)",
    (
        "CREATE TABLE task_history (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "task_id INTEGER NOT NULL, at DATETIME NOT NULL, actor_id INTEGER, actor_name "
        "VARCHAR(120) NOT NULL, action VARCHAR(32) NOT NULL, detail VARCHAR(500) NOT NULL, "
        "PRIMARY KEY (id), FOREIGN KEY(task_id) REFERENCES task (id), FOREIGN KEY(actor_id) "
        "REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_task_history_task_id ON task_history (task_id)",
    (
        "CREATE TABLE care_transition (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL,"
        " patient_id INTEGER NOT NULL, hospital_event_id INTEGER, kind VARCHAR(16) NOT NULL, "
        "event_date DATE NOT NULL, facility VARCHAR(120), complexity VARCHAR(16), "
        "summary_received_on DATE, notes VARCHAR(500), created_by_id INTEGER, created_at DATETIME"
        " NOT NULL, PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), FOREIGN "
        "KEY(hospital_event_id) REFERENCES hospital_event (id), FOREIGN KEY(created_by_id) "
        "REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_care_transition_patient_date ON care_transition (patient_id, event_date)",
    (
        "CREATE TABLE transition_contact (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, patient_id INTEGER NOT NULL, transition_id INTEGER, task_id INTEGER, made_by_id "
        "INTEGER, made_by_name VARCHAR(120) NOT NULL, made_at DATETIME NOT NULL, method "
        "VARCHAR(24) NOT NULL, interactive BOOLEAN NOT NULL, with_whom VARCHAR(120), notes "
        "VARCHAR(500), PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), FOREIGN"
        " KEY(transition_id) REFERENCES care_transition (id), FOREIGN KEY(task_id) REFERENCES "
        "task (id), FOREIGN KEY(made_by_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_transition_contact_patient_id ON transition_contact (patient_id)",
    "CREATE INDEX ix_transition_contact_transition_id ON transition_contact (transition_id)",
    (
        "CREATE TABLE minutes_entry (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "patient_id INTEGER NOT NULL, staff_id INTEGER, staff_name VARCHAR(120) NOT NULL, "
        "work_date DATE NOT NULL, minutes INTEGER NOT NULL, activity VARCHAR(200) NOT NULL, "
        "source VARCHAR(8) NOT NULL, started_at DATETIME, ended_at DATETIME, created_at DATETIME "
        "NOT NULL, PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), FOREIGN "
        "KEY(staff_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_minutes_entry_date_patient ON minutes_entry (work_date, patient_id)",
    "CREATE INDEX ix_minutes_entry_patient_date ON minutes_entry (patient_id, work_date)",
    (
        "CREATE TABLE minutes_timer (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "patient_id INTEGER NOT NULL, staff_id INTEGER NOT NULL, state VARCHAR(8) NOT NULL, "
        "started_at DATETIME NOT NULL, segment_started_at DATETIME, accumulated_seconds INTEGER "
        "NOT NULL, activity VARCHAR(200), PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES "
        "patient (id), FOREIGN KEY(staff_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_minutes_timer_patient_id ON minutes_timer (patient_id)",
    "CREATE UNIQUE INDEX ux_minutes_timer_staff_patient ON minutes_timer (staff_id, patient_id)",
)
DOWNGRADE = (
    "DROP TABLE minutes_timer",
    "DROP TABLE minutes_entry",
    "DROP TABLE transition_contact",
    "DROP TABLE care_transition",
    "DROP TABLE task_history",
    "DROP TABLE task_check_item",
    "DROP TABLE task_comment",
    "DROP TABLE task",
    "DROP TABLE local_holiday",
)


def upgrade() -> None:
    for sql in UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
