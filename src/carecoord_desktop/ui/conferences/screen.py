"""The practice's care conferences: the ones to come first (soonest first), then those held or
cancelled (latest first); filters (upcoming, this week, awaiting the patient's agreement, held,
cancelled, all) and a search by patient; "Schedule a conference…"; Enter or a double-click
opens the conference window, Ctrl+O the patient's record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.conferences.types import ConferenceSummary
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.record_tab import upcoming_then_past
from carecoord_desktop.ui.conferences.schedule_dialog import ScheduleDialog
from carecoord_desktop.ui.conferences.tables import ConferencesModel, conference_columns
from carecoord_desktop.ui.conferences.when import local
from carecoord_desktop.ui.conferences.window import ConferenceWindow, open_conference
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_OPEN = ("scheduled", "in_progress")


def _this_week(s: ConferenceSummary, today: date) -> bool:
    monday = today - timedelta(days=today.weekday())
    return monday <= local(s.scheduled_at).date() < monday + timedelta(days=7)


# (key, label, which rows): what the filter box offers, in order.
FILTERS: tuple[tuple[str, str, Callable[[ConferenceSummary, date], bool]], ...] = (
    ("upcoming", "Upcoming", lambda s, today: s.status in _OPEN
     and (s.status == "in_progress" or local(s.scheduled_at).date() >= today)),
    ("week", "This week", _this_week),
    ("agreement", "Awaiting the patient's agreement",
     lambda s, today: s.status in _OPEN and s.agreed is None),
    ("held", "Held", lambda s, today: s.status == "held"),
    ("cancelled", "Cancelled", lambda s, today: s.status == "cancelled"),
    ("all", "All", lambda s, today: True),
)  # fmt: skip


def matches(s: ConferenceSummary, text: str) -> bool:
    """The search by patient: every word typed is in the name or the practice ID."""
    hay = f"{s.patient_name} {s.practice_id}".casefold()
    return all(word in hay for word in text.casefold().split())


class ConferencesScreen(QWidget):
    def __init__(self, state: AppState, open_record: Callable[[int], object]) -> None:
        super().__init__()
        self.setObjectName("conferencesScreen")
        self.state, self.open_record = state, open_record
        self.all_rows: list[ConferenceSummary] = []
        self.search = QLineEdit()
        self.search.setObjectName("conferenceSearch")
        self.search.setPlaceholderText("Patient: a name or practice ID")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        self.filter.setObjectName("conferenceFilter")
        self.filter.setAccessibleName("Show")
        for key, label, _test in FILTERS:
            self.filter.addItem(label, key)
        self.schedule_button = QPushButton("Schedule a conference…")
        self.schedule_button.setObjectName("scheduleConference")
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the chosen conference (Enter)")
        self.record_button = QPushButton("Patient's record")
        self.record_button.setToolTip("Open the patient's record (Ctrl+O)")
        self.model = ConferencesModel(conference_columns(with_patient=True), self)
        self.table = FittedTableView()
        self.table.setObjectName("conferencesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
        self.count = QLabel()
        self.count.setObjectName("conferencesCount")
        self.error = error_label()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        show = QLabel("&Show")
        show.setBuddy(self.filter)
        bar.addWidget(show)
        bar.addWidget(self.filter)
        bar.addWidget(self.schedule_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(150)
        self._typing.timeout.connect(self.show_rows)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        self.filter.currentIndexChanged.connect(lambda _i: self.show_rows())
        self.schedule_button.clicked.connect(self.schedule)
        self.open_button.clicked.connect(self.open_chosen)
        self.record_button.clicked.connect(self.open_patient)
        self.table.doubleClicked.connect(lambda _i: self.open_chosen())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, activated=self.open_chosen,
                      context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.open_patient,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        state.changes_published.connect(self._changed)
        state.actor_changed.connect(self._actor_changed)
        self.refresh()

    # -- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.all_rows = upcoming_then_past(self.state.ws, self.state.actor)
        except CareCoordError as exc:
            show_error(self.error, exc)
            self.all_rows = []
        else:
            self.error.hide()
        self.show_rows()

    def show_rows(self) -> None:
        chosen = self.current()
        key = self.filter.currentData()
        test = next(t for k, _label, t in FILTERS if k == key)
        today, text = date.today(), self.search.text().strip()
        rows = [r for r in self.all_rows if test(r, today) and matches(r, text)]
        self.model.set_rows(rows)
        label = self.filter.currentText().lower()
        self.count.setText(
            f"{len(rows)} conference{'s' if len(rows) != 1 else ''} ({label})"
            + (f" for “{text}”" if text else "")
            if rows
            else f"No conferences ({label})" + (f" for “{text}”" if text else "") + "."
        )
        index = next((n for n, r in enumerate(rows) if chosen and r.id == chosen.id), 0)
        if rows:
            self.table.selectRow(index)
        self._buttons()

    def _changed(self, changes) -> None:
        if Kind.CONFERENCES in changes.kinds or changes.membership:
            self.refresh()

    def _actor_changed(self, _actor) -> None:
        self.refresh()

    def reset_for_new_user(self) -> None:  # shell hook: nothing of the last user's view stays
        self._typing.stop()
        for widget, clear in ((self.search, self.search.clear),
                              (self.filter, lambda: self.filter.setCurrentIndex(0))):  # fmt: skip
            widget.blockSignals(True)
            clear()
            widget.blockSignals(False)
        self.table.clearSelection()
        self.error.hide()

    def screen_shown(self) -> None:  # shell hook: "upcoming" and "this week" move with the day
        self.refresh()

    def current(self) -> ConferenceSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _buttons(self) -> None:
        row = self.current()
        self.schedule_button.setEnabled(can(self.state.actor, Permission.EDIT_CARE_PLANS))
        self.open_button.setEnabled(row is not None)
        self.record_button.setEnabled(row is not None)

    # -- actions -----------------------------------------------------------------------------
    def schedule(self) -> ScheduleDialog | None:
        if not can(self.state.actor, Permission.EDIT_CARE_PLANS):
            return None
        dialog = ScheduleDialog(self.state, None, self)
        dialog.scheduled.connect(lambda rec: self.open(rec.id))
        dialog.open()
        return dialog

    def open_chosen(self) -> ConferenceWindow | None:
        row = self.current()
        return self.open(row.id) if row is not None else None

    def open(self, conference_id: int) -> ConferenceWindow:
        return open_conference(self.state, conference_id, self)

    def open_patient(self):
        row = self.current()
        return self.open_record(row.patient_id) if row is not None else None


def make_screen(ctx) -> QWidget:
    return ConferencesScreen(ctx.state, ctx.open_record)
