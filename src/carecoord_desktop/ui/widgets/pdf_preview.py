"""Print preview of a real PDF: the pages PDFium renders, page by page, with zoom, Print and Save.

Generic: it takes a title and a callable that returns the PDF's bytes, so any feature (care plan,
handout, medication card) reuses it. The callable runs on a worker through the `start_job` the
caller passes (ui/shell/workers.start_job: this kit may not import the shell), never on the GUI
thread. Printing paints page images rendered at the printer's resolution, so what comes out of
the printer is what the preview showed. The dialog says what was printed or saved through its
signals; the caller audits them (a widget knows no service).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.ui.widgets.messages import error_label, show_error

__all__ = ["PdfPreviewDialog", "render_page_images"]

# PDFium is not thread-safe: the preview (GUI thread) and a print job (worker) take turns.
_PDFIUM = threading.Lock()
_POINTS_PER_INCH = 72.0
_PRINT_DPI_CAP = 300  # enough for text and charts; 600 dpi A4 pages would be ~140 MB each
_ZOOMS = (("Fit width", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("150%", 1.5))
_SCREEN_DPI = 96.0
_DESK = "background: #8a939c;"  # the grey the page lies on, as in every PDF viewer

StartJob = Callable[..., Any]


def _to_image(page, scale: float) -> QImage:
    bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255))
    fmt = QImage.Format.Format_RGBA8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt)
    return image.copy()  # own the pixels: the bitmap's buffer goes with the bitmap


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            return [tuple(doc[i].get_size()) for i in range(len(doc))]
        finally:
            doc.close()


def render_page_images(pdf: bytes, dpi: float, pages: list[int] | None = None) -> list[QImage]:
    """The pages (0-based; all by default) as images at `dpi`. Safe on a worker: QImage is."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            wanted = range(len(doc)) if pages is None else pages
            return [_to_image(doc[i], dpi / _POINTS_PER_INCH) for i in wanted]
        finally:
            doc.close()


