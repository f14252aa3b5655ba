"""Auto-lock: an idle watcher over all input, and the lock screen that hides everything."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import accounts
from carecoord_desktop.services.context import Actor
from carecoord_desktop.ui.dialogs import error_label, show_error

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Application-wide event filter: `idled` fires after `minutes` without input."""

    idled = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idled)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False


class LockScreen(QWidget):
    """Shown instead of every screen while locked. Emits who unlocked it."""

    unlocked = Signal(object)  # Actor

    def __init__(self, ws, practice_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.actor: Actor | None = None
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        box = QWidget()
        box.setMinimumWidth(440)
        box.setMaximumWidth(520)
        col = QVBoxLayout(box)
        title = QLabel("CareCoord is locked")
        title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        col.addWidget(title)
        col.addWidget(QLabel(practice_name))
        self.who = QLabel()
        self.who.setWordWrap(True)
        col.addWidget(self.who)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("lockUsername")
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_unlock)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        col.addLayout(form)
        self.error = error_label()
        col.addWidget(self.error)
        row = QHBoxLayout()
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("primary")
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button = QPushButton("Switch user…")
        self.switch_button.clicked.connect(self.switch_user)
        row.addWidget(self.unlock_button)
        row.addWidget(self.switch_button)
        row.addStretch(1)
        col.addLayout(row)
        hl = QHBoxLayout()
        hl.addStretch(1)
        hl.addWidget(box)
        hl.addStretch(1)
        outer.addLayout(hl)
        outer.addStretch(3)

    def prepare(self, actor: Actor | None) -> None:
        """Reset for a new lock: the same user by default; no trace of the last attempt."""
        self.actor = actor
        self.error.hide()
        self.password.clear()
        if actor:
            self.who.setText(f"Locked while {actor.full_name} ({actor.role.label}) was signed in.")
            self.username.setText(actor.username)
            self.username.setReadOnly(True)
        else:
            self.who.setText("Sign in to continue.")
            self.username.clear()
            self.username.setReadOnly(False)
        self.password.setFocus()

    def switch_user(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.who.setText("Sign in as another user. The previous user is signed out.")
        self.username.setFocus()

    def try_unlock(self) -> None:
        same = (
            self.actor is not None and self.username.text().strip().lower() == self.actor.username
        )
        action = AuditAction.UNLOCK if same else AuditAction.LOGIN
        try:
            actor = accounts.authenticate(
                self.ws, self.username.text(), self.password.text(), action=action
            )
        except CareCoordError as exc:
            self.password.clear()
            show_error(self.error, exc)
            return
        self.password.clear()
        self.unlocked.emit(actor)
