"""The conference agenda: built from the record, then edited.

What the record puts on it: the plan's goals that are off track (their latest observation
misses the target, the values are worsening, or the goal is past due and not achieved),
the patient's overdue tasks, hospital stays and ED visits of the last 90 days, medicine
changes of the last 90 days (one item per medicine), open referrals, and the questions the
patient raised (one per line). Each item keeps a `source_ref` naming what it came from
("goal:<uid>", "task:12", "hospital:3", "transition:4", "medicine:9", "referral:5",
"question:<hash>"), so building again adds only what is new and keeps what is there, with
its minutes. The reading of the record is in sources.py.

Reading needs VIEW_PATIENTS; changing the agenda EDIT_CARE_PLANS. Audited with counts only.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.conference import (
    AgendaSource,
    CareConference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceStatus,
)
from carecoord_desktop.services import audit
from carecoord_desktop.services.changes import Changed
from carecoord_desktop.services.conferences.conferences import loaded, saved
from carecoord_desktop.services.conferences.reading import RECORD_TYPE
from carecoord_desktop.services.conferences.sources import (  # re-exported: one API
    DETAIL_MAX,
    LOOK_BACK_DAYS,
    TITLE_MAX,
    build_items,
    question_items,
)
from carecoord_desktop.services.conferences.types import AgendaItemDraft, ConferenceRecord
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.rules import patient_or_error
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace

A = AgendaSource
__all__ = [
    "LOOK_BACK_DAYS",
    "add_new_items",
    "build_agenda",
    "build_items",
    "question_items",
    "rebuild_agenda",
    "save_agenda",
]


def add_new_items(session: Session, conf: CareConference, items) -> int:
    """Append the items whose source_ref the agenda does not have yet; returns how many."""
    rows = session.exec(
        select(ConferenceAgendaItem.source_ref, ConferenceAgendaItem.position).where(
            ConferenceAgendaItem.conference_id == conf.id
        )
    ).all()
    have = {ref for ref, _ in rows if ref}
    position = max((p for _, p in rows), default=-1) + 1
    added = 0
    for item in items:
        if item.source_ref and item.source_ref in have:
            continue
        session.add(
            ConferenceAgendaItem(
                conference_id=conf.id,
                position=position,
                source=A(getattr(item.source, "value", item.source)).value,
                source_ref=item.source_ref,
                title=item.title,
                detail=item.detail,
            )
        )
        if item.source_ref:
            have.add(item.source_ref)
        position += 1
        added += 1
    return added


# -- the service calls ---------------------------------------------------------------------------
def build_agenda(
    ws: Workspace,
    actor: Actor,
    patient_id: int,
    *,
    today: date | None = None,
    questions: str | None = None,
) -> list[AgendaItemDraft]:
    """What the record would put on a conference agenda today (nothing is saved)."""
    require(actor, Permission.VIEW_PATIENTS)
    today = today or date.today()
    with ws.session() as session:
        patient_or_error(session, patient_id)
        items = build_items(session, patient_id, today, questions)
        audit.record(
            session,
            actor,
            AuditAction.VIEW,
            patient_id=patient_id,
            record_type=RECORD_TYPE,
            detail=f"built a conference agenda ({len(items)} items)",
        )
        session.commit()
    return items


def rebuild_agenda(
    ws: Workspace, actor: Actor, conference_id: int, *, today: date | None = None
) -> Changed[ConferenceRecord]:
    """Add what is new in the record since the agenda was built; keep every item there."""
    require(actor, Permission.EDIT_CARE_PLANS)
    today = today or date.today()
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, None)
        if conf.status == ConferenceStatus.HELD.value:
            raise ValidationError("This conference has been held: its agenda stays as it was.")
        items = build_items(session, conf.patient_id, today, conf.patient_questions)
        added = add_new_items(session, conf, items)
        return saved(
            ws, session, actor, conf, AuditAction.UPDATE, f"agenda rebuilt ({added} added)"
        )


def save_agenda(
    ws: Workspace,
    actor: Actor,
    conference_id: int,
    items: list[AgendaItemDraft],
    base_version: int | None,
) -> Changed[ConferenceRecord]:
    """The agenda as the list has it: its order is the order, items without an id are added,
    items missing are removed, unless they have minutes or decisions (ValidationError)."""
    require(actor, Permission.EDIT_CARE_PLANS)
    with ws.write_session() as session:
        conf = loaded(session, actor, conference_id, base_version)
        existing = {
            a.id: a
            for a in session.exec(
                select(ConferenceAgendaItem).where(ConferenceAgendaItem.conference_id == conf.id)
            )
        }
        cleaned = []
        for n, item in enumerate(items):
            field = f"agenda[{n}]"
            title = " ".join((item.title or "").split())
            if not title:
                raise ValidationError("Give each agenda item a title.", field=field)
            if len(title) > TITLE_MAX:
                raise ValidationError(f"Keep titles under {TITLE_MAX} characters.", field=field)
            detail = (item.detail or "").strip() or None
            if detail and len(detail) > DETAIL_MAX:
                raise ValidationError(f"Keep details under {DETAIL_MAX} characters.", field)
            if item.id is not None and item.id not in existing:
                raise ValidationError(
                    "An item on this list was removed meanwhile: reload the agenda.", field=field
                )
            try:
                source = A(getattr(item.source, "value", item.source)).value
            except ValueError:
                raise ValidationError("That is not an agenda source.", field=field) from None
            cleaned.append((item, title, detail, source))
        keep = {item.id for item, *_ in cleaned if item.id is not None}
        gone = [a for i, a in existing.items() if i not in keep]
        decided = set(
            session.exec(
                select(ConferenceDecision.agenda_item_id).where(
                    ConferenceDecision.conference_id == conf.id
                )
            ).all()
        )
        for a in gone:
            if (a.minutes or "").strip() or a.id in decided:
                raise ValidationError(
                    # The position, not the title: an exception may reach a log.
                    f"Agenda item {a.position + 1} has minutes or decisions: it stays on "
                    "the agenda.",
                    field="agenda",
                )
        for a in gone:
            session.delete(a)
        changed = len(gone)
        for position, (item, title, detail, source) in enumerate(cleaned):
            if item.id is None:
                session.add(
                    ConferenceAgendaItem(
                        conference_id=conf.id,
                        position=position,
                        source=source,
                        source_ref=item.source_ref,
                        title=title,
                        detail=detail,
                    )
                )
                changed += 1
                continue
            row = existing[item.id]
            if (row.position, row.title, row.detail) != (position, title, detail):
                row.position, row.title, row.detail = position, title, detail
                session.add(row)
                changed += 1
        return saved(
            ws,
            session,
            actor,
            conf,
            AuditAction.UPDATE,
            f"agenda saved ({len(cleaned)} items, {len(gone)} removed, {changed} changed)",
        )
