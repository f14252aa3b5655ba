"""The care plan editor: one window per plan, keyboard first.

Layout: the patient and plan in a band at the top, message banners under it (someone saved
first, an unsaved draft found, a review in progress), the plan's parts listed on the left
(Ctrl+PgDown / Ctrl+PgUp go through them, Alt+letter where the list shows one), the chosen part in
the middle, the completeness checklist on the right. Every edit is a step of the document's
QUndoStack (Edit menu: Undo/Redo name the step). Opening and saving run on the thread pool; the
draft is autosaved to the database on a timer and whenever the window is hidden (a lock, a
switch of user) or closed, and offered back when the plan is opened again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.careplan import Intensity, PlanStatus
from carecoord_desktop.services.careplans import drafts
from carecoord_desktop.services.careplans.types import PlanDraft, PlanRecord
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.careplans import fields as f
from carecoord_desktop.ui.careplans import jobs
from carecoord_desktop.ui.careplans.binding import route_undo_keys
from carecoord_desktop.ui.careplans.document import PlanDocument
from carecoord_desktop.ui.careplans.editor_actions import EditorActions
from carecoord_desktop.ui.careplans.editor_saving import EditorSaving, reread
from carecoord_desktop.ui.careplans.pages import FieldsPage, list_pages
from carecoord_desktop.ui.careplans.review_page import ReviewPage
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.banner import Banner
from carecoord_desktop.ui.widgets.form_kit import ask_discard
from carecoord_desktop.ui.widgets.messages import error_label, show_error

AUTOSAVE_MS = 30_000  # the most typing a crash can take


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "not set"


class PlanEditor(QMainWindow, EditorActions, EditorSaving):
    """Edit (or, for reception, read and print) one care plan."""

    plan_opened = Signal(object)  # PlanRecord, once loaded
    plan_saved = Signal(object)  # PlanRecord after a save (a new version, or nothing to write)
    autosaved = Signal()

    def __init__(self, state: AppState, plan_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("planEditor")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.state, self.plan_id = state, plan_id
        self.record: PlanRecord | None = None
        self.opened_draft: PlanDraft | None = None  # the stored plan the draft is based on
        self.base_version: int | None = None
        self.may_edit = can(state.actor, Permission.EDIT_CARE_PLANS)
        self.saving = False
        self._autosaved_at = 0  # the undo index the last autosave held
        self._closing_ok = False
        self.choices = f.EditorChoices()
        self.doc = PlanDocument(PlanDraft(patient_id=0, plan_id=plan_id), self)
        self.doc.read_only = True  # until it has loaded
        self.setWindowTitle("Care plan — opening…")
        self.resize(1280, 820)
        self.setMinimumSize(980, 620)
        self._build()
        self.build_menus()
        route_undo_keys(self.pages)
        self.doc.stack.cleanChanged.connect(self._update_title)
        self.doc.stack.indexChanged.connect(self._edited)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        state.changes_published.connect(self._changes_published)
        self.statusBar().showMessage("Opening the plan…")
        self._open_job = start_job(
            self,
            jobs.open_plan,
            state.ws,
            state.actor,
            plan_id,
            on_done=self._opened,
            on_failed=self._open_failed,
        )

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(12, 10, 12, 6)
        self.header = QLabel()
        self.header.setObjectName("planHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.header)
        self.stale = Banner("staleBanner")
        self.recovery = Banner("recoveryBanner")
        self.review_banner = Banner("reviewBanner")
        self.read_only_banner = Banner("readOnlyBanner")
        for banner in (self.read_only_banner, self.stale, self.recovery, self.review_banner):
            outer.addWidget(banner)
        self.error = error_label()
        outer.addWidget(self.error)

        self.nav = QListWidget()
        self.nav.setObjectName("planSections")
        self.nav.setFixedWidth(230)
        self.nav.setAccessibleName("Parts of the plan")
        self.pages = QStackedWidget()
        self.page_by_key: dict[str, QWidget] = {}
        self._add_pages()
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        from carecoord_desktop.ui.careplans.checklist import ChecklistPanel

        self.checklist = ChecklistPanel(self.state, self.doc)
        self.checklist.element_chosen.connect(self.go_to)
        self.checklist_dock = QDockWidget("Checklist", self)
        self.checklist_dock.setObjectName("checklistDock")
        self.checklist_dock.setWidget(self.checklist)
        self.checklist_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.checklist_dock)
        self.resizeDocks([self.checklist_dock], [300], Qt.Orientation.Horizontal)
        # Every step since the plan was opened; choosing one goes back (or forward) to it.
        self.history = QUndoView(self.doc.stack)
        self.history.setObjectName("undoHistory")
        self.history.setEmptyLabel("As opened")
        self.history_dock = QDockWidget("Undo history", self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.checklist_dock, self.history_dock)
        self.checklist_dock.raise_()

    def _add_pages(self) -> None:
        doc = self.doc
        overview = FieldsPage(
            doc,
            "overview",
            "Overview",
            "The plan's title, period, expected outcome and prognosis.",
            f.OVERVIEW_FIELDS,
        )
        # "Under review" is shown, never chosen: a review starts and ends through its actions.
        status = overview.form.widgets["status"]
        status.addItem(PlanStatus.UNDER_REVIEW.label, PlanStatus.UNDER_REVIEW.value)
        status.model().item(status.count() - 1).setEnabled(False)
        self.intensity_label = QLabel()
        self.intensity_label.setObjectName("intensityLine")
        self.intensity_label.setWordWrap(True)
        overview.body.addWidget(self.intensity_label)
        overview.finish()
        lists = {page.key: page for page in list_pages(doc, self.choices)}
        medicines = FieldsPage(
            doc,
            "medicines",
            "Medicines and symptoms",
            "How the medicines are managed, and what the patient does when symptoms change.",
            f.MEDICINE_FIELDS,
            tall=150,
        )
        medicines.finish()
        preferences = FieldsPage(
            doc,
            "preferences",
            "Preferences and culture",
            "Carried from the patient's record when the plan was started; edit them here for "
            "the plan.",
            f.PREFERENCE_FIELDS,
            tall=130,
        )
        from PySide6.QtWidgets import QPushButton

        self.carry_button = QPushButton("Bring in what the record says now")
        self.carry_button.setToolTip("Replace these two fields with the patient record's words")
        self.carry_button.clicked.connect(self.carry_from_record)
        preferences.body.addWidget(self.carry_button, 0, Qt.AlignmentFlag.AlignLeft)
        preferences.finish()
        services = FieldsPage(
            doc,
            "services",
            "Services and coordination",
            "Community and social services, and how outside providers are involved.",
            f.SERVICE_FIELDS,
            tall=150,
        )
        services.finish()
        self.review_page = ReviewPage(doc, self)
        from carecoord_desktop.ui.careplans.progress import ProgressPage

        self.progress_page = ProgressPage(self.state, doc, self)
        ordered = [
            ("overview", "&Overview", overview),
            ("problems", "&Problems", lists["problems"]),
            ("goals", "&Goals", lists["goals"]),
            ("interventions", "&Interventions and services", lists["interventions"]),
            ("actions", "Patient &actions", lists["actions"]),
            ("medicines", "&Medicines and symptoms", medicines),
            ("warning_signs", "&Warning signs", lists["warning_signs"]),
            ("preferences", "Pre&ferences and culture", preferences),
            ("services", "&Services and coordination", services),
            ("review", "&Review and agreement", self.review_page),
            ("progress", "Pro&gress charts", self.progress_page),
        ]
        for key, title, page in ordered:
            self.page_by_key[key] = page
            self.pages.addWidget(page)
            self.nav.addItem(title.replace("&", ""))
        self.page_titles = [title for _k, title, _p in ordered]
        self.doc.list_changed.connect(lambda _name: self._count_items())
        self.doc.draft_replaced.connect(self._count_items)

    def _count_items(self) -> None:
        """The lists' parts say how many items they hold ("Goals (5)")."""
        for row, (key, title) in enumerate(zip(self.page_by_key, self.page_titles, strict=True)):
            words = title.replace("&", "")
            if key in ("problems", "goals", "interventions", "actions", "warning_signs"):
                words += f" ({len(self.doc.items(key))})"
            self.nav.item(row).setText(words)

    # -- opening -----------------------------------------------------------------------------
    def _open_failed(self, error: Exception) -> None:
        self.statusBar().clearMessage()
        self.setWindowTitle("Care plan — could not be opened")
        show_error(self.error, error)

    def _opened(self, opened: jobs.Opened) -> None:
        rec = opened.record
        c = opened.choices
        self.choices.conditions[:] = list(c.conditions)
        self.choices.staff[:] = list(c.staff)
        self.choices.providers[:] = list(c.providers)
        self.choices.preferences, self.choices.cultural = c.preferences, c.cultural
        self._adopt(rec)
        self.doc.read_only = not self.may_edit
        self._apply_read_only()
        self.statusBar().showMessage(f"Opened version {rec.revision}.", 5000)
        if opened.autosaved is not None:
            self._offer_recovery(opened.autosaved)
        self.plan_opened.emit(rec)
        if self.may_edit:
            self.autosave_timer.start()

    def _adopt(self, rec: PlanRecord, *, draft: PlanDraft | None = None) -> None:
        """Show the stored plan `rec` (or `draft` on top of it, kept as unsaved edits)."""
        import copy

        self.record = rec
        self.base_version = rec.version
        self.opened_draft = copy.deepcopy(rec.draft)
        self.doc.replace_draft(copy.deepcopy(draft or rec.draft), clean=draft is None)
        self._autosaved_at = self.doc.stack.index()
        self._show_header()

    def _show_header(self) -> None:
        rec = self.record
        if rec is None:
            return
        d = self.doc.draft
        status = PlanStatus(d.status).label
        intensity = Intensity(d.intensity).label
        overdue = rec.next_review_on is not None and rec.next_review_on < _today()
        review = _d(rec.next_review_on) + (" — <b>overdue</b>" if overdue else "")
        self.header.setText(
            f"<span style='font-size:14pt; font-weight:600'>{_esc(rec.patient_name)}</span>"
            f"&nbsp;&nbsp;Practice ID {_esc(rec.patient_practice_id)}<br>"
            f"<b>{_esc(d.title)}</b> · {status} · version {rec.revision} · coordination "
            f"{intensity.lower()} · next review {review} · author {_esc(rec.author_name or '—')}"
        )
        history = rec.intensity_history[-3:]
        lines = [
            f"{h.at:%d/%m/%Y}: {Intensity(h.to_intensity).label} — {h.reason} ({h.by})"
            for h in reversed(history)
        ]
        self.intensity_label.setText(
            f"<b>Coordination intensity: {intensity}</b>"
            + ("<br>" + "<br>".join(_esc(x) for x in lines) if lines else "")
            + "<br><i>Change it from the Plan menu (Change coordination intensity…), with why.</i>"
        )
        under_review = d.status == PlanStatus.UNDER_REVIEW.value
        if under_review and self.may_edit:
            self.review_banner.show_message(
                "This plan is under review: edit what the review changes, then Complete review "
                "(Ctrl+Shift+R) to save it as a new version with what changed and why.",
                [("Complete review…", self.complete_review)],
                tone="info",
                focus=False,
            )
        else:
            self.review_banner.clear()
        self._update_title()
        self.update_actions()

    def _update_title(self, *_args) -> None:
        rec = self.record
        if rec is None:
            return
        star = "" if self.doc.stack.isClean() else " *"
        self.setWindowTitle(f"Care plan{star} — {rec.patient_name} ({rec.patient_practice_id})")

    def _apply_read_only(self) -> None:
        read_only = self.doc.read_only
        for page in self.page_by_key.values():
            if hasattr(page, "set_read_only"):
                page.set_read_only(read_only)
        self.carry_button.setVisible(not read_only)
        if read_only:  # nothing to undo: its tab would only take room from the checklist
            self.history_dock.hide()
            self.history_dock.toggleViewAction().setVisible(False)
        if read_only and self.record is not None:
            role = self.state.actor.role.label
            self.read_only_banner.show_message(
                f"Read only: a {role} account can read this plan and print the patient's "
                "handout (Ctrl+Shift+P), but not change it.",
                tone="info",
                focus=False,
            )
        self.update_actions()

    # -- recovering an autosaved draft -------------------------------------------------------
    def _offer_recovery(self, saved: drafts.Autosaved) -> None:
        when = saved.saved_at.astimezone()
        text = (
            f"You have unsaved changes to this plan from {when:%d/%m/%Y at %H:%M} (kept "
            "automatically when the editor closed, the screen locked or the app stopped)."
        )
        if saved.plan_changed_since:
            text += (
                " The plan has been saved since then: restoring shows your changes and "
                "saving will ask you to reload theirs first."
            )
        self.recovery.show_message(
            text,
            [
                ("Restore my changes", lambda: self.restore_autosave(saved)),
                ("Discard them", self.discard_autosave),
            ],
        )

    def restore_autosave(self, saved: drafts.Autosaved) -> None:
        self.doc.replace_draft(saved.draft, clean=False)
        self.base_version = saved.base_version
        # Not clean: what was restored is unsaved (saving it is a deliberate act).
        self.doc.stack.resetClean()
        self._autosaved_at = self.doc.stack.index()
        self.recovery.clear()
        self._show_header()
        self.statusBar().showMessage("Your unsaved changes are back: save to keep them.", 8000)

    def discard_autosave(self) -> None:
        try:
            drafts.discard_autosave(self.state.ws, self.state.actor, self.plan_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.recovery.clear()

    # -- editing and autosave ----------------------------------------------------------------
    def has_unsaved_edits(self) -> bool:
        return self.record is not None and not self.doc.stack.isClean()

    def _edited(self, _index: int) -> None:
        self._show_header()
        self.checklist.schedule()

    def _autosave_due(self) -> bool:
        return (
            self.may_edit
            and self.record is not None
            and self.has_unsaved_edits()
            and self.doc.stack.index() != self._autosaved_at
        )

    def autosave_now(self, *, wait: bool = False) -> None:
        """Keep the draft in the database. `wait`: on the GUI thread (the window is going
        and a worker's answer would find it gone; one row, a few milliseconds)."""
        if not self._autosave_due():
            return
        index = self.doc.stack.index()
        draft = self.doc.snapshot()
        if wait:
            try:
                jobs.autosave(self.state.ws, self.state.actor, draft, self.base_version)
            except CareCoordError:
                return  # the account went (signed out): nothing may be written for it
            self._autosaved_at = index
            self.autosaved.emit()
            return

        def done(at) -> None:
            self._autosaved_at = index
            self.statusBar().showMessage(f"Draft kept at {at.astimezone():%H:%M}.", 4000)
            self.autosaved.emit()

        start_job(
            self,
            jobs.autosave,
            self.state.ws,
            self.state.actor,
            draft,
            self.base_version,
            on_done=done,
            on_failed=lambda exc: self.statusBar().showMessage(str(exc)),
        )

    def hideEvent(self, event) -> None:  # Qt override: a lock or a switch of user hides us
        self.autosave_now(wait=True)
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        if self.saving:
            event.ignore()
            return
        if self.has_unsaved_edits() and not self._closing_ok and self.isVisible():
            choice = self._ask_unsaved()
            if choice == "cancel":
                event.ignore()
                return
            if choice == "save":
                event.ignore()
                self.save(then_close=True)
                return
            if choice == "discard":
                self.discard_autosave()
                self.doc.stack.setClean()
        self.autosave_now(wait=True)
        self.autosave_timer.stop()
        super().closeEvent(event)
        self.deleteLater()

    def _ask_unsaved(self) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText("Save the changes to this care plan?")
        box.setInformativeText(
            "“Keep for later” closes the editor and keeps your changes as a draft only you see; "
            "it is offered back when you open the plan again."
        )
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep for later", QMessageBox.ButtonRole.ActionRole)
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        chosen: list[str] = []
        save.clicked.connect(lambda: chosen.append("save"))
        keep.clicked.connect(lambda: chosen.append("keep"))
        discard.clicked.connect(lambda: chosen.append("discard"))
        box.exec()
        return chosen[0] if chosen else "cancel"

    # -- change notices ----------------------------------------------------------------------
    def _changes_published(self, changes: Changes) -> None:
        if self.record is None or self.saving:
            return
        ours = changes.touches({Kind.CARE_PLANS}, self.record.draft.patient_id)
        if ours and not self.has_unsaved_edits():
            start_job(
                self,
                reread,
                self.state.ws,
                self.state.actor,
                self.plan_id,
                on_done=self._refresh_unedited,
                on_failed=lambda exc: None,
            )
        if changes.touches({Kind.OBSERVATIONS}, self.record.draft.patient_id):
            self.progress_page.refresh()

    def _refresh_unedited(self, rec: PlanRecord) -> None:
        changed = self.record is not None and rec.version != self.record.version
        if changed and not self.has_unsaved_edits():
            self._adopt(rec)

    # -- going to a part of the plan ---------------------------------------------------------
    def go_to(self, key: str, field: str | None = None, uid: str | None = None) -> None:
        page = self.page_by_key.get(key)
        if page is None:
            return
        self.nav.setCurrentRow(list(self.page_by_key).index(key))
        if uid is not None and hasattr(page, "select_uid"):
            page.select_uid(uid)
        elif hasattr(page, "select_uid") and page.current_uid is None and field:
            page.select_uid(None)
        if hasattr(page, "focus_field"):
            page.focus_field(field)

    def carry_from_record(self) -> None:
        self.doc.stack.beginMacro("Bring in preferences from the record")
        self.doc.set_field("preferences", self.choices.preferences)
        self.doc.set_field("cultural_considerations", self.choices.cultural)
        self.doc.stack.endMacro()

    def reject_unsaved(self) -> bool:
        return not self.has_unsaved_edits() or ask_discard(self, "Discard the unsaved changes?")


def _today():
    from datetime import date

    return date.today()


def _esc(text: str) -> str:
    import html

    return html.escape(text or "")


__all__ = ["PlanEditor", "QAction", "QKeySequence"]
