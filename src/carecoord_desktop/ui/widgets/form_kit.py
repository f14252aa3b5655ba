"""The form kit: fields built from a short spec, each with its message line, and the small
add/edit dialog of the record's lists.

Every field has a message line under it: its hint in grey (so a hint is never cut off in a
narrow box) or, after a failed save, what is wrong in red, with the field marked and focused.
The line is always there, so a message appearing does not move the form around.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_HINT_STYLE = "color: #4a5a6a; font-size: 9pt;"
_ERROR_STYLE = "color: #a11d1d; font-size: 9pt; font-weight: 600;"
_MARKED = "border: 2px solid #c0392b; border-radius: 3px;"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | long | date | combo | check
    required: bool = False
    choices: Sequence[tuple[str, object]] = ()
    hint: str = ""


def enum_choices(enum_type, labels: dict | None = None) -> list[tuple[str, object]]:
    labels = labels or {}
    return [(labels.get(m, m.value.replace("_", " ").capitalize()), m) for m in enum_type]


class FieldBox(QWidget):
    """One field and its message line (hint, or what is wrong)."""

    def __init__(self, spec: Field, widget: QWidget, parent=None) -> None:
        super().__init__(parent)
        self.spec, self.input = spec, widget
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        self.message = QLabel()
        self.message.setObjectName("fieldMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_HINT_STYLE)
        self.message.setText(spec.hint)
        # The message wraps to the field's width and never widens the form (QLabel's own
        # width guess for wrapped text would push the columns past the window).
        policy = self.message.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.message.setSizePolicy(policy)
        # One line is kept even when empty: a message then appears without moving the form.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing())
        layout.addWidget(self.message)
        self.problem = ""

    def show_problem(self, text: str) -> None:
        self.problem = text
        self.message.setText(text or self.spec.hint)
        self.message.setStyleSheet(_ERROR_STYLE if text else _HINT_STYLE)
        target = self.input.edit if isinstance(self.input, DateField) else self.input
        kind = type(target).__name__
        target.setStyleSheet(f"{kind} {{ {_MARKED} }}" if text else "")


def ask_discard(parent: QWidget, question: str) -> bool:
    """Ask before typed input is thrown away; True only for an explicit "Discard".

    "Keep editing" is the default and what Escape or closing the question gives: a reflex
    Enter or Escape never loses what was typed.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved input")
    box.setText(question)
    box.setInformativeText("What you typed has not been saved.")
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    chosen: list[bool] = []  # from the signal: the box may be deleted once exec() returns
    discard.clicked.connect(lambda: chosen.append(True))
    box.exec()
    return bool(chosen)


def shown_input(widgets: dict[str, QWidget]) -> dict[str, object]:
    """What the widgets show, as typed (a date that is not one yet included): "changed" is
    this differing from what the form opened with."""
    out: dict[str, object] = {}
    for name, w in widgets.items():
        if isinstance(w, DateField):
            out[name] = w.text().strip()
        elif isinstance(w, QPlainTextEdit):
            out[name] = w.toPlainText().strip()
        elif isinstance(w, QComboBox):
            out[name] = w.currentData()
        elif isinstance(w, QCheckBox):
            out[name] = w.isChecked()
        elif isinstance(w, QLineEdit):
            out[name] = w.text().strip()
    return out


