"""The conference window's "Meeting" page (conf-meeting builds the real one: start/end, the
elapsed minutes against the tiers, minutes per item, decisions). Until it lands, the page says
what the record holds about the meeting, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from carecoord_desktop.services.conferences.types import ConferenceRecord
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.when import when_text


class MeetingPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def show_record(self, rec: ConferenceRecord) -> None:
        started = when_text(rec.started_at) or "not started"
        ended = when_text(rec.ended_at) or "not ended"
        self.text.setText(f"Started: {started}\nEnded: {ended}\nDecisions: {len(rec.decisions)}")
