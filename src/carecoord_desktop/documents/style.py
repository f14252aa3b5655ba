"""The one look of CareCoord's clinical documents: embedded fonts, palette, paragraph styles, and
the furniture on every page (practice and patient identifiers at the top, page x of y below).

Fonts: DejaVu Sans, shipped in resources/fonts (it carries Latin, Greek, Cyrillic, Arabic and
Hebrew; the PDF standard fonts carry only Latin-1), embedded as a subset. Where the file is
missing (a damaged install) reportlab's own Vera is used, which covers Latin text only.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape as _html_escape
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#0b5563")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#eef2f5")
WARN = colors.HexColor("#9b1c1c")
WARN_BG = colors.HexColor("#fde8e8")
DEMO_INK = colors.HexColor("#7c4a03")

PAGE_WIDTH, PAGE_HEIGHT = A4
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    full_unicode: bool  # False: the Latin-only fallback


def _font_dirs() -> list[Path]:
    dirs = []
    if hasattr(sys, "_MEIPASS"):
        dirs.append(Path(sys._MEIPASS) / "resources" / "fonts")
    dirs.append(Path(__file__).resolve().parents[3] / "resources" / "fonts")
    dirs.append(Path("/usr/share/fonts/truetype/dejavu"))  # Debian's fonts-dejavu-core
    return dirs


@functools.cache
def fonts() -> Fonts:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in _font_dirs():
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("CareSans", str(regular)))
            pdfmetrics.registerFont(TTFont("CareSans-Bold", str(bold)))
            break
    else:
        pdfmetrics.registerFont(TTFont("CareSans", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("CareSans-Bold", "VeraBd.ttf"))
        pdfmetrics.registerFontFamily("CareSans", normal="CareSans", bold="CareSans-Bold")
        return Fonts("CareSans", "CareSans-Bold", full_unicode=False)
    pdfmetrics.registerFontFamily(
        "CareSans",
        normal="CareSans",
        bold="CareSans-Bold",
        italic="CareSans",
        boldItalic="CareSans-Bold",
    )
    return Fonts("CareSans", "CareSans-Bold", full_unicode=True)


def styles(body_size: float) -> dict[str, ParagraphStyle]:
    """Body, small, headings and table text at a base size (10 pt plan, 14+ pt handout)."""
    f = fonts()
    lead = 1.3
    body = ParagraphStyle(
        "body", fontName=f.regular, fontSize=body_size, leading=body_size * lead, textColor=INK
    )
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=f.bold),
        "small": ParagraphStyle(
            "small",
            parent=body,
            fontSize=body_size * 0.82,
            leading=body_size * 0.82 * lead,
            textColor=MUTED,
        ),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=body_size * 0.92, leading=body_size * 0.92 * 1.25
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=body,
            fontName=f.bold,
            fontSize=body_size * 0.92,
            leading=body_size * 0.92 * 1.25,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=f.bold,
            fontSize=body_size * 2,
            leading=body_size * 2.4,
            textColor=ACCENT,
            spaceAfter=body_size * 0.3,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=body_size * 1.3,
            leading=body_size * 1.6,
            textColor=ACCENT,
            spaceBefore=body_size * 1.1,
            spaceAfter=body_size * 0.35,
            keepWithNext=True,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=f.bold,
            fontSize=body_size * 1.05,
            leading=body_size * 1.35,
            spaceBefore=body_size * 0.5,
            keepWithNext=True,
        ),
    }


def esc(text: object) -> str:
    """Text as Paragraph markup: typed characters can never become tags."""
    # html.escape, not xml.sax.saxutils: that one pulls in urllib (~15 ms of a new process).
    return _html_escape(str(text), quote=False).replace("\n", "<br/>")


def day(value: date | None, *, empty: str = "—") -> str:
    """An unambiguous date for any reader: '5 March 2026' (never 05/03, which is two dates)."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_day(value: date | None, *, empty: str = "—") -> str:
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {_MONTHS[value.month - 1][:3]} {value.year}"


def day_and_time(value: datetime) -> str:
    """'Tuesday 14 April 2026 at 10:30'."""
    return f"{_DAYS[value.weekday()]} {day(value)} at {value:%H:%M}"


def number(value: float) -> str:
    """7.0 → '7', 7.25 → '7.25': a target reads as typed."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"


@dataclass(frozen=True)
class Furniture:
    """What every page carries; drawn after the page's content, once the page count is known."""

    practice_line: str  # bold, top left
    practice_detail: str  # small, under it
    title_line: str  # top right: "Care plan · version 3 · 5 March 2026"
    patient_line: str  # under the rule: the patient's identifiers
    footer_line: str  # bottom left
    size: float = 8.5  # furniture text size
    is_demo: bool = False
    right_to_left: bool = False

    @property
    def top_height(self) -> float:
        return self.size * 6.2

    @property
    def bottom_height(self) -> float:
        return self.size * 3.2


