"""The one way to open a patient's record: the shell owns a RecordOpener and hands it to every
screen (ScreenContext.open_record), so the Patients screen, the task board or a conference all
open the same window for a patient, and an open one is brought forward instead of doubled.

The opener keeps the open record windows by patient id and closes them all when the session
ends (switch user, or a lock that another user unlocks). Windows refresh themselves from change
notices; the opener never refreshes anything.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from carecoord_desktop.ui.patients.record import PatientRecordDialog
from carecoord_desktop.ui.patients.record_sections import RECORD_SECTIONS, SectionSpec
from carecoord_desktop.ui.shell.state import AppState


class RecordOpener(QObject):
    def __init__(
        self,
        state: AppState,
        window_parent: QWidget | None = None,
        *,
        sections: tuple[SectionSpec, ...] = RECORD_SECTIONS,
    ) -> None:
        super().__init__(window_parent)
        self.state = state
        self.window_parent = window_parent  # record windows stay on top of the main window
        self.sections = sections
        self._windows: dict[int, PatientRecordDialog] = {}
        self._new: list[PatientRecordDialog] = []  # "New patient" windows not yet saved

    def open(self, patient_id: int) -> PatientRecordDialog:
        """Show the patient's record: the open window brought forward, else a new one."""
        window = self._windows.get(patient_id)
        if window is None or not shiboken6.isValid(window):
            window = self._make(patient_id)
            self._windows[patient_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def new_patient(self) -> PatientRecordDialog:
        """A window on the "New patient" form; once saved it is that patient's record window."""
        window = PatientRecordDialog.new(self.state, self.window_parent, sections=self.sections)
        self._wire(window)
        self._new.append(window)
        window.show()
        return window

    def window_for(self, patient_id: int) -> PatientRecordDialog | None:
        return self._windows.get(patient_id)

    def open_windows(self) -> list[PatientRecordDialog]:
        return [w for w in (*self._windows.values(), *self._new) if shiboken6.isValid(w)]

    def close_all(self) -> None:
        """Close every record window for good, asking nothing (the session is ending: the
        next user must see none of them, and nothing they emit reaches the next session)."""
        for window in self.open_windows():
            window.blockSignals(True)
            window.hide()
            window.deleteLater()
        self._windows.clear()
        self._new.clear()

    # -- bookkeeping -------------------------------------------------------------------------
    def _make(self, patient_id: int) -> PatientRecordDialog:
        window = PatientRecordDialog(
            self.state, patient_id, self.window_parent, sections=self.sections
        )
        self._wire(window)
        return window

    def _wire(self, window: PatientRecordDialog) -> None:
        window.record_open_requested.connect(self.open)
        window.record_shown.connect(lambda pid, w=window: self._shown(w, pid))
        window.finished.connect(lambda _result, w=window: self._closed(w))

    def _shown(self, window: PatientRecordDialog, patient_id: int) -> None:
        if window in self._new:  # a new patient was saved: its window is now their record's
            self._new.remove(window)
            self._windows.setdefault(patient_id, window)

    def _closed(self, window: PatientRecordDialog) -> None:
        # A closed window is deleted, so it stops re-reading the record on every notice.
        for pid, w in list(self._windows.items()):
            if w is window:
                del self._windows[pid]
        if window in self._new:
            self._new.remove(window)
        window.deleteLater()
