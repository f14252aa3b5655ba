"""The conference window's "Meeting" page: run the meeting with the GP on the phone.

Start stamps the start; a large clock shows the time elapsed since the stamp (computed every
second from the stamp, not counted, so a lock or a window opened again keeps it right) against
the case-conference tiers; End stamps the end after a confirmation; the times can be corrected
with a reason. Attendance ticks, the agenda with minutes per item (never lost: see
meeting_minutes.py) and the decisions taken, each saying what it became.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.conference import ConferenceStatus, DecisionKind
from carecoord_desktop.services.conferences import meeting as meeting_service
from carecoord_desktop.services.conferences.types import ConferenceRecord, DecisionRow
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.meeting_attendance import AttendancePanel
from carecoord_desktop.ui.conferences.meeting_clock import (
    TierBar,
    clock_text,
    elapsed_seconds,
    tier_words,
    utc,
)
from carecoord_desktop.ui.conferences.meeting_minutes import AgendaMinutes
from carecoord_desktop.ui.conferences.when import when_text
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

# Starting this far from the booked time asks first: a click on the wrong conference (one
# booked for Friday) would stamp today's times on it.
EARLY_OR_LATE = timedelta(hours=12)
_READ_ONLY = "Your role can follow the meeting here; a GP, nurse or coordinator runs it."


def _hm(at: datetime | None) -> str:
    return f"{utc(at).astimezone():%H:%M}" if at else ""


def _when(at: datetime) -> str:
    """ "14:05" today, "08/11/2026 14:05" another day."""
    local = utc(at).astimezone()
    return f"{local:%H:%M}" if local.date() == datetime.now().date() else f"{local:%d/%m/%Y %H:%M}"


def became_words(d: DecisionRow) -> str:
    """What a decision became, as the list and the summary say it."""
    if d.kind == DecisionKind.TASK.value:
        due = f", due {d.due_date:%d/%m/%Y}" if d.due_date else ""
        owner = f" — {d.owner_name}" if d.owner_name else ""
        return f"Task #{d.task_id} on the board{owner}{due}"
    if d.kind == DecisionKind.PLAN_CHANGE.value:
        change = f" — {d.plan_change}" if d.plan_change else ""
        return f"Plan version {d.plan_version}{change}"
    return "Noted in the minutes"


class DecisionsTable(FittedTableView):
    """The decisions taken, each with what it became and who recorded it when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionsList")
        self.rows_model = RowsTableModel(
            [
                Column("Decision", lambda d: d.text),
                Column("Became", became_words),
                Column(
                    "Recorded",
                    lambda d: f"{d.created_by_name}, {_when(d.created_at)}",
                ),
            ],
            self,
        )
        self.setModel(self.rows_model)
        self.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setMinimumHeight(120)  # three decisions in view at 1280x800, not one and a half


def _button(text: str, kind: str = "") -> QPushButton:
    b = QPushButton(text)
    if kind:
        b.setObjectName(kind)  # styled in resources/style.qss (primary, destructive)
    return b


class MeetingPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingPage")
        self.ctx = ctx
        self.rec: ConferenceRecord | None = None
        self.now = lambda: datetime.now(UTC)  # tests set the clock
        self.editable = False

        self.status = QLabel()
        self.status.setObjectName("meetingStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 12pt; color: #12355b;")
        self.clock = QLabel("0:00")
        self.clock.setObjectName("meetingClock")
        self.clock.setAccessibleName("Time elapsed")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock.setStyleSheet(
            "font-size: 34pt; font-weight: 700; color: #12355b;"
            "font-family: 'DejaVu Sans Mono', 'Consolas', 'Menlo', monospace;"
        )
        self.start_button = _button("Start meeting", "primary")
        self.end_button = _button("End meeting", "destructive")
        self.correct_button = _button("Correct the times…")
        self.tier_bar = TierBar()
        self.tier_label = QLabel()
        self.tier_label.setObjectName("tierLabel")
        self.tier_label.setWordWrap(True)
        self.tier_label.setStyleSheet("font-weight: 600; color: #12355b;")
        self.next_label = QLabel()
        self.next_label.setObjectName("nextTierLabel")
        self.next_label.setStyleSheet("color: #4a5a6a;")
        self.role_note = QLabel(_READ_ONLY)
        self.role_note.setObjectName("readOnlyNote")
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet(
            "background: #fff4d6; color: #6b4e00; border: 1px solid #e0c066; padding: 4px 8px;"
        )
        self.error = error_label()
        self.attendance = AttendancePanel(ctx, self.report_error)
        self.minutes = AgendaMinutes(ctx)
        self.decisions = DecisionsTable()
        self.decision_button = self.minutes.decision_button  # one Decision… button, by the minutes
        self.no_decisions = QLabel(
            "No decisions yet: Decision… (or Ctrl+Enter in the minutes) records one."
        )
        self.no_decisions.setStyleSheet("color: #4a5a6a;")
        self.clock_caption = QLabel("elapsed")
        self.clock_caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.clock_caption.setStyleSheet("color: #4a5a6a;")
        self._build()

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.start_button.clicked.connect(self.start_meeting)
        self.end_button.clicked.connect(self.end_meeting)
        self.correct_button.clicked.connect(self.correct_times)
        self.minutes.decision_asked.connect(self.add_decision)

    def _build(self) -> None:
        clock_box = QFrame()
        clock_box.setObjectName("card")
        top = QHBoxLayout(clock_box)
        words = QVBoxLayout()
        words.addWidget(self.status)
        words.addWidget(self.tier_label)
        words.addWidget(self.next_label)
        top.addLayout(words, 1)
        clock = QVBoxLayout()
        clock.setSpacing(0)
        clock.addWidget(self.clock)
        clock.addWidget(self.clock_caption)
        top.addLayout(clock)
        buttons = QVBoxLayout()
        for b in (self.start_button, self.end_button, self.correct_button):
            buttons.addWidget(b)
        top.addLayout(buttons)
        people = QGroupBox("Who is here")
        QVBoxLayout(people).addWidget(self.attendance)
        decided = QGroupBox("Decisions")
        decided_layout = QVBoxLayout(decided)
        decided_layout.addWidget(self.no_decisions)
        decided_layout.addWidget(self.decisions)
        layout = QVBoxLayout(self)
        layout.addWidget(self.role_note)
        layout.addWidget(clock_box)
        layout.addWidget(self.tier_bar)
        layout.addWidget(self.error)
        layout.addWidget(people)
        layout.addWidget(self.minutes, 3)
        layout.addWidget(decided)
        self.decided_box = decided

    # -- showing ---------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord) -> None:
        self.rec = rec
        actor = self.ctx.state.actor
        cancelled = rec.status == ConferenceStatus.CANCELLED.value
        self.editable = can(actor, Permission.EDIT_CARE_PLANS) and not cancelled
        self.role_note.setVisible(not can(actor, Permission.EDIT_CARE_PLANS))
        started, ended = rec.started_at is not None, rec.ended_at is not None
        self.start_button.setVisible(not started)
        self.start_button.setEnabled(self.editable)
        self.end_button.setVisible(not ended)
        # Red only once there is a meeting to end: before the start it only explains.
        kind = "destructive" if started else "endNotStarted"
        if self.end_button.objectName() != kind:
            self.end_button.setObjectName(kind)
            self.end_button.style().unpolish(self.end_button)
            self.end_button.style().polish(self.end_button)
        self.end_button.setEnabled(self.editable)
        self.correct_button.setEnabled(self.editable and started)
        self.attendance.show_record(rec, self.editable)
        self.minutes.show_record(rec, self.editable)
        self.decisions.rows_model.set_rows(rec.decisions)
        self.decisions.setVisible(bool(rec.decisions))
        self.no_decisions.setVisible(not rec.decisions)
        self.layout().setStretchFactor(self.decided_box, 2 if rec.decisions else 0)
        self.tick()
        if started and not ended and self.isVisible():
            self.ticker.start()
        else:
            self.ticker.stop()

    def _status_words(self, rec: ConferenceRecord) -> str:
        if rec.status == ConferenceStatus.CANCELLED.value:
            return f"Cancelled: {rec.cancel_reason or 'no reason given'}"
        planned = f"planned for {rec.planned_minutes} minutes"
        when = utc(rec.scheduled_at).astimezone()
        if rec.started_at is None:
            return (
                f"Not started — {when:%d/%m/%Y %H:%M}, {planned}. Press Start when everyone is on."
            )
        if rec.ended_at is None:
            return f"In progress since {_hm(rec.started_at)} ({planned})"
        day = utc(rec.started_at).astimezone()
        return (
            f"Held {day:%d/%m/%Y} from {_hm(rec.started_at)} to {_hm(rec.ended_at)}: "
            f"{rec.elapsed_minutes} minutes"
        )

    def tick(self) -> None:
        rec = self.rec
        if rec is None:
            return
        seconds = elapsed_seconds(rec.started_at, rec.ended_at, self.now())
        self.clock.setText(clock_text(seconds))
        self.tier_bar.set_elapsed(seconds, rec.planned_minutes)
        items, upcoming = tier_words(seconds)
        self.status.setText(self._status_words(rec))
        if seconds is None:
            self.tier_label.setText("Tiers: 15, 20 and 40 minutes (items 735–758)")
            self.next_label.setText("The clock starts when you press Start meeting.")
        else:
            self.tier_label.setText(items)
            over = seconds // 60 - rec.planned_minutes
            if not rec.ended_at and over > 0:
                upcoming += f" · {over} min over the planned {rec.planned_minutes}"
            self.next_label.setText("" if rec.ended_at else upcoming)

    def showEvent(self, event) -> None:  # Qt override: the clock runs while it can be seen
        super().showEvent(event)
        if self.rec is not None and self.rec.started_at and not self.rec.ended_at:
            self.tick()
            self.ticker.start()

    def hideEvent(self, event) -> None:  # Qt override: leaving the page saves the minutes
        self.ticker.stop()
        self.minutes.flush()
        self._minutes_told()
        super().hideEvent(event)

    def _minutes_told(self) -> None:
        """The other pages (the agenda's minutes column, the checklist) read what was saved."""
        if self.minutes.publish_saved():
            self.ctx.reload()

    def has_unsaved_edits(self) -> bool:
        return self.minutes.has_unsaved()

    def confirm_close(self) -> bool:
        """The window is closing: save the minutes; if they cannot be saved, ask."""
        if self.minutes.flush():
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Minutes not saved")
        box.setText("Some minutes could not be saved.")
        box.setInformativeText(self.minutes.error.text())
        keep = box.addButton("Keep the window open", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Close without them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.question = box
        box.exec()
        return box.clickedButton() is not keep

    def report_error(self, exc: Exception | str) -> None:
        show_error(self.error, exc)

    # -- actions ---------------------------------------------------------------------------
    def start_meeting(self) -> None:
        if self.rec is None or not self.editable:
            return
        booked = self.rec.scheduled_at
        booked = booked if booked.tzinfo else booked.replace(tzinfo=UTC)
        if abs(self.now() - booked) > EARLY_OR_LATE and not self._confirm(
            "Start the meeting now?",
            f"This conference is booked for {when_text(booked)}. Start it now, "
            "and stamp the start time as now?",
            "Start now",
            cancel="Not now",
        ):
            return
        state = self.ctx.state
        try:
            result = meeting_service.start_meeting(state.ws, state.actor, self.rec.id)
        except CareCoordError as exc:
            self.report_error(exc)
            return
        self.error.hide()
        self.ctx.written(result)
        self.minutes.editor.setFocus()

    def end_meeting(self) -> bool:
        if self.rec is None or not self.editable:
            return False
        if self.rec.started_at is None:
            self.report_error(
                "The meeting has not started, so it cannot end: press Start meeting when "
                "everyone is on (or correct the times afterwards)."
            )
            return False
        seconds = elapsed_seconds(self.rec.started_at, None, self.now()) or 0
        items, _ = tier_words(seconds)
        short = (
            "\n\nUnder 15 minutes: no case-conference item applies." if seconds < 15 * 60 else ""
        )
        if not self._confirm(
            "End the meeting?",
            f"The meeting has run {clock_text(seconds)}: {items}.{short}",
            "End meeting",
        ):
            return False
        saved = self.minutes.flush()
        self.minutes.publish_saved()  # the end's record, shown next, has the minutes too
        state = self.ctx.state
        try:
            result = meeting_service.end_meeting(state.ws, state.actor, self.rec.id)
        except CareCoordError as exc:
            self.report_error(exc)
            return False
        if saved:
            self.error.hide()
        self.ctx.written(result)
        return True

    def _confirm(self, title: str, text: str, action: str, cancel: str = "Keep going") -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(title)
        box.setInformativeText(text)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)  # a stray Enter never ends (or starts) the meeting
        box.setEscapeButton(stay)
        self.question = box
        box.exec()
        return box.clickedButton() is go

    def correct_times(self):
        from carecoord_desktop.ui.conferences.times_dialog import CorrectTimesDialog

        if self.rec is None or not self.editable:
            return None
        dialog = CorrectTimesDialog(self.ctx, self.rec, self.ctx.window)
        self.times_dialog = dialog
        dialog.open()
        return dialog

    def add_decision(self, item_id: int | None = None):
        from carecoord_desktop.ui.conferences.decision_dialog import DecisionDialog

        if self.rec is None or not self.editable:
            return None
        self.minutes.flush()
        self.minutes.publish_saved()  # the decision's reload reads them
        dialog = DecisionDialog(self.ctx, self.rec, item_id, self.ctx.window)
        dialog.decision_added.connect(lambda _row: self.ctx.reload())
        self.decision_dialog = dialog
        dialog.open()
        return dialog
