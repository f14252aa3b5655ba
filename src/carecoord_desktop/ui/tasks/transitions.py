"""Recording a transition of care (admission, discharge, ED visit) and a contact after one."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.task import INTERACTIVE_METHODS, ContactMethod
from carecoord_desktop.services.tasks import transitions as transition_service
from carecoord_desktop.services.tasks.transitions import METHOD_LABELS
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

KIND_TITLES = {
    "admission": "Record an admission",
    "discharge": "Record a discharge",
    "ed_visit": "Record an ED visit",
}


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.save)
    box.rejected.connect(dialog.reject)
    return box


class TransitionDialog(QDialog):
    """One admission, discharge or ED visit; a discharge opens its follow-up tasks."""

    saved = Signal(object)  # the service's result

    def __init__(self, state: AppState, patient_id: int, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.state, self.patient_id, self.kind = state, patient_id, kind
        self.setWindowTitle(KIND_TITLES[kind])
        self.setMinimumWidth(520)
        self.error = error_label()
        self.day = DateField("date", required=True)
        self.day.set_value(date.today())
        self.facility = QLineEdit()
        self.facility.setMaxLength(120)
        self.facility.setPlaceholderText("Hospital or facility, e.g. Royal North Shore")
        self.admitted = DateField("date admitted")
        self.complexity = QComboBox()
        self.complexity.addItem("Moderate — face-to-face within 14 days", "moderate")
        self.complexity.addItem("High — face-to-face within 7 days", "high")
        self.summary = DateField("date the summary came")
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.notes.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("Discharged *" if kind == "discharge" else "Date *", self.day)
        form.addRow("Facility" + (" *" if kind == "discharge" else ""), self.facility)
        if kind == "discharge":
            form.addRow("Admitted", self.admitted)
            form.addRow("Complexity", self.complexity)
            form.addRow("Summary received", self.summary)
        else:
            form.addRow("Reason", self.reason)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        if kind == "discharge":
            hint = QLabel(
                "Saving opens the follow-up tasks: an interactive contact within 2 "
                "business days, medication reconciliation, a face-to-face visit and "
                "the discharge summary review."
            )
            hint.setWordWrap(True)
            hint.setObjectName("pageSubtitle")
            layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def save(self) -> None:
        self.error.hide()
        ws, actor, pid = self.state.ws, self.state.actor, self.patient_id
        notes = self.notes.toPlainText().strip() or None
        try:
            day = self.day.value()
            if self.kind == "discharge":
                changed = transition_service.record_discharge(
                    ws,
                    actor,
                    pid,
                    discharged=day,
                    facility=self.facility.text(),
                    complexity=self.complexity.currentData(),
                    admitted=self.admitted.value(),
                    summary_received=self.summary.value(),
                    notes=notes,
                )
            elif self.kind == "admission":
                changed = transition_service.record_admission(
                    ws,
                    actor,
                    pid,
                    admitted=day,
                    facility=self.facility.text() or None,
                    reason=self.reason.text() or None,
                    notes=notes,
                )
            else:
                changed = transition_service.record_ed_visit(
                    ws,
                    actor,
                    pid,
                    day=day,
                    facility=self.facility.text() or None,
                    reason=self.reason.text() or None,
                    notes=notes,
                )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.saved.emit(self.state.publish(changed))
        self.accept()


class ContactDialog(QDialog):
    """Who reached the patient (the signed-in user), when and how."""

    saved = Signal(object)

    def __init__(self, state: AppState, transition_id: int, what: str, parent=None) -> None:
        super().__init__(parent)
        self.state, self.transition_id = state, transition_id
        self.setWindowTitle("Record a contact")
        self.setMinimumWidth(520)
        self.error = error_label()
        self.method = QComboBox()
        for method in ContactMethod:
            self.method.addItem(METHOD_LABELS[method].capitalize(), method.value)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.method_hint = QLabel()
        self.method_hint.setWordWrap(True)
        self.day = DateField("date of the contact", required=True)
        self.day.set_value(date.today())
        self.time = QLineEdit(datetime.now().strftime("%H:%M"))
        self.time.setInputMask("99:99")
        self.time.setFixedWidth(70)
        self.with_whom = QLineEdit()
        self.with_whom.setMaxLength(120)
        self.with_whom.setPlaceholderText("The patient, or e.g. daughter (carer)")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.notes.setTabChangesFocus(True)
        heading = QLabel(f"After: {what}. Made by {state.actor.full_name}.")
        heading.setWordWrap(True)
        form = QFormLayout()
        form.addRow("How *", self.method)
        form.addRow("", self.method_hint)
        form.addRow("Date *", self.day)
        form.addRow("Time", self.time)
        form.addRow("With", self.with_whom)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self._method_changed()

    def _method_changed(self) -> None:
        interactive = ContactMethod(self.method.currentData()) in INTERACTIVE_METHODS
        self.method_hint.setText(
            "Completes the contact task."
            if interactive
            else "Noted as an attempt: the contact task stays open until someone speaks with the "
            "patient or carer."
        )
        self.method_hint.setStyleSheet("color: #2e6b3a;" if interactive else "color: #8a5a00;")

    def made_at(self) -> datetime:
        day = self.day.value()
        try:
            hour, minute = (int(p) for p in self.time.text().split(":"))
            return datetime(day.year, day.month, day.day, hour, minute).astimezone()
        except ValueError:
            raise ValidationError(
                "Write the time as hours:minutes, e.g. 14:30.", field="time"
            ) from None

    def save(self) -> None:
        self.error.hide()
        try:
            changed = transition_service.record_contact(
                self.state.ws,
                self.state.actor,
                self.transition_id,
                method=self.method.currentData(),
                made_at=self.made_at(),
                with_whom=self.with_whom.text() or None,
                notes=self.notes.toPlainText().strip() or None,
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.saved.emit(self.state.publish(changed))
        self.accept()
