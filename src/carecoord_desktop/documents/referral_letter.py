"""The referral letter: to a provider on the patient's care team or a community service.

Fed plain data (no sessions). The shared look of documents/style.py: the practice and the
patient's identifiers on every page, page x of y, real text. One page for a usual referral:
who it is to, why and how soon, the plan goal it serves, the relevant problems, current
medicines and allergies, and the referrer's name with a line to sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from carecoord_desktop.documents import style as st
from carecoord_desktop.documents.careplan_data import PatientIdentifiers, PracticeHeader

_MARGIN = 18 * mm

__all__ = ["Medicine", "Recipient", "ReferralLetter", "render_referral_letter"]


@dataclass(frozen=True)
class Recipient:
    name: str  # "Dr Lena Ortiz" or "Riverbend Community Transport"
    role: str = ""  # "Podiatrist", "Transport"
    organisation: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Medicine:
    name: str
    dose: str = ""  # "500 mg twice a day"


@dataclass(frozen=True)
class ReferralLetter:
    practice: PracticeHeader
    patient: PatientIdentifiers
    recipient: Recipient
    written_on: date
    reason: str
    urgency: str  # "Routine", "Soon (within 2 weeks)", "Urgent (within days)"
    referrer_name: str
    referrer_role: str = ""
    patient_address: str = ""
    patient_phone: str = ""
    plan_goal: str = ""  # the goal in the patient's words
    problems: tuple[str, ...] = ()
    medicines: tuple[Medicine, ...] = ()
    allergies: tuple[str, ...] = ()
    no_known_allergies: bool = False  # "No known allergies" recorded, not just an empty list
    sent_via: str = ""
    reference: str = ""  # "Referral 12"
    printed_at: datetime | None = None
    printed_by: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def render_referral_letter(doc: ReferralLetter) -> bytes:
    if not doc.patient.full_name.strip() or not doc.patient.practice_id.strip():
        raise ValueError("a referral letter needs the patient's name and practice ID")
    furniture = _furniture(doc)
    return st.render_pages(
        furniture,
        _MARGIN,
        lambda width: _story(doc, width),
        template_id="letter",
        title="Referral letter",  # no name: file metadata travels with the file
        author=doc.practice.name,
        subject="Referral",
        lang="en",
    )


def _furniture(doc: ReferralLetter) -> st.Furniture:
    p = doc.patient
    printed = ""
    if doc.printed_at:
        printed = f"Printed {st.short_day(doc.printed_at)} {doc.printed_at:%H:%M}"
        if doc.printed_by:
            printed += f" by {doc.printed_by}"
    return st.Furniture(
        practice_line=doc.practice.name,
        practice_detail=st.join_nonempty(
            [doc.practice.address, doc.practice.phone and f"Phone {doc.practice.phone}"]
        ),
        title_line=st.join_nonempty([doc.reference or "Referral", st.short_day(doc.written_on)]),
        patient_line=st.patient_line(
            p.full_name, p.practice_id, p.date_of_birth, p.national_id_label, p.national_id
        ),
        footer_line=st.join_nonempty([printed, "Confidential health information"]),
        is_demo=doc.practice.is_demo,
    )


def _story(doc: ReferralLetter, width: float) -> list:
    s = st.styles(10)

    def p(text: str, name: str = "body") -> Paragraph:
        return Paragraph(st.esc(text), s[name])

    r = doc.recipient
    story: list = [Paragraph("Referral", s["title"])]
    to_lines = [r.name, r.role, r.organisation, r.address]
    contact = st.join_nonempty([r.phone and f"Phone {r.phone}", r.email])
    left = [
        p("To", "small"),
        *[p(x, "bold" if i == 0 else "body") for i, x in enumerate(to_lines) if x],
    ]
    if contact:
        left.append(p(contact, "small"))
    right = [p("Date", "small"), p(st.day(doc.written_on))]
    if doc.sent_via:
        right += [p("Sent by", "small"), p(doc.sent_via)]
    head = Table([[left, right]], colWidths=[width * 0.62, width * 0.38], hAlign="LEFT")
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [head, Spacer(1, 4 * mm)]

    pt = doc.patient
    who = [
        ["Patient", pt.full_name + (f" ({pt.preferred_name})" if pt.preferred_name else "")],
        ["Born", st.day(pt.date_of_birth)],
        ["Practice ID", pt.practice_id],
    ]
    if pt.national_id:
        who.append([pt.national_id_label or "ID", pt.national_id])
    if doc.patient_address:
        who.append(["Address", doc.patient_address])
    if doc.patient_phone:
        who.append(["Phone", doc.patient_phone])
    if pt.interpreter_needed:
        language = st.language_name(pt.preferred_language) or "their language"
        who.append(["Interpreter", f"Needed ({language})"])
    story.append(_grid([[p(a, "cell_bold"), p(b, "cell")] for a, b in who], width, 0.22))

    story.append(Paragraph("Reason for referral", s["h2"]))
    urgent = doc.urgency.lower().startswith("urgent")
    story.append(
        Paragraph(
            f"<b>Urgency:</b> {st.esc(doc.urgency)}",
            s["bold"] if not urgent else s["bold"].clone("urgent", textColor=st.WARN),
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(p(doc.reason))
    if doc.plan_goal:
        story.append(Spacer(1, 2 * mm))
        story.append(
            Paragraph(f"<b>The care plan goal it serves:</b> {st.esc(doc.plan_goal)}", s["body"])
        )

    story.append(Paragraph("Relevant problems", s["h2"]))
    story += _bullets(doc.problems, "No active problems recorded.", p)

    story.append(Paragraph("Current medicines", s["h2"]))
    if doc.medicines:
        rows = [[p("Medicine", "cell_bold"), p("Dose and how taken", "cell_bold")]]
        rows += [[p(m.name, "cell"), p(m.dose or "—", "cell")] for m in doc.medicines]
        story.append(_grid(rows, width, 0.45, header=True))
    else:
        story.append(p("No current medicines recorded."))

    story.append(Paragraph("Allergies and adverse reactions", s["h2"]))
    if doc.allergies:
        story += _bullets(doc.allergies, "", p)
    else:
        story.append(
            p("No known allergies." if doc.no_known_allergies else "Allergies not yet recorded.")
        )

    sign = [
        Paragraph("Referred by", s["h2"]),
        p(st.join_nonempty([doc.referrer_name, doc.referrer_role], ", ")),
        p(doc.practice.name),
        Spacer(1, 10 * mm),
        _signature_line(width, s),
    ]
    story.append(KeepTogether(sign))
    return story


def _bullets(items, empty: str, p) -> list:
    if not items:
        return [p(empty)] if empty else []
    return [p(f"•  {item}") for item in items]


def _grid(rows: list, width: float, first: float, *, header: bool = False) -> Table:
    table = Table(rows, colWidths=[width * first, width * (1 - first)], hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, st.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if not header:  # a label column: flush with the headings above it
        commands.append(("LEFTPADDING", (0, 0), (0, -1), 0))
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), st.SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.ACCENT),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _signature_line(width: float, s) -> Table:
    table = Table(
        [[Paragraph("Signature", s["small"]), "", Paragraph("Date", s["small"]), ""]],
        colWidths=[width * 0.14, width * 0.46, width * 0.1, width * 0.3],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.6, st.INK),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, st.INK),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table