def furniture_canvas(furniture: Furniture, margin: float = 18 * mm):
    """A canvasmaker for doc.build(): holds each page until the end so 'of y' is known."""

    class _Canvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # reportlab override
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):  # reportlab override
            total = len(self._pages)
            for number_, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, furniture, number_, total, margin)
                Canvas.showPage(self)
            Canvas.save(self)

    return _Canvas


def _draw_furniture(canvas: Canvas, f: Furniture, page: int, total: int, margin: float) -> None:
    from carecoord_desktop.documents.rtl import visual_line  # (rtl uses this module's esc)

    font = fonts()
    left, right = margin, PAGE_WIDTH - margin
    top = PAGE_HEIGHT - margin * 0.7
    start, end = (right, left) if f.right_to_left else (left, right)
    start_at = canvas.drawRightString if f.right_to_left else canvas.drawString
    end_at = canvas.drawString if f.right_to_left else canvas.drawRightString

    def draw_start(x: float, y: float, text: str) -> None:
        start_at(x, y, visual_line(text))

    def draw_end(x: float, y: float, text: str) -> None:
        end_at(x, y, visual_line(text))

    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(font.bold, f.size * 1.25)
    draw_start(start, top - f.size, f.practice_line)
    canvas.setFont(font.bold, f.size * 1.1)
    draw_end(end, top - f.size, f.title_line)
    canvas.setFont(font.regular, f.size)
    canvas.setFillColor(MUTED)
    draw_start(start, top - f.size * 2.4, f.practice_detail)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    rule_y = top - f.size * 3.1
    canvas.line(left, rule_y, right, rule_y)
    canvas.setFillColor(INK)
    canvas.setFont(font.regular, f.size)
    draw_start(start, rule_y - f.size * 1.3, f.patient_line)
    bottom = margin * 0.6
    canvas.setStrokeColor(RULE)
    canvas.line(left, bottom + f.size * 1.6, right, bottom + f.size * 1.6)
    canvas.setFillColor(MUTED)
    draw_start(start, bottom + f.size * 0.3, f.footer_line)
    canvas.setFont(font.bold, f.size)
    canvas.setFillColor(INK)
    draw_end(end, bottom + f.size * 0.3, f"Page {page} of {total}")
    if f.is_demo:
        canvas.setFont(font.bold, f.size)
        canvas.setFillColor(DEMO_INK)
        canvas.drawCentredString(
            PAGE_WIDTH / 2, PAGE_HEIGHT - margin * 0.45, "DEMO PRACTICE — synthetic data only"
        )
    canvas.restoreState()


def patient_line(
    name: str, practice_id: str, born: date | None, national_label: str, national_id: str
) -> str:
    parts: list[str] = [name, f"Practice ID {practice_id}"]
    if born:
        parts.insert(1, f"Born {short_day(born)}")
    if national_id:
        parts.append(f"{national_label or 'ID'} {national_id}")
    return "  ·  ".join(parts)


_LANGUAGES = {
    "en": "English",
    "ar": "Arabic",
    "he": "Hebrew",
    "fa": "Persian",
    "ur": "Urdu",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "el": "Greek",
    "it": "Italian",
    "es": "Spanish",
    "hi": "Hindi",
    "pa": "Punjabi",
    "tl": "Tagalog",
    "ko": "Korean",
    "ru": "Russian",
    "tr": "Turkish",
    "fr": "French",
    "de": "German",
    "pl": "Polish",
    "pt": "Portuguese",
}


def language_name(tag: str) -> str:
    """'ar' → 'Arabic'; an unknown tag prints as given."""
    return _LANGUAGES.get((tag or "").split("-")[0].lower(), tag)


def join_nonempty(parts: Sequence[str], sep: str = "  ·  ") -> str:
    return sep.join(p for p in parts if p)


def render_pages(
    furniture: Furniture,
    margin: float,
    story: Callable[[float], list],
    *,
    template_id: str,
    **info: str,
) -> bytes:
    """A4 pages with the furniture on every page (practice, patient, "Page x of y"): the frame
    between its top and bottom, the story made for the frame's width, and the PDF's metadata
    from `info` (title, author, subject, lang; never a patient's name: metadata travels)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    out = io.BytesIO()
    height = (
        PAGE_HEIGHT - margin * 0.7 - furniture.top_height - margin * 0.6 - furniture.bottom_height
    )
    frame = Frame(
        margin, margin * 0.6 + furniture.bottom_height, PAGE_WIDTH - 2 * margin, height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    template = BaseDocTemplate(
        out,
        pagesize=A4,
        pageTemplates=[PageTemplate(id=template_id, frames=[frame])],
        creator="CareCoord Desktop",
        **info,
    )
    template.build(story(frame._width), canvasmaker=furniture_canvas(furniture, margin))
    return out.getvalue()


def table(
    rows: list[list], widths: Sequence[float], *, header: bool = True, flush_label: bool = False
):
    """The documents' table: ruled rows, a shaded header row repeated on each page; with
    `flush_label` and no header, the first (label) column sits flush with the headings."""
    from reportlab.platypus import Table, TableStyle

    t = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    elif flush_label:
        commands.append(("LEFTPADDING", (0, 0), (0, -1), 0))
    t.setStyle(TableStyle(commands))
    return t
