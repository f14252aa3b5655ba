"""What each role may do. Checked in services, whatever a screen shows or hides."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.context import Actor


class Permission(StrEnum):
    VIEW_PATIENTS = "view patient records"
    EDIT_PATIENTS = "edit patient records"
    EDIT_CARE_PLANS = "edit care plans"
    RECONCILE_MEDICATIONS = "sign off medication reconciliation"
    MANAGE_TASKS = "manage team tasks"
    EXPORT_DATA = "export patient data"
    PRINT_HANDOUTS = "print patient handouts"
    MANAGE_USERS = "manage staff accounts"
    VIEW_AUDIT = "view the audit log"
    RUN_BACKUPS = "make or restore backups"
    CHANGE_SETTINGS = "change practice settings"
    MANAGE_RESOURCES = "keep the community resources directory"


_CLINICAL = {
    Permission.VIEW_PATIENTS,
    Permission.EDIT_PATIENTS,
    Permission.EDIT_CARE_PLANS,
    Permission.MANAGE_TASKS,
    Permission.EXPORT_DATA,
    Permission.PRINT_HANDOUTS,
    Permission.MANAGE_RESOURCES,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.GP: frozenset(_CLINICAL | {Permission.RECONCILE_MEDICATIONS}),
    Role.NURSE: frozenset(_CLINICAL | {Permission.RECONCILE_MEDICATIONS}),
    Role.COORDINATOR: frozenset(_CLINICAL),
    # Reception keeps demographics and tasks up to date and prints handouts; no clinical edits.
    Role.RECEPTION: frozenset(
        {
            Permission.VIEW_PATIENTS,
            Permission.EDIT_PATIENTS,
            Permission.MANAGE_TASKS,
            Permission.PRINT_HANDOUTS,
            Permission.MANAGE_RESOURCES,
        }
    ),
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    """Refuse unless the actor's role, as the account stands now, allows `permission`."""
    role = actor.current_role() if actor.current_role is not None else actor.role
    if permission not in ROLE_PERMISSIONS[role]:
        raise PermissionDeniedError(role.label, permission.value)


# The parts of the patient's details that are clinical information: a GP, nurse or care
# coordinator records them (EDIT_CARE_PLANS). Reception keeps demographics and contacts only.
CLINICAL_DETAILS = frozenset(
    {
        "acd_status",
        "acd_date",
        "acd_location",
        "housing",
        "transport",
        "finances",
        "social_isolation",
        "functional_status",
    }
)
CLINICAL_DETAILS_ACTION = "change functional status, social needs or the advance care directive"


def require_clinical_details(actor: Actor, names: Iterable[str]) -> None:
    """Refuse a write that sets any of CLINICAL_DETAILS unless the role may edit care plans."""
    if CLINICAL_DETAILS & set(names):
        role = actor.current_role() if actor.current_role is not None else actor.role
        if Permission.EDIT_CARE_PLANS not in ROLE_PERMISSIONS[role]:
            raise PermissionDeniedError(role.label, CLINICAL_DETAILS_ACTION)
