"""What the admin tabs share: one button style, tables that fit, dates as dd/mm/yyyy, and a
tab that shows a plain notice instead of failing when the signed-in role may not use it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.shell.state import AppState

DATE = "%d/%m/%Y"
DATE_TIME = "%d/%m/%Y %H:%M"

# Button kinds, styled in resources/style.qss: the one main action of a group, the others,
# and actions that remove or replace something.
PRIMARY, SECONDARY, DESTRUCTIVE = "primary", "secondary", "destructive"


def button(text: str, kind: str = SECONDARY) -> QPushButton:
    b = QPushButton(text)
    set_kind(b, kind)
    return b


def set_kind(b: QPushButton, kind: str) -> None:
    if b.objectName() != kind:
        b.setObjectName(kind)
        b.style().unpolish(b)  # the stylesheet matches on the name: re-read it
        b.style().polish(b)


def when(dt: datetime | None, empty: str = "Never") -> str:
    return dt.astimezone().strftime(DATE_TIME) if dt else empty


def table(model, *, wrap_column: int | None = None) -> QTableView:
    """A read-only list whose columns fit their content and the window (see ColumnFitter)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrap, never cut with "…"
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.fitter = ColumnFitter(view, wrap_column)
    return view


class ColumnFitter(QObject):
    """Columns as wide as their content while it fits; the spare width goes to `wrap_column`
    (or the last column). When the window is too narrow, the wide column keeps a readable
    share and the text of any column wraps onto more lines instead of being cut off.

    Text widths are measured once per model reset with font metrics (Qt's own size hints cost
    ~30 ms a column for 500 styled rows); a resize only redoes the arithmetic, and only cells
    too long for their column are laid out to count their lines.
    """

    MIN_WRAP = 240  # px: narrower than this, wrapped text reads a word a line
    GAP = 16  # px beside the text of each column
    MARGIN = 10  # px the item view keeps inside a cell

    def __init__(self, view: QTableView, wrap_column: int | None) -> None:
        super().__init__(view)
        self.view = view
        self.wrap_column = wrap_column
        self._texts: list[list[str]] = []
        self._advance: list[list[int]] = []
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.viewport().installEventFilter(self)
        model = view.model()
        for sig in (model.modelReset, model.layoutChanged, model.rowsInserted, model.dataChanged):
            sig.connect(self.remeasure)

    def eventFilter(self, obj, event) -> bool:  # Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def remeasure(self, *_args) -> None:
        model, view = self.view.model(), self.view
        view.ensurePolished()
        metrics = view.fontMetrics()
        cols = range(model.columnCount())
        self._texts = [
            [str(model.index(r, c).data() or "") for c in cols] for r in range(model.rowCount())
        ]
        self._advance = [[metrics.horizontalAdvance(t) for t in row] for row in self._texts]
        self.fit()

    def fit(self) -> None:
        view, header = self.view, self.view.horizontalHeader()
        count = header.count()
        if count == 0:
            return
        want = [header.sectionSizeHint(c) + self.GAP for c in range(count)]
        for row in self._advance:
            for c, adv in enumerate(row):
                want[c] = max(want[c], adv + self.MARGIN + self.GAP // 2)
        wide = self.wrap_column if self.wrap_column is not None else count - 1
        avail = max(view.viewport().width(), 1)
        widths = list(want)
        if sum(want) <= avail:
            widths[wide] += avail - sum(want)
        else:
            # Too wide: the wide column wraps first, down to a readable width; only then do
            # the others wrap, each in proportion to its content.
            excess = sum(want) - avail
            widths[wide] = max(min(want[wide], self.MIN_WRAP), want[wide] - excess)
            others = [c for c in range(count) if c != wide]
            room = avail - widths[wide]
            total = sum(want[c] for c in others)
            if total > room:
                for c in others:
                    floor = header.sectionSizeHint(c) + self.GAP // 2
                    widths[c] = max(floor, want[c] * room // total)
                # Whatever is left (or missing, after the floors) is the wide column's.
                widths[wide] = max(self.MIN_WRAP // 2, avail - sum(widths[c] for c in others))
        for c, w in enumerate(widths):
            if header.sectionSize(c) != w:
                header.resizeSection(c, w)
        self._fit_rows(widths)

    def _fit_rows(self, widths: list[int]) -> None:
        view = self.view
        metrics = view.fontMetrics()
        line = metrics.lineSpacing()
        single = max(view.verticalHeader().defaultSectionSize(), line + self.MARGIN)
        rows = view.verticalHeader()
        for r, (texts, advances) in enumerate(zip(self._texts, self._advance, strict=True)):
            lines = 1
            for c, (text, adv) in enumerate(zip(texts, advances, strict=True)):
                room = widths[c] - self.MARGIN
                if adv > room:
                    box = metrics.boundingRect(
                        QRect(0, 0, max(room, 1), 100_000), Qt.TextFlag.TextWordWrap, text
                    )
                    # a line's box is a pixel taller than the line spacing: round
                    lines = max(lines, round(box.height() / line))
            height = single + (lines - 1) * line
            if rows.sectionSize(r) != height:
                rows.resizeSection(r, height)


def notice(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("emptyState")
    label.setWordWrap(True)
    return label


class AdminTab(QWidget):
    """A tab that loads only for a role holding its permissions; otherwise it says why not.

    Subclasses build their widgets into `self.body` and implement `load()` and `clear()`.
    """

    permissions: Sequence[Permission] = ()

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.body = QWidget()
        self.denied = notice()
        self.denied.setObjectName("deniedNotice")
        self._stack = QStackedWidget()
        self._stack.addWidget(self.body)
        self._stack.addWidget(self.denied)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    def allowed(self) -> bool:
        return all(can(self.state.actor, p) for p in self.permissions)

    def refresh(self) -> None:
        missing = [p for p in self.permissions if not can(self.state.actor, p)]
        if missing:
            self._deny(PermissionDeniedError(self.state.actor.role.label, missing[0].value))
            return
        try:
            self.load()
        except PermissionDeniedError as exc:  # the service's own check has the last word
            self._deny(exc)
            return
        self._stack.setCurrentWidget(self.body)

    def is_denied(self) -> bool:
        return self._stack.currentWidget() is self.denied

    def _deny(self, exc: PermissionDeniedError) -> None:
        self.clear()  # nothing of the previous user's view stays behind the notice
        reason = str(exc).replace(" Ask someone with that role.", "")
        self.denied.setText(f"{reason}\n\nThis part of Admin is for the practice administrator.")
        self._stack.setCurrentWidget(self.denied)

    def load(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


def confirm(parent: QWidget | None, title: str, text: str, action: str, detail: str = "") -> bool:
    """Ask before an action that takes something away; Cancel is the default and Esc answer,
    so a stray Enter never does it. The action button says what happens ("Disable")."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    set_kind(go, DESTRUCTIVE)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go


class StatusLine(QLabel):
    """A line of help or error that changes its words, never its height (two lines' worth):
    a table below it must not move under the mouse when the message changes."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_message("")

    def hasHeightForWidth(self) -> bool:  # Qt override: the height does not follow the text
        return False

    def sizeHint(self) -> QSize:  # Qt override
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * self.LINES + margins.top() + margins.bottom()
        return QSize(super().sizeHint().width(), height + 4)

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(0, self.sizeHint().height())

    def set_message(self, text: str, *, error: bool = False) -> None:
        kind = "error" if error else "pageSubtitle"
        if self.objectName() != kind:
            self.setObjectName(kind)
            self.style().unpolish(self)
            self.style().polish(self)
            self.updateGeometry()  # the error style may use another font
        self.setText(text)
        self.setToolTip(text if error else "")

    def is_error(self) -> bool:
        return self.objectName() == "error"
