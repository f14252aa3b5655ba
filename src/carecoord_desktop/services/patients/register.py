"""The patient register behind the Patients screen: search, filter, sort, rows in blocks, risk.

Search uses the FTS5 index of migration 0003 (`patient_fts`), kept in step by triggers; what the
user typed becomes index tokens in services/patients/search.py, each searched as a prefix, ANDed.
When that finds nobody, a word that starts no indexed word is taken as misspelt and searched as
the name words spelt like it (patient_search.similar_words over migration 0007's vocabulary).

Results are ordered by the requested sort in SQL, never by rank. The risk tier is the transparent
rule of services/patients/risk.py, computed in SQL from `patient_stats` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import risk as patient_risk
from carecoord_desktop.services.patients import search as patient_search
from carecoord_desktop.services.patients.risk import (
    NO_HOSPITAL_DATA,
    RISK_RULE,
    RISK_RULE_LINES,
    RISK_TIERS,
    RiskExplanation,
    risk_params,
)
from carecoord_desktop.services.patients.risk import SCORE as _SCORE
from carecoord_desktop.services.patients.risk import TIER_OF_RANK as _TIER_OF_RANK
from carecoord_desktop.services.patients.risk import TIER_RANK as _TIER_RANK
from carecoord_desktop.services.patients.risk import TIER_SCORES as _TIER_SCORES
from carecoord_desktop.services.patients.risk import age_on as _age
from carecoord_desktop.services.patients.search import fold, search_tokens
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.tasks import board as task_board
from carecoord_desktop.store import dialect, search_sql
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
    care_plan: str | None = None  # one of CARE_PLAN_FILTERS' keys


# "attention": the needs-attention list, highest risk score first, then the latest discharge.
SORT_KEYS: tuple[str, ...] = (
    "name",
    "dob",
    "practice_id",
    "conditions",
    "risk",
    "coordinator",
    "attention",
    "next_review",
    "open_tasks",
)
DISCHARGE_DAYS: tuple[int, ...] = (7, 14, 30)  # the choices the Patients screen offers
# The care plan filter's choices: an open plan's next review is before today; no open plan
# (draft, active or under review) at all.
CARE_PLAN_FILTERS: tuple[tuple[str, str], ...] = (
    ("review_overdue", "Plan review overdue"),
    ("none", "No care plan yet"),
)
# (label, key) as a filter combo lists them.
CARE_PLAN_FILTERS_SHOWN = tuple((label, key) for key, label in CARE_PLAN_FILTERS)
MAX_BLOCK = 500
__all__ = [
    "NO_HOSPITAL_DATA",
    "RISK_RULE",
    "RISK_RULE_LINES",
    "RISK_TIERS",
    "RiskExplanation",
    "fold",
    "search_tokens",
]


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
    next_review: date | None = None  # the open care plan's next review (None: none scheduled)
    open_plan: str | None = None  # the open care plan's status: draft, active, under_review
    open_tasks: int = 0  # tasks on the board for this patient not yet done


# -- SQL pieces ----------------------------------------------------------------------------------
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
    # Patients without a scheduled review after the rest (before them, descending).
    "next_review": ["(nr.due IS NULL)", "nr.due"],
    "open_tasks": ["coalesce(ot.n, 0)"],
    # Highest score first, then the most recent discharge; descending turns it round.
    "attention": [
        f"-{_SCORE}",
        "s.last_discharge = ''",
        f"-{dialect.day_number('s.last_discharge')}",
    ],
}


# -- public API ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatientQuery:
    """The ids found, in order; `spelled_like` names the words taken as misspelt, each with the
    name words searched instead (empty when everything was found as typed)."""

    ids: list[int]
    spelled_like: dict[str, list[str]] = field(default_factory=dict)


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
    whole list loads. Such a preview is not audited by itself: the full query of the same
    search that must follow writes the one audit event, with the true number found.
    """
    return query(ws, actor, flt, sort=sort, descending=descending, limit=limit).ids


