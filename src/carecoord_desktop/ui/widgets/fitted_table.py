"""A table of a short list whose columns fit their content and the window, wrapping long text.

Why: fixed or content-capped column widths cut "Glyceryl trinitrate 400 micrograms/dose spray"
to "Glyceryl …" while most of the window stayed blank. Here every column gets the width its
longest text needs when they all fit; when they do not, short columns keep theirs and the long
ones share what is left, in proportion to their text, and wrap onto more lines (rows grow).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

PADDING = 18  # cell margins and the grid line, in pixels
MIN_WRAPPED = 120  # a wrapped column never gets narrower than this
SHORT = 140  # a column whose text fits in this never wraps


class FittedTableView(QTableView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.never_wrap: set[int] = set()  # columns that keep their width (chips, codes)

    def setModel(self, model) -> None:  # Qt override: refit whenever the rows change
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self.fit)
        self.fit()

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        self.fit()

    # -- fitting -----------------------------------------------------------------------------
    def natural_widths(self) -> list[int]:
        """The width each column needs to show its longest text on one line."""
        model = self.model()
        if model is None:
            return []
        plain = QFontMetrics(self.font())
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        header = self.horizontalHeader()
        widths = []
        for column in range(model.columnCount()):
            width = header.sectionSizeFromContents(column).width()
            for row in range(model.rowCount()):
                index = model.index(row, column)
                text = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")
                font = model.data(index, Qt.ItemDataRole.FontRole)
                metrics = bold if font is not None and font.bold() else plain
                longest = max(
                    (metrics.horizontalAdvance(line) for line in text.split("\n")), default=0
                )
                width = max(width, longest + PADDING)
            widths.append(width)
        return widths

    def fit(self, *_args) -> None:
        natural = self.natural_widths()
        if not natural:
            return
        available = self.viewport().width()
        widths = list(natural)
        if sum(natural) > available:
            long = [c for c, w in enumerate(natural) if w > SHORT and c not in self.never_wrap]
            left = available - sum(w for c, w in enumerate(natural) if c not in long)
            wanted = sum(natural[c] for c in long) or 1
            for c in long:
                widths[c] = max(MIN_WRAPPED, int(left * natural[c] / wanted))
        spare = available - sum(widths)
        if spare > 0:  # shared out in proportion: no blank strip on the right, nothing lopsided
            total = sum(widths)
            widths = [w + spare * w // total for w in widths]
            widths[-1] += available - sum(widths)
        for column, width in enumerate(widths):
            if self.columnWidth(column) != width:
                self.setColumnWidth(column, width)
        self.resizeRowsToContents()
