"""Completeness rule packs: does this plan have everything the program asks for?

A pack (resources/careplans/packs/<key>.json) lists its elements, each with a `check`; the
engine here knows the check kinds, never the programs. `check_plan(plan, pack)` is pure and
returns each element present or missing with its name and why (the editor's live checklist
and the print preview call it on the draft in memory). The practice chooses which packs apply
(`choose_packs`, a practice setting); `check_saved_plan` checks a stored plan against them.

Check kinds: list (a list has at least `min` items, optionally `where` a field is a value),
text (free-text sections filled; `all` of them or any), measurable_goals (goals with a
measure, target and due date), interventions (each with what `need` names: responsible,
frequency), review_schedule, agreement, copy_offered, any (one of `checks`), and the timing
kinds prepared_interval, review_interval, allied_health_window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.knowledge.careplans import Pack, load_packs
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, CarePlanCopy, PlanStatus, ResponsibleKind
from carecoord_desktop.models.practice import PracticeSetting
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.plans import RECORD_TYPE, plan_or_error
from carecoord_desktop.services.careplans.storage import aware, read_draft
from carecoord_desktop.services.careplans.types import PlanDraft, PlanRecord
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

SETTING = "careplan_packs"
DEFAULT_PACKS = ("gpccmp",)  # an Australian practice; the administrator chooses


@dataclass(frozen=True)
class ElementResult:
    key: str
    name: str  # as the program names it
    present: bool  # (for a timing rule: met)
    why: str  # what the program asks for
    detail: str = ""  # what exactly is missing ("2 goals have no target: 'Walk …'")


@dataclass(frozen=True)
class PackResult:
    pack_key: str
    pack_name: str
    elements: tuple[ElementResult, ...]
    timing: tuple[ElementResult, ...] = ()

    @property
    def complete(self) -> bool:
        return all(e.present for e in self.elements)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.elements if not e.present)

    def as_dict(self) -> dict:
        """Stable JSON for `carecoord plans check --json`."""
        return {
            "pack": self.pack_key,
            "name": self.pack_name,
            "complete": self.complete,
            "missing": list(self.missing),
            "elements": [e.__dict__ for e in self.elements],
            "timing": [e.__dict__ for e in self.timing],
        }


@dataclass(frozen=True)
class PlanContext:
    """What the timing rules need beyond the plan itself."""

    today: date
    prepared_on: date | None = None  # when this plan was prepared (its start)
    last_review_on: date | None = None
    other_prepared: tuple[date, ...] = ()  # preparation dates of the patient's other plans
    copies: int = 0  # copies logged as given or sent
    extra: dict = field(default_factory=dict)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _when(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _responsible(i) -> bool:
    kind = i.responsible_kind
    if kind == ResponsibleKind.STAFF.value:
        return i.responsible_staff_id is not None
    if kind == ResponsibleKind.PROVIDER.value:
        return i.responsible_member_id is not None
    if kind == ResponsibleKind.ROLE.value:
        return bool(i.responsible_role.strip())
    return kind == ResponsibleKind.PATIENT.value


def _check(check: dict, d: PlanDraft, ctx: PlanContext) -> tuple[bool, str]:
    kind = check["kind"]
    if kind == "list":
        items = getattr(d, check["field"])
        where = check.get("where") or {}
        items = [i for i in items if all(getattr(i, k) == v for k, v in where.items())]
        need = int(check.get("min", 1))
        return len(items) >= need, "" if len(items) >= need else "none listed"
    if kind == "text":
        empty = [f for f in check["fields"] if not (getattr(d, f) or "").strip()]
        if check.get("all"):
            return not empty, (
                "not written: " + ", ".join(f.replace("_", " ") for f in empty) if empty else ""
            )
        ok = len(empty) < len(check["fields"])
        return ok, "" if ok else "not written"
    if kind == "measurable_goals":
        lacking = [
            g
            for g in d.goals
            if not (g.measure.strip() and g.target_value is not None and g.due_on)
        ]
        measurable = len(d.goals) - len(lacking)
        if not d.goals:
            return False, "no goals"
        if lacking:
            named = ", ".join(f"'{_short(g.patient_words)}'" for g in lacking[:3])
            return False, f"{len(lacking)} goal(s) lack a measure, target or due date: {named}"
        return measurable >= int(check.get("min", 1)), ""
    if kind == "interventions":
        if len(d.interventions) < int(check.get("min", 1)):
            return False, "none listed"
        need = check.get("need", [])
        lacking = [
            i
            for i in d.interventions
            if ("responsible" in need and not _responsible(i))
            or ("frequency" in need and not i.frequency.strip())
        ]
        if lacking:
            said = " and ".join(
                {"responsible": "who is responsible", "frequency": "how often"}[n] for n in need
            )
            named = ", ".join(f"'{_short(i.what)}'" for i in lacking[:3])
            return False, f"{len(lacking)} without {said}: {named}"
        return True, ""
    if kind == "review_schedule":
        ok = d.review_interval_weeks is not None
        return ok, "" if ok else "no review interval set"
    if kind == "agreement":
        gaps = [
            n
            for n, v in (("who", d.agreed_by), ("when", d.agreed_on), ("how", d.agreed_how))
            if not v
        ]
        return not gaps, "" if not gaps else "not recorded: " + ", ".join(gaps)
    if kind == "copy_offered":
        ok = d.copy_offered or ctx.copies > 0
        return ok, "" if ok else "no copy offered or given yet"
    if kind == "any":
        results = [_check(c, d, ctx) for c in check["checks"]]
        return any(ok for ok, _ in results), "" if any(ok for ok, _ in results) else "none"
    return _timing(check, d, ctx)


def _timing(check: dict, d: PlanDraft, ctx: PlanContext) -> tuple[bool, str]:
    kind, months = check["kind"], int(check.get("months", 0))
    prepared = ctx.prepared_on or d.period_start or ctx.today
    if kind == "prepared_interval":
        recent = [p for p in ctx.other_prepared if p <= prepared < _months_after(p, months)]
        if recent:
            last = max(recent)
            return False, (
                f"another plan was prepared on {_when(last)}; a new one can be "
                f"prepared from {_when(_months_after(last, months))}"
            )
        return True, ""
    if kind == "review_interval":
        weeks = d.review_interval_weeks
        if weeks is None:
            return False, "no review interval set"
        if weeks < 13:
            return False, f"reviews every {weeks} weeks are more often than every {months} months"
        if ctx.last_review_on and ctx.today < _months_after(ctx.last_review_on, months):
            return (
                True,
                f"next review claimable from {_when(_months_after(ctx.last_review_on, months))}",
            )
        return True, ""
    if kind == "allied_health_window":
        allied = [
            i
            for i in d.interventions
            if i.is_service or i.responsible_kind == ResponsibleKind.PROVIDER.value
        ]
        if not allied:
            return True, "no allied health services in the plan"
        since = max(x for x in (prepared, ctx.last_review_on) if x is not None)
        until = _months_after(since, months)
        if ctx.today >= until:
            return False, (
                f"prepared or last reviewed on {_when(since)}: review the plan before referring"
            )
        return True, f"referrals valid until {_when(until)}"
    raise ValidationError(f"The rule pack uses a check this version does not know: {kind}.")


def check_plan(
    plan: PlanDraft | PlanRecord, pack: Pack, context: PlanContext | None = None
) -> PackResult:
    """Each element of `pack` present or missing in `plan` (a draft, or a stored plan whose
    copies and review date count too), with its name and why."""
    draft = plan.draft if isinstance(plan, PlanRecord) else plan
    if context is None:
        context = PlanContext(today=date.today())
        if isinstance(plan, PlanRecord):
            context = PlanContext(
                today=date.today(),
                prepared_on=plan.draft.period_start or plan.created_at.date(),
                last_review_on=plan.last_review_on,
                copies=len(plan.copies),
            )

    def run(items):
        out = []
        for e in items:
            ok, detail = _check(e.check, draft, context)
            out.append(ElementResult(e.key, e.name, ok, e.why, detail))
        return tuple(out)

    return PackResult(pack.key, pack.name, run(pack.elements), run(pack.timing))


def list_packs(root: Path | None = None) -> list[Pack]:
    return list(load_packs(root).values())


def pack(key: str, root: Path | None = None) -> Pack:
    found = load_packs(root).get(key)
    if found is None:
        known = ", ".join(sorted(load_packs(root)))
        raise ValidationError(f"There is no rule pack '{key}' (known: {known}).", field="pack")
    return found


def chosen_packs(ws: Workspace, root: Path | None = None) -> list[Pack]:
    """The packs the practice claims under (the setting, or the default)."""
    with ws.session() as session:
        row = session.get(PracticeSetting, SETTING)
    keys = json.loads(row.value) if row else list(DEFAULT_PACKS)
    known = load_packs(root)
    return [known[k] for k in keys if k in known]


def choose_packs(
    ws: Workspace, actor: Actor, keys: list[str], root: Path | None = None
) -> Changed[list[Pack]]:
    """Set which programs' packs the practice checks plans against (administrators)."""
    require(actor, Permission.CHANGE_SETTINGS)
    for k in keys:
        pack(k, root)
    with ws.session() as session:
        row = session.get(PracticeSetting, SETTING) or PracticeSetting(key=SETTING, value="[]")
        row.value = json.dumps(list(dict.fromkeys(keys)))
        session.add(row)
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type="practice_setting",
            detail=f"changed: {SETTING}",
        )
        session.commit()
    return Changed(chosen_packs(ws, root), Changes.of(Kind.SETTINGS, Kind.AUDIT))


