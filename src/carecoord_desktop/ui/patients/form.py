"""The demographics form, used both to edit a patient and to register a new one (the form kit
it is built from is ui.form_kit; Field, FieldsForm and ItemFormDialog are re-exported here).

A failed save never clears anything: the message shows at the field it names, which is marked
and gets the focus, with every typed value still in place.
"""

from __future__ import annotations

from dataclasses import fields

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError, ValidationError
from carecoord_desktop.models.patient import AcdStatus, Sex
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.fields import BY_NAME as _PATIENT_FIELDS
from carecoord_desktop.services.patients.types import (
    PatientDraft,
    PatientRecord,
)
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.patients.conflict_banner import (
    StaleBanner,
    field_labels,
    mark_clashes,
    merge_reloaded,
    reloaded_message,
    shown_values,
)
from carecoord_desktop.ui.patients.list_model import _medicare as medicare_text
from carecoord_desktop.ui.patients.merge import DuplicatePanel
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import (
    Field,
    FieldsForm,
    ItemFormDialog,
    ask_discard,
    enum_choices,
)
from carecoord_desktop.ui.widgets.messages import error_label, show_error

__all__ = ["DateField", "Field", "FieldsForm", "ItemFormDialog", "PatientForm", "enum_choices"]


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


def _spec(name: str, kind: str = "text", **more) -> Field:
    """A field of the form, its label and whether it is required from the one list of them."""
    f = _PATIENT_FIELDS[name]
    return Field(name, f.form_label or f.label, kind, required=f.required, **more)


_GROUPS: tuple[tuple[str, int, tuple[Field, ...]], ...] = (
    (
        "Name and identifiers",
        0,
        (
            _spec("given_name"),
            _spec("family_name"),
            _spec("preferred_name"),
            _spec("date_of_birth", "date"),
            _spec("sex", "combo", choices=_SEX),
            _spec("practice_id", hint="Leave empty to get the next free one"),
            _spec("medicare_number", hint="10 digits, then the reference number beside the name"),
            _spec("previous_names", hint="Separate names with ;"),
        ),
    ),
    (
        "Contact",
        0,
        (
            _spec("phone"),
            _spec("email"),
            _spec("address", "long"),
            _spec("lives_alone", "check"),
        ),
    ),
    (
        "Language and communication",
        1,
        (
            _spec("preferred_language"),
            _spec("interpreter_needed", "check"),
            _spec("communication_preferences", "long"),
            _spec("cultural_considerations", "long"),
        ),
    ),
    (
        "Advance care directive",
        1,
        (
            _spec("acd_status", "combo", choices=_ACD),
            _spec("acd_date", "date"),
            _spec("acd_location"),
        ),
    ),
    (
        "Social needs and function",
        2,
        (
            _spec("housing", "long"),
            _spec("transport", "long"),
            _spec("finances", "long"),
            _spec("social_isolation", "long"),
            _spec("functional_status", "long"),
        ),
    ),
)
_DRAFT_FIELDS = {f.name for f in fields(PatientDraft)}
# Clinical information (services.permissions.CLINICAL_DETAILS): shown read-only, with why, to a
# role that may not change it; the service refuses the change whatever the form shows.
_CLINICAL_GROUPS = {
    "Advance care directive": "Only clinical staff can change the advance care directive.",
    "Social needs and function": "Only clinical staff can change social needs and function.",
}


_READ_ONLY = "background: #eef1f4; color: #3d4752;"


def _read_only(form: FieldsForm, why: str) -> QLabel:
    """Make the form's fields read-only (still readable and copyable); the line that says why."""
    for widget in form.widgets.values():
        if isinstance(widget, DateField):
            widget.edit.setReadOnly(True)
            widget.edit.setStyleSheet(_READ_ONLY)
            widget.pick.setEnabled(False)
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setReadOnly(True)
            widget.setStyleSheet(_READ_ONLY)  # not a white box that looks like it takes typing
        else:
            widget.setEnabled(False)
        widget.setToolTip(why)
    note = QLabel(why)
    note.setObjectName("pageSubtitle")
    note.setWordWrap(True)
    return note


