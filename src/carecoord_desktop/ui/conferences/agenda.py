"""The "Agenda" page: the items built from the record (goals off track, overdue tasks, recent
hospital stays, medicine changes, open referrals, the patient's questions) and those added by
hand, each with its source as a word on a coloured chip; add, edit, remove (refused for an item
that has minutes or decisions), reorder (drag, or Alt+Up/Down), "Add what is new in the
record", and one save of the whole list through save_agenda at the version it was opened at."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError
from carecoord_desktop.models.conference import AgendaSource, ConferenceStatus
from carecoord_desktop.services.conferences import agenda as agenda_service
from carecoord_desktop.services.conferences.types import AgendaItemDraft, ConferenceRecord
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.agenda_model import AgendaModel, ChipDelegate
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.widgets.banner import Banner
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.form_kit import Field, ItemFormDialog, ask_discard
from carecoord_desktop.ui.widgets.messages import error_label, show_error

ITEM_FIELDS = (
    Field("title", "Item", required=True, hint="What the team should talk about, in a line."),
    Field("detail", "Detail", kind="long", hint="What the record says, or what to bring."),
)
CHIP_ROOM = 30  # the chip's margins and rounded ends need more than a cell's padding


class _AgendaTable(FittedTableView):
    move_requested = Signal(int)  # -1 up, +1 down

    def keyPressEvent(self, event) -> None:  # Qt override: Alt+Up/Down move the chosen item
        if event.modifiers() == Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            self.move_requested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def natural_widths(self) -> list[int]:  # the "From" column holds chips, not plain text
        widths = super().natural_widths()
        if len(widths) > AgendaModel.CHIPS:
            widths[AgendaModel.CHIPS] += CHIP_ROOM
        return widths


def _draft(row) -> AgendaItemDraft:
    return AgendaItemDraft(row.title, row.source, row.source_ref, row.detail, row.id)


class AgendaPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.state = ctx, ctx.state
        self.record: ConferenceRecord | None = None
        self.base_version: int | None = None
        self.opened: list[AgendaItemDraft] = []
        self._take_next = False
        self.banner = Banner("agendaStale")
        self.summary = QLabel()
        self.summary.setObjectName("agendaSummary")
        self.summary.setWordWrap(True)
        self.error = error_label()
        self.model = AgendaModel(self)
        self.table = _AgendaTable()
        self.table.setObjectName("agendaTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(AgendaModel.CHIPS, ChipDelegate(self.table))
        self.table.never_wrap = {AgendaModel.CHIPS}  # a chip cannot wrap onto two lines
        self.table.verticalHeader().show()  # the items' numbers
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDropIndicatorShown(True)
        self.table.setAccessibleName("Agenda items")
        self.add_button = QPushButton("&Add item…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.up_button = QPushButton("Move up")
        self.up_button.setToolTip("Alt+Up")
        self.down_button = QPushButton("Move down")
        self.down_button.setToolTip("Alt+Down")
        self.rebuild_button = QPushButton("Add what is &new in the record")
        self.rebuild_button.setObjectName("rebuildAgenda")
        self.rebuild_button.setToolTip(
            "Look at the record again: goals off track, overdue tasks, hospital stays, medicine "
            "changes and open referrals not on the agenda yet are added at the end"
        )
        self.revert_button = QPushButton("Undo my changes")
        self.save_button = QPushButton("&Save agenda")
        self.save_button.setObjectName("saveAgenda")
        bar = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.up_button,
                       self.down_button):  # fmt: skip
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.rebuild_button)
        saving = QHBoxLayout()
        hint = QLabel("Drag an item, or press Alt+Up / Alt+Down, to change the order.")
        hint.setObjectName("pageSubtitle")
        saving.addWidget(hint, 1)
        saving.addWidget(self.revert_button)
        saving.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(saving)

        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(self.edit_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self.move_chosen(-1))
        self.down_button.clicked.connect(lambda: self.move_chosen(1))
        self.rebuild_button.clicked.connect(self.rebuild)
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        self.table.doubleClicked.connect(lambda _i: self.edit_item())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.rowsMoved,
                       self.model.dataChanged, self.model.modelReset):  # fmt: skip
            signal.connect(lambda *_: self._buttons())
        self.model.rowsMoved.connect(self._moved)
        self.table.move_requested.connect(self.move_chosen)
        within = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Alt+Up"), self, activated=lambda: self.move_chosen(-1),
                  context=within)  # fmt: skip
        QShortcut(QKeySequence("Alt+Down"), self, activated=lambda: self.move_chosen(1),
                  context=within)  # fmt: skip
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save, context=within)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.remove_item,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self._buttons()

    # -- showing -----------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord) -> None:
        self.record = rec
        stored = [_draft(row) for row in rec.agenda]
        if self._take_next or not self.has_unsaved_edits():
            self._take_next = False
            self._load(rec)
        elif stored == self.opened:
            self.base_version = rec.version
        else:
            self.banner.show_message(
                "Someone else changed this agenda while you were editing it. Your order and"
                " items are still here; saving them would overwrite theirs.",
                [("Reload their agenda", self.reload_stored)],
                focus=False,  # a change noticed while typing: the typing keeps the focus
            )
        self._buttons()

    def _load(self, rec: ConferenceRecord) -> None:
        self.base_version = rec.version
        self.banner.clear()
        self.error.hide()
        decided = {d.agenda_item_id for d in rec.decisions if d.agenda_item_id is not None}
        minutes = {row.id: row.minutes for row in rec.agenda if row.minutes}
        self.opened = [_draft(row) for row in rec.agenda]
        chosen = self.chosen_row()
        discussed = {row.id for row in rec.agenda if row.discussed}
        self.model.set_items(self.opened, minutes, decided | set(minutes), discussed)
        if self.model.rowCount():
            self.table.selectRow(min(chosen or 0, self.model.rowCount() - 1))
        built = sum(1 for row in rec.agenda if row.source != AgendaSource.MANUAL.value)
        self.summary.setText(
            f"{len(rec.agenda)} item{'s' if len(rec.agenda) != 1 else ''}: {built} from the "
            f"record, {len(rec.agenda) - built} added by hand."
            if rec.agenda
            else "No items yet. “Add what is new in the record” builds them from the record."
        )

    def has_unsaved_edits(self) -> bool:
        return self.record is not None and self.model.items != self.opened

    def confirm_close(self) -> bool:
        if not self.has_unsaved_edits():
            return True
        return ask_discard(self, "Close the conference without saving the agenda?")

    def _may_edit(self) -> bool:
        return (
            can(self.state.actor, Permission.EDIT_CARE_PLANS)
            and self.record is not None
            and self.record.status != ConferenceStatus.CANCELLED.value
        )

    def chosen_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _buttons(self) -> None:
        may, row = self._may_edit(), self.chosen_row()
        dirty = self.has_unsaved_edits()
        self.add_button.setEnabled(may)
        self.edit_button.setEnabled(may and row is not None)
        self.remove_button.setEnabled(may and row is not None)
        self.up_button.setEnabled(may and row is not None and row > 0)
        self.down_button.setEnabled(may and row is not None and row < self.model.rowCount() - 1)
        self.rebuild_button.setEnabled(may)
        self.save_button.setEnabled(may and dirty)
        self.revert_button.setEnabled(dirty)
        for button in (self.add_button, self.edit_button, self.remove_button, self.up_button,
                       self.down_button, self.rebuild_button, self.save_button,
                       self.revert_button):  # fmt: skip
            button.setVisible(can(self.state.actor, Permission.EDIT_CARE_PLANS))
        self.table.setDragEnabled(may)
        self.table.setAcceptDrops(may)

    # -- edits (held on the page until "Save agenda") ----------------------------------------
    def add_item(self) -> ItemFormDialog | None:
        if not self._may_edit():
            return None

        def made(values: dict) -> AgendaItemDraft:
            return AgendaItemDraft(values["title"].strip(), AgendaSource.MANUAL.value, None,
                                   values["detail"].strip() or None)  # fmt: skip

        dialog = ItemFormDialog("Add an agenda item", ITEM_FIELDS, made, parent=self)
        dialog.accepted.connect(lambda: self.table.selectRow(self.model.add(dialog.result_value)))
        dialog.open()
        return dialog

    def edit_item(self) -> ItemFormDialog | None:
        row = self.chosen_row()
        if row is None or not self._may_edit():
            return None
        item = self.model.items[row]

        def made(values: dict) -> AgendaItemDraft:
            return AgendaItemDraft(values["title"].strip(), item.source, item.source_ref,
                                   values["detail"].strip() or None, item.id)  # fmt: skip

        dialog = ItemFormDialog("Edit the agenda item", ITEM_FIELDS, made,
                                {"title": item.title, "detail": item.detail}, self)  # fmt: skip
        dialog.accepted.connect(lambda: self.model.replace(row, dialog.result_value))
        dialog.open()
        return dialog

    def remove_item(self) -> bool:
        row = self.chosen_row()
        if row is None or not self._may_edit():
            return False
        if self.model.is_locked(row):
            show_error(
                self.error,
                f"“{self.model.items[row].title}” has minutes or decisions from the meeting, so "
                "it stays on the agenda (the summary lists what was discussed).",
            )
            return False
        self.error.hide()
        self.model.remove(row)
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        return True

    def move_chosen(self, step: int) -> bool:
        row = self.chosen_row()
        if row is None or not self._may_edit():
            return False
        to = row + step
        if not self.model.move(row, to):
            return False
        self.table.selectRow(to)
        return True

    def _moved(self, *_args) -> None:
        self.table.fit()

    def revert(self) -> None:
        if self.record is not None:
            self._load(self.record)
            self._buttons()

    # -- writes ------------------------------------------------------------------------------
    def save(self) -> bool:
        if not self._may_edit() or not self.has_unsaved_edits():
            return False
        self.error.hide()
        try:
            result = agenda_service.save_agenda(
                self.state.ws, self.state.actor, self.record.id, list(self.model.items),
                base_version=self.base_version,
            )  # fmt: skip
        except StaleEditError as exc:
            self.banner.show_message(
                str(exc), [("Reload their agenda", self.reload_stored)], focus=False
            )
            return False
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self._take_next = True
        self.ctx.written(result)
        return True

    def rebuild(self) -> bool:
        """Add what is new in the record; typed changes are saved first so none is lost."""
        if not self._may_edit():
            return False
        if self.has_unsaved_edits() and not self.save():
            return False
        self.error.hide()
        before = len(self.record.agenda)
        try:
            result = agenda_service.rebuild_agenda(self.state.ws, self.state.actor, self.record.id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self._take_next = True
        self.ctx.written(result)
        added = len(self.record.agenda) - before
        self.summary.setText(
            self.summary.text()
            + (f" {added} new from the record." if added else " Nothing new in the record.")
        )
        return True

    def reload_stored(self) -> None:
        self.banner.clear()
        self._take_next = True
        self.ctx.reload()
