"""The patient record window: header band, tabs of the record, edit/archive/merge.

Everything shown comes from services.patients.get_record (opening, audited as a VIEW) or from
the record a write returns. The tabs are the declared RECORD_SECTIONS the role may see; on a
change notice for this patient the window re-reads the record (not a new view: no VIEW row) and
refreshes only the sections whose kinds it touches.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Changes
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.types import PatientRecord
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.patients.archive import ArchiveDialog, confirm_unarchive
from carecoord_desktop.ui.patients.form import PatientForm
from carecoord_desktop.ui.patients.list_model import _medicare as medicare_text
from carecoord_desktop.ui.patients.record_sections import (
    RECORD_SECTIONS,
    SectionContext,
    SectionSpec,
    sections_for,
)
from carecoord_desktop.ui.patients.risk_panel import RiskExplanationView
from carecoord_desktop.ui.patients.sections import ALLERGY_STYLES, ListSection, allergy_banner
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_TIER_COLOURS = {"high": "#8e1b12", "medium": "#6b4e00", "low": "#1d5a2c"}
_BANNER = (
    "background: #fde8e8; color: #8e1b12; border: 1px solid #e5a3a3; padding: 6px 10px;"
    " font-weight: 600;"
)
_BADGE = (
    "background: #8e1b12; color: white; padding: 3px 8px; border-radius: 3px; font-weight: 700;"
)


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


class PatientRecordDialog(QDialog):
    """One patient's record. Open it through the shell's RecordOpener (it keeps one window per
    patient); PatientRecordDialog.new(state, parent) starts on the "New patient" form instead."""

    record_shown = Signal(int)  # patient id, once the window shows a record (a new one: saved)
    record_open_requested = Signal(int)  # another record to open (a possible duplicate)

    def __init__(
        self,
        state: AppState,
        patient_id: int | None,
        parent=None,
        *,
        sections: tuple[SectionSpec, ...] = RECORD_SECTIONS,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.record: PatientRecord | None = None
        self.form: PatientForm | None = None
        self.setMinimumSize(980, 680)
        self.resize(1200, 800)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        # The header (identity, allergies, risk) sits above the stack, so it stays in view
        # while "Edit details" is open: the allergies are never out of sight.
        self.header = self._header()
        self.header.hide()  # until there is a record (a "New patient" has none)
        outer.addWidget(self.header)
        outer.addWidget(self.stack, 1)
        self.view = QWidget()
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self.view)
        layout.setContentsMargins(0, 0, 0, 0)
        self.error = error_label()
        layout.addWidget(self.error)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_sections(sections)
        layout.addLayout(self._actions())
        state.changes_published.connect(self._changes_published)
        if patient_id is not None:
            self.reload(patient_id)

    @classmethod
    def new(
        cls, state: AppState, parent=None, *, sections: tuple[SectionSpec, ...] = RECORD_SECTIONS
    ) -> PatientRecordDialog:
        """A window showing the "New patient" form; on save it shows the new record and emits
        record_shown(new id). Cancel closes it."""
        dialog = cls(state, None, parent, sections=sections)
        dialog.setWindowTitle("New patient")
        dialog.edit_details()
        return dialog

    # -- building ----------------------------------------------------------------------------
    def _build_sections(self, specs: tuple[SectionSpec, ...]) -> None:
        """One tab per declared section the role may see; the lists found on them by key."""
        context = SectionContext(self.state, self)
        self.pages: dict[str, QWidget] = {}
        self.section_specs = sections_for(self.state.actor, specs)
        self.sections: dict[str, ListSection] = {}
        for spec in self.section_specs:
            page = spec.factory(context)
            self.pages[spec.key] = page
            self.tabs.addTab(page, spec.title)
            for section in getattr(page, "list_sections", ()):
                section.changed.connect(self.reload)
                self.sections[section.spec.key] = section
        if "allergies" in self.sections:
            self.nka_button = QPushButton("Record “no known allergies”")
            self.nka_button.clicked.connect(self.toggle_no_known_allergies)
            self.sections["allergies"].add_action(self.nka_button)

    def _header(self) -> QWidget:
        band = QFrame()
        band.setObjectName("card")
        grid = QVBoxLayout(band)
        grid.setContentsMargins(16, 10, 16, 10)
        self.banner = QLabel()
        self.banner.setStyleSheet(_BANNER)
        self.banner.setWordWrap(True)
        self.banner.hide()
        grid.addWidget(self.banner)
        top = QHBoxLayout()
        self.name = QLabel()
        self.name.setObjectName("pageTitle")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.interpreter = QLabel()
        self.interpreter.setStyleSheet(_BADGE)
        top.addWidget(self.name)
        top.addWidget(self.interpreter, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        self.tier = QLabel()
        self.tier.setTextFormat(Qt.TextFormat.RichText)
        self.why = QPushButton("Why?")
        self.why.setCheckable(True)
        self.why.setToolTip("Show the reasons for the risk tier")
        top.addWidget(self.tier)
        top.addWidget(self.why)
        grid.addLayout(top)
        self.allergy_line = QLabel()
        self.allergy_line.setObjectName("allergyBanner")
        self.allergy_line.setWordWrap(True)
        self.allergy_line.setTextFormat(Qt.TextFormat.RichText)
        self.allergy_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.allergy_line)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.details)
        self.reasons = RiskExplanationView()  # the Patients list's panel shows the same
        self.reasons.hide()
        self.why.toggled.connect(self.reasons.setVisible)
        grid.addWidget(self.reasons)
        return band

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.setObjectName("primary")
        self.edit_button.clicked.connect(self.edit_details)
        self.archive_button = QPushButton("Archive…")
        self.archive_button.clicked.connect(self.toggle_archived)
        self.merge_button = QPushButton("Merge with another record…")
        self.merge_button.clicked.connect(self.merge)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        row.addWidget(self.edit_button)
        row.addWidget(self.archive_button)
        row.addWidget(self.merge_button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # -- showing -----------------------------------------------------------------------------
    def reload(self, patient_id: int | None = None, only: frozenset[str] | None = None) -> None:
        """Open the record (`patient_id`: the view is audited), or read the shown one again
        after a change (not a new view), refreshing only the sections in `only` when given."""
        try:
            if patient_id is not None:
                rec = patients.get_record(self.state.ws, self.state.actor, patient_id)
            else:
                rec = patients.reread_record(self.state.ws, self.state.actor, self.record.id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.show_record(rec, only)

    def _changes_published(self, changes: Changes) -> None:
        if self.record is None or self.record.id not in changes.patient_ids:
            return
        touched = {s.key for s in self.section_specs if changes.touches(s.kinds)}
        self.reload(only=frozenset(touched))  # the header (risk, allergies) always follows

    def show_record(self, rec: PatientRecord, only: frozenset[str] | None = None) -> None:
        first = self.record is None or self.record.id != rec.id
        self.record = rec
        self.error.hide()
        self.setWindowTitle(f"{rec.display_name} — {rec.practice_id}")
        self.name.setText(rec.display_name)
        self.interpreter.setText(
            f"INTERPRETER NEEDED — {rec.preferred_language or 'language not recorded'}"
        )
        self.interpreter.setVisible(rec.interpreter_needed)
        medicare = medicare_text(rec.medicare_number) or "not recorded"
        text, style = allergy_banner(rec)
        self.allergy_line.setText(text)
        self.allergy_line.setStyleSheet(ALLERGY_STYLES[style])
        self.details.setText(
            f"Born {_d(rec.date_of_birth)} (age {rec.age}) · {rec.sex.value.capitalize()} · "
            f"Practice ID {rec.practice_id} · Medicare {medicare} · "
            f"Coordinator: {rec.coordinator_name or 'none'}"
        )
        tier = rec.risk_tier or "unknown"
        colour = _TIER_COLOURS.get(tier, "#12355b")
        self.tier.setText(f"<b>Risk: <span style='color:{colour}'>{tier.capitalize()}</span></b>")
        if rec.risk is not None:
            self.tier.setToolTip(rec.risk.summary)
            self.reasons.show_explanation(rec.risk)
        self.why.setVisible(rec.risk is not None)
        self.header.show()
        for key, page in self.pages.items():
            if only is None or key in only:
                page.show_record(rec)
        self._apply_permissions(rec)
        if first:
            self.record_shown.emit(rec.id)

    def _apply_permissions(self, rec: PatientRecord) -> None:
        actor = self.state.actor
        may_edit = can(actor, Permission.EDIT_PATIENTS)
        merged_into = None
        if rec.merged_into_id is not None:
            rows = registry.fetch_rows(self.state.ws, actor, [rec.merged_into_id])
            row = rows.get(rec.merged_into_id)
            merged_into = f"{row.practice_id} {row.display_name}" if row else "another record"
            self.banner.setText(
                f"MERGED into {merged_into} on {_d(rec.archived_at)}. This record is kept for "
                "reference only: open the merged record to make changes."
            )
        elif rec.archived:
            why = f" Reason: {rec.archive_reason}." if rec.archive_reason else ""
            self.banner.setText(
                f"ARCHIVED on {_d(rec.archived_at)}.{why} The record is kept but hidden from "
                "lists; unarchive it to make changes."
            )
        self.banner.setVisible(rec.archived)
        locked = None
        if merged_into is not None:
            locked = "This record was merged into another one: open that record instead."
        elif rec.archived:
            locked = "This record is archived: unarchive it to make changes."
        role = actor.role.label
        for section in self.sections.values():
            if locked:
                section.set_editable(False, locked)
            elif not can(actor, section.spec.permission):
                what = section.spec.rows_attr.replace("_", " ")
                section.set_editable(False, f"Only clinical staff can change {what}.")
            else:
                section.set_editable(True, "")
        self._apply_allergy_status(rec, locked)
        no_edit = f"A {role} account cannot edit patient records."
        self.edit_button.setEnabled(may_edit and not locked)
        self.edit_button.setToolTip(locked or ("" if may_edit else no_edit))
        self.archive_button.setText("Unarchive…" if rec.archived else "Archive…")
        self.archive_button.setEnabled(may_edit and merged_into is None)
        self.archive_button.setToolTip(
            "A merged record stays archived." if merged_into else ("" if may_edit else no_edit)
        )
        may_merge = may_edit and can(actor, Permission.EDIT_CARE_PLANS)
        self.merge_button.setEnabled(may_merge and not locked)
        self.merge_button.setToolTip(
            locked
            or (
                "" if may_merge else f"A {role} account cannot merge records (clinical lists move)."
            )
        )

    def _apply_allergy_status(self, rec: PatientRecord, locked: str | None) -> None:
        if "allergies" not in self.sections:
            return  # no section shows the allergy list
        section, button = self.sections["allergies"], self.nka_button
        known_none = rec.allergy_status == "none_known" and not rec.allergies
        section.empty.setText(
            "No known allergies (recorded)." if known_none else "Allergies not yet recorded."
        )
        button.setText(
            "Withdraw “no known allergies”" if known_none else "Record “no known allergies”"
        )
        may = can(self.state.actor, Permission.EDIT_CARE_PLANS)
        button.setVisible(not rec.allergies)
        button.setEnabled(may and not locked)
        button.setToolTip(
            locked
            or (
                "Record that the patient was asked and has no known allergies"
                if may
                else f"A {self.state.actor.role.label} account cannot record allergies."
            )
        )

    def toggle_no_known_allergies(self) -> None:
        rec = self.record
        self._write(patients.record_no_known_allergies, rec.id, rec.allergy_status != "none_known")

    def has_unsaved_edits(self) -> bool:  # asked before a restore swaps the workspace
        return self.form is not None

    # -- writes ------------------------------------------------------------------------------
    def edit_details(self) -> None:
        self.form = PatientForm(self.state, self.record, self)
        self.form.saved.connect(self._details_saved)
        self.form.cancelled.connect(self._form_cancelled)
        self.form.existing_requested.connect(self.record_open_requested)
        self.form.reloaded.connect(self.show_record)  # the record behind the form, as saved
        self.stack.addWidget(self.form)
        self.stack.setCurrentWidget(self.form)

    def _close_form(self) -> None:
        if self.form is not None:
            self.stack.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
        self.stack.setCurrentWidget(self.view)

    def _form_cancelled(self) -> None:
        if self.record is None:
            super().reject()  # a "New patient" that was never saved (the form asked already)
            return
        self._close_form()

    def reject(self) -> None:  # Escape and closing the window come here (QDialog)
        # Typed details are asked about before the window goes; a window hidden first (the
        # screen lock, the end of a session) is being dismissed, not asked about.
        if self.isVisible() and self.form is not None and not self.form.may_discard():
            return
        if shiboken6.isValid(self):  # the question's event loop may have seen it deleted
            super().reject()

    def _details_saved(self, rec: PatientRecord) -> None:
        self._close_form()
        self.written(rec)

    def written(self, rec: PatientRecord) -> None:
        """A service wrote (its notice is published) and returned the record: show it."""
        self.show_record(rec)

    def toggle_archived(self) -> None:
        rec = self.record
        if rec.archived:
            if confirm_unarchive(self, rec.display_name):
                self._write(patients.unarchive_patient, rec.id)
            return
        dialog = ArchiveDialog(rec.display_name, self)
        dialog.accepted.connect(
            lambda: self._write(patients.archive_patient, rec.id, dialog.reason)
        )
        self.archive_dialog = dialog
        dialog.open()

    def _write(self, action, *args) -> None:
        try:
            self.written(self.state.publish(action(self.state.ws, self.state.actor, *args)))
        except CareCoordError as exc:
            show_error(self.error, exc)

    def merge(self) -> None:
        from carecoord_desktop.ui.patients.merge import MergeDialog

        dialog = MergeDialog(self.state, self.record, self)
        dialog.merged.connect(lambda rec, _gone: self.written(rec))
        self.merge_dialog = dialog
        dialog.open()
