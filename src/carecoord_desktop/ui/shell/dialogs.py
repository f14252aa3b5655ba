"""Sign-in, recovery-key and password dialogs.

Password checks (argon2/scrypt, deliberately slow) run on a worker with the dialog's buttons
disabled, so the window keeps painting and nothing can be pressed twice."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import accounts, audit
from carecoord_desktop.services.context import Actor
from carecoord_desktop.ui.shell.workers import Job, start_job
from carecoord_desktop.ui.widgets.messages import error_label, show_error

CHOOSE_OWN_FIRST = (
    "Your password was set by an administrator: choose your own to continue. Sign in again "
    "when you are ready."
)


def _authenticate(ws, username: str, password: str, action: AuditAction):
    """Worker side: the password check, and whether it must be replaced first."""
    actor = accounts.authenticate(ws, username, password, action=action)
    return actor, accounts.must_change_password(ws, actor)


def start_sign_in(
    owner: QWidget,
    ws,
    username: str,
    password: str,
    *,
    on_done: Callable[[Actor | None], None],
    on_refused: Callable[[Exception], None],
    action: AuditAction = AuditAction.LOGIN,
) -> Job:
    """Every way in (the sign-in dialog, unlocking, switching user) goes through here.

    The password is checked on a worker; `on_refused(error)` for a wrong password, a locked or
    disabled account. A password set by an administrator must be replaced before the user sees
    anything: the change is asked for at once, without asking again for the password just
    typed. `on_done(None)` when the user leaves that without choosing a password (they are not
    signed in), else `on_done(actor)`.
    """

    def checked(result) -> None:
        actor, must_change = result
        if not must_change:
            on_done(actor)
            return
        forced = ChangePasswordDialog(
            ws, actor, forced=True, current_password=password, parent=owner
        )
        if forced.exec() == QDialog.DialogCode.Accepted:
            on_done(actor)
            return
        audit.record_now(ws, actor, AuditAction.LOGOUT, detail="left without choosing a password")
        on_done(None)

    return start_job(
        owner, _authenticate, ws, username, password, action, on_done=checked, on_failed=on_refused
    )


def set_busy(widgets, busy: bool) -> None:
    """Disable what the user could press or type while a check runs (and enable it after)."""
    for widget in widgets:
        widget.setEnabled(not busy)


class LoginDialog(QDialog):
    """Staff sign-in. On success `actor` holds who signed in."""

    check_finished = Signal(bool)  # the password check ended: True if signed in

    def __init__(
        self,
        ws,
        *,
        practice_name: str,
        username: str = "",
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.actor: Actor | None = None
        self.setWindowTitle(f"Sign in — {practice_name}")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(practice_name)
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(QLabel("Sign in with your own CareCoord account."))
        if hint:
            banner = QLabel(hint)
            banner.setObjectName("demoBanner")
            banner.setWordWrap(True)
            banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(banner)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        self.buttons = buttons
        self.checking = False
        buttons.accepted.connect(self._sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def _sign_in(self) -> None:
        if self.checking:
            return
        if not self.username.text().strip() or not self.password.text():
            show_error(self.error, "Enter your user name and password.")
            return
        password = self.password.text()
        self.password.clear()
        self._busy(True)
        start_sign_in(
            self,
            self.ws,
            self.username.text(),
            password,
            on_done=self._signed_in,
            on_refused=self._refused,
        )

    def _busy(self, busy: bool) -> None:
        self.checking = busy
        set_busy((self.buttons, self.username, self.password), busy)
        sign_in = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        sign_in.setText("Checking…" if busy else "Sign in")
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        self.password.setFocus()
        show_error(self.error, exc)
        self.check_finished.emit(False)

    def _signed_in(self, actor: Actor | None) -> None:
        self._busy(False)
        if actor is None:
            self.password.setFocus()
            show_error(self.error, CHOOSE_OWN_FIRST)
            self.check_finished.emit(False)
            return
        self.actor = actor
        self.check_finished.emit(True)
        self.accept()

    def reject(self) -> None:  # Qt override: Escape while the password is checked waits
        if not self.checking:
            super().reject()


class RecoveryKeyDialog(QDialog):
    """Asks for the recovery key when the keystore has none; `opener(key, remember)` tries it."""

    def __init__(
        self,
        opener: Callable[[str, bool], object],
        *,
        reason: str,
        keystore_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.opener = opener
        self.result_value: object = None
        self.setWindowTitle("Unlock the workspace with the recovery key")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(reason)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.key = QLineEdit()
        self.key.setObjectName("recoveryKeyInput")
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.key.setStyleSheet("font-family: monospace; font-size: 13pt;")
        layout.addWidget(self.key)
        self.remember = QCheckBox("Remember the key on this computer (in its secure keystore)")
        self.remember.setChecked(keystore_available)
        self.remember.setEnabled(keystore_available)
        if not keystore_available:
            self.remember.setToolTip("This computer has no secure keystore CareCoord trusts.")
        layout.addWidget(self.remember)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _try(self) -> None:
        try:
            self.result_value = self.opener(self.key.text(), self.remember.isChecked())
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.accept()


class ChangePasswordDialog(QDialog):
    """A user changes their own password. `current_password` is the one just typed at a forced
    change after sign-in: it is not asked for again."""

    check_finished = Signal(bool)  # the save ended: True if the password was changed

    def __init__(
        self,
        ws,
        actor: Actor,
        *,
        forced: bool = False,
        current_password: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self._known_current = current_password
        self.setWindowTitle("Choose your own password" if forced else "Change your password")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        if forced:
            note = QLabel(
                f"Welcome, {actor.full_name}. Your password was set by an administrator: "
                "choose your own now. Only you will know it."
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for name, field in (("current", self.current), ("new", self.new), ("again", self.again)):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(name)
        if current_password is None:
            form.addRow("Current password", self.current)
        form.addRow("New password", self.new)
        form.addRow("New password again", self.again)
        self.again.returnPressed.connect(self._save)
        layout.addLayout(form)
        rules = QLabel(f"At least {accounts.MIN_PASSWORD_LENGTH} characters, not your user name.")
        rules.setObjectName("pageSubtitle")
        layout.addWidget(rules)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        if forced:
            buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save and continue")
        self.buttons = buttons
        self.checking = False
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.new if current_password is not None else self.current).setFocus()

    def _save(self) -> None:
        if self.checking:
            return
        if self.new.text() != self.again.text():
            show_error(self.error, "The two new passwords differ.")
            self.again.clear()
            self.again.setFocus()
            return
        current = self._known_current if self._known_current is not None else self.current.text()
        self._busy(True)
        start_job(
            self,
            accounts.change_password,
            self.ws,
            self.actor,
            current,
            self.new.text(),
            on_done=self._saved,
            on_failed=self._refused,
        )

    def _busy(self, busy: bool) -> None:
        self.checking = busy
        set_busy((self.buttons, self.current, self.new, self.again), busy)

    def _saved(self, _result) -> None:
        self._busy(False)
        self.check_finished.emit(True)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        show_error(self.error, exc)
        self.check_finished.emit(False)

    def reject(self) -> None:  # Qt override: not while the new password is being saved
        if not self.checking:
            super().reject()
