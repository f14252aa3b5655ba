"""The patient list as a windowed table model: it holds ids, fetches rows in blocks, sorts in SQL.

Only the ids of the matching patients live in memory; rows are fetched 200 at a time when the view
first asks for one, and the least recently used blocks are dropped so memory stays flat at 100k.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from carecoord_desktop.services import registry
from carecoord_desktop.services.registry import PatientFilter, PatientListRow
from carecoord_desktop.ui.state import AppState

_Index = QModelIndex | QPersistentModelIndex

# (title, registry sort key or None when the column cannot be sorted)
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Name", "name"),
    ("DOB (age)", "dob"),  # the header says it in full in its tooltip
    ("Practice ID", "practice_id"),
    ("Medicare", None),
    ("Conditions", "conditions"),
    ("Risk", "risk"),
    ("Coordinator", "coordinator"),
)
NAME, DOB, PRACTICE_ID, MEDICARE, CONDITIONS, RISK, COORDINATOR = range(len(COLUMNS))
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEADER_TIPS = {DOB: "Date of birth (age today)", RISK: "Risk tier"}

_HIGH_RISK_BACKGROUND = QBrush(QColor("#fbe9e7"))
_HIGH_RISK_FOREGROUND = QBrush(QColor("#8e1b12"))


def _medicare(number: str | None) -> str:
    """Medicare numbers read in the card's groups: 2123 45670 1."""
    if not number:
        return ""
    digits = number.replace(" ", "")
    if len(digits) in (10, 11) and digits.isdigit():
        return " ".join(p for p in (digits[:4], digits[4:9], digits[9:]) if p)
    return number


def display_text(row: PatientListRow, column: int) -> str:
    if column == NAME:
        return row.display_name
    if column == DOB:
        return f"{row.date_of_birth:%d/%m/%Y} ({row.age})"
    if column == PRACTICE_ID:
        return row.practice_id
    if column == MEDICARE:
        return _medicare(row.medicare_number)
    if column == CONDITIONS:
        return row.conditions_summary or "—"
    if column == RISK:
        return row.risk_tier.capitalize()
    if column == COORDINATOR:
        return row.coordinator_name or "—"
    return ""


