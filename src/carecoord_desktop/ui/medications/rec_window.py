"""The reconciliation window: the current list, the new orders and the patient's report side by
side, each medicine aligned with its counterparts, flags over the resulting list, a decision per
row, then submit, sign-off and the documents.

Every read and write goes to services/medications on a worker; the window shows the view each
write returns. A save refused because someone else (another workstation) changed the session
shows who and what in a banner with Reload; what was typed in the decision stays on screen.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import StaleEditError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import accounts
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications.types import (
    ReconciliationView,
    RecState,
    SourceInput,
    SourceKind,
)
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.medications import previews
from carecoord_desktop.ui.medications.dialogs import SignOffDialog, TypedListDialog
from carecoord_desktop.ui.medications.rec_model import (
    ITEM_ROLE,
    LINE_ROLE,
    RecItemsModel,
)
from carecoord_desktop.ui.medications.rec_panels import (
    DecisionPanel,
    FlagsPanel,
    SourceBox,
    conflict_banner,
    signed_note,
)
from carecoord_desktop.ui.medications.rec_table import RecTable
from carecoord_desktop.ui.medications.words import transition_text
from carecoord_desktop.ui.shell.workers import start_job, start_with_progress
from carecoord_desktop.ui.widgets.date_field import DISPLAY_FORMAT
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

_OPEN: dict[int, ReconciliationWindow] = {}


def open_reconciliation(state, rec_id: int, parent: QWidget | None = None):
    """Show the session's window (the open one brought forward)."""
    window = _OPEN.get(rec_id)
    if window is None or not shiboken6.isValid(window):
        window = ReconciliationWindow(state, rec_id, parent)
        _OPEN[rec_id] = window
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_windows() -> list[ReconciliationWindow]:
    return [w for w in _OPEN.values() if shiboken6.isValid(w) and w.isVisible()]


def _load(ws, actor, rec_id: int):
    return meds.get_reconciliation(ws, actor, rec_id), meds.may_sign(ws, actor)


def _sign(ws, actor, rec_id: int, password: str, note: str, version: int):
    # The password typed again is the signer's explicit act; a wrong one counts like a failed
    # unlock (lockout) and nothing is signed.
    accounts.authenticate(ws, actor.username, password, action=AuditAction.UNLOCK)
    return meds.sign_off(ws, actor, rec_id, version=version, note=note or None)


