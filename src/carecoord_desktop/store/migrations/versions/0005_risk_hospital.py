"""risk inputs: recent hospital events and carers in patient_stats; condition and event indexes

Revision ID: 0005
Revises: 0004

"In the last 12 months" moves with the calendar, so a trigger cannot keep a count of it. What the
triggers keep instead is what never goes stale: the start dates of the patient's two most recent
admissions and two most recent ED visits, the latest discharge date (end of an admission) and
whether any contact is a carer. The risk rule counts at most two admissions and two ED visits, so
comparing those four dates with today's cutoff gives its counts exactly, from patient_stats alone
(no join per row when 100,000 patients are sorted by risk). Dates are ISO text, '' when none.

Indexes: hospital_event(patient_id, start_date) for the triggers and the exact counts of
`registry.risk_reasons`; condition(code, status, chronic, patient_id) so the condition filter and
the condition menu read the index only; patient_stats(last_discharge) for "recently discharged".

The SQL is written out as literals: this revision is frozen as it ran when written, whatever
later code does (the live rebuild is store/search_sql.py).
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_NEW_STATS_COLUMNS = (
    ("has_carer", "BOOLEAN NOT NULL DEFAULT 0"),
    ("admission_1", "VARCHAR NOT NULL DEFAULT ''"),  # most recent admission's start date
    ("admission_2", "VARCHAR NOT NULL DEFAULT ''"),  # the one before
    ("ed_visit_1", "VARCHAR NOT NULL DEFAULT ''"),
    ("ed_visit_2", "VARCHAR NOT NULL DEFAULT ''"),
    ("last_discharge", "VARCHAR NOT NULL DEFAULT ''"),  # latest end_date of an admission
)
TRIGGER_NAMES = (
    "hospital_event_stats_ai",
    "hospital_event_stats_au",
    "hospital_event_stats_ad",
    "patient_contact_stats_ai",
    "patient_contact_stats_au",
    "patient_contact_stats_ad",
)
_INDEXES = (
    ("ix_hospital_event_patient_start", "hospital_event", "patient_id, start_date"),
    ("ix_condition_code_status_chronic", "condition", "code, status, chronic, patient_id"),
)


# Backfill, then the triggers that keep the columns (hospital_event and patient_contact).
_BACKFILL = (
    (
        "UPDATE patient_stats SET admission_1 = coalesce((SELECT start_date FROM hospital_event "
        "WHERE patient_id = patient_stats.patient_id AND kind = 'ADMISSION' ORDER BY start_date "
        "DESC LIMIT 1 OFFSET 0), ''), admission_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = patient_stats.patient_id AND kind = 'ADMISSION' ORDER "
        "BY start_date DESC LIMIT 1 OFFSET 1), ''), ed_visit_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = patient_stats.patient_id AND kind = 'ED_VISIT' ORDER "
        "BY start_date DESC LIMIT 1 OFFSET 0), ''), ed_visit_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = patient_stats.patient_id AND kind = 'ED_VISIT' ORDER "
        "BY start_date DESC LIMIT 1 OFFSET 1), ''), last_discharge = coalesce((SELECT "
        "max(end_date) FROM hospital_event WHERE patient_id = patient_stats.patient_id AND kind = "
        "'ADMISSION'), ''), has_carer = EXISTS (SELECT 1 FROM patient_contact WHERE patient_id = "
        "patient_stats.patient_id AND is_carer)"
    ),
)
TRIGGERS = (
    (
        "CREATE TRIGGER hospital_event_stats_ai AFTER INSERT ON hospital_event BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "NEW.patient_id;UPDATE patient_stats SET admission_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = NEW.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), admission_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = NEW.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), ed_visit_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = NEW.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), ed_visit_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = NEW.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), last_discharge = coalesce((SELECT max(end_date) "
        "FROM hospital_event WHERE patient_id = NEW.patient_id AND kind = 'ADMISSION'), '') WHERE "
        "patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER hospital_event_stats_au AFTER UPDATE ON hospital_event BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "OLD.patient_id;UPDATE patient_stats SET admission_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), admission_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), ed_visit_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), ed_visit_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), last_discharge = coalesce((SELECT max(end_date) "
        "FROM hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION'), '') WHERE "
        "patient_id = OLD.patient_id;INSERT OR IGNORE INTO patient_stats (patient_id) SELECT id "
        "FROM patient WHERE id = NEW.patient_id;UPDATE patient_stats SET admission_1 = "
        "coalesce((SELECT start_date FROM hospital_event WHERE patient_id = NEW.patient_id AND "
        "kind = 'ADMISSION' ORDER BY start_date DESC LIMIT 1 OFFSET 0), ''), admission_2 = "
        "coalesce((SELECT start_date FROM hospital_event WHERE patient_id = NEW.patient_id AND "
        "kind = 'ADMISSION' ORDER BY start_date DESC LIMIT 1 OFFSET 1), ''), ed_visit_1 = "
        "coalesce((SELECT start_date FROM hospital_event WHERE patient_id = NEW.patient_id AND "
        "kind = 'ED_VISIT' ORDER BY start_date DESC LIMIT 1 OFFSET 0), ''), ed_visit_2 = "
        "coalesce((SELECT start_date FROM hospital_event WHERE patient_id = NEW.patient_id AND "
        "kind = 'ED_VISIT' ORDER BY start_date DESC LIMIT 1 OFFSET 1), ''), last_discharge = "
        "coalesce((SELECT max(end_date) FROM hospital_event WHERE patient_id = NEW.patient_id AND "
        "kind = 'ADMISSION'), '') WHERE patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER hospital_event_stats_ad AFTER DELETE ON hospital_event BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "OLD.patient_id;UPDATE patient_stats SET admission_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), admission_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), ed_visit_1 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 0), ''), ed_visit_2 = coalesce((SELECT start_date FROM "
        "hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ED_VISIT' ORDER BY "
        "start_date DESC LIMIT 1 OFFSET 1), ''), last_discharge = coalesce((SELECT max(end_date) "
        "FROM hospital_event WHERE patient_id = OLD.patient_id AND kind = 'ADMISSION'), '') WHERE "
        "patient_id = OLD.patient_id; END"
    ),
    (
        "CREATE TRIGGER patient_contact_stats_ai AFTER INSERT ON patient_contact BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "NEW.patient_id;UPDATE patient_stats SET has_carer = EXISTS (SELECT 1 FROM "
        "patient_contact WHERE patient_id = NEW.patient_id AND is_carer) WHERE patient_id = "
        "NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER patient_contact_stats_au AFTER UPDATE ON patient_contact BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "OLD.patient_id;UPDATE patient_stats SET has_carer = EXISTS (SELECT 1 FROM "
        "patient_contact WHERE patient_id = OLD.patient_id AND is_carer) WHERE patient_id = "
        "OLD.patient_id;INSERT OR IGNORE INTO patient_stats (patient_id) SELECT id FROM patient "
        "WHERE id = NEW.patient_id;UPDATE patient_stats SET has_carer = EXISTS (SELECT 1 FROM "
        "patient_contact WHERE patient_id = NEW.patient_id AND is_carer) WHERE patient_id = "
        "NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER patient_contact_stats_ad AFTER DELETE ON patient_contact BEGIN INSERT OR "
        "IGNORE INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = "
        "OLD.patient_id;UPDATE patient_stats SET has_carer = EXISTS (SELECT 1 FROM "
        "patient_contact WHERE patient_id = OLD.patient_id AND is_carer) WHERE patient_id = "
        "OLD.patient_id; END"
    ),
)


def upgrade() -> None:
    for name, decl in _NEW_STATS_COLUMNS:
        op.execute(f"ALTER TABLE patient_stats ADD COLUMN {name} {decl}")
    op.execute("CREATE INDEX ix_patient_stats_last_discharge ON patient_stats (last_discharge)")
    for name, table, cols in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({cols})")
    for sql in _BACKFILL:
        op.execute(sql)
    for sql in TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name, _, _ in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_patient_stats_last_discharge")
    for name, _ in reversed(_NEW_STATS_COLUMNS):
        op.execute(f"ALTER TABLE patient_stats DROP COLUMN {name}")