class PatientListModel(QAbstractTableModel):
    """Ids of the patients matching a filter, in the order SQL sorted them; rows on demand."""

    count_changed = Signal(int)

    BLOCK_SIZE = 200
    MAX_BLOCKS = 50

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.filter = PatientFilter()
        self.sort_key = "name"
        self.descending = False
        self.ids: list[int] = []
        self.loaded = False
        self.partial = False
        self._blocks: OrderedDict[int, list[PatientListRow | None]] = OrderedDict()
        self.fetches = 0  # blocks fetched since creation (tests and benchmarks read it)

    # -- querying --------------------------------------------------------------------------
    def query(self, flt: PatientFilter | None = None) -> list[int]:
        """The ids for `flt` (default: the current filter) in the current sort order."""
        return registry.query_ids(
            self.state.ws,
            self.state.actor,
            self.filter if flt is None else flt,
            sort=self.sort_key,
            descending=self.descending,
        )

    def set_filter(self, flt: PatientFilter) -> None:
        self.set_ids(self.query(flt), flt)

    def refresh(self) -> None:
        """Query again (after the workspace changed or patients were edited)."""
        self.set_ids(self.query(), self.filter)

    def set_ids(
        self, ids: Sequence[int], flt: PatientFilter | None = None, *, partial: bool = False
    ) -> None:
        """Show `ids` (already sorted by the current sort) as the result of `flt`.

        `partial`: only the first page; `complete_ids` adds the rest without a reset.
        """
        self.beginResetModel()
        if flt is not None:
            self.filter = flt
        self.ids = list(ids)
        self._blocks.clear()
        self.loaded = True
        self.partial = partial
        self.endResetModel()
        self.count_changed.emit(len(self.ids))

    def complete_ids(self, ids: Sequence[int], flt: PatientFilter) -> None:
        """The whole list after a first page: append the rest, keeping scroll and selection."""
        shown = len(self.ids)
        if not self.partial or flt != self.filter or list(ids[:shown]) != self.ids:
            self.set_ids(ids, flt)
            return
        self.partial = False
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self.ids.extend(ids[shown:])
            self.endInsertRows()
        self.count_changed.emit(len(self.ids))

    @property
    def sort_column(self) -> int:
        """The column sorted by, or -1 for an order no column shows ("needs attention")."""
        return next((i for i, (_, key) in enumerate(COLUMNS) if key == self.sort_key), -1)

    def reset_order(self) -> None:
        """The default order (by name), set without querying: for a new user's first search."""
        self.sort_key, self.descending = "name", False

    def set_sort_key(self, key: str, descending: bool = False) -> None:
        """Order by any of registry.SORT_KEYS, including ones without a column."""
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        if self.loaded:
            self._reorder(self.query())

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return  # Medicare numbers carry no useful order
        key, descending = COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        if self.loaded:
            self._reorder(self.query())

    def _reorder(self, ids: list[int]) -> None:
        """Reorder in place so the selection and current row stay on the same patients."""
        if sorted(ids) != sorted(self.ids):  # the data changed under us: start afresh
            self.set_ids(ids)
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self.ids
        new_rows = {pid: row for row, pid in enumerate(ids)}
        self.ids = ids
        self._blocks.clear()
        for index in self.persistentIndexList():
            if index.isValid() and index.row() < len(old_ids):
                new_row = new_rows[old_ids[index.row()]]
                self.changePersistentIndex(index, self.index(new_row, index.column()))
        self.layoutChanged.emit()

    # -- rows ------------------------------------------------------------------------------
    def patient_id(self, row: int) -> int:
        return self.ids[row]

    def row_for_id(self, patient_id: int) -> int | None:
        try:
            return self.ids.index(patient_id)
        except ValueError:
            return None

    def row_data(self, row: int) -> PatientListRow | None:
        """The row's data, fetching its block if it is not cached (None if since deleted)."""
        if not 0 <= row < len(self.ids):
            return None
        number, offset = divmod(row, self.BLOCK_SIZE)
        block = self._blocks.get(number)
        if block is None or offset >= len(block):  # a block read before the list completed
            block_ids = self.ids[number * self.BLOCK_SIZE : (number + 1) * self.BLOCK_SIZE]
            fetched = registry.fetch_rows(self.state.ws, self.state.actor, block_ids)
            block = [fetched.get(pid) for pid in block_ids]
            self._blocks[number] = block
            self.fetches += 1
            while len(self._blocks) > self.MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        return block[offset]

    @property
    def cached_blocks(self) -> int:
        return len(self._blocks)

    def refresh_patients(self, patient_ids: Iterable[int]) -> int:
        """A change notice named these patients: re-read their cached rows (those rows only, in
        one query) and repaint them. Rows not cached are read fresh when next painted anyway.
        Returns how many rows were refreshed."""
        wanted = set(patient_ids)
        found: list[tuple[int, int, int]] = []  # (row, block number, offset)
        for number, block in self._blocks.items():
            start = number * self.BLOCK_SIZE
            for offset, pid in enumerate(self.ids[start : start + len(block)]):
                if pid in wanted:
                    found.append((start + offset, number, offset))
        for chunk in range(0, len(found), self.BLOCK_SIZE):
            part = found[chunk : chunk + self.BLOCK_SIZE]
            fetched = registry.fetch_rows(
                self.state.ws, self.state.actor, [self.ids[row] for row, _, _ in part]
            )
            for row, number, offset in part:
                self._blocks[number][offset] = fetched.get(self.ids[row])
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return len(found)

    # -- Qt overrides ----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        if role == PATIENT_ID_ROLE:
            return self.ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            return None
        row = self.row_data(index.row())
        column = index.column()
        if row is None:  # removed since the ids were queried
            return "(no longer listed)" if role == Qt.ItemDataRole.DisplayRole else None
        high = row.risk_tier == "high"
        if role == Qt.ItemDataRole.BackgroundRole:
            return _HIGH_RISK_BACKGROUND if high and column == RISK else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _HIGH_RISK_FOREGROUND if high and column == RISK else None
        text = display_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RISK:
                return f"{text} risk — press Enter or double-click for the reasons"
            return text if column in (NAME, CONDITIONS, COORDINATOR) else None
        return text

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            what = HEADER_TIPS.get(section, COLUMNS[section][0])
            return f"{what}: click to sort" if COLUMNS[section][1] else f"{what} (not sortable)"
        return None
