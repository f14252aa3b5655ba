"""patient search index (FTS5) and per-patient counters, kept in step by triggers

Revision ID: 0003
Revises: 0002

patient_fts      FTS5 over names, identifiers (practice id, Medicare and phone as digit runs)
                 and date of birth (as yyyymmdd and ddmmyyyy digit runs); rowid = patient.id
patient_trigram  FTS5 trigram index over the names: the typo-tolerant fallback search
patient_stats    active chronic condition count, active medication count, a short condition
                 summary and a folded sort name, one row per patient

Triggers on patient, condition and medication keep all three in step with every write path
(the demo's bulk executemany, ORM edits, imports). services/registry.py reuses the SQL builders
below for `rebuild_search_index` (a later revision that changes the index text must move them),
and its tests check that a rebuild reproduces what the triggers built.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DERIVED_TABLES = ("patient_fts", "patient_trigram", "patient_stats")


def _digits(expr: str) -> str:
    for ch in (" ", "-", "(", ")", "+", "."):
        expr = f"replace({expr}, '{ch}', '')"
    return expr


def _squeeze(expr: str) -> str:
    # "O'Brien" is also indexed as "OBrien", "Smith-Jones" as "SmithJones".
    return f"replace(replace(replace({expr}, '''', ''), '-', ''), '\u2019', '')"


def _fts_values(r: str) -> str:
    return (
        f"{r}.id, "
        f"{r}.given_name || ' ' || {r}.family_name || ' ' || coalesce({r}.preferred_name, '') "
        f"|| ' ' || {_squeeze(f'{r}.family_name')} || ' ' || {_squeeze(f'{r}.given_name')}, "
        f"{r}.practice_id || ' ' || coalesce({_digits(f'{r}.medicare_number')}, '') || ' ' "
        f"|| coalesce({_digits(f'{r}.phone')}, ''), "
        f"strftime('%Y%m%d', {r}.date_of_birth) || ' ' || strftime('%d%m%Y', {r}.date_of_birth)"
    )


def _trigram_values(r: str) -> str:
    return (
        f"{r}.id, {r}.family_name || ' ' || {r}.given_name || ' ' "
        f"|| coalesce({r}.preferred_name, '')"
    )


def _sort_name(r: str) -> str:
    return f"lower({r}.family_name || char(31) || {r}.given_name)"


def _copied(r: str) -> dict[str, str]:
    """patient_stats columns copied from the patient row: sorts and filters never touch patient."""
    return {
        "sort_name": _sort_name(r),
        "practice_id": f"{r}.practice_id",
        "date_of_birth": f"{r}.date_of_birth",
        "archived": f"{r}.archived",
        "coordinator_id": f"{r}.coordinator_id",
        "lives_alone": f"{r}.lives_alone",
    }


def _copy_set(r: str) -> str:
    return ", ".join(f"{col} = {expr}" for col, expr in _copied(r).items())


def _stats_insert_select() -> str:
    cols = ", ".join(_copied("p"))
    return (
        f"INSERT INTO patient_stats (patient_id, {cols}) "
        f"SELECT p.id, {', '.join(_copied('p').values())} FROM patient p"
    )


def _stats_refresh(pid: str) -> str:
    """Recompute one patient's counters (a handful of rows behind indexes)."""
    active_conditions = (
        f"FROM condition WHERE patient_id = {pid} AND status = 'active' AND chronic = 1"
    )
    return (
        f"UPDATE patient_stats SET "
        f"condition_count = (SELECT count(*) {active_conditions}), "
        f"medication_count = (SELECT count(*) FROM medication WHERE patient_id = {pid} "
        f"AND status = 'active'), "
        f"conditions_summary = coalesce((SELECT group_concat(display, ', ') FROM "
        f"(SELECT display {active_conditions} ORDER BY id LIMIT 2)), '') "
        f"|| CASE WHEN (SELECT count(*) {active_conditions}) > 2 "
        f"THEN ' +' || ((SELECT count(*) {active_conditions}) - 2) ELSE '' END "
        f"WHERE patient_id = {pid};"
    )


