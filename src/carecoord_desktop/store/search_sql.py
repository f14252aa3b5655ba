"""The live SQL of the patient search index (FTS5) and the per-patient counters (patient_stats).

The migrations create these tables and the triggers that keep them, each with its own SQL frozen
as it was written; this module is today's text of what they hold, for a rebuild
(`carecoord check --reindex`, `registry.rebuild_search_index`) and for the search queries.
It imports no migration. tests/store/test_migrations.py checks that a rebuild from here gives
exactly what the triggers built, so a change to the index text here needs a migration that
changes the triggers too.

Everything here is SQLite: FTS5 tables and MATCH, the fts5vocab table, FTS5 commands
('optimize', 'delete-all'). Services build no such SQL themselves: a store for another database
would provide this module's functions.
"""

from __future__ import annotations

# -- the index text -------------------------------------------------------------------------------


def _digits(expr: str) -> str:
    """A phone or Medicare number as the digit run the index holds."""
    for ch in (" ", "-", "(", ")", "+", "."):
        expr = f"replace({expr}, '{ch}', '')"
    return expr


def _squeeze(expr: str) -> str:
    # "O'Brien" is also indexed as "OBrien", "Smith-Jones" as "SmithJones".
    return f"replace(replace(replace({expr}, '''', ''), '-', ''), '\u2019', '')"


def _names(r: str) -> str:
    """Given, family and preferred names, squeezed family and given, then any previous names."""
    return (
        f"{r}.given_name || ' ' || {r}.family_name || ' ' || coalesce({r}.preferred_name, '') "
        f"|| ' ' || {_squeeze(f'{r}.family_name')} || ' ' || {_squeeze(f'{r}.given_name')} "
        f"|| coalesce(' ' || {r}.previous_names || ' ' || {_squeeze(f'{r}.previous_names')}, '')"
    )


def _fts_values(r: str) -> str:
    """rowid, names, idents (practice id, Medicare and phone digits), dob (yyyymmdd ddmmyyyy)."""
    return (
        f"{r}.id, {_names(r)}, "
        f"{r}.practice_id || ' ' || coalesce({_digits(f'{r}.medicare_number')}, '') || ' ' "
        f"|| coalesce({_digits(f'{r}.phone')}, ''), "
        f"strftime('%Y%m%d', {r}.date_of_birth) || ' ' || strftime('%d%m%Y', {r}.date_of_birth)"
    )


def _trigram_values(r: str) -> str:
    return (
        f"{r}.id, {r}.family_name || ' ' || {r}.given_name || ' ' "
        f"|| coalesce({r}.preferred_name, '') || coalesce(' ' || {r}.previous_names, '')"
    )


# -- the counters ---------------------------------------------------------------------------------


def _copied(r: str) -> dict[str, str]:
    """patient_stats columns copied from the patient row: sorts and filters never touch patient."""
    return {
        "sort_name": f"lower({r}.family_name || char(31) || {r}.given_name)",
        "practice_id": f"{r}.practice_id",
        "date_of_birth": f"{r}.date_of_birth",
        "archived": f"{r}.archived",
        "coordinator_id": f"{r}.coordinator_id",
        "lives_alone": f"{r}.lives_alone",
    }


def _stats_insert_select() -> str:
    copied = _copied("p")
    return (
        f"INSERT INTO patient_stats (patient_id, {', '.join(copied)}) "
        f"SELECT p.id, {', '.join(copied.values())} FROM patient p"
    )


def _counts_set(pid: str) -> str:
    """Active chronic conditions, active medicines and a short summary of the conditions."""
    active = f"FROM condition WHERE patient_id = {pid} AND status = 'active' AND chronic = 1"
    return (
        f"condition_count = (SELECT count(*) {active}), "
        f"medication_count = (SELECT count(*) FROM medication WHERE patient_id = {pid} "
        f"AND status = 'active'), "
        f"conditions_summary = coalesce((SELECT group_concat(display, ', ') FROM "
        f"(SELECT display {active} ORDER BY id LIMIT 2)), '') "
        f"|| CASE WHEN (SELECT count(*) {active}) > 2 "
        f"THEN ' +' || ((SELECT count(*) {active}) - 2) ELSE '' END"
    )


def _nth_start(pid: str, kind: str, offset: int) -> str:
    return (
        f"coalesce((SELECT start_date FROM hospital_event WHERE patient_id = {pid} "
        f"AND kind = '{kind}' ORDER BY start_date DESC LIMIT 1 OFFSET {offset}), '')"
    )


