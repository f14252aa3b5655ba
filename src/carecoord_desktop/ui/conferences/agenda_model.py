"""The agenda as the Agenda page edits it: a table model over AgendaItemDrafts that moves rows
(drag and drop inside the table, Alt+Up/Down), and the delegate that paints each item's source
as a coloured chip with its word ("Goal off track", "Overdue task", …)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from carecoord_desktop.models.conference import AgendaSource
from carecoord_desktop.services.conferences.types import AgendaItemDraft, source_label

_Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-carecoord-agenda-rows"
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
MINUTES_SHOWN = 80  # the start of the minutes in the table; the whole in the tooltip

# Background and text of each source's chip: calm colours, readable in print-outs of the screen.
CHIP_COLOURS = {
    AgendaSource.GOAL_OFF_TRACK.value: ("#fde2cf", "#7a3300"),
    AgendaSource.OVERDUE_TASK.value: ("#fbd5d5", "#7f1d1d"),
    AgendaSource.TRANSITION.value: ("#dbe7fb", "#163d7a"),
    AgendaSource.MEDICATION_CHANGE.value: ("#e6dcf7", "#46247a"),
    AgendaSource.OPEN_REFERRAL.value: ("#d6f0ee", "#0f5149"),
    AgendaSource.PATIENT_QUESTION.value: ("#fff1c2", "#5c4500"),
    AgendaSource.MANUAL.value: ("#e6e8eb", "#303840"),
}


def shown_title(item: AgendaItemDraft) -> str:
    """The title without the source's word in front: the chip beside it says it already
    ("Overdue task: Book a foot check" shows as "Book a foot check")."""
    prefix = f"{source_label(str(item.source))}: "
    if item.title.casefold().startswith(prefix.casefold()) and len(item.title) > len(prefix):
        return item.title[len(prefix) :]
    return item.title


class AgendaModel(QAbstractTableModel):
    # The item's number is the vertical header: a column computed from the position would change
    # every other row's data at each insert, move and removal.
    HEADERS = ("Discussed", "From", "Item", "Detail", "Minutes")
    CHIPS = 1  # the column painted as chips

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[AgendaItemDraft] = []
        self.minutes: dict[int, str] = {}  # item id -> minutes recorded (an item that has them)
        self.locked: set[int] = set()  # item ids with minutes or decisions: never removed
        self.discussed: set[int] = set()  # item ids marked discussed at the meeting

    def set_items(
        self,
        items: Sequence[AgendaItemDraft],
        minutes: dict[int, str] | None = None,
        locked: set[int] | None = None,
        discussed: set[int] | None = None,
    ) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.minutes = dict(minutes or {})
        self.locked = set(locked or ())
        self.discussed = set(discussed or ())
        self.endResetModel()

    def is_locked(self, row: int) -> bool:
        item = self.items[row]
        return item.id is not None and item.id in self.locked

    def add(self, item: AgendaItemDraft) -> int:
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(item)
        self.endInsertRows()
        return row

    def replace(self, row: int, item: AgendaItemDraft) -> None:
        self.items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def remove(self, row: int) -> AgendaItemDraft:
        self.beginRemoveRows(QModelIndex(), row, row)
        item = self.items.pop(row)
        self.endRemoveRows()
        return item

    def move(self, row: int, to: int) -> bool:
        """Move the item at `row` so that it ends at position `to`."""
        if not (0 <= row < len(self.items) and 0 <= to < len(self.items)) or row == to:
            return False
        dest = to + 1 if to > row else to  # Qt's destination is "before this row"
        return self.moveRows(QModelIndex(), row, 1, QModelIndex(), dest)

    # -- Qt: reading -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, column = self.items[index.row()], index.column()
        if role == SOURCE_ROLE:
            return str(item.source)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return "Yes" if item.id in self.discussed else ""
            if column == 1:
                return source_label(str(item.source))
            if column == 2:
                return shown_title(item)
            if column == 3:
                return item.detail or ""
            minutes = self.minutes.get(item.id or -1, "")
            if role == Qt.ItemDataRole.ToolTipRole or len(minutes) <= MINUTES_SHOWN:
                return minutes
            return minutes[:MINUTES_SHOWN].rsplit(" ", 1)[0] + " …"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.items):
            return str(section + 1)
        return None

    # -- Qt: moving rows (drag and drop inside the table) ------------------------------------
    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME) and action == Qt.DropAction.MoveAction

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        text = bytes(data.data(MIME).data()).decode()
        if not text:
            return False
        source = int(text.split(",")[0])
        dest = parent.row() if row < 0 and parent.isValid() else row
        if dest < 0:
            dest = len(self.items)
        if dest in (source, source + 1):
            return False
        self.moveRows(QModelIndex(), source, 1, QModelIndex(), dest)
        # The move is done here: False tells the view not to remove the source rows itself.
        return False

    def moveRows(self, source_parent, source_row, count, dest_parent, dest_child) -> bool:
        if source_parent.isValid() or dest_parent.isValid() or count != 1:
            return False
        if not 0 <= source_row < len(self.items) or not 0 <= dest_child <= len(self.items):
            return False
        if dest_child in (source_row, source_row + 1):
            return False
        if not self.beginMoveRows(QModelIndex(), source_row, source_row, QModelIndex(), dest_child):
            return False
        item = self.items.pop(source_row)
        self.items.insert(dest_child - 1 if dest_child > source_row else dest_child, item)
        self.endMoveRows()
        return True


class ChipDelegate(QStyledItemDelegate):
    """The "From" column: the source's word on a rounded chip in its colour."""

    def paint(self, painter: QPainter, option, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        source = index.data(SOURCE_ROLE) or AgendaSource.MANUAL.value
        background, colour = CHIP_COLOURS.get(source, CHIP_COLOURS[AgendaSource.MANUAL.value])
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(text) + 16, option.rect.width() - 8)
        height = metrics.height() + 6
        top = option.rect.top() + (option.rect.height() - height) / 2
        chip = QRectF(option.rect.left() + 4, top, width, height)
        path = QPainterPath()
        path.addRoundedRect(chip, height / 2, height / 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillPath(path, QColor(background))
        painter.setPen(QColor(colour))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        metrics = option.fontMetrics
        return QSize(metrics.horizontalAdvance(text) + 28, metrics.height() + 12)
