"""Archiving from the record window (ask why; the safe button is the default) and the list of
archived records on the Patients screen, where they are opened or unarchived."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.archive import ARCHIVE_REASONS
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

OTHER = "Another reason (type it below)"
WHERE_ARCHIVED = "Patients screen (Archived patients…)"


class ArchiveDialog(QDialog):
    """Why is the record archived? `reason` after accept; "Keep the record" is the default."""

    def __init__(self, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archive the record")
        self.setMinimumWidth(520)
        self.reason = ""
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Archive <b>{display_name}</b>? Nothing is deleted: the record is kept and hidden "
            f"from the patient lists. It can be found and unarchived later on the "
            f"{WHERE_ARCHIVED}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Why is it archived? *"))
        self.choice = QComboBox()
        self.choice.setObjectName("reason")
        self.choice.addItem("Choose a reason…", None)
        for reason in ARCHIVE_REASONS:
            self.choice.addItem(reason, reason)
        self.choice.addItem(OTHER, OTHER)
        layout.addWidget(self.choice)
        self.detail = QLineEdit()
        self.detail.setObjectName("reason_detail")
        self.detail.setPlaceholderText("Details (optional; required for another reason)")
        self.detail.setMaxLength(400)
        layout.addWidget(self.detail)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.archive_button = QPushButton("Archive")
        self.archive_button.setAutoDefault(False)
        self.keep_button = QPushButton("Keep the record")
        self.keep_button.setDefault(True)
        self.archive_button.clicked.connect(self._archive)
        self.keep_button.clicked.connect(self.reject)
        buttons.addWidget(self.archive_button)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)
        self.choice.setFocus()

    def _archive(self) -> None:
        chosen, detail = self.choice.currentData(), " ".join(self.detail.text().split())
        if chosen is None:
            show_error(self.error, "Choose why the record is archived.")
            self.choice.setFocus()
            return
        if chosen == OTHER and not detail:
            show_error(self.error, "Type the reason in the details box.")
            self.detail.setFocus()
            return
        if chosen == OTHER:
            self.reason = detail
        else:
            self.reason = f"{chosen}: {detail}" if detail else chosen
        self.accept()


def confirm_unarchive(parent: QWidget, display_name: str) -> bool:
    """Ask before a record returns to the lists; "Cancel" is the default."""
    answer = QMessageBox.question(
        parent,
        "Unarchive",
        f"Unarchive {display_name}? The record returns to the patient lists and can be "
        "changed again.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


class ArchivedPatientsDialog(QDialog):
    """The archived records: open one, or unarchive it. `patient_unarchived(id)` after one."""

    patient_unarchived = Signal(int)
    record_open_requested = Signal(int)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Archived patients")
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Records taken off the register. Nothing in them was deleted; unarchive one to put "
            "it back on the lists. A record merged into another stays archived."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = RowsTableModel(
            [
                Column("Practice ID", lambda a: a.practice_id),
                Column("Name", lambda a: a.name),
                Column("Born", lambda a: _d(a.date_of_birth)),
                Column("Archived", lambda a: _d(a.archived_at)),
                Column(
                    "Why",
                    lambda a: f"Merged into {a.merged_into}" if a.merged_into else a.reason or "",
                ),
            ],
            self,
        )
        self.view = FittedTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.doubleClicked.connect(lambda _i: self.open_record())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.view, 1)
        self.empty = QLabel("No archived records.")
        self.empty.setObjectName("pageSubtitle")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.error = error_label()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.open_button = QPushButton("Open record")
        self.open_button.clicked.connect(self.open_record)
        self.unarchive_button = QPushButton("Unarchive…")
        self.unarchive_button.clicked.connect(self.unarchive)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(self.open_button)
        row.addWidget(self.unarchive_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        try:
            rows = patients.list_archived(self.state.ws, self.state.actor)
        except CareCoordError as exc:
            show_error(self.error, exc)
            rows = []
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        if rows:
            self.view.selectRow(0)
        self._selection_changed()

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_args) -> None:
        row = self.selected()
        may_edit = can(self.state.actor, Permission.EDIT_PATIENTS)
        self.open_button.setEnabled(row is not None)
        self.unarchive_button.setEnabled(row is not None and may_edit and not row.merged_into)
        if not may_edit:
            tip = f"A {self.state.actor.role.label} account cannot edit patient records."
        elif row is not None and row.merged_into:
            tip = "A merged record stays archived: open the record it was merged into."
        else:
            tip = ""
        self.unarchive_button.setToolTip(tip)

    def open_record(self) -> None:
        row = self.selected()
        if row is not None:
            self.record_open_requested.emit(row.id)

    def unarchive(self) -> None:
        row = self.selected()
        if row is None or not confirm_unarchive(self, row.name):
            return
        try:
            self.state.publish(patients.unarchive_patient(self.state.ws, self.state.actor, row.id))
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.error.hide()
        self.patient_unarchived.emit(row.id)
        self.reload()
