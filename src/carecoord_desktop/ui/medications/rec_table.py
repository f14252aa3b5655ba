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

_FIXED = {STATUS: 120, FLAGS: 120, DECISION: 115}  # "! Not decided" (bold) on one line
# The columns of words share what the fixed ones leave: each list a part, the reason (a
# sentence, not a line) most of one. It had a fixed 150 px and was cut off at the window's edge.
_SHARED = {CURRENT: 1.0, NEW: 1.0, REPORTED: 1.0, REASON: 0.9}


class RecTable(QTableView):
    """The three lists and the reason share the width left by the other columns, each never
    narrower than it can be read in (a narrow window scrolls sideways instead of squeezing
    them to "…"); text wraps and rows grow to show all of it."""

    MIN_LINE = 125
    MIN_REASON = 115

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
        share = left / sum(_SHARED.values())
        lines = max(self.MIN_LINE, int(share))
        for column in (CURRENT, NEW, REPORTED):
            header.resizeSection(column, lines)
        header.resizeSection(REASON, max(self.MIN_REASON, left - 3 * lines))
