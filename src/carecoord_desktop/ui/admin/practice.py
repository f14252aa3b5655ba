"""The Practice and backups tab: practice settings, making a backup, restoring one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError
from carecoord_desktop.services import audit_text, settings, workspaces
from carecoord_desktop.services.careplans import packs
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.services.tasks.regions import normalise_region
from carecoord_desktop.ui.admin.common import (
    DATE_TIME,
    DESTRUCTIVE,
    PRIMARY,
    AdminTab,
    button,
    notice,
    table,
)
from carecoord_desktop.ui.shell.workers import start_backup
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

NO_BACKUPS = (
    "No backups yet.\n\nBack up now makes the first one. Make one at the end of each day, "
    "and copy the backups folder to a drive kept away from this computer."
)


@dataclass(frozen=True)
class BackupItem:
    path: Path
    made: datetime
    why: str
    size_bytes: int

    @property
    def label(self) -> str:
        """'the backup of 01/12/2026 07:48': how messages name a backup."""
        return f"the backup of {audit_text.local_time(self.made, DATE_TIME)}"


def backup_item(path: Path) -> BackupItem:
    stat = path.stat()
    made = audit_text.backup_time(path.name) or datetime.fromtimestamp(stat.st_mtime, UTC)
    if "pre-restore" in path.name:
        why = "Kept before a restore"
    elif "pre-migrate" in path.name:
        why = "Made before an upgrade"
    else:
        why = "Routine backup"
    return BackupItem(path, made, why, stat.st_size)


def backup_label(path: Path) -> str:
    """How a message names a backup: by when it was made, not by its file name."""
    return backup_item(path).label


class PracticeTab(AdminTab):
    permissions = (Permission.CHANGE_SETTINGS, Permission.RUN_BACKUPS)
    restore_requested = Signal(object)  # Path

    def __init__(self, state, parent=None) -> None:
        super().__init__(state, parent)
        layout = QVBoxLayout(self.body)
        boxes = QHBoxLayout()
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
        self.phone = QLineEdit()
        self.phone.setMaximumWidth(240)
        self.phone.setPlaceholderText("printed on patient handouts")
        form.addRow("Practice name", self.name)
        form.addRow("Practice phone", self.phone)
        form.addRow("Lock the screen after", self.idle)
        form.addRow("Keep the newest", self.keep)
        self.settings_error = error_label()
        boxes.addWidget(box, 1)
        boxes.addWidget(self._care_box(), 1)
        layout.addLayout(boxes)
        self.save_button = button("Save settings", PRIMARY)
        self.save_button.clicked.connect(self.save)
        self.settings_status = QLabel()
        self.settings_status.setObjectName("pageSubtitle")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.settings_status)
        save_row.addStretch(1)
        layout.addWidget(self.settings_error)
        layout.addLayout(save_row)

        bbox = QGroupBox("Backups (encrypted, checked after writing)")
        bl = QVBoxLayout(bbox)
        row = QHBoxLayout()
        self.backup_button = button("Back up now", PRIMARY)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = button("Restore…", DESTRUCTIVE)
        self.restore_button.setToolTip("Replace the practice database with the chosen backup")
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
        self.model = RowsTableModel(
            [
                Column("Made", lambda b: audit_text.local_time(b.made, DATE_TIME)),
                Column("Size", lambda b: audit_text.size_text(b.size_bytes), align_right=True),
                Column("Kind", lambda b: b.why),
            ]
        )
        self.view = table(self.model, wrap_column=2)
        self.view.doubleClicked.connect(self._restore)
        self.empty = notice(NO_BACKUPS)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.view)
        self.list_stack.addWidget(self.empty)
        bl.addWidget(self.list_stack, 1)
        self.folder = QLabel()
        self.folder.setObjectName("pageSubtitle")
        self.folder.setWordWrap(True)
        bl.addWidget(self.folder)
        layout.addWidget(bbox, 1)
        self.refresh()

    def _care_box(self) -> QGroupBox:
        """The settings the clinical features read (tasks, medicines, referrals, care plans)."""
        box = QGroupBox("Care coordination")
        outer = QVBoxLayout(box)
        self.care = FieldsForm(
            [
                Field(
                    "holiday_region",
                    "Public holidays of",
                    hint="Skipped in task due dates: country and state, e.g. AU-NSW, AU-VIC",
                ),
                Field(
                    "nurses_sign_reconciliation",
                    "Practice nurses may sign off medication reconciliations",
                    kind="check",
                ),
            ]
        )
        outer.addWidget(self.care)
        outer.addStretch(1)
        form = self.care.layout()  # one column of labels for the kit's fields and these
        self.follow_up = QSpinBox()
        self.follow_up.setRange(1, 90)
        self.follow_up.setSuffix(" days")
        self.follow_up.setMaximumWidth(160)
        self.follow_up.setToolTip("A sent referral with no answer by then gets a chase task")
        form.addRow("Chase a referral after", self.follow_up)
        self.pack_boxes: dict[str, QCheckBox] = {}
        pack_col = QVBoxLayout()
        for p in packs.list_packs():
            check = QCheckBox(p.name)
            self.pack_boxes[p.key] = check
            pack_col.addWidget(check)
        form.addRow("Care plans are checked against", pack_col)
        return box

    def _chosen_pack_keys(self) -> list[str]:
        return [k for k, check in self.pack_boxes.items() if check.isChecked()]

    def load(self) -> None:
        s = self.state.settings
        self.name.setText(s.practice_name)
        self.phone.setText(s.practice_phone)
        self.care.set_values(
            {
                "holiday_region": s.holiday_region,
                "nurses_sign_reconciliation": s.nurses_sign_reconciliation,
            }
        )
        self.follow_up.setValue(s.referral_follow_up_days)
        chosen = {p.key for p in packs.chosen_packs(self.state.ws)}
        for key, check in self.pack_boxes.items():
            check.setChecked(key in chosen)
        self.idle.setValue(s.idle_lock_minutes)
        self.keep.setValue(s.backups_kept)
        self.load_backups()

    def load_backups(self) -> None:
        """The list alone: a backup must not undo settings typed but not yet saved."""
        self.model.set_rows([backup_item(p) for p in workspaces.list_backups(self.state.ws)])
        has_backups = bool(self.model.rows)
        self.list_stack.setCurrentWidget(self.view if has_backups else self.empty)
        self.folder.setText(f"Backups are kept in {self.state.ws.backup_dir}")

    def clear(self) -> None:
        self.model.set_rows([])
        self.name.clear()
        self.phone.clear()
        self.backup_status.clear()
        self.settings_status.clear()
        self.folder.clear()

    def has_backups(self) -> bool:
        return bool(self.model.rows)

    def selected(self) -> BackupItem | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def save(self) -> None:
        self.settings_error.hide()
        self.settings_status.clear()
        self.care.clear_problems()
        care = self.care.values()
        try:
            # "au-vic" is what people type; the service keeps the one spelling "AU-VIC".
            region = normalise_region(care["holiday_region"])
            new = self.state.publish(
                settings.update(
                    self.state.ws,
                    self.state.actor,
                    practice_name=self.name.text().strip(),
                    practice_phone=self.phone.text().strip(),
                    idle_lock_minutes=self.idle.value(),
                    backups_kept=self.keep.value(),
                    holiday_region=region,
                    nurses_sign_reconciliation=care["nurses_sign_reconciliation"],
                    referral_follow_up_days=self.follow_up.value(),
                    version=self.state.settings.version,  # as shown: a later save is refused
                )
            )
            keys = self._chosen_pack_keys()
            if keys != [p.key for p in packs.chosen_packs(self.state.ws)]:
                self.state.publish(packs.choose_packs(self.state.ws, self.state.actor, keys))
        except StaleEditError as exc:
            # What was typed stays; the next save knows their settings (a deliberate choice).
            self.state.set_settings(settings.load(self.state.ws))
            show_error(self.settings_error, f"{exc} Theirs: {self._words()}.")
            return
        except CareCoordError as exc:
            if not self.care.show_problem(getattr(exc, "field", None), str(exc)):
                show_error(self.settings_error, exc)
            return
        self.state.set_settings(new)
        self.care.set_values({"holiday_region": new.holiday_region})
        self.settings_status.setText("Settings saved.")

    def _words(self) -> str:
        s = self.state.settings
        return (
            f"practice name “{s.practice_name}”, lock after {s.idle_lock_minutes} minutes, "
            f"keep {s.backups_kept} backups"
        )

    def backup_now(self):
        """Back up on a worker; returns its job (the screen updates when it reports)."""
        self.backup_error.hide()
        return start_backup(
            self,
            self.state.ws,
            self.state.actor,
            on_done=self._backed_up,
            on_failed=lambda exc: show_error(self.backup_error, exc),
        )

    def _backed_up(self, result) -> None:
        made = backup_item(result.path)
        self.load_backups()
        self.backup_status.setText(
            f"Backed up at {audit_text.local_time(made.made, '%H:%M on %d/%m/%Y')} and checked: "
            f"the copy opens and holds the same records ({audit_text.size_text(made.size_bytes)})."
        )

    def _restore(self, *_args) -> None:
        self.backup_error.hide()
        if not self.has_backups():
            show_error(self.backup_error, "There is no backup to restore yet. Back up now first.")
            return
        chosen = self.selected()
        if chosen is None:
            show_error(self.backup_error, "Choose the backup to restore in the list first.")
            return
        answer = QMessageBox.warning(
            self,
            "Restore this backup?",
            f"Replace the practice database with {chosen.label}?\n\nEverything entered after "
            "that backup was made is replaced. The current database is kept as a backup first.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(chosen.path)
