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
rule over data the schema holds (see `RISK_RULE`); it is computed in SQL from `patient_stats`
alone. Hospital events count "in the last 12 months", which moves with the calendar, so the
triggers of migration 0005 keep the start dates of each patient's two latest admissions and two
latest ED visits (the rule counts at most two of each) and the query compares them with today's
cutoff. "Living alone / no carer" is one point: living alone, or aged 75 or over with no contact
recorded as a carer (under 75, having no carer is the usual case and says little).
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
from carecoord_desktop.store import search_sql
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class PatientFilter:
    text: str = ""
    condition_code: str | None = None
    risk_tier: str | None = None  # "high" | "medium" | "low"
    coordinator_id: int | None = None
    no_coordinator: bool = False
    include_archived: bool = False
    recently_discharged_days: int | None = None  # discharged from an admission in the last N days


# "attention": the needs-attention list, highest risk score first, then the latest discharge.
SORT_KEYS: tuple[str, ...] = (
    "name",
    "dob",
    "practice_id",
    "conditions",
    "risk",
    "coordinator",
    "attention",
)
RISK_TIERS: tuple[str, ...] = ("high", "medium", "low")
DISCHARGE_DAYS: tuple[int, ...] = (7, 14, 30)  # the choices the Patients screen offers
RISK_RULE = (
    "score = active chronic conditions (up to 4) + 2 for 5 or more active medicines "
    "+ 1 more for 10 or more + 2 per hospital admission in the last 12 months (up to 2) "
    "+ 1 per ED visit in the last 12 months (up to 2) + 1 if living alone or, aged 75 or over, "
    "no carer recorded + 1 if aged 75 or over; "
    "high at 5 or more, medium at 3 or more, otherwise low"
)
NO_HOSPITAL_DATA = "no hospital admissions or ED visits recorded"
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
    risk_score: int = 0
    last_discharge: date | None = None  # latest discharge from an admission


# -- SQL pieces ----------------------------------------------------------------------------------
# Comparisons are 0 or 1 in SQLite; a missing date is '' and so never on or after a cutoff.
_SCORE = (
    "(min(s.condition_count, 4)"
    " + CASE WHEN s.medication_count >= 10 THEN 3 WHEN s.medication_count >= 5 THEN 2 ELSE 0 END"
    " + 2 * ((s.admission_1 >= :since) + (s.admission_2 >= :since))"
    " + (s.ed_visit_1 >= :since) + (s.ed_visit_2 >= :since)"
    " + (s.lives_alone OR (s.date_of_birth <= :age75 AND NOT s.has_carer))"
    " + (s.date_of_birth <= :age75))"
)
_MAX_SCORE = 4 + 3 + 4 + 2 + 1 + 1
# The tier from the score with one evaluation of it: the score-th character of a lookup string.
_TIER_RANK = f"CAST(substr('111{'22'}{'3' * (_MAX_SCORE - 4)}', {_SCORE} + 1, 1) AS INTEGER)"
_TIER_SCORES = {"high": (5, _MAX_SCORE), "medium": (3, 4), "low": (0, 2)}
_TIER_OF_RANK = {3: "high", 2: "medium", 1: "low"}
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
    "risk": [_SCORE],  # the tier only ever rises with the score
    "coordinator": ["u.full_name IS NULL", "lower(u.full_name)"],
    # Highest score first, then the most recent discharge; descending turns it round.
    "attention": [f"-{_SCORE}", "s.last_discharge = ''", "-julianday(s.last_discharge)"],
}


