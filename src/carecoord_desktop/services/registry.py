"""The patient register behind the Patients screen: search, filter, sort, rows in blocks, risk.

Search uses the FTS5 index of migration 0003 (`patient_fts`), kept in step by triggers. What the
user types is folded (case, accents), split on anything but letters and digits, dates and spaced
digit runs are first turned into the digit runs the index holds (d/m/yyyy -> ddmmyyyy,
yyyy-mm-dd -> yyyymmdd, "0412 345 678" -> 0412345678), then every token becomes a prefix query
`"tok"*` and the tokens are ANDed.

Typo fallback: when that finds nobody, each letters-only token of 5+ letters is looked up in the
trigram index (`patient_trigram`): patients sharing enough of its trigrams are candidates, and a
candidate is kept when one of its name words starts with something within one edit (a wrong,
missing, extra or swapped letter) of the token. Other tokens must still match exactly.

Results are ordered by the requested sort in SQL, never by rank. The risk tier is a transparent
rule over data the schema holds (see `RISK_RULE`); it is computed in SQL from `patient_stats`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class PatientFilter:
    text: str = ""
    condition_code: str | None = None
    risk_tier: str | None = None  # "high" | "medium" | "low"
    coordinator_id: int | None = None
    no_coordinator: bool = False
    include_archived: bool = False


SORT_KEYS: tuple[str, ...] = ("name", "dob", "practice_id", "conditions", "risk", "coordinator")
RISK_TIERS: tuple[str, ...] = ("high", "medium", "low")
RISK_RULE = (
    "score = active chronic conditions (up to 4) + 2 for 5 or more active medicines "
    "+ 1 more for 10 or more + 1 if living alone + 1 if aged 75 or over; "
    "high at 5 or more, medium at 3 or more, otherwise low"
)
NO_HOSPITAL_DATA = "no hospital data recorded yet (admissions and ED visits are not counted)"
MAX_BLOCK = 500
_MAX_TOKENS = 8


@dataclass(frozen=True)
class PatientListRow:
    id: int
    practice_id: str
    display_name: str
    date_of_birth: date
    age: int
    medicare_number: str | None
    conditions_summary: str
    condition_count: int
    medication_count: int
    risk_tier: str
    coordinator_name: str | None


# -- SQL pieces ----------------------------------------------------------------------------------
_SCORE = (
    "(min(s.condition_count, 4)"
    " + CASE WHEN s.medication_count >= 5 THEN 2 ELSE 0 END"
    " + CASE WHEN s.medication_count >= 10 THEN 1 ELSE 0 END"
    " + CASE WHEN s.lives_alone THEN 1 ELSE 0 END"
    " + CASE WHEN s.date_of_birth <= :age75 THEN 1 ELSE 0 END)"
)
_TIER_RANK = f"(CASE WHEN {_SCORE} >= 5 THEN 3 WHEN {_SCORE} >= 3 THEN 2 ELSE 1 END)"
_TIER_OF_RANK = {3: "high", 2: "medium", 1: "low"}
_RANK_OF_TIER = {v: k for k, v in _TIER_OF_RANK.items()}
# Lists, filters and sorts read patient_stats only (small rows, copies of the sort columns).
_LIST_FROM = "FROM patient_stats s"
_COORDINATOR_JOIN = " LEFT JOIN staff_user u ON u.id = s.coordinator_id"
_FROM = (
    "FROM patient p JOIN patient_stats s ON s.patient_id = p.id "
    "LEFT JOIN staff_user u ON u.id = p.coordinator_id"
)
_ORDER = {
    "name": ["s.sort_name"],
    "dob": ["s.date_of_birth"],
    "practice_id": ["s.practice_id"],
    "conditions": ["s.condition_count", "s.conditions_summary"],
    "risk": [_TIER_RANK, _SCORE],
    "coordinator": ["u.full_name IS NULL", "lower(u.full_name)"],
}


# -- public API ----------------------------------------------------------------------------------
def query_ids(
    ws: Workspace, actor: Actor, flt: PatientFilter, *, sort: str = "name", descending: bool = False
) -> list[int]:
    """The ids of the patients matching `flt`, in the requested order (one audit event)."""
    require(actor, Permission.VIEW_PATIENTS)
    if sort not in SORT_KEYS:
        raise ValidationError(f"Unknown sort {sort!r}; choose one of {', '.join(SORT_KEYS)}.")
    if flt.risk_tier is not None and flt.risk_tier not in RISK_TIERS:
        raise ValidationError("Choose a risk tier of high, medium or low.", field="risk_tier")
    tokens = search_tokens(flt.text)
    where, params = _filter_sql(flt)
    direction = " DESC" if descending else ""
    order = ", ".join(f"{key}{direction}" for key in _ORDER[sort]) + ", s.sort_name, s.patient_id"
    source = _LIST_FROM + (_COORDINATOR_JOIN if sort == "coordinator" else "")
    with _session(ws) as session:
        ids: list[int] = []
        if tokens:
            match = " AND ".join(f'"{tok}"*' for tok in tokens)
            sql = (
                f"SELECT s.patient_id {source} WHERE s.patient_id IN "
                "(SELECT rowid FROM patient_fts WHERE patient_fts MATCH :match)"
                f"{where} ORDER BY {order}"
            )
            ids = _ids(session, sql, {**params, "match": match})
            fuzzy = False
            if not ids:
                candidates = _typo_candidates(session, tokens)
                fuzzy = candidates is not None
                if candidates:
                    sql = (
                        f"SELECT s.patient_id {source} WHERE s.patient_id IN "
                        f"(SELECT value FROM json_each(:ids)){where} ORDER BY {order}"
                    )
                    ids = _ids(session, sql, {**params, "ids": json.dumps(candidates)})
        else:
            fuzzy = False
            sql = f"SELECT s.patient_id {source} WHERE 1 = 1{where} ORDER BY {order}"
            ids = _ids(session, sql, params)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            record_type="patient_list",
            detail=_describe(flt, sort, descending, len(ids), fuzzy),
        )
        session.commit()
    return ids


def fetch_rows(ws: Workspace, actor: Actor, ids: Sequence[int]) -> dict[int, PatientListRow]:
    """The list rows for a block of ids (at most MAX_BLOCK), in one query; missing ids absent."""
    require(actor, Permission.VIEW_PATIENTS)
    if len(ids) > MAX_BLOCK:
        raise ValidationError(f"Fetch at most {MAX_BLOCK} rows at a time.")
    if not ids:
        return {}
    today = date.today()
    sql = (
        "SELECT p.id, p.practice_id, p.family_name, p.given_name, p.preferred_name, "
        "p.date_of_birth, p.medicare_number, s.conditions_summary, s.condition_count, "
        f"s.medication_count, {_TIER_RANK}, u.full_name {_FROM} "
        "WHERE p.id IN (SELECT value FROM json_each(:ids))"
    )
    with _session(ws) as session:
        rows = session.execute(
            text(sql), {"ids": json.dumps([int(i) for i in ids]), "age75": _age_cutoff(today)}
        ).all()
    out: dict[int, PatientListRow] = {}
    for pid, prac, family, given, preferred, dob, medicare, summary, nc, nm, rank, coord in rows:
        born = date.fromisoformat(dob)
        name = f"{family.upper()}, {given}" + (f" ({preferred})" if preferred else "")
        out[pid] = PatientListRow(
            id=pid,
            practice_id=prac,
            display_name=name,
            date_of_birth=born,
            age=_age(born, today),
            medicare_number=medicare,
            conditions_summary=summary,
            condition_count=nc,
            medication_count=nm,
            risk_tier=_TIER_OF_RANK[rank],
            coordinator_name=coord,
        )
    return out


def count_all(ws: Workspace, actor: Actor) -> int:
    """How many patients the register holds (archived ones not counted)."""
    require(actor, Permission.VIEW_PATIENTS)
    with _session(ws) as session:
        return session.execute(text("SELECT count(*) FROM patient WHERE NOT archived")).scalar_one()


def condition_options(ws: Workspace, actor: Actor) -> list[tuple[str, str, int]]:
    """(code, display, patients) of active chronic conditions, most common first."""
    require(actor, Permission.VIEW_PATIENTS)
    sql = (
        "SELECT c.code, min(c.display), count(DISTINCT c.patient_id) AS n FROM condition c "
        "JOIN patient p ON p.id = c.patient_id WHERE c.code IS NOT NULL AND c.status = 'active' "
        "AND c.chronic AND NOT p.archived GROUP BY c.code ORDER BY n DESC, min(c.display)"
    )
    with _session(ws) as session:
        return [(code, disp, n) for code, disp, n in session.execute(text(sql))]


def coordinator_options(ws: Workspace, actor: Actor) -> list[tuple[int, str]]:
    """Active care coordinators plus anyone patients are assigned to, by name."""
    require(actor, Permission.VIEW_PATIENTS)
    sql = (
        "SELECT id, full_name FROM staff_user WHERE (role = 'COORDINATOR' AND active) "
        "OR id IN (SELECT DISTINCT coordinator_id FROM patient WHERE coordinator_id IS NOT NULL) "
        "ORDER BY lower(full_name), id"
    )
    with _session(ws) as session:
        return [(uid, name) for uid, name in session.execute(text(sql))]


def risk_reasons(ws: Workspace, actor: Actor, patient_id: int) -> tuple[str, list[str]]:
    """The patient's tier and the reasons behind it, in words a coordinator can check."""
    require(actor, Permission.VIEW_PATIENTS)
    today = date.today()
    sql = (
        "SELECT s.condition_count, s.medication_count, p.lives_alone, p.date_of_birth, "
        f"{_SCORE}, {_TIER_RANK} {_FROM} WHERE p.id = :pid"
    )
    with _session(ws) as session:
        row = session.execute(
            text(sql), {"pid": patient_id, "age75": _age_cutoff(today)}
        ).one_or_none()
    if row is None:
        raise ValidationError("That patient is not in the register (it may have been deleted).")
    conditions, meds, lives_alone, dob, score, rank = row
    reasons: list[str] = []
    if conditions:
        counted = " (4 counted)" if conditions > 4 else ""
        reasons.append(f"{_plural(conditions, 'active chronic condition')}{counted}")
    if meds >= 10:
        reasons.append(f"{_plural(meds, 'active medicine')}: polypharmacy (10 or more)")
    elif meds >= 5:
        reasons.append(f"{_plural(meds, 'active medicine')}: polypharmacy (5 or more)")
    if lives_alone:
        reasons.append("lives alone")
    age = _age(date.fromisoformat(dob), today)
    if age >= 75:
        reasons.append(f"aged {age} (75 or over)")
    reasons.append(NO_HOSPITAL_DATA)
    reasons.append(f"score {score}: {RISK_RULE}")
    return _TIER_OF_RANK[rank], reasons


