"""Plan templates: the shipped ones (resources/careplans/templates) and the practice's own
copies (care_plan_template rows, practice-wide), and starting a plan from several at once.

A practice copies a shipped template (`copy_template`), edits its copy (`update_template`,
the same JSON shape as the shipped files) and retires what it does not use
(`retire_template`: a copy is marked retired; a shipped template is hidden for the practice).
Keys: a shipped template keeps its file's key ("t2dm"); a practice copy is "practice-<id>".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.knowledge.careplans import (
    KnowledgeFileError,
    Template,
    load_templates,
    template_from,
)
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlanTemplate, PlanStatus
from carecoord_desktop.models.patient import Condition, Patient
from carecoord_desktop.models.practice import PracticeSetting
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.careplans.combine import (
    ConditionRef,
    combine,
    matching_templates,
)
from carecoord_desktop.services.careplans.storage import now
from carecoord_desktop.services.careplans.types import PlanDraft, PlanRecord
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

_HIDDEN = "careplan_hidden_templates"  # practice setting: shipped keys the practice retired
PRACTICE_PREFIX = "practice-"


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    version: str
    source: str  # "RACGP and Diabetes Australia: Management of type 2 diabetes … (2020)"
    shipped: bool
    retired: bool
    based_on: str | None
    conditions: tuple[str, ...]  # condition names it is for
    goals: int
    interventions: int
    row_version: int = 0  # a practice copy's version, for update_template (0: shipped)


def _info(t: Template, *, retired: bool, based_on: str | None = None, row_version: int = 0):
    return TemplateInfo(
        t.key,
        t.name,
        t.version,
        t.source_text,
        t.shipped,
        retired,
        based_on,
        t.names,
        len(t.data.get("goals", [])),
        len(t.data.get("interventions", [])),
        row_version,
    )


def _hidden(session: Session) -> set[str]:
    row = session.get(PracticeSetting, _HIDDEN)
    return set(json.loads(row.value)) if row else set()


def _practice_template(row: CarePlanTemplate) -> Template:
    data = json.loads(row.data)
    data["key"] = row.key
    data["name"] = row.name
    return template_from(data, Path(f"{row.key}.json"), shipped=False)


def _all(
    session: Session, root: Path | None
) -> list[tuple[Template, bool, CarePlanTemplate | None]]:
    hidden = _hidden(session)
    out = [(t, t.key in hidden, None) for t in load_templates(root).values()]
    for row in session.exec(select(CarePlanTemplate).order_by(CarePlanTemplate.id)):
        out.append((_practice_template(row), row.retired, row))
    return out


def list_templates(
    ws: Workspace, actor: Actor, *, include_retired: bool = False, root: Path | None = None
) -> list[TemplateInfo]:
    """Every template the practice can start a plan from (the practice's copies after the
    shipped ones), without the retired ones unless asked. No patient data: not audited."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = _all(session, root)
    return [
        _info(
            t,
            retired=r,
            based_on=row.based_on if row else None,
            row_version=row.version if row else 0,
        )
        for t, r, row in found
        if include_retired or not r
    ]


