"""The board: four columns side by side, each a ColumnView over its TaskColumnModel.

The board only shows cards and says what the user asked (a drop, a keyboard move, Enter, a
right-click); the screen asks the services and hands back what they answered (`apply_card`).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from carecoord_desktop.services.tasks.types import COLUMN_TITLES, Board, TaskCard, TaskState
from carecoord_desktop.ui.tasks.cards import CardDelegate
from carecoord_desktop.ui.tasks.columns import ColumnView, TaskColumnModel

STATES = tuple(TaskState)  # left to right


class BoardWidget(QWidget):
    move_requested = Signal(int, int, object, object)  # task id, version, state, before id
    card_activated = Signal(object)  # TaskCard
    menu_requested = Signal(object, QPoint)  # TaskCard, global position

    def __init__(self, today_fn, calendar_fn, parent=None) -> None:
        super().__init__(parent)
        self.delegate = CardDelegate(today_fn, calendar_fn, self)
        self.models: dict[TaskState, TaskColumnModel] = {}
        self.views: dict[TaskState, ColumnView] = {}
        self.headers: dict[TaskState, QLabel] = {}
        self.empties: dict[TaskState, QLabel] = {}
        self.last_view: ColumnView | None = None  # the column last used (a menu takes focus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for state in STATES:
            model = TaskColumnModel(state, today_fn, calendar_fn, self)
            model.card_dropped.connect(self.move_requested)
            view = ColumnView(model, self.delegate)
            view.move_requested.connect(self._keyboard_move)
            view.card_activated.connect(self.card_activated)
            view.focused.connect(lambda v=view: setattr(self, "last_view", v))
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._menu(v, pos))
            header = QLabel(COLUMN_TITLES[state])
            header.setObjectName("columnHeader")
            header.setStyleSheet("font-weight: 600; color: #12355b; padding: 4px 6px;")
            empty = QLabel("No tasks here")
            empty.setStyleSheet("color: #5b6b7b; padding: 2px 8px; font-style: italic;")
            empty.hide()
            frame = QFrame()
            frame.setObjectName("boardColumn")
            frame.setStyleSheet(
                "QFrame#boardColumn { background: #eef2f6; border: 1px solid #d5dde5;"
                " border-radius: 6px; }"
            )
            box = QVBoxLayout(frame)
            box.setContentsMargins(4, 4, 4, 4)
            box.setSpacing(2)
            box.addWidget(header)
            box.addWidget(empty)
            box.addWidget(view, 1)
            row.addWidget(frame, 1)
            self.models[state], self.views[state] = model, view
            self.headers[state], self.empties[state] = header, empty

    # -- contents ------------------------------------------------------------------------------
    def set_board(self, board: Board) -> None:
        for state in STATES:
            cards = board.columns.get(state, [])
            self.models[state].set_cards(cards)
            self._count(state)

    def _count(self, state: TaskState) -> None:
        n = len(self.models[state].cards)
        title = COLUMN_TITLES[state]
        if state == TaskState.DONE:
            title += " (last 14 days)"
        self.headers[state].setText(f"{title} · {n:,}")
        self.empties[state].setVisible(n == 0)

    def card(self, task_id: int) -> TaskCard | None:
        for model in self.models.values():
            row = model.row_of(task_id)
            if row is not None:
                return model.cards[row]
        return None

    def apply_card(self, card: TaskCard, before_id: int | None, *, focus: bool = True) -> None:
        """Show `card` as the service now has it: out of its old place, above `before_id` in
        its column (the bottom when None), selected."""
        for state, model in self.models.items():
            if model.take(card.id) is not None:
                self._count(state)
        self.models[card.state].put(card, before_id)
        self._count(card.state)
        view = self.views[card.state]
        view.select_task(card.id)
        self.last_view = view
        if focus:
            view.setFocus()

    def replace_card(self, card: TaskCard) -> None:
        """The same card with new details (claimed, edited), in its place."""
        model = self.models.get(card.state)
        row = model.row_of(card.id) if model else None
        if row is None:
            self.apply_card(card, None, focus=False)
            return
        model.cards[row] = card
        model.dataChanged.emit(model.index(row), model.index(row))

    def current_card(self) -> TaskCard | None:
        """The selected card of the column in use."""
        view = next((v for v in self.views.values() if v.hasFocus()), self.last_view)
        return view.current_card() if view is not None else None

    def select_task(self, task_id: int) -> bool:
        for view in self.views.values():
            if view.select_task(task_id):
                view.setFocus()
                return True
        return False

    # -- what the user asked -----------------------------------------------------------------
    def _keyboard_move(self, card: TaskCard | None, columns: int, rows: int) -> None:
        here = STATES.index(card.state) if card else self._focused_column()
        if card is None:  # plain Left/Right: walk to the neighbouring column
            target = here + columns
            if 0 <= target < len(STATES):
                view = self.views[STATES[target]]
                view.setFocus()
                if not view.currentIndex().isValid() and view.model().rowCount():
                    view.setCurrentIndex(view.model().index(0, 0))
            return
        self.move_by(card, columns, rows)

    def move_by(self, card: TaskCard, columns: int, rows: int) -> bool:
        """Ask to move `card` one column left/right (to the top there) or one place up/down."""
        if columns:
            target = STATES.index(card.state) + columns
            if not 0 <= target < len(STATES):
                return False
            cards = self.models[STATES[target]].cards
            self.move_requested.emit(
                card.id, card.version, STATES[target], cards[0].id if cards else None
            )
            return True
        cards = self.models[card.state].cards
        row = next((i for i, c in enumerate(cards) if c.id == card.id), None)
        if row is None:
            return False
        if rows < 0 and row > 0:
            before = cards[row - 1].id
        elif rows > 0 and row < len(cards) - 1:
            before = cards[row + 2].id if row + 2 < len(cards) else None
        else:
            return False
        self.move_requested.emit(card.id, card.version, card.state, before)
        return True

    def _focused_column(self) -> int:
        return next((i for i, s in enumerate(STATES) if self.views[s].hasFocus()), 0)

    def _menu(self, view: ColumnView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid():
            return
        view.setCurrentIndex(index)
        self.last_view = view
        self.menu_requested.emit(view.current_card(), view.viewport().mapToGlobal(pos))