def rebuild_search_index(ws: Workspace) -> int:
    """Rebuild the search indexes and counters from the patient records; rows indexed.

    The SQL is the triggers' own text (see _migration; tests check both give the same).
    """
    m = _migration()
    with _session(ws) as session:
        conn = session.connection()
        conn.exec_driver_sql("DELETE FROM patient_fts")
        conn.exec_driver_sql("DELETE FROM patient_trigram")
        conn.exec_driver_sql("DELETE FROM patient_stats")
        conn.exec_driver_sql(m._stats_insert_select())
        refresh = m._stats_refresh("patient_stats.patient_id")
        conn.exec_driver_sql(refresh.removesuffix(";"))
        conn.exec_driver_sql(
            f"INSERT INTO patient_fts (rowid, names, idents, dob) SELECT {m._fts_values('p')} "
            "FROM patient p"
        )
        conn.exec_driver_sql(
            f"INSERT INTO patient_trigram (rowid, names) SELECT {m._trigram_values('p')} "
            "FROM patient p"
        )
        conn.exec_driver_sql("INSERT INTO patient_fts (patient_fts) VALUES ('optimize')")
        conn.exec_driver_sql("INSERT INTO patient_trigram (patient_trigram) VALUES ('optimize')")
        count = conn.exec_driver_sql("SELECT count(*) FROM patient_fts").scalar_one()
        session.commit()
    return count


