"""Correct the stamped start and end of a meeting (someone pressed Start late, or forgot End):
the day and the two times typed as text (read with the conference forms' one time rule,
when.py), and the reason, which the audit keeps."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.services.conferences import meeting as meeting_service
from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.meeting_clock import utc
from carecoord_desktop.ui.conferences.when import local_datetime, typed_time
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error


class CorrectTimesDialog(QDialog):
    def __init__(
        self, ctx: ConferenceContext, rec: ConferenceRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("correctTimesDialog")
        self.setWindowTitle("Correct the meeting times")
        self.setMinimumWidth(520)
        self.ctx, self.rec = ctx, rec
        self.result_record: ConferenceRecord | None = None
        start, end = utc(rec.started_at), utc(rec.ended_at)
        shown = (start or utc(rec.scheduled_at)).astimezone()
        self.day = DateField("day of the meeting", required=True)
        self.day.setObjectName("day")
        self.day.set_value(shown.date())
        self.start = QLineEdit(f"{start.astimezone():%H:%M}" if start else "")
        self.start.setAccessibleName("Start time")
        self.start.setPlaceholderText("hh:mm")
        self.end = QLineEdit(f"{end.astimezone():%H:%M}" if end else "")
        self.end.setAccessibleName("End time")
        self.end.setPlaceholderText("hh:mm (empty while the meeting runs)")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why: “Start pressed 5 minutes late”, “End forgotten”")
        self.error = error_label()
        note = QLabel(
            "The times as the clock on this computer reads them. The change and its reason are "
            "kept in the audit log."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4a5a6a;")
        form = QFormLayout()
        form.addRow("Day", self.day)
        form.addRow("Started at", self.start)
        form.addRow("Ended at", self.end)
        form.addRow("Reason", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Correct the times")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def times(self) -> tuple[datetime, datetime | None, str]:
        day = self.day.value()
        started = local_datetime(day, typed_time(self.start.text(), "start time"))
        ended = None
        if self.end.text().strip():  # empty: the meeting is still running
            ended = local_datetime(day, typed_time(self.end.text(), "end time"))
        if ended is not None and ended <= started:
            raise ValidationError(
                "The end time is before the start time: check both (a meeting past midnight "
                "is not supported here).",
                "end time",
            )
        reason = self.reason.text().strip()
        if not reason:
            raise ValidationError("Say why the times are corrected: the audit keeps it.", "reason")
        return started, ended, reason

    def accept(self) -> None:  # Qt override: stay open with the message when refused
        try:
            started, ended, reason = self.times()
            result = meeting_service.correct_times(
                self.ctx.state.ws, self.ctx.state.actor, self.rec.id, started, ended, reason
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.ctx.written(result)
        self.result_record = result.value
        super().accept()
