"""Sign-in, recovery-key and password dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
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

CHOOSE_OWN_FIRST = (
    "Your password was set by an administrator: choose your own to continue. Sign in again "
    "when you are ready."
)


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, exc: Exception | str) -> None:
    label.setText(str(exc))
    label.show()


def sign_in_user(
    ws,
    username: str,
    password: str,
    *,
    action: AuditAction = AuditAction.LOGIN,
    parent: QWidget | None = None,
) -> Actor | None:
    """Every way in (the sign-in dialog, unlocking, switching user) goes through here.

    Raises CareCoordError for a wrong password, a locked or disabled account. A password set by
    an administrator must be replaced before the user sees anything: the change is asked for at
    once, without asking again for the password just typed. None when the user leaves that
    without choosing a password (they are not signed in).
    """
    actor = accounts.authenticate(ws, username, password, action=action)
    if not accounts.must_change_password(ws, actor):
        return actor
    forced = ChangePasswordDialog(ws, actor, forced=True, current_password=password, parent=parent)
    if forced.exec() == QDialog.DialogCode.Accepted:
        return actor
    audit.record_now(ws, actor, AuditAction.LOGOUT, detail="left without choosing a password")
    return None


class LoginDialog(QDialog):
    """Staff sign-in. On success `actor` holds who signed in."""

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
        buttons.accepted.connect(self._sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def _sign_in(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            show_error(self.error, "Enter your user name and password.")
            return
        password = self.password.text()
        self.password.clear()
        try:
            actor = sign_in_user(self.ws, self.username.text(), password, parent=self)
        except CareCoordError as exc:
            self.password.setFocus()
            show_error(self.error, exc)
            return
        if actor is None:
            self.password.setFocus()
            show_error(self.error, CHOOSE_OWN_FIRST)
            return
        self.actor = actor
        self.accept()


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
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.new if current_password is not None else self.current).setFocus()

    def _save(self) -> None:
        if self.new.text() != self.again.text():
            show_error(self.error, "The two new passwords differ.")
            self.again.clear()
            self.again.setFocus()
            return
        current = self._known_current if self._known_current is not None else self.current.text()
        try:
            accounts.change_password(self.ws, self.actor, current, self.new.text())
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.accept()
