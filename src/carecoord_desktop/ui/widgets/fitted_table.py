"""A table of a short list whose columns fit their content and the window, wrapping long text.

Why: fixed or content-capped column widths cut "Glyceryl trinitrate 400 micrograms/dose spray"
to "Glyceryl …" while most of the window stayed blank. Here every column gets the width its
longest text needs when they all fit; when they do not, short columns keep theirs and the long
ones share what is left, in proportion to their text, and wrap onto more lines (rows grow).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
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
        self._fitted_for: list[int] = []  # the last viewport widths fitted to
        self.never_wrap: set[int] = set()  # columns that keep their width (chips, codes)

    def setModel(self, model) -> None:  # Qt override: refit whenever the rows change
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self.fit)
        self.fit()

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        self.fit()

    def viewportEvent(self, event) -> bool:  # Qt override
        # The vertical scroll bar appearing (rows grown by wrapping) narrows the viewport without
        # resizing the table: refit, or the last column hides under a horizontal scroll.
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Resize:
            width = self.viewport().width()
            # ...but not back to the width before last: wider columns, shorter rows, no scroll
            # bar, narrower again would never end. The narrower fit stands.
            if self._fitted_for and width not in self._fitted_for[-2:]:
                self.fit()
        return handled

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
        header = self.horizontalHeader()
        floors = [header.sectionSizeFromContents(c).width() for c in range(len(natural))]
        widths = fitted_widths(natural, available, floors, keep=self.never_wrap)
        self._fitted_for = [*self._fitted_for[-2:], available]
        for column, width in enumerate(widths):
            if self.columnWidth(column) != width:
                self.setColumnWidth(column, width)
        self.resizeRowsToContents()


def fitted_widths(
    natural: list[int],
    available: int,
    floors: list[int] | None = None,
    keep: set[int] | frozenset[int] = frozenset(),
) -> list[int]:
    """Column widths for `available` pixels from each column's `natural` (one-line) width:
    all natural when they fit (the spare shared out in proportion, no blank strip on the
    right); else short columns keep theirs and the long ones share the rest in proportion to
    their text, none under its floor (MIN_WRAPPED, or its header where that is wider: a
    header is never cut); columns in `keep` keep their natural width. Also for tables that
    are not a FittedTableView (an editable QTableWidget): they measure, this decides."""
    widths = list(natural)
    floors = list(floors or [0] * len(natural))
    if sum(natural) > available:
        long = [c for c, w in enumerate(natural) if w > SHORT and c not in keep]
        left = available - sum(w for c, w in enumerate(natural) if c not in long)
        floor = {c: max(MIN_WRAPPED, floors[c]) for c in long}
        # One whose share is under its floor gets the floor and the others share what is
        # left, not the floor on top (which pushed the last column out of sight).
        while long:
            wanted = sum(natural[c] for c in long) or 1
            floored = [c for c in long if left * natural[c] / wanted < floor[c]]
            if not floored:
                break
            for c in floored:
                widths[c] = floor[c]
                left -= floor[c]
                long.remove(c)
        wanted = sum(natural[c] for c in long) or 1
        for c in long:
            widths[c] = max(floor[c], int(left * natural[c] / wanted))
    spare = available - sum(widths)
    if spare > 0 and widths:
        total = sum(widths) or 1
        widths = [w + spare * w // total for w in widths]
        widths[-1] += available - sum(widths)
    return widths
