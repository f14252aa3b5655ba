"""The task board screen: filters, the board or the list, new task, the minutes report.

The board is read on the thread pool (one read of every card the filters let through, and the
practice calendar for the countdowns); an answer overtaken by a newer read is dropped. A move
is one short write on the GUI thread: its answer (the card as stored) is shown at once, and a
move another workstation made first is refused, said in the banner, and the board reloaded.
"""

from __future__ import annotations

from datetime import date

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError, ValidationError
from carecoord_desktop.services import task_feeds
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.referrals import reading as referral_reading
from carecoord_desktop.services.referrals.types import OpenReferrals
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks.calendar import load_calendar
from carecoord_desktop.services.tasks.types import (
    SOURCE_LABELS,
    BoardFilter,
    TaskCard,
    TaskSource,
    TaskState,
)
from carecoord_desktop.ui.shell.workers import Job, start_job
from carecoord_desktop.ui.tasks.board import BoardWidget
from carecoord_desktop.ui.tasks.card_actions import CardActions
from carecoord_desktop.ui.tasks.detail import TaskDetailDialog, ask_resolution
from carecoord_desktop.ui.tasks.form import PatientPicker, TaskFormDialog
from carecoord_desktop.ui.tasks.list_model import TaskListModel
from carecoord_desktop.ui.tasks.windowed import ROW_ROLE

RELOAD_DELAY_MS = 150
WATCH_MS = 60_000  # re-read while shown: other workstations' moves appear within a minute
# Referrals too: the line of open referrals under the filters.
TASK_KINDS = frozenset({Kind.TASKS, Kind.TRANSITIONS, Kind.REFERRALS})


def _read(ws, actor, filters: BoardFilter, generation: int, sweep: bool = False):
    """Worker side: the board and the calendar its countdowns count on; with `sweep`, first
    the tasks that fell due since the last sweep (plan reviews, referrals unanswered)."""
    swept = task_feeds.sync(ws, actor) if sweep else None
    board = boards.board(ws, actor, filters)
    waiting = referral_reading.open_referral_summary(ws, actor, patient_id=filters.patient_id)
    return generation, board, load_calendar(ws), swept, waiting


def referrals_text(waiting: OpenReferrals) -> str:
    """The board's line about open referrals: the practice's counts, or a patient's by name."""
    late = f", {waiting.overdue} waiting too long for an answer" if waiting.overdue else ""
    if not waiting.rows:
        if not waiting.total:
            return ""
        chase = " (their “Chase referral” tasks are on the board)" if waiting.overdue else ""
        return f"Open referrals: {waiting.total}{late}{chase}."
    parts = []
    for r in waiting.rows[:4]:
        part = f"{r.recipient_name} — {r.status_label.lower()}"
        if r.days_waiting is not None:
            part += f", {r.days_waiting} days" + (" (too long)" if r.overdue else "")
        parts.append(part)
    more = f"; and {len(waiting.rows) - 4} more" if len(waiting.rows) > 4 else ""
    return f"Open referrals for this patient: {'; '.join(parts)}{more}."


