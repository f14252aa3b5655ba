"""The new-task and edit-task form, and the patient picker the board's filter shares with it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks.assignees import assignees
from carecoord_desktop.services.tasks.types import (
    PRIORITY_LABELS,
    QUEUE_LABELS,
    TaskCard,
    TaskDraft,
    TaskPriority,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error

MATCHES = 12


class PatientPicker(QWidget):
    """Type a name or practice ID and press Enter; pick from what matches."""

    patient_chosen = Signal(object)  # patient id, or None when cleared

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Patient: name or practice ID, then Enter")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self.search)
        self.edit.textChanged.connect(lambda text: text or self._clear())
        self.choices = QComboBox()
        self.choices.setMinimumContentsLength(24)
        self.choices.hide()
        self.choices.activated.connect(self._picked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.choices, 1)
        self.patient_id: int | None = None

    def search(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._clear()
            return
        ids = registry.query_ids(self.state.ws, self.state.actor, PatientFilter(text=text))
        rows = registry.fetch_rows(self.state.ws, self.state.actor, ids[:MATCHES])
        self.choices.clear()
        for pid in ids[:MATCHES]:
            row = rows.get(pid)
            if row is not None:
                self.choices.addItem(f"{row.display_name} · {row.practice_id}", pid)
        if not self.choices.count():
            self.choices.addItem("No patient matches", None)
        self.choices.show()
        if self.choices.count() == 1 and self.choices.itemData(0) is not None:
            self._picked(0)
        else:
            self.choices.showPopup()

    def set_patient(self, patient_id: int | None, label: str = "") -> None:
        self.patient_id = patient_id
        self.choices.clear()
        if patient_id is not None:
            self.choices.addItem(label or "(patient)", patient_id)
            self.choices.show()
        else:
            self.choices.hide()

    def _picked(self, index: int) -> None:
        pid = self.choices.itemData(index)
        if pid is None:
            return
        self.patient_id = pid
        self.patient_chosen.emit(pid)

    def _clear(self) -> None:
        if self.patient_id is not None or self.choices.isVisible():
            self.patient_id = None
            self.choices.clear()
            self.choices.hide()
            self.patient_chosen.emit(None)


def owner_choices(state: AppState) -> list[tuple[str, object]]:
    """(label, value) for the owner box: "role:nurse" for a queue, "user:12" for a person
    (text, because a combo box cannot find a Python tuple among its items' data)."""
    out: list[tuple[str, object]] = [("Unassigned", None)]
    out += [(f"{label} (queue)", f"role:{role.value}") for role, label in QUEUE_LABELS.items()]
    for person in assignees(state.ws, state.actor):
        me = " (me)" if person.id == state.actor.user_id else ""
        out.append((f"{person.full_name} — {person.role.label}{me}", f"user:{person.id}"))
    return out


class TaskFormDialog(QDialog):
    """New task (`card` None) or edit one; `saved` carries the service's card."""

    saved = Signal(object)

    def __init__(
        self,
        state: AppState,
        card: TaskCard | None = None,
        *,
        details: str | None = None,
        patient: tuple[int, str] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.state, self.card = state, card
        self.setWindowTitle("Edit task" if card else "New task")
        self.setMinimumWidth(560)
        self.error = error_label()
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("What needs doing, e.g. Book the 7-day follow-up visit")
        self.patient = PatientPicker(state)
        self.details = QPlainTextEdit()
        self.details.setFixedHeight(80)
        self.details.setTabChangesFocus(True)
        self.owner = QComboBox()
        for label, value in owner_choices(state):
            self.owner.addItem(label, value)
        self.due = DateField("due date")
        self.priority = QComboBox()
        for priority in TaskPriority:
            self.priority.addItem(PRIORITY_LABELS[priority], priority.value)
        form = QFormLayout()
        form.addRow("&Title *", self.title)
        form.addRow("&Patient", self.patient)
        form.addRow("&Details", self.details)
        form.addRow("&Owner", self.owner)
        form.addRow("D&ue date", self.due)
        form.addRow("P&riority", self.priority)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.priority.setCurrentIndex(self.priority.findData(TaskPriority.NORMAL.value))
        if card is not None:
            self.title.setText(card.title)
            self.details.setPlainText(details or "")
            self.due.set_value(card.due_date)
            self.priority.setCurrentIndex(max(self.priority.findData(str(card.priority)), 0))
            owner = (
                f"user:{card.owner_id}"
                if card.owner_id
                else (f"role:{card.owner_role}" if card.owner_role else None)
            )
            self.owner.setCurrentIndex(max(self.owner.findData(owner), 0))
            self.patient.set_patient(card.patient_id, card.patient_name or "")
            self.patient.setEnabled(False)  # a task stays with its patient
        elif patient is not None:
            self.patient.set_patient(*patient)
            self.patient.setEnabled(False)
        else:  # a new task waits in the creator's role's queue unless given to someone
            self.owner.setCurrentIndex(
                max(self.owner.findData(f"role:{state.actor.role.value}"), 0)
            )

    def draft(self) -> TaskDraft:
        if not self.title.text().strip():
            raise ValidationError("Say what the task is (its title).", field="title")
        kind, _, value = (self.owner.currentData() or "").partition(":")
        owner = (kind, int(value) if kind == "user" else value) if kind else None
        return TaskDraft(
            title=self.title.text().strip(),
            patient_id=self.patient.patient_id,
            details=self.details.toPlainText().strip() or None,
            owner_id=owner[1] if owner and owner[0] == "user" else None,
            owner_role=owner[1]
            if owner and owner[0] == "role"
            else (self.card.owner_role if self.card and owner and owner[0] == "user" else None),
            due_date=self.due.value(),
            priority=self.priority.currentData(),
        )

    def save(self) -> None:
        self.error.hide()
        try:
            draft = self.draft()
            if self.card is None:
                changed = task_edit.create_task(self.state.ws, self.state.actor, draft)
            else:
                changed = task_edit.update_task(
                    self.state.ws, self.state.actor, self.card.id, draft, version=self.card.version
                )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        card = self.state.publish(changed)
        self.saved.emit(card)
        self.accept()
