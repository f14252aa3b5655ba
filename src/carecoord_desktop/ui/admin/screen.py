"""Administration: staff accounts, the audit log, practice settings and backups.

The audit log and the practice tabs live in admin_audit.py and admin_practice.py.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.permissions import ROLE_PERMISSIONS, Permission
from carecoord_desktop.ui.admin.audit import AuditTab
from carecoord_desktop.ui.admin.common import (
    DESTRUCTIVE,
    PRIMARY,
    SECONDARY,
    AdminTab,
    StatusLine,
    button,
    confirm,
    set_kind,
    table,
    when,
)
from carecoord_desktop.ui.admin.practice import PracticeTab
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

__all__ = [
    "AddUserDialog",
    "AdminScreen",
    "AuditTab",
    "PracticeTab",
    "ResetPasswordDialog",
    "UsersTab",
]

LEAST_PRIVILEGED_ROLE = min(Role, key=lambda r: len(ROLE_PERMISSIONS[r]))


def _role_words(role: Role) -> str:
    return role.label[0].upper() + role.label[1:]


def _status(user) -> str:
    if not user.active:
        return "Disabled"
    if user.locked:
        return "Locked (failed sign-ins)"
    return "Must change password" if user.must_change_password else "Active"


class AddUserDialog(QDialog):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Add a staff account")
        self.setMinimumWidth(440)
        form = QFormLayout(self)
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.username.setPlaceholderText("for example j.smith")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label.capitalize(), role)
        self.role.setCurrentIndex(self.role.findData(LEAST_PRIVILEGED_ROLE))  # more: by choice
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Full name", self.full_name)
        form.addRow("User name", self.username)
        form.addRow("Role", self.role)
        form.addRow("Temporary password", self.password)
        note = QLabel("They choose their own password at first sign-in.")
        note.setObjectName("pageSubtitle")
        form.addRow("", note)
        self.error = error_label()
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        try:
            added = accounts.add_user(
                self.state.ws,
                self.state.actor,
                username=self.username.text(),
                full_name=self.full_name.text(),
                role=self.role.currentData(),
                password=self.password.text(),
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish(added)
        self.accept()


class ResetPasswordDialog(QDialog):
    """A new temporary password, typed twice so a slip is caught here, not at the front desk."""

    def __init__(self, state: AppState, user, parent=None) -> None:
        super().__init__(parent)
        self.state, self.user = state, user
        self.setWindowTitle("Reset password")
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        intro = QLabel(
            f"Choose a temporary password for {user.full_name}. Tell it to them in person; "
            "they must change it when they next sign in."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.password = QLineEdit()
        self.again = QLineEdit()
        for field in (self.password, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Temporary password", self.password)
        form.addRow("Type it again", self.again)
        self.error = error_label()
        form.addRow(self.error)
        buttons = QDialogButtonBox()
        self.reset_button = buttons.addButton(
            "Reset password", QDialogButtonBox.ButtonRole.AcceptRole
        )
        set_kind(self.reset_button, DESTRUCTIVE)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # The safe default: Enter in a field does not replace someone's password.
        self.reset_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        if self.password.text() != self.again.text():
            show_error(self.error, "The two passwords are not the same: type them again.")
            self.again.clear()
            self.again.setFocus()
            return
        try:
            changed = accounts.reset_password(
                self.state.ws, self.state.actor, self.user.id, self.password.text()
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish(changed)
        self.accept()


class UsersTab(AdminTab):
    permissions = (Permission.MANAGE_USERS,)
    HINT = (
        "Choose someone in the list to change their role, disable or unlock their account, "
        "or reset their password."
    )

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(state, parent)
        state.changes_published.connect(self._changes_published)
        self.model = RowsTableModel(
            [
                Column("Name", lambda u: u.full_name),
                Column("User name", lambda u: u.username),
                Column("Role", lambda u: _role_words(u.role)),
                Column("Status", _status),
                Column("Last sign-in", lambda u: when(u.last_login_at)),
            ]
        )
        self.view = table(self.model)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        self.add_button = button("Add user…", PRIMARY)
        self.role_button = button("Change role…")
        self.toggle_button = button("Disable", DESTRUCTIVE)
        self.unlock_button = button("Unlock")
        self.reset_button = button("Reset password…")
        for b in (
            self.add_button,
            self.role_button,
            self.toggle_button,
            self.unlock_button,
            self.reset_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.reset_password)
        # One line for the hint, the chosen person or an error: its words change, its height
        # never does, so the rows stay where the mouse is.
        self.status = StatusLine()
        layout = QVBoxLayout(self.body)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.view)
        self.refresh()

    @property
    def error(self) -> StatusLine:
        return self.status

    def load(self) -> None:
        keep = self.selected()
        self.model.set_rows(accounts.list_users(self.state.ws, self.state.actor))
        if keep is not None:
            self.select_user(keep.id)  # an action or a refresh keeps the same person chosen
        self._update_buttons()

    def clear(self) -> None:
        self.model.set_rows([])
        self._update_buttons()

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_user(self, user_id: int) -> bool:
        for r in range(self.model.rowCount()):
            if self.model.row_at(r).id == user_id:
                self.view.selectRow(r)
                return True
        return False

    def _selection_changed(self, *_args) -> None:
        self._update_buttons(clear_error=True)  # an error was about the previous choice

    def _update_buttons(self, *_args, clear_error: bool = False) -> None:
        user = self.selected()
        for b in (self.role_button, self.toggle_button, self.unlock_button, self.reset_button):
            b.setEnabled(user is not None)
        if user is not None:
            self.toggle_button.setText("Enable" if not user.active else "Disable")
            set_kind(self.toggle_button, SECONDARY if not user.active else DESTRUCTIVE)
            self.unlock_button.setEnabled(user.locked)
        if self.status.is_error() and not clear_error:
            return
        if user is None:
            self.status.set_message(self.HINT if self.model.rows else "")
        else:
            self.status.set_message(
                f"Chosen: {user.full_name} ({user.username}), {_role_words(user.role).lower()}"
                f", {_status(user).lower()}."
            )

    def _do(self, fn, *args, **kwargs) -> None:
        self._update_buttons(clear_error=True)
        try:
            self.state.publish(fn(self.state.ws, self.state.actor, *args, **kwargs))
        except CareCoordError as exc:
            self.refresh()  # show the accounts as they are now (the same person stays chosen)
            self.status.set_message(str(exc), error=True)

    def add_user(self) -> None:
        AddUserDialog(self.state, self).exec()  # the list refreshes from the change notice

    def _changes_published(self, changes: Changes) -> None:
        if Kind.STAFF in changes.kinds:
            self.refresh()

    def change_role(self) -> None:
        user = self.selected()
        labels = [r.label.capitalize() for r in Role]
        choice, ok = QInputDialog.getItem(
            self,
            "Change role",
            f"New role for {user.full_name}:",
            labels,
            list(Role).index(user.role),
            False,
        )
        if ok:
            role = list(Role)[labels.index(choice)]
            self._do(accounts.update_user, user.id, role=role, version=user.version)

    def toggle_active(self) -> None:
        user = self.selected()
        if user.active and not confirm(
            self,
            "Disable account",
            f"Disable {user.full_name}? They will not be able to sign in until an "
            "administrator enables the account.",
            "Disable",
        ):
            return
        # The version shown: another administrator's change meanwhile is refused, not undone.
        self._do(accounts.update_user, user.id, active=not user.active, version=user.version)

    def unlock(self) -> None:
        self._do(accounts.unlock_user, self.selected().id)

    def reset_password(self) -> None:
        self._update_buttons(clear_error=True)
        ResetPasswordDialog(self.state, self.selected(), self).exec()  # refreshes by notice


class AdminScreen(QWidget):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        title = QLabel("Administration")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.users = UsersTab(state)
        self.audit = AuditTab(state)
        self.practice = PracticeTab(state)
        self.tabs.addTab(self.users, "Staff accounts")
        self.tabs.addTab(self.audit, "Audit log")
        self.tabs.addTab(self.practice, "Practice and backups")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs)
        state.workspace_replaced.connect(self.refresh)
        state.actor_changed.connect(self._actor_changed)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.audit:
            self.audit.refresh()  # each look at the log is itself an audited view

    def _actor_changed(self, _actor) -> None:
        # The shell refreshes the screen for a user who may use it; for one who may not, each
        # tab drops what the previous user saw and says why it is closed.
        for tab in (self.users, self.audit, self.practice):
            if not tab.allowed():
                tab.refresh()

    def refresh(self) -> None:
        self.users.refresh()
        self.practice.refresh()
        if self.tabs.currentWidget() is self.audit or not self.audit.allowed():
            self.audit.refresh()
