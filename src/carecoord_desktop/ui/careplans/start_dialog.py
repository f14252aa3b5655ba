"""Start a care plan for a patient from templates: the ones for the patient's conditions are
ticked, any other can be added; several combine into one plan without duplicate goals (the
service merges them). The new plan is saved as a draft and opened in the editor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from carecoord_desktop.services.careplans import templates
from carecoord_desktop.ui.shell.workers import start_job, start_with_progress
from carecoord_desktop.ui.widgets.messages import error_label, show_error


def _load(ws, actor, patient_id: int):
    every = templates.list_templates(ws, actor)
    suggested = {t.key for t in templates.suggested_templates(ws, actor, patient_id)}
    return every, suggested


class StartPlanDialog(QDialog):
    plan_started = Signal(object)  # PlanRecord

    def __init__(self, state, patient_id: int, patient_name: str, parent=None) -> None:
        super().__init__(parent)
        self.state, self.patient_id = state, patient_id
        self.setObjectName("startPlanDialog")
        self.setWindowTitle(f"Start a care plan — {patient_name}")
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        about = QLabel(
            "Tick the templates to start from: those for the patient's conditions are ticked "
            "already. Goals and interventions that two templates share appear once. Untick "
            "them all for an empty plan."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Templates")
        layout.addWidget(self.list, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton(
            "Start plan", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setDefault(True)
        self.start_button.setEnabled(False)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        start_job(
            self,
            _load,
            state.ws,
            state.actor,
            patient_id,
            on_done=self._loaded,
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _loaded(self, found) -> None:
        every, suggested = found
        for info in sorted(every, key=lambda t: (t.key not in suggested, t.name)):
            fits = " — for this patient's conditions" if info.key in suggested else ""
            item = QListWidgetItem(
                f"{info.name}{fits}\n    {info.goals} goals, {info.interventions} "
                f"interventions · {info.source}"
            )
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = info.key in suggested
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.setFocus()
        self.start_button.setEnabled(True)

    def chosen(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_chosen(self, keys: list[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in keys
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def start(self) -> None:
        self.error.hide()
        self.start_button.setEnabled(False)
        start_with_progress(
            self,
            "Starting the care plan…",
            templates.start_plan_from_templates,
            self.state.ws,
            self.state.actor,
            self.patient_id,
            self.chosen(),
            on_done=self._started,
            on_failed=self._failed,
        )

    def _started(self, result) -> None:
        record = self.state.publish(result)
        self.accept()
        self.plan_started.emit(record)

    def _failed(self, error: Exception) -> None:
        self.start_button.setEnabled(True)
        show_error(self.error, error)
