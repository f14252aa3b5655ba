"""The side-by-side rows of a reconciliation: one row per medicine, its counterparts from the
current list, the new orders and the patient's report aligned, its status (marker, words and a
colour), its flags, and the decision with its reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED
from carecoord_desktop.services.medications.types import (
    DECISION_TEXT,
    Decision,
    RecItemView,
    RecLineView,
)
from carecoord_desktop.ui.medications.words import flag_look, status_look

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Status", "Current list", "New orders", "Patient reports", "Flags", "Decision", "Reason")
STATUS, CURRENT, NEW, REPORTED, FLAGS, DECISION, REASON = range(len(COLUMNS))
LINE_COLUMNS = {CURRENT: "current", NEW: "new", REPORTED: "reported"}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.UserRole + 2


def line_text(line: RecLineView | None) -> str:
    """A line as written, and under it what it was read as (or that it was not recognised,
    and what the grammar could not read)."""
    if line is None:
        return "—"
    read = line.recognised_as if line.recognised else NOT_RECOGNISED
    out = f"{line.written}\n→ {read}"
    if line.stopped:
        out += "\n× listed as stopped" + (f": {line.reason}" if line.reason else "")
    if line.unparsed:
        out += f"\n? could not read: {line.unparsed}"
    return out


def flags_text(item: RecItemView) -> str:
    seen: list[str] = []
    for flag in item.flags:
        if flag.kind in ("dose_changed", "frequency_changed", "omitted"):
            continue  # the status column says these already
        look = flag_look(flag.kind)
        words = f"{look.marker} {look.words}"
        if flag.severity:
            words += f" ({flag.severity})"
        if words not in seen:
            seen.append(words)
    return "\n".join(seen)


class RecItemsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[RecItemView] = []

    def set_items(self, items: list[RecItemView]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def item_at(self, row: int) -> RecItemView | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, item_id: int) -> int:
        return next((i for i, item in enumerate(self.items) if item.id == item_id), -1)

    # -- Qt overrides -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.items):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == ITEM_ROLE:
            return item
        if role == LINE_ROLE:
            name = LINE_COLUMNS.get(column)
            return getattr(item, name) if name else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        look = status_look(item.status)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == DECISION and not item.decision:
                return QBrush(QColor("#fff8e1"))
            return QBrush(QColor(look.background))
        if role == Qt.ItemDataRole.ForegroundRole and column in (STATUS, FLAGS):
            return QBrush(QColor(look.foreground if column == STATUS else "#8e1b12"))
        if role == Qt.ItemDataRole.FontRole and column in (STATUS, DECISION):
            font = QFont()
            font.setBold(column == STATUS or not item.decision)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def _display(self, item: RecItemView, column: int) -> str:
        if column == STATUS:
            look = status_look(item.status)
            matched = " (matched by hand)" if item.matched_by == "manual" else ""
            return f"{look.marker} {look.words}{matched}"
        if column in LINE_COLUMNS:
            return line_text(getattr(item, LINE_COLUMNS[column]))
        if column == FLAGS:
            return flags_text(item)
        if column == DECISION:
            if not item.decision:
                return "! Not decided"
            return DECISION_TEXT.get(Decision(item.decision), item.decision)
        if column == REASON:
            return item.reason or ""
        return ""

    def _tooltip(self, item: RecItemView, column: int) -> str:
        if column == FLAGS and item.flags:
            return "\n\n".join(
                f.text + (f"\nAdvice: {f.advice}" if f.advice else "") for f in item.flags
            )
        if column == DECISION and item.decided_by_name:
            return f"Decided by {item.decided_by_name}"
        if column == REASON:
            return item.reason or "No reason given yet"  # the reason in full, not the note
        return item.note or self._display(item, column)