# -- search text -----------------------------------------------------------------------------------
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{0,4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{0,2}))?")
_DIGITS_WORD = re.compile(r"[\d\-()+.]+")
_TOKEN = re.compile(r"[^\W_]+")


def fold(value: str) -> str:
    """Lower case without accents ("Zoë" -> "zoe"), as the index's tokenizer folds."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_tokens(typed: str) -> list[str]:
    """What the user typed as index tokens (dates and spaced digit runs joined)."""
    tokens: list[str] = []
    digit_run = False  # the previous word was digits: "0412 345 678" is one number
    for word in fold(typed).split():
        date_token = _date_token(word)
        if date_token is not None:
            tokens.append(date_token)
            digit_run = False
        elif _DIGITS_WORD.fullmatch(word) and any(ch.isdigit() for ch in word):
            digits = "".join(ch for ch in word if ch.isdigit())
            if digit_run:
                tokens[-1] += digits
            else:
                tokens.append(digits)
            digit_run = True
        else:
            tokens.extend(_TOKEN.findall(word))
            digit_run = False
    return tokens[:_MAX_TOKENS]


def _date_token(word: str) -> str | None:
    """d/m/yyyy (or a start of one) -> ddmmyyyy; yyyy-mm-dd -> yyyymmdd; else None."""
    m = _DMY.fullmatch(word)
    if m:
        day, month, year = m.group(1), m.group(2), m.group(3) or ""
        return f"{day.zfill(2)}{month.zfill(2)}{year}"
    m = _ISO.fullmatch(word)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day is None:
            return f"{year}{month}"
        return f"{year}{month.zfill(2)}{day.zfill(2) if len(day) == 2 else day}"
    return None


def _typo_candidates(session, tokens: list[str]) -> list[int] | None:
    """Ids whose names are within one edit of the long letter tokens (None: no such token)."""
    fuzzy = [
        t
        for t in tokens
        if t.isascii()
        and t.isalpha()
        and len(t) >= 4
        and session.execute(
            text("SELECT 1 FROM patient_fts WHERE patient_fts MATCH :m LIMIT 1"), {"m": f'"{t}"*'}
        ).first()
        is None
    ]
    if not fuzzy:
        return None
    exact = [t for t in tokens if t not in fuzzy]
    ids: set[int] | None = None
    if exact:
        match = " AND ".join(f'"{t}"*' for t in exact)
        ids = set(
            session.execute(
                text("SELECT rowid FROM patient_fts WHERE patient_fts MATCH :m"), {"m": match}
            ).scalars()
        )
    for tok in fuzzy:
        grams = sorted({tok[i : i + 3] for i in range(len(tok) - 2)})
        need = max(1, len(grams) - 4)  # a swap of two letters spoils 4
        union = " UNION ALL ".join(
            f"SELECT rowid FROM patient_trigram WHERE patient_trigram MATCH :g{i}"
            for i in range(len(grams))
        )
        sql = (
            "SELECT t.rowid, t.names FROM patient_trigram t WHERE t.rowid IN "
            f"(SELECT rowid FROM ({union}) GROUP BY rowid HAVING count(*) >= :need)"
        )
        params = {f"g{i}": f'"{g}"' for i, g in enumerate(grams)} | {"need": need}
        found = {
            rowid
            for rowid, names in session.execute(text(sql), params)
            if any(_near_prefix(tok, word) for word in _TOKEN.findall(fold(names)))
        }
        ids = found if ids is None else ids & found
        if not ids:
            return []
    return sorted(ids or ())


def _near_prefix(tok: str, word: str) -> bool:
    """Does `word` start with something one edit (or a swap) away from `tok`?"""
    for length in (len(tok) - 1, len(tok), len(tok) + 1):
        if 0 < length <= len(word) and _within_one(tok, word[:length]):
            return True
    return False


def _within_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]




def _ids(session: Session, sql: str, params: dict) -> list[int]:
    """Run an id query on the session's own DB-API connection (same transaction): building
    SQLAlchemy rows for thousands of ids cost more than the query."""
    cursor = session.connection().connection.driver_connection.execute(sql, params)
    return [row[0] for row in cursor]


# -- helpers -------------------------------------------------------------------------------------
def _session(ws: Workspace) -> Session:
    return ws.session()


def _filter_sql(flt: PatientFilter) -> tuple[str, dict]:
    where: list[str] = []
    params: dict = {"age75": _age_cutoff(date.today())}
    if not flt.include_archived:
        where.append("s.archived = 0")  # equality: the (archived, sort_name) index gives the order
    if flt.condition_code:
        where.append(
            "s.patient_id IN (SELECT patient_id FROM condition WHERE code = :code "
            "AND status = 'active' AND chronic)"
        )
        params["code"] = flt.condition_code
    if flt.risk_tier:
        where.append(f"{_TIER_RANK} = :tier")
        params["tier"] = _RANK_OF_TIER[flt.risk_tier]
    if flt.no_coordinator:
        where.append("s.coordinator_id IS NULL")
    elif flt.coordinator_id is not None:
        where.append("s.coordinator_id = :coordinator")
        params["coordinator"] = flt.coordinator_id
    return "".join(f" AND {w}" for w in where), params


def _describe(flt: PatientFilter, sort: str, descending: bool, found: int, fuzzy: bool) -> str:
    """The audit detail: which filters were used, never what was typed."""
    parts = []
    typed = flt.text.strip()
    if typed:
        parts.append(f"search ({len(typed)} chars{', typo-tolerant' if fuzzy else ''})")
    if flt.condition_code:
        parts.append("condition filter")
    if flt.risk_tier:
        parts.append(f"risk filter {flt.risk_tier}")
    if flt.no_coordinator:
        parts.append("no coordinator")
    elif flt.coordinator_id is not None:
        parts.append("coordinator filter")
    if flt.include_archived:
        parts.append("including archived")
    parts.append(f"sort {sort}{' desc' if descending else ''}")
    parts.append(f"{found} patients")
    return ", ".join(parts)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _age_cutoff(today: date) -> str:
    """Born on or before this ISO date means aged 75 or over today."""
    try:
        return today.replace(year=today.year - 75).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year - 75, day=28).isoformat()


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _migration():
    """The current SQL text of the index: store/search_sql.py (0003's builders as later
    revisions amended them) when present, else migration 0003's own builders."""
    import importlib

    try:
        return importlib.import_module("carecoord_desktop.store.search_sql")
    except ImportError:
        return importlib.import_module(
            "carecoord_desktop.store.migrations.versions.0003_patient_search"
        )
