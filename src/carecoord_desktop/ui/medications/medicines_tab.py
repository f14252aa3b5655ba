"""The record's Medicines tab, editable: the patient's medicines as written and as recognised,
their flags, each one's history, add / change / stop / restart with a reason, Start (or continue)
reconciliation, and Print medication card. Replaces the record's own read-only tab."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications.types import RecState, SourceInput, SourceKind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.medications import medicine_forms, previews
from carecoord_desktop.ui.medications.dialogs import TypedListDialog
from carecoord_desktop.ui.medications.rec_panels import FlagsPanel
from carecoord_desktop.ui.medications.rec_window import open_reconciliation
from carecoord_desktop.ui.medications.words import recognised_text
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec
from carecoord_desktop.ui.shell.workers import start_job, start_with_progress
from carecoord_desktop.ui.widgets.date_field import DISPLAY_FORMAT
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

_LIVE = (RecState.OPEN.value, RecState.AWAITING_SIGNOFF.value)


def _d(value) -> str:
    return f"{value:{DISPLAY_FORMAT}}" if value else ""


def _frequency(m) -> str:
    """ "twice a day (morning, night)"; the times left out when the words say them already."""
    words = m.frequency or ""
    times = [t for t in m.times_of_day if t not in words.lower()]
    if not times:
        return words
    return f"{words} ({', '.join(m.times_of_day)})" if words else ", ".join(m.times_of_day)


def _status(m) -> str:
    if m.active:
        return "● Active"
    return "× Stopped" + (f": {m.stop_reason}" if m.stop_reason else "")


MEDICINE_COLUMNS = [
    Column("Status", _status),
    Column("As written", lambda m: m.written),
    Column("Recognised as", lambda m: recognised_text(m.ingredients, m.recognised_as)),
    Column("Strength", lambda m: m.strength),
    Column("Dose", lambda m: m.dose),
    Column("Route", lambda m: m.route),
    Column("Frequency / times", _frequency),
    Column("Indication", lambda m: m.indication),
    Column("Prescriber", lambda m: m.prescriber),
    Column("Started", lambda m: _d(m.started)),
    Column("Stopped", lambda m: _d(m.stopped)),
]
# The history names the fields it changed: in the words of the table's columns, not the code's.
_FIELD_WORDS = {"written": "as written", "recognised_as": "recognised as",
                "times_of_day": "times of day", "stop_reason": "why stopped",
                "status": "status", "name": "name"}  # fmt: skip


def _field(name: str) -> str:
    return _FIELD_WORDS.get(name, name.replace("_", " "))


def _shown(value) -> str:
    """A value as the history stored it (dates as ISO text, lists as lists), written as the
    screen writes it: dd/mm/yyyy, words joined by commas."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return f"{date.fromisoformat(value):{DISPLAY_FORMAT}}"
        except ValueError:
            pass
    return str(value)


def _what(h) -> str:
    return h.action.capitalize() + (f" ({', '.join(map(_field, h.fields))})" if h.fields else "")


def _before_after(h) -> str:
    return "; ".join(
        f"{_field(k)}: {_shown(h.before.get(k))} → {_shown(h.after.get(k))}" for k in h.fields
    )


HISTORY_COLUMNS = [
    Column("When", lambda h: f"{h.at.astimezone():{DISPLAY_FORMAT} %H:%M}"),
    Column("Who", lambda h: h.actor_name),
    Column("What", _what),
    Column("Reason", lambda h: h.reason or ("by reconciliation" if h.reconciliation_id else "")),
    Column("Before → after", _before_after),
]  # fmt: skip


