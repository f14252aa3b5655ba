"""A list of the plan (problems, goals, interventions, actions, warning signs): the items on the
left, reorderable by drag or Alt+Up/Down, and the chosen item's fields on the right.

Adding, removing and moving are undoable steps of the document (PlanDocument); so is every
edit in the item's form. Keys: Insert or Ctrl+N adds, Delete removes (in the list),
Alt+Up/Alt+Down move the chosen item, and Tab goes from the list into its form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.ui.careplans.binding import bind_form, set_form_read_only, show_in
from carecoord_desktop.ui.careplans.document import PlanDocument
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm

_MIME = "application/x-carecoord-plan-item"
_Index = QModelIndex | QPersistentModelIndex


def fit_combos(form: FieldsForm) -> None:
    for widget in form.widgets.values():
        if isinstance(widget, QComboBox):
            widget.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            widget.setMinimumContentsLength(16)


class ItemListModel(QAbstractListModel):
    """The items of one list of the document, by their order; drag-and-drop moves them."""

    def __init__(
        self, doc: PlanDocument, list_name: str, describe: Callable[[object, int], str], parent=None
    ) -> None:
        super().__init__(parent)
        self.doc, self.list_name, self.describe = doc, list_name, describe
        doc.list_changed.connect(self._list_changed)
        doc.item_changed.connect(self._item_changed)
        doc.draft_replaced.connect(self._reset)

    def _items(self) -> list:
        return self.doc.items(self.list_name)

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _list_changed(self, list_name: str) -> None:
        if list_name == self.list_name:
            self._reset()

    def _item_changed(self, list_name: str, uid: str, _field: str) -> None:
        if list_name == self.list_name:
            row = self.doc.row_of(list_name, uid)
            if row >= 0:
                self.dataChanged.emit(self.index(row), self.index(row))

    def uid_at(self, row: int) -> str | None:
        items = self._items()
        return items[row].uid if 0 <= row < len(items) else None

    # -- Qt overrides ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items())

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        items = self._items()
        if not index.isValid() or not (0 <= index.row() < len(items)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.describe(items[index.row()], index.row())
        if role == Qt.ItemDataRole.UserRole:
            return items[index.row()].uid
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.doc.read_only:
            return base if index.isValid() else Qt.ItemFlag.NoItemFlags
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [_MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        uid = self.uid_at(indexes[0].row()) if indexes else ""
        data.setData(_MIME, QByteArray((uid or "").encode()))
        return data

    def dropMimeData(self, data, action, row: int, column: int, parent: _Index) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(_MIME):
            return False
        uid = bytes(data.data(_MIME).data()).decode()
        source = self.doc.row_of(self.list_name, uid)
        if source < 0:
            return False
        if row < 0:  # dropped onto an item (parent) or below the last one
            row = parent.row() if parent.isValid() else self.rowCount()
        target = row - 1 if row > source else row  # the row it lands on once taken out
        self.doc.move_item(self.list_name, uid, target)
        # True, and removeRows stays the base class's no-op: the move is the document's.
        return True


class ListSection(QWidget):
    """One list of the plan with its item form. `new_item()` makes a blank item to add."""

    item_selected = Signal(str)  # uid ("" when none)

    def __init__(
        self,
        doc: PlanDocument,
        list_name: str,
        *,
        title: str,
        intro: str,
        specs: Sequence[Field],
        new_item: Callable[[], object],
        describe: Callable[[object, int], str],
        noun: str,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"section_{list_name}")
        self.doc, self.list_name, self.new_item, self.noun = doc, list_name, new_item, noun
        self.current_uid: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        about = QLabel(intro)
        about.setObjectName("pageSubtitle")
        about.setWordWrap(True)
        layout.addWidget(about)

        self.model = ItemListModel(doc, list_name, describe, self)
        self.view = QListView()
        self.view.setObjectName(f"list_{list_name}")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.setAccessibleName(title)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._reselect)
        self.empty = QLabel(f"No {noun}s yet. Press Insert (or “Add {noun}”) to add one.")
        self.empty.setObjectName("pageSubtitle")
        self.empty.setWordWrap(True)

        # Short words: four buttons share the list's width ("Add intervention" was cut).
        self.add_button = QPushButton("&Add" if len(noun) > 8 else f"&Add {noun}")
        self.add_button.setAccessibleName(f"Add {noun}")
        self.add_button.setToolTip(f"Add a {noun} (Insert or Ctrl+N)")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the chosen {noun} (Delete in the list)")
        self.remove_button.clicked.connect(self.remove)
        self.up_button = QPushButton("▲ Up")
        self.up_button.setToolTip("Move the chosen item up (Alt+Up)")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("▼ Down")
        self.down_button.setToolTip("Move the chosen item down (Alt+Down)")
        self.down_button.clicked.connect(lambda: self.move(1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.empty)
        left_layout.addLayout(buttons)

        self.form = FieldsForm(specs)
        self.form.setObjectName(f"form_{list_name}")
        # Beside the list the form is narrow: a field that does not fit beside its label goes
        # under it instead of being cut off at the right (no sideways scrolling here).
        self.form.layout().setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        bind_form(self.form, self._store)
        holder = QWidget()  # the form at the top, spare height below it
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 6, 0)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setWidget(holder)
        # The form fits the width it is given (long choices are cut in the closed combo,
        # shown whole when it opens) rather than scrolling sideways.
        self.form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fit_combos(self.form)
        self.form_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form_area)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 600])
        # Never narrower than its buttons need (a larger font once cut "Add goal" to "Add goa").
        left.setMinimumWidth(max(330, left.minimumSizeHint().width()))
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        for keys, slot in (
            ("Insert", self.add),
            ("Ctrl+N", self.add),
            ("Alt+Up", lambda: self.move(-1)),
            ("Alt+Down", lambda: self.move(1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove)
        QWidget.setTabOrder(self.view, self.form_area)
        doc.item_changed.connect(self._item_changed)
        self._reselect()

    # -- the chosen item ---------------------------------------------------------------------
    def select_uid(self, uid: str | None) -> None:
        row = self.doc.row_of(self.list_name, uid) if uid else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))
        else:
            self._show_item(None)

    def _reselect(self) -> None:
        self.select_uid(self.current_uid)
        count = self.model.rowCount()
        self.empty.setVisible(count == 0)
        self.view.setVisible(count > 0)
        self._update_buttons()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_item(self.model.uid_at(current.row()) if current.isValid() else None)

    def _show_item(self, uid: str | None) -> None:
        self.current_uid = uid
        item = self.doc.item(self.list_name, uid) if uid else None
        self.form.clear_problems()
        for name, widget in self.form.widgets.items():
            show_in(widget, getattr(item, name) if item is not None else None)
        self.form.setEnabled(item is not None)
        self.item_shown(item)
        self._update_buttons()
        self.item_selected.emit(uid or "")

    def item_shown(self, item) -> None:
        """A hook for a section that shows more of its item (the goals' progress)."""

    def _item_changed(self, list_name: str, uid: str, name: str) -> None:
        if list_name == self.list_name and uid == self.current_uid and name in self.form.widgets:
            show_in(self.form.widgets[name], getattr(self.doc.item(list_name, uid), name))

    def _store(self, name: str, value, typing: bool) -> None:
        if self.current_uid:
            self.doc.set_item_field(self.list_name, self.current_uid, name, value, typing=typing)

    def _update_buttons(self) -> None:
        editable = not self.doc.read_only
        row = self.doc.row_of(self.list_name, self.current_uid) if self.current_uid else -1
        size = self.model.rowCount()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setVisible(editable)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < size - 1)

    # -- edits -------------------------------------------------------------------------------
    def add(self) -> None:
        if self.doc.read_only:
            return
        item = self.new_item()
        row = self.doc.row_of(self.list_name, self.current_uid) + 1 if self.current_uid else None
        self.current_uid = item.uid
        self.doc.insert_item(self.list_name, item, row)
        self.focus_field(self.form.specs[0].name)

    def remove(self) -> None:
        if self.current_uid and not self.doc.read_only:
            row = self.doc.row_of(self.list_name, self.current_uid)
            uid = self.current_uid
            after = self.model.uid_at(row + 1) or self.model.uid_at(row - 1)
            self.current_uid = after
            self.doc.remove_item(self.list_name, uid)

    def move(self, step: int) -> None:
        if self.current_uid:
            row = self.doc.row_of(self.list_name, self.current_uid)
            had_focus = self.view.hasFocus()
            self.doc.move_item(self.list_name, self.current_uid, row + step)
            if had_focus:
                self.view.setFocus()

    def focus_field(self, name: str | None = None) -> None:
        """Show the chosen item's field `name` (the first by default) with the cursor in it."""
        self.form.focus(name or self.form.specs[0].name)

    def set_read_only(self, read_only: bool) -> None:
        set_form_read_only(self.form, read_only)
        self.view.setDragDropMode(
            QAbstractItemView.DragDropMode.NoDragDrop
            if read_only
            else QAbstractItemView.DragDropMode.InternalMove
        )
        self._update_buttons()