class PdfPreviewDialog(QDialog):
    """Shows the document `make_pdf()` returns; Print… and Save as PDF… act on those bytes."""

    pdf_loaded = Signal(int)  # pages
    pdf_failed = Signal(str)
    document_printed = Signal(int)  # pages sent to the printer
    document_saved = Signal(str)  # where

    def __init__(
        self,
        title: str,
        make_pdf: Callable[[], bytes],
        *,
        start_job: StartJob,
        suggested_name: str = "document.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(f"Print preview — {title}")
        self.resize(900, 1000)
        self._make_pdf, self._start_job = make_pdf, start_job
        self._suggested = suggested_name
        self.pdf: bytes | None = None
        self._sizes: list[tuple[float, float]] = []
        self.page = 0
        self._zoom = 0.0  # 0 = fit width
        self._build()
        self._set_busy("Preparing the document…")
        self._job = start_job(self, make_pdf, on_done=self._loaded, on_failed=self._failed)

    # -- layout

    def _build(self) -> None:
        self.prev_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setMinimumWidth(110)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_box = QComboBox()
        self.zoom_box.setAccessibleName("Zoom")
        for label, value in _ZOOMS:
            self.zoom_box.addItem(label, value)
        self.save_button = QPushButton("Save as PDF…")
        self.print_button = QPushButton("Print…")
        self.print_button.setDefault(True)
        close_button = QPushButton("Close")
        bar = QHBoxLayout()
        for widget in (self.prev_button, self.page_label, self.next_button, QLabel("Zoom:")):
            bar.addWidget(widget)
        bar.addWidget(self.zoom_box)
        bar.addStretch(1)
        for widget in (self.save_button, self.print_button, close_button):
            bar.addWidget(widget)

        self.image = QLabel()
        self.image.setObjectName("pageImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName("Page image")
        self.image.setStyleSheet(_DESK)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = error_label()

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.scroll, 1)

        self.prev_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.zoom_box.currentIndexChanged.connect(self._zoom_chosen)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_document)
        close_button.clicked.connect(self.reject)
        keys = (
            (QKeySequence.StandardKey.MoveToNextPage, lambda: self.show_page(self.page + 1)),
            (QKeySequence.StandardKey.MoveToPreviousPage, lambda: self.show_page(self.page - 1)),
            (QKeySequence.StandardKey.ZoomIn, lambda: self._step_zoom(+1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self._step_zoom(-1)),
            (QKeySequence.StandardKey.Print, self.print_document),
            (QKeySequence.StandardKey.Save, self.save_as),
        )
        for key, slot in keys:
            QShortcut(QKeySequence(key), self, activated=slot)

    def _set_busy(self, text: str) -> None:
        self.image.setPixmap(QPixmap())
        self.image.setMinimumSize(0, 0)
        self.image.setText(text)
        self.image.setStyleSheet(_DESK + "color: white; font-size: 14pt;")
        for widget in (self.prev_button, self.next_button, self.save_button, self.print_button):
            widget.setEnabled(False)
        self.zoom_box.setEnabled(False)
        self.page_label.setText("")

    # -- loading

    def _loaded(self, pdf: bytes) -> None:
        try:
            sizes = page_sizes(pdf)
        except Exception as exc:  # not a PDF: say so rather than show an empty window
            self._failed(exc)
            return
        self.pdf, self._sizes = pdf, sizes
        self.image.setStyleSheet(_DESK)
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.zoom_box.setEnabled(True)
        self.show_page(0)
        self.pdf_loaded.emit(len(sizes))

    def _failed(self, error: object) -> None:
        self._set_busy("The document could not be made.")
        show_error(self.error, f"The document could not be made: {error}")
        self.pdf_failed.emit(str(error))

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    # -- viewing

    def _scale(self) -> float:
        """Device pixels per PDF point for the chosen zoom."""
        if self._zoom:
            return self._zoom * _SCREEN_DPI / _POINTS_PER_INCH * self.devicePixelRatioF()
        width_pt = self._sizes[self.page][0]
        room = max(200, self.scroll.viewport().width() - 24)
        return room / width_pt * self.devicePixelRatioF()

    def show_page(self, index: int) -> None:
        if not self._sizes:
            return
        self.page = max(0, min(index, len(self._sizes) - 1))
        scale = self._scale()
        image = render_page_images(self.pdf, scale * _POINTS_PER_INCH, [self.page])[0]
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setText("")
        self.image.setPixmap(pixmap)
        # At least the page's size, or the scroll area squeezes the label and the page's top
        # and bottom are cut off instead of scrolled to.
        self.image.setMinimumSize(pixmap.deviceIndependentSize().toSize())
        self.scroll.verticalScrollBar().setValue(0)
        self.page_label.setText(f"Page {self.page + 1} of {len(self._sizes)}")
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < len(self._sizes) - 1)

    def _zoom_chosen(self, index: int) -> None:
        self._zoom = float(self.zoom_box.itemData(index))
        self.show_page(self.page)

    def _step_zoom(self, step: int) -> None:
        if self.zoom_box.isEnabled():
            index = max(0, min(self.zoom_box.currentIndex() + step, self.zoom_box.count() - 1))
            self.zoom_box.setCurrentIndex(index)

    def resizeEvent(self, event) -> None:  # Qt override: "fit width" follows the window
        super().resizeEvent(event)
        if self._sizes and not self._zoom:
            self.show_page(self.page)

    # -- saving

    def save_as(self) -> None:
        if self.pdf is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save as PDF", self._suggested, "PDF documents (*.pdf)"
        )
        if path:
            self.save_to(path)

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        partial = target.with_name(target.name + ".part")
        try:
            # Written whole, then renamed: a full disk never leaves half a PDF under the name.
            partial.write_bytes(self.pdf or b"")
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            show_error(self.error, f"Could not save to {target}: {exc.strerror or exc}.")
            return False
        self.error.hide()
        self.document_saved.emit(str(target))
        return True

    # -- printing

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        width, height = self._sizes[0]
        printer.setPageSize(QPageSize(QSizeF(width, height), QPageSize.Unit.Point))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        # The PDF carries its own margins: paint each page edge to edge.
        printer.setFullPage(True)
        printer.setPageMargins(QMarginsF(0, 0, 0, 0))
        printer.setDocName(self.windowTitle())
        return printer

    def print_document(self) -> None:
        if self.pdf is None:
            return
        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        dialog.setOptions(dialog.options() | QPrintDialog.PrintDialogOption.PrintPageRange)
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render the chosen pages at the printer's resolution on a worker, then paint them."""
        first, last = printer.fromPage(), printer.toPage()
        if printer.printRange() != QPrinter.PrintRange.PageRange or not first:
            first, last = 1, self.page_count
        pages = list(range(first - 1, min(last, self.page_count)))
        dpi = min(printer.resolution(), _PRINT_DPI_CAP)
        self.print_button.setEnabled(False)
        self.page_label.setText("Printing…")
        self._print_job = self._start_job(
            self,
            render_page_images,
            self.pdf,
            dpi,
            pages,
            on_done=lambda images: self._paint(printer, images),
            on_failed=self._print_failed,
        )

    def _paint(self, printer: QPrinter, images: list[QImage]) -> None:
        painter = QPainter()
        if not painter.begin(printer):
            self._print_failed("the printer could not be opened")
            return
        try:
            for number, image in enumerate(images):
                if number:
                    printer.newPage()
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                painter.setWindow(0, 0, target.width(), target.height())
        finally:
            painter.end()
        self.print_button.setEnabled(True)
        self.show_page(self.page)
        self.document_printed.emit(len(images))

    def _print_failed(self, error: object) -> None:
        self.print_button.setEnabled(True)
        self.show_page(self.page)
        show_error(self.error, f"Printing did not work: {error}")
