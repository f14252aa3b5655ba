"""How the Patients list is shown: columns sized to content and window, counts, empty messages.

Fixed-format columns (date of birth, practice ID, Medicare, risk, coordinator) get the width their
content needs, measured with the table's own fonts. Name gets the width the longest name shown
needs (a preferred name in brackets included, up to MAX_NAME); Conditions, whose summary elides
before its "+n" count, takes what is left and gives way first. When even the narrowest useful
name and conditions do not fit (a small window, the risk panel open), columns are hidden in
this order rather than making the list scroll sideways: Medicare, then practice ID (both
repeated in the risk panel and searchable; the care plan's status goes right after Medicare,
and before a name is cut, its next review saying "Draft" or "—" alone; then the next review),
and the coordinator only last (people look for it; at 1280 wide it stays). A column the user
has dragged keeps the width they gave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QMessageBox, QStyledItemDelegate, QTableView, QWidget

from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.patients.list_model import (
    COLUMNS,
    CONDITIONS,
    COORDINATOR,
    DOB,
    MEDICARE,
    NAME,
    NEXT_REVIEW,
    PLAN,
    PRACTICE_ID,
    RISK,
)

# The widest value each fixed column shows (digits are of equal width in the UI fonts).
SAMPLES = {
    DOB: "00/00/0000 (100)",
    PRACTICE_ID: "P0000000",
    MEDICARE: "0000 00000 0",
    RISK: "Medium",
    COORDINATOR: "Coordinator",
    NEXT_REVIEW: "00/00/0000",
    PLAN: "In review",
}
# In this order (see the module docstring). The care plan's status goes right after Medicare
# (the next review column says "Draft" or "—" without it), and also rather than cut a name.
HIDE_FIRST = (MEDICARE, PLAN, NEXT_REVIEW, PRACTICE_ID, COORDINATOR)
GIVE_WAY_TO_NAME = (PLAN,)
MIN_NAME, MAX_NAME = 170, 320
MIN_CONDITIONS = 120  # the summary elides before its "+n": still readable
MAX_COORDINATOR = 220
_CELL_PADDING = 22  # the item's margins and focus frame, both sides
_HEADER_PADDING = 34  # the section's padding (style.qss) and the sort arrow


class ColumnFitter(QObject):
    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.user_widths: dict[int, int] = {}
        self.coordinator_names: list[str] = []
        self.name_need = MIN_NAME  # what the longest name shown needs (set_names)
        self._fitting = False
        self.header = view.horizontalHeader()
        self.header.sectionResized.connect(self._section_resized)
        view.viewport().installEventFilter(self)

    def set_coordinator_names(self, names: list[str]) -> None:
        self.coordinator_names = list(names)
        self.fit()

    def set_names(self, names: Iterable[str]) -> None:
        """The names listed now: Name is fitted to the widest (between MIN_NAME and MAX_NAME)."""
        metrics = self.view.fontMetrics()
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0)
        need = max(MIN_NAME, min(MAX_NAME, widest + _CELL_PADDING))
        if need != self.name_need:
            self.name_need = need
            self.fit()

    def content_width(self, column: int) -> int:
        cell = self.view.fontMetrics()
        bold = QFont(self.header.font())
        bold.setWeight(QFont.Weight.DemiBold)
        title = QFontMetrics(bold).horizontalAdvance(COLUMNS[column][0]) + _HEADER_PADDING
        samples = [SAMPLES.get(column, "")]
        if column == COORDINATOR:
            samples += self.coordinator_names
        widest = max(cell.horizontalAdvance(s) for s in samples) + _CELL_PADDING
        if column == COORDINATOR:
            widest = min(widest, MAX_COORDINATOR)
        return max(title, widest)

    def fit(self) -> None:
        available = self.view.viewport().width()
        fixed = {c: self.user_widths.get(c, self.content_width(c)) for c in SAMPLES}
        hidden: set[int] = set()
        min_name = self.user_widths.get(NAME, MIN_NAME)
        min_conditions = self.user_widths.get(CONDITIONS, MIN_CONDITIONS)
        for column in HIDE_FIRST:
            shown = sum(w for c, w in fixed.items() if c not in hidden)
            if shown + min_name + min_conditions <= available:
                break
            hidden.add(column)
        for column in GIVE_WAY_TO_NAME:
            shown = sum(w for c, w in fixed.items() if c not in hidden)
            if shown + max(min_name, self.name_need) + min_conditions <= available:
                break
            hidden.add(column)
        spare = available - sum(w for c, w in fixed.items() if c not in hidden)
        # Name takes what its longest name needs; Conditions (elided before "+n") gives way.
        name = self.user_widths.get(
            NAME, max(MIN_NAME, min(self.name_need, spare - min_conditions))
        )
        conditions = self.user_widths.get(CONDITIONS, max(MIN_CONDITIONS, spare - name))
        if CONDITIONS in self.user_widths and NAME not in self.user_widths:
            name = max(MIN_NAME, spare - conditions)
        self._fitting = True
        try:
            for column in range(len(COLUMNS)):
                self.view.setColumnHidden(column, column in hidden)
            for column, width in fixed.items():
                self.header.resizeSection(column, width)
            self.header.resizeSection(NAME, name)
            self.header.resizeSection(CONDITIONS, conditions)
        finally:
            self._fitting = False

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting or new == 0:
            return
        self.user_widths[column] = new  # dragged by the user: kept from now on
        if column != CONDITIONS:
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


class KeepCountDelegate(QStyledItemDelegate):
    """Elides a summary such as "Type 2 diabetes mellitus, Essential hypertension +3" before its
    count, so the "+3" stays in sight however narrow the column."""

    _COUNTED = re.compile(r"^(.*?)( \+\d+)$")

    def initStyleOption(self, option, index) -> None:  # Qt override
        super().initStyleOption(option, index)
        match = self._COUNTED.match(option.text or "")
        if match is None:
            return
        metrics = option.fontMetrics
        room = option.rect.width() - _CELL_PADDING
        if metrics.horizontalAdvance(option.text) <= room:
            return
        head, count = match.groups()
        elided = metrics.elidedText(
            head, Qt.TextElideMode.ElideRight, max(0, room - metrics.horizontalAdvance(count))
        )
        option.text = elided + count


def list_messages(
    flt: PatientFilter, shown: int, total: int, spelled_like: dict[str, list[str]]
) -> tuple[str, str]:
    """The count above the list and the message shown instead of an empty list.

    The empty message mentions filters only when a filter other than the search is set, and
    the count says when misspelt words were searched as similar spellings.
    """
    filtered = flt != PatientFilter()
    narrowed = replace(flt, text="") != PatientFilter()
    noun = "patient" if (total if filtered else shown) == 1 else "patients"
    count = f"{shown:,} of {total:,} {noun}" if filtered else f"{shown:,} {noun}"
    similar = {typed: words for typed, words in spelled_like.items() if words}
    if shown and similar:
        typed = ", ".join(f"“{t}”" for t in similar)
        words = [w.capitalize() for found in similar.values() for w in found]
        more = "…" if len(words) > 4 else ""
        count += (
            f" — no name starts with {typed}; showing similar spellings: "
            f"{', '.join(words[:4])}{more}"
        )
    text = flt.text
    if not filtered:
        empty = "No patients yet. Patients appear here once they are added."
    elif text and narrowed:
        empty = (
            f"No patient matches “{text}” with these filters — check the spelling or clear "
            "the filters."
        )
    elif text:
        empty = (
            f"No patient matches “{text}”. Check the spelling, or search by date of birth "
            "(dd/mm/yyyy), practice ID, Medicare or phone number."
        )
    else:
        empty = "No patient matches these filters — clear the filters."
    return count, empty


def confirm_export(parent: QWidget | None, count: int) -> bool:
    """Say what the file will hold before anything is written; Cancel is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Export the list")
    noun = "patient" if count == 1 else "patients"
    box.setText(f"The file will hold patient data for {count:,} {noun}.")
    box.setInformativeText(
        "Names, dates of birth, Medicare and phone numbers and every active condition are "
        "written in plain text, unencrypted. Save it only on a practice computer or drive, and "
        "delete it when you no longer need it."
    )
    go = box.addButton("Choose where to save…", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go
