"""The reconciliation record: which lists were compared, each medicine before and after, the
decision and why, who decided, the problems the checks found, and who signed it off and when.
For the patient's file and for the next clinician. Fed plain data; no session, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

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
    DocPatient,
    DocPractice,
    build,
    day,
    fonts,
    text,
)

TITLE = "Medication reconciliation record"


@dataclass(frozen=True)
class RecordList:
    label: str  # "Discharge summary, Royal Melbourne"
    kind: str  # "Current list", "New orders", "Patient reports"
    entered: str  # "typed or pasted", "FHIR file", "the practice's list"
    lines: int
    received_on: date | None = None


@dataclass(frozen=True)
class RecordRow:
    before: str  # the current list's line, "" when it was not on it
    new: str  # the new orders' line, ""
    reported: str  # the patient's account, ""
    status: str  # "Dose changed"
    decision: str  # "Change", "" when undecided
    reason: str = ""
    decided_by: str = ""
    flags: tuple[str, ...] = ()
    not_recognised: bool = False


@dataclass(frozen=True)
class ReconciliationRecord:
    practice: DocPractice
    patient: DocPatient
    printed: date
    state: str  # "Signed off", "Awaiting sign-off", ...
    transition: str  # "Admission 3 Nov – 9 Nov 2026, Royal Melbourne"
    started: str  # "Nina Zhang (Nurse), 1 Dec 2026 10:12"
    lists: list[RecordList] = field(default_factory=list)
    rows: list[RecordRow] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # over the resulting list
    submitted: str = ""
    signed_by: str = ""
    signed_at: datetime | None = None
    note: str = ""
    kb_version: str = ""


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle(
            "head", parent=body, fontName=bold, fontSize=8.5, leading=10.5, textColor=ACCENT
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=18, leading=22, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=12,
            leading=15,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "warn": ParagraphStyle("warn", parent=body, fontSize=8.5, leading=10.5, textColor=WARN),
    }


def _table(rows: list[list], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _line(value: str, st, not_recognised: bool) -> list[Flowable]:
    if not value:
        return [Paragraph("—", st["small"])]
    out: list[Flowable] = [Paragraph(text(value), st["cell"])]
    if not_recognised:
        out.append(Paragraph("not recognised: no checks run", st["warn"]))
    return out


def story(rec: ReconciliationRecord) -> list[Flowable]:
    st = _styles()
    out: list[Flowable] = [Paragraph(TITLE, st["title"])]
    facts = [
        ("Status", rec.state),
        ("Transition", rec.transition or "Not linked to a hospital stay"),
        ("Started by", rec.started),
    ]
    if rec.submitted:
        facts.append(("Submitted for sign-off", rec.submitted))
    out.append(
        _table(
            [
                [Paragraph(f"<b>{text(k)}</b>", st["cell"]), Paragraph(text(v), st["cell"])]
                for k, v in facts
            ],
            [45 * mm, FRAME_WIDTH - 45 * mm],
            header=False,
        )
    )
    out.append(Paragraph("Lists compared", st["h2"]))
    head = [
        Paragraph(h, st["head"])
        for h in ("List", "Source", "How it was entered", "Lines", "Received")
    ]
    body = [
        [
            Paragraph(text(x.kind), st["cell"]),
            Paragraph(text(x.label), st["cell"]),
            Paragraph(text(x.entered), st["cell"]),
            Paragraph(str(x.lines), st["cell"]),
            Paragraph(text(day(x.received_on)), st["cell"]),
        ]
        for x in rec.lists
    ]
    out.append(_table([head, *body], [28 * mm, 58 * mm, 40 * mm, 14 * mm, FRAME_WIDTH - 140 * mm]))
    out.append(Paragraph("What changed and why", st["h2"]))
    head = [
        Paragraph(h, st["head"])
        for h in (
            "Before (current list)",
            "New orders",
            "Patient reports",
            "Status",
            "Decision and reason",
        )
    ]
    body = []
    for r in rec.rows:
        decision = [Paragraph(f"<b>{text(r.decision or 'Not decided')}</b>", st["cell"])]
        if r.reason:
            decision.append(Paragraph(text(r.reason), st["cell"]))
        if r.decided_by:
            decision.append(Paragraph(text(r.decided_by), st["small"]))
        status = [Paragraph(text(r.status), st["cell"])]
        status += [Paragraph(text(f), st["warn"]) for f in r.flags]
        body.append(
            [
                _line(r.before, st, r.not_recognised and bool(r.before)),
                _line(r.new, st, r.not_recognised and bool(r.new)),
                _line(r.reported, st, r.not_recognised and bool(r.reported)),
                status,
                decision,
            ]
        )
    w = FRAME_WIDTH
    out.append(_table([head, *body], [w * 0.2, w * 0.2, w * 0.17, w * 0.19, w * 0.24]))
    if rec.flags:
        out.append(Paragraph("Problems the checks found in the lists", st["h2"]))
        out += [Paragraph(f"• {text(f)}", st["body"]) for f in rec.flags]
    signoff: list[Flowable] = [Paragraph("Sign-off", st["h2"])]
    if rec.signed_by and rec.signed_at:
        signed = (
            f"Signed off by {rec.signed_by} on {day(rec.signed_at.date())} at "
            f"{rec.signed_at:%H:%M}."
        )
        signoff.append(Paragraph(f"<b>{text(signed)}</b>", st["body"]))
        if rec.note:
            signoff.append(Paragraph(text(f"Note: {rec.note}"), st["body"]))
    else:
        signoff.append(
            Paragraph("Not signed off yet: this is not the patient's current list.", st["body"])
        )
    signoff.append(Spacer(1, 4 * mm))
    kb = (
        f"Checked against the practice's offline drug knowledge base {rec.kb_version}. "
        "Medicines marked 'not recognised' were not checked for duplicates or interactions."
    )
    signoff.append(Paragraph(text(kb), st["small"]))
    out.append(KeepTogether(signoff))
    return out


def render_reconciliation_record(rec: ReconciliationRecord) -> bytes:
    return build(
        story(rec), title=TITLE, practice=rec.practice, patient=rec.patient, printed=rec.printed
    )