class ReconciliationWindow(QWidget):
    view_loaded = Signal(object)  # ReconciliationView, after every load or write
    write_failed = Signal(str)

    def __init__(self, state, rec_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reconciliationWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.state, self.rec_id = state, rec_id
        self.view: ReconciliationView | None = None
        self.signer = False
        self.busy = False
        self.setWindowTitle("Medicines reconciliation")
        # Big enough for three lists side by side, never bigger than the screen (a laptop).
        room = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1500, room.width() - 40), min(900, room.height() - 60))
        self._build()
        state.changes_published.connect(self._changes_published)
        # A bound slot, not a lambda: Qt drops it with the window. A lambda outlived a closed
        # (deleted) window and raised on the next Switch user.
        state.actor_changed.connect(self._actor_changed)
        state.workspace_closing.connect(self.close)
        self.reload()

    def _actor_changed(self, _actor) -> None:
        self.close()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel("Loading…")
        self.heading.setObjectName("pageTitle")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.banner, self.banner_text, self.banner_reload = conflict_banner()
        self.banner_reload.clicked.connect(lambda: self.reload(keep_typed=True))
        layout.addWidget(self.banner)
        self.error = error_label()
        layout.addWidget(self.error)
        self.done_note = signed_note()
        layout.addWidget(self.done_note)
        sources = QHBoxLayout()
        self.source_boxes = {kind: SourceBox(kind) for kind in SourceKind}
        for box in self.source_boxes.values():
            box.type_requested.connect(self.type_list)
            box.import_requested.connect(self.import_fhir)
            box.remove_requested.connect(self.remove_source)
            sources.addWidget(box, 1)
        layout.addLayout(sources)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = RecItemsModel(self)
        self.table = RecTable(self.model)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        split.addWidget(self.table)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.flags = FlagsPanel()
        self.flags.flag_chosen.connect(self._select_flag_rows)
        self.decision = DecisionPanel()
        self.decision.decision_saved.connect(self.decide)
        side_layout.addWidget(self.flags, 3)
        side_layout.addWidget(self.decision, 2)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1080, 420])
        layout.addWidget(split, 1)
        self.hint = QLabel("Match by hand: select lines from different lists (Ctrl+click, or "
                           "Shift+arrows) and press Match lines (Ctrl+M); Separate (Ctrl+Shift+M) "
                           "takes the selected line out of its row.")  # fmt: skip
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.match_button = QPushButton("Match lines")
        self.separate_button = QPushButton("Separate")
        self.rematch_button = QPushButton("Match again")
        self.submit_button = QPushButton("Submit for sign-off")
        self.reopen_button = QPushButton("Reopen for changes")
        self.sign_button = QPushButton("Sign off…")
        self.sign_button.setObjectName("signOffButton")
        self.record_button = QPushButton("Print record…")
        self.card_button = QPushButton("Print medication card…")
        self.close_button = QPushButton("Close")
        for button in (self.match_button, self.separate_button, self.rematch_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.submit_button, self.reopen_button, self.sign_button,
                       self.record_button, self.card_button, self.close_button):  # fmt: skip
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.match_button.clicked.connect(self.match_selected)
        self.separate_button.clicked.connect(self.separate_current)
        self.rematch_button.clicked.connect(self.rematch)
        self.submit_button.clicked.connect(self.submit)
        self.reopen_button.clicked.connect(self.reopen)
        self.sign_button.clicked.connect(self.sign_off)
        self.record_button.clicked.connect(self.print_record)
        self.card_button.clicked.connect(self.print_card)
        self.close_button.clicked.connect(self.close)
        self.match_button.setShortcut(QKeySequence("Ctrl+M"))
        self.separate_button.setShortcut(QKeySequence("Ctrl+Shift+M"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.decision.save)

    # -- loading --------------------------------------------------------------------------------
    def reload(self, *, keep_typed: bool = False) -> None:
        self.banner.hide()
        self._keep_typed = keep_typed
        start_job(self, _load, self.state.ws, self.state.actor, self.rec_id,
                  on_done=self._loaded, on_failed=self._failed)  # fmt: skip

    def _loaded(self, result) -> None:
        view, self.signer = result
        self.show_view(view, keep_typed=getattr(self, "_keep_typed", False))
        self._keep_typed = False

    def show_view(self, view: ReconciliationView, *, keep_typed: bool = False) -> None:
        current_id = self.decision.item.id if self.decision.item else None
        self.view = view
        self.model.set_items(view.items)
        self.flags.show_flags(view.flags)
        for box in self.source_boxes.values():
            box.show_view(view)
        words = transition_text(view.transition_of) or view.transition
        transition = f" — {escape(words)}" if words else ""
        undecided = (f"<span style='color:#8e1b12'>! {view.undecided} to decide</span>"
                     if view.undecided else "✓ every row decided")  # fmt: skip
        at = f"{DISPLAY_FORMAT} %H:%M"
        signed = ""
        if view.signed_by_name:
            signed = f", signed by {escape(view.signed_by_name)}"
            signed += f" on {view.signed_at.astimezone():{at}}" if view.signed_at else ""
        started = f"{view.started_at.astimezone():{at}}"
        self.heading.setText(
            f"Medicines reconciliation{transition}<br><span style='font-size:10pt'>"
            f"<b>{view.state_text}</b>{signed} · started by {escape(view.started_by_name)} on "
            f"{started} · {undecided} · knowledge base {view.kb_version}</span>"
        )
        self.done_note.setVisible(view.state == RecState.SIGNED)
        self._enable()
        row = self.model.row_of(current_id) if current_id is not None else -1
        if row < 0 and view.items:
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        self.decision.set_item(self.model.item_at(row), editable=view.editable,
                               keep_typed=keep_typed)  # fmt: skip
        self.view_loaded.emit(view)

    def _enable(self) -> None:
        view = self.view
        editable = bool(view and view.editable) and not self.busy
        for button in (self.match_button, self.separate_button, self.rematch_button):
            button.setEnabled(editable)
        state = view.state if view else ""
        self.submit_button.setEnabled(editable and not view.undecided)
        self.reopen_button.setVisible(state == RecState.AWAITING_SIGNOFF)
        self.reopen_button.setEnabled(not self.busy)
        live = state in (RecState.OPEN, RecState.AWAITING_SIGNOFF)
        self.sign_button.setEnabled(live and self.signer and not self.busy and not view.undecided)
        if not self.signer:
            self.sign_button.setToolTip("A GP signs off (or a nurse, where the practice allows).")
        may_print = can(self.state.actor, Permission.PRINT_HANDOUTS)
        self.record_button.setEnabled(bool(view) and may_print)
        self.card_button.setEnabled(state == RecState.SIGNED and may_print)

    def _changes_published(self, changes) -> None:
        # Another window of this app changed the session (or the list it reads): show it.
        if getattr(self, "_publishing", False):
            return
        if (
            self.view
            and not self.busy
            and changes.touches({Kind.MED_RECONCILIATION}, self.view.patient_id)
        ):
            self.reload(keep_typed=True)

    # -- writes ---------------------------------------------------------------------------------
    def _write(self, fn, *args, label: str | None = None, **kwargs) -> None:
        if self.view is None or self.busy:
            return
        self.busy = True
        self.error.hide()
        self._enable()
        kwargs.setdefault("version", self.view.version)
        args = (self.state.ws, self.state.actor, *args)
        if label:
            start_with_progress(self, label, fn, *args, on_done=self._written,
                                on_failed=self._failed, **kwargs)  # fmt: skip
        else:
            start_job(self, fn, *args, on_done=self._written, on_failed=self._failed, **kwargs)

    def _written(self, result) -> None:
        self.busy = False
        self._publishing = True  # our own notice: the view it carries is shown below
        try:
            view = self.state.publish(result)
        finally:
            self._publishing = False
        self.show_view(view)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self._enable()
        if isinstance(error, StaleEditError):
            self.banner_text.setText(
                f"<b>Not saved: someone else changed this reconciliation.</b><br>{error}<br>"
                "Reload shows their changes; what you typed in the decision stays."
            )
            self.banner.show()
        elif not self.decision.form.show_problem(getattr(error, "field", None), str(error)):
            show_error(self.error, error)
        self.write_failed.emit(str(error))

    def decide(self, item_id: int, decision, reason: str) -> None:
        self._write(meds.decide, self.rec_id, item_id, decision, reason=reason or None)

    def type_list(self, kind: str) -> None:
        dialog = TypedListDialog(SourceKind(kind), self)
        dialog.accepted.connect(lambda: self.add_source(dialog.source()))
        dialog.open()

    def add_source(self, source: SourceInput) -> None:
        self._write(meds.add_source, self.rec_id, source, label="Reading and matching the list…")

    def import_fhir(self, kind: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a FHIR R4 file", "", "FHIR JSON (*.json);;All files (*)"
        )
        if path:
            self.import_fhir_file(SourceKind(kind), Path(path))

    def import_fhir_file(self, kind: SourceKind, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            show_error(self.error, f"Could not read that file ({exc.strerror}). Choose another.")
            return
        label = "Discharge list (FHIR)" if kind is SourceKind.NEW else "Patient's list (FHIR)"
        self.add_source(SourceInput(kind, label=label, fhir=data))

    def remove_source(self, source_id: int) -> None:
        self._write(meds.remove_source, self.rec_id, source_id, label="Matching again…")

    def rematch(self) -> None:
        self._write(meds.rematch, self.rec_id, label="Matching again…")

    def selected_line_ids(self) -> list[int]:
        ids = []
        for index in self.table.selectionModel().selectedIndexes():
            line = index.data(LINE_ROLE)
            if line is not None and line.id not in ids:
                ids.append(line.id)
        return ids

    def match_selected(self) -> None:
        ids = self.selected_line_ids()
        if len(ids) < 2:
            show_error(self.error, "Select two or three lines from different lists to match "
                                   "(Ctrl+click them), then press Match lines.")  # fmt: skip
            return
        self._write(meds.match_lines, self.rec_id, ids, label="Matching…")

    def separate_current(self) -> None:
        line = self.table.currentIndex().data(LINE_ROLE)
        if line is None:
            show_error(self.error, "Select the line (in one of the list columns) to separate.")
            return
        self._write(meds.separate_line, self.rec_id, line.id, label="Matching again…")

    def submit(self) -> None:
        self._write(meds.submit_for_signoff, self.rec_id)

    def reopen(self) -> None:
        self._write(meds.reopen, self.rec_id)

    def sign_off(self) -> None:
        if self.view is None or not self.sign_button.isEnabled():
            return
        dialog = SignOffDialog(self.view, self.state.actor.display, self)
        dialog.accepted.connect(
            lambda: self._sign(dialog.password.text(), dialog.note.text().strip())
        )
        self.signoff_dialog = dialog
        dialog.open()

    def _sign(self, password: str, note: str) -> None:
        view = self.view
        assert view is not None
        self.busy = True
        self._enable()
        start_with_progress(
            self, "Signing off and updating the medicine list…", _sign, self.state.ws,
            self.state.actor, self.rec_id, password, note, view.version,
            on_done=self._written, on_failed=self._failed,
        )  # fmt: skip

    # -- documents ------------------------------------------------------------------------------
    def print_record(self) -> PdfPreviewDialog | None:
        if self.view is None:
            return None
        self.preview = previews.reconciliation_record(self, self.state, self.view.patient_id,
                                                      self.rec_id)  # fmt: skip
        return self.preview

    def print_card(self) -> PdfPreviewDialog | None:
        if self.view is None:
            return None
        self.preview = previews.medication_card(self, self.state, self.view.patient_id)
        return self.preview

    # -- selection ------------------------------------------------------------------------------
    def _current_changed(self, current, _previous) -> None:
        item = current.data(ITEM_ROLE) if current.isValid() else None
        if self.decision.item is None or item is None or item.id != self.decision.item.id:
            self.decision.set_item(item, editable=bool(self.view and self.view.editable))

    def _select_flag_rows(self, flag) -> None:
        rows = [self.model.row_of(i) for i in flag.item_ids]
        rows = [r for r in rows if r >= 0]
        if rows:
            self.table.clearSelection()
            self.table.setCurrentIndex(self.model.index(rows[0], 0))
            self.table.scrollTo(self.model.index(rows[0], 0))

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        match = QAction("Match selected lines", menu)
        match.triggered.connect(self.match_selected)
        separate = QAction("Separate this line from its row", menu)
        separate.triggered.connect(self.separate_current)
        for action in (match, separate):
            action.setEnabled(self.match_button.isEnabled())
            menu.addAction(action)
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def closeEvent(self, event) -> None:  # Qt override
        if _OPEN.get(self.rec_id) is self:
            del _OPEN[self.rec_id]
        super().closeEvent(event)
