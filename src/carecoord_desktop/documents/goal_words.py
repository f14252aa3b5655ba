"""A goal's target and progress in words (no graphics: the handout, and the plan's captions)."""

from __future__ import annotations

from carecoord_desktop.documents.careplan_data import Goal
from carecoord_desktop.documents.style import number

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def target_words(goal: Goal) -> str:
    """'7 % or lower' / '8000 steps/day or more'."""
    if goal.target_value is None:
        return ""
    unit = f" {goal.target_unit}" if goal.target_unit else ""
    if goal.target_value == 0 and goal.target_direction != "above":
        return f"none ({number(0)}{unit})"  # "0 cigarettes/day or lower" reads oddly
    side = "or more" if goal.target_direction == "above" else "or lower"
    return f"{number(goal.target_value)}{unit} {side}"


def latest_words(goal: Goal) -> str:
    """'Target 7 % or lower (dashed line). Latest 7.4 % on 3 Mar 2026 · 4 readings since
    2 Sep 2025', or 'No readings yet'."""
    if not goal.observations:
        return "No readings yet"
    points = sorted(goal.observations, key=lambda o: o.on)
    last = points[-1]
    unit = f" {goal.target_unit}" if goal.target_unit else ""
    text = f"Target {target_words(goal)} (dashed line). " if goal.target_value is not None else ""
    text += f"Latest {number(last.value)}{unit} on {last.on.day} {_MONTHS[last.on.month - 1]} "
    text += f"{last.on.year}"
    if len(points) > 1:
        first = points[0].on
        text += f" · {len(points)} readings since {first.day} {_MONTHS[first.month - 1]} "
        text += f"{first.year}"
    return text
