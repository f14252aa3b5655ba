"""Finding a patient by the practice's own id (P000123), for scripts and the CLI."""

from __future__ import annotations

from sqlmodel import select

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.patient import Patient
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


def patient_id_for(ws: Workspace, actor: Actor, practice_id: str) -> int:
    """The row id of the patient with this practice id (any case, surrounding spaces ignored).

    Needs VIEW_PATIENTS; the read of the record itself is audited by whatever uses the id."""
    require(actor, Permission.VIEW_PATIENTS)
    wanted = (practice_id or "").strip().upper()
    with ws.session() as session:
        found = session.exec(select(Patient.id).where(Patient.practice_id == wanted)).first()
    if found is None:
        raise ValidationError(f"There is no patient with the practice id {wanted or '(empty)'}.")
    return found