# -- public API ----------------------------------------------------------------------------------
def query_ids(
    ws: Workspace,
    actor: Actor,
    flt: PatientFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int | None = None,
) -> list[int]:
    """The ids of the patients matching `flt`, in the requested order (one audit event).

    `limit` returns only the first ids: a screen paints its first page from them while the
    whole list loads.
    """
    require(actor, Permission.VIEW_PATIENTS)
    if sort not in SORT_KEYS:
        raise ValidationError(f"Unknown sort {sort!r}; choose one of {', '.join(SORT_KEYS)}.")
    if flt.risk_tier is not None and flt.risk_tier not in RISK_TIERS:
        raise ValidationError("Choose a risk tier of high, medium or low.", field="risk_tier")
    if flt.recently_discharged_days is not None and not (
        isinstance(flt.recently_discharged_days, int) and 0 < flt.recently_discharged_days <= 3650
    ):
        raise ValidationError(
            "Choose a number of days from 1 to 3650 for recently discharged.",
            field="recently_discharged_days",
        )
    tokens = search_tokens(flt.text)
    where, params = _filter_sql(flt)
    direction = " DESC" if descending else ""
    keys = [f"{key}{direction}" for key in _ORDER[sort]]
    # Ties go by name. For the name sort itself the tie-breaker follows its direction and the
    # name is not repeated: either would make SQLite sort 100k rows in a temp B-tree instead
    # of reading the (archived, sort_name, patient_id) index in order (~100 ms at 100k).
    ties = [f"s.patient_id{direction}"] if sort == "name" else ["s.sort_name", "s.patient_id"]
    order = ", ".join(keys + ties)
    if limit is not None:
        order += f" LIMIT {int(limit)}"
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
            detail=_describe(flt, sort, descending, len(ids), fuzzy)
            + (" (first page)" if limit is not None else ""),
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
        f"s.medication_count, {_TIER_RANK}, u.full_name, {_SCORE}, s.last_discharge {_FROM} "
        "WHERE p.id IN (SELECT value FROM json_each(:ids))"
    )
    with _session(ws) as session:
        rows = session.execute(
            text(sql), {"ids": json.dumps([int(i) for i in ids]), **_risk_params(today)}
        ).all()
    out: dict[int, PatientListRow] = {}
    for row in rows:
        pid, prac, family, given, preferred, dob, medicare, summary, nc, nm, rank, coord = row[:12]
        score, discharged = row[12:]
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
            risk_score=score,
            last_discharge=date.fromisoformat(discharged) if discharged else None,
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
    sql = _CONDITION_OPTIONS_SQL
    with _session(ws) as session:
        return [(code, disp, n) for code, disp, n in session.execute(text(sql))]


# Counted from the condition index alone (code, status, chronic, patient_id; migration 0005);
# archived patients are few, so they are left out with a set built once, not a join per row.
# The display is looked up once per code.
_CONDITION_OPTIONS_SQL = (
    "SELECT g.code, (SELECT display FROM condition WHERE code = g.code AND status = 'active' "
    "AND chronic = 1 LIMIT 1) AS display, g.n FROM (SELECT code, count(DISTINCT patient_id) AS n "
    "FROM condition WHERE code IS NOT NULL AND status = 'active' AND chronic = 1 "
    "AND patient_id NOT IN (SELECT patient_id FROM patient_stats WHERE archived = 1) "
    "GROUP BY code) g ORDER BY g.n DESC, display"
)


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
    params = {"pid": patient_id, **_risk_params(today)}
    sql = (
        "SELECT s.condition_count, s.medication_count, s.lives_alone, s.has_carer, "
        f"s.date_of_birth, s.last_discharge, {_SCORE}, {_TIER_RANK} "
        "FROM patient_stats s WHERE s.patient_id = :pid"
    )
    # Exact counts for the words (the score counts at most two of each).
    events_sql = (
        "SELECT kind, sum(start_date >= :since), count(*) FROM hospital_event "
        "WHERE patient_id = :pid GROUP BY kind"
    )
    with _session(ws) as session:
        row = session.execute(text(sql), params).one_or_none()
        events = {
            k: (recent, total) for k, recent, total in session.execute(text(events_sql), params)
        }
    if row is None:
        raise ValidationError("That patient is not in the register (it may have been deleted).")
    conditions, meds, lives_alone, has_carer, dob, discharged, score, rank = row
    reasons: list[str] = []
    if conditions:
        counted = " (4 counted)" if conditions > 4 else ""
        reasons.append(f"{_plural(conditions, 'active chronic condition')}{counted}")
    if meds >= 10:
        reasons.append(f"{_plural(meds, 'active medicine')}: polypharmacy (10 or more)")
    elif meds >= 5:
        reasons.append(f"{_plural(meds, 'active medicine')}: polypharmacy (5 or more)")
    reasons.append(_hospital_reason(events, discharged))
    age = _age(date.fromisoformat(dob), today)
    if lives_alone:
        reasons.append("lives alone")
    if age >= 75 and not has_carer:
        reasons.append(
            "no carer recorded" + (" (counted once with living alone)" if lives_alone else "")
        )
    if age >= 75:
        reasons.append(f"aged {age} (75 or over)")
    reasons.append(f"score {score}: {RISK_RULE}")
    return _TIER_OF_RANK[rank], reasons


