"""The two documents of a care plan, from the stored plan: the plan for the record and the team,
and the patient's handout. Renders the plain document data (built in document_data.py) and
audits every document made, printed or saved, with ids and counts only.

Who may: the handout needs PRINT_HANDOUTS (reception prints it for the patient at the desk);
the full plan leaves the system with clinical detail about the patient, so it needs
VIEW_PATIENTS and EXPORT_DATA (GPs, nurses, coordinators; not reception). Neither changes the
plan. Rendering imports reportlab only when a document is made.
"""

from __future__ import annotations

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.careplan import CarePlan, PlanStatus
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans.document_data import (
    DocumentKind,
    handout_data,
    plan_data,
    require_for,
)
from carecoord_desktop.services.careplans.plans import RECORD_TYPE, plan_or_error
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

__all__ = [
    "DocumentKind",
    "handout_data",
    "latest_plan_id",
    "plan_data",
    "plan_for",
    "record_output",
    "render",
]


def latest_plan_id(ws: Workspace, actor: Actor, patient_id: int) -> int:
    """The patient's plan to print when none is named: the open one, else the newest."""
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plans = list(session.exec(select(CarePlan).where(CarePlan.patient_id == patient_id)))
    if not plans:
        raise ValidationError("This patient has no care plan yet.", field="plan_id")
    closed = (PlanStatus.COMPLETED.value, PlanStatus.CANCELLED.value)
    return max(plans, key=lambda p: (p.status not in closed, p.updated_at, p.id)).id


def plan_for(ws: Workspace, actor: Actor, patient_id: int, plan_id: int | None) -> int:
    """`plan_id` checked to be this patient's (a script's typo must not print someone else's
    plan), or the patient's latest when None."""
    if plan_id is None:
        return latest_plan_id(ws, actor, patient_id)
    require(actor, Permission.VIEW_PATIENTS)
    with ws.session() as session:
        plan = session.get(CarePlan, plan_id)
    if plan is None or plan.patient_id != patient_id:
        raise ValidationError(f"This patient has no care plan number {plan_id}.", field="plan_id")
    return plan_id


def render(
    ws: Workspace, actor: Actor, plan_id: int, kind: DocumentKind, *, purpose: str = "preview"
) -> bytes:
    """The document as PDF bytes. `purpose` "preview" (shown on screen, printed or saved from
    there: `record_output` audits that) or "file" (written straight to a file, as the CLI does)
    goes in the audit row."""
    kind = DocumentKind(kind)
    if kind is DocumentKind.HANDOUT:
        from carecoord_desktop.documents.handout_pdf import render_handout

        data = handout_data(ws, actor, plan_id)
        pdf, version = render_handout(data), data.plan_version
    else:
        from carecoord_desktop.documents.careplan_pdf import render_care_plan

        data = plan_data(ws, actor, plan_id)
        pdf, version = render_care_plan(data), data.plan.version
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    action = AuditAction.EXPORT if purpose == "file" else AuditAction.VIEW
    verb = "wrote to a file" if purpose == "file" else "made for preview"
    _audit(
        ws, actor, plan_id, action, f"{kind.label} PDF {verb} (version {version}, {pages} pages)"
    )
    return pdf


def record_output(
    ws: Workspace, actor: Actor, plan_id: int, kind: DocumentKind, *, how: str, pages: int
) -> None:
    """Audit what the preview did with a document: how "printed" or "saved"."""
    kind = DocumentKind(kind)
    require_for(actor, kind)
    if how not in ("printed", "saved"):
        raise ValueError(f"unknown output {how!r}")
    action = AuditAction.PRINT if how == "printed" else AuditAction.EXPORT
    noun = "pages" if pages != 1 else "page"
    _audit(ws, actor, plan_id, action, f"{kind.label} {how} ({pages} {noun})")


def _audit(ws: Workspace, actor: Actor, plan_id: int, action: AuditAction, detail: str) -> None:
    with ws.write_session() as session:
        plan = plan_or_error(session, plan_id)
        audit.record(
            session,
            actor,
            action,
            patient_id=plan.patient_id,
            record_type=RECORD_TYPE,
            record_id=plan.id,
            detail=detail,
        )
        session.commit()
