"""The side-by-side table of a reconciliation: cells chosen one by one (a line from each list
for a match by hand), rows as tall as their lines, and the three lists sharing the width."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from carecoord_desktop.ui.medications.rec_model import (
    CURRENT,
    DECISION,
    FLAGS,
    NEW,
    REASON,
    REPORTED,
    STATUS,
)

_FIXED = {STATUS: 135, FLAGS: 140, DECISION: 115, REASON: 150}


class RecTable(QTableView):
    """The three lists share the width left by the other columns, each never narrower than a
    line can be read in (a narrow window scrolls sideways instead of squeezing them to "…")."""

    MIN_LINE = 170

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("recTable")
        self.setModel(model)
        self.setWordWrap(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        for column, width in _FIXED.items():
            header.resizeSection(column, width)
        # Room for the scroll bar kept: it appears once the rows fill the table.
        room = (
            self.width()
            - self.verticalHeader().width()
            - self.verticalScrollBar().sizeHint().width()
            - 4
        )
        left = room - sum(_FIXED.values())
        for column in (CURRENT, NEW, REPORTED):
            header.resizeSection(column, max(self.MIN_LINE, left // 3))
