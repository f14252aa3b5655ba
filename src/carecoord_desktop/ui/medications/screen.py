"""The Medications screen: the practice's reconciliations waiting (awaiting a sign-off first,
then open ones being prepared); Enter opens the reconciliation beside the patient's record."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications.types import RecState
from carecoord_desktop.services.medications.waiting import waiting_reconciliations
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.medications.rec_window import open_reconciliation
from carecoord_desktop.ui.medications.words import transition_text
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.date_field import DISPLAY_FORMAT
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel


def _when(at, who) -> str:
    return f"{at.astimezone():{DISPLAY_FORMAT} %H:%M} by {who}" if at else ""


def _state(w) -> str:
    if w.state == RecState.AWAITING_SIGNOFF:
        return "! Awaiting sign-off"
    return "✎ Being prepared"


COLUMNS = [
    Column("Patient", lambda w: w.patient_name),
    Column("Practice ID", lambda w: w.practice_id),
    Column("State", _state),
    Column("To decide", lambda w: f"{w.undecided} of {w.items}" if w.undecided else "✓ all"),
    Column("Transition", lambda w: transition_text(w.transition_of) or w.transition or "—"),
    Column("Started", lambda w: _when(w.started_at, w.started_by_name)),
    Column("Submitted", lambda w: _when(w.submitted_at, w.submitted_by_name)),
]


class WaitingModel(RowsTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        awaiting = self.rows[index.row()].state == RecState.AWAITING_SIGNOFF
        if role == Qt.ItemDataRole.BackgroundRole and awaiting:
            return QBrush(QColor("#fff3d6"))
        if role == Qt.ItemDataRole.FontRole and index.column() == 2:
            font = QFont()
            font.setBold(awaiting)
            return font
        return super().data(index, role)


class MedicationsScreen(QWidget):
    waiting_loaded = Signal(int)  # rows

    def __init__(self, state, open_record) -> None:
        super().__init__()
        self.setObjectName("medicationsScreen")
        self.state, self.open_record = state, open_record
        self.generation = 0
        layout = QVBoxLayout(self)
        title = QLabel("Medicines reconciliation")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)
        self.error = error_label()
        layout.addWidget(self.error)
        self.model = WaitingModel(COLUMNS, self)
        # Fitted: every column on screen, long ones wrapped ("Submitted" was behind a
        # sideways scroll at 1600x1000). The list is the few sessions waiting, not a registry.
        self.table = FittedTableView()
        self.table.setObjectName("waitingTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self.open_selected)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open reconciliation")
        self.open_button.setObjectName("openReconciliation")
        self.record_button = QPushButton("Open record")
        self.refresh_button = QPushButton("Refresh")
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        # Takes the room the table leaves when it is hidden (reception), so the title and
        # its message stay together at the top instead of spreading down the screen.
        self.filler = QWidget()
        layout.addWidget(self.filler, 1)
        self.open_button.clicked.connect(self.open_selected)
        self.record_button.clicked.connect(self.open_selected_record)
        self.refresh_button.clicked.connect(self.refresh)
        state.changes_published.connect(self._changes_published)
        state.actor_changed.connect(self._actor_changed)  # bound: gone with the screen
        state.workspace_replaced.connect(self.refresh)
        self.refresh()

    def _actor_changed(self, _actor) -> None:
        self.refresh()

    def may_reconcile(self) -> bool:
        return can(self.state.actor, Permission.EDIT_CARE_PLANS)

    def refresh(self) -> None:
        self.generation += 1
        for w in (self.table, self.open_button, self.record_button, self.refresh_button):
            w.setVisible(self.may_reconcile())
        self.filler.setVisible(not self.may_reconcile())
        if not self.may_reconcile():
            self.model.set_rows([])
            self.subtitle.setText(
                "Reconciling medicines is for GPs, nurses and care coordinators. To print a "
                "patient's medication card, open their record (Patients screen) and choose "
                "the Medicines tab, then Print medication card."
            )
            return
        generation = self.generation
        start_job(self, waiting_reconciliations, self.state.ws, self.state.actor,
                  on_done=lambda rows: self._loaded(generation, rows),
                  on_failed=lambda exc: show_error(self.error, exc))  # fmt: skip

    def _loaded(self, generation: int, rows) -> None:
        if generation != self.generation:
            return
        self.error.hide()
        self.model.set_rows(rows)
        waiting = sum(1 for w in rows if w.state == RecState.AWAITING_SIGNOFF)
        self.subtitle.setText(
            f"{waiting} awaiting a sign-off, {len(rows) - waiting} being prepared. Start a new "
            "reconciliation from a patient's record (Medicines tab). Enter opens the selected "
            "one beside the patient's record."
            if rows else
            "No reconciliation is waiting. Start one from a patient's record (Medicines tab)."
        )  # fmt: skip
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(rows))
        self.record_button.setEnabled(bool(rows))
        self.waiting_loaded.emit(len(rows))

    def selected(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() and self.model.rows else None

    def open_selected_record(self):
        w = self.selected()
        return self.open_record(w.patient_id) if w else None

    def open_selected(self):
        w = self.selected()
        if w is None:
            return None
        record = self.open_record(w.patient_id)
        return open_reconciliation(self.state, w.rec_id, record)

    def _changes_published(self, changes) -> None:
        if changes.touches({Kind.MED_RECONCILIATION, Kind.PATIENT}) or changes.membership:
            self.refresh()

    # -- shell hooks ----------------------------------------------------------------------------
    def screen_shown(self) -> None:
        self.refresh()

    def reset_for_new_user(self) -> None:
        self.generation += 1
        self.model.set_rows([])
