"""The application shell: navigation built from the screen list, status bar, menus, app-wide
shortcuts, locking and switching user, window geometry.

The shell knows screens only through `ui.screens`: their declarations and optional hooks.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop import APP_NAME, __version__
from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit, signed_in, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.admin.practice import backup_label
from carecoord_desktop.ui.patients.record_opener import RecordOpener
from carecoord_desktop.ui.shell.about_knowledge import knowledge_about_html
from carecoord_desktop.ui.shell.dialogs import ChangePasswordDialog
from carecoord_desktop.ui.shell.help import HelpDialog
from carecoord_desktop.ui.shell.lock import (
    IdleWatcher,
    LockScreen,
    discard_windows,
    hide_windows,
    show_windows,
)
from carecoord_desktop.ui.shell.placeholder import UnavailablePage
from carecoord_desktop.ui.shell.screens import (
    SCREENS,
    ScreenContext,
    ScreenSpec,
    ShellRequests,
    call_hook,
    record_sections,
    screen_icon,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import (
    start_backup,
    start_with_progress,
    wait_for_other_work,
)


def _restore_when_idle(ws, actor, path: Path):
    """Worker side: reads started before the restore finish on the old database first."""
    wait_for_other_work()
    return workspaces.restore(ws, actor, path)


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)
    account_revoked = Signal(str)  # the signed-in account was disabled or reset meanwhile

    def __init__(
        self,
        state: AppState,
        *,
        settings_path: Path | None = None,
        screens: tuple[ScreenSpec, ...] = SCREENS,
    ) -> None:
        super().__init__()
        self.state = state
        self.specs = screens
        self.screens: dict[str, QWidget] = {}  # built for the current actor only
        self.page_keys: list[str] = []  # navigation rows, in order
        self.is_locked = False
        self._hidden_windows: list[QWidget] = []
        self._help: HelpDialog | None = None
        self.requests = ShellRequests(self)
        self.requests.restore_requested.connect(self.restore_backup)
        self.opener = RecordOpener(state, self, sections=record_sections())
        self.context = ScreenContext(state, self.requests, self.opener)
        self.setWindowTitle(self._title())
        self.setMinimumSize(720, 520)
        self.ui_settings = QSettings(
            str(settings_path or state.ws.folder / "ui-settings.ini"), QSettings.Format.IniFormat
        )

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(210)
        self.nav.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget()
        self.nav.currentRowChanged.connect(self._nav_row_changed)

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

        self.lock_screen = LockScreen(state)
        self.lock_screen.unlocked.connect(self.unlock)
        self.root = QStackedWidget()
        self.root.addWidget(body)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)

        self.user_label = QLabel()
        self.lock_label = QLabel()
        for label in (self.user_label, self.lock_label):
            label.setContentsMargins(8, 0, 8, 0)
        self.workspace_label = QLabel(f"Workspace: {state.ws.folder}")
        self.workspace_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.workspace_label)
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
        state.workspace_replaced.connect(self._workspace_replaced)
        self._actor_changed(state.actor)
        self._restore_geometry()

    # -- construction ----------------------------------------------------------------------
    def _title(self) -> str:
        demo = " — DEMO" if self.state.ws.is_demo else ""
        return f"{self.state.settings.practice_name} — {APP_NAME}{demo}"

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.backup_action = self._action(
            file_menu, "&Back up now", "Ctrl+Shift+B", self.backup_now
        )
        file_menu.addSeparator()
        self.password_action = self._action(
            file_menu, "Change my &password…", None, self.change_password
        )
        self.lock_action = self._action(file_menu, "&Lock screen", "Ctrl+L", self.lock)
        self.switch_action = self._action(
            file_menu, "&Switch user…", "Ctrl+Shift+L", self.switch_user
        )
        file_menu.addSeparator()
        # Not StandardKey.Quit: it is empty on Windows and on some Linux desktops.
        self.quit_action = self._action(file_menu, "&Quit", "Ctrl+Q", self.close)
        go = self.menuBar().addMenu("&Go")
        self.go_actions: dict[str, QAction] = {
            spec.key: self._action(
                # "&&": a screen title's "&" ("Referrals & resources") is text, not a mnemonic
                go,
                spec.title.replace("&", "&&"),
                spec.shortcut,
                lambda _=False, k=spec.key: self.show_screen(k),
            )
            for spec in self.specs
        }
        help_menu = self.menuBar().addMenu("&Help")
        self.help_action = self._action(help_menu, "CareCoord &help", "F1", self.show_help)
        self.about_action = self._action(help_menu, f"&About {APP_NAME}", None, self.about)
        # Not available while locked: everything that shows or changes the session's data.
        self._session_actions = [
            self.backup_action,
            self.password_action,
            *self.go_actions.values(),
        ]

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Record windows are separate top-level windows: the shell's shortcuts work there too.
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    # -- screens ---------------------------------------------------------------------------
    def _sync_screens(self) -> None:
        """Build the screens the actor may use, drop the others, and list them in the nav."""
        actor = self.state.actor
        current = self.current_screen()
        for spec in self.specs:
            if spec.allowed(actor) and spec.key not in self.screens:
                self._build(spec)
            elif not spec.allowed(actor) and spec.key in self.screens:
                self._drop(spec.key)
        self.page_keys = [s.key for s in self.specs if s.key in self.screens]
        self.nav.blockSignals(True)
        self.nav.clear()
        for spec in self.specs:
            if spec.key in self.screens:
                item = QListWidgetItem(screen_icon(spec.icon), spec.title)
                item.setToolTip(f"{spec.title} ({spec.shortcut})")
                self.nav.addItem(item)
        self.nav.blockSignals(False)
        self._fit_nav()
        for key, action in self.go_actions.items():
            action.setVisible(key in self.screens)
            action.setEnabled(key in self.screens and not self.is_locked)
        if self.page_keys:
            key = current if current in self.page_keys else self.page_keys[0]
            self.nav.setCurrentRow(self.page_keys.index(key))

    def _fit_nav(self) -> None:
        """A title too long for the nav ("Referrals & resources") wraps onto a second line: cut
        off or with a sideways scroll bar it was hard to read, and a wider nav would squeeze
        every screen at 1280."""
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setWordWrap(True)
        room = self.nav.width() - 2 * self.nav.frameWidth()
        line = self.nav.fontMetrics().lineSpacing()
        for r in range(self.nav.count()):
            item = self.nav.item(r)
            natural = self.nav.sizeHintForIndex(self.nav.indexFromItem(item))
            if natural.width() > room:
                item.setSizeHint(QSize(room, natural.height() + line))

    def _build(self, spec: ScreenSpec) -> None:
        try:
            screen = spec.factory(self.context)
        except CareCoordError as exc:
            screen = UnavailablePage(spec.title, exc)  # the rest of the app carries on
        screen.setObjectName(f"screen_{spec.key}")
        saved = self.ui_settings.value(f"screens/{spec.key}")
        if saved is not None:
            call_hook(screen, "restore_ui_state", saved)
        self.screens[spec.key] = screen
        self.pages.addWidget(screen)

    def _drop(self, key: str) -> None:
        screen = self.screens.pop(key)
        self._save_screen_state(key, screen)
        self.pages.removeWidget(screen)
        screen.hide()
        screen.deleteLater()  # its child windows go with it

    def screen_widget(self, key: str) -> QWidget | None:
        """The built screen for `key`, or None when the signed-in role may not use it."""
        return self.screens.get(key)

    def show_screen(self, key: str) -> None:
        if self.is_locked or key not in self.screens:
            return
        self.nav.setCurrentRow(self.page_keys.index(key))
        if not self.isActiveWindow():  # asked from a record window: bring the shell forward
            self.raise_()
            self.activateWindow()

    def current_screen(self) -> str | None:
        row = self.nav.currentRow()
        return self.page_keys[row] if 0 <= row < len(self.page_keys) else None

    def _nav_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.page_keys):
            screen = self.screens[self.page_keys[row]]
            self.pages.setCurrentWidget(screen)
            call_hook(screen, "screen_shown")

    def _actor_changed(self, actor: Actor) -> None:
        self._sync_screens()
        self.backup_action.setEnabled(can(actor, Permission.RUN_BACKUPS) and not self.is_locked)
        self._update_labels()

    def _settings_changed(self, settings) -> None:
        self.idle.set_minutes(settings.idle_lock_minutes)
        self.setWindowTitle(self._title())
        self._update_labels()

    def _workspace_replaced(self) -> None:
        self.workspace_label.setText(f"Workspace: {self.state.ws.folder}")

    def _update_labels(self) -> None:
        actor = self.state.actor
        self.user_label.setText(f"Signed in: {actor.full_name} ({actor.role.label})")
        minutes = self.state.settings.idle_lock_minutes
        self.lock_label.setText(
            "Locked" if self.is_locked else f"Unlocked · locks after {minutes} idle min"
        )

    # -- locking and switching user --------------------------------------------------------
    def lock(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        # Every other window may show patient data (record windows, dialogs): hidden, keeping
        # their input, until the same user is back.
        self._hidden_windows = hide_windows(keep=self)
        self.lock_screen.prepare(self.state.actor)
        self.root.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        for action in self._session_actions:
            action.setEnabled(False)
        audit.record_now(self.state.ws, self.state.actor, AuditAction.LOCK)
        self._update_labels()
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
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
        previous = self.state.actor
        switched = actor.user_id != previous.user_id
        self.is_locked = False
        if switched:
            self._end_session(previous)
            self.state.set_actor(actor)  # screens load what the new user may see
        else:
            self._actor_changed(actor)  # re-enables the session's actions
        self.root.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        if not switched:
            show_windows(self._hidden_windows)
        self._hidden_windows = []
        self.idle.timer.start()
        self.locked_changed.emit(False)

    def _end_session(self, previous: Actor) -> None:
        """The next user sees nothing of the previous one's session: screens forget it (or are
        rebuilt), and the windows hidden at the lock are closed, never shown again."""
        for key, screen in list(self.screens.items()):
            if callable(getattr(screen, "reset_for_new_user", None)):
                call_hook(screen, "reset_for_new_user")
            else:
                self._drop(key)  # rebuilt for the new user by _sync_screens
        self.opener.close_all()  # the previous user's record windows, hidden at the lock
        # No screen is current, so the new user lands where a fresh sign-in does (the first
        # screen their role has), not on the one the previous user left open.
        self.nav.setCurrentRow(-1)
        discard_windows(self._hidden_windows)
        self._hidden_windows = []
        if self._help is not None:
            discard_windows([self._help])  # it lists the previous role's screens
        self._help = None
        audit.record_now(
            self.state.ws, previous, AuditAction.LOGOUT, detail="signed out by switch user"
        )

    # -- actions ---------------------------------------------------------------------------
    def backup_now(self):
        def done(result) -> None:
            self.statusBar().showMessage(
                f"Backed up and checked: {backup_label(result.path)}.", 8000
            )
            self.state.backups_changed.emit()

        return start_backup(
            self,
            self.state.ws,
            self.state.actor,
            on_done=done,
            on_failed=lambda exc: QMessageBox.warning(self, "Backup failed", str(exc)),
        )

    def restore_backup(self, path: Path):
        """Every screen lets go of the old workspace before it is swapped: record and other
        windows are closed (refused while one has an edit open), list fetches and searches
        stop; the restore then runs on a worker behind a modal wait."""
        windows = [w for w in self.findChildren(QDialog) if w.isVisible() and w.isWindow()]
        editing = [w for w in windows if getattr(w, "has_unsaved_edits", lambda: False)()]
        if editing:
            names = "\n".join(f"• {w.windowTitle()}" for w in editing)
            QMessageBox.warning(
                self,
                "Restore not started",
                "These windows have changes that are not saved:\n"
                f"{names}\n\nSave or cancel them, then restore again. The database was "
                "not changed.",
            )
            return None
        for window in windows:
            window.close()
        self.state.close_workspace_use()

        def done(outcome) -> None:
            restored, kept = outcome
            self.state.replace_workspace(restored)
            QMessageBox.information(
                self,
                "Backup restored",
                f"Restored {backup_label(path)}. The database it replaced is kept as "
                f"{backup_label(kept)}.",
            )

        def failed(exc) -> None:
            self.state.replace_workspace(self.state.ws)  # the old one stays, and is used again
            QMessageBox.critical(self, "Restore failed", f"{exc}\n\nThe database was not changed.")

        return start_with_progress(
            self,
            "Checking the backup and restoring it…",
            _restore_when_idle,
            self.state.ws,
            self.state.actor,
            path,
            on_done=done,
            on_failed=failed,
        )

    def change_password(self) -> None:
        ChangePasswordDialog(self.state.ws, self.state.actor, parent=self).exec()

    def show_help(self) -> None:
        """F1: the guide to the screens this user has (one window, brought forward if open)."""
        if self._help is None or not shiboken6.isValid(self._help):
            self._help = HelpDialog(
                [s for s in self.specs if s.key in self.screens], self.actions(), parent=self
            )
        self._help.show()
        self._help.raise_()
        self._help.activateWindow()

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>Care coordination for general practice.<br>"
            f"Workspace: {self.state.ws.folder}<br><br>{knowledge_about_html()}",
        )

    # -- geometry --------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.ui_settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        screen = self.ui_settings.value("main/screen")
        if screen in self.page_keys:
            self.show_screen(screen)

    def _save_screen_state(self, key: str, screen: QWidget) -> None:
        value = call_hook(screen, "save_ui_state")
        if value is not None:
            self.ui_settings.setValue(f"screens/{key}", value)

    def save_geometry(self) -> None:
        self.ui_settings.setValue("main/geometry", self.saveGeometry())
        if self.current_screen():
            self.ui_settings.setValue("main/screen", self.current_screen())
        for key, screen in self.screens.items():
            self._save_screen_state(key, screen)
        self.ui_settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        # Record windows first: one that refuses to close (unsaved input) keeps the app open.
        for w in QApplication.topLevelWidgets():
            if w is not self and w.isVisible() and w.isWindow() and not w.close():
                event.ignore()
                return
        self.save_geometry()
        QApplication.instance().removeEventFilter(self.idle)
        audit.record_now(self.state.ws, self.state.actor, AuditAction.LOGOUT)
        super().closeEvent(event)
