"""The conference window's "Summary and check" page: the case-conference rule pack's checklist
(each element met or missing, with what was found or what to do; activating a missing one goes
to the page that fixes it), the summary and the conference pack through the app's print
preview (what is printed or saved is audited), and who received the summary, when and how.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.conference import ConferenceStatus
from carecoord_desktop.models.referral import METHOD_LABELS, SendMethod
from carecoord_desktop.services.conferences import printing, rules
from carecoord_desktop.services.conferences.types import ConferenceCheck, ConferenceRecord
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.conferences.common import ConferenceContext
from carecoord_desktop.ui.conferences.meeting_clock import utc
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

_OK, _MISSING = "#1d5a2c", "#8e1b12"
_ROOMY = "QTreeWidget::item { padding: 4px 2px; }"
_KEY = Qt.ItemDataRole.UserRole
# The page that supplies each element of the pack (services/conferences/rules.py keys).
FIX_PAGES = {
    "team": "meeting",  # attendance is ticked in the meeting; who is invited on Details
    "agreement": "details",
    "times": "meeting",
    "participants": "details",
    "discussion": "meeting",
    "summary_offered": "summary",
}
AFTER_PRINT = frozenset({"summary_offered"})  # elements met only once the summary is out
_PAGE_WORDS = {"details": "Details and people", "meeting": "Meeting", "summary": "this page"}
DOCUMENTS = {
    "summary": ("Conference summary", "conference-summary.pdf"),  # file names: no patient data
    "pack": ("Conference pack", "conference-pack.pdf"),
}


def fit_height(tree: QTreeWidget) -> None:
    """As tall as its rows: a short list leaves its room to what follows, not blank."""
    rows = sum(tree.sizeHintForRow(n) for n in range(tree.topLevelItemCount()))
    tree.setFixedHeight(tree.header().sizeHint().height() + rows + 2 * tree.frameWidth() + 4)


def method_words(value: str) -> str:
    """How the summary went, as the printed summary says it: "By hand" (the person given it
    may be a carer or a provider, not only the patient)."""
    try:
        method = SendMethod(value)
    except ValueError:
        return value
    return "By hand" if method is SendMethod.BY_HAND else METHOD_LABELS[method]


class SummaryPage(QWidget):
    def __init__(self, ctx: ConferenceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryPage")
        self.ctx = ctx
        self.rec: ConferenceRecord | None = None
        self.check: ConferenceCheck | None = None
        self.preview: PdfPreviewDialog | None = None

        self.verdict = QLabel()
        self.verdict.setObjectName("checkVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.checklist = QTreeWidget()
        self.checklist.setObjectName("conferenceChecklist")
        self.checklist.setAccessibleName("Case-conference checklist")
        self.checklist.setRootIsDecorated(False)
        self.checklist.setWordWrap(True)
        self.checklist.setHeaderLabels(["", "Element", "What was found, or what to do"])
        self.checklist.setAlternatingRowColors(True)
        self.checklist.setStyleSheet(_ROOMY)
        self.checklist.itemActivated.connect(self._activated)
        self.checklist.itemClicked.connect(self._activated)
        self.print_summary_button = QPushButton("Print summary…")
        self.print_summary_button.setObjectName("primary")
        self.print_pack_button = QPushButton("Print conference pack…")
        self.share_button = QPushButton("Record who received the summary…")
        self.shares = QTreeWidget()
        self.shares.setObjectName("summaryShares")
        self.shares.setRootIsDecorated(False)
        self.shares.setHeaderLabels(["Given to", "How", "When", "Recorded by"])
        self.shares.setAlternatingRowColors(True)
        self.shares.setStyleSheet(_ROOMY)
        self.offered = QLabel()
        self.offered.setObjectName("summaryOffered")
        self.offered.setWordWrap(True)
        self.error = error_label()

        checks = QGroupBox("Case conference (MBS items 735–758): what the record holds")
        checks_layout = QVBoxLayout(checks)
        checks_layout.addWidget(self.verdict)
        checks_layout.addWidget(self.checklist, 1)
        self.check_hint = QLabel("Click an element that is missing to go where it is recorded.")
        self.check_hint.setStyleSheet("color: #4a5a6a;")
        checks_layout.addWidget(self.check_hint)
        bar = QHBoxLayout()
        for b in (self.print_summary_button, self.print_pack_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.share_button)
        given = QGroupBox("Who received the summary")
        given_layout = QVBoxLayout(given)
        given_layout.addWidget(self.offered)
        given_layout.addWidget(self.shares, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(checks)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(given, 1)

        self.print_summary_button.clicked.connect(lambda: self.print_document("summary"))
        self.print_pack_button.clicked.connect(lambda: self.print_document("pack"))
        self.share_button.clicked.connect(self.record_shares)

    # -- showing ---------------------------------------------------------------------------
    def show_record(self, rec: ConferenceRecord) -> None:
        self.rec = rec
        state = self.ctx.state
        actor = state.actor
        printable = can(actor, Permission.PRINT_HANDOUTS)
        for b in (self.print_summary_button, self.print_pack_button):
            b.setEnabled(printable)
            b.setToolTip("" if printable else "Your role cannot print patient documents.")
        held = rec.status == ConferenceStatus.HELD.value
        may_share = can(actor, Permission.EDIT_CARE_PLANS)
        self.share_button.setEnabled(may_share and held)
        self.share_button.setToolTip(
            "" if held or not may_share else "Once the meeting has ended, on the Meeting page."
        )
        try:
            self.check = rules.check_conference(state.ws, actor, rec.id)
            shares = printing.shares_for_conference(state.ws, actor, rec.id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self._fill_check(self.check)
        self._fill_shares(shares)
        self.offered.setText(
            f"Offered to the patient on {rec.summary_offered_on:%d/%m/%Y}."
            if rec.summary_offered_on
            else "Not offered to the patient yet: print the summary, give it, then record it here."
            if rec.status == ConferenceStatus.HELD.value
            else "Once the meeting has ended: print the summary, give it, then record it here."
        )

    def _fill_check(self, check: ConferenceCheck) -> None:
        self.checklist.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for e in check.elements:
            page = FIX_PAGES.get(e.key)
            mark = "✓ Met" if e.met else "✗ Missing"
            detail = e.detail
            if not e.met and page and page != "summary":
                detail = f"{detail} — on the {_PAGE_WORDS[page]} page"
            item = QTreeWidgetItem([mark, e.name, detail])
            item.setData(0, _KEY, e.key)
            item.setForeground(0, QBrush(QColor(_OK if e.met else _MISSING)))
            item.setFont(0, bold)
            item.setFont(1, bold)
            for col in range(3):
                item.setToolTip(col, f"{e.name}: {e.detail}")
            self.checklist.addTopLevelItem(item)
        header = self.checklist.header()
        self.checklist.resizeColumnToContents(0)
        self.checklist.resizeColumnToContents(1)
        header.resizeSection(0, header.sectionSize(0) + 16)
        header.resizeSection(1, header.sectionSize(1) + 16)
        fit_height(self.checklist)
        missing = len(check.missing)
        self.check_hint.setVisible(bool(missing))
        if check.complete:
            self.verdict.setText(f"Every element of the {check.pack_name} pack is met.")
            self.verdict.setStyleSheet(f"font-size: 12pt; font-weight: 600; color: {_OK};")
        else:
            self.verdict.setText(
                f"{missing} of {len(check.elements)} elements missing for the "
                f"{check.pack_name} pack."
            )
            self.verdict.setStyleSheet(f"font-size: 12pt; font-weight: 600; color: {_MISSING};")

    def _fill_shares(self, shares) -> None:
        self.shares.clear()
        for s in shares:
            when = utc(s.shared_at).astimezone()
            self.shares.addTopLevelItem(
                QTreeWidgetItem(
                    [s.recipient, method_words(s.method), f"{when:%d/%m/%Y}", s.shared_by_name]
                )
            )
        if not shares:
            empty = QTreeWidgetItem(["Nobody recorded yet", "", "", ""])
            empty.setDisabled(True)
            self.shares.addTopLevelItem(empty)
        self.shares.header().resizeSection(0, 280)
        self.shares.header().resizeSection(1, 180)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, _KEY)
        element = (
            next((e for e in self.check.elements if e.key == key), None) if self.check else None
        )
        if element is None or element.met:
            return
        self.fix(key)

    def fix(self, key: str) -> None:
        """Go to where the element is recorded."""
        page = FIX_PAGES.get(key, "details")
        if page == "summary" and self.rec is not None:
            if self.rec.status != ConferenceStatus.HELD.value:
                page = "meeting"  # the summary is given once the meeting has ended
            elif self.share_button.isEnabled():
                self.record_shares()
                return
        if page != "summary":
            self.ctx.go_to_page(page)

    # -- printing --------------------------------------------------------------------------
    def print_document(self, kind: str) -> PdfPreviewDialog | None:
        if self.rec is None:
            return None
        # The summary is printed to be offered: its own element cannot be met before it.
        before = [e for e in (self.check.missing if self.check else ()) if e.key not in AFTER_PRINT]
        if kind == "summary" and before:
            lines = "\n".join(f"• {e.name}: {e.detail}" for e in before)
            if not self._ask(
                "The conference still lacks what the case-conference items ask for:", lines
            ):
                return None
        state, conference_id = self.ctx.state, self.rec.id
        title, file_name = DOCUMENTS[kind]
        render = printing.render_summary if kind == "summary" else printing.render_pack
        dialog = PdfPreviewDialog(
            title,
            partial(render, state.ws, state.actor, conference_id),
            start_job=start_job,
            suggested_name=file_name,
            parent=self.ctx.window,
        )
        dialog.document_printed.connect(lambda pages: self._output(kind, "printed", pages))
        dialog.document_saved.connect(lambda _where: self._output(kind, "saved", dialog.page_count))
        self.preview = dialog
        dialog.show()
        return dialog

    def _ask(self, text: str, info: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Print")
        box.setText(text)
        box.setInformativeText(info)
        go = box.addButton("Print anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        self.question = box
        box.exec()
        return box.clickedButton() is go

    def _output(self, kind: str, how: str, pages: int) -> None:
        state = self.ctx.state
        try:
            changes = printing.record_output(
                state.ws, state.actor, self.rec.id, kind, pages=pages, how=how
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        state.publish_changes(changes)

    # -- sharing ---------------------------------------------------------------------------
    def record_shares(self):
        from carecoord_desktop.ui.conferences.share_dialog import ShareSummaryDialog

        if self.rec is None or not self.share_button.isEnabled():
            return None
        dialog = ShareSummaryDialog(self.ctx, self.rec, self.ctx.window)
        self.share_dialog = dialog
        dialog.open()
        return dialog
