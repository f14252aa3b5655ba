"""The agenda on the left (discussed ticks) and the chosen item's minutes on the right.

Typed minutes are never lost: each item's text lives here until the service has it (`_texts`
against `_saved`), and is saved when another item is chosen, after a short pause in typing, when
the meeting ends and when the page is hidden; the rest of the window hears of them when the
page is left (see publish_saved). A save that fails keeps the text, says so, and is
tried again at the next save; a record read again while text is unsaved keeps the typed text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Changes
from carecoord_desktop.services.conferences import meeting as meeting_service
from carecoord_desktop.services.conferences.types import (
    AgendaItemRow,
    ConferenceRecord,
    source_label,
)
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.widgets.messages import error_label, show_error

IDLE_MS = 1500  # a pause in typing this long saves the minutes
_ID = Qt.ItemDataRole.UserRole


class AgendaMinutes(QWidget):
    """`decision_asked(item_id)`: Ctrl+Enter or the Decision… button, for the chosen item."""

    decision_asked = Signal(object)
    minutes_saved = Signal(int)  # item id

    def __init__(self, ctx: ConferenceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: dict[int, AgendaItemRow] = {}
        self._texts: dict[int, str] = {}  # what the coordinator typed, per item
        self._saved: dict[int, str] = {}  # what the service has, per item
        self._discussed: dict[int, bool] = {}
        self._saved_discussed: dict[int, bool] = {}
        self._versions: dict[int, int] = {}
        self.current_id: int | None = None
        self._shown_id: int | None = None  # the item whose minutes the editor holds
        self.editable = False
        self._filling = False
        self.unpublished = Changes()  # what saved minutes changed, not announced yet

        self.agenda = QListWidget()
        self.agenda.setObjectName("meetingAgenda")
        self.agenda.setAccessibleName("Agenda items (tick when discussed)")
        self.agenda.setWordWrap(True)
        self.agenda.setSpacing(3)
        self.agenda.setMinimumWidth(260)
        self.item_title = QLabel()
        self.item_title.setObjectName("minutesItemTitle")
        self.item_title.setWordWrap(True)
        self.item_title.setStyleSheet("font-size: 13pt; font-weight: 600; color: #12355b;")
        self.item_detail = QLabel()
        self.item_detail.setWordWrap(True)
        self.item_detail.setStyleSheet("color: #4a5a6a;")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("minutesEditor")
        self.editor.setAccessibleName("Minutes for this item")
        self.editor.setPlaceholderText(
            "What was discussed for this item. Saved as you go; Ctrl+Up / Ctrl+Down moves "
            "between items, Ctrl+Enter records a decision."
        )
        self.decision_button = QPushButton("Decision…")
        self.decision_button.setToolTip("Record a decision for this item (Ctrl+Enter)")
        self.saved_line = QLabel()
        self.saved_line.setObjectName("minutesSaved")
        self.saved_line.setStyleSheet("color: #4a5a6a;")
        self.error = error_label()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.item_title)
        right_layout.addWidget(self.item_detail)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.saved_line, 1)
        row.addWidget(self.decision_button)
        right_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.agenda)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(IDLE_MS)
        self.idle.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._typed)
        self.agenda.currentItemChanged.connect(self._chosen)
        self.agenda.itemChanged.connect(self._ticked)
        self.decision_button.clicked.connect(self._ask_decision)
        for keys, slot in (
            ("Ctrl+Down", lambda: self.step(+1)),
            ("Ctrl+Up", lambda: self.step(-1)),
            ("Ctrl+Return", self._ask_decision),
            ("Ctrl+Enter", self._ask_decision),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- showing ---------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord, editable: bool) -> None:
        self.editable = editable
        for item in rec.agenda:
            known = self._versions.get(item.id, 0)
            if item.version < known:
                continue  # a read from before our own latest save: ours is newer
            stored, discussed = item.minutes or "", item.discussed
            unsaved = self.is_dirty(item.id)
            self.items[item.id] = item
            self._versions[item.id] = item.version
            self._saved[item.id] = stored
            self._saved_discussed[item.id] = discussed
            if not unsaved:
                self._texts[item.id] = stored
                self._discussed[item.id] = discussed
        gone = set(self.items) - {i.id for i in rec.agenda}
        for item_id in gone:
            if not self.is_dirty(item_id):
                for store in (self.items, self._texts, self._saved, self._versions):
                    store.pop(item_id, None)
        self._fill([i.id for i in rec.agenda])

    def _fill(self, order: list[int]) -> None:
        self._filling = True
        try:
            wanted = self.current_id if self.current_id in order else (order[0] if order else None)
            scrolled = self.agenda.verticalScrollBar().value()
            self.agenda.clear()
            for n, item_id in enumerate(order, start=1):
                row = self.items[item_id]
                # The titles the record builds name their source ("Overdue task: …").
                entry = QListWidgetItem(f"{n}. {row.title}")
                entry.setData(_ID, item_id)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if self.editable:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                entry.setFlags(flags)
                ticked = self._discussed.get(item_id, False)
                entry.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                state = "discussed" if ticked else "not discussed yet"
                entry.setToolTip(f"{source_label(row.source)}: {state}")
                self.agenda.addItem(entry)
                if item_id == wanted:
                    self.agenda.setCurrentItem(entry)
            self.current_id = wanted
            self.agenda.verticalScrollBar().setValue(scrolled)
            self._show_item(wanted)
        finally:
            self._filling = False
        self.editor.setReadOnly(not self.editable)
        self.decision_button.setEnabled(self.editable and wanted is not None)
        if not order:
            self.item_title.setText("The agenda is empty")
            self.item_detail.setText("Add items on the Agenda page to take minutes against them.")

    def _show_item(self, item_id: int | None) -> None:
        row = self.items.get(item_id) if item_id is not None else None
        text = self._texts.get(item_id, "") if row else ""
        # A record shown again while someone types (every save is read back) must not move
        # their cursor: the editor is only rewritten when its words are not the item's.
        if item_id != self._shown_id or self.editor.toPlainText() != text:
            at = self.editor.textCursor().position() if item_id == self._shown_id else 0
            self.editor.blockSignals(True)
            try:
                self.editor.setPlainText(text)
                cursor = self.editor.textCursor()
                cursor.setPosition(min(at, len(text)) if at else len(text))
                self.editor.setTextCursor(cursor)
            finally:
                self.editor.blockSignals(False)
        self._shown_id = item_id
        self.editor.setEnabled(row is not None)
        self.item_title.setText(row.title if row else "")
        self.item_detail.setText(row.detail or "" if row else "")
        self.item_detail.setVisible(bool(row and row.detail))
        self._say_saved()

    # -- editing ---------------------------------------------------------------------------
    def _typed(self) -> None:
        if self.current_id is None or not self.editable:
            return
        self._texts[self.current_id] = self.editor.toPlainText()
        if self._texts[self.current_id].strip() and not self._discussed.get(self.current_id):
            self._discussed[self.current_id] = True  # minutes taken: it is being discussed
            self._set_tick(self.current_id, True)
        self.saved_line.setText("Not saved yet…")
        self.idle.start()

    def _set_tick(self, item_id: int, ticked: bool) -> None:
        for n in range(self.agenda.count()):
            entry = self.agenda.item(n)
            if entry.data(_ID) == item_id:
                self._filling = True
                try:
                    entry.setCheckState(
                        Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
                    )
                finally:
                    self._filling = False

    def _ticked(self, entry: QListWidgetItem) -> None:
        if self._filling or not self.editable:
            return
        item_id = entry.data(_ID)
        self._discussed[item_id] = entry.checkState() == Qt.CheckState.Checked
        self.save(item_id)

    def _chosen(self, entry: QListWidgetItem | None, _previous=None) -> None:
        if self._filling:
            return
        before = self.current_id
        self.current_id = entry.data(_ID) if entry is not None else None
        if before is not None and before != self.current_id:
            self.save(before)
        self._show_item(self.current_id)

    def step(self, by: int) -> None:
        row = self.agenda.currentRow() + by
        if 0 <= row < self.agenda.count():
            self.agenda.setCurrentRow(row)
            self.editor.setFocus()

    def _ask_decision(self) -> None:
        if self.editable and self.current_id is not None:
            self.flush()
            self.decision_asked.emit(self.current_id)

    # -- saving ----------------------------------------------------------------------------
    def is_dirty(self, item_id: int) -> bool:
        # The service keeps minutes trimmed: a trailing newline being typed is not a change.
        typed, stored = self._texts.get(item_id, ""), self._saved.get(item_id, "")
        return typed.strip() != stored.strip() or bool(self._discussed.get(item_id, False)) != bool(
            self._saved_discussed.get(item_id, False)
        )

    def publish_saved(self) -> bool:
        """Announce the minutes saved since the last time (True when there were some)."""
        changes, self.unpublished = self.unpublished, Changes()
        self.ctx.state.publish_changes(changes)
        return bool(changes)

    def has_unsaved(self) -> bool:
        return any(self.is_dirty(i) for i in list(self._texts))

    def flush(self) -> bool:
        """Save every item with unsaved minutes; True when nothing is left unsaved."""
        self.idle.stop()
        ok = True
        for item_id in [i for i in list(self._texts) if self.is_dirty(i)]:
            ok = self.save(item_id) and ok
        return ok

    def save(self, item_id: int) -> bool:
        if not self.editable or not self.is_dirty(item_id) or item_id not in self.items:
            return True
        text = self._texts.get(item_id, "")
        discussed = self._discussed.get(item_id, False)
        state = self.ctx.state
        try:
            result = meeting_service.record_minutes(
                state.ws,
                state.actor,
                item_id,
                text,
                discussed=discussed,
                base_version=self._versions.get(item_id),
            )
        except CareCoordError as exc:
            title = self.items[item_id].title
            show_error(
                self.error,
                f"The minutes for “{title}” were not saved: {exc} Your text is kept here and "
                "is saved again when you type or move to another item.",
            )
            self.saved_line.setText("Not saved")
            return False
        # Told to the rest of the app when the page is left, not at every pause in typing:
        # each notice reads the whole conference again (an audited view).
        self.unpublished = self.unpublished | result.changes
        row = result.value
        self.items[item_id] = row
        self._versions[item_id] = row.version
        self._saved[item_id] = row.minutes or ""
        self._saved_discussed[item_id] = row.discussed
        if not self.has_unsaved():
            self.error.hide()
        self._say_saved()
        self.minutes_saved.emit(item_id)
        return True

    def _say_saved(self) -> None:
        if self.current_id is None:
            self.saved_line.setText("")
        elif self.is_dirty(self.current_id):
            self.saved_line.setText("Not saved yet…")
        elif self._saved.get(self.current_id):
            self.saved_line.setText("Minutes saved")
        else:
            self.saved_line.setText("")
