"""Form widgets tied to the plan document: a user's edit becomes an undoable step, and the widget
follows the document when a step is undone or redone.

Only user edits are listened to (textEdited, activated, clicked; a guard for QPlainTextEdit,
which has no user-only signal), so putting a value into a widget never records a new step.
A value that does not read (a date, a number) is said at the field and not stored until it does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import FieldsForm

NUMBER_FIELDS = {"target_value", "review_interval_weeks"}


def read_number(text: str, label: str, *, whole: bool = False) -> float | int | None:
    """A typed number ("7", "6.5", "7,0"), None when empty; ValidationError when it is not one."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = int(cleaned) if whole else float(cleaned)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValidationError(f"Type {label} as {kind}, for example 7.") from None
    if value < 0:
        raise ValidationError(f"{label.capitalize()} cannot be negative.")
    return value


def shown_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def show_in(widget: QWidget, value) -> None:
    """Put `value` into `widget` unless it already shows it (the cursor stays where it is)."""
    if isinstance(widget, DateField):
        shown = None if widget.problem() else widget.value()
        if shown != value or (value is None and widget.text().strip()):
            widget.set_value(value)
        widget.setProperty("storedValue", value)
    elif isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != (value or ""):
            widget.setProperty("settingValue", True)
            widget.setPlainText(value or "")
            widget.setProperty("settingValue", False)
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        widget.setCurrentIndex(index if index >= 0 else (0 if widget.count() else -1))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QLineEdit):
        try:
            same = _line_value(widget, widget.text()) == value
        except ValidationError:
            same = False
        if not same:
            widget.setText(shown_value(value))


def _line_value(widget: QLineEdit, text: str):
    name = widget.objectName()
    if name in NUMBER_FIELDS:
        return read_number(text, widget.property("label") or name, whole=name.endswith("weeks"))
    return text


def bind_form(
    form: FieldsForm,
    store: Callable[[str, object, bool], None],
) -> None:
    """Call `store(name, value, typing)` on each user edit of `form`'s widgets; a value that
    does not read is shown as the field's problem instead."""
    for spec in form.specs:
        widget = form.widgets[spec.name]
        widget.setProperty("label", spec.label.lower())
        name = spec.name

        if isinstance(widget, DateField):
            # Not FieldsForm's own handling, which clears the field's message whenever focus
            # leaves a readable date: a refused save's "ends before it starts" would vanish
            # as soon as the "Saving…" box took the focus. Here it goes when the date changes.
            widget.problem_changed.disconnect()

            def date_done(problem: str, n=name, w=widget) -> None:
                if problem:
                    w.setProperty("parseProblem", problem)
                    form.show_problem(n, problem, focus=False)
                    return
                value: date | None = w.value()
                box = form.boxes.get(n)
                stale = box is not None and box.problem == w.property("parseProblem")
                if stale or value != w.property("storedValue"):
                    form.show_problem(n, "", focus=False)
                w.setProperty("storedValue", value)
                store(n, value, False)

            widget.problem_changed.connect(date_done)
        elif isinstance(widget, QPlainTextEdit):

            def long_edited(n=name, w=widget) -> None:
                if not w.property("settingValue"):
                    store(n, w.toPlainText(), True)

            widget.textChanged.connect(long_edited)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(lambda _i, n=name, w=widget: store(n, w.currentData(), False))
        elif isinstance(widget, QCheckBox):
            widget.clicked.connect(lambda checked, n=name: store(n, bool(checked), False))
        elif isinstance(widget, QLineEdit):

            def line_edited(text: str, n=name, w=widget) -> None:
                try:
                    value = _line_value(w, text)
                except ValidationError as exc:
                    form.show_problem(n, str(exc), focus=False)
                    return
                form.show_problem(n, "", focus=False)
                store(n, value, True)

            widget.textEdited.connect(line_edited)


def set_form_read_only(form: FieldsForm, read_only: bool) -> None:
    # Read-only text is shown on grey, like the disabled choices beside it: white would
    # invite typing that does nothing.
    grey = "background: #eef1f4; color: #1f2d3a;" if read_only else ""
    for widget in form.widgets.values():
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setReadOnly(read_only)
            widget.setStyleSheet(f"{type(widget).__name__} {{ {grey} }}" if grey else "")
        elif isinstance(widget, DateField):
            widget.edit.setReadOnly(read_only)
            widget.edit.setStyleSheet(f"QLineEdit {{ {grey} }}" if grey else "")
            widget.pick.setEnabled(not read_only)
        else:
            widget.setEnabled(not read_only)


def refill_combo(combo: QComboBox, choices: list[tuple[str, object]]) -> None:
    """New choices for a combo, keeping the chosen value when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in choices:
        combo.addItem(text, data)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


class _UndoKeysToWindow(QObject):
    """Ctrl+Z / Ctrl+Shift+Z in a text field go to the plan's undo stack, not the field's own
    undo: two histories would disagree, and the field's undo would record a new edit."""

    def eventFilter(self, obj, event) -> bool:  # Qt override
        if event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo)
            or event.matches(QKeySequence.StandardKey.Redo)
            or event.keyCombination().toCombined() == QKeySequence("Ctrl+Shift+Z")[0].toCombined()
        ):
            event.ignore()  # not the field's: the window's shortcut takes it
            return True
        return False


def route_undo_keys(root: QWidget) -> None:
    """Every text field under `root` leaves undo and redo to the window (see above)."""
    router = root.findChild(_UndoKeysToWindow) or _UndoKeysToWindow(root)
    for edit in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
        if isinstance(edit, QPlainTextEdit):
            edit.setUndoRedoEnabled(False)
        edit.installEventFilter(router)
