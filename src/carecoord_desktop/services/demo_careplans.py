"""The demo practice's care plans: plans for a realistic share of patients with a chronic
condition a template covers, some complete, some incomplete, some with an overdue review, some
drafts and a few closed, and goals with a history of observations heading for their targets.

Built from the shipped templates with the same combining the app uses, then written in one
transaction with one audit row (like demo.seed_patients): at 5,000 patients the services' one
transaction per plan would take minutes. Options: `{"careplans": share}` (0 to 1) of the
eligible patients who get a plan (default 0.5).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

from carecoord_desktop.knowledge.careplans import load_templates
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import (
    CarePlan,
    CarePlanCopy,
    CarePlanIntensityChange,
    CarePlanRevision,
    Intensity,
    Observation,
    ObservationKind,
    PlanStatus,
    RevisionKind,
)
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import diffing, snapshot
from carecoord_desktop.services.careplans.combine import ConditionRef, combine
from carecoord_desktop.services.careplans.storage import CHILDREN, PLAN_COLUMNS, next_review_due
from carecoord_desktop.services.careplans.types import PlanDraft
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.workspace import Workspace

if TYPE_CHECKING:  # demo_features lists this module's seed: no import back at run time
    from carecoord_desktop.services.demo_features import DemoStaff

DEFAULT_SHARE = 0.5
BATCH = 500  # plans held in memory before they are written
# status mix of the plans: (weight, kind)
MIX = (
    (0.50, "complete"),
    (0.17, "incomplete"),
    (0.15, "overdue"),
    (0.10, "draft"),
    (0.05, "completed"),
    (0.03, "cancelled"),
)
# (start, spread) of a goal's first value, and how far towards the target it moves each step
START = {
    ObservationKind.HBA1C: (68.0, 8.0),
    ObservationKind.BP_SYSTOLIC: (152.0, 10.0),
    ObservationKind.WEIGHT: (94.0, 14.0),
    ObservationKind.EGFR: (52.0, 8.0),
    ObservationKind.PHQ9: (16.0, 3.0),
    ObservationKind.PEAK_FLOW: (330.0, 40.0),
    ObservationKind.STEPS: (2600.0, 700.0),
}
_CODES_SQL = (
    "SELECT c.patient_id, c.id, c.code, c.display FROM condition c "
    "WHERE c.status = 'active' AND c.chronic = 1 ORDER BY c.patient_id, c.id"
)


def _pick(rng: random.Random, mix) -> str:
    roll, total = rng.random(), 0.0
    for weight, kind in mix:
        total += weight
        if roll < total:
            return kind
    return mix[-1][1]


def seed(
    ws: Workspace,
    admin: Actor,
    rng: random.Random,
    *,
    patient_ids: list[int],
    staff: list[DemoStaff],
    options: dict,
) -> None:
    share = float(options.get("careplans", DEFAULT_SHARE))
    authors = [s for s in staff if s.role in (Role.GP, Role.NURSE, Role.COORDINATOR)]
    if not patient_ids or not authors or share <= 0:
        return
    templates = list(load_templates().values())
    today = date.today()
    wanted = set(patient_ids)
    with ws.session() as session:
        conditions: dict[int, list[ConditionRef]] = {}
        for pid, cid, code, display in session.execute(text(_CODES_SQL)):
            if pid in wanted:
                conditions.setdefault(pid, []).append(ConditionRef(cid, code, display))
        prefs = dict(
            session.execute(
                text(
                    "SELECT id, cultural_considerations FROM patient "
                    "WHERE cultural_considerations IS NOT NULL"
                )
            ).all()
        )
        plan_id = (session.execute(select(func.max(CarePlan.id))).scalar() or 0) + 1
        rows = _empty_rows()
        made = observed = 0
        for pid in patient_ids:
            fits = [
                t for t in templates if any(c.code in t.snomed for c in conditions.get(pid, ()))
            ]
            if not fits or rng.random() >= share:
                continue
            kind = _pick(rng, MIX)
            author = rng.choice(authors)
            _plan(
                rng,
                rows,
                plan_id,
                pid,
                fits[:3],
                conditions[pid],
                prefs.get(pid),
                kind,
                author,
                today,
            )
            plan_id += 1
            made += 1
            if len(rows["plan"]) >= BATCH:  # bounded memory at 100k patients
                observed += _insert(session, rows)
                rows = _empty_rows()
        observed += _insert(session, rows)
        audit.record(
            session,
            admin,
            AuditAction.CREATE,
            record_type="care_plan",
            detail=f"demo: seeded {made} care plans and {observed} observations",
        )
        session.commit()


def _empty_rows() -> dict[str, list[dict]]:
    names = ("plan", *CHILDREN, "revision", "intensity", "copy", "observation")
    return {name: [] for name in names}


def _insert(session, rows: dict[str, list[dict]]) -> int:
    """Write one batch, parents first; returns the observations written."""
    for name, table in (
        ("plan", CarePlan.__table__),
        *((n, CHILDREN[n][0].__table__) for n in CHILDREN),
        ("revision", CarePlanRevision.__table__),
        ("intensity", CarePlanIntensityChange.__table__),
        ("copy", CarePlanCopy.__table__),
        ("observation", Observation.__table__),
    ):
        if rows[name]:
            session.execute(table.insert(), rows[name])
    return len(rows["observation"])


def _plan(rng, rows, plan_id, pid, fits, conditions, cultural, kind, author, today) -> None:
    if kind in ("overdue",):
        start = today - timedelta(days=rng.randint(150, 330))
    elif kind in ("completed", "cancelled"):
        start = today - timedelta(days=rng.randint(400, 700))
    else:
        start = today - timedelta(days=rng.randint(0, 300))
    combined = combine(fits, conditions, start)
    status = {
        "draft": PlanStatus.DRAFT,
        "completed": PlanStatus.COMPLETED,
        "cancelled": PlanStatus.CANCELLED,
    }.get(kind, PlanStatus.ACTIVE).value
    draft = PlanDraft(
        patient_id=pid,
        plan_id=plan_id,
        title="Care plan: " + ", ".join(t.name for t in fits),
        status=status,
        period_start=start,
        period_end=start + timedelta(days=365) if kind in ("completed", "cancelled") else None,
        author_id=author.id,
        intensity=rng.choice(
            [Intensity.ACTIVE.value] * 3 + [Intensity.INTENSIVE.value, Intensity.MAINTENANCE.value]
        ),
        problems=combined.problems,
        goals=combined.goals,
        interventions=combined.interventions,
        actions=combined.actions,
        warning_signs=combined.warning_signs,
        cultural_considerations=cultural or "",
        review_interval_weeks=combined.review_interval_weeks or 13,
        template_keys=[t.key for t in fits],
        **combined.texts,
    )
    for g in draft.goals:
        if g.target_value is None and g.measure_kind == ObservationKind.WEIGHT.value:
            g.target_value = float(rng.randint(70, 95))
    complete = kind in ("complete", "overdue", "completed")
    if complete:
        draft.agreed_by = rng.choice(["Patient", "Patient", "Patient and carer"])
        draft.agreed_on = start
        draft.agreed_how = rng.choice(["Verbal, in person", "Signed", "Verbal, by phone"])
        draft.copy_offered = True
    elif kind == "incomplete":
        draft.coordination = ""  # the most often forgotten section, and the agreement
    last_review = None
    reviewed = kind == "complete" or (kind == "incomplete" and rng.random() < 0.6)
    if reviewed and (today - start).days > 100:
        last_review = today - timedelta(days=rng.randint(5, 80))
    created_at = datetime.combine(start, datetime.min.time(), UTC) + timedelta(hours=10)
    nxt = next_review_due(draft, last_review, start)
    revisions = [(RevisionKind.CREATED, diffing.diff(None, draft), "", created_at)]
    if last_review is not None:
        at = datetime.combine(last_review, datetime.min.time(), UTC) + timedelta(hours=11)
        revisions.append(
            (
                RevisionKind.REVIEWED,
                [f"Reviewed on {last_review.day} {last_review:%b %Y}: goals and medicines checked"],
                "Three-monthly review",
                at,
            )
        )
    rows["plan"].append(
        {
            **{n: getattr(draft, n) for n in PLAN_COLUMNS},
            "id": plan_id,
            "version": len(revisions),
            "patient_id": pid,
            "template_keys": ",".join(draft.template_keys),
            "revision": len(revisions),
            "last_review_on": last_review,
            "next_review_on": nxt,
            "created_at": created_at,
            "updated_at": revisions[-1][3],
            "updated_by_id": author.id,
        }
    )
    for name, (_table, _cls, copied) in CHILDREN.items():
        for position, item in enumerate(getattr(draft, name)):
            rows[name].append(
                {
                    "plan_id": plan_id,
                    "uid": item.uid,
                    "position": position,
                    "version": 1,
                    **{f: getattr(item, f) for f in copied},
                }
            )
    stored = snapshot.to_json(replace(draft, intensity_reason=""))
    for number, (rev_kind, lines, reason, at) in enumerate(revisions, start=1):
        rows["revision"].append(
            {
                "plan_id": plan_id,
                "number": number,
                "kind": rev_kind.value,
                "saved_at": at,
                "saved_by_id": author.id,
                "summary": "\n".join(lines),
                "reason": reason,
                "snapshot": stored,
                "version": 1,
            }
        )
    rows["intensity"].append(
        {
            "plan_id": plan_id,
            "at": created_at,
            "by_id": author.id,
            "from_intensity": None,
            "to_intensity": draft.intensity,
            "reason": "Plan started",
            "version": 1,
        }
    )
    if complete:
        rows["copy"].append(
            {
                "plan_id": plan_id,
                "recipient_kind": "patient",
                "recipient": "Patient",
                "given_on": start,
                "method": rng.choice(["handed over", "email", "post"]),
                "plan_revision": 1,
                "recorded_by_id": author.id,
                "recorded_at": created_at,
                "version": 1,
            }
        )
    if kind != "draft":
        _observations(rng, rows["observation"], pid, draft, start, today, author.id)


def _observations(rng, out, pid, draft: PlanDraft, start, today, by) -> None:
    for g in draft.goals:
        try:
            obs_kind = ObservationKind(g.measure_kind)
        except ValueError:
            continue
        if obs_kind not in START or g.target_value is None:
            continue
        first, spread = START[obs_kind]
        value = first + rng.uniform(-spread, spread)
        if g.target_direction == "below":
            value = max(value, g.target_value * 1.08)
        else:
            value = min(value, g.target_value * 0.9)
        day = start - timedelta(days=rng.randint(0, 20))
        step = rng.uniform(0.1, 0.35)  # how much of the gap closes each visit
        while day <= today:
            out.append(
                {
                    "patient_id": pid,
                    "goal_uid": g.uid,
                    "kind": obs_kind.value,
                    "label": "",
                    "value": round(value, 1 if value < 1000 else 0),
                    "unit": g.target_unit,
                    "observed_on": day,
                    "note": "",
                    "recorded_by_id": by,
                    "recorded_at": datetime.combine(day, datetime.min.time(), UTC),
                    "version": 1,
                }
            )
            gap = g.target_value - value
            value += gap * step + rng.uniform(-0.04, 0.04) * abs(first)
            day += timedelta(days=rng.randint(70, 110))
