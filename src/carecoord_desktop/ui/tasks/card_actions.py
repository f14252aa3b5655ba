"""The board's card actions: their shortcuts (shown in the card's menu and the help), and the
menu a right-click on a card opens. A mixin of TaskBoardScreen (it uses the screen's board and
its move, claim, detail and record slots)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from carecoord_desktop.services.tasks.types import COLUMN_TITLES, TaskCard
from carecoord_desktop.ui.tasks.board import STATES


class CardActions:
    def _build_actions(self) -> None:
        def action(text, shortcut, slot) -> QAction:
            act = QAction(text, self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        current = self.board.current_card
        self.open_action = action(
            "Open &details", "Return", lambda: self._on(current(), self.open_detail_card)
        )
        self.record_action = action(
            "Open patient's &record", "Ctrl+O", lambda: self._on(current(), self.open_patient)
        )
        self.claim_action = action("&Claim", "Ctrl+K", lambda: self._on(current(), self.claim))
        self.left_action = action(
            "Move to the column on the &left",
            "Ctrl+Left",
            lambda: self._on(current(), lambda c: self.board.move_by(c, -1, 0)),
        )
        self.right_action = action(
            "Move to the column on the &right",
            "Ctrl+Right",
            lambda: self._on(current(), lambda c: self.board.move_by(c, 1, 0)),
        )
        self.up_action = action(
            "Move &up",
            "Ctrl+Up",
            lambda: self._on(current(), lambda c: self.board.move_by(c, 0, -1)),
        )
        self.down_action = action(
            "Move &down",
            "Ctrl+Down",
            lambda: self._on(current(), lambda c: self.board.move_by(c, 0, 1)),
        )
        self.patient_action = action(
            "Show only this &patient's tasks", "", lambda: self._on(current(), self.only_patient)
        )
        # The column views take Ctrl+arrows themselves (so they work without the menu):
        # these actions must not also fire on them.
        for act in (
            self.open_action,
            self.left_action,
            self.right_action,
            self.up_action,
            self.down_action,
        ):
            self.removeAction(act)

    @staticmethod
    def _on(card, fn) -> None:
        if card is not None:
            fn(card)

    def _card_menu(self, card: TaskCard, where) -> None:
        menu = QMenu(self)
        menu.addAction(self.open_action)
        if card.patient_id is not None:
            menu.addAction(self.record_action)
        if card.owner_id is None and card.is_open:
            menu.addAction(self.claim_action)
        menu.addSeparator()
        index = STATES.index(card.state)
        self.left_action.setEnabled(index > 0)
        self.right_action.setEnabled(index < len(STATES) - 1)
        for act in (self.left_action, self.right_action, self.up_action, self.down_action):
            menu.addAction(act)
        move_to = menu.addMenu("&Move to")
        for target in STATES:
            if target != card.state:
                move_to.addAction(
                    COLUMN_TITLES[target],
                    lambda t=target: self.move_card(card.id, card.version, t, None),
                )
        if card.patient_id is not None:
            menu.addSeparator()
            menu.addAction(self.patient_action)
        menu.popup(where)
        self._menu = menu  # kept for tests
