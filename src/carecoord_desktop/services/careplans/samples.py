"""A large, realistic plan draft for benchmarks and tests (bench/documents.py times saving it).

    draft = samples.large_draft(patient_id, goals=30, interventions=30)
    created = plans.create_plan(ws, actor, draft).value           # the first save
    draft = created.draft; samples.touch(draft)                    # change every goal
    plans.save_plan(ws, actor, draft, created.version)             # the timed save

Content is drawn from the shipped templates (cycled and numbered), so it reads like a real plan
of a patient with many conditions and fills every section the packs check.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import cycle

from carecoord_desktop.knowledge.careplans import load_templates
from carecoord_desktop.services.careplans.combine import combine
from carecoord_desktop.services.careplans.types import PlanDraft


def large_draft(
    patient_id: int, *, goals: int = 30, interventions: int = 30, today: date | None = None
) -> PlanDraft:
    today = today or date.today()
    shipped = list(load_templates().values())
    combined = combine(shipped, [], today)
    goal_pool, item_pool = cycle(combined.goals), cycle(combined.interventions)
    made_goals = []
    for n in range(goals):
        g = replace(next(goal_pool), uid=f"bench-goal-{n}")
        g.patient_words = f"{g.patient_words} ({n + 1})"
        if g.target_value is None:
            g.target_value = 80.0
        g.due_on = g.due_on or today + timedelta(weeks=26)
        g.problem_uid = g.problem_uid
        made_goals.append(g)
    made_items = []
    for n in range(interventions):
        i = replace(next(item_pool), uid=f"bench-intervention-{n}")
        i.what = f"{i.what} ({n + 1})"
        i.goal_uid = made_goals[n % len(made_goals)].uid if made_goals else None
        made_items.append(i)
    return PlanDraft(
        patient_id=patient_id,
        title="Care plan: several chronic conditions",
        status="active",
        period_start=today,
        problems=combined.problems,
        goals=made_goals,
        interventions=made_items,
        actions=combined.actions,
        warning_signs=combined.warning_signs,
        review_interval_weeks=13,
        review_arrangements="GP and practice nurse, in person, every 3 months",
        agreed_by="Patient",
        agreed_on=today,
        agreed_how="Verbal, in person",
        copy_offered=True,
        template_keys=[t.key for t in shipped],
        **combined.texts,
    )


def touch(draft: PlanDraft) -> None:
    """Change every goal's target and every intervention's status (a save that writes all)."""
    for g in draft.goals:
        g.target_value = (g.target_value or 0) + 1
    for i in draft.interventions:
        i.status = "active" if i.status != "active" else "planned"
