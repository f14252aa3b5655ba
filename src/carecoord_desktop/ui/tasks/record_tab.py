"""The record window's Tasks tab: the patient's open tasks with their countdowns, the running
transition-of-care clocks (record an admission, a discharge, an ED visit, a contact), and the
coordination-minutes timer."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import transitions as transition_service
from carecoord_desktop.services.tasks.calendar import load_calendar
from carecoord_desktop.services.tasks.types import COLUMN_TITLES, TaskCard, TaskSource
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec
from carecoord_desktop.ui.tasks.cards import countdown, due_text, owner_text, source_text, urgency
from carecoord_desktop.ui.tasks.detail import TaskDetailDialog
from carecoord_desktop.ui.tasks.form import TaskFormDialog
from carecoord_desktop.ui.tasks.minutes_panel import MinutesPanel
from carecoord_desktop.ui.tasks.transitions import ContactDialog, TransitionDialog
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

_URGENCY_BRUSHES = {"overdue": QBrush(QColor("#a11d1d")), "today": QBrush(QColor("#8a5a00"))}
CLOCK_DAYS = 30  # a transition's clocks show for a month after it
_TASK_WORDS = {"contact": "Contact", "medrec": "Med rec", "visit": "Visit", "summary": "Summary"}
_KIND_WORDS = {"admission": "Admitted", "discharge": "Discharged", "ed_visit": "ED visit"}


class _TaskRows(RowsTableModel):
    def __init__(self, today_fn, calendar_fn, parent=None) -> None:
        self.today_fn, self.calendar_fn = today_fn, calendar_fn
        super().__init__(
            [
                Column("Due", self._due),
                Column("Task", lambda c: c.title),
                Column("Owner", owner_text),
                Column("Column", lambda c: COLUMN_TITLES[c.state]),
                Column("From", source_text),
            ],
            parent,
        )

    def _due(self, card: TaskCard) -> str:
        left = countdown(card, self.today_fn(), self.calendar_fn())
        return f"{due_text(card)} · {left}" if left and card.due_date else due_text(card)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.ForegroundRole:
            flag = urgency(self.rows[index.row()], self.today_fn())
            return _URGENCY_BRUSHES.get(flag)
        return super().data(index, role)


class TasksSection(QScrollArea):
    def __init__(self, ctx: SectionContext) -> None:
        super().__init__()
        self.state, self.window = ctx.state, ctx.window
        self.patient_id: int | None = None
        self.calendar = None
        self.today = date.today()
        self._dialogs: list[QWidget] = []
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.error = error_label()
        layout.addWidget(self.error)

        clinical = can(self.state.actor, Permission.EDIT_CARE_PLANS)
        self.clocks_box = QGroupBox("Transitions of care")
        clocks = QVBoxLayout(self.clocks_box)
        buttons = QHBoxLayout()
        self.transition_buttons = {}
        for kind, text in (
            ("admission", "Record admission…"),
            ("discharge", "Record &discharge…"),
            ("ed_visit", "Record &ED visit…"),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self.record_transition(k))
            button.setVisible(clinical)
            self.transition_buttons[kind] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        clocks.addLayout(buttons)
        self.clock_area = QVBoxLayout()
        clocks.addLayout(self.clock_area)
        layout.addWidget(self.clocks_box)

        tasks_box = QGroupBox("Open tasks")
        tasks = QVBoxLayout(tasks_box)
        self.model = _TaskRows(lambda: self.today, lambda: self.calendar, self)
        self.table = FittedTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(
            lambda index: self.open_task(self.model.row_at(index.row()).id)
        )
        self.table.setToolTip("Double-click a task (or press Enter) for its details")
        self.empty = QLabel("No open tasks for this patient.")
        self.empty.setObjectName("pageSubtitle")
        new = QPushButton("&New task for this patient…")
        new.clicked.connect(self.new_task)
        row = QHBoxLayout()
        row.addWidget(self.empty, 1)
        row.addWidget(new)
        tasks.addLayout(row)
        tasks.addWidget(self.table)
        layout.addWidget(tasks_box)

        self.minutes = MinutesPanel(self.state)
        layout.addWidget(self.minutes)
        layout.addStretch(1)

    # -- reading -------------------------------------------------------------------------------
    def show_record(self, rec) -> None:
        self.patient_id = rec.id
        self.patient_label = f"{rec.family_name.upper()}, {rec.given_name}"
        locked = bool(getattr(rec, "archived", False) or getattr(rec, "merged_into_id", None))
        for button in self.transition_buttons.values():
            button.setEnabled(not locked)
        self.reload()
        self.minutes.show_patient(rec.id)
        self.minutes.setEnabled(not locked)

    def reload(self) -> None:
        ws, actor = self.state.ws, self.state.actor
        self.today = date.today()
        try:
            self.calendar = load_calendar(ws)
            cards = boards.patient_tasks(ws, actor, self.patient_id, include_done=False)
            stays = transition_service.list_transitions(ws, actor, self.patient_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.model.set_rows(cards)
        self.table.setVisible(bool(cards))
        self.empty.setText(
            f"{len(cards)} open task{'s' if len(cards) != 1 else ''}"
            if cards
            else "No open tasks for this patient."
        )
        self._show_clocks(stays, cards)

    def _show_clocks(self, stays, cards: list[TaskCard]) -> None:
        while self.clock_area.count():
            item = self.clock_area.takeAt(0)
            if item.widget():
                item.widget().hide()  # out of the layout but still drawn until deleted
                item.widget().deleteLater()
        recent = [s for s in stays if s.event_date >= self.today - timedelta(days=CLOCK_DAYS)]
        if not recent:
            none = QLabel("No admission, discharge or ED visit in the last 30 days.")
            none.setObjectName("pageSubtitle")
            self.clock_area.addWidget(none)
            none.show()
        for stay in recent:
            row = self._clock_row(stay, cards)
            self.clock_area.addWidget(row)
            row.show()  # (a layout only queues the show of a widget added to a shown parent)
        self.widget().layout().activate()  # the box grows to its new rows before the next paint

    def _clock_row(self, stay, cards: list[TaskCard]) -> QWidget:
        row = QWidget()
        row.setObjectName("transitionClock")
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 2, 0, 2)
        what = f"{_KIND_WORDS.get(stay.kind, stay.kind)} {stay.event_date:%d/%m/%Y}"
        if stay.facility:
            what += f" · {stay.facility}"
        own = [c for c in cards if c.source == TaskSource.DISCHARGE and c.source_id == str(stay.id)]
        clocks = []
        for card in sorted(own, key=lambda c: c.due_date or date.max):
            left = countdown(card, self.today, self.calendar)
            colour = {"overdue": "#a11d1d", "today": "#8a5a00"}.get(
                urgency(card, self.today), "#1b2733"
            )
            name = _TASK_WORDS.get(card.kind, "Task")
            clocks.append(f"<span style='color:{colour}'>{name}: {left}</span>")
        contacts = list(stay.contacts)
        if stay.contacted:
            clocks.append("<span style='color:#2e6b3a'>contact made</span>")
        elif contacts:
            clocks.append(
                f"{len(contacts)} attempt{'s' if len(contacts) != 1 else ''}, not yet reached"
            )
        # Two lines, not wrapped: a wrapped label inside the scroll area was squeezed to one
        # line's height and its clocks cut off.
        label = QLabel(f"<b>{what}</b><br>" + (" · ".join(clocks) or "no open follow-up"))
        label.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(label, 1)
        if stay.kind in ("discharge", "ed_visit"):
            contact = QPushButton("Record contact…")
            contact.setToolTip(
                "Who reached the patient, when and how (a voicemail alone does not "
                "close the contact task)"
            )
            contact.clicked.connect(lambda _=False, s=stay, w=what: self.record_contact(s.id, w))
            box.addWidget(contact)
        return row

    # -- writing (each dialog publishes; the window refreshes this tab from the notice) --------
    def _open(self, dialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.append(dialog)
        dialog.open()

    def record_transition(self, kind: str) -> None:
        self._open(TransitionDialog(self.state, self.patient_id, kind, self.window))

    def record_contact(self, transition_id: int, what: str) -> None:
        self._open(ContactDialog(self.state, transition_id, what, self.window))

    def new_task(self) -> None:
        self._open(
            TaskFormDialog(
                self.state, patient=(self.patient_id, self.patient_label), parent=self.window
            )
        )

    def open_task(self, task_id: int) -> None:
        dialog = TaskDetailDialog(self.state, task_id, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.record_button.hide()  # this is the record
        dialog.show()
        self._dialogs.append(dialog)

    def keyPressEvent(self, event) -> None:  # Qt override: Enter opens the selected task
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table.currentIndex().isValid()
        ):
            self.open_task(self.model.row_at(self.table.currentIndex().row()).id)
            return
        super().keyPressEvent(event)


def _tasks(ctx: SectionContext) -> QWidget:
    return TasksSection(ctx)


TASKS_SECTION = SectionSpec(
    "tasks",
    "Tasks",
    Permission.MANAGE_TASKS,
    _tasks,
    frozenset({Kind.TASKS, Kind.TRANSITIONS, Kind.MINUTES, Kind.HOSPITAL}),
    60,
)
