"""SQL builders for the patient search index (FTS5) and the per-patient counters.

Migration 0003 created the index and its builders; migration 0004 adds the patient's previous
names to the indexed names. This module is the current text of the index, shared by the
migrations (0004 builds its triggers here) and by `registry.rebuild_search_index`, so a rebuild
reproduces exactly what the triggers keep in step.

Everything not overridden below (counters, sort name, child-table triggers) is 0003's builder of
the same name, looked up on that module. Previous names are appended only when there are some,
so a record without them is indexed exactly as 0003 indexed it.
A later revision that changes the index text must freeze what 0004 built before changing this.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_M3: ModuleType = importlib.import_module(
    "carecoord_desktop.store.migrations.versions.0003_patient_search"
)
PATIENT_TRIGGER_NAMES = ("patient_search_ai", "patient_search_au", "patient_search_ad")


def _previous(r: str) -> str:
    squeezed = _M3._squeeze(f"{r}.previous_names")
    return f"coalesce(' ' || {r}.previous_names || ' ' || {squeezed}, '')"


def _fts_values(r: str) -> str:
    base = _M3._fts_values(r)
    names_end = base.index(f", {r}.practice_id")  # the names column ends before the idents
    return f"{base[:names_end]} || {_previous(r)}{base[names_end:]}"


def _trigram_values(r: str) -> str:
    return f"{_M3._trigram_values(r)} || coalesce(' ' || {r}.previous_names, '')"


def _patient_triggers() -> list[str]:
    """0003's patient triggers with previous names indexed (and watched by the update trigger)."""
    out = []
    for sql in _M3._patient_triggers():
        for old, new in (
            (_M3._fts_values("NEW"), _fts_values("NEW")),
            (_M3._trigram_values("NEW"), _trigram_values("NEW")),
            ("preferred_name, practice_id", "preferred_name, previous_names, practice_id"),
        ):
            sql = sql.replace(old, new)
        out.append(sql)
    if not all("previous_names" in sql for sql in out[:2]):
        raise RuntimeError("search_sql is out of step with migration 0003's patient triggers")
    return out


def reindex_statements() -> list[str]:
    """Refill both FTS tables from the patient rows (the counters are not touched)."""
    return [
        "DELETE FROM patient_fts",
        "DELETE FROM patient_trigram",
        f"INSERT INTO patient_fts (rowid, names, idents, dob) SELECT {_fts_values('p')} "
        "FROM patient p",
        f"INSERT INTO patient_trigram (rowid, names) SELECT {_trigram_values('p')} FROM patient p",
    ]


def __getattr__(name: str):
    # 0003's other builders (_sort_name, _stats_refresh, ...) under the same names.
    return getattr(_M3, name)


# -- migration 0007: the vocabulary of name words and the Charlson comorbidity points ----------
_M6: ModuleType = importlib.import_module(
    "carecoord_desktop.store.migrations.versions.0007_search_spelling"
)
# The register's distinct name words and how many patients hold each (fts5vocab 'row').
NAME_VOCAB_SQL = "SELECT term, doc FROM patient_name_vocab"
# A workspace opened without migrating (check, an older schema) has no vocabulary yet.
NAME_VOCAB_EXISTS_SQL = "SELECT 1 FROM sqlite_master WHERE name = 'patient_name_vocab'"
# Does any indexed word start with this token (a letters-only word)? One row or none.
PREFIX_EXISTS_SQL = "SELECT 1 FROM patient_fts WHERE patient_fts MATCH :m LIMIT 1"


def spelling_reindex_statements() -> list[str]:
    """Refill the name-word index and every patient's comorbidity points (after the counters)."""
    return [
        "INSERT INTO patient_name_words (patient_name_words) VALUES ('delete-all')",
        _M6.NAME_WORDS_FILL,
        _M6.POINTS_FILL,
    ]


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