def _patient_triggers() -> list[str]:
    insert_index = (
        f"INSERT INTO patient_fts (rowid, names, idents, dob) VALUES ({_fts_values('NEW')});"
        f"INSERT INTO patient_trigram (rowid, names) VALUES ({_trigram_values('NEW')});"
    )
    delete_index = (
        "DELETE FROM patient_fts WHERE rowid = OLD.id;"
        "DELETE FROM patient_trigram WHERE rowid = OLD.id;"
    )
    return [
        "CREATE TRIGGER patient_search_ai AFTER INSERT ON patient BEGIN "
        f"{insert_index}"
        "INSERT OR IGNORE INTO patient_stats (patient_id) VALUES (NEW.id);"
        f"UPDATE patient_stats SET {_copy_set('NEW')} WHERE patient_id = NEW.id;"
        "END",
        "CREATE TRIGGER patient_search_au AFTER UPDATE OF id, given_name, family_name, "
        "preferred_name, practice_id, medicare_number, phone, date_of_birth, archived, "
        "coordinator_id, lives_alone ON patient BEGIN "
        f"{delete_index}{insert_index}"
        "DELETE FROM patient_stats WHERE patient_id = OLD.id AND OLD.id != NEW.id;"
        "INSERT OR IGNORE INTO patient_stats (patient_id) VALUES (NEW.id);"
        f"UPDATE patient_stats SET {_copy_set('NEW')} WHERE patient_id = NEW.id;"
        "END",
        f"CREATE TRIGGER patient_search_ad AFTER DELETE ON patient BEGIN {delete_index}"
        "DELETE FROM patient_stats WHERE patient_id = OLD.id; END",
    ]


def _child_triggers(table: str) -> list[str]:
    ensure = "INSERT OR IGNORE INTO patient_stats (patient_id) VALUES ({pid});"
    return [
        f"CREATE TRIGGER {table}_stats_ai AFTER INSERT ON {table} BEGIN "
        f"{ensure.format(pid='NEW.patient_id')}{_stats_refresh('NEW.patient_id')} END",
        f"CREATE TRIGGER {table}_stats_au AFTER UPDATE ON {table} BEGIN "
        f"{_stats_refresh('OLD.patient_id')}"
        f"{ensure.format(pid='NEW.patient_id')}{_stats_refresh('NEW.patient_id')} END",
        f"CREATE TRIGGER {table}_stats_ad AFTER DELETE ON {table} BEGIN "
        f"{_stats_refresh('OLD.patient_id')} END",
    ]


TRIGGERS = _patient_triggers() + _child_triggers("condition") + _child_triggers("medication")
TRIGGER_NAMES = (
    "patient_search_ai",
    "patient_search_au",
    "patient_search_ad",
    "condition_stats_ai",
    "condition_stats_au",
    "condition_stats_ad",
    "medication_stats_ai",
    "medication_stats_au",
    "medication_stats_ad",
)


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE patient_fts USING fts5(names, idents, dob, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )
    op.execute("CREATE VIRTUAL TABLE patient_trigram USING fts5(names, tokenize = 'trigram')")
    op.execute(
        "CREATE TABLE patient_stats ("
        "patient_id INTEGER NOT NULL PRIMARY KEY REFERENCES patient (id) ON DELETE CASCADE, "
        "condition_count INTEGER NOT NULL DEFAULT 0, "
        "medication_count INTEGER NOT NULL DEFAULT 0, "
        "conditions_summary VARCHAR NOT NULL DEFAULT '', "
        "sort_name VARCHAR NOT NULL DEFAULT '', "
        "practice_id VARCHAR NOT NULL DEFAULT '', "
        "date_of_birth VARCHAR NOT NULL DEFAULT '', "
        "archived BOOLEAN NOT NULL DEFAULT 0, "
        "coordinator_id INTEGER, "
        "lives_alone BOOLEAN NOT NULL DEFAULT 0)"
    )
    op.execute(
        "CREATE INDEX ix_patient_stats_sort_name ON patient_stats (archived, sort_name, patient_id)"
    )
    op.execute("CREATE INDEX ix_patient_stats_dob ON patient_stats (date_of_birth)")
    op.execute("CREATE INDEX ix_patient_stats_coordinator ON patient_stats (coordinator_id)")
    # Backfill from what is already there, then let the triggers take over.
    op.execute(_stats_insert_select())
    op.execute(f"UPDATE patient_stats SET {_stats_refresh('patient_stats.patient_id')[25:-1]}")
    op.execute(
        f"INSERT INTO patient_fts (rowid, names, idents, dob) SELECT {_fts_values('p')} "
        "FROM patient p"
    )
    op.execute(
        f"INSERT INTO patient_trigram (rowid, names) SELECT {_trigram_values('p')} FROM patient p"
    )
    for sql in TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS patient_stats")
    op.execute("DROP TABLE IF EXISTS patient_trigram")
    op.execute("DROP TABLE IF EXISTS patient_fts")
