"""The medicine documents' page: the shared A4 furniture of documents/style.py (practice and
patient identifiers at the top of every page, "Page x of y" and the print date below) in the
shared fonts (DejaVu Sans, embedded and subset, so a name with accents prints as written),
with the names the medication card and the reconciliation record already use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from carecoord_desktop.documents import style
from carecoord_desktop.documents.style import (  # noqa: F401 (the medicine documents' names)
    ACCENT,
    INK,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    SHADE,
    WARN,
    WARN_BG,
)

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


def fonts() -> tuple[str, str]:
    f = style.fonts()
    return f.regular, f.bold


def text(value: object) -> str:
    """Plain text for a Paragraph: markup characters escaped, never interpreted."""
    plain = "" if value is None else str(value)
    return escape(plain)


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


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
    furniture = style.Furniture(
        practice_line=practice.name or "CareCoord Desktop",
        practice_detail=f"Phone {practice.phone}" if practice.phone else "",
        title_line=title,
        patient_line=style.patient_line(
            patient.name, patient.practice_id, patient.date_of_birth, "", ""
        ),
        footer_line=f"{title}  ·  printed {day(printed)}",
        size=11 if large else 8.5,
        is_demo=practice.demo,
    )
    return style.render_pages(
        furniture,
        MARGIN,
        lambda _width: list(story),
        template_id="medicines",
        title=title,
        author=practice.name or "CareCoord Desktop",
        subject=title,
    )
