"""The conference window: one per conference, shared by the practice's list and the record's
Conferences tab (opening one already open brings its window forward, as the plan editors do).

A header (patient, date, status and a one-line state: "Agreement not recorded", "In progress
23 min", "Held: 42 minutes, items 743/758") over a tab per page of PAGES. The conference is
read on a worker; every page is given a ConferenceContext and shown the record after each load
and each write. A change notice for the patient's conferences (another window, another user's
write seen on the same workstation) reads it again.
"""

from __future__ import annotations

from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from carecoord_desktop.services.changes import Changed, Changes, Kind
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.meeting import tier_for
from carecoord_desktop.services.conferences.types import ConferenceRecord, status_label
from carecoord_desktop.ui.conferences.agenda import AgendaPage
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.details import DetailsPage
from carecoord_desktop.ui.conferences.meeting import MeetingPage
from carecoord_desktop.ui.conferences.summary_page import SummaryPage
from carecoord_desktop.ui.conferences.when import day_text, when_text
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.messages import error_label, show_error

PAGES = (
    ("details", "Details and people", DetailsPage),
    ("agenda", "Agenda", AgendaPage),
    ("meeting", "Meeting", MeetingPage),
    ("summary", "Summary and check", SummaryPage),
)

_ATTR = "_conference_windows"


