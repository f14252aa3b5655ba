"""Templates into one plan draft, never the same goal or intervention twice.

Pure (no database): `combine(templates, conditions, today)` turns one or more templates into
the lists of a PlanDraft. Items are compared after normalising (case, punctuation, spacing) and
with rapidfuzz, so "Influenza vaccination each autumn" from the diabetes and the COPD templates
is one intervention. Two goals on the same standard measure (two systolic blood pressure
targets) are one goal with the stricter target and the earlier due date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from rapidfuzz import fuzz

from carecoord_desktop.knowledge.careplans import Template
from carecoord_desktop.models.careplan import (
    GoalStatus,
    InterventionStatus,
    ObservationKind,
    Priority,
    ResponsibleKind,
)
from carecoord_desktop.services.careplans.types import (
    ActionDraft,
    GoalDraft,
    InterventionDraft,
    ProblemDraft,
    WarningSignDraft,
)

SAME = 90  # rapidfuzz token_sort_ratio at or above which two items are one
TEXT_SECTIONS = (
    "medication_notes",
    "symptom_management",
    "expected_outcome",
    "prognosis",
    "community_services",
    "coordination",
)
_PRIORITY_RANK = {Priority.HIGH.value: 0, Priority.MEDIUM.value: 1, Priority.LOW.value: 2}


@dataclass(frozen=True)
class ConditionRef:
    """A condition of the patient's record, as matching needs it."""

    id: int
    code: str | None
    display: str


@dataclass
class Combined:
    problems: list[ProblemDraft] = field(default_factory=list)
    goals: list[GoalDraft] = field(default_factory=list)
    interventions: list[InterventionDraft] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    warning_signs: list[WarningSignDraft] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    review_interval_weeks: int | None = None
    merged: int = 0  # items left out as duplicates of one already there


@lru_cache(maxsize=4096)  # template wording repeats across every plan combined
def normalise(text: str) -> str:
    text = re.sub(r"[^\w\s/%]", " ", (text or "").lower())
    return " ".join(text.split())


@lru_cache(maxsize=16384)
def similar(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    return bool(a) and (a == b or fuzz.token_sort_ratio(a, b) >= SAME)


def condition_for(template: Template, conditions: Iterable[ConditionRef]) -> ConditionRef | None:
    """The patient's condition this template is for, by SNOMED code, then by name."""
    conditions = list(conditions)
    for c in conditions:
        if c.code and c.code in template.snomed:
            return c
    for c in conditions:
        name = normalise(c.display)
        if any(
            name == normalise(n) or fuzz.token_sort_ratio(name, normalise(n)) >= SAME
            for n in template.names
        ):
            return c
    return None


def matching_templates(
    templates: Iterable[Template], conditions: Sequence[ConditionRef]
) -> list[Template]:
    """The templates that fit the patient's conditions (suggested when starting a plan)."""
    return [t for t in templates if condition_for(t, conditions) is not None]


def _find(items, text_of, text: str):
    return next((i for i in items if similar(text_of(i), text)), None)


def _same_goal(goals: list[GoalDraft], new: GoalDraft) -> GoalDraft | None:
    if new.measure_kind != ObservationKind.CUSTOM.value:
        for g in goals:
            if g.measure_kind == new.measure_kind and g.target_direction == new.target_direction:
                return g
    return _find(goals, lambda g: g.patient_words, new.patient_words)


def _merge_goal(kept: GoalDraft, new: GoalDraft) -> None:
    if new.target_value is not None:
        if kept.target_value is None:
            kept.target_value, kept.target_unit = new.target_value, new.target_unit
        elif kept.target_unit == new.target_unit:
            stricter = min if kept.target_direction == "below" else max
            kept.target_value = stricter(kept.target_value, new.target_value)
    if new.due_on and (kept.due_on is None or new.due_on < kept.due_on):
        kept.due_on = new.due_on
    if _PRIORITY_RANK.get(new.priority, 1) < _PRIORITY_RANK.get(kept.priority, 1):
        kept.priority = new.priority


def combine(
    templates: Sequence[Template], conditions: Sequence[ConditionRef], today: date
) -> Combined:
    out = Combined()
    for t in templates:
        data = t.data
        # The template's own item keys -> draft uids (problems and goals apart: "bp" may be both).
        keys: dict[str, str] = {}
        goal_keys: dict[str, str] = {}
        cond = condition_for(t, conditions)
        for n, p in enumerate(data.get("problems", [])):
            kept = _find(out.problems, lambda x: x.description, p["description"])
            if kept is None:
                kept = ProblemDraft(
                    p["description"], condition_id=cond.id if cond and n == 0 else None
                )
                out.problems.append(kept)
            else:
                out.merged += 1
                if kept.condition_id is None and cond and n == 0:
                    kept.condition_id = cond.id
            keys[p.get("key", f"problem{n}")] = kept.uid
        for n, g in enumerate(data.get("goals", [])):
            weeks = g.get("due_weeks")
            new = GoalDraft(
                g["patient_words"],
                measure=g.get("measure", ""),
                measure_kind=g.get("measure_kind", ObservationKind.CUSTOM.value),
                target_value=g.get("target_value"),
                target_unit=g.get("target_unit", ""),
                target_direction=g.get("target_direction", "below"),
                due_on=today + timedelta(weeks=weeks) if weeks else None,
                status=GoalStatus.NOT_STARTED.value,
                priority=g.get("priority", Priority.MEDIUM.value),
                problem_uid=keys.get(g.get("problem") or ""),
            )
            kept = _same_goal(out.goals, new)
            if kept is None:
                out.goals.append(new)
                kept = new
            else:
                out.merged += 1
                _merge_goal(kept, new)
            goal_keys[g.get("key", f"goal{n}")] = kept.uid
        for i in data.get("interventions", []):
            if _find(out.interventions, lambda x: x.what, i["what"]) is not None:
                out.merged += 1
                continue
            out.interventions.append(
                InterventionDraft(
                    i["what"],
                    responsible_kind=ResponsibleKind.ROLE.value,
                    responsible_role=i.get("role", ""),
                    frequency=i.get("frequency", ""),
                    status=InterventionStatus.PLANNED.value,
                    is_service=bool(i.get("is_service", False)),
                    problem_uid=keys.get(i.get("problem") or ""),
                    goal_uid=goal_keys.get(i.get("goal") or ""),
                )
            )
        for a in data.get("patient_actions", []):
            if _find(out.actions, lambda x: x.text, a["text"]) is not None:
                out.merged += 1
                continue
            out.actions.append(
                ActionDraft(a["text"], a.get("frequency", ""), goal_keys.get(a.get("goal") or ""))
            )
        for w in data.get("warning_signs", []):
            if _find(out.warning_signs, lambda x: x.sign, w["sign"]) is not None:
                out.merged += 1
                continue
            out.warning_signs.append(
                WarningSignDraft(
                    w["sign"],
                    w.get("action", ""),
                    w.get("who_to_call", ""),
                    w.get("phone", ""),
                    bool(w.get("urgent", False)),
                )
            )
        for name in TEXT_SECTIONS:
            text = (data.get(name) or "").strip()
            if not text:
                continue
            line = text if len(templates) == 1 else f"{t.name}: {text}"
            before = out.texts.get(name, "")
            out.texts[name] = f"{before}\n{line}" if before else line
        weeks = data.get("review_interval_weeks")
        if weeks and (out.review_interval_weeks is None or weeks < out.review_interval_weeks):
            out.review_interval_weeks = int(weeks)  # the most frequent review wins
    return out
