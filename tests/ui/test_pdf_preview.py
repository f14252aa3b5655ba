"""The print preview shows the real PDF pages, pages through them, saves and prints them."""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog
from tests_support import save_shot


def three_pages() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for n in (1, 2, 3):
        pdf.setFont("Helvetica-Bold", 48)
        pdf.drawString(72, 700, f"Page number {n}")
        pdf.rect(72, 72 + n * 40, 200, 100, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def pdf_bytes():
    return three_pages()


def open_preview(qtbot, make_pdf):
    dialog = PdfPreviewDialog("Test document", make_pdf, start_job=start_job)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pdf_is_made_on_a_worker_and_its_pages_are_shown(qtbot, pdf_bytes):
    threads = []

    def make():
        threads.append(threading.current_thread())
        return pdf_bytes

    dialog = PdfPreviewDialog("Test document", make, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000) as loaded:
        dialog.show()
    assert loaded.args == [3]
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.page_label.text() == "Page 1 of 3"
    assert not dialog.prev_button.isEnabled() and dialog.next_button.isEnabled()
    image = dialog.image.pixmap().toImage()
    assert image.width() > 300
    # The page is really drawn: the filled box is black, the paper white.
    colours = {
        image.pixelColor(x, y).lightness()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert min(colours) < 40 and max(colours) > 240
    save_shot(dialog, "pdf_preview.png")

    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.page_label.text() == "Page 2 of 3"
    dialog.show_page(99)
    assert dialog.page_label.text() == "Page 3 of 3" and not dialog.next_button.isEnabled()


def test_zoom_changes_the_rendered_size(qtbot, pdf_bytes):
    dialog = PdfPreviewDialog("Zoom", lambda: pdf_bytes, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000):
        dialog.show()
    dialog.zoom_box.setCurrentIndex(dialog.zoom_box.findText("50%"))
    small = dialog.image.pixmap().width()
    dialog.zoom_box.setCurrentIndex(dialog.zoom_box.findText("150%"))
    big = dialog.image.pixmap().width()
    assert big == pytest.approx(small * 3, rel=0.02)


def test_save_as_pdf_writes_the_same_bytes(qtbot, pdf_bytes, tmp_path):
    dialog = PdfPreviewDialog("Save", lambda: pdf_bytes, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000):
        dialog.show()
    with qtbot.waitSignal(dialog.document_saved) as saved:
        assert dialog.save_to(tmp_path / "plan")
    assert saved.args == [str(tmp_path / "plan.pdf")]
    assert (tmp_path / "plan.pdf").read_bytes() == pdf_bytes
    assert not list(tmp_path.glob("*.part"))


def test_save_to_a_folder_that_is_not_there_says_so_and_keeps_the_document(
    qtbot, pdf_bytes, tmp_path
):
    dialog = PdfPreviewDialog("Save", lambda: pdf_bytes, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000):
        dialog.show()
    assert not dialog.save_to(tmp_path / "missing" / "plan.pdf")
    assert dialog.error.isVisible() and "Could not save" in dialog.error.text()
    assert dialog.pdf == pdf_bytes and dialog.print_button.isEnabled()


def test_print_paints_every_page_at_printer_resolution(qtbot, pdf_bytes, tmp_path):
    dialog = PdfPreviewDialog("Print", lambda: pdf_bytes, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000):
        dialog.show()
    printer = dialog._printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    with qtbot.waitSignal(dialog.document_printed, timeout=20_000) as printed:
        dialog.print_to(printer)
    assert printed.args == [3]
    reader = PdfReader(tmp_path / "printed.pdf")
    assert len(reader.pages) == 3
    # Same paper as the document, edge to edge.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_print_a_page_range(qtbot, pdf_bytes, tmp_path):
    dialog = PdfPreviewDialog("Print", lambda: pdf_bytes, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000):
        dialog.show()
    printer = dialog._printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setResolution(72)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    with qtbot.waitSignal(dialog.document_printed, timeout=20_000) as printed:
        dialog.print_to(printer)
    assert printed.args == [2]
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2


def test_a_failing_document_is_reported_and_nothing_can_be_printed(qtbot):
    def broken():
        raise ValueError("the plan has no patient")

    dialog = PdfPreviewDialog("Broken", broken, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_failed, timeout=10_000):
        dialog.show()
    assert dialog.error.isVisible()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_bytes_that_are_not_a_pdf_are_reported(qtbot):
    dialog = PdfPreviewDialog("Junk", lambda: b"not a pdf", start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_failed, timeout=10_000):
        dialog.show()
    assert "could not be made" in dialog.error.text()


def test_a_real_care_plan_is_shown_page_by_page(qtbot):
    from carecoord_desktop.documents.careplan_pdf import render_care_plan
    from carecoord_desktop.documents.careplan_sample import sample_plan

    pdf = render_care_plan(sample_plan())
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    dialog = PdfPreviewDialog("Care plan", lambda: pdf, start_job=start_job)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pdf_loaded, timeout=10_000) as loaded:
        dialog.show()
    assert loaded.args == [pages] and pages >= 3
    assert dialog.page_label.text() == f"Page 1 of {pages}"
    # The whole page can be scrolled through: nothing of it is cut off at the top or bottom.
    shown = dialog.image.pixmap().deviceIndependentSize()
    assert dialog.image.height() >= shown.height() > dialog.scroll.viewport().height()
    assert dialog.scroll.verticalScrollBar().maximum() > 0
    assert dialog.scroll.verticalScrollBar().value() == 0
    save_shot(dialog, "pdf_preview_careplan.png")
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.page_label.text() == f"Page 2 of {pages}"
    save_shot(dialog, "pdf_preview_careplan_page2.png")
