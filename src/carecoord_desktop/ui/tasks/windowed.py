"""A windowed table model (generic; it lives here because ui/widgets may not use the shell's
workers): it holds the ids of a list sorted in SQL and fetches rows in blocks
on a worker when the view first paints them, keeping the most recently used blocks.

For lists that grow without bound (tasks; the Patients list has its own older copy of the same
idea). A subclass gives `query_ids(sort, descending)` and `fetch_rows(ids)` (both run on the
pool, never on the GUI thread) and `columns`: (title, sort key or None, text(row)).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from carecoord_desktop.ui.shell.workers import Job, start_job

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 11
ROW_ROLE = Qt.ItemDataRole.UserRole + 12
LOADING = "Loading…"
_LOADING_FOREGROUND = QBrush(QColor("#8a8f98"))


@dataclass(frozen=True)
class WindowColumn:
    title: str
    sort_key: str | None
    text: Callable[[Any], str]


class WindowedTableModel(QAbstractTableModel):
    count_changed = Signal(int)
    query_finished = Signal()
    query_failed = Signal(object)
    block_loaded = Signal(int)

    BLOCK_SIZE = 200
    MAX_BLOCKS = 40

    columns: Sequence[WindowColumn] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ids: list[int] = []
        self.sort_key = next((c.sort_key for c in self.columns if c.sort_key), None)
        self.descending = False
        self._blocks: OrderedDict[int, dict[int, Any]] = OrderedDict()
        self._pending: dict[int, Job] = {}
        self._generation = 0
        self._query_job: Job | None = None

    # -- the subclass's two reads (on a worker) ----------------------------------------------
    def query_ids(self, sort: str | None, descending: bool) -> Callable[[], list[int]]:
        raise NotImplementedError

    def fetch_rows(self, ids: list[int]) -> Callable[[], list[Any]]:
        raise NotImplementedError

    def row_id(self, row: Any) -> int:
        return row.id

    # -- querying ----------------------------------------------------------------------------
    @property
    def querying(self) -> bool:
        return self._query_job is not None

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self._query_job = start_job(
            self,
            self.query_ids(self.sort_key, self.descending),
            on_done=lambda ids: self._ids_arrived(generation, ids),
            on_failed=lambda exc: self._refused(generation, exc),
        )

    def _ids_arrived(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self._query_job = None
        self.beginResetModel()
        self.ids = list(ids)
        self._drop_blocks()
        self.endResetModel()
        self.count_changed.emit(len(self.ids))
        self.query_finished.emit()

    def _refused(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self._query_job = None
            self.query_failed.emit(exc)
            self.query_finished.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        key = self.columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.refresh()

    @property
    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.sort_key == self.sort_key), -1)

    # -- rows ----------------------------------------------------------------------------------
    def row_data(self, row: int) -> Any | None:
        """The row if its block has arrived (else its fetch starts and None)."""
        if not 0 <= row < len(self.ids):
            return None
        number = row // self.BLOCK_SIZE
        block = self._blocks.get(number)
        if block is None:
            self._request(number)
            return None
        self._blocks.move_to_end(number)
        return block.get(self.ids[row])

    def is_loaded(self, row: int) -> bool:
        return row // self.BLOCK_SIZE in self._blocks

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        ids = self.ids[number * self.BLOCK_SIZE : (number + 1) * self.BLOCK_SIZE]
        if not ids:
            return
        generation = self._generation
        self._pending[number] = start_job(
            self,
            self.fetch_rows(ids),
            on_done=lambda rows: self._block_arrived(generation, number, rows),
            on_failed=lambda _exc: self._pending.pop(number, None),
        )

    def _block_arrived(self, generation: int, number: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.pop(number, None)
        self._blocks[number] = {self.row_id(r): r for r in rows}
        while len(self._blocks) > self.MAX_BLOCKS:
            self._blocks.popitem(last=False)
        first = number * self.BLOCK_SIZE
        last = min(first + self.BLOCK_SIZE, len(self.ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))
        self.block_loaded.emit(number)

    def _drop_blocks(self) -> None:
        self._blocks.clear()
        for job in self._pending.values():
            job.cancel()
        self._pending.clear()

    @property
    def fetching(self) -> bool:
        return bool(self._pending) or self.querying

    # -- Qt overrides --------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        if role == ID_ROLE:
            return self.ids[index.row()]
        loaded = self.is_loaded(index.row())
        row = self.row_data(index.row())
        if role == ROW_ROLE:
            return row
        if not loaded:
            if role == Qt.ItemDataRole.ForegroundRole:
                return _LOADING_FOREGROUND
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return LOADING
            return None
        if row is None:
            return "(no longer listed)" if role == Qt.ItemDataRole.DisplayRole else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()].text(row)
        return self.row_style(row, index.column(), role)

    def row_style(self, row: Any, column: int, role: int) -> Any:
        """Colours and fonts for a loaded row (a subclass's highlighting)."""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            col = self.columns[section]
            return f"{col.title}: click to sort" if col.sort_key else f"{col.title} (not sortable)"
        return None
