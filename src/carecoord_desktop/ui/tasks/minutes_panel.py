"""Coordination minutes for one patient: the timer (it lives in the database, so a lock, a
sign-out or a crash keeps it; this only shows it), time typed in by hand, and the month's total
against the 20 / 40 / 60-minute thresholds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.tasks import minutes as minutes_service
from carecoord_desktop.services.tasks.minutes import MAX_ENTRY_MINUTES, TimerRow
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.date_field import DateField
from carecoord_desktop.ui.widgets.messages import error_label, show_error


def clock(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def standing(total: int, threshold) -> str:
    if not total:
        return "This month: no minutes yet (thresholds at 20, 40 and 60 minutes)"
    words = f"This month: {total} min"
    if threshold.reached:
        words += f" — past {threshold.reached}"
    if threshold.next is not None:
        words += f"; {threshold.to_next} min to {threshold.next}"
    return words


class MinutesPanel(QGroupBox):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__("Coordination minutes", parent)
        self.state = state
        self.patient_id: int | None = None
        self.timer_row: TimerRow | None = None
        self.error = error_label()
        self.clock = QLabel("0:00:00")
        self.clock.setObjectName("timerClock")
        self.clock.setStyleSheet("font-size: 16pt; font-weight: 600; color: #12355b;")
        self.clock_state = QLabel("Not timing")
        self.clock_state.setObjectName("pageSubtitle")
        self.start_button = QPushButton("&Start timer")
        self.start_button.setObjectName("primary")
        self.start_button.setToolTip(
            "Time your work on this patient; it keeps running if the screen locks or you sign out"
        )
        self.start_button.clicked.connect(self.start_or_resume)
        self.pause_button = QPushButton("&Pause")
        self.pause_button.clicked.connect(self.pause)
        self.stop_button = QPushButton("S&top and save…")
        self.stop_button.setToolTip("Save the time timed as one entry, saying what was done")
        self.stop_button.clicked.connect(self.stop)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("destructive")
        self.discard_button.clicked.connect(self.discard)
        timer_row = QHBoxLayout()
        timer_row.addWidget(self.clock)
        timer_row.addWidget(self.clock_state, 1)
        for button in (self.start_button, self.pause_button, self.stop_button, self.discard_button):
            timer_row.addWidget(button)

        self.manual_minutes = QSpinBox()
        self.manual_minutes.setRange(1, MAX_ENTRY_MINUTES)
        self.manual_minutes.setValue(10)
        self.manual_minutes.setSuffix(" min")
        self.manual_activity = QLineEdit()
        self.manual_activity.setMaxLength(200)
        self.manual_activity.setPlaceholderText(
            "What was done, e.g. Phoned pharmacy about Webster pack"
        )
        self.manual_day = DateField("day worked")
        self.manual_day.set_value(date.today())
        add = QPushButton("&Add minutes")
        add.clicked.connect(self.add_manual)
        manual = QHBoxLayout()
        manual.addWidget(self.manual_minutes)
        manual.addWidget(self.manual_activity, 1)
        manual.addWidget(self.manual_day)
        manual.addWidget(add)

        self.total = QLabel()
        self.total.setObjectName("minutesTotal")
        self.total.setStyleSheet("font-weight: 600;")
        self.entries = QListWidget()
        self.entries.setMaximumHeight(110)
        form = QFormLayout()
        form.addRow("Timer", timer_row)
        form.addRow("By hand", manual)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(self.total)
        layout.addWidget(self.entries)

        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._show_clock)

    # -- reading -------------------------------------------------------------------------------
    def show_patient(self, patient_id: int) -> None:
        self.patient_id = patient_id
        self.reload()

    def reload(self) -> None:
        if self.patient_id is None:
            return
        ws, actor = self.state.ws, self.state.actor
        try:
            mine = [
                t for t in minutes_service.my_timers(ws, actor) if t.patient_id == self.patient_id
            ]
            entries, threshold = minutes_service.patient_month(
                ws, actor, self.patient_id, date.today().replace(day=1)
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.timer_row = mine[0] if mine else None
        self.total.setText(standing(sum(e.minutes for e in entries), threshold))
        self.entries.clear()
        for e in reversed(entries):
            how = "timer" if e.source == "timer" else "by hand"
            self.entries.addItem(
                f"{e.work_date:%d/%m}  {e.minutes} min  {e.activity} — {e.staff_name} ({how})"
            )
        if not entries:
            self.entries.addItem("No minutes recorded this month")
        self._show_timer()

    def _show_timer(self) -> None:
        t = self.timer_row
        running = t is not None and t.running
        self.start_button.setText("&Resume" if t is not None and not running else "&Start timer")
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(t is not None)
        self.discard_button.setEnabled(t is not None)
        if t is None:
            self.clock_state.setText("Not timing")
        else:
            since = t.started_at.astimezone().strftime("%H:%M")
            self.clock_state.setText(("Running" if running else "Paused") + f" · started {since}")
        self._show_clock()
        if running and self.isVisible():
            self.tick.start()
        else:
            self.tick.stop()

    def _show_clock(self) -> None:
        t = self.timer_row
        self.clock.setText(clock(t.elapsed_at(datetime.now(UTC)) if t else 0))

    def showEvent(self, event) -> None:  # Qt override: the clock ticks only while shown
        super().showEvent(event)
        if self.timer_row is not None:
            self.reload()  # another window (or before a lock) may have paused it

    def hideEvent(self, event) -> None:  # Qt override
        self.tick.stop()
        super().hideEvent(event)

    # -- writing -------------------------------------------------------------------------------
    def _write(self, fn, *args, **kwargs) -> bool:
        self.error.hide()
        try:
            self.state.publish(fn(self.state.ws, self.state.actor, *args, **kwargs))
        except CareCoordError as exc:
            show_error(self.error, exc)
            self.reload()
            return False
        self.reload()
        return True

    def start_or_resume(self) -> None:
        t = self.timer_row
        if t is None:
            self._write(minutes_service.start_timer, self.patient_id)
        else:
            self._write(minutes_service.resume_timer, t.id, version=t.version)

    def pause(self) -> None:
        if self.timer_row is not None:
            self._write(
                minutes_service.pause_timer, self.timer_row.id, version=self.timer_row.version
            )

    def stop(self) -> None:
        t = self.timer_row
        if t is None:
            return
        activity, ok = QInputDialog.getText(
            self,
            "Save the time",
            f"{clock(t.elapsed_at(datetime.now(UTC)))} timed. What was done?",
            text=t.activity or "",
        )
        if ok:
            self._write(minutes_service.stop_timer, t.id, activity=activity, version=t.version)

    def discard(self) -> None:
        if self.timer_row is not None:
            self._write(
                minutes_service.discard_timer, self.timer_row.id, version=self.timer_row.version
            )

    def add_manual(self) -> None:
        try:
            day = self.manual_day.value()
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        if self._write(
            minutes_service.add_minutes,
            self.patient_id,
            minutes=self.manual_minutes.value(),
            activity=self.manual_activity.text(),
            work_date=day,
        ):
            self.manual_activity.clear()


__all__ = ["MinutesPanel", "Qt"]
