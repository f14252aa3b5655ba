"""The community resources directory: search by words and category, add, edit, retire; and a
resource linked to a patient (and to one of their care plan's interventions).

The directory is the practice's list of services, not patient data: reading it needs only
VIEW_PATIENTS, keeping it MANAGE_RESOURCES (reception keeps it up to date as well). Linking a
resource to a patient writes to the record (EDIT_PATIENTS) and is audited with ids only.
"""

from __future__ import annotations

from dataclasses import asdict

from rapidfuzz import fuzz
from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models._common import utcnow
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, CarePlanIntervention
from carecoord_desktop.models.referral import (
    CommunityResource,
    PatientResource,
    ResourceCategory,
)
from carecoord_desktop.services import audit, conflicts
from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import editable_patient, fold
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.services.referrals.types import ResourceDraft, ResourceRow
from carecoord_desktop.store.workspace import Workspace

RECORD_TYPE = "community_resource"
_LIMITS = {
    "name": 120,
    "organisation": 120,
    "phone": 32,
    "email": 120,
    "website": 200,
    "address": 200,
    "area": 80,
    "eligibility": 500,
    "hours": 200,
    "cost": 200,
    "notes": 1000,
}
_WORDS = {
    "name": "name",
    "organisation": "organisation",
    "phone": "phone number",
    "email": "email",
    "website": "website",
    "address": "address",
    "area": "area",
    "eligibility": "eligibility",
    "hours": "hours",
    "cost": "cost",
    "notes": "notes",
}
_SEARCHED = ("name", "organisation", "area", "address", "eligibility", "notes")
FUZZY_THRESHOLD = 80  # one letter wrong in a 5-letter word ("meels") still finds "meals"
FUZZY_MIN = 4  # shorter words must appear as typed (fuzzy "bus" would find "bush", "gym" "gum")


def target(resource_id: int) -> conflicts.Target:
    return conflicts.Target(
        RECORD_TYPE,
        resource_id,
        "this service",
        advice="The directory now shows it as it is; edit it again if you still need to.",
    )


def parse_category(value) -> str:
    raw = getattr(value, "value", value)
    text = fold(str(raw or "")).replace("'", "").replace("-", " ")
    for cat in ResourceCategory:
        if text in (cat.value, cat.value.replace("_", " ")):
            return cat.value
    from carecoord_desktop.models.referral import CATEGORY_LABELS

    for cat, label in CATEGORY_LABELS.items():
        if text == fold(label).replace("'", ""):
            return cat.value
    aliases = {
        "carers": "carers_support",
        "exercise groups": "exercise",
        "interpreter": "interpreters",
        "home care": "home_help",
        "meal": "meals",
    }
    if text in aliases:
        return aliases[text]
    choices = ", ".join(label for label in CATEGORY_LABELS.values())
    raise ValidationError(f"Choose a category: {choices}.", field="category")


def clean(draft: ResourceDraft) -> dict:
    """The draft's values trimmed and checked, or a ValidationError naming the field."""
    values = {}
    for name, limit in _LIMITS.items():
        text = (getattr(draft, name) or "").strip()
        if len(text) > limit:
            raise ValidationError(f"Keep the {_WORDS[name]} under {limit} characters.", field=name)
        values[name] = text or None
    if not values["name"]:
        raise ValidationError("Enter the service's name.", field="name")
    email = values["email"]
    if email and ("@" not in email or " " in email):
        raise ValidationError("That email address is not complete (name@example.org).", "email")
    values["category"] = parse_category(draft.category)
    values["name_key"] = fold(values["name"])
    values["area_key"] = fold(values["area"] or "")
    return values


def _row(r: CommunityResource) -> ResourceRow:
    return ResourceRow(
        id=r.id,
        version=r.version,
        name=r.name,
        category=r.category,
        organisation=r.organisation,
        phone=r.phone,
        email=r.email,
        website=r.website,
        address=r.address,
        area=r.area,
        eligibility=r.eligibility,
        hours=r.hours,
        cost=r.cost,
        notes=r.notes,
        active=r.active,
    )


def duplicate_of(session: Session, name_key: str, area_key: str, but: int | None = None):
    q = select(CommunityResource).where(
        CommunityResource.name_key == name_key, CommunityResource.area_key == area_key
    )
    found = session.exec(q).first()
    return None if found is None or found.id == but else found


