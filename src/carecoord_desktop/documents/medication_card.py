"""The patient's medication card: large print, plain words, what to take when (a morning /
midday / evening / bedtime grid), medicines taken only when needed, what was stopped and why,
allergies, and the practice's phone number. Fed plain data; no session, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from carecoord_desktop.documents.med_page import (
    ACCENT,
    FRAME_WIDTH,
    INK,
    MUTED,
    RULE,
    SHADE,
    WARN,
    WARN_BG,
    DocPatient,
    DocPractice,
    build,
    day,
    fonts,
    text,
)

TITLE = "My medicines"
TIMES = (("morning", "Morning"), ("midday", "Midday"), ("evening", "Evening"), ("night", "Bedtime"))
NOT_RECOGNISED_NOTE = "Not checked by the practice's medicine checker: ask your pharmacist."


@dataclass(frozen=True)
class CardMedicine:
    name: str  # as the patient knows it: "Lasix (furosemide) 40 mg"
    dose: str = ""  # per dose: "1 tablet", "2 puffs"
    times: tuple[str, ...] = ()  # of morning, midday, evening, night
    how: str = ""  # "with food", "twice a day", "when needed for pain"
    what_for: str = ""
    when_needed: bool = False
    recognised: bool = True


@dataclass(frozen=True)
class CardStopped:
    name: str
    reason: str = ""
    stopped_on: date | None = None


@dataclass(frozen=True)
class MedicationCard:
    practice: DocPractice
    patient: DocPatient
    printed: date
    medicines: list[CardMedicine] = field(default_factory=list)
    stopped: list[CardStopped] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)  # "Penicillin (rash)"
    allergy_status: str = ""  # "No known allergies" / "Not recorded" when the list is empty
    reviewed: str = ""  # "Checked by Dr Greg Lee on 1 Dec 2026"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=14, leading=18, textColor=INK)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=bold),
        "small": ParagraphStyle("small", parent=body, fontSize=12, leading=15, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=26, leading=31, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=18,
            leading=23,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=13, leading=16),
        "dose": ParagraphStyle(
            "dose", parent=body, fontName=bold, fontSize=13, leading=16, alignment=1
        ),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName=bold,
            fontSize=13,
            leading=16,
            alignment=1,
            textColor=ACCENT,
        ),
        "warn": ParagraphStyle("warn", parent=body, fontName=bold, textColor=WARN),
    }


def _medicine_cell(m: CardMedicine, st) -> list[Flowable]:
    parts = [Paragraph(f"<b>{text(m.name)}</b>", st["cell"])]
    extra = [x for x in (m.how, f"For: {m.what_for}" if m.what_for else "") if x]
    if extra:
        parts.append(Paragraph(text(" · ".join(extra)), st["small"]))
    if not m.recognised:
        parts.append(Paragraph(text(NOT_RECOGNISED_NOTE), st["small"]))
    return parts


def _grid(meds: list[CardMedicine], st) -> Table:
    widths = [FRAME_WIDTH - 4 * 27 * mm] + [27 * mm] * 4
    rows: list[list] = [
        [Paragraph("Medicine", st["head"])] + [Paragraph(label, st["head"]) for _, label in TIMES]
    ]
    for m in meds:
        mark = m.dose or "Take"
        rows.append(
            [_medicine_cell(m, st)]
            + [Paragraph(text(mark) if key in m.times else "", st["dose"]) for key, _ in TIMES]
        )
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.8, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    for r in range(2, len(rows), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _simple_list(items: list[list[Flowable]]) -> Table:
    table = Table([[cell] for cell in items], colWidths=[FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def story(card: MedicationCard) -> list[Flowable]:
    st = _styles()
    out: list[Flowable] = [Paragraph(TITLE, st["title"])]
    intro = "Take your medicines as shown. Bring this card to every appointment and to hospital."
    out += [Paragraph(text(intro), st["body"])]
    if card.reviewed:
        out.append(Paragraph(text(card.reviewed), st["small"]))
    out.append(Spacer(1, 4 * mm))
    timed = [m for m in card.medicines if m.times and not m.when_needed]
    untimed = [m for m in card.medicines if not m.times and not m.when_needed]
    needed = [m for m in card.medicines if m.when_needed]
    if not card.medicines:
        out.append(Paragraph("You have no medicines on the practice's list.", st["body"]))
    if timed:
        out += [Paragraph("What to take when", st["h2"]), _grid(timed, st)]
    if untimed:
        out.append(Paragraph("Take as the label says", st["h2"]))
        out.append(_simple_list([_medicine_cell(m, st) for m in untimed]))
    if needed:
        out.append(Paragraph("Only when you need it", st["h2"]))
        out.append(_simple_list([_medicine_cell(m, st) for m in needed]))
    if card.stopped:
        cells = []
        for s in card.stopped:
            when = f" (stopped {day(s.stopped_on)})" if s.stopped_on else ""
            cells.append(
                [
                    Paragraph(f"<b>{text(s.name)}</b>{text(when)}", st["cell"]),
                    Paragraph(text(f"Why: {s.reason}" if s.reason else ""), st["small"]),
                ]
            )
        out.append(
            KeepTogether(
                [Paragraph("Stopped: do not take these any more", st["h2"]), _simple_list(cells)]
            )
        )
    out.append(Paragraph("Allergies", st["h2"]))
    if card.allergies:
        box = Table(
            [[Paragraph(text(", ".join(card.allergies)), st["warn"])]], colWidths=[FRAME_WIDTH]
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), WARN_BG),
                    ("BOX", (0, 0), (-1, -1), 1, WARN),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        out.append(box)
    else:
        out.append(Paragraph(text(card.allergy_status or "Not recorded"), st["body"]))
    out.append(Spacer(1, 6 * mm))
    phone = card.practice.phone.replace(" ", "\u00a0")  # a number never breaks across lines
    ask = f"Questions? Call {card.practice.name or 'the practice'}" + (
        f" on {phone}." if phone else "."
    )
    out.append(Paragraph(f"<b>{text(ask)}</b>", st["body"]))
    return out


def render_medication_card(card: MedicationCard) -> bytes:
    return build(
        story(card),
        title=TITLE,
        practice=card.practice,
        patient=card.patient,
        printed=card.printed,
        large=True,
    )