def query(
    ws: Workspace,
    actor: Actor,
    flt: PatientFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int | None = None,
) -> PatientQuery:
    """As query_ids, saying also which words were searched as similar spellings."""
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
    if flt.care_plan is not None and flt.care_plan not in dict(CARE_PLAN_FILTERS):
        raise ValidationError("Choose a care plan filter from the list.", field="care_plan")
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
    if sort == "next_review":
        source += _NEXT_REVIEW_JOIN
    if sort == "open_tasks":
        source += _OPEN_TASKS_JOIN
    matching = (
        f"SELECT s.patient_id {source} WHERE s.patient_id IN "
        f"{search_sql.matching_ids('match')}{where} ORDER BY {order}"
    )
    spelled_like: dict[str, list[str]] = {}
    with _session(ws) as session:
        if tokens:
            ids = _ids(session, matching, {**params, "match": search_sql.prefix_match(tokens)})
            if not ids:
                spelled_like = _misspelt(session, tokens)
                if spelled_like and all(spelled_like.values()):
                    exact = [t for t in tokens if t not in spelled_like]
                    match = search_sql.spelling_match(exact, list(spelled_like.values()))
                    ids = _ids(session, matching, {**params, "match": match})
        else:
            sql = f"SELECT s.patient_id {source} WHERE 1 = 1{where} ORDER BY {order}"
            ids = _ids(session, sql, params)
        if limit is None:  # one search, one event: see query_ids on the first-page preview
            audit.record(
                session,
                actor,
                AuditAction.VIEW,
                record_type="patient_list",
                detail=_describe(flt, sort, descending, len(ids), bool(spelled_like)),
            )
            session.commit()
    return PatientQuery(ids, spelled_like)


def _misspelt(session: Session, tokens: list[str]) -> dict[str, list[str]]:
    """{typed word: name words spelt like it} for the words that start no indexed word."""
    misspelt = [
        tok
        for tok in dict.fromkeys(tokens)
        if patient_search.may_be_misspelt(tok)
        and _ids(session, search_sql.PREFIX_EXISTS_SQL, {"m": search_sql.prefix_match([tok])}) == []
    ][: patient_search.MAX_SPELLING_WORDS]
    if not misspelt or not _rows(session, search_sql.NAME_VOCAB_EXISTS_SQL):
        return {}  # nothing to compare, or a schema from before migration 0007
    vocabulary = [(w, n) for w, n in _rows(session, search_sql.NAME_VOCAB_SQL) if n > 0]
    return {tok: patient_search.similar_words(tok, vocabulary) for tok in misspelt}


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
        f"s.medication_count, {_TIER_RANK}, u.full_name, {_SCORE}, s.last_discharge, "
        f"{_OPEN_PLAN_COLUMNS} {_FROM} WHERE p.id IN {dialect.id_list('ids')}"
    )
    with _session(ws) as session:
        rows = session.execute(
            text(sql), {"ids": dialect.id_list_value(ids), **risk_params(today)}
        ).all()
    open_tasks = task_board.open_task_counts(ws, actor, ids)  # one indexed read per block
    out: dict[int, PatientListRow] = {}
    for row in rows:
        pid, prac, family, given, preferred, dob, medicare, summary, nc, nm, rank, coord = row[:12]
        score, discharged, next_review, open_plan = row[12:]
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
            next_review=date.fromisoformat(next_review) if next_review else None,
            open_plan=open_plan,
            open_tasks=open_tasks.get(pid, 0),
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


def risk_explanation(ws: Workspace, actor: Actor, patient_id: int) -> RiskExplanation:
    """The patient's tier, the factors that raised the score and what did not count."""
    require(actor, Permission.VIEW_PATIENTS)
    with _session(ws) as session:
        return patient_risk.explain(session, patient_id, date.today())


def risk_reasons(ws: Workspace, actor: Actor, patient_id: int) -> tuple[str, list[str]]:
    """The patient's tier and short reasons for it (how the score is computed: RISK_RULE)."""
    explanation = risk_explanation(ws, actor, patient_id)
    return explanation.tier, explanation.reasons


