"""The application shell: navigation, status bar, menus, auto-lock and window geometry."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop import APP_NAME, __version__
from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import accounts, audit, signed_in, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.admin import AdminScreen
from carecoord_desktop.ui.admin_practice import backup_label
from carecoord_desktop.ui.dialogs import ChangePasswordDialog
from carecoord_desktop.ui.lock import IdleWatcher, LockScreen
from carecoord_desktop.ui.patients import PatientsScreen
from carecoord_desktop.ui.placeholder import NotBuiltPage
from carecoord_desktop.ui.state import AppState
from carecoord_desktop.ui.workers import backup_with_progress, run_with_progress

SCREENS = [
    (
        "care_plans",
        "Care plans",
        "write care plans with problems, goals in the patient's words, interventions and reviews.",
    ),
    (
        "medications",
        "Medications",
        "reconcile a patient's medicines with new orders and sign off the reconciled list.",
    ),
    (
        "tasks",
        "Task board",
        "share tasks across GPs, nurses, coordinators and reception, with discharge follow-ups.",
    ),
    ("conferences", "Conferences", "prepare and record multidisciplinary care conferences."),
]


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)
    account_revoked = Signal(str)  # the signed-in account was disabled or reset meanwhile

    def __init__(self, state: AppState, *, settings_path: Path | None = None) -> None:
        super().__init__()
        self.state = state
        self.is_locked = False
        self._hidden_windows: list[QWidget] = []
        self.setWindowTitle(self._title())
        self.setMinimumSize(720, 520)
        self.ui_settings = QSettings(
            str(settings_path or state.ws.folder / "ui-settings.ini"), QSettings.Format.IniFormat
        )

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(210)
        self.pages = QStackedWidget()
        self.page_keys: list[str] = []
        self.patients_screen = PatientsScreen(state)
        self._add_page("patients", "Patients", self.patients_screen)
        for key, label, what in SCREENS:
            self._add_page(key, label, NotBuiltPage(label, what))
        self.admin_screen = AdminScreen(state)
        self.admin_screen.practice.restore_requested.connect(self.restore_backup)
        self._add_page("admin", "Admin", self.admin_screen)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        body = QWidget()
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(0)
        if state.ws.is_demo:
            banner = QLabel("DEMO WORKSPACE — synthetic patients only. Nothing here is real.")
            banner.setObjectName("demoBanner")
            content.addWidget(banner)
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addWidget(self.nav)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(18, 14, 18, 14)
        inner_layout.addWidget(self.pages)
        row.addWidget(inner, 1)
        content.addLayout(row, 1)

        self.lock_screen = LockScreen(state.ws, state.settings.practice_name)
        self.lock_screen.unlocked.connect(self.unlock)
        self.root = QStackedWidget()
        self.root.addWidget(body)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)

        self.user_label = QLabel()
        self.lock_label = QLabel()
        for label in (self.user_label, self.lock_label):
            label.setContentsMargins(8, 0, 8, 0)
        workspace_label = QLabel(f"Workspace: {state.ws.folder}")
        workspace_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(workspace_label)
        self.statusBar().addPermanentWidget(self.lock_label)
        self._build_menus()

        self.idle = IdleWatcher(state.settings.idle_lock_minutes, self)
        self.idle.idled.connect(self.lock)
        QApplication.instance().installEventFilter(self.idle)

        state.actor_changed.connect(self._actor_changed)
        state.settings_changed.connect(self._settings_changed)
        # A service found the signed-in account disabled or reset (any thread): sign out here.
        self.account_revoked.connect(self._sign_out_revoked)
        signed_in.add_signed_out_listener(self._account_revoked_elsewhere)
        self._actor_changed(state.actor)
        self._restore_geometry()

    # -- construction ----------------------------------------------------------------------
    def _title(self) -> str:
        demo = " — DEMO" if self.state.ws.is_demo else ""
        return f"{self.state.settings.practice_name} — {APP_NAME}{demo}"

    def _add_page(self, key: str, label: str, widget: QWidget) -> None:
        self.page_keys.append(key)
        self.nav.addItem(label)
        self.pages.addWidget(widget)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.backup_action = self._action(
            file_menu, "&Back up now", "Ctrl+Shift+B", self.backup_now
        )
        file_menu.addSeparator()
        self._action(file_menu, "Change my &password…", None, self.change_password)
        self.lock_action = self._action(file_menu, "&Lock screen", "Ctrl+L", self.lock)
        self._action(file_menu, "&Switch user…", "Ctrl+Shift+L", self.switch_user)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        go = self.menuBar().addMenu("&Go")
        self.go_actions: dict[str, QAction] = {}
        for i, key in enumerate(self.page_keys):
            label = self.nav.item(i).text()
            self.go_actions[key] = self._action(
                go, label, f"Ctrl+{i + 1}", lambda _=False, k=key: self.show_screen(k)
            )
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, f"&About {APP_NAME}", "F1", self.about)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    # -- navigation ------------------------------------------------------------------------
    def show_screen(self, key: str) -> None:
        if self.is_locked or self.nav.item(self.page_keys.index(key)).isHidden():
            return
        self.nav.setCurrentRow(self.page_keys.index(key))

    def current_screen(self) -> str:
        return self.page_keys[self.pages.currentIndex()]

    def _actor_changed(self, actor: Actor) -> None:
        self.user_label.setText(f"Signed in: {actor.full_name} ({actor.role.label})")
        is_admin = can(actor, Permission.MANAGE_USERS)
        admin_row = self.page_keys.index("admin")
        self.nav.item(admin_row).setHidden(not is_admin)
        self.go_actions["admin"].setEnabled(is_admin)
        self.backup_action.setEnabled(can(actor, Permission.RUN_BACKUPS))
        if is_admin:
            self.admin_screen.refresh()
        if self.nav.currentRow() < 0 or (self.nav.currentRow() == admin_row and not is_admin):
            self.nav.setCurrentRow(0)
        self._update_lock_label()

    def _settings_changed(self, settings) -> None:
        self.idle.set_minutes(settings.idle_lock_minutes)
        self.setWindowTitle(self._title())

    def _update_lock_label(self) -> None:
        minutes = self.state.settings.idle_lock_minutes
        self.lock_label.setText(
            "Locked" if self.is_locked else f"Unlocked · locks after {minutes} idle min"
        )

    # -- locking ---------------------------------------------------------------------------
    def lock(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        # Dialogs may show patient data: hide them until the user is back (they keep their input).
        self._hidden_windows = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and isinstance(w, QDialog)
        ]
        for w in self._hidden_windows:
            w.hide()
        self.lock_screen.prepare(self.state.actor)
        self.root.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        audit.record_now(self.state.ws, self.state.actor, AuditAction.LOCK)
        self._update_lock_label()
        self.locked_changed.emit(True)

    def _account_revoked_elsewhere(self, user_id: int, error: Exception) -> None:
        if user_id == self.state.actor.user_id:
            self.account_revoked.emit(str(error))  # queued to the GUI thread if need be

    def _sign_out_revoked(self, message: str) -> None:
        """Back to the sign-in screen with the reason; the revoked user cannot unlock."""
        if self.is_locked and not self.lock_screen.username.isReadOnly():
            return
        self.switch_user()
        who = self.lock_screen.who
        who.setText(message)
        who.setMinimumHeight(who.heightForWidth(max(who.width(), 440)))  # wrapped, not clipped
        self.lock_screen.layout().activate()
        self.user_label.setText("Signed out")

    def switch_user(self) -> None:
        self.lock()
        self.lock_screen.switch_user()

    def unlock(self, actor: Actor) -> None:
        switched = actor.user_id != self.state.actor.user_id
        if switched and accounts.must_change_password(self.state.ws, actor):
            # The services refuse a temporary password: it is changed here, as at sign-in.
            forced = ChangePasswordDialog(self.state.ws, actor, forced=True, parent=self)
            if forced.exec() != QDialog.DialogCode.Accepted:
                self.lock_screen.switch_user()
                return
        self.is_locked = False
        self.root.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        if switched:
            # The previous user's open dialogs are closed, never shown to the next user.
            for w in self._hidden_windows:
                w.close()
            self._hidden_windows = []
            self.state.set_actor(actor)
        for w in self._hidden_windows:
            w.show()
        self._hidden_windows = []
        self.idle.timer.start()
        self._update_lock_label()
        self.locked_changed.emit(False)

    # -- actions ---------------------------------------------------------------------------
    def backup_now(self) -> None:
        try:
            result = backup_with_progress(self, self.state.ws, self.state.actor)
        except CareCoordError as exc:
            QMessageBox.warning(self, "Backup failed", str(exc))
            return
        self.statusBar().showMessage(f"Backed up and checked: {backup_label(result.path)}.", 8000)
        self.admin_screen.practice.refresh()

    def restore_backup(self, path: Path) -> None:
        try:
            restored, kept = run_with_progress(
                self,
                "Checking the backup and restoring it…",
                workspaces.restore,
                self.state.ws,
                self.state.actor,
                path,
            )
        except CareCoordError as exc:
            QMessageBox.critical(self, "Restore failed", f"{exc}\n\nThe database was not changed.")
            return
        self.state.replace_workspace(restored)
        self.lock_screen.ws = restored
        QMessageBox.information(
            self,
            "Backup restored",
            f"Restored {backup_label(path)}. The database it replaced is kept as "
            f"{backup_label(kept)}.",
        )

    def change_password(self) -> None:
        ChangePasswordDialog(self.state.ws, self.state.actor, parent=self).exec()

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>Care coordination for general practice.<br>"
            f"Workspace: {self.state.ws.folder}",
        )

    # -- geometry --------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.ui_settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        columns = self.ui_settings.value("patients/columns")
        if columns is not None:
            self.patients_screen.view.horizontalHeader().restoreState(columns)
        screen = self.ui_settings.value("main/screen")
        if screen in self.page_keys:
            self.show_screen(screen)

    def save_geometry(self) -> None:
        self.ui_settings.setValue("main/geometry", self.saveGeometry())
        self.ui_settings.setValue("main/screen", self.current_screen())
        header = self.patients_screen.view.horizontalHeader()
        self.ui_settings.setValue("patients/columns", header.saveState())
        self.ui_settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.save_geometry()
        QApplication.instance().removeEventFilter(self.idle)
        if not self.is_locked:
            audit.record_now(self.state.ws, self.state.actor, AuditAction.LOGOUT)
        super().closeEvent(event)
