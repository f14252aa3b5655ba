"""Schedule a conference: the patient (picked by name or practice ID when the dialog is not
opened from their record), the day and time typed, the length, place or video link, and the
invitees, pre-ticked with the patient's GP, their care team's outside providers and the
patient, with the live case-conference team line. The agenda is built from the record as the
conference is scheduled (schedule_conference)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.models.conference import ParticipantKind
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.types import ConferenceDraft, Invitable
from carecoord_desktop.services.patients import record as patient_record
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.conferences.people import (
    draft_from_invitable,
    invitable_label,
    is_gp,
    team_status,
)
from carecoord_desktop.ui.conferences.when import local_datetime, typed_time
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import Field, FieldBox
from carecoord_desktop.ui.widgets.messages import error_label, show_error

MATCHES = 12
_FIELDS = {"scheduled_at": "date", "patient_id": "patient"}


class _SearchEdit(QLineEdit):
    """Enter searches here; it does not also press the dialog's Schedule button."""

    def keyPressEvent(self, event) -> None:  # Qt override
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class PatientChooser(QWidget):
    """Type a name or practice ID, press Enter, pick from what matches."""

    patient_chosen = Signal(object)  # patient id, or None

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.patient_id: int | None = None
        self.edit = _SearchEdit()
        self.edit.setObjectName("patientSearch")
        self.edit.setPlaceholderText("Name or practice ID, then Enter")
        self.edit.setClearButtonEnabled(True)
        self.choices = QComboBox()
        self.choices.setObjectName("patientChoices")
        self.choices.setMinimumContentsLength(26)
        self.choices.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.choices, 1)
        self.edit.returnPressed.connect(self.search)
        self.choices.activated.connect(self._picked)
        self.setFocusProxy(self.edit)

    def search(self) -> None:
        text = self.edit.text().strip()
        self.choices.clear()
        if not text:
            self.choices.hide()
            return
        ws, actor = self.state.ws, self.state.actor
        ids = registry.query_ids(ws, actor, PatientFilter(text=text))[:MATCHES]
        rows = registry.fetch_rows(ws, actor, ids)
        for pid in ids:
            if pid in rows:
                self.choices.addItem(f"{rows[pid].display_name} · {rows[pid].practice_id}", pid)
        if not self.choices.count():
            self.choices.addItem("No patient matches", None)
        self.choices.show()
        self._picked(0)

    def _picked(self, index: int) -> None:
        pid = self.choices.itemData(index)
        if pid != self.patient_id:
            self.patient_id = pid
            self.patient_chosen.emit(pid)


