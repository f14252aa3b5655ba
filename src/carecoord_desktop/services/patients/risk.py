"""The risk tier of the Patients screen: a transparent score over data the record holds.

Conditions are weighed by the Charlson comorbidity index (Charlson ME, Pompei P, Ales KL,
MacKenzie CR. A new method of classifying prognostic comorbidity in longitudinal studies.
J Chronic Dis 1987;40(5):373-383), its original weights; the codes and names mapped to it are
migration 0007's `charlson_condition` table, and the triggers keep each patient's points in
`patient_stats.comorbidity_points`. The score is computed in SQL from patient_stats alone, so
100,000 patients sort and filter by it without a join per row (see RISK_RULE for the whole rule).

"In the last 12 months" moves with the calendar: the triggers of migration 0005 keep the start
dates of each patient's two latest admissions and ED visits (the rule counts at most two of
each), compared here with today's cutoff. "Living alone / no carer" is one point: living alone,
or aged 75 or over with no contact recorded as a carer (under 75, having no carer is the usual
case and says little).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.store import dialect

RISK_TIERS: tuple[str, ...] = ("high", "medium", "low")
MAX_CHARLSON = 6
HIGH_FROM, MEDIUM_FROM = 5, 3
CHARLSON_SOURCE = "Charlson ME, Pompei P, Ales KL, MacKenzie CR. J Chronic Dis 1987;40(5):373-383"
# How the score is computed, one line per part (the "How is this worked out?" text).
RISK_RULE_LINES: tuple[str, ...] = (
    "Conditions: the points of the Charlson comorbidity index, up to 6. Heart attack, heart "
    "failure, peripheral vascular disease, stroke, dementia, chronic lung disease (COPD, "
    "asthma), connective tissue disease, peptic ulcer, mild liver disease and diabetes: 1 each. "
    "Diabetes with organ damage, hemiplegia, chronic kidney disease, cancer, leukaemia or "
    "lymphoma: 2. Moderate or severe liver disease: 3. Metastatic cancer, AIDS: 6. Each kind "
    "counts once. Other conditions (hypertension, atrial fibrillation, depression, "
    "osteoarthritis…) add nothing on their own.",
    "Several conditions: +1 for 3 or more active chronic conditions of any kind.",
    "Medicines: +2 for 5 or more active medicines, +3 for 10 or more.",
    "Hospital: +2 per admission and +1 per ED visit in the last 12 months (two of each counted).",
    "At home: +1 for living alone, or for being 75 or over with no carer recorded.",
    "Age: +1 for 75 or over.",
    f"Tier: High at {HIGH_FROM} or more, Medium at {MEDIUM_FROM} or {HIGH_FROM - 1}, "
    f"Low below {MEDIUM_FROM}.",
    "A condition counts by its SNOMED CT code, or by its name when it has no code.",
    f"Source of the condition weights: {CHARLSON_SOURCE}.",
)
RISK_RULE = " ".join(RISK_RULE_LINES)
NO_HOSPITAL_DATA = "No hospital admissions or ED visits recorded"

# -- SQL pieces ----------------------------------------------------------------------------------
# Each condition counts 0 or 1 (dialect.as_int); a missing date is '' and so never on or after
# a cutoff.
_one = dialect.as_int
SCORE = (
    f"({dialect.least('s.comorbidity_points', str(MAX_CHARLSON))}"
    f" + {_one('s.condition_count >= 3')}"
    " + CASE WHEN s.medication_count >= 10 THEN 3 WHEN s.medication_count >= 5 THEN 2 ELSE 0 END"
    f" + 2 * ({_one('s.admission_1 >= :since')} + {_one('s.admission_2 >= :since')})"
    f" + {_one('s.ed_visit_1 >= :since')} + {_one('s.ed_visit_2 >= :since')}"
    f" + {_one('s.lives_alone OR (s.date_of_birth <= :age75 AND NOT s.has_carer)')}"
    f" + {_one('s.date_of_birth <= :age75')})"
)
MAX_SCORE = MAX_CHARLSON + 1 + 3 + 4 + 2 + 1 + 1
# The tier from the score with one evaluation of it: the score-th character of a lookup string.
_LOOKUP = "1" * MEDIUM_FROM + "2" * (HIGH_FROM - MEDIUM_FROM) + "3" * (MAX_SCORE + 1 - HIGH_FROM)
TIER_RANK = f"CAST(substr('{_LOOKUP}', {SCORE} + 1, 1) AS INTEGER)"
TIER_SCORES = {"high": (HIGH_FROM, MAX_SCORE), "medium": (MEDIUM_FROM, HIGH_FROM - 1)}
TIER_SCORES["low"] = (0, MEDIUM_FROM - 1)
TIER_OF_RANK = {3: "high", 2: "medium", 1: "low"}

_STATS_SQL = (
    "SELECT s.condition_count, s.medication_count, s.lives_alone, s.has_carer, "
    f"s.date_of_birth, s.last_discharge, s.comorbidity_points, {SCORE}, {TIER_RANK} "
    "FROM patient_stats s WHERE s.patient_id = :pid"
)
# Exact counts for the words (the score counts at most two of each).
_EVENTS_SQL = (
    f"SELECT kind, sum({dialect.as_int('start_date >= :since')}), count(*) FROM hospital_event "
    "WHERE patient_id = :pid GROUP BY kind"
)
_CONDITIONS_SQL = (
    "SELECT c.id, c.display, c.chronic, w.category, w.weight FROM condition c "
    "LEFT JOIN charlson_condition w ON w.key IN (c.code, 'name:' || lower(trim(c.display))) "
    "WHERE c.patient_id = :pid AND c.status = 'active' ORDER BY c.id, w.weight DESC"
)


@dataclass(frozen=True)
class RiskFactor:
    label: str
    points: int


@dataclass(frozen=True)
class RiskExplanation:
    """The tier, the factors that raised the score (with their points) and what did not count."""

    tier: str
    score: int
    factors: list[RiskFactor] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.tier == "high":
            return f"Score {self.score} (High from {HIGH_FROM})"
        if self.tier == "medium":
            return f"Score {self.score} (Medium from {MEDIUM_FROM}, High from {HIGH_FROM})"
        return f"Score {self.score} (Medium from {MEDIUM_FROM})"

    @property
    def reasons(self) -> list[str]:
        """Short lines: each factor with its points, then what did not count."""
        return [f"{f.label}: +{f.points}" for f in self.factors] + self.not_counted


def risk_params(today: date) -> dict:
    return {"age75": years_ago(today, 75).isoformat(), "since": years_ago(today, 1).isoformat()}


def explain(session: Session, patient_id: int, today: date) -> RiskExplanation:
    """Why the patient is in their tier, in words a coordinator can check against the record."""
    params = {"pid": patient_id, **risk_params(today)}
    row = session.execute(text(_STATS_SQL), params).one_or_none()
    if row is None:
        raise ValidationError("That patient is not in the register (it may have been deleted).")
    n_conditions, meds, lives_alone, has_carer, dob, discharged, points, score, rank = row
    events = {k: (recent, total) for k, recent, total in session.execute(text(_EVENTS_SQL), params)}
    factors: list[RiskFactor] = []
    not_counted: list[str] = []

    weighed, outside = _charlson(session, patient_id)
    for category, (weight, names) in weighed.items():
        label = ", ".join(names)
        said = any(category.lower() in n.lower() or n.lower() in category.lower() for n in names)
        label += " (Charlson)" if said else f" (Charlson: {category.lower()})"
        factors.append(RiskFactor(label, weight))
    if points > MAX_CHARLSON:
        not_counted.append(f"Condition points counted up to {MAX_CHARLSON} (of {points})")
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        not_counted.append(f"{', '.join(outside)} {verb} not in the Charlson index")
    if n_conditions >= 3:
        factors.append(RiskFactor(f"{n_conditions} active chronic conditions", 1))
    if meds >= 5:
        factors.append(RiskFactor(_plural(meds, "active medicine"), 3 if meds >= 10 else 2))
    else:
        not_counted.append(f"Fewer than 5 active medicines ({meds})")
    _hospital(events, discharged, factors, not_counted)
    age = age_on(date.fromisoformat(dob), today)
    if lives_alone or (age >= 75 and not has_carer):
        home = ["Lives alone"] if lives_alone else []
        if age >= 75 and not has_carer:
            home.append("no carer recorded")
        factors.append(RiskFactor(", ".join(home).capitalize(), 1))
    if age >= 75:
        factors.append(RiskFactor(f"Aged {age}", 1))
    else:
        not_counted.append(f"Under 75 ({age})")
    return RiskExplanation(TIER_OF_RANK[rank], score, factors, not_counted)


def _charlson(session: Session, patient_id: int) -> tuple[dict[str, tuple[int, list[str]]], list]:
    """Charlson categories held ({category: (weight, condition names)}) and the active chronic
    conditions outside the index."""
    weighed: dict[str, tuple[int, list[str]]] = {}
    outside: list[str] = []
    seen: set[int] = set()
    for cid, display, chronic, category, weight in session.execute(
        text(_CONDITIONS_SQL), {"pid": patient_id}
    ):
        if cid in seen:
            continue  # matched by code and by name: the heavier row came first
        seen.add(cid)
        if category is None:
            if chronic:
                outside.append(display)
            continue
        best, names = weighed.get(category, (0, []))
        weighed[category] = (max(best, weight), [*names, display])
    return weighed, outside


def _hospital(events, discharged: str, factors: list[RiskFactor], not_counted: list[str]) -> None:
    admissions, admissions_ever = events.get("ADMISSION", (0, 0))
    ed_visits, ed_ever = events.get("ED_VISIT", (0, 0))
    if not admissions_ever and not ed_ever:
        not_counted.append(NO_HOSPITAL_DATA)
        return
    last = f" (last discharge {date.fromisoformat(discharged):%d/%m/%Y})" if discharged else ""
    if admissions:
        counted = " (2 counted)" if admissions > 2 else ""
        factors.append(
            RiskFactor(
                f"{_plural(admissions, 'admission')} in the last 12 months{counted}{last}",
                2 * min(admissions, 2),
            )
        )
        last = ""
    if ed_visits:
        counted = " (2 counted)" if ed_visits > 2 else ""
        factors.append(
            RiskFactor(
                f"{_plural(ed_visits, 'ED visit')} in the last 12 months{counted}",
                min(ed_visits, 2),
            )
        )
    if not admissions and not ed_visits:
        not_counted.append(f"No admissions or ED visits in the last 12 months{last}")


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