def rebuild_search_index(ws: Workspace) -> int:
    """Rebuild the search indexes and counters from the patient records; rows indexed.

    The SQL is today's index text (store/search_sql.py); tests check that it gives what the
    triggers keep.
    """
    with _session(ws) as session:
        conn = session.connection()
        for sql in search_sql.rebuild_statements():
            conn.exec_driver_sql(sql)
        count = conn.exec_driver_sql(search_sql.INDEXED_COUNT_SQL).scalar_one()
        session.commit()
    return count


def _ids(session: Session, sql: str, params: dict) -> list[int]:
    """Run an id query on the session's own DB-API connection (same transaction): building
    SQLAlchemy rows for thousands of ids cost more than the query."""
    return [row[0] for row in _rows(session, sql, params)]


def _rows(session: Session, sql: str, params: dict | None = None) -> list[tuple]:
    cursor = session.connection().connection.driver_connection.execute(sql, params or {})
    return cursor.fetchall()


# -- helpers -------------------------------------------------------------------------------------
def _session(ws: Workspace) -> Session:
    return ws.session()


# Care plans (migration 0009): an open plan is draft, active or under review; the one with a
# review due comes first. Each reads ix_care_plan_status_review or the (patient_id, status,
# next_review_on) index, never the plan rows.
_OPEN = "('draft', 'active', 'under_review')"
_OPEN_PLAN_SQL = f"SELECT patient_id FROM care_plan WHERE status IN {_OPEN}"
_OVERDUE_SQL = (
    "SELECT patient_id FROM care_plan WHERE status IN ('active', 'under_review') "
    "AND next_review_on < :plan_today"
)
_OPEN_PLAN_COLUMNS = (
    "(SELECT min(c.next_review_on) FROM care_plan c WHERE c.patient_id = p.id "
    "AND c.status IN ('active', 'under_review')), "
    f"(SELECT c.status FROM care_plan c WHERE c.patient_id = p.id AND c.status IN {_OPEN} "
    "ORDER BY c.status = 'draft' LIMIT 1)"
)
_NEXT_REVIEW_JOIN = (
    " LEFT JOIN (SELECT patient_id, min(next_review_on) AS due FROM care_plan "
    "WHERE status IN ('active', 'under_review') GROUP BY patient_id) nr "
    "ON nr.patient_id = s.patient_id"
)

# The board's open states (services/tasks/board._OPEN_SQL), counted on its (patient_id, state)
# index: one grouped read of the task table, only for this sort.
_OPEN_TASKS_JOIN = (
    " LEFT JOIN (SELECT patient_id, count(*) AS n FROM task WHERE patient_id IS NOT NULL "
    "AND state IN ('todo', 'in_progress', 'waiting') GROUP BY patient_id) ot "
    "ON ot.patient_id = s.patient_id"
)


def _filter_sql(flt: PatientFilter) -> tuple[str, dict]:
    where: list[str] = []
    today = date.today()
    params: dict = risk_params(today)
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
    if flt.care_plan == "review_overdue":
        where.append(f"s.patient_id IN ({_OVERDUE_SQL})")
        params["plan_today"] = today.isoformat()
    elif flt.care_plan == "none":
        where.append(f"s.patient_id NOT IN ({_OPEN_PLAN_SQL})")
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
    parts += filter_words(flt)
    parts.append(f"sort {sort}{' desc' if descending else ''}")
    parts.append(f"{found} patients")
    return ", ".join(parts)


def filter_words(flt: PatientFilter) -> list[str]:
    """The filters other than the search, in words for the audit log (never typed text)."""
    parts = []
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
    if flt.care_plan:
        parts.append(dict(CARE_PLAN_FILTERS).get(flt.care_plan, "care plan filter").lower())
    if flt.include_archived:
        parts.append("including archived")
    return parts
