"""Forms of the patient record: field widgets built from a short spec, the small add/edit form
of the record's lists, and the demographics form used both to edit and to register a patient.

A failed save never clears anything: the message shows above the form and the field it names
gets the focus, with every typed value still in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.patient import AcdStatus, Sex
from carecoord_desktop.services import patients, registry
from carecoord_desktop.services.patient_types import (
    PatientDraft,
    PatientRecord,
)
from carecoord_desktop.ui.dialogs import error_label, show_error
from carecoord_desktop.ui.patient_merge import DuplicatePanel
from carecoord_desktop.ui.state import AppState

_NOT_SET = QDate(1800, 1, 1)  # shown as "not set" by the date edit's special value text


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


class DateField(QWidget):
    """A date that may be "not set": a date edit plus a "Not set" box (ticked: no date)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setMinimumDate(_NOT_SET)
        self.edit.setSpecialValueText("not set")
        self.edit.setMinimumWidth(130)
        self.edit.setToolTip("Type the date as dd/mm/yyyy, or choose it from the calendar")
        self.not_set = QCheckBox("Not set")
        layout.addWidget(self.edit)
        layout.addWidget(self.not_set)
        layout.addStretch(1)
        self.not_set.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(self._date_changed)
        self._section = None  # the part being typed, for "/" after an automatic move
        self.edit.installEventFilter(self)
        self.set_value(None)

    def eventFilter(self, watched, event) -> bool:  # Qt override
        if watched is not self.edit or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        text = event.text()
        if text.isdigit():
            # "not set" is no date Qt can type over: the first digit starts a real date.
            if self.value() is None:
                self.edit.setDate(QDate.currentDate())
                self.edit.setCurrentSection(QDateEdit.Section.DaySection)
                self.edit.setSelectedSection(QDateEdit.Section.DaySection)
            self._section = self.edit.currentSection()
        elif text in "/-." and text and self._section is not None:
            # Qt moved on after two digits: a typed "/" must not skip the next part too.
            moved = self.edit.currentSection() != self._section
            self._section = None
            if moved:
                return True
        return super().eventFilter(watched, event)

    def _toggled(self, checked: bool) -> None:
        if checked:
            self.edit.setDate(_NOT_SET)
        elif self.edit.date() == _NOT_SET:
            self.edit.setDate(QDate.currentDate())
            self.edit.setFocus()
            self.edit.setSelectedSection(QDateEdit.Section.DaySection)

    def _date_changed(self, value: QDate) -> None:
        self.not_set.blockSignals(True)
        self.not_set.setChecked(value == _NOT_SET)
        self.not_set.blockSignals(False)

    def value(self) -> date | None:
        qd = self.edit.date()
        return None if qd == _NOT_SET else date(qd.year(), qd.month(), qd.day())

    def set_value(self, value: date | None) -> None:
        self.edit.setDate(_NOT_SET if value is None else QDate(value.year, value.month, value.day))

    def setFocus(self) -> None:  # Qt override: focus the date itself
        self.edit.setFocus()


class FieldsForm(QWidget):
    """A QFormLayout built from Field specs; `values()` gives {name: value}."""

    def __init__(self, specs: Sequence[Field], parent=None) -> None:
        super().__init__(parent)
        self.specs = list(specs)
        self.widgets: dict[str, QWidget] = {}
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
            if spec.hint:
                widget.setToolTip(spec.hint)
            self.widgets[spec.name] = widget
            label = f"{spec.label} *" if spec.required else spec.label
            form.addRow("" if spec.kind == "check" else label, widget)

    @staticmethod
    def _make(spec: Field) -> QWidget:
        if spec.kind == "long":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(58)
            return edit
        if spec.kind == "date":
            return DateField()
        if spec.kind == "combo":
            combo = QComboBox()
            for text, data in spec.choices:
                combo.addItem(text, data)
            return combo
        if spec.kind == "check":
            return QCheckBox(spec.label)
        edit = QLineEdit()
        if spec.hint:
            edit.setPlaceholderText(spec.hint)
        return edit

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
            elif isinstance(w, QCheckBox):
                out[spec.name] = w.isChecked()
            else:
                out[spec.name] = w.text()
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

    def focus(self, name: str | None) -> bool:
        widget = self.widgets.get(name or "")
        if widget is None:
            return False
        widget.setFocus()
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
        self.error = error_label()
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
        self.form.focus(specs[0].name)

    def save(self) -> None:
        try:
            self.result_value = self.save_fn(self.form.values())
        except CareCoordError as exc:
            show_error(self.error, exc)
            self.form.focus(getattr(exc, "field", None))
            return
        self.accept()