class TaskBoardScreen(CardActions, QWidget):
    def __init__(self, state, open_record, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.open_record = open_record
        self.calendar = None
        self.today = date.today()
        self.generation = 0
        self.loading = False
        self.loads = 0  # boards shown since creation (tests wait on it)
        self._job: Job | None = None
        self._swept: tuple[date, int | None] | None = None  # (day, user) of the last sweep
        self._details: dict[int, TaskDetailDialog] = {}

        title = QLabel("Task board")
        title.setObjectName("pageTitle")
        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.new_button = QPushButton("&New task…")
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip("Add a task (Ctrl+N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.clicked.connect(self.new_task)
        self.minutes_button = QPushButton("Minutes this month…")
        self.minutes_button.setToolTip(
            "Coordination minutes per patient this month, and who is near or past 20, 40 or 60"
        )
        self.minutes_button.clicked.connect(self.show_minutes_report)
        self.board_button = QPushButton("&Board")
        self.list_button = QPushButton("&List")
        for button in (self.board_button, self.list_button):
            button.setCheckable(True)
            button.setAutoExclusive(True)
        self.board_button.setChecked(True)
        self.board_button.toggled.connect(lambda on: self.show_list(not on))
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count, 1)
        head.addWidget(self.board_button)
        head.addWidget(self.list_button)
        head.addSpacing(12)
        head.addWidget(self.minutes_button)
        head.addWidget(self.new_button)

        self.filter_buttons: dict[str, QPushButton] = {}
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"))
        for key, text, tip in (
            ("mine", "&Mine", "Tasks you own"),
            ("my_queue", "My &queue", "Unclaimed tasks waiting in your role's queue"),
            ("overdue", "&Overdue", "Open tasks past their due date"),
            ("due_this_week", "Due this &week", "Open tasks due from today to Sunday"),
        ):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.toggled.connect(self._filters_changed)
            self.filter_buttons[key] = button
            filters.addWidget(button)
        self.source_box = QComboBox()
        self.source_box.addItem("From anywhere", None)
        for source in TaskSource:
            self.source_box.addItem(SOURCE_LABELS[source], source.value)
        self.source_box.setToolTip("Only tasks from one source (a plan, a discharge, …)")
        self.source_box.currentIndexChanged.connect(self._filters_changed)
        filters.addWidget(self.source_box)
        self.patient_picker = PatientPicker(state)
        self.patient_picker.patient_chosen.connect(self._filters_changed)
        filters.addWidget(self.patient_picker, 1)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)

        self.banner = QLabel()
        self.banner.setObjectName("conflictBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fff4d6; color: #5a4100; border: 1px solid #e0c066; padding: 6px 10px;"
        )
        self.banner.hide()
        self.referrals_line = QLabel()
        self.referrals_line.setObjectName("openReferrals")
        self.referrals_line.setWordWrap(True)
        self.referrals_line.setToolTip(
            "Referrals sent and not yet closed; the Outside providers screen lists them all"
        )
        self.referrals_line.hide()

        self.board = BoardWidget(lambda: self.today, lambda: self.calendar)
        self.board.move_requested.connect(self.move_card)
        self.board.card_activated.connect(lambda card: self.open_detail(card.id))
        self.board.menu_requested.connect(self._card_menu)
        self.list_model = TaskListModel(state, lambda: self.today, lambda: self.calendar, self)
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setSortingEnabled(True)
        self.list_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.verticalHeader().hide()
        self.list_view.verticalHeader().setDefaultSectionSize(26)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((250, 290, 180, 180, 170, 80, 150)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.list_view.doubleClicked.connect(self._list_activated)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.board)
        self.stack.addWidget(self.list_view)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.banner)
        layout.addWidget(self.referrals_line)
        layout.addWidget(self.stack, 1)
        self._build_actions()

        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(RELOAD_DELAY_MS)
        self.reload_timer.timeout.connect(self.reload)
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_MS)
        self.watch_timer.timeout.connect(self._watch)
        state.changes_published.connect(self._changes_published)
        state.actor_changed.connect(lambda _actor: self.reload())
        state.workspace_closing.connect(self._suspend)
        state.workspace_replaced.connect(self.reload)
        self.reload()

    # -- filters -------------------------------------------------------------------------------
    def filters(self) -> BoardFilter:
        on = {key: button.isChecked() for key, button in self.filter_buttons.items()}
        return BoardFilter(
            mine=on["mine"],
            my_queue=on["my_queue"],
            overdue=on["overdue"],
            due_this_week=on["due_this_week"],
            source=self.source_box.currentData(),
            patient_id=self.patient_picker.patient_id,
        )

    def _filters_changed(self, *_args) -> None:
        self.clear_button.setEnabled(self.filters() != BoardFilter())
        self.reload()

    def clear_filters(self, *, reload: bool = True) -> None:
        for button in self.filter_buttons.values():
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.source_box.blockSignals(True)
        self.source_box.setCurrentIndex(0)
        self.source_box.blockSignals(False)
        self.patient_picker.blockSignals(True)
        self.patient_picker.edit.clear()
        self.patient_picker.set_patient(None)
        self.patient_picker.blockSignals(False)
        self.clear_button.setEnabled(False)
        if reload:
            self.reload()

    def only_patient(self, card: TaskCard) -> None:
        self.patient_picker.blockSignals(True)
        self.patient_picker.edit.setText(card.practice_id or "")
        self.patient_picker.set_patient(card.patient_id, card.patient_name or "")
        self.patient_picker.blockSignals(False)
        self._filters_changed()

    # -- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.reload_timer.stop()
        # Once a day per user, the board first opens the tasks that fell due meanwhile.
        sweep = self._swept != (date.today(), self.state.actor.user_id)
        if sweep:
            self._swept = (date.today(), self.state.actor.user_id)
        self.generation += 1
        self.loading = True
        self.today = date.today()
        filters = self.filters()
        self._job = start_job(
            self,
            _read,
            self.state.ws,
            self.state.actor,
            filters,
            self.generation,
            sweep,
            on_done=self._arrived,
            on_failed=lambda exc, g=self.generation: self._failed(g, exc),
        )
        if self.stack.currentWidget() is self.list_view:
            self.list_model.set_filters(filters)

    def _arrived(self, result) -> None:
        generation, board, calendar, swept, waiting = result
        if swept is not None and swept.value.opened + swept.value.closed:
            self.state.publish(swept)  # the Patients list's task counts, the records' tabs
        if generation != self.generation or not shiboken6.isValid(self):
            return
        self.loading = False
        self._job = None
        self.calendar = calendar
        self.today = board.today
        self.board.set_board(board)
        self.loads += 1
        overdue = sum(card.is_overdue(board.today) for card in board.cards())
        words = f"{board.open_total:,} open"
        if overdue:
            words += f" · {overdue:,} overdue"
        self.count.setText(words)
        self.referrals_line.setText(referrals_text(waiting))
        self.referrals_line.setVisible(bool(self.referrals_line.text()))

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self.generation:
            self.loading = False
            self._job = None
            self.say(f"The board could not be read: {exc}")

    def _suspend(self) -> None:
        self.generation += 1
        self.reload_timer.stop()

    def _changes_published(self, changes: Changes) -> None:
        if changes.kinds & TASK_KINDS or changes.membership:
            self.reload_timer.start()

    def _watch(self) -> None:
        if not self.loading:
            self.reload()

    def screen_shown(self) -> None:  # shell hook: the user came to the board
        self.watch_timer.start()
        self.reload()

    def hideEvent(self, event) -> None:  # Qt override
        self.watch_timer.stop()
        super().hideEvent(event)

    def reset_for_new_user(self) -> None:  # shell hook: forget the last user's filters, windows
        for dialog in list(self._details.values()):
            if shiboken6.isValid(dialog):
                dialog.close()
        self._details.clear()
        for dialog in (getattr(self, "_form", None), getattr(self, "_report", None)):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()
        self.banner.hide()
        self.generation += 1  # a read for the previous user is dropped when it lands
        self.clear_filters(reload=False)  # the new actor's own read follows (actor_changed)

    def save_ui_state(self) -> dict:  # shell hook: layout only, never patient data
        header = self.list_view.horizontalHeader()
        return {
            "list": self.stack.currentWidget() is self.list_view,
            "widths": [header.sectionSize(c) for c in range(header.count())],
        }

    def restore_ui_state(self, value) -> None:  # shell hook
        if not isinstance(value, dict):
            return
        widths = value.get("widths")
        if isinstance(widths, list) and len(widths) == self.list_model.columnCount():
            for column, width in enumerate(widths):
                if isinstance(width, int) and 30 <= width <= 2000:
                    self.list_view.horizontalHeader().resizeSection(column, width)
        if value.get("list") is True:
            self.list_button.setChecked(True)

    def say(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    # -- writing -------------------------------------------------------------------------------
    def move_card(self, task_id: int, version: int, target, before_id, resolution=None) -> bool:
        self.banner.hide()
        try:
            changed = task_edit.move_task(
                self.state.ws,
                self.state.actor,
                task_id,
                target,
                before_id=before_id,
                version=version,
                resolution=resolution,
            )
        except StaleEditError as exc:
            self.say(str(exc))  # who moved it, when, and that the board now shows it as it is
            self.reload()
            return False
        except ValidationError as exc:
            if getattr(exc, "field", None) == "resolution" and resolution is None:
                reason = ask_resolution(self, str(exc))
                if reason:
                    return self.move_card(task_id, version, target, before_id, reason)
            self.say(str(exc))
            return False
        except CareCoordError as exc:
            self.say(str(exc))
            self.reload()
            return False
        card = self.state.publish(changed)
        if card is not None:
            self.board.apply_card(card, before_id)
        return True

    def claim(self, card: TaskCard) -> None:
        try:
            changed = task_edit.claim_task(
                self.state.ws, self.state.actor, card.id, version=card.version
            )
        except CareCoordError as exc:
            self.say(str(exc))
            self.reload()
            return
        self.board.replace_card(self.state.publish(changed))

    def new_task(self) -> None:
        form = TaskFormDialog(self.state, parent=self)
        form.saved.connect(
            lambda card: QTimer.singleShot(0, lambda: self.board.select_task(card.id))
        )
        form.open()
        self._form = form

    def open_detail_card(self, card: TaskCard) -> None:
        self.open_detail(card.id)

    def open_detail(self, task_id: int) -> TaskDetailDialog:
        dialog = self._details.get(task_id)
        if dialog is None or not shiboken6.isValid(dialog):
            dialog = TaskDetailDialog(self.state, task_id, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.record_requested.connect(self.open_record)
            dialog.destroyed.connect(lambda _o=None, t=task_id: self._details.pop(t, None))
            self._details[task_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_patient(self, card: TaskCard) -> None:
        if card.patient_id is not None:
            self.open_record(card.patient_id)

    # -- the list ------------------------------------------------------------------------------
    def show_list(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.list_view if on else self.board)
        if on:
            self.list_model.set_filters(self.filters())

    def _list_activated(self, index) -> None:
        card = index.data(ROW_ROLE)
        if card is not None:
            self.open_detail(card.id)

    def show_minutes_report(self) -> None:
        from carecoord_desktop.ui.tasks.minutes_report import MinutesReportDialog

        dialog = MinutesReportDialog(self.state, self.open_record, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self._report = dialog


__all__ = ["TaskBoardScreen", "TaskState"]