def _hospital_set(pid: str) -> str:
    """The two latest admissions and ED visits (start dates) and the latest discharge."""
    return (
        f"admission_1 = {_nth_start(pid, 'ADMISSION', 0)}, "
        f"admission_2 = {_nth_start(pid, 'ADMISSION', 1)}, "
        f"ed_visit_1 = {_nth_start(pid, 'ED_VISIT', 0)}, "
        f"ed_visit_2 = {_nth_start(pid, 'ED_VISIT', 1)}, "
        "last_discharge = coalesce((SELECT max(end_date) FROM hospital_event "
        f"WHERE patient_id = {pid} AND kind = 'ADMISSION'), '')"
    )


def _carer_set(pid: str) -> str:
    return (
        f"has_carer = EXISTS (SELECT 1 FROM patient_contact WHERE patient_id = {pid} AND is_carer)"
    )


def _points_set(pid: str) -> str:
    """The Charlson points: each category once, at its highest weight, active conditions only."""
    return (
        "comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT max(w.weight) AS points "
        "FROM condition c JOIN charlson_condition w "
        "ON w.key IN (c.code, 'name:' || lower(trim(c.display))) "
        f"WHERE c.patient_id = {pid} AND c.status = 'active' GROUP BY w.category)), 0)"
    )


# -- the rebuild ----------------------------------------------------------------------------------


def reindex_statements() -> list[str]:
    """Refill both FTS tables from the patient rows (the counters are not touched)."""
    return [
        "DELETE FROM patient_fts",
        "DELETE FROM patient_trigram",
        f"INSERT INTO patient_fts (rowid, names, idents, dob) SELECT {_fts_values('p')} "
        "FROM patient p",
        f"INSERT INTO patient_trigram (rowid, names) SELECT {_trigram_values('p')} FROM patient p",
    ]


def rebuild_statements() -> list[str]:
    """Remake every search table and every patient's counters from the records, in order."""
    pid = "patient_stats.patient_id"
    counters = ", ".join((_counts_set(pid), _hospital_set(pid), _carer_set(pid), _points_set(pid)))
    return [
        "DELETE FROM patient_stats",
        _stats_insert_select(),
        f"UPDATE patient_stats SET {counters}",
        "INSERT INTO patient_name_words (patient_name_words) VALUES ('delete-all')",
        f"INSERT INTO patient_name_words (rowid, names) SELECT p.id, {_names('p')} FROM patient p",
        *reindex_statements(),
        # Merge the index segments the bulk inserts left: searches read one b-tree each.
        "INSERT INTO patient_fts (patient_fts) VALUES ('optimize')",
        "INSERT INTO patient_trigram (patient_trigram) VALUES ('optimize')",
        "INSERT INTO patient_name_words (patient_name_words) VALUES ('optimize')",
    ]


INDEXED_COUNT_SQL = "SELECT count(*) FROM patient_fts"

# -- the search queries ---------------------------------------------------------------------------

# The register's distinct name words and how many patients hold each (fts5vocab 'row').
NAME_VOCAB_SQL = "SELECT term, doc FROM patient_name_vocab"
# A workspace opened without migrating (check, an older schema) has no vocabulary yet.
NAME_VOCAB_EXISTS_SQL = "SELECT 1 FROM sqlite_master WHERE name = 'patient_name_vocab'"
# Does any indexed word start with this token (a letters-only word)? One row or none.
PREFIX_EXISTS_SQL = "SELECT 1 FROM patient_fts WHERE patient_fts MATCH :m LIMIT 1"


def matching_ids(param: str) -> str:
    """A subquery of the ids of the patients whose index matches the query in `:param`."""
    return f"(SELECT rowid FROM patient_fts WHERE patient_fts MATCH :{param})"


def phrase(word: str) -> str:
    """An FTS5 string (a word as such, never query syntax)."""
    return '"' + word.replace('"', '""') + '"'


def prefix_match(tokens: list[str]) -> str:
    """Every token as a prefix query, ANDed: `"smi"* AND "jo"*`."""
    return " AND ".join(f"{phrase(tok)}*" for tok in tokens)


def spelling_match(exact: list[str], similar: list[list[str]]) -> str:
    """The exact tokens as prefixes, and for each misspelt word one of its similar name words."""
    parts = [f"{phrase(tok)}*" for tok in exact]
    parts += ["names : (" + " OR ".join(phrase(w) for w in words) + ")" for words in similar]
    return " AND ".join(parts)