def template_data(ws: Workspace, actor: Actor, key: str, *, root: Path | None = None) -> dict:
    """A template's content (the JSON shape of the shipped files), for the template editor."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        return json.loads(json.dumps(_get(session, key, root).data))


def _get(session: Session, key: str, root: Path | None) -> Template:
    for t, _retired, _row in _all(session, root):
        if t.key == key:
            return t
    raise ValidationError(f"There is no care plan template '{key}'.", field="template")


def _row(session: Session, key: str) -> CarePlanTemplate:
    row = session.exec(select(CarePlanTemplate).where(CarePlanTemplate.key == key)).first()
    if row is None:
        raise ValidationError(
            "Only the practice's own copies can be edited: copy the template first.",
            field="template",
        )
    return row


def _audit(session: Session, actor: Actor, action: AuditAction, key: str, detail: str) -> None:
    audit.record(
        session, actor, action, record_type="care_plan_template", record_id=key, detail=detail
    )


def copy_template(
    ws: Workspace, actor: Actor, key: str, *, name: str | None = None, root: Path | None = None
) -> Changed[TemplateInfo]:
    """A practice copy of a template (shipped or another copy), to edit."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        source = _get(session, key, root)
        data = json.loads(json.dumps(source.data))
        new_name = (name or f"{source.name} (practice copy)").strip()[:200]
        row = CarePlanTemplate(
            key=f"{PRACTICE_PREFIX}new",
            name=new_name,
            based_on=source.key if source.shipped else None,
            data=json.dumps(data, ensure_ascii=False),
            updated_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        row.key = f"{PRACTICE_PREFIX}{row.id}"
        session.add(row)
        session.flush()
        _audit(session, actor, AuditAction.CREATE, row.key, f"copied template {source.key}")
        session.commit()
        info = _info(
            _practice_template(row), retired=False, based_on=row.based_on, row_version=row.version
        )
    return Changed(info, Changes.of(Kind.SETTINGS, Kind.AUDIT))


def update_template(
    ws: Workspace, actor: Actor, key: str, data: dict, version: int | None
) -> Changed[TemplateInfo]:
    """Save an edited practice copy (`data` in the shipped files' shape; `version` the
    TemplateInfo.row_version it was opened with: a stale save is refused)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    target = conflicts.Target(
        "care_plan_template", key, "this template",
        # The Templates dialog has no Reload: choosing the template again is its reload.
        advice="Choose it in the list again to see their version; what you typed stays on "
        "screen until then.",
    )  # fmt: skip
    with ws.write_session() as session:
        row = _row(session, key)
        conflicts.check(session, actor, target, row.version, version)
        name = str(data.get("name") or row.name).strip()[:200]
        checked = dict(data, key=key, name=name)
        try:
            template = template_from(checked, Path(f"{key}.json"), shipped=False)
        except KnowledgeFileError as exc:
            raise ValidationError(str(exc).split(": ", 1)[-1], field="template") from None
        for goal in checked.get("goals", []):
            if not str(goal.get("patient_words", "")).strip():
                raise ValidationError("Every goal needs the patient's words.", field="goals")
        row.name, row.data = name, json.dumps(checked, ensure_ascii=False)
        row.updated_at, row.updated_by_id = now(), actor.user_id
        session.add(row)
        with conflicts.refused_if_stale(ws, actor, target):
            session.flush()
        _audit(session, actor, AuditAction.UPDATE, key, "changed: template content")
        session.commit()
        info = _info(template, retired=row.retired, based_on=row.based_on, row_version=row.version)
    return Changed(info, Changes.of(Kind.SETTINGS, Kind.AUDIT))


def retire_template(
    ws: Workspace, actor: Actor, key: str, *, retired: bool = True, root: Path | None = None
) -> Changed[None]:
    """Stop offering a template for new plans (or offer it again). Plans already started from
    it keep everything."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        template = _get(session, key, root)
        if template.shipped:
            hidden = _hidden(session)
            hidden = hidden | {key} if retired else hidden - {key}
            setting = session.get(PracticeSetting, _HIDDEN)
            if setting is None:
                setting = PracticeSetting(key=_HIDDEN, value="[]")
            setting.value = json.dumps(sorted(hidden))
            session.add(setting)
        else:
            row = _row(session, key)
            row.retired, row.updated_at, row.updated_by_id = retired, now(), actor.user_id
            session.add(row)
        _audit(session, actor, AuditAction.UPDATE, key, "retired" if retired else "reinstated")
        session.commit()
    return Changed(None, Changes.of(Kind.SETTINGS, Kind.AUDIT))


def _conditions(session: Session, patient_id: int) -> list[ConditionRef]:
    rows = session.exec(
        select(Condition).where(Condition.patient_id == patient_id, Condition.status == "active")
    )
    return [ConditionRef(c.id, c.code, c.display) for c in rows]


def suggested_templates(
    ws: Workspace, actor: Actor, patient_id: int, *, root: Path | None = None
) -> list[TemplateInfo]:
    """The (unretired) templates that fit the patient's active conditions."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        patient_or_error(session, patient_id)
        found = [(t, row) for t, retired, row in _all(session, root) if not retired]
        fits = {
            t.key
            for t in matching_templates([t for t, _ in found], _conditions(session, patient_id))
        }
    return [
        _info(t, retired=False, based_on=row.based_on if row else None)
        for t, row in found
        if t.key in fits
    ]


def draft_from_templates(
    session: Session, patient: Patient, templates: Sequence[Template], today: date
) -> tuple[PlanDraft, int]:
    """A new plan's draft from templates, with the record's preferences and cultural or
    religious considerations carried over. Returns the draft and how many duplicate items
    were merged."""
    combined = combine(templates, _conditions(session, patient.id), today)
    preferences = "; ".join(
        p
        for p in (
            patient.communication_preferences,
            patient.preferred_language
            and f"Preferred language: {patient.preferred_language}"
            + (" (interpreter needed)" if patient.interpreter_needed else ""),
        )
        if p
    )
    draft = PlanDraft(
        patient_id=patient.id,
        title="Care plan: " + ", ".join(t.name for t in templates) if templates else "Care plan",
        status=PlanStatus.DRAFT.value,
        period_start=today,
        problems=combined.problems,
        goals=combined.goals,
        interventions=combined.interventions,
        actions=combined.actions,
        warning_signs=combined.warning_signs,
        preferences=preferences,
        cultural_considerations=patient.cultural_considerations or "",
        template_keys=[t.key for t in templates],
        intensity_reason="Plan started",
        **combined.texts,
    )
    if combined.review_interval_weeks:
        draft.review_interval_weeks = combined.review_interval_weeks
    return draft, combined.merged


def start_plan_from_templates(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    template_keys: Sequence[str],
    *,
    today: date | None = None,
    root: Path | None = None,
) -> Changed[PlanRecord]:
    """Start (and save, as a draft) a plan for the patient from one or more templates; the
    same goal or intervention from two templates appears once. No keys: an empty plan."""
    require(actor, Permission.EDIT_CARE_PLANS)
    keys = list(dict.fromkeys(template_keys))
    with ws.session() as session:
        patient = patient_or_error(session, patient_id)
        templates = [_get(session, k, root) for k in keys]
        draft, _merged = draft_from_templates(session, patient, templates, today or date.today())
    return plans.create_plan(ws, actor, draft)
