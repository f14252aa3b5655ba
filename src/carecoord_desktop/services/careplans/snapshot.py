"""A PlanDraft as JSON and back: the saved versions' snapshots and the autosaved drafts.

Keys unknown to this code are ignored and missing ones take the dataclass default, so a
snapshot written by an older or newer release still opens.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from carecoord_desktop.services.careplans.types import (
    ActionDraft,
    GoalDraft,
    InterventionDraft,
    PlanDraft,
    ProblemDraft,
    WarningSignDraft,
)

LISTS = {
    "problems": ProblemDraft,
    "goals": GoalDraft,
    "interventions": InterventionDraft,
    "actions": ActionDraft,
    "warning_signs": WarningSignDraft,
}
_DATES = {"period_start", "period_end", "agreed_on", "due_on"}


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_dict(draft: PlanDraft) -> dict:
    # Field by field rather than dataclasses.asdict, whose deep copies cost 2 ms a plan.
    out = {}
    for name, value in vars(draft).items():
        if name in LISTS:
            out[name] = [{k: _plain(v) for k, v in vars(item).items()} for item in value]
        else:
            out[name] = _plain(value)
    return out


def to_json(draft: PlanDraft) -> str:
    return json.dumps(to_dict(draft), ensure_ascii=False, sort_keys=True)


def _build(cls, data: dict):
    names = {f.name for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key in _DATES and isinstance(value, str):
            value = date.fromisoformat(value)
        elif key in LISTS and isinstance(value, list):
            value = [_build(LISTS[key], item) for item in value if isinstance(item, dict)]
        values[key] = value
    return cls(**values)


def from_dict(data: dict) -> PlanDraft:
    return _build(PlanDraft, data)


def from_json(text: str) -> PlanDraft:
    return from_dict(json.loads(text))
