"""A readable diff between two versions of a plan, one line per change, in a coordinator's words:

    Goal 'Walk to the shops' target changed from 20 to 30 minutes
    Intervention 'Podiatry review' added
    Review every changed from 13 weeks to 26 weeks

Items are matched by uid, so an edited goal is "changed", not "removed" and "added". Long
free text is not repeated in full: its line says it was added, changed or cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date

from carecoord_desktop.models.careplan import (
    GoalStatus,
    Intensity,
    InterventionStatus,
    PlanStatus,
    Priority,
    ResponsibleKind,
)
from carecoord_desktop.services.careplans.types import PlanDraft

# Plain fields of the plan, in the order the editor shows them, with their names for people.
PLAN_FIELDS = {
    "title": "Title",
    "status": "Status",
    "period_start": "Start date",
    "period_end": "End date",
    "author_id": "Author",
    "intensity": "Coordination intensity",
    "medication_notes": "Medication management",
    "symptom_management": "Symptom management",
    "expected_outcome": "Expected outcome",
    "prognosis": "Prognosis",
    "community_services": "Community and social services",
    "coordination": "Coordination with outside providers",
    "preferences": "Patient's preferences",
    "cultural_considerations": "Cultural and religious considerations",
    "review_interval_weeks": "Review every",
    "review_arrangements": "Review arrangements",
    "agreed_by": "Agreed by",
    "agreed_on": "Agreed on",
    "agreed_how": "How agreed",
    "copy_offered": "Copy offered",
}

# list name: (item label, the field that names the item, {field: label})
LIST_FIELDS: dict[str, tuple[str, str, dict[str, str]]] = {
    "problems": (
        "Problem",
        "description",
        {"description": "wording", "condition_id": "linked condition", "notes": "notes"},
    ),
    "goals": (
        "Goal",
        "patient_words",
        {
            "patient_words": "wording",
            "measure": "measure",
            "measure_kind": "measure type",
            "target_value": "target",
            "target_direction": "target direction",
            "due_on": "due date",
            "status": "status",
            "priority": "priority",
            "problem_uid": "problem",
        },
    ),
    "interventions": (
        "Intervention",
        "what",
        {
            "what": "wording",
            "responsible_kind": "responsible",
            "responsible_staff_id": "responsible person",
            "responsible_role": "responsible role",
            "responsible_member_id": "responsible provider",
            "frequency": "frequency",
            "status": "status",
            "is_service": "community service",
            "problem_uid": "problem",
            "goal_uid": "goal",
        },
    ),
    "actions": (
        "Patient action",
        "text",
        {"text": "wording", "frequency": "how often", "goal_uid": "goal"},
    ),
    "warning_signs": (
        "Warning sign",
        "sign",
        {
            "sign": "wording",
            "action": "what to do",
            "who_to_call": "who to call",
            "phone": "phone",
            "urgent": "urgent",
        },
    ),
}
_PLURAL = {
    "problems": "Problems",
    "goals": "Goals",
    "interventions": "Interventions",
    "actions": "Patient actions",
    "warning_signs": "Warning signs",
}
_ENUMS = {
    "status": (PlanStatus, GoalStatus, InterventionStatus),
    "intensity": (Intensity,),
    "priority": (Priority,),
    "responsible_kind": (ResponsibleKind,),
}
_LONG = 60  # longer text is not quoted in the diff

Namer = Callable[[str, object], str]  # (field name, id) -> a person's or condition's name


def _no_names(_field: str, value: object) -> str:
    return f"#{value}"


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:g}"


def _show(name: str, value: object, names: Namer) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, float | int) and name.endswith("_id"):
        return names(name, value)
    if isinstance(value, float):
        return _number(value)
    if name == "review_interval_weeks":
        return f"{value} weeks"
    for enum in _ENUMS.get(name, ()):
        try:
            return enum(value).label
        except ValueError:
            continue
    return f"'{_short(value)}'"


def _change(label: str, name: str, old: object, new: object, names: Namer) -> str:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _LONG:
        if not old.strip():
            return f"{label} added"
        if not new.strip():
            return f"{label} cleared"
        return f"{label} changed"
    return f"{label} changed from {_show(name, old, names)} to {_show(name, new, names)}"


def _target(item, unit: str) -> str:
    if item.target_value is None:
        return "none"
    return f"{_number(item.target_value)} {unit}".strip()


def _item_lines(kind: str, old, new, names: Namer, titles: dict[str, str]) -> list[str]:
    label, title_field, labels = LIST_FIELDS[kind]
    title = f"{label} '{_short(getattr(new, title_field))}'"
    out = []
    for name, said in labels.items():
        before, after = getattr(old, name), getattr(new, name)
        if name == "target_value":
            if (before, old.target_unit) != (after, new.target_unit):
                old_t, new_t = _target(old, old.target_unit), _target(new, new.target_unit)
                if old.target_unit == new.target_unit and None not in (before, after):
                    old_t = _number(before)  # "from 20 to 30 minutes", not "20 minutes to …"
                out.append(f"{title} target changed from {old_t} to {new_t}")
            continue
        if before == after:
            continue
        if name == title_field:
            out.append(
                f"{label} '{_short(getattr(old, title_field))}' reworded to '{_short(after)}'"
            )
        elif name.endswith("_uid"):
            out.append(
                f"{title} {said} changed from {titles.get(before, 'none')} to "
                f"{titles.get(after, 'none')}"
            )
        else:
            out.append(_change(f"{title} {said}", name, before, after, names))
    return out


def _titles(draft: PlanDraft | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if draft is None:
        return out
    for kind, (_label, title_field, _f) in LIST_FIELDS.items():
        for item in getattr(draft, kind):
            out[item.uid] = f"'{_short(getattr(item, title_field), 40)}'"
    return out


def diff(old: PlanDraft | None, new: PlanDraft, names: Namer = _no_names) -> list[str]:
    """The changes from `old` to `new`, one readable line each (`old` None: a new plan)."""
    if old is None:
        counts = [
            f"{len(getattr(new, k))} {_PLURAL[k].lower()}" for k in LIST_FIELDS if getattr(new, k)
        ]
        return ["Plan started" + (f" with {', '.join(counts)}" if counts else "")]
    out: list[str] = []
    for name, label in PLAN_FIELDS.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            out.append(_change(label, name, before, after, names))
    titles = _titles(old) | _titles(new)
    for kind, (label, title_field, _labels) in LIST_FIELDS.items():
        before = {i.uid: i for i in getattr(old, kind)}
        after = {i.uid: i for i in getattr(new, kind)}
        for uid, item in after.items():
            if uid not in before:
                out.append(f"{label} '{_short(getattr(item, title_field))}' added")
            else:
                out.extend(_item_lines(kind, before[uid], item, names, titles))
        for uid, item in before.items():
            if uid not in after:
                out.append(f"{label} '{_short(getattr(item, title_field))}' removed")
        kept_old = [u for u in before if u in after]
        kept_new = [u for u in after if u in before]
        if kept_old != kept_new:
            out.append(f"{_PLURAL[kind]} reordered")
    return out


def same(old: PlanDraft, new: PlanDraft) -> bool:
    """True when saving `new` over `old` would change nothing a person could see."""
    ignore = {"intensity_reason", "plan_id"}
    return all(
        getattr(old, f.name) == getattr(new, f.name)
        for f in fields(PlanDraft)
        if f.name not in ignore
    )
