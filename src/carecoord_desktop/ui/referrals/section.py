"""The record window's "Referrals" tab: the patient's open and past referrals with their status
and days waiting, a new referral, the next step of the chosen one, its dated history, printing
its letter through the print preview, and the documents shared from this record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.services.referrals import directory, letters
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.ui.referrals.dialogs import LinkResourceDialog, ReferralDialog, StepDialog
from carecoord_desktop.ui.referrals.tables import (
    link_columns,
    referral_columns,
    share_columns,
    step_columns,
)
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import RowsTableModel


def _table(model: RowsTableModel, name: str) -> FittedTableView:
    view = FittedTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
    return view


class ReferralsSection(QWidget):
    def __init__(self, ctx: SectionContext) -> None:
        super().__init__()
        self.setObjectName("referralsSection")
        self.state, self.window = ctx.state, ctx.window
        self.patient_id: int | None = None
        self.model = RowsTableModel(referral_columns(with_patient=False), self)
        self.table = _table(self.model, "referralsTable")
        self.steps_model = RowsTableModel(step_columns(), self)
        self.steps = _table(self.steps_model, "referralSteps")
        self.shares_model = RowsTableModel(share_columns(), self)
        self.shares = _table(self.shares_model, "documentShares")
        self.links_model = RowsTableModel(link_columns(), self)
        self.links = _table(self.links_model, "linkedServices")
        self.summary = QLabel()
        self.summary.setObjectName("referralsSummary")
        self.new_button = QPushButton("New referral…")
        self.step_button = QPushButton("Next step…")
        self.print_button = QPushButton("Print letter…")
        self.link_button = QPushButton("Link a service…")
        self.error = error_label()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for b in (self.new_button, self.step_button, self.print_button, self.link_button):
            bar.addWidget(b)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        for title, view in (
            ("History of the chosen referral", self.steps),
            ("Documents shared from this record", self.shares),
            ("Community services for this patient", self.links),
        ):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(view)
            lower_layout.addLayout(box, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.new_button.clicked.connect(self.new_referral)
        self.step_button.clicked.connect(self.next_step)
        self.print_button.clicked.connect(self.print_letter)
        self.link_button.clicked.connect(self.link_service)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen())

    # -- data
    def show_record(self, rec) -> None:
        self.patient_id = rec.id
        self.refresh()

    def refresh(self) -> None:
        chosen = self.current()
        ws, actor = self.state.ws, self.state.actor
        rows = refs.patient_referrals(ws, actor, self.patient_id)
        self.model.set_rows(rows)
        self.shares_model.set_rows(letters.shares_for(ws, actor, self.patient_id))
        self.links_model.set_rows(directory.patient_resources(ws, actor, self.patient_id))
        open_rows = [r for r in rows if r.is_open]
        overdue = sum(r.overdue for r in open_rows)
        self.summary.setText(
            f"{len(open_rows)} open, {len(rows) - len(open_rows)} past"
            + (f" — <b>{overdue} waiting too long</b>" if overdue else "")
        )
        index = next((n for n, r in enumerate(rows) if chosen and r.id == chosen.id), 0)
        if rows:
            self.table.selectRow(index)
        self._chosen()

    def current(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def _chosen(self) -> None:
        row = self.current()
        actor = self.state.actor
        self.new_button.setEnabled(can(actor, Permission.EDIT_CARE_PLANS))
        self.link_button.setEnabled(can(actor, Permission.EDIT_PATIENTS))
        self.step_button.setEnabled(bool(row and refs.NEXT[refs.S(row.status)]))
        self.print_button.setEnabled(bool(row) and can(actor, Permission.EXPORT_DATA))
        self.steps_model.set_rows(refs.referral_steps(self.state.ws, actor, row.id) if row else [])

    # -- actions
    def new_referral(self) -> ReferralDialog:
        dialog = ReferralDialog(self.state, self.patient_id, self)
        dialog.open()
        return dialog

    def link_service(self) -> LinkResourceDialog:
        dialog = LinkResourceDialog(self.state, self.patient_id, self)
        dialog.open()
        return dialog

    def next_step(self) -> StepDialog | None:
        row = self.current()
        if row is None:
            return None
        dialog = StepDialog(self.state, row, self)
        dialog.open()
        return dialog

    def print_letter(self):
        from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

        row = self.current()
        if row is None:
            return None
        ws, actor, rid = self.state.ws, self.state.actor, row.id

        def make() -> bytes:
            return letters.render_letter(ws, actor, rid, purpose="preview")[0]

        dialog = PdfPreviewDialog(
            "Referral letter",
            make,
            start_job=start_job,
            suggested_name="referral-letter.pdf",
            parent=self,
        )
        dialog.document_printed.connect(lambda pages: self._output(rid, "printed", pages))
        dialog.document_saved.connect(
            lambda _where: self._output(rid, "saved", len(dialog._sizes) or 1)
        )
        dialog.open()
        return dialog

    def _output(self, rid: int, how: str, pages: int) -> None:
        try:
            changes = letters.record_output(
                self.state.ws, self.state.actor, rid, how=how, pages=pages
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.state.publish_changes(changes)


def _section(ctx: SectionContext) -> QWidget:
    return ReferralsSection(ctx)


REFERRALS_SECTION = SectionSpec(
    "referrals",
    "Referrals",
    Permission.VIEW_PATIENTS,
    _section,
    frozenset({Kind.REFERRALS}),
    60,
)
