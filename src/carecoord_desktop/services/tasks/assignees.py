"""Who a task can be given to: the practice's active staff and the role queues.

Any role that manages tasks needs the names to assign one, but `accounts.list_users` is for
administrators (it carries sign-in details); this reads names and roles only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store.workspace import Workspace


@dataclass(frozen=True)
class Assignee:
    id: int
    full_name: str
    role: Role


def assignees(ws: Workspace, actor: Actor) -> list[Assignee]:
    """Active staff by name (no audit row: staff names are not patient data)."""
    require(actor, Permission.MANAGE_TASKS)
    with ws.session() as session:
        rows = session.exec(
            select(StaffUser.id, StaffUser.full_name, StaffUser.role)
            .where(StaffUser.active)
            .order_by(StaffUser.full_name)
        ).all()
    return [Assignee(i, name, Role(role)) for i, name, role in rows]