class MedicineModel(RowsTableModel):
    """Stopped medicines greyed, unrecognised ones marked in words as well."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            m = self.rows[index.row()]
            if not m.active:
                return QBrush(QColor("#6b7785"))
            if index.column() == 2 and not m.recognised:
                return QBrush(QColor("#8e1b12"))
        return super().data(index, role)


def _table(model) -> FittedTableView:
    # Columns fit their text and the window, long lines wrap: no column is cut to "…" or
    # pushed out of sight behind a sideways scroll (the record's other tabs do the same).
    table = FittedTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


def _load(ws, actor, patient_id: int):
    listed = meds.list_medicines(ws, actor, patient_id)
    live = None
    if can(actor, Permission.EDIT_CARE_PLANS):
        live = next(
            (r for r in meds.list_reconciliations(ws, actor, patient_id) if r.state in _LIVE),
            None,
        )
    return listed, live


class MedicinesSection(QWidget):
    medicines_loaded = Signal(object)  # MedicineList

    def __init__(self, ctx: SectionContext) -> None:
        super().__init__()
        self.setObjectName("medicinesSection")
        self.state, self.window_ = ctx.state, ctx.window
        self.patient_id: int | None = None
        self.archived = False
        self.listed = None
        self.live_rec = None
        self.generation = 0
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.change_button = QPushButton("Change…")
        self.stop_button = QPushButton("Stop…")
        self.restart_button = QPushButton("Restart…")
        self.reconcile_button = QPushButton("Start reconciliation")
        self.reconcile_button.setObjectName("startReconciliation")
        self.card_button = QPushButton("Print medication card…")
        self.card_button.setObjectName("printCard")
        for button in (self.add_button, self.change_button, self.stop_button,
                       self.restart_button):  # fmt: skip
            buttons.addWidget(button)
        # The record is a dialog, where the focused button takes Enter: a second Enter meant
        # for a form that has just closed would open it again (or start a reconciliation).
        for button in (self.add_button, self.change_button, self.stop_button,
                       self.restart_button, self.reconcile_button, self.card_button):  # fmt: skip
            button.setAutoDefault(False)
        buttons.addStretch(1)
        buttons.addWidget(self.reconcile_button)
        buttons.addWidget(self.card_button)
        layout.addLayout(buttons)
        self.summary = QLabel()
        self.summary.setObjectName("pageSubtitle")
        layout.addWidget(self.summary)
        self.error = error_label()
        layout.addWidget(self.error)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = MedicineModel(MEDICINE_COLUMNS, self)
        self.table = _table(self.model)
        self.table.setObjectName("medicinesTable")
        self.table.doubleClicked.connect(lambda _i: self.change())
        split.addWidget(self.table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.flags = FlagsPanel()
        self.flags.flag_chosen.connect(self._select_flag)
        lower.addWidget(self.flags)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        self.history_title = QLabel("History: choose a medicine")
        history_layout.addWidget(self.history_title)
        self.history_model = RowsTableModel(HISTORY_COLUMNS, self)
        self.history = _table(self.history_model)
        self.history.setObjectName("medicineHistory")
        history_layout.addWidget(self.history)
        lower.addWidget(history)
        lower.setSizes([480, 720])  # the history has five columns, the flags wrap
        split.addWidget(lower)
        split.setSizes([420, 260])
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.add_button.clicked.connect(self.add)
        self.change_button.clicked.connect(self.change)
        self.stop_button.clicked.connect(self.stop)
        self.restart_button.clicked.connect(self.restart)
        self.reconcile_button.clicked.connect(self.reconcile)
        self.card_button.clicked.connect(self.print_card)
        self._enable()

    # -- reading --------------------------------------------------------------------------------
    def show_record(self, rec) -> None:
        self.patient_id, self.archived = rec.id, bool(rec.archived)
        self.generation += 1
        generation = self.generation
        start_job(self, _load, self.state.ws, self.state.actor, rec.id,
                  on_done=lambda result: self._loaded(generation, result),
                  on_failed=lambda exc: show_error(self.error, exc))  # fmt: skip

    def _loaded(self, generation: int, result) -> None:
        if generation != self.generation:
            return  # an older read answered after a newer one was asked for
        listed, self.live_rec = result
        selected = self.current()
        self.listed = listed
        self.model.set_rows(listed.medicines)
        self.flags.show_flags(listed.flags)
        active, stopped = len(listed.active), len(listed.stopped)
        self.summary.setText(f"{active} active, {stopped} stopped · checked against the "
                             f"knowledge base {listed.kb_version}")  # fmt: skip
        if selected is not None:
            row = next((i for i, m in enumerate(listed.medicines) if m.id == selected.id), -1)
            if row >= 0:
                self.table.selectRow(row)
        self._enable()
        self.medicines_loaded.emit(listed)

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() and self.model.rows else None

    def _row_changed(self, current, _previous) -> None:
        self._enable()
        m = self.model.row_at(current.row()) if current.isValid() else None
        if m is None:
            return
        self.history_title.setText(f"History of {m.name}")
        pid, ws, actor = self.patient_id, self.state.ws, self.state.actor
        start_job(self, meds.medicine_history, ws, actor, pid, medication_id=m.id,
                  on_done=self.history_model.set_rows,
                  on_failed=lambda exc: show_error(self.error, exc))  # fmt: skip

    def _select_flag(self, flag) -> None:
        rows = [i for i, m in enumerate(self.model.rows) if m.id in flag.medication_ids]
        if rows:
            self.table.selectRow(rows[0])

    def _enable(self) -> None:
        actor = self.state.actor
        edits = can(actor, Permission.EDIT_CARE_PLANS) and not self.archived
        m = self.current()
        for button in (self.add_button, self.change_button, self.stop_button,
                       self.restart_button, self.reconcile_button):  # fmt: skip
            button.setVisible(can(actor, Permission.EDIT_CARE_PLANS))
        self.add_button.setEnabled(edits and self.patient_id is not None)
        self.change_button.setEnabled(edits and m is not None and m.active)
        self.stop_button.setEnabled(edits and m is not None and m.active)
        self.restart_button.setEnabled(edits and m is not None and not m.active)
        self.reconcile_button.setEnabled(edits and self.listed is not None)
        self.reconcile_button.setText(
            "Continue reconciliation" if self.live_rec else "Start reconciliation"
        )
        self.card_button.setVisible(can(actor, Permission.PRINT_HANDOUTS))
        self.card_button.setEnabled(self.listed is not None)

    # -- writes ---------------------------------------------------------------------------------
    def _form(self, dialog) -> None:
        self.dialog = dialog
        dialog.open()

    def add(self) -> None:
        if self.add_button.isEnabled():
            self._form(medicine_forms.add_dialog(self.state, self.patient_id, self))

    def change(self) -> None:
        m = self.current()
        if m is not None and self.change_button.isEnabled():
            self._form(medicine_forms.change_dialog(self.state, m, self))

    def stop(self) -> None:
        m = self.current()
        if m is not None and self.stop_button.isEnabled():
            self._form(medicine_forms.stop_dialog(self.state, m, self))

    def restart(self) -> None:
        m = self.current()
        if m is not None and self.restart_button.isEnabled():
            self._form(medicine_forms.restart_dialog(self.state, m, self))

    def reconcile(self) -> None:
        if self.live_rec is not None:
            self.rec_window = open_reconciliation(self.state, self.live_rec.id, self.window_)
            return
        dialog = TypedListDialog(SourceKind.NEW, self, starting=True)
        dialog.accepted.connect(lambda: self.start_with(dialog.source()))
        self.dialog = dialog
        dialog.open()

    def start_with(self, source: SourceInput) -> None:
        """Start a session comparing the current list with `source` (off the GUI thread)."""
        start_with_progress(
            self, "Reading the list and matching it…", meds.start_reconciliation, self.state.ws,
            self.state.actor, self.patient_id, [source], on_done=self._started,
            on_failed=lambda exc: show_error(self.error, exc),
        )  # fmt: skip

    def _started(self, result) -> None:
        view = self.state.publish(result)
        self.rec_window = open_reconciliation(self.state, view.id, self.window_)

    def print_card(self) -> PdfPreviewDialog | None:
        if self.patient_id is None:
            return None
        self.preview = previews.medication_card(self, self.state, self.patient_id)
        return self.preview


MEDICINES_SECTION = SectionSpec(
    "medicines",
    "Medicines",
    Permission.VIEW_PATIENTS,
    MedicinesSection,
    frozenset({Kind.MEDICINES, Kind.MED_RECONCILIATION}),
    30,
)
