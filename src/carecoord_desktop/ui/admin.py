"""Administration: staff accounts, the audit log, practice settings and backups."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, settings, workspaces
from carecoord_desktop.services.permissions import ROLE_PERMISSIONS
from carecoord_desktop.ui.dialogs import error_label, show_error
from carecoord_desktop.ui.state import AppState
from carecoord_desktop.ui.table_model import Column, RowsTableModel
from carecoord_desktop.ui.workers import backup_with_progress

LEAST_PRIVILEGED_ROLE = min(Role, key=lambda r: len(ROLE_PERMISSIONS[r]))


def _when(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%d %b %Y %H:%M") if dt else "never"


def _record_label(row) -> str:
    return f"{row.record_type or ''} {(row.record_id or '')[:12]}".strip()


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def _fit_columns(view: QTableView, cap: int = 240) -> None:
    """Size columns to their contents, but never so wide that the last column leaves the view."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for col in range(header.count() - 1):
        header.resizeSection(col, min(header.sectionSize(col) + 12, cap))


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
            accounts.add_user(
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
        self.accept()


class UsersTab(QWidget):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = RowsTableModel(
            [
                Column("Name", lambda u: u.full_name),
                Column("User name", lambda u: u.username),
                Column("Role", lambda u: u.role.label[0].upper() + u.role.label[1:]),
                Column(
                    "Status",
                    lambda u: (
                        "Disabled"
                        if not u.active
                        else ("Locked (failed sign-ins)" if u.locked else "Active")
                    ),
                ),
                Column("Last sign-in", lambda u: _when(u.last_login_at)),
            ]
        )
        self.view = _table(self.model)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.error = error_label()
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add user…")
        self.role_button = QPushButton("Change role…")
        self.toggle_button = QPushButton("Disable")
        self.unlock_button = QPushButton("Unlock")
        self.reset_button = QPushButton("Reset password…")
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
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.view)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(accounts.list_users(self.state.ws, self.state.actor))
        _fit_columns(self.view)
        self._update_buttons()

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args) -> None:
        user = self.selected()
        for b in (self.role_button, self.toggle_button, self.unlock_button, self.reset_button):
            b.setEnabled(user is not None)
        if user is not None:
            self.toggle_button.setText("Enable" if not user.active else "Disable")
            self.unlock_button.setEnabled(user.locked)

    def _do(self, fn, *args, **kwargs) -> None:
        self.error.hide()
        try:
            fn(self.state.ws, self.state.actor, *args, **kwargs)
        except CareCoordError as exc:
            show_error(self.error, exc)
        self.refresh()

    def add_user(self) -> None:
        if AddUserDialog(self.state, self).exec() == QDialog.DialogCode.Accepted:
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
            self._do(accounts.update_user, user.id, role=list(Role)[labels.index(choice)])

    def toggle_active(self) -> None:
        user = self.selected()
        self._do(accounts.update_user, user.id, active=not user.active)

    def unlock(self) -> None:
        self._do(accounts.unlock_user, self.selected().id)

    def reset_password(self) -> None:
        user = self.selected()
        password, ok = QInputDialog.getText(
            self,
            "Reset password",
            f"Temporary password for {user.full_name} (they must change it at next sign-in):",
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self._do(accounts.reset_password, user.id, password)


class AuditTab(QWidget):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = RowsTableModel(
            [
                Column("#", lambda r: r.id, align_right=True),
                Column("When", lambda r: r.at.astimezone().strftime("%d %b %Y %H:%M:%S")),
                Column("Who", lambda r: r.actor_name),
                Column("Action", lambda r: r.action.replace("_", " ")),
                Column("Patient", lambda r: r.patient_id or ""),
                Column(
                    "Record", lambda r: f"{r.record_type or ''} {(r.record_id or '')[:12]}".strip()
                ),
                Column("Detail", lambda r: r.detail),
            ]
        )
        filters = QHBoxLayout()
        self.action = QComboBox()
        self.action.addItem("All actions", None)
        for a in AuditAction:
            self.action.addItem(a.value.replace("_", " ").capitalize(), a.value)
        self.who = QLineEdit()
        self.who.setPlaceholderText("Who (part of a name)")
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.until = QDateEdit(QDate.currentDate())
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd MMM yyyy")
        self.apply_button = QPushButton("Show")
        self.apply_button.clicked.connect(self.refresh)
        self.who.returnPressed.connect(self.refresh)
        self.verify_button = QPushButton("Verify hash chain")
        self.verify_button.clicked.connect(self.verify)
        for w in (
            QLabel("Action"),
            self.action,
            self.who,
            QLabel("From"),
            self.since,
            QLabel("to"),
            self.until,
            self.apply_button,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.verify_button)
        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.view = _table(self.model)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.view)

    def refresh(self) -> None:
        since = datetime.combine(self.since.date().toPython(), time.min).astimezone(UTC)
        until = datetime.combine(self.until.date().toPython(), time.min).astimezone(UTC)
        rows, total = audit.list_events(
            self.state.ws,
            self.state.actor,
            action=self.action.currentData(),
            actor_text=self.who.text().strip() or None,
            since=since,
            until=until + timedelta(days=1),
        )
        self.model.set_rows(rows)
        _fit_columns(self.view, cap=280)
        more = f" (newest {len(rows):,} shown; narrow the filters)" if total > len(rows) else ""
        self.count.setText(f"{total:,} events match{more}.")

    def verify(self) -> None:
        report = audit.verify_chain(self.state.ws)
        if report.ok:
            QMessageBox.information(
                self,
                "Audit log intact",
                f"All {report.rows:,} audit rows verify against the chain.",
            )
        else:
            QMessageBox.critical(
                self,
                "Audit log tampered",
                f"Row {report.first_bad_id}: {report.problem}. Tell the practice manager; "
                "keep backups from before this date.",
            )


