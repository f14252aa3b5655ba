"""The editor's work that runs on the thread pool: plain functions over the services, no widgets.

Each returns plain data for the slot that continues on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from carecoord_desktop.services.careplans import drafts, plans
from carecoord_desktop.services.careplans.choices import PlanChoices, plan_choices
from carecoord_desktop.services.careplans.drafts import Autosaved
from carecoord_desktop.services.careplans.types import PlanDraft, PlanRecord
from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.permissions import Permission, can


@dataclass(frozen=True)
class Opened:
    record: PlanRecord
    choices: PlanChoices
    autosaved: Autosaved | None  # this user's unsaved draft, when it differs from the plan


def open_plan(ws, actor, plan_id: int) -> Opened:
    record = plans.load_plan(ws, actor, plan_id)
    choices = plan_choices(ws, actor, record.draft.patient_id)
    autosaved = None
    if can(actor, Permission.EDIT_CARE_PLANS):
        autosaved = drafts.load_autosave(ws, actor, plan_id)
        if autosaved is not None and autosaved.draft == record.draft:
            drafts.discard_autosave(ws, actor, plan_id)  # nothing in it that is not saved
            autosaved = None
    return Opened(record, choices, autosaved)


def save_plan(ws, actor, draft: PlanDraft, base_version: int) -> Changed:
    """Save the whole draft; the autosaved copy goes once it is saved."""
    result = plans.save_plan(ws, actor, draft, base_version)
    drafts.discard_autosave(ws, actor, draft.plan_id)
    return result


def complete_review(ws, actor, draft, base_version, what_changed: str, why: str) -> Changed:
    from carecoord_desktop.services.careplans import reviews

    result = reviews.complete_review(
        ws, actor, draft, base_version, what_changed=what_changed, why=why
    )
    drafts.discard_autosave(ws, actor, draft.plan_id)
    return result


def autosave(ws, actor, draft: PlanDraft, base_version: int):
    return drafts.autosave_draft(ws, actor, draft, base_version)