def state_line(rec: ConferenceRecord, now: datetime | None = None) -> str:
    """The one line under the header that says where the conference stands."""
    if rec.status == "cancelled":
        return "Cancelled" + (f": {rec.cancel_reason}" if rec.cancel_reason else "")
    if rec.status == "held" or rec.elapsed_minutes is not None:
        minutes = rec.elapsed_minutes or 0
        tier = tier_for(minutes)
        items = (
            f"items {tier.organiser_item}/{tier.participant_item}"
            if tier.organiser_item
            else "under 15 minutes: no case-conference item"
        )
        return f"Held: {minutes} minute{'s' if minutes != 1 else ''}, {items}"
    if rec.started_at is not None:
        started = rec.started_at if rec.started_at.tzinfo else rec.started_at.replace(tzinfo=UTC)
        elapsed = int(((now or datetime.now(UTC)) - started).total_seconds() // 60)
        return f"In progress {max(elapsed, 0)} min"
    if rec.agreed is None:
        return "Agreement not recorded"
    if rec.agreed is False:
        return "The patient did not agree to the conference"
    how = {"verbal": " verbally", "written": " in writing"}.get(rec.agreed_how or "", "")
    return f"The patient agreed{how} on {day_text(rec.agreed_on)}"


class ConferenceWindow(QMainWindow):
    """One care conference, its pages in tabs."""

    conference_loaded = Signal(object)  # ConferenceRecord, after every load and write
    load_failed = Signal(str)

    def __init__(self, state: AppState, conference_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("conferenceWindow")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.state, self.conference_id = state, conference_id
        self.record: ConferenceRecord | None = None
        self._generation = 0  # a reload's answer older than the last one asked is dropped
        self._own_write = False
        self.setWindowTitle("Care conference — opening…")
        # Wide enough for the details form beside the people (1180 cut its fields), never
        # wider than the screen of a small laptop.
        room = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1320, room.width() - 40), min(860, room.height() - 60))
        self.setMinimumSize(900, 600)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(12, 10, 12, 8)
        self.header = QLabel()
        self.header.setObjectName("conferenceHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setObjectName("conferenceState")
        self.error = error_label()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("conferencePages")
        self.tabs.setDocumentMode(True)
        outer.addWidget(self.header)
        outer.addWidget(self.state_label)
        outer.addWidget(self.error)
        outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.context = ConferenceContext(
            state=state,
            conference_id=conference_id,
            window=self,
            written=self.written,
            reload=self.reload,
            go_to_page=self.go_to_page,
        )
        self.pages: dict[str, QWidget] = {}
        for key, title, page_type in PAGES:
            page = page_type(self.context)
            page.setObjectName(f"conference_{key}")
            self.pages[key] = page
            self.tabs.addTab(page, title)
        self.tabs.setEnabled(False)  # until the conference has loaded

        # The "In progress 23 min" line moves on while the meeting runs.
        self.clock = QTimer(self)
        self.clock.setInterval(30_000)
        self.clock.timeout.connect(self._tick)
        QShortcut(QKeySequence.StandardKey.Close, self, activated=self.close)
        # Pages by keyboard from inside any field, as in the care plan editor.
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            QShortcut(QKeySequence(keys), self, activated=lambda s=step: self._step_page(s))
        state.changes_published.connect(self._changes_published)
        state.workspace_replaced.connect(self.reload)  # a restore: what it shows may be gone
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        start_job(
            self,
            confs.load_conference,
            self.state.ws,
            self.state.actor,
            self.conference_id,
            on_done=lambda rec, g=generation: self._loaded(g, rec),
            on_failed=lambda exc, g=generation: self._failed(g, exc),
        )

    def _loaded(self, generation: int, rec: ConferenceRecord) -> None:
        if generation == self._generation:
            self.show_record(rec)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        show_error(self.error, exc)
        self.load_failed.emit(str(exc))

    def written(self, result: Changed[ConferenceRecord]) -> None:
        """A page wrote: publish what changed (other windows and screens refresh) and show the
        record the write returned here, without reading it again."""
        self._own_write = True
        try:
            rec = self.state.publish(result)
        finally:
            self._own_write = False
        self._generation += 1  # a read started before this write is older than it
        self.show_record(rec)

    def _changes_published(self, changes: Changes) -> None:
        if self._own_write or self.record is None:
            return
        if changes.touches({Kind.CONFERENCES}, self.record.patient_id):
            self.reload()

    # -- showing -----------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord) -> None:
        self.record = rec
        self.error.hide()
        self.tabs.setEnabled(True)
        self.setWindowTitle(f"Care conference — {rec.patient_name} — {day_text(rec.scheduled_at)}")
        place = rec.place or ("Video" if rec.video_link else "")
        self.header.setText(
            f"<b style='font-size: 13pt'>{_esc(rec.patient_name)}</b>"
            f" &nbsp;·&nbsp; {_esc(rec.practice_id)}"
            f" &nbsp;·&nbsp; {_esc(rec.title)}"
            f"<br>{when_text(rec.scheduled_at)}"
            + (f" &nbsp;·&nbsp; {_esc(place)}" if place else "")
            + f" &nbsp;·&nbsp; <b>{status_label(rec.status)}</b>"
        )
        self._tick()
        if rec.status == "in_progress":
            self.clock.start()
        else:
            self.clock.stop()
        for page in self.pages.values():
            page.show_record(rec)
        self.conference_loaded.emit(rec)

    def _tick(self) -> None:
        if self.record is not None:
            self.state_label.setText(state_line(self.record))
            # What still needs doing stands out; where it stands otherwise reads calmly.
            waiting = self.record.status == "scheduled" and not self.record.agreed
            self.state_label.setStyleSheet(
                "color: #8a4b00; font-weight: 600;" if waiting else "color: #1f3b57;"
            )

    def _step_page(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def go_to_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def has_unsaved_edits(self) -> bool:
        return any(
            callable(getattr(p, "has_unsaved_edits", None)) and p.has_unsaved_edits()
            for p in self.pages.values()
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        # A page with typed input asks first (ask_discard); "Keep editing" keeps the window.
        for page in self.pages.values():
            confirm = getattr(page, "confirm_close", None)
            if callable(confirm) and not confirm():
                event.ignore()
                return
        self.clock.stop()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # Qt override: a lock hides it; no clock meanwhile
        self.clock.stop()
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        if self.record is not None and self.record.status == "in_progress":
            self._tick()
            self.clock.start()


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- one window per conference ---------------------------------------------------------------
def _windows(state: AppState) -> dict[int, ConferenceWindow]:
    windows = getattr(state, _ATTR, None)
    if windows is None:
        windows = {}
        setattr(state, _ATTR, windows)
        state.actor_changed.connect(lambda _actor: close_all(state))
    for cid, window in list(windows.items()):
        if not shiboken6.isValid(window):
            del windows[cid]
    return windows


def open_conference(
    state: AppState, conference_id: int, parent: QWidget | None = None
) -> ConferenceWindow:
    """Show the conference's window, the open one brought forward."""
    windows = _windows(state)
    window = windows.get(conference_id)
    if window is None:
        window = ConferenceWindow(
            state, conference_id, parent.window() if parent is not None else None
        )
        windows[conference_id] = window
        window.destroyed.connect(
            lambda _obj=None, cid=conference_id: _windows(state).pop(cid, None)
        )
    elif not window.isVisible():
        window.reload()  # closed earlier: it may have missed what changed meanwhile
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_windows(state: AppState) -> list[ConferenceWindow]:
    return list(_windows(state).values())


def close_all(state: AppState) -> None:
    """A new user: the previous user's conference windows go, without a question the new user
    could answer."""
    for window in list(_windows(state).values()):
        window.blockSignals(True)
        window.clock.stop()
        window.hide()
        window.deleteLater()
    _windows(state).clear()
