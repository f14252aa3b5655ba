"""Errors a user can meet, each with a message that says what happened and what to do.

Messages never contain a key, a password or patient data: they are shown on screen and may be
written to logs.
"""


class CareCoordError(Exception):
    """Base class: `str(error)` is a complete, user-facing message."""


class WorkspaceError(CareCoordError):
    pass


class WorkspaceNotFoundError(WorkspaceError):
    def __init__(self, folder: str) -> None:
        super().__init__(
            f"There is no CareCoord workspace in {folder}. "
            "Create one with the first-run wizard or `carecoord init`, or choose the right folder "
            "with --workspace."
        )


class DatabaseMissingError(WorkspaceError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"The workspace folder is there but its database file is missing ({path}). "
            "Nothing was changed. If the file was moved, put it back; otherwise restore the latest "
            "backup with `carecoord restore FILE`."
        )


class NotAWorkspaceDatabaseError(WorkspaceError):
    """The file exists but is not an encrypted CareCoord database (or not for this key)."""


class NotADatabaseFileError(NotAWorkspaceDatabaseError):
    """Not a database of any kind (a document, an archive, a text file), not a foreign key's."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(
            f"{name} is not a database file at all ({what}). Nothing was changed. Choose a "
            "CareCoord backup (a carecoord-….ccbackup file from the workspace's backups folder) "
            "or put the workspace's own database file back."
        )


class WrongKeyError(WorkspaceError):
    def __init__(self) -> None:
        super().__init__(
            "The database could not be unlocked with this workspace's key. Either the database "
            "file was replaced by another workspace's file, or the stored key belongs to another "
            "workspace. Nothing was changed. Restore the right file or a backup, or unlock with "
            "the recovery key from the practice safe."
        )


class CorruptDatabaseError(WorkspaceError):
    def __init__(self, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            "The database is damaged: part of the file failed its integrity check"
            f"{extra}. Nothing was repaired or overwritten. Restore the latest verified backup "
            "with `carecoord restore FILE` and tell your practice administrator."
        )


class KeyFileDamagedError(NotAWorkspaceDatabaseError):
    """The wrapped-key file was edited or damaged: `detail` says which part, in words."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The workspace's wrapped-key file is damaged ({detail}), so the recovery key "
            "cannot be checked against it. Nothing was changed. Restore the file "
            "key.wrapped.json from a backup of the workspace folder, or ask your practice "
            "administrator."
        )


class RecoveryKeyFormatError(WorkspaceError):
    """The typed recovery key is not well formed (a typo): the message says where."""


class WrongRecoveryKeyError(WorkspaceError):
    def __init__(self) -> None:
        super().__init__(
            "That recovery key is well formed but does not unlock this workspace. Check that it is "
            "the recovery kit for this practice's workspace (the kit shows the workspace id)."
        )


class KeystoreUnavailableError(WorkspaceError):
    """No secure OS keystore: the workspace key cannot be remembered on this computer."""


class KeyNotInKeystoreError(WorkspaceError):
    def __init__(self) -> None:
        super().__init__(
            "This computer's keystore does not hold the key for this workspace (a new or replaced "
            "computer, or a locked or reset keychain). Unlock it with the recovery key from the "
            "practice safe."
        )


class AuthError(CareCoordError):
    pass


class LoginFailedError(AuthError):
    # One message for a wrong password and an unknown user name, however many attempts:
    # a countdown would tell a prober which user names exist.
    def __init__(self) -> None:
        super().__init__(
            "The user name or password is not right. Repeated failures lock the account "
            "for a while."
        )


class AccountLockedError(AuthError):
    def __init__(self, minutes: int) -> None:
        super().__init__(
            "This account is locked after repeated failed sign-ins. Try again in "
            f"{minutes} minute(s) or ask an administrator to unlock it."
        )


class AccountDisabledError(AuthError):
    def __init__(self) -> None:
        super().__init__("This account is disabled. Ask a practice administrator.")


class PermissionDeniedError(AuthError):
    def __init__(self, role_label: str, action: str) -> None:
        super().__init__(f"A {role_label} account cannot {action}. Ask someone with that role.")


class ValidationError(CareCoordError):
    """Input a user can correct; `field` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BackupError(CareCoordError):
    pass


class WorkspaceBusyError(WorkspaceError):
    """Another program holds the workspace lock; `holders` names them (no patient data)."""

    def __init__(self, message: str, holders: list[str] | None = None) -> None:
        super().__init__(message)
        self.holders = list(holders or [])


class SignedOutError(AuthError):
    """The signed-in account was disabled, removed or given a temporary password meanwhile:
    the app signs the user out at their next action."""

    def __init__(self, reason: str = "disabled") -> None:
        messages = {
            "disabled": "Your account was disabled; you have been signed out. "
            "Ask a practice administrator if this is a mistake.",
            "missing": "Your account no longer exists; you have been signed out.",
            "password": "An administrator set a temporary password for your account; you have "
            "been signed out. Sign in with it and choose your own password.",
        }
        super().__init__(messages.get(reason, messages["disabled"]))
        self.reason = reason


class PasswordChangeRequiredError(AuthError):
    def __init__(self) -> None:
        super().__init__(
            "This account has a temporary password set by an administrator. Sign in to the "
            "CareCoord app and choose your own password first; nothing was done."
        )


class StaleEditError(CareCoordError):
    """A save from a form opened before someone else saved the same record: nothing was written.

    The message says who changed it, when and which fields (names only, never values), and
    that reloading keeps what was typed on screen (services/conflicts.py builds it)."""

    def __init__(
        self,
        message: str,
        *,
        record_type: str,
        record_id: object,
        changed_by: str | None = None,
        changed_fields: tuple[str, ...] = (),
        removed: bool = False,
    ) -> None:
        super().__init__(message)
        self.record_type = record_type
        self.record_id = record_id
        self.changed_by = changed_by
        self.changed_fields = changed_fields
        self.removed = removed
