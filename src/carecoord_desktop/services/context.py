"""Who is acting: every service call that reads or writes patient data names an Actor."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field

from carecoord_desktop.models.staff import Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    full_name: str
    role: Role
    is_system: bool = False
    # The account's role now, re-read at every permission check (raises SignedOutError once the
    # account is disabled or given a temporary password); set by accounts.authenticate. A role
    # lowered or an account disabled meanwhile takes effect at the signed-in user's next action.
    current_role: Callable[[], Role] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def system(cls, via: str) -> Actor:
        """The command line or the app itself, acting with OS-level access to the key."""
        try:
            who = getpass.getuser()
        except (OSError, KeyError):
            who = "unknown"
        return cls(None, f"system:{via}", f"System ({via}, OS user {who})", Role.ADMIN, True)

    @property
    def display(self) -> str:
        return self.full_name if self.is_system else f"{self.full_name} ({self.role.label})"
