"""Reading generated PDFs back: page texts and every text run with its size and position."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class Run:
    page: int
    text: str
    x: float
    y: float
    size: float


def pages(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def runs(pdf: bytes) -> list[Run]:
    reader = PdfReader(io.BytesIO(pdf))
    found: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                scale = abs(tm[3]) * abs(cm[3]) or 1.0
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                found.append(Run(number, text.strip(), x, y, size * scale))

        page.extract_text(visitor_text=visit)
    return found
