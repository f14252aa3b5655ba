"""The patient list as a windowed table model: it holds ids, fetches rows in blocks, sorts in SQL.

Only the ids of the matching patients live in memory; rows are fetched 200 at a time on a worker
when the view first asks for one ("Loading…" shows until the block lands), and the least recently
used blocks are dropped so memory stays flat at 100k. A re-sort queries the ids on a worker too:
the old order stays on screen until the new one arrives, and an answer overtaken by a newer query
is dropped (a generation counter), as is a block fetched for an order no longer shown.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter, PatientListRow
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import Job, start_job

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
    ("Next review", "next_review"),  # the open care plan's
    ("Plan", None),  # the open care plan's status
    ("Tasks", "open_tasks"),  # open tasks on the task board (the header tip says so in full)
)
NAME, DOB, PRACTICE_ID, MEDICARE, CONDITIONS, RISK, COORDINATOR, NEXT_REVIEW, PLAN, OPEN_TASKS = (
    range(len(COLUMNS))
)
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEADER_TIPS = {
    DOB: "Date of birth (age today)",
    RISK: "Risk tier",
    NEXT_REVIEW: "When the care plan is next due for review",
    PLAN: "The open care plan: draft, active or under review",
    OPEN_TASKS: "Open tasks: on the task board for this patient, not yet done",
}
PLAN_WORDS = {"draft": "Draft", "active": "Active", "under_review": "In review"}

_HIGH_RISK_BACKGROUND = QBrush(QColor("#fbe9e7"))
_HIGH_RISK_FOREGROUND = QBrush(QColor("#8e1b12"))
_LOADING_FOREGROUND = QBrush(QColor("#8a8f98"))
LOADING = "Loading…"


def _fetch_block(ws, actor, block_ids: list[int], number: int, generation: int):
    """Worker side: one block's rows, in the block's order (None for a patient since removed)."""
    fetched = registry.fetch_rows(ws, actor, block_ids)
    return number, generation, [fetched.get(pid) for pid in block_ids]


def _query(ws, actor, flt: PatientFilter, sort: str, descending: bool, generation: int):
    """Worker side: the ids for `flt` in the asked order."""
    ids = registry.query_ids(ws, actor, flt, sort=sort, descending=descending)
    return generation, flt, ids


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
    if column == NEXT_REVIEW:  # says what the hidden Plan column would when there is no date
        if row.next_review:
            return f"{row.next_review:%d/%m/%Y}"
        return "Draft" if row.open_plan == "draft" else "—"
    if column == PLAN:
        return PLAN_WORDS.get(row.open_plan or "", "None")
    if column == OPEN_TASKS:
        return str(row.open_tasks) if row.open_tasks else "—"
    return ""


def _review_tip(row: PatientListRow) -> str:
    plan = PLAN_WORDS.get(row.open_plan or "")
    if plan is None:
        return "No care plan yet"
    if row.next_review is None:
        return f"{plan} care plan, no review scheduled"
    late = " (overdue)" if review_overdue(row) else ""
    return f"{plan} care plan: next review {row.next_review:%d/%m/%Y}{late}"


def review_overdue(row: PatientListRow) -> bool:
    return row.next_review is not None and row.next_review < date.today()


class PatientListModel(QAbstractTableModel):
    """Ids of the patients matching a filter, in the order SQL sorted them; rows on demand."""

    count_changed = Signal(int)
    block_loaded = Signal(int)  # block number: its rows are now shown
    query_finished = Signal()  # a sort or filter query's ids were applied (or it failed)
    query_failed = Signal(object)  # the error, in words

    BLOCK_SIZE = 200
    MAX_BLOCKS = 50
    MAX_PENDING = 4  # block fetches queued at once; fast scrolling drops the oldest waiting

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
        self._pending: dict[int, Job] = {}
        self._ids_generation = 0  # blocks fetched for an older list of ids are dropped
        self._query_generation = 0  # a query overtaken by a newer one is dropped
        self._query_job: Job | None = None
        self._suspended = False  # the workspace is being replaced: nothing may query it
        self.fetches = 0  # blocks fetched since creation (tests and benchmarks read it)
        state.workspace_closing.connect(self.suspend)
        state.workspace_replaced.connect(self._resume)

    # -- querying --------------------------------------------------------------------------
    @property
    def querying(self) -> bool:
        return self._query_job is not None

    def start_query(self, flt: PatientFilter | None = None) -> None:
        """Query the ids for `flt` (default: the current filter) in the current sort order on a
        worker; the list shown stays until they arrive."""
        self._query_generation += 1
        generation = self._query_generation
        if self._suspended:
            return
        self._query_job = start_job(
            self,
            _query,
            self.state.ws,
            self.state.actor,
            self.filter if flt is None else flt,
            self.sort_key,
            self.descending,
            generation,
            on_done=self._query_done,
            on_failed=lambda exc: self._query_refused(generation, exc),
        )

    def _query_done(self, result) -> None:
        generation, flt, ids = result
        if generation != self._query_generation:
            return  # overtaken by a newer sort or filter
        self._query_job = None
        if flt == self.filter and self.loaded:
            self._reorder(ids)
        else:
            self.set_ids(ids, flt)
        self.query_finished.emit()

    def _query_refused(self, generation: int, exc: Exception) -> None:
        if generation == self._query_generation:
            self._query_job = None
            self.query_failed.emit(exc)
            self.query_finished.emit()

    def set_filter(self, flt: PatientFilter) -> None:
        self.start_query(flt)

    def refresh(self) -> None:
        """Query again (after the workspace changed or patients were edited)."""
        self.start_query()

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
        self._drop_blocks()
        self.loaded = True
        self.partial = partial
        if partial and self.ids and not self._suspended:
            # The first page paints at once: its one small read (like the first-page query
            # itself) runs here, so its rows never wait on the pool behind the full query.
            block = registry.fetch_rows(self.state.ws, self.state.actor, self.ids)
            self._blocks[0] = [block.get(pid) for pid in self.ids]
            self.fetches += 1
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
            self.start_query()

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return  # Medicare numbers carry no useful order
        key, descending = COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder
        self.set_sort_key(key, descending)

    def _reorder(self, ids: list[int]) -> None:
        """Reorder in place so the selection and current row stay on the same patients."""
        if sorted(ids) != sorted(self.ids):  # the data changed under us: start afresh
            self.set_ids(ids)
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self.ids
        new_rows = {pid: row for row, pid in enumerate(ids)}
        self.ids = ids
        self._drop_blocks()
        for index in self.persistentIndexList():
            if index.isValid() and index.row() < len(old_ids):
                new_row = new_rows[old_ids[index.row()]]
                self.changePersistentIndex(index, self.index(new_row, index.column()))
        self.layoutChanged.emit()

    # -- the workspace being replaced --------------------------------------------------------
    def suspend(self) -> None:
        """Stop using the workspace: waiting fetches and queries are dropped, none start."""
        self._suspended = True
        self._query_generation += 1
        if self._query_job is not None:
            self._query_job.cancel()
            self._query_job = None
        self._drop_blocks()

    def _resume(self) -> None:
        self._suspended = False

    # -- rows ------------------------------------------------------------------------------
    def patient_id(self, row: int) -> int:
        return self.ids[row]

    def row_for_id(self, patient_id: int) -> int | None:
        try:
            return self.ids.index(patient_id)
        except ValueError:
            return None

    def cached_row(self, row: int) -> PatientListRow | None:
        """The row's data if its block has arrived, else None (and its fetch is started)."""
        number, offset = divmod(row, self.BLOCK_SIZE)
        block = self._blocks.get(number)
        if block is None or offset >= len(block):  # none yet, or read before the list grew
            self._request_block(number)
            return None
        self._blocks.move_to_end(number)
        return block[offset]

    def is_loaded(self, row: int) -> bool:
        number, offset = divmod(row, self.BLOCK_SIZE)
        block = self._blocks.get(number)
        return block is not None and offset < len(block)  # a first page's block is short

    def row_data(self, row: int) -> PatientListRow | None:
        """The row's data for an action on it (risk panel, context menu): from the cache, or
        fetched at once for this one row (None if since deleted)."""
        if not 0 <= row < len(self.ids):
            return None
        number, offset = divmod(row, self.BLOCK_SIZE)
        block = self._blocks.get(number)
        if block is not None and offset < len(block):  # not a block read before the list grew
            self._blocks.move_to_end(number)
            return block[offset]
        pid = self.ids[row]
        return registry.fetch_rows(self.state.ws, self.state.actor, [pid]).get(pid)

    def _request_block(self, number: int) -> None:
        if number in self._pending or self._suspended:
            return
        block_ids = self.ids[number * self.BLOCK_SIZE : (number + 1) * self.BLOCK_SIZE]
        if not block_ids:
            return
        while len(self._pending) >= self.MAX_PENDING:  # scrolled past: not worth fetching
            oldest = next(iter(self._pending))
            if not self._pending[oldest].cancel():
                break  # already running: it lands soon anyway
            del self._pending[oldest]
        self._pending[number] = start_job(
            self,
            _fetch_block,
            self.state.ws,
            self.state.actor,
            block_ids,
            number,
            self._ids_generation,
            on_done=self._block_arrived,
            on_failed=lambda _exc, n=number: self._pending.pop(n, None),
        )

    def _block_arrived(self, result) -> None:
        number, generation, block = result
        if generation != self._ids_generation:
            return  # fetched for an order or list no longer shown
        self._pending.pop(number, None)
        self._blocks[number] = block
        self.fetches += 1
        while len(self._blocks) > self.MAX_BLOCKS:
            self._blocks.popitem(last=False)
        first = number * self.BLOCK_SIZE
        last = min(first + len(block), len(self.ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.block_loaded.emit(number)

    def _drop_blocks(self) -> None:
        self._ids_generation += 1
        self._blocks.clear()
        for job in self._pending.values():
            job.cancel()
        self._pending.clear()

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

    @property
    def fetching(self) -> bool:
        return bool(self._pending)

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
        column = index.column()
        if not self.is_loaded(index.row()):
            self.cached_row(index.row())  # starts the block's fetch on a worker
            if role == Qt.ItemDataRole.ForegroundRole:
                return _LOADING_FOREGROUND
            return LOADING if role == Qt.ItemDataRole.DisplayRole and column == NAME else None
        row = self.cached_row(index.row())
        if row is None:  # removed since the ids were queried
            return "(no longer listed)" if role == Qt.ItemDataRole.DisplayRole else None
        high = row.risk_tier == "high"
        # An overdue review is marked like a high risk: the same red, on its own cell.
        marked = (high and column == RISK) or (column == NEXT_REVIEW and review_overdue(row))
        if role == Qt.ItemDataRole.BackgroundRole:
            return _HIGH_RISK_BACKGROUND if marked else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _HIGH_RISK_FOREGROUND if marked else None
        text = display_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RISK:
                return f"{text} risk — press Enter or double-click for the reasons"
            if column == NEXT_REVIEW:
                return _review_tip(row)
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
