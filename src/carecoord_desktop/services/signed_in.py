"""A signed-in user's rights follow their account as it is now, not as it was at sign-in.

`accounts.authenticate` returns a live Actor: every permission check (permissions.require)
re-reads the account's row (one primary-key SELECT, ~20 us: bench/account_check.py), so an
account disabled, given another role or a temporary password by an administrator, in this
window or on another computer, takes effect at the user's next action. Listeners (the main
window) hear about a revoked account so the GUI can sign its user out with the reason.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable

from carecoord_desktop.errors import PasswordChangeRequiredError, SignedOutError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.workspace import Workspace

_CURRENT = "SELECT active, role, must_change_password FROM staff_user WHERE id = ?"


def live_actor(
    ws: Workspace, user_id: int, username: str, full_name: str, role: Role, *, temporary: bool
) -> Actor:
    """The actor for a sign-in. Each check: disabled or removed -> SignedOutError; role changed
    -> that role's rights; a temporary password -> PasswordChangeRequiredError until the user
    chose their own (or SignedOutError when it was set after they signed in)."""

    def current_role() -> Role:
        with ws.raw_connection() as conn:
            cur = conn.cursor()
            try:
                cur.execute(_CURRENT, (user_id,))
                row = cur.fetchone()
            finally:
                cur.close()
        if row is None:
            _signed_out(user_id, SignedOutError("missing"))
        active, role_name, must_change = row
        if not active:
            _signed_out(user_id, SignedOutError("disabled"))
        if must_change:
            if temporary:
                raise PasswordChangeRequiredError()
            _signed_out(user_id, SignedOutError("password"))
        # The column holds the enum's name (ADMIN); older rows may hold its value.
        return Role[role_name] if role_name in Role.__members__ else Role(role_name)

    return Actor(user_id, username, full_name, role, current_role=current_role)


def require_own_password(actor: Actor) -> None:
    """For the CLI's --as: refuse an account still on an administrator's temporary password."""
    if actor.current_role is not None:
        actor.current_role()


_listeners: list[weakref.WeakMethod | Callable[[int, SignedOutError], None]] = []


def add_signed_out_listener(callback: Callable[[int, SignedOutError], None]) -> None:
    """Called (from whichever thread made the call) when a signed-in account is found disabled,
    removed or reset: the GUI signs its user out. Bound methods are held weakly."""
    _listeners.append(weakref.WeakMethod(callback) if hasattr(callback, "__self__") else callback)


def _signed_out(user_id: int, error: SignedOutError):
    for ref in list(_listeners):
        callback = ref() if isinstance(ref, weakref.WeakMethod) else ref
        if callback is None:
            _listeners.remove(ref)
            continue
        with contextlib.suppress(RuntimeError):  # a window Qt has already deleted
            callback(user_id, error)
    raise error
