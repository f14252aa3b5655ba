"""The task list beside the board: every task the board's filters let through, one per row,
sorted in SQL, rows fetched in blocks (the shared windowed table model)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks.types import (
    COLUMN_TITLES,
    PRIORITY_LABELS,
    BoardFilter,
    TaskCard,
    TaskPriority,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.tasks.cards import countdown, due_text, owner_text, source_text, urgency
from carecoord_desktop.ui.tasks.windowed import WindowColumn, WindowedTableModel

_OVERDUE = QBrush(QColor("#a11d1d"))
_TODAY = QBrush(QColor("#8a5a00"))


class TaskListModel(WindowedTableModel):
    def __init__(self, state: AppState, today_fn, calendar_fn, parent=None) -> None:
        self.state = state
        self.today_fn = today_fn
        self.calendar_fn = calendar_fn
        self.filters = BoardFilter()
        self.columns = (
            WindowColumn("Due", "due", self._due),
            WindowColumn("Task", "title", lambda c: c.title),
            WindowColumn("Patient", "patient", lambda c: c.patient_name or "—"),
            WindowColumn("Owner", "owner", owner_text),
            WindowColumn("Column", "state", lambda c: COLUMN_TITLES[c.state]),
            WindowColumn(
                "Priority", "priority", lambda c: PRIORITY_LABELS[TaskPriority(c.priority)]
            ),
            WindowColumn("From", "source", source_text),
        )
        super().__init__(parent)

    def set_filters(self, filters: BoardFilter) -> None:
        self.filters = filters
        self.refresh()

    def _due(self, card: TaskCard) -> str:
        left = countdown(card, self.today_fn(), self.calendar_fn())
        return f"{due_text(card)} · {left}" if left and card.due_date else due_text(card)

    def query_ids(self, sort, descending):
        return partial(
            boards.task_ids,
            self.state.ws,
            self.state.actor,
            self.filters,
            sort=sort or "due",
            descending=descending,
        )

    def fetch_rows(self, ids):
        return partial(boards.task_rows, self.state.ws, self.state.actor, ids)

    def row_style(self, row: TaskCard, column: int, role: int) -> Any:
        flag = urgency(row, self.today_fn() or date.today())
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and flag:
            return _OVERDUE if flag == "overdue" else _TODAY
        if role == Qt.ItemDataRole.FontRole and column == 0 and flag:
            font = QFont()
            font.setBold(True)
            return font
        return None