def _hospital_reason(events: dict[str, tuple[int, int]], discharged: str) -> str:
    admissions, admissions_ever = events.get("ADMISSION", (0, 0))
    ed_visits, ed_ever = events.get("ED_VISIT", (0, 0))
    if not admissions_ever and not ed_ever:
        return NO_HOSPITAL_DATA
    last = f" (last discharge {date.fromisoformat(discharged):%d/%m/%Y})" if discharged else ""
    if not admissions and not ed_visits:
        return f"no admissions or ED visits in the last 12 months{last}"
    capped = " (2 of each counted)" if admissions > 2 or ed_visits > 2 else ""
    return (
        f"{_plural(admissions, 'admission')} and {_plural(ed_visits, 'ED visit')} "
        f"in the last 12 months{capped}{last}"
    )


def rebuild_search_index(ws: Workspace) -> int:
    """Rebuild the search indexes and counters from the patient records; rows indexed.

    The SQL is the triggers' own text (see _migration; tests check both give the same).
    """
    m = search_sql  # the triggers' own SQL text: a rebuild reproduces what they keep
    with _session(ws) as session:
        conn = session.connection()
        conn.exec_driver_sql("DELETE FROM patient_fts")
        conn.exec_driver_sql("DELETE FROM patient_trigram")
        conn.exec_driver_sql("DELETE FROM patient_stats")
        conn.exec_driver_sql(m._stats_insert_select())
        refresh = m._stats_refresh("patient_stats.patient_id")
        conn.exec_driver_sql(refresh.removesuffix(";"))
        for sql in _risk_migration().backfill_statements():
            conn.exec_driver_sql(sql)
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


def _risk_params(today: date) -> dict:
    return {"age75": _age_cutoff(today), "since": _years_ago(today, 1).isoformat()}


def _filter_sql(flt: PatientFilter) -> tuple[str, dict]:
    where: list[str] = []
    today = date.today()
    params: dict = _risk_params(today)
    if not flt.include_archived:
        # Equality: the (archived, sort_name) index gives the order of a whole-register list.
        # A search or "recently discharged" finds few rows through the FTS index or the
        # last_discharge index instead: unary + keeps the planner off the archived index, which
        # it would otherwise walk for all 100k patients (12 ms vs 0.1 ms for a date of birth).
        narrow = flt.recently_discharged_days is not None or bool(search_tokens(flt.text))
        where.append("+s.archived = 0" if narrow else "s.archived = 0")
    if flt.condition_code:
        where.append(
            "s.patient_id IN (SELECT patient_id FROM condition WHERE code = :code "
            "AND status = 'active' AND chronic = 1)"
        )
        params["code"] = flt.condition_code
    if flt.risk_tier:
        where.append(f"{_SCORE} BETWEEN :score_low AND :score_high")
        params["score_low"], params["score_high"] = _TIER_SCORES[flt.risk_tier]
    if flt.recently_discharged_days is not None:
        where.append("s.last_discharge >= :discharged_since")
        params["discharged_since"] = date.fromordinal(
            today.toordinal() - flt.recently_discharged_days
        ).isoformat()
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
    if flt.recently_discharged_days is not None:
        parts.append(f"discharged in the last {flt.recently_discharged_days} days")
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
    return _years_ago(today, 75).isoformat()


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _risk_migration():
    """Migration 0005: the builders of the hospital and carer columns of patient_stats."""
    import importlib

    return importlib.import_module("carecoord_desktop.store.migrations.versions.0005_risk_hospital")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
