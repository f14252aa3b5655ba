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


def _nth(pid: str, kind: str, offset: int) -> str:
    return (
        f"coalesce((SELECT start_date FROM hospital_event WHERE patient_id = {pid} "
        f"AND kind = '{kind}' ORDER BY start_date DESC LIMIT 1 OFFSET {offset}), '')"
    )


def hospital_set(pid: str) -> str:
    """The SET clause that recomputes one patient's hospital columns."""
    return (
        f"admission_1 = {_nth(pid, 'ADMISSION', 0)}, admission_2 = {_nth(pid, 'ADMISSION', 1)}, "
        f"ed_visit_1 = {_nth(pid, 'ED_VISIT', 0)}, ed_visit_2 = {_nth(pid, 'ED_VISIT', 1)}, "
        "last_discharge = coalesce((SELECT max(end_date) FROM hospital_event "
        f"WHERE patient_id = {pid} AND kind = 'ADMISSION'), '')"
    )


def carer_set(pid: str) -> str:
    return (
        f"has_carer = EXISTS (SELECT 1 FROM patient_contact WHERE patient_id = {pid} AND is_carer)"
    )


def backfill_statements() -> list[str]:
    """Recompute the columns of this revision for every patient (also used by a rebuild)."""
    pid = "patient_stats.patient_id"
    return [f"UPDATE patient_stats SET {hospital_set(pid)}, {carer_set(pid)}"]


def _triggers(table: str, set_clause) -> list[str]:
    def refresh(pid: str) -> str:
        return (
            f"INSERT OR IGNORE INTO patient_stats (patient_id) SELECT id FROM patient "
            f"WHERE id = {pid};"
            f"UPDATE patient_stats SET {set_clause(pid)} WHERE patient_id = {pid};"
        )

    return [
        f"CREATE TRIGGER {table}_stats_ai AFTER INSERT ON {table} BEGIN "
        f"{refresh('NEW.patient_id')} END",
        f"CREATE TRIGGER {table}_stats_au AFTER UPDATE ON {table} BEGIN "
        f"{refresh('OLD.patient_id')}{refresh('NEW.patient_id')} END",
        f"CREATE TRIGGER {table}_stats_ad AFTER DELETE ON {table} BEGIN "
        f"{refresh('OLD.patient_id')} END",
    ]


TRIGGERS = _triggers("hospital_event", hospital_set) + _triggers("patient_contact", carer_set)


def upgrade() -> None:
    for name, decl in _NEW_STATS_COLUMNS:
        op.execute(f"ALTER TABLE patient_stats ADD COLUMN {name} {decl}")
    op.execute("CREATE INDEX ix_patient_stats_last_discharge ON patient_stats (last_discharge)")
    for name, table, cols in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({cols})")
    for sql in backfill_statements():
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
