"""One-page printable "recovery kit" PDF for a CareCoord workspace.

The practice prints this page and keeps it in its safe. It carries the workspace
recovery key, which unlocks the encrypted database when the computer's keystore
no longer holds the key.

Rendering uses reportlab Platypus with the PDF standard fonts, so every piece of
text (including the key) is real, selectable text. No Qt and no database access.
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

__all__ = ["RecoveryKit", "render_recovery_kit"]

PDF_TITLE = "CareCoord recovery kit"
PDF_AUTHOR = "CareCoord Desktop"
DOCUMENT_TITLE = "CareCoord Desktop \u2014 Workspace recovery kit"
DEMO_BANNER = "DEMO WORKSPACE \u2014 synthetic data only"

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_SIDE_MARGIN = 22 * mm
_TOP_MARGIN = 18 * mm
_BOTTOM_MARGIN = 22 * mm
_FRAME_WIDTH = _PAGE_WIDTH - 2 * _SIDE_MARGIN

_KEY_FONT = "Courier-Bold"
_KEY_FONT_SIZE = 20.0
_KEY_MIN_FONT_SIZE = 11.0
_KEY_MAX_LINES = 3
_KEY_BOX_PADDING = 14.0

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Palette: restrained, prints well in greyscale.
_INK = colors.HexColor("#1f2933")
_MUTED = colors.HexColor("#52606d")
_ACCENT = colors.HexColor("#0b5563")
_RULE = colors.HexColor("#cbd2d9")
_KEY_BG = colors.HexColor("#f5f7fa")
_DEMO_BG = colors.HexColor("#fff3c4")
_DEMO_BORDER = colors.HexColor("#b7791f")
_DEMO_INK = colors.HexColor("#7c4a03")


@dataclass(frozen=True)
class RecoveryKit:
    practice_name: str
    workspace_id: str  # a UUID string
    created_at: datetime  # timezone-aware
    recovery_key: str  # e.g. "7K3M-Q9XA-...": 9 groups of 4 chars joined by '-'
    created_by: str  # full name of the administrator who created the workspace
    is_demo: bool = False


def render_recovery_kit(kit: RecoveryKit, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the PDF to `out` (a path str/Path or a binary file-like object)."""
    pdf = _build_pdf(kit)
    if isinstance(out, (str, os.PathLike)):
        # The page holds a secret: create the file readable by the owner only.
        fd = os.open(os.fspath(out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
    else:
        out.write(pdf)


# ---------------------------------------------------------------------------
# Building


def _build_pdf(kit: RecoveryKit) -> bytes:
    _validate(kit)
    buffer = io.BytesIO()
    frame = Frame(
        _SIDE_MARGIN,
        _BOTTOM_MARGIN,
        _FRAME_WIDTH,
        _PAGE_HEIGHT - _TOP_MARGIN - _BOTTOM_MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_SIDE_MARGIN,
        rightMargin=_SIDE_MARGIN,
        topMargin=_TOP_MARGIN,
        bottomMargin=_BOTTOM_MARGIN,
        pageTemplates=[PageTemplate(id="kit", frames=[frame], onPageEnd=_draw_footer)],
        title=PDF_TITLE,
        author=PDF_AUTHOR,
        subject="Workspace recovery kit",
        creator=PDF_AUTHOR,
        lang="en-GB",
    )
    doc.build(_story(kit))
    if doc.page != 1:
        raise ValueError(
            f"recovery kit must fit on one page but took {doc.page}; "
            "shorten the practice name or administrator name"
        )
    return buffer.getvalue()


def _validate(kit: RecoveryKit) -> None:
    if not kit.practice_name.strip():
        raise ValueError("practice_name must not be empty")
    if not kit.recovery_key.strip():
        raise ValueError("recovery_key must not be empty")
    if kit.created_at.tzinfo is None or kit.created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    if not (kit.recovery_key.isascii() and kit.recovery_key.isprintable()):
        # Never print a key that could come out subtly different from the real one.
        raise ValueError("recovery_key must contain printable ASCII characters only")


def _pdf_safe(text: str) -> str:
    """Make `text` printable with the PDF standard fonts (WinAnsi / cp1252).

    Characters outside cp1252 (e.g. Welsh w/y with circumflex) fall back to their base
    letter instead of rendering as black boxes; anything else becomes "?".
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                base.encode("cp1252")
            except UnicodeEncodeError:
                base = ""
            out.append(base or "?")
        else:
            out.append(char)
    return "".join(out)


def _text(value: str) -> str:
    """User-supplied text, made printable and escaped for Paragraph markup."""
    return escape(_pdf_safe(value.strip()))


def _format_created_at(value: datetime) -> str:
    """Format as e.g. "22 Nov 2026, 22:10 UTC" (locale-independent)."""
    utc = value.astimezone(UTC)
    return f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M} UTC"


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=9.5, leading=13.5, textColor=_INK, spaceAfter=3
    )
    return {
        "title": ParagraphStyle(
            "title",
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            textColor=_ACCENT,
            spaceAfter=5,
        ),
        "practice": ParagraphStyle(
            "practice",
            fontName="Helvetica-Bold",
            fontSize=21,
            leading=25,
            textColor=_INK,
            spaceAfter=6,
        ),
        "meta": ParagraphStyle(
            "meta", fontName="Helvetica", fontSize=8.5, leading=12, textColor=_MUTED
        ),
        "demo": ParagraphStyle(
            "demo",
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=_DEMO_INK,
            alignment=TA_CENTER,
        ),
        "label": ParagraphStyle(
            "label",
            fontName="Helvetica-Bold",
            fontSize=9,
            leading=12,
            textColor=_MUTED,
            spaceAfter=6,
        ),
        "key_note": ParagraphStyle(
            "key_note",
            fontName="Helvetica",
            fontSize=8.5,
            leading=11,
            textColor=_MUTED,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=_ACCENT,
            spaceBefore=12,
            spaceAfter=4,
        ),
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=1.5),
        "sign_label": ParagraphStyle(
            "sign_label", fontName="Helvetica", fontSize=8, leading=10, textColor=_MUTED
        ),
    }


def _story(kit: RecoveryKit) -> list:
    st = _styles()
    created = _format_created_at(kit.created_at)
    story: list = [
        Paragraph(escape(DOCUMENT_TITLE), st["title"]),
        Paragraph(_text(kit.practice_name), _practice_style(_pdf_safe(kit.practice_name), st)),
        Paragraph(f"Workspace ID: {_text(kit.workspace_id)}", st["meta"]),
        Paragraph(f"Created {escape(created)} by {_text(kit.created_by)}", st["meta"]),
        Spacer(1, 6),
        HRFlowable(width="100%", thickness=0.75, color=_RULE, spaceBefore=0, spaceAfter=12),
    ]

    if kit.is_demo:
        story += [_demo_banner(st), Spacer(1, 12)]

    story += [
        Paragraph("RECOVERY KEY", st["label"]),
        _key_box(kit.recovery_key),
        Paragraph(
            "Dashes are optional when typing the key. Letters are not case-sensitive.",
            st["key_note"],
        ),
    ]

    story += [
        Paragraph("What this key is for", st["heading"]),
        Paragraph(
            "Your practice\u2019s CareCoord information is kept in an encrypted database. "
            "Normally the computer unlocks it automatically with a key held in its secure "
            "keystore. This recovery key is the spare: you need it when the computer no "
            "longer has its own copy, for example when:",
            st["body"],
        ),
        _bullets(
            [
                "CareCoord has been moved to a new or replacement computer;",
                "the computer\u2019s keychain or password store has been locked, reset or wiped;",
                "a backup is being restored on a different computer.",
            ],
            st,
        ),
        Paragraph("How to use it", st["heading"]),
        _numbered(
            [
                "Start CareCoord Desktop.",
                "When it asks for the recovery key, type the key exactly as printed above. "
                "You may leave out the dashes, and capital or small letters both work.",
                "IT staff can also run <font name='Courier'>carecoord --workspace FOLDER "
                "check</font> on the command line; it will ask for the key in the same way.",
            ],
            st,
        ),
        Paragraph("Keep it safe", st["heading"]),
        _bullets(
            [
                "Store this page in the practice safe.",
                "<b>Anyone who has this key and a copy of the database or a backup can read "
                "every patient record.</b>",
                "Do not photograph it, email it, or save it on a shared drive.",
                "If this page is lost, or someone may have seen the key, tell your practice "
                "administrator at once.",
            ],
            st,
        ),
        Spacer(1, 6),
        KeepTogether([Paragraph("Record of safekeeping", st["heading"]), _signature_block(st)]),
    ]
    return story


def _practice_style(name: str, st: dict[str, ParagraphStyle]) -> ParagraphStyle:
    """Shrink the practice name for long names so it stays within three lines."""
    base = st["practice"]
    width = stringWidth(name.strip(), base.fontName, 1.0)
    size = 12.0
    for candidate in (21.0, 19.0, 17.0, 15.0, 13.5):
        # Allow ~10% per line for word-wrapping slack; big sizes get two lines, smaller three.
        max_lines = 2 if candidate > 17.0 else 3
        if width * candidate <= max_lines * _FRAME_WIDTH * 0.9:
            size = candidate
            break
    return ParagraphStyle(f"practice_{size:g}", parent=base, fontSize=size, leading=size * 1.2)


def _demo_banner(st: dict[str, ParagraphStyle]) -> Table:
    table = Table([[Paragraph(escape(DEMO_BANNER), st["demo"])]], colWidths=[_FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _DEMO_BG),
                ("BOX", (0, 0), (-1, -1), 1.25, _DEMO_BORDER),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _key_lines(recovery_key: str) -> tuple[list[str], float]:
    """Split the key into at most three lines of dash-joined groups.

    Returns the lines and a font size at which the longest line fits inside the box.
    """
    groups = [g for g in recovery_key.strip().split("-") if g]
    if len(groups) <= 1:
        # No dashes: cut into groups of four so long keys still wrap.
        compact = recovery_key.strip().replace(" ", "")
        groups = [compact[i : i + 4] for i in range(0, len(compact), 4)]
    # Three groups per line reads best; longer keys get more per line (max three lines),
    # then the lines are balanced so the last one is not left nearly empty.
    per_line = max(3, math.ceil(len(groups) / _KEY_MAX_LINES))
    per_line = math.ceil(len(groups) / math.ceil(len(groups) / per_line))
    lines = ["-".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]

    available = _FRAME_WIDTH - 2 * _KEY_BOX_PADDING
    size = _KEY_FONT_SIZE
    widest = max(stringWidth(line, _KEY_FONT, 1.0) for line in lines)
    if widest * size > available:
        size = max(_KEY_MIN_FONT_SIZE, math.floor(available / widest * 2) / 2)
    if widest * size > available:
        raise ValueError("recovery_key is too long to print on the recovery kit")
    return lines, size


def _key_box(recovery_key: str) -> Table:
    lines, size = _key_lines(recovery_key)
    style = ParagraphStyle(
        "key",
        fontName=_KEY_FONT,
        fontSize=size,
        leading=size * 1.45,
        textColor=colors.black,
        alignment=TA_CENTER,
    )
    markup = "<br/>".join(escape(line) for line in lines)
    table = Table([[Paragraph(markup, style)]], colWidths=[_FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _KEY_BG),
                ("BOX", (0, 0), (-1, -1), 1.5, _INK),
                ("LEFTPADDING", (0, 0), (-1, -1), _KEY_BOX_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _KEY_BOX_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    return table


def _bullets(items: list[str], st: dict[str, ParagraphStyle]) -> ListFlowable:
    return ListFlowable(
        [ListItem(Paragraph(text, st["bullet"]), leftIndent=14) for text in items],
        bulletType="bullet",
        start="\u2022",
        bulletFontName="Helvetica",
        bulletFontSize=9.5,
        bulletColor=_ACCENT,
        leftIndent=14,
    )


def _numbered(items: list[str], st: dict[str, ParagraphStyle]) -> ListFlowable:
    return ListFlowable(
        [ListItem(Paragraph(text, st["bullet"]), leftIndent=16) for text in items],
        bulletType="1",
        bulletFormat="%s.",
        bulletFontName="Helvetica-Bold",
        bulletFontSize=9.5,
        bulletColor=_ACCENT,
        leftIndent=16,
    )


def _signature_block(st: dict[str, ParagraphStyle]) -> Table:
    gap = 14.0
    col = (_FRAME_WIDTH - 2 * gap) / 3
    labels = ["Stored by (name and signature)", "Date", "Location of this page"]
    data = [
        ["", "", "", "", ""],
        [
            Paragraph(labels[0], st["sign_label"]),
            "",
            Paragraph(labels[1], st["sign_label"]),
            "",
            Paragraph(labels[2], st["sign_label"]),
        ],
    ]
    table = Table(
        data,
        colWidths=[col * 1.3, gap, col * 0.7, gap, col],
        rowHeights=[30, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.75, _INK),
                ("LINEBELOW", (2, 0), (2, 0), 0.75, _INK),
                ("LINEBELOW", (4, 0), (4, 0), 0.75, _INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
            ]
        )
    )
    return table


def _draw_footer(canvas, doc) -> None:
    canvas.saveState()
    y = _BOTTOM_MARGIN - 10 * mm
    canvas.setStrokeColor(_RULE)
    canvas.setLineWidth(0.5)
    canvas.line(_SIDE_MARGIN, y + 10, _PAGE_WIDTH - _SIDE_MARGIN, y + 10)
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(_MUTED)
    canvas.drawString(_SIDE_MARGIN, y, "Generated by CareCoord Desktop")
    canvas.drawCentredString(_PAGE_WIDTH / 2, y, "Confidential \u2014 keep in the practice safe")
    canvas.drawRightString(_PAGE_WIDTH - _SIDE_MARGIN, y, f"Page {doc.page} of 1")
    canvas.restoreState()