def context_for(session: Session, plan: CarePlan, today: date) -> PlanContext:
    others = session.exec(
        select(CarePlan.period_start, CarePlan.created_at).where(
            CarePlan.patient_id == plan.patient_id,
            CarePlan.id != plan.id,
            CarePlan.status != PlanStatus.CANCELLED.value,
        )
    ).all()
    copies = session.exec(select(CarePlanCopy.id).where(CarePlanCopy.plan_id == plan.id)).all()
    return PlanContext(
        today=today,
        prepared_on=plan.period_start or aware(plan.created_at).date(),
        last_review_on=plan.last_review_on,
        other_prepared=tuple(start or aware(created).date() for start, created in others),
        copies=len(copies),
    )


def check_saved_plan(
    ws: Workspace,
    actor: Actor,
    plan_id: int,
    pack_keys: list[str] | None = None,
    *,
    today: date | None = None,
    root: Path | None = None,
) -> list[PackResult]:
    """A stored plan against the given packs (or the practice's); audited as a view."""
    require(actor, Permission.VIEW_PATIENTS)
    packs = [pack(k, root) for k in pack_keys] if pack_keys else chosen_packs(ws, root)
    with ws.session() as session:
        plan = plan_or_error(session, plan_id)
        draft = read_draft(session, plan)
        ctx = context_for(session, plan, today or date.today())
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=plan.patient_id,
            record_type=RECORD_TYPE,
            record_id=plan.id,
            detail="checked care plan against " + ", ".join(p.key for p in packs),
        )
        session.commit()
    return [check_plan(draft, p, ctx) for p in packs]