# -- the demographics form -----------------------------------------------------------------------
_SEX = enum_choices(Sex)
_ACD = enum_choices(
    AcdStatus,
    {
        AcdStatus.NONE: "None recorded",
        AcdStatus.DISCUSSED: "Discussed",
        AcdStatus.DOCUMENTED: "Documented",
    },
)
_GROUPS: tuple[tuple[str, int, tuple[Field, ...]], ...] = (
    (
        "Name and identifiers",
        0,
        (
            Field("given_name", "Given name", required=True),
            Field("family_name", "Family name", required=True),
            Field("preferred_name", "Preferred name"),
            Field("date_of_birth", "Date of birth", "date", required=True),
            Field("sex", "Sex", "combo", choices=_SEX),
            Field("practice_id", "Practice id", hint="Empty: the next free P######"),
            Field("medicare_number", "Medicare number", hint="10 digits + reference number"),
            Field("previous_names", "Previous names", hint="Separate names with ;"),
        ),
    ),
    (
        "Contact",
        0,
        (
            Field("phone", "Phone"),
            Field("email", "E-mail"),
            Field("address", "Address", "long"),
            Field("lives_alone", "Lives alone", "check"),
        ),
    ),
    (
        "Language and communication",
        1,
        (
            Field("preferred_language", "Preferred language"),
            Field("interpreter_needed", "Interpreter needed", "check"),
            Field("communication_preferences", "Communication", "long"),
            Field("cultural_considerations", "Cultural / religious", "long"),
        ),
    ),
    (
        "Advance care directive",
        1,
        (
            Field("acd_status", "Status", "combo", choices=_ACD),
            Field("acd_date", "Date", "date"),
            Field("acd_location", "Where it is kept"),
        ),
    ),
    (
        "Social needs and function",
        2,
        (
            Field("housing", "Housing", "long"),
            Field("transport", "Transport", "long"),
            Field("finances", "Finances", "long"),
            Field("social_isolation", "Social isolation", "long"),
            Field("functional_status", "Functional status", "long"),
        ),
    ),
)
_DRAFT_FIELDS = {f.name for f in fields(PatientDraft)}


class PatientForm(QWidget):
    """Edit a patient's details (patient_id set) or register a new one (patient_id None).

    `saved(PatientRecord)` after a successful save; `cancelled()` when the user gives up.
    """

    saved = Signal(object)
    cancelled = Signal()

    def __init__(self, state: AppState, record: PatientRecord | None = None, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.patient_id = record.id if record else None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(f"Edit details — {record.display_name}" if record else "New patient")
        heading.setObjectName("pageTitle")
        outer.addWidget(heading)
        self.error = error_label()
        self.error.setObjectName("error")
        outer.addWidget(self.error)
        self.duplicates = DuplicatePanel()
        self.duplicates.hide()
        self.duplicates.go_back.clicked.connect(self._go_back)
        self.duplicates.save_anyway.clicked.connect(lambda: self.save(confirm_duplicates=True))
        outer.addWidget(self.duplicates)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(14)
        self.forms: list[FieldsForm] = []
        columns: dict[int, QVBoxLayout] = {}
        for title, column, specs in _GROUPS:
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            form = FieldsForm(specs)
            box_layout.addWidget(form)
            self.forms.append(form)
            if column not in columns:
                columns[column] = QVBoxLayout()
                grid.addLayout(columns[column], 0, column)
            columns[column].addWidget(box)
        coordinator_box = QGroupBox("Care coordinator")
        self.coordinator = QComboBox()
        self.coordinator.setObjectName("coordinator_id")
        self.coordinator.addItem("No coordinator", None)
        for uid, name in registry.coordinator_options(state.ws, state.actor):
            self.coordinator.addItem(name, uid)
        QVBoxLayout(coordinator_box).addWidget(self.coordinator)
        columns[1].addWidget(coordinator_box)
        for column, layout in columns.items():
            layout.addStretch(1)
            grid.setColumnStretch(column, 1)
            grid.setColumnMinimumWidth(column, 300)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.scroll = scroll
        outer.addWidget(scroll, 1)

        bottom = QHBoxLayout()
        required = QLabel("* required")
        required.setObjectName("pageSubtitle")
        bottom.addWidget(required)
        bottom.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.save_button = QPushButton("Save patient" if record is None else "Save changes")
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.cancel_button.clicked.connect(self.cancelled)
        self.save_button.clicked.connect(lambda: self.save())
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        self.set_draft(PatientDraft.from_record(record) if record else PatientDraft())
        self.widget("given_name").setFocus()

    # -- values ----------------------------------------------------------------------------
    def widget(self, name: str) -> QWidget | None:
        if name == "coordinator_id":
            return self.coordinator
        return next((f.widgets[name] for f in self.forms if name in f.widgets), None)

    def set_draft(self, draft: PatientDraft) -> None:
        values = {f.name: getattr(draft, f.name) for f in fields(PatientDraft)}
        for form in self.forms:
            form.set_values({k: v for k, v in values.items() if k in form.widgets})
        index = self.coordinator.findData(draft.coordinator_id)
        self.coordinator.setCurrentIndex(max(index, 0))

    def draft(self) -> PatientDraft:
        values: dict = {}
        for form in self.forms:
            values.update(form.values())
        values["coordinator_id"] = self.coordinator.currentData()
        return PatientDraft(**{k: v for k, v in values.items() if k in _DRAFT_FIELDS})

    # -- saving ----------------------------------------------------------------------------
    def save(self, *, confirm_duplicates: bool = False) -> None:
        draft = self.draft()
        ws, actor = self.state.ws, self.state.actor
        try:
            if self.patient_id is None:
                rec = patients.create_patient(
                    ws, actor, draft, confirm_duplicates=confirm_duplicates
                )
            else:
                rec = patients.update_patient(
                    ws, actor, self.patient_id, draft, confirm_duplicates=confirm_duplicates
                )
        except patients.PossibleDuplicateError as exc:
            self.error.hide()
            self.duplicates.show_candidates(exc)
            self.duplicates.save_anyway.setFocus()
            return
        except (ValidationError, CareCoordError) as exc:
            self.duplicates.hide()
            show_error(self.error, exc)
            self._focus(getattr(exc, "field", None))
            return
        self.error.hide()
        self.duplicates.hide()
        self.saved.emit(rec)

    def _focus(self, name: str | None) -> None:
        widget = self.widget(name) if name else None
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus()

    def _go_back(self) -> None:
        self.duplicates.hide()
        self.widget("given_name").setFocus()
