"""The "People" group of the details page: who is invited, picked from the practice staff, the
patient's care team, the patient and their carers, or typed ("Someone else…"); each one's
attendance and how they joined; and the live case-conference team line above them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.conference import Attendance, ParticipantKind
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.types import Invitable, ParticipantDraft
from carecoord_desktop.ui.conferences.people import (
    ATTENDANCE_CHOICES,
    JOIN_CHOICES,
    SOMEONE_ELSE_FIELDS,
    ParticipantsModel,
    draft_from_invitable,
    invitable_label,
    same_person,
    team_status,
)
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.form_kit import ItemFormDialog
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_MET = "color: #1d6b34; font-weight: 600;"
_NOT_MET = "color: #8a4b00; font-weight: 600;"


class InviteesBox(QGroupBox):
    people_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("People", parent)
        self.setObjectName("inviteesBox")
        self.invitables: list[Invitable] = []
        self.held = False
        self.team_line = QLabel()
        self.team_line.setObjectName("teamLine")
        self.team_line.setWordWrap(True)
        self.model = ParticipantsModel(self)
        self.table = FittedTableView()
        self.table.setObjectName("participantsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Invitees")
        self.choices = QComboBox()
        self.choices.setObjectName("invitableChoices")
        self.choices.setAccessibleName("Someone to invite")
        self.choices.setMinimumContentsLength(28)
        self.choices.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.invite_button = QPushButton("&Invite")
        self.other_button = QPushButton("Someone &else…")
        self.remove_button = QPushButton("&Remove")
        self.attendance = QComboBox()
        self.attendance.setObjectName("attendance")
        for text, value in ATTENDANCE_CHOICES:
            self.attendance.addItem(text, value)
        self.joined = QComboBox()
        self.joined.setObjectName("joinedHow")
        for text, value in JOIN_CHOICES:
            self.joined.addItem(text, value)
        self.error = error_label()

        invite = QHBoxLayout()
        invite.addWidget(self.choices, 1)
        invite.addWidget(self.invite_button)
        invite.addWidget(self.other_button)
        chosen = QHBoxLayout()
        self.chosen_label = QLabel("Chosen invitee:")
        chosen.addWidget(self.chosen_label)
        attendance_label = QLabel("&Attendance")
        attendance_label.setBuddy(self.attendance)
        joined_label = QLabel("&Joined by")
        joined_label.setBuddy(self.joined)
        chosen.addWidget(attendance_label)
        chosen.addWidget(self.attendance)
        chosen.addWidget(joined_label)
        chosen.addWidget(self.joined)
        chosen.addStretch(1)
        chosen.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.team_line)
        layout.addLayout(invite)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(chosen)

        self.invite_button.clicked.connect(self.invite_chosen)
        self.other_button.clicked.connect(self.someone_else)
        self.remove_button.clicked.connect(self.remove_chosen)
        self.attendance.activated.connect(lambda _i: self._attendance_chosen())
        self.joined.activated.connect(lambda _i: self._set_chosen(
            joined_how=self.joined.currentData()))  # fmt: skip
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.editable = True
        self._chosen()

    # -- data --------------------------------------------------------------------------------
    def load_invitables(self, state, patient_id: int) -> None:
        try:
            self.invitables = confs.invitables(state.ws, state.actor, patient_id)
        except CareCoordError as exc:
            self.invitables = []
            show_error(self.error, exc)
        self._fill_choices()

    def set_people(self, people: list[ParticipantDraft], *, held: bool) -> None:
        chosen = self.chosen_row()
        self.model.set_people(people)
        if chosen is not None and chosen < len(people):
            self.table.selectRow(chosen)
        self.error.hide()
        self.update_team_line(held=held)
        self._fill_choices()
        self._chosen()

    def update_team_line(self, *, held: bool) -> None:
        self.held = held
        met, text = team_status(self.model.people, held=held)
        self.team_line.setText(text)
        self.team_line.setStyleSheet(_MET if met else _NOT_MET)
        self.team_line.setProperty("met", met)

    def _fill_choices(self) -> None:
        self.choices.clear()
        for who in self.invitables:
            if not any(same_person(who, p) for p in self.model.people):
                self.choices.addItem(invitable_label(who), who)
        if not self.choices.count():
            self.choices.addItem("Everyone offered is invited", None)
        self._chosen()

    def chosen_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _chosen(self) -> None:
        row = self.chosen_row()
        person = self.model.people[row] if row is not None else None
        has = person is not None
        for widget in (self.attendance, self.remove_button):
            widget.setEnabled(self.editable and has)
        came = has and str(person.attendance) == Attendance.ATTENDED.value
        self.joined.setEnabled(self.editable and came)  # how they joined, once they came
        self.invite_button.setEnabled(self.editable and self.choices.currentData() is not None)
        self.other_button.setEnabled(self.editable)
        self.choices.setEnabled(self.editable)
        self.chosen_label.setText(f"{person.name}:" if has else "Choose an invitee:")
        if has:
            self.attendance.setCurrentIndex(
                max(self.attendance.findData(str(person.attendance)), 0)
            )
            self.joined.setCurrentIndex(max(self.joined.findData(person.joined_how), 0))

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self._chosen()

    # -- edits -------------------------------------------------------------------------------
    def _add(self, person: ParticipantDraft) -> None:
        row = self.model.add(person)
        self.table.selectRow(row)
        self._fill_choices()
        self.people_changed.emit()

    def invite_chosen(self) -> None:
        who = self.choices.currentData()
        if who is not None and self.editable:
            self._add(draft_from_invitable(who))

    def invite(self, who: Invitable) -> None:
        """Invite `who` (as choosing them from the list and pressing Invite does)."""
        self.choices.setCurrentIndex(self.choices.findText(invitable_label(who)))
        self.invite_chosen()

    def someone_else(self) -> ItemFormDialog:
        def made(values: dict) -> ParticipantDraft:
            return ParticipantDraft(
                kind=ParticipantKind.OTHER.value,
                name=values["name"].strip(),
                discipline=values["discipline"].strip(),
                organisation=values["organisation"].strip() or None,
                contact=values["contact"].strip() or None,
            )

        dialog = ItemFormDialog("Invite someone else", SOMEONE_ELSE_FIELDS, made, parent=self)
        dialog.accepted.connect(lambda: self._add(dialog.result_value))
        dialog.open()
        return dialog

    def remove_chosen(self) -> None:
        row = self.chosen_row()
        if row is None or not self.editable:
            return
        person = self.model.people[row]
        if person.id is not None and str(person.attendance) == Attendance.ATTENDED.value:
            show_error(
                self.error,
                f"{person.name} attended the conference: set their attendance instead of "
                "removing them (the summary and the claim name who attended).",
            )
            return
        self.model.remove(row)
        self._fill_choices()
        self.people_changed.emit()

    def _attendance_chosen(self) -> None:
        value = self.attendance.currentData()
        if value == Attendance.ATTENDED.value:
            self._set_chosen(attendance=value)
        else:
            self._set_chosen(attendance=value, joined_how=None)

    def _set_chosen(self, **values) -> None:
        row = self.chosen_row()
        if row is None or not self.editable:
            return
        self.model.change(row, **values)
        self.people_changed.emit()
        self.table.selectRow(row)
        self._chosen()
