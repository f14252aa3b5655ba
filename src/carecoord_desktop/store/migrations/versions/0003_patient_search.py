"""patient search index (FTS5) and per-patient counters, kept in step by triggers

Revision ID: 0003
Revises: 0002

patient_fts      FTS5 over names, identifiers (practice id, Medicare and phone as digit runs)
                 and date of birth (as yyyymmdd and ddmmyyyy digit runs); rowid = patient.id
patient_trigram  FTS5 trigram index over the names: the typo-tolerant fallback search
patient_stats    active chronic condition count, active medication count, a short condition
                 summary and a folded sort name, one row per patient

Triggers on patient, condition and medication keep all three in step with every write path
(the demo's bulk executemany, ORM edits, imports).

The SQL is written out as literals: this revision is frozen as it ran when written, whatever
later code does. The live rebuild (`carecoord check --reindex`) is store/search_sql.py;
tests/store/test_migrations.py checks that it reproduces what the triggers keep.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Backfills (what was there before the triggers)
_STATS_FILL = (
    "INSERT INTO patient_stats (patient_id, sort_name, practice_id, date_of_birth, archived, "
    "coordinator_id, lives_alone) SELECT p.id, lower(p.family_name || char(31) || p.given_name), "
    "p.practice_id, p.date_of_birth, p.archived, p.coordinator_id, p.lives_alone FROM patient p"
)
_COUNTS_FILL = (
    "UPDATE patient_stats SET condition_count = (SELECT count(*) FROM condition WHERE patient_id "
    "= patient_stats.patient_id AND status = 'active' AND chronic = 1), medication_count = "
    "(SELECT count(*) FROM medication WHERE patient_id = patient_stats.patient_id AND status = "
    "'active'), conditions_summary = coalesce((SELECT group_concat(display, ', ') FROM (SELECT "
    "display FROM condition WHERE patient_id = patient_stats.patient_id AND status = 'active' AND "
    "chronic = 1 ORDER BY id LIMIT 2)), '') || CASE WHEN (SELECT count(*) FROM condition WHERE "
    "patient_id = patient_stats.patient_id AND status = 'active' AND chronic = 1) > 2 THEN ' +' "
    "|| ((SELECT count(*) FROM condition WHERE patient_id = patient_stats.patient_id AND status = "
    "'active' AND chronic = 1) - 2) ELSE '' END WHERE patient_id = patient_stats.patient_id"
)
_FTS_FILL = (
    "INSERT INTO patient_fts (rowid, names, idents, dob) SELECT p.id, p.given_name || ' ' || "
    "p.family_name || ' ' || coalesce(p.preferred_name, '') || ' ' || "
    "replace(replace(replace(p.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
    "replace(replace(replace(p.given_name, '''', ''), '-', ''), '\u2019', ''), p.practice_id || ' "
    "' || coalesce(replace(replace(replace(replace(replace(replace(p.medicare_number, ' ', ''), "
    "'-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '') || ' ' || "
    "coalesce(replace(replace(replace(replace(replace(replace(p.phone, ' ', ''), '-', ''), '(', "
    "''), ')', ''), '+', ''), '.', ''), ''), strftime('%Y%m%d', p.date_of_birth) || ' ' || "
    "strftime('%d%m%Y', p.date_of_birth) FROM patient p"
)
_TRIGRAM_FILL = (
    "INSERT INTO patient_trigram (rowid, names) SELECT p.id, p.family_name || ' ' || p.given_name "
    "|| ' ' || coalesce(p.preferred_name, '') FROM patient p"
)

# Triggers: patient_search_* keep the index, *_stats_* the counters.
TRIGGERS = (
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
    (
        "CREATE TRIGGER condition_stats_ai AFTER INSERT ON condition BEGIN INSERT OR IGNORE INTO "
        "patient_stats (patient_id) VALUES (NEW.patient_id);UPDATE patient_stats SET "
        "condition_count = (SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM medication "
        "WHERE patient_id = NEW.patient_id AND status = 'active'), conditions_summary = "
        "coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = NEW.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER condition_stats_au AFTER UPDATE ON condition BEGIN UPDATE patient_stats "
        "SET condition_count = (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id "
        "AND status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM "
        "medication WHERE patient_id = OLD.patient_id AND status = 'active'), conditions_summary "
        "= coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = OLD.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = OLD.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = OLD.patient_id;INSERT OR IGNORE INTO patient_stats (patient_id) "
        "VALUES (NEW.patient_id);UPDATE patient_stats SET condition_count = (SELECT count(*) FROM "
        "condition WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1), "
        "medication_count = (SELECT count(*) FROM medication WHERE patient_id = NEW.patient_id "
        "AND status = 'active'), conditions_summary = coalesce((SELECT group_concat(display, ', "
        "') FROM (SELECT display FROM condition WHERE patient_id = NEW.patient_id AND status = "
        "'active' AND chronic = 1 ORDER BY id LIMIT 2)), '') || CASE WHEN (SELECT count(*) FROM "
        "condition WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1) > 2 "
        "THEN ' +' || ((SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1) - 2) ELSE '' END WHERE patient_id = NEW.patient_id; "
        "END"
    ),
    (
        "CREATE TRIGGER condition_stats_ad AFTER DELETE ON condition BEGIN UPDATE patient_stats "
        "SET condition_count = (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id "
        "AND status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM "
        "medication WHERE patient_id = OLD.patient_id AND status = 'active'), conditions_summary "
        "= coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = OLD.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = OLD.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = OLD.patient_id; END"
    ),
    (
        "CREATE TRIGGER medication_stats_ai AFTER INSERT ON medication BEGIN INSERT OR IGNORE "
        "INTO patient_stats (patient_id) VALUES (NEW.patient_id);UPDATE patient_stats SET "
        "condition_count = (SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM medication "
        "WHERE patient_id = NEW.patient_id AND status = 'active'), conditions_summary = "
        "coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = NEW.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER medication_stats_au AFTER UPDATE ON medication BEGIN UPDATE patient_stats "
        "SET condition_count = (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id "
        "AND status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM "
        "medication WHERE patient_id = OLD.patient_id AND status = 'active'), conditions_summary "
        "= coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = OLD.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = OLD.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = OLD.patient_id;INSERT OR IGNORE INTO patient_stats (patient_id) "
        "VALUES (NEW.patient_id);UPDATE patient_stats SET condition_count = (SELECT count(*) FROM "
        "condition WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1), "
        "medication_count = (SELECT count(*) FROM medication WHERE patient_id = NEW.patient_id "
        "AND status = 'active'), conditions_summary = coalesce((SELECT group_concat(display, ', "
        "') FROM (SELECT display FROM condition WHERE patient_id = NEW.patient_id AND status = "
        "'active' AND chronic = 1 ORDER BY id LIMIT 2)), '') || CASE WHEN (SELECT count(*) FROM "
        "condition WHERE patient_id = NEW.patient_id AND status = 'active' AND chronic = 1) > 2 "
        "THEN ' +' || ((SELECT count(*) FROM condition WHERE patient_id = NEW.patient_id AND "
        "status = 'active' AND chronic = 1) - 2) ELSE '' END WHERE patient_id = NEW.patient_id; "
        "END"
    ),
    (
        "CREATE TRIGGER medication_stats_ad AFTER DELETE ON medication BEGIN UPDATE patient_stats "
        "SET condition_count = (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id "
        "AND status = 'active' AND chronic = 1), medication_count = (SELECT count(*) FROM "
        "medication WHERE patient_id = OLD.patient_id AND status = 'active'), conditions_summary "
        "= coalesce((SELECT group_concat(display, ', ') FROM (SELECT display FROM condition WHERE "
        "patient_id = OLD.patient_id AND status = 'active' AND chronic = 1 ORDER BY id LIMIT 2)), "
        "'') || CASE WHEN (SELECT count(*) FROM condition WHERE patient_id = OLD.patient_id AND "
        "status = 'active' AND chronic = 1) > 2 THEN ' +' || ((SELECT count(*) FROM condition "
        "WHERE patient_id = OLD.patient_id AND status = 'active' AND chronic = 1) - 2) ELSE '' "
        "END WHERE patient_id = OLD.patient_id; END"
    ),
)
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
    for sql in (_STATS_FILL, _COUNTS_FILL, _FTS_FILL, _TRIGRAM_FILL):
        op.execute(sql)
    for sql in TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS patient_stats")
    op.execute("DROP TABLE IF EXISTS patient_trigram")
    op.execute("DROP TABLE IF EXISTS patient_fts")