class PatientForm(QWidget):
    """Edit a patient's details (patient_id set) or register a new one (patient_id None).

    `saved(PatientRecord)` after a successful save; `cancelled()` when the user gives up;
    `existing_requested(patient_id)` when a possible duplicate is to be opened instead;
    `reloaded(PatientRecord)` after "Reload" read the record someone else saved meanwhile.
    """

    saved = Signal(object)
    cancelled = Signal()
    existing_requested = Signal(int)
    reloaded = Signal(object)

    def __init__(self, state: AppState, record: PatientRecord | None = None, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.patient_id = record.id if record else None
        self.version = record.version if record else None  # sent back with the save
        self._shown = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(f"Edit details — {record.display_name}" if record else "New patient")
        heading.setObjectName("pageTitle")
        outer.addWidget(heading)
        self.error = error_label()
        self.error.setObjectName("error")
        outer.addWidget(self.error)
        self.stale = StaleBanner()
        self.stale.reload_requested.connect(self.reload_stored)
        outer.addWidget(self.stale)
        self.duplicates = DuplicatePanel()
        self.duplicates.hide()
        self.duplicates.go_back.clicked.connect(self._go_back)
        self.duplicates.open_existing.clicked.connect(self._open_existing)
        self.duplicates.save_anyway.clicked.connect(lambda: self.save(confirm_duplicates=True))
        outer.addWidget(self.duplicates)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(14)
        self.forms: list[FieldsForm] = []
        columns: dict[int, QVBoxLayout] = {}
        clinical = can(state.actor, Permission.EDIT_CARE_PLANS)
        for title, column, specs in _GROUPS:
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            form = FieldsForm(specs)
            if not clinical and title in _CLINICAL_GROUPS:
                box_layout.addWidget(_read_only(form, _CLINICAL_GROUPS[title]))
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
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes through the fields only
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
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(lambda: self.save())
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        self.set_draft(PatientDraft.from_record(record) if record else PatientDraft())
        self._opened = shown_values(self.all_widgets())  # what "you changed" is measured from
        self.widget("given_name").setFocus()

    def showEvent(self, event) -> None:  # Qt override: the form opens on its first field
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.widget("given_name").setFocus()

    def has_changes(self) -> bool:
        """Anything typed since the form opened (or since Reload took the stored record in)."""
        return shown_values(self.all_widgets()) != self._opened

    def may_discard(self) -> bool:
        """True when nothing typed would be lost, or the user chose to discard it."""
        if not self.has_changes():
            return True
        question = (
            "Discard the new patient's details?" if self.patient_id is None
            else "Discard your changes to this patient's details?"
        )  # fmt: skip
        return ask_discard(self, question)

    def cancel(self) -> None:
        if self.may_discard() and shiboken6.isValid(self):
            self.cancelled.emit()

    # -- values ----------------------------------------------------------------------------
    def widget(self, name: str) -> QWidget | None:
        if name == "coordinator_id":
            return self.coordinator
        return next((f.widgets[name] for f in self.forms if name in f.widgets), None)

    def all_widgets(self) -> dict[str, QWidget]:
        out = {name: w for f in self.forms for name, w in f.widgets.items()}
        out["coordinator_id"] = self.coordinator
        return out

    def set_draft(self, draft: PatientDraft) -> None:
        values = {f.name: getattr(draft, f.name) for f in fields(PatientDraft)}
        for form in self.forms:
            form.set_values({k: v for k, v in values.items() if k in form.widgets})
        self.widget("medicare_number").setText(medicare_text(draft.medicare_number))
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
        for form in self.forms:
            form.clear_problems()
        self.error.hide()
        ws, actor = self.state.ws, self.state.actor
        try:
            draft = self.draft()
            if self.patient_id is None:
                rec = self.state.publish(
                    patients.create_patient(ws, actor, draft, confirm_duplicates=confirm_duplicates)
                )
            else:
                rec = self.state.publish(
                    patients.update_patient(
                        ws,
                        actor,
                        self.patient_id,
                        draft,
                        confirm_duplicates=confirm_duplicates,
                        version=self.version,
                    )
                )
        except StaleEditError as exc:
            self.duplicates.hide()
            self._set_default(self.save_button)
            self.stale.show_stale(str(exc))
            return
        except patients.PossibleDuplicateError as exc:
            self.duplicates.show_candidates(exc)
            self._set_default(self.duplicates.go_back)
            self.duplicates.go_back.setFocus()  # Enter now goes back: saving is a choice
            return
        except (ValidationError, CareCoordError) as exc:
            self.duplicates.hide()
            self._set_default(self.save_button)
            self.show_problem(getattr(exc, "field", None), str(exc))
            return
        self.duplicates.hide()
        self._set_default(self.save_button)
        self.stale.hide()
        self.saved.emit(rec)

    def reload_stored(self) -> None:
        """Read the record someone else saved and merge it in: what you typed stays."""
        try:
            fresh = patients.get_record(self.state.ws, self.state.actor, self.patient_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        widgets = self.all_widgets()
        typed = shown_values(widgets)
        self.set_draft(PatientDraft.from_record(fresh))
        theirs = shown_values(widgets)
        taken, clashes = merge_reloaded(widgets, self._opened, typed, theirs)
        for form in self.forms:
            form.clear_problems()
        mark_clashes(self.forms, clashes)
        self.version, self._opened = fresh.version, theirs
        taken_labels = field_labels(self.forms, taken, {"coordinator_id": "Care coordinator"})
        self.stale.show_reloaded(reloaded_message(taken_labels, clashes))
        self.reloaded.emit(fresh)

    def show_problem(self, name: str | None, text: str) -> None:
        """Say what is wrong at the field it names (marked, focused, scrolled to), or above
        the form when it names none."""
        form = next((f for f in self.forms if name in f.widgets), None)
        if form is not None and form.show_problem(name, text):
            self.scroll.ensureWidgetVisible(form.boxes[name])
            return
        show_error(self.error, text)
        widget = self.widget(name) if name else None
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus()

    def _set_default(self, button: QPushButton) -> None:
        for b in (self.save_button, *self.duplicates.buttons()):
            b.setDefault(b is button)

    def _go_back(self) -> None:
        self.duplicates.hide()
        self._set_default(self.save_button)
        self.widget("given_name").setFocus()

    def _open_existing(self) -> None:
        chosen = self.duplicates.chosen()
        if chosen is not None:
            self.existing_requested.emit(chosen.id)