def _duplicate_error(found: CommunityResource) -> ValidationError:
    where = f" in {found.area}" if found.area else ""
    retired = " (retired: bring it back instead)" if not found.active else ""
    return ValidationError(f"The directory already has {found.name}{where}{retired}.", field="name")


def search_resources(
    ws: Workspace,
    actor: Actor,
    words: str = "",
    category: ResourceCategory | str | None = None,
    *,
    include_retired: bool = False,
) -> list[ResourceRow]:
    """Services whose category, name, organisation, area, address, eligibility or notes hold
    each word typed (a misspelt word matched fuzzily), best first; by name with no words."""
    require(actor, Permission.VIEW_PATIENTS)
    q = select(CommunityResource)
    if category:
        q = q.where(CommunityResource.category == parse_category(category))
    if not include_retired:
        q = q.where(CommunityResource.active.is_(True))
    with ws.session() as session:
        rows = [_row(r) for r in session.exec(q)]
    terms = fold(words).split()
    if not terms:
        return sorted(rows, key=lambda r: (not r.active, fold(r.name)))
    scored = []
    for r in rows:
        hay = fold(" ".join([r.category_label, *(getattr(r, f) or "" for f in _SEARCHED)]))
        tokens = hay.split()
        score = 0.0
        for term in terms:
            if term in hay:
                best = 100.0
            elif len(term) >= FUZZY_MIN:
                best = max((fuzz.ratio(term, t) for t in tokens), default=0.0)
            else:
                best = 0.0
            if best < FUZZY_THRESHOLD:
                break
            score += best + (20 if term in fold(r.name) else 0)
        else:
            scored.append((-score, fold(r.name), r))
    return [r for *_, r in sorted(scored, key=lambda x: x[:2])]


def get_resource(ws: Workspace, actor: Actor, resource_id: int) -> ResourceRow:
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        found = session.get(CommunityResource, resource_id)
        if found is None:
            raise ValidationError("That service is not in the directory.", field="resource_id")
        return _row(found)


def add_resource(ws: Workspace, actor: Actor, draft: ResourceDraft) -> Changed[int]:
    require(actor, Permission.MANAGE_RESOURCES)
    values = clean(draft)
    with ws.write_session() as session:
        found = duplicate_of(session, values["name_key"], values["area_key"])
        if found is not None:
            raise _duplicate_error(found)
        row = CommunityResource(**values, created_by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=row.id,
            detail="added to the directory",
        )
        session.commit()
        return Changed(row.id, Changes.of(Kind.RESOURCES, Kind.AUDIT))


def edit_resource(
    ws: Workspace, actor: Actor, resource_id: int, draft: ResourceDraft, *, version: int | None
) -> Changed[ResourceRow]:
    """Save the form; `version` is the row's when the form was opened (a stale save is refused
    with who changed it, and the typed values stay on screen)."""
    require(actor, Permission.MANAGE_RESOURCES)
    values = clean(draft)
    tgt = target(resource_id)
    with ws.write_session() as session:
        row = session.get(CommunityResource, resource_id)
        if row is None:
            raise conflicts.removed_error(session, actor, tgt)
        conflicts.check(session, actor, tgt, row.version, version)
        found = duplicate_of(session, values["name_key"], values["area_key"], but=resource_id)
        if found is not None:
            raise _duplicate_error(found)
        changed = sorted(
            k for k, v in values.items() if getattr(row, k) != v and not k.endswith("_key")
        )
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        session.add(row)
        with conflicts.refused_if_stale(ws, actor, tgt):
            session.flush()
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=row.id,
            detail=", ".join(changed) or "saved unchanged",
        )
        session.commit()
        return Changed(_row(row), Changes.of(Kind.RESOURCES, Kind.AUDIT))


