"""The "Details and people" page: when and where, the organiser, the patient's questions, the
invitees with their attendance, the live case-conference team line, and the patient's
agreement as its own small group with its own save.

The details and the invitees are one draft saved with update_conference at the version they
were opened at: a save after someone else's is refused with their name and a Reload, and what
was typed stays on screen. A write elsewhere that did not change what this form shows (the
agreement, the agenda, the meeting) moves the form onto the new version silently.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError, ValidationError
from carecoord_desktop.models.conference import ConferenceStatus
from carecoord_desktop.services.conferences import conferences as confs
from carecoord_desktop.services.conferences.types import ConferenceDraft, ConferenceRecord
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.agreement import AgreementBox
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.invitees import InviteesBox
from carecoord_desktop.ui.conferences.people import draft_of
from carecoord_desktop.ui.conferences.when import local_datetime, typed_time
from carecoord_desktop.ui.conferences.when_where import WhenWhereBox
from carecoord_desktop.ui.widgets.banner import Banner
from carecoord_desktop.ui.widgets.form_kit import ask_discard
from carecoord_desktop.ui.widgets.messages import error_label, show_error

# The service's field names (ValidationError.field) -> the box that shows the message.
_FIELD_ALIASES = {"scheduled_at": "date", "scheduled_date": "date", "scheduled_time": "time"}


class DetailsPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.state = ctx, ctx.state
        self.record: ConferenceRecord | None = None
        self.base_version: int | None = None
        self.opened: tuple | None = None  # what the form showed when it was loaded
        self._take_next = False  # our own save: show what it returned, whatever was typed
        self.may_edit = can(self.state.actor, Permission.EDIT_CARE_PLANS)

        self.banner = Banner("detailsStale")
        self.read_only = Banner("detailsReadOnly")
        self.error = error_label()

        self.when = WhenWhereBox(self)
        self.when.edited.connect(self._edited)
        self.when.date.problem_changed.connect(
            lambda text: self._problem("date", text, focus=False)
        )
        # The fields by name, as tests and the other pages reach them.
        w = self.when
        self.date, self.time, self.minutes, self.title = w.date, w.time, w.minutes, w.title
        self.place, self.video, self.organiser, self.questions = (
            w.place, w.video, w.organiser, w.questions
        )  # fmt: skip
        self.boxes = w.boxes

        self.invitees = InviteesBox(self)
        self.invitees.people_changed.connect(self._edited)
        self.save_button = QPushButton("&Save details")
        self.save_button.setObjectName("saveDetails")
        self.save_button.setToolTip("Save the details and the invitees (Ctrl+S)")
        self.revert_button = QPushButton("Undo my changes")
        self.cancel_button = QPushButton("Cancel the conference…")
        self.cancel_button.setObjectName("cancelConference")
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        self.agreement = AgreementBox(self)
        self.agreement.save_button.clicked.connect(self.save_agreement)

        # Left: when and where, and the agreement (scrolling rather than squeezed on a small
        # screen); right: the people.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.when)
        left_layout.addWidget(self.agreement)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("detailsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)
        body = QHBoxLayout()
        body.addWidget(scroll, 2)
        body.addWidget(self.invitees, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only)
        layout.addWidget(self.banner)
        layout.addWidget(self.error)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.cancel_button.clicked.connect(lambda: self.cancel_conference())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self._edited()

    # -- showing -----------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord) -> None:
        first = self.record is None or self.record.patient_id != rec.patient_id
        self.record = rec
        if first:
            self.invitees.load_invitables(self.state, rec.patient_id)
            self.when.fill_organisers(self.invitees.invitables, rec)
        stored = self._snapshot_of(rec)
        if self._take_next or not self.has_unsaved_edits():
            self._take_next = False
            self._load(rec)
        elif stored == self.opened:
            self.base_version = rec.version  # their write changed nothing shown here
        else:
            self.banner.show_message(
                "The details or invitees were changed elsewhere (another page, or another"
                " user) while you were editing. What you typed is still here; Reload shows"
                " what is saved.",
                [("Reload their changes", self.reload_stored)],
                focus=False,  # a change noticed while typing: the typing keeps the focus
            )
        self.agreement.show_record(rec)
        self._apply_permissions()

    def _load(self, rec: ConferenceRecord) -> None:
        self.base_version = rec.version
        for box in self.boxes.values():
            box.show_problem("")
        self.error.hide()
        self.banner.clear()
        self.when.fill_organisers(self.invitees.invitables, rec)
        self.when.load(rec)
        self.invitees.set_people([draft_of(p) for p in rec.participants], held=self._held(rec))
        self.opened = self._snapshot()
        self._edited()

    @staticmethod
    def _held(rec: ConferenceRecord) -> bool:
        return rec.status in (ConferenceStatus.HELD.value, ConferenceStatus.IN_PROGRESS.value)

    def _snapshot(self) -> tuple:
        return (*self.when.snapshot(), tuple(self.invitees.model.people))

    @staticmethod
    def _snapshot_of(rec: ConferenceRecord) -> tuple:
        return (*WhenWhereBox.snapshot_of(rec), tuple(draft_of(p) for p in rec.participants))

    def has_unsaved_edits(self) -> bool:
        return self.opened is not None and self._snapshot() != self.opened

    def confirm_close(self) -> bool:
        if not self.has_unsaved_edits() and not self.agreement.has_unsaved_edits():
            return True
        return ask_discard(self, "Close the conference without saving its details?")

    def _edited(self, *_args) -> None:
        dirty = self.has_unsaved_edits()
        self.save_button.setEnabled(self.may_edit and self._editable() and dirty)
        self.revert_button.setEnabled(dirty)
        if self.record is not None:
            self.invitees.update_team_line(held=self._held(self.record))

    def _editable(self) -> bool:
        return self.record is not None and self.record.status != ConferenceStatus.CANCELLED.value

    def _apply_permissions(self) -> None:
        self.may_edit = can(self.state.actor, Permission.EDIT_CARE_PLANS)
        editable = self.may_edit and self._editable()
        # Once the meeting has started, its day and time are the stamped ones (Meeting page).
        self.when.set_editable(editable, timed=editable and not self._held(self.record))
        self.invitees.set_editable(editable)
        self.agreement.set_editable(editable)
        self.cancel_button.setVisible(
            editable and self.record.status == ConferenceStatus.SCHEDULED.value
        )
        self.save_button.setVisible(self.may_edit)
        self.revert_button.setVisible(self.may_edit)
        if not self.may_edit:
            self.read_only.show_message(
                "You can read this conference; scheduling and changing it is for the GPs,"
                " nurses and coordinators.",
                tone="info",
            )
        elif not self._editable():
            self.read_only.show_message("This conference was cancelled.", tone="info")
        else:
            self.read_only.clear()
        self._edited()

    # -- saving ------------------------------------------------------------------------------
    def draft(self) -> ConferenceDraft:
        """What the form holds, or ValidationError naming the field that is wrong."""
        rec = self.record
        day = self.date.value()
        at = typed_time(self.time.text(), "time")
        title = self.title.text().strip()
        if not title:
            raise ValidationError("Give the conference a title.", field="title")
        return ConferenceDraft(
            patient_id=rec.patient_id,
            scheduled_at=local_datetime(day, at),
            planned_minutes=self.minutes.value(),
            title=title,
            place=self.place.text().strip() or None,
            video_link=self.video.text().strip() or None,
            organiser_id=self.organiser.currentData(),
            plan_id=rec.plan_id,
            patient_questions=self.questions.toPlainText().strip() or None,
            participants=tuple(self.invitees.model.people),
            id=rec.id,
        )

    def save(self) -> bool:
        if self.record is None or not (self.may_edit and self._editable()):
            return False
        for box in self.boxes.values():
            box.show_problem("")
        self.error.hide()
        self.invitees.error.hide()
        try:
            draft = self.draft()
            result = confs.update_conference(
                self.state.ws, self.state.actor, draft, base_version=self.base_version
            )
        except StaleEditError as exc:
            self.banner.show_message(
                str(exc), [("Reload their changes", self.reload_stored)], focus=False
            )
            return False
        except ValidationError as exc:
            self._show_validation(exc)
            return False
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self._take_next = True
        self.ctx.written(result)
        return True

    def _show_validation(self, exc: ValidationError) -> None:
        name = _FIELD_ALIASES.get(exc.field or "", exc.field or "")
        if name == "participants" or name.startswith("participant"):
            show_error(self.invitees.error, exc)
        elif not self._problem(name, str(exc)):
            show_error(self.error, exc)

    def _problem(self, name: str, text: str, *, focus: bool = True) -> bool:
        box = self.boxes.get(name)
        if box is None:
            return False
        box.show_problem(text)
        if text and focus:
            box.input.setFocus()
        return True

    def revert(self) -> None:
        if self.record is not None:
            self._load(self.record)

    def reload_stored(self) -> None:
        """Take the saved conference into the form (after a refused save, or their write)."""
        self.banner.clear()
        self._take_next = True
        self.ctx.reload()

    def save_agreement(self) -> bool:
        if self.record is None or not self.may_edit:
            return False
        try:
            values = self.agreement.values()
            result = confs.record_agreement(
                self.state.ws,
                self.state.actor,
                self.record.id,
                base_version=self.record.version,
                **values,
            )
        except StaleEditError as exc:
            self.agreement.show_problem(None, str(exc))
            self.ctx.reload()
            return False
        except CareCoordError as exc:
            self.agreement.show_problem(getattr(exc, "field", None), str(exc))
            return False
        self.agreement.take_next()
        self.ctx.written(result)
        return True

    def cancel_conference(self, reason: str | None = None) -> bool:
        """Cancel it, with the reason asked for when not given (the invitees may ask why)."""
        if self.record is None or not (self.may_edit and self._editable()):
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "Cancel the conference", "Why is it cancelled? (the invitees may ask)"
            )
            if not ok:
                return False
        try:
            result = confs.cancel_conference(
                self.state.ws,
                self.state.actor,
                self.record.id,
                reason,
                base_version=self.record.version,
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self._take_next = True
        self.ctx.written(result)
        return True