class ScheduleDialog(QDialog):
    """`scheduled` carries the ConferenceRecord once it is saved (the window can then open)."""

    scheduled = Signal(object)

    def __init__(self, state: AppState, patient_id: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleConference")
        self.setWindowTitle("Schedule a care conference")
        self.setMinimumWidth(720)
        self.state = state
        self.patient_id = patient_id
        self.invitables: list[Invitable] = []
        self.result_record = None
        self.chooser = PatientChooser(state)
        self.patient_label = QLabel()
        self.date = DateField("conference date", required=True)
        self.date.setObjectName("date")
        self.time = QLineEdit()
        self.time.setObjectName("time")
        self.time.setPlaceholderText("e.g. 10:30")
        self.time.setToolTip("Type the time, for example 10:30 or 2:15 pm")
        self.time.setMaximumWidth(110)
        self.minutes = QSpinBox()
        self.minutes.setMaximumWidth(150)
        self.minutes.setRange(5, 240)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(30)
        self.minutes.setSuffix(" minutes")
        self.title = QLineEdit("Care conference")
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.place.setPlaceholderText("Room, or the address")
        self.video = QLineEdit()
        self.video.setObjectName("video_link")
        self.video.setPlaceholderText("https://… for a video meeting")
        self.questions = QPlainTextEdit()
        self.questions.setTabChangesFocus(True)
        self.questions.setFixedHeight(64)
        self.people = QListWidget()
        self.people.setObjectName("inviteeChoices")
        self.people.setAccessibleName("Invitees")
        self.team_line = QLabel()
        self.team_line.setObjectName("teamLine")
        self.team_line.setWordWrap(True)
        self.error = error_label()
        self.boxes = {
            "patient": FieldBox(Field("patient", "Patient"), self.chooser),
            "date": FieldBox(Field("date", "Date"), self.date),
            "time": FieldBox(Field("time", "Time"), self.time),
            "video_link": FieldBox(Field("video_link", "Video link"), self.video),
            "title": FieldBox(Field("title", "Title"), self.title),
        }
        when_row = QWidget()
        when_row.setFocusProxy(self.date)
        when = QHBoxLayout(when_row)
        when.setContentsMargins(0, 0, 0, 0)
        when.addWidget(self.boxes["date"])
        when.addWidget(QLabel("at"), 0, Qt.AlignmentFlag.AlignTop)
        when.addWidget(self.boxes["time"])
        when.addStretch(1)
        form = QFormLayout()
        if patient_id is None:
            form.addRow("&Patient *", self.boxes["patient"])
        else:
            form.addRow("Patient", self.patient_label)
        form.addRow("&When *", when_row)
        form.addRow("&Length", self.minutes)
        form.addRow("T&itle", self.boxes["title"])
        form.addRow("P&lace", self.place)
        form.addRow("&Video link", self.boxes["video_link"])
        form.addRow("Patient's &questions", self.questions)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Schedule")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Invite</b> (tick who is asked to come)"))
        layout.addWidget(self.team_line)
        layout.addWidget(self.people, 1)
        layout.addWidget(buttons)
        self.chooser.patient_chosen.connect(self.set_patient)
        self.people.itemChanged.connect(lambda _item: self._team())
        if patient_id is not None:
            self.set_patient(patient_id)
        else:
            self._team()

    # -- the patient and who is offered ------------------------------------------------------
    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.people.clear()
        self.invitables = []
        if patient_id is None:
            self._team()
            return
        ws, actor = self.state.ws, self.state.actor
        try:
            self.invitables = confs.invitables(ws, actor, patient_id)
            rec = patient_record.get_record(ws, actor, patient_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.patient_label.setText(f"<b>{rec.display_name}</b> · {rec.practice_id}")
        team_staff = {m.staff_user_id for m in rec.care_team if m.staff_user_id is not None}
        ticked = self._prefill(team_staff)
        self.people.blockSignals(True)
        for n, who in enumerate(self.invitables):
            item = QListWidgetItem(invitable_label(who))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if n in ticked else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.people.blockSignals(False)
        self._team()

    def _prefill(self, team_staff: set[int]) -> set[int]:
        """Who is ticked: the patient's GP (the care team's, else the signed-in GP, else the
        practice's only GP), the care team's outside providers, and the patient."""
        offered = list(enumerate(self.invitables))
        ticked = {
            n
            for n, w in offered
            if w.kind in (ParticipantKind.PROVIDER.value, ParticipantKind.PATIENT.value)
        }
        gps = [(n, w) for n, w in offered
               if w.kind == ParticipantKind.STAFF.value and is_gp(w)]  # fmt: skip
        theirs = [n for n, w in gps if w.staff_user_id in team_staff]
        me = [
            n
            for n, w in gps
            if w.staff_user_id == self.state.actor.user_id and self.state.actor.role is Role.GP
        ]
        chosen = theirs or me or ([gps[0][0]] if len(gps) == 1 else [])
        return ticked | set(chosen)

    def chosen_people(self) -> list:
        return [
            draft_from_invitable(self.invitables[n])
            for n in range(self.people.count())
            if self.people.item(n).checkState() == Qt.CheckState.Checked
        ]

    def _team(self) -> None:
        met, text = team_status(self.chosen_people(), held=False)
        self.team_line.setText(text)
        self.team_line.setStyleSheet(
            "color: #1d6b34; font-weight: 600;" if met else "color: #8a4b00; font-weight: 600;"
        )

    # -- saving ------------------------------------------------------------------------------
    def draft(self) -> ConferenceDraft:
        if self.patient_id is None:
            raise ValidationError("Choose the patient first: type a name, then Enter.",
                                  field="patient")  # fmt: skip
        day = self.date.value()
        at = typed_time(self.time.text(), "time")
        organiser = self.state.actor.user_id if not self.state.actor.is_system else None
        return ConferenceDraft(
            patient_id=self.patient_id,
            scheduled_at=local_datetime(day, at),
            planned_minutes=self.minutes.value(),
            title=self.title.text().strip(),
            place=self.place.text().strip() or None,
            video_link=self.video.text().strip() or None,
            organiser_id=organiser,
            patient_questions=self.questions.toPlainText().strip() or None,
            participants=tuple(self.chosen_people()),
        )

    def accept(self) -> None:  # Save, and Enter in any line of the form
        if self.result_record is not None:
            return  # a second Enter while it closes schedules nothing twice
        for box in self.boxes.values():
            box.show_problem("")
        self.error.hide()
        try:
            result = confs.schedule_conference(self.state.ws, self.state.actor, self.draft())
        except CareCoordError as exc:
            name = _FIELDS.get(getattr(exc, "field", None) or "", getattr(exc, "field", ""))
            box = self.boxes.get(name or "")
            if box is None:
                show_error(self.error, exc)
            else:
                box.show_problem(str(exc))
                box.input.setFocus()
            return
        self.result_record = self.state.publish(result)
        self.scheduled.emit(self.result_record)
        super().accept()