class FieldsForm(QWidget):
    """A QFormLayout built from Field specs; `values()` gives {name: value} or raises
    ValidationError naming the field (a date that is not one, a required choice not made)."""

    def __init__(self, specs: Sequence[Field], parent=None) -> None:
        super().__init__(parent)
        self.specs = list(specs)
        self.widgets: dict[str, QWidget] = {}
        self.boxes: dict[str, FieldBox] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.specs:
            widget = self._make(spec)
            widget.setObjectName(spec.name)
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                # Share the width the columns get instead of pushing them past the window.
                widget.setMinimumWidth(150)
                policy = widget.sizePolicy()
                policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
                widget.setSizePolicy(policy)
            if isinstance(widget, DateField):
                widget.problem_changed.connect(
                    lambda text, name=spec.name: self.show_problem(name, text, focus=False)
                )
            self.widgets[spec.name] = widget
            if spec.kind == "check":
                form.addRow("", widget)
                continue
            box = FieldBox(spec, widget)
            self.boxes[spec.name] = box
            label = QLabel(f"{spec.label} *" if spec.required else spec.label)
            label.setBuddy(widget)
            self.labels[spec.name] = label
            form.addRow(label, box)

    @staticmethod
    def _make(spec: Field) -> QWidget:
        if spec.kind == "long":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(58)
            return edit
        if spec.kind == "date":
            return DateField(spec.label.lower(), required=spec.required)
        if spec.kind == "combo":
            combo = QComboBox()
            for text, data in spec.choices:
                combo.addItem(text, data)
            return combo
        if spec.kind == "check":
            return QCheckBox(spec.label)
        return QLineEdit()

    def values(self) -> dict:
        out = {}
        for spec in self.specs:
            w = self.widgets[spec.name]
            if isinstance(w, QPlainTextEdit):
                out[spec.name] = w.toPlainText()
            elif isinstance(w, DateField):
                out[spec.name] = w.value()
            elif isinstance(w, QComboBox):
                out[spec.name] = w.currentData()
                if spec.required and w.currentData() is None:
                    raise ValidationError(f"Choose the {spec.label.lower()}.", field=spec.name)
            elif isinstance(w, QCheckBox):
                out[spec.name] = w.isChecked()
            else:
                out[spec.name] = w.text()
                if spec.required and not w.text().strip():
                    raise ValidationError(f"Enter the {spec.label.lower()}.", field=spec.name)
        return out

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            w = self.widgets.get(name)
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            elif isinstance(w, DateField):
                w.set_value(value)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QLineEdit):
                w.setText(value or "")

    # -- messages at the field ---------------------------------------------------------------
    def show_problem(self, name: str | None, text: str, *, focus: bool = True) -> bool:
        """Say `text` at field `name` (mark it; focus it); False if the form has no such field."""
        box = self.boxes.get(name or "")
        if box is None:
            return False
        box.show_problem(text)
        label = self.labels[box.spec.name]
        label.setStyleSheet("color: #a11d1d;" if text else "")  # not bold: it would not fit
        if text and focus:
            self.focus(name)
        return True

    def clear_problems(self) -> None:
        for name in self.boxes:
            self.show_problem(name, "", focus=False)

    def problems(self) -> dict[str, str]:
        return {name: box.problem for name, box in self.boxes.items() if box.problem}

    def focus(self, name: str | None) -> bool:
        widget = self.widgets.get(name or "")
        if widget is None:
            return False
        widget.setFocus()
        if isinstance(widget, DateField):
            widget.edit.selectAll()
        elif isinstance(widget, QLineEdit):
            widget.selectAll()
        return True


class ItemFormDialog(QDialog):
    """Add or edit one row of a record's list; `save(values)` calls the service."""

    def __init__(
        self,
        title: str,
        specs: Sequence[Field],
        save: Callable[[dict], object],
        initial: dict | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.save_fn = save
        self.result_value: object = None
        layout = QVBoxLayout(self)
        self.error = error_label()  # what is wrong with no single field (e.g. record archived)
        layout.addWidget(self.error)
        self.form = FieldsForm(specs)
        if initial:
            self.form.set_values(initial)
        layout.addWidget(self.form)
        note = QLabel("* required")
        note.setObjectName("pageSubtitle")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.first = specs[0].name
        self._shown = False
        self.opened_input = shown_input(self.form.widgets)  # what "changed" is measured from

    def has_changes(self) -> bool:
        return shown_input(self.form.widgets) != self.opened_input

    def reject(self) -> None:  # Cancel, Escape and closing the window all come here
        # A dialog hidden first (the screen lock) is being dismissed, not asked about.
        question = f"Discard what you typed in “{self.windowTitle()}”?"
        if self.isVisible() and self.has_changes() and not ask_discard(self, question):
            return
        if shiboken6.isValid(self):  # the question's event loop may have seen it deleted
            super().reject()

    def showEvent(self, event) -> None:  # Qt override: the form opens on its first field
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.form.focus(self.first)

    def save(self) -> None:
        self.form.clear_problems()
        self.error.hide()
        try:
            self.result_value = self.save_fn(self.form.values())
        except CareCoordError as exc:
            if not self.form.show_problem(getattr(exc, "field", None), str(exc)):
                show_error(self.error, exc)
            return
        self.accept()
