"""The one date field of the app's forms: a date typed as text, read with the one date rule
(services.patient_rules.typed_date, the CSV import's rule too), or picked from a calendar.

Why not QDateEdit: its sections change a date under the user's fingers (typed 22/07/1951 was
saved as 15/07/1951 depending on where the click landed; 31/02 became 28/02). Here what is typed
is what is read, or the field says what is wrong with it; it never changes a date silently.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.services.patients.rules import DATE_EXAMPLE, typed_date

DISPLAY_FORMAT = "%d/%m/%Y"


class _DateEdit(QLineEdit):
    """A line edit where the first click into a written date selects all of it.

    A date is replaced far more often than edited digit by digit: a click that put the cursor
    in the middle made "22/07/1951" typed over 03/12/1953 read "03/12/221953". So the click
    that brings focus selects the whole date (Tab focus already does, QLineEdit's default);
    a second click, with the field focused, places the cursor for a deliberate edit.
    """

    def __init__(self, holds_date) -> None:
        super().__init__()
        self._holds_date = holds_date
        self._armed = True  # the next click is the one that comes into the field
        self._swallow_release = False

    def focusInEvent(self, event) -> None:
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self._armed = False  # Tab selected it already; a click now places the cursor
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self._armed = True
        super().focusOutEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._armed and self._holds_date():
            self._armed = False
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.selectAll()
            self._swallow_release = True  # the release and any drag must not undo the selection
            event.accept()
            return
        self._armed = False
        self._swallow_release = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._swallow_release:
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._swallow_release:
            self._swallow_release = False
            event.accept()
            return
        super().mouseReleaseEvent(event)


class DateField(QWidget):
    """A date as dd/mm/yyyy text; empty means no date.

    `value()` is the date, None when empty, or raises ValidationError (field = objectName())
    with a plain message. `problem_changed(str)` after editing: the message, or "" when the
    text reads as a date (the text is then shown in full, dd/mm/yyyy).
    """

    problem_changed = Signal(str)

    def __init__(self, label: str = "date", *, required: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.label, self.required = label, required
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = _DateEdit(self._holds_date)
        self.edit.setPlaceholderText("dd/mm/yyyy")
        self.edit.setMaxLength(12)
        width = self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 24
        self.edit.setFixedWidth(max(width, 110))
        self.edit.setToolTip(f"Type the date as day/month/year, for example {DATE_EXAMPLE}")
        self.edit.editingFinished.connect(self._finished)
        self.pick = QToolButton()
        self.pick.setText("Calendar")
        self.pick.setToolTip("Choose the date from a calendar")
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pick)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._calendar_at_value)
        self.pick.setMenu(menu)
        layout.addWidget(self.edit)
        layout.addWidget(self.pick)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    # -- values ------------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def value(self) -> date | None:
        return typed_date(self.edit.text(), self.objectName() or "date", self.label, self.required)

    def problem(self) -> str:
        """What is wrong with the typed text ("" when it is a date, or empty and allowed)."""
        try:
            self.value()
        except ValidationError as exc:
            return str(exc)
        return ""

    def _holds_date(self) -> bool:
        return bool(self.edit.text().strip()) and not self.problem()

    def set_value(self, value: date | None) -> None:
        self.edit.setText(value.strftime(DISPLAY_FORMAT) if value else "")

    # -- editing -----------------------------------------------------------------------------
    def _finished(self) -> None:
        if not self.edit.text().strip():
            self.problem_changed.emit("")  # an empty required date is said at save, not on Tab
            return
        problem = self.problem()
        if not problem:
            self.set_value(self.value())  # the same date, written out in full
        self.problem_changed.emit(problem)

    def _calendar_at_value(self) -> None:
        value = None if self.problem() else self.value()
        shown = value or date.today()
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))

    def _picked(self, picked: QDate) -> None:
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        self.pick.menu().close()
        self.edit.setFocus()
        self.problem_changed.emit("")
