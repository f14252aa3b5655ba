"""The page furniture of the medicine documents: practice and patient identifiers at the top of
every page, "page x of y" and the print date below, real (selectable) text throughout.

Fonts: Vera, which reportlab ships (embedded, subset), so a medicine's or a patient's name with
accents prints as written on every machine. When the shared document style of the care plan
documents (documents/style.py) is merged, these two documents should take it instead.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#0b5563")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#eef2f5")
WARN = colors.HexColor("#9b1c1c")
WARN_BG = colors.HexColor("#fde8e8")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN


@dataclass(frozen=True)
class DocPatient:
    name: str  # "QUILL, Ada"
    practice_id: str
    date_of_birth: date


@dataclass(frozen=True)
class DocPractice:
    name: str
    phone: str = ""
    demo: bool = False  # a demo workspace: every page says the data is synthetic


@functools.cache
def fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("MedSans", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("MedSans-Bold", "VeraBd.ttf"))
    pdfmetrics.registerFontFamily(
        "MedSans",
        normal="MedSans",
        bold="MedSans-Bold",
        italic="MedSans",
        boldItalic="MedSans-Bold",
    )
    return "MedSans", "MedSans-Bold"


def text(value: object) -> str:
    """Plain text for a Paragraph: markup characters escaped, never interpreted."""
    plain = "" if value is None else str(value)
    # Vera has no arrow: "dose 40 mg → 80 mg" reads as well with "to".
    return escape(plain.replace(" → ", " to ").replace("→", " to "))


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


class _NumberedCanvas(Canvas):
    """Draws "page x of y" once the number of pages is known."""

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._footer = footer

    def showPage(self):  # reportlab names it
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


def build(
    story: Sequence[Flowable],
    *,
    title: str,
    practice: DocPractice,
    patient: DocPatient,
    printed: date,
    large: bool = False,
) -> bytes:
    """The PDF of `story` with the header and footer on every page."""
    regular, bold = fonts()
    head = 24 * mm if large else 20 * mm
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author=practice.name or "CareCoord Desktop",
        subject=title,
        creator="CareCoord Desktop",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + head,
        bottomMargin=MARGIN + 10 * mm,
    )
    frame = Frame(
        MARGIN,
        MARGIN + 10 * mm,
        FRAME_WIDTH,
        PAGE_HEIGHT - 2 * MARGIN - head - 10 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    size = 12 if large else 9

    def header(canvas: Canvas, _doc) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN
        canvas.setFillColor(ACCENT)
        canvas.setFont(bold, size + 2)
        canvas.drawString(MARGIN, top - size, practice.name or "CareCoord Desktop")
        canvas.setFillColor(INK)
        canvas.setFont(bold, size + 2)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top - size, patient.name)
        canvas.setFont(regular, size)
        canvas.setFillColor(MUTED)
        left = f"Phone {practice.phone}" if practice.phone else title
        canvas.drawString(MARGIN, top - 2.2 * size, left)
        born = f"Born {day(patient.date_of_birth)}  ·  {patient.practice_id}"
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 2.2 * size, born)
        if practice.demo:
            canvas.setFillColor(WARN)
            canvas.setFont(bold, size)
            canvas.drawCentredString(
                PAGE_WIDTH / 2, top - 3.4 * size, "DEMO WORKSPACE: synthetic data only"
            )
        canvas.setStrokeColor(RULE)
        canvas.line(
            MARGIN,
            PAGE_HEIGHT - MARGIN - head + 4 * mm,
            PAGE_WIDTH - MARGIN,
            PAGE_HEIGHT - MARGIN - head + 4 * mm,
        )
        canvas.restoreState()

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, size - 1)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN, f"{title}  ·  printed {day(printed)}")
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, f"Page {number} of {total}")
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])
    doc.build(list(story), canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return out.getvalue()
