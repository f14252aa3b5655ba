"""medicines: the medicine list in full, its history, and reconciliation sessions

Revision ID: 0010
Revises: 0008

`medication` gains what issue 10's list holds (as written, as recognised, strength, times of
day, indication, prescriber, stop date and reason, source, notes); every column is nullable,
added with plain ALTER TABLE ADD COLUMN (no table copy: the 0003 statistics triggers on
medication stay as they are, they read patient_id and status only). `hospital_event` gains the
date its medicines were reconciled. New tables: medication_change (who changed what, when and
why), med_reconciliation with its source lists, lines and matched rows (med_rec_item).

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

ADD_COLUMNS = (
    'ALTER TABLE "medication" ADD COLUMN written VARCHAR(300)',
    'ALTER TABLE "medication" ADD COLUMN ingredients VARCHAR(300)',
    'ALTER TABLE "medication" ADD COLUMN recognised_as VARCHAR(200)',
    'ALTER TABLE "medication" ADD COLUMN strength VARCHAR(80)',
    'ALTER TABLE "medication" ADD COLUMN times_of_day VARCHAR(80)',
    'ALTER TABLE "medication" ADD COLUMN indication VARCHAR(200)',
    'ALTER TABLE "medication" ADD COLUMN prescriber VARCHAR(120)',
    'ALTER TABLE "medication" ADD COLUMN stopped DATE',
    'ALTER TABLE "medication" ADD COLUMN stop_reason VARCHAR(500)',
    'ALTER TABLE "medication" ADD COLUMN source VARCHAR(80)',
    'ALTER TABLE "medication" ADD COLUMN notes VARCHAR(500)',
    'ALTER TABLE "medication" ADD COLUMN updated_at DATETIME',
    'ALTER TABLE "hospital_event" ADD COLUMN medicines_reconciled_on DATE',
)
CREATE = (
    (
        "CREATE TABLE med_reconciliation (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, patient_id INTEGER NOT NULL, hospital_event_id INTEGER, state VARCHAR(20) NOT "
        "NULL, started_at DATETIME NOT NULL, started_by_id INTEGER, started_by_name VARCHAR(120) "
        "NOT NULL, submitted_at DATETIME, submitted_by_name VARCHAR(120), signed_at DATETIME, "
        "signed_by_id INTEGER, signed_by_name VARCHAR(120), signoff_note VARCHAR(500), "
        "abandoned_at DATETIME, abandoned_reason VARCHAR(500), manual_pairs VARCHAR(4000) NOT "
        "NULL, kept_apart VARCHAR(4000) NOT NULL, summary VARCHAR, kb_version VARCHAR(40), "
        "updated_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES "
        "patient (id), FOREIGN KEY(hospital_event_id) REFERENCES hospital_event (id), FOREIGN "
        "KEY(started_by_id) REFERENCES staff_user (id), FOREIGN KEY(signed_by_id) REFERENCES "
        "staff_user (id))"
    ),
    ("CREATE INDEX ix_med_reconciliation_patient_id ON med_reconciliation (patient_id)"),
    ("CREATE INDEX ix_med_reconciliation_state_patient ON med_reconciliation (state, patient_id)"),
    (
        "CREATE TABLE medication_change (id INTEGER NOT NULL, medication_id INTEGER NOT NULL, "
        "patient_id INTEGER NOT NULL, at DATETIME NOT NULL, actor_id INTEGER, actor_name "
        "VARCHAR(120) NOT NULL, action VARCHAR(16) NOT NULL, changed_fields VARCHAR(300) NOT "
        'NULL, "before" VARCHAR, "after" VARCHAR, reason VARCHAR(500), reconciliation_id INTEGER, '
        "PRIMARY KEY (id), FOREIGN KEY(medication_id) REFERENCES medication (id), FOREIGN "
        "KEY(patient_id) REFERENCES patient (id), FOREIGN KEY(actor_id) REFERENCES staff_user "
        "(id), FOREIGN KEY(reconciliation_id) REFERENCES med_reconciliation (id))"
    ),
    ("CREATE INDEX ix_medication_change_medication_id ON medication_change (medication_id)"),
    ("CREATE INDEX ix_medication_change_patient_id ON medication_change (patient_id)"),
    (
        "CREATE TABLE med_rec_source (id INTEGER NOT NULL, reconciliation_id INTEGER NOT NULL, "
        "kind VARCHAR(16) NOT NULL, entered VARCHAR(16) NOT NULL, label VARCHAR(120) NOT NULL, "
        "received_on DATE, added_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN "
        "KEY(reconciliation_id) REFERENCES med_reconciliation (id))"
    ),
    ("CREATE INDEX ix_med_rec_source_reconciliation_id ON med_rec_source (reconciliation_id)"),
    (
        "CREATE TABLE med_rec_line (id INTEGER NOT NULL, reconciliation_id INTEGER NOT NULL, "
        "source_id INTEGER NOT NULL, position INTEGER NOT NULL, written VARCHAR(300) NOT NULL, "
        "stopped BOOLEAN NOT NULL, reason VARCHAR(500), name VARCHAR(200) NOT NULL, strength "
        "VARCHAR(80), dose VARCHAR(80), route VARCHAR(40), frequency VARCHAR(80), times_of_day "
        "VARCHAR(80), instructions VARCHAR(300), unparsed VARCHAR(300), ingredients VARCHAR(300) "
        "NOT NULL, recognised_as VARCHAR(200) NOT NULL, indication VARCHAR(200), prescriber "
        "VARCHAR(120), started DATE, medication_id INTEGER, medication_version INTEGER, PRIMARY "
        "KEY (id), FOREIGN KEY(reconciliation_id) REFERENCES med_reconciliation (id), FOREIGN "
        "KEY(source_id) REFERENCES med_rec_source (id), FOREIGN KEY(medication_id) REFERENCES "
        "medication (id))"
    ),
    ("CREATE INDEX ix_med_rec_line_reconciliation_id ON med_rec_line (reconciliation_id)"),
    ("CREATE INDEX ix_med_rec_line_source_id ON med_rec_line (source_id)"),
    (
        "CREATE TABLE med_rec_item (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "reconciliation_id INTEGER NOT NULL, position INTEGER NOT NULL, current_line_id INTEGER, "
        "new_line_id INTEGER, reported_line_id INTEGER, status VARCHAR(24) NOT NULL, matched_by "
        "VARCHAR(16) NOT NULL, changes VARCHAR(80) NOT NULL, note VARCHAR(500) NOT NULL, flags "
        "VARCHAR NOT NULL, decision VARCHAR(16), reason VARCHAR(500), decided_by_id INTEGER, "
        "decided_by_name VARCHAR(120), decided_at DATETIME, PRIMARY KEY (id), FOREIGN "
        "KEY(reconciliation_id) REFERENCES med_reconciliation (id), FOREIGN KEY(decided_by_id) "
        "REFERENCES staff_user (id))"
    ),
    ("CREATE INDEX ix_med_rec_item_reconciliation_id ON med_rec_item (reconciliation_id)"),
)
DOWNGRADE = (
    "DROP TABLE med_rec_item",
    "DROP TABLE med_rec_line",
    "DROP TABLE med_rec_source",
    "DROP TABLE medication_change",
    "DROP TABLE med_reconciliation",
    'ALTER TABLE "hospital_event" DROP COLUMN medicines_reconciled_on',
    'ALTER TABLE "medication" DROP COLUMN updated_at',
    'ALTER TABLE "medication" DROP COLUMN notes',
    'ALTER TABLE "medication" DROP COLUMN source',
    'ALTER TABLE "medication" DROP COLUMN stop_reason',
    'ALTER TABLE "medication" DROP COLUMN stopped',
    'ALTER TABLE "medication" DROP COLUMN prescriber',
    'ALTER TABLE "medication" DROP COLUMN indication',
    'ALTER TABLE "medication" DROP COLUMN times_of_day',
    'ALTER TABLE "medication" DROP COLUMN strength',
    'ALTER TABLE "medication" DROP COLUMN recognised_as',
    'ALTER TABLE "medication" DROP COLUMN ingredients',
    'ALTER TABLE "medication" DROP COLUMN written',
)


def upgrade() -> None:
    for sql in (*ADD_COLUMNS, *CREATE):
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
