"""Auto-lock: an idle watcher over all input, and the lock screen that hides everything."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services.context import Actor
from carecoord_desktop.ui.shell.dialogs import (
    CHOOSE_OWN_FIRST,
    error_label,
    set_busy,
    show_error,
    start_sign_in,
)

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}

# Window types that are closed by a lock and never shown again (menus, tooltips, combo lists).
_TRANSIENT = {Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen}


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


def hide_windows(*, keep: QWidget) -> list[QWidget]:
    """Hide every visible top-level window but `keep` and return those to show again.

    A window hidden here keeps its input. Popups and tooltips are closed, and so are modal
    dialogs: hiding one ends its exec() as a Cancel, so shown again it would answer no one.
    """
    hidden = []
    for w in QApplication.topLevelWidgets():
        if w is keep or not w.isVisible():
            continue
        modal = w.windowModality() != Qt.WindowModality.NonModal
        w.hide()
        if modal and isinstance(w, QDialog):
            w.reject()
        elif w.windowType() not in _TRANSIENT and not modal:
            hidden.append(w)
    return hidden


def show_windows(windows: list[QWidget]) -> None:
    for w in windows:
        if shiboken6.isValid(w):
            w.show()


def discard_windows(windows: list[QWidget]) -> None:
    """Close the previous user's hidden windows for good, without showing or asking anything
    (their unsaved input is the previous user's, not the next one's to decide on)."""
    for w in windows:
        if shiboken6.isValid(w):
            w.blockSignals(True)  # nothing they emit on the way out reaches the next session
            w.deleteLater()


class LockScreen(QWidget):
    """Shown instead of every screen while locked. Emits who unlocked it, once that user has
    passed every sign-in rule (`start_sign_in`, the same one the sign-in dialog uses)."""

    unlocked = Signal(object)  # Actor
    check_finished = Signal(bool)  # a password check ended: True if someone signed in

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state  # reads state.ws at sign-in time: a restore swaps the workspace
        self.actor: Actor | None = None
        self.switching = False
        self.checking = False  # a password check runs on a worker
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        box = QWidget()
        box.setMinimumWidth(460)
        box.setMaximumWidth(560)
        col = QVBoxLayout(box)
        self.title = QLabel("CareCoord is locked")
        self.title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        col.addWidget(self.title)
        self.practice = QLabel(state.settings.practice_name)
        col.addWidget(self.practice)
        self.who = QLabel()
        self.who.setObjectName("lockWho")
        self.who.setWordWrap(True)
        col.addWidget(self.who)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("lockUsername")
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_unlock)
        self.username.returnPressed.connect(self.password.setFocus)
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
        self.back_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.prepare(self.actor))
        row.addWidget(self.unlock_button)
        row.addWidget(self.switch_button)
        row.addWidget(self.back_button)
        row.addStretch(1)
        col.addLayout(row)
        hl = QHBoxLayout()
        hl.addStretch(1)
        hl.addWidget(box)
        hl.addStretch(1)
        outer.addLayout(hl)
        outer.addStretch(3)
        state.settings_changed.connect(lambda s: self.practice.setText(s.practice_name))

    def prepare(self, actor: Actor | None) -> None:
        """Reset for a new lock: the same user by default; no trace of the last attempt."""
        self.actor = actor
        self.switching = False
        self.error.hide()
        self.password.clear()
        self.title.setText("CareCoord is locked")
        self.unlock_button.setText("Unlock")
        self.switch_button.show()
        self.back_button.hide()
        if actor:
            self.who.setText(f"{actor.full_name} ({actor.role.label}) is signed in.")
            self.username.setText(actor.username)
            self.username.setReadOnly(True)
        else:
            self.who.setText("Sign in to continue.")
            self.username.clear()
            self.username.setReadOnly(False)
        self.password.setFocus()

    def switch_user(self) -> None:
        """Ask for the next user. The previous one stays signed in (their windows hidden) until
        someone else signs in here, so a stray click loses nothing."""
        self.switching = True
        self.error.hide()
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.title.setText("Switch user")
        self.unlock_button.setText("Sign in")
        self.switch_button.hide()
        if self.actor:
            name = self.actor.full_name
            self.who.setText(
                f"{name} ({self.actor.role.label}) is still signed in, with their windows "
                f"hidden. When you sign in, {name} is signed out and their open windows are "
                "closed: changes they have not saved are lost."
            )
            self.back_button.setText(f"Back to {name}")
            self.back_button.show()
        else:
            self.who.setText("Sign in with your own account.")
        self.username.setFocus()

    def try_unlock(self) -> None:
        if self.checking:
            return
        if not self.username.text().strip() or not self.password.text():
            show_error(self.error, "Enter your user name and password.")
            return
        same = (
            self.actor is not None and self.username.text().strip().lower() == self.actor.username
        )
        password = self.password.text()
        self.password.clear()
        self._busy(True)
        start_sign_in(
            self,
            self.state.ws,
            self.username.text(),
            password,
            action=AuditAction.UNLOCK if same else AuditAction.LOGIN,
            on_done=self._checked,
            on_refused=self._refused,
        )

    def _busy(self, busy: bool) -> None:
        self.checking = busy
        buttons = (self.unlock_button, self.switch_button, self.back_button)
        set_busy((self.username, self.password, *buttons), busy)

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        show_error(self.error, exc)
        self.password.setFocus()
        self.check_finished.emit(False)

    def _checked(self, actor: Actor | None) -> None:
        self._busy(False)
        if actor is None:
            show_error(self.error, CHOOSE_OWN_FIRST)
            self.password.setFocus()
            self.check_finished.emit(False)
            return
        self.error.hide()
        self.check_finished.emit(True)
        self.unlocked.emit(actor)