def set_active(
    ws: Workspace, actor: Actor, resource_id: int, active: bool, *, version: int | None
) -> Changed[ResourceRow]:
    """Retire a service (it leaves searches; referrals already made keep its name) or bring it
    back. Never deleted: past referrals and links point at it."""
    require(actor, Permission.MANAGE_RESOURCES)
    tgt = target(resource_id)
    with ws.write_session() as session:
        row = session.get(CommunityResource, resource_id)
        if row is None:
            raise conflicts.removed_error(session, actor, tgt)
        conflicts.check(session, actor, tgt, row.version, version)
        row.active = bool(active)
        row.updated_at = utcnow()
        session.add(row)
        with conflicts.refused_if_stale(ws, actor, tgt):
            session.flush()
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=row.id,
            detail="active" if active else "retired",
        )
        session.commit()
        return Changed(_row(row), Changes.of(Kind.RESOURCES, Kind.AUDIT))


def link_resource(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    resource_id: int,
    *,
    plan_id: int | None = None,
    intervention_uid: str | None = None,
    notes: str | None = None,
) -> Changed[int]:
    """Link a service to the patient (once), and to one intervention of their plan."""
    require(actor, Permission.EDIT_PATIENTS)
    with ws.write_session() as session:
        editable_patient(session, patient_id)
        resource = session.get(CommunityResource, resource_id)
        if resource is None or not resource.active:
            raise ValidationError("That service is not in the directory.", field="resource_id")
        if intervention_uid:
            _check_intervention(session, patient_id, plan_id, intervention_uid)
        q = select(PatientResource).where(
            PatientResource.patient_id == patient_id, PatientResource.resource_id == resource_id
        )
        link = session.exec(q).first() or PatientResource(
            patient_id=patient_id, resource_id=resource_id, linked_by_id=actor.user_id
        )
        link.plan_id, link.intervention_uid = plan_id, intervention_uid or None
        link.notes = (notes or "").strip()[:500] or None
        session.add(link)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.UPDATE,
            patient_id=patient_id,
            record_type="patient_resource",
            record_id=link.id,
            detail=f"service {resource_id} linked"
            + (f" to plan {plan_id} intervention" if intervention_uid else ""),
        )
        session.commit()
        return Changed(link.id, Changes.patient(patient_id, Kind.REFERRALS))


def _check_intervention(session: Session, patient_id: int, plan_id, uid: str) -> None:
    plan = session.get(CarePlan, plan_id) if plan_id else None
    if plan is None or plan.patient_id != patient_id:
        raise ValidationError("Choose one of this patient's care plans.", field="plan_id")
    q = select(CarePlanIntervention.id).where(
        CarePlanIntervention.plan_id == plan_id, CarePlanIntervention.uid == uid
    )
    if session.exec(q).first() is None:
        raise ValidationError("That intervention is not in this care plan.", "intervention")


def patient_resources(ws: Workspace, actor: Actor, patient_id: int) -> list[dict]:
    """The services linked to a patient: the resource's row and the intervention's words."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        q = (
            select(PatientResource, CommunityResource)
            .join(CommunityResource, CommunityResource.id == PatientResource.resource_id)
            .where(PatientResource.patient_id == patient_id)
            .order_by(PatientResource.linked_at)
        )
        out = []
        for link, res in session.exec(q):
            what = ""
            if link.intervention_uid:
                what = (
                    session.exec(
                        select(CarePlanIntervention.what).where(
                            CarePlanIntervention.plan_id == link.plan_id,
                            CarePlanIntervention.uid == link.intervention_uid,
                        )
                    ).first()
                    or ""
                )
            out.append(
                {
                    "link_id": link.id,
                    "resource": asdict(_row(res)),
                    "intervention": what,
                    "notes": link.notes,
                }
            )
        return out


def plan_interventions(ws: Workspace, actor: Actor, patient_id: int) -> list[tuple[int, str, str]]:
    """(plan id, intervention uid, what) of the patient's plans still in force, services first:
    the interventions a directory service can be linked to."""
    require(actor, Permission.VIEW_PATIENTS)
    closed = ("completed", "cancelled")
    with ws.session() as session:
        rows = session.exec(
            select(CarePlanIntervention)
            .join(CarePlan, CarePlan.id == CarePlanIntervention.plan_id)
            .where(CarePlan.patient_id == patient_id, CarePlan.status.not_in(closed))
            .order_by(CarePlanIntervention.is_service.desc(), CarePlanIntervention.position)
        )
        return [(i.plan_id, i.uid, i.what) for i in rows]
