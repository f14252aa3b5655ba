"""The medication documents through the one print preview (ui/widgets/pdf_preview): the PDF is
made by the audited service on a worker, and the preview shows its real pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from carecoord_desktop.services.medications import printing
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog


def _show(parent: QWidget, title: str, make_pdf, name: str) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(title, make_pdf, start_job=start_job, suggested_name=name,
                              parent=parent)  # fmt: skip
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def medication_card(parent: QWidget, state, patient_id: int) -> PdfPreviewDialog:
    """The patient's large-print card: what to take when, what was stopped and why."""
    ws, actor = state.ws, state.actor  # as they are now: a later sign-in never prints this one
    return _show(parent, "Medication card",
                 lambda: printing.medication_card(ws, actor, patient_id),
                 "medication-card.pdf")  # fmt: skip


def reconciliation_record(parent: QWidget, state, patient_id: int, rec_id: int) -> PdfPreviewDialog:
    """What changed and why, who decided and who signed."""
    ws, actor = state.ws, state.actor
    return _show(parent, "Reconciliation record",
                 lambda: printing.reconciliation_record(ws, actor, patient_id, rec_id),
                 "reconciliation-record.pdf")  # fmt: skip