class PracticeTab(QWidget):
    restore_requested = Signal(object)  # Path

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        box = QGroupBox("Practice settings")
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.idle = QSpinBox()
        self.idle.setRange(1, 120)
        self.idle.setSuffix(" minutes")
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        self.keep.setSuffix(" backups")
        for w in (self.idle, self.keep):
            w.setMaximumWidth(160)
        self.name.setMaximumWidth(480)
        form.addRow("Practice name", self.name)
        form.addRow("Lock the screen after", self.idle)
        form.addRow("Keep the newest", self.keep)
        self.settings_error = error_label()
        form.addRow(self.settings_error)
        save = QPushButton("Save settings")
        save.clicked.connect(self.save)
        save_row = QHBoxLayout()
        save_row.addWidget(save)
        save_row.addStretch(1)
        form.addRow("", save_row)
        layout.addWidget(box)

        bbox = QGroupBox("Backups (encrypted, verified after writing)")
        bl = QVBoxLayout(bbox)
        row = QHBoxLayout()
        self.backup_button = QPushButton("Back up now")
        self.backup_button.setObjectName("primary")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Restore selected…")
        self.restore_button.clicked.connect(self._restore)
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        bl.addLayout(row)
        self.backup_status = QLabel()
        self.backup_status.setWordWrap(True)
        bl.addWidget(self.backup_status)
        self.backup_error = error_label()
        bl.addWidget(self.backup_error)
        self.backups = QListWidget()
        bl.addWidget(self.backups)
        layout.addWidget(bbox, 1)
        self.refresh()

    def refresh(self) -> None:
        s = self.state.settings
        self.name.setText(s.practice_name)
        self.idle.setValue(s.idle_lock_minutes)
        self.keep.setValue(s.backups_kept)
        self.backups.clear()
        for path in workspaces.list_backups(self.state.ws):
            when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%d %b %Y, %H:%M:%S")
            kind = (
                " (kept before a restore)"
                if "pre-restore" in path.name
                else (" (made before an upgrade)" if "pre-migrate" in path.name else "")
            )
            item_text = f"{when}{kind}  ·  {path.stat().st_size / 1e6:.1f} MB  ·  {path.name}"
            self.backups.addItem(item_text)
            self.backups.item(self.backups.count() - 1).setData(Qt.ItemDataRole.UserRole, path)

    def save(self) -> None:
        self.settings_error.hide()
        try:
            new = settings.update(
                self.state.ws,
                self.state.actor,
                practice_name=self.name.text().strip(),
                idle_lock_minutes=self.idle.value(),
                backups_kept=self.keep.value(),
            )
        except CareCoordError as exc:
            show_error(self.settings_error, exc)
            return
        self.state.set_settings(new)

    def backup_now(self) -> None:
        self.backup_error.hide()
        try:
            result = backup_with_progress(self, self.state.ws, self.state.actor)
        except CareCoordError as exc:
            show_error(self.backup_error, exc)
            return
        self.backup_status.setText(
            f"Backup written and verified: {result.path.name} "
            f"({result.size_bytes / 1e6:.1f} MB, {sum(result.tables.values()):,} rows)."
        )
        self.refresh()

    def _restore(self) -> None:
        item = self.backups.currentItem()
        if item is None:
            show_error(self.backup_error, "Choose a backup in the list first.")
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        answer = QMessageBox.warning(
            self,
            "Restore this backup?",
            f"Replace the practice database with {path.name}?\n\nEverything entered after "
            "that backup is replaced. The current database is kept as a backup first.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(path)


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

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.audit:
            self.audit.refresh()

    def refresh(self) -> None:
        self.users.refresh()
        self.practice.refresh()
        if self.tabs.currentWidget() is self.audit:
            self.audit.refresh()
