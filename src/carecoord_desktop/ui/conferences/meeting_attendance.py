"""Attendance quick ticks for the meeting: who is here, and how each joined (in person, by phone,
by video). A tick or a change of how is saved at once through the conference service."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.conference import Attendance, JoinMethod, ParticipantKind
from carecoord_desktop.services.conferences import conferences as conference_service
from carecoord_desktop.services.conferences.types import ConferenceRecord, ParticipantRow
from carecoord_desktop.ui.conferences.common import ConferenceContext

JOIN_LABELS = {
    JoinMethod.IN_PERSON: "In person",
    JoinMethod.PHONE: "By phone",
    JoinMethod.VIDEO: "By video",
}
_COLUMNS = 2  # participants side by side: a team of six fits in three short rows


def default_join(p: ParticipantRow, rec: ConferenceRecord) -> str:
    """How someone most likely joins when nobody said: practice staff and the patient in the
    room, outside providers on the phone (on video when the conference has a link)."""
    if p.joined_how:
        return p.joined_how
    if p.kind in (ParticipantKind.STAFF.value, ParticipantKind.PATIENT.value):
        return JoinMethod.IN_PERSON.value
    return JoinMethod.VIDEO.value if rec.video_link else JoinMethod.PHONE.value


class _Row:
    def __init__(self, grid: QGridLayout, n: int) -> None:
        self.tick = QCheckBox()
        self.how = QComboBox()
        for method, label in JOIN_LABELS.items():
            self.how.addItem(label, method.value)
        self.how.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state = QLabel()
        self.state.setStyleSheet("color: #4a5a6a;")
        row, col = divmod(n, _COLUMNS)
        grid.addWidget(self.tick, row, col * 4)
        grid.addWidget(self.how, row, col * 4 + 1)
        grid.addWidget(self.state, row, col * 4 + 2)
        self.participant_id: int | None = None


class AttendancePanel(QWidget):
    def __init__(self, ctx: ConferenceContext, report_error, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attendancePanel")
        self.ctx, self._report_error = ctx, report_error
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        for col in range(_COLUMNS):
            self.grid.setColumnMinimumWidth(col * 4 + 3, 40)  # a gutter between the columns
        self.grid.setColumnStretch(_COLUMNS * 4, 1)  # what is left goes to the right
        self.rows: list[_Row] = []
        self.empty = QLabel("Nobody is invited yet: add the team on the Details page.")
        self.empty.setStyleSheet("color: #4a5a6a;")
        self.grid.addWidget(self.empty, 0, 0, 1, _COLUMNS * 4)

    def show_record(self, rec: ConferenceRecord, editable: bool) -> None:
        people = rec.participants
        while len(self.rows) < len(people):
            row = _Row(self.grid, len(self.rows))
            row.tick.toggled.connect(lambda _on, r=row: self._changed(r))
            row.how.activated.connect(lambda _i, r=row: self._changed(r, how_changed=True))
            self.rows.append(row)
        self.empty.setVisible(not people)
        for row, p in zip(self.rows, people, strict=False):
            row.participant_id = p.id
            for w in (row.tick, row.how):
                w.blockSignals(True)
            row.tick.setText(f"{p.name} — {p.discipline}" if p.discipline else p.name)
            row.tick.setChecked(p.attended)
            row.tick.setAccessibleName(f"{p.name} is here")
            row.how.setCurrentIndex(max(0, row.how.findData(default_join(p, rec))))
            for w in (row.tick, row.how):
                w.blockSignals(False)
                w.setEnabled(editable)
                w.show()
            row.state.setText("" if p.attended else _state_words(p))
            row.state.show()
        for row in self.rows[len(people) :]:
            row.participant_id = None
            for w in (row.tick, row.how, row.state):
                w.hide()

    def _changed(self, row: _Row, how_changed: bool = False) -> None:
        if row.participant_id is None:
            return
        here = row.tick.isChecked()
        if how_changed and not here:
            return  # how someone joined matters once they are here
        attendance = Attendance.ATTENDED if here else Attendance.ABSENT
        state = self.ctx.state
        try:
            result = conference_service.set_attendance(
                state.ws,
                state.actor,
                row.participant_id,
                attendance.value,
                row.how.currentData() if here else None,
            )
        except CareCoordError as exc:
            self._report_error(exc)
            self.ctx.reload()  # show the attendance as it is stored
            return
        self.ctx.written(result)


def _state_words(p: ParticipantRow) -> str:
    return {
        Attendance.INVITED.value: "invited",
        Attendance.ACCEPTED.value: "accepted",
        Attendance.DECLINED.value: "declined",
        Attendance.ABSENT.value: "did not attend",
    }.get(p.attendance, p.attendance)
