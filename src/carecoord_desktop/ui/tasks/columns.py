"""The board's columns: a list model of cards per column and the view that shows it.

A column model holds the column's cards (plain TaskCards from one board read); the view paints
them through CardDelegate, so 10,000 open tasks cost 10,000 small objects, not 10,000 widgets.
Drag and drop carries the task id and the version the board showed in its own mime type; the
model never moves a row itself: it says where the card was dropped (`card_dropped`), the screen
asks the service, and the board shows what the service answered (a stale version is refused).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView

from carecoord_desktop.services.tasks.types import TaskCard, TaskState
from carecoord_desktop.ui.tasks.cards import CARD_ROLE, TASK_ID_ROLE, CardDelegate, tooltip

_Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-carecoord-task"


def encode_cards(cards: list[TaskCard]) -> QMimeData:
    """The mime data of a drag: ids and versions only (no patient data leaves the app)."""
    data = QMimeData()
    payload = [{"id": c.id, "version": c.version, "state": str(c.state)} for c in cards]
    data.setData(MIME, json.dumps(payload).encode())
    return data


def decode_cards(data: QMimeData) -> list[dict]:
    if not data.hasFormat(MIME):
        return []
    try:
        payload = json.loads(bytes(data.data(MIME)).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [p for p in payload if isinstance(p, dict) and isinstance(p.get("id"), int)]


class TaskColumnModel(QAbstractListModel):
    # task id, version, this column's state, the id of the card it lands above (None: bottom)
    card_dropped = Signal(int, int, object, object)

    def __init__(self, state: TaskState, today_fn, calendar_fn, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.cards: list[TaskCard] = []
        self.today_fn = today_fn
        self.calendar_fn = calendar_fn

    # -- contents ----------------------------------------------------------------------------
    def set_cards(self, cards: list[TaskCard]) -> None:
        if [(c.id, c.version) for c in cards] == [(c.id, c.version) for c in self.cards]:
            self.cards = list(cards)  # same cards: repaint only (keeps scroll and selection)
            if self.cards:
                self.dataChanged.emit(self.index(0), self.index(len(self.cards) - 1))
            return
        self.beginResetModel()
        self.cards = list(cards)
        self.endResetModel()

    def row_of(self, task_id: int) -> int | None:
        return next((row for row, c in enumerate(self.cards) if c.id == task_id), None)

    def take(self, task_id: int) -> TaskCard | None:
        row = self.row_of(task_id)
        if row is None:
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        card = self.cards.pop(row)
        self.endRemoveRows()
        return card

    def put(self, card: TaskCard, before_id: int | None) -> int:
        """Insert `card` above `before_id` (at the bottom when None or not here); its row."""
        row = self.row_of(before_id) if before_id is not None else None
        row = len(self.cards) if row is None else row
        self.beginInsertRows(QModelIndex(), row, row)
        self.cards.insert(row, card)
        self.endInsertRows()
        return row

    def card(self, row: int) -> TaskCard | None:
        return self.cards[row] if 0 <= row < len(self.cards) else None

    # -- Qt overrides ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == CARD_ROLE:
            return card
        if role == TASK_ID_ROLE:
            return card.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{card.title} — {card.patient_name or 'no patient'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(card, self.today_fn(), self.calendar_fn())
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # dropped below the last card
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled  # dropped on a card: lands above it
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_cards([self.cards[r] for r in rows if r < len(self.cards)])

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return bool(decode_cards(data))

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        dropped = decode_cards(data)
        if not dropped or action == Qt.DropAction.IgnoreAction:
            return False
        if row < 0:  # on a card (lands above it) or on the empty space below the last card
            row = parent.row() if parent.isValid() else len(self.cards)
        before = self.cards[row].id if row < len(self.cards) else None
        for item in dropped:
            if item["id"] != before:
                self.card_dropped.emit(item["id"], int(item.get("version", 0)), self.state, before)
        # False: the source view removes nothing; the board shows the service's answer.
        return False


class ColumnView(QListView):
    """One column's cards. Ctrl+arrows ask the board to move the current card (the board's
    menu shows the same shortcuts)."""

    move_requested = Signal(object, int, int)  # card, columns right (+) / left (-), rows down/up
    card_activated = Signal(object)  # Enter or a double-click: the task's detail
    focused = Signal()

    def __init__(self, model: TaskColumnModel, delegate: CardDelegate, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.setObjectName(f"column_{model.state.value}")
        self.setUniformItemSizes(True)  # one height for every card: no per-row size queries
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSpacing(0)
        self.setStyleSheet("QListView { background: #eef2f6; }")
        self.doubleClicked.connect(lambda index: self._activate(index))

    def column_model(self) -> TaskColumnModel:
        return self.model()  # type: ignore[return-value]

    def current_card(self) -> TaskCard | None:
        index = self.currentIndex()
        return index.data(CARD_ROLE) if index.isValid() else None

    def select_task(self, task_id: int) -> bool:
        row = self.column_model().row_of(task_id)
        if row is None:
            return False
        index = self.model().index(row, 0)
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def _activate(self, index) -> None:
        card = index.data(CARD_ROLE)
        if card is not None:
            self.card_activated.emit(card)

    def focusInEvent(self, event) -> None:  # Qt override
        self.focused.emit()
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        card = self.current_card()
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        moves = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if ctrl and event.key() in moves and card is not None:
            self.move_requested.emit(card, *moves[event.key()])
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and card is not None:
            self.card_activated.emit(card)
            event.accept()
            return
        if not ctrl and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            # Plain Left/Right walk to the neighbouring column (the board moves focus).
            self.move_requested.emit(None, -1 if event.key() == Qt.Key.Key_Left else 1, 0)
            event.accept()
            return
        super().keyPressEvent(event)
