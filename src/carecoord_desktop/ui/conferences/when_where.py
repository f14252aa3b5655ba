"""The "When and where" group of the details page: the day and time typed, the planned
length, the title, place or video link, the organiser (practice staff) and the patient's
questions, each with its message line; what it shows as a comparable snapshot."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from carecoord_desktop.services.conferences.types import ConferenceRecord, Invitable
from carecoord_desktop.ui.conferences.when import local, time_text
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.form_kit import Field, FieldBox

HELD_HINT = "Held: the Meeting page corrects its times."


class WhenWhereBox(QGroupBox):
    edited = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("When and where", parent)
        self.setObjectName("whenWhereBox")
        self.date = DateField("conference date", required=True)
        self.date.setObjectName("date")
        self.time = QLineEdit()
        self.time.setObjectName("time")
        self.time.setPlaceholderText("e.g. 10:30")
        self.time.setMaximumWidth(110)
        self.time.setToolTip("Type the time, for example 10:30 or 2:15 pm")
        self.minutes = QSpinBox()
        self.minutes.setObjectName("planned_minutes")
        self.minutes.setRange(5, 240)  # the service's range
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" minutes")
        self.minutes.setMaximumWidth(150)
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.place.setPlaceholderText("Room, or the address")
        self.video = QLineEdit()
        self.video.setObjectName("video_link")
        self.video.setPlaceholderText("https://… for a video meeting")
        self.organiser = QComboBox()
        self.organiser.setObjectName("organiser_id")
        self.questions = QPlainTextEdit()
        self.questions.setObjectName("patient_questions")
        self.questions.setTabChangesFocus(True)
        self.questions.setFixedHeight(62)

        self.boxes: dict[str, FieldBox] = {}
        when_row = QWidget()
        when_row.setFocusProxy(self.date)  # Alt+W goes to the date
        when_layout = QHBoxLayout(when_row)
        when_layout.setContentsMargins(0, 0, 0, 0)
        when_layout.addWidget(self._box(Field("date", "Date"), self.date))
        when_layout.addWidget(QLabel("at"), 0, Qt.AlignmentFlag.AlignTop)
        when_layout.addWidget(self._box(Field("time", "Time"), self.time))
        when_layout.addStretch(1)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&When *", when_row)
        for name, label, widget, hint in (
            ("planned_minutes", "&Planned length", self.minutes, ""),
            ("title", "T&itle", self.title, ""),
            ("place", "P&lace", self.place, ""),
            ("video_link", "&Video link", self.video, ""),
            ("organiser_id", "&Organiser", self.organiser, ""),
            ("patient_questions", "Patient's &questions", self.questions,
             "One question per line: each becomes an item of the agenda."),
        ):  # fmt: skip
            box = self._box(Field(name, label.replace("&", ""), hint=hint), widget)
            form.addRow(label, box)
            form.labelForField(box).setBuddy(widget)

        for edit in (self.time, self.title, self.place, self.video):
            edit.textChanged.connect(self.edited)
        self.date.edit.textChanged.connect(self.edited)
        self.questions.textChanged.connect(self.edited)
        self.minutes.valueChanged.connect(self.edited)
        self.organiser.currentIndexChanged.connect(self.edited)

    def _box(self, spec: Field, widget: QWidget) -> FieldBox:
        box = FieldBox(spec, widget)
        self.boxes[spec.name] = box
        return box

    def fill_organisers(self, invitables: list[Invitable], rec: ConferenceRecord) -> None:
        """The practice's staff, and the stored organiser even if no longer offered."""
        chosen = self.organiser.currentData()
        self.organiser.blockSignals(True)
        self.organiser.clear()
        self.organiser.addItem("Not set", None)
        for who in invitables:
            if who.staff_user_id is not None:
                self.organiser.addItem(f"{who.name} — {who.discipline}", who.staff_user_id)
        if rec.organiser_id is not None and self.organiser.findData(rec.organiser_id) < 0:
            self.organiser.addItem(rec.organiser_name or "(former staff)", rec.organiser_id)
        self.organiser.setCurrentIndex(max(self.organiser.findData(chosen), 0))
        self.organiser.blockSignals(False)

    def load(self, rec: ConferenceRecord) -> None:
        for box in self.boxes.values():
            box.show_problem("")
        self.date.set_value(local(rec.scheduled_at).date())
        self.time.setText(time_text(rec.scheduled_at))
        self.minutes.setValue(rec.planned_minutes)
        self.title.setText(rec.title)
        self.place.setText(rec.place or "")
        self.video.setText(rec.video_link or "")
        self.organiser.setCurrentIndex(max(self.organiser.findData(rec.organiser_id), 0))
        self.questions.setPlainText(rec.patient_questions or "")

    def snapshot(self) -> tuple:
        """What the fields show, as typed: compared with snapshot_of(the stored record)."""
        return (
            self.date.text().strip(),
            self.time.text().strip(),
            self.minutes.value(),
            self.title.text().strip(),
            self.place.text().strip(),
            self.video.text().strip(),
            self.organiser.currentData(),
            self.questions.toPlainText().strip(),
        )

    @staticmethod
    def snapshot_of(rec: ConferenceRecord) -> tuple:
        return (
            local(rec.scheduled_at).strftime("%d/%m/%Y"),
            time_text(rec.scheduled_at),
            rec.planned_minutes,
            rec.title.strip(),
            (rec.place or "").strip(),
            (rec.video_link or "").strip(),
            rec.organiser_id,
            (rec.patient_questions or "").strip(),
        )

    def set_editable(self, editable: bool, *, timed: bool) -> None:
        """`timed` False: the meeting has started; its day and time are the stamped ones."""
        for edit in (self.title, self.place, self.video):
            edit.setReadOnly(not editable)
        self.time.setReadOnly(not timed)
        self.date.edit.setReadOnly(not timed)
        self.date.pick.setEnabled(timed)
        self.questions.setReadOnly(not editable)
        self.minutes.setReadOnly(not editable)
        self.organiser.setEnabled(editable)
        if editable and not timed:
            self.boxes["date"].message.setText(HELD_HINT)
