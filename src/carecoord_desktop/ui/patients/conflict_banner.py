"""A stale save, on screen: the message that someone else saved first, with "Reload".

Reload reads the stored record again and merges it into the open form without losing a keystroke:
a field only they changed takes their value; a field only you changed keeps yours; a field you
both changed keeps what you typed and shows theirs under it. The form then carries the new
version, so saving again is a deliberate choice made with their changes in view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import Field, FieldsForm, ItemFormDialog, shown_input
from carecoord_desktop.ui.widgets.messages import show_error

_STYLE = (
    "QFrame#staleBanner { background: #fff4d6; border: 1px solid #d9b44a; border-radius: 4px; }"
    " QFrame#staleBanner QLabel { color: #4d3800; }"
)


class StaleBanner(QFrame):
    """The "someone saved first" message above a form, with its Reload button."""

    reload_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("staleBanner")
        self.setStyleSheet(_STYLE)
        # As tall as its text: spare height of the dialog goes to the form, not the banner.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.reload_button = QPushButton("Reload their changes")
        self.reload_button.setToolTip("Show the saved record; what you typed stays in the form")
        self.reload_button.clicked.connect(self.reload_requested)
        row.addWidget(self.message, 1)
        row.addWidget(self.reload_button)
        self.hide()

    def show_stale(self, message: str, button: str = "Reload their changes") -> None:
        self.message.setText(message)
        self.reload_button.setText(button)
        self.reload_button.show()
        self.show()
        self.reload_button.setFocus()

    def show_reloaded(self, message: str) -> None:
        self.message.setText(message)
        self.reload_button.hide()
        self.show()
        self.layout().activate()  # the text may now use the button's width: fewer lines
        self.updateGeometry()


# -- the form's values as shown, unchecked (a half-typed date is kept as typed) -------------------
def shown_values(widgets: Mapping[str, QWidget]) -> dict[str, object]:
    return shown_input(dict(widgets))


def set_shown(widget: QWidget, value: object) -> None:
    if isinstance(widget, DateField):
        widget.edit.setText(str(value or ""))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value or ""))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value or ""))


def value_words(widget: QWidget, value: object) -> str:
    """A stored value as the field shows it, for the line under a field."""
    if isinstance(widget, QComboBox):
        index = widget.findData(value)
        return widget.itemText(index) if index >= 0 else "none"
    if isinstance(widget, QCheckBox):
        return "ticked" if value else "not ticked"
    text = str(value or "").strip()
    return f"“{text}”" if text else "empty"


def merge_reloaded(
    widgets: Mapping[str, QWidget],
    opened: Mapping[str, object],
    typed: Mapping[str, object],
    theirs: Mapping[str, object],
) -> tuple[list[str], dict[str, str]]:
    """Put the reloaded record into the form, keeping every typed change.

    The widgets hold `theirs` on entry. Returns (the fields that took their value, {field: their
    value in words} for the fields both changed, which keep what was typed)."""
    taken, clashes = [], {}
    for name, widget in widgets.items():
        they_changed = theirs.get(name) != opened.get(name)
        you_changed = typed.get(name) != opened.get(name)
        if you_changed and typed.get(name) != theirs.get(name):
            set_shown(widget, typed.get(name))
            if they_changed:
                clashes[name] = value_words(widget, theirs.get(name))
        elif they_changed:
            taken.append(name)
    return taken, clashes


def mark_clashes(forms: list[FieldsForm], clashes: Mapping[str, str]) -> None:
    """Say under each field both changed what the other person saved."""
    for name, theirs in clashes.items():
        for form in forms:
            if form.show_problem(name, f"Theirs: {theirs} (yours kept)", focus=False):
                break


def field_labels(forms: list[FieldsForm], names: list[str], extra: Mapping[str, str] = {}) -> str:
    """The fields' labels as the form shows them, for the banner ("Phone, E-mail")."""
    labels = {spec.name: spec.label for form in forms for spec in form.specs} | dict(extra)
    return ", ".join(labels.get(name, name.replace("_", " ")) for name in names)


def reloaded_message(taken: str, clashes: Mapping[str, str]) -> str:
    """`taken`: the labels of the fields that took their value."""
    parts = ["Reloaded the saved record."]
    if taken:
        parts.append(f"Their changes are now in the form: {taken}.")
    if clashes:
        n = len(clashes)
        parts.append(
            f"{_count(n, 'field')} you also changed {'keeps' if n == 1 else 'keep'} what you "
            f"typed, with theirs shown under {'it' if n == 1 else 'each'}: save to use yours."
        )
    if not taken and not clashes:
        parts.append("Nothing you can see in this form changed.")
    parts.append("Check, then save again.")
    return " ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class RowFormDialog(ItemFormDialog):
    """The add/edit dialog of a record's list row, carrying the row's version.

    `save(values, version)` calls the service; `reload()` gives the stored row's form values
    and version, or None when the row was removed meanwhile; `add_again(values)` adds a removed
    row back as typed. `reloaded()` after a reload (the list behind can refresh)."""

    reloaded = Signal()

    def __init__(
        self,
        title: str,
        specs: Sequence[Field],
        save: Callable[[dict, int | None], object],
        initial: dict,
        version: int | None,
        reload: Callable[[], tuple[dict, int] | None],
        add_again: Callable[[dict], object],
        parent=None,
    ) -> None:
        super().__init__(title, specs, lambda values: save(values, self.version), initial, parent)
        self.version = version
        self.reload_fn, self.add_again = reload, add_again
        self.stale = StaleBanner()
        self.stale.reload_requested.connect(self.reload_stored)
        self.layout().insertWidget(1, self.stale)
        self._opened = shown_values(self.form.widgets)
        self._removed = False

    def save(self) -> None:  # ItemFormDialog's, with the stale message and its Reload
        self.form.clear_problems()
        self.error.hide()
        try:
            self.result_value = self.save_fn(self.form.values())
        except StaleEditError as exc:
            self._removed = exc.removed
            self.stale.show_stale(str(exc), "Reload" if exc.removed else "Reload their changes")
            self.adjustSize()  # room for the message: the fields keep their height
            return
        except CareCoordError as exc:
            if not self.form.show_problem(getattr(exc, "field", None), str(exc)):
                show_error(self.error, exc)
            return
        self.accept()

    def reload_stored(self) -> None:
        try:
            stored = None if self._removed else self.reload_fn()
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        if stored is None:  # removed: saving now adds it back, as typed
            self.save_fn = self.add_again
            self.stale.show_reloaded(
                "It is no longer on the record. Save adds it back as you typed it; Cancel "
                "leaves it removed."
            )
            self.adjustSize()
            self.reloaded.emit()
            return
        values, version = stored
        typed = shown_values(self.form.widgets)
        self.form.set_values(values)
        theirs = shown_values(self.form.widgets)
        taken, clashes = merge_reloaded(self.form.widgets, self._opened, typed, theirs)
        mark_clashes([self.form], clashes)
        self.version, self._opened = version, theirs
        self.stale.show_reloaded(reloaded_message(field_labels([self.form], taken), clashes))
        self.layout().activate()
        self.adjustSize()
        self.reloaded.emit()
