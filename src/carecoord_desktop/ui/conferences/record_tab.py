"""The record window's "Conferences" tab: the patient's care conferences, the ones to come
first (soonest first), then those held or cancelled (latest first); "Schedule a conference…"
and opening one (Enter or a double-click) in its conference window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.types import ConferenceSummary
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.schedule_dialog import ScheduleDialog
from carecoord_desktop.ui.conferences.tables import ConferencesModel, conference_columns
from carecoord_desktop.ui.conferences.window import ConferenceWindow, open_conference
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error


def upcoming_then_past(ws, actor, patient_id: int | None = None) -> list[ConferenceSummary]:
    """What a coordinator looks for first: what is coming, then what was held."""
    return confs.list_conferences(ws, actor, patient_id=patient_id, when="upcoming") + (
        confs.list_conferences(ws, actor, patient_id=patient_id, when="past")
    )


class ConferencesSection(QWidget):
    def __init__(self, ctx: SectionContext) -> None:
        super().__init__()
        self.setObjectName("conferencesSection")
        self.state, self.window_ = ctx.state, ctx.window
        self.patient_id: int | None = None
        self.model = ConferencesModel(conference_columns(with_patient=False), self)
        self.table = FittedTableView()
        self.table.setObjectName("conferencesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
        self.summary = QLabel()
        self.summary.setObjectName("conferencesSummary")
        self.schedule_button = QPushButton("Schedule a conference…")
        self.schedule_button.setObjectName("scheduleConference")
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the chosen conference (Enter)")
        self.error = error_label()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.schedule_button)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.schedule_button.clicked.connect(self.schedule)
        self.open_button.clicked.connect(self.open_chosen)
        self.table.doubleClicked.connect(lambda _i: self.open_chosen())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, activated=self.open_chosen,
                      context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())

    # -- data --------------------------------------------------------------------------------
    def show_record(self, rec) -> None:
        self.patient_id = rec.id
        self.refresh()

    def refresh(self) -> None:
        chosen = self.current()
        try:
            rows = upcoming_then_past(self.state.ws, self.state.actor, self.patient_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.error.hide()
        self.model.set_rows(rows)
        upcoming = [r for r in rows if r.status in ("scheduled", "in_progress")]
        awaiting = sum(1 for r in upcoming if r.agreed is None)
        held = sum(1 for r in rows if r.status == "held")
        cancelled = sum(1 for r in rows if r.status == "cancelled")
        parts = [f"{n} {word}" for n, word in ((len(upcoming), "to come"), (held, "held"),
                                               (cancelled, "cancelled")) if n]  # fmt: skip
        self.summary.setText(
            (", ".join(parts) if rows else "No care conferences yet.")
            + (f" — <b>{awaiting} awaiting the patient's agreement</b>" if awaiting else "")
        )
        index = next((n for n, r in enumerate(rows) if chosen and r.id == chosen.id), 0)
        if rows:
            self.table.selectRow(index)
        self._buttons()

    def current(self) -> ConferenceSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _buttons(self) -> None:
        self.schedule_button.setEnabled(can(self.state.actor, Permission.EDIT_CARE_PLANS))
        self.open_button.setEnabled(self.current() is not None)

    # -- actions -----------------------------------------------------------------------------
    def schedule(self) -> ScheduleDialog | None:
        if self.patient_id is None or not can(self.state.actor, Permission.EDIT_CARE_PLANS):
            return None
        dialog = ScheduleDialog(self.state, self.patient_id, self)
        dialog.scheduled.connect(lambda rec: self.open(rec.id))
        dialog.open()
        return dialog

    def open_chosen(self) -> ConferenceWindow | None:
        row = self.current()
        return self.open(row.id) if row is not None else None

    def open(self, conference_id: int) -> ConferenceWindow:
        return open_conference(self.state, conference_id, self)


def _section(ctx: SectionContext) -> QWidget:
    return ConferencesSection(ctx)


CONFERENCES_SECTION = SectionSpec(
    "conferences",
    "Conferences",
    Permission.VIEW_PATIENTS,
    _section,
    frozenset({Kind.CONFERENCES}),
    65,  # after the Referrals tab (60)
)
