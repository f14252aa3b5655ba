"""The referral feature's dialogs: make a referral, move one to its next step, and a directory
entry. Each calls its service on OK and stays open with the message when it refuses, so
nothing typed is lost."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.referral import CATEGORY_LABELS, METHOD_LABELS, SendMethod
from carecoord_desktop.services.referrals import directory
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import (
    URGENCY_LABELS,
    ReferralDraft,
    ReferralRow,
    ResourceDraft,
    ResourceRow,
    status_label,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ReferralDialog(QDialog):
    """A new referral: to someone on the care team, or a service found in the directory."""

    def __init__(self, state: AppState, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralDialog")
        self.setWindowTitle("New referral")
        self.resize(620, 560)
        self.state, self.patient_id = state, patient_id
        self.made_id: int | None = None
        actor = state.actor
        self.to_team = QRadioButton("Someone on the care team")
        self.to_service = QRadioButton("A service from the directory")
        self.team = QComboBox()
        self.team.setAccessibleName("Care team member")
        for r in refs.recipients(state.ws, actor, patient_id):
            self.team.addItem(f"{r.name} — {r.detail}" if r.detail else r.name, r.id)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the directory: transport, meals, a suburb…")
        self.search.setClearButtonEnabled(True)
        self.services = QListWidget()
        self.services.setAccessibleName("Directory services")
        self.services.setMaximumHeight(150)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why you are referring, and what you are asking them to do")
        self.urgency = QComboBox()
        for value, label in URGENCY_LABELS.items():
            self.urgency.addItem(label, value.value)
        self.goal = QComboBox()
        self.goal.addItem("(no plan goal)", None)
        for g in refs.plan_goals(state.ws, actor, patient_id):
            self.goal.addItem(g.words, (g.plan_id, g.goal_uid))
        self.error = error_label()

        form = QFormLayout()
        form.addRow(self.to_team)
        form.addRow("Provider", self.team)
        form.addRow(self.to_service)
        form.addRow("Find", self.search)
        form.addRow("", self.services)
        form.addRow("Reason", self.reason)
        form.addRow("Urgency", self.urgency)
        form.addRow("Plan goal it serves", self.goal)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save as draft"))

        self.search.textChanged.connect(self._find)
        self.search.textEdited.connect(lambda _t: self.to_service.setChecked(True))
        self.team.activated.connect(lambda _i: self.to_team.setChecked(True))
        self.services.itemClicked.connect(lambda _i: self.to_service.setChecked(True))
        (self.to_team if self.team.count() else self.to_service).setChecked(True)
        self.team.setEnabled(self.team.count() > 0)
        self._find("")

    def _find(self, text: str) -> None:
        self.services.clear()
        for r in directory.search_resources(self.state.ws, self.state.actor, text)[:50]:
            where = f", {r.area}" if r.area else ""
            item = QListWidgetItem(f"{r.name} — {r.category_label}{where}")
            item.setData(256, r.id)
            self.services.addItem(item)
        if self.services.count():
            self.services.setCurrentRow(0)

    def draft(self) -> ReferralDraft:
        if self.to_team.isChecked():
            kind, rid = "provider", self.team.currentData()
        else:
            item = self.services.currentItem()
            kind, rid = "resource", item.data(256) if item else None
        if rid is None:
            raise CareCoordError("Choose who the referral is to.")
        goal = self.goal.currentData()
        return ReferralDraft(
            kind,
            rid,
            self.reason.toPlainText(),
            self.urgency.currentData(),
            plan_id=goal[0] if goal else None,
            goal_uid=goal[1] if goal else None,
        )

    def accept(self) -> None:  # Qt override: save first; stay open when refused
        try:
            result = refs.create_referral(
                self.state.ws, self.state.actor, self.patient_id, self.draft()
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.made_id = self.state.publish(result)
        super().accept()


class StepDialog(QDialog):
    """Move a referral on: sent (and how), an answer, or closed/declined with a note."""

    def __init__(self, state: AppState, row: ReferralRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralStepDialog")
        self.setMinimumWidth(520)  # the note's hint reads in full
        self.setWindowTitle(f"Referral to {row.recipient_name}")
        self.state, self.row = state, row
        self.status = QComboBox()
        self.status.setAccessibleName("Next step")
        for s in refs.NEXT[refs.S(row.status)]:
            self.status.addItem(status_label(s.value), s.value)
        self.on = DateField("date of this step", required=True)
        self.on.set_value(date.today())
        self.via = QComboBox()
        for method in SendMethod:
            if method is not SendMethod.PRINTED:
                self.via.addItem(METHOD_LABELS[method], method.value)
        self.note = QLineEdit()
        self.note.setPlaceholderText(
            "Optional: who you spoke to, the appointment date, why declined"
        )
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Now", self.status)
        form.addRow("On", self.on)
        form.addRow("Sent by", self.via)
        form.addRow("Note", self.note)
        self._form = form
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Record"))
        self.status.currentIndexChanged.connect(self._shown)
        self._shown()

    def _shown(self) -> None:
        sending = self.status.currentData() == "sent"
        self._form.setRowVisible(self.via, sending)

    def accept(self) -> None:  # Qt override
        try:
            status = self.status.currentData()
            on = self.on.value()
            if status == "sent":
                result = refs.send_referral(
                    self.state.ws,
                    self.state.actor,
                    self.row.id,
                    via=self.via.currentData(),
                    on=on,
                    version=self.row.version,
                )
            else:
                result = refs.record_step(
                    self.state.ws,
                    self.state.actor,
                    self.row.id,
                    status,
                    on=on,
                    note=self.note.text(),
                    version=self.row.version,
                )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish(result)
        super().accept()


_RESOURCE_FIELDS = (
    ("name", "Name"),
    ("organisation", "Run by"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("website", "Website"),
    ("address", "Address"),
    ("area", "Area served"),
    ("eligibility", "Who can use it"),
    ("hours", "Hours"),
    ("cost", "Cost"),
    ("notes", "Notes"),
)


class ResourceDialog(QDialog):
    """Add a service to the directory, or edit one (a stale save says who changed it)."""

    def __init__(
        self, state: AppState, row: ResourceRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resourceDialog")
        self.setWindowTitle("Edit service" if row else "Add a service")
        self.resize(560, 0)
        self.state, self.row = state, row
        self.category = QComboBox()
        for cat, label in CATEGORY_LABELS.items():
            self.category.addItem(label, cat.value)
        self.fields = {name: QLineEdit() for name, _ in _RESOURCE_FIELDS}
        form = QFormLayout()
        form.addRow("Category", self.category)
        for name, label in _RESOURCE_FIELDS:
            self.fields[name].setAccessibleName(label)
            form.addRow(label, self.fields[name])
        if row is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(row.category)))
            for name, _ in _RESOURCE_FIELDS:
                self.fields[name].setText(getattr(row, name) or "")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save"))

    def draft(self) -> ResourceDraft:
        values = {name: field.text() for name, field in self.fields.items()}
        return ResourceDraft(category=self.category.currentData(), **values)

    def accept(self) -> None:  # Qt override
        ws, actor = self.state.ws, self.state.actor
        try:
            if self.row is None:
                result = directory.add_resource(ws, actor, self.draft())
            else:
                result = directory.edit_resource(
                    ws, actor, self.row.id, self.draft(), version=self.row.version
                )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish(result)
        super().accept()


class LinkResourceDialog(QDialog):
    """Link a directory service to the patient, and to one intervention of their care plan."""

    def __init__(self, state: AppState, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkResourceDialog")
        self.setWindowTitle("Link a community service")
        self.resize(600, 440)
        self.state, self.patient_id = state, patient_id
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the directory: meals, transport, a suburb…")
        self.search.setClearButtonEnabled(True)
        self.services = QListWidget()
        self.services.setAccessibleName("Directory services")
        self.intervention = QComboBox()
        self.intervention.setAccessibleName("Plan intervention")
        self.intervention.addItem("(not for a plan intervention)", None)
        for plan_id, uid, what in directory.plan_interventions(state.ws, state.actor, patient_id):
            self.intervention.addItem(what, (plan_id, uid))
        self.notes = QLineEdit()
        self.notes.setPlaceholderText("Optional: days, contact person, what was arranged")
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Find", self.search)
        form.addRow("", self.services)
        form.addRow("For the plan's", self.intervention)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Link"))
        self.search.textChanged.connect(self._find)
        self._find("")

    def _find(self, text: str) -> None:
        self.services.clear()
        for r in directory.search_resources(self.state.ws, self.state.actor, text)[:50]:
            item = QListWidgetItem(f"{r.name} — {r.category_label}")
            item.setData(256, r.id)
            self.services.addItem(item)
        if self.services.count():
            self.services.setCurrentRow(0)

    def accept(self) -> None:  # Qt override
        item = self.services.currentItem()
        chosen = self.intervention.currentData()
        try:
            if item is None:
                raise CareCoordError("Choose a service from the directory.")
            result = directory.link_resource(
                self.state.ws,
                self.state.actor,
                self.patient_id,
                item.data(256),
                plan_id=chosen[0] if chosen else None,
                intervention_uid=chosen[1] if chosen else None,
                notes=self.notes.text(),
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish(result)
        super().accept()


__all__ = ["LinkResourceDialog", "ReferralDialog", "ResourceDialog", "StepDialog"]
